"""The fleet screen at 80x24 on a real server with several Odoo databases and some that
are not (tests/helpers/fleet.py): the list, its sort, enter into the console of one
database, esc back from the console's main screen."""

from __future__ import annotations

import threading

from textual.widgets import DataTable, Static

from console.backends.base import MailQueueBackend
from console.backends.connect import discover_databases, open_backend, read_fleet
from console.config.connection import ConnectionSettings
from console.config.server_target import FleetListing
from console.domain.fleet import FleetReport
from console.tui.fleet_app import FleetApp, FleetChoice, clip_middle, name_width
from tests.helpers.fleet import FleetServer
from tests.helpers.tui import PARIS, SIZE, RecordingApp, plain, started, wait_for

ODOO = ["fleet_acme", "fleet_brick", "fleet_crane", "fleet_delta"]


def loader(server: FleetServer) -> tuple[FleetListing, FleetReport]:
    listing = discover_databases(ConnectionSettings(db_url=server.url))
    return listing, read_fleet(listing)


def table_names(app: FleetApp) -> list[str]:
    table = app.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_the_fleet_lists_the_odoo_databases_and_fits_80_columns(
    fleet_server: FleetServer,
) -> None:
    app = FleetApp(lambda: loader(fleet_server))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.report is not None, "the fleet loaded")
        await pilot.pause()
        assert sorted(table_names(app)) == sorted([*ODOO, "fleet_locked"])
        table = app.query_one(DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert labels == ["Database", "Ver", "Out", "Failed", "Red", "Oldest", "Cron", "Health▼"]
        assert table.virtual_size.width <= SIZE[0]
        assert table_names(app)[-1] == "fleet_delta"  # health: the healthy one last
        title = plain(app.query_one("#fleet-title", Static))
        assert "5 databases" in title and "sort: health" in title
        skipped = plain(app.query_one("#fleet-skipped", Static))
        assert (
            "fleet_notodoo (not odoo)" in skipped and "fleet_old (unsupported version)" in skipped
        )
        status = plain(app.query_one("#fleet-status", Static))
        assert status.startswith(f"{table_names(app)[0]}: queue cron overdue")


async def test_s_cycles_the_sort_column_and_says_which(fleet_server: FleetServer) -> None:
    app = FleetApp(lambda: loader(fleet_server))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.report is not None, "the fleet loaded")
        await pilot.press("s")  # health -> name
        await pilot.pause()
        assert app.sort_column == "name"
        assert table_names(app) == sorted(table_names(app))
        assert "sort: name" in plain(app.query_one("#fleet-title", Static))
        await pilot.press("s", "s", "s")  # version, outgoing, failed
        await pilot.pause()
        assert app.sort_column == "failed"
        assert table_names(app)[0] == "fleet_crane"  # the most failed mails
        header = [str(c.label) for c in app.query_one(DataTable).columns.values()]
        assert header[3] == "Failed▼"


async def test_keys_answer_while_the_databases_are_read(fleet_server: FleetServer) -> None:
    release = threading.Event()

    def slow() -> tuple[FleetListing, FleetReport]:
        release.wait(20)
        return loader(fleet_server)

    app = FleetApp(slow)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.sort_column == "name" and app.loading
        assert "Reading every database" in plain(app.query_one("#fleet-status", Static))
        release.set()
        await wait_for(pilot, lambda: app.report is not None, "the fleet loaded")
        await pilot.pause()
        assert table_names(app) == sorted(table_names(app))


async def test_enter_opens_the_database_and_esc_in_the_console_comes_back(
    fleet_server: FleetServer,
) -> None:
    app = FleetApp(lambda: loader(fleet_server), sort="name")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.report is not None, "the fleet loaded")
        await pilot.pause()
        await pilot.press("down")  # fleet_brick (fleet_acme first by name)
        await pilot.press("enter")
        await pilot.pause()
    choice = app.return_value
    assert isinstance(choice, FleetChoice) and choice.name == "fleet_brick"
    assert choice.settings.db_url is not None and "fleet_brick" in choice.settings.db_url

    def connect() -> MailQueueBackend:
        return open_backend(choice.settings)

    console = RecordingApp(connect, tz=PARIS, refresh_seconds=3600.0, from_fleet=True)
    async with console.run_test(size=SIZE) as pilot:
        await started(pilot, console)
        assert console.info is not None and console.info.name == "fleet_brick"
        await pilot.press("slash")  # a filter open: esc closes it first
        await pilot.press("escape")
        await pilot.pause()
        assert console.is_running and not console.went_back
        await pilot.press("4")  # another pane: esc from it goes back too
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert console.went_back


async def test_esc_does_not_leave_a_console_not_opened_from_the_fleet(
    fleet_server: FleetServer,
) -> None:
    settings = ConnectionSettings(db_url=fleet_server.database_url("fleet_delta"))

    def connect() -> MailQueueBackend:
        return open_backend(settings)

    console = RecordingApp(connect, tz=PARIS, refresh_seconds=3600.0)
    async with console.run_test(size=SIZE) as pilot:
        await started(pilot, console)
        await pilot.press("escape")
        await pilot.pause()
        assert console.is_running and not console.went_back


async def test_enter_on_a_database_that_cannot_be_read_says_why(
    fleet_server: FleetServer,
) -> None:
    app = FleetApp(lambda: loader(fleet_server), sort="name")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.report is not None, "the fleet loaded")
        await pilot.pause()
        names = table_names(app)
        for _ in range(names.index("fleet_locked")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert "CONNECT" in plain(app.query_one("#fleet-status", Static))


def test_long_database_names_are_cut_in_the_middle_to_the_width_left() -> None:
    assert name_width(80) == 16 and name_width(120) == 56 and name_width(40) == 12
    assert clip_middle("acme_production_2024", 16) == "acme_pr…ion_2024"
    assert clip_middle("acme_production_2024", 17) == "acme_pro…ion_2024"
    assert clip_middle("acme", 17) == "acme"
