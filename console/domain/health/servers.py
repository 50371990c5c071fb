"""Checks of where mail goes out: an active outgoing server, and a default From it accepts."""

from __future__ import annotations

from console.domain.from_filter import match_from_filter
from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Status,
    Thresholds,
    active_servers,
    ok_result,
    unknown_result,
)


def _conf_endpoint(facts: HealthFacts) -> str:
    host = facts.conf.host or "localhost"
    return f"{host}:{facts.conf.port or 25}"


def check_outgoing_server(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Outgoing mail server"
    if facts.servers is None:
        return unknown_result("outgoing_server", title, "ir_mail_server")
    active = active_servers(facts)
    if active:
        names = ", ".join(f"{s.name} ({s.host}:{s.port})" for s in active[:3])
        return ok_result("outgoing_server", title, f"{len(active)} active", f"Active: {names}")
    archived = len(facts.servers)
    why_archived = f" ({archived} archived)" if archived else ""
    if facts.conf.known and facts.conf.host:
        return ok_result(
            "outgoing_server",
            title,
            "odoo.conf smtp",
            f"No active ir_mail_server{why_archived}: Odoo sends through odoo.conf "
            f"smtp_server {_conf_endpoint(facts)}",
        )
    if facts.conf.known:
        where = "odoo.conf sets no smtp_server, so Odoo uses localhost:25"
    else:
        where = (
            "Odoo falls back to odoo.conf smtp_server (localhost:25 when unset; give "
            "odoo-mailq the odoo.conf with -c to check it)"
        )
    return CheckResult(
        "outgoing_server",
        title,
        Status.WARNING,
        "no active outgoing server",
        f"No active outgoing mail server{why_archived}: {where}",
        "Configure and activate an outgoing server (Settings > Technical > Outgoing Mail "
        "Servers), then `odoo-mailq probe`",
    )


def check_default_from(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Default From vs from_filter"
    if facts.servers is None:
        return unknown_result("default_from", title, "ir_mail_server")
    if not facts.default_from:
        return CheckResult(
            "default_from",
            title,
            Status.WARNING,
            "no default From",
            "No default From (alias domain default From, mail.default.from or odoo.conf "
            "email_from): notifications go out with each author's address, which relays "
            "often refuse",
            "Set the alias domain's default From (17+) or mail.default.from (16)",
        )
    active = active_servers(facts)
    if active:
        filters = [s.from_filter for s in active]
        if any(match_from_filter(facts.default_from, flt, facts.version) for flt in filters):
            return ok_result(
                "default_from",
                title,
                "default From allowed",
                f"A server's from_filter allows {facts.default_from} ({facts.default_from_source})",
            )
        shown = "; ".join(f"{s.name}: {s.from_filter}" for s in active[:3])
        listed = facts.version <= 16 and any("," in (flt or "") for flt in filters)
        return CheckResult(
            "default_from",
            title,
            Status.WARNING,
            "default From matches no from_filter",
            f"No active server's from_filter allows the default From {facts.default_from} "
            f"({shown}): Odoo falls back to the first server, and the relay may refuse the "
            "sender (550 sender identity)"
            + (
                ". Odoo 16 reads a from_filter as one address or one domain, not a list"
                if listed
                else ""
            ),
            "Add the domain to a server's from_filter or change the default From to an "
            "address the relay accepts",
        )
    if match_from_filter(facts.default_from, facts.default_from_filter, facts.version):
        return ok_result(
            "default_from", title, "default From allowed", f"Default From {facts.default_from}"
        )
    return CheckResult(
        "default_from",
        title,
        Status.WARNING,
        "default From matches no from_filter",
        f"The default From {facts.default_from} is not allowed by the odoo.conf/ICP from_filter "
        f"{facts.default_from_filter}",
        "Align mail.default.from_filter (or odoo.conf from_filter) with the default From",
    )
