"""Shared fixtures: the real project built once per session, and throw-away copies of the
project for tests that break things on purpose."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.contributions.base import Desks
from labgraph.graph.build import BuildResult, run_build
from labgraph.graph.sources import SourceDataset, load
from labgraph.uris import AUTHORING_BASE

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("LABGRAPH_SEEDS", ROOT.parent / "shared" / "seeds"))

#: The base the data files are written against, and the base the suite builds and serves under:
#: the default one, or another set by LABGRAPH_TEST_BASE (``make test`` runs the suite under
#: both), so that nothing in labgraph depends on the default base.
AUTHORING = AUTHORING_BASE
BASE = os.environ.get("LABGRAPH_TEST_BASE", AUTHORING_BASE)
if BASE != AUTHORING:  # the labgraph commands the tests start read their settings from there
    os.environ["LABGRAPH_BASE_URI"] = BASE


#: Test modules whose every test depends on the base URI: ``make test`` runs them again under
#: another base (``pytest -m base``): what the build, the cards and the queries compute, and how
#: the web layer maps IRIs to addresses (resources, the dataset and sitemap documents).
#: Tests of other modules that depend on it carry ``@pytest.mark.base`` themselves; what only the
#: process, the disk or the clock decides (kills, pools, servers, timeouts) runs once.
BASE_SENSITIVE_MODULES = (
    "tests/graph/test_consistency.py",
    "tests/graph/test_entailment.py",
    "tests/graph/test_sources.py",
    "tests/cards/",
    "tests/catalogue/",
    "tests/test_data.py",
    "tests/web/test_resources.py",
    "tests/web/test_dataset.py",
    "tests/web/test_discovery.py",
    "tests/store/test_interface.py",
)


#: Test modules that time what they test (a 503 within the limit, a page answered while every
#: worker is busy, a benchmark's ratios) or kill the processes of a pool: ``make test`` runs them
#: alone, after the rest has run on several processes (pytest-xdist), so that no other test's
#: load decides their outcome.
SERIAL_MODULES = (
    "tests/web/test_cache.py",
    "tests/web/test_sparql.py",
    "tests/store/test_pool.py",
    "tests/store/test_faults.py",
    "tests/store/test_worker.py",
    "tests/store/test_worker_memory.py",
    "tests/serving/test_connections.py",
    "tests/serving/test_starvation.py",
    "tests/serving/test_worker_faults.py",
    "tests/serving/test_live.py",
    "tests/test_benchmarks.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        where = item.path.relative_to(ROOT).as_posix()
        if where.startswith(BASE_SENSITIVE_MODULES):
            item.add_marker(pytest.mark.base)
        if where.startswith(SERIAL_MODULES):
            item.add_marker(pytest.mark.serial)


def rebased(text: str) -> str:
    """An IRI (or a text holding IRIs) written under the authoring base, under the suite's base."""
    return text.replace(AUTHORING, BASE)


def make_settings(project_dir: Path, build_dir: Path, **changes: object) -> Settings:
    return Settings.load(
        {"project_dir": project_dir, "build_dir": build_dir, "base_uri": BASE, **changes}, environ={}
    )


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

    def __init__(self, settings: Settings, extra_files: tuple[Path, ...] = (), desks: Desks | None = None) -> None:
        """``desks``: the contributions' desks (contributions.desks.open_desks), off by default."""
        import threading

        import waitress

        from labgraph.serving.live import LiveApp
        from labgraph.serving.server import proxy_adjustments

        self.app = LiveApp(settings, extra_files, desks=desks)
        self.server = waitress.create_server(
            self.app, host="127.0.0.1", port=0, threads=8, ident="labgraph", **proxy_adjustments(settings)
        )
        self.port = self.server.effective_port  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{self.port}"
        self.closing = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except OSError:
            # Closing the server under its polling loop can leave it one select() on a closed
            # descriptor; that is the end of the loop, not a failure of the code under test.
            if not self.closing:
                raise

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.app.store

    def close(self) -> None:
        from waitress import wasyncore

        self.closing = True
        self.server.close()
        # Keep-alive connections too: the polling loop runs while any channel is open.
        wasyncore.close_all(self.server._map)  # type: ignore[union-attr]
        self.server.task_dispatcher.shutdown()  # type: ignore[union-attr]
        self.thread.join(timeout=5)
        self.app.close()


@pytest.fixture(scope="session")
def server_settings(real_settings: Settings, built: BuildResult) -> Settings:
    """Small limits, so that every limit branch runs in the suite (as Datasette's fixtures do)."""
    # Several queries from the suite's one address at once: the per-client share (issue 21.2) is
    # tested in tests/serving/test_starvation.py.
    return real_settings.replace(
        query_timeout_s=1.5, max_rows=200, max_query_bytes=16384, worker_wait_s=3.0, queries_per_client=4
    )


