"""The catalogue as a whole: every query tested, parameterised, ordered, paged and free of duplicates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from labgraph import catalogue
from labgraph.graph.build import BuildResult
from labgraph.store.worker import LoadSpec, open_store

from .expect import Rows, select_rows


def _calls() -> list[tuple[str, set[str]]]:
    """Every ``run("name", param=...)`` and ``run_on(queries, "name", trig, param=...)`` in the test
    modules of this folder."""
    calls = []
    trees = [ast.parse(path.read_text("utf-8")) for path in sorted(Path(__file__).parent.glob("test_*.py"))]
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("run", "run_on"):
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if names:
                calls.append((names[0], {k.arg for k in node.keywords if k.arg}))
    return calls


def test_every_query_has_a_test(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    tested = {name for name, _ in _calls()}
    assert set(queries) - tested == set(), "queries without a test"
    assert tested - set(queries) == set(), "tests of queries that do not exist"
    assert len(queries) >= 26


def test_every_parameter_is_tested_with_a_value(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    given = {(name, param) for name, params in _calls() for param in params}
    declared = {(name, p.name) for name, query in queries.items() for p in query.params}
    assert declared - given == set(), "parameters never given a value in a test"


def test_every_query_parses_and_runs_in_pyoxigraph(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    empty = ox.Store()
    for name, query in queries.items():
        for text in (query.render(), query.render(limit=10, offset=20)):
            try:
                empty.query(text, use_default_graph_as_union=True)
            except SyntaxError as exc:  # pragma: no cover - the message names the broken query
                pytest.fail(f"{name} does not parse: {exc}")


def test_every_query_is_ordered_and_leaves_paging_to_the_api(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    for name, query in queries.items():
        assert "ORDER BY" in query.text, name
        assert not re.search(r"\b(LIMIT|OFFSET)\s+\d+\s*$", query.text), name
        assert query.render(limit=5).rstrip().endswith("LIMIT 5"), name
        assert {"fr", "en"} <= set(query.title) and {"fr", "en"} <= set(query.row), name
        for param in query.params:
            assert {"fr", "en"} <= set(param.description), (name, param.name)


@pytest.fixture(scope="module")
def store(built: BuildResult) -> ox.Store:
    """The store the endpoint queries: the named graphs, and their RDF merge as the default graph."""
    return open_store(LoadSpec(built.release))


def test_pages_put_together_give_the_whole_answer(
    store: ox.Store, queries: dict[str, catalogue.CatalogueQuery]
) -> None:
    """ORDER BY gives a total order, so the API's pages never overlap nor skip a row."""
    for name, query in queries.items():
        whole = select_rows(store, query.render())
        pages: Rows = []
        for offset in range(0, len(whole) + 7, 7):
            pages += select_rows(store, query.render(limit=7, offset=offset))
        assert pages == whole, name


def test_answers_have_no_duplicate_rows(
    store: ox.Store, built: BuildResult, queries: dict[str, catalogue.CatalogueQuery]
) -> None:
    """A fact stated by two documents is in two named graphs: even where the default graph is their
    union as a multiset (Oxigraph's union mode), no row comes out twice, and the answer is the same."""
    union = ox.Store()
    union.load(path=str(built.release / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
    for name, query in queries.items():
        rows = select_rows(store, query.render())
        assert len({tuple(sorted(r.items())) for r in rows}) == len(rows), name
        multiset = union.query(query.render(), use_default_graph_as_union=True)
        names = [v.value for v in multiset.variables]
        assert [{n: r[n].value for n in names if r[n] is not None} for r in multiset] == rows, name
