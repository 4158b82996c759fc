"""The shape of the code, checked: layers import only downwards, and no cycles.

Every ``import`` in ``app/`` is read with :mod:`ast` (those inside functions
too: a lazy import is still a dependency; those under ``if TYPE_CHECKING:``
are not), resolved to a module of ours, and:

- ``kyso.core`` imports nothing from the faces (GUI, CLI), the application
  layer, sync or the demo, and no Qt;
- ``kyso.services`` (the application layer) imports no face and no Qt;
- ``kyso.bridge`` (the web-page signing service, a face on services) imports no
  Qt and no other face (the GUI may import the bridge, not the reverse);
- ``kyso.sync`` imports nothing from the CLI, the GUI or the application layer;
- the server (``kyso_server``) imports nothing from the client's faces;
- there is no import cycle between modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"


def _module_name(path: Path) -> str:
    rel = path.relative_to(APP).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in APP.rglob("*.py") if "resources" not in p.parts}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module (ours or foreign, top-level name for foreign) ``name`` imports."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    type_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                 and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                 for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in type_only:       # annotations only: not a dependency at run time
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in known else prefix for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known and "." in t:
                t = t.rpartition(".")[0]
            out.add(t)
    out.discard(name)
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {name: _imports(name, path, known) for name, path in mods.items()}


def _violations(graph, layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{m} → {i}" for m, deps in graph.items() if m == layer or m.startswith(layer + ".")
                  for i in deps if any(i == f or i.startswith(f + ".") for f in forbidden))


def test_the_core_imports_no_face_and_no_qt(graph):
    assert _violations(graph, "kyso.core", ("kyso.gui", "kyso.cli", "kyso.services", "kyso.sync",
                                            "kyso.demo", "kyso.bridge", "kyso_server", "PySide6",
                                            "shiboken6")) == []


def test_the_application_layer_imports_no_face_and_no_qt(graph):
    assert _violations(graph, "kyso.services", ("kyso.gui", "kyso.cli", "kyso.demo", "kyso.bridge",
                                                "PySide6", "shiboken6")) == []


def test_the_bridge_imports_no_qt_and_no_other_face(graph):
    assert _violations(graph, "kyso.bridge", ("kyso.gui", "kyso.cli", "kyso.demo", "kyso.sync", "kyso_server",
                                              "PySide6", "shiboken6")) == []
    assert any(m.startswith("kyso.bridge") for m in graph), "the bridge package is where it should be"


def test_sync_imports_nothing_from_the_faces_or_the_application_layer(graph):
    assert _violations(graph, "kyso.sync", ("kyso.gui", "kyso.cli", "kyso.services", "kyso.bridge",
                                            "PySide6")) == []


def test_the_server_imports_nothing_from_the_client_faces(graph):
    assert _violations(graph, "kyso_server", ("kyso.gui", "kyso.cli", "kyso.services", "PySide6")) == []


def test_no_import_cycle(graph):
    ours = {m: {d for d in deps if d in graph} for m, deps in graph.items()}
    # a module imports its own package's __init__ when Python loads it: not a cycle of ours
    for m in ours:
        ours[m] = {d for d in ours[m] if not m.startswith(d + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:          # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(ours[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for v in sorted(ours):
        if v not in index:
            visit(v)
    assert cycles == [], cycles


def test_one_cli_and_one_message_catalogue():
    """The sync commands live in the CLI package; no second CLI, no second catalogue."""
    assert not (APP / "kyso" / "sync" / "cli.py").exists()
    assert not (APP / "kyso" / "sync" / "__main__.py").exists()
    assert not (APP / "kyso" / "sync" / "messages.py").exists()
    assert (APP / "kyso" / "cli" / "__init__.py").exists()
