"""The database side of Send now over SQL (the SMTP side is console.services.send).

``SqlSendSession`` holds, for one run, Odoo's queue-cron row lock (taken as Odoo's cron
runner takes it, ``FOR NO KEY UPDATE``, here ``NOWAIT``: while it is held Odoo's queue
cannot run; if Odoo holds it, ``QueueBusy``), a connection whose steps (claim, record,
release: console.odoo.send_steps) run one at a time, and the NOTIFYs Odoo's listeners
wait for after the commits (console.backends.sql_notify).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from console.backends.sql_errors import query_error
from console.domain.errors import QueueBusy
from console.domain.timefmt import utcnow_naive
from console.odoo import send_reads, send_transactions, send_writes
from console.odoo.send_context import send_context
from console.odoo.send_plan import Claim, Claimed, Planned, Recorded, Session
from console.odoo.send_steps import SendSteps
from console.smtp.deliver import Outcome
from console.smtp.prepare import MailAsSent
from console.smtp.routing import SendContext
from console.smtp.rows import DbSettings, PlanRow

if TYPE_CHECKING:
    from console.backends.sql import SqlBackend

QUEUE_RUNNING = (
    "not attempted, left outgoing: Odoo's Email Queue Manager is running right now and "
    "sends the outgoing mails itself (try again when it ends)"
)
P = ParamSpec("P")
R = TypeVar("R")


def _translated(
    method: Callable[Concatenate[SqlSendSession, P], R],
) -> Callable[Concatenate[SqlSendSession, P], R]:
    """A driver error leaves the session as the one clear line of ``query_error``."""

    def wrapper(self: SqlSendSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except SQLAlchemyError as exc:
            raise query_error(exc, self.backend.target.url) from None

    wrapper.__doc__ = method.__doc__
    return wrapper


def read_mail_as_sent(
    backend: SqlBackend, mail_id: int, *, uid: int, max_message_mb: float, max_recipients: int
) -> MailAsSent | None:
    """The mail as Send now would build it, read without a lock or a write (None: no such
    mail). Raises SkipMail (TooBig, TooManyRecipients...) when it would not be built."""
    schema = backend.schema
    try:
        with backend.engine.connect() as conn:
            plan = send_reads.plan_rows(conn, schema, [mail_id]).get(mail_id)
            if plan is None:
                return None
            settings = send_reads.load_settings(conn, schema, uid)
            ctx = send_context(
                backend.target,
                backend.version.major,
                backend.info.name,
                settings,
                max_message_mb=max_message_mb,
            )
            route = ctx.route(plan)
            prepared = send_reads.read_content(
                conn, schema, ctx, mail_id, route, max_recipients=max_recipients
            )
    except SQLAlchemyError as exc:
        raise query_error(exc, backend.target.url) from None
    return MailAsSent(plan.state, ctx, route, prepared)


class SqlSendSession:
    def __init__(self, backend: SqlBackend, uid: int, max_message_mb: float) -> None:
        self.backend = backend
        self.uid = uid
        self.max_message_mb = max_message_mb
        self.notes: list[str] = []
        self.cron_id: int | None = None
        self._lock_conn: Connection | None = None
        self._conn: Connection | None = None
        self._steps: SendSteps | None = None
        self.context: SendContext | None = None

    # -- open and close -----------------------------------------------------------------
    @_translated
    def open(self, ids: Sequence[int]) -> tuple[DbSettings, dict[int, PlanRow]]:
        """Take Odoo's queue lock (QueueBusy if Odoo holds it), read the settings and the
        mails' plan rows; the context and the steps are ready after it."""
        engine = self.backend.engine
        schema = self.backend.schema
        if self.backend.is_postgres:
            self._lock_conn = engine.connect()
            self.cron_id = self._lock_queue_cron(self._lock_conn)
        conn = self._conn = engine.connect()
        with conn.begin():
            if self._lock_conn is None:
                self.cron_id = send_reads.find_queue_cron(conn, schema)
            settings = send_reads.load_settings(conn, schema, self.uid)
            plan = send_reads.plan_rows(conn, schema, ids)
        info = self.backend.info
        self.context = send_context(
            self.backend.target,
            self.backend.version.major,
            info.name,
            settings,
            max_message_mb=self.max_message_mb,
        )
        self._steps = SendSteps(conn, schema, self.context, self.uid)
        return settings, plan

    def _lock_queue_cron(self, lock_conn: Connection) -> int | None:
        lock_conn.begin()
        lock_conn.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
        cron_id = send_reads.find_queue_cron(lock_conn, self.backend.schema)
        if cron_id is None:
            self.notes.append("No mail queue cron found: there was no Odoo lock to take")
            return None
        try:
            lock_conn.execute(
                text("SELECT id FROM ir_cron WHERE id = :id FOR NO KEY UPDATE NOWAIT"),
                {"id": cron_id},
            )
        except SQLAlchemyError as exc:
            if send_transactions.is_lock_error(exc):
                raise QueueBusy(QUEUE_RUNNING) from None
            raise
        return cron_id

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Around the SMTP part: the session's lock timeout for every claim and record."""
        assert self._conn is not None
        with send_transactions.session_lock_timeout(self._conn):
            yield

    @_translated
    def close(self) -> None:
        if self._steps is not None and self._steps.bus_note:
            self.notes.append(self._steps.bus_note)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock_conn is not None:
            self._lock_conn.rollback()  # releases Odoo's queue
            self._lock_conn.close()
            self._lock_conn = None

    # -- the steps, one at a time in the run's database thread --------------------------
    @property
    def steps(self) -> SendSteps:
        assert self._steps is not None, "open() first"
        return self._steps

    @_translated
    def claim(self, items: Sequence[Planned]) -> Claim:
        return self.steps.claim(items)

    @_translated
    def record(self, results: Sequence[tuple[Claimed, Outcome]]) -> list[Recorded]:
        return self.steps.record(results)

    @_translated
    def release(self, claimed: Sequence[Claimed]) -> dict[int, str | None]:
        return self.steps.release(claimed)

    @_translated
    def connection_failed(
        self, items: Sequence[Planned], reason: str
    ) -> tuple[list[int], dict[int, str]]:
        return self.steps.connection_failed(items, reason)

    @_translated
    def busy_sessions(self) -> list[Session]:
        return self.steps.quiet()

    @_translated
    def announce(self) -> None:
        """NOTIFY imbus for the bus rows the last commits wrote (docs/odoo-bus.md)."""
        from console.backends.sql_notify import notify_bus

        channels, self.steps.announced = self.steps.announced, []
        problem = notify_bus(self.backend, list(dict.fromkeys(channels)))
        if problem and problem not in self.notes:
            self.notes.append(problem)

    @_translated
    def ask_queue_to_run(self) -> None:
        """``ir.cron._trigger()`` on the queue cron, then wake the cron workers."""
        from console.backends.sql_notify import notify_cron_runners

        if self.cron_id is None:
            self.notes.append("Could not ask Odoo's queue to run: no mail queue cron found")
            return
        assert self._conn is not None
        with send_transactions.write_transaction(self._conn):
            send_writes.insert_trigger(self._conn, self.cron_id, self.uid, utcnow_naive())
        if self.backend.is_postgres:
            problem = notify_cron_runners(self.backend)
            if problem:
                self.notes.append(problem)
