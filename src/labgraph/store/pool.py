"""A fixed set of query worker processes with a hard deadline per query.

Why processes: neither Oxigraph nor rdflib can interrupt a running query, and Python cannot
kill a thread, so the only reliable time limit is to kill the process running the query.
Killing costs nothing while queries finish in time (the parent just waits on a pipe), and the
pool never grows: a killed or crashed worker is replaced once, in the background, and while
every worker is busy a query waits at most ``worker_wait_s`` before the server answers 503.
With the data in memory, only the first worker loads the release; the others, and every
replacement, are forked from an idle worker (:func:`labgraph.store.worker._fork`): they answer
within milliseconds whatever the size of the release.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import select
import signal
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection

from labgraph.store.base import QueryCrashed, QueryFailed, QueryTimeout, TooBusy
from labgraph.store.worker import FORK, Job, LoadSpec, Outcome, in_memory, serve

START_TIMEOUT_S = 600.0
FORK_TIMEOUT_S = 30.0


class ForkRefused(Exception):
    """The worker could not fork (the system refused a process); the worker itself is fine."""


class _Worker:
    """A worker process, known by its pid: it may be a child of another worker, not of this one."""

    def __init__(self, pid: int, conn: Connection) -> None:
        self.pid = pid
        self.conn = conn
        # Registered once: Connection.poll builds and registers a new selector at every call,
        # which is a good part of a short query's round trip.
        self._poller = select.poll()
        self._poller.register(conn.fileno(), select.POLLIN)

    def answered(self, timeout_s: float) -> bool:
        """Whether the worker has answered (or closed its pipe) within ``timeout_s``."""
        return bool(self._poller.poll(max(0, int(timeout_s * 1000))))

    def is_alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        try:  # a killed worker keeps its pid as a zombie until its parent (or PID 1) reaps it
            with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except OSError:  # no /proc (not Linux), or reaped meanwhile: the next call tells
            return True

    def kill(self) -> None:
        """Kill the worker and wait (briefly) until it is gone, as joining a child would."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            # A worker whose parent worker died is adopted by PID 1 (an init reaps it; a server
            # that runs as PID 1 in a container must reap it itself).
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, os.WNOHANG)
            if not self.is_alive():
                return
            time.sleep(0.001)

    def fork(self) -> tuple[int, Connection]:
        """Have this (idle) worker fork another; its pid and the pool's end of its pipe."""
        ours, theirs = multiprocessing.Pipe()
        try:
            self.conn.send(FORK)
            reduction.send_handle(self.conn, theirs.fileno(), self.pid)
            if not self.answered(FORK_TIMEOUT_S):
                raise OSError("the worker did not answer")
            status, detail = self.conn.recv()
            if status != "forked":
                raise ForkRefused(str(detail))
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return detail, ours


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
        self._forking = in_memory(spec)
        self._start_lock = threading.Lock()  # one new worker at a time: the next forks from it
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
            if not worker.answered(timeout_s):
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

    def pids(self) -> list[int]:
        """The live workers' process ids (for operators' tools and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        self._replace()

    def _replace(self) -> None:
        threading.Thread(target=self._start_one, name="labgraph-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        with self._start_lock:
            while not self._closed and time.monotonic() < deadline:
                with self._lock:
                    alone = not self._all
                if alone or not self._forking:
                    self._load_one()
                    return
                try:  # an idle worker forks the new one; queries wait meanwhile (a few ms)
                    parent = self._idle.get(timeout=0.05)
                except queue.Empty:
                    continue  # all busy: one frees itself, or is killed, within query_timeout_s
                try:
                    pid, conn = parent.fork()
                except ForkRefused as exc:
                    self._idle.put(parent)  # the pool stays one short, as when a load fails
                    self.failures.append(str(exc))
                    return
                except (OSError, EOFError):
                    self._discard(parent)
                    continue
                self._idle.put(parent)
                self._welcome(_Worker(pid, conn))
                return

    def _load_one(self) -> None:
        """A worker that reads the release itself, started clean by the forkserver."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child, self._spec), daemon=True)
        with self._lock:
            if self._closed:
                return
            process.start()
        child.close()
        assert process.pid is not None
        self._welcome(_Worker(process.pid, parent), START_TIMEOUT_S)

    def _welcome(self, worker: _Worker, timeout_s: float = FORK_TIMEOUT_S) -> None:
        """Wait for the new worker's first word, then give it queries."""
        if not worker.answered(timeout_s):
            worker.kill()
            self.failures.append("a query worker did not start in time")
            return
        try:
            status, detail = worker.conn.recv()
        except EOFError:
            status, detail = "failed", "the worker exited while opening the data"
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
