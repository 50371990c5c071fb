"""What the App owns and offers the panes (ConsoleHost): its state and the requests.

Requests go to the object that owns their state: the refresher, the action runner and
the support tools, the last two built on first use (they are not needed for the first
frame). `MailQueueApp` (app.py) lays out the screen on top of this.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import App
from textual.notifications import Notify, SeverityLevel
from textual.worker import Worker

from console.domain.timefmt import zone_name
from console.tui.controllers.refresher import Refresher
from console.tui.widgets.formatting import Palette
from console.tui.widgets.header import HeaderState
from console.tui.widgets.message_log import (
    MESSAGES_KEPT,
    TOAST_CHARS,
    TOASTS_SHOWN,
    ShownMessage,
)

if TYPE_CHECKING:
    from console.backends.base import MailQuery, MailQueueBackend
    from console.domain.causes import CauseGroup
    from console.domain.models import CampaignRow, CronRow, DatabaseInfo, QueueStatus
    from console.smtp.concurrency import ConcurrencyPolicy
    from console.tui.app import MailQueueApp
    from console.tui.controllers.action_request import ActionRequest
    from console.tui.controllers.action_runner import ActionRunner
    from console.tui.controllers.action_writer import OperatorFactory
    from console.tui.controllers.support_actions import SupportActions


# A worker's CPU-bound loop waits while keys arrive closer than this (yield_to_input)...
INPUT_QUIET_S = 0.3
INPUT_STEP_S = 0.01
INPUT_BACKOFF_S = 1.0  # ...but never longer than this at one pause


class HostApp(App[None]):
    """The App's state, and the requests of the panes and screens, each to its owner."""

    def __init__(
        self,
        connect: Callable[[], MailQueueBackend],
        *,
        tz: tzinfo,
        refresh_seconds: float = 5.0,
        title_hint: str = "",
        operator_factory: OperatorFactory | None = None,
        journal_path: Path | None = None,
        odoo_user: str | None = None,
        daily_limit: int | None = None,
        log_path: Path | None = None,
        send_policy: ConcurrencyPolicy | None = None,
        keymap: Mapping[str, str] | None = None,
        from_fleet: bool = False,
    ) -> None:
        super().__init__()
        self.keymap = dict(keymap or {})  # the configuration file's, checked (tui.keymap)
        if self.keymap:
            self.set_keymap(self.keymap)
        # Opened from the fleet screen: esc on the main screen goes back to it (the CLI
        # reopens the fleet when this App ends with went_back set).
        self.from_fleet = from_fleet
        self.went_back = False
        self._connect = connect
        self.tz = tz
        self.daily_limit = daily_limit  # for the health checks' daily volume (None: skip)
        self.journal_path = journal_path
        self.log_path = log_path  # --log; None: odoo.conf's logfile, else ~/logs/odoo.log
        self.backend: MailQueueBackend | None = None
        self.info: DatabaseInfo | None = None
        self.status: QueueStatus | None = None
        self.palette = Palette.from_variables(self.get_css_variables())
        paused = refresh_seconds <= 0
        # 0 (or less) means no auto refresh: start paused; `p` then polls every 5 s.
        self.refresher = Refresher(
            self.whole, refresh_seconds if refresh_seconds > 0 else 5.0, paused
        )
        self._operator_factory = operator_factory
        self._odoo_user = odoo_user
        self._send_policy = send_policy
        self._actions: ActionRunner | None = None  # built on first use (not for the 1st frame)
        self._support: SupportActions | None = None
        self.shown_messages: deque[ShownMessage] = deque(maxlen=MESSAGES_KEPT)
        self.header_state = HeaderState(tz_name=zone_name(tz), title_hint=title_hint, paused=paused)
        self.connecting = False
        self.fatal_error: str | None = None  # set when the first connection fails
        # Set once the panes after the first are mounted; what needs them waits for it.
        self.panes_mounted = asyncio.Event()
        self.last_input = 0.0  # time.monotonic() of the operator's last key or click

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown) and not event.is_forwarded:
            self.last_input = time.monotonic()
        await super().on_event(event)

    def yield_to_input(self) -> None:
        """Called from a worker thread between small batches of CPU-bound work: hands the
        GIL to the event loop at once, and holds back while the operator is typing, so a
        key is drawn before the background work goes on (at most INPUT_BACKOFF_S)."""
        waited = 0.0
        while time.monotonic() - self.last_input < INPUT_QUIET_S and waited < INPUT_BACKOFF_S:
            time.sleep(INPUT_STEP_S)
            waited += INPUT_STEP_S
        time.sleep(0)  # releases the GIL: a thread waiting for it runs now

    @property
    def whole(self) -> MailQueueApp:
        """This App as its owners see it: only MailQueueApp, the last layer, is ever built."""
        return cast("MailQueueApp", self)

    # -- what tests and panes read ---------------------------------------------------------
    @property
    def actions(self) -> ActionRunner:
        """The operator actions: confirm, write in a worker, toast the outcome."""
        if self._actions is None:
            from console.tui.controllers.action_runner import ActionRunner

            self._actions = ActionRunner(
                self.whole,
                self._operator_factory,
                self.journal_path,
                self._odoo_user,
                self._send_policy,
            )
        return self._actions

    @property
    def support(self) -> SupportActions:
        """e, b, l: .eml export, support bundle, a mail's log lines."""
        if self._support is None:
            from console.tui.controllers.support_actions import SupportActions

            self._support = SupportActions(self.whole)
        return self._support

    @property
    def refresh_count(self) -> int:
        return self.refresher.count

    @property
    def paused(self) -> bool:
        return self.refresher.paused

    @property
    def action_running(self) -> ActionRequest | None:
        return self._actions.running if self._actions is not None else None

    @action_running.setter
    def action_running(self, request: ActionRequest | None) -> None:
        self.actions.running = request

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose text is never parsed as markup, whatever `markup` says.

        Toasts carry database text (cron and campaign names, subjects, failure reasons)
        and error messages: a cron named `[@click=app.quit]` must read as that, not become
        a link that quits. (Titles are never markup in Textual.)
        """
        self.shown_messages.append(ShownMessage(datetime.now(UTC), title, message, severity))
        if len(message) > TOAST_CHARS:  # the whole text stays in `m`, the history
            message = message[: TOAST_CHARS - 1].rstrip() + "… (m: all of it)"
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_notify(self, _event: Notify) -> None:
        # Once Textual has added this toast (its own handler may run after this one).
        self.call_later(self._prune_toasts)

    def _prune_toasts(self) -> None:
        """The newest few toasts stay, they do not pile up over the list (`m` keeps them
        all). Textual keeps them in a private collection, removed through its method."""
        shown = list(getattr(self, "_notifications", ()))
        for older in shown[: max(0, len(shown) - TOASTS_SHOWN)]:
            self._unnotify(older)

    # -- what panes and screens ask (ConsoleHost and its extensions) ---------------------
    def request_refresh(self, force: bool = False, counts: bool = True) -> None:
        """Refresh now; `counts=False`: the pane's data alone if the counts are recent."""
        self.refresher.request(force, counts)

    def can_write(self) -> bool:
        """Connected and not read-only (asked for every footer key: no imports here)."""
        return self.backend is not None and self.info is not None and not self.info.read_only

    def request_action(self, request: ActionRequest) -> None:
        self.actions.request_action(request)

    def request_trigger(self, cron: CronRow) -> None:
        self.actions.request_trigger(cron)

    def request_undo(self, origin: str) -> None:
        self.actions.request_undo(origin)

    def request_cause_action(self, action: str, group: CauseGroup) -> None:
        self.actions.request_cause(action, group)

    def request_cancel_campaign(self, campaign: CampaignRow) -> None:
        self.actions.request_cancel_campaign(campaign)

    def request_interval(self, cron: CronRow) -> None:
        self.actions.request_interval(cron)

    def select_matching(self, pane_id: str, query: MailQuery, generation: int) -> None:
        self.actions.select_matching(pane_id, query, generation)

    def write_in_worker(self, backend: MailQueueBackend, request: ActionRequest) -> Worker[None]:
        return self.actions.write(backend, request)

    def open_detail(self, mail_id: int) -> None:
        from console.tui.screens.detail_screen import DetailScreen

        shown = self.screen
        if isinstance(shown, DetailScreen) and shown.mail_id == mail_id:
            return  # a repeated enter: one detail, one esc back
        self.push_screen(DetailScreen(mail_id))

    def open_cause_mails(self, group: CauseGroup) -> None:
        from console.tui.screens.cause_mails import CauseMailsScreen

        self.push_screen(CauseMailsScreen(group))
