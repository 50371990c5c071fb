"""The support bundle: a folder to attach to a ticket, with nothing secret in it.

    <dir>/report.md     what a person reads first
    <dir>/report.json   the same data, for tools
    <dir>/eml/          the .eml of the newest failed mails (attachments left out; at most
                        EML_MESSAGES messages of each)

Secrets are always removed: the data never selects them, and a ``Redactor`` that knows
every secret value of the database and odoo.conf scrubs every string, header and text
part (patterns catch the ones nobody told it about). ``--redact-addresses`` also masks
e-mail addresses and people's names, the same one always with the same mask. Before a
file is written, its bytes are checked for the known secret values: a file that still
holds one is not written (the report says so).
"""

from __future__ import annotations

import json
import os
from datetime import tzinfo
from pathlib import Path
from typing import Any

from console.backends.base import MailQueueBackend
from console.domain.errors import ConsoleError, UsageError
from console.services.journal import Journal
from console.services.support import bundle_data
from console.services.support.bundle_report import render_markdown
from console.services.support.eml import open_export, serialize
from console.services.support.redact import Redactor, redact_message

EML_MAILS = 5
EML_MESSAGES = 5  # messages written per mail (a mail may have thousands of partners)


def write_bundle(
    backend: MailQueueBackend,
    directory: Path,
    *,
    redact_addresses: bool = False,
    tz: tzinfo | None = None,
    journal: Journal | None = None,
    eml_mails: int = EML_MAILS,
) -> Path:
    """Write the bundle into `directory` (created; it must be empty if it exists)."""
    from console.domain.timefmt import resolve_timezone

    zone = tz or resolve_timezone(None)
    target = _prepare(directory)
    redactor = Redactor(addresses=redact_addresses)
    redactor.add_secrets(backend.known_credentials())
    gathered = bundle_data.gather(backend, zone, journal)
    data = gathered.data
    data["redaction"] = {
        "summary": "passwords, tokens, API keys and credentials in URLs and headers removed",
        "addresses": "masked" if redact_addresses else "kept",
        "attachments": "left out of the .eml files (name, type and size kept)",
    }
    data["eml"] = _write_emls(backend, target / "eml", redactor, eml_mails, gathered.errors)
    data["errors"] = gathered.errors
    data["not_available"] = gathered.not_available
    clean: dict[str, Any] = redactor.value(data)
    as_json = redactor.text(json.dumps(clean, indent=2, ensure_ascii=False, default=str))
    _write(target / "report.json", as_json.encode("utf-8"), redactor, gathered.errors)
    report = redactor.text(render_markdown(clean))
    _write(target / "report.md", report.encode("utf-8"), redactor, gathered.errors)
    return target


def _prepare(directory: Path) -> Path:
    target = directory.expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} exists and is not an empty folder: choose a new one")
    try:
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        (target / "eml").mkdir(mode=0o700)
    except OSError as exc:
        raise UsageError(f"Cannot create {target}: {exc.strerror or exc}") from None
    return target


def _write(path: Path, data: bytes, redactor: Redactor, errors: list[str]) -> bool:
    leaks = redactor.leaks(data)
    if leaks:  # never write a known secret, whatever produced it
        errors.append(f"{path.name} withheld: a secret survived redaction")
        return False
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def _write_emls(
    backend: MailQueueBackend, folder: Path, redactor: Redactor, count: int, errors: list[str]
) -> list[dict[str, Any]]:
    written: list[dict[str, Any]] = []
    try:
        ids = bundle_data.eml_candidates(backend, count) if count > 0 else []
    except ConsoleError as exc:
        errors.append(f"eml: {exc}")
        return written
    if redactor.addresses:  # every name first: one may appear in an earlier message's body
        for mail_id in ids:
            try:
                for message in open_export(backend, mail_id).messages(EML_MESSAGES):
                    redactor.learn_people(message.message)
            except ConsoleError:
                continue  # said below, where the mail's files are written
    for mail_id in ids:
        entry: dict[str, Any] = {"mail_id": mail_id, "files": []}
        try:
            source = open_export(backend, mail_id)
            entry["messages"] = source.count
            for number, message in enumerate(source.messages(EML_MESSAGES), start=1):
                clean = redact_message(message.message, redactor)
                data = serialize(clean, [])
                suffix = f"-{number}" if source.count > 1 else ""
                name = f"mail-{mail_id}{suffix}.eml"
                if _write(folder / name, data, redactor, errors):
                    entry["files"].append(f"eml/{name}")
        except ConsoleError as exc:
            entry["note"] = str(exc)
            written.append(entry)
            continue
        if source.count > EML_MESSAGES:
            source.notes.append(f"the first {EML_MESSAGES} of {source.count:,} messages")
        entry["notes"] = list(source.notes)
        written.append(entry)
    return written
