"""The SQLAlchemy Core backend: PostgreSQL (psycopg 3) or SQLite, Odoo 16 to 19."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from console.backends.base import MailQuery
from console.backends.sql_engine import build_engine
from console.backends.sql_errors import connection_error, query_error
from console.backends.sql_writes import SqlMailWriter
from console.config.connection import ConnectionSettings, ResolvedTarget, resolve_target
from console.config.odoo_conf import OdooConf
from console.domain.causes import FailedRow, TextGroup
from console.domain.errors import ConsoleError, ReadOnlyRefused
from console.domain.health import HealthFacts
from console.domain.inbound import RoutingSetup, Verdict
from console.domain.models import (
    Attachment,
    CampaignRow,
    CronRow,
    DatabaseInfo,
    MailDetail,
    MailPage,
    MailRow,
    Notification,
    QueueStatus,
    Recipient,
)
from console.domain.queue_index import QueueIndexFacts
from console.domain.secrets import Credential, SecretMask
from console.domain.timefmt import as_naive_datetime, utcnow_naive
from console.odoo import campaigns as campaign_sql
from console.odoo import causes as cause_sql
from console.odoo import crons as cron_sql
from console.odoo import health_facts as health_sql
from console.odoo import inbound_routing as inbound_sql
from console.odoo import mail_config
from console.odoo import mail_queries as mail_sql
from console.odoo import queue_index as index_sql
from console.odoo.database_info import read_info
from console.odoo.mail_queries import LIST_REASON_CHARS
from console.odoo.record_names import record_names
from console.odoo.schema import OdooSchema, load_schema
from console.odoo.secrets import MaskCache, stored_credentials, target_credentials
from console.odoo.version import OdooVersion, detect_version

if TYPE_CHECKING:
    from console.backends.sql_send import SqlSendSession
    from console.smtp.prepare import MailAsSent
    from console.smtp.rows import DbSettings
    from console.smtp.server_choice import ConfSmtp

T = TypeVar("T")
# A hash of a million mail ids needs tens of MB; the default 4 MB would make PostgreSQL
# re-run the filter's subqueries for every row.
TEXT_SEARCH_WORK_MEM = "96MB"
# Partners loaded per mail: a list shows the first and a count; the detail shows more.
LIST_RECIPIENTS = 20
DETAIL_RECIPIENTS = 1000
# Mails a text page searches row by row before it hashes the messages (see _text_page_rows).
TEXT_WINDOW = 5000
# Ids per statement when every matching id is wanted (select-all).
IDS_PAGE = 100_000


class SqlBackend:
    """Implements `MailQueueBackend` with plain SQL, read by SQLAlchemy Core."""

    def __init__(self, target: ResolvedTarget, settings: ConnectionSettings) -> None:
        self._target = target
        self._settings = settings
        self._url = target.url
        self._secrets = MaskCache(target)
        self._engine = build_engine(target.url, settings)
        try:
            with self._engine.connect() as connection:
                self.schema: OdooSchema = load_schema(connection)
                self.version: OdooVersion = detect_version(connection, self.schema)
                self._info = read_info(
                    connection,
                    self.schema,
                    self.version,
                    target.url,
                    read_only=settings.read_only,
                )
        except ConsoleError:
            self._engine.dispose()
            raise
        except SQLAlchemyError as exc:
            self._engine.dispose()
            raise connection_error(exc, target.url) from None

    # -- plumbing ---------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def target(self) -> ResolvedTarget:
        return self._target

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise query_error(exc, self._url) from None

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """One transaction for a guarded write; committed on success, rolled back on error."""
        if self._settings.read_only:
            raise ReadOnlyRefused("Read-only session: this console does not write (--read-only)")
        try:
            with self._engine.connect() as connection:
                if self.is_postgres:
                    with connection.begin():
                        # A row Odoo holds is skipped, but a table lock must not hang us.
                        connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                        yield connection
                else:
                    connection.execution_options(sqlite_immediate=True)
                    with connection.begin():
                        yield connection
        except SQLAlchemyError as exc:
            raise query_error(exc, self._url) from None

    @contextmanager
    def writing(self) -> Iterator[SqlMailWriter]:
        """One action's transaction (MailQueueBackend.writing); the NOTIFYs after it."""
        with self.write_transaction() as connection:
            writer = SqlMailWriter(self, connection)
            yield writer
        writer.after_commit()

    def user_id(self, login: str) -> int | None:
        users = self.schema.t("res_users")
        found = self._run(
            lambda c: c.execute(
                select(users.c.id).where(users.c.login == login)
            ).scalar_one_or_none()
        )
        return None if found is None else int(found)

    def _run(self, work: Callable[[Connection], T]) -> T:
        with self._connect() as connection:
            return work(connection)

    @property
    def is_postgres(self) -> bool:
        return self._url.get_backend_name() == "postgresql"

    # -- secrets ----------------------------------------------------------------
    def secret_mask(self) -> SecretMask:
        """The mask for every text this database's rows put on screen or in a file
        (`console.domain.secrets`); its passwords are read again every minute."""
        return self._secrets.get(self._run)

    def mail_servers(self) -> list[dict[str, object]]:
        return self._run(lambda c: mail_config.server_rows(c, self.schema))

    def mail_parameters(self) -> dict[str, str]:
        return self._run(lambda c: mail_config.mail_parameters(c, self.schema))

    def odoo_conf(self) -> OdooConf | None:
        return self._target.odoo_conf

    def known_credentials(self) -> list[Credential]:
        """Every secret of this database and connection, read now (the support bundle)."""
        return [*target_credentials(self._target), *self._run(stored_credentials)]

    # -- info -------------------------------------------------------------------
    @property
    def info(self) -> DatabaseInfo:
        return self._info

    # -- mails ------------------------------------------------------------------
    def status(self) -> QueueStatus:
        now = utcnow_naive()

        def work(connection: Connection) -> QueueStatus:
            counts: dict[str, int] = {}
            oldest: datetime | None = None
            future = 0
            statement = mail_sql.status_statement(self.schema)
            for state, count, oldest_due, scheduled in connection.execute(
                statement, {"now": now}
            ).all():
                if state is None:
                    continue
                counts[str(state)] = int(count)
                if oldest_due is not None:
                    oldest = oldest_due
                future += int(scheduled or 0)
            return QueueStatus(counts=counts, oldest_due_outgoing=oldest, scheduled_future=future)

        return self._run(work)

    def _prepare_text_search(self, connection: Connection, query: MailQuery) -> None:
        """Room for the filter's hashed subqueries (see mail_filter), this transaction only."""
        if query.text.strip() and self.is_postgres:
            connection.exec_driver_sql(f"SET LOCAL work_mem = '{TEXT_SEARCH_WORK_MEM}'")

    def mail_page(self, query: MailQuery) -> MailPage:
        limit = max(1, min(query.limit, 1000))
        mask = self.secret_mask()

        def work(connection: Connection) -> MailPage:
            self._prepare_text_search(connection, query)
            rows = self._page_rows(connection, query, limit)
            has_more = len(rows) > limit
            rows = rows[:limit]
            backwards = query.after_id is not None and query.before_id is None
            if backwards:
                rows.reverse()  # fetched ascending from after_id; show newest first
            recipients = self._recipients(connection, [int(r[0]) for r in rows], LIST_RECIPIENTS)
            mails = self._with_record_names(connection, _mail_rows(rows, recipients, mask))
            return MailPage(rows=mails, has_more=has_more)

        return self._run(work)

    def _page_rows(self, connection: Connection, query: MailQuery, limit: int) -> list[Any]:
        """Up to limit + 1 rows (the columns of a MailRow), in the order they were read."""
        if not query.text.strip():
            statement = mail_sql.list_page_statement(
                self.schema, query.states, query.before_id is not None, query.after_id is not None
            )
            params = mail_sql.list_page_params(query.before_id, query.after_id, limit)
            return list(connection.execute(statement, params).all())
        return self._text_page_rows(connection, query, limit + 1)

    def _text_page_rows(self, connection: Connection, query: MailQuery, fetch: int) -> list[Any]:
        """A text page: first the newest TEXT_WINDOW mails row by row, then the rest hashed.

        Searching row by row (each message looked up by its key) stops as soon as the page
        is full: a common word fills it within a few thousand mails. A rare word would
        walk the whole table that way, so past the window the hashed form (one scan of
        the messages, see mail_filter) finds the rest of the page.
        """
        schema, states, text = self.schema, query.states, query.text
        before, after = query.before_id, query.after_id
        ascending = after is not None and before is None
        edge_query = mail_sql.window_edge_query(schema, before, after, ascending, TEXT_WINDOW)
        edge = connection.execute(edge_query).scalar()
        if edge is None:  # fewer mails than the window: the row-by-row walk is bounded
            statement = mail_sql.page_select(
                schema, states, text, before, after, fetch, ascending, per_row=True
            )
            return list(connection.execute(statement).all())
        # The window holds the edge; the rest starts right past it.
        window_before, window_after = (edge + 1, after) if ascending else (before, edge - 1)
        rest_before, rest_after = (None, edge) if ascending else (edge, after)
        window = mail_sql.page_select(
            schema, states, text, window_before, window_after, fetch, ascending, per_row=True
        )
        rows = list(connection.execute(window).all())
        if len(rows) < fetch:
            rest = mail_sql.page_select(
                schema, states, text, rest_before, rest_after, fetch - len(rows), ascending
            )
            rows += connection.execute(rest).all()
        return rows

    def _with_record_names(
        self, connection: Connection, mails: tuple[MailRow, ...]
    ) -> tuple[MailRow, ...]:
        """19 stores no record_name: the documents' names, read for the whole page."""
        if self.schema.has("mail_message", "record_name") or not self.is_postgres:
            return mails
        names = record_names(connection, self.schema, ((m.model, m.res_id) for m in mails))
        return tuple(
            replace(m, record_name=names.get((m.model or "", m.res_id or 0))) for m in mails
        )

    def _recipients(
        self, connection: Connection, ids: list[int], per_mail: int
    ) -> dict[int, tuple[tuple[Recipient, ...], int]]:
        """Mail id -> (its first partners, how many it has)."""
        if not ids or not self.schema.has_table("mail_mail_res_partner_rel"):
            return {}
        found: dict[int, list[Recipient]] = defaultdict(list)
        totals: dict[int, int] = {}
        statement = mail_sql.recipients_statement(self.schema, per_mail, self.is_postgres)
        for mail_id, partner_id, name, email, total in connection.execute(
            statement, {"ids": ids}
        ).all():
            found[mail_id].append(Recipient(partner_id, name, email))
            totals[mail_id] = total
        return {key: (tuple(value), totals[key]) for key, value in found.items()}

    def mail_ids(self, query: MailQuery, cap: int) -> list[int]:
        """The ids of every mail matching `query` (states, text, before_id), newest first.

        Ids only, IDS_PAGE a statement, in one transaction: what a select-all needs,
        without reading rows, recipients and building MailRows for each.
        """

        def work(connection: Connection) -> list[int]:
            self._prepare_text_search(connection, query)
            ids: list[int] = []
            before = query.before_id
            while len(ids) < cap:
                wanted = min(IDS_PAGE, cap - len(ids))
                statement = mail_sql.mail_ids_query(
                    self.schema, query.states, query.text, before, wanted + 1
                )
                page = _id_column(connection, statement)
                ids.extend(page[:wanted])
                if len(page) <= wanted:  # the one more row says whether to go on
                    break
                before = ids[-1]
            return ids

        return self._run(work)

    def count_mails(self, query: MailQuery) -> int:
        def work(connection: Connection) -> int:
            self._prepare_text_search(connection, query)
            statement = mail_sql.mail_count_query(self.schema, query.states, query.text)
            return int(connection.execute(statement).scalar_one())

        return self._run(work)

    def scheduled_later(self, ids: Sequence[int]) -> list[datetime]:
        now = utcnow_naive()

        def work(connection: Connection) -> list[datetime]:
            found: list[datetime] = []
            for start in range(0, len(ids), 10_000):
                chunk = list(ids[start : start + 10_000])
                for (when,) in connection.execute(
                    mail_sql.scheduled_later_query(self.schema, chunk, now)
                ):
                    moment = as_naive_datetime(when)
                    if moment is not None:
                        found.append(moment)
            return sorted(found)

        return self._run(work)

    def failure_groups(self, *, with_ids: bool = False) -> list[TextGroup]:
        mask = self.secret_mask()
        return self._run(
            lambda c: cause_sql.read_text_groups(c, self.schema, mask, with_ids=with_ids)
        )

    def failed_mails(self, page_size: int = cause_sql.PAGE_SIZE) -> Iterator[FailedRow]:
        mask = self.secret_mask()

        def page(before: int | None, size: int) -> list[FailedRow]:
            return self._run(
                lambda c: cause_sql.read_failed_page(c, self.schema, mask, before, size)
            )

        return cause_sql.iter_pages(page, page_size)

    def _fact_source(self) -> health_sql.FactSource:
        return health_sql.FactSource(
            run=self._run,
            schema=self.schema,
            version=self.version.major,
            neutralized=self._info.neutralized,
            conf=self._target.odoo_conf,
            crons=self.crons,
            campaigns=self.campaigns,
        )

    def health_facts(self, *, now: datetime | None = None) -> HealthFacts:
        return health_sql.gather_facts(self._fact_source(), now=now)

    def queue_index_facts(self, *, min_rows: int, now: datetime | None = None) -> QueueIndexFacts:
        return index_sql.measure(
            self.engine, self.schema, self.version.major, min_rows=min_rows, now=now
        )

    def default_from_address(self) -> str | None:
        return health_sql.default_from_address(self._fact_source())

    def routing_setup(self) -> RoutingSetup:
        return self._run(lambda c: inbound_sql.read_setup(c, self.version.major))

    def inbound_check(
        self, address: str, *, in_reply_to: str | None = None, sender: str | None = None
    ) -> Verdict:
        version = self.version.major
        return self._run(
            lambda c: inbound_sql.check_address(
                c, version, address, in_reply_to=in_reply_to, sender=sender
            )
        )

    def mail_detail(self, mail_id: int) -> MailDetail | None:
        mask = self.secret_mask()

        def work(connection: Connection) -> MailDetail | None:
            row = connection.execute(mail_sql.mail_detail_query(self.schema, mail_id)).first()
            if row is None:
                return None
            recipients = self._recipients(connection, [mail_id], DETAIL_RECIPIENTS).get(
                mail_id, ((), 0)
            )
            notifications: tuple[Notification, ...] = ()
            if self.schema.has_table("mail_notification"):
                notifications = tuple(
                    Notification(
                        id=int(n.id),
                        partner_id=n.res_partner_id,
                        partner_name=n.name,
                        partner_email=n.email,
                        notification_type=str(n.notification_type),
                        status=n.notification_status,
                        failure_type=n.failure_type,
                        failure_reason=mask.cut(n.failure_reason, LIST_REASON_CHARS),
                        mail_mail_id=n.mail_mail_id,
                    )
                    for n in connection.execute(
                        mail_sql.notifications_query(self.schema, int(row.mail_message_id))
                    )
                )
            attachments: tuple[Attachment, ...] = ()
            if self.schema.has_table("message_attachment_rel") and self.schema.has_table(
                "ir_attachment"
            ):
                attachments = tuple(
                    Attachment(int(a.id), str(a.name), a.mimetype, a.file_size)
                    for a in connection.execute(
                        mail_sql.attachments_query(self.schema, int(row.mail_message_id))
                    )
                )
            return MailDetail(
                mail=self._with_record_names(connection, (_mail_row(row, *recipients, mask),))[0],
                message_id=row.message_id,
                references=row.references,
                reply_to=row.reply_to,
                email_cc=row.email_cc,
                headers=row.headers,
                server_name=row.server_name,
                campaign_subject=row.campaign_subject,
                auto_delete=row.auto_delete,
                is_notification=row.is_notification,
                message_type=row.message_type,
                body_html=row.body_html,
                failure_reason_full=mask.optional(row.failure_reason),
                notifications=notifications,
                attachments=attachments,
                create_date=row.create_date,
                write_date=row.write_date,
            )

        return self._run(work)

    # -- crons ------------------------------------------------------------------
    def crons(self) -> list[CronRow]:
        now = utcnow_naive()

        def work(connection: Connection) -> list[CronRow]:
            rows = list(connection.execute(cron_sql.crons_query(self.schema)))
            rows = _one_row_per_cron(rows)
            running: set[int] | None = None
            if self.is_postgres and not self._settings.read_only:
                running = self._probe_running(cron_sql.ready_cron_ids(rows, now))
            return [_cron_row(row, now, running, self.version.major) for row in rows]

        return self._run(work)

    def _probe_running(self, cron_ids: list[int]) -> set[int]:
        with self._connect() as connection:
            transaction = connection.begin()
            try:
                return cron_sql.probe_running(connection, cron_ids)
            finally:
                transaction.rollback()

    # -- campaigns ----------------------------------------------------------------
    def campaigns(self) -> list[CampaignRow]:
        if not self._info.has_mass_mailing:
            return []
        now = utcnow_naive()

        def work(connection: Connection) -> list[CampaignRow]:
            rows = list(connection.execute(campaign_sql.queued_campaigns_query(self.schema)))
            ids = [int(r.id) for r in rows]
            if not ids:
                return []
            stats: dict[int, dict[str, int]] = defaultdict(dict)
            last_trace: dict[int, datetime] = {}
            if self.schema.has_table("mailing_trace"):
                for mailing_id, status, count, last in connection.execute(
                    campaign_sql.trace_stats_query(self.schema, ids)
                ):
                    stats[int(mailing_id)][str(status)] = int(count)
                    if last is not None and (
                        mailing_id not in last_trace or last > last_trace[mailing_id]
                    ):
                        last_trace[int(mailing_id)] = last
            outgoing = dict(
                (int(k), int(v))
                for k, v in connection.execute(campaign_sql.outgoing_mails_query(self.schema, ids))
            )
            recipients: dict[int, int] = {}
            recipients_query = campaign_sql.list_recipients_query(self.schema, ids)
            if recipients_query is not None:
                recipients = {int(k): int(v) for k, v in connection.execute(recipients_query)}
            order = _id_column(
                connection,
                campaign_sql.cron_order_query(self.schema, now, postgres=self.is_postgres),
            )
            return _ordered_campaigns(rows, order, stats, last_trace, outgoing, recipients)

        return self._run(work)

    def send_session(self, uid: int, max_message_mb: float) -> SqlSendSession:
        if self.info.read_only:
            raise ReadOnlyRefused("Opened read-only: sending is disabled")
        from console.backends.sql_send import SqlSendSession

        return SqlSendSession(self, uid, max_message_mb)

    def mail_settings(self, uid: int) -> tuple[DbSettings, ConfSmtp | None]:
        from console.odoo.send_context import conf_smtp
        from console.odoo.send_reads import load_settings

        settings = self._run(lambda c: load_settings(c, self.schema, uid))
        if self.target.odoo_conf is None:
            return settings, None
        return settings, conf_smtp(self.target, self.version.major)

    def mail_as_sent(
        self, mail_id: int, *, uid: int, max_message_mb: float, max_recipients: int
    ) -> MailAsSent | None:
        from console.backends.sql_send import read_mail_as_sent

        return read_mail_as_sent(
            self, mail_id, uid=uid, max_message_mb=max_message_mb, max_recipients=max_recipients
        )

    def close(self) -> None:
        self._engine.dispose()


