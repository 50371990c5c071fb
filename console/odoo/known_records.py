"""Records that Odoo's data files create, named by their external id (module, name): the
console finds them by ``ir_model_data``, never by a name a user can rename."""

from __future__ import annotations

QUEUE_CRON_XMLID = ("mail", "ir_cron_mail_scheduler_action")  # Mail: Email Queue Manager


def dotted(xmlid: tuple[str, str]) -> str:
    """``module.name``, as ``CronRow.xml_id`` holds it."""
    return f"{xmlid[0]}.{xmlid[1]}"
