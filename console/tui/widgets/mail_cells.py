"""What a row of the Outgoing and Failed lists shows: the columns and each row's cells."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from rich.text import Text

from console.domain.states import failure_type_label
from console.domain.timefmt import short_local
from console.tui.widgets.formatting import (
    STATE_TONES,
    Palette,
    cell,
    document_text,
    failure_cause,
    recipients_text,
    state_word,
)
from console.tui.widgets.tables import ColumnSpec

if TYPE_CHECKING:
    from console.domain.models import MailRow

SELECTED_GLYPH = "✓"


def mail_columns(kind: str) -> tuple[ColumnSpec, ...]:
    leading = (
        ColumnSpec("sel", SELECTED_GLYPH, 1),
        ColumnSpec("id", "ID", 7),
        ColumnSpec("state", "State", 6 if kind == "failed" else 8),
        # Failed: when it failed (the list's order), else the message's date
        ColumnSpec("failed" if kind == "failed" else "date", "When", 12),
    )
    trailing = (ColumnSpec("from", "From", 28), ColumnSpec("document", "Document", 34))
    if kind == "failed":
        return (
            *leading,
            ColumnSpec("reason", "Cause", 34),
            ColumnSpec("to", "To", 24),
            ColumnSpec("subject", "Subject", 32),
            ColumnSpec("failure", "Failure type", 24),
            ColumnSpec("scheduled", "Scheduled", 12),
            *trailing,
        )
    return (
        *leading,
        ColumnSpec("to", "To", 24),
        ColumnSpec("subject", "Subject", 32),
        ColumnSpec("scheduled", "Scheduled", 12),
        *trailing,
    )


def selected_cell(selected: bool) -> Text:
    """The first column: the glyph when the mail is in the selection."""
    return Text(SELECTED_GLYPH if selected else "", end="")


def mail_cells(
    row: MailRow,
    columns: tuple[ColumnSpec, ...],
    *,
    selected: bool,
    tz: tzinfo,
    palette: Palette,
) -> list[Text]:
    """The row's cells in the order of `columns`; every cell is a Text, never markup."""
    widths = {spec.key: spec.width for spec in columns}
    values: dict[str, Text] = {
        "sel": selected_cell(selected),
        "id": Text(str(row.id), justify="right", end=""),
        "state": palette.word(state_word(row.state), STATE_TONES.get(row.state, "")),
        "date": cell(short_local(row.date, tz), widths.get("date")),
        "failed": cell(short_local(row.failed_at or row.date, tz), widths.get("failed")),
        "scheduled": cell(short_local(row.scheduled_date, tz), widths.get("scheduled")),
        "from": cell(row.email_from, widths.get("from")),
        "to": cell(recipients_text(row), widths.get("to")),
        "subject": cell(row.subject or "(no subject)", widths.get("subject")),
        "document": cell(
            document_text(row.model, row.res_id, row.record_name), widths.get("document")
        ),
        "reason": cell(_cause_text(row), widths.get("reason")),
        "failure": cell(failure_type_label(row.failure_type), widths.get("failure")),
    }
    return [values[spec.key] for spec in columns]


def _cause_text(row: MailRow) -> str:
    """The cause, after the chatter's mark when its red envelope is gone ("ignored · ...")."""
    cause = failure_cause(row.failure_reason, row.failure_type)
    return f"{row.chatter} · {cause}" if row.chatter else cause
