"""`T`: throughput, the mails sent, failed and bounced per hour over the last days (from
what Odoo keeps: docs/odoo-history.md), as sparklines, and how deep the queue was (the
deepest outgoing count the console sampled each hour while it ran, blank where it did
not); under them each day's sent mails
as a bar against the daily limit (--daily-limit, or the profile's), the limit a `│` on
the bar's line. `d` changes how many days; `R` reads again."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Sparkline, Static

from console.domain.history import NOT_SAMPLED, History, depth_spark, squeeze
from console.domain.timefmt import zone_name
from console.tui.panes.pane import ConsoleHost
from console.tui.widgets.formatting import describe_error, one_line
from console.tui.widgets.header import HeaderBar
from console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend

DAY_CHOICES = (3, 7, 14, 1)
BAR_WIDTH = 40
SERIES = (("sent", "Sent"), ("failed", "Failed"), ("bounced", "Bounced"))


class HistoryRead(Message):
    def __init__(self, history: History | None, error: str = "") -> None:
        super().__init__()
        self.history = history
        self.error = error


class HistoryScreen(Screen[None]):
    DEFAULT_CSS = """
    HistoryScreen #history-title { height: 1; background: $panel; text-style: bold; }
    HistoryScreen .series-label { height: 1; padding: 0 1; }
    HistoryScreen Sparkline { height: 2; margin: 0 1; }
    HistoryScreen #spark-sent > .sparkline--max-color { color: $success; }
    HistoryScreen #spark-sent > .sparkline--min-color { color: $success 40%; }
    HistoryScreen #spark-failed > .sparkline--max-color { color: $error; }
    HistoryScreen #spark-failed > .sparkline--min-color { color: $error 40%; }
    HistoryScreen #spark-bounced > .sparkline--max-color { color: $warning; }
    HistoryScreen #spark-bounced > .sparkline--min-color { color: $warning 40%; }
    HistoryScreen #spark-queued { height: 1; margin: 0 1; color: $accent; }
    HistoryScreen #history-days { height: auto; padding: 0 1; }
    HistoryScreen #history-axis { height: 1; margin: 0 1; color: $text-muted; }
    HistoryScreen VerticalScroll { height: 1fr; scrollbar-size-vertical: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history.back", tooltip="Back"),
        Binding("T", "back", "Back", show=False, id="history.close", tooltip="Back"),
        Binding("d", "more_days", "Days", id="history.days",
                tooltip="Show 3, 7, 14 or 1 day(s)"),
        Binding("R", "reload", "Refresh", show=False, id="history.refresh",
                tooltip="Read again"),
    ]  # fmt: skip

    def __init__(self, days: int = 3) -> None:
        super().__init__()
        self.days = days

    @property
    def host(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    @property
    def daily_limit(self) -> int | None:
        limit = getattr(self.app, "daily_limit", None)
        return limit if isinstance(limit, int) and limit > 0 else None

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.host.header_state, id="header")
        yield Static(self._title("reading…"), id="history-title")
        with VerticalScroll():
            for kind, label in SERIES:
                yield Static(Text(label), id=f"label-{kind}", classes="series-label")
                yield Sparkline([], id=f"spark-{kind}")
            yield Static("", id="label-queued", classes="series-label")
            yield Static("", id="spark-queued")
            yield Static("", id="history-axis")
            yield Static("", id="history-days")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.action_reload()

    def _title(self, status: str) -> Text:
        return Text(f" Throughput · last {self.days} day(s), per hour · {status}",
                    no_wrap=True, overflow="ellipsis")  # fmt: skip

    def action_reload(self) -> None:
        backend = self.host.backend
        self.query_one("#history-title", Static).update(self._title("reading…"))
        if backend is None:
            self.post_message(HistoryRead(None, "not connected"))
        elif self.host.info is not None and self.host.info.over_api:
            from console.domain.history import HISTORY_OVER_API

            self.post_message(HistoryRead(None, HISTORY_OVER_API))
        else:
            self.read(backend, self.days)

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def read(self, backend: MailQueueBackend, days: int) -> None:
        try:
            from console.services.queue_samples import add_samples

            history = add_samples(backend.throughput(days=days), backend.info.display_url)
        except Exception as exc:
            self.post_message(HistoryRead(None, describe_error(exc)))
            return
        self.post_message(HistoryRead(history))

    @on(HistoryRead)
    def _on_read(self, message: HistoryRead) -> None:
        days = self.query_one("#history-days", Static)
        history = message.history
        if history is None:
            self.query_one("#history-title", Static).update(self._title("not shown"))
            days.update(Text(one_line(message.error)))
            return
        if len(history.hours) != self.days * 24:
            return  # the days changed meanwhile: the newer read is on its way
        totals = history.totals()
        self.query_one("#history-title", Static).update(self._title(f"{zone_name(self.host.tz)}"))
        for (kind, label), total in zip(SERIES, totals, strict=True):
            values = [getattr(h, kind) for h in history.hours]
            peak = max(values, default=0)
            self.query_one(f"#label-{kind}", Static).update(
                Text(f"{label}: {total} · busiest hour {peak}")
            )
            self.query_one(f"#spark-{kind}", Sparkline).data = [float(v) for v in values]
        days.update(day_bars(history, self.host, self.daily_limit))
        width = self.query_one("#spark-sent", Sparkline).size.width or 78
        self._show_queued(history, width)
        self.query_one("#history-axis", Static).update(axis(history, self.host.tz, width))

    def _show_queued(self, history: History, width: int) -> None:
        label = self.query_one("#label-queued", Static)
        line = self.query_one("#spark-queued", Static)
        line.display = history.sampled
        if not history.sampled:
            label.update(Text(f"Queued: {NOT_SAMPLED}"))
            return
        values = [h.queued for h in history.hours]
        deepest = max(v for v in values if v is not None)
        failed = max(h.failed_depth or 0 for h in history.hours)
        label.update(Text(f"Queued (outgoing, sampled while the console ran): deepest {deepest}"
                          f" · failed {failed}", no_wrap=True, overflow="ellipsis"))  # fmt: skip
        line.update(Text(depth_spark(squeeze(values, width), deepest)))

    def action_more_days(self) -> None:
        index = DAY_CHOICES.index(self.days) if self.days in DAY_CHOICES else -1
        self.days = DAY_CHOICES[(index + 1) % len(DAY_CHOICES)]
        self.action_reload()

    def action_back(self) -> None:
        self.dismiss()


