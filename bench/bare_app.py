"""The start-up baseline: a bare Textual app with a Header, a DataTable and a Footer.

    python -m bench.bare_app CONNINFO

Like the console it paints first, then (in a thread worker) reads the first page of
outgoing mails with one raw psycopg query and shows it. Nothing else.
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header

PAGE = """
SELECT m.id, m.state, msg.date, m.email_to, msg.subject
FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
WHERE m.state = 'outgoing' ORDER BY m.id DESC LIMIT 200
"""


class BareApp(App[None]):
    TITLE = "odoo-mailq"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self, conninfo: str) -> None:
        super().__init__()
        self.conninfo = conninfo

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "State", "When", "To", "Subject")
        self.call_after_refresh(self.load)

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        import psycopg

        with psycopg.connect(self.conninfo) as conn:
            rows = conn.execute(PAGE).fetchall()
        self.call_from_thread(self.show, rows)

    def show(self, rows: list[Any]) -> None:
        table = self.query_one(DataTable)
        for mail_id, state, date, email_to, subject in rows:
            table.add_row(str(mail_id), state, str(date)[:16], email_to or "", subject or "")


if __name__ == "__main__":
    BareApp(sys.argv[1]).run()
