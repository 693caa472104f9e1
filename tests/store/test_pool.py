"""The query worker pool: one worker loads the release, the others are forked from an idle one
(at start and when one is killed at a deadline), every process is gone when the pool closes
(however the close meets the starts), and a query whose worker dies runs once more."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labgraph.store.base import QueryCrashed, QueryTimeout
from labgraph.store.pool import WorkerPool
from labgraph.store.worker import Job, LoadSpec

from .killing import SIDE, SLOW, death_lines, with_kills

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
HEAVY_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } }"


def job(text: str) -> Job:
    return Job(text=text, media_type="text/tab-separated-values", default_graphs=(), named_graphs=(),
               max_rows=100, single_pass=True, select=True)


def count(pool: WorkerPool) -> int:
    return number(pool.run(job(COUNT), timeout_s=30, wait_s=30).body)


def number(tsv: bytes) -> int:
    """The one number of a one-row TSV result."""
    return int(tsv.decode().splitlines()[1].split("^^")[0].strip('"'))


def alive(pid: int) -> bool:
    """Running: a killed worker whose parent died may stay a zombie until PID 1 reaps it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def memory_mb(pid: int, *kinds: str) -> float:
    """From the kernel's accounting: ``Rss`` (all pages mapped), ``Private_*`` (not shared)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    return sum(int(fields[k].split()[0]) for k in kinds) / 1024


PoolOf = Callable[..., WorkerPool]


@pytest.fixture
def pool_of() -> Iterator[PoolOf]:
    """Pools that are closed after the test, whatever it asserted."""
    pools: list[WorkerPool] = []

    def make(release: Path, size: int, memory: bool = True) -> WorkerPool:
        pools.append(WorkerPool(LoadSpec(release, memory=memory), size))
        return pools[-1]

    yield make
    for pool in pools:
        pool.close()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A release in memory form (no on-disk store), large enough for its copies to be measured."""
    folder = tmp_path / "release"
    folder.mkdir()
    with (folder / "labgraph.nq").open("w", encoding="utf-8") as out:
        for i in range(120_000):
            out.write(f'<https://example.org/s{i}> <https://example.org/p{i % 7}> "value {i}" '
                      f"<https://example.org/g{i % 50}> .\n")
    (folder / "labgraph.ttl").write_text("", encoding="utf-8")
    return folder


def test_workers_forked_from_a_loaded_one_share_its_pages(release: Path, pool_of: PoolOf) -> None:
    pool = pool_of(release, 3)
    pool.wait_ready(60)
    lookup = job('SELECT ?p ?o WHERE { GRAPH ?g { <https://example.org/s5> ?p ?o } }')
    for _ in range(6):
        assert "value 5" in pool.run(lookup, timeout_s=30, wait_s=30).body.decode()
    pids = pool.pids()
    loaded = max(memory_mb(pid, "Rss") for pid in pids)
    assert loaded > 60  # the interpreter and the data
    for pid in pids:
        assert memory_mb(pid, "Rss") > loaded / 2  # each worker maps the data…
    own = sorted(memory_mb(pid, "Private_Clean", "Private_Dirty") for pid in pids)
    assert own[-1] < loaded / 3, (own, loaded)  # …and none holds a copy of its own


def test_a_worker_killed_at_the_deadline_is_replaced_without_reading_the_release_again(
    release: Path, pool_of: PoolOf
) -> None:
    pool = pool_of(release, 2)
    pool.wait_ready(60)
    before = set(pool.pids())
    for dump in ("labgraph.nq", "labgraph.ttl"):
        (release / dump).unlink()  # a replacement that reloaded would fail now
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        pool.run(job(HEAVY), timeout_s=0.5, wait_s=5)
    pool.wait_ready(5)
    assert time.monotonic() - started < 5
    assert count(pool) == 120_000 and count(pool) == 120_000  # both workers answer
    after = set(pool.pids())
    assert len(after) == 2 and len(after - before) == 1
    assert not any(alive(pid) for pid in before - after)
    assert pool.failures == []


def test_when_every_worker_is_gone_a_new_one_reads_the_release(release: Path, pool_of: PoolOf) -> None:
    pool = pool_of(release, 1)
    pool.wait_ready(60)
    with pytest.raises(QueryTimeout):
        pool.run(job(HEAVY), timeout_s=0.5, wait_s=5)
    assert count(pool) == 120_000
    (release / "labgraph.nq").write_text("not N-Quads\n", encoding="utf-8")
    with pytest.raises(QueryTimeout):
        pool.run(job(HEAVY), timeout_s=0.5, wait_s=5)
    with pytest.raises(QueryCrashed, match="could not start"):
        pool.wait_ready(30)


