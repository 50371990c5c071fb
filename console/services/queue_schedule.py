"""When Odoo's Email Queue Manager runs, and how often it may be asked to."""

from __future__ import annotations

from datetime import datetime

from console.domain.errors import UsageError
from console.domain.mail_crons import EMAIL_QUEUE, find_cron
from console.domain.models import CRON_INTERVAL_UNITS, CronRow
from console.domain.oca_modules import ODOO_QUEUE_FLOOR_MINUTES, queue_interval_floor
from console.domain.timefmt import human_age, utcnow_naive

MIN_QUEUE_INTERVAL_MINUTES = ODOO_QUEUE_FLOOR_MINUTES  # Odoo's documented floor
RECOMMENDED_QUEUE_INTERVAL_MINUTES = 15
STALLED_AFTER_SECONDS = 5 * 60  # a runner polls each minute: later than this, none runs it


def interval_minutes(number: int, unit: str) -> int:
    if unit not in CRON_INTERVAL_UNITS:
        raise UsageError(f"Unknown interval unit {unit!r} (minutes, hours, days, weeks, months)")
    if number <= 0:
        raise UsageError("The interval must be a positive number")
    return number * int(CRON_INTERVAL_UNITS[unit].total_seconds()) // 60


def checked_queue_interval(number: int, unit: str, installed: frozenset[str] = frozenset()) -> int:
    """The interval in minutes; UsageError below Odoo's floor (one minute when the
    installed OCA modules include mail_post_defer, which sets that itself)."""
    minutes = interval_minutes(number, unit)
    floor = queue_interval_floor(installed)
    if minutes < floor:
        raise UsageError(
            f"{number} {unit} is below Odoo's floor of {floor} minutes "
            f"({RECOMMENDED_QUEUE_INTERVAL_MINUTES} minutes is the recommended value)"
        )
    return minutes


def interval_note(before: tuple[int | None, str | None], minutes: int) -> str:
    note = f"was every {before[0]} {before[1]}; the next run time is unchanged"
    if minutes > 60:
        note += (
            f"; above an hour mail waits long: {RECOMMENDED_QUEUE_INTERVAL_MINUTES} "
            "minutes is recommended"
        )
    return note


def next_queue_run(crons: list[CronRow], now: datetime | None = None) -> str:
    """When Odoo's Email Queue Manager will pick retried mails up."""
    now = now or utcnow_naive()
    queue = find_cron(crons, EMAIL_QUEUE)
    if queue is None:
        return "Odoo's Email Queue Manager cron was not found: nothing will send these mails"
    if not queue.active:
        return "Odoo's Email Queue Manager is inactive: these mails wait until it is re-enabled"
    if queue.running:
        return "Odoo's Email Queue Manager is running right now"
    if queue.nextcall is None:
        return "Odoo's Email Queue Manager has no next call"
    if queue.nextcall <= now:
        late_seconds = (now - queue.nextcall).total_seconds()
        late = human_age(late_seconds)
        if late_seconds < STALLED_AFTER_SECONDS:  # Odoo's cron runner polls every minute
            return f"Odoo's Email Queue Manager is due (by {late}): it sends them at its next poll"
        return (
            f"Odoo's Email Queue Manager is overdue by {late}: no Odoo cron worker seems to run "
            "it (max_cron_threads, a stopped worker?), so these mails wait; run it now (t on "
            "the Crons pane, or `trigger`)"
        )
    wait = human_age((queue.nextcall - now).total_seconds())
    return f"Odoo's Email Queue Manager sends them at its next run, in {wait}"
