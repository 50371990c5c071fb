"""The Failed list in failure order over Odoo's external API: the key (failure second, id)
of console.domain.mail_order, as the SQL backend pages it (console.odoo.failed_order).

Odoo orders by the whole write_date (microseconds) but answers it to the second, and a
domain cannot order by the second then the id. So a page is read in up to three calls:
the rest of the bound's second by id, then the seconds beyond it by time, and, when the
page ends inside a second, that second again by id (its rows by time are not its first
ones by id). Every second the page holds whole is put in id order here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from console.backends.api_values import moment
from console.domain.mail_order import NO_TIME, ListKey, failure_second

Search = Callable[[list[Any], str, int], list[dict[str, Any]]]
ONE_SECOND = timedelta(seconds=1)


def _at(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def second_of(row: dict[str, Any]) -> datetime:
    """A row's failure second, as console.domain.mail_order keys it (Odoo always sets
    write_date; create_date stands in as in SQL)."""
    return failure_second(moment(row.get("write_date")) or moment(row.get("create_date")))


def _within(second: datetime) -> list[Any]:
    return [("write_date", ">=", _at(second)), ("write_date", "<", _at(second + ONE_SECOND))]


def failed_order_rows(
    search: Search, domain: list[Any], *, bound: ListKey | None, ascending: bool, fetch: int
) -> list[dict[str, Any]]:
    """`fetch` rows past `bound` in the order (second, id), newest first unless
    `ascending`; `search(domain, order, limit)` is one ``search_read``."""
    way = "asc" if ascending else "desc"
    rows: list[dict[str, Any]] = []
    beyond: list[Any] = []
    if bound is not None:
        second, bound_id = bound[0].replace(microsecond=0), bound[1]
        if second <= NO_TIME:  # a row without a time: only ids remain (never in Odoo)
            return search(
                [*domain, ("id", ">" if ascending else "<", bound_id)], f"id {way}", fetch
            )
        rest = [*_within(second), ("id", ">" if ascending else "<", bound_id)]
        rows = search([*domain, *rest], f"id {way}", fetch)
        if len(rows) >= fetch:
            return rows
        edge = _at(second + ONE_SECOND) if ascending else _at(second)
        beyond = [("write_date", ">=" if ascending else "<", edge)]
    wanted = fetch - len(rows)
    more = search([*domain, *beyond], f"write_date {way}, id {way}", wanted)
    if len(more) == wanted and more:
        # The last second may go on past the page: read its first rows by id instead.
        last = second_of(more[-1])
        kept = [r for r in more if second_of(r) != last]
        more = kept + search([*domain, *_within(last)], f"id {way}", wanted - len(kept))
    more.sort(key=lambda r: (second_of(r), int(r["id"])), reverse=not ascending)
    return rows + more
