"""The remote backend against a real Oxigraph server that the test stops and restarts.

Virtuoso's own answers are read in ``test_virtuoso.py`` against a real Virtuoso, when installed;
the answers it sends, recorded from Virtuoso 7.2.5, are also read here so that every run checks
them."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import requests

from labgraph.config import Settings
from labgraph.graph.build import BuildResult
from labgraph.store.base import QueryRequest
from labgraph.store.embedded import EmbeddedStore
from labgraph.store.remote import RemoteStore
from labgraph.store.remote_answers import ask_answer, usable_json

from ..conftest import BASE, PROTOCOL_DATASET, LiveServer, OxigraphServer, _wait_ready
from .describing import assert_same_descriptions

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_publish_loads_named_graphs_and_the_merged_default_graph(built: BuildResult, tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph")
    try:
        server.load(built.release)
        graphs = requests.get(
            server.url + "/query",
            params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        ).json()
        names = {b["g"]["value"] for b in graphs["results"]["bindings"]}
        assert names == set(built.stats.as_dict()["graphs"])  # type: ignore[arg-type]
        merged = requests.get(
            server.url + "/query",
            params={"query": COUNT},
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        ).json()
        assert int(merged["results"]["bindings"][0]["n"]["value"]) == built.stats.triples
    finally:
        server.stop()


def test_server_stopped_mid_run_gives_502_then_recovers(
    server_settings: Settings, built: BuildResult, tmp_path: Path
) -> None:
    remote = OxigraphServer(tmp_path / "oxigraph")
    remote.load(built.release)
    live = LiveServer(server_settings.replace(store=f"sparql:{remote.url}/query"))
    try:
        _wait_ready(live.url)
        assert requests.get(live.url + "/sparql", params={"query": COUNT}, timeout=10).status_code == 200
        remote.stop()
        started = time.monotonic()
        down = requests.get(live.url + "/sparql", params={"query": COUNT}, timeout=30)
        assert down.status_code == 502 and "cannot reach the SPARQL server" in down.text
        assert time.monotonic() - started < server_settings.query_timeout_s + 5
        page = requests.get(live.url + "/doc/lab/acco-lab.ttl", timeout=30)
        assert page.status_code == 502 and "Traceback" not in page.text
        remote.start()
        back = requests.get(live.url + "/sparql", params={"query": COUNT}, timeout=10)
        assert back.status_code == 200
        assert requests.get(live.url + "/doc/lab/acco-lab.ttl", timeout=10).status_code == 200
    finally:
        live.close()
        remote.stop()


def test_stalled_server_gives_504_within_the_time_limit(
    server_settings: Settings, built: BuildResult, tmp_path: Path
) -> None:
    import os
    import signal

    remote = OxigraphServer(tmp_path / "oxigraph")
    remote.load(built.release)
    live = LiveServer(server_settings.replace(store=f"sparql:{remote.url}/query", query_timeout_s=1.0))
    try:
        _wait_ready(live.url)
        os.kill(remote.process.pid, signal.SIGSTOP)  # type: ignore[union-attr]
        started = time.monotonic()
        response = requests.get(live.url + "/sparql", params={"query": COUNT}, timeout=30)
        assert response.status_code == 504 and "query_timeout_s" in response.text
        assert time.monotonic() - started < 10  # bounded by the 1 s limit, not by the stalled server
        os.kill(remote.process.pid, signal.SIGCONT)  # type: ignore[union-attr]
        # Back: answers again (allowing for a loaded machine, where the first try may still time out).
        deadline = time.monotonic() + 30
        while requests.get(live.url + "/sparql", params={"query": COUNT}, timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "no recovery after the server came back"
            time.sleep(0.5)
    finally:
        live.close()
        remote.stop()


def test_a_dataset_in_the_store_url_goes_with_queries_that_choose_none(
    server_settings: Settings, built: BuildResult, oxigraph_server: OxigraphServer
) -> None:
    """Form-encoded POSTs carry their parameters in the body: the URL's dataset moves there, and
    gives way to the request's own."""
    ontology, sources = BASE + "graph/ontology", BASE + "graph/sources"
    graphs = built.stats.as_dict()["graphs"]
    remote = RemoteStore(server_settings, f"{oxigraph_server.url}/query?default-graph-uri={ontology}", built.release)
    assert remote.query_url == f"{oxigraph_server.url}/query" and remote.default_graphs == (ontology,)

    def count(request: QueryRequest) -> int:
        return int(remote.query(request).body.decode().split()[-1])

    assert count(QueryRequest(COUNT, "text/csv")) == graphs[ontology]["triples"]  # type: ignore[index]
    assert count(QueryRequest(COUNT, "text/csv", (sources,))) == graphs[sources]["triples"]  # type: ignore[index]
    assert remote.count(COUNT) == graphs[ontology]["triples"]  # type: ignore[index]
    assert remote.exists(BASE + "def/Lab")  # a class of the ontology graph
    assert not remote.exists(BASE + "id/lab/acco-lab")  # in another graph


