"""Each query worker's memory is limited (issue 21.3): a real query that grows past
worker_memory_mb fails alone with a 503 naming the setting, is not run again, and the next query
is answered by a fresh worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from labgraph.config import Settings
from labgraph.graph.build import BuildResult
from labgraph.store.base import QueryTimeout
from labgraph.store.pool import WorkerPool
from labgraph.store.worker import Job, LoadSpec

from ..conftest import LiveServer, _wait_ready

_VALUES = " ".join(str(i) for i in range(150))
#: 3.4 million distinct rows, sorted: the engine keeps them all in memory (hundreds of MB).
GREEDY = (
    f"SELECT DISTINCT ?a ?b ?c (STR(?a) AS ?x) WHERE {{ VALUES ?a {{ {_VALUES} }} VALUES ?b {{ {_VALUES} }} "
    f"VALUES ?c {{ {_VALUES} }} }} ORDER BY ?c ?b ?a"
)


def job(text: str) -> Job:
    return Job(text=text, media_type="text/tab-separated-values", default_graphs=(), named_graphs=(),
               max_rows=100, single_pass=False, select=True)


@pytest.fixture
def pool_with(built: BuildResult) -> Iterator[object]:
    pools: list[WorkerPool] = []

    def make(limit_mb: int) -> WorkerPool:
        pools.append(WorkerPool(LoadSpec(built.release, memory=True, memory_limit_mb=limit_mb), 2))
        pools[-1].wait_ready(60)
        return pools[-1]

    yield make
    for pool in pools:
        pool.close()


def private_mb(pid: int) -> float:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmData"].split()[0]) / 1024


def test_a_query_over_the_limit_fails_alone_and_its_worker_is_replaced(pool_with, caplog) -> None:  # type: ignore[no-untyped-def]
    from labgraph.errors import QueryOutOfMemory

    pool = pool_with(100)
    with pytest.raises(QueryOutOfMemory, match="worker_memory_mb"):
        pool.run(job(GREEDY), timeout_s=20, wait_s=5)
    assert pool.restarts == 1  # replaced once: not run again on the other worker
    assert pool.run(job("ASK {}"), timeout_s=20, wait_s=5).body.strip().endswith(b"true")
    pool.wait_ready(10)
    assert "ran out of memory (worker_memory_mb = 100)" in caplog.text


def test_without_a_limit_the_same_query_runs_on_until_its_deadline(pool_with) -> None:  # type: ignore[no-untyped-def]
    pool = pool_with(0)
    with pytest.raises(QueryTimeout):
        pool.run(job(GREEDY), timeout_s=1.5, wait_s=5)


def test_a_worker_starts_far_below_the_default_limit(pool_with) -> None:  # type: ignore[no-untyped-def]
    """The limit counts from the worker's own use once loaded; that use is small beside it."""
    pool = pool_with(Settings.worker_memory_mb)
    assert all(private_mb(pid) < Settings.worker_memory_mb / 4 for pid in pool.pids())


def test_over_http_the_answer_is_503_naming_the_setting_and_the_next_query_succeeds(
    real_settings: Settings, built: BuildResult
) -> None:
    server = LiveServer(real_settings.replace(worker_memory_mb=100, reload_interval_s=0))
    try:
        _wait_ready(server.url)
        headers = {"Accept": "application/sparql-results+json"}
        response = requests.get(server.url + "/sparql", params={"query": GREEDY}, headers=headers, timeout=30)
        assert response.status_code == 503 and response.headers["Retry-After"] == "1"
        assert response.json()["error"]["setting"] == "worker_memory_mb"
        after = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, headers=headers, timeout=30)
        assert after.status_code == 200 and after.json()["boolean"] is True
    finally:
        server.close()
