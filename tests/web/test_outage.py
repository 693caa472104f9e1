"""A remote store's outage (issue 21.10): the /id/ redirects and documents already answered are
answered again from the documents cache, against a real Oxigraph server that the test stops;
only what was never produced gets an error."""

from __future__ import annotations

from pathlib import Path

import requests

from labgraph.config import Settings
from labgraph.graph.build import BuildResult

from ..conftest import LiveServer, OxigraphServer, _wait_ready

TURTLE = {"Accept": "text/turtle"}


def test_cached_redirects_and_documents_outlive_the_remote_store(
    real_settings: Settings, built: BuildResult, tmp_path: Path
) -> None:
    remote = OxigraphServer(tmp_path / "oxigraph")
    remote.load(built.release)
    server = LiveServer(real_settings.replace(store=f"sparql:{remote.url}/query", reload_interval_s=0))
    try:
        _wait_ready(server.url)
        before = {}
        for path in ("/id/lab/acco-lab", "/doc/lab/acco-lab.ttl", "/id/network/labo-des-labs"):
            before[path] = requests.get(server.url + path, headers=TURTLE, allow_redirects=False, timeout=30)
            assert before[path].status_code in (200, 303), (path, before[path].status_code)
        remote.stop()
        for path, first in before.items():
            again = requests.get(server.url + path, headers=TURTLE, allow_redirects=False, timeout=30)
            assert (again.status_code, again.headers.get("Location"), again.content) == (
                first.status_code, first.headers.get("Location"), first.content
            ), path
        never = requests.get(server.url + "/doc/network/labo-des-labs.ttl", headers=TURTLE, timeout=30)
        assert never.status_code in (502, 503) and never.headers["Cache-Control"] == "no-store"
    finally:
        server.close()
        remote.stop()
