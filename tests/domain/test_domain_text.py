"""Reading Odoo's failure texts and making database text safe to print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from console.domain.actions import WriteOutcome, confirmation_prompt, needs_typed_count
from console.domain.failure_text import reason_headline
from console.domain.sanitize import CONTROL_CLASS, one_line, printable_block

PLACEHOLDER = (
    "Error without exception. Probably due to sending an email without computed recipients."
)


@pytest.mark.parametrize(
    ("reason", "headline"),
    [
        # connection failures: the exception args, one per line (docs/odoo-queue.md)
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


# Every kind of character the one filter takes out, each beside a space so that removing
# it (a cell) and blanking it (the classifier) leave the same words. No NUL: a log line
# holding one is shown as binary data. No escape sequence: see the test after this one.
HOSTILE = "Invoice\x01 42\x08\x0b\x0c due\x7f \x85now\x9b \u202eevil\u202c \u2066end\u2069\x1f\r\n"


def _four_readers(text: str, tmp_path: Path) -> dict[str, str]:
    """The text as each reader of untrusted text shows it."""
    from console.domain.classify.parse import clean
    from console.services.support.logs import LogQuery, search_log
    from console.tui.widgets.formatting import one_line as cell_line

    log = tmp_path / "odoo.log"
    log.write_text(
        "2024-11-26 10:02:03,123 4242 INFO prod odoo.addons.mail.models.mail_mail: "
        + text.replace("\r\n", " ")
        + "\n",
        encoding="utf-8",
        errors="surrogatepass",  # a lone surrogate as the bytes a file would hold
    )
    (record,) = search_log([log], LogQuery(everything=True))
    return {
        "sanitize.one_line": one_line(text),
        "logs": record.message,
        "classify.parse": clean(text),
        "tui.formatting": cell_line(text),
    }


def test_the_four_readers_of_untrusted_text_agree(tmp_path: Path) -> None:
    shown = _four_readers(HOSTILE, tmp_path)
    for reader, text in shown.items():
        assert not re.search(f"[{CONTROL_CLASS}]", text), (reader, text)
        assert " ".join(text.split()) == "Invoice 42 due now evil end", (reader, text)


def test_escape_sequences_never_pass_and_logs_drop_them_whole(tmp_path: Path) -> None:
    shown = _four_readers("red\x1b[31m alert\x1b[0m \x1b]0;title\x07done \ud800x", tmp_path)
    assert shown.pop("logs") == "red alert done \ufffd\ufffd\ufffdx"  # the surrogate's bytes
    for reader, text in shown.items():  # the rest of a sequence shows as typed
        assert not re.search(f"[{CONTROL_CLASS}]", text), (reader, text)
        assert " ".join(text.split()) in (
            "red[31m alert[0m ]0;titledone x",  # removed
            "red [31m alert [0m ]0;title done x",  # blanked
        ), (reader, text)


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
