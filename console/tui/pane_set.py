"""The panes, in tab order; the first frame builds only the Outgoing list.

Every other pane (and the modules behind it: causes, health, logs, aliases, their
screens) is built right after the first frame, while the connect worker loads the
database driver, so the console appears about as fast as a bare Textual app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.tui.panes.pane import Pane

# (key, pane id, label, short label, tiny label): the tab row takes the longest form that
# fits, the same on every pane, so every key is on the first screen at 80 columns.
PANES: tuple[tuple[str, str, str, str, str], ...] = (
    ("1", "outgoing", "Outgoing", "Out", "Out"),
    ("2", "failed", "Failed", "Fail", "Fail"),
    ("3", "causes", "Causes", "Cause", "Cause"),
    ("4", "crons", "Crons", "Cron", "Cron"),
    ("5", "campaigns", "Campaigns", "Camp", "Camp"),
    ("6", "health", "Health", "Health", "Hlth"),
    ("7", "logs", "Logs", "Logs", "Log"),
    ("8", "aliases", "Aliases", "Alias", "Ali"),
    ("9", "envelopes", "Envelopes", "Env", "Env"),
    ("0", "bounces", "Bounces", "Bnc", "Bnc"),
)
FIRST_PANE = "outgoing"


def first_pane() -> Pane:
    from console.tui.panes.mail_table import MailListPane

    return MailListPane("outgoing", ("outgoing",), "outgoing", id=FIRST_PANE)


def later_panes() -> list[Pane]:
    """The panes after the first, hidden (the switcher shows one at a time)."""
    from console.tui.panes.aliases_pane import AliasesPane
    from console.tui.panes.bounces_pane import BouncesPane
    from console.tui.panes.campaigns_pane import CampaignsPane
    from console.tui.panes.causes_pane import CausesPane
    from console.tui.panes.crons_pane import CronsPane
    from console.tui.panes.envelopes_pane import EnvelopesPane
    from console.tui.panes.health_pane import HealthPane
    from console.tui.panes.logs_pane import LogsPane
    from console.tui.panes.mail_table import MailListPane

    panes: list[Pane] = [
        MailListPane("failed", ("exception",), "failed", id="failed"),
        CausesPane(id="causes"),
        CronsPane(id="crons"),
        CampaignsPane(id="campaigns"),
        HealthPane(id="health"),
        EnvelopesPane(id="envelopes"),
        LogsPane(id="logs"),
        AliasesPane(id="aliases"),
        BouncesPane(id="bounces"),
    ]
    for pane in panes:
        pane.display = False
    return panes
