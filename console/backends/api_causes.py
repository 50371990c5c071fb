"""The failures by cause over Odoo's external API: the failed mails (state
``exception``) grouped by failure type, reason and server with the version's group-by,
and keyset pages of them (``search_read``). What a cause is and how groups merge are in
console.domain.causes, as for the SQL backend (console.odoo.causes)."""

from __future__ import annotations

from typing import Any

from console.backends.api_groups import grouped
from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, text
from console.domain.causes import FailedRow, TextGroup
from console.domain.secrets import SecretMask
from console.odoo.causes import FAILED_STATES, REASON_PREFIX

FAILED: list[Any] = [("state", "in", list(FAILED_STATES))]
GROUP_AGGREGATES = {
    "first_seen": "create_date:min",
    "last_seen": "create_date:max",
    "newest_id": "id:max",
}


def api_failure_groups(api: OdooApi, mask: SecretMask, *, with_ids: bool) -> list[TextGroup]:
    """The failed mails grouped, newest group first, reasons masked and cut as the SQL
    backend cuts them (Odoo groups on the whole reason: groups whose reasons share the
    first ``REASON_PREFIX`` characters are merged here, as the SQL groups them)."""
    aggregates = {**GROUP_AGGREGATES, **({"ids": "id:array_agg"} if with_ids else {})}
    rows = grouped(
        api, "mail.mail", FAILED, ["failure_type", "failure_reason", "mail_server_id"], aggregates
    )
    merged: dict[tuple[str | None, str | None, int | None], dict[str, Any]] = {}
    for row in rows:
        server_id, server = many2one(row["mail_server_id"])
        key = (text(row["failure_type"]), _prefix(row["failure_reason"]), server_id)
        found = merged.get(key)
        first, last = moment(row["first_seen"]), moment(row["last_seen"])
        ids = tuple(int(i) for i in row.get("ids") or ())
        if found is None:
            merged[key] = {"server": server, "count": row["__count"], "first": first,
                           "last": last, "newest": int(row["newest_id"]), "ids": ids}  # fmt: skip
            continue
        found["count"] += row["__count"]
        found["first"] = min((d for d in (found["first"], first) if d), default=None)
        found["last"] = max((d for d in (found["last"], last) if d), default=None)
        found["newest"] = max(found["newest"], int(row["newest_id"]))
        found["ids"] += ids
    groups = [
        TextGroup(
            failure_type=failure_type,
            failure_reason=mask.cut(reason, REASON_PREFIX),
            server=values["server"],
            count=int(values["count"]),
            first_seen=values["first"],
            last_seen=values["last"],
            newest_id=values["newest"],
            ids=values["ids"] if with_ids else (),
        )
        for (failure_type, reason, _), values in merged.items()
    ]
    return sorted(groups, key=lambda g: -g.newest_id)


def api_failed_page(
    api: OdooApi, mask: SecretMask, before_id: int | None, limit: int
) -> list[FailedRow]:
    """One keyset page of failed mails, newest first, reasons masked and cut."""
    domain = [*FAILED, *([("id", "<", before_id)] if before_id is not None else [])]
    rows = api.call(
        "mail.mail", "search_read", domain=domain, order="id desc", limit=limit,
        fields=["failure_type", "failure_reason", "create_date", "date", "mail_server_id"],
    )  # fmt: skip
    return [
        FailedRow(
            id=int(row["id"]),
            failure_type=text(row["failure_type"]),
            failure_reason=mask.cut(_prefix(row["failure_reason"]), REASON_PREFIX),
            seen_at=moment(row["create_date"]) or moment(row["date"]),
            server=many2one(row["mail_server_id"])[1],
        )
        for row in rows
    ]


def _prefix(raw: Any) -> str | None:
    """The beginning of a reason the SQL backend reads (``substr``)."""
    reason = text(raw)
    return reason[:REASON_PREFIX] if reason is not None else None
