"""A proposal checked with the build's own SHACL shapes before it is stored.

The contribution's file (as :mod:`labgraph.contributions.rdf` would write it) is validated together
with what the shapes need to judge it from the current release: the corrected structure's own
statements, and the statements about each resource it points to (their types, schemes, broader
concepts), plus the class hierarchy. Each result is mapped back to the payload field whose
property it names, so the form shows it beside the field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from labgraph.cards.queries import OUTGOING
from labgraph.config import Settings
from labgraph.contributions.base import Contributor
from labgraph.contributions.rdf import contribution_turtle
from labgraph.errors import FieldProblem
from labgraph.graph.validation import load_shapes, validate_graph
from labgraph.rdflib_terms import to_graph
from labgraph.release import STORE_DIR, current
from labgraph.uris import Rebaser

#: Property (as the report names it) -> payload field: the cards' own map, with the fields a
#: proposal names differently from the card (a founding date, not "dates") and the texts.
PATH_FIELDS: dict[str, str] = {
    **OUTGOING,
    "schema:foundingDate": "foundingDate",
    "rdfs:label": "label",
    "dct:description": "description",
    "schema:url": "website",
}
#: How far from the proposal's resources the context reaches: a concept's scheme, a place's
#: containing place, a host's own host; the shapes look no further.
HOPS = 3
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def shape_problems(
    settings: Settings, kind: str, card_type: str, target: str | None, payload: dict[str, Any],
    known_iris: set[str],
) -> list[FieldProblem]:
    """The shapes' violations of the proposal as FieldProblems (empty when it conforms)."""
    text = contribution_turtle(0, kind, card_type, target, payload, Contributor(relation="other"), "check",
                               datetime.now(UTC), known_iris)
    rebase = Rebaser(settings.base_uri)
    triples = [ox.Triple(_rebase(t.subject, rebase), _rebase(t.predicate, rebase), _rebase(t.object, rebase))
               for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    data = to_graph(triples + _context(settings, triples))
    report = validate_graph(data, load_shapes(settings), settings.vocab.prefixes)
    own = {shown for t in triples if isinstance(t.subject, ox.NamedNode)
           for shown in shown_names(t.subject.value, settings.vocab.prefixes)}
    problems: dict[tuple[str, str], FieldProblem] = {}
    # Only the proposal's own resources are judged: the context is partial by design, and its
    # resources were judged whole when their release was built.
    for result in (r for r in report.violations if r.focus in own):
        field = PATH_FIELDS.get(result.path or "", "fields")
        messages = {"fr": result.message("fr"), "en": result.message("en")}
        problems.setdefault((field, result.component), FieldProblem(field, result.component, messages))
    return list(problems.values())


def shown_names(iri: str, prefixes: dict[str, str]) -> set[str]:
    """The ways a report may name ``iri``: whole, in angle brackets, or under any prefix."""
    out = {iri, f"<{iri}>"}
    out |= {f"{name}:{iri[len(ns):]}" for name, ns in prefixes.items() if iri.startswith(ns)}
    return out


def _rebase(term: Any, rebase: Rebaser) -> Any:
    return ox.NamedNode(rebase(term.value)) if isinstance(term, ox.NamedNode) else term


def _context(settings: Settings, triples: list[ox.Triple]) -> list[ox.Triple]:
    """From the current release: everything stated about the subjects and the IRIs the proposal
    names, and the class hierarchy; nothing before the first build."""
    release = current(settings.build_dir)
    if release is None or not (release / STORE_DIR).exists():
        return []
    store = ox.Store.read_only(str(release / STORE_DIR))
    names = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    names |= {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    out: set[ox.Triple] = set()
    seen: set[ox.NamedNode] = set()
    for _ in range(HOPS):
        names -= seen
        seen |= names
        found = {ox.Triple(q.subject, q.predicate, q.object)
                 for name in names for q in store.quads_for_pattern(name, None, None, None)}
        out |= found
        names = {t.object for t in found if isinstance(t.object, ox.NamedNode)}
    for q in store.quads_for_pattern(None, SUBCLASS, None, None):
        out.add(ox.Triple(q.subject, q.predicate, q.object))
    return list(out)

