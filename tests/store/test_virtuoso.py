"""The remote backend against a real Virtuoso 7.2 (Debian's virtuoso-opensource), started here.

One server for the module, from a temporary directory with its own minimal ``virtuoso.ini`` on
free loopback ports (it never touches a system-wide database), loaded with Virtuoso's bulk loader
as ``benchmarks/virtuoso.py`` does: the named graphs from ``labgraph.nq``, the merged graph from
``labgraph.ttl`` into ``urn:labgraph:default``, named in the store URL as its default graph.
Its limits are set low enough for this small graph to reach them: ``MaxSortedTopRows`` (ORDER
BY with LIMIT plus OFFSET above it fails: SR353), ``ResultSetMaxRows`` (answers silently cut,
header ``X-SPARQL-MaxRows``) and ``MaxQueryExecutionTime`` (SR171). ``CaseMode`` keeps Virtuoso's
own default, under which it answers ASK as a one-row SELECT of ``__ASK_RETVAL`` (Debian's ini sets
``CaseMode = 2``, which gives the standard boolean; the Oxigraph tests cover that form).
Starting it takes about 2 s here, loading well under 1 s. ``labgraph publish`` through SPARQL
Update is tried on a server of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from labgraph.cards.geo import parse_point
from labgraph.config import Settings
from labgraph.errors import LabgraphError, RemoteLimit, RemoteSortLimit, RemoteTimeout
from labgraph.graph.build import BuildResult
from labgraph.store.base import QueryRequest
from labgraph.store.embedded import EmbeddedStore
from labgraph.store.publish import publish
from labgraph.store.remote import RemoteStore
from labgraph.web.errors import status_of

from ..conftest import BASE, LiveServer, _free_port, _wait_ready
from .describing import assert_same_descriptions

BINARY, ISQL = "virtuoso-t", "isql-vt"
MERGED = "urn:labgraph:default"
SORTED_TOP_ROWS = 1000
RESULT_SET_ROWS = 3000
EXECUTION_S = 2
CALL = BASE + "id/call/ami-openlabs-2019"  # stated quantities: blank nodes

pytestmark = pytest.mark.skipif(
    shutil.which(BINARY) is None or shutil.which(ISQL) is None,
    reason="Virtuoso is not installed (apt-get install virtuoso-opensource provides virtuoso-t and isql-vt)",
)

INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort         = {sql_port}
DisableUnixSocket  = 1
DirsAllowed        = ., {dir}, {data}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
CheckpointInterval = 0
MaxSortedTopRows   = {sorted_top_rows}

[HTTPServer]
ServerPort    = {http_port}
ServerRoot    = {dir}
ServerThreads = 10

[SPARQL]
ResultSetMaxRows      = {result_set_rows}
MaxQueryExecutionTime = {execution_s}
"""


class Virtuoso:
    """A private Virtuoso server: its own directory, ini and free loopback ports."""

    def __init__(self, workdir: Path, data: Path, result_set_rows: int = RESULT_SET_ROWS) -> None:
        self.dir = workdir
        self.sql_port = _free_port()
        self.http_port = _free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        ini = workdir / "virtuoso.ini"
        ini.write_text(
            INI.format(
                dir=workdir,
                data=data,
                sql_port=self.sql_port,
                http_port=self.http_port,
                sorted_top_rows=SORTED_TOP_ROWS,
                result_set_rows=result_set_rows,
                execution_s=EXECUTION_S,
            ),
            "utf-8",
        )
        started = time.monotonic()
        self.process = subprocess.Popen(
            [BINARY, "+configfile", str(ini), "+foreground"],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = started + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Virtuoso exited at start-up: {self.log()}")
            try:
                if requests.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso did not answer within 60 s: {self.log()}")
        self.start_seconds = time.monotonic() - started

    def isql(self, sql: str) -> str:
        done = subprocess.run(
            [ISQL, str(self.sql_port), "dba", "dba", f"exec={sql}"], capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout[-800:]} {done.stderr[-800:]}")
        return done.stdout

    def load(self, release: Path) -> None:
        self.isql(
            f"ld_dir('{release}', 'labgraph.nq', 'urn:labgraph:unused'); "
            f"ld_dir('{release}', 'labgraph.ttl', '{MERGED}'); rdf_loader_run(); checkpoint;"
        )
        state = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in state:
            raise RuntimeError(f"Virtuoso's bulk loader reported: {state[-800:]}")

    def log(self) -> str:
        path = self.dir / "virtuoso.log"
        return path.read_text("utf-8", "replace")[-800:] if path.is_file() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, built: BuildResult) -> Iterator[Virtuoso]:
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), built.release)
    try:
        server.load(built.release)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def store_url(virtuoso: Virtuoso) -> str:
    return f"{virtuoso.url}/sparql?default-graph-uri={MERGED}"


