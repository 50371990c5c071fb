"""`odoo-mailq test-mail`: a real test mail through the server Odoo would choose, the SMTP
dialogue printed (credentials masked); exit 1 with the classified cause when it fails."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from console.domain.errors import UsageError
from console.domain.sanitize import one_line

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.services.testmail import TestMailResult

EXIT_SENT = 0
EXIT_FAILED = 1


def run_test_mail_command(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    from console.services.testmail import send_test_mail

    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    result = send_test_mail(
        backend, args.to, sender=args.mail_from, server=args.server, timeout=args.timeout
    )
    code = EXIT_SENT if result.delivered else EXIT_FAILED
    if args.json:
        return json.dumps(render_json(result), indent=2, ensure_ascii=False), code
    return render_text(result), code


def render_json(result: TestMailResult) -> dict[str, Any]:
    plan = result.plan
    c = result.probe.classification
    return {
        "delivered": result.delivered,
        "server": plan.target.label,
        "where": plan.target.where,
        "why": plan.why,
        "from_requested": plan.requested_from,
        "from": plan.header_from,
        "from_rewritten": plan.rewritten,
        "envelope_from": plan.envelope_from,
        "to": list(plan.recipients),
        "subject": plan.subject,
        "message_id": plan.message_id,
        "verdict": result.probe.verdict,
        "fix": result.probe.fix or None,
        "cause": None
        if c is None
        else {"class": c.klass, "title": c.title, "signature": c.signature},
        "dialogue": [
            {
                "step": s.name,
                "command": s.command or None,
                "ok": s.ok,
                "reply": s.reply,
                "code": s.code,
                "elapsed_ms": s.elapsed_ms,
            }
            for s in result.probe.steps
        ],
    }


def render_text(result: TestMailResult) -> str:
    """The plan, then the dialogue ("> command" / "< reply"), then the verdict."""
    plan = result.plan
    lines = [
        f"Server:   {plan.target.label}  {plan.target.where}  ({plan.why})",
        f"From:     {plan.header_from}"
        + (f"  (rewritten by Odoo's rules from {plan.requested_from})" if plan.rewritten else ""),
        f"Envelope: MAIL FROM {plan.envelope_from}  RCPT TO {', '.join(plan.recipients)}",
        f"Subject:  {plan.subject}",
        f"Message-Id: {plan.message_id}",
        "",
    ]
    lines.extend(dialogue_lines(result))
    lines.append("")
    mark = "Delivered" if result.delivered else "FAILED"
    lines.append(f"{mark}: {one_line(result.probe.verdict)}")
    if result.probe.fix and not result.delivered:
        lines.append(f"do: {one_line(result.probe.fix)}")
    lines.append("Nothing was written to Odoo's database.")
    return "\n".join(lines)


def dialogue_lines(result: TestMailResult) -> list[str]:
    lines = []
    for step in result.probe.steps:
        if step.command:
            lines.append(f"> {step.command}")
        mark = "<" if step.ok else "! "
        lines.append(f"{mark} {one_line(step.reply, 160)}")
    return lines
