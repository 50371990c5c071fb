"""Retry and cancel of mails (Odoo's `write({'state': ...})`), guarded by the state they
expect (docs/odoo-actions.md). The other buttons' writes: notification_writes (Ignore),
mailing_writes (cancel a campaign), cron_writes (a cron's interval).

Each function runs inside the caller's transaction, locks the target rows without waiting
(PostgreSQL `SKIP LOCKED`: a row Odoo is busy with is reported, not waited for),
re-checks the state, writes what the ORM would write (`write_uid`, `write_date` included)
and says what it skipped and why. Retry and cancel first try a plain UPDATE that gives
up after 10 ms on a row someone holds, then take the SKIP LOCKED way (_set_state_postgres).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, select, text, type_coerce, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from console.domain.actions import WriteOutcome
from console.odoo.schema import OdooSchema

LOCKED = "locked by another transaction (Odoo may be sending it right now)"
GONE = "no such mail (deleted meanwhile?)"
CHUNK = 5000  # ids per statement: keeps parameter lists within every driver's limits
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's error for a NOWAIT lock that is taken


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def lock_mail_states(
    connection: Connection, schema: OdooSchema, ids: Sequence[int]
) -> dict[int, str]:
    """Current state of each target row we could lock (locked rows are absent).

    On PostgreSQL `FOR NO KEY UPDATE SKIP LOCKED`: the lock Odoo's own UPDATE takes, so
    a row Odoo is writing is skipped, not waited for.
    """
    if connection.dialect.name == "postgresql":
        found = connection.execute(
            text(
                "SELECT id, state FROM mail_mail WHERE id = ANY(CAST(:ids AS integer[])) "
                "FOR NO KEY UPDATE SKIP LOCKED"
            ),
            {"ids": int_array_literal(ids)},
        )
        return {int(i): str(state) for i, state in found}
    mail = schema.t("mail_mail")
    states: dict[int, str] = {}
    for chunk in chunks(ids):
        query = select(mail.c.id, mail.c.state).where(mail.c.id.in_(chunk))
        for mail_id, state in connection.execute(query):
            states[int(mail_id)] = str(state)
    return states


def _existing_ids(connection: Connection, schema: OdooSchema, ids: Sequence[int]) -> set[int]:
    if connection.dialect.name == "postgresql":
        found = connection.execute(
            text("SELECT id FROM mail_mail WHERE id = ANY(CAST(:ids AS integer[]))"),
            {"ids": int_array_literal(ids)},
        )
        return {int(i) for i in found.scalars()}
    mail = schema.t("mail_mail")
    existing: set[int] = set()
    for chunk in chunks(ids):
        existing.update(
            int(i)
            for i in connection.execute(select(mail.c.id).where(mail.c.id.in_(chunk))).scalars()
        )
    return existing


def set_mail_state(
    connection: Connection,
    schema: OdooSchema,
    action: str,
    ids: Sequence[int],
    *,
    from_states: Sequence[str],
    to_state: str,
    uid: int,
    now: datetime,
) -> WriteOutcome:
    """`mark_outgoing` (retry) and `cancel` are both `write({'state': ...})` in Odoo."""
    requested = tuple(dict.fromkeys(ids))
    if connection.dialect.name == "postgresql":
        previous, kept, writes_before = _set_state_postgres(
            connection, requested, from_states=from_states, to_state=to_state, uid=uid, now=now
        )
    else:
        previous, kept, writes_before = _set_state_portable(
            connection,
            schema,
            requested,
            from_states=from_states,
            to_state=to_state,
            uid=uid,
            now=now,
        )
    skipped = _skipped(connection, schema, requested, previous, kept, from_states)
    return WriteOutcome(
        action=action,
        requested=requested,
        applied=tuple(sorted(previous, reverse=True)),
        skipped=skipped,
        previous=previous,
        previous_writes=writes_before,
    )


def _skipped(
    connection: Connection,
    schema: OdooSchema,
    requested: Sequence[int],
    previous: dict[int, str],
    kept: dict[int, str],
    from_states: Sequence[str],
) -> dict[int, str]:
    """Why each requested id was not written (none, usually: then no query, no per-id work).

    `previous`: the ids written, with their state before; `kept`: ids found locked by us
    but not written, with their state. The others are locked again, without waiting,
    to tell a row someone else holds from one in another state, or gone.
    """
    skipped: dict[int, str] = {}
    if len(previous) == len(requested):
        return skipped
    missing = [i for i in requested if i not in previous and i not in kept]
    if missing:
        kept = {**kept, **lock_mail_states(connection, schema, missing)}
        held = [i for i in missing if i not in kept]
        existing = _existing_ids(connection, schema, held) if held else set()
        for mail_id in held:
            skipped[mail_id] = LOCKED if mail_id in existing else GONE
    for mail_id, state in kept.items():
        if state not in from_states:
            skipped[mail_id] = f"not {' or '.join(from_states)} (now {state!r})"
        else:
            skipped[mail_id] = "state changed meanwhile"
    return skipped


# PostgreSQL, per chunk of ids, first the plain write: one UPDATE per expected state (so
# the state before is known exactly), joined to the ids sent as one array literal, the
# state re-checked by the UPDATE itself, giving up after HELD_ROW_WAIT on any row another
# transaction holds. Nothing held (the usual case): done, at the cost of a bare UPDATE.
# Something held: that chunk is rolled back to its savepoint and written the guarded way.
HELD_ROW_WAIT = "10ms"
# The row as it was (`old`: the same table joined again, in the statement's snapshot)
# gives the write_uid/write_date undo puts back. The row written is found by its ctid (a
# TID scan: cheaper than a second index lookup) and must still have old's write_uid and
# write_date: a row another transaction wrote meanwhile (PostgreSQL rechecks these on the
# newest version) is not written here and is explained by _skipped, so the values kept
# are always the ones the write replaced.
_UPDATE_IN_STATE_SQL = text(
    """
    WITH changed AS (
        UPDATE mail_mail AS m
           SET state = :to_state, write_uid = :uid, write_date = :now
          FROM unnest(CAST(:ids AS integer[])) AS wanted(id)
          JOIN mail_mail AS old ON old.id = wanted.id
         WHERE m.ctid = old.ctid AND m.state = :from_state AND old.state = :from_state
           AND m.write_uid IS NOT DISTINCT FROM old.write_uid
           AND m.write_date IS NOT DISTINCT FROM old.write_date
     RETURNING m.id, old.write_uid, old.write_date
    )
    SELECT array_agg(id), array_agg(write_uid), array_agg(CAST(write_date AS text))
      FROM changed
    """
)
# The guarded way: lock the rows in an expected state that nobody holds (FOR NO KEY
# UPDATE, the lock Odoo's own UPDATE takes; SKIP LOCKED: a row Odoo is writing is
# skipped, not waited for; the state is checked again on the locked row), update them,
# and return the states they had, one row per state with its ids as one array.
_LOCK_AND_UPDATE_SQL = text(
    """
    WITH changed AS (
        UPDATE mail_mail AS m
           SET state = :to_state, write_uid = :uid, write_date = :now
          FROM (SELECT locked.id, locked.state, locked.write_uid, locked.write_date
                  FROM unnest(CAST(:ids AS integer[])) AS wanted(id)
                  JOIN mail_mail AS locked ON locked.id = wanted.id
                 WHERE locked.state = ANY(:from_states)
                   FOR NO KEY UPDATE OF locked SKIP LOCKED) AS target
         WHERE m.id = target.id
     RETURNING m.id, target.state, target.write_uid, target.write_date
    )
    SELECT state, array_agg(id) AS ids, array_agg(write_uid) AS uids,
           array_agg(CAST(write_date AS text)) AS dates
      FROM changed GROUP BY state
    """
)
# Ids go in as one array literal: a list parameter of 100,000 ints, `id = ANY(<constant
# array>)` (planned element by element) or a row per mail coming back each cost more
# than the database's own work. Ids not written are explained afterwards (_skipped).
PG_CHUNK = 100_000


class _RowHeld(Exception):
    """Another transaction holds a row the plain UPDATE needed."""


Writes = dict[int, tuple[int | None, str | None]]  # id -> (write_uid, write_date text)


def _add_writes(
    into: Writes, ids: Sequence[int], uids: Sequence[Any], dates: Sequence[Any]
) -> None:
    """Ids with their (write_uid, write_date text): the databases give int and str (or
    None) already, so this is one C-level update, not a loop of conversions."""
    into.update(zip(ids, zip(uids, dates, strict=True), strict=True))


def int_array_literal(ids: Sequence[int]) -> str:
    """`{1,2,3}`: PostgreSQL's text form of an int array, for `CAST(:ids AS integer[])`."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


