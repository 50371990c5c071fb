"""Where the console keeps its state and looks for its configuration: the XDG base
directory spec on Linux (a relative value is invalid and ignored), platformdirs' answer on
macOS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.config.paths import user_config_dir, user_state_dir
from tests.helpers.cli import ROOT, assert_one_line_error, run_cli


def _env(home: Path, **xdg: str) -> dict[str, str]:
    """A user whose home is `home`, running the repository's console from anywhere."""
    return {"HOME": str(home), "PYTHONPATH": str(ROOT), **xdg}


def _home(tmp_path: Path) -> tuple[Path, Path]:
    home, elsewhere = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    elsewhere.mkdir()
    return home, elsewhere


def test_the_sample_goes_to_the_absolute_xdg_state_home(tmp_path: Path) -> None:
    home, elsewhere = _home(tmp_path)
    state = tmp_path / "state"
    done = run_cli("status", "--json", env=_env(home, XDG_STATE_HOME=str(state)), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["database"]["name"] == "sample.sqlite"
    assert (state / "odoo-mailq" / "sample.sqlite").is_file()
    assert not (home / ".local").exists()


def test_a_relative_xdg_state_home_is_ignored_not_used_under_the_current_folder(
    tmp_path: Path,
) -> None:
    home, elsewhere = _home(tmp_path)
    env = _env(home, XDG_STATE_HOME="relative/state")
    done = run_cli("status", "--json", env=env, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert (home / ".local" / "state" / "odoo-mailq" / "sample.sqlite").is_file()
    assert list(elsewhere.iterdir()) == []  # nothing under the folder it was started from


def test_the_configuration_file_follows_xdg_config_home_and_ignores_a_relative_one(
    tmp_path: Path,
) -> None:
    home, elsewhere = _home(tmp_path)
    given = tmp_path / "conf"
    absolute = run_cli("status", "--profile", "x", env=_env(home, XDG_CONFIG_HOME=str(given)))
    assert_one_line_error(absolute, f"No configuration file {given}/odoo-mailq/config.toml")
    relative = run_cli(
        "status", "--profile", "x", env=_env(home, XDG_CONFIG_HOME="conf"),
        cwd=elsewhere,
    )  # fmt: skip
    assert_one_line_error(relative, f"No configuration file {home}/.config/odoo-mailq/config.toml")
    # The profile found at that default place is used.
    (home / ".config" / "odoo-mailq").mkdir(parents=True)
    (home / ".config" / "odoo-mailq" / "config.toml").write_text(
        f'[profiles.x]\ndb = "sqlite:///{tmp_path}/absent.sqlite"\n'
    )
    found = run_cli(
        "status", "--profile", "x", env=_env(home, XDG_CONFIG_HOME="conf"),
        cwd=elsewhere,
    )  # fmt: skip
    assert_one_line_error(found, "absent.sqlite")


def test_macos_paths_are_platformdirs_application_support(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    support = tmp_path / "Library" / "Application Support" / "odoo-mailq"
    assert user_state_dir({}, "darwin") == support
    assert user_config_dir({}, "darwin") == support
    assert user_state_dir({"XDG_STATE_HOME": "rel"}, "darwin") == support
    assert user_state_dir({"XDG_STATE_HOME": "/x/state"}, "darwin") == Path("/x/state/odoo-mailq")
    # and on Linux, without the variables (or empty, or blank): the spec's defaults
    assert user_state_dir({}, "linux") == tmp_path / ".local" / "state" / "odoo-mailq"
    assert user_config_dir({}, "linux") == tmp_path / ".config" / "odoo-mailq"
    for blank in ("", "   "):
        monkeypatch.setenv("XDG_STATE_HOME", blank)
        assert user_state_dir() == tmp_path / ".local" / "state" / "odoo-mailq"
