"""The TUI on a fleet: the fleet screen first; `enter` opens the console on the chosen
database, whose `esc` (on its main screen) comes back to the fleet, read afresh.

Each screen is its own Textual App, run one after the other: the console of one database
never carries state (selections, filters, an open action) over to another.
"""

from __future__ import annotations

import argparse
from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config.connection import ConnectionSettings
    from console.config.server_target import FleetListing
    from console.domain.fleet import FleetReport


def run_fleet_tui(settings: ConnectionSettings, tz: tzinfo, args: argparse.Namespace) -> int:
    from console.config.server_target import server_target

    server_target(settings)  # no PostgreSQL server named: one line, before any screen
    from console.cli.console_app import console_app
    from console.tui.fleet_app import FleetApp

    http_host = getattr(args, "http_host", None)

    def load() -> tuple[FleetListing, FleetReport]:
        from console.backends.connect import discover_databases, read_fleet

        listing = discover_databases(settings, http_host=http_host)
        return listing, read_fleet(listing)

    selected: str | None = None
    notice: str | None = None
    sort = "health"
    while True:
        fleet = FleetApp(load, sort=sort, selected=selected, notice=notice)
        choice = fleet.run()
        sort = fleet.sort_column
        if choice is None:
            return 0
        selected, notice = choice.name, None
        console = console_app(choice.settings, tz, args, from_fleet=True)
        console.run()
        if console.fatal_error:
            notice = f"{choice.name}: {console.fatal_error}"
        elif not console.went_back:
            return int(console.return_code or 0)
