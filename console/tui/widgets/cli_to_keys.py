"""Advice written for the shell (`odoo-mailq trigger`), said in the console's keys.

The health checks and the classifier write their fixes once, for every surface; the CLI
prints them as they are, and the TUI names the key that does the same thing instead of
a command the operator would have to leave the console to type.
"""

from __future__ import annotations

import re

# The CLI command (its first word) -> the key and where it works.
COMMAND_KEYS: dict[str, str] = {
    "trigger": "key t on the cron, pane 4",
    "send": "key S on the Outgoing list, pane 1",
    "retry": "key r on the cause, pane 3",
    "causes": "pane 3, Causes",
    "bounces": "pane 0, Bounces",
    "envelopes": "pane 9, Envelopes",
    "ignore": "key x on the envelope, pane 9",
    "cancel-campaign": "key c on the campaign, pane 5",
    "campaigns": "pane 5, Campaigns",
    "crons": "pane 4, Crons",
    "probe": "key P on the Health pane",
    "logs": "pane 7, Logs",
    "aliases": "pane 8, Aliases",
}
# `odoo-mailq CMD ...` in backquotes (with a `--flag` alternative after a slash), bare in
# parentheses "(odoo-mailq probe)", or the command alone in backquotes: `crons`.
_NAMED = re.compile(
    r"`odoo-mailq ([a-z-]+)[^`]*`(?: / `[^`]*`)?|\(odoo-mailq ([a-z-]+)\)|`([a-z-]+)`"
)


def in_keys(advice: str) -> str:
    """`advice` with each console command it names replaced by its key, when it has one."""

    def key_for(match: re.Match[str]) -> str:
        quoted, bare, alone = match.groups()
        key = COMMAND_KEYS.get(quoted or bare or alone or "")
        if key is None:
            return match.group(0)
        return f"({key})" if bare else key

    return _NAMED.sub(key_for, advice)
