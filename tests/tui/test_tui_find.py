"""Finding a mail again: by the document the detail names, and in every state."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.db import sql, state_ids
from tests.helpers.tui import (
    SIZE,
    confirm,
    make_app,
    pane,
    settle,
    started,
    status_line,
    table_ids,
)


def _mails_on(path: Path, model: str, res_id: int | None, states: tuple[str, ...]) -> list[int]:
    marks = ",".join("?" * len(states))
    on_record = "AND m.res_id = ?" if res_id is not None else ""
    args = (model, *([res_id] if res_id is not None else []), *states)
    found = sql(
        path,
        f"SELECT x.id FROM mail_mail x JOIN mail_message m ON m.id = x.mail_message_id "
        f"WHERE m.model = ? {on_record} AND x.state IN ({marks}) ORDER BY x.id DESC",
        *args,
    )
    return [int(str(row[0])) for row in found]


async def test_slash_finds_the_mails_of_a_document_as_the_detail_names_it(
    sample_path: Path,
) -> None:
    model, res_id = (
        str(v)
        for v in sql(
            sample_path,
            "SELECT m.model, m.res_id FROM mail_mail x JOIN mail_message m "
            "ON m.id = x.mail_message_id WHERE x.state = 'exception' AND m.model = 'account.move' "
            "GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1",
        )[0]
    )
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed = pane(app, "failed")
        for needle, wanted in (
            (f"{model},{res_id}", _mails_on(sample_path, model, int(res_id), ("exception",))),
            (model, _mails_on(sample_path, model, None, ("exception",))),
        ):
            await pilot.press("slash", *needle, "enter")
            await settle(pilot, app)
            assert wanted and table_ids(failed) == wanted, needle
            assert f"{len(wanted)} failed" in status_line(failed)


async def test_a_shows_every_state_so_a_cancelled_mail_is_found_again(sample_path: Path) -> None:
    target = state_ids(sample_path, "outgoing")[0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        await confirm(pilot, app)
        outgoing = pane(app, "outgoing")
        assert target not in table_ids(outgoing)
        await pilot.press("a")  # every state
        await settle(pilot, app)
        await pilot.press("slash", *str(target), "enter")
        await settle(pilot, app)
        assert table_ids(outgoing) == [target]
        assert outgoing.table.get_cell(str(target), "state").plain.strip() == "cancelled"
        assert "mails, all states" in status_line(outgoing)
        await pilot.press("escape")  # the filter goes; every state stays until `a` again
        await settle(pilot, app)
        total = int(str(sql(sample_path, "SELECT count(*) FROM mail_mail")[0][0]))
        assert f"{total} mails, all states" in status_line(outgoing)
        await pilot.press("a")
        await settle(pilot, app)
        assert table_ids(outgoing) == state_ids(sample_path, "outgoing")[: len(table_ids(outgoing))]
        own = len(state_ids(sample_path, "outgoing"))
        assert status_line(outgoing).startswith(f"{own} outgoing ·")  # its total at once
