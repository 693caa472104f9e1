"""The SPARQL endpoint through a real server, with real clients (SPARQLWrapper, requests)."""

from __future__ import annotations

import csv
import io
import json
import threading
import time

import pytest
import requests
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, URITooLong

from ..conftest import BASE, LiveServer

LABS = f"""PREFIX lg: <{BASE}def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?lab ?label WHERE {{ ?lab a lg:Lab ; rdfs:label ?label FILTER(LANG(?label) = "fr") }} ORDER BY ?label"""
ACCO = BASE + "id/lab/acco-lab"
CONSTRUCT = f"CONSTRUCT {{ <{ACCO}> ?p ?o }} WHERE {{ <{ACCO}> ?p ?o }}"


def wrapper(live: LiveServer, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def alive(live: LiveServer) -> bool:
    return requests.get(live.url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200


# ------------------------------------------------------------------------------ clients


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(live: LiveServer, method: str) -> None:
    result = wrapper(live, LABS, JSON, method).queryAndConvert()
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]  # type: ignore[index]
    assert "Acco{lab" in labels and "Bercylab" in labels
    assert labels == sorted(labels, key=str)


def test_sparqlwrapper_xml(live: LiveServer) -> None:
    document = wrapper(live, LABS, XML).queryAndConvert()
    names = [node.firstChild.data for node in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert "Acco{lab" in names


@pytest.mark.parametrize("fmt,delimiter", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(live: LiveServer, fmt: str, delimiter: str) -> None:
    raw = wrapper(live, LABS, fmt).queryAndConvert()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8")), delimiter=delimiter))  # type: ignore[union-attr]
    header, *body = rows
    assert [h.lstrip("?") for h in header] == ["lab", "label"]
    assert any("Acco{lab" in cell for row in body for cell in row)


def test_sparqlwrapper_ask(live: LiveServer) -> None:
    assert wrapper(live, f"ASK {{ <{ACCO}> ?p ?o }}", JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]
    assert wrapper(live, "ASK { <urn:nothing> ?p ?o }", XML).queryAndConvert() is not None


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
def test_sparqlwrapper_construct_formats(live: LiveServer, fmt: str) -> None:
    graph = wrapper(live, CONSTRUCT, fmt).queryAndConvert()
    if not isinstance(graph, Graph):
        graph = Graph().parse(data=graph, format="json-ld" if fmt == JSONLD else "turtle")
    assert (None, None, None) in graph
    assert any(str(s) == ACCO for s in graph.subjects())


def test_sparqlwrapper_describe(live: LiveServer) -> None:
    graph = wrapper(live, f"DESCRIBE <{ACCO}>", TURTLE).queryAndConvert()
    graph = graph if isinstance(graph, Graph) else Graph().parse(data=graph, format="turtle")
    assert len(graph) > 5


def test_sparqlwrapper_reports_syntax_errors(live: LiveServer) -> None:
    with pytest.raises(QueryBadFormed) as caught:
        wrapper(live, "SELECT ?x WHERE { ?x ?p }", JSON).queryAndConvert()
    assert "1:" in str(caught.value)  # the parser's position


def test_sparqlwrapper_uri_too_long(live: LiveServer) -> None:
    long_query = 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "' + "x" * 9000 + '") }'
    with pytest.raises((URITooLong, EndPointInternalError, QueryBadFormed)):
        wrapper(live, long_query, JSON).queryAndConvert()
    response = requests.get(live.url + "/sparql", params={"query": long_query}, timeout=10)
    assert response.status_code == 414 and "max_url_bytes" in response.text


# ------------------------------------------------------------------------------ negotiation


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        (None, "application/sparql-results+json"),
        ("application/sparql-results+xml;q=0.2, application/sparql-results+json", "application/sparql-results+json"),
        ("text/csv;q=0.5, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        (";;,q=abc", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(live: LiveServer, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = requests.get(live.url + "/sparql", params={"query": LABS}, headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=0, application/ld+json", "application/ld+json"),
        ("*/*", "text/turtle"),
    ],
)
def test_construct_negotiation(live: LiveServer, accept: str, expected: str) -> None:
    response = requests.get(live.url + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    parser = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }[expected]
    assert len(Graph().parse(data=response.content, format=parser)) > 5


def test_graph_results_in_turtle_use_the_graphs_prefixes(live: LiveServer) -> None:
    """The query workers get the prefixes once, with the data; every Turtle answer uses them."""
    for _ in range(3):  # whichever worker answers
        response = requests.get(
            live.url + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}, timeout=10
        )
        assert response.status_code == 200
        if live.backend == "embedded":
            assert f"@prefix lg: <{BASE}def/> ." in response.text
            assert " a lg:Lab" in response.text or "rdf:type lg:Lab" in response.text