def open_backend(settings: ConnectionSettings) -> SqlBackend:
    """Resolve where to connect, connect, and check it is a supported Odoo database."""
    target = resolve_target(settings)
    try:
        return SqlBackend(target, settings)
    except SQLAlchemyError as exc:  # engine creation problems (bad driver options)
        raise connection_error(exc, target.url) from None


# -- row mapping ------------------------------------------------------------------
def _id_column(connection: Connection, statement: Any) -> list[int]:
    """A one-column result read straight from the DBAPI cursor.

    SQLAlchemy builds a Row per row (about a microsecond each): for 100,000 ids that is
    more than the database takes to send them.
    """
    result = connection.execute(statement)
    try:
        return [int(row[0]) for row in result.cursor.fetchall()]
    finally:
        result.close()


def _mail_row(
    row: Any, recipients: tuple[Recipient, ...], recipient_count: int, mask: SecretMask
) -> MailRow:
    return MailRow(
        id=int(row.id),
        state=str(row.state) if row.state is not None else "?",
        date=row.date,
        scheduled_date=row.scheduled_date,
        email_from=row.email_from,
        email_to=row.email_to,
        recipients=recipients,
        subject=row.subject,
        model=row.model,
        res_id=row.res_id,
        record_name=row.record_name,
        failure_type=row.failure_type,
        failure_reason=mask.optional(row.failure_reason),
        mailing_id=row.mailing_id,
        recipient_count=recipient_count,
    )


