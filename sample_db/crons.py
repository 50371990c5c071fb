"""Odoo's real scheduled actions (docs/odoo-queue.md) with their server actions and XML ids.

The on-call story: the Email Queue Manager last ran 3 hours ago and was due 2 hours
ago (its current run is stuck); the mass-mailing cron keeps dying on the campaign at
the head of its queue (on 18+ its failure_count says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sample_db.base import xmlid
from sample_db.sinks import RowSink, log
from sample_db.world import World

ACTION_ID_START = 201  # server actions do not share ids with crons in a real database


@dataclass(frozen=True, slots=True)
class CronDef:
    key: str
    module: str
    xml: str
    name: str
    model: str
    code: str
    number: int
    unit: str
    priority: int
    active: bool
    next_in: timedelta  # nextcall - anchor
    last_in: timedelta | None  # lastcall - anchor


def cron_defs(version: int) -> list[CronDef]:
    h = timedelta(hours=1)
    m = timedelta(minutes=1)
    d = timedelta(days=1)
    new = version >= 18
    defs = [
        CronDef("autovacuum", "base", "autovacuum_job", "Base: Auto-vacuum internal data",
                "ir.autovacuum", "model._run_vacuum_cleaner()", 1, "days",
                3 if version >= 17 else 5, True, 14 * h, -10 * h),
        CronDef("publisher", "mail", "ir_cron_module_update_notification",
                "Publisher: Update Notification", "publisher_warranty.contract",
                "model.update_notification(None)", 1, "weeks", 1000, True,
                3 * d + 2 * h, -(3 * d + 22 * h)),
        CronDef("mail_queue", "mail", "ir_cron_mail_scheduler_action",
                "Mail: Email Queue Manager", "mail.mail",
                "model.process_email_queue(batch_size=1000)" if new
                else "model.process_email_queue()",
                1, "hours", 6 if new else 5, True, -2 * h, -3 * h),
        CronDef("fetchmail", "mail", "ir_cron_mail_gateway_action", "Mail: Fetchmail Service",
                "fetchmail.server", "model._fetch_mails()", 5, "minutes", 5, False,
                -(30 * d) + 5 * m, -(30 * d)),
        CronDef("gc_notifications", "mail", "ir_cron_delete_notification",
                "Notification: Delete Notifications older than 6 Months" if version >= 19
                else "Notification: Delete Notifications older than 6 Month",
                "mail.notification", "model._gc_notifications(max_age_days=180)",
                1, "months" if version >= 19 else "days", 5, True,
                12 * d if version >= 19 else 16 * h, -18 * d if version >= 19 else -8 * h),
        CronDef("scheduled_notifications", "mail", "ir_cron_send_scheduled_message",
                "Notification: Notify scheduled messages" if new
                else "Notification: Send scheduled message notifications",
                "mail.message.schedule", "model._send_notifications_cron()", 1, "hours", 5,
                True, 25 * m, -35 * m),
        CronDef("mass_mailing_queue", "mass_mailing", "ir_cron_mass_mailing_queue",
                "Mail Marketing: Process queue", "mailing.mailing",
                "model._process_mass_mailing_queue()", 1, "days", 6 if new else 5, True,
                17 * h + 50 * m, -(6 * h + 10 * m)),
        CronDef("mass_mailing_ab", "mass_mailing", "ir_cron_mass_mailing_ab_testing",
                "Mail Marketing: A/B Testing", "mailing.mailing",
                "model._cron_process_mass_mailing_ab_testing()", 1, "days", 5, False,
                -(60 * d), None),
    ]  # fmt: skip
    if new:
        defs.append(
            CronDef("post_scheduled", "mail", "ir_cron_post_scheduled_message",
                    "Mail: Post scheduled messages", "mail.scheduled.message",
                    "model._post_messages_cron()", 1, "days", 5, True, 9 * h, -15 * h)
        )  # fmt: skip
    return defs


def build_crons(sink: RowSink, world: World) -> None:
    version, anchor = world.version, world.anchor
    installed = anchor - timedelta(days=412, hours=5)
    for i, cron in enumerate(cron_defs(version), start=1):
        action_id = ACTION_ID_START + i - 1
        sink.add(
            "ir_act_server",
            {
                "id": action_id,
                "name": {"en_US": cron.name},
                "type": "ir.actions.server",
                "binding_type": "action",
                "binding_view_types": "list,form",
                "usage": "ir_cron",
                "state": "code",
                "sequence": 5,
                "model_id": world.model_ids[cron.model],
                "model_name": cron.model,
                "code": cron.code,
                **log(1, installed),
            },
        )
        row: dict[str, object] = {
            "id": i,
            "ir_actions_server_id": action_id,
            "cron_name": {"en_US": cron.name} if version <= 16 else cron.name,
            "user_id": 1,
            "active": cron.active,
            "interval_number": cron.number,
            "interval_type": cron.unit,
            "numbercall": -1,
            "doall": False,
            "nextcall": anchor + cron.next_in,
            "lastcall": anchor + cron.last_in if cron.last_in is not None else None,
            "priority": cron.priority,
            "failure_count": 0,
            **log(1, installed),
            "write_date": anchor + (cron.last_in or -cron.next_in),
        }
        if cron.key == "mass_mailing_queue" and version >= 18:
            row["failure_count"] = 2
            row["first_failure_date"] = anchor - timedelta(hours=6, minutes=10)
        sink.add("ir_cron", row)
        xmlid(sink, cron.module, cron.xml, "ir.cron", i, installed)
        xmlid(
            sink,
            cron.module,
            f"{cron.xml}_ir_actions_server",
            "ir.actions.server",
            action_id,
            installed,
        )
        world.crons[cron.key] = i
    _triggers_and_progress(sink, world)


def _triggers_and_progress(sink: RowSink, world: World) -> None:
    anchor, crons = world.anchor, world.crons
    triggers = [
        # the Advent calendar campaign scheduled for next week (action_put_in_queue)
        (crons["mass_mailing_queue"], anchor + timedelta(days=3, hours=23), 6,
         anchor - timedelta(days=1, hours=2)),
        # someone asked the queue to run now; nothing has picked it up
        (crons["mail_queue"], anchor - timedelta(hours=1, minutes=50), 2,
         anchor - timedelta(hours=1, minutes=50)),
    ]  # fmt: skip
    for i, (cron_id, call_at, uid, created) in enumerate(triggers, start=1):
        sink.add(
            "ir_cron_trigger",
            {"id": i, "cron_id": cron_id, "call_at": call_at, **log(uid, created)},
        )
    progress = [
        (crons["mass_mailing_queue"], 75, 45, 0, timedelta(hours=6, minutes=10)),
        (crons["mass_mailing_queue"], 75, 0, 1, timedelta(hours=5, minutes=10)),
        (crons["mass_mailing_queue"], 75, 0, 2, timedelta(hours=4, minutes=10)),
        (crons["mail_queue"], 0, 37, 0, timedelta(hours=3)),
    ]
    for i, (cron_id, remaining, done, timed_out, ago) in enumerate(progress, start=1):
        sink.add(
            "ir_cron_progress",
            {
                "id": i,
                "cron_id": cron_id,
                "remaining": remaining,
                "done": done,
                "deactivate": False,
                "timed_out_counter": timed_out,
                **log(1, anchor - ago),
            },
        )
