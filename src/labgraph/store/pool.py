"""A fixed set of query worker processes with a hard deadline per query.

Why processes: neither Oxigraph nor rdflib can interrupt a running query, and Python cannot
kill a thread, so the only reliable time limit is to kill the process running the query.
Killing costs nothing while queries finish in time (the parent just waits on a pipe), and the
pool never grows: a killed or crashed worker is replaced once, in the background, and while
every worker is busy a query waits at most ``worker_wait_s`` before the server answers 503.
A query whose worker dies under it for another reason than its deadline runs once more on
another worker (:meth:`WorkerPool.run`); every death is logged with what is known of its cause
(:mod:`labgraph.store.faults`) and counted in :attr:`WorkerPool.restarts`.
With the data in memory, only the first worker loads the release; the others, and every
replacement, are forked from an idle worker (:func:`labgraph.store.worker._fork`): they answer
within milliseconds whatever the size of the release.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import queue
import shutil
import tempfile
import threading
import time

from labgraph.errors import ForkRefused, QueryOutOfMemory
from labgraph.store import faults, worker_memory
from labgraph.store.base import QueryCrashed, QueryCrashedTwice, QueryFailed, QueryTimeout, TooBusy
from labgraph.store.worker import Job, LoadSpec, Outcome, in_memory, serve
from labgraph.store.worker_process import CLOSE_WAIT_S, FORK_TIMEOUT_S, START_TIMEOUT_S, STATUS_LOCK, WorkerProcess

log = logging.getLogger("labgraph.store.pool")

class WorkerPool:
    def __init__(self, spec: LoadSpec, size: int) -> None:
        # Each worker's standard error, read when it dies under a query (store/worker_memory.py).
        spec = dataclasses.replace(spec, notes_dir=tempfile.mkdtemp(prefix="labgraph-workers-"))
        self._spec = spec
        self._size = size
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["labgraph.store.worker"])
        # Last in, first out: the worker that just answered has the data in the CPU caches;
        # alternating between workers costs about 1 ms per query (measured at 100k quads).
        self._idle: queue.LifoQueue[WorkerProcess] = queue.LifoQueue()
        self._all: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._forking = in_memory(spec)
        self._start_lock = threading.Lock()  # one new worker at a time: the next forks from it
        self._closed = False
        self._closing = threading.Lock()
        self._starting: set[WorkerProcess] = set()  # started, not ready yet: close() stops them too
        self._starters: set[threading.Thread] = set()
        self.failures: list[str] = []
        #: Workers replaced because they died or were stopped at a deadline (for metrics).
        self.restarts = 0
        for _ in range(size):
            self._replace()

    def run(self, job: Job, *, timeout_s: float, wait_s: float) -> Outcome:
        """Run a query on an idle worker and stop it at ``timeout_s``.

        A worker that dies under the query for any other reason (killed, out of memory, a crash
        in the engine) is replaced, and the query runs once more on another worker within what
        is left of ``timeout_s``: only read-only queries reach the pool (the store's gate refuses
        updates), so running one again changes nothing. A second death is taken as the query's
        doing and answered :class:`QueryCrashedTwice`. The normal path pays a clock reading and
        an uncontended lock (0.5 µs of a round trip of about 100 µs).
        """
        try:
            worker = self._idle.get(timeout=wait_s)
        except queue.Empty:
            raise TooBusy(
                f"all {self._size} query workers are busy; retry shortly (query_workers, worker_wait_s)"
            ) from None
        started = time.monotonic()
        try:
            answer = worker.ask(job, timeout_s)
        except (EOFError, OSError) as exc:
            self._out_of_memory(worker, job, exc)
            return self._run_again(job, worker, exc, started + timeout_s, timeout_s, wait_s)
        return self._answer(worker, answer, job, timeout_s)

    def _out_of_memory(self, worker: WorkerProcess, job: Job, cause: BaseException | None = None) -> None:
        """Raise QueryOutOfMemory, having replaced the worker, if its last words say it ran out of
        memory: such a query is not run again (it would fail the same way on another worker)."""
        if cause is not None and not worker_memory.ran_out(worker_memory.last_words(self._spec.notes_dir, worker.pid)):
            return
        limit = self._spec.memory_limit_mb
        self._discard(worker, f"ran out of memory (worker_memory_mb = {limit}) running {faults.query_label(job.text)}")
        raise QueryOutOfMemory(
            f"the query needed more than the {limit} MB a query worker may use, and was stopped (worker_memory_mb)"
        ) from cause

    def _run_again(
        self, job: Job, dead: WorkerProcess, cause: Exception, deadline: float, timeout_s: float, wait_s: float
    ) -> Outcome:
        """The query's worker died under it: replace that worker, run the query on another."""
        if self._closed:
            raise QueryCrashed("the query workers were stopped: the store is closing") from cause
        label = faults.query_label(job.text)
        self._discard(dead, f"died running {label}; the query runs again on another worker")
        worker = self._take_usable(min(wait_s, deadline - time.monotonic()))
        if worker is None or time.monotonic() >= deadline:
            if worker is not None:
                self._idle.put(worker)
            elif time.monotonic() < deadline:
                raise TooBusy(
                    f"all {self._size} query workers are busy; retry shortly (query_workers, worker_wait_s)"
                ) from cause
            raise QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped (query_timeout_s)")
        try:
            answer = worker.ask(job, deadline - time.monotonic())
        except (EOFError, OSError) as exc:
            if self._closed:
                raise QueryCrashed("the query workers were stopped: the store is closing") from exc
            self._discard(worker, f"died running {label} a second time; the query is not run again")
            raise QueryCrashedTwice(
                "the query crashed the query engine twice (its worker died on both tries); it is not run again"
            ) from exc
        return self._answer(worker, answer, job, timeout_s)

    def _take_usable(self, timeout_s: float) -> WorkerProcess | None:
        """An idle worker that can take a query, within ``timeout_s``; dead ones are replaced."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if worker.usable():
                return worker
            self._discard(worker, "died while idle")

    def _answer(self, worker: WorkerProcess, answer: tuple[str, object] | None, job: Job, timeout_s: float) -> Outcome:
        if answer is None:
            worker.stopped = True
            label = faults.query_label(job.text)
            self._discard(worker, f"stopped at the deadline (query_timeout_s = {timeout_s:g} s) running {label}")
            raise QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped (query_timeout_s)")
        status, payload = answer
        if status == "memory":
            self._out_of_memory(worker, job)
        self._idle.put(worker)
        if status == "ok":
            assert isinstance(payload, Outcome)
            return payload
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
        that long): a worker is only taken back once it is idle.

        Workers still starting are stopped too, and close returns once the threads that start
        workers have ended, so no process of the pool outlives it. A second call (or one made
        meanwhile) waits for the first and does nothing more."""
        with self._closing:
            with self._lock:
                if self._closed:
                    return
                self._closed = True
                workers = list(self._all)
                starting = list(self._starting)
            deadline = time.monotonic() + drain_s
            idle = 0
            while idle < len(workers) and drain_s > 0:
                try:
                    self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                idle += 1
            for worker in workers + starting:
                worker.kill()
            deadline = time.monotonic() + CLOSE_WAIT_S
            while time.monotonic() < deadline:
                with self._lock:
                    threads = [t for t in self._starters if t is not threading.current_thread()]
                if not threads:
                    break
                threads[0].join(timeout=max(0.0, deadline - time.monotonic()))
            shutil.rmtree(self._spec.notes_dir, ignore_errors=True)

    def status(self) -> tuple[int, int, int]:
        """(workers started, of which idle and usable, of which idle but found dead), without
        taking a worker: a dead idle worker is only replaced when a query takes it, so an
        operator's health check is what reveals it meanwhile."""
        with self._lock:
            started = len(self._all)
        with self._idle.mutex:
            idle = list(self._idle.queue)
        dead = sum(1 for worker in idle if not worker.usable())
        return started, len(idle) - dead, dead

    def pids(self) -> list[int]:
        """The live workers' process ids (for operators' tools and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all)

    def _discard(self, worker: WorkerProcess, what: str) -> None:
        """Kill a worker that failed, and start another; ``what`` happened to it is logged, with
        its exit status, by the thread that starts the new one (the status can take a moment)."""
        worker.kill()
        worker_memory.forget(self._spec.notes_dir, worker.pid)
        with self._lock:
            self._all.discard(worker)
            if not self._closed:
                self.restarts += 1
        self._replace(worker, what)

    def _replace(self, dead: WorkerProcess | None = None, what: str = "") -> None:
        thread = threading.Thread(target=self._start_one, args=(dead, what), name="labgraph-worker-start", daemon=True)
        with self._lock:  # started before close() can see it: a thread not yet started cannot be joined
            self._starters.add(thread)
            thread.start()

    def _start_one(self, dead: WorkerProcess | None, what: str) -> None:
        try:
            if dead is not None and not self._closed:
                log.warning("query worker %d %s (%s); starting another", dead.pid, what, dead.ending())
            self._start()
        except Exception as exc:  # noqa: BLE001 - said and recorded, not left for wait_ready to time out on
            log.exception("starting a query worker failed")
            self.failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._starters.discard(threading.current_thread())

    def _start(self) -> None:
        began = deadline = time.monotonic()
        deadline += START_TIMEOUT_S
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
                    log.error("query worker %d could not fork another: %s", parent.pid, exc)
                    return
                except (OSError, EOFError):
                    if self._closed:
                        return
                    self._discard(parent, "died while idle (asked to fork a new worker)")
                    continue
                self._idle.put(parent)
                worker = WorkerProcess(pid, conn, parent=parent.pid)
                worker.started = began
                self._welcome(worker)
                return

    def _load_one(self) -> None:
        """A worker that reads the release itself, started clean by the forkserver."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child, self._spec), daemon=True)
        with self._lock, STATUS_LOCK:
            if self._closed:
                parent.close()
                child.close()
                return
            process.start()
        child.close()
        assert process.pid is not None
        self._welcome(WorkerProcess(process.pid, parent, process), START_TIMEOUT_S)

    def _welcome(self, worker: WorkerProcess, timeout_s: float = FORK_TIMEOUT_S) -> None:
        """Wait for the new worker's first word, then give it queries. Until then the worker is
        one that :meth:`close` stops too."""
        with self._lock:
            closed = self._closed
            if not closed:
                self._starting.add(worker)
        if closed:
            worker.kill()
            return
        with worker.lock:
            if worker.conn.closed:  # stopped by close() meanwhile
                status, detail = "stopped", ""
            elif not worker.answered(timeout_s):
                status, detail = "failed", "a query worker did not start in time"
            else:
                try:
                    status, detail = worker.conn.recv()
                except (EOFError, OSError):
                    status, detail = "died", "the worker exited while opening the data"
        with self._lock:
            self._starting.discard(worker)
            closed = self._closed
            if status == "ready" and not closed:
                self._all.add(worker)
        if status != "ready" or closed:
            worker.kill()
            if status in ("failed", "died") and not closed:
                self.failures.append(str(detail))
                how = f" ({worker.ending()})" if status == "died" else ""
                log.error("a query worker could not start: %s%s", detail, how)
            return
        took = time.monotonic() - worker.started
        how = f"forked by worker {worker.parent}" if worker.parent else "loaded the release"
        log.info("query worker %d ready (%s in %.0f ms)", worker.pid, how, took * 1000)
        self._idle.put(worker)
