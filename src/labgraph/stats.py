"""Counts that describe the dataset: per class, per source document (graph), per property.

They feed ``labgraph stats``, the build manifest and, later, the VoID description, so they
are computed once here with SPARQL over the store rather than by walking triples in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class
"""
_BY_GRAPH = """
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?triples ?subjects (SAMPLE(?doc) AS ?source) WHERE {
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


def compute(store: ox.Store, base: str = "https://w3id.org/labgraph/") -> Stats:
    union = {"use_default_graph_as_union": True}
    triples = next(
        iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", **union))
    )["n"]
    return Stats(
        quads=len(store),
        triples=int(triples.value),
        by_class=[(r["class"].value, int(r["n"].value)) for r in store.query(_BY_CLASS, **union)],
        by_graph=[
            (
                r["g"].value,
                int(r["triples"].value),
                int(r["subjects"].value),
                r["source"].value if r["source"] else None,
            )
            for r in store.query(_BY_GRAPH, **union)
        ],
        by_property=[(r["p"].value, int(r["n"].value)) for r in store.query(_BY_PROPERTY, **union)],
        linksets=[(r["p"].value, r["target"].value, int(r["n"].value)) for r in store.query(_LINKSETS % base, **union)],
    )
