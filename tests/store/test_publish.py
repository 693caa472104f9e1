"""``labgraph publish`` against a real Oxigraph server, with the Graph Store Protocol and with
SPARQL 1.1 Update: graphs in chunks, blank nodes kept whole, graphs replaced on publishing again,
a server that stops reading while it loads, and failures that say which graph and why."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from labgraph.cli.serving import _check_arrival
from labgraph.config import Settings
from labgraph.errors import LabgraphError
from labgraph.graph.build import BuildResult
from labgraph.store.publish import chunks, publish
from labgraph.store.remote import RemoteStore

from ..conftest import BASE, OxigraphServer, _free_port


def server_graph(server: OxigraphServer, graph: ox.NamedNode | ox.DefaultGraph) -> Graph:
    params = {"graph": graph.value} if isinstance(graph, ox.NamedNode) else {"default": ""}
    response = requests.get(
        server.url + "/store", params=params, headers={"Accept": "application/n-triples"}, timeout=30
    )
    response.raise_for_status()
    return Graph().parse(data=response.text, format="nt")


def release_graph(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> Graph:
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)]
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")


def release_graphs(store: ox.Store) -> list[ox.NamedNode]:
    return sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)


def test_small_chunks_give_the_same_graphs_blank_nodes_included(built: BuildResult, tmp_path: Path) -> None:
    """200 triples a request: every graph of a few hundred triples or more takes several, with
    blank nodes (stated quantities, qualified associations) spread over the graph."""
    server = OxigraphServer(tmp_path / "oxigraph")
    messages: list[str] = []
    try:
        done = publish(built.release, server.url + "/store", chunk_triples=200, progress=messages.append)
        store = ox.Store.read_only(str(built.release / "store"))
        graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
        assert done.graphs == len(graphs) and done.default_triples == built.stats.triples
        assert done.requests > len(graphs) + 1 + 20
        for graph in [*graphs, ox.DefaultGraph()]:
            assert isomorphic(server_graph(server, graph), release_graph(store, graph)), graph
        assert any("triples sent" in m for m in messages)
        assert any(m.startswith("the default graph: ") and "requests" in m for m in messages)
    finally:
        server.stop()


@pytest.mark.base
def test_blank_node_groups_never_straddle_two_chunks() -> None:
    ex = "https://example.org/"
    p = ox.NamedNode(ex + "p")
    triples = [ox.Triple(ox.NamedNode(f"{ex}s{i}"), p, ox.Literal(str(i))) for i in range(7)]
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    triples += [
        ox.Triple(ox.NamedNode(ex + "x"), p, a),
        ox.Triple(a, p, b),  # a and b: one group of four triples
        ox.Triple(c, p, ox.Literal("alone")),
        ox.Triple(b, p, ox.Literal("1")),
        ox.Triple(ox.NamedNode(ex + "y"), p, b),
    ]
    got = list(chunks(iter(triples), 3))
    assert sorted(map(str, (t for chunk in got for t in chunk))) == sorted(map(str, triples))
    homes = [{i for i, chunk in enumerate(got) for t in chunk if node in (t.subject, t.object)} for node in (a, b, c)]
    assert all(len(home) == 1 for home in homes) and homes[0] == homes[1]
    assert [len(chunk) for chunk in got][:2] == [3, 3] and max(len(chunk) for chunk in got) == 4


def big_release(folder: Path, triples: int) -> Path:
    """A release whose default graph alone is ~11 MB of N-Triples: several times what the socket
    buffers take in while a server is not reading (2.9 MB measured on loopback here)."""
    padding = "x" * 150
    lines = "".join(
        f'<https://example.org/id/{i // 8}> <https://example.org/p{i % 8}> "{padding} {i}" .\n' for i in range(triples)
    )
    folder.mkdir()
    store = ox.Store(str(folder / "store"))
    store.bulk_load(lines.encode(), ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.flush()
    del store
    return folder


@pytest.mark.serial  # times what it tests: a loaded machine may take the pause's length to make the body
def test_a_server_that_pauses_reading_longer_than_the_connect_timeout(tmp_path: Path) -> None:
    """The 1M-triple failure: the server stops reading the body while it loads. Sending is
    bounded by the read timeout, not the connect timeout; when even that runs out, the error
    names the graph."""
    release = big_release(tmp_path / "release", 60_000)
    server = OxigraphServer(tmp_path / "oxigraph")
    pid = server.process.pid  # type: ignore[union-attr]

    def pause(seconds: float) -> threading.Thread:
        os.kill(pid, signal.SIGSTOP)
        thread = threading.Timer(seconds, os.kill, (pid, signal.SIGCONT))
        thread.start()
        return thread

    try:
        stalled = pause(4.0)  # well past the read timeout, however long the body takes to make
        started = time.monotonic()
        with pytest.raises(LabgraphError) as failed:
            publish(release, server.url + "/store", connect_timeout_s=0.3, read_timeout_s=1.0, chunk_triples=200_000)
        assert "the default graph (triples 1-60,000)" in str(failed.value) and "within 1 s" in str(failed.value)
        assert time.monotonic() - started >= 0.9
        stalled.join()
        paused = pause(1.5)
        done = publish(release, server.url + "/store", connect_timeout_s=0.3, chunk_triples=200_000)
        paused.join()
        assert done.default_triples == 60_000 and done.requests == 1
        count = requests.get(
            server.url + "/query",
            params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        assert count.text.split()[-1] == "60000"
    finally:
        os.kill(pid, signal.SIGCONT)
        server.stop()


@contextmanager
def read_only_server(location: Path) -> Iterator[str]:
    """An Oxigraph server that refuses every change (``serve-read-only``); yields its base URL."""
    ox.Store(str(location)).flush()
    port = _free_port()
    binary = str(Path(sys.executable).parent / "oxigraph")
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(url + "/query", params={"query": "ASK {}"}, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.base
def test_a_refusal_names_the_graph_and_what_the_server_said(built: BuildResult, tmp_path: Path) -> None:
    with read_only_server(tmp_path / "read-only") as base:
        url = base + "/store"
        with pytest.raises(LabgraphError) as refused:
            publish(built.release, url)
        message = str(refused.value)
        assert f"refused graph <{BASE}graph/" in message and "(PUT): 4" in message
        assert len(message.split(": 4", 1)[1]) > 10  # the server's own words follow the status
    with pytest.raises(LabgraphError, match=r"cannot reach the graph store at .* to send graph <" + re.escape(BASE)):
        publish(built.release, url)


def test_the_command_reports_chunks_and_requests(real_settings: Settings, built: BuildResult, tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph")
    env = {**os.environ, "LABGRAPH_PROJECT_DIR": str(real_settings.project_dir)}
    env["LABGRAPH_BUILD_DIR"] = str(real_settings.build_dir)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "labgraph", "publish", "--to", server.url + "/store", "--chunk-triples", "1000"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert f"({built.stats.triples:,} triples)" in done.stdout and "requests" in done.stdout
        assert re.search(r"graph <" + re.escape(BASE) + r"graph/\S+>: [\d,]+ triples in \d+ requests", done.stderr)
    finally:
        server.stop()


# ----------------------------------------------------------------------------- SPARQL 1.1 Update


def stale_triples(server: OxigraphServer, graph: str) -> None:
    """Data on the server that a publication must remove: in a graph of the release, and in the
    default graph."""
    update = (
        f'INSERT DATA {{ <urn:stale:s> <urn:stale:p> "stale" . GRAPH <{graph}> {{ <urn:stale:s> <urn:stale:p> _:b }} }}'
    )
    requests.post(server.url + "/update", data={"update": update}, timeout=30).raise_for_status()


def test_sparql_update_gives_the_same_graphs_and_publishing_again_replaces_them(
    built: BuildResult, tmp_path: Path
) -> None:
    """DROP SILENT then INSERT DATA (INSERT WHERE {} for blank nodes) in chunks of 200: every
    graph on the server is the release's, blank nodes included, and stays so when published
    again (no triple twice, no stale triple)."""
    server = OxigraphServer(tmp_path / "oxigraph")
    store = ox.Store.read_only(str(built.release / "store"))
    graphs = release_graphs(store)
    try:
        stale_triples(server, graphs[0].value)
        for chunk_triples in (200, 1000):
            done = publish(built.release, server.url + "/update", via="update", chunk_triples=chunk_triples)
            assert done.graphs == len(graphs) and done.default_triples == built.stats.triples
            for graph in [*graphs, ox.DefaultGraph()]:
                mine, theirs = release_graph(store, graph), server_graph(server, graph)
                assert len(theirs) == len(mine) and isomorphic(theirs, mine), graph
        listed = requests.get(
            server.url + "/query",
            params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        assert set(listed.text.split()[1:]) == {g.value for g in graphs}
    finally:
        server.stop()


@pytest.mark.base
def test_the_merged_graph_can_go_into_a_named_graph(built: BuildResult, tmp_path: Path) -> None:
    """For a server whose default graph is the union of all (Virtuoso); the default graph is left alone."""
    server = OxigraphServer(tmp_path / "oxigraph")
    merged = "urn:labgraph:default"
    try:
        stale_triples(server, merged)
        done = publish(built.release, server.url + "/update", via="update", default_graph=merged)
        store = ox.Store.read_only(str(built.release / "store"))
        assert isomorphic(server_graph(server, ox.NamedNode(merged)), release_graph(store, ox.DefaultGraph()))
        assert done.default_triples == built.stats.triples
        assert len(server_graph(server, ox.DefaultGraph())) == 1  # the stale triple: not labgraph's
        with pytest.raises(LabgraphError, match="is a graph of the release"):
            publish(built.release, server.url + "/update", via="update", default_graph=release_graphs(store)[0].value)
    finally:
        server.stop()


def test_an_update_refusal_names_the_graph_and_what_the_server_said(built: BuildResult, tmp_path: Path) -> None:
    with read_only_server(tmp_path / "read-only") as base:
        with pytest.raises(LabgraphError) as refused:
            publish(built.release, base + "/update", via="update", chunk_triples=100)
        message = str(refused.value)
        assert message.startswith(f"the SPARQL update endpoint at {base}/update refused graph <{BASE}")
        assert "(triples 1-100) (DROP SILENT, INSERT DATA): 403 Forbidden: The server is read-only" in message
        with pytest.raises(LabgraphError) as wrong:
            publish(built.release, base + "/query", via="update")  # the query URL, by mistake
        assert f"refused graph <{BASE}" in str(wrong.value) and ": 400 Bad Request: " in str(wrong.value)
    with pytest.raises(LabgraphError, match=r"cannot reach the SPARQL update endpoint at .* to send graph <https://"):
        publish(built.release, base + "/update", via="update")


def labgraph_command(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LABGRAPH_PROJECT_DIR": str(settings.project_dir)}
    env["LABGRAPH_BUILD_DIR"] = str(settings.build_dir)
    return subprocess.run(
        [sys.executable, "-m", "labgraph", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_command_publishes_to_the_update_url_of_the_store(
    real_settings: Settings, built: BuildResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--store sparql:QUERY_URL,UPDATE_URL``: ``publish`` needs no endpoint of its own."""
    server = OxigraphServer(tmp_path / "oxigraph")
    try:
        store = f"sparql:{server.url}/query,{server.url}/update"
        done = labgraph_command(real_settings, "--store", store, "publish", "--chunk-triples", "1000")
        assert done.returncode == 0, done.stderr
        assert f"to {server.url}/update with SPARQL Update in " in done.stdout
        assert f"({built.stats.triples:,} triples)" in done.stdout
        count = requests.get(
            server.url + "/query",
            params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        assert count.text.split()[-1] == str(built.stats.triples)
        # The store is asked what arrived, through the store interface: the build's own figures.
        graphs = len(built.stats.by_graph)
        assert (
            f"the store now holds {built.stats.quads:,} statements in {graphs} of the build's {graphs} named graphs "
            f"and {built.stats.triples:,} distinct triples in its default graph"
        ) in done.stdout
        assert "warning" not in done.stderr and "not the build's" not in done.stdout
        counted = labgraph_command(real_settings, "--store", store, "stats", "--from-store", "--format", "json")
        assert counted.returncode == 0, counted.stderr
        assert json.loads(counted.stdout) == built.stats.as_dict()
        # A graph that is not the build's is mentioned, not a fault.
        stale_triples(server, "urn:test:stray")
        again = labgraph_command(real_settings, "--store", store, "publish")
        assert again.returncode == 0, again.stderr
        assert "it also holds 1 named graph(s) that are not the build's, e.g. <urn:test:stray>" in again.stdout
        assert "warning" not in again.stderr
        # A statement lost in one of the build's graphs is: the warning names the graph and both counts.
        victim, triples = built.stats.by_graph[0][0], built.stats.by_graph[0][1]
        lose_one = (
            f"DELETE {{ GRAPH <{victim}> {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH <{victim}> "
            "{ ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } } LIMIT 1 } }"
        )
        requests.post(server.url + "/update", data={"update": lose_one}, timeout=30).raise_for_status()
        remote = RemoteStore(real_settings, f"{server.url}/query", built.release)
        _check_arrival(remote.statistics(), built.release)
        said = capsys.readouterr()
        assert f"the store now holds {built.stats.quads - 1:,} statements in {graphs} of the build's" in said.out
        assert (
            f"warning: the store does not hold what the build has: <{victim}>: {triples - 1:,} statements, "
            f"the build {triples:,}"
        ) in said.err
        assert "labgraph stats --from-store" in said.err
    finally:
        server.stop()
    both = labgraph_command(
        real_settings, "publish", "--to", "http://a.example/store", "--update", "http://a.example/u"
    )
    assert both.returncode == 2 and "not both" in both.stderr
    nowhere = labgraph_command(real_settings, "--store", "oxigraph", "publish")
    assert nowhere.returncode == 2 and "say where to publish" in nowhere.stderr
