"""Move triples between Oxigraph (parsing, storing, querying, dumps) and rdflib (SHACL).

rdflib and pySHACL treat a plain literal and an ``xsd:string`` literal as different terms, so
strings are converted to plain literals on the way in; every graph built here goes through the
same conversion and compares consistently.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_graph(triples: Iterable[ox.Triple | ox.Quad], prefixes: dict[str, str] | None = None) -> Graph:
    """One rdflib graph with the triples of every given quad (graph names dropped)."""
    graph = Graph(bind_namespaces="core")
    for name, iri in (prefixes or {}).items():
        graph.bind(name, iri, replace=True)
    for t in triples:
        graph.add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object)))  # type: ignore[arg-type]
    return graph
