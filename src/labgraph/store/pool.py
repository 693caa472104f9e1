"""A fixed set of query worker processes with a hard deadline per query.

Why processes: neither Oxigraph nor rdflib can interrupt a running query, and Python cannot
kill a thread, so the only reliable time limit is to kill the process running the query.
Killing costs nothing while queries finish in time (the parent just waits on a pipe), and the
pool never grows: a killed or crashed worker is replaced once, in the background, and while
every worker is busy a query waits at most ``worker_wait_s`` before the server answers 503.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from labgraph.store.base import QueryCrashed, QueryFailed, QueryTimeout, TooBusy
from labgraph.store.worker import Job, LoadSpec, Outcome, serve

START_TIMEOUT_S = 600.0


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    def __init__(self, spec: LoadSpec, size: int) -> None:
        self._spec = spec
        self._size = size
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["labgraph.store.worker"])
        # Last in, first out: the worker that just answered has the data in the CPU caches;
        # alternating between workers costs about 1 ms per query (measured at 100k quads).
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.failures: list[str] = []
        for _ in range(size):
            self._replace()

    def run(self, job: Job, *, timeout_s: float, wait_s: float) -> Outcome:
        try:
            worker = self._idle.get(timeout=wait_s)
        except queue.Empty:
            raise TooBusy(
                f"all {self._size} query workers are busy; retry shortly (query_workers, worker_wait_s)"
            ) from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout_s):
                self._discard(worker)
                raise QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped (query_timeout_s)")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._discard(worker)
            raise QueryCrashed("the query worker died while running this query; it has been replaced") from exc
        self._idle.put(worker)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        if status == "syntax":
            raise QueryFailed(f"syntax error: {payload}")
        raise QueryFailed(str(payload))

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Block until every worker has loaded the data, so that the first queries do not wait
        ``worker_wait_s`` and fail while a large release is still loading."""
        deadline = time.monotonic() + timeout_s
        while True:
            with self._lock:
                if len(self._all) >= self._size:
                    return
            if self.failures:
                raise QueryCrashed(f"a query worker could not start: {self.failures[-1]}")
            if time.monotonic() > deadline:
                raise QueryCrashed(f"the query workers did not start within {timeout_s:g} s")
            time.sleep(0.02)

    def close(self, drain_s: float = 0.0) -> None:
        """Stop every worker; with ``drain_s``, first let the queries under way finish (up to
        that long): a worker is only taken back once it is idle."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
        deadline = time.monotonic() + drain_s
        idle = 0
        while idle < len(workers) and drain_s > 0:
            try:
                self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            idle += 1
        for worker in workers:
            worker.kill()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        self._replace()

    def _replace(self) -> None:
        threading.Thread(target=self._start_one, name="labgraph-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child, self._spec), daemon=True)
        with self._lock:
            if self._closed:
                return
            process.start()
        child.close()
        worker = _Worker(process, parent)
        if not parent.poll(START_TIMEOUT_S):
            worker.kill()
            self.failures.append("a query worker did not start in time")
            return
        try:
            status, detail = parent.recv()
        except EOFError:
            status, detail = "failed", "the worker exited while loading the data"
        if status != "ready":
            worker.kill()
            self.failures.append(str(detail))
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)
