"""Odoo's group-by over the external API, one shape for every version: ``read_group``
(``lazy=False``, aggregates written ``alias:func(field)``) on 16-18, ``formatted_read_group``
(aggregates ``field:func``) on 19. Each group comes back as a dict of its group-by values
(a many2one as ``[id, name]``, False when empty), its aggregates under their aliases and
``__count``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from console.backends.api_transport import OdooApi


def grouped(
    api: OdooApi,
    model: str,
    domain: list[Any],
    groupby: Sequence[str],
    aggregates: Mapping[str, str] | None = None,
    *,
    order: str | None = None,
    limit: int | None = None,
    **options: Any,
) -> list[dict[str, Any]]:
    """The groups of ``model``'s records matching ``domain``; ``aggregates`` maps an alias
    to ``field:func`` (``create_date:max``, ``id:array_agg``, ``contact_id:count_distinct``);
    ``order`` and ``limit`` bound the groups; ``options`` go to Odoo as they are
    (``context``)."""
    specs = dict(aggregates or {})
    if limit is not None:
        options["limit"] = limit
    if order is not None:
        options["order" if api.version.major >= 19 else "orderby"] = order
    if api.version.major >= 19:
        rows = api.call(
            model, "formatted_read_group", domain=domain, groupby=list(groupby),
            aggregates=["__count", *specs.values()], **options,
        )  # fmt: skip
        return [
            {**{g: row.get(g, False) for g in groupby},
             **{alias: row.get(spec) for alias, spec in specs.items()},
             "__count": int(row["__count"])}
            for row in rows
        ]  # fmt: skip
    fields = [
        f"{alias}:{spec.split(':')[1]}({spec.split(':')[0]})" for alias, spec in specs.items()
    ]
    rows = api.call(
        model, "read_group", domain=domain, fields=fields or ["__count"],
        groupby=list(groupby), lazy=False, **options,
    )  # fmt: skip
    return [
        {**{g: row.get(g, False) for g in groupby},
         **{alias: row.get(alias) for alias in specs},
         "__count": int(row["__count"])}
        for row in rows
    ]  # fmt: skip
