"""The two top lines: where we are (header) and which pane, with counts (tab row)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from console.domain.timefmt import human_age, utcnow_naive
from console.tui.panes.pane import ConsoleHost
from console.tui.widgets.formatting import (
    Palette,
    compact_summary,
    ellipsize,
    one_line,
    summary_tone,
)

if TYPE_CHECKING:
    from console.domain.models import DatabaseInfo
    from console.domain.pause import PauseState


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
    disconnected: bool = False  # the database cannot be reached: said loudly
    retry_at: float | None = None  # time.monotonic() of the next automatic retry
    health: str | None = None  # health_summary() of the latest health run
    queue_paused: PauseState | None = None  # the console paused Odoo's queue (W)


# A piece of the header: its variants from longest to shortest ("" drops it), its tone
# (a trailing "!" means loud: reverse video, which survives NO_COLOR), and its side.
Piece = tuple[list[str], str, bool]


class HeaderBar(Static):
    """`odoo-mailq  db · Odoo 17.0 · RW · ⟳ 3s ago · times: Europe/Paris   ✖ 2 critical`."""

    def __init__(self, state: HeaderState, *, id: str) -> None:
        super().__init__(id=id)
        self.state = state

    def on_mount(self) -> None:
        # UI clock only (the "3s ago" age, the retry countdown); polls chain with set_timer.
        self.set_interval(1.0, self.refresh)

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

    def _disconnected(self) -> list[str]:
        state = self.state
        if state.refreshing:
            return ["DISCONNECTED · retrying…", "DISCONNECTED …", "DISCONNECTED"]
        if state.paused or state.retry_at is None:
            return ["DISCONNECTED · R retries", "DISCONNECTED"]
        wait = max(0, round(state.retry_at - time.monotonic()))
        return [f"DISCONNECTED · retry in {wait}s", f"DISCONNECTED {wait}s", "DISCONNECTED"]

    def build_text(self, width: int) -> Text:
        state = self.state
        info = state.info
        pieces: dict[str, Piece] = {"brand": ([" odoo-mailq  ", " "], "brand", False)}
        if info is None:
            hint = one_line(state.title_hint)
            if hint:
                pieces["db"] = ([hint, ellipsize(hint, 24), ""], "", False)
            if state.connect_error:
                pieces["conn"] = (["✖ not connected"], "error", False)
            else:
                pieces["conn"] = (["connecting…"], "warning", False)
        else:
            name = one_line(info.name)
            pieces["db"] = ([name, ellipsize(name, 18), ellipsize(name, 10)], "", False)
            label = info.odoo_version_label
            pieces["version"] = ([f"Odoo {label}", label, ""], "", False)
            if info.read_only:
                # loud: reverse video, like NEUTRALIZED; it never shrinks below "READ-ONLY"
                pieces["mode"] = (["READ-ONLY"], "warning!", False)
            else:
                pieces["mode"] = (["RW"], "", False)
            if info.neutralized:
                pieces["neutralized"] = (["NEUTRALIZED"], "error!", False)
            if state.queue_paused is not None:  # loud: nothing leaves through the queue
                age = state.queue_paused.for_how_long(utcnow_naive()).removeprefix("for ")
                pieces["queue"] = ([f"QUEUE PAUSED {age}", "PAUSED"], "warning!", False)
            if state.disconnected:
                pieces["conn"] = (self._disconnected(), "error!", False)
            ages, tone = self._age()
            pieces["age"] = (ages, tone, False)
        tz = state.tz_name
        pieces["tz"] = ([f"times: {tz}", tz, ""], "muted", False)
        if info is not None and state.health:
            health = state.health
            pieces["health"] = ([health, compact_summary(health)], summary_tone(health), True)
        return self._fit(pieces, width)

    # Which piece gives up space first, one step at a time.
    _SHRINK_ORDER = (
        "tz",
        "db",
        "age",
        "version",
        "tz",
        "db",
        "health",
        "brand",
        "queue",
        "conn",
        "mode",
        "version",
        "conn",
        "db",
    )

    def _fit(self, pieces: dict[str, Piece], width: int) -> Text:
        separator = " · "
        chosen = {name: 0 for name in pieces}

        def shown(right: bool) -> list[tuple[str, str]]:
            result = []
            for name, (variants, tone, side) in pieces.items():
                label = variants[chosen[name]]
                if side is right and label and name != "brand":
                    result.append((f" {label} " if tone.endswith("!") else label, tone))
            return result

        def brand() -> str:
            return pieces["brand"][0][chosen["brand"]]

        def length() -> int:
            left, right = shown(False), shown(True)
            total = len(brand()) + sum(len(p) for p, _ in left + right)
            total += len(separator) * max(0, len(left) - 1)
            if right:
                total += 2 + len(separator) * (len(right) - 1) + 1
            return total

        for name in self._SHRINK_ORDER:
            if length() <= width:
                break
            if name in pieces and chosen[name] < len(pieces[name][0]) - 1:
                chosen[name] += 1
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(brand(), style=Style(bold=True) + self.palette.style("accent"))
        self._append(text, shown(False), separator)
        right = shown(True)
        if right:
            gap = max(2, width - length() + 2)
            text.append(" " * gap)
            self._append(text, right, separator)
            text.append(" ")
        return text

    def _append(self, text: Text, parts: list[tuple[str, str]], separator: str) -> None:
        for index, (label, tone) in enumerate(parts):
            if index:
                text.append(separator, style=Style(dim=True))
            if tone.endswith("!"):  # loud: reverse video survives NO_COLOR
                loud = self.palette.style(tone[:-1]) + Style(bold=True, reverse=True)
                text.append(label, style=loud)
            else:
                text.append(label, style=self.palette.style(tone))


@dataclass(frozen=True, slots=True)
class Tab:
    pane_id: str
    key: str
    label: str
    short: str = ""  # the label on a narrow terminal ("Out", "Fail")
    tiny: str = ""  # narrower still ("Hlth", "Ali")
    count: int | None = None
    tone: str = ""


# The forms of the tab row, longest first: (padded, which label).
FORMS: tuple[tuple[bool, str], ...] = ((True, "label"), (False, "label"), (False, "short"))
# Narrower than the short labels, the tiny ones go, the least needed first, down to the
# keys and counts alone: the diagnosis panes keep their words longest.
TINY_KEPT_LONGEST: tuple[str, ...] = (
    "outgoing",
    "failed",
    "causes",
    "health",
    "crons",
    "campaigns",
    "envelopes",
    "logs",
    "aliases",
    "bounces",
)


class TabBar(Static):
    """`1 Outgoing 52 │ 2 Failed 59 │ 3 Causes 12 │ …`, the active one in reverse video.

    On a narrow terminal the labels shorten (`1 Out 22│2 Fail 65│…`), then only the keys
    and counts stay: every pane keeps its key and its count visible, and the row keeps
    its form whichever pane is active (only one tab is ever padded in the narrow forms).
    """

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
            replace(t, count=count, tone=tone) if t.pane_id == pane_id else t for t in self.tabs
        ]
        self.refresh()

    def render(self) -> Text:
        return self.build_text(self.size.width or 80)

    def build_text(self, width: int) -> Text:
        """The longest form that fits `width`: padded labels, labels, short, then tiny
        labels dropped one pane at a time (TINY_KEPT_LONGEST), then keys and counts."""
        for padded, label in FORMS:
            text = self._form(padded=padded, label=label)
            if text.cell_len <= width:
                return text
        for kept in range(len(TINY_KEPT_LONGEST), -1, -1):
            text = self._form(padded=False, label="tiny", tiny=TINY_KEPT_LONGEST[:kept])
            if text.cell_len <= width:
                return text
        return text

    def _form(self, *, padded: bool, label: str, tiny: tuple[str, ...] = ()) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for index, tab in enumerate(self.tabs):
            if index:
                text.append("│", style=Style(dim=True))
            active = tab.pane_id == self.active
            base = Style(bold=True, reverse=True) if active else Style()
            pad = " " if padded or active else ""
            if label == "tiny":
                shown = (tab.tiny or tab.short) if tab.pane_id in tiny else ""
            else:
                shown = tab.label if label == "label" else (tab.short or tab.label)
            text.append(f"{pad}{tab.key}", style=base + Style(dim=not active))
            if shown:
                text.append(f" {shown}", style=base)
            if tab.count is not None:
                text.append(" ", style=base)
                text.append(str(tab.count), style=base + self.palette.style(tab.tone))
            text.append(pad, style=base)
        return text
