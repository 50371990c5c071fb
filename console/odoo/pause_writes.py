"""Pause and resume Odoo's queue, inside the caller's transaction (docs/odoo-pause.md).

Pause writes what Odoo's Active toggle on a scheduled action writes (``active = False``,
after the form's ``NOWAIT`` row lock), on 17+ sets ``mail.mail.force.send.limit`` to 0,
and records both, with what was there before, in the ``odoo_mailq.pause`` parameter.
Resume puts back only what is still exactly as the pause left it and reports the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from console.domain.errors import CronBusy, UsageError
from console.domain.pause import (
    FORCE_SEND_LIMIT,
    FORCE_SEND_LIMIT_SINCE,
    PAUSE_KEY,
    PausedCron,
    PauseState,
)
from console.domain.timefmt import as_naive_datetime, sql_timestamp
from console.odoo.params import delete_param, get_param, set_param
from console.odoo.writes import LOCK_NOT_AVAILABLE


@dataclass(frozen=True, slots=True)
class CronTarget:
    id: int
    job: str  # external id or name, for the record


def read_pause(connection: Connection) -> PauseState | None:
    param = get_param(connection, PAUSE_KEY)
    return None if param is None else PauseState.from_json(param.value)


def _lock_cron(connection: Connection, cron_id: int) -> tuple[bool, int | None, datetime | None]:
    """The form's ``_try_lock()`` (PostgreSQL), then the cron's active flag and last write."""
    if connection.dialect.name == "postgresql":
        try:
            connection.execute(
                text("SELECT id FROM ir_cron WHERE id = :id FOR NO KEY UPDATE NOWAIT"),
                {"id": cron_id},
            )
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise CronBusy("This cron task is currently being executed") from None
            raise
    row = connection.execute(
        text("SELECT active, write_uid, write_date FROM ir_cron WHERE id = :id"), {"id": cron_id}
    ).first()
    if row is None:
        raise LookupError(f"no cron {cron_id}")
    return bool(row.active), row.write_uid, as_naive_datetime(row.write_date)


def _set_active(
    connection: Connection, cron_id: int, active: bool, uid: int, now: datetime
) -> None:
    connection.execute(
        text(
            "UPDATE ir_cron SET active = :active, write_uid = :uid, write_date = :now "
            "WHERE id = :id"
        ),
        {"active": active, "uid": uid, "now": now, "id": cron_id},
    )


def pause_queue(
    connection: Connection,
    crons: Sequence[CronTarget],
    *,
    version: int,
    campaigns: bool,
    by: str,
    uid: int,
    now: datetime,
) -> PauseState:
    """Deactivate the crons (the queue first), queue notifications on 17+, record it all."""
    existing = read_pause(connection)
    if existing is not None:
        raise UsageError(f"The queue is already {existing.describe(now)}")
    written = sql_timestamp(now)
    paused: list[PausedCron] = []
    for cron in crons:
        active, _uid, _date = _lock_cron(connection, cron.id)
        if active:
            _set_active(connection, cron.id, False, uid, now)
        paused.append(PausedCron(cron.id, cron.job, active, written if active else None))
    limit_set, limit_before = False, None
    if version >= FORCE_SEND_LIMIT_SINCE:
        before = get_param(connection, FORCE_SEND_LIMIT, lock=True)
        limit_before = None if before is None else before.value
        set_param(connection, FORCE_SEND_LIMIT, "0", uid=uid, now=now)
        limit_set = True
    state = PauseState(
        since=now,
        by=by,
        crons=tuple(paused),
        limit_set=limit_set,
        limit_before=limit_before,
        limit_written=written if limit_set else None,
        campaigns=campaigns,
    )
    set_param(connection, PAUSE_KEY, state.to_json(), uid=uid, now=now)
    return state


def _changed(write_uid: int | None, write_date: datetime | None) -> str:
    when = f" at {write_date:%Y-%m-%d %H:%M:%S} UTC" if write_date else ""
    return f"by Odoo user {write_uid}{when}" if write_uid is not None else f"by someone{when}"


def _same_moment(a: datetime | None, b: str | None) -> bool:
    other = as_naive_datetime(b)
    return a is not None and other is not None and abs((a - other).total_seconds()) < 1e-3


def resume_queue(
    connection: Connection, *, uid: int, now: datetime
) -> tuple[PauseState, list[str], list[str]]:
    """Reactivate what the pause deactivated and put the notification limit back, where
    still as the pause left them. Returns the pause, what was restored, what was left
    alone (and why)."""
    param = get_param(connection, PAUSE_KEY, lock=True)
    if param is None:
        raise UsageError("The queue is not paused by the console: nothing to resume")
    state = PauseState.from_json(param.value)
    assert state is not None
    restored: list[str] = []
    left: list[str] = []
    for cron in state.crons:
        try:
            active, write_uid, write_date = _lock_cron(connection, cron.id)
        except LookupError:
            left.append(f"cron {cron.job} (#{cron.id}) no longer exists")
            continue
        if not cron.was_active:
            left.append(f"cron {cron.job} was already inactive before the pause: left inactive")
        elif active:
            restored.append(
                f"cron {cron.job} was re-activated meanwhile {_changed(write_uid, write_date)}"
            )
        elif not _same_moment(write_date, cron.written):
            left.append(
                f"cron {cron.job} was changed in Odoo since the pause "
                f"{_changed(write_uid, write_date)}: left inactive, activate it in Settings > "
                "Technical > Scheduled Actions if it should run"
            )
        else:
            _set_active(connection, cron.id, True, uid, now)
            restored.append(f"cron {cron.job} active again")
    if state.limit_set:
        _restore_limit(connection, state, restored, left, uid=uid, now=now)
    delete_param(connection, PAUSE_KEY)
    return state, restored, left


def _restore_limit(
    connection: Connection,
    state: PauseState,
    restored: list[str],
    left: list[str],
    *,
    uid: int,
    now: datetime,
) -> None:
    current = get_param(connection, FORCE_SEND_LIMIT, lock=True)
    was = "none" if state.limit_before is None else repr(state.limit_before)
    if (
        current is None
        or current.value != "0"
        or not _same_moment(current.write_date, state.limit_written)
    ):
        now_value = "deleted" if current is None else f"now {current.value!r}"
        who = "" if current is None else " " + _changed(current.write_uid, current.write_date)
        left.append(
            f"{FORCE_SEND_LIMIT} was changed since the pause ({now_value}{who}): left as it "
            f"is (before the pause: {was})"
        )
        return
    if state.limit_before is None:
        delete_param(connection, FORCE_SEND_LIMIT)
    else:
        set_param(connection, FORCE_SEND_LIMIT, state.limit_before, uid=uid, now=now)
    restored.append(f"{FORCE_SEND_LIMIT} back to {was}")
