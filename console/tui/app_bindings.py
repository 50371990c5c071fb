"""The App's own keys, in one place: panes, refresh, help, palette, bundle, quit.

The panes and screens declare their keys next to their actions; `commands.py` gathers
them all for the help and the command palette.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from console.tui.pane_set import PANES

APP_BINDINGS: list[BindingType] = [
    *(
        Binding(key, f"show_pane('{pane_id}')", f"{label} pane", show=False, id=f"pane.{pane_id}")
        for key, pane_id, label, _short, _tiny in PANES
    ),
    Binding("R", "refresh_now", "Refresh", id="refresh.now", tooltip="Refresh now (or reconnect)"),
    Binding(
        "p",
        "toggle_pause",
        "Pause",
        show=False,  # the header says "paused"; the footer keeps room for the actions
        id="refresh.pause",
        tooltip="Pause or resume auto refresh",
    ),
    Binding(
        "W",
        "queue_pause",
        "Pause queue",
        show=False,
        id="queue.pause",
        tooltip="Pause or resume Odoo's queue (its Email Queue Manager cron), with confirmation",
    ),
    Binding(
        "m",
        "messages",
        "Messages",
        show=False,
        id="messages",
        tooltip="Every message shown this session, whole (toasts go, and long ones are cut)",
    ),
    Binding(
        "O",
        "servers",
        "Servers",
        show=False,
        id="servers",
        tooltip="The outgoing mail servers in Odoo's order: the rule that picks each one, "
        "what each carries",
    ),
    Binding(
        "J",
        "journal",
        "Journal",
        show=False,
        id="journal",
        tooltip="The console's journal for this database: every action, by whom, newest first",
    ),
    Binding(
        "Q",
        "queue_shape",
        "Queue shape",
        show=False,
        id="shape",
        tooltip="The queue by recipient domain, server, model or cause against age (qshape)",
    ),
    Binding(
        "T",
        "throughput",
        "Throughput",
        show=False,
        id="throughput",
        tooltip="Mails sent, failed and bounced per hour, days against the daily limit",
    ),
    # Shown by KeyFooter at the footer's right end, on every screen.
    Binding("question_mark", "help", "Help", show=False, id="help", tooltip="This help"),
    Binding(
        "colon",
        "command_palette",
        "Commands",
        show=False,
        id="palette",
        tooltip="Command palette: every action by name",
    ),
    # Textual adds ctrl+p only when no binding runs the palette: `:` above hid it.
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        show=False,
        priority=True,
        id="palette",
        tooltip="Command palette: every action by name",
    ),
    Binding(
        "b",
        "support_bundle",
        "Bundle",
        show=False,
        id="support.bundle",
        tooltip="Support bundle for a ticket (no secrets; reads only)",
    ),
    Binding(
        "B",
        "blacklist",
        "Blacklist",
        show=False,
        id="blacklist",
        tooltip="Odoo's e-mail blacklist: search it, remove an address with a reason",
    ),
    Binding("q", "quit", "Quit", show=False, id="quit"),
    Binding(
        "escape",
        "back_to_fleet",
        "Fleet",
        show=False,
        id="fleet.back",
        tooltip="Back to the list of the server's databases (when opened from it)",
    ),
]

# The action keys, for where no pane or screen takes them: instead of doing nothing,
# they say where they work (the pane's own binding wins wherever the key means something).
ELSEWHERE_KEYS = {"r": "retry", "S": "send", "c": "cancel", "x": "ignore", "u": "undo",
                  "t": "trigger", "i": "set-interval"}  # fmt: skip
ELSEWHERE_BINDINGS: list[BindingType] = [
    Binding(
        key,
        f"elsewhere('{action}')",
        f"Where {key} works",
        show=False,
        id=f"elsewhere.{action}",
        tooltip=f"Off the panes that take {key}: says where it works",
    )
    for key, action in ELSEWHERE_KEYS.items()
]
