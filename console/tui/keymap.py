"""The configuration file's key map, checked against the console's real bindings before
the first frame: an unknown id, a key Textual would never send, or a key that would take
another binding's place is refused in one line (a remap must not silently remove a key an
operator relies on, such as the one that cancels)."""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from collections.abc import Iterator, Mapping

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys

import console.tui
from console.domain.errors import UsageError
from console.tui.app_bindings import APP_BINDINGS, ELSEWHERE_BINDINGS, ELSEWHERE_KEYS

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(key.value for key in Keys)


def checked_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The keymap to give Textual: ids checked, keys checked, no clash; the action keys'
    "where it works" bindings follow their action's new key."""
    groups = list(binding_groups())
    known = {b.id: b for _, bindings in groups for b in bindings if b.id}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            raise UsageError(f"[keymap]: no key binding {binding_id!r} (see: odoo-mailq help keys)")
        for key in keys.split(","):
            if not _is_key(key):
                raise UsageError(f"[keymap] {binding_id!r}: {key!r} is not a key Textual knows")
    result = dict(keymap)
    for binding_id in keymap:
        action = ELSEWHERE_KEYS.get(known[binding_id].key)
        if action and f"elsewhere.{action}" not in keymap:
            result[f"elsewhere.{action}"] = keymap[binding_id]
    app_level = list(Binding.make_bindings([*APP_BINDINGS, *ELSEWHERE_BINDINGS]))
    for owner, bindings in groups:
        _refuse_clash(owner, [*bindings, *app_level], result)
    return result


def binding_groups() -> Iterator[tuple[str, list[Binding]]]:
    """(class name, its bindings) for every widget, screen and the app of the console."""
    for module in pkgutil.walk_packages(console.tui.__path__, "console.tui."):
        importlib.import_module(module.name)
    seen: set[type] = set()
    stack: list[type] = [DOMNode]
    while stack:
        cls = stack.pop()
        subclasses: list[type] = cls.__subclasses__()
        for sub in subclasses:
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    for cls in sorted(seen, key=lambda c: c.__qualname__):
        own = cls.__dict__.get("BINDINGS")
        if cls.__module__.startswith("console.tui.") and own:
            yield cls.__qualname__, list(Binding.make_bindings(own))


def _refuse_clash(owner: str, bindings: list[Binding], keymap: Mapping[str, str]) -> None:
    holder: dict[str, str] = {}
    for binding in bindings:
        keys = keymap.get(binding.id or "", binding.key).split(",")
        for key in keys:
            ident = binding.id or binding.action
            other = holder.setdefault(key, ident)
            # An action key's "where it works" binding is meant to share its key.
            sharing = "elsewhere." in other + ident
            if other != ident and not sharing and (ident in keymap or other in keymap):
                raise UsageError(
                    f"[keymap]: {key!r} would take both {other!r} and {binding.id!r} "
                    f"({owner}): choose another key"
                )


def _is_key(key: str) -> bool:
    *modifiers, name = key.split("+")
    if not name or any(m not in MODIFIERS for m in modifiers):
        return False
    if (len(name) == 1 and name.isprintable()) or name in _NAMED_KEYS:
        return True
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return True
