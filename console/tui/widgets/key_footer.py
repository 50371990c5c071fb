"""The footer: the keys valid here, and `? Help` `q Quit` always at its right end.

Textual's Footer lists the bindings in order and cuts what does not fit, so on a narrow
terminal the two keys a lost operator needs went first. They live outside it here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# (key, shown as, description, action): the app's bindings for these have show=False.
ALWAYS_SHOWN: tuple[tuple[str, str, str, str], ...] = (
    ("question_mark", "?", "Help", "help"),
    ("q", "q", "Quit", "quit"),
)


class KeyFooter(Horizontal):
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
    }
    KeyFooter > Footer {
        dock: none;
        width: 1fr;
    }
    KeyFooter > .always-shown {
        width: auto;
        height: 1;
    }
    KeyFooter > .always-shown > FooterKey {
        margin-left: 1;
    }
    """

    def __init__(self, *, compact: bool = True) -> None:
        super().__init__()
        self.compact = compact

    def compose(self) -> ComposeResult:
        yield Footer(compact=self.compact, show_command_palette=False)
        with Horizontal(classes="always-shown"):
            for key, shown, description, action in ALWAYS_SHOWN:
                yield FooterKey(key, shown, description, action, tooltip=description)
