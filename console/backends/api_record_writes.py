"""The chatter's actions over Odoo's external API: Ignore all and Send & close through
the resend wizard where the version has it (16-18; on 19 Ignore all is the messaging
menu's discard), a partner's address through ``res.partner.write``, the blacklist's
wizard, and their undo where Odoo allows it (docs/odoo-api.md).

A mixin of ``console.backends.api_writes.ApiWriter``, which provides the client, the
journal hook and the reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from console.backends.api_values import record_id, text
from console.domain.actions import WriteOutcome
from console.domain.errors import NotAvailable
from console.odoo.blacklist_writes import ALREADY_REMOVED
from console.odoo.notification_writes import NOTHING_TO_IGNORE
from console.odoo.resend_writes import NOTHING_TO_RESEND

if TYPE_CHECKING:
    from console.backends.api_transport import OdooApi

FAILED = ["exception", "bounce"]
NO_WIZARD_ON_19 = (
    "Odoo 19 has no resend wizard (its chatter shows failures without Send & close or "
    "Ignore all): {what} over its API needs Odoo 16-18, or a database connection"
)


class ApiRecordWrites:
    if TYPE_CHECKING:  # provided by ApiWriter
        api: OdooApi

        def _about_to(self, planned: WriteOutcome) -> None: ...

        def _read(self, model: str, ids: Sequence[int], fields: list[str]) -> dict[int, Any]: ...

    def _failed_notifications(self, message_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """Notification id -> (message id, status) of the messages' failed e-mail ones."""
        rows = self.api.call(
            "mail.notification", "search_read",
            domain=[("mail_message_id", "in", list(message_ids)),
                    ("notification_type", "=", "email"),
                    ("notification_status", "in", FAILED)],
            fields=["mail_message_id", "notification_status"],
        )  # fmt: skip
        return {
            int(r["id"]): (record_id(r["mail_message_id"]) or 0, str(r["notification_status"]))
            for r in rows
        }

    def _wizard(self, message_id: int, button: str) -> None:
        """Open the chatter's resend wizard on a message and press ``button``."""
        context = {"mail_message_to_resend": message_id}
        wizard = self.api.create("mail.resend.message", [{}], context=context)
        self.api.call("mail.resend.message", button, [wizard], context=context)

    def _wizard_or_refuse(self, what: str) -> None:
        if self.api.version.major >= 19:
            raise NotAvailable(NO_WIZARD_ON_19.format(what=what))

    # -- Ignore all ---------------------------------------------------------------------
    def ignore_message_failures(
        self, message_ids: Sequence[int], *, uid: int, now: datetime
    ) -> WriteOutcome:
        """The wizard's Ignore all (``cancel_mail_action``) on each message with a failed
        e-mail notification: they become canceled, and Odoo refreshes open chatters. 19
        has no wizard: its messaging menu's discard (``notify_cancel_by_type``), when that
        cancels these failures and no other (``_discards_of_19``)."""
        requested = tuple(dict.fromkeys(message_ids))
        before = self._failed_notifications(requested)
        targets = tuple(m for m in requested if any(m == msg for msg, _ in before.values()))
        planned = {n: status for n, (_, status) in before.items()}
        discards = self._discards_of_19(before) if self.api.version.major >= 19 else []
        self._about_to(WriteOutcome("ignore-messages", requested, targets, notifications=planned))
        for model in discards:
            self.api.call(model, "notify_cancel_by_type", notification_type="email")
        for message_id in targets if self.api.version.major < 19 else ():
            self._wizard(message_id, "cancel_mail_action")
        after = self._read("mail.notification", list(before), ["notification_status"])
        changed = {
            n: status
            for n, status in planned.items()
            if after.get(n, {}).get("notification_status") == "canceled"
        }
        touched = {before[n][0] for n in changed}
        return WriteOutcome(
            action="ignore-messages",
            requested=requested,
            applied=tuple(m for m in requested if m in touched),
            skipped={m: NOTHING_TO_IGNORE for m in requested if m not in touched},
            notifications=changed,
        )

    def _discards_of_19(self, failed: dict[int, tuple[int, str]]) -> list[str]:
        """The document types whose discard cancels exactly these failures. Odoo 19's
        discard cancels all the failures of its user's own messages on one type at once:
        refused (NotAvailable, saying why) when that is not what was asked."""
        if not failed:
            return []
        me = record_id(
            self._read("res.users", [self.api.uid], ["partner_id"])[self.api.uid]["partner_id"]
        )
        authors = self._read("mail.notification", list(failed), ["author_id"])
        messages = self._read("mail.message", sorted({m for m, _ in failed.values()}), ["model"])
        others = sorted(
            m for n, (m, _) in failed.items() if record_id(authors[n]["author_id"]) != me
        )
        if others:
            raise NotAvailable(
                f"Odoo 19 lets only a message's author discard its failures, and message "
                f"{others[0]} was written by someone else: ignore it with a database connection"
            )
        models = sorted({text(messages[m]["model"]) or "" for m, _ in failed.values()})
        for model in models:
            everything = self.api.call(
                "mail.notification", "search",
                domain=[("notification_type", "=", "email"), ("notification_status", "in", FAILED),
                        ("author_id", "=", me), ("mail_message_id.model", "=", model)],
            )  # fmt: skip
            extra = set(everything) - set(failed)
            if not model or extra:
                raise NotAvailable(
                    f"Odoo 19 discards all your failures on one document type at once: on "
                    f"{model or 'messages without a document'} it would also ignore "
                    f"{len(extra)} other failed notification(s); ignore these alone with a "
                    "database connection"
                )
        return models

    def ignore_failures(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        """Ignore all on the messages of these mails (the wizard works per message)."""
        requested = tuple(dict.fromkeys(ids))
        message_of = {
            i: m
            for i, row in self._read("mail.mail", requested, ["mail_message_id"]).items()
            if (m := record_id(row["mail_message_id"]))
        }
        by_message = self.ignore_message_failures(
            list(dict.fromkeys(message_of.values())), uid=uid, now=now
        )
        touched = set(by_message.applied)
        return WriteOutcome(
            action="ignore",
            requested=requested,
            applied=tuple(i for i in requested if message_of.get(i) in touched),
            skipped={
                i: "no such mail" if i not in message_of else NOTHING_TO_IGNORE
                for i in requested
                if message_of.get(i) not in touched
            },
            notifications=by_message.notifications,
        )

    def restore_notifications(self, previous: dict[int, str]) -> WriteOutcome:
        """Undo of Ignore all: not over the API. Odoo has no button that un-ignores, and
        its record rule lets a user write only the notifications addressed to them."""
        raise NotAvailable(
            "Undo of Ignore all is not available over Odoo's API: Odoo has no button for "
            "it and lets a user write only their own notifications; use a database "
            "connection (--db or -c odoo.conf)"
        )

    # -- Send & close -------------------------------------------------------------------
    def resend_failed_recipients(
        self, message_ids: Sequence[int], *, uid: int, now: datetime
    ) -> WriteOutcome:
        """The wizard's Send & close (``resend_mail_action``): Odoo renders the message
        again for the failed recipients and sends the new mails in the request."""
        self._wizard_or_refuse("Send & close")
        requested = tuple(dict.fromkeys(message_ids))
        before = self._failed_notifications(requested)
        old_mail = {
            int(r["id"]): record_id(r["mail_mail_id"])
            for r in self.api.call(
                "mail.notification", "read", [list(before)], fields=["mail_mail_id"]
            )
        } if before else {}  # fmt: skip
        targets = tuple(m for m in requested if any(m == msg for msg, _ in before.values()))
        planned = {n: status for n, (_, status) in before.items()}
        self._about_to(WriteOutcome("resend", requested, targets, notifications=planned))
        for message_id in targets:
            self._wizard(message_id, "resend_mail_action")
        after = self._read(
            "mail.notification", list(before), ["notification_status", "mail_mail_id"]
        )
        moved = {
            n: after[n]
            for n in before
            if n in after and after[n]["notification_status"] not in FAILED
        }
        touched = {before[n][0] for n in moved}
        new_mails = {
            str(new): old_mail.get(n)
            for n, row in moved.items()
            if (new := record_id(row["mail_mail_id"])) and new != old_mail.get(n)
        }
        return WriteOutcome(
            action="resend",
            requested=requested,
            applied=tuple(m for m in requested if m in touched),
            skipped={m: NOTHING_TO_RESEND for m in requested if m not in touched},
            notifications={n: planned[n] for n in moved},
            note="Odoo rendered the message again and sent it in the request (the wizard's "
            "Send & close)",
            details={
                "new_mails": new_mails,
                "previous_mail_of": {str(n): old_mail.get(n) for n in moved},
                "sent_now": {str(n): text(row["notification_status"]) for n, row in moved.items()},
            },
        )

    def restore_resend(
        self,
        previous: dict[int, tuple[str, int | None]],
        new_mails: Sequence[int],
        *,
        uid: int,
        now: datetime,
    ) -> WriteOutcome:
        """Undo of Send & close: not over the API, where Odoo sent the new mails in the
        request already."""
        raise NotAvailable(
            "Undo of a resend over Odoo's API is not available: Odoo's Send & close sent "
            "the new mails in the request already"
        )

    # -- the partner's address ------------------------------------------------------------
    def fix_partner_email(
        self, partner_id: int, *, email: str, expected: str | None, uid: int, now: datetime
    ) -> WriteOutcome:
        """The wizard's recipient line: ``res.partner.write({'email': ...})``, which Odoo
        tracks in the partner's chatter; skipped if the address changed since it was read."""
        found = self._read("res.partner", [partner_id], ["email"]).get(partner_id)
        current = text(found["email"]) if found else None
        skipped = None
        if found is None:
            skipped = "no such partner"
        elif expected is not None and (current or "") != expected:
            skipped = f"its address changed meanwhile (it is {current!r} now)"
        elif (current or "") == email:
            skipped = "it already has this address"
        if skipped:
            return WriteOutcome(
                "fix-address", (partner_id,), skipped={partner_id: skipped}, noun="partner"
            )
        self._about_to(WriteOutcome("fix-address", (partner_id,), (partner_id,), noun="partner"))
        self.api.call("res.partner", "write", [[partner_id]], vals={"email": email or False})
        return WriteOutcome(
            action="fix-address",
            requested=(partner_id,),
            applied=(partner_id,),
            details={"previous_email": current, "email": email},
            noun="partner",
        )

    # -- the blacklist ------------------------------------------------------------------
    def remove_from_blacklist(
        self, ids: Sequence[int], *, reason: str, uid: int, now: datetime
    ) -> WriteOutcome:
        """The Unblacklist wizard (``mail.blacklist.remove``, ``action_unblacklist_apply``)
        on each active entry: Odoo archives it and logs the reason in its chatter."""
        requested = tuple(dict.fromkeys(ids))
        before = self._read("mail.blacklist", requested, ["email", "active"])
        targets = tuple(i for i in requested if before.get(i, {}).get("active"))
        emails = {str(i): text(before[i]["email"]) for i in requested if i in before}
        self._about_to(
            WriteOutcome(
                "unblacklist", requested, targets, previous=dict.fromkeys(targets, "active")
            )
        )
        for entry in targets:
            values = {"email": before[entry]["email"], "reason": reason}
            wizard = self.api.create("mail.blacklist.remove", [values])
            self.api.call("mail.blacklist.remove", "action_unblacklist_apply", [wizard])
        after = self._read("mail.blacklist", targets, ["active"])
        applied = tuple(i for i in targets if after.get(i, {}).get("active") is False)
        return WriteOutcome(
            action="unblacklist",
            requested=requested,
            applied=applied,
            skipped={
                i: "no such blacklist entry" if i not in before else ALREADY_REMOVED
                for i in requested
                if i not in applied
            },
            previous=dict.fromkeys(applied, "active"),
            details={"emails": emails},
        )

    def blacklist_again(
        self, left_as: dict[int, datetime], *, uid: int, now: datetime
    ) -> WriteOutcome:
        """Undo of a removal: Odoo's ``action_add`` (the entry form's Blacklist button) on
        each entry still archived."""
        requested = tuple(sorted(left_as))
        before = self._read("mail.blacklist", requested, ["email", "active"])
        targets = tuple(i for i in requested if before.get(i, {}).get("active") is False)
        self._about_to(WriteOutcome("undo", requested, targets, noun="address"))
        for entry in targets:
            self.api.call("mail.blacklist", "action_add", [[entry]])
        after = self._read("mail.blacklist", targets, ["active"])
        applied = tuple(i for i in targets if after.get(i, {}).get("active"))
        return WriteOutcome(
            action="undo",
            requested=requested,
            applied=applied,
            skipped={
                i: "active again already: left as it is" for i in requested if i not in applied
            },
            noun="address",
            details={
                "emails": {str(i): text(before[i]["email"]) for i in requested if i in before}
            },
        )
