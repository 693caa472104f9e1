"""The package's rooms and what each may import, checked from the source's own imports.

Every module of ``src/labgraph`` belongs to exactly one room, and a room may import only the
rooms listed for it: lower layers never reach up. The rules are written as data so that a new
module without a room, a new arrow between rooms, or an import circle fails here with the names
involved. Function-level imports count like top-level ones: they are dependencies too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "labgraph"

#: room -> module names (exact) or packages (``name.*``) it holds
ROOMS: dict[str, tuple[str, ...]] = {
    "errors": ("labgraph.errors",),
    "foundation": (
        "labgraph",
        "labgraph.config",
        "labgraph.namespaces",
        "labgraph.uris",
        "labgraph.release",
        "labgraph.rdflib_terms",
        "labgraph.vocab",
        "labgraph.engine",
        "labgraph.lexical",
        "labgraph.config_values",
    ),
    "dataset": ("labgraph.dataset.*",),
    "graph": ("labgraph.graph.*",),
    "store-gate": ("labgraph.store.policy", "labgraph.store.formats"),
    "store-interface": ("labgraph.store", "labgraph.store.base"),
    "store-backends": (
        "labgraph.store.documents",
        "labgraph.store.admission",
        "labgraph.store.worker_memory",
        "labgraph.store.embedded",
        "labgraph.store.remote",
        "labgraph.store.remote_answers",
        "labgraph.store.pool",
        "labgraph.store.worker_process",
        "labgraph.store.faults",
        "labgraph.store.worker",
        "labgraph.store.factory",
        "labgraph.store.publish",
    ),
    "catalogue": ("labgraph.catalogue.*",),
    "cards": ("labgraph.cards.*",),
    "merge": ("labgraph.merge.*",),
    # first: room_of takes the first room that holds a module, and the interface is in the package
    "contributions-interface": ("labgraph.contributions", "labgraph.contributions.base"),
    "contributions": ("labgraph.contributions.*",),
    "web": ("labgraph.web.*",),
    "serving": ("labgraph.serving.*",),
    "cli": ("labgraph.cli.*", "labgraph.__main__"),
}

_FOUNDATION = ("errors", "foundation")
#: room -> rooms it may import (its own always allowed)
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "errors": (),
    # The package face names the public API lazily (PEP 562), so it points up without importing.
    "foundation": ("errors", "graph"),
    "dataset": _FOUNDATION,
    # The build computes the cards and their similarity links into graph/similarity, through the
    # cards' select-only seam (cards.source.Selects, whose rows are the interface's Terms).
    "graph": (*_FOUNDATION, "dataset", "cards", "store-interface"),
    "store-gate": _FOUNDATION,
    "store-interface": (*_FOUNDATION, "store-gate", "dataset"),
    "store-backends": (*_FOUNDATION, "dataset", "store-gate", "store-interface"),
    "catalogue": (*_FOUNDATION, "store-gate"),
    "cards": (*_FOUNDATION, "dataset", "store-interface"),
    "merge": (*_FOUNDATION, "dataset", "graph"),
    # Proposals are checked with the build's shapes and accepted ones built: the web hands them
    # to the desks of contributions.base, which serving wires to the implementation.
    "contributions-interface": _FOUNDATION,
    "contributions": (*_FOUNDATION, "dataset", "graph", "cards", "store-interface", "contributions-interface"),
    "web": (*_FOUNDATION, "dataset", "catalogue", "cards", "store-interface", "contributions-interface"),
    "serving": (
        *_FOUNDATION, "dataset", "graph", "store-interface", "store-backends", "web", "contributions",
        "contributions-interface",
    ),
    "cli": tuple(ROOMS),
}

#: room -> third-party packages it must never import
NEVER: dict[str, tuple[str, ...]] = {
    "errors": ("flask", "pyoxigraph", "rdflib", "pyshacl"),
    "dataset": ("flask", "pyshacl"),
    "graph": ("flask", "waitress"),
    "store-gate": ("flask", "pyshacl", "rdflib"),
    "store-interface": ("flask", "pyshacl", "pyoxigraph", "rdflib"),
    "store-backends": ("flask", "pyshacl"),
    "catalogue": ("flask", "pyshacl", "pyoxigraph"),
    "cards": ("flask", "pyshacl", "pyoxigraph"),
    "merge": ("flask",),
    "web": ("pyoxigraph", "pyshacl", "waitress"),
    "contributions-interface": ("flask", "pyoxigraph", "rdflib", "pyshacl", "sqlite3"),
    "contributions": ("flask", "waitress"),
}
#: modules of the foundation held to a stricter rule than their room
NEVER_MODULE: dict[str, tuple[str, ...]] = {
    "labgraph.config": ("flask", "pyoxigraph", "rdflib", "pyshacl"),
    "labgraph.uris": ("flask", "pyoxigraph", "rdflib", "pyshacl"),
    "labgraph.release": ("flask", "pyoxigraph", "rdflib", "pyshacl"),
    "labgraph.vocab": ("flask", "pyoxigraph", "pyshacl"),
    "labgraph.engine": ("flask", "rdflib", "pyshacl"),
    "labgraph.lexical": ("flask", "pyoxigraph", "rdflib", "pyshacl"),
    "labgraph.config_values": ("flask", "pyoxigraph", "rdflib", "pyshacl"),
    "labgraph": ("flask", "pyoxigraph", "rdflib", "pyshacl"),
}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = modules()


def room_of(name: str) -> str | None:
    for room, members in ROOMS.items():
        for member in members:
            if name == member or (member.endswith(".*") and (name + ".").startswith(member[:-1])):
                return room
            if member.endswith(".*") and name == member[:-2]:
                return room
    return None


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """(labgraph modules, other top-level packages) that a file imports; ``from pkg import mod``
    counts as an import of ``pkg.mod`` alone when ``mod`` is a module."""
    ours: set[str] = set()
    theirs: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [s for s in subs if s in MODULES] or [node.module]
            if len(names) < len(subs) and node.module not in names:
                names.append(node.module)
        else:
            continue
        for name in names:
            if name == "labgraph" or name.startswith("labgraph."):
                while name not in MODULES and "." in name:
                    name = name.rsplit(".", 1)[0]
                ours.add(name)
            else:
                theirs.add(name.split(".")[0])
    return ours, theirs


GRAPH = {name: imports_of(path) for name, path in MODULES.items()}
#: The lazy package face imports nothing at run time; its TYPE_CHECKING names are for tools only.
GRAPH["labgraph"] = (set(), set())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_has_a_room_and_keeps_to_it(name: str) -> None:
    room = room_of(name)
    assert room is not None, f"{name} belongs to no room: add it to ROOMS in {Path(__file__).name}"
    ours, theirs = GRAPH[name]
    allowed = {room, *MAY_IMPORT[room]}
    broken = sorted(f"{target} ({room_of(target)})" for target in ours if room_of(target) not in allowed)
    assert broken == [], f"{name} ({room}) may import only {sorted(allowed)}, but imports {broken}"
    forbidden = {*NEVER.get(room, ()), *NEVER_MODULE.get(name, ())}
    assert sorted(theirs & forbidden) == [], f"{name} imports {sorted(theirs & forbidden)}"


def test_no_import_circles() -> None:
    """Tarjan's strongly connected components over the module graph: any component of more than
    one module (or a module importing itself) is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node][0]:
            if target == node:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert circles == [], f"import circles: {circles}"


def test_the_rules_can_fail() -> None:
    """The checks above see what they must: a known upward arrow and a known circle are found."""
    assert room_of("labgraph.web.sparql") == "web" and room_of("labgraph.graph") == "graph"
    assert "store-backends" not in MAY_IMPORT["web"] and "web" not in MAY_IMPORT["store-backends"]
    ours, _ = imports_of(MODULES["labgraph.web.sparql"])
    assert "labgraph.store.base" in ours and "labgraph.store.policy" not in ours


def test_every_room_names_what_it_may_import() -> None:
    assert set(ROOMS) == set(MAY_IMPORT)
    for room in ROOMS:
        members = [name for name in MODULES if room_of(name) == room]
        assert members, f"room {room} holds no module"


@pytest.mark.parametrize("package", sorted(n for n, p in MODULES.items() if p.name == "__init__.py"))
def test_every_subpackage_says_what_it_owns(package: str) -> None:
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text("utf-8")))
    assert doc and len(doc) > 60, f"{package} has no docstring saying what it owns"
    if package != "labgraph":
        assert "import" in doc.lower(), f"{package}'s docstring does not say what it may import"