def test_format_parameter_for_browsers(live: LiveServer) -> None:
    response = requests.get(
        live.url + "/sparql", params={"query": LABS, "format": "csv"}, headers={"Accept": "text/html"}, timeout=10
    )
    assert response.headers["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "query,accept", [(LABS, "text/turtle"), (CONSTRUCT, "application/sparql-results+json"), ("ASK {}", "text/csv")]
)
def test_unsatisfiable_accept_is_406_listing_types(live: LiveServer, query: str, accept: str) -> None:
    response = requests.get(live.url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=10)
    assert response.status_code == 406
    assert "available" in response.text


def test_service_description_with_void_statistics(live: LiveServer) -> None:
    response = requests.get(live.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    graph = Graph().parse(data=response.text, format="turtle")
    rows = list(
        graph.query("""PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?triples WHERE {
            ?s sd:endpoint ?endpoint ; sd:defaultDataset/sd:defaultGraph/void:triples ?triples }""")
    )
    assert [(str(e), int(t)) for e, t in rows][0][0] == live.url + "/sparql"
    assert int(rows[0][1]) > 5000


# ------------------------------------------------------------------------------ bad input


def test_malformed_query_is_400_with_parser_message(live: LiveServer) -> None:
    for send in (
        lambda q: requests.get(live.url + "/sparql", params={"query": q}, timeout=10),
        lambda q: requests.post(
            live.url + "/sparql", data=q.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10
        ),
    ):
        response = send("SELECT ?x WHERE { ?x ?p }")
        assert response.status_code == 400
        assert "syntax error" in response.text and "1:" in response.text
        assert "Traceback" not in response.text
    assert alive(live)


@pytest.mark.parametrize(
    "send",
    [
        lambda url: requests.get(url, params={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, timeout=10),
        lambda url: requests.post(url, data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}, timeout=10),
        lambda url: requests.post(
            url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}, timeout=10
        ),
        lambda url: requests.get(url, params={"update": "DROP ALL"}, timeout=10),
    ],
)
def test_updates_are_refused_and_never_run(live: LiveServer, send) -> None:  # type: ignore[no-untyped-def]
    count = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    before = requests.get(live.url + "/sparql", params={"query": count}, timeout=10).json()
    response = send(live.url + "/sparql")
    assert response.status_code in (400, 403)
    assert "read-only" in response.text
    assert requests.get(live.url + "/sparql", params={"query": count}, timeout=10).json() == before


def test_oversize_query_is_413_naming_the_setting(live: LiveServer) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 20000
    response = requests.post(
        live.url + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10
    )
    assert response.status_code == 413
    assert "max_query_bytes" in response.text


def test_query_over_the_time_limit_is_stopped_with_503(live: LiveServer) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    response = requests.get(live.url + "/sparql", params={"query": heavy}, timeout=30)
    assert response.status_code == (503 if live.backend == "embedded" else 504)
    assert "query_timeout_s" in response.text
    if live.backend == "embedded":
        assert response.headers.get("Retry-After")
    assert time.monotonic() - started < 6
    assert alive(live)


