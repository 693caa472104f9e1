"""``labgraph curators``: accounts made, listed, changed and removed from the shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from labgraph.config import Settings
from labgraph.contributions import curators, db


def run(state: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LABGRAPH_STATE_DIR": str(state)}
    return subprocess.run([sys.executable, "-m", "labgraph", "curators", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_the_curators_commands(real_settings: Settings, tmp_path: Path) -> None:
    state = tmp_path / "state"
    added = run(state, "add", "alice", "--password-stdin", stdin="a long enough secret\n")
    assert added.returncode == 0, added.stderr
    assert run(state, "list").stdout.split() == ["alice"]
    again = run(state, "add", "alice", "--password-stdin", stdin="a long enough secret\n")
    assert again.returncode == 1 and "exists already" in again.stderr and "Traceback" not in again.stderr
    short = run(state, "add", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 12" in short.stderr
    assert run(state, "password", "alice", "--password-stdin", stdin="another long secret\n").returncode == 0
    conn = db.connect(db.path_in(state))
    assert curators.verify(conn, "alice", "another long secret")
    assert run(state, "remove", "alice").returncode == 0
    assert run(state, "list").stdout.split() == []
    missing = run(state, "remove", "alice")
    assert missing.returncode == 1 and "no curator named" in missing.stderr
