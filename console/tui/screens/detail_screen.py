"""The detail of one mail: headers, failure, recipients, attachments, then the body as text."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from console.domain.models import MailDetail, ServerUse
from console.domain.pause import is_held
from console.domain.sanitize import printable_block
from console.domain.states import failure_type_label, mail_state_label, notification_status_label
from console.domain.text import html_to_text
from console.domain.timefmt import full_local, zone_name
from console.tui.controllers.action_request import ActionRequest, detail_allows, mail_example
from console.tui.messages import DetailLoaded, LoadFailed
from console.tui.panes.pane import ConsoleHost
from console.tui.widgets.cli_to_keys import in_keys
from console.tui.widgets.formatting import (
    STATE_TONES,
    Palette,
    describe_error,
    document_text,
    failure_cause,
    one_line,
    recipients_text,
)
from console.tui.widgets.header import HeaderBar
from console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from console.tui.controllers.support_actions import SupportHost

LABEL_WIDTH = 12


class DetailScroll(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="detail.down"),
        Binding("k", "scroll_up", "Up", show=False, id="detail.up"),
        Binding("g", "scroll_home", "Top", show=False, id="detail.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="detail.bottom"),
    ]


class DetailScreen(Screen[None]):
    """Opened with enter on a mail; esc goes back to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail.back", tooltip="Back to the list"),
        Binding("R", "reload", "Reload", id="detail.reload", tooltip="Read this mail again"),
        Binding(
            "r",
            "mail_action('retry')",
            "Retry",
            id="detail.retry",
            tooltip="Retry this failed or cancelled mail",
        ),
        Binding(
            "S",
            "mail_action('send')",
            "Send now",
            id="detail.send",
            tooltip="Send this mail now (irreversible)",
        ),
        Binding(
            "c",
            "mail_action('cancel')",
            "Cancel",
            id="detail.cancel",
            tooltip="Cancel this outgoing mail",
        ),
        Binding(
            "x",
            "mail_action('ignore')",
            "Ignore all",
            id="detail.ignore",
            tooltip="Ignore all: its failed notifications to canceled",
        ),
        Binding("e", "export_eml", "Export .eml", id="detail.eml", tooltip="Export as .eml"),
        Binding("l", "mail_logs", "Logs", id="detail.logs", tooltip="Its lines in Odoo's log"),
    ]

    def __init__(self, mail_id: int) -> None:
        super().__init__(classes="detail-screen")
        self.mail_id = mail_id
        self.detail: MailDetail | None = None
        self.error: str | None = None

    @property
    def host(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.host.header_state, id="header")
        yield Static(Text(f" Mail {self.mail_id} · loading…", no_wrap=True), id="detail-title")
        with DetailScroll(id="detail-scroll"):
            yield Static(id="detail-body")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        self.query_one(DetailScroll).focus()
        self.load_detail()

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mail_action":
            name = str(parameters[0]) if parameters else ""
            return self.host.can_write() and detail_allows(name, self.detail)
        return True

    def action_mail_action(self, action: str) -> None:
        detail = self.detail
        if detail is None or not detail_allows(action, detail):
            return
        self.host.request_action(
            ActionRequest(action, (self.mail_id,), mail_example(detail.mail), origin="detail")
        )

    def action_export_eml(self) -> None:
        cast("SupportHost", self.app).support.export_eml(self.mail_id)

    def reopened(self) -> DetailScreen:
        return DetailScreen(self.mail_id)

    def action_mail_logs(self) -> None:
        message_id = self.detail.message_id if self.detail is not None else None
        cast("SupportHost", self.app).support.show_mail_logs(self.mail_id, message_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self) -> None:
        backend = self.host.backend
        if backend is None:
            self.post_message(LoadFailed("detail", "not connected"))
            return
        try:
            detail = backend.mail_detail(self.mail_id)
        except Exception as exc:
            self.post_message(LoadFailed("detail", describe_error(exc)))
            return
        self.post_message(DetailLoaded(self.mail_id, detail))

    @on(DetailLoaded)
    def _on_detail_loaded(self, message: DetailLoaded) -> None:
        self.detail = message.detail
        self.refresh_bindings()  # the action keys depend on the mail's state
        title = self.query_one("#detail-title", Static)
        body = self.query_one("#detail-body", Static)
        if message.detail is None:
            title.update(Text(f" Mail {self.mail_id} · gone", no_wrap=True))
            body.update(Text("This mail no longer exists (sent and auto-deleted, or removed)."))
            return
        mail = message.detail.mail
        subject = one_line(mail.subject) or "(no subject)"
        title.update(
            Text(
                f" Mail {mail.id} · {mail_state_label(mail.state)} · {subject}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        version = self.host.info.odoo_version if self.host.info else 17
        body.update(render_detail(message.detail, self.host.tz, self.host.palette, version))

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        self.error = message.error
        self.query_one("#detail-body", Static).update(Text(f"⚠ {message.error}"))
        self.app.notify(message.error, title="Mail detail", severity="error")


def _verbatim(value: str | None) -> str:
    """Text shown as stored, minus terminal control characters (never parsed as markup)."""
    return printable_block(value or "").expandtabs(4).rstrip()


def render_detail(detail: MailDetail, tz: tzinfo, palette: Palette, odoo_version: int) -> Group:
    """Headers as a two-column grid (long values fold in their column), then the rest."""
    fields = Table.grid(padding=(0, 2))
    fields.add_column(justify="right", style=Style(bold=True), no_wrap=True, min_width=LABEL_WIDTH)
    fields.add_column(overflow="fold")
    _address_fields(fields, detail, tz)
    reason = _state_fields(fields, detail, palette)
    out = Text(end="")
    if reason:
        _section(out, "Failure reason (verbatim)")
        out.append(_verbatim(reason) + "\n", style=palette.style("error"))
    _notifications(out, detail, palette, odoo_version)
    _attachments(out, detail)
    _section(out, "Body")
    body = html_to_text(detail.body_html)
    out.append((body or "(empty)") + "\n")
    return Group(fields, out)


def _field(fields: Table, label: str, value: str | Text | None) -> None:
    shown = value if isinstance(value, Text) else Text(_verbatim(value) or "—")
    fields.add_row(Text(label), shown)


def _section(out: Text, title: str) -> None:
    out.append(f"\n{title}\n", style=Style(bold=True, underline=True))


def _address_fields(fields: Table, detail: MailDetail, tz: tzinfo) -> None:
    """Who, what and when: the headers, the server and the document."""
    mail = detail.mail
    zone = zone_name(tz)
    recipients = ", ".join(
        f"{one_line(r.name)} <{one_line(r.email)}>" if r.email else one_line(r.name)
        for r in mail.recipients
    )
    _field(fields, "From", mail.email_from)
    _field(fields, "To", mail.email_to or (recipients or recipients_text(mail)))
    if mail.email_to and recipients:
        _field(fields, "To partners", recipients)
    _field(fields, "Cc", detail.email_cc)
    _field(fields, "Reply-To", detail.reply_to)
    _field(fields, "Subject", mail.subject)
    _field(fields, "Message-Id", detail.message_id)
    _field(fields, "References", detail.references)
    if is_held(mail.scheduled_date):
        _field(fields, "Held", "HELD by the console: Odoo's queue leaves it alone (h releases it)")
    for label, moment in (
        ("Date", mail.date),
        ("Scheduled", None if is_held(mail.scheduled_date) else mail.scheduled_date),
        ("Created", detail.create_date),  # the mail row; its failure came later
        ("Failed", mail.failed_at),
    ):
        _field(fields, label, f"{full_local(moment, tz)} ({zone})" if moment else None)
    _field(fields, "Server", server_text(mail.server, detail.server_name))
    _field(fields, "Document", document_text(mail.model, mail.res_id, mail.record_name))
    if mail.mailing_id or detail.campaign_subject:
        campaign = f"{detail.campaign_subject or ''} (mailing {mail.mailing_id})".strip()
        _field(fields, "Campaign", campaign)


def server_text(server: ServerUse | None, set_on_mail: str | None) -> str:
    """The server and why that one ("Brevo relay (chosen by from_filter match on ...)")."""
    if server is None:
        return set_on_mail or "unknown"
    return f"{server.label} ({server.why})"


def _state_fields(fields: Table, detail: MailDetail, palette: Palette) -> str | None:
    """The state and, for a failure, its cause; returns the full failure reason."""
    mail = detail.mail
    state_tone = STATE_TONES.get(mail.state, "")
    _field(
        fields, "State", palette.word(f"{mail_state_label(mail.state)} ({mail.state})", state_tone)
    )
    if mail.failure_type:
        failure = f"{failure_type_label(mail.failure_type)} ({mail.failure_type})"
        _field(fields, "Failure type", failure)
    reason = detail.failure_reason_full or mail.failure_reason
    if reason or mail.failure_type:
        from console.domain.classify import KLASS_LABELS, classify_known

        classification = classify_known(reason, mail.failure_type)
        cause = Text(failure_cause(reason, mail.failure_type), style=palette.style("error"))
        _field(fields, "Cause", cause)
        _field(fields, "Class", KLASS_LABELS.get(classification.klass, classification.klass))
        _field(fields, "Means", classification.explanation)
        _field(fields, "Fix", in_keys(classification.fix))
    return reason


def _notifications(out: Text, detail: MailDetail, palette: Palette, odoo_version: int) -> None:
    _section(out, f"Recipients' notifications ({len(detail.notifications)})")
    if not detail.notifications:
        out.append("none (not a chatter notification, or already cleaned)\n", style="dim")
    for notification in detail.notifications:
        who = one_line(notification.partner_name) or f"partner {notification.partner_id}"
        email = one_line(notification.partner_email) or "no email"
        status = notification_status_label(notification.status, odoo_version)
        tone = {"exception": "error", "bounce": "error", "sent": "success"}.get(
            notification.status or "", ""
        )
        out.append(f"  {who} <{email}> · {notification.notification_type} · ")
        out.append_text(palette.word(status, tone))
        if notification.failure_type or notification.failure_reason:
            failure = failure_type_label(notification.failure_type)
            headline = one_line(notification.failure_reason)
            out.append(f" · {failure}{': ' if failure and headline else ''}{headline}")
        out.append("\n")


def _attachments(out: Text, detail: MailDetail) -> None:
    _section(out, f"Attachments ({len(detail.attachments)})")
    if not detail.attachments:
        out.append("none\n", style="dim")
    for attachment in detail.attachments:
        size = f"{attachment.file_size:,} bytes" if attachment.file_size is not None else "?"
        out.append(f"  {one_line(attachment.name)} · {attachment.mimetype or '?'} · {size}\n")
