"""Terminals with 16 or 256 colours: the console on a real pseudo-terminal, against
PostgreSQL, as over SSH where COLORTERM is not forwarded.

What it must keep: no colour escape the terminal cannot show (a 16-colour xterm gets only
the 16 basic colours, a 256-colour one no 24-bit colour), no glyph drawn in its own
background colour once the theme is squeezed into those palettes, and every state said
as a word or a glyph, not only as a colour.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator

import pytest

from testkit.pgcluster import PgCluster
from tests.helpers.cli import ROOT
from tests.helpers.db import OdooDatabases
from tests.helpers.term_screen import PtyProgram, Screen

StartConsole = Callable[..., PtyProgram]


def _terminal_env(term: str, colorterm: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL") and k not in ("NO_COLOR", "COLORTERM", "FORCE_COLOR")
    }
    env.update(TERM=term, COLUMNS="80", LINES="24")
    if colorterm:
        env["COLORTERM"] = colorterm
    return env


@pytest.fixture
def console_on(pg_cluster: PgCluster, odoo_databases: OdooDatabases) -> Iterator[StartConsole]:
    """`start(TERM, COLORTERM=None)`: `odoo-mailq --db URL` on an 80x24 pty (read-only)."""
    url = odoo_databases.get("pg", 17)
    started: list[PtyProgram] = []

    def start(term: str, colorterm: str | None = None) -> PtyProgram:
        argv = [sys.executable, "-m", "console", "--db", url, "--read-only", "--refresh", "0"]
        program = PtyProgram(argv, _terminal_env(term, colorterm), cwd=str(ROOT))
        started.append(program)
        return program

    yield start
    for program in started:
        program.close()


def _walk_the_panes(program: PtyProgram) -> dict[str, str]:
    """The screen on Outgoing, Failed and Health, once each has its data."""
    screens = {}
    # The list is painted before the counts are read: wait for the tab row's counts too.
    counted = re.compile(r"1 Out(going)? \d+ ?│ ?2 Fail(ed)? \d+")
    screens["outgoing"] = program.wait_for(
        lambda text: (
            "READ-ONLY" in text
            and " outgoing " in text
            and "outgoing ·" in text
            and counted.search(text) is not None
        )
    )
    program.press("2")
    screens["failed"] = program.wait_for(lambda text: "auth failed " in text and "failed ·" in text)
    program.press("6")
    screens["health"] = program.wait_for(lambda text: "CRITICAL" in text and "checks ·" in text)
    return screens


def _check_readable(program: PtyProgram) -> None:
    unreadable = program.screen.unreadable_cells()
    assert not unreadable, f"glyphs drawn in their background colour: {unreadable[:10]}"


@pytest.mark.parametrize(
    ("term", "allowed"),
    [("xterm", set()), ("xterm-256color", {"256"})],
    ids=["16-colours", "256-colours"],
)
def test_limited_colour_terminals_get_only_their_colours_and_words(
    console_on: StartConsole, term: str, allowed: set[str]
) -> None:
    program = console_on(term)
    screens = _walk_the_panes(program)
    for name, text in screens.items():
        lines = text.splitlines()
        assert "odoo-mailq" in lines[0] and "READ-ONLY" in lines[0], (name, lines[0])
        # The active tab is reverse video (it survives any palette); each count a number.
        counts = r"1 Out(going)? \d+ ?│ ?2 Fail(ed)? \d+ ?│ ?3 Cause(s)? \d+"
        assert re.search(counts, lines[1]), lines[1]
    # States are words in the lists and in the health checks, glyphs in the header.
    assert " outgoing " in screens["outgoing"]
    assert " failed " in screens["failed"]
    assert "✖ CRITICAL" in screens["health"], screens["health"]
    assert re.search(r"✖ \d+ critical ▲ \d+ warn", screens["health"].splitlines()[0])
    _check_readable(program)
    # Only the colours this terminal has were ever sent.
    assert program.screen.extended_colours <= allowed, (term, program.screen.extended_colours)
    assert b"\x1b[38;2;" not in program.raw and b"\x1b[48;2;" not in program.raw


def test_a_truecolor_terminal_gets_24_bit_colour(console_on: StartConsole) -> None:
    """The control: with COLORTERM=truecolor the same run does send 24-bit colours, so
    the checks above would see them."""
    program = console_on("xterm-256color", "truecolor")
    program.wait_for(lambda text: "READ-ONLY" in text and " outgoing " in text)
    assert "rgb" in program.screen.extended_colours
    _check_readable(program)


def test_the_screen_sees_positions_colours_and_unreadable_glyphs() -> None:
    """The checks above rely on this small terminal: it must see what they look for."""
    screen = Screen(20, 3)
    screen.feed(b"\x1b[2;3H\x1b[31;41mred on red\x1b[0m \x1b[7mrev\x1b[27m")
    screen.feed(b"\x1b[3;1H\x1b[38;5;208mx\x1b[48;2;1;2;3my\x1b[")  # an escape cut in two
    screen.feed(b"0mz")
    lines = screen.text().splitlines()
    assert lines[1] == "  red on red rev" and lines[2] == "xyz"
    assert [(r, c) for r, c, _, _ in screen.unreadable_cells()] == [
        (1, column) for column in range(2, 12) if lines[1][column] != " "
    ]
    assert screen.extended_colours == {"256", "rgb"}
