"""Undo's writes: the rows an action changed go back to what they were (docs/odoo-actions.md, Undo).

Only rows still in the state the action left are reverted. Each goes back to its former
state and, when the journal kept them, to its former `write_uid`/`write_date`: a retry
followed by its undo leaves the mail as it was, so nothing that dates rows by
`write_date` (Odoo's lists, "failures in the last hour") sees the operator's round trip.
A row written by someone else after the action (its write_uid/write_date are no longer
the action's) keeps the state revert but gets a fresh write_uid/write_date, as any write.
One UPDATE per former state and chunk: PostgreSQL joins the ids to their former values
sent as arrays, SQLite as one JSON array (`json_each`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, text, update
from sqlalchemy.engine import Connection

from console.domain.actions import WriteOutcome
from console.domain.timefmt import sql_timestamp
from console.odoo.schema import OdooSchema
from console.odoo.writes import (
    CHUNK,
    LOCKED,
    PG_CHUNK,
    Writes,
    int_array_literal,
    lock_mail_states,
)

# Still exactly as the action left it? Then its former write_uid/write_date, else a fresh one.
_PG_RESTORE_SQL = text(
    """
    WITH restored AS (
        UPDATE mail_mail AS m
           SET state = :old_state,
               write_uid = CASE WHEN m.write_uid IS NOT DISTINCT FROM :left_uid
                                 AND m.write_date IS NOT DISTINCT FROM CAST(:left_at AS timestamp)
                                THEN former.uid ELSE :uid END,
               write_date = CASE WHEN m.write_uid IS NOT DISTINCT FROM :left_uid
                                  AND m.write_date IS NOT DISTINCT FROM CAST(:left_at AS timestamp)
                                 THEN former.date ELSE :now END
          FROM unnest(CAST(:ids AS integer[]), CAST(:uids AS integer[]),
                      CAST(:dates AS timestamp[])) AS former(id, uid, date)
         WHERE m.id = former.id AND m.state = :expected
     RETURNING m.id
    )
    SELECT array_agg(id) FROM restored
    """
)
_SQLITE_RESTORE_SQL = text(
    """
    UPDATE mail_mail
       SET state = :old_state,
           write_uid = CASE WHEN mail_mail.write_uid IS :left_uid
                             AND mail_mail.write_date IS :left_at
                            THEN json_extract(former.value, '$[1]') ELSE :uid END,
           write_date = CASE WHEN mail_mail.write_uid IS :left_uid
                              AND mail_mail.write_date IS :left_at
                             THEN json_extract(former.value, '$[2]') ELSE :now END
      FROM json_each(:rows) AS former
     WHERE mail_mail.id = json_extract(former.value, '$[0]') AND mail_mail.state = :expected
    RETURNING mail_mail.id
    """
)


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _text_array(values: Sequence[str | None]) -> str:
    """PostgreSQL's text form of an array of timestamps (journal values are checked)."""
    return "{" + ",".join("NULL" if v is None else f'"{v}"' for v in values) + "}"


def _nullable_int_array(values: Sequence[int | None]) -> str:
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"