def test_a_store_with_an_update_url_reads_through_its_query_url(
    server_settings: Settings, built: BuildResult, oxigraph_server: OxigraphServer
) -> None:
    """``sparql:QUERY_URL,UPDATE_URL``: the update URL is publish's; the store, dataset included,
    is the query URL's."""
    from labgraph.store.factory import open_store

    ontology = BASE + "graph/ontology"
    url = oxigraph_server.url
    store = open_store(server_settings.replace(store=f"sparql:{url}/query?default-graph-uri={ontology},{url}/update"))
    try:
        assert isinstance(store, RemoteStore)
        assert store.query_url == f"{url}/query" and store.default_graphs == (ontology,)
        assert store.count(COUNT) == built.stats.as_dict()["graphs"][ontology]["triples"]  # type: ignore[index]
    finally:
        store.close()


def test_descriptions_are_the_embedded_store_s_in_every_format(
    server_settings: Settings, built: BuildResult, oxigraph_server: OxigraphServer
) -> None:
    extra = (PROTOCOL_DATASET,) if PROTOCOL_DATASET.is_file() else ()
    embedded = EmbeddedStore(server_settings, built.release, extra)
    try:
        assert_same_descriptions(RemoteStore(server_settings, f"{oxigraph_server.url}/query", built.release), embedded)
    finally:
        embedded.close()


def test_virtuoso_answers_recorded_from_7_2_5_are_read() -> None:
    bnodes = (
        b'{ "head": { "link": [], "vars": ["s", "o"] },\n  "results": { "distinct": false, "ordered": true, '
        b'"bindings": [\n    { "s": { "type": "uri", "value": "https://w3id.org/labgraph/id/call/x" }\t, '
        b'"o": { "type": "bnode", "value": "nodeID://b10055" }},\n    { "s": { "type": "bnode", "value": '
        b'"nodeID://b10055" }\t, "o": { "type": "literal", "xml:lang": "fr", "value": "\\u00E9t\\u00E9" }} ] } }'
    )
    rows = list(ox.parse_query_results(usable_json(bnodes), ox.QueryResultsFormat.JSON))  # type: ignore[arg-type]
    assert rows[0]["o"] == rows[1]["s"] == ox.BlankNode("b10055") and rows[1]["o"].value == "\u00e9t\u00e9"
    plain = b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":{"type":"bnode","value":"b0"}}]}}'
    assert usable_json(plain) is plain
    retval = (
        b'{ "head": { "link": [], "vars": ["__ASK_RETVAL"] },\n  "results": { "distinct": false, "ordered": true, '
        b'"bindings": [\n    { "__ASK_RETVAL": { "type": "typed-literal", "datatype": '
        b'"http://www.w3.org/2001/XMLSchema#integer", "value": "1" }} ] } }'
    )
    assert ask_answer(retval) is True
    no_row = (
        b'{ "head": { "link": [], "vars": ["__ASK_RETVAL"] },\n  "results": { "distinct": false, "ordered": true, '
        b'"bindings": [ ] } }'
    )
    assert ask_answer(no_row) is False
    assert ask_answer(b'{  "head": { "link": [] }, "boolean": false}') is False
