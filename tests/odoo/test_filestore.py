"""Where the console looks for Odoo's filestore (console.odoo.filestore)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.odoo.filestore import ENV_DATA_DIR, find_data_dir
from console.smtp.attachments import filestore_path


def test_explicit_then_environment_then_odoo_conf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    assert find_data_dir("/srv/odoo", "/etc/odoo-data", "acme").source == "--data-dir"
    monkeypatch.setenv(ENV_DATA_DIR, "/from/env")
    chosen = find_data_dir(None, "/etc/odoo-data", "acme")
    assert (chosen.path, chosen.source) == ("/from/env", f"${ENV_DATA_DIR}")
    monkeypatch.delenv(ENV_DATA_DIR)
    assert find_data_dir(None, "/etc/odoo-data", "acme").path == "/etc/odoo-data"


def test_without_a_setting_the_place_that_holds_this_databases_filestore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    default = find_data_dir(None, None, "acme")
    assert (default.path, default.source) == (str(tmp_path / "Odoo"), "Odoo's default")
    (tmp_path / "Odoo" / "filestore" / "acme").mkdir(parents=True)
    found = find_data_dir(None, None, "acme")
    assert (found.path, found.source) == (str(tmp_path / "Odoo"), "found")


def test_the_path_odoo_builds_for_a_stored_file() -> None:
    path = filestore_path("/var/lib/odoo", "acme", "d1/d12409a44d1e44a59f55c643244ebe68a88a6135")
    assert path == Path("/var/lib/odoo/filestore/acme/d1/d12409a44d1e44a59f55c643244ebe68a88a6135")
    assert filestore_path("/d", "db", "../x.y") == Path("/d/filestore/db/xy")