def restore_mail_states(
    connection: Connection,
    schema: OdooSchema,
    previous: dict[int, str],
    *,
    expected_state: str,
    uid: int,
    now: datetime,
    previous_writes: Writes | None = None,
    left_as: tuple[int, str] | None = None,
) -> WriteOutcome:
    """Undo of retry/cancel: rows still in the state the action left go back.

    `previous_writes` (id -> former write_uid/write_date text) and `left_as` (the action's
    own write_uid/write_date) come from the journal; without them (older journal lines)
    the reverted rows get a fresh write_uid/write_date.
    """
    states = lock_mail_states(connection, schema, list(previous))
    skipped: dict[int, str] = {}
    by_old_state: dict[str, list[int]] = {}
    for mail_id, old_state in previous.items():
        current = states.get(mail_id)
        if current != expected_state:
            skipped[mail_id] = LOCKED if current is None else f"changed since (now {current!r})"
        else:
            by_old_state.setdefault(old_state, []).append(mail_id)
    # The rows are locked by us now: one UPDATE per former state (and chunk), not per row.
    known = previous_writes or {}
    done: set[int] = set()
    for old_state, ids in by_old_state.items():
        with_writes = [i for i in ids if i in known]
        if with_writes:
            done.update(
                _restore_with_writes(
                    connection, old_state, with_writes, known, expected_state, uid, now, left_as
                )
            )
        fresh = [i for i in ids if i not in known]
        if fresh:
            done.update(
                _restore_fresh(connection, schema, old_state, fresh, expected_state, uid, now)
            )
    applied = [i for i in previous if i in done]
    for mail_id in (i for ids in by_old_state.values() for i in ids):
        if mail_id not in done:
            skipped[mail_id] = "state changed meanwhile"
    return WriteOutcome(
        action="undo",
        requested=tuple(previous),
        applied=tuple(applied),
        skipped=skipped,
        previous={i: expected_state for i in applied},
    )


def _restore_fresh(
    connection: Connection,
    schema: OdooSchema,
    old_state: str,
    ids: Sequence[int],
    expected_state: str,
    uid: int,
    now: datetime,
) -> set[int]:
    mail = schema.t("mail_mail")
    done: set[int] = set()
    for chunk in _chunks(ids, CHUNK):
        statement = (
            update(mail)
            .where(and_(mail.c.id.in_(chunk), mail.c.state == expected_state))
            .values(state=old_state, write_uid=uid, write_date=now)
            .returning(mail.c.id)
        )
        done.update(int(i) for i in connection.execute(statement).scalars())
    return done


def _restore_with_writes(
    connection: Connection,
    old_state: str,
    ids: Sequence[int],
    known: Writes,
    expected_state: str,
    uid: int,
    now: datetime,
    left_as: tuple[int, str] | None,
) -> set[int]:
    # Without the action's own write in the journal no row can match it (-1 is no uid):
    # then every row gets a fresh write_uid/write_date.
    left_uid, left_at = left_as or (-1, None)
    common: dict[str, Any] = {
        "old_state": old_state,
        "expected": expected_state,
        "uid": uid,
        "left_uid": left_uid,
        "left_at": left_at,
    }
    done: set[int] = set()
    if connection.dialect.name == "postgresql":
        for chunk in _chunks(ids, PG_CHUNK):
            params = {
                **common,
                "now": now,
                "ids": int_array_literal(chunk),
                "uids": _nullable_int_array([known[i][0] for i in chunk]),
                "dates": _text_array([known[i][1] for i in chunk]),
            }
            done.update(connection.execute(_PG_RESTORE_SQL, params).scalar_one() or [])
        return done
    for chunk in _chunks(ids, CHUNK):
        rows = json.dumps([[i, known[i][0], known[i][1]] for i in chunk])
        params = {**common, "now": sql_timestamp(now), "rows": rows}
        done.update(int(i) for i in connection.execute(_SQLITE_RESTORE_SQL, params).scalars())
    return done


def restore_notifications(
    connection: Connection, schema: OdooSchema, previous: dict[int, str]
) -> WriteOutcome:
    """Undo of ignore: notifications still canceled get their failed status back."""
    notif = schema.t("mail_notification")
    restored: dict[int, str] = {}
    skipped: dict[int, str] = {}
    for notif_id, old_status in previous.items():
        result = connection.execute(
            update(notif)
            .where(and_(notif.c.id == notif_id, notif.c.notification_status == "canceled"))
            .values(notification_status=old_status)
        )
        if result.rowcount:
            restored[notif_id] = "canceled"
        else:
            skipped[notif_id] = "changed since"
    return WriteOutcome(
        action="undo",
        noun="failed notification",
        requested=tuple(previous),
        applied=tuple(restored),
        skipped=skipped,
        notifications=restored,
    )
