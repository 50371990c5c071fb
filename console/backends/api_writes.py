"""The operator's actions over Odoo's external API, each through Odoo's own method, so
that what they write is Odoo-exact by construction (docs/odoo-api.md).

No transaction spans an action: every call is Odoo's own transaction, as its buttons
are. So each action reads what it expects first, hands the journal what it is about to
change (``journal_first``) before its first committing call, and reads the records again
afterwards to report what Odoo really did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from console.backends.api_record_writes import ApiRecordWrites
from console.backends.api_transport import OdooApi
from console.backends.api_values import moment, record_id
from console.domain.actions import SKIP_CAMPAIGN_LEFT, WriteOutcome, scheduled_later_reason
from console.domain.errors import CronBusy, NotAvailable, QueryFailed
from console.domain.timefmt import utcnow_naive

RUN_WAIT = 600.0  # seconds a call that runs Odoo's job in the request may take
NO_BOUNCE_RESET = (
    "Resetting bounce counters is not available over Odoo's API: Odoo resets one only "
    "when mail arrives from the address, with no method to call; use a database connection"
)
NO_PAUSE = (
    "Pausing the queue and holding mails need a database connection (--db or -c odoo.conf) "
    "for now: over Odoo's API, switch the Email Queue Manager off in Settings > Technical > "
    "Scheduled Actions"
)
SEND_BATCH = 50  # mails per Send now request: a failed request loses no more than this


class NotAvailableOverApi(NotAvailable):
    """What this console cannot do over Odoo's external API; the message says why."""