def axis(history: History, tz: tzinfo, width: int) -> Text:
    """Under the sparklines: where each local day starts (`|` and its short name)."""
    line = [" "] * width
    count = len(history.hours)
    for index, hour in enumerate(history.hours):
        local = hour.hour.replace(tzinfo=UTC).astimezone(tz)
        if local.hour != 0:
            continue
        column = index * width // max(count, 1)
        label = "|" + local.strftime("%a %d")
        if column + len(label) <= width and all(
            c == " " for c in line[column : column + len(label)]
        ):
            line[column : column + len(label)] = list(label)
    return Text("".join(line).rstrip())


def day_bars(history: History, host: ConsoleHost, limit: int | None) -> Text:
    """Each day in the operator's zone: sent, failed, bounced, and a bar of the sent
    mails with the daily limit drawn as `│` (bars over it are cut and marked `»`)."""
    days = history.days(host.tz)
    peak = max([d.sent for d in days] + [limit or 0, 1])
    scale = BAR_WIDTH / peak
    out = Text()
    head = f"{'day':<10} {'sent':>6} {'fail':>5} {'bnc':>4}  "
    out.append(head + ("sent, │ = daily limit " + str(limit) if limit else "sent") + "\n",
               style="bold")  # fmt: skip
    mark = round(limit * scale) if limit else None
    for day in days:
        out.append(f"{day.day:%a %d %b} {day.sent:>6} {day.failed:>5} {day.bounced:>4}  ")
        length = round(day.sent * scale)
        over = limit is not None and day.sent > limit
        for column in range(BAR_WIDTH + 1):
            if mark is not None and column == mark:
                out.append("│", style="bold red" if over else "bold")
            elif column < length:
                out.append("█", style="red" if over and mark is not None and column > mark else "")
            else:
                out.append(" ")
        if over:
            out.append(" over", style="bold red")
        out.append("\n")
    out.rstrip()
    return out