def _mail_rows(
    rows: list[Any], recipients: dict[int, tuple[tuple[Recipient, ...], int]], mask: SecretMask
) -> tuple[MailRow, ...]:
    """A page's rows, read by position (the columns of `mail_sql._mail_row_columns`)."""
    none: tuple[tuple[Recipient, ...], int] = ((), 0)
    result = []
    for (
        mail_id,
        state,
        date,
        scheduled_date,
        email_from,
        email_to,
        subject,
        model,
        res_id,
        record_name,
        failure_type,
        failure_reason,
        mailing_id,
    ) in rows:
        partners, count = recipients.get(mail_id, none)
        result.append(
            MailRow(
                mail_id,
                "?" if state is None else str(state),
                date,
                scheduled_date,
                email_from,
                email_to,
                partners,
                subject,
                model,
                res_id,
                record_name,
                failure_type,
                mask.cut(failure_reason, LIST_REASON_CHARS),
                mailing_id,
                count,
            )
        )
    return tuple(result)


def _one_row_per_cron(rows: list[Any]) -> list[Any]:
    """A cron can carry several XML ids (exports); keep the module's own."""
    chosen: dict[int, Any] = {}
    for row in rows:
        current = chosen.get(row.id)
        if current is None or (current.xml_module in (None, "__export__") and row.xml_module):
            chosen[row.id] = row
    return list(chosen.values())


