"""The layers of console/, checked on every import statement of every module (those inside
functions and TYPE_CHECKING blocks too), so that a shortcut across layers fails here.

    domain            pure rules and shapes: no database, no SMTP, no terminal
    config, smtp      where to connect; building and sending messages (no database)
    odoo              Odoo's tables, as SQL over a connection the caller owns
    backends          the data boundary: the interface (base) and its SQL implementation
    services          what an action or a check does, through the interface only
    cli, tui          the two faces; they open a backend (backends.connect) and call services
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

CONSOLE = Path(__file__).resolve().parents[1] / "console"
RANK = {
    "domain": 0,
    "config": 1,
    "smtp": 1,
    "odoo": 2,
    "backends": 3,
    "services": 4,
    "cli": 5,
    "tui": 5,
}
ALSO_ALLOWED = {("cli", "tui")}  # the CLI starts the TUI
# What the layers above the boundary may see of it: the interface and the one opener.
BOUNDARY = {"console.backends.base", "console.backends.connect"}
# Third-party packages and the layers allowed to import them.
THIRD_PARTY = {
    "textual": {"tui"},
    "rich": {"tui"},
    "sqlalchemy": {"config", "odoo", "backends"},
    "psycopg": {"config", "odoo", "backends"},
    "aiosmtplib": {"smtp", "services"},
    "httpx": {"backends"},
    "platformdirs": {"config"},
    "argcomplete": {"cli"},
    "prometheus_client": {"cli"},  # the exporter (console.cli.metrics*)
}


def modules() -> Iterator[tuple[str, str, Path]]:
    """(dotted name, layer, path) of every module under console/."""
    for path in sorted(CONSOLE.rglob("*.py")):
        parts = path.relative_to(CONSOLE).with_suffix("").parts
        if len(parts) == 1:
            continue  # console/__init__.py and console/__main__.py: the entry points
        dotted = ".".join(("console", *parts)).removesuffix(".__init__")
        yield dotted, parts[0], path


def imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def violations() -> list[str]:
    found: list[str] = []
    for _, layer, path in modules():
        for line, target in imports(path):
            where = f"{path.relative_to(CONSOLE.parent)}:{line} imports {target}"
            root = target.split(".")[0]
            if root in THIRD_PARTY and layer not in THIRD_PARTY[root]:
                found.append(f"{where}: {root} belongs to {sorted(THIRD_PARTY[root])}")
            if root != "console" or target == "console":
                continue
            other = target.split(".")[1]
            if other == layer or other not in RANK:
                continue
            if (layer, other) in ALSO_ALLOWED:
                continue
            if RANK[other] >= RANK[layer]:
                found.append(f"{where}: {layer} may not import {other}")
            elif other == "backends" and not any(
                target == b or target.startswith(b + ".") for b in BOUNDARY
            ):
                found.append(f"{where}: above the boundary only {sorted(BOUNDARY)}")
    return found


def test_every_module_respects_the_layers() -> None:
    assert violations() == []


def test_the_check_sees_a_crossing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules fire: a copy of console/ with one module reaching past the boundary."""
    import shutil

    copy = tmp_path / "console"
    shutil.copytree(CONSOLE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    bad = copy / "services" / "shortcut.py"
    bad.write_text("from console.backends.sql import SqlBackend\nimport textual\n")
    monkeypatch.setattr(sys.modules[__name__], "CONSOLE", copy)
    found = violations()
    assert found == [
        "console/services/shortcut.py:1 imports console.backends.sql: above the boundary "
        "only ['console.backends.base', 'console.backends.connect']",
        "console/services/shortcut.py:2 imports textual: textual belongs to ['tui']",
    ]


def service_and_face_modules() -> list[str]:
    return [d for d, layer, _ in modules() if layer in ("services", "cli")]


@pytest.mark.parametrize("module", service_and_face_modules())
def test_services_and_cli_load_no_database_library(module: str) -> None:
    """What runs above the boundary does not even load SQLAlchemy: every read and write
    goes through a backend (the CLI's entry opens one lazily, when a command needs it)."""
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in ('sqlalchemy', 'psycopg', 'textual') if m in sys.modules); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} loaded {result.stdout.strip()} {result.stderr}"


def runtime_graph() -> dict[str, set[str]]:
    """Module -> the console modules it imports when it runs (lazy imports included,
    TYPE_CHECKING blocks left out)."""
    names = {dotted: path for dotted, _, path in modules()}
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name, path in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in names and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    """A module never needs, even lazily, a module that needs it back: each can be read
    and tested on its own, and a change does not ripple round a loop."""
    assert cycles(runtime_graph()) == []


def test_the_cycle_check_sees_a_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