def test_closing_leaves_no_worker(release: Path, pool_of: PoolOf) -> None:
    pool = pool_of(release, 3)
    pool.wait_ready(60)
    pids = pool.pids()
    assert all(alive(pid) for pid in pids)
    pool.close()
    assert not any(alive(pid) for pid in pids)


def test_a_release_that_cannot_be_loaded_is_reported_by_wait_ready(tmp_path: Path, pool_of: PoolOf) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "labgraph.nq").write_text("<https://example.org/s> <https://example.org/p> .\n", encoding="utf-8")
    (folder / "labgraph.ttl").write_text("", encoding="utf-8")
    pool = pool_of(folder, 2)
    with pytest.raises(QueryCrashed, match="could not start"):
        pool.wait_ready(60)
    assert pool.pids() == []


def test_workers_open_an_on_disk_release_themselves(built_release_copy: Path, pool_of: PoolOf) -> None:
    """RocksDB runs threads, which a fork would not copy: each worker opens the store itself."""
    pool = pool_of(built_release_copy, 2, memory=False)
    pool.wait_ready(60)
    counts = {count(pool) for _ in range(4)}
    assert len(counts) == 1 and counts.pop() > 1000
    with pytest.raises(QueryTimeout):
        pool.run(job(HEAVY_DEFAULT), timeout_s=0.5, wait_s=5)
    pool.wait_ready(30)
    assert count(pool) > 1000 and len(pool.pids()) == 2


@pytest.fixture
def built_release_copy(built, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "release"
    shutil.copytree(built.release, target)
    return target


@pytest.fixture
def tiny_release(tmp_path: Path) -> Path:
    """A release that loads in milliseconds, for tests that start many pools."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "labgraph.nq").write_text(
        '<https://example.org/s> <https://example.org/p> "v" <https://example.org/g> .\n', encoding="utf-8"
    )
    (folder / "labgraph.ttl").write_text("", encoding="utf-8")
    return folder


def forkserver_descendants() -> set[int]:
    """Live processes started from this test process's fork server (workers, and workers they
    forked, even once adopted by PID 1): they share its command line."""
    from multiprocessing import forkserver

    server = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    if server is None:
        return set()
    command = Path(f"/proc/{server}/cmdline").read_bytes()
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != server:
            try:
                if (entry / "cmdline").read_bytes() == command and alive(int(entry.name)):
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def open_descriptors(at_most: int | None = None) -> int:
    """This process's open files, once the processes it started are accounted for: multiprocessing
    keeps a finished worker's status pipe until the fork server has reported the exit (a moment
    after the worker is gone) and it next looks at its children. With ``at_most``, wait up to 2 s
    for the count to come down to it: a leak does not."""
    import gc
    import multiprocessing

    deadline = time.monotonic() + 2
    while True:
        multiprocessing.active_children()
        gc.collect()
        count = len(list(Path("/proc/self/fd").iterdir()))
        if at_most is None or count <= at_most or time.monotonic() > deadline:
            return count
        time.sleep(0.02)


def close_while_starting(release: Path, delay_s: float, twice_at_once: bool) -> list[int]:
    """Start a pool of four, close it ``delay_s`` after its first worker is up (the other three
    are being forked then), then close it again; the pids it had."""

    pool = WorkerPool(LoadSpec(release, memory=True), 4)
    deadline = time.monotonic() + 30
    while not pool.pids() and time.monotonic() < deadline:
        time.sleep(0.0002)
    time.sleep(delay_s)
    seen = pool.pids()
    other = threading.Thread(target=pool.close)
    if twice_at_once:  # as a retiring release and a shutdown might
        other.start()
    pool.close()
    if twice_at_once:
        other.join()
    pool.close()
    return seen


def test_closing_while_workers_start_and_fork_is_safe_and_idempotent(
    tiny_release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23: close() and the thread starting a worker closed the same pipe (EBADF in either,
    or a TypeError reading a Connection closed under it). Closes land at varied moments of the
    starts and forks; any error in close() or in a start thread, a descriptor or a process left
    behind, fails the test."""
    import random

    errors: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(repr(args.exc_value)))
    rounds = random.Random(23)
    warm = WorkerPool(LoadSpec(tiny_release, memory=True), 1)  # starts the fork server, once
    warm.wait_ready(30)
    warm.close()
    fds_before = open_descriptors()
    processes_before = forkserver_descendants()
    started = time.monotonic()
    iterations = 0
    while time.monotonic() - started < 6 and iterations < 400:
        iterations += 1
        seen = close_while_starting(tiny_release, rounds.random() * 0.003, iterations % 4 == 0)
        assert not any(alive(pid) for pid in seen)
    for thread in threading.enumerate():
        if thread.name == "labgraph-worker-start":
            thread.join(timeout=10)
    assert errors == [], f"after {iterations} closes: {errors[:3]}"
    assert forkserver_descendants() - processes_before == set()
    assert open_descriptors(at_most=fds_before) <= fds_before
    assert iterations >= 10  # time-bound: fewer on a loaded machine


