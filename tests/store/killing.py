"""Killing the query worker that runs a query, from the test, as ``kill -9`` or the kernel's
out-of-memory killer would: the tests need a death that is not a deadline, and no hook for it
may be reachable over HTTP."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SIDE = 140  # SLOW counts SIDE**3 rows: about half a second, time enough to kill it midway
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {v} }} VALUES ?b {{ {v} }} VALUES ?c {{ {v} }} }}".format(
    v=" ".join(str(i) for i in range(SIDE))
)
_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float | None:
    """CPU time the process has used (user and system), or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * _TICK_S


class Killer:
    """Kills the worker that runs a query, ``times`` times (the retry's too), from a thread.

    The worker running the query is the one using CPU: it is killed once it has used ``busy_s``
    since the killer first saw it (an idle worker uses none, a worker forking another a few ms).
    Leaving the ``with`` block stops the thread, so that it kills nothing in a later test."""

    def __init__(self, pool: Any, times: int, sig: int = signal.SIGKILL, busy_s: float = 0.05) -> None:
        self.pool, self.times, self.sig, self.busy_s = pool, times, sig, busy_s
        self.killed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Killer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        seen: dict[int, float] = {}
        while not self._stop.is_set() and len(self.killed) < self.times:
            for pid in self.pool.pids():
                used = cpu_s(pid)
                if pid in self.killed or used is None:
                    continue
                if used - seen.setdefault(pid, used) >= self.busy_s:
                    os.kill(pid, self.sig)
                    self.killed.append(pid)
            time.sleep(0.005)


def with_kills(pool: Any, times: int, send: Callable[[], Any], sig: int = signal.SIGKILL) -> tuple[Any, list[int]]:
    """``send()``'s result (or the exception it raised) with the workers killed meanwhile; tried
    again, up to three times, when the query ended before the kills (a loaded machine may run
    the killer late)."""
    for _ in range(3):
        with Killer(pool, times, sig) as killer:
            try:
                result: Any = send()
            except Exception as exc:  # noqa: BLE001 - the caller checks what it expects
                result = exc
        if len(killer.killed) == times:
            return result, killer.killed
        pool.wait_ready(30)
    raise AssertionError(f"the query ended before {times} kill(s), three times")


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
