"""Dereferencing: 303 to documents by Accept, stable document URLs, caching, errors."""

from __future__ import annotations

import json
import re

import pytest
import requests
from rdflib import Graph, URIRef

from ..conftest import BASE, LiveServer

RDF_PARSERS = {
    "text/turtle": ("turtle", "ttl"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/rdf+xml": ("xml", "rdf"),
    "application/n-triples": ("nt", "nt"),
}


def get(live: LiveServer, path: str, accept: str = "*/*", **kwargs):  # type: ignore[no-untyped-def]
    return requests.get(
        live.url + path,
        headers={"Accept": accept, **kwargs.pop("headers", {})},
        allow_redirects=kwargs.pop("allow_redirects", False),
        timeout=10,
        **kwargs,
    )


@pytest.mark.parametrize(
    "accept,ext",
    [
        ("text/html", "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("application/n-triples", "nt"),
    ],
)
def test_thing_uri_303s_to_the_document_for_its_accept(live: LiveServer, accept: str, ext: str) -> None:
    response = get(live, "/id/lab/acco-lab", accept)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/doc/lab/acco-lab.{ext}")
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("media", list(RDF_PARSERS))
def test_each_rdf_document_holds_the_resource_and_its_neighbours(live: LiveServer, media: str) -> None:
    parser, ext = RDF_PARSERS[media]
    response = get(live, f"/doc/lab/acco-lab.{ext}")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
    graph = Graph().parse(data=response.content, format=parser)
    acco = URIRef(BASE + "id/lab/acco-lab")
    assert (acco, None, None) in graph
    # incoming link, label of a neighbour, and the source document of the statements
    assert (URIRef(BASE + "id/network/labo-des-labs"), None, acco) in graph
    assert (URIRef(BASE + "id/organisation/bnf"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None) in graph
    assert (
        URIRef(BASE + "graph/culture-labo-des-labs"),
        URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
        URIRef(BASE + "id/document/culture-labo-des-labs"),
    ) in graph


def test_the_rdf_serialisations_agree(live: LiveServer) -> None:
    graphs = [
        Graph().parse(data=get(live, f"/doc/network/labo-des-labs.{ext}").content, format=parser)
        for parser, ext in RDF_PARSERS.values()
    ]
    from rdflib.compare import isomorphic

    assert all(isomorphic(graphs[0], other) for other in graphs[1:])


def test_quads_formats_keep_the_graph_of_each_statement(live: LiveServer) -> None:
    response = get(live, "/doc/organisation/ministere-culture.nq")
    graphs = {line.rsplit(" ", 2)[-2] for line in response.text.splitlines() if line.strip()}
    assert f"<{BASE}graph/culture-labo-des-labs>" in graphs and f"<{BASE}graph/lucas-openlabs>" in graphs


def test_documents_link_to_their_alternates(live: LiveServer) -> None:
    response = get(live, "/doc/lab/acco-lab.ttl")
    links = response.headers["Link"]
    for ext in ("html", "jsonld", "rdf", "nt"):
        assert f"/doc/lab/acco-lab.{ext}>" in links
    html = get(live, "/doc/lab/acco-lab.html").text
    assert re.search(r'<link rel="alternate" type="text/turtle" href="[^"]*/doc/lab/acco-lab.ttl">', html)


def test_revalidation_gives_304(live: LiveServer) -> None:
    first = get(live, "/doc/lab/acco-lab.ttl")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = get(live, "/doc/lab/acco-lab.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = get(live, "/doc/lab/acco-lab.ttl", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_head_matches_get(live: LiveServer) -> None:
    for path in ("/id/lab/acco-lab", "/doc/lab/acco-lab.ttl"):
        got = get(live, path, "text/turtle")
        head = requests.head(live.url + path, headers={"Accept": "text/turtle"}, timeout=10)
        assert head.status_code == got.status_code and head.content == b""
        assert head.headers.get("Location") == got.headers.get("Location")
        assert head.headers["Content-Type"] == got.headers["Content-Type"]


def test_negotiating_document_url(live: LiveServer) -> None:
    response = get(live, "/doc/lab/acco-lab", "application/ld+json")
    assert response.status_code == 200
    assert response.headers["Content-Location"].endswith("/doc/lab/acco-lab.jsonld")
    assert "Accept" in response.headers["Vary"]


def test_cors_on_every_hop(live: LiveServer) -> None:
    response = requests.get(
        live.url + "/id/lab/acco-lab", headers={"Accept": "text/turtle", "Origin": "http://o.example"}, timeout=10
    )
    for hop in [*response.history, response]:
        assert hop.headers["Access-Control-Allow-Origin"] in ("*", "http://o.example")


def test_responses_are_cacheable_by_a_shared_cache(live: LiveServer) -> None:
    """What a proxy cache keys on: one Vary header naming every request header the answer depends
    on, and no Origin among them (the same ACAO for every origin, so one cached copy serves all)."""
    for path, accept, varies in [
        ("/id/lab/acco-lab", "text/turtle", {"accept"}),
        ("/doc/lab/acco-lab", "application/ld+json", {"accept"}),
        ("/doc/lab/acco-lab", "text/html", {"accept", "accept-language"}),
        ("/doc/lab/acco-lab.html", "*/*", {"accept-language"}),
    ]:
        response = get(live, path, accept, headers={"Origin": "http://o.example"})
        assert response.status_code in (200, 303), path
        lines = response.raw.headers.getlist("Vary")
        assert len(lines) == 1, (path, lines)
        named = {v.strip().lower() for v in lines[0].split(",")}
        assert varies <= named and "origin" not in named, (path, lines)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "public" in response.headers["Cache-Control"] and "max-age=" in response.headers["Cache-Control"]


def test_data_documents_have_one_etag_whatever_the_language(live: LiveServer) -> None:
    french = get(live, "/doc/lab/acco-lab.ttl", headers={"Accept-Language": "fr"})
    english = get(live, "/doc/lab/acco-lab.ttl", headers={"Accept-Language": "en"})
    assert french.content == english.content and french.headers["ETag"] == english.headers["ETag"]
    pages = [get(live, "/doc/lab/acco-lab.html", headers={"Accept-Language": lang}) for lang in ("fr", "en")]
    assert pages[0].headers["ETag"] != pages[1].headers["ETag"]


def test_gzip(live: LiveServer) -> None:
    response = get(live, "/doc/network/labo-des-labs.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(Graph().parse(data=response.text, format="turtle")) > 20


@pytest.mark.parametrize(
    "accept,check",
    [
        ("text/turtle", lambda r: Graph().parse(data=r.text, format="turtle") is not None),
        ("application/ld+json", lambda r: json.loads(r.text)["error"]["status"] == 404),
        ("text/html", lambda r: "<h1>404" in r.text),
    ],
)
def test_unknown_uri_is_404_in_the_requested_format(live: LiveServer, accept: str, check) -> None:  # type: ignore[no-untyped-def]
    for path in (
        "/id/lab/does-not-exist",
        "/doc/lab/does-not-exist.ttl" if accept == "text/turtle" else "/id/person/nobody",
    ):
        response = get(live, path, accept)
        assert response.status_code == 404
        assert check(response)


@pytest.mark.parametrize(
    "path",
    [
        "/id/lab/..%2F..%2Fetc%2Fpasswd",
        "/id/lab/../../etc/passwd",
        "/doc/..%2F..%2Fetc%2Fpasswd.ttl",
        "/dumps/%2e%2e/%2e%2e/etc/passwd",
        "/dumps/..%2Fmanifest.json",
        "/id/lab/acco-lab%00",
        "/id/lab/ACCO-LAB",
        "/id/lab/acco-lab/",
        "/id/lab/acco%C3%A9",
        "/static/..%2F..%2Fbuild.py",
        "/doc/lab/acco-lab.exe",
        "/id/" + "a" * 9000,
    ],
)
def test_hostile_paths_get_4xx_and_no_file(live: LiveServer, path: str) -> None:
    response = requests.get(live.url + path, headers={"Accept": "text/turtle"}, timeout=10)
    assert 400 <= response.status_code < 500
    assert "root:" not in response.text and "def run_build" not in response.text


def test_ontology_terms_concepts_and_namespace_dereference(live: LiveServer) -> None:
    term = get(live, "/def/Lab", "text/turtle")
    assert term.status_code == 303 and term.headers["Location"].endswith("/doc/def/Lab.ttl")
    graph = Graph().parse(data=get(live, "/doc/def/Lab.ttl").text, format="turtle")
    assert (URIRef(BASE + "def/Lab"), URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), None) in graph
    concept = get(live, "/id/concept/method/co-development", "text/turtle", allow_redirects=True)
    assert "co-développement" in concept.text
    namespace = get(live, "/def/", "text/turtle", allow_redirects=True)
    whole = Graph().parse(data=namespace.text, format="turtle")
    assert len(list(whole.subjects(None, URIRef("http://www.w3.org/2002/07/owl#Class")))) >= 9
    html = get(live, "/def/", "text/html", allow_redirects=True)
    assert "lg:Lab" in html.text and "laboratoire ou incubateur" in html.text
    assert 'href="/def/Lab"' in html.text


def test_named_graph_iris_dereference(live: LiveServer) -> None:
    response = get(live, "/graph/lucas-openlabs", "text/turtle", allow_redirects=True)
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(BASE + "graph/lucas-openlabs"), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None) in graph


def test_unsupported_resource_format_is_406(live: LiveServer) -> None:
    assert get(live, "/id/lab/acco-lab", "image/png").status_code == 406


@pytest.mark.parametrize("path", ["lab/acco-lab", "network/labo-des-labs", "person/severine-delage"])
def test_every_triple_format_says_what_the_quad_document_says(live: LiveServer, path: str) -> None:
    # Triple formats are written from the engine's merge of the graphs, quad formats from the
    # statements per graph: both must describe the same triples, blank nodes included.
    import pyoxigraph as ox
    from rdflib.compare import isomorphic

    from labgraph.rdflib_terms import to_rdflib_term

    response = get(live, f"/doc/{path}.nq")
    if response.status_code == 404:
        pytest.fail(f"{path} is not in the data")
    merged = Graph()
    for quad in ox.parse(response.content, format=ox.RdfFormat.N_QUADS):
        merged.add((to_rdflib_term(quad.subject), to_rdflib_term(quad.predicate), to_rdflib_term(quad.object)))
    assert len(merged) > 5
    for parser, ext in RDF_PARSERS.values():
        graph = Graph().parse(data=get(live, f"/doc/{path}.{ext}").content, format=parser)
        assert isomorphic(graph, merged), f"{ext} differs from the merge of the quads"


def test_turtle_documents_declare_only_the_prefixes_they_use(live: LiveServer) -> None:
    text = get(live, "/doc/lab/acco-lab.ttl").text
    declarations = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix ")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix "))
    assert "rdfs:" in declarations and "lab:" in declarations
    assert all(name in body for name in declarations), declarations
    assert "sd:" not in declarations  # the service-description vocabulary says nothing about a lab
    assert len(Graph().parse(data=text, format="turtle")) > 10
