"""One check for both remote servers (Oxigraph, Virtuoso): a remote store describes a resource
exactly as the embedded store does, in a triple format (asked of the server as a CONSTRUCT), a
quad format and a page (asked as rows), over the cases where the description query has branches
of its own: blank-node values, incoming links from blank nodes, literals with languages and
datatypes, a resource stated in two graphs, one that is only ever an object, and none at all."""

from __future__ import annotations

import pyoxigraph as ox

from labgraph.store.base import Statement, Store

from ..conftest import BASE

RESOURCES = (
    BASE + "id/call/ami-openlabs-2019",  # stated quantities: blank nodes, decimals, dates
    BASE + "id/lab/acco-lab",  # incoming links, neighbours' labels in two languages, provenance
    BASE + "id/organisation/adf",  # linked to from blank nodes (qualified associations)
    BASE + "id/territory/creuse",  # stated in two graphs
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence",  # only ever an object
)
MISSING = BASE + "id/lab/no-such-lab"
FORMATS = ("application/n-triples", "text/turtle", "application/rdf+xml", "application/n-quads", "application/trig")


def canonical(body: bytes, media_type: str) -> list[str]:
    """The document's statements with blank nodes named by their place in the graph, since
    each store names them its own way."""
    fmt = {
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "application/n-quads": ox.RdfFormat.N_QUADS,
        "application/trig": ox.RdfFormat.TRIG,
    }[media_type]
    dataset = ox.Dataset(ox.parse(body, format=fmt))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(quad) for quad in dataset)


def _plain(statement: Statement) -> tuple[object, ...]:
    """A page's statement with blank-node labels left out (each store has its own)."""
    terms = (statement.subject, statement.predicate, statement.object)
    return tuple((t.kind, "" if t.kind == "bnode" else t.value, t.language or "", t.datatype or "") for t in terms) + (
        statement.graph or "",
    )


def assert_same_descriptions(remote: Store, embedded: Store) -> None:
    for iri in RESOURCES:
        for media_type in FORMATS:
            mine, theirs = embedded.describe(iri, media_type), remote.describe(iri, media_type)
            assert mine is not None and theirs is not None and mine.body and theirs.body, (iri, media_type)
            expected = canonical(mine.body, media_type)
            assert canonical(theirs.body, media_type) == expected and len(expected) > 3, (iri, media_type)
        page, expected_page = remote.describe(iri), embedded.describe(iri)
        assert page is not None and expected_page is not None
        assert sorted(map(_plain, page.statements)) == sorted(map(_plain, expected_page.statements)), iri
        assert page.sources == expected_page.sources, iri
    for media_type in (*FORMATS, None):
        assert remote.describe(MISSING, media_type) is None and embedded.describe(MISSING, media_type) is None
