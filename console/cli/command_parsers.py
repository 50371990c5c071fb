"""The options of the triage, blacklist and bounce commands, apart from the modules that run
them (console.cli.triage, blacklist, bounces): building the parser, for --help or any
command, loads argparse and the thresholds' defaults, not what the commands run on."""

from __future__ import annotations

import argparse
from typing import Any

from console.cli.action_common import add_write_options
from console.domain.thresholds import Thresholds


def add_triage_parsers(sub: Any) -> None:
    """Register causes/doctor/check/probe on the main parser's `sub(name, help)` factory."""
    causes = sub("causes", "failed mails grouped by cause, with what each means and the fix")
    causes.add_argument("--limit", type=int, default=100, help="at most this many causes")
    doctor = sub("doctor", "run every health check: what is wrong, why, and what to do")
    _add_daily_limit(doctor)
    _add_bounce_thresholds(doctor)
    check = sub("check", "one-line health check for Nagios/Icinga (exit 0/1/2/3)")
    _add_daily_limit(check)
    _add_bounce_thresholds(check)
    check.add_argument(
        "--warn-failed", type=int, default=10, metavar="N", help="WARNING from N failed mails"
    )
    check.add_argument(
        "--crit-failed", type=int, default=50, metavar="N", help="CRITICAL from N failed mails"
    )
    check.add_argument(
        "--max-oldest-outgoing",
        type=float,
        metavar="MINUTES",
        help="CRITICAL when the oldest due mail waited longer (default: 2 cron intervals)",
    )
    check.add_argument(
        "--all-databases",
        action="store_true",
        default=argparse.SUPPRESS,
        help="every Odoo database of the server (as Odoo lists them): one line per "
        "database, the worst exit code, perfdata labelled database:label",
    )
    from console.cli.fleet_options import add_http_host

    add_http_host(check, sub=True)
    probe = sub("probe", "connect to each outgoing server like Odoo: TLS, login, MAIL FROM")
    probe.add_argument(
        "--mail-from",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="also try MAIL FROM (the default From, or ADDRESS) then RSET",
    )
    probe.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per step (default 10)"
    )
    test = sub(
        "test-mail",
        "send a real test mail through the server Odoo would choose, showing the SMTP "
        "dialogue; nothing is written to Odoo",
    )
    test.add_argument("--to", required=True, metavar="ADDRESS", help="where to send it")
    test.add_argument(
        "--from",
        dest="mail_from",
        metavar="ADDRESS",
        help="the From to route and rewrite as Odoo would (default: Odoo's default From)",
    )
    test.add_argument(
        "--server", metavar="NAME", help="send through this outgoing server (name or id)"
    )
    test.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per step (default 10)"
    )


def add_fleet_parser(sub: Any) -> None:
    """Register `fleet` on the main parser's `sub(name, help)` factory."""
    from console.cli.fleet_options import add_http_host
    from console.domain.fleet import SORT_COLUMNS

    fleet = sub(
        "fleet",
        "every Odoo database of the server, as Odoo's database list shows them: version, "
        "queue, failures, red envelopes, queue cron, health",
    )
    fleet.add_argument(
        "--sort",
        choices=SORT_COLUMNS,
        default="health",
        help="order of the rows (default health: the worst first)",
    )
    add_http_host(fleet, sub=True)


def _add_daily_limit(command: argparse.ArgumentParser) -> None:
    command.add_argument(  # also before the command: SUPPRESS keeps that value
        "--daily-limit",
        type=int,
        metavar="N",
        default=argparse.SUPPRESS,
        help="your provider's mails-per-day quota: compare the last 24 hours against it",
    )


def _add_bounce_thresholds(command: argparse.ArgumentParser) -> None:
    """The bounce-rate check's thresholds (README "Bounces")."""
    defaults = Thresholds()
    for flag, default, text in (
        ("--warn-bounce-rate", defaults.warn_bounce_rate * 100, "WARNING from this bounce rate"),
        ("--crit-bounce-rate", defaults.crit_bounce_rate * 100, "CRITICAL from this bounce rate"),
    ):
        command.add_argument(
            flag,
            type=float,
            default=default,
            metavar="PERCENT",
            help=f"{text} (default {default:g})",
        )
    command.add_argument(
        "--bounce-min-sent",
        type=int,
        default=defaults.bounce_min_sent,
        metavar="N",
        help="judge a window's bounce rate only from N mails sent in it "
        f"(default {defaults.bounce_min_sent})",
    )


def add_blacklist_parsers(sub: Any) -> None:
    """Register blacklist/unblacklist on the main parser's ``sub(name, help)`` factory."""
    listing = sub("blacklist", "Odoo's e-mail blacklist: the blocked addresses, newest first")
    listing.add_argument("--search", metavar="TEXT", default="", help="part of the address")
    listing.add_argument(
        "--all", action="store_true", help="also the addresses removed from the blacklist"
    )
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    remove = sub(
        "unblacklist", "remove addresses from the blacklist with a reason, as Odoo's wizard"
    )
    remove.add_argument("addresses", nargs="+", metavar="ADDRESS")
    remove.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help="why (written in the entry's chatter, as the wizard's Reason; '' for none)",
    )
    add_write_options(remove)


def add_bounce_parsers(sub: Any) -> None:
    """Register bounces/reset-bounce on the main parser's ``sub(name, help)`` factory."""
    bounces = sub(
        "bounces",
        "bounce rates (last 24h, 7 days, per day, per campaign), the bounced mails and the "
        "partners and mailing contacts with the most bounces",
    )
    bounces.add_argument("--days", type=int, default=14, help="days of daily rates (default 14)")
    bounces.add_argument(
        "--limit", type=int, default=20, help="rows per list: campaigns, records, mails (def. 20)"
    )
    reset = sub(
        "reset-bounce",
        "set the bounce counter of the partners and mailing contacts of these addresses to 0, "
        "as Odoo does when a mail from the address arrives",
    )
    reset.add_argument("addresses", nargs="+", metavar="ADDRESS")
    add_write_options(reset)
