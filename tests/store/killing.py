"""Killing the query worker that runs a query, from the test, as ``kill -9`` or the kernel's
out-of-memory killer would: the tests need a death that is not a deadline, and no hook for it
may be reachable over HTTP."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

SIDE = 140  # SLOW counts SIDE**3 rows: about half a second, time enough to kill it midway
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {v} }} VALUES ?b {{ {v} }} VALUES ?c {{ {v} }} }}".format(
    v=" ".join(str(i) for i in range(SIDE))
)


def busy_for(pool, seconds: float, spared: set[int], timeout_s: float = 20) -> int:  # type: ignore[no-untyped-def]
    """The worker that has been running a query for ``seconds`` (a worker forking another is busy
    for milliseconds only), in the pool's own view: not in its idle queue."""
    since: dict[int, float] = {}
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        idle = {w.pid for w in list(pool._idle.queue)}
        busy = {w.pid for w in list(pool._all)} - idle - spared
        now = time.monotonic()
        since = {pid: since.get(pid, now) for pid in busy}
        for pid, first in since.items():
            if now - first >= seconds:
                return pid
        time.sleep(0.01)
    raise AssertionError("no worker ran the query")


def kill_running(pool, times: int, sig: int = signal.SIGKILL) -> tuple[threading.Thread, list[int]]:  # type: ignore[no-untyped-def]
    """A thread that kills the worker running the query, ``times`` times (the retry's too)."""
    killed: list[int] = []

    def killer() -> None:
        for _ in range(times):
            pid = busy_for(pool, 0.15, set(killed))
            os.kill(pid, sig)
            killed.append(pid)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    return thread, killed


def death_lines(caplog: pytest.LogCaptureFixture, count: int, timeout_s: float = 10) -> list[str]:
    """The pool's lines about dead workers, once there are ``count`` (the thread that replaces a
    worker writes them, with the exit status, a moment after the query has gone on)."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        lines = [r.getMessage() for r in caplog.records if r.name == "labgraph.store.pool" and r.levelname == "WARNING"]
        if len(lines) >= count:
            return lines
        time.sleep(0.02)
    raise AssertionError(f"expected {count} lines about dead workers, got {lines}")
