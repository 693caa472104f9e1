"""The remote backend against a real Oxigraph server that the test stops and restarts."""

from __future__ import annotations

import time
from pathlib import Path

import requests

from labgraph.build import BuildResult
from labgraph.config import Settings

from ..conftest import LiveServer, OxigraphServer, _wait_ready

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
        assert time.monotonic() - started < 5
        os.kill(remote.process.pid, signal.SIGCONT)  # type: ignore[union-attr]
        assert requests.get(live.url + "/sparql", params={"query": COUNT}, timeout=10).status_code == 200
    finally:
        live.close()
        remote.stop()
