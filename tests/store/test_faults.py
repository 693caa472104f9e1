"""How the pool tells of a worker's end: its exit status in words, a query named without its text,
and whether the kernel is ending a process (a worker killed with ``kill -9`` is still there for a
few milliseconds)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from labgraph.store.faults import ending, exit_description, query_label


def test_exit_codes_and_signals_read_as_words() -> None:
    assert exit_description(0) == "exit code 0"
    assert exit_description(1) == "exit code 1"
    assert exit_description(-signal.SIGKILL) == "signal SIGKILL"
    assert exit_description(-signal.SIGSEGV) == "signal SIGSEGV"
    assert exit_description(-200) == "signal 200"


def test_a_query_is_named_by_a_hash_and_a_size_only() -> None:
    label = query_label('SELECT * WHERE { ?s ?p "secret é" }')
    assert label.startswith("query ") and label.endswith(" (36 bytes)")  # UTF-8 bytes, not characters
    assert "secret" not in label
    assert label == query_label('SELECT * WHERE { ?s ?p "secret é" }') != query_label("ASK {}")


def test_a_live_process_is_not_ending_and_a_killed_or_reaped_one_is() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.05)
        assert not ending(child.pid)
        os.kill(child.pid, signal.SIGSTOP)  # stopped: SIGKILL stays pending until it runs again
        os.kill(child.pid, signal.SIGKILL)
        assert ending(child.pid)  # pending, exiting or a zombie, depending on the moment
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with open(f"/proc/{child.pid}/stat", encoding="ascii") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.005)
        assert ending(child.pid)  # a zombie
    finally:
        child.kill()
        child.wait()
    assert ending(child.pid)  # reaped: gone
