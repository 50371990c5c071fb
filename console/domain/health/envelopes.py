"""The chatter's red envelopes: failures Odoo's users see, which the mail lists can miss
(the mail row is often gone; docs/odoo-envelopes.md)."""

from __future__ import annotations

from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Perf,
    Status,
    Thresholds,
    ok_result,
    unknown_result,
)


def check_envelopes(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Red envelopes"
    counts = facts.envelopes
    if counts is None:
        return unknown_result("envelopes", title, "the failed notifications")
    perf = (
        Perf("envelopes", counts.messages, thresholds.warn_envelopes),
        Perf("envelope_recipients", counts.notifications),
        Perf("envelope_bounces", counts.bounced),
    )
    if counts.messages < thresholds.warn_envelopes:
        why = (
            f"{counts.messages} chatter messages show a red envelope"
            if counts.messages
            else "No chatter message shows a red envelope"
        )
        return ok_result("envelopes", title, f"{counts.messages} red envelopes", why, *perf)
    gone = (
        f"; {counts.mail_gone} of the recipients have no mail row left (Odoo deleted it), so "
        "they are not in Failed"
        if counts.mail_gone
        else ""
    )
    bounced = f", {counts.bounced} bounced" if counts.bounced else ""
    return CheckResult(
        "envelopes",
        title,
        Status.WARNING,
        f"{counts.messages} red envelopes",
        f"Odoo shows a red envelope on {counts.messages} chatter messages: delivery failed "
        f"for {counts.notifications} recipients{bounced}{gone}",
        "List them (`odoo-mailq envelopes`); fix the addresses and resend from the chatter, "
        "or turn them white (`odoo-mailq ignore --messages ID` / `--all-envelopes`)",
        perf,
    )
