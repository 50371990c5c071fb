"""Checks that say mail cannot reach anyone on purpose: a neutralized copy, a test catcher."""

from __future__ import annotations

from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Status,
    Thresholds,
    active_servers,
    ok_result,
    unknown_result,
)

# The ports and host names of the usual local mail catchers (they accept and keep all).
TEST_CATCHER_PORTS = frozenset({1025, 8025, 2525})
TEST_CATCHER_NAMES = ("mailpit", "mailhog", "smtp4dev", "mailcatcher", "maildev")


def check_neutralized(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Database neutralized"
    if facts.neutralized is None:
        return unknown_result("neutralized", title, "the neutralization flag")
    if facts.neutralized:
        return CheckResult(
            "neutralized",
            title,
            Status.CRITICAL,
            "database neutralized",
            "database.is_neutralized is set: this is a copy (staging/test) where Odoo "
            "deactivated the outgoing servers and crons on purpose, so no mail leaves",
            "Expected on a staging copy. On production, the database was restored as a "
            "copy: restore it as the original (or remove the flag and re-enable servers "
            "and crons deliberately)",
        )
    return ok_result("neutralized", title, "not neutralized", "database.is_neutralized is not set")


def _is_catcher(host: str | None, port: int | None) -> bool:
    lowered = (host or "").lower()
    return (port in TEST_CATCHER_PORTS) or any(n in lowered for n in TEST_CATCHER_NAMES)


def check_test_catcher(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Test mail catcher"
    if facts.servers is None:
        return unknown_result("test_catcher", title, "ir_mail_server")
    targets = [(s.name, s.host, s.port) for s in active_servers(facts)]
    if not targets and facts.conf.known:
        targets = [("odoo.conf", facts.conf.host or "localhost", facts.conf.port or 25)]
    catchers = [(n, h, p) for n, h, p in targets if _is_catcher(h, p)]
    if not catchers:
        return ok_result("test_catcher", title, "no catcher", "No server points at a test catcher")
    name, host, port = catchers[0]
    return CheckResult(
        "test_catcher",
        title,
        Status.CRITICAL,
        f"server {name} is a test catcher",
        f"{name} sends to {host}:{port}, a test mail catcher (Mailpit/MailHog/smtp4dev): "
        "Odoo marks mail sent but nobody receives it",
        "On production, point the outgoing server at the real relay (host, port, "
        "encryption, credentials), then `odoo-mailq probe`",
    )
