"""Where `l` was pressed, so that esc on the Logs pane goes back there.

Showing a pane closes the screens over the main one (a mail's detail, the cause it was
opened from); the way back opens them again, as new screens on the same records, over
the pane they came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from console.tui.app import MailQueueApp


@dataclass(frozen=True, slots=True)
class WayBack:
    pane_id: str
    screens: tuple[Callable[[], Screen[None]], ...]
    label: str  # "mail 512"

    def go(self, app: App[object]) -> None:
        console = cast("MailQueueApp", app)
        console.action_show_pane(self.pane_id)
        for reopen in self.screens:
            console.push_screen(reopen())


def way_back_from(app: MailQueueApp, label: str) -> WayBack:
    """The pane on show and the screens over it that can be opened again (those with a
    `reopened()` method: a mail's detail, a cause's mails)."""
    screens = tuple(
        screen.reopened for screen in app.screen_stack[1:] if hasattr(screen, "reopened")
    )
    return WayBack(app.visible_pane().id or "outgoing", screens, label)
