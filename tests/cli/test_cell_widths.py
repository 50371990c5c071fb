"""The CLI's columns are measured in terminal cells: a Japanese subject or an emoji takes
two cells a character, and the columns after it stay aligned."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len  # an independent measure: the one Textual draws with

from tests.helpers.cli import run_cli
from tests.helpers.db import sql, state_ids

WIDE = "請求書のお知らせ：二〇二六年十二月分のご案内とお支払い方法について ✉️📎"
REASON = "550 5.1.1 mailbox unavailable"


def test_wide_subjects_keep_the_columns_aligned(sample_path: Path) -> None:
    wide, narrow = state_ids(sample_path, "exception")[:2]
    for mail_id, subject in ((wide, WIDE), (narrow, "Invoice INV/2026/0042")):
        sql(sample_path, "UPDATE mail_mail SET failure_reason = ? WHERE id = ?", REASON, mail_id)
        sql(
            sample_path,
            "UPDATE mail_message SET subject = ? WHERE id = "
            "(SELECT mail_message_id FROM mail_mail WHERE id = ?)",
            subject,
            mail_id,
        )
    done = run_cli("mails", "--state", "failed", "--limit", "5", "--db", f"sqlite:///{sample_path}")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = lines[0]
    reason_at = cell_len(header[: header.index("REASON")])
    rows = [line for line in lines if line.startswith((f"{wide} ", f"{narrow} "))]
    assert len(rows) == 2
    for row in rows:
        assert cell_len(row[: row.index("550 5.1.1")]) == reason_at, row
    shown = next(row for row in rows if row.startswith(f"{wide} "))
    subject = shown[shown.index("請") : shown.index("550 5.1.1")].rstrip()
    assert subject.endswith("…") and cell_len(subject) <= 36  # cut to its column, in cells