def _cron_row(row: Any, now: datetime, running: set[int] | None, version: int) -> CronRow:
    name = cron_sql.cron_name_text(row.cron_name)
    xml_id = f"{row.xml_module}.{row.xml_name}" if row.xml_module else None
    active = bool(row.active)
    if version <= 17 and row.numbercall is not None and row.numbercall == 0:
        active = False  # numbercall 0: Odoo 16/17's runner never picks it
    return CronRow(
        id=int(row.id),
        name=name,
        xml_id=xml_id,
        active=active,
        interval_number=row.interval_number,
        interval_type=row.interval_type,
        nextcall=row.nextcall,
        lastcall=row.lastcall,
        priority=row.priority,
        failure_count=row.failure_count,
        first_failure_date=row.first_failure_date,
        running=None if running is None else int(row.id) in running,
        pending_triggers=int(row.triggers or 0),
        # A job being run keeps its old nextcall until it finishes: running, not overdue.
        overdue=cron_sql.is_overdue(active, row.nextcall, now)
        and not (running is not None and int(row.id) in running),
        is_mail_related=cron_sql.is_mail_related(row.xml_module, name),
    )


def _ordered_campaigns(
    rows: list[Any],
    cron_order: list[int],
    stats: dict[int, dict[str, int]],
    last_trace: dict[int, datetime],
    outgoing: dict[int, int],
    recipients: dict[int, int],
) -> list[CampaignRow]:
    """Due mailings in the cron's order, then the others by schedule date."""
    rank = {mailing_id: index for index, mailing_id in enumerate(cron_order)}
    due = sorted((r for r in rows if int(r.id) in rank), key=lambda r: rank[int(r.id)])
    later = sorted(
        (r for r in rows if int(r.id) not in rank),
        key=lambda r: (r.schedule_date or datetime.max, r.id),
    )
    result: list[CampaignRow] = []
    for position, row in enumerate(due + later, start=1):
        mailing_id = int(row.id)
        by_status = stats.get(mailing_id, {})
        is_due = position <= len(due)
        result.append(
            CampaignRow(
                id=mailing_id,
                name=row.name,
                subject=str(row.subject or ""),
                state=str(row.state),
                schedule_type=row.schedule_type,
                schedule_date=row.schedule_date,
                calendar_date=row.calendar_date,
                create_date=row.create_date,
                position=position if is_due else None,
                is_head=is_due and position == 1,
                due=is_due,
                recipients=recipients.get(mailing_id),
                traces=sum(by_status.values()),
                traces_sent=sum(by_status.get(s, 0) for s in campaign_sql.SENT_TRACE_STATUSES),
                traces_failed=sum(by_status.get(s, 0) for s in campaign_sql.FAILED_TRACE_STATUSES),
                mails_outgoing=outgoing.get(mailing_id, 0),
                last_trace_at=last_trace.get(mailing_id),
            )
        )
    return result
