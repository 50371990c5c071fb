"""The two top lines: where we are (header) and which pane, with counts (tab row)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import cast

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from console.domain.models import DatabaseInfo
from console.timefmt import human_age
from console.tui.formatting import Palette, ellipsize, one_line
from console.tui.pane import ConsoleHost


@dataclass
class HeaderState:
    """What the header says; the App changes it and calls HeaderBar.refresh()."""

    tz_name: str
    title_hint: str = ""
    info: DatabaseInfo | None = None
    connect_error: str | None = None
    paused: bool = False
    refreshing: bool = False
    last_refresh: float | None = None  # time.monotonic() of the last successful refresh
    refresh_error: bool = False


class HeaderBar(Static):
    """`odoo-mailq  db · Odoo 17.0 · RW · ⟳ 3s ago · times: Europe/Paris` in one line."""

    def __init__(self, state: HeaderState, *, id: str) -> None:
        super().__init__(id=id)
        self.state = state

    @property
    def palette(self) -> Palette:
        return cast(ConsoleHost, self.app).palette

    def render(self) -> Text:
        return self.build_text(self.size.width or 80)

    def _age(self) -> tuple[list[str], str]:
        state = self.state
        if state.paused:
            return ["⏸ paused"], "warning"
        if state.last_refresh is None:
            return (["⟳ …"], "")
        age = human_age(time.monotonic() - state.last_refresh)
        tone = "error" if state.refresh_error else ""
        return [f"⟳ {age} ago", f"⟳ {age}"], tone

    def build_text(self, width: int) -> Text:
        state = self.state
        info = state.info
        # name -> (variants from longest to shortest, tone); "" drops the piece.
        pieces: dict[str, tuple[list[str], str]] = {}
        if info is None:
            hint = one_line(state.title_hint)
            if hint:
                pieces["db"] = ([hint, ellipsize(hint, 24), ""], "")
            if state.connect_error:
                pieces["conn"] = (["✖ not connected"], "error")
            else:
                pieces["conn"] = (["connecting…"], "warning")
        else:
            name = one_line(info.name)
            pieces["db"] = ([name, ellipsize(name, 18), ellipsize(name, 10)], "")
            label = info.odoo_version_label
            pieces["version"] = ([f"Odoo {label}", label, ""], "")
            if info.read_only:
                # loud: reverse video, like NEUTRALIZED; it never shrinks below "READ-ONLY"
                pieces["mode"] = (["READ-ONLY"], "warning!")
            else:
                pieces["mode"] = (["RW"], "")
            if info.neutralized:
                pieces["neutralized"] = (["NEUTRALIZED"], "error!")
            pieces["age"] = self._age()
        tz = state.tz_name
        pieces["tz"] = ([f"times: {tz}", tz, ""], "muted")
        return self._fit(pieces, width)

    # Which piece gives up space first, one step at a time.
    _SHRINK_ORDER = ("tz", "db", "age", "version", "db", "mode", "tz", "version", "db")

    def _fit(self, pieces: dict[str, tuple[list[str], str]], width: int) -> Text:
        brand = " odoo-mailq  "
        separator = " · "
        chosen = {name: 0 for name in pieces}

        def shown() -> list[tuple[str, str]]:
            result = []
            for name, (variants, tone) in pieces.items():
                label = variants[chosen[name]]
                if label:
                    result.append((f" {label} " if tone.endswith("!") else label, tone))
            return result

        def length() -> int:
            parts = shown()
            return len(brand) + sum(len(p) for p, _ in parts) + len(separator) * (len(parts) - 1)

        for name in self._SHRINK_ORDER:
            if length() <= width:
                break
            if name in pieces and chosen[name] < len(pieces[name][0]) - 1:
                chosen[name] += 1
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(brand, style=Style(bold=True) + self.palette.style("accent"))
        for index, (label, tone) in enumerate(shown()):
            if index:
                text.append(separator, style=Style(dim=True))
            if tone.endswith("!"):  # loud: reverse video survives NO_COLOR
                loud = self.palette.style(tone[:-1]) + Style(bold=True, reverse=True)
                text.append(label, style=loud)
            else:
                text.append(label, style=self.palette.style(tone))
        return text


@dataclass(frozen=True, slots=True)
class Tab:
    pane_id: str
    key: str
    label: str
    count: int | None = None
    tone: str = ""


class TabBar(Static):
    """`1 Outgoing 52 │ 2 Failed 59 │ 3 Crons │ 4 Campaigns`, the active one in reverse video."""

    def __init__(self, tabs: list[Tab], *, id: str) -> None:
        super().__init__(id=id)
        self.tabs = tabs
        self.active = tabs[0].pane_id

    @property
    def palette(self) -> Palette:
        return cast(ConsoleHost, self.app).palette

    def set_active(self, pane_id: str) -> None:
        self.active = pane_id
        self.refresh()

    def set_count(self, pane_id: str, count: int | None, tone: str = "") -> None:
        self.tabs = [
            Tab(t.pane_id, t.key, t.label, count, tone) if t.pane_id == pane_id else t
            for t in self.tabs
        ]
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for index, tab in enumerate(self.tabs):
            if index:
                text.append(" │ ", style=Style(dim=True))
            active = tab.pane_id == self.active
            base = Style(bold=True, reverse=True) if active else Style()
            text.append(f" {tab.key} ", style=base + Style(dim=not active))
            text.append(f"{tab.label}", style=base)
            if tab.count is not None:
                text.append(" ", style=base)
                text.append(str(tab.count), style=base + self.palette.style(tab.tone))
            text.append(" ", style=base)
        return text
