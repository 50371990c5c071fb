"""Errors the operator sees as one sentence, never as a traceback."""

from __future__ import annotations


class ConsoleError(Exception):
    """A problem explained in one line; the CLI prints it and exits with `exit_code`."""

    exit_code = 2


class UsageError(ConsoleError):
    """The command line or a configuration file is wrong."""


class ConnectionFailed(ConsoleError):
    """The database cannot be reached or refused us."""


class NotOdooDatabase(ConsoleError):
    """The database answers but is not an Odoo database."""


class UnsupportedOdooVersion(ConsoleError):
    """An Odoo database of a version this console does not know."""


class QueryFailed(ConsoleError):
    """A query failed after connecting (timeout, lost connection, odd data)."""


class NotAvailable(ConsoleError):
    """What this connection cannot do (e.g. a database-only view over Odoo's external
    API); the message says why."""


class ReadOnlyRefused(ConsoleError):
    """A write was attempted in a read-only session; refused before reaching the database."""


class QueueBusy(ConsoleError):
    """Odoo's queue cron holds its lock: sending now could send a mail twice."""


class QueuePaused(ConsoleError):
    """The console paused Odoo's queue: Send now refuses until it is resumed."""

    exit_code = 1


class JournalUnwritable(ConsoleError):
    """The journal cannot be appended to: the action is refused (or rolled back)."""


class CronBusy(Exception):
    """Odoo's runner holds the cron's row lock (the job is running): the write is skipped,
    as Odoo's cron form refuses it."""
