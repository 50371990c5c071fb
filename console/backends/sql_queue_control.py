"""The SQL backend's crons, campaigns and the console's pause and holds (a mixin of
``console.backends.sql.SqlBackend``): the queue's controls, as the Crons and Campaigns
panes, the header and the health checks read them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from console.domain.timefmt import utcnow_naive
from console.odoo import campaign_list, cron_list, mail_volume
from console.odoo import crons as cron_sql

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from console.config.connection import ConnectionSettings
    from console.domain.models import CampaignRow, CronRow, DatabaseInfo, QueueStatus
    from console.domain.pause import PauseState
    from console.odoo.schema import OdooSchema
    from console.odoo.version_rules import OdooVersion

T = TypeVar("T")


class QueueControlReads:
    if TYPE_CHECKING:  # provided by SqlBackend
        schema: OdooSchema
        version: OdooVersion
        _settings: ConnectionSettings
        _info: DatabaseInfo

        def _run(self, work: Callable[[Connection], T]) -> T: ...

        def _connect(self) -> AbstractContextManager[Connection]: ...

        @property
        def is_postgres(self) -> bool: ...

    # -- crons ------------------------------------------------------------------
    def crons(self) -> list[CronRow]:
        now = utcnow_naive()

        def work(connection: Connection) -> list[CronRow]:
            rows = cron_list.cron_rows(connection, self.schema)
            running: set[int] | None = None
            if self.is_postgres:
                ready = cron_sql.ready_cron_ids(rows, now)
                # A read-only session cannot take the probe's row lock: it asks pg_locks.
                running = (
                    cron_sql.locked_cron_ids(connection, ready)
                    if self._settings.read_only
                    else self._probe_running(ready)
                )
            return [cron_list.cron_row(row, now, running, self.version.major) for row in rows]

        return self._run(work)

    def _probe_running(self, cron_ids: list[int]) -> set[int]:
        with self._connect() as connection:
            transaction = connection.begin()
            try:
                return cron_sql.probe_running(connection, cron_ids)
            finally:
                transaction.rollback()

    def status_and_volume(self, *, now: datetime | None = None) -> tuple[QueueStatus, int]:
        moment = now or utcnow_naive()
        return self._run(lambda c: mail_volume.status_and_volume(c, self.schema, moment))

    # -- campaigns ----------------------------------------------------------------
    def campaigns(self, *, outgoing_counts: bool = True) -> list[CampaignRow]:
        if not self._info.has_mass_mailing:
            return []
        now = utcnow_naive()
        return self._run(
            lambda c: campaign_list.read_campaigns(
                c, self.schema, now, outgoing_counts=outgoing_counts
            )
        )

    def pause_state(self) -> PauseState | None:
        from console.odoo.pause_writes import read_pause

        if not self.schema.has_table("ir_config_parameter"):
            return None
        return self._run(read_pause)

    def held_ids(self) -> list[int]:
        from console.odoo.hold_writes import read_held

        if not self.schema.has_table("ir_config_parameter"):
            return []
        return sorted(self._run(read_held), reverse=True)
