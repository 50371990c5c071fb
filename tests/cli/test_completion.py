"""Shell completion through argcomplete, driven for real: the protocol a shell speaks to
the entry point (COMP_LINE/COMP_POINT/_ARGCOMPLETE in the environment, the candidates on
file descriptor 8), and the bash script `odoo-mailq completion bash` prints, sourced in a
real bash whose completion function is then called."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import ROOT, run_cli

IFS = "\013"  # argcomplete's separator between candidates


def complete(line: str) -> list[str]:
    """What the entry point offers for the word under the cursor at the end of `line`."""
    read, write = os.pipe()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_ARC", "COMP_"))}
    env.update(
        _ARGCOMPLETE="1", _ARGCOMPLETE_SHELL="bash", COMP_LINE=line, COMP_POINT=str(len(line))
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "console"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
            stdin=subprocess.DEVNULL, pass_fds=(write, 8),
            preexec_fn=lambda: os.dup2(write, 8),  # the shell's "8>&1"
        )  # fmt: skip
    finally:
        os.close(write)
    with os.fdopen(read, encoding="utf-8") as answer:
        candidates = answer.read()
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # nothing but the candidates, and only on fd 8
    return [c.strip() for c in candidates.split(IFS) if c]


def test_commands_complete() -> None:
    assert complete("odoo-mailq st") == ["status"]
    assert set(complete("odoo-mailq c")) >= {"crons", "campaigns", "cancel", "causes",
                                            "check", "completion", "cancel-campaign"}  # fmt: skip
    assert "help" in complete("odoo-mailq ")


def test_options_and_their_choices_complete() -> None:
    assert complete("odoo-mailq --read") == ["--read-only"]
    assert set(complete("odoo-mailq mails --st")) == {"--state", "--statement-timeout"}
    assert complete("odoo-mailq mails --state f") == ["failed"]
    assert "--json" in complete("odoo-mailq status --")
    assert set(complete("odoo-mailq completion ")) == {"bash", "zsh", "-h", "--help"}
    assert complete("odoo-mailq help e") == ["exit-codes"]


def test_zsh_gets_a_script_registered_with_compdef() -> None:
    done = run_cli("completion", "zsh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("#compdef odoo-mailq")
    assert "compdef _python_argcomplete odoo-mailq" in done.stdout
    assert '_ARGCOMPLETE_SHELL="zsh"' in done.stdout
    bad = run_cli("completion", "fish")
    assert bad.returncode == 2 and "invalid choice: 'fish'" in bad.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_completes_in_a_real_bash(tmp_path: Path) -> None:
    """`eval "$(odoo-mailq completion bash)"`, then bash's own completion call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "odoo-mailq"  # the repository's console, as installed
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m console "$@"\n')
    command.chmod(0o755)
    script = run_cli("completion", "bash").stdout
    (tmp_path / "odoo-mailq.bash").write_text(script)
    driver = r"""
source "$1"
complete -p odoo-mailq
ask() {  # the words typed so far, the last one under the cursor
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _python_argcomplete odoo-mailq "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "$*=>${COMPREPLY[*]}"
}
ask odoo-mailq sta
ask odoo-mailq mails --gr
ask odoo-mailq mails --state fai
ask odoo-mailq help exi
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_ARC", "COMP_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", driver, "bash", str(tmp_path / "odoo-mailq.bash")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("complete ") and lines[0].endswith(" odoo-mailq")
    assert "-F _python_argcomplete" in lines[0]
    replies = dict(line.split("=>", 1) for line in lines[1:])
    assert replies["odoo-mailq sta"].split() == ["status"]
    assert replies["odoo-mailq mails --gr"].split() == ["--grep"]
    assert replies["odoo-mailq mails --state fai"].split() == ["failed"]
    assert replies["odoo-mailq help exi"].split() == ["exit-codes"]
