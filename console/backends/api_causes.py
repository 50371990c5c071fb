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
# A failed mail's write_date is when it failed (docs/failures.md), as over SQL.
GROUP_AGGREGATES = {
    "first_seen": "write_date:min",
    "last_seen": "write_date:max",
    "newest_id": "id:max",
}


def _server_fields(api: OdooApi) -> list[str]:
    """What decides a mail's server (console.odoo.server_use), as the SQL groups it."""
    return [
        "mail_server_id",
        "email_from",
        *(["record_alias_domain_id"] if api.version.major >= 17 else []),
    ]


def api_failure_groups(api: OdooApi, mask: SecretMask, *, with_ids: bool) -> list[TextGroup]:
    """The failed mails grouped, newest group first, reasons masked and cut as the SQL
    backend cuts them (Odoo groups on the whole reason: groups whose reasons share the
    first ``REASON_PREFIX`` characters are merged here, as the SQL groups them)."""
    aggregates = {**GROUP_AGGREGATES, **({"ids": "id:array_agg"} if with_ids else {})}
    by = ["failure_type", "failure_reason", *_server_fields(api)]
    rows = grouped(api, "mail.mail", FAILED, by, aggregates)
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        inputs = (
            many2one(row["mail_server_id"])[0],
            text(row["email_from"]),
            many2one(row.get("record_alias_domain_id"))[0],
        )
        key = (text(row["failure_type"]), _prefix(row["failure_reason"]), *inputs)
        found = merged.get(key)
        first, last = moment(row["first_seen"]), moment(row["last_seen"])
        ids = tuple(int(i) for i in row.get("ids") or ())
        if found is None:
            merged[key] = {"count": row["__count"], "first": first, "last": last,
                           "newest": int(row["newest_id"]), "ids": ids}  # fmt: skip
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
            count=int(values["count"]),
            first_seen=values["first"],
            last_seen=values["last"],
            newest_id=values["newest"],
            ids=values["ids"] if with_ids else (),
            mail_server_id=server_id,
            email_from=email_from,
            alias_domain_id=alias_id,
        )
        for (failure_type, reason, server_id, email_from, alias_id), values in merged.items()
    ]
    return sorted(groups, key=lambda g: -g.newest_id)


def api_failed_page(
    api: OdooApi, mask: SecretMask, before_id: int | None, limit: int
) -> list[FailedRow]:
    """One keyset page of failed mails, newest first, reasons masked and cut."""
    domain = [*FAILED, *([("id", "<", before_id)] if before_id is not None else [])]
    fields = ["failure_type", "failure_reason", "write_date", "create_date", "date",
              *_server_fields(api)]  # fmt: skip
    rows = api.call(
        "mail.mail", "search_read", domain=domain, order="id desc", limit=limit, fields=fields
    )
    return [
        FailedRow(
            id=int(row["id"]),
            failure_type=text(row["failure_type"]),
            failure_reason=mask.cut(_prefix(row["failure_reason"]), REASON_PREFIX),
            seen_at=moment(row["write_date"]) or moment(row["create_date"]) or moment(row["date"]),
            mail_server_id=many2one(row["mail_server_id"])[0],
            email_from=text(row["email_from"]),
            alias_domain_id=many2one(row.get("record_alias_domain_id"))[0],
        )
        for row in rows
    ]


def _prefix(raw: Any) -> str | None:
    """The beginning of a reason the SQL backend reads (``substr``)."""
    reason = text(raw)
    return reason[:REASON_PREFIX] if reason is not None else None
