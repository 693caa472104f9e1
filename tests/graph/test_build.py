"""A build writes a complete release, or nothing: the previous release always survives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from concurrent.futures import Future
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from labgraph.config import Settings
from labgraph.errors import ParseError, ShapeViolations
from labgraph.graph import entailment, similarity
from labgraph.graph.build import CURRENT, DUMPS, STORE_DIR, BuildResult, _write_store, current_release, run_build
from labgraph.graph.sources import SourceDataset

from ..conftest import BASE, make_settings


@pytest.mark.base
def test_release_holds_every_dump_and_they_agree(built: BuildResult) -> None:
    release = built.release
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    assert set(DUMPS) | {f"{name}.gz" for name in DUMPS} == set(manifest["files"])
    nquads = list(ox.parse(path=str(release / "labgraph.nq")))
    trig = list(ox.parse(path=str(release / "labgraph.trig")))
    assert len(nquads) == len(trig) == built.stats.quads == manifest["stats"]["quads"]
    turtle = Graph().parse(release / "labgraph.ttl")
    assert len(turtle) == built.stats.triples
    jsonld = list(ox.parse(path=str(release / "labgraph.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert len(jsonld) == built.stats.quads
    assert {q.graph_name.value for q in jsonld} == {q.graph_name.value for q in nquads}
    graphs = {q.graph_name.value for q in nquads}
    assert len(graphs) == len(manifest["stats"]["graphs"])


def _named_quads(path: Path) -> set[ox.Quad]:
    return set(ox.parse(path=str(path)))


@pytest.mark.base
def test_dataset_dumps_hold_exactly_the_sources(built: BuildResult, dataset: SourceDataset) -> None:
    """Oxigraph writes the dumps from the store: the very quads loaded and what they entail
    (graph/entailment), none lost or added."""
    release = built.release
    nquads = _named_quads(release / "labgraph.nq")
    assert nquads == _named_quads(release / "labgraph.trig") == _named_quads(release / "labgraph.jsonld")
    # graph/similarity is computed from the cards, not the sources (tests/cards/test_similarity.py)
    computed = {q for q in nquads if q.graph_name == similarity.graph(dataset)}
    assert computed
    nquads -= computed
    target = entailment.graph(dataset)
    entailed = {ox.Quad(t.subject, t.predicate, t.object, target) for t in entailment.entailed(dataset)}
    assert len(nquads) == len(dataset) + len(entailed)
    # blank nodes are labelled afresh by each load, so compare the rest statement for statement
    grounded = {q for q in chain(dataset.store, entailed) if not any(isinstance(t, ox.BlankNode) for t in q)}
    assert grounded == {q for q in nquads if not any(isinstance(t, ox.BlankNode) for t in q)}
    assert any(isinstance(q.object, ox.BlankNode) for q in nquads)  # the real data has some


@pytest.mark.base
def test_turtle_dump_is_the_merge_with_each_triple_once(built: BuildResult) -> None:
    release = built.release
    statements = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(release / "labgraph.ttl"))]
    assert len(statements) == len(set(statements)) == built.stats.triples
    nquads = list(ox.parse(path=str(release / "labgraph.nq")))
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in nquads}
    assert len(triples) < len(nquads)  # some triples are stated by several documents
    assert set(statements) == triples
    assert f"@prefix lab: <{BASE}id/lab/> ." in (release / "labgraph.ttl").read_text("utf-8")


def _rdflib_dataset(path: Path, format: str) -> Dataset:
    dataset = Dataset()
    with warnings.catch_warnings():
        # rdflib's Dataset.parse calls its own deprecated Dataset.default_context.
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=path.read_text("utf-8"), format=format)
    return dataset


@pytest.mark.base
def test_jsonld_dump_reads_back_into_rdflib_as_the_same_graphs(built: BuildResult) -> None:
    """JSON-LD consumers mostly use a JSON-LD library such as rdflib's, not Oxigraph."""
    from_jsonld = _rdflib_dataset(built.release / "labgraph.jsonld", "json-ld")
    from_nquads = _rdflib_dataset(built.release / "labgraph.nq", "nquads")
    graphs = {g.identifier for g in from_nquads.graphs() if len(g)}
    assert {g.identifier for g in from_jsonld.graphs() if len(g)} == graphs
    assert len(graphs) == len(built.stats.by_graph)
    for name in graphs:
        assert isomorphic(from_jsonld.graph(name), from_nquads.graph(name)), name
    lab = URIRef(BASE + "id/lab/acco-lab")
    assert any(from_jsonld.quads((lab, None, None, None)))


