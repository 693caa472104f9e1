"""Run catalogue queries on the built graph, the way the endpoint runs them (default graph = merge)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from labgraph import catalogue
from labgraph.graph.build import BuildResult
from labgraph.store.worker import LoadSpec, open_store

from ..conftest import BASE, ROOT

Rows = list[dict[str, str]]


@pytest.fixture(scope="session")
def queries() -> dict[str, catalogue.CatalogueQuery]:
    return catalogue.load(ROOT / "queries", BASE)


@pytest.fixture(scope="session")
def run(built: BuildResult, queries: dict[str, catalogue.CatalogueQuery]) -> Callable[..., Rows]:
    """``run(name, **params)`` -> rows as {variable: lexical value}, unbound variables left out."""
    store = open_store(LoadSpec(built.release))  # the same store the server queries

    def execute(name: str, **params: str) -> Rows:
        results = store.query(queries[name].render(params))
        if isinstance(results, ox.QueryBoolean):
            return [{"boolean": str(bool(results)).lower()}]
        names = [v.value for v in results.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in results]

    return execute
