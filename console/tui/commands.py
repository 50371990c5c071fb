"""What `?` lists and what the command palette offers, built from the bindings themselves.

In a read-only session the keys that write are left out of the help; the palette still
names them, and asking for one says why it is refused (the same checks as its key).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding, BindingType

from console.tui.app_bindings import APP_BINDINGS
from console.tui.controllers.action_request import KEYS, WRITE_ACTIONS
from console.tui.controllers.support_actions import support_commands, support_help_sections
from console.tui.pane_set import PANES
from console.tui.panes.campaigns_pane import CampaignsPane
from console.tui.panes.causes_pane import CausesPane, CauseTable
from console.tui.panes.crons_pane import CronsPane
from console.tui.panes.health_pane import HealthChecks, HealthPane
from console.tui.panes.mail_table import MailListPane
from console.tui.screens.cause_mails import CauseMailsScreen
from console.tui.screens.confirm_screen import ConfirmScreen, IntervalScreen
from console.tui.screens.detail_screen import DetailScreen, DetailScroll
from console.tui.screens.help_screen import HelpSection
from console.tui.widgets.tables import MailTable

if TYPE_CHECKING:
    from console.tui.app import MailQueueApp


PALETTE_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("retry", "Retry", "Failed mails (or a whole cause) back to Outgoing, for Odoo's queue"),
    ("send", "Send now", "Send outgoing mails through SMTP now; irreversible"),
    ("cancel", "Cancel mails", "Outgoing mails to Cancelled; Odoo will not send them"),
    ("ignore", "Ignore all", "Failed notifications of failed mails (or a cause) to canceled"),
    ("undo", "Undo", "Revert the last retry, cancel or ignore on this database"),
    ("trigger", "Run cron now", "Ask Odoo to run the cron under the cursor now"),
    ("set-interval", "Set cron interval", "How often the cron under the cursor runs"),
    ("cancel-campaign", "Cancel campaign", "The queued campaign under the cursor back to Draft"),
)


def help_sections(app: MailQueueApp) -> list[HelpSection]:
    sections = key_sections(app.COMMAND_PALETTE_BINDING)
    if not app.from_fleet:  # esc back to the fleet only when the console was opened from it
        title, everywhere = sections[0]
        sections[0] = (title, [b for b in everywhere if getattr(b, "id", None) != "fleet.back"])
    if app.keymap:
        sections = [(title, rebound(bindings, app.keymap)) for title, bindings in sections]
    if app.can_write():
        return sections
    # Read-only (or not connected yet): the keys that write are not offered at all.
    sections[1] = ("Outgoing and Failed lists", sections[1][1])
    return [
        (title, kept)
        for title, bindings in sections
        if not title.startswith(("Confirmation", "Interval"))
        and (kept := _without_writes(bindings))
    ]


def key_sections(palette_key: str) -> list[HelpSection]:
    """Every key of a session that can write, by where it works (`?` and `help keys`)."""
    palette_binding = Binding(
        palette_key,
        "command_palette",
        "Commands",
        id="palette",
        tooltip="Command palette: every action by name",
    )
    movement = [
        Binding("up", "", "Up", id="nav.up"),
        Binding("down", "", "Down", id="nav.down"),
        Binding("pageup", "", "Page up", id="nav.pageup"),
        Binding("pagedown", "", "Page down", id="nav.pagedown"),
    ]
    return [
        ("Everywhere", [*APP_BINDINGS, palette_binding]),
        (
            "Outgoing and Failed lists (r/x: Failed; S/c: Outgoing)",
            [*MailTable.BINDINGS, *movement, *MailListPane.BINDINGS],
        ),
        ("Mail detail", [*DetailScreen.BINDINGS, *DetailScroll.BINDINGS]),
        (
            "Causes (3) and the mails of a cause",
            [*CauseTable.BINDINGS, *CausesPane.BINDINGS, CauseMailsScreen.BINDINGS[0]],
        ),
        ("Crons (4) and a cron's detail (enter)", [*CronsPane.BINDINGS]),
        ("Campaigns (5)", [*CampaignsPane.BINDINGS]),
        ("Health (6)", [*HealthPane.BINDINGS, *HealthChecks.BINDINGS]),
        *support_help_sections(),
        ("Confirmation dialogs (every write asks first)", [*ConfirmScreen.BINDINGS]),
        ("Interval dialog (i on Crons)", [*IntervalScreen.BINDINGS]),
        ("Queue shape (Q) and throughput (T)", _chart_bindings()),
    ]


def _chart_bindings() -> list[BindingType]:
    from console.tui.screens.history_screen import HistoryScreen
    from console.tui.screens.shape_screen import ShapeScreen

    return [*ShapeScreen.BINDINGS[2:], *HistoryScreen.BINDINGS[2:]]


def rebound(bindings: Sequence[BindingType], keymap: dict[str, str]) -> list[Binding]:
    """The bindings with the keys the key map gives them, as Textual applies it."""
    result: list[Binding] = []
    for binding in Binding.make_bindings(bindings):
        keys = keymap.get(binding.id or "")
        if keys is None:
            result.append(binding)
        else:
            result.extend(binding.with_key(key, key_display=None) for key in keys.split(","))
    return result


def system_commands(app: MailQueueApp) -> Iterator[SystemCommand]:
    for key, pane_id, label, _short, _tiny in PANES:
        yield SystemCommand(
            f"Show {label}",
            f"Switch to the {label} pane (key {key})",
            lambda pane_id=pane_id: app.action_show_pane(pane_id),
        )
    yield SystemCommand(
        "Refresh now", "Reload counts, causes, health and the pane (R)", app.action_refresh_now
    )
    if app.from_fleet:
        yield SystemCommand(
            "Back to the fleet",
            "The list of the server's databases, read afresh (esc on the main screen)",
            app.action_back_to_fleet,
        )
    yield SystemCommand(
        "Pause or resume auto refresh", "Toggle polling (p)", app.action_toggle_pause
    )
    yield SystemCommand("Filter the list", "Filter mails in SQL (/)", lambda: _on_list(app, "/"))
    yield SystemCommand("Keys", "Every key binding (?)", app.action_help)
    yield SystemCommand(
        "Blacklist",
        "Odoo's e-mail blacklist: search, remove an address with a reason (B)",
        app.action_blacklist,
    )
    yield SystemCommand(
        "Messages", "Every message shown this session, whole (m)", app.action_messages
    )
    yield SystemCommand(
        "Journal", "The console's actions on this database, by whom (J)", app.action_journal
    )
    yield SystemCommand(
        "Outgoing servers",
        "The mail servers in Odoo's order, the From each is chosen for (O)",
        app.action_servers,
    )
    for action, title, help_text in PALETTE_ACTIONS:
        yield SystemCommand(
            title,
            f"{help_text} ({KEYS[action]}; confirms)",
            lambda action=action: app.actions.palette_action(action),
        )
    yield SystemCommand(
        "Probe SMTP servers",
        "Live SMTP probe of every outgoing server, on the Health pane (P)",
        lambda: _probe(app),
    )
    yield SystemCommand(
        "Send a test mail",
        "A real mail through the server Odoo would choose, the SMTP dialogue shown (M)",
        lambda: _test_mail(app),
    )
    yield SystemCommand(
        "Select every mail matching the filter",
        "All pages of the Outgoing or Failed list (*)",
        lambda: _on_list(app, "*"),
    )
    yield SystemCommand("Unselect all", "Clear the selection (U)", lambda: _on_list(app, "U"))
    yield from support_commands(app)


def _probe(app: MailQueueApp) -> None:
    app.action_show_pane("health")
    app.query_one(HealthPane).action_probe()


def _test_mail(app: MailQueueApp) -> None:
    app.action_show_pane("health")
    app.query_one(HealthPane).action_test_mail()


def _on_list(app: MailQueueApp, key: str) -> None:
    """A mail list's key by name: filter, select all or unselect all, where it applies."""
    pane = app.visible_pane()
    if not isinstance(pane, MailListPane):
        return
    if key == "/":
        pane.action_open_filter()
    elif key == "*":
        pane.action_select_matching()
    else:
        pane.action_clear_selection()


def _write_action(action: str) -> bool:
    name = action.split("(", 1)[0].rsplit(".", 1)[-1]
    if name == "mail_action":
        return True
    return name in WRITE_ACTIONS


def _without_writes(bindings: Sequence[BindingType]) -> list[BindingType]:
    return [b for b in Binding.make_bindings(bindings) if not _write_action(b.action)]
