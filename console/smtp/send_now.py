""" "Send now": send outgoing mails through SMTP the way Odoo's ``mail.mail.send()`` does,
without ever sending one twice.

1. On PostgreSQL the queue cron's row lock is taken first, as Odoo's cron runner takes it
   (``FOR NO KEY UPDATE``, here ``NOWAIT``): while we hold it Odoo's queue cannot run.
   If Odoo holds it, ``QueueBusy`` is raised and nothing is sent.
2. Each mail: lock its row (NOWAIT), check it is still ``outgoing``, write Odoo's
   pre-send placeholder and COMMIT; then SMTP; then write the outcome in a new
   transaction, as ``_send`` + ``_postprocess_sent_message`` do for that version.
3. Campaign mails (tracking pixel, unsubscribe links: only Odoo can render them) and
   mails only Odoo can send (OAuth / certificate servers, oversized attachments) are
   left to Odoo's queue, which is asked to run now (``ir_cron_trigger`` + NOTIFY).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from console.backends.errors import query_error
from console.backends.sql import SqlBackend
from console.errors import ConsoleError, QueueBusy, ReadOnlyRefused
from console.odoo.crons import cron_name_text
from console.smtp import store
from console.smtp.deliver import Outcome, deliver
from console.smtp.prepare import Prepared, SkipMail, prepare_content
from console.smtp.reasons import text_of
from console.smtp.routing import Route, SendContext
from console.smtp.sender import SmtpFailure, SmtpSession
from console.smtp.server_choice import ConfSmtp
from console.timefmt import utcnow_naive

T = TypeVar("T")
MAX_CONCURRENCY = 32
SKIP_CAMPAIGN = "belongs to a mass-mailing campaign: asked Odoo's queue to run instead"
SKIP_LOCKED = "locked by another transaction"
SKIP_GONE = "no longer exists"


@dataclass(frozen=True)
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # id -> failure_reason stored
    skipped: dict[int, str] = field(default_factory=dict)  # id -> why it was not sent
    deferred_campaign_ids: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)  # removed by auto_delete, as Odoo does
    notes: list[str] = field(default_factory=list)

    def message(self) -> str:
        """One line for a toast: "Sent 12 mails; 1 failed; 2 skipped: ..."."""
        count = len(self.sent)
        parts = [f"Sent {count} mail{'s' if count != 1 else ''}"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.skipped:
            kinds = Counter(_skip_kind(reason) for reason in self.skipped.values())
            if len(kinds) == 1:
                parts.append(f"{len(self.skipped)} skipped: {next(iter(kinds))}")
            else:
                detail = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
                parts.append(f"{len(self.skipped)} skipped ({detail})")
        return "; ".join(parts)


def _skip_kind(reason: str) -> str:
    if reason.startswith("not outgoing any more"):
        return "their state changed meanwhile"
    if reason == SKIP_GONE:
        return "deleted meanwhile"
    if reason.startswith(SKIP_LOCKED):
        return "locked by another transaction"
    if reason == SKIP_CAMPAIGN:
        return "campaign mails left to Odoo's queue"
    if "asked Odoo's queue" in reason:
        return "left to Odoo's queue"
    return "see details"


def send_now(
    backend: SqlBackend,
    mail_ids: list[int],
    *,
    uid: int,
    concurrency: int = 4,
    timeout: float = 30.0,
) -> SendReport:
    """Send these mails now; see the module docstring. Raises QueueBusy, ConsoleError."""
    if backend.info.read_only:
        raise ReadOnlyRefused("Opened read-only: sending is disabled")
    ids = list(dict.fromkeys(int(i) for i in mail_ids))
    run = _SendRun(backend, uid, max(1, min(int(concurrency), MAX_CONCURRENCY)), timeout)
    try:
        return run.execute(ids)
    except SQLAlchemyError as exc:
        raise query_error(exc, backend.target.url) from None


def _conf(backend: SqlBackend) -> ConfSmtp:
    conf = backend.target.odoo_conf
    if conf is None:
        return ConfSmtp()
    return ConfSmtp(
        smtp_server=conf.smtp_server,
        smtp_port=conf.smtp_port,
        smtp_ssl=conf.smtp_ssl,
        smtp_user=conf.smtp_user,
        smtp_password=conf.smtp_password,
        email_from=conf.email_from,
        from_filter=conf.from_filter,
    )


def _dbname(backend: SqlBackend) -> str:
    if backend.is_postgres:
        return backend.target.url.database or ""
    return backend.info.name


@dataclass(slots=True)
class _Planned:
    id: int
    route: Route


class _SendRun:
    def __init__(self, backend: SqlBackend, uid: int, concurrency: int, timeout: float) -> None:
        self.backend = backend
        self.schema = backend.schema
        self.version = backend.version.major
        self.uid = uid
        self.concurrency = concurrency
        self.timeout = timeout
        self.sent: list[int] = []
        self.failed: dict[int, str] = {}
        self.skipped: dict[int, str] = {}
        self.deleted: list[int] = []
        self.notes: list[str] = []
        self.campaigns: set[int] = set()
        self.deferred = False
        self.executor: ThreadPoolExecutor | None = None
        self.conn: Connection | None = None
        self.context: SendContext | None = None

    # -- the run ----------------------------------------------------------------------
    def execute(self, ids: list[int]) -> SendReport:
        engine = self.backend.engine
        postgres = self.backend.is_postgres
        lock_conn = engine.connect() if postgres else None
        cron_id: int | None = None
        try:
            if lock_conn is not None:
                cron_id = self._lock_queue_cron(lock_conn)
            with engine.connect() as conn:
                self.conn = conn
                with conn.begin():
                    if lock_conn is None:
                        cron_id = store.find_queue_cron(conn, self.schema)
                    settings = store.load_settings(conn, self.schema, self.uid)
                    plan = store.plan_rows(conn, self.schema, ids)
                conf = self.backend.target.odoo_conf
                self.context = SendContext(
                    version=self.version,
                    settings=settings,
                    conf=_conf(self.backend),
                    data_dir=(conf.data_dir if conf and conf.data_dir else None)
                    or store.default_data_dir(),
                    dbname=_dbname(self.backend),
                )
                groups = self._plan(ids, plan)
                if groups:
                    self._run_async(groups)
                if self.deferred:
                    self._insert_trigger(conn, cron_id)
        finally:
            if lock_conn is not None:
                lock_conn.rollback()  # releases Odoo's queue
                lock_conn.close()
        if self.deferred and cron_id is not None and postgres:
            problem = notify_cron_runners(self.backend)
            if problem:
                self.notes.append(problem)
        return SendReport(
            sent=self.sent,
            failed=self.failed,
            skipped=self.skipped,
            deferred_campaign_ids=sorted(self.campaigns),
            deleted=self.deleted,
            notes=self.notes,
        )

    def _lock_queue_cron(self, lock_conn: Connection) -> int | None:
        lock_conn.begin()
        lock_conn.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
        cron_id = store.find_queue_cron(lock_conn, self.schema)
        if cron_id is None:
            self.notes.append("No mail queue cron found: there was no Odoo lock to take")
            return None
        try:
            lock_conn.execute(
                text("SELECT id FROM ir_cron WHERE id = :id FOR NO KEY UPDATE NOWAIT"),
                {"id": cron_id},
            )
        except SQLAlchemyError as exc:
            if store.is_lock_error(exc):
                raise QueueBusy(
                    "Odoo is processing the queue right now; try again in a minute"
                ) from None
            raise
        return cron_id

    def _plan(
        self, ids: Sequence[int], plan: dict[int, store.PlanRow]
    ) -> dict[str, list[_Planned]]:
        assert self.context is not None
        groups: dict[str, list[_Planned]] = {}
        for mail_id in ids:
            row = plan.get(mail_id)
            if row is None:
                self.skipped[mail_id] = SKIP_GONE
            elif row.state != "outgoing":
                self.skipped[mail_id] = f"not outgoing any more (now {row.state!r})"
            elif row.mailing_id:
                self.skipped[mail_id] = SKIP_CAMPAIGN
                self.campaigns.add(int(row.mailing_id))
                self.deferred = True
            else:
                route = self.context.route(row)
                if route.endpoint.unsupported:
                    self.skipped[mail_id] = (
                        f"{route.endpoint.unsupported}, which only Odoo can use: "
                        "asked Odoo's queue to run instead"
                    )
                    self.deferred = True
                    continue
                groups.setdefault(route.endpoint.key, []).append(_Planned(mail_id, route))
        return groups

    def _insert_trigger(self, conn: Connection, cron_id: int | None) -> None:
        if cron_id is None:
            self.notes.append("Could not ask Odoo's queue to run: no mail queue cron found")
            return
        with store.write_transaction(conn):
            store.insert_trigger(conn, cron_id, self.uid, utcnow_naive())

    # -- async part -------------------------------------------------------------------
    def _run_async(self, groups: dict[str, list[_Planned]]) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailq-send-db")
        try:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                asyncio.run(self._send_groups(groups))
                return
            # called from a thread that runs an event loop: use a thread of our own
            errors: list[BaseException] = []

            def target() -> None:
                try:
                    asyncio.run(self._send_groups(groups))
                except BaseException as exc:  # re-raised in the caller's thread
                    errors.append(exc)

            thread = threading.Thread(target=target, name="mailq-send")
            thread.start()
            thread.join()
            if errors:
                raise errors[0]
        finally:
            self.executor.shutdown(wait=True)
            self.executor = None

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(work, *args))

    async def _send_groups(self, groups: dict[str, list[_Planned]]) -> None:
        await asyncio.gather(*(self._send_group(planned) for planned in groups.values()))

    async def _send_group(self, planned: list[_Planned]) -> None:
        endpoint = planned[0].route.endpoint
        if endpoint.refusal:
            for item in planned:
                await self._db(self._connect_failed, item, endpoint.refusal)
            return
        first = SmtpSession(endpoint, self.timeout)
        try:
            await first.open()
        except SmtpFailure as failure:
            reason = text_of(failure.odoo_error, self.version)
            for item in planned:
                await self._db(self._connect_failed, item, reason)
            return
        queue: deque[_Planned] = deque(planned)
        broken: list[str] = []
        workers = min(self.concurrency, len(planned))
        await asyncio.gather(
            self._worker(first, queue, broken),
            *(self._worker(None, queue, broken) for _ in range(workers - 1)),
        )
        for item in queue:
            why = broken[-1] if broken else "the SMTP session ended"
            self.skipped[item.id] = f"not attempted: {why}; left outgoing"

    async def _worker(
        self, session: SmtpSession | None, queue: deque[_Planned], broken: list[str]
    ) -> None:
        if session is None:
            if not queue:
                return
            session = SmtpSession(queue[0].route.endpoint, self.timeout)
            try:
                await session.open()
            except SmtpFailure:
                return  # the other connections carry on (the provider may cap them)
        try:
            while queue and session.usable:
                item = queue.popleft()
                await self._send_one(session, item)
            if queue and not session.usable:
                broken.append(f"the connection to {session.endpoint.label} broke")
        finally:
            await session.close()

    async def _send_one(self, session: SmtpSession, item: _Planned) -> None:
        prepared = await self._db(self._begin, item)
        if isinstance(prepared, str):
            self.skipped[item.id] = prepared
            return
        assert self.context is not None
        outcome = await deliver(session, prepared.content, item.route, self.context)
        await self._db(self._finish, item, prepared, outcome)

    # -- database steps (run in the single DB thread) ----------------------------------
    def _begin(self, item: _Planned) -> Prepared | str:
        """Lock, re-check, read, write the placeholder, COMMIT. A string: why not."""
        assert self.conn is not None and self.context is not None
        conn = self.conn
        try:
            with store.write_transaction(conn):
                state = store.lock_mail(conn, item.id)
                if state is None:
                    return SKIP_GONE
                if state != "outgoing":
                    return f"not outgoing any more (now {state!r})"
                prepared = prepare_content(conn, self.schema, self.context, item.id, item.route)
                store.write_placeholder(
                    conn,
                    self.schema,
                    item.id,
                    self.version,
                    self.uid,
                    utcnow_naive(),
                    no_recipients=prepared.no_recipients,
                )
            return prepared
        except SkipMail as skip:
            if skip.deferred:
                self.deferred = True
            return str(skip)
        except SQLAlchemyError as exc:
            if store.is_lock_error(exc):
                return SKIP_LOCKED
            return f"database error, left outgoing: {store.describe_db_error(exc)}"

    def _connect_failed(self, item: _Planned, reason: str) -> None:
        """``send()``: the batch's SMTP connection failed (failure_type mail_smtp)."""
        assert self.conn is not None
        conn = self.conn
        try:
            with store.write_transaction(conn):
                state = store.lock_mail(conn, item.id)
                if state is None or state != "outgoing":
                    self.skipped[item.id] = (
                        SKIP_GONE if state is None else f"not outgoing any more (now {state!r})"
                    )
                    return
                mail = store.read_mail(conn, item.id)
                store.write_mail(
                    conn,
                    item.id,
                    {"state": "exception", "failure_reason": reason},
                    self.uid,
                    utcnow_naive(),
                )
                store.postprocess(
                    conn,
                    self.schema,
                    mail,
                    version=self.version,
                    success_pids=[],
                    failure_type="mail_smtp",
                )
            self.failed[item.id] = reason
        except SQLAlchemyError as exc:
            self.skipped[item.id] = (
                SKIP_LOCKED
                if store.is_lock_error(exc)
                else f"database error, left outgoing: {store.describe_db_error(exc)}"
            )

    def _finish(self, item: _Planned, prepared: Prepared, outcome: Outcome) -> None:
        assert self.conn is not None
        conn = self.conn
        version = self.version
        mail = prepared.mail
        placeholder_reason = store.placeholder(version, prepared.no_recipients)[0]
        stored_reason: str | None = placeholder_reason
        deleted = False
        try:
            with store.write_transaction(conn):
                now = utcnow_naive()
                if outcome.kind == "sent" and outcome.message_id:
                    values: dict[str, Any] = {"state": "sent", "failure_reason": None}
                    if version >= 19:
                        values["failure_type"] = None
                    store.write_mail(conn, item.id, values, self.uid, now)
                    store.write_message_id(
                        conn, mail.mail_message_id, outcome.message_id, self.uid, now
                    )
                    stored_reason = None
                elif outcome.kind == "none" and version >= 19:
                    values = {}
                    if outcome.failure_reason:
                        values["failure_reason"] = stored_reason = outcome.failure_reason
                    if outcome.failure_type:
                        values["failure_type"] = outcome.failure_type
                    if values:
                        store.write_mail(conn, item.id, values, self.uid, now)
                elif outcome.kind == "failed":
                    values = {"state": "exception", "failure_reason": outcome.failure_reason}
                    if version >= 17:
                        values["failure_type"] = outcome.failure_type
                    store.write_mail(conn, item.id, values, self.uid, now)
                    stored_reason = outcome.failure_reason
                if outcome.kind != "dropped":
                    deleted = store.postprocess(
                        conn,
                        self.schema,
                        mail,
                        version=version,
                        success_pids=outcome.success_pids,
                        success_emails=outcome.success_emails,
                        failure_reason=(
                            outcome.failure_reason
                            if outcome.kind == "failed" or version >= 19
                            else None
                        ),
                        failure_type=outcome.failure_type,
                    )
        except SQLAlchemyError as exc:
            what = "was sent" if outcome.kind == "sent" else "was not sent"
            self.failed[item.id] = placeholder_reason
            self.notes.append(
                f"Mail {item.id} {what}, but recording the outcome failed "
                f"({store.describe_db_error(exc)}); it stays in exception with Odoo's "
                "placeholder reason: do not retry it blindly"
            )
            return
        if deleted:
            self.deleted.append(item.id)
        if outcome.kind == "sent":
            self.sent.append(item.id)
            return
        self.failed[item.id] = stored_reason or placeholder_reason
        if outcome.kind == "dropped":
            self.notes.append(
                f"Mail {item.id}: {item.route.endpoint.label} closed the connection while it "
                f"was being sent ({outcome.detail}); like Odoo, it stays in exception with the "
                "placeholder reason and is not sent again"
            )


