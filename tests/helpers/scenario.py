"""The generated on-call scenario (sample_db/scenario.py), and how to make it healthy."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from console.domain.timefmt import utcnow_naive
from tests.helpers.db import execute

QUEUE_CRON_ID = (
    "(SELECT res_id FROM ir_model_data WHERE module = 'mail' "
    "AND name = 'ir_cron_mail_scheduler_action' AND model = 'ir.cron')"
)
ADMIN_PARTNER = "(SELECT partner_id FROM res_users WHERE id = 2)"


def ts(url: str, value: datetime) -> Any:
    """A timestamp parameter in the form the dialect stores (SQLite: Odoo-like text)."""
    if url.startswith("sqlite"):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def make_healthy(url: str) -> None:
    """Fix everything the generated on-call scenario breaks."""
    now = utcnow_naive()
    execute(
        url,
        "UPDATE ir_cron SET nextcall = :soon, interval_number = 15, interval_type = 'minutes' "
        f"WHERE id = {QUEUE_CRON_ID}",
        "UPDATE mail_mail SET create_date = :recent WHERE state = 'outgoing'",
        "UPDATE mail_mail SET state = 'cancel' WHERE state = 'exception'",
        "UPDATE mail_notification SET notification_status = 'canceled' "
        "WHERE notification_status IN ('exception', 'bounce')",
        "UPDATE mailing_mailing SET state = 'done' WHERE state IN ('in_queue', 'sending')",
        f"UPDATE res_partner SET email = 'it@acme-shop.example' WHERE id = {ADMIN_PARTNER}",
        soon=ts(url, now + timedelta(minutes=10)),
        recent=ts(url, now - timedelta(minutes=2)),
    )
