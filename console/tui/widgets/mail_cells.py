"""What a row of the Outgoing and Failed lists shows: the columns and each row's cells."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import TYPE_CHECKING

from rich.text import Text

from console.domain.pause import is_held
from console.domain.states import failure_type_label, scheduled_later
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
    """The columns, the first ones filling 80 terminal columns exactly (each column costs
    its width and one blank cell; the scrollbar takes one): what a glance needs first,
    the rest one scroll to the right. The Failed list needs no State column (all failed)."""
    trailing = (ColumnSpec("from", "From", 28), ColumnSpec("document", "Document", 34))
    if kind == "failed":
        return (
            ColumnSpec("sel", SELECTED_GLYPH, 1),
            ColumnSpec("id", "ID", 7),
            ColumnSpec("failed", "Failed", 12),  # when it failed: the list's order
            ColumnSpec("reason", "Cause", 22),
            ColumnSpec("to", "To", 18),
            ColumnSpec("subject", "Subject", 13),
            ColumnSpec("server", "Server", 20),
            ColumnSpec("failure", "Failure type", 24),
            ColumnSpec("scheduled", "Scheduled", 12),
            *trailing,
        )
    return (
        ColumnSpec("sel", SELECTED_GLYPH, 1),
        ColumnSpec("id", "ID", 7),
        ColumnSpec("state", "State", 8),
        ColumnSpec("date", "When", 12),
        ColumnSpec("to", "To", 22),
        ColumnSpec("subject", "Subject", 24),
        ColumnSpec("server", "Server", 20),
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
        "state": _state_cell(row, palette),
        "date": cell(short_local(row.date, tz), widths.get("date")),
        "failed": cell(short_local(row.failed_at or row.date, tz), widths.get("failed")),
        "scheduled": cell(
            "held" if is_held(row.scheduled_date) else short_local(row.scheduled_date, tz),
            widths.get("scheduled"),
        ),
        "from": cell(row.email_from, widths.get("from")),
        "to": cell(recipients_text(row), widths.get("to")),
        "subject": cell(row.subject or "(no subject)", widths.get("subject")),
        "document": cell(
            document_text(row.model, row.res_id, row.record_name), widths.get("document")
        ),
        "reason": cell(_cause_text(row), widths.get("reason")),
        "failure": cell(failure_type_label(row.failure_type), widths.get("failure")),
        # the server Odoo used or would use (why: in the detail, and on the O screen)
        "server": cell(row.server.label if row.server else "", widths.get("server")),
    }
    return [values[spec.key] for spec in columns]


def prime_causes(rows: Iterable[MailRow]) -> None:
    """In the worker that read `rows`: classify their failure texts now, so the cells
    built on the event loop find each cause remembered (a text seen for the first time
    costs a millisecond or more; a page of failures can hold dozens). The GIL goes to the
    event loop between small batches: these rows are what the operator is waiting for,
    so they do not wait for the typing to stop (as the background reads do)."""
    import time

    from console.domain.classify import classify_known

    for number, row in enumerate(rows, 1):
        classify_known(row.failure_reason, row.failure_type)  # every row has the column
        if number % 16 == 0:
            time.sleep(0)


def _cause_text(row: MailRow) -> str:
    """The cause, after the chatter's mark when its red envelope is gone ("ignored · ...");
    a mail in another state (the list showing all states) says its state instead."""
    if row.state != "exception":
        return state_word(row.state)
    cause = failure_cause(row.failure_reason, row.failure_type)
    return f"{row.chatter} · {cause}" if row.chatter else cause


def _state_cell(row: MailRow, palette: Palette) -> Text:
    """The state; an outgoing mail scheduled for later says "later" (the queue skips it)."""
    if row.state == "outgoing" and is_held(row.scheduled_date):
        return palette.word("HELD", "warning")
    if scheduled_later(row.state, row.scheduled_date):
        return palette.word("later", "")
    return palette.word(state_word(row.state), STATE_TONES.get(row.state, ""))
