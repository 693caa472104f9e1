"""What both backends share: labgraph's own trusted queries and term conversions."""

from __future__ import annotations

import pyoxigraph as ox

from labgraph.store.base import Term
from labgraph.store.formats import QUAD_TYPES, RDF_FORMATS

#: Everything about ?x: its statements in every graph (with blank-node values), incoming
#: links, labels of its neighbours and properties, and the provenance of the graphs stating it.
DESCRIBE_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?x ?s ?p ?o ?g WHERE {
  { GRAPH ?g { ?x ?p ?o } BIND(?x AS ?s) }
  UNION { GRAPH ?g { ?x ?q ?s . ?s ?p ?o FILTER(isBlank(?s)) } }
  UNION { GRAPH ?g { ?s ?p ?x } BIND(?x AS ?o) }
  UNION { { GRAPH ?h { ?x ?q ?s } } UNION { GRAPH ?h { ?s ?q ?x } }
          UNION { GRAPH ?h { ?x ?s ?any } } UNION { GRAPH ?h { ?any ?s ?x } }
          FILTER(isIRI(?s) && ?s != ?x)
          VALUES ?p { rdfs:label skos:prefLabel }
          GRAPH ?g { ?s ?p ?o } }
  UNION { GRAPH ?s { ?x ?q ?any } BIND(prov:wasDerivedFrom AS ?p) GRAPH ?g { ?s ?p ?o } }
}
"""
SOURCES_QUERY = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX lg: <%s>
SELECT DISTINCT ?x ?doc WHERE { { GRAPH ?g { ?x ?p ?o } ?g prov:wasDerivedFrom ?doc }
  UNION { ?x prov:wasDerivedFrom ?doc } } ORDER BY ?doc
"""


def term_of(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    return Term("literal", term.value, term.language, term.datatype.value if not term.language else None)


def serialize_quads(quads: list[ox.Quad], media_type: str, prefixes: dict[str, str]) -> bytes:
    """Quads in a quad format; their merged, de-duplicated triples in a triple format."""
    fmt = RDF_FORMATS[media_type]
    useful = prefixes if media_type in ("text/turtle", "application/trig") else None
    if media_type in QUAD_TYPES:
        return ox.serialize(quads, format=fmt, prefixes=useful)
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    return ox.serialize(triples, format=fmt, prefixes=useful)
