"""How the console's PostgreSQL sessions are opened: timeouts, keepalives, read-only.

Shared by the SQLAlchemy engine (console.backends.sql_engine) and the driver-only status
read (console.backends.plain_status); imports no driver.
"""

from __future__ import annotations

from typing import Any

from console.config.connection import ConnectionSettings

CONNECT_TIMEOUT_S = 5
# A network cut without a reset (a VPN or NAT dropping state) would leave a query waiting
# for the OS's retransmission timeout, about 15 minutes. libpq's keepalives notice a silent
# peer after 10 + 3 x 5 s, tcp_user_timeout gives up on unacknowledged data after 30 s.
# The server gets the same settings for its side of our sessions: a console cut off while
# it holds the queue cron's lock (Send now) must not block Odoo's queue for the server's
# default two hours. All are ignored on Unix sockets, where no network can be cut.
TCP_KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}
SERVER_TCP_KEEPALIVE = (
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 "
    "-c tcp_user_timeout=30000"
)


def postgres_connect_args(settings: ConnectionSettings) -> dict[str, Any]:
    """psycopg.connect's keywords besides the target's own (they win over the URL's)."""
    options = [f"-c statement_timeout={settings.statement_timeout_ms}", SERVER_TCP_KEEPALIVE]
    if settings.read_only:
        options.append("-c default_transaction_read_only=on")
    return {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "odoo-mailq",
        "options": " ".join(options),
        **TCP_KEEPALIVE,
    }
