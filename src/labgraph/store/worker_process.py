"""One query worker process as the pool sees it: its pid, its pipe, and how it is asked to run a
query, to fork another worker, and to die (:class:`WorkerPool` in :mod:`labgraph.store.pool`
decides when)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from labgraph.errors import ForkRefused
from labgraph.store import faults
from labgraph.store.worker import FORK, Job

START_TIMEOUT_S = 600.0
FORK_TIMEOUT_S = 30.0
#: How long the log line of a death waits for the fork server to report the exit status.
STATUS_WAIT_S = 1.0
CLOSE_WAIT_S = 10.0

#: Held to read a fork-server worker's exit status and to start a process: Process.start polls
#: every child started before, and two readers of one status pipe would each get part of it.
STATUS_LOCK = threading.Lock()


class WorkerProcess:
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
            with STATUS_LOCK:
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
