"""Counts that describe the dataset: per class, per source document (graph), per property.

They feed ``labgraph stats``, the build manifest and, later, the VoID description, so they
are computed once here with SPARQL over the store rather than by walking triples in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import pyoxigraph as ox

from labgraph.uris import AUTHORING_BASE

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class
"""
_BY_GRAPH = """
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?triples ?subjects (MIN(STR(?doc)) AS ?source) WHERE {
  { SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g }
  OPTIONAL { ?g prov:wasDerivedFrom ?doc }
} GROUP BY ?g ?triples ?subjects ORDER BY ?g
"""
_BY_PROPERTY = """
SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } } GROUP BY ?p ORDER BY DESC(?n) ?p
"""


_LINKSETS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?p ?target (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?s ?p ?o WHERE {
      VALUES ?p { owl:sameAs skos:exactMatch skos:closeMatch }
      ?s ?p ?o FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "%s")) } }
  BIND(REPLACE(STR(?o), "^(https?://[^/]+/).*$", "$1") AS ?target)
} GROUP BY ?p ?target ORDER BY ?target ?p
"""


@dataclass(frozen=True)
class Stats:
    quads: int
    triples: int
    by_class: list[tuple[str, int]]
    by_graph: list[tuple[str, int, int, str | None]]  # graph, triples, subjects, source
    by_property: list[tuple[str, int]]
    linksets: list[tuple[str, str, int]] = field(default_factory=list)  # predicate, target space, links

    def as_dict(self) -> dict[str, object]:
        return {
            "quads": self.quads,
            "triples": self.triples,
            "classes": dict(self.by_class),
            "graphs": {g: {"triples": t, "subjects": s, "source": src} for g, t, s, src in self.by_graph},
            "properties": dict(self.by_property),
            "linksets": [{"predicate": p, "target": t, "links": n} for p, t, n in self.linksets],
        }


#: Runs one of the SELECT queries above over a dataset whose default graph is the merge of its
#: named graphs, and gives each row as variable name → lexical value (unbound: absent).
Select = Callable[[str], list[dict[str, str]]]


def compute(store: ox.Store, base: str = AUTHORING_BASE) -> Stats:
    """The figures of a build's dataset: named graphs only, queried as their union (the merge)."""

    def select(query: str) -> list[dict[str, str]]:
        results = store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in results.variables]  # type: ignore[union-attr]
        return [{n: row[n].value for n in names if row[n] is not None} for row in results]  # type: ignore[union-attr]

    return from_queries(select, base)


def from_queries(select: Select, base: str, *, skip_graphs: Collection[str] = ()) -> Stats:
    """The figures through any store's SELECT: the build's, or a serving store's through the
    store interface, whose default graph is the merge itself. ``skip_graphs`` are named graphs
    that are not the data's own (the merged copy a server such as Virtuoso keeps as a graph)."""
    by_graph = [
        (r["g"], int(r["triples"]), int(r["subjects"]), r.get("source"))
        for r in select(_BY_GRAPH)
        if r["g"] not in skip_graphs
    ]
    return Stats(
        quads=sum(triples for _, triples, _, _ in by_graph),
        triples=int(select(_TRIPLES)[0]["n"]),
        by_class=[(r["class"], int(r["n"])) for r in select(_BY_CLASS)],
        by_graph=by_graph,
        by_property=[(r["p"], int(r["n"])) for r in select(_BY_PROPERTY)],
        linksets=[(r["p"], r["target"], int(r["n"])) for r in select(_LINKSETS % base)],
    )
