"""One build at a time per build directory, whoever starts it: ``labgraph build``, a curator's
accept, another server process.

Two builds at once would read the same history and take the same release number. An advisory
``flock`` on ``build_dir/.build.lock`` serialises them across processes; the kernel releases it
when its holder dies, so a build killed with -9 never leaves the directory locked.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from labgraph.errors import BuildError

LOCK_FILE = ".build.lock"
#: The build directories this thread holds: an accept holds the lock across its claim and the
#: build it runs, and the build takes it again (another thread, or process, still waits).
_held = threading.local()


@contextmanager
def build_lock(build_dir: Path, wait_s: float = 600.0) -> Iterator[None]:
    """Hold the build directory's lock; wait up to ``wait_s`` for another build to finish, then
    refuse with a BuildError naming the lock file rather than wait for ever."""
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / LOCK_FILE
    held: set[str] = getattr(_held, "paths", None) or set()
    _held.paths = held
    key = str(path.resolve())
    if key in held:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildError(
                        f"another build has held {path} for over {wait_s:.0f} s; try again when it has finished"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for a person looking
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
    finally:
        os.close(fd)  # closing the descriptor releases the lock