class ApiWriter(ApiRecordWrites):
    """``console.backends.base.MailWriter`` over Odoo's external API."""

    def __init__(self, api: OdooApi, *, has_mass_mailing: bool) -> None:
        self.api = api
        self.has_mass_mailing = has_mass_mailing
        self.notes: list[str] = []
        self._journal_first: Callable[[WriteOutcome], None] | None = None

    def journal_first(self, hook: Callable[[WriteOutcome], None]) -> None:
        self._journal_first = hook

    def _about_to(self, planned: WriteOutcome) -> None:
        """Journal what is about to be written, before the first call that commits."""
        if self._journal_first is not None and planned.applied:
            self._journal_first(planned)

    def _read(self, model: str, ids: Sequence[int], fields: list[str]) -> dict[int, Any]:
        if not ids:
            return {}
        rows = self.api.call(model, "read", [list(ids)], fields=fields)
        return {int(r["id"]): r for r in rows}

    # -- mails ------------------------------------------------------------------------
    def set_mail_state(
        self,
        action: str,
        ids: Sequence[int],
        *,
        from_states: Sequence[str],
        to_state: str,
        uid: int,
        now: datetime,
    ) -> WriteOutcome:
        """Retry (``mark_outgoing``) or cancel (``cancel``) on the mails still in
        ``from_states``: Odoo's buttons, called as the API user."""
        requested = tuple(dict.fromkeys(ids))
        before = {
            i: str(r["state"]) for i, r in self._read("mail.mail", requested, ["state"]).items()
        }
        targets = tuple(i for i in requested if before.get(i) in from_states)
        self._about_to(
            WriteOutcome(action, requested, targets, previous={i: before[i] for i in targets})
        )
        if targets:
            method = "mark_outgoing" if to_state == "outgoing" else "cancel"
            self.api.call("mail.mail", method, [list(targets)])
        after = {i: str(r["state"]) for i, r in self._read("mail.mail", targets, ["state"]).items()}
        applied = tuple(i for i in targets if after.get(i) == to_state)
        return WriteOutcome(
            action=action,
            requested=requested,
            applied=applied,
            skipped={
                i: "no such mail" if i not in before else f"not {' or '.join(from_states)} any more"
                for i in requested
                if i not in applied
            },
            previous={i: before[i] for i in applied},
        )

    def send_by_odoo(self, ids: Sequence[int], *, include_scheduled: bool) -> WriteOutcome:
        """The list's Send Now (``mail.mail.send``): Odoo's own code connects to its SMTP
        server inside the request, in batches; the states read afterwards say what it did."""
        requested = tuple(dict.fromkeys(ids))
        fields = ["state", "scheduled_date", *(["mailing_id"] if self.has_mass_mailing else [])]
        before = self._read("mail.mail", requested, fields)
        now = utcnow_naive()
        skipped: dict[int, str] = {}
        for i in requested:
            row = before.get(i)
            when = moment(row["scheduled_date"]) if row else None
            if row is None:
                skipped[i] = "no such mail"
            elif row["state"] != "outgoing":
                skipped[i] = f"not outgoing any more ({row['state']})"
            elif row.get("mailing_id"):  # its campaign's order and pace are Odoo's queue's
                skipped[i] = SKIP_CAMPAIGN_LEFT
            elif not include_scheduled and when is not None and when > now:
                skipped[i] = scheduled_later_reason(when)
        targets = tuple(i for i in requested if i not in skipped)
        self._about_to(
            WriteOutcome("send", requested, targets, previous=dict.fromkeys(targets, "outgoing"))
        )
        for start in range(0, len(targets), SEND_BATCH):
            batch = list(targets[start : start + SEND_BATCH])
            self.api.call("mail.mail", "send", [batch], wait=RUN_WAIT)
        after = self._read("mail.mail", targets, ["state", "failure_reason"])
        applied, failed = [], {}
        for i in targets:
            row = after.get(i)
            if row is None or row["state"] == "sent":  # a sent mail Odoo auto-deletes is gone
                applied.append(i)
            elif row["state"] == "exception":
                failed[i] = str(row["failure_reason"] or "failed")
            else:
                skipped[i] = f"Odoo did not send it (still {row['state']})"
        self.notes.append(
            "Odoo sent them itself (mail.mail.send, the list's Send Now), with its own SMTP "
            "settings; like that button, it does not lock them against the queue cron"
        )
        return WriteOutcome(
            action="send",
            requested=requested,
            applied=tuple(applied),
            skipped=skipped,
            failed=failed,
            previous=dict.fromkeys(applied, "outgoing"),
        )

    def restore_mail_states(
        self,
        previous: dict[int, str],
        *,
        expected_state: str,
        uid: int,
        now: datetime,
        previous_writes: dict[int, tuple[int | None, str | None]] | None = None,
        left_as: tuple[int, str] | None = None,
    ) -> WriteOutcome:
        """Undo of a retry or cancel: the mails still in ``expected_state`` and last
        written by this API user get their former state back (Odoo's ``write``; Odoo sets
        write_uid and write_date itself, so those cannot be put back over the API)."""
        requested = tuple(sorted(previous))
        now_rows = self._read("mail.mail", requested, ["state", "write_uid"])
        targets = tuple(
            i
            for i in requested
            if i in now_rows
            and now_rows[i]["state"] == expected_state
            and record_id(now_rows[i]["write_uid"]) == self.api.uid
        )
        self._about_to(
            WriteOutcome("undo", requested, targets, previous={i: expected_state for i in targets})
        )
        for state in sorted({previous[i] for i in targets}):
            group = [i for i in targets if previous[i] == state]
            self.api.call("mail.mail", "write", [group], vals={"state": state})
        after = self._read("mail.mail", targets, ["state"])
        applied = tuple(i for i in targets if after.get(i, {}).get("state") == previous[i])
        return WriteOutcome(
            action="undo",
            requested=requested,
            applied=applied,
            skipped={
                i: "no such mail" if i not in now_rows else "changed since (left as it is)"
                for i in requested
                if i not in applied
            },
            previous={i: expected_state for i in applied},
        )

    # -- crons and campaigns ----------------------------------------------------------
    def trigger_cron(self, cron_id: int, *, uid: int, now: datetime) -> tuple[str, bool]:
        """Run now over the API: ``method_direct_trigger``, the cron form's "Run Manually",
        which runs the job inside the request (``_trigger`` is private to the server)."""
        name, active, _ = self._cron(cron_id)
        if not active:
            return name, False
        self._about_to(WriteOutcome("trigger", (cron_id,), (cron_id,)))
        self.api.call("ir.cron", "method_direct_trigger", [[cron_id]], wait=RUN_WAIT)
        self.notes.append(
            "Odoo ran it inside the API request (method_direct_trigger, the form's Run "
            "Manually): it has finished"
        )
        return name, True

    def set_cron_interval(
        self, cron_id: int, *, number: int, unit: str, uid: int, now: datetime
    ) -> tuple[int, str]:
        """The cron form's interval, through Odoo's ``write`` (which refuses while the
        cron runs: CronBusy)."""
        _, _, before = self._cron(cron_id)
        self._about_to(WriteOutcome("set-interval", (cron_id,), (cron_id,)))
        try:
            self.api.call(
                "ir.cron", "write", [[cron_id]],
                vals={"interval_number": number, "interval_type": unit},
            )  # fmt: skip
        except QueryFailed as exc:
            if "cannot be modified right now" in str(exc):
                raise CronBusy(str(exc)) from None
            raise
        return before

    def _cron(self, cron_id: int) -> tuple[str, bool, tuple[int, str]]:
        found = self.api.call(
            "ir.cron", "search_read",
            domain=[("id", "=", cron_id), "|", ("active", "=", True), ("active", "=", False)],
            fields=["cron_name", "active", "interval_number", "interval_type"],
        )  # fmt: skip
        if not found:
            raise LookupError(cron_id)
        row = found[0]
        name = str(row["cron_name"] or f"cron {cron_id}")
        return name, bool(row["active"]), (int(row["interval_number"]), str(row["interval_type"]))

    def cancel_mailings(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        """The mailing's Cancel button (``action_cancel``): In Queue -> Draft."""
        requested = tuple(dict.fromkeys(ids))
        before = {
            i: str(r["state"])
            for i, r in self._read("mailing.mailing", requested, ["state"]).items()
        }
        targets = tuple(i for i in requested if before.get(i) == "in_queue")
        self._about_to(
            WriteOutcome(
                "cancel-campaign", requested, targets, previous=dict.fromkeys(targets, "in_queue")
            )
        )
        if targets:
            self.api.call("mailing.mailing", "action_cancel", [list(targets)])
        after = self._read("mailing.mailing", targets, ["state"])
        applied = tuple(i for i in targets if after.get(i, {}).get("state") == "draft")
        return WriteOutcome(
            action="cancel-campaign",
            requested=requested,
            applied=applied,
            skipped={
                i: "no such mailing" if i not in before else f"not in queue ({before[i]})"
                for i in requested
                if i not in applied
            },
            previous=dict.fromkeys(applied, "in_queue"),
        )

    # -- what Odoo offers no method for ---------------------------------------------------
    def reset_bounces(self, addresses: Sequence[str], *, uid: int, now: datetime) -> WriteOutcome:
        raise NotAvailableOverApi(NO_BOUNCE_RESET)

    def restore_bounces(
        self,
        reset: dict[str, Any],
        *,
        left_as: tuple[int, str] | None,
        uid: int,
        now: datetime,
    ) -> WriteOutcome:
        raise NotAvailableOverApi(NO_BOUNCE_RESET)

    # -- pause and hold: over a database connection only, for now --
    def pause_queue(
        self, crons: Sequence[tuple[int, str]], *, campaigns: bool, by: str, uid: int,
        now: datetime,
    ) -> Any:  # fmt: skip
        raise NotAvailableOverApi(NO_PAUSE)

    def resume_queue(self, *, uid: int, now: datetime) -> Any:
        raise NotAvailableOverApi(NO_PAUSE)

    def hold_mails(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        raise NotAvailableOverApi(NO_PAUSE)

    def release_mails(self, ids: Sequence[int] | None, *, uid: int, now: datetime) -> WriteOutcome:
        raise NotAvailableOverApi(NO_PAUSE)
