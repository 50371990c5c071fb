"""Hold and release mails (Postfix's ``postsuper -h`` / ``-H``), inside the caller's
transaction (docs/odoo-pause.md).

A held mail keeps its state (``outgoing``); its ``scheduled_date`` moves to the hold date,
which Odoo's queue never reaches (``process_email_queue`` takes only mails due now) and
Odoo's mail form shows as the Scheduled Send Date. Its former schedule is kept in the
``odoo_mailq.held`` parameter (mail id -> former schedule), and release puts it back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.domain.actions import WriteOutcome
from console.domain.pause import HELD_KEY, HOLD_DATE, is_held
from console.domain.timefmt import as_naive_datetime, sql_timestamp
from console.odoo.params import delete_param, get_param, set_param
from console.odoo.writes import GONE, LOCKED, chunks, int_array_literal

NOT_OUTGOING = "not outgoing (only queued mails are held)"
ALREADY_HELD = "already held"
NOT_HELD = "not held"
MOVED = "its schedule was changed since it was held: left as it is"


def read_held(connection: Connection, *, lock: bool = False) -> dict[int, str | None]:
    """Held mail id -> its former schedule (database text, None: none)."""
    param = get_param(connection, HELD_KEY, lock=lock)
    if param is None:
        return {}
    try:
        data = json.loads(param.value)
        return {int(k): (None if v is None else str(v)) for k, v in data.items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def _store_held(
    connection: Connection, held: dict[int, str | None], uid: int, now: datetime
) -> None:
    if held:
        value = json.dumps({str(k): v for k, v in sorted(held.items())})
        set_param(connection, HELD_KEY, value, uid=uid, now=now)
    else:
        delete_param(connection, HELD_KEY)


def _rows(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[str, datetime | None]]:
    """State and schedule of each mail we could lock (PostgreSQL: locked rows are absent,
    skipped rather than waited for, as the other actions do)."""
    found: dict[int, tuple[str, datetime | None]] = {}
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT id, state, scheduled_date FROM mail_mail "
                "WHERE id = ANY(CAST(:ids AS integer[])) FOR NO KEY UPDATE SKIP LOCKED"
            ),
            {"ids": int_array_literal(ids)},
        )
        return {int(r.id): (str(r.state), as_naive_datetime(r.scheduled_date)) for r in rows}
    for chunk in chunks(ids):
        marks = ", ".join(str(int(i)) for i in chunk)
        rows = connection.execute(
            text(f"SELECT id, state, scheduled_date FROM mail_mail WHERE id IN ({marks})")
        )
        found.update({int(r.id): (str(r.state), as_naive_datetime(r.scheduled_date)) for r in rows})
    return found


def _exists(connection: Connection, ids: Sequence[int]) -> set[int]:
    existing: set[int] = set()
    for chunk in chunks(ids):
        marks = ", ".join(str(int(i)) for i in chunk)
        existing.update(
            int(i)
            for i in connection.execute(
                text(f"SELECT id FROM mail_mail WHERE id IN ({marks})")
            ).scalars()
        )
    return existing


def _set_schedule(
    connection: Connection, ids: Sequence[int], when: datetime | None, uid: int, now: datetime
) -> None:
    for chunk in chunks(ids):
        marks = ", ".join(str(int(i)) for i in chunk)
        connection.execute(
            text(
                f"UPDATE mail_mail SET scheduled_date = :when, write_uid = :uid, "
                f"write_date = :now WHERE id IN ({marks})"
            ),
            {"when": when, "uid": uid, "now": now},
        )


def _missing(
    connection: Connection, requested: Sequence[int], seen: dict[int, object]
) -> dict[int, str]:
    absent = [i for i in requested if i not in seen]
    if not absent:
        return {}
    existing = _exists(connection, absent)
    return {i: (LOCKED if i in existing else GONE) for i in absent}


def hold_mails(
    connection: Connection, ids: Sequence[int], *, uid: int, now: datetime
) -> WriteOutcome:
    requested = tuple(dict.fromkeys(int(i) for i in ids))
    rows = _rows(connection, requested)
    skipped = _missing(connection, requested, dict(rows))
    held = read_held(connection, lock=True)
    targets: list[int] = []
    for mail_id in requested:
        if mail_id not in rows:
            continue
        state, scheduled = rows[mail_id]
        if state != "outgoing":
            skipped[mail_id] = NOT_OUTGOING
        elif is_held(scheduled):
            skipped[mail_id] = ALREADY_HELD
        else:
            targets.append(mail_id)
            held[mail_id] = None if scheduled is None else sql_timestamp(scheduled)
    if targets:
        _set_schedule(connection, targets, HOLD_DATE, uid, now)
        _store_held(connection, held, uid, now)
    return WriteOutcome(
        action="hold",
        requested=requested,
        applied=tuple(targets),
        skipped=skipped,
        details={"held_from": {str(i): held[i] for i in targets}},
    )


def release_mails(
    connection: Connection,
    ids: Sequence[int] | None,
    *,
    uid: int,
    now: datetime,
) -> WriteOutcome:
    """Release these held mails (None: every held mail) to their former schedule."""
    held = read_held(connection, lock=True)
    requested = tuple(dict.fromkeys(int(i) for i in (held if ids is None else ids)))
    rows = _rows(connection, requested)
    skipped = _missing(connection, requested, dict(rows))
    for gone in [i for i, why in skipped.items() if why == GONE]:
        held.pop(gone, None)
    by_schedule: dict[str | None, list[int]] = {}
    released: list[int] = []
    for mail_id in requested:
        if mail_id not in rows:
            continue
        _state, scheduled = rows[mail_id]
        if not is_held(scheduled):
            skipped[mail_id] = MOVED if mail_id in held else NOT_HELD
            held.pop(mail_id, None)
            continue
        former = held.pop(mail_id, None)
        by_schedule.setdefault(former, []).append(mail_id)
        released.append(mail_id)
    for former, group in by_schedule.items():
        _set_schedule(connection, group, as_naive_datetime(former), uid, now)
    _store_held(connection, held, uid, now)
    restored = {str(i): f for f, group in by_schedule.items() for i in group}
    return WriteOutcome(
        action="release",
        requested=requested,
        applied=tuple(released),
        skipped=skipped,
        details={"released_to": restored},
    )
