"""The crons over Odoo's external API, judged by the same rule as over SQL
(console.odoo.cron_list.cron_row): one ``search_read`` of ``ir.cron``, one of their XML
ids, one count of their pending triggers. Whether a cron is running cannot be told over
the API (that is a row-lock probe): ``running`` is None."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from console.backends.api_transport import OdooApi
from console.backends.api_values import moment, value
from console.domain.models import CronRow
from console.domain.timefmt import utcnow_naive

FIELDS = ["cron_name", "active", "interval_number", "interval_type", "nextcall", "lastcall",
          "priority", "code"]  # fmt: skip
FAILURES = ["failure_count", "first_failure_date"]  # 18+
FIELDS_BY_VERSION = {16: ["numbercall"], 17: ["numbercall"], 18: FAILURES, 19: FAILURES}


def api_crons(api: OdooApi) -> list[CronRow]:
    from console.odoo.cron_list import cron_row

    version = api.version.major
    fields = FIELDS + FIELDS_BY_VERSION.get(version, FIELDS_BY_VERSION[19])
    crons = api.call(
        "ir.cron", "search_read", domain=["|", ("active", "=", True), ("active", "=", False)],
        fields=fields, order="id",
    )  # fmt: skip
    ids = [int(c["id"]) for c in crons]
    xml: dict[int, tuple[str, str]] = {}
    for data in api.call(
        "ir.model.data",
        "search_read",
        domain=[("model", "=", "ir.cron"), ("res_id", "in", ids)],
        fields=["module", "name", "res_id"],
        order="id",
    ):
        if int(data["res_id"]) not in xml or xml[int(data["res_id"])][0] == "__export__":
            xml[int(data["res_id"])] = (str(data["module"]), str(data["name"]))
    triggers = Counter(
        int(t["cron_id"][0])
        for t in api.call(
            "ir.cron.trigger",
            "search_read",
            domain=[("cron_id", "in", ids)],
            fields=["cron_id"],
            limit=10_000,
        )
    )
    now = utcnow_naive()
    rows = []
    for cron in crons:
        module, name = xml.get(int(cron["id"]), (None, None))
        row = SimpleNamespace(
            id=int(cron["id"]),
            cron_name=value(cron.get("cron_name")),
            active=bool(cron.get("active")),
            interval_number=value(cron.get("interval_number")),
            interval_type=value(cron.get("interval_type")),
            nextcall=moment(cron.get("nextcall")),
            lastcall=moment(cron.get("lastcall")),
            priority=value(cron.get("priority")),
            failure_count=value(cron.get("failure_count")),
            first_failure_date=moment(cron.get("first_failure_date")),
            numbercall=value(cron.get("numbercall")),
            xml_module=module,
            xml_name=name,
            triggers=triggers.get(int(cron["id"]), 0),
            code=value(cron.get("code")),
        )
        rows.append(cron_row(row, now, None, version))
    return rows
