"""The build's quality documents read for pages: the SHACL validation report and the shapes.

Both are Turtle files of the release (:data:`labgraph.release.QUALITY`), written by the build.
They are parsed once per release, at first use, with rdflib: the report into one
:class:`Entry` per result (indexed by focus node, for the resource pages), the shapes into a
readable summary per node shape. A served build has no violation (a build with one is never
published), so what pages show are warnings and infos.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from labgraph.release import SHAPES, VALIDATION_REPORT

SEVERITIES = {str(SH.Violation): "Violation", str(SH.Warning): "Warning", str(SH.Info): "Info"}
SEVERITY_NAMES = {
    "Violation": {"fr": "Violation", "en": "Violation"},
    "Warning": {"fr": "Avertissement", "en": "Warning"},
    "Info": {"fr": "Information", "en": "Info"},
}
#: Properties of a shape that are not constraints: shown apart, or not at all.
_NOT_CONSTRAINTS = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.property, RDF.type, SH.order}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class Entry:
    """One result of the report."""

    severity: str  # Violation, Warning or Info
    focus: str  # IRI, or "" for a blank node (it has no page)
    path: str | None  # IRI of a simple path; None when absent or not a single property
    value: str | None
    component: str  # the constraint component's local name, e.g. MinCountConstraintComponent
    shape: str | None  # the IRI of the shape, when it has one
    messages: dict[str, str]

    def message(self, lang: str) -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")


@dataclass(frozen=True)
class Constraint:
    name: str  # the SHACL property's local name: minCount, datatype, in…
    values: tuple[Node, ...]


@dataclass
class PropertyShape:
    iri: str | None
    path: Node | None
    severity: str
    constraints: list[Constraint]
    messages: dict[str, str]


@dataclass
class NodeShape:
    iri: str | None
    targets: list[tuple[str, str]]  # (target kind, IRI)
    severity: str
    constraints: list[Constraint]
    properties: list[PropertyShape]
    messages: dict[str, str]


@dataclass
class Quality:
    """The quality documents of one release directory."""

    release: Path
    _entries: list[Entry] | None = None
    _by_focus: dict[str, list[Entry]] = field(default_factory=dict)
    _shapes: list[NodeShape] | None = None
    _graphs: dict[str, Graph] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def has(self, name: str) -> bool:
        return (self.release / name).is_file()

    def graph(self, name: str) -> Graph:
        """The parsed report (``validation.ttl``) or shapes (``shapes.ttl``)."""
        with self._lock:
            if name not in self._graphs:
                self._graphs[name] = Graph().parse(self.release / name, format="turtle")
            return self._graphs[name]

    @property
    def entries(self) -> list[Entry]:
        if self._entries is None:
            found = _entries(self.graph(VALIDATION_REPORT)) if self.has(VALIDATION_REPORT) else []
            found.sort(key=lambda e: (list(SEVERITIES.values()).index(e.severity), e.focus, e.path or ""))
            for entry in found:
                self._by_focus.setdefault(entry.focus, []).append(entry)
            self._entries = found
        return self._entries

    def entries_for(self, iri: str) -> list[Entry]:
        """The results whose focus node is this IRI (every resource page asks: an index, not a scan)."""
        return list(self._by_focus.get(iri, ())) if self.entries else []

    def conforms(self) -> bool | None:
        if not self.has(VALIDATION_REPORT):
            return None
        report = self.graph(VALIDATION_REPORT)
        return any(o == Literal(True) for o in report.objects(None, SH.conforms))

    @property
    def shapes(self) -> list[NodeShape]:
        if self._shapes is None:
            self._shapes = _node_shapes(self.graph(SHAPES)) if self.has(SHAPES) else []
        return self._shapes


def _messages(graph: Graph, node: Node, predicate: URIRef = SH.message) -> dict[str, str]:
    found: dict[str, str] = {}
    for literal in graph.objects(node, predicate):
        if isinstance(literal, Literal):
            found.setdefault(literal.language or "", str(literal))
    return found


def _entries(report: Graph) -> list[Entry]:
    entries = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        entries.append(
            Entry(
                severity=SEVERITIES.get(str(report.value(result, SH.resultSeverity)), "Violation"),
                focus=str(focus) if isinstance(focus, URIRef) else "",
                path=str(path) if isinstance(path, URIRef) else None,
                value=None if value is None or isinstance(value, BNode) else str(value),
                component=str(component).rsplit("#", 1)[-1] if component is not None else "",
                shape=str(shape) if isinstance(shape, URIRef) else None,
                messages=_messages(report, result, SH.resultMessage),
            )
        )
    return entries


def _severity(graph: Graph, node: Node) -> str:
    return SEVERITIES.get(str(graph.value(node, SH.severity)), "Violation")


def _constraints(graph: Graph, node: Node) -> list[Constraint]:
    out = []
    for predicate in sorted({p for p in graph.predicates(node, None) if p not in _NOT_CONSTRAINTS}, key=str):
        if not str(predicate).startswith(str(SH)) or predicate in _TARGETS:
            continue
        values = tuple(sorted(graph.objects(node, predicate), key=str))
        out.append(Constraint(str(predicate)[len(str(SH)) :], values))
    return out


def _node_shapes(shapes: Graph) -> list[NodeShape]:
    result = []
    for node in set(shapes.subjects(RDF.type, SH.NodeShape)):
        targets = [
            (str(kind)[len(str(SH)) :], str(target)) for kind in _TARGETS for target in shapes.objects(node, kind)
        ]
        properties = [
            PropertyShape(
                str(prop) if isinstance(prop, URIRef) else None,
                shapes.value(prop, SH.path),
                _severity(shapes, prop),
                _constraints(shapes, prop),
                _messages(shapes, prop),
            )
            for prop in shapes.objects(node, SH.property)
        ]
        properties.sort(key=lambda p: str(p.path))
        result.append(
            NodeShape(
                str(node) if isinstance(node, URIRef) else None,
                sorted(targets),
                _severity(shapes, node),
                _constraints(shapes, node),
                properties,
                _messages(shapes, node),
            )
        )
    # Shapes that pick their own targets first, by name; then the ones other shapes refer to.
    result.sort(key=lambda s: (not s.targets, s.iri or ""))
    return result


def items(graph: Graph, node: Node) -> list[Node] | None:
    """The members of an RDF list, or None if the node is not one."""
    if node == RDF.nil:
        return []
    if isinstance(node, BNode) and (node, RDF.first, None) in graph:
        return list(Collection(graph, node))
    return None
