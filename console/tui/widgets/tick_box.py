"""A checkbox whose state is a glyph, not a shade."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    """`[x] label` when ticked, `[ ] label` when not.

    Textual's checkbox draws `▐X▌` either way and tells the state by colour alone (near
    black on dark, 232 on 235 under NO_COLOR): an unticked box read as ticked.
    """

    @property
    def _button(self) -> Content:
        inner = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", inner), "]")