@pytest.fixture(scope="module")
def site(server_settings: Settings, store_url: str) -> Iterator[LiveServer]:
    """labgraph serving from Virtuoso; its start-up query already needs form-encoded POSTs."""
    server = LiveServer(server_settings.replace(store=f"sparql:{store_url}"))
    _wait_ready(server.url)
    yield server
    server.close()


def sparql(site: LiveServer, query: str, accept: str = "application/sparql-results+json", **params: str):  # type: ignore[no-untyped-def]
    return requests.post(site.url + "/sparql", data={"query": query, **params}, headers={"Accept": accept}, timeout=30)


def count(site: LiveServer, query: str, **params: str) -> int:
    response = sparql(site, query, **params)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# ----------------------------------------------------------------------------- protocol


def test_queries_reach_virtuoso_with_the_store_dataset(site: LiveServer, built: BuildResult) -> None:
    assert count(site, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == built.stats.triples


def test_a_request_dataset_replaces_the_store_dataset(site: LiveServer, built: BuildResult) -> None:
    """Virtuoso would add the URL's default graph to the request's or the query's: it is sent
    only when the request chooses none."""
    ontology = BASE + "graph/ontology"
    expected = built.stats.as_dict()["graphs"][ontology]["triples"]  # type: ignore[index]
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(site, query, **{"default-graph-uri": ontology}) == expected
    assert count(site, f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}") == expected
    named = sparql(site, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": ontology})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [ontology]


def test_ask_answers_a_boolean(site: LiveServer) -> None:
    """Virtuoso 7.2 answers ASK as a one-row SELECT of ``__ASK_RETVAL``."""
    yes = sparql(site, f"ASK {{ <{CALL}> ?p ?o }}")
    no = sparql(site, "ASK { ?s a <urn:nothing> }")
    assert yes.json()["boolean"] is True and no.json()["boolean"] is False
    xml = sparql(site, "ASK { ?s ?p ?o }", accept="application/sparql-results+xml")
    assert "<boolean>true</boolean>" in xml.text


def test_blank_nodes_in_results(site: LiveServer) -> None:
    """Virtuoso writes ``nodeID://b10001``; each becomes one valid label, the same in every row."""
    query = f"SELECT ?q ?p ?v WHERE {{ <{CALL}> <{BASE}def/statedQuantity> ?q . ?q ?p ?v }}"
    response = sparql(site, query)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    nodes = {row["q"]["value"] for row in rows}
    assert rows and all(row["q"]["type"] == "bnode" for row in rows)
    assert len(nodes) < len(rows) and not any("/" in node for node in nodes)
    for accept in ("application/sparql-results+xml", "text/csv", "text/tab-separated-values"):
        assert sparql(site, query, accept=accept).status_code == 200


def test_resource_documents_match_the_embedded_store(
    site: LiveServer, server_settings: Settings, built: BuildResult, store_url: str
) -> None:
    """The same description as the embedded store gives, blank nodes included, and the merged
    default graph (which Virtuoso's GRAPH ?g also sees) is no source graph."""
    embedded = EmbeddedStore(server_settings, built.release)
    remote = RemoteStore(server_settings, store_url, built.release)
    try:
        for iri in (CALL, BASE + "id/lab/acco-lab"):
            mine, theirs = Graph(), Graph()
            mine.parse(data=embedded.describe(iri, "application/n-triples").body, format="nt")  # type: ignore[union-attr]
            theirs.parse(data=remote.describe(iri, "application/n-triples").body, format="nt")  # type: ignore[union-attr]
            assert len(theirs) > 20 and isomorphic(mine, theirs)
            page = remote.describe(iri)
            assert page is not None and MERGED not in {s.graph for s in page.statements}
            assert page.sources == embedded.describe(iri).sources  # type: ignore[union-attr]
    finally:
        embedded.close()
    for path in ("/doc/call/ami-openlabs-2019.ttl", "/doc/call/ami-openlabs-2019"):
        assert requests.get(site.url + path, timeout=30).status_code == 200


def test_descriptions_are_the_embedded_store_s_in_every_format(
    server_settings: Settings, built: BuildResult, store_url: str
) -> None:
    """The merged graph, which Virtuoso also sees as a named graph, is left out by the query: its
    blank nodes are not the named graphs' own, and a triple document would state them twice."""
    embedded = EmbeddedStore(server_settings, built.release)
    try:
        assert_same_descriptions(RemoteStore(server_settings, store_url, built.release), embedded)
    finally:
        embedded.close()


def test_a_description_cut_by_result_set_max_rows_is_refused(
    tmp_path: Path, server_settings: Settings, built: BuildResult
) -> None:
    """A document missing statements would be cached for the whole release: refused instead,
    whether asked as a CONSTRUCT (triple formats) or as rows (quad formats, pages)."""
    server = Virtuoso(tmp_path, built.release, result_set_rows=20)
    try:
        server.load(built.release)
        remote = RemoteStore(server_settings, f"{server.url}/sparql?default-graph-uri={MERGED}", built.release)
        for media_type in ("text/turtle", "application/n-quads", None):
            with pytest.raises(RemoteLimit, match="ResultSetMaxRows"):
                remote.describe(CALL, media_type)
    finally:
        server.stop()


def test_resource_uris_redirect_and_unknown_ones_are_404(site: LiveServer) -> None:
    seen = requests.get(site.url + "/id/lab/acco-lab", headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert seen.status_code == 303
    assert requests.get(site.url + "/id/lab/no-such-lab", timeout=30).status_code == 404


def test_concurrent_resources_and_lookups_all_succeed(site: LiveServer) -> None:
    """The benchmark's 500s under load were blank nodes in answers, not concurrency."""
    paths = [f"/doc/{p}.ttl" for p in ("call/ami-openlabs-2019", "lab/acco-lab", "network/labo-des-labs")] + [
        "/sparql?query=" + requests.utils.quote(f"SELECT ?p ?o WHERE {{ <{CALL}> ?p ?o }}")
    ]
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda p: requests.get(site.url + p, timeout=30).status_code, paths * 15))
    assert codes == [200] * len(codes)


# ----------------------------------------------------------------------------- Virtuoso's limits


def test_sorted_answers_at_max_rows_still_work_and_are_flagged(
    server_settings: Settings, built: BuildResult, store_url: str
) -> None:
    """max_rows equal to MaxSortedTopRows (both 10000 by default): the extra row that tells a
    cut answer cannot be sorted, so labgraph asks for max_rows and flags a full answer."""
    remote = RemoteStore(server_settings.replace(max_rows=SORTED_TOP_ROWS), store_url, built.release)
    request = QueryRequest("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", "application/sparql-results+json")
    result = remote.query(request)
    assert result.count == SORTED_TOP_ROWS and result.truncated
    small = remote.query(QueryRequest("SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 5", request.media_type))
    assert small.count == 5 and not small.truncated


def test_sorting_beyond_the_server_limit_names_both_settings(
    server_settings: Settings, built: BuildResult, store_url: str, virtuoso: Virtuoso
) -> None:
    settings = server_settings.replace(max_rows=SORTED_TOP_ROWS + 500)
    remote = RemoteStore(settings, store_url, built.release)
    with pytest.raises(RemoteSortLimit) as refused:
        remote.query(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", "application/sparql-results+json"))
    message = str(refused.value)
    assert "MaxSortedTopRows" in message and f"max_rows = {SORTED_TOP_ROWS + 500}" in message and "SR353" in message
    live = LiveServer(settings.replace(store=f"sparql:{store_url}"))
    try:
        _wait_ready(live.url)
        response = sparql(live, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
        assert response.status_code == 502
        error = response.json()["error"]
        assert "MaxSortedTopRows" in error["message"] and error["setting"] == "max_rows"
    finally:
        live.close()


def test_answers_cut_by_result_set_max_rows_are_flagged_or_refused(
    server_settings: Settings, built: BuildResult, store_url: str
) -> None:
    """Virtuoso keeps the first ResultSetMaxRows rows and says so only in a header: a user's
    answer is flagged as cut, and a listing labgraph needs whole is refused with the setting."""
    remote = RemoteStore(server_settings.replace(max_rows=10000), store_url, built.release)
    result = remote.query(QueryRequest("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"))
    assert result.count == RESULT_SET_ROWS and result.truncated
    with pytest.raises(RemoteLimit, match="ResultSetMaxRows"):
        remote.select("SELECT * WHERE { ?s ?p ?o }")


def test_virtuoso_own_time_limit_is_a_504_naming_it(
    server_settings: Settings, built: BuildResult, store_url: str
) -> None:
    remote = RemoteStore(server_settings.replace(query_timeout_s=30), store_url, built.release)
    started = time.monotonic()
    with pytest.raises(RemoteTimeout, match="MaxQueryExecutionTime") as stopped:
        remote.query(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "text/csv"))
    assert status_of(stopped.value) == 504 and time.monotonic() - started < 20


# ----------------------------------------------------------------------------- publishing


def graphs_of(built: BuildResult) -> list[str]:
    return [graph for graph, _, _, _ in built.stats.by_graph]


def test_statistics_count_what_the_build_counted(
    server_settings: Settings, built: BuildResult, store_url: str
) -> None:
    """Virtuoso also holds graphs of its own: the build's graphs are counted as the build counted
    them, and the default graph (the merged graph, named in the store URL) likewise."""
    counted = RemoteStore(server_settings, store_url, built.release).statistics().as_dict()
    expected = built.stats.as_dict()
    assert {g: counted["graphs"][g] for g in expected["graphs"]} == expected["graphs"]
    assert {k: v for k, v in counted.items() if k not in ("graphs", "quads")} == {
        k: v for k, v in expected.items() if k not in ("graphs", "quads")
    }


def test_publish_through_sparql_update(tmp_path: Path, real_settings: Settings, built: BuildResult) -> None:
    """The README's recipe: ``--store sparql:QUERY_URL?default-graph-uri=G,UPDATE_URL`` and
    ``labgraph publish``, into a fresh server whose SPARQL user was granted SPARQL_UPDATE. The
    merged default graph goes into G (Virtuoso refuses DROP DEFAULT: its default graph is the
    union of all), blank nodes are inserted with INSERT WHERE {} (it refuses them in INSERT DATA),
    chunks stay under what its SPARQL compiler takes (about 4,990 triples a request: beyond, the
    error says what to change). Published twice: the second replaces the first."""
    server = Virtuoso(tmp_path, built.release, result_set_rows=100_000)
    try:
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        url = f"{server.url}/sparql"
        env = {**os.environ, "LABGRAPH_PROJECT_DIR": str(real_settings.project_dir)}
        env["LABGRAPH_BUILD_DIR"] = str(real_settings.build_dir)
        command = [sys.executable, "-m", "labgraph", "--store", f"sparql:{url}?default-graph-uri={MERGED},{url}"]
        with pytest.raises(LabgraphError, match=rf"the default graph \(into <{MERGED}>\) \(triples 1-") as big:
            publish(built.release, url, via="update", default_graph=MERGED, chunk_triples=6000)
        assert "memory exhausted" in str(big.value) and "--chunk-triples" in str(big.value)
        for _ in range(2):
            done = subprocess.run(
                [*command, "publish", "--chunk-triples", "1000"], env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stderr
            assert f"as <{MERGED}>" in done.stdout and "with SPARQL Update" in done.stdout
            # What Virtuoso counts after the load is the build's (its system graphs and the
            # merged graph are not the data's named graphs).
            assert f"the store now holds {built.stats.quads:,} statements in {len(graphs_of(built))} of" in done.stdout
            assert "warning" not in done.stderr, done.stderr
        remote = RemoteStore(real_settings, url, built.release)
        release = ox.Store.read_only(str(built.release / "store"))
        graphs = [(g.value, g) for g in release.named_graphs() if isinstance(g, ox.NamedNode)]
        for name, graph in [*graphs, (MERGED, ox.DefaultGraph())]:
            theirs = Graph().parse(data=remote.graph_document(name, "application/n-triples"), format="nt")
            mine = [
                ox.Triple(q.subject, q.predicate, q.object) for q in release.quads_for_pattern(None, None, None, graph)
            ]
            expected = Graph().parse(data=ox.serialize(mine, format=ox.RdfFormat.N_TRIPLES), format="nt")
            assert _points(theirs) == pytest.approx(_points(expected), abs=1e-4), name
            assert len(theirs) == len(expected) and isomorphic(_no_points(theirs), _no_points(expected)), name
    finally:
        server.stop()


#: Virtuoso parses a geo:wktLiteral into a geometry of its own and gives it back as a
#: virtrdf:Geometry literal with single-precision coordinates ("POINT(3.17704 45.65617)" comes back
#: "POINT(3.1770401000977 45.656169891357)"): the territories' centroids (data/links.ttl) are
#: compared as points, to 1e-4 degree (about 10 m), and the rest of a graph exactly.
ASWKT = "http://www.opengis.net/ont/geosparql#asWKT"


def _points(graph: Graph) -> dict[str, float]:
    out: dict[str, float] = {}
    for s, p, o in graph:
        if str(p) == ASWKT:
            lon, lat = parse_point(str(o)) or (float("nan"), float("nan"))
            out[f"{s} lon"], out[f"{s} lat"] = lon, lat
    return out


def _no_points(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        if str(triple[1]) != ASWKT:
            out.add(triple)
    return out
