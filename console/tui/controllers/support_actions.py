"""Support actions in the console: `e` export .eml (detail), `b` support bundle (everywhere),
`l` the log lines of a mail (detail).

Each asks in a dialog on the event loop, then reads and writes in one thread worker that
never touches a widget and posts SupportFinished; the App hands that message back here.
Both only read the database, so they work in a read-only session. An existing .eml is
never overwritten without a second, explicit confirmation (the worker finds it, the
dialog asks, a new worker writes).
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.app import SystemCommand
from textual.screen import ModalScreen

from console.backends.base import MailQueueBackend
from console.domain.errors import ConsoleError
from console.tui.controllers.action_request import Dialog
from console.tui.messages import EmlJob, SupportFinished
from console.tui.panes.aliases_pane import AliasesPane
from console.tui.panes.logs_pane import LogsPane, LogTable
from console.tui.screens.confirm_screen import ConfirmScreen
from console.tui.screens.detail_screen import DetailScreen
from console.tui.screens.export_screen import SaveChoice, SaveRequest, SaveScreen
from console.tui.screens.help_screen import HelpSection
from console.tui.screens.inbound_screen import InboundScreen
from console.tui.screens.log_record_screen import LogRecordScreen, LogRecordScroll
from console.tui.way_back import way_back_from
from console.tui.widgets.formatting import describe_error, one_line

if TYPE_CHECKING:
    from console.tui.app import MailQueueApp

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


# -- pure helpers (tested without a terminal) ----------------------------------------------
def eml_paths(target: Path, count: int) -> list[Path]:
    """`mail-7.eml` for one message; `mail-7-1.eml`, `mail-7-2.eml`… for several."""
    if count <= 1:
        return [target]
    if target.suffix.lower() == ".eml":
        return [target.with_name(f"{target.stem}-{n}.eml") for n in range(1, count + 1)]
    return [target.with_name(f"{target.name}-{n}.eml") for n in range(1, count + 1)]


def default_bundle_dir(database: str, now: datetime | None = None) -> str:
    """`./odoo-mailq-bundle-<db>-<UTC timestamp>`, safe as one folder name."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = _UNSAFE.sub("-", database).strip("-.") or "db"
    return f"./odoo-mailq-bundle-{name}-{stamp}"


class SupportHost(Protocol):
    """What screens reach through the App."""

    support: SupportActions


