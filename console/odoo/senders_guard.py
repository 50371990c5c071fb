"""The guard that keeps the console from sending a mail an Odoo process is sending too.

Every way Odoo sends (its cron runner, a user's Send Now, ``process_email_queue()`` or
``send()`` from a script, a job worker) runs ``mail.mail._send()`` in a PostgreSQL
transaction at REPEATABLE READ: it reads the mail's state from its snapshot, hands the
message to SMTP, and only then writes the mail (16-19 defer the ORM write to the flush at
commit; see docs/odoo-sending.md). So a transaction whose snapshot was taken before the
console's claim committed still sees the mail ``outgoing`` and sends it, and the row
lock or state check of the console cannot stop it: its write comes after the send.

The guard therefore works with snapshots, not rows (PostgreSQL only):

1. **Claim only in a quiet moment.** The claim transaction (rows locked, placeholders
   written) commits only if, as its last statement, no other session of this database
   holds a snapshot (``pg_stat_activity.backend_xmin``); otherwise it is rolled back,
   which no other transaction can notice, and tried again later. A session seen active
   within ``QUIET_MS`` also counts as busy: Odoo's queue runs one short transaction per
   mail, and a claim squeezed between two of them would be taken in the instant its next
   one begins.
2. **Check after the commit.** A session that took its snapshot between that last check
   and the commit (microseconds) cannot see the claim: ``stale_sessions`` finds it
   (``backend_xmin`` not after the claim's transaction id). The mails of such a claim are
   not handed to SMTP by the console; they keep Odoo's placeholder and are reported.

Every later transaction sees the placeholder and skips the mail, as ``_send`` skips any
mail that is not ``outgoing``. Sessions of odoo-mailq itself are not counted (they never
send behind the queue cron lock the console holds).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.odoo.send_plan import QUIET_MS, Session

OWN_APPLICATION = "odoo-mailq"

_OTHERS = (
    "FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() "
    "AND (backend_type IS NULL OR backend_type = 'client backend') "
    f"AND coalesce(application_name, '') NOT LIKE '{OWN_APPLICATION}%'"
)
_COLUMNS = "pid, application_name, state, xact_start, backend_xmin IS NOT NULL AS snapshot"


def _sessions(connection: Connection, condition: str, **params: object) -> list[Session]:
    rows = connection.execute(text(f"SELECT {_COLUMNS} {_OTHERS} AND ({condition})"), params)
    return [
        Session(
            int(r.pid),
            r.application_name or "",
            r.state,
            _naive_utc(r.xact_start),
            bool(r.snapshot),
        )
        for r in rows
    ]


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def busy_sessions(connection: Connection, quiet_ms: int = QUIET_MS) -> list[Session]:
    """Other sessions that hold a snapshot, are in a transaction, or were active within
    ``quiet_ms``. Must be the transaction's first read of ``pg_stat_activity``
    (PostgreSQL keeps the first one for the rest of the transaction)."""
    return _sessions(
        connection,
        "backend_xmin IS NOT NULL OR xact_start IS NOT NULL "
        "OR state_change > clock_timestamp() - make_interval(secs => :quiet / 1000.0)",
        quiet=quiet_ms,
    )


def transaction_id(connection: Connection) -> int:
    """This transaction's id (it must have written), as the 32-bit xid snapshots use."""
    return int(connection.execute(text("SELECT txid_current() % 4294967296")).scalar_one())


def stale_sessions(connection: Connection, xid: int) -> list[Session]:
    """Other sessions whose snapshot may not see transaction ``xid`` as committed."""
    return _sessions(
        connection,
        "backend_xmin IS NOT NULL AND age(backend_xmin) >= age(CAST(CAST(:xid AS text) AS xid))",
        xid=xid,
    )