def test_light_query_answers_while_a_heavy_one_runs(live: LiveServer) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    worker = threading.Thread(
        target=requests.get, args=(live.url + "/sparql",), kwargs={"params": {"query": heavy}, "timeout": 30}
    )
    worker.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert alive(live)
    assert time.monotonic() - started < 1.5
    worker.join()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ OPTIONAL {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "SELECT * WHERE {{ BIND(<{url}> AS ?v) SERVICE ?v {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE <http://localhost:{port}/x> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE <http://[::1]:{port}/x> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_to_loopback_is_refused_without_fetching(live: LiveServer, canary, template: str) -> None:  # type: ignore[no-untyped-def]
    port = canary.server_address[1]
    query = template.format(url=f"http://127.0.0.1:{port}/sparql", port=port)
    response = requests.get(live.url + "/sparql", params={"query": query}, timeout=10)
    assert response.status_code == 403
    assert "SERVICE" in response.text
    assert canary.hits == []


def test_service_inside_a_literal_is_data(live: LiveServer, canary) -> None:  # type: ignore[no-untyped-def]
    query = f'SELECT ?x WHERE {{ BIND("SERVICE <http://127.0.0.1:{canary.server_address[1]}/>" AS ?x) }}'
    response = requests.get(live.url + "/sparql", params={"query": query}, timeout=10)
    assert response.status_code == 200
    assert canary.hits == []


def test_from_iris_are_never_fetched(live: LiveServer, canary) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{canary.server_address[1]}/data.ttl"
    for params in (
        {"query": f"ASK FROM <{url}> {{ ?s ?p ?o }}"},
        {"query": "ASK {}", "default-graph-uri": url},
        {"query": f"ASK FROM NAMED <{url}> {{}}"},
        {"query": "ASK FROM <file:///etc/passwd> { ?s ?p ?o }"},
    ):
        response = requests.get(live.url + "/sparql", params=params, timeout=10)
        assert response.status_code == 200
        assert "root:" not in response.text
    assert canary.hits == []


@pytest.mark.parametrize("opening", ["(", "{"])
def test_deep_nesting_is_refused_and_the_server_survives(live: LiveServer, opening: str) -> None:
    closing = {"(": ")", "{": "}"}[opening]
    if opening == "(":
        query = "SELECT * WHERE { ?s ?p ?o FILTER" + "(" * 5000 + "true" + ")" * 5000 + " }"
    else:
        query = "SELECT * WHERE " + opening * 5000 + closing * 5000
    response = requests.post(
        live.url + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10
    )
    assert response.status_code == 400
    assert "nests" in response.text and "max_nesting" in response.text
    assert alive(live)


def test_results_over_max_rows_are_cut_and_flagged(live: LiveServer) -> None:
    response = requests.get(
        live.url + "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=20,
    )
    assert response.status_code == 200
    assert response.headers["Labgraph-Truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == 200
    graph = requests.get(
        live.url + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
        timeout=20,
    )
    assert graph.headers["Labgraph-Truncated"] == "true"
    assert len([line for line in graph.text.splitlines() if line.strip()]) == 200


def test_small_results_are_not_flagged(live: LiveServer) -> None:
    response = requests.get(live.url + "/sparql", params={"query": LABS}, timeout=10)
    assert "Labgraph-Truncated" not in response.headers


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_other_methods_are_405_with_allow(live: LiveServer, method: str) -> None:
    response = requests.request(method, live.url + "/sparql", timeout=10)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    "body,content_type,status",
    [
        (b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", "application/x-www-form-urlencoded", 400),
        (b"query=ASK%20%7B%7D&update=DROP%20ALL", "application/x-www-form-urlencoded", 400),
        (b"ASK {}", "text/plain", 415),
        ("ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16", 415),
        (b"query=ASK%20%7B%20%22%FF%22%20%7D", "application/x-www-form-urlencoded", 400),
        (b"", "application/sparql-query", 400),
    ],
)
def test_protocol_errors(live: LiveServer, body: bytes, content_type: str, status: int) -> None:
    response = requests.post(live.url + "/sparql", data=body, headers={"Content-Type": content_type}, timeout=10)
    assert response.status_code == status
    assert response.status_code < 500


def test_cors_and_caching_of_get_results(live: LiveServer) -> None:
    response = requests.get(
        live.url + "/sparql", params={"query": LABS}, headers={"Origin": "http://x.example"}, timeout=10
    )
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "http://x.example")
    again = requests.get(
        live.url + "/sparql", params={"query": LABS}, headers={"If-None-Match": response.headers["ETag"]}, timeout=10
    )
    assert again.status_code == 304


def test_gzip_when_asked(live: LiveServer) -> None:
    response = requests.get(
        live.url + "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 150"},
        headers={"Accept-Encoding": "gzip"},
        timeout=10,
    )
    assert response.headers.get("Content-Encoding") == "gzip"
    assert len(response.json()["results"]["bindings"]) == 150


def test_saturated_pool_answers_503_quickly_not_forever(server_settings, built) -> None:  # type: ignore[no-untyped-def]
    settings = server_settings.replace(query_workers=1, worker_wait_s=0.2, query_timeout_s=3.0)
    server = LiveServer(settings)
    try:
        from ..conftest import _wait_ready

        _wait_ready(server.url)
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        runner = threading.Thread(
            target=requests.get, args=(server.url + "/sparql",), kwargs={"params": {"query": heavy}, "timeout": 30}
        )
        runner.start()
        time.sleep(0.5)
        started = time.monotonic()
        response = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert time.monotonic() - started < 2
        runner.join()
    finally:
        server.close()


def test_json_error_shape(live: LiveServer) -> None:
    response = requests.get(
        live.url + "/sparql", params={"query": "SELEC"}, headers={"Accept": "application/json"}, timeout=10
    )
    body = json.loads(response.text)
    assert body["error"]["status"] == 400 and "syntax error" in body["error"]["message"]
