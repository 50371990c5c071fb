"""The audit journal: one JSON line per action, appended, never rewritten.

It records who did what where (OS user, SSH origin, database, Odoo version), the ids, the
states before, and the outcome, so every change can be explained and the last one undone.
Every text of an entry goes through the database's secret mask before it is written.
"""

from __future__ import annotations

import getpass
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.domain.actions import WriteOutcome
from console.domain.secrets import NO_SECRETS, SecretMask

UNDOABLE_ACTIONS = ("retry", "cancel", "ignore")


def default_journal_path() -> Path:
    from console.config import state_dir

    return state_dir() / "journal.jsonl"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def ssh_origin() -> str | None:
    """The client address of the SSH session, when there is one."""
    connection = os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT")
    if not connection:
        return None
    return connection.split()[0]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def action(self) -> str:
        return str(self.data.get("action", ""))

    @property
    def database(self) -> str:
        return str(self.data.get("database", ""))

    @property
    def previous_states(self) -> dict[int, str]:
        """Mail id -> its state before the action (both journal forms)."""
        grouped = self.data.get("previous_state_ids")
        if isinstance(grouped, dict):
            return {int(i): str(state) for state, ids in grouped.items() for i in ids}
        return {int(k): str(v) for k, v in self.data.get("previous_states", {}).items()}


def _ids_by_state(previous: dict[int, str]) -> dict[str, list[int]]:
    """{state: [ids, ascending]}."""
    states = set(previous.values())
    if len(states) == 1:  # a bulk retry of failed mails: one state, no per-id work
        return {states.pop(): sorted(previous)}
    grouped: dict[str, list[int]] = {state: [] for state in sorted(states)}
    for mail_id, state in previous.items():
        grouped[state].append(mail_id)
    for ids in grouped.values():
        ids.sort()
    return grouped


class Journal:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_journal_path()

    def record(
        self,
        outcome: WriteOutcome,
        *,
        database: str,
        odoo_version: str,
        odoo_uid: int,
        extra: dict[str, Any] | None = None,
        mask: SecretMask = NO_SECRETS,
    ) -> JournalEntry:
        seen: dict[str, str] = {}  # reasons repeat: each distinct text is masked once

        def text(value: str) -> str:
            done = seen.get(value)
            if done is None:
                done = seen[value] = mask.text(value)
            return done

        entry: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "os_user": _os_user(),
            "ssh_origin": ssh_origin(),
            "database": text(database),
            "odoo_version": odoo_version,
            "odoo_uid": odoo_uid,
            "action": outcome.action,
            "ids": list(outcome.requested),
            "applied": list(outcome.applied),
            # The states before, as {state: [ids]}: a 100,000-mail retry is one state and
            # a list of ints, which JSON writes ten times faster than an {id: state} map.
            # (Entries written before used "previous_states": {id: state}; both are read.)
            "previous_state_ids": _ids_by_state(outcome.previous),
            "previous_notifications": {str(k): v for k, v in outcome.notifications.items()},
            "skipped": {str(k): text(v) for k, v in outcome.skipped.items()},
            "failed": {str(k): text(v) for k, v in outcome.failed.items()},
            "errors": [text(e) for e in outcome.errors],
            "result": text(outcome.message()),
        }
        if extra:
            entry.update({k: mask.value(v) for k, v in extra.items()})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        # O_APPEND keeps concurrent consoles from interleaving partial lines.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        return JournalEntry(entry)

    def entries(self) -> Iterator[JournalEntry]:
        """Every readable entry, oldest first; a damaged line is skipped, not fatal."""
        if not self.path.is_file():
            return
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if isinstance(data, dict):
                    yield JournalEntry(data)

    def last_undoable(self, database: str) -> JournalEntry | None:
        """The newest retry/cancel/ignore on this database that was not undone yet."""
        mine = [entry for entry in self.entries() if entry.database == database]
        undone = {str(entry.data.get("undo_of")) for entry in mine if entry.action == "undo"}
        for entry in reversed(mine):
            if entry.action in UNDOABLE_ACTIONS and entry.data.get("applied"):
                return None if entry.id in undone else entry
        return None
