"""``odoo-mailq help TOPIC``: texts kept in one copy each.

* ``keys``: rendered from the TUI's own bindings, as its ``?`` screen is;
* ``exit-codes``: from the constants the commands return;
* ``connecting`` and ``json``: the package's ``console/help/*.md``, which the README's
  sections of the same names repeat word for word (tests/cli/test_help_topics.py checks it).
"""

from __future__ import annotations

from pathlib import Path

TOPICS: dict[str, str] = {
    "connecting": "which database: --db, -c odoo.conf, $ODOO_MAILQ_DB, the API, profiles",
    "keys": "every key of the TUI, by pane",
    "json": "the keys of every --json output",
    "exit-codes": "what each exit code means",
}
HELP_FOLDER = Path(__file__).resolve().parents[1] / "help"


def topic_text(topic: str | None) -> str:
    """The topic's text; no topic: the list of topics."""
    if topic is None:
        width = max(map(len, TOPICS))
        lines = [f"  {name:<{width}}  {summary}" for name, summary in TOPICS.items()]
        return "\n".join(["Topics (odoo-mailq help TOPIC):", *lines])
    if topic == "keys":
        return _keys()
    if topic == "exit-codes":
        return exit_codes_text()
    return (HELP_FOLDER / f"{topic}.md").read_text(encoding="utf-8").rstrip("\n")


def _keys() -> str:
    from console.config.keymap import load_keymap
    from console.tui.app import MailQueueApp
    from console.tui.commands import key_sections, rebound
    from console.tui.keymap import checked_keymap
    from console.tui.screens.help_screen import help_text

    intro = (
        "The TUI's keys (`?` in the TUI shows them too; in a --read-only session the keys "
        "that write are left out), with the configuration file's [keymap] applied; in "
        "brackets, the binding id a [keymap] entry names."
    )
    sections = key_sections(MailQueueApp.COMMAND_PALETTE_BINDING)
    keymap = load_keymap()
    if keymap:
        keymap = checked_keymap(keymap)
        sections = [(title, rebound(bindings, keymap)) for title, bindings in sections]
    return f"{intro}\n\n{help_text(sections)}"


def exit_codes_text() -> str:
    """Every exit code, from the constants the commands return."""
    from console.cli.action_common import EXIT_PARTIAL
    from console.cli.exit_codes import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
    from console.cli.logs import EXIT_NOT_FOUND as NO_LOG_LINE
    from console.cli.support import EXIT_NOT_FOUND as REFUSED
    from console.cli.triage import EXIT_FINDINGS, EXIT_PROBE_FAILED
    from console.domain.health import Status

    rows = [
        (EXIT_OK, "success"),
        (EXIT_PARTIAL, "an action skipped or failed some of its targets (all of them when "
         "Odoo is busy with them)"),
        (EXIT_FINDINGS, "doctor: a check is WARNING or CRITICAL"),
        (EXIT_PROBE_FAILED, "probe: a probe is CRITICAL"),
        (NO_LOG_LINE, "logs: no line found"),
        (REFUSED, "inbound-check: Odoo would refuse the mail (or take it only from some senders)"),
        (EXIT_USAGE, "a usage, configuration or connection error (one line on stderr)"),
        (EXIT_INTERNAL, "an internal error (one line; --debug shows the traceback)"),
        (EXIT_INTERRUPTED, "interrupted (ctrl+c)"),
    ]  # fmt: skip
    lines = ["Exit codes:", *(f"  {code:>3}  {meaning}" for code, meaning in rows)]
    lines += ["", "check (a Nagios, Icinga or Zabbix plugin) keeps the plugin codes:"]
    lines += [f"  {status.value:>3}  {status.name}" for status in Status]
    return "\n".join(lines)