def test_the_build_says_where_its_time_went(built: BuildResult) -> None:
    steps = built.timings
    for step in ("load", "consistency", "shacl", "stats", "gzip", "fsync"):
        assert step in steps
    assert {f"dump {name}" for name in DUMPS} <= set(steps)
    assert all(seconds >= 0 for seconds in steps.values())
    assert steps["load"] <= built.seconds


def test_serving_store_gives_up_when_the_merged_dump_could_not_be_written(tmp_path: Path) -> None:
    """The store loads on a worker thread: a failure of the thread writing the merge must reach
    it (no wait for a file that will never come) and come back from it."""
    ox.serialize([], str(tmp_path / "labgraph.nq"), ox.RdfFormat.N_QUADS)
    merged_written: Future[None] = Future()
    merged_written.set_exception(OSError("No space left on device"))
    with pytest.raises(OSError, match="No space left"):
        _write_store(tmp_path, merged_written)
    assert (tmp_path / STORE_DIR).is_dir()  # removed with the staging directory by the caller


@pytest.mark.base
def test_gzip_dumps_decompress_to_the_dumps(built: BuildResult) -> None:
    import gzip

    for name in DUMPS:
        assert gzip.decompress((built.release / f"{name}.gz").read_bytes()) == (built.release / name).read_bytes()


@pytest.mark.base
def test_release_store_holds_the_named_graphs_and_their_merge(built: BuildResult) -> None:
    store = ox.Store.read_only(str(built.release / "store"))
    named = sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert (named, default) == (built.stats.quads, built.stats.triples)


@pytest.mark.base
def test_current_points_at_the_new_release(built: BuildResult, real_settings: Settings) -> None:
    assert current_release(real_settings) == built.release.resolve()


def _snapshot(settings: Settings) -> dict[str, bytes]:
    release = current_release(settings)
    assert release is not None
    return {str(p.relative_to(release)): p.read_bytes() for p in release.rglob("*") if p.is_file()}


def test_failed_validation_keeps_previous_release(project_settings: Settings) -> None:
    run_build(project_settings)
    before = _snapshot(project_settings)
    lab = project_settings.data_dir / "documents" / "culture-labo-des-labs.ttl"
    lab.write_text(lab.read_text("utf-8").replace('"2023"^^xsd:gYear', '"vers 2023"'), encoding="utf-8")
    with pytest.raises(ShapeViolations) as caught:
        run_build(project_settings)
    assert any(
        v.focus == "lab:labo-culture" and v.path == "schema:foundingDate" for v in caught.value.report.violations
    )
    assert _snapshot(project_settings) == before
    assert not list((project_settings.build_dir / "releases").glob(".tmp-*"))


def test_syntax_error_keeps_previous_release(project_settings: Settings) -> None:
    run_build(project_settings)
    before = _snapshot(project_settings)
    (project_settings.data_dir / "links.ttl").write_text("@prefix x: <y> .\nx:a x:b", encoding="utf-8")
    with pytest.raises(ParseError):
        run_build(project_settings)
    assert _snapshot(project_settings) == before


def test_killed_build_leaves_a_complete_release(project_settings: Settings) -> None:
    """SIGKILL at several moments of a build: `current` always names a whole release."""
    run_build(project_settings)
    env = {
        **os.environ,
        "LABGRAPH_PROJECT_DIR": str(project_settings.project_dir),
        "LABGRAPH_BUILD_DIR": str(project_settings.build_dir),
    }
    for delay in (0.3, 0.8, 1.3):
        process = subprocess.Popen([sys.executable, "-m", "labgraph", "build", "-q"], env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        release = current_release(project_settings)
        assert release is not None and not release.name.startswith(".")
        manifest = json.loads((release / "manifest.json").read_text("utf-8"))
        for name, info in manifest["files"].items():
            assert (release / name).stat().st_size == info["bytes"]
    result = run_build(project_settings)
    assert current_release(project_settings) == result.release.resolve()
    assert not list((project_settings.build_dir / "releases").glob(".tmp-*"))


def test_old_releases_are_pruned(project_settings: Settings) -> None:
    for _ in range(5):
        run_build(project_settings, validate=False)
    releases = [p for p in (project_settings.build_dir / "releases").iterdir() if not p.name.startswith(".")]
    assert len(releases) == 3
    assert (project_settings.build_dir / CURRENT).resolve() in {r.resolve() for r in releases}


def test_build_under_another_base(project: Path, tmp_path: Path) -> None:
    settings = make_settings(project, tmp_path / "b", base_uri="http://127.0.0.1:8080/")
    result = run_build(settings)
    turtle = (result.release / "labgraph.ttl").read_text("utf-8")
    assert "w3id.org/labgraph" not in turtle
    assert "<http://127.0.0.1:8080/id/lab/>" in turtle
