"""The `logs` subcommand: Odoo's log, newest first, with or without a database.

`run_logs(args)` needs a database only for `--mail` (to learn the mail's Message-Id);
with `--follow` it prints the newest matching records (oldest first), then new ones as
Odoo writes them, until Ctrl-C. Exit code 0 when something matched, 1 when nothing did.

A mail that is no longer in the database (Odoo deletes sent mails with ``auto_delete``)
is looked up by its id alone, since Odoo's lines name the id: a note on stderr says so, and
when no line names it either, one line and exit code 2. On the bundled sample the log is
the sample's own (``odoo17_sample.log``, its times moved with the copy's).

Odoo logs the SMTP server's raw reply, which may echo a password: every line is masked
(`configured_mask`: the secrets of the configured database, read when one is given).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import tzinfo
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.domain.errors import ConsoleError, UsageError
from console.domain.secrets import NO_SECRETS, SecretMask

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings
    from console.services.support.logs import LogRecord

EXIT_OK = 0
EXIT_NOT_FOUND = 1
MAX_LOG_LIMIT = 100_000


def configured_mask(settings: ConnectionSettings) -> SecretMask:
    """The mask for output that does not come from the database (the log, the journal).

    With no database configured (`--db`, `-c`, `$ODOO_MAILQ_DB`), only what is a secret
    by its shape is masked. Otherwise the database is opened to read its SMTP passwords;
    if it cannot be, a note says so and the passwords of odoo.conf and the URL are masked.
    """
    from console.config.connection import ENV_DB_URL, resolve_target
    from console.odoo.secrets import target_credentials

    if not (settings.db_url or settings.odoo_config or os.environ.get(ENV_DB_URL, "").strip()):
        return NO_SECRETS
    target = resolve_target(settings)
    try:
        from console.backends.connect import open_backend

        backend = open_backend(settings)
    except ConsoleError as exc:
        print(
            f"note: cannot read the SMTP passwords to mask ({exc}); masking those of "
            "odoo.conf and the URL, and what looks like a secret",
            file=sys.stderr,
        )
        return SecretMask(target_credentials(target))
    try:
        return backend.secret_mask()
    finally:
        backend.close()


def run_logs(
    args: argparse.Namespace,
    backend: MailQueueBackend | None = None,
    *,
    tz: tzinfo | None = None,
    out: Callable[[str], None] | None = None,
    mask: SecretMask = NO_SECRETS,
    sample_log: Path | None = None,
) -> tuple[str, int]:
    """`logs` with or without a database; with --follow, prints as records arrive.

    Lines are masked with the backend's secrets when there is one, else with `mask`.
    `sample_log`: the sample's log, when no database is open and the sample is the target."""
    from console.services.support.logs import LogQuery, discover_log_files, parse_since, search_log

    if not 1 <= args.limit <= MAX_LOG_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LOG_LIMIT}")
    path = _log_path(args, backend, sample_log)
    files = discover_log_files(path)
    if not files:
        raise UsageError(f"No Odoo log at {path}")
    since = None
    if args.since:
        try:
            since = parse_since(args.since, tz=tz)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    message_id, gone = _message_id(backend, args.mail)
    query = LogQuery(
        grep=args.grep or "",
        everything=args.all,
        since=since,
        mail_id=args.mail,
        message_id=message_id,
        database=getattr(args, "log_db", None),
        mask=backend.secret_mask() if backend is not None else mask,
    )
    records = list(islice(search_log(files, query), args.limit))
    if gone:
        if not records and not args.follow:
            raise UsageError(
                f"There is no mail with id {args.mail} in the database, and no line of "
                f"{', '.join(f.name for f in files)} names it"
            )
        print(  # not an error: Odoo deletes sent mails, and the log is where they are
            f"note: mail {args.mail} is no longer in the database (Odoo deletes sent "
            "mails): its lines are matched by its id only",
            file=sys.stderr,
            flush=True,
        )
    if args.follow:
        return _follow(files[0], query, records, args, out or _print_now)
    if getattr(args, "json", False):
        return json.dumps([record_json(r) for r in records], indent=2, ensure_ascii=False), (
            EXIT_OK if records else EXIT_NOT_FOUND
        )
    return logs_text(records, files, query.everything), EXIT_OK if records else EXIT_NOT_FOUND


