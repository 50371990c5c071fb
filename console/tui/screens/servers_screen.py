"""`O`: the outgoing mail servers as Odoo has them, in the order it tries them, with the
rule that picks each one and how many queued and failed mails go through it.

Which server a mail uses is the detail's "Server" line and the lists' Server column
(console.smtp.server_choice, the rule Send now uses); this screen is the other side: per
server, what it is and what it carries. Passwords are never read.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message

from console.tui.screens.text_screen import TextScreen
from console.tui.widgets.formatting import describe_error, one_line

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend

# How many mails of each state are named to count what each server carries: the newest
# ones (a page each), so the screen stays fast on a million mails.
SAMPLED = 1000


class ServersRead(Message):
    def __init__(
        self,
        servers: list[dict[str, object]],
        carried: dict[str, Counter[str]],
        error: str = "",
    ) -> None:
        super().__init__()
        self.servers = servers
        self.carried = carried  # state -> server label -> mails
        self.error = error


class ServersScreen(TextScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("O", "back", "Back", show=False, id="servers.back", tooltip="Back"),
    ]
    name_prefix = "servers"

    def title_text(self) -> str:
        return " Outgoing mail servers · reading…"

    def on_mount(self) -> None:
        super().on_mount()
        backend = self.host.backend
        if backend is None:
            self.post_message(ServersRead([], {}, "not connected"))
        else:
            self.read(backend)

    @work(thread=True, exclusive=True, group="servers", exit_on_error=False)
    def read(self, backend: MailQueueBackend) -> None:
        from console.backends.base import MailQuery

        try:
            servers = backend.mail_servers()
            carried: dict[str, Counter[str]] = {}
            for state in ("outgoing", "exception"):
                page = backend.mail_page(MailQuery(states=(state,), limit=SAMPLED))
                carried[state] = Counter(
                    row.server.label if row.server is not None else "?" for row in page.rows
                )
        except Exception as exc:
            self.post_message(ServersRead([], {}, describe_error(exc)))
            return
        self.post_message(ServersRead(servers, carried))

    @on(ServersRead)
    def _on_read(self, message: ServersRead) -> None:
        title = f" Outgoing mail servers · {len(message.servers)} · in Odoo's order · esc back"
        if message.error:
            title = f" Outgoing mail servers · {message.error}"
        self.show(title, render_servers(message.servers, message.carried))


def render_servers(servers: list[dict[str, object]], carried: dict[str, Counter[str]]) -> Group:
    parts: list[Table | Text] = []
    if not servers:
        parts.append(Text("No outgoing mail server: Odoo sends with odoo.conf's smtp_server."))
    for server in servers:
        name = one_line(str(server.get("name") or f"server {server.get('id')}"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style=Style(bold=True), no_wrap=True, width=10)
        grid.add_column(ratio=1)
        head = Text(f"#{server.get('id')} {name}", style=Style(bold=True))
        if not server.get("active"):
            head.append("  archived: Odoo never sends through it", style=Style(dim=True))
        parts.append(head)
        host = f"{server.get('smtp_host')}:{server.get('smtp_port')}"
        grid.add_row("host", Text(f"{host} · {server.get('smtp_encryption') or 'none'}"))
        grid.add_row("login", Text(one_line(str(server.get("smtp_user") or "—"))))
        from_filter = server.get("from_filter")
        grid.add_row(
            "from",
            Text(f"mails From {from_filter}" if from_filter else "any From (no from_filter)"),
        )
        grid.add_row("priority", Text(str(server.get("sequence"))))
        label = name
        queued = sum(n for key, n in carried.get("outgoing", Counter()).items() if key == label)
        failed = sum(n for key, n in carried.get("exception", Counter()).items() if key == label)
        grid.add_row(
            "carries",
            Text(f"{queued} outgoing, {failed} failed (of the newest {SAMPLED} of each)"),
        )
        parts.append(grid)
    others = {
        key
        for counter in carried.values()
        for key in counter
        if key not in {one_line(str(s.get("name") or "")) for s in servers}
    }
    for key in sorted(others):
        queued = carried.get("outgoing", Counter())[key]
        failed = carried.get("exception", Counter())[key]
        parts.append(Text(f"{key}: {queued} outgoing, {failed} failed", style=Style(dim=True)))
    return Group(*parts)