class OxigraphServer:
    """A real Oxigraph server (PyPI package ``oxigraph``) on a free loopback port."""

    def __init__(self, location: Path) -> None:
        import shutil
        import sys

        self.location = location
        self.binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.start()

    def start(self) -> None:
        import subprocess
        import time

        import requests

        self.process = subprocess.Popen(
            [
                self.binary,
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout-s",
                "10",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/query", params={"query": "ASK {}"}, timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the Oxigraph server did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def load(self, release: Path, extra: tuple[Path, ...] = ()) -> None:
        import requests

        from labgraph.store.publish import publish

        publish(release, self.url + "/store")
        for path in extra:
            requests.post(
                self.url + "/store", data=path.read_bytes(), headers={"Content-Type": "application/trig"}, timeout=30
            ).raise_for_status()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory, built: BuildResult):  # type: ignore[no-untyped-def]
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    server.load(built.release, (PROTOCOL_DATASET,) if PROTOCOL_DATASET.is_file() else ())
    yield server
    server.stop()


#: Test modules whose tests run on both backends: those of what the store answers (the protocol,
#: documents, pages and listings made from store queries, the conformance suites, health). The
#: store interface's own tests (tests/store/test_interface.py) hold both backends to one contract,
#: so the other web tests (formats, languages, citations, the browser) run on the embedded store.
BOTH_BACKENDS = (
    "tests/web/test_sparql.py",
    "tests/web/test_sparql_page.py",
    "tests/web/test_resources.py",
    "tests/web/test_resource_pages.py",
    "tests/web/test_conformance.py",
    "tests/web/test_search.py",
    "tests/web/test_operations.py",
    "tests/web/test_federation.py",
    "tests/cards/",
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "live" in metafunc.fixturenames:
        where = Path(metafunc.definition.path).relative_to(ROOT).as_posix()
        backends = ["embedded", "remote"] if where.startswith(BOTH_BACKENDS) else ["embedded"]
        metafunc.parametrize("live", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def live(request: pytest.FixtureRequest, server_settings: Settings):  # type: ignore[no-untyped-def]
    """The publisher on a backend: the embedded store, or a real Oxigraph server (see
    BOTH_BACKENDS for which tests get which)."""
    extra = (PROTOCOL_DATASET,) if PROTOCOL_DATASET.is_file() else ()
    if request.param == "embedded":
        server = LiveServer(server_settings, extra)
    else:
        remote = request.getfixturevalue("oxigraph_server")
        server = LiveServer(server_settings.replace(store=f"sparql:{remote.url}/query"))
    server.backend = request.param  # type: ignore[attr-defined]
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
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.hits = hits  # type: ignore[attr-defined]
    yield httpd
    httpd.shutdown()
    httpd.server_close()


# ----------------------------------------------------------------------------- release series


@dataclass
class ReleaseSeries:
    """Three real builds of a throw-away project with known edits between them, and one failed
    build: release 1 as the sources are; release 2 with acco-lab's English label changed and
    ecopia removed (with its membership and its list item); a build broken by a Turtle syntax
    error (which must consume no number); release 3 stating that ecopia is replaced by acco-lab."""

    settings: Settings
    releases: list[Path]
    failure: Exception


CULTURE = "data/documents/culture-labo-des-labs.ttl"


def remove_resource(path: Path, iri: str) -> None:
    """Take a resource out of a Turtle file, with the memberships and blank nodes that name it."""
    from rdflib import BNode, Graph, URIRef
    from rdflib.namespace import ORG, RDF

    graph = Graph()
    graph.parse(path)
    doomed: set[object] = set()
    todo: list[object] = [URIRef(iri)]
    while todo:
        node = todo.pop()
        if node in doomed:
            continue
        doomed.add(node)
        todo += [
            s for s in graph.subjects(None, node) if isinstance(s, BNode) or (s, RDF.type, ORG.Membership) in graph
        ]
    for node in doomed:
        graph.remove((node, None, None))
        graph.remove((None, None, node))
    graph.serialize(path, format="turtle")


@pytest.fixture(scope="session")
def release_series(tmp_path_factory: pytest.TempPathFactory) -> ReleaseSeries:
    root = tmp_path_factory.mktemp("series")
    project = root / "project"
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, project / part)
    settings = make_settings(project, root / "build")
    culture = project / CULTURE
    releases = [run_build(settings).release]
    text = culture.read_text("utf-8")
    culture.write_text(text.replace('"Acco{lab"@fr , "Acco{lab"@en', '"Acco{lab"@fr , "Accolab"@en'), "utf-8")
    remove_resource(culture, AUTHORING + "id/lab/ecopia")
    releases.append(run_build(settings).release)
    good = culture.read_text("utf-8")
    culture.write_text(good + "\n<not closed\n", "utf-8")
    try:
        run_build(settings)
    except Exception as exc:  # noqa: BLE001 - the failure is what the tests look at
        failure = exc
    else:
        raise AssertionError("a build of a broken Turtle file succeeded")
    ecopia = f"<{AUTHORING}id/lab/ecopia>"
    replaced = (
        f"{ecopia} a <{AUTHORING}def/Lab> ; <http://www.w3.org/2000/01/rdf-schema#label> \"Ecopia\"@fr ;\n"
        f"  <http://purl.org/dc/terms/isReplacedBy> <{AUTHORING}id/lab/acco-lab> .\n"
    )
    culture.write_text(good + "\n" + replaced, "utf-8")
    releases.append(run_build(settings, validate=False).release)
    return ReleaseSeries(settings, releases, failure)
