"""Operator writes in the console: refuse or confirm on the event loop, write in a worker.

Every write takes the same path: the checks in `refused` (read-only, not connected, another
write running), a ConfirmScreen whose focused button is the harmless one, then one thread
worker that goes through `console.services.operations.Operator` (guard, one transaction, journal)
and posts ActionFinished. `ActionRunner` (action_runner.py) builds the requests on top.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker

from console.backends.base import MailQueueBackend
from console.domain.errors import NotAvailable
from console.tui.controllers.action_perform import not_applied, perform
from console.tui.controllers.action_request import READ_ONLY_REFUSAL, ActionRequest, Dialog
from console.tui.messages import ActionFinished
from console.tui.panes.mail_table import MailListPane
from console.tui.screens.blacklist_screen import BlacklistScreen
from console.tui.screens.cause_mails import CauseMailsScreen
from console.tui.screens.confirm_screen import ALL, ConfirmScreen
from console.tui.screens.detail_screen import DetailScreen
from console.tui.widgets.formatting import describe_error

if TYPE_CHECKING:  # imported in workers only: the App must not pull SQLAlchemy in
    from console.services.operations import Operator
    from console.smtp.concurrency import ConcurrencyPolicy
    from console.tui.app import MailQueueApp

OperatorFactory = Callable[[MailQueueBackend], "Operator"]


class ActionWriter:
    """One write at a time; `running` is the write in flight (None when idle)."""

    def __init__(
        self,
        app: MailQueueApp,
        operator_factory: OperatorFactory | None,
        journal_path: Path | None,
        odoo_user: str | None,
        send_policy: ConcurrencyPolicy | None = None,
    ) -> None:
        self.app = app
        self._operator_factory = operator_factory or self._default_operator
        self._journal_path = journal_path
        self._odoo_user = odoo_user
        self.send_policy = send_policy  # --concurrency / --server-concurrency for Send now
        self._operator_lock = threading.Lock()
        self._operator: tuple[MailQueueBackend, Operator] | None = None
        self.running: ActionRequest | None = None
        self.previewing = False  # a cause's mails are being counted for a dialog

    # -- may we write? -----------------------------------------------------------------
    def can_write(self) -> bool:
        return self.app.can_write()

    def refused(self) -> bool:
        """True (with a toast saying why) when no write may start now."""
        app = self.app
        if app.info is not None and app.info.read_only:
            app.notify(READ_ONLY_REFUSAL, title="READ-ONLY", severity="warning")
            return True
        if app.backend is None:
            app.notify("Not connected yet.", title="Actions", severity="warning")
            return True
        if self.running is not None:
            app.notify(
                f"{self.running.label} is still running; its result comes as a toast.",
                title="Busy",
                severity="warning",
            )
            return True
        return False

    # -- confirm, then write -----------------------------------------------------------
    def confirm(self, dialog: Dialog, request: ActionRequest) -> None:
        def decided(confirmed: bool | str | None) -> None:
            backend = self.app.backend
            chosen = alternative(request) if confirmed == ALL else request
            if not confirmed:
                self.app.notify(f"{dialog.title}: nothing done.", title=dialog.title)
            elif not self.refused() and backend is not None:
                self.running = chosen
                self.write(backend, chosen)

        self.open_dialog(dialog, decided)

    def open_dialog(self, dialog: Dialog, decided: Callable[[bool | str | None], None]) -> None:
        # Toasts sit above every screen: at 80x24 an old one would hide the dialog's buttons.
        self.app.clear_notifications()
        self.app.push_screen(ConfirmScreen(dialog), decided)

    def write(self, backend: MailQueueBackend, request: ActionRequest) -> Worker[None]:
        return self.app.run_worker(
            partial(self._write, backend, request),
            name="write_in_worker",
            group="action",
            thread=True,
            exit_on_error=False,
        )

    def _run(self, work: Callable[[], None], group: str) -> None:
        self.app.run_worker(work, group=group, exclusive=True, thread=True, exit_on_error=False)

    def _default_operator(self, backend: MailQueueBackend) -> Operator:
        """Runs in a worker: the write path (and SQLAlchemy) loads on the first action."""
        from console.services.journal import Journal
        from console.services.operations import Operator

        return Operator(backend, Journal(self._journal_path), self._odoo_user, self.send_policy)

    def operator_for(self, backend: MailQueueBackend) -> Operator:
        with self._operator_lock:
            if self._operator is None or self._operator[0] is not backend:
                self._operator = (backend, self._operator_factory(backend))
            return self._operator[1]

    def _write(self, backend: MailQueueBackend, request: ActionRequest) -> None:
        """In a thread: the Operator writes (one transaction) and journals; one message."""
        try:
            text, severity, applied = perform(self.operator_for(backend), request)
        except Exception as exc:
            error = describe_error(exc)
            if isinstance(exc, NotAvailable):  # what this connection cannot do: not an error
                self.app.post_message(ActionFinished(request, error, "warning"))
                return
            consequence = not_applied(request, exc)
            if consequence:
                error = f"{error.rstrip('.')}. {consequence}"
            if backend.replaced():  # why a write said "readonly database"
                error += " The database file was replaced under the console: R reconnects."
            self.app.post_message(ActionFinished(request, error, "error"))
            return
        self.app.post_message(ActionFinished(request, text, severity, applied))

    def finished(self, message: ActionFinished) -> None:
        app = self.app
        request = message.request
        self.running = None
        timeout = 8 if message.severity == "information" else 20
        app.notify(message.message, title=request.label, severity=message.severity, timeout=timeout)
        if message.applied and request.action in (
            "retry",
            "send",
            "cancel",
            "ignore",
            "hold",
            "release",
        ):
            for pane in app.query(MailListPane):
                pane.unselect(message.applied)
        screen = app.screen
        if isinstance(screen, DetailScreen):
            screen.load_detail()
        elif isinstance(screen, CauseMailsScreen | BlacklistScreen):
            screen.load()
        app.request_refresh(force=True)

    def confirm_quit(self) -> None:
        running = self.running
        if running is None:
            self.app.exit()
            return

        def decided(confirmed: bool | str | None) -> None:
            if confirmed:
                self.app.exit()

        dialog = Dialog(
            "Quit",
            f"{running.label} is still running. Quit anyway?",
            notes=(
                "It is not interrupted: the program ends once it has finished, and the "
                "journal records its outcome.",
            ),
            confirm_label="Quit",
            variant="warning",
        )
        self.open_dialog(dialog, decided)


def alternative(request: ActionRequest) -> ActionRequest:
    """What a dialog's second button does: Send now of the scheduled mails too, or instead
    of a Retry, the resend to the failed recipients only."""
    if request.action == "retry":
        return replace(request, action="resend-mails")
    if request.action == "pause":
        return replace(request, campaigns=True)
    return replace(request, include_scheduled=True)
