"""The audit journal: one JSON line per action, appended, never rewritten.

It records who did what where (OS user, SSH origin, database, Odoo version), the ids, the
states before, and the outcome, so every change can be explained and the last one undone.
Every text of an entry goes through the database's secret mask before it is written.
"""

from __future__ import annotations

import errno
import getpass
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from console.domain.actions import WriteOutcome
from console.domain.errors import JournalUnwritable
from console.domain.secrets import NO_SECRETS, SecretMask

UNDOABLE_ACTIONS = (
    "retry",
    "cancel",
    "ignore",
    "ignore-messages",
    "resend",
    "fix-address",
    "unblacklist",
    "reset-bounce",
    "pause",
    "resume",
    "hold",
    "release",
)


def default_journal_path() -> Path:
    from console.config.state import state_dir

    return state_dir() / "journal.jsonl"


# SQL timestamps as their database writes them (2026-11-27 08:00:00.123456); anything else
# found in a journal line (edited by hand, damaged) is not restored by undo.
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?$")
INTENT = "intent"  # over Odoo's API: what an action is about to write, before its first call
INTERRUPTED = "interrupted"  # an action over the API that stopped after its intent line
ROLLED_BACK = "rolled-back"  # the action of a line saying an earlier line was not applied


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


class JournalContext(TypedDict):
    """Where and as whom an action runs: the header of its journal lines."""

    database: str
    odoo_version: str
    odoo_uid: int
    mask: SecretMask


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

    @property
    def previous_writes(self) -> dict[int, tuple[int | None, str | None]] | None:
        """Mail id -> its (write_uid, write_date) before the action; None for lines written
        before the journal kept them. Values that do not look right are left out."""
        raw = self.data.get("previous_writes")
        if not isinstance(raw, dict):
            return None
        ids, uids, dates = raw.get("ids"), raw.get("write_uid"), raw.get("write_date")
        if not (isinstance(ids, list) and isinstance(uids, list) and isinstance(dates, list)):
            return None
        found: dict[int, tuple[int | None, str | None]] = {}
        for mail_id, uid, date in zip(ids, uids, dates, strict=False):
            uid_ok = uid is None or (isinstance(uid, int) and not isinstance(uid, bool))
            date_ok = date is None or (isinstance(date, str) and _TIMESTAMP.match(date))
            if isinstance(mail_id, int) and uid_ok and date_ok:
                found[mail_id] = (uid, date)
        return found

    @property
    def written(self) -> tuple[int, str] | None:
        """The (write_uid, write_date) the action wrote on the rows it changed."""
        raw = self.data.get("written")
        if not isinstance(raw, dict):
            return None
        uid, date = raw.get("write_uid"), raw.get("write_date")
        if isinstance(uid, int) and isinstance(date, str) and _TIMESTAMP.match(date):
            return uid, date
        return None


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


def _writes_columns(before: dict[int, tuple[int | None, str | None]]) -> dict[str, list[Any]]:
    """{ids, write_uid, write_date}: three parallel lists (a 100,000-mail retry writes three
    lists of plain values, not 100,000 small objects)."""
    ids = sorted(before)
    return {
        "ids": ids,
        "write_uid": [before[i][0] for i in ids],
        "write_date": [before[i][1] for i in ids],
    }