def _set_state_postgres(
    connection: Connection,
    ids: Sequence[int],
    *,
    from_states: Sequence[str],
    to_state: str,
    uid: int,
    now: datetime,
) -> tuple[dict[int, str], dict[int, str], Writes]:
    """(written id -> state before, {}, written id -> write_uid/date before): what was not
    written is looked up by _skipped."""
    previous: dict[int, str] = {}
    writes_before: Writes = {}
    values = {"to_state": to_state, "uid": uid, "now": now}
    for start in range(0, len(ids), PG_CHUNK):
        chunk = ids[start : start + PG_CHUNK]
        try:
            previous.update(
                _update_unless_held(connection, chunk, from_states, values, writes_before)
            )
        except _RowHeld:
            params = {**values, "ids": int_array_literal(chunk), "from_states": list(from_states)}
            for state, state_ids, uids, dates in connection.execute(_LOCK_AND_UPDATE_SQL, params):
                previous.update(dict.fromkeys(state_ids, str(state)))
                _add_writes(writes_before, state_ids, uids, dates)
    return previous, {}, writes_before


def _update_unless_held(
    connection: Connection,
    ids: Sequence[int],
    from_states: Sequence[str],
    values: dict[str, Any],
    writes_before: Writes,
) -> dict[int, str]:
    """Plain UPDATEs in a savepoint; _RowHeld (and nothing written) if a row is held.
    Adds the write_uid/write_date each written row had to `writes_before`."""
    written: dict[int, str] = {}
    found: Writes = {}
    remaining = list(ids)
    try:
        with connection.begin_nested():
            usual_wait = connection.exec_driver_sql("SHOW lock_timeout").scalar_one()
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{HELD_ROW_WAIT}'")
            for state in from_states:
                params = {**values, "ids": int_array_literal(remaining), "from_state": state}
                done, uids, dates = connection.execute(_UPDATE_IN_STATE_SQL, params).one()
                done = done or []
                _add_writes(found, done, uids or [], dates or [])
                written.update(dict.fromkeys(done, state))
                if len(written) == len(ids):
                    break
                remaining = [i for i in remaining if i not in written]
            connection.execute(
                text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": usual_wait}
            )
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise _RowHeld from None
        raise
    writes_before.update(found)
    return written


