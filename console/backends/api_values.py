"""Odoo's external API's values as Python ones: ``False`` for an empty field, many2one
as ``[id, name]``, datetimes as ``'YYYY-MM-DD HH:MM:SS'`` in UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def value(raw: Any) -> Any:
    """None for Odoo's False (an empty field), the value otherwise."""
    return None if raw is False else raw


def text(raw: Any) -> str | None:
    return None if raw is False or raw is None else str(raw)


def moment(raw: Any) -> datetime | None:
    return datetime.fromisoformat(str(raw).replace("T", " ")) if raw else None


def many2one(raw: Any) -> tuple[int | None, str | None]:
    """(id, display name) of a many2one; (None, None) when empty."""
    if isinstance(raw, list) and raw:
        return int(raw[0]), text(raw[1]) if len(raw) > 1 else None
    return None, None


def record_id(raw: Any) -> int | None:
    """An integer or a many2one's id; None when empty."""
    if raw is False or raw is None:
        return None
    if isinstance(raw, list):
        return many2one(raw)[0]
    return int(raw)
