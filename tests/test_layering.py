"""The import rules of the package, checked from its source (as Flask writes its sansio rule down).

The web layer reaches data only through the store interface; the store knows nothing of the
web or of how the graph is built; the core modules stay free of both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "labgraph"

#: module prefix -> imports it must never make
FORBIDDEN = {
    "labgraph.config": ("labgraph.store", "labgraph.web", "labgraph.build", "flask", "pyoxigraph", "rdflib"),
    "labgraph.errors": ("labgraph.store", "labgraph.web", "flask", "pyoxigraph", "rdflib"),
    "labgraph.uris": ("labgraph.store", "labgraph.web", "flask", "pyoxigraph"),
    "labgraph.sources": ("labgraph.store", "labgraph.web", "flask"),
    "labgraph.validation": ("labgraph.store", "labgraph.web", "flask"),
    "labgraph.consistency": ("labgraph.store", "labgraph.web", "flask"),
    "labgraph.build": ("labgraph.store", "labgraph.web", "flask"),
    "labgraph.store": ("labgraph.web", "labgraph.sources", "labgraph.validation", "labgraph.build", "flask", "pyshacl"),
    "labgraph.web": (
        "labgraph.store.embedded",
        "labgraph.store.remote",
        "labgraph.store.pool",
        "labgraph.store.worker",
        "labgraph.sources",
        "labgraph.validation",
        "labgraph.build",
        "labgraph.serve",
        "pyoxigraph",
        "pyshacl",
    ),
}


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("name,path", modules(), ids=[m for m, _ in modules()])
def test_module_respects_the_layering(name: str, path: Path) -> None:
    rules = [bad for prefix, bad in FORBIDDEN.items() if name == prefix or name.startswith(prefix + ".")]
    broken = sorted(
        imported
        for imported in imports_of(path)
        for bad in rules
        for forbidden in bad
        if imported == forbidden or imported.startswith(forbidden + ".")
    )
    assert broken == [], f"{name} imports {broken}"


def test_rules_cover_every_layer() -> None:
    names = {name for name, _ in modules()}
    assert any(n.startswith("labgraph.web.") for n in names) and any(n.startswith("labgraph.store.") for n in names)