def _set_state_portable(
    connection: Connection,
    schema: OdooSchema,
    ids: Sequence[int],
    *,
    from_states: Sequence[str],
    to_state: str,
    uid: int,
    now: datetime,
) -> tuple[dict[int, str], dict[int, str], Writes]:
    """SQLite (the caller's BEGIN IMMEDIATE holds the database): read, then UPDATE."""
    mail = schema.t("mail_mail")
    before: dict[int, str] = {}
    writes_before: Writes = {}
    # write_date as the text stored, so that undo writes back exactly that text.
    stored_date = type_coerce(mail.c.write_date, String)
    for chunk in chunks(ids):
        query = select(mail.c.id, mail.c.state, mail.c.write_uid, stored_date).where(
            mail.c.id.in_(chunk)
        )
        for mail_id, state, write_uid, write_date in connection.execute(query):
            before[int(mail_id)] = str(state)
            writes_before[int(mail_id)] = (write_uid, write_date)
    eligible = [i for i in ids if before.get(i) in from_states]
    applied: list[int] = []
    for chunk in chunks(eligible):
        statement = (
            update(mail)
            .where(and_(mail.c.id.in_(chunk), mail.c.state.in_(from_states)))
            .values(state=to_state, write_uid=uid, write_date=now)
            .returning(mail.c.id)
        )
        applied.extend(int(i) for i in connection.execute(statement).scalars())
    previous = {i: before[i] for i in applied}
    kept = {i: state for i, state in before.items() if i not in previous}
    return previous, kept, {i: writes_before[i] for i in applied}
