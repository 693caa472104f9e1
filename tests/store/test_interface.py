"""The store interface's ``load`` and ``statistics``, the same way on both backends: the
embedded store and a real Oxigraph server (loaded through its SPARQL Update URL)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.errors import LabgraphError
from labgraph.graph.build import BuildResult, run_build
from labgraph.store.base import QueryRequest, Store
from labgraph.store.embedded import EmbeddedStore
from labgraph.store.remote import RemoteStore

from ..conftest import BASE, OxigraphServer

CHANGE = f'<{BASE}id/network/labo-des-labs> <urn:test:p> "changed" .\n'
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ASK_CHANGED = 'ASK { ?s <urn:test:p> "changed" }'
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def second_release(tmp_path_factory: pytest.TempPathFactory, real_settings: Settings, built: BuildResult) -> Path:
    """A release that differs from the session's build by one statement."""
    project = tmp_path_factory.mktemp("project")
    for part in ("ontology", "data"):
        shutil.copytree(real_settings.project_dir / part, project / part)
    with (project / "data" / "links.ttl").open("a", encoding="utf-8") as handle:
        handle.write(CHANGE)
    settings = real_settings.replace(project_dir=project, build_dir=tmp_path_factory.mktemp("second-build"))
    return run_build(settings, validate=False).release


@pytest.fixture(params=["embedded", "remote"])
def store(
    request: pytest.FixtureRequest, real_settings: Settings, built: BuildResult, tmp_path: Path
) -> Iterator[Store]:
    if request.param == "embedded":
        embedded = EmbeddedStore(real_settings.replace(query_workers=1), built.release)
        yield embedded
        embedded.close()
        return
    server = OxigraphServer(tmp_path / "oxigraph")
    settings = real_settings.replace(store=f"sparql:{server.url}/query,{server.url}/update")
    remote = RemoteStore(settings, f"{server.url}/query", built.release)
    try:
        remote.load(built.release)
        yield remote
    finally:
        server.stop()


def answer(store: Store, text: str) -> dict:  # type: ignore[type-arg]
    return json.loads(store.query(QueryRequest(text, JSON)).body)


def manifest_stats(release: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((release / "manifest.json").read_text("utf-8"))["stats"]


def test_statistics_count_what_the_build_counted(store: Store, built: BuildResult) -> None:
    """Counted by the store itself, the figures are the build's: every graph, class and property."""
    counted = store.statistics().as_dict()
    assert counted == manifest_stats(built.release)
    assert counted["quads"] == built.stats.quads and counted["triples"] == built.stats.triples


def test_load_switches_to_another_release(store: Store, built: BuildResult, second_release: Path) -> None:
    assert answer(store, ASK_CHANGED)["boolean"] is False
    loaded = store.load(second_release)
    expected = manifest_stats(second_release)
    assert (loaded.graphs, loaded.quads, loaded.default_triples) == (
        len(expected["graphs"]),
        expected["quads"],
        expected["triples"],
    )
    assert expected["triples"] == built.stats.triples + 1
    assert answer(store, ASK_CHANGED)["boolean"] is True
    rows = answer(store, COUNT)["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) == expected["triples"]
    assert store.build_id == json.loads((second_release / "manifest.json").read_text("utf-8"))["build_id"]
    assert store.statistics().as_dict() == expected
    assert store.describe(BASE + "id/network/labo-des-labs", "text/turtle").body.count(
        b'"changed"'
    ) == 1  # type: ignore[union-attr]


def test_embedded_load_stops_the_previous_workers_and_a_failed_load_changes_nothing(
    real_settings: Settings, built: BuildResult, second_release: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(real_settings.replace(query_workers=2), built.release)
    try:
        store._pool.wait_ready()
        old_workers = list(store._pool._all)
        with pytest.raises(LabgraphError, match="is not a labgraph release"):
            store.load(tmp_path)
        assert store.release == built.release and all(p.is_alive() for p in old_workers)
        assert answer(store, ASK_CHANGED)["boolean"] is False
        store.load(second_release)
        assert all(not p.is_alive() for p in old_workers)
        assert answer(store, ASK_CHANGED)["boolean"] is True
    finally:
        store.close()


def test_a_remote_store_without_an_update_url_says_how_to_load_it(
    real_settings: Settings, built: BuildResult
) -> None:
    settings = real_settings.replace(store="sparql:http://127.0.0.1:9/query")
    store = RemoteStore(settings, "http://127.0.0.1:9/query", built.release)
    with pytest.raises(LabgraphError, match=r"no update URL to load through: give one \(sparql:QUERY_URL,UPDATE_URL\)"):
        store.load(built.release)


def test_a_blank_node_stated_in_two_graphs_is_written_once(
    real_settings: Settings, built: BuildResult, tmp_path: Path
) -> None:
    """Oxigraph's CONSTRUCT keeps repeated triples that hold a blank node; a document must not."""
    import pyoxigraph as ox

    iri = BASE + "id/lab/twice-stated"
    statements = f'<{iri}> <urn:test:p> _:b . _:b <urn:test:q> "v" .'
    extra = tmp_path / "twice.trig"
    extra.write_text(f"<urn:test:g1> {{ {statements} }}\n<urn:test:g2> {{ {statements} }}\n", encoding="utf-8")
    store = EmbeddedStore(real_settings.replace(query_workers=1), built.release, (extra,))
    try:
        for media_type, fmt in [
            ("application/n-triples", ox.RdfFormat.N_TRIPLES),
            ("text/turtle", ox.RdfFormat.TURTLE),
            ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ]:
            document = store.describe(iri, media_type)
            assert document is not None and document.body
            triples = list(ox.parse(document.body, format=fmt))
            assert len(triples) == 2 and len(set(triples)) == 2, (media_type, document.body)
    finally:
        store.close()
