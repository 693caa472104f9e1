"""The dataset description (VoID + DCAT) and the dumps."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF, VOID

from ..conftest import LiveServer


def test_void_at_both_addresses(live: LiveServer) -> None:
    for path in ("/void", "/.well-known/void"):
        response = requests.get(live.url + path, headers={"Accept": "text/turtle"}, timeout=10)
        graph = Graph().parse(data=response.text, format="turtle")
        dataset = next(graph.subjects(VOID.sparqlEndpoint, None))
        assert (dataset, RDF.type, VOID.Dataset) in graph
        assert (dataset, VOID.sparqlEndpoint, URIRef(live.url + "/sparql")) in graph
        assert (
            dataset,
            URIRef("http://purl.org/dc/terms/license"),
            URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence"),
        ) in graph
        assert int(graph.value(dataset, VOID.triples)) > 5000  # type: ignore[arg-type]
        assert len(list(graph.objects(dataset, VOID.exampleResource))) >= 3
        assert len(list(graph.objects(dataset, VOID.vocabulary))) >= 5


def test_void_lists_dumps_with_media_types_and_sizes(live: LiveServer) -> None:
    graph = Graph().parse(
        data=requests.get(live.url + "/void", headers={"Accept": "text/turtle"}, timeout=10).text, format="turtle"
    )
    dumps = list(graph.objects(None, VOID.dataDump))
    assert any(str(d).endswith("/dumps/labgraph.nq.gz") for d in dumps)
    for dump in dumps:
        size = graph.value(dump, DCAT.byteSize)
        assert isinstance(size, Literal) and int(size) > 0
        assert graph.value(dump, DCAT.mediaType) is not None


def test_compressed_dump_downloads_and_parses(live: LiveServer) -> None:
    response = requests.get(live.url + "/dumps/labgraph.nq.gz", timeout=30)
    assert response.status_code == 200
    quads = list(ox.parse(gzip.decompress(response.content), ox.RdfFormat.N_QUADS))
    assert len(quads) > 5000


def test_dump_listing_and_unknown_dump(live: LiveServer) -> None:
    listing = requests.get(live.url + "/dumps/", timeout=10).text
    assert "labgraph.trig.gz" in listing
    assert requests.get(live.url + "/dumps/no-such-file.ttl", timeout=10).status_code == 404
    assert requests.get(live.url + "/dumps/store", timeout=10).status_code == 404  # the release's store is not a dump


def test_void_lists_the_link_sets_with_their_counts(live: LiveServer) -> None:
    graph = Graph().parse(
        data=requests.get(live.url + "/void", headers={"Accept": "text/turtle"}, timeout=10).text, format="turtle"
    )
    linksets = {
        (str(graph.value(ls, VOID.linkPredicate)), str(graph.value(ls, VOID.objectsTarget))): int(
            graph.value(ls, VOID.triples)
        )  # type: ignore[arg-type]
        for ls in graph.subjects(RDF.type, VOID.Linkset)
    }
    same_as = requests.get(
        live.url + "/sparql",
        params={
            "query": """
        SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o {
          ?s <http://www.w3.org/2002/07/owl#sameAs> ?o FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/")) } }"""
        },
        timeout=10,
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert linksets[("http://www.w3.org/2002/07/owl#sameAs", "http://www.wikidata.org/")] == int(same_as) > 20
    assert linksets[("http://www.w3.org/2004/02/skos/core#closeMatch", "http://id.insee.fr/")] > 20
