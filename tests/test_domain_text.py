"""Reading Odoo's failure texts and making database text safe to print."""

from __future__ import annotations

import pytest

from console.domain.actions import WriteOutcome, confirmation_prompt, needs_typed_count
from console.domain.failure_text import reason_headline
from console.domain.sanitize import one_line, printable_block

PLACEHOLDER = (
    "Error without exception. Probably due to sending an email without computed recipients."
)


@pytest.mark.parametrize(
    ("reason", "headline"),
    [
        # connection failures: the exception args, one per line (model §4.3)
        ("535\nb'5.7.8 Authentication failed'", "535 5.7.8 Authentication failed"),
        ("111\nConnection refused", "111 Connection refused"),
        ("-2\nName or service not known", "-2 Name or service not known"),
        # rejections while sending: Odoo's wrapper lines come first
        (
            "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"
            "SMTPDataError: (550, b'5.7.1 Sender identity')",
            "SMTPDataError: (550, 5.7.1 Sender identity)",
        ),
        (PLACEHOLDER, PLACEHOLDER),
        ("", ""),
        (None, ""),
        ("\n\n  \n", ""),
    ],
)
def test_reason_headline(reason: str | None, headline: str) -> None:
    assert reason_headline(reason) == headline


def test_one_line_removes_terminal_escapes_and_breaks() -> None:
    hostile = "Invoice\x1b[2J\x1b]0;pwned\x07 due\r\nBcc: victim@example.com\u202e"
    cleaned = one_line(hostile)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\n" not in cleaned
    assert "\u202e" not in cleaned
    assert cleaned.startswith("Invoice")
    assert one_line("x" * 50, 10) == "x" * 9 + "…"
    assert printable_block("a\r\nb\x00c") == "a\nbc"


def test_outcome_messages_and_prompts() -> None:
    outcome = WriteOutcome(
        action="retry",
        requested=(1, 2, 3),
        applied=(1, 2),
        skipped={3: "state changed meanwhile"},
        note="Odoo's Email Queue Manager sends them at its next run, in 12m",
    )
    assert outcome.message() == (
        "Retried 2 mails; 1 skipped: state changed meanwhile. "
        "Odoo's Email Queue Manager sends them at its next run, in 12m"
    )
    assert not outcome.complete
    assert confirmation_prompt("send", 1, "#7") == "Send 1 mail now, through SMTP? For example #7"
    assert confirmation_prompt("retry", 212, "#7") == "Retry 212 mails? For example #7"
    assert not needs_typed_count(50) and needs_typed_count(51)
