"""The panes, in tab order; the first frame builds only the Outgoing list.

Every other pane (and the modules behind it: causes, health, logs, aliases, their
screens) is built right after the first frame, while the connect worker loads the
database driver, so the console appears about as fast as a bare Textual app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.tui.panes.pane import Pane

# (key, pane id, label, short label for a narrow terminal)
PANES: tuple[tuple[str, str, str, str], ...] = (
    ("1", "outgoing", "Outgoing", "Out"),
    ("2", "failed", "Failed", "Fail"),
    ("3", "causes", "Causes", "Cause"),
    ("4", "crons", "Crons", "Cron"),
    ("5", "campaigns", "Campaigns", "Camp"),
    ("6", "health", "Health", "Health"),
    ("9", "envelopes", "Envelopes", "Env"),
    ("7", "logs", "Logs", "Logs"),
    ("8", "aliases", "Aliases", "Alias"),
    ("0", "bounces", "Bounces", "Bnc"),
)
# In the tab row when there is room (at 80 columns the core panes fill it; the Health
# summary counts the red envelopes there).
SUPPORT_PANES = frozenset({"envelopes", "logs", "aliases", "bounces"})
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
