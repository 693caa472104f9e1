"""One build at a time per build directory, across threads and processes, and never a lock left
behind by a build that died."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from labgraph.errors import BuildError
from labgraph.graph.build_lock import LOCK_FILE, build_lock


def test_a_second_holder_waits_for_the_first(tmp_path: Path) -> None:
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with build_lock(tmp_path):
            inside.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait(5)
    with build_lock(tmp_path):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]


def test_the_same_thread_may_take_it_again(tmp_path: Path) -> None:
    with build_lock(tmp_path), build_lock(tmp_path):
        pass  # an accept holds it and runs a build, which takes it too


def test_waiting_too_long_is_a_clear_error(tmp_path: Path) -> None:
    inside, leave = threading.Event(), threading.Event()

    def holder() -> None:
        with build_lock(tmp_path):
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    inside.wait(5)
    try:
        with pytest.raises(BuildError, match=LOCK_FILE), build_lock(tmp_path, wait_s=0.2):
            pass
    finally:
        leave.set()
        thread.join()


def test_a_holder_killed_with_sigkill_leaves_no_lock(tmp_path: Path) -> None:
    code = ("import sys, time; from pathlib import Path; from labgraph.graph.build_lock import build_lock\n"
            "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(BuildError), build_lock(tmp_path, wait_s=0.2):
            pass  # held by the other process
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        with build_lock(tmp_path, wait_s=5):
            pass  # the kernel released it with its holder
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if child.stdout is not None:
            child.stdout.close()
