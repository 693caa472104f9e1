"""Each query worker's memory limit (``worker_memory_mb``), and how the pool learns that a worker
died of it (issue 21.3).

The limit is ``RLIMIT_DATA``: the private writable memory (heap, anonymous mappings, stacks) a
process may have, which is what a query's intermediate results grow. Unlike ``RLIMIT_AS`` it
leaves out file mappings, so the on-disk store's mapped files (RocksDB) and shared libraries do
not count. It is set after the data is loaded, at the worker's own use plus ``worker_memory_mb``,
so the limit bounds what a query may add, whatever the size of the release.

Past it, an allocation fails: in Python, a MemoryError, which the worker reports; in Oxigraph
(Rust), the process writes ``memory allocation of N bytes failed`` to its standard error and
aborts. A worker's standard error goes to a file of its own in a directory of the pool (its
"last words"), which the pool reads when the worker's pipe closes under a query.
"""

from __future__ import annotations

import contextlib
import os
import resource
from pathlib import Path

#: What Rust's allocator writes before it aborts the process.
ALLOCATION_FAILED = "memory allocation of"
#: The most of a worker's last words the pool reads (the end of the file).
LAST_WORDS_BYTES = 4096


def private_memory_bytes() -> int:
    """This process's ``VmData`` (what RLIMIT_DATA counts), from /proc."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmData in /proc/self/status")


def limit(extra_mb: int) -> None:
    """Let this process use ``extra_mb`` MB of private memory beyond what it uses now (the soft
    limit only: a forked worker sets its own again from the same use). 0: no limit."""
    if extra_mb <= 0:
        return
    with contextlib.suppress(OSError, ValueError):  # no /proc, or a hard limit below: left as is
        wanted = private_memory_bytes() + extra_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))


def keep_last_words(notes_dir: str) -> None:
    """Send this process's standard error (file descriptor 2, where Rust writes) to its own file
    in ``notes_dir``."""
    if not notes_dir:
        return
    with contextlib.suppress(OSError):
        fd = os.open(os.path.join(notes_dir, str(os.getpid())), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        os.close(fd)


def last_words(notes_dir: str, pid: int) -> str:
    """The end of what worker ``pid`` wrote to its standard error, or ''."""
    if not notes_dir:
        return ""
    path = Path(notes_dir) / str(pid)
    try:
        with path.open("rb") as notes:
            notes.seek(max(0, path.stat().st_size - LAST_WORDS_BYTES))
            return notes.read().decode("utf-8", "replace")
    except OSError:
        return ""


def forget(notes_dir: str, pid: int) -> None:
    if notes_dir:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(notes_dir, str(pid)))


def ran_out(words: str) -> bool:
    """Whether a worker's last words say an allocation failed."""
    return ALLOCATION_FAILED in words or "MemoryError" in words
