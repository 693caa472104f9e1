"""Validate the dataset against ontology/shapes.ttl with pySHACL and explain the result.

Shapes come only from the repository, with OWL imports and SHACL-SPARQL off: shapes are code.
Validation runs on the union of all named graphs, with the ontology inside it, so that
``rdfs:subClassOf`` axioms count for ``sh:class`` and ``sh:targetClass`` as SHACL specifies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from labgraph.config import Settings
from labgraph.graph import entailment
from labgraph.graph.sources import SourceDataset, load_graph_file
from labgraph.rdflib_terms import to_graph
from labgraph.vocab import vocabulary

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    severity: str
    focus: str
    path: str | None
    value: str | None
    component: str
    messages: dict[str, str]  # language -> message

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("") or next(iter(self.messages.values()), "")


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ValidationResult]
    graph: Graph = field(repr=False)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity != "Violation"]


def load_shapes(settings: Settings, path: Path | None = None) -> Graph:
    return to_graph(load_graph_file(path or settings.shapes_file, settings.base_uri))


def validate_graph(data: Graph, shapes: Graph, prefixes: dict[str, str] | None = None) -> ValidationReport:
    """Run pySHACL; warnings and infos are reported but do not break conformance."""
    _, report_graph, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
        do_owl_imports=False,
        js=False,
    )
    names = Graph(bind_namespaces="none")
    for name, iri in (prefixes or vocabulary().prefixes).items():
        report_graph.bind(name, iri, replace=True)
        names.bind(name, iri, replace=True)
    results = sorted(
        _results(report_graph, data, names), key=lambda r: (r.severity != "Violation", r.focus, r.path or "")
    )
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms, results, report_graph)


def validate_dataset(dataset: SourceDataset, settings: Settings, shapes: Graph | None = None) -> ValidationReport:
    """Validate the stated graphs together with what they entail (``graph/entailment``, computed
    here when the build has not added it yet, without changing the dataset): shapes check the
    comparable days the build derives."""
    prefixes = settings.vocab.prefixes
    extra = () if entailment.is_materialised(dataset) else entailment.entailed(dataset)
    data = to_graph(chain(dataset.store, extra))
    return validate_graph(data, shapes if shapes is not None else load_shapes(settings), prefixes)


def _results(report: Graph, data: Graph, names: Graph) -> list[ValidationResult]:
    out = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        messages: dict[str, str] = {}
        for message in report.objects(node, SH.resultMessage):
            if isinstance(message, Literal):
                messages.setdefault(message.language or "", str(message))
        severity = report.value(node, SH.resultSeverity)
        value = report.value(node, SH.value)
        out.append(
            ValidationResult(
                severity=SEVERITY_NAMES.get(URIRef(str(severity)), str(severity)),
                focus=_show(report.value(node, SH.focusNode), data, names),
                path=None
                if report.value(node, SH.resultPath) is None
                else _show(report.value(node, SH.resultPath), data, names),
                value=None if value is None else _show(value, data, names),
                component=_show(report.value(node, SH.sourceConstraintComponent), data, names).replace("sh:", ""),
                messages=messages,
            )
        )
    return out


def _show(term: Node | None, data: Graph, names: Graph) -> str:
    """A readable name: prefixed IRIs, and a blank node shown through what points at it."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        for subject, predicate in data.subject_predicates(term):
            return f"{_show(subject, data, names)} {_show(predicate, data, names)} [ ]"
        return "[ ]"
    try:
        return term.n3(names.namespace_manager)
    except Exception:  # noqa: BLE001 - an IRI rdflib cannot prefix is still worth showing whole
        return str(term)