class SupportActions:
    """Owned by the App; every method runs on the event loop except `_write_*`."""

    def __init__(self, app: MailQueueApp) -> None:
        self.app = app
        self.bundle_running = False

    def _backend(self, title: str) -> MailQueueBackend | None:
        backend = self.app.backend
        if backend is None:
            self.app.notify("Not connected to the database yet.", title=title, severity="warning")
        return backend

    # -- e: export .eml ----------------------------------------------------------------
    def export_eml(self, mail_id: int) -> None:
        if self._backend("Export .eml") is None:
            return
        request = SaveRequest(
            title=f"Export mail {mail_id} as .eml",
            question="Write the messages Odoo would send for this mail to:",
            default=f"./mail-{mail_id}.eml",
            notes=(
                "One file per message (a message per recipient partner): several become "
                "-1.eml, -2.eml…; attachments included. Reads only.",
            ),
        )
        self.app.push_screen(SaveScreen(request), callback=partial(self._eml_chosen, mail_id))

    def _eml_chosen(self, mail_id: int, choice: SaveChoice | None) -> None:
        if choice is not None:
            self._start_eml(EmlJob(mail_id, choice.path))

    def _start_eml(self, job: EmlJob) -> None:
        backend = self._backend("Export .eml")
        if backend is None:
            return
        self.app.run_worker(
            partial(self._write_eml, backend, job),
            name="export_eml",
            group="support-eml",
            thread=True,
            exit_on_error=False,
        )

    def _write_eml(self, backend: MailQueueBackend, job: EmlJob) -> None:
        """In a thread: build the messages, refuse to overwrite unless asked, write."""
        title = f"Export mail {job.mail_id}"
        try:
            from console.services.support.eml import open_export
            from console.services.support.private_files import SymlinkRefused, write_private

            source = open_export(backend, job.mail_id)  # messages built as they are written
            if not source.count:
                raise ConsoleError(f"Mail {job.mail_id} has no recipient: nothing to export")
            paths = eml_paths(Path(job.target).expanduser(), source.count)
            links = [p for p in paths if p.is_symlink()]
            if links:  # never written through, not even after "overwrite?"
                raise SymlinkRefused(errno.ELOOP, "it is a symbolic link", str(links[0].absolute()))
            if not job.overwrite:
                existing = tuple(str(p.absolute()) for p in paths if p.exists())
                if existing:
                    self.app.post_message(
                        SupportFinished("eml", title, "", confirm=job, existing=existing)
                    )
                    return
            for path, message in zip(paths, source.messages(), strict=True):
                write_private(path, message.data, overwrite=job.overwrite)
        except FileExistsError as exc:  # appeared between the check and the write
            text = f"{exc.filename} exists: nothing overwritten"
            self.app.post_message(SupportFinished("eml", title, text, "error"))
            return
        except OSError as exc:
            text = f"Cannot write {exc.filename or job.target}: {exc.strerror or exc}"
            self.app.post_message(SupportFinished("eml", title, text, "error"))
            return
        except Exception as exc:
            self.app.post_message(SupportFinished("eml", title, describe_error(exc), "error"))
            return
        shown = paths if len(paths) <= 3 else [paths[0], paths[-1]]
        written = (" … " if len(paths) > 3 else ", ").join(str(p.absolute()) for p in shown)
        notes = "".join(f"; note: {one_line(n)}" for n in source.notes)
        count = len(paths)
        text = f"Wrote {count:,} message{'s' if count > 1 else ''}: {written}{notes}"
        self.app.post_message(SupportFinished("eml", title, text))

    # -- b: support bundle -------------------------------------------------------------
    def bundle(self) -> None:
        app = self.app
        if isinstance(app.screen, ModalScreen):  # not on top of a dialog or the help
            return
        if self.bundle_running:
            app.notify("A bundle is being written.", title="Support bundle", severity="warning")
            return
        if self._backend("Support bundle") is None:
            return
        database = app.info.name if app.info is not None else "db"
        request = SaveRequest(
            title="Support bundle",
            question="Create this folder (new, or empty) for the bundle:",
            default=default_bundle_dir(database),
            confirm_label="Write bundle",
            checkbox="mask e-mail addresses and people's names",
            notes=(
                "report.md, report.json and the newest failed mails as .eml. Passwords, "
                "tokens and keys are always removed. Reads only.",
            ),
        )
        app.push_screen(SaveScreen(request), callback=self._bundle_chosen)

    def _bundle_chosen(self, choice: SaveChoice | None) -> None:
        backend = self.app.backend if choice is not None else None
        if choice is None or backend is None:
            return
        self.bundle_running = True
        self.app.notify("Writing the support bundle…", title="Support bundle", timeout=3)
        self.app.run_worker(
            partial(self._write_bundle, backend, choice, self.app.journal_path),
            name="write_bundle",
            group="support-bundle",
            thread=True,
            exit_on_error=False,
        )

    def _write_bundle(
        self, backend: MailQueueBackend, choice: SaveChoice, journal_path: Path | None
    ) -> None:
        """In a thread: the bundle reads the database and writes the folder."""
        try:
            from console.services.journal import Journal
            from console.services.support.bundle import write_bundle

            path = write_bundle(
                backend,
                Path(choice.path).expanduser(),
                redact_addresses=choice.checked,
                tz=self.app.tz,
                journal=Journal(journal_path),
            )
            where = path.absolute()
        except Exception as exc:
            self.app.post_message(
                SupportFinished("bundle", "Support bundle", describe_error(exc), "error")
            )
            return
        masked = " (addresses and names masked)" if choice.checked else ""
        text = f"Written to {where}{masked}: start with report.md"
        self.app.post_message(SupportFinished("bundle", "Support bundle", text))

    # -- messages back from the workers --------------------------------------------------
    def finished(self, message: SupportFinished) -> None:
        if message.kind == "bundle":
            self.bundle_running = False
        job = message.confirm
        if job is not None:
            self._confirm_overwrite(job, message.existing)
            return
        timeout = 12 if message.severity == "information" else 15
        self.app.notify(
            message.text,
            title=message.title,
            severity=message.severity,
            timeout=timeout,
            markup=False,  # paths and errors are data, never markup
        )

    def _confirm_overwrite(self, job: EmlJob, existing: tuple[str, ...]) -> None:
        names = ", ".join(existing[:3]) + (
            f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        )
        dialog = Dialog(
            title="Overwrite?",
            question=f"{names} already exist{'s' if len(existing) == 1 else ''}.",
            notes=(f"Overwrite with mail {job.mail_id}? Go back keeps the files as they are.",),
            confirm_label="Overwrite",
            variant="warning",
        )

        def chosen(confirmed: bool | str | None) -> None:
            if confirmed:
                self._start_eml(replace(job, overwrite=True))

        self.app.push_screen(ConfirmScreen(dialog), callback=chosen)

    def worker_failed(self, group: str) -> None:
        if group == "support-bundle":
            self.bundle_running = False

    # -- l: the log lines of a mail ------------------------------------------------------
    def show_mail_logs(self, mail_id: int, message_id: str | None) -> None:
        way_back = way_back_from(self.app, f"mail {mail_id}")
        self.app.action_show_pane("logs")
        self.app.query_one(LogsPane).show_mail(mail_id, message_id, way_back)


