"""The write commands' options: retry, cancel, ignore, send, undo, trigger, audit.

Apart from console.cli.actions, which runs them: building the parser (for --help, or any
command) loads argparse and these few option helpers, not what the commands run on.
"""

from __future__ import annotations

from typing import Any

from console.cli.action_common import add_journal_option, add_write_options
from console.cli.send_options import add_send_options


def add_action_parsers(sub: Any) -> None:
    """Register the write subcommands on the main parser's `sub(name, help)` factory."""
    for name, text in (
        ("retry", "put failed (or cancelled) mails back in the queue, as Odoo's Retry"),
        ("cancel", "cancel outgoing mails (they are kept, never deleted)"),
        ("ignore", "set the failed e-mail notifications of mails to canceled (Ignore all)"),
        ("send", "send outgoing mails now, like Odoo's Send Now"),
    ):
        command = sub(name, text)
        command.add_argument("ids", nargs="*", type=int, metavar="ID")
        command.add_argument("--grep", metavar="TEXT", help="every mail matching this filter")
        if name in ("retry", "ignore"):
            command.add_argument(
                "--all-failed", action="store_true", help="every mail in Delivery Failed"
            )
            command.add_argument(
                "--cause", metavar="KEY", help="every failed mail of this cause (see `causes`)"
            )
        if name == "ignore":
            command.add_argument(
                "--messages",
                action="store_true",
                help="the ids are chatter message ids (see `envelopes`): also the red envelopes "
                "whose mail row Odoo already deleted",
            )
            command.add_argument(
                "--all-envelopes", action="store_true", help="every red envelope (see `envelopes`)"
            )
        if name == "send":
            add_send_options(command, sub=True)
            command.add_argument(
                "--wait-for-odoo",
                type=float,
                default=60.0,
                metavar="SECONDS",
                help="how long to wait while other sessions could be sending the same mails "
                "(default 60; then the rest is left to Odoo's queue)",
            )
            command.add_argument(
                "--include-scheduled",
                action="store_true",
                help="also send the mails scheduled for later now (by default they stay queued)",
            )
        add_write_options(command)
    undo = sub("undo", "revert the last retry, cancel or ignore (rows still as it left them)")
    add_write_options(undo)
    trigger = sub("trigger", "ask Odoo to run a cron now (default: the Email Queue Manager)")
    trigger.add_argument("cron", nargs="?", metavar="CRON", help="cron id or XML id")
    add_write_options(trigger)
    campaign = sub("cancel-campaign", "cancel queued mass mailings (In Queue -> Draft), as Odoo")
    campaign.add_argument("ids", nargs="+", type=int, metavar="MAILING_ID")
    add_write_options(campaign)
    interval = sub(
        "set-interval", "change how often a cron runs (default: the Email Queue Manager)"
    )
    interval.add_argument("number", type=int, metavar="N")
    interval.add_argument("unit", choices=["minutes", "hours", "days", "weeks", "months"])
    interval.add_argument("--cron", metavar="CRON", help="cron id or XML id")
    add_write_options(interval)
    from console.cli.envelope_actions import add_envelope_action_parsers
    from console.cli.pause import add_pause_parsers

    add_envelope_action_parsers(sub)
    add_pause_parsers(sub)
    audit = sub("audit", "show the journal of actions")
    audit.add_argument("--limit", type=int, default=50, help="newest entries (default 50)")
    add_journal_option(audit)
