"""Shared fixtures: the real project built once per session, and throw-away copies of the
project for tests that break things on purpose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from labgraph.build import BuildResult, run_build
from labgraph.config import Settings
from labgraph.sources import SourceDataset, load

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("LABGRAPH_SEEDS", ROOT.parent / "shared" / "seeds"))


def make_settings(project_dir: Path, build_dir: Path, **changes: object) -> Settings:
    return Settings.load({"project_dir": project_dir, "build_dir": build_dir, **changes}, environ={})


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(ROOT, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built(real_settings: Settings) -> BuildResult:
    """One validated build of the repository's real sources."""
    return run_build(real_settings)


@pytest.fixture(scope="session")
def dataset(real_settings: Settings) -> SourceDataset:
    return load(real_settings)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of ontology/ and data/ that a test may damage."""
    target = tmp_path / "project"
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, target / part)
    return target


@pytest.fixture
def project_settings(project: Path, tmp_path: Path) -> Settings:
    return make_settings(project, tmp_path / "build")


# ----------------------------------------------------------------------------- live servers

CONFORMANCE = ROOT.parent / "shared" / "conformance"
PROTOCOL_DATASET = ROOT.parent / "shared" / "conformance-data" / "protocol-dataset.trig"


class LiveServer:
    """The real app on waitress, on a free loopback port, in a background thread."""

    def __init__(self, settings: Settings, extra_files: tuple[Path, ...] = ()) -> None:
        import threading

        import waitress

        from labgraph.serve import open_app

        self.app, self.store = open_app(settings, extra_files)
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=0, threads=8, ident="labgraph")
        self.port = self.server.effective_port  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.close()
        self.store.close()


@pytest.fixture(scope="session")
def server_settings(real_settings: Settings, built: BuildResult) -> Settings:
    """Small limits, so that every limit branch runs in the suite (as Datasette's fixtures do)."""
    return real_settings.replace(query_timeout_s=1.5, max_rows=200, max_query_bytes=16384, worker_wait_s=3.0)


@pytest.fixture(scope="session")
def live(server_settings: Settings):  # type: ignore[no-untyped-def]
    extra = (PROTOCOL_DATASET,) if PROTOCOL_DATASET.is_file() else ()
    server = LiveServer(server_settings, extra)
    _wait_ready(server.url)
    yield server
    server.close()


def _wait_ready(url: str) -> None:
    import time

    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("the live server did not answer within 60 s")


@pytest.fixture
def canary():  # type: ignore[no-untyped-def]
    """A loopback HTTP server that records every request it receives (SSRF probes)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[]}}')

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.hits = hits  # type: ignore[attr-defined]
    yield httpd
    httpd.shutdown()
    httpd.server_close()