def support_commands(app: MailQueueApp) -> Iterator[SystemCommand]:
    """The palette's support entries (each also has a key)."""

    def in_detail(export: bool) -> None:
        screen = app.screen
        if not isinstance(screen, DetailScreen):
            app.notify("Open a mail first (enter on a list), then ask again.", title="Mail detail")
        elif export:
            screen.action_export_eml()
        else:
            screen.action_mail_logs()

    def logs() -> LogsPane:
        app.action_show_pane("logs")
        return app.query_one(LogsPane)

    yield SystemCommand(
        "Support bundle", "Write a bundle for a ticket, no secrets (b)", app.support.bundle
    )
    yield SystemCommand(
        "Export .eml", "The mail of the detail view as .eml (e)", partial(in_detail, True)
    )
    yield SystemCommand(
        "Logs of this mail", "Odoo's log lines of the mail shown (l)", partial(in_detail, False)
    )
    yield SystemCommand(
        "Search the log", "Free text in Odoo's log (/ on Logs)", lambda: logs().action_open_search()
    )
    yield SystemCommand(
        "Follow the log",
        "New lines as Odoo writes them (f on Logs)",
        lambda: logs().action_toggle_follow(),
    )
    yield SystemCommand(
        "All log lines or mail only", "Toggle (a on Logs)", lambda: logs().action_toggle_all()
    )
    yield SystemCommand(
        "Search the log again", "New records since (R on Logs)", lambda: logs().action_reload()
    )

    def check_address() -> None:
        app.action_show_pane("aliases")
        app.query_one(AliasesPane).action_check()

    yield SystemCommand(
        "Would Odoo accept a mail to…?", "Incoming routing check (i on Aliases)", check_address
    )


def support_help_sections() -> list[HelpSection]:
    return [
        ("Logs (7): Odoo's log, newest first", [*LogTable.BINDINGS, *LogsPane.BINDINGS]),
        ("A log record (enter on Logs)", [*LogRecordScreen.BINDINGS, *LogRecordScroll.BINDINGS]),
        ("Aliases (8)", [*AliasesPane.BINDINGS]),
        ("Incoming check (i on Aliases)", [*InboundScreen.BINDINGS]),
        ("Path dialogs (e in a mail, b)", [*SaveScreen.BINDINGS]),
    ]
