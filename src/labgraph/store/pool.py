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

import contextlib
import logging
import multiprocessing
import os
import queue
import select
import signal
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from labgraph.store import faults
from labgraph.store.base import QueryCrashed, QueryCrashedTwice, QueryFailed, QueryTimeout, TooBusy
from labgraph.store.worker import FORK, Job, LoadSpec, Outcome, in_memory, serve

log = logging.getLogger("labgraph.store.pool")

START_TIMEOUT_S = 600.0
FORK_TIMEOUT_S = 30.0
#: How long the log line of a death waits for the fork server to report the exit status.
STATUS_WAIT_S = 1.0
CLOSE_WAIT_S = 10.0

#: Held to read a fork-server worker's exit status and to start a process: Process.start polls
#: every child started before, and two readers of one status pipe would each get part of it.
_STATUS_LOCK = threading.Lock()


class ForkRefused(Exception):
    """The worker could not fork (the system refused a process); the worker itself is fine."""


class _Worker:
    """A worker process, known by its pid: it may be a child of another worker, not of this one.

    One thread at a time talks to it, holding ``lock`` (a query, a fork, its start). ``kill``
    takes that lock to close the pipe, after its signal has ended the exchange under way: a
    descriptor closed while another thread reads or writes it goes to the next file the process
    opens, and the two threads closing one Connection raised EBADF (issue 23)."""

    def __init__(
        self, pid: int, conn: Connection, process: BaseProcess | None = None, parent: int | None = None
    ) -> None:
        self.pid = pid
        self.conn = conn
        self.process = process  # when started by the fork server, which reports its exit status
        self.parent = parent  # the worker that forked it
        self.started = time.monotonic()  # reset by the pool to when it began to start it
        self.stopped = False  # killed by the pool at the deadline
        self.lock = threading.Lock()
        self._killing = threading.Lock()
        self._killed = False
        self._wait_status: int | None = None  # from waitpid, when it became this process's child
        # Registered once: Connection.poll builds and registers a new selector at every call,
        # which is a good part of a short query's round trip.
        self._poller = select.poll()
        self._poller.register(conn.fileno(), select.POLLIN)

    def ask(self, job: Job, timeout_s: float) -> tuple[str, object] | None:
        """Send a job and return the answer, or None if there is none within ``timeout_s``;
        EOFError or OSError when the worker dies first."""
        with self.lock:
            self.conn.send(job)
            if not self.answered(timeout_s):
                return None
            answer: tuple[str, object] = self.conn.recv()
            return answer

    def usable(self) -> bool:
        """Whether an idle worker can take a query: it said nothing since its last answer (a dead
        worker's pipe reads as closed) and the kernel is not ending it. Checked before a retry
        only: a worker killed together with the one that failed would fail the retry too."""
        return not self._poller.poll(0) and not faults.ending(self.pid)

    def ending(self) -> str:
        """How the worker ended, as far as this process can know (:mod:`labgraph.store.faults`)."""
        if self._wait_status is not None:
            return faults.exit_description(os.waitstatus_to_exitcode(self._wait_status))
        if self.process is not None:
            wait([self.process.sentinel], STATUS_WAIT_S)
            with _STATUS_LOCK:
                code = self.process.exitcode
            if code is not None:
                return faults.exit_description(code)
            return "exit status not reported by the fork server"
        if self.stopped:
            return "signal SIGKILL, sent by the pool"
        return f"signal or exit code unknown: its parent, worker {self.parent}, lets the kernel reap it"

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
        """Kill the worker and wait (briefly) until it is gone, as joining a child would.

        Idempotent, and safe from several threads at once: the first call signals (once, so a
        number the kernel has given to another process since is not signalled), the others wait
        until it is done."""
        with self._killing:
            if self._killed:
                return
            self._killed = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with self.lock:  # an exchange under way ends with the process
                self.conn.close()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                # A worker whose parent worker died is adopted by PID 1 (an init reaps it; a server
                # that runs as PID 1 in a container must reap it itself, and learns its status).
                with contextlib.suppress(ChildProcessError):
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                    if pid:
                        self._wait_status = status
                if not self.is_alive():
                    return
                time.sleep(0.001)

    def fork(self) -> tuple[int, Connection]:
        """Have this (idle) worker fork another; its pid and the pool's end of its pipe."""
        ours, theirs = multiprocessing.Pipe()
        try:
            with self.lock:
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
        self._closing = threading.Lock()
        self._starting: set[_Worker] = set()  # started, not ready yet: close() stops them too
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
            return self._run_again(job, worker, exc, started + timeout_s, timeout_s, wait_s)
        return self._answer(worker, answer, job, timeout_s)

    def _run_again(
        self, job: Job, dead: _Worker, cause: Exception, deadline: float, timeout_s: float, wait_s: float
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

    def _take_usable(self, timeout_s: float) -> _Worker | None:
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

    def _answer(self, worker: _Worker, answer: tuple[str, object] | None, job: Job, timeout_s: float) -> Outcome:
        if answer is None:
            worker.stopped = True
            label = faults.query_label(job.text)
            self._discard(worker, f"stopped at the deadline (query_timeout_s = {timeout_s:g} s) running {label}")
            raise QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped (query_timeout_s)")
        self._idle.put(worker)
        status, payload = answer
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

    def pids(self) -> list[int]:
        """The live workers' process ids (for operators' tools and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all)

    def _discard(self, worker: _Worker, what: str) -> None:
        """Kill a worker that failed, and start another; ``what`` happened to it is logged, with
        its exit status, by the thread that starts the new one (the status can take a moment)."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if not self._closed:
                self.restarts += 1
        self._replace(worker, what)

    def _replace(self, dead: _Worker | None = None, what: str = "") -> None:
        thread = threading.Thread(target=self._start_one, args=(dead, what), name="labgraph-worker-start", daemon=True)
        with self._lock:  # started before close() can see it: a thread not yet started cannot be joined
            self._starters.add(thread)
            thread.start()

    def _start_one(self, dead: _Worker | None, what: str) -> None:
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
                worker = _Worker(pid, conn, parent=parent.pid)
                worker.started = began
                self._welcome(worker)
                return

    def _load_one(self) -> None:
        """A worker that reads the release itself, started clean by the forkserver."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child, self._spec), daemon=True)
        with self._lock, _STATUS_LOCK:
            if self._closed:
                parent.close()
                child.close()
                return
            process.start()
        child.close()
        assert process.pid is not None
        self._welcome(_Worker(process.pid, parent, process), START_TIMEOUT_S)

    def _welcome(self, worker: _Worker, timeout_s: float = FORK_TIMEOUT_S) -> None:
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