def _log_path(
    args: argparse.Namespace, backend: MailQueueBackend | None, sample_log: Path | None
) -> Path:
    """--log; else the log the database ships with (the sample's); else odoo.conf's
    logfile; else odoo.sh's and the Debian package's usual places."""
    from console.services.support.logs import default_log_path

    if args.log:
        return Path(args.log).expanduser()
    if getattr(args, "url", None) or (backend is not None and backend.info.over_api):
        from console.domain.errors import NotAvailable
        from console.services.support.logfiles import LOGS_OVER_API

        raise NotAvailable(LOGS_OVER_API)
    bundled = backend.bundled_log() if backend is not None else sample_log
    if bundled is not None:
        return bundled
    logfile = None
    if backend is not None and (conf := backend.odoo_conf()) is not None:
        logfile = conf.logfile
    elif getattr(args, "odoo_config", None):
        from console.config.odoo_conf import read_odoo_conf

        logfile = read_odoo_conf(args.odoo_config).logfile
    found = default_log_path(logfile)
    if found is None:
        raise UsageError(
            "No Odoo log found (odoo.conf logfile, ~/logs/odoo.log, /var/log/odoo): "
            "give --log PATH; Odoo may be logging to the journal (journalctl -u odoo)"
        )
    return found


def _message_id(backend: MailQueueBackend | None, mail_id: int | None) -> tuple[str | None, bool]:
    """(the mail's Message-Id, False), or (None, True) when the mail is no longer in the
    database: then only its id can be matched."""
    if mail_id is None or backend is None:
        return None, False
    detail = backend.mail_detail(mail_id)
    if detail is None:
        return None, True
    return detail.message_id, False


def record_json(record: LogRecord) -> dict[str, Any]:
    from console.domain.timefmt import iso_utc

    return {
        "time": iso_utc(record.when),
        "pid": record.pid,
        "level": record.level,
        "database": record.database,
        "logger": record.logger,
        "message": record.message,
        "lines": list(record.lines),
        "source": record.source,
        "omitted_lines": record.omitted_lines,
        "binary": record.binary,
    }


def logs_text(records: Sequence[LogRecord], files: Sequence[Path], everything: bool) -> str:
    if not records:
        kind = "record" if everything else "mail-related record"
        return f"No matching {kind} in {', '.join(f.name for f in files)}."
    lines: list[str] = []
    source = None
    for record in records:
        if record.source != source:
            source = record.source
            lines.append(f"==> {source} <==")
        lines.append(record.header)
        lines.extend(f"    {line}" for line in record.lines)
    lines.append("")
    lines.append(
        f"{len(records)} records, newest first; times as Odoo writes them (UTC)"
        + ("" if everything else "; --all shows every record")
    )
    return "\n".join(lines)


def _print_now(text: str) -> None:
    print(text, flush=True)


def _follow(
    path: Path,
    query: Any,
    recent: list[LogRecord],
    args: argparse.Namespace,
    out: Callable[[str], None],
) -> tuple[str, int]:
    from console.services.support.logfollow import follow_log

    for record in reversed(recent[:10]):
        out(_one(record, args))
    out(f"-- following {path} (Ctrl-C to stop) --")
    try:
        for record in follow_log(path, query, should_stop=getattr(args, "should_stop", _never)):
            out(_one(record, args))
    except KeyboardInterrupt:
        pass
    return "", EXIT_OK


def _never() -> bool:
    return False


def _one(record: LogRecord, args: argparse.Namespace) -> str:
    if getattr(args, "json", False):
        return json.dumps(record_json(record), ensure_ascii=False)
    return "\n".join([record.header, *(f"    {line}" for line in record.lines)])