# ----------------------------------------------------------------------------- workers that die

def test_a_query_whose_worker_is_killed_runs_again_and_is_answered(
    tiny_release: Path, pool_of: PoolOf, caplog: pytest.LogCaptureFixture
) -> None:
    from labgraph.store.faults import query_label

    caplog.set_level("INFO", logger="labgraph")
    pool = pool_of(tiny_release, 2)
    pool.wait_ready(30)
    outcome, killed = with_kills(pool, 1, lambda: pool.run(job(SLOW), timeout_s=30, wait_s=10))
    assert number(outcome.body) == SIDE**3
    assert not alive(killed[0])
    [line] = death_lines(caplog, 1)
    assert line.startswith(f"query worker {killed[0]} died running {query_label(SLOW)}; the query runs again")
    assert f"({len(SLOW)} bytes)" in line
    assert "signal SIGKILL" in line or "signal or exit code unknown" in line  # loaded, or forked
    assert not any("VALUES" in r.getMessage() for r in caplog.records)  # never the query itself
    pool.wait_ready(10)
    assert pool.restarts == 1 and len(pool.pids()) == 2


def test_a_worker_stopped_by_a_signal_is_named_with_it_and_the_query_answered(
    tiny_release: Path, pool_of: PoolOf, caplog: pytest.LogCaptureFixture
) -> None:
    """With one worker, it is the one that read the release (the fork server's child), whose exit
    status the pool learns; its replacement reads the release again."""
    import signal

    pool = pool_of(tiny_release, 1)
    pool.wait_ready(30)
    outcome, killed = with_kills(pool, 1, lambda: pool.run(job(SLOW), timeout_s=30, wait_s=10), signal.SIGTERM)
    assert number(outcome.body) == SIDE**3
    [line] = death_lines(caplog, 1)
    assert line.startswith(f"query worker {killed[0]} died running query ") and "(signal SIGTERM)" in line


def test_a_query_that_kills_both_its_workers_is_answered_503_and_not_run_a_third_time(
    tiny_release: Path, pool_of: PoolOf, caplog: pytest.LogCaptureFixture
) -> None:
    from labgraph.store.base import QueryCrashedTwice

    pool = pool_of(tiny_release, 2)
    pool.wait_ready(30)
    crashed, killed = with_kills(pool, 2, lambda: pool.run(job(SLOW), timeout_s=30, wait_s=10))
    assert isinstance(crashed, QueryCrashedTwice), crashed
    assert "crashed the query engine twice" in str(crashed)
    first, second = death_lines(caplog, 2)
    assert f"query worker {killed[0]} died running query" in first and "runs again" in first
    assert f"query worker {killed[1]} died running query" in second and "second time" in second
    pool.wait_ready(10)
    assert pool.restarts == 2
    time.sleep(0.3)  # a third run would be busy by now
    assert len({w.pid for w in list(pool._idle.queue)}) == 2
    assert count(pool) == 1


def test_a_query_stopped_at_its_deadline_is_not_run_again(
    tiny_release: Path, pool_of: PoolOf, caplog: pytest.LogCaptureFixture
) -> None:
    pool = pool_of(tiny_release, 2)
    pool.wait_ready(30)
    with pytest.raises(QueryTimeout, match="query_timeout_s"):
        pool.run(job(SLOW), timeout_s=0.1, wait_s=10)
    [line] = death_lines(caplog, 1)
    assert "stopped at the deadline (query_timeout_s = 0.1 s)" in line
    pool.wait_ready(10)
    assert pool.restarts == 1


def test_workers_killed_while_idle_cost_no_query(tiny_release: Path, pool_of: PoolOf) -> None:
    """Both idle workers killed at once: the query's first worker is dead, and the other one is
    still dying (its pipe open for a few ms) when the query would run again on it; the retry skips
    it and waits for a new worker."""
    import os
    import signal

    pool = pool_of(tiny_release, 2)
    for attempt in range(5):
        pool.wait_ready(30)
        pids = pool.pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        assert count(pool) == 1, attempt
    pool.wait_ready(30)
    assert pool.restarts == 10


def test_a_start_that_fails_unexpectedly_is_reported_at_once(tiny_release: Path) -> None:
    """A start thread that raised used to die silently, and wait_ready waited its whole timeout;
    here the load spec cannot be sent to the fork server."""
    pool = WorkerPool(LoadSpec(tiny_release, extra_files=(threading.Lock(),)), 1)  # type: ignore[arg-type]
    try:
        started = time.monotonic()
        with pytest.raises(QueryCrashed, match="could not start: TypeError"):
            pool.wait_ready(20)
        assert time.monotonic() - started < 10
    finally:
        pool.close()