class Journal:
    """The journal file. Every action checks `check_writable()` before it touches the
    database and appends its line before its transaction commits; if the commit then
    fails, `record_rollback()` appends a line saying so, and `rolled_back_ids()` keeps
    undo and audit from taking that action as applied."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_journal_path()
        self._is_default = path is None

    def _unwritable(self, exc: OSError, consequence: str) -> JournalUnwritable:
        why = exc.strerror or str(exc)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            for parent in self.path.parents:  # /etc/passwd/x.jsonl: say which is a file
                if parent.exists() and not parent.is_dir():
                    why = f"{parent} is not a folder"
                    break
        return JournalUnwritable(
            f"Cannot write the journal {self.path}: {why}; {consequence} "
            "(choose another journal file with --journal PATH)"
        )

    def _prepare_folder(self) -> None:
        if self._is_default:
            from console.config.state import private_dir

            private_dir(self.path.parent)
        else:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _open_for_append(self) -> int:
        self._prepare_folder()
        # O_APPEND keeps concurrent consoles from interleaving partial lines; a new
        # journal is 0600 from its creation.
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def check_writable(self) -> None:
        """JournalUnwritable (one line: which file, why, what to do) unless a line could
        be appended now. An existing journal is opened for appending; a new one is not
        created yet (its folder must let us create it): no empty file is left behind."""
        try:
            self._prepare_folder()
            if self.path.exists() or self.path.is_symlink():
                os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND))
            elif not os.access(self.path.parent, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self.path))
        except OSError as exc:
            raise self._unwritable(exc, "nothing was changed") from None

    def _append(self, entry: dict[str, Any], consequence: str) -> None:
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        try:
            fd = self._open_for_append()
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError as exc:
            raise self._unwritable(exc, consequence) from None

    def _header(self, database: str, odoo_version: str, odoo_uid: int) -> dict[str, Any]:
        return {
            "id": uuid.uuid4().hex,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "os_user": _os_user(),
            "ssh_origin": ssh_origin(),
            "database": database,
            "odoo_version": odoo_version,
            "odoo_uid": odoo_uid,
        }

    def record(
        self,
        outcome: WriteOutcome,
        *,
        database: str,
        odoo_version: str,
        odoo_uid: int,
        extra: dict[str, Any] | None = None,
        consequence: str = "nothing was changed (the transaction is rolled back)",
        mask: SecretMask = NO_SECRETS,
    ) -> JournalEntry:
        """Append the action's line, every text masked (console.domain.secrets);
        JournalUnwritable says `consequence` when it cannot."""
        seen: dict[str, str] = {}  # reasons repeat: each distinct text is masked once

        def text(value: str) -> str:
            done = seen.get(value)
            if done is None:
                done = seen[value] = mask.text(value)
            return done

        entry: dict[str, Any] = {
            **self._header(text(database), odoo_version, odoo_uid),
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
        if outcome.previous_writes:  # what undo puts back besides the state
            entry["previous_writes"] = _writes_columns(outcome.previous_writes)
        if extra:
            entry.update({k: mask.value(v) for k, v in extra.items()})
        self._append(entry, consequence)
        return JournalEntry(entry)

    def _header_of(self, data: dict[str, Any]) -> dict[str, Any]:
        """A follow-up line's header: the database, version and user of the line it is about."""
        return self._header(
            str(data.get("database", "")),
            str(data.get("odoo_version", "")),
            int(data.get("odoo_uid") or 0),
        )

    def record_intent(
        self,
        planned: WriteOutcome,
        *,
        database: str,
        odoo_version: str,
        odoo_uid: int,
        mask: SecretMask = NO_SECRETS,
    ) -> JournalEntry:
        """Over Odoo's API, where each call commits on its own: the records an action is
        about to change and their states, appended before its first call (the action's
        own line follows when it ends; an ``interrupted`` line if it does not)."""
        entry: dict[str, Any] = {
            **self._header(mask.text(database), odoo_version, odoo_uid),
            "action": INTENT,
            "intended_action": planned.action,
            "ids": list(planned.requested),
            "targets": list(planned.applied),
            "previous_state_ids": _ids_by_state(planned.previous),
            "previous_notifications": {str(k): v for k, v in planned.notifications.items()},
            "result": f"about to {planned.action} {len(planned.applied)} record(s) through "
            "Odoo's API; the outcome is the next line of this action",
        }
        self._append(entry, "nothing was changed")
        return JournalEntry(entry)

    def record_interrupted(self, intent: JournalEntry, reason: str) -> JournalEntry:
        """The line saying that the action of an ``intent`` line stopped before its own
        line: Odoo may have applied the calls made before (each commits on its own)."""
        data = intent.data
        action = str(data.get("intended_action", "action"))
        line: dict[str, Any] = {
            **self._header_of(data),
            "action": INTERRUPTED,
            "interrupted": intent.id,
            "interrupted_action": action,
            "result": f"INTERRUPTED: the {action} announced at {data.get('time')} stopped "
            f"({reason}); what Odoo applied before that stays: check the records of "
            "that line in Odoo",
        }
        self._append(line, "the action stopped, and this journal could not say so")
        return JournalEntry(line)

    def record_rollback(self, entry: JournalEntry, reason: str) -> JournalEntry:
        """The line saying that `entry`'s action was journaled but its transaction did
        not commit: nothing of it was applied."""
        data = entry.data
        line: dict[str, Any] = {
            **self._header_of(data),
            "action": ROLLED_BACK,
            "rolled_back": entry.id,
            "rolled_back_action": entry.action,
            "result": f"NOT APPLIED: the {entry.action} journaled at {data.get('time')} was "
            f"rolled back ({reason})",
        }
        self._append(line, "the action was rolled back, but this journal says it applied")
        return JournalEntry(line)

    def rolled_back_ids(self, entries: list[JournalEntry] | None = None) -> set[str]:
        """The ids of the lines whose transaction was rolled back after they were written."""
        found = self.entries() if entries is None else entries
        return {str(e.data.get("rolled_back")) for e in found if e.action == ROLLED_BACK}

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
        rolled_back = self.rolled_back_ids(mine)
        applied = [entry for entry in mine if entry.id not in rolled_back]
        undone = {str(entry.data.get("undo_of")) for entry in applied if entry.action == "undo"}
        for entry in reversed(applied):
            if entry.action in UNDOABLE_ACTIONS and entry.data.get("applied"):
                return None if entry.id in undone else entry
        return None
