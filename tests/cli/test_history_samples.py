"""`history` with the console's own samples of the queue's depth: the deepest outgoing
count per hour (null where nothing was sampled), for the database they were taken on
only; their files never hold the password of the URL."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from console.config.connection import ConnectionSettings, resolve_target
from console.domain.history import NOT_SAMPLED
from console.services.queue_samples import QueueSampler, read_samples, samples_path
from tests.helpers.cli import run_cli


def _line(at: datetime, outgoing: int, failed: int) -> str:
    stamp = at.isoformat(timespec="seconds") + "Z"
    return json.dumps({"at": stamp, "outgoing": outgoing, "failed": failed}) + "\n"


def _history(url: str, state: Path, *more: str) -> str:
    result = run_cli("history", "--db", url, "--days", "2", "--tz", "UTC", *more,
                     env={"XDG_STATE_HOME": str(state)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def test_history_shows_the_deepest_sample_per_hour_of_that_database_only(
    sample_path: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    folder = state / "odoo-mailq" / "queue-samples"
    folder.mkdir(parents=True)
    url = f"sqlite:///{sample_path}"
    other = tmp_path / "other.sqlite"
    shutil.copy(sample_path, other)
    first = json.loads(_history(url, state, "--json"))
    assert first["sampled"] is False
    assert all(h["queued"] is None and h["failed_depth"] is None for h in first["hours"])
    since = datetime.fromisoformat(first["since"].removesuffix("Z"))
    samples_path(url, folder).write_text(
        _line(since - timedelta(minutes=10), 99, 99)  # before the window: not shown
        + _line(since + timedelta(hours=3, minutes=5), 7, 1)
        + _line(since + timedelta(hours=3, minutes=50), 12, 0)
        + _line(since + timedelta(hours=3, minutes=55), 9, 4)
        + "not json\n"
        + _line(since + timedelta(hours=20, minutes=30), 0, 2)
    )
    history = json.loads(_history(url, state, "--json"))
    assert history["since"] == first["since"] and history["sampled"] is True
    queued = {h["hour"]: (h["queued"], h["failed_depth"]) for h in history["hours"]}
    hour = lambda n: (since + timedelta(hours=n)).isoformat() + "Z"  # noqa: E731
    assert {k: v for k, v in queued.items() if v != (None, None)} == {
        hour(3): (12, 4),
        hour(20): (0, 2),
    }
    assert len(queued) == 48
    text = _history(url, state).splitlines()
    assert "Queued (outgoing, sampled by the console while it ran):" in text
    assert all(len(line) <= 80 for line in text), text
    elsewhere = json.loads(_history(f"sqlite:///{other}", state, "--json"))
    assert elsewhere["sampled"] is False
    assert all(h["queued"] is None for h in elsewhere["hours"])
    assert f"Queued: {NOT_SAMPLED}." in _history(f"sqlite:///{other}", state).splitlines()


def test_the_samples_of_a_url_with_a_password_never_hold_it(tmp_path: Path) -> None:
    secret = "Sup3r-S3cret"
    settings = ConnectionSettings(db_url=f"postgresql://mailq:{secret}@db.example:5432/acme")
    shown = resolve_target(settings).display_url
    assert secret not in shown
    at = datetime(2026, 12, 5, 9, 0)
    sampler = QueueSampler(tmp_path, clock=lambda: at)
    assert sampler.record(shown, 5, 1) is True
    assert sampler.record(shown, 6, 1) is False  # within five minutes
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == [samples_path(shown, tmp_path).name]
    for file in files:
        assert secret not in file.name and secret not in file.read_text()
        assert "mailq" not in file.read_text() and "db.example" not in file.read_text()
    found = read_samples(shown, at, at + timedelta(hours=1), tmp_path)
    assert [(s.outgoing, s.failed) for s in found] == [(5, 1)]
    other = resolve_target(ConnectionSettings(db_url="postgresql://mailq@db.example/other"))
    assert read_samples(other.display_url, at, at + timedelta(hours=1), tmp_path) == []