# -- asking Odoo's cron runner ----------------------------------------------------------
def trigger_cron(backend: SqlBackend, cron_id: int, *, uid: int) -> str:
    """``ir.cron._trigger()``: a trigger row due now, then wake the cron workers."""
    if backend.info.read_only:
        raise ReadOnlyRefused("Opened read-only: triggering a cron is disabled")
    try:
        with backend.engine.connect() as conn, store.write_transaction(conn):
            row = conn.execute(
                text("SELECT id, cron_name, active FROM ir_cron WHERE id = :id"), {"id": cron_id}
            ).first()
            if row is None:
                raise ConsoleError(f"There is no cron with id {cron_id}")
            name = cron_name_text(row.cron_name) or f"cron {cron_id}"
            if not row.active:
                return (
                    f"'{name}' is inactive: Odoo ignores a trigger for now on an inactive "
                    "cron, so none was added"
                )
            store.insert_trigger(conn, cron_id, uid, utcnow_naive())
    except SQLAlchemyError as exc:
        raise query_error(exc, backend.target.url) from None
    message = f"Asked Odoo to run '{name}' now"
    if not backend.is_postgres:
        return message + " (its cron runner picks the trigger up at its next poll)"
    problem = notify_cron_runners(backend)
    return f"{message}; {problem}" if problem else message + "; Odoo's cron workers were woken up"


def notify_cron_runners(backend: SqlBackend) -> str | None:
    """``ir.cron._notifydb``: NOTIFY cron_trigger on the ``postgres`` database.

    Returns None when done, else a sentence saying the trigger waits for the next poll.
    """
    dbname = backend.target.url.database or ""
    url = backend.target.url.set(database="postgres")
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": 5, "application_name": "odoo-mailq"},
    )
    try:
        with engine.connect() as conn:
            if backend.version.major <= 16:
                literal = "'" + dbname.replace("'", "''") + "'"
                conn.exec_driver_sql(f"NOTIFY cron_trigger, {literal}")
            else:
                conn.execute(text("SELECT pg_notify('cron_trigger', :db)"), {"db": dbname})
            conn.commit()
        return None
    except SQLAlchemyError as exc:
        reason = store.describe_db_error(exc)
        if url.password:
            reason = reason.replace(str(url.password), "***")
        return (
            f"could not reach the 'postgres' database to wake Odoo's cron workers ({reason}); "
            "the trigger still runs at their next poll, within 60 s"
        )
    finally:
        engine.dispose()
