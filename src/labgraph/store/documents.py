"""What both backends share: labgraph's own trusted queries and term conversions."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from labgraph.engine import to_bytes
from labgraph.store.base import Term
from labgraph.store.formats import QUAD_TYPES, RDF_FORMATS

#: Everything about a resource: its statements in every graph (with blank-node values), incoming
#: links, labels of its neighbours and properties, and the provenance of the graphs stating it.
#: Written for Virtuoso's planner as much as Oxigraph's (both measured; Virtuoso took 45 ms at
#: 100k with the filters inside the patterns, 10 ms like this): the blank-node values are picked
#: in a sub-select before their statements are read (``isBlank`` beside ``?s ?p ?o`` made Virtuoso
#: scan every blank node), and the neighbours' ``isIRI`` filter stays outside their sub-select (in
#: it, Virtuoso scanned every subject for ``?s ?q X``). ``$G`` drops graphs that are no source
#: graph: the store's default graph, which a remote store may also see as a named graph (see
#: :func:`describe_query`). One query, not several: each request to Virtuoso costs its compilation,
#: and several simpler queries measured no faster on either server.
_DESCRIBE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?s ?p ?o ?g WHERE {
  { GRAPH ?g { $X ?p ?o } $G BIND($X AS ?s) }
  UNION { { SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { $X ?q ?s } $G FILTER(isBlank(?s)) } } GRAPH ?g { ?s ?p ?o } }
  UNION { GRAPH ?g { ?s ?p $X } $G BIND($X AS ?o) }
  UNION { { SELECT DISTINCT ?s WHERE { { $X ?q ?s } UNION { ?s ?q $X } UNION { $X ?s ?any } UNION { ?any ?s $X } } }
          FILTER(isIRI(?s) && ?s != $X)
          { GRAPH ?g { ?s rdfs:label ?o } $G BIND(rdfs:label AS ?p) }
          UNION { GRAPH ?g { ?s skos:prefLabel ?o } $G BIND(skos:prefLabel AS ?p) } }
  UNION { GRAPH ?s { $X ?q ?any } BIND(prov:wasDerivedFrom AS ?p) GRAPH ?g { ?s ?p ?o } $G }
}
"""
_SELECT_ROWS = "SELECT DISTINCT ?s ?p ?o ?g WHERE"
_SOURCES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?doc WHERE { { GRAPH ?g { $X ?p ?o } ?g prov:wasDerivedFrom ?doc }
  UNION { $X prov:wasDerivedFrom ?doc } } ORDER BY ?doc
"""


def describe_query(iri: str, *, triples: bool = False, excluded: Iterable[str] = ()) -> str:
    """The resource's description query, with the IRI written in as a term.

    The IRI is inlined rather than bound (Oxigraph's substitutions do not reach sub-queries,
    and a VALUES join is applied after the sub-query has scanned): the neighbours are found
    first, then their labels looked up, which keeps a description to a few index reads.
    ``ox.NamedNode`` validates the IRI, and its N-Triples form is escaped. With ``triples``,
    the same as a CONSTRUCT, for triple formats: the engine merges the graphs and removes
    duplicates itself (Oxigraph keeps a triple with a blank node that two solutions give: none
    did, for any subject of the project's data), with no row per statement to convert.
    ``excluded`` graphs are left out by the server (a remote store's default graph, e.g.
    Virtuoso's copy of the merged graph, whose blank nodes are not the named graphs' own: a
    merged document would state them twice).
    """
    names = ", ".join(str(ox.NamedNode(graph)) for graph in excluded)
    keep = f"FILTER(?g NOT IN ({names}))" if names else ""
    text = _DESCRIBE.replace("$X", str(ox.NamedNode(iri))).replace("$G", keep)
    return text.replace(_SELECT_ROWS, "CONSTRUCT { ?s ?p ?o } WHERE", 1) if triples else text


def sources_query(iri: str) -> str:
    """The source documents stating anything about the resource."""
    return _SOURCES.replace("$X", str(ox.NamedNode(iri)))


def term_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Term:
    """A plain term for pages. labgraph states no RDF-star triples and reads no default graph
    here: either would be a bug upstream, and fails loudly."""
    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term("literal", term.value, term.language, term.datatype.value if not term.language else None)
    raise TypeError(f"no plain term for {term!r}")


def serialize_quads(quads: list[ox.Quad], media_type: str, prefixes: dict[str, str]) -> bytes:
    """A document: quads in a quad format; their merged, de-duplicated triples in a triple format."""
    if media_type in QUAD_TYPES:
        body = to_bytes(quads, RDF_FORMATS[media_type], prefixes=prefixes_for(media_type, prefixes))
        return _without_unused_prefixes(body) if media_type in PREFIXED else body
    return serialize_triples(
        dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads), media_type, prefixes
    )


def serialize_triples(triples: Iterable[ox.Triple], media_type: str, prefixes: dict[str, str]) -> bytes:
    """A document (a resource's description, a whole graph): produced once per release and kept,
    so it is worth declaring only the prefixes it uses, and writing the statements grouped by
    subject and predicate: Turtle then names each subject once, whatever order the store gave
    them in (Virtuoso's CONSTRUCT interleaves subjects), and the same data always gives the same
    bytes. Query results do not take this path: trimming costs a scan of the body per unused
    prefix, and a result keeps the order the query asked for."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    body = to_bytes(ordered, RDF_FORMATS[media_type], prefixes=prefixes_for(media_type, prefixes))
    return _without_unused_prefixes(body) if media_type in PREFIXED else body


PREFIXED = ("text/turtle", "application/trig")


def prefixes_for(media_type: str, prefixes: dict[str, str]) -> dict[str, str] | None:
    """The prefixes to give Oxigraph's serializer: only formats that write them."""
    return prefixes if media_type in PREFIXED else None


def _without_unused_prefixes(body: bytes) -> bytes:
    """Oxigraph declares every prefix it is given; a document about one lab uses a handful.

    A declaration is kept when its ``name:`` occurs anywhere after the declarations (at worst
    inside a literal, which only keeps a declaration that was not needed).
    """
    lines = body.split(b"\n")
    head = 0
    while head < len(lines) and lines[head].startswith(b"@prefix "):
        head += 1
    rest = b"\n".join(lines[head:])
    kept = [line for line in lines[:head] if line.split(b" ", 2)[1] in rest]
    return b"\n".join([*kept, rest]) if kept else rest
