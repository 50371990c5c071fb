"""Times on screen without --tz or $TZ: the machine's zone with its summer time, read from
/etc/localtime, not today's fixed offset (which puts half the year an hour off)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from console.domain.timefmt import full_local, machine_zone, resolve_timezone, zone_name

ZONEINFO = Path("/usr/share/zoneinfo")
JULY_NOON_UTC = datetime(2026, 7, 1, 12, 0)
JANUARY_NOON_UTC = datetime(2026, 1, 15, 12, 0)


@pytest.fixture
def paris_localtime(tmp_path: Path) -> Path:
    if not (ZONEINFO / "Europe" / "Paris").is_file():
        pytest.skip("no system tz database (/usr/share/zoneinfo)")
    link = tmp_path / "localtime"
    link.symlink_to(ZONEINFO / "Europe" / "Paris")
    return link


def test_the_machines_zone_keeps_its_summer_time(
    paris_localtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TZ", raising=False)
    zone = resolve_timezone(None, paris_localtime)
    assert zone_name(zone) == "Europe/Paris"
    assert full_local(JULY_NOON_UTC, zone) == "2026-07-01 14:00:00 CEST"
    assert full_local(JANUARY_NOON_UTC, zone) == "2026-01-15 13:00:00 CET"


def test_a_copied_zone_file_is_read_with_its_rules(tmp_path: Path) -> None:
    if not (ZONEINFO / "Europe" / "Paris").is_file():
        pytest.skip("no system tz database (/usr/share/zoneinfo)")
    copy = tmp_path / "localtime"  # some systems copy the file instead of linking it
    copy.write_bytes((ZONEINFO / "Europe" / "Paris").read_bytes())
    zone = machine_zone(copy)
    assert full_local(JULY_NOON_UTC, zone) == "2026-07-01 14:00:00 CEST"


def test_no_zone_file_falls_back_to_the_local_offset(tmp_path: Path) -> None:
    zone = machine_zone(tmp_path / "missing")
    assert zone.utcoffset(datetime.now()) is not None
