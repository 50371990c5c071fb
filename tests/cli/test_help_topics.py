"""`odoo-mailq help TOPIC`: each text has one source (the TUI's bindings, the exit-code
constants, console/help/*.md that the README repeats word for word)."""

from __future__ import annotations

import re
from pathlib import Path

from console.tui.pane_set import PANES
from tests.helpers.cli import ROOT, assert_one_line_error, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def help_of(*topic: str) -> str:
    done = run_cli("help", *topic)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_help_alone_lists_the_topics() -> None:
    listed = re.findall(r"^  ([a-z-]+)  ", help_of(), re.MULTILINE)
    assert listed == ["connecting", "keys", "json", "exit-codes"]
    for topic in listed:
        assert help_of(topic).strip()


def test_an_unknown_topic_is_one_line_and_exit_2() -> None:
    line = assert_one_line_error(run_cli("help", "nope"), "invalid choice: 'nope'")
    assert "exit-codes" in line


def test_keys_come_from_the_tuis_bindings() -> None:
    text = help_of("keys")
    for key, pane_id, label, _short, _tiny in PANES:
        line = rf"^  {re.escape(key)}\s+{re.escape(label)} pane \[pane\.{pane_id}\]$"
        assert re.search(line, text, re.MULTILINE)
    assert re.search(r"^  R\s+Refresh now \(or reconnect\) \[refresh\.now\]$", text, re.M)
    assert re.search(r"^  q\s+Quit \[quit\]$", text, re.MULTILINE)
    assert "Confirmation dialogs" in text  # every section of `?`, the writing ones too


def test_keys_show_the_configuration_files_keymap(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"pane.failed" = "f2"\n')
    result = run_cli("help", "keys", env={"ODOO_MAILQ_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    assert re.search(r"^  f2\s+Failed pane \[pane\.failed\]$", result.stdout, re.MULTILINE)


def test_exit_codes_are_the_ones_the_commands_return() -> None:
    text = help_of("exit-codes")
    listed = re.findall(r"^ +(\d+)  (.+)$", text, re.MULTILINE)

    def code_of(fragment: str) -> int:
        [code] = [int(code) for code, meaning in listed if fragment in meaning]
        return code

    # What real runs return is what the topic lists for them.
    assert run_cli("mails", "--limit", "x").returncode == code_of("usage")
    assert run_cli("--db", "sqlite:////nowhere/x.sqlite", "status").returncode == code_of(
        "connection error"
    )
    assert run_cli("doctor").returncode == code_of("doctor:")  # the sample has findings
    assert run_cli("status").returncode == code_of("success")
    check = run_cli("check")
    assert (str(check.returncode), check.stdout.split()[1]) in listed  # 2, CRITICAL
    from console.cli.exit_codes import EXIT_INTERNAL, EXIT_INTERRUPTED

    assert code_of("internal error") == EXIT_INTERNAL
    assert code_of("interrupted") == EXIT_INTERRUPTED
    for name, value in (("OK", 0), ("WARNING", 1), ("CRITICAL", 2), ("UNKNOWN", 3)):
        assert (str(value), name) in listed


def test_the_readme_repeats_the_json_and_connecting_topics_word_for_word() -> None:
    for topic in ("json", "connecting"):
        text = help_of(topic).rstrip("\n")
        assert len(text.splitlines()) > 10
        assert text in README, f"README.md differs from console/help/{topic}.md"
    assert "`status`: `odoo_version` (int)" in help_of("json")
