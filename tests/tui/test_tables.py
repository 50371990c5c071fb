"""KeyedTable.remove_rows: the bulk removal that rewrites DataTable's private bookkeeping
must leave the table as the public remove_row would, on the Textual version installed."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from console.tui.widgets import tables
from console.tui.widgets.tables import KeyedTable

COLUMNS = ("id", "subject")


class _TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(cursor_type="row")


async def _table_after(removal: str, doomed: list[str]) -> tuple[list[str], int, list[str]]:
    app = _TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        for column in COLUMNS:
            table.add_column(column, key=column, width=10)
        for number in range(40):
            table.add_row(Text(str(number)), Text(f"mail {number}"), key=str(number))
        table.move_cursor(row=10)
        await pilot.pause()
        if removal == "bulk":
            table.remove_rows(doomed)
        else:
            for key in doomed:
                table.remove_row(key)
        await pilot.pause()
        keys = [str(row.key.value) for row in table.ordered_rows]
        shown = [table.get_row_at(index)[1].plain for index in range(table.row_count)]
        return keys, table.cursor_row, shown


async def test_bulk_removal_matches_remove_row_one_by_one() -> None:
    assert tables._HAS_DATATABLE_INTERNALS, (
        "DataTable's private attributes changed: remove_rows falls back to the slow path; "
        "check tables.py against this Textual version and move the pin in pyproject.toml"
    )
    doomed = [str(number) for number in range(0, 40, 3)] + ["nope"]  # an unknown key too
    bulk = await _table_after("bulk", doomed)
    public = await _table_after("one by one", doomed[:-1])
    assert bulk == public
    keys, cursor, shown = bulk
    assert len(keys) == 40 - 14 and "3" not in keys and shown[0] == "mail 1"
    assert cursor == 10  # the same index, as remove_row leaves it
