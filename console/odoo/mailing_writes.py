"""Cancel a campaign: mailing.mailing ``action_cancel`` (docs/odoo-actions.md), guarded by the state
it expects, with Odoo's chatter line, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, select, update
from sqlalchemy.engine import Connection

from console.domain.actions import WriteOutcome
from console.odoo import tracking
from console.odoo.schema import OdooSchema

SENDING_CAMPAIGN_ADVICE = (
    "Odoo cannot cancel a campaign that is already Sending; let the Mail Marketing cron "
    "finish it (ask it to run now), and if it stays stuck read the Odoo log for that cron"
)
# What action_cancel writes besides the state, where the version has the column.
_CANCEL_RESETS: tuple[tuple[str, Any], ...] = (
    ("schedule_date", None),
    ("schedule_type", "now"),
    ("calendar_date", None),
)


def cancel_mailings(
    connection: Connection,
    schema: OdooSchema,
    ids: Sequence[int],
    *,
    uid: int,
    now: datetime,
    version: int,
) -> WriteOutcome:
    """mailing.mailing `action_cancel` (docs/odoo-actions.md): only from `in_queue`, back to draft.

    Odoo writes state, schedule_date, schedule_type and next_departure; calendar_date is its
    stored compute and becomes NULL. A mailing in `sending` has no Cancel button in Odoo.
    `state` and `schedule_date` are tracked, so each cancelled mailing also gets Odoo's
    chatter line ("Status: In Queue -> Draft"), in this transaction (console.odoo.tracking).
    """
    mailing = schema.t("mailing_mailing")
    requested = tuple(dict.fromkeys(ids))
    found = _lock_mailings(connection, mailing, requested)
    states = {i: str(row.state) for i, row in found.items()}
    skipped = _not_in_queue(requested, states)
    eligible = [i for i in requested if states.get(i) == "in_queue"]
    log, no_chatter = None, ""
    if eligible:
        try:
            log = tracking.prepare_mailing_log(connection, schema, version=version, uid=uid)
        except tracking.ChatterUnavailable as exc:
            no_chatter = str(exc)
    applied = _set_draft(connection, mailing, eligible, uid=uid, now=now)
    for mailing_id in set(eligible) - set(applied):
        skipped[mailing_id] = "state changed meanwhile"
    chatter: dict[int, int] = {}
    if log is not None and applied:
        schedules = {i: getattr(found[i], "schedule_date", None) for i in applied}
        chatter = tracking.log_cancels(connection, schema, log, schedules, now=now)
    note = ""
    if applied and log is None:
        note = f"Odoo's chatter line (Status: In Queue -> Draft) was not written: {no_chatter}"
    return WriteOutcome(
        action="cancel-campaign",
        requested=requested,
        applied=tuple(applied),
        skipped=skipped,
        previous={i: "in_queue" for i in applied},
        chatter=chatter,
        note=note,
    )


def _lock_mailings(
    connection: Connection, mailing: Table, requested: Sequence[int]
) -> dict[int, Any]:
    """Mailing id -> its row (id, state, schedule_date where the version has it); on
    PostgreSQL locked, skipping those another transaction holds."""
    has_schedule = "schedule_date" in mailing.c
    columns = [mailing.c.id, mailing.c.state, *([mailing.c.schedule_date] if has_schedule else [])]
    query: Any = select(*columns).where(mailing.c.id.in_(requested))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return {int(row.id): row for row in connection.execute(query)}


def _not_in_queue(requested: Sequence[int], states: dict[int, str]) -> dict[int, str]:
    """Why each mailing not in queue (or not found) is skipped."""
    skipped: dict[int, str] = {}
    for mailing_id in requested:
        state = states.get(mailing_id)
        if state is None:
            skipped[mailing_id] = "no such campaign, or locked by Odoo right now"
        elif state == "sending":
            skipped[mailing_id] = SENDING_CAMPAIGN_ADVICE
        elif state != "in_queue":
            skipped[mailing_id] = f"not in queue (now {state!r})"
    return skipped


def _set_draft(
    connection: Connection, mailing: Table, eligible: Sequence[int], *, uid: int, now: datetime
) -> list[int]:
    """The mailings written back to draft: those still in queue."""
    if not eligible:
        return []
    values: dict[str, Any] = {"state": "draft", "write_uid": uid, "write_date": now}
    for column, value in _CANCEL_RESETS:
        if column in mailing.c:
            values[column] = value
    statement = (
        update(mailing)
        .where(and_(mailing.c.id.in_(eligible), mailing.c.state == "in_queue"))
        .values(**values)
        .returning(mailing.c.id)
    )
    return [int(i) for i in connection.execute(statement).scalars()]
