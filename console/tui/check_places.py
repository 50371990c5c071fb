"""Where each health check's fix is in the console: `enter` on a check goes there."""

from __future__ import annotations

# check id -> a pane id, or "servers" (the O screen); a check not here has its fix
# outside the console (Odoo's settings), said under it.
CHECK_PLACES: dict[str, str] = {
    "queue_cron": "crons",
    "queue_cron_interval": "crons",
    "queue_cron_failures": "crons",
    "oldest_outgoing": "outgoing",
    "scheduled_future": "outgoing",
    "failed_mails": "causes",
    "failure_spike": "causes",
    "campaign_head": "campaigns",
    "envelopes": "envelopes",
    "bounces": "bounces",
    "outgoing_server": "servers",
    "default_from": "servers",
    "test_catcher": "servers",
    "alias_domain": "aliases",
}
# The checks about the Email Queue Manager put the cursor on that cron.
QUEUE_CRON_CHECKS = frozenset({"queue_cron", "queue_cron_interval", "queue_cron_failures"})
