"""The guarded writes of the operator's actions, inside one transaction of the SQL backend.

``SqlBackend.writing()`` opens the transaction and hands out a ``SqlMailWriter``; what must
happen after the commit (the NOTIFYs that wake Odoo's bus and cron workers) is done by
``after_commit``, whose sentences end up in ``notes``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.domain.actions import WriteOutcome
from console.domain.errors import ConsoleError, NotAvailable
from console.odoo import (
    bounce_writes,
    bus,
    cron_writes,
    mailing_writes,
    notification_writes,
    partner_writes,
    resend_writes,
    restore,
    send_writes,
    writes,
)
from console.odoo.crons import cron_name_text

if TYPE_CHECKING:
    from console.backends.sql import SqlBackend
    from console.domain.pause import PauseState


class SqlMailWriter:
    """One transaction's writes (console.backends.base.MailWriter)."""

    def __init__(self, backend: SqlBackend, connection: Connection) -> None:
        self._backend = backend
        self._connection = connection
        self._schema = backend.schema
        self._bus_channels: list[list[Any]] = []
        self._woken_crons = False
        self._signal_caches = False  # a system parameter Odoo's workers cache was written
        self.notes: list[str] = []

    def journal_first(self, hook: Callable[[WriteOutcome], None]) -> None:
        """Nothing to do: one transaction, whose line is journaled before it commits."""

    def send_by_odoo(self, ids: Sequence[int], *, include_scheduled: bool) -> WriteOutcome:
        raise NotAvailable(
            "Over a database connection the console sends itself, holding the queue's lock"
        )

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
        return writes.set_mail_state(
            self._connection,
            self._schema,
            action,
            list(ids),
            from_states=from_states,
            to_state=to_state,
            uid=uid,
            now=now,
        )

    def ignore_failures(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        return self._announced(
            notification_writes.ignore_failures(
                self._connection, self._schema, list(ids), self._acting(uid, now)
            )
        )

    def ignore_message_failures(
        self, message_ids: Sequence[int], *, uid: int, now: datetime
    ) -> WriteOutcome:
        return self._announced(
            notification_writes.ignore_message_failures(
                self._connection, self._schema, list(message_ids), self._acting(uid, now)
            )
        )

    def resend_failed_recipients(
        self, message_ids: Sequence[int], *, uid: int, now: datetime
    ) -> WriteOutcome:
        return self._announced(
            resend_writes.resend_failed_recipients(
                self._connection, self._schema, list(message_ids), self._acting(uid, now)
            )
        )

    def fix_partner_email(
        self, partner_id: int, *, email: str, expected: str | None, uid: int, now: datetime
    ) -> WriteOutcome:
        return partner_writes.fix_partner_email(
            self._connection,
            self._schema,
            partner_id,
            email=email,
            expected=expected,
            version=self._backend.info.odoo_version,
            uid=uid,
            now=now,
        )

    def _acting(self, uid: int, now: datetime) -> bus.Acting:
        info = self._backend.info
        return bus.Acting(uid, info.odoo_version, info.name, now)

    def _announced(self, outcome: WriteOutcome) -> WriteOutcome:
        """Keep the bus channels the write used, to NOTIFY them after the commit."""
        channels = outcome.details.get("bus_channels")
        if isinstance(channels, list):
            self._bus_channels.extend(channels)
        return outcome

    def cancel_mailings(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        return mailing_writes.cancel_mailings(
            self._connection,
            self._schema,
            list(ids),
            uid=uid,
            now=now,
            version=self._backend.info.odoo_version,
        )

    def set_cron_interval(
        self, cron_id: int, *, number: int, unit: str, uid: int, now: datetime
    ) -> tuple[int | None, str | None]:
        return cron_writes.set_cron_interval(
            self._connection, self._schema, cron_id, number=number, unit=unit, uid=uid, now=now
        )

    def trigger_cron(self, cron_id: int, *, uid: int, now: datetime) -> tuple[str, bool]:
        """``ir.cron._trigger()``: a trigger row due now; the cron workers are woken after
        the commit. Odoo ignores a trigger on an inactive cron, so none is added then."""
        row = self._connection.execute(
            text("SELECT id, cron_name, active FROM ir_cron WHERE id = :id"), {"id": cron_id}
        ).first()
        if row is None:
            raise ConsoleError(f"There is no cron with id {cron_id}")
        name = cron_name_text(row.cron_name) or f"cron {cron_id}"
        if not row.active:
            return name, False
        send_writes.insert_trigger(self._connection, cron_id, uid, now)
        self._woken_crons = True
        return name, True

    def restore_mail_states(
        self,
        previous: dict[int, str],
        *,
        expected_state: str,
        uid: int,
        now: datetime,
        previous_writes: dict[int, tuple[int | None, str | None]] | None,
        left_as: tuple[int, str] | None,
    ) -> WriteOutcome:
        return restore.restore_mail_states(
            self._connection,
            self._schema,
            previous,
            expected_state=expected_state,
            uid=uid,
            now=now,
            previous_writes=previous_writes,
            left_as=left_as,
        )

    def restore_notifications(self, previous: dict[int, str]) -> WriteOutcome:
        return restore.restore_notifications(self._connection, self._schema, previous)

    def restore_resend(
        self,
        previous: dict[int, tuple[str, int | None]],
        new_mails: Sequence[int],
        *,
        uid: int,
        now: datetime,
    ) -> WriteOutcome:
        return resend_writes.restore_resend(
            self._connection, self._schema, previous, new_mails, uid=uid, now=now
        )

    def remove_from_blacklist(
        self, ids: Sequence[int], *, reason: str, uid: int, now: datetime
    ) -> WriteOutcome:
        from console.odoo import blacklist_writes

        return blacklist_writes.remove_from_blacklist(
            self._connection,
            self._schema,
            list(ids),
            reason=reason,
            uid=uid,
            now=now,
            version=self._backend.info.odoo_version,
        )

    def blacklist_again(
        self, left_as: dict[int, datetime], *, uid: int, now: datetime
    ) -> WriteOutcome:
        from console.odoo import blacklist_writes

        return blacklist_writes.blacklist_again(
            self._connection,
            self._schema,
            left_as,
            uid=uid,
            now=now,
            version=self._backend.info.odoo_version,
        )

    # -- bounces (docs/odoo-bounces.md) --
    def reset_bounces(self, addresses: Sequence[str], *, uid: int, now: datetime) -> WriteOutcome:
        return bounce_writes.reset_bounces(
            self._connection, self._schema, addresses, uid=uid, now=now
        )

    def restore_bounces(
        self, reset: dict[str, object], *, left_as: tuple[int, str] | None, uid: int,
        now: datetime,
    ) -> WriteOutcome:  # fmt: skip
        return bounce_writes.restore_bounces(
            self._connection, self._schema, reset, left_as=left_as, uid=uid, now=now
        )

    # -- pause and hold (docs/odoo-pause.md) --
    def pause_queue(
        self, crons: Sequence[tuple[int, str]], *, campaigns: bool, by: str, uid: int,
        now: datetime,
    ) -> PauseState:  # fmt: skip
        from console.odoo.pause_writes import CronTarget, pause_queue

        state = pause_queue(
            self._connection,
            [CronTarget(i, job) for i, job in crons],
            version=self._backend.info.odoo_version,
            campaigns=campaigns,
            by=by,
            uid=uid,
            now=now,
        )
        self._signal_caches = state.limit_set
        return state

    def resume_queue(self, *, uid: int, now: datetime) -> tuple[PauseState, list[str], list[str]]:
        from console.odoo.pause_writes import resume_queue

        found = resume_queue(self._connection, uid=uid, now=now)
        self._signal_caches = found[0].limit_set
        return found

    def hold_mails(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        from console.odoo.hold_writes import hold_mails

        return hold_mails(self._connection, ids, uid=uid, now=now)

    def release_mails(self, ids: Sequence[int] | None, *, uid: int, now: datetime) -> WriteOutcome:
        from console.odoo.hold_writes import release_mails

        return release_mails(self._connection, ids, uid=uid, now=now)

    def after_commit(self) -> None:
        """Wake Odoo's listeners about what was committed (PostgreSQL only: an SQLite
        database has none)."""
        from console.backends.sql_notify import notify_bus, notify_cron_runners

        if self._bus_channels:
            problem = notify_bus(self._backend, self._bus_channels)
            if problem:
                self.notes.append(problem)
        if self._signal_caches:
            from console.backends.sql_notify import signal_caches

            problem = signal_caches(self._backend)
            if problem:
                self.notes.append(problem)
        if self._woken_crons:
            if not self._backend.is_postgres:
                self.notes.append("its cron runner picks the trigger up at its next poll")
                return
            problem = notify_cron_runners(self._backend)
            self.notes.append(problem or "Odoo's cron workers were woken up")
