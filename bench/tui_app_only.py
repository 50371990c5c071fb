"""The console's App started directly, without the CLI in front of it.

    python -m bench.tui_app_only URL

Same App and connect function as ``odoo-mailq --db URL``, minus the command-line path
(argument parsing, ``console.config.connection`` and what it imports before the screen opens), to
show how much of the start-up is spent before the App exists.
"""

from __future__ import annotations

import sys
from datetime import UTC
from typing import Any

from console.tui.app import MailQueueApp


def main(url: str) -> None:
    def connect() -> Any:
        from console.backends.sql import open_backend
        from console.config.connection import ConnectionSettings

        return open_backend(ConnectionSettings(db_url=url))

    MailQueueApp(connect, tz=UTC).run()


if __name__ == "__main__":
    main(sys.argv[1])
