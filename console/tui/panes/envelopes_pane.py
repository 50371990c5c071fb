"""Envelopes pane: the chatter messages with a failed e-mail recipient (red envelopes),
newest first, including those whose mail row Odoo already deleted."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from console.domain.envelopes import Envelope, EnvelopePage
from console.domain.timefmt import short_local
from console.tui.controllers.action_request import ActionRequest
from console.tui.messages import RefreshJob
from console.tui.panes.record_table import RecordTablePane
from console.tui.widgets.formatting import cell, ellipsize, one_line
from console.tui.widgets.tables import ColumnSpec

SHOWN = 500  # newest envelopes in the table: paged at the source, never the whole history


class EnvelopesPane(RecordTablePane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "x",
            "ignore",
            "Ignore all",
            id="envelope.ignore",
            tooltip="Turn this message's envelope white, as Odoo's Ignore all",
        ),
        Binding(
            "r",
            "resend",
            "Resend to failed",
            id="envelope.resend",
            tooltip="Send again to the failed recipients only, as Odoo's Send & close",
        ),
        Binding(
            "a",
            "fix_address",
            "Fix address",
            id="envelope.fix_address",
            tooltip="Correct the failed recipient's e-mail address (then resend)",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="envelope.undo",
            tooltip="Undo the last retry, cancel or ignore",
        ),
    ]

    title = "Envelopes"
    columns = (
        ColumnSpec("message", "Msg", 6),
        ColumnSpec("when", "When", 12),
        ColumnSpec("record", "Record", 17),
        ColumnSpec("why", "Why (Odoo's words)", 24),
        ColumnSpec("recipient", "Failed recipient", 26),
        ColumnSpec("mail", "Mail row", 8),
        ColumnSpec("author", "Author", 16),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.envelopes: list[Envelope] = []
        self.has_more = False

    def refresh_job(self) -> RefreshJob:
        return RefreshJob(lambda backend: backend.envelopes(limit=SHOWN))

    def apply_refresh(self, job: RefreshJob, payload: object) -> None:
        if not isinstance(payload, EnvelopePage):
            return
        self.envelopes = list(payload.rows)
        self.has_more = payload.has_more
        self.sync([(str(e.message_id), self._cells(e)) for e in self.envelopes])

    def cursor_envelope(self) -> Envelope | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((e for e in self.envelopes if str(e.message_id) == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("ignore", "undo", "resend", "fix_address"):
            return self.host.can_write()
        return True

    def action_ignore(self) -> None:
        envelope = self.cursor_envelope()
        if envelope is None:
            self.app.notify("No red envelope under the cursor.", title="Ignore all")
            return
        document = envelope.record_name or f"{envelope.model} #{envelope.res_id}"
        example = f"message #{envelope.message_id} on {ellipsize(one_line(document), 40)!r}"
        self.host.request_action(
            ActionRequest("ignore-messages", (envelope.message_id,), example, origin=self.id or "")
        )

    def action_resend(self) -> None:
        envelope = self.cursor_envelope()
        if envelope is None:
            self.app.notify("No red envelope under the cursor.", title="Resend to failed")
            return
        self.host.request_action(
            ActionRequest(
                "resend", (envelope.message_id,), self._example(envelope), origin=self.id or ""
            )
        )

    def action_fix_address(self) -> None:
        envelope = self.cursor_envelope()
        recipient = next(
            (r for r in (envelope.recipients if envelope else ()) if r.partner_id is not None),
            None,
        )
        if envelope is None or recipient is None or recipient.partner_id is None:
            self.app.notify("No failed recipient under the cursor.", title="Fix address")
            return
        from console.tui.screens.export_screen import SaveRequest, SaveScreen

        partner_id, old = recipient.partner_id, recipient.email
        more = len(envelope.recipients) - 1
        question = (
            f"New e-mail address of partner #{partner_id} "
            f"{ellipsize(one_line(recipient.name or '?'), 30)!r} ({recipient.words})"
        )
        ask = SaveRequest(
            title="Fix address",
            question=question
            + (f"; {more} other failed recipient(s): see envelopes" if more else ""),
            default=old or "",
            confirm_label="Fix",
            checkbox="then resend this message to its failed recipients",
            notes=("Saved on the partner as Odoo's wizard does, with its chatter line. u undoes.",),
            empty_error="give an e-mail address",
        )

        def chosen(choice: object) -> None:
            email = getattr(choice, "path", "")
            if not email:
                return
            then = (envelope.message_id,) if getattr(choice, "checked", False) else ()
            self.host.request_action(
                ActionRequest(
                    "fix-address",
                    (partner_id,),
                    f"partner #{partner_id}: {old or '(none)'} -> {email}",
                    origin=self.id or "",
                    email=email,
                    expected_email=old,
                    then_resend=then,
                )
            )

        self.app.push_screen(SaveScreen(ask), callback=chosen)

    def _example(self, envelope: Envelope) -> str:
        document = envelope.record_name or f"{envelope.model} #{envelope.res_id}"
        return f"message #{envelope.message_id} on {ellipsize(one_line(document), 40)!r}"

    def action_undo(self) -> None:
        self.host.request_undo(self.id or "")

    def _cells(self, envelope: Envelope) -> list[Text]:
        palette = self.host.palette
        first = envelope.recipients[0] if envelope.recipients else None
        who = "" if first is None else (first.email or first.name or "?")
        more = max(envelope.recipient_count, len(envelope.recipients)) - 1
        if more > 0:
            who = f"{who} (+{more})"
        why = "" if first is None else first.words
        tone = "warning" if envelope.bounced else "error"
        exists = envelope.mail_exists
        mail = Text("exists", end="") if exists else palette.word("deleted", "muted")
        return [
            Text(str(envelope.message_id), end=""),
            cell(short_local(envelope.when, self.host.tz), 12),  # its failure if kept
            cell(envelope.record_name or f"{envelope.model} #{envelope.res_id}", 17),
            palette.word(ellipsize(one_line(why), 24), tone),
            cell(who, 26),
            mail,
            cell(envelope.author_name or "", 16),
        ]

    def summary(self) -> str:
        count = len(self.envelopes)
        if not count:
            return "no red envelope"
        bounced = sum(1 for e in self.envelopes if e.bounced)
        gone = sum(1 for e in self.envelopes if not e.mail_exists)
        parts = [f"{count}{'+' if self.has_more else ''} red envelopes, newest first"]
        if bounced:
            parts.append(f"{bounced} bounced")
        if gone:
            parts.append(f"{gone} without a mail row")
        return " · ".join(parts)
