"""A running server moves to a new build without a restart, and without failing a request."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import requests
from werkzeug.test import Client

from labgraph.config import Settings
from labgraph.graph.build import current_release, run_build
from labgraph.serving.live import LiveApp

from ..conftest import LiveServer

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EXTRA = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/labgraph/id/network/labo-des-labs> rdfs:comment "Added by a rebuild during the test."@en .
"""


def count_over_http(url: str) -> tuple[int, int | None]:
    response = requests.get(url + "/sparql", params={"query": COUNT}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
    if response.status_code != 200:
        return response.status_code, None
    return 200, int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_queries_during_a_rebuild_see_the_old_or_the_new_graph_and_never_fail(
    project_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="labgraph.live")
    run_build(project_settings)
    # Eight clients from one address, every query let in (the limits of issue 21.2 are not tested here).
    settings = project_settings.replace(reload_interval_s=0.2, queries_per_client=8, query_threads=8)
    server = LiveServer(settings)
    first_release = server.app.release
    old_workers = list(server.store._pool._all)  # the old release's query processes
    try:
        status, old = count_over_http(server.url)
        assert status == 200 and old
        answers: list[tuple[float, int, int | None]] = []  # (sent at, status, count)
        stop = threading.Event()

        def client() -> None:
            while not stop.is_set():
                sent = time.monotonic()
                answers.append((sent, *count_over_http(server.url)))

        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        with (settings.data_dir / "links.ttl").open("a", encoding="utf-8") as handle:
            handle.write(EXTRA)
        run_build(settings)
        deadline = time.monotonic() + 60
        while server.app.release == first_release and time.monotonic() < deadline:
            time.sleep(0.01)
        switched_at = time.monotonic()  # the switch happened before this
        # The switch waits for the new release's query workers: none of its queries waits for one.
        assert len(server.store._pool._all) == settings.query_workers
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.close()

    assert server.app.release == current_release(settings) != first_release
    statuses = {status for _, status, _ in answers}
    assert statuses == {200}, f"failed answers during the switch: {statuses}"
    seen = {n for _, _, n in answers}
    assert seen <= {old, old + 1}, seen
    assert old + 1 in seen
    # Every request sent after the switch was answered from the new release (an answer to a request
    # sent before it may be recorded late, by a client thread that waited for the GIL).
    assert {n for sent, _, n in answers if sent > switched_at} == {old + 1}
    # The old release's query processes were stopped once its last request had finished.
    assert all(not process.is_alive() for process in old_workers)
    # The switch is one log line.
    assert [m for m in caplog.messages if m.startswith("now serving release")] == [
        f"now serving release {current_release(settings)} (was {first_release})"
    ]


def test_a_release_that_cannot_be_opened_is_skipped_and_the_old_one_keeps_serving(
    project_settings: Settings, tmp_path: Path
) -> None:
    run_build(project_settings)
    app = LiveApp(project_settings.replace(reload_interval_s=0))
    try:
        client = Client(app)
        before = client.get("/sparql", query_string={"query": COUNT}).get_data()
        served = app.release
        broken = project_settings.build_dir / "releases" / "broken"
        broken.mkdir()
        link = project_settings.build_dir / "current"
        temporary = link.with_name("current.tmp")
        temporary.symlink_to(broken)
        os.replace(temporary, link)

        assert app.check() is False
        assert app.release == served
        assert "not a labgraph release" in app.failed[broken.resolve()]
        assert client.get("/sparql", query_string={"query": COUNT}).get_data() == before
        assert app.check() is False  # a failed release is not retried in a loop
    finally:
        app.close()


def test_a_fixed_release_is_not_followed(project_settings: Settings) -> None:
    result = run_build(project_settings)
    app = LiveApp(project_settings.replace(store=f"oxigraph:{result.release}", reload_interval_s=0.1))
    try:
        assert not app.follows_builds
        assert app._watcher is None
    finally:
        app.close()
