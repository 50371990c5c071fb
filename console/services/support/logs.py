"""Search Odoo's log files, newest first, with flat memory (no Textual, no database).

Odoo writes ``2024-11-26 10:02:03,123 1234 ERROR dbname odoo.addons.mail.models.mail_mail:
message`` (``odoo/netsvc.py``), in UTC (``odoo/__init__.py`` sets ``TZ=UTC``); the lines
after it that do not start that way (tracebacks, multi-line messages) belong to it.

``discover_log_files`` finds ``odoo.log`` and its rotations (``.1``, ``.2.gz``,
``.2024-11-26``, ``-20241126.gz``), newest first; ``search_log`` yields matching
``LogRecord``s newest first across them (see ``console.services.support.logread`` for how files
are read backwards and gzip archives without loading them); ``follow_log`` tails the live
file across rotations. A record keeps at most ``HEAD_LINES + TAIL_LINES`` continuation
lines and every line at most ``logread.MAX_LINE`` bytes; binary or malformed lines are
shown sanitised. How records are read and shown is ``logrecord``'s part; this module
decides which records match a query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from console.domain.secrets import NO_SECRETS, SecretMask
from console.services.support.logfiles import default_log_path, discover_log_files, parse_since
from console.services.support.logrecord import (
    LogRecord,
    RawRecord,
    decode_bytes,
    note_record,
    raw_records,
    to_record,
)

__all__ = [
    "NO_LINE_ON_CONNECT",
    "LogQuery",
    "LogRecord",
    "default_log_path",
    "discover_log_files",
    "parse_since",
    "search_log",
]

SINCE_GRACE = timedelta(minutes=2)  # workers' lines can be a little out of order

MAIL_LOGGERS = (
    b"odoo.addons.mail.",
    b"odoo.addons.mass_mailing",
    b"odoo.addons.base.models.ir_mail_server",
    b"odoo.addons.fetchmail",
    b"odoo.addons.google_gmail",
    b"odoo.addons.microsoft_outlook",
    b"odoo.addons.mail_",
)
CRON_LOGGER = b"odoo.addons.base.models.ir_cron"
CRON_WORDS = (b"mail", b"email queue")
MAIL_PHRASES = (
    b"mail delivery failed",
    b"failed processing mail queue",
    b"sent batch",
    b"maildeliveryexception",
    b"smtp",
    b"mail.thread",
    b"bounce",
)


@dataclass(frozen=True, slots=True)
class LogQuery:
    grep: str = ""
    everything: bool = False  # --all: not only mail-related records
    since: datetime | None = None  # naive UTC
    mail_id: int | None = None
    message_id: str | None = None
    database: str | None = None  # only this database's records (and those without one)
    # Odoo logs the SMTP server's raw reply: every line shown goes through the mask.
    mask: SecretMask = field(default=NO_SECRETS, compare=False)


def record_matches(raw: RawRecord, query: LogQuery, id_pattern: re.Pattern[bytes] | None) -> bool:
    if query.database and raw.timed:
        match = raw.match
        if match is not None and match.group(5) not in (query.database.encode(), b"?"):
            return False
    if query.mail_id is not None or query.message_id:
        blob = raw.blob()
        found = False
        if query.message_id:
            found = query.message_id.strip().strip("<>").encode() in blob
        if not found and id_pattern is not None:
            found = id_pattern.search(blob) is not None
        if not found:
            return False
    elif not query.everything and not _mail_related(raw):
        return False
    if query.grep:
        needle = query.grep.casefold()
        if needle.isascii():
            return needle.encode() in raw.blob().lower()
        return needle in decode_bytes(raw.blob()).casefold()
    return True


_QUICK_WORDS = (b"mail", b"smtp", b"bounce", b"sent batch", b"outlook")


def _mail_related(raw: RawRecord) -> bool:
    low = raw.blob().lower()
    if not (
        b"mail" in low
        or b"smtp" in low
        or b"bounce" in low
        or b"sent batch" in low
        or b"outlook" in low
    ):
        return False
    match = raw.match
    if match is not None:
        logger = match.group(6)
        if logger.startswith(MAIL_LOGGERS):
            return True
        if logger == CRON_LOGGER:
            return any(word in low for word in CRON_WORDS)
    return any(phrase in low for phrase in MAIL_PHRASES)


def mail_id_pattern(mail_id: int) -> re.Pattern[bytes]:
    """Odoo's mail_mail log lines naming a mail.mail id (16-19)."""
    number = str(int(mail_id)).encode()
    return re.compile(
        rb"(?i)(?:\bmail with id " + number + rb"\b|\bmail \(id: " + number + rb"\)"
        rb"|mail\.mail\((?:\d+, ?)*" + number + rb"[,)])"
    )


def search_log(paths: Sequence[Path], query: LogQuery) -> Iterator[LogRecord]:
    """Matching records, newest first, across the files (given newest first)."""
    id_pattern = mail_id_pattern(query.mail_id) if query.mail_id is not None else None
    since = stop = None
    if query.since is not None:
        since = query.since.strftime("%Y-%m-%d %H:%M:%S").encode()
        stop = (query.since - SINCE_GRACE).strftime("%Y-%m-%d %H:%M:%S").encode()
    might_match = block_filter(query)
    stopped: list[bool] = []
    for path in paths:
        try:
            for raw in raw_records(path, might_match=might_match, stop=stop, stopped=stopped):
                if since is not None and raw.timed and raw.header[:19] < since:
                    continue
                if record_matches(raw, query, id_pattern):
                    yield to_record(raw, path.name, query.mask)
        except OSError as exc:
            yield note_record(f"cannot read {path}: {exc.strerror or exc}", path.name)
        if stopped:  # older files hold older records only
            return


def block_filter(query: LogQuery) -> Callable[[bytes], bool] | None:
    """A cheap test on a whole block: False when no record in it can match the query."""
    groups: list[tuple[bytes, ...]] = []
    if query.grep:
        needle = query.grep.casefold()
        if not needle.isascii():
            return None
        groups.append((needle.encode(),))
    if query.mail_id is not None or query.message_id:
        words: tuple[bytes, ...] = ()
        if query.message_id:
            words += (query.message_id.strip().strip("<>").lower().encode(),)
        if query.mail_id is not None:
            words += (b"mail",)
        groups.append(words)
    elif not query.everything:
        groups.append(_QUICK_WORDS)
    if not groups:
        return None

    def might_match(segment: bytes) -> bool:
        low = segment.lower()
        return all(any(word in low for word in words) for words in groups)

    return might_match


# Odoo's mail.mail.send() marks a whole batch failed without a log line when it cannot
# connect or log in to the SMTP server (16-19); only a refused recipient, a failed send
# and a sent mail name the mail in the log.
NO_LINE_ON_CONNECT = (
    "Odoo writes no line for a mail whose SMTP connection or login failed: its batch "
    "fails without one (the detail's reason is all there is)"
)
