"""The SQL backend's queue shape and throughput history (a mixin of
``console.backends.sql.SqlBackend``): the counts come from one GROUP BY each
(console.odoo.shape, console.odoo.history); here the raw keys get their labels, the
servers named as everywhere else (console.odoo.server_use), the causes classified as on
the Causes pane."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from console.domain.history import History, lay_out, window
from console.domain.shape import (
    NO_DOMAIN,
    NO_MODEL,
    SHAPE_STATES,
    QueueShape,
    domain_filter_text,
    fold,
    top_rows,
    total_row,
)
from console.domain.timefmt import utcnow_naive
from console.odoo.server_use import named_host

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from console.domain.secrets import SecretMask
    from console.odoo.schema import OdooSchema
    from console.odoo.server_use import ServerNamer

T = TypeVar("T")


class ChartReads:
    if TYPE_CHECKING:  # provided by SqlBackend
        schema: OdooSchema

        def _run(self, work: Callable[[Connection], T]) -> T: ...

        def secret_mask(self) -> SecretMask: ...

        def server_namer(self) -> ServerNamer: ...

    def queue_shape(
        self, *, by: str = "domain", state: str = "outgoing", limit: int = 10,
        now: datetime | None = None,
    ) -> QueueShape:  # fmt: skip
        from console.odoo import shape as shape_sql

        at = now or utcnow_naive()
        db_state = SHAPE_STATES[state]
        if by == "domain":
            query = shape_sql.domain_shape_query(self.schema, db_state, at)
            rows = self._run(lambda c: c.execute(query).all())
            total, later = total_row((int(r.bucket), int(r.mails)) for r in rows if r.kind == 0)
            counted = [
                (r.domain if r.kind == 1 else NO_DOMAIN, int(r.bucket), int(r.mails))
                for r in rows
                if r.kind != 0
            ]
            table = fold(counted)
            filters = {d: domain_filter_text(d) for d in table if d != NO_DOMAIN}
            return QueueShape(by, state, top_rows(table, limit, filters), total, later, at)
        query = shape_sql.keyed_shape_query(self.schema, by, db_state, at)
        grouped = self._run(lambda c: c.execute(query).all())
        total, later = total_row((int(r.bucket), int(r.mails)) for r in grouped)
        labels = self._labels(by, grouped)
        table = fold((labels[i], int(r.bucket), int(r.mails)) for i, r in enumerate(grouped))
        filters = {m: m for m in table if by == "model" and m != NO_MODEL}
        return QueueShape(by, state, top_rows(table, limit, filters), total, later, at)

    def _labels(self, by: str, grouped: Sequence[Any]) -> list[str]:
        if by == "model":
            return [str(r.model) if r.model else NO_MODEL for r in grouped]
        if by == "server":
            return self._server_labels(grouped)
        from console.domain.classify import classify_known
        from console.odoo.causes import REASON_PREFIX

        mask = self.secret_mask()
        labels = []
        for row in grouped:
            reason = mask.cut(row.failure_reason, REASON_PREFIX) if row.failure_reason else None
            if reason is None and row.failure_type is None:
                labels.append("(no failure)")
            else:
                labels.append(classify_known(reason, row.failure_type).title)
        return labels

    def _server_labels(self, grouped: Sequence[Any]) -> list[str]:
        namer = self.server_namer()
        labels = []
        for row in grouped:
            host = named_host(None if row.via_host is None else str(row.via_host))
            if host is not None:
                server = namer.used(host)
            else:
                server = namer.name(
                    _int(row.mail_server_id),
                    None if row.email_from is None else str(row.email_from),
                    _int(row.alias_domain_id),
                )
            labels.append(server.label)
        return labels

    def throughput(self, *, days: int = 3, now: datetime | None = None) -> History:
        from console.odoo.history import read_hours

        since, until = window(now or utcnow_naive(), days)
        counted, sources = self._run(lambda c: read_hours(c, self.schema, since, until))
        return lay_out(counted, since, until, sources)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
