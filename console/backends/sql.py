"""The SQLAlchemy Core backend: PostgreSQL (psycopg 3) or SQLite, Odoo 16 to 19.

``SqlBackend`` holds the engine (console.backends.sql_engine) and the schema it read, and
runs each read in a connection of its own; the SQL itself is in console/odoo/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from console.backends.base import MailQuery
from console.backends.sql_charts import ChartReads
from console.backends.sql_engine import build_engine, file_identity
from console.backends.sql_errors import connection_error, query_error
from console.backends.sql_queue_control import QueueControlReads
from console.backends.sql_records import RecordReads
from console.backends.sql_writes import SqlMailWriter
from console.config.connection import ConnectionSettings, ResolvedTarget, resolve_target
from console.config.odoo_conf import OdooConf
from console.domain.causes import FailedRow, TextGroup
from console.domain.errors import ConsoleError, ReadOnlyRefused, UsageError
from console.domain.health import HealthFacts
from console.domain.inbound import RoutingSetup, Verdict
from console.domain.models import (
    DatabaseInfo,
    MailDetail,
    MailPage,
    QueueStatus,
)
from console.domain.queue_index import QueueIndexFacts
from console.domain.secrets import Credential, SecretMask
from console.domain.timefmt import utcnow_naive
from console.odoo import causes as cause_sql
from console.odoo import health_facts as health_sql
from console.odoo import inbound_routing as inbound_sql
from console.odoo import (
    mail_config,
    mail_detail,
    mail_list,
)
from console.odoo import oca_facts as oca_sql
from console.odoo import queue_index as index_sql
from console.odoo.database_info import read_info
from console.odoo.schema import OdooSchema, load_schema
from console.odoo.secrets import MaskCache, stored_credentials, target_credentials
from console.odoo.server_use import ServerNamer
from console.odoo.version import detect_version
from console.odoo.version_rules import OdooVersion

if TYPE_CHECKING:
    from console.backends.sql_send import SqlSendSession
    from console.smtp.prepare import MailAsSent
    from console.smtp.rows import DbSettings
    from console.smtp.server_choice import ConfSmtp

T = TypeVar("T")
# A hash of a million mail ids needs tens of MB; the default 4 MB would make PostgreSQL
# re-run the filter's subqueries for every row.
TEXT_SEARCH_WORK_MEM = "96MB"
# Mails a text page searches row by row before it hashes the messages
# (console.odoo.mail_list._text_page_rows); read at each call, handed to mail_list.
TEXT_WINDOW = 5000
# Ids per statement when every matching id is wanted (select-all).
IDS_PAGE = 100_000


class SqlBackend(RecordReads, ChartReads, QueueControlReads):
    """Implements `MailQueueBackend` with plain SQL, read by SQLAlchemy Core."""

    def __init__(self, target: ResolvedTarget, settings: ConnectionSettings) -> None:
        self._target = target
        self._settings = settings
        self._url = target.url
        self._secrets = MaskCache(lambda: target_credentials(target))
        self._engine = build_engine(target.url, settings)
        self._file = file_identity(target.url)
        self._servers: ServerNamer | None = None
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
        return self._secrets.get(lambda: self._run(stored_credentials))

    def mail_servers(self) -> list[dict[str, object]]:
        return self._run(lambda c: mail_config.server_rows(c, self.schema))

    def oca_modules(self) -> frozenset[str]:
        return self._run(lambda c: oca_sql.installed_modules(c, self.schema))

    def mail_parameters(self) -> dict[str, str]:
        return self._run(lambda c: mail_config.mail_parameters(c, self.schema))

    def odoo_conf(self) -> OdooConf | None:
        return self._target.odoo_conf

    def bundled_log(self) -> Path | None:
        return self._target.log_file

    def known_credentials(self) -> list[Credential]:
        """Every secret of this database and connection, read now (the support bundle)."""
        return [*target_credentials(self._target), *self._run(stored_credentials)]

    # -- info -------------------------------------------------------------------
    @property
    def acting_uid(self) -> int | None:
        return None  # the console writes as --odoo-user (default: the superuser)

    @property
    def info(self) -> DatabaseInfo:
        return self._info

    # -- mails ------------------------------------------------------------------
    def status(self) -> QueueStatus:
        now = utcnow_naive()
        status = self._run(lambda c: mail_list.queue_status(c, self.schema, now))
        return replace(status, paused=self.pause_state())

    def _prepare_text_search(self, connection: Connection, query: MailQuery) -> None:
        """Room for the filter's hashed subqueries (see mail_filter), this transaction only."""
        if query.text.strip() and self.is_postgres:
            connection.exec_driver_sql(f"SET LOCAL work_mem = '{TEXT_SEARCH_WORK_MEM}'")

    def mail_page(self, query: MailQuery) -> MailPage:
        limit = max(1, min(query.limit, 1000))
        mask = self.secret_mask()
        window = TEXT_WINDOW

        def work(connection: Connection) -> MailPage:
            self._prepare_text_search(connection, query)
            return mail_list.mail_page(
                connection,
                self.schema,
                states=query.states,
                text=query.text,
                before_id=query.before_id,
                after_id=query.after_id,
                limit=limit,
                mask=mask,
                window=window,
                by_failure=query.by_failure,
                before_at=query.before_at,
                after_at=query.after_at,
            )

        page = self._run(work)
        return replace(page, rows=tuple(self.server_namer().rows(page.rows)))

    def server_namer(self) -> ServerNamer:
        """Names each mail's server (console.odoo.server_use), settings read as the cron's
        user; odoo.conf's SMTP settings only with -c (and values Odoo accepts)."""
        if self._servers is None:
            from console.domain.actions import SUPERUSER_ID
            from console.odoo.send_context import conf_smtp
            from console.odoo.send_reads import load_settings

            def read() -> tuple[DbSettings, ConfSmtp | None]:
                settings = self._run(lambda c: load_settings(c, self.schema, SUPERUSER_ID))
                if self._target.odoo_conf is None:
                    return settings, None
                try:
                    return settings, conf_smtp(self._target, self.version.major)
                except UsageError:  # a value Odoo itself refuses: its settings are moot
                    return settings, None

            self._servers = ServerNamer(self.version.major, read)
        return self._servers

    def mail_ids(self, query: MailQuery, cap: int) -> list[int]:
        """The ids of every mail matching `query` (states, text, before_id), newest first.

        Ids only, IDS_PAGE a statement, in one transaction: what a select-all needs,
        without reading rows, recipients and building MailRows for each.
        """
        page_size = IDS_PAGE

        def work(connection: Connection) -> list[int]:
            self._prepare_text_search(connection, query)
            return mail_list.mail_ids(
                connection,
                self.schema,
                states=query.states,
                text=query.text,
                before_id=query.before_id,
                cap=cap,
                page_size=page_size,
            )

        return self._run(work)

    def count_mails(self, query: MailQuery) -> int:
        def work(connection: Connection) -> int:
            self._prepare_text_search(connection, query)
            return mail_list.count_mails(connection, self.schema, query.states, query.text)

        return self._run(work)

    def scheduled_later(self, ids: Sequence[int]) -> list[datetime]:
        now = utcnow_naive()
        return self._run(lambda c: mail_list.scheduled_later(c, self.schema, ids, now))

    def failure_groups(self, *, with_ids: bool = False) -> list[TextGroup]:
        mask = self.secret_mask()
        groups = self._run(
            lambda c: cause_sql.read_text_groups(c, self.schema, mask, with_ids=with_ids)
        )
        return self.server_namer().rows(groups)

    def failed_mails(self, page_size: int = cause_sql.PAGE_SIZE) -> Iterator[FailedRow]:
        mask = self.secret_mask()

        def page(before: int | None, size: int) -> list[FailedRow]:
            rows = self._run(
                lambda c: cause_sql.read_failed_page(c, self.schema, mask, before, size)
            )
            return self.server_namer().rows(rows)

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
        found = self._run(lambda c: mail_detail.mail_detail(c, self.schema, mail_id, mask))
        if found is None:
            return None
        return replace(found, mail=self.server_namer().rows([found.mail])[0])

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

    def replaced(self) -> bool:
        """A SQLite file replaced (or removed) since it was opened: this backend still
        reads the old one, and writes to it fail ("readonly database")."""
        return self._file is not None and file_identity(self._url) != self._file

    def close(self) -> None:
        self._engine.dispose()


def open_backend(settings: ConnectionSettings) -> SqlBackend:
    """Resolve where to connect, connect, and check it is a supported Odoo database."""
    target = resolve_target(settings)
    try:
        return SqlBackend(target, settings)
    except SQLAlchemyError as exc:  # engine creation problems (bad driver options)
        raise connection_error(exc, target.url) from None
