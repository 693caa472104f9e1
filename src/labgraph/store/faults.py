"""What the query pool can tell about a worker's end, and the words its log lines use for it.

A process's exit status goes to its parent, and the server is the parent of no query worker:

* a worker that read the release itself was started by multiprocessing's fork server, which
  reaps it and hands its status on (``Process.exitcode``): the log gives the signal or the exit
  code exactly;
* a worker forked by another worker (:func:`labgraph.store.worker._fork`) is that worker's child.
  Workers ignore SIGCHLD so that the kernel reaps their children at once (no zombies, and no code
  in the worker to reap them), which discards the status: the log says it is unknown, unless the
  pool killed the worker itself at the deadline;
* a worker whose parent died is adopted by PID 1 or the nearest child subreaper; when that is the
  server (PID 1 in a container), ``waitpid`` reaps it and gives its status.

Nothing else gives the status of a process that is not one's child: ``waitid`` on a pidfd is for
children only, and the kernel's process-event connector needs CAP_NET_ADMIN.
"""

from __future__ import annotations

import hashlib
import os
import signal

#: ``PF_EXITING`` in the flags of /proc/PID/stat: the kernel has begun to end the process.
_PF_EXITING = 0x4
_SIGKILL_BIT = 1 << (signal.SIGKILL - 1)


def query_label(text: str) -> str:
    """A query as the log names it: a hash of its text and its size, never the text itself or the
    request's parameters, which may be private."""
    data = text.encode("utf-8", "replace")
    return f"query {hashlib.sha256(data).hexdigest()[:12]} ({len(data)} bytes)"


def exit_description(code: int) -> str:
    """``multiprocessing``'s exit code (negative: the signal that ended the process) in words."""
    if code >= 0:
        return f"exit code {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"


def ending(pid: int) -> bool:
    """Whether the kernel is ending (or has ended) the process: gone, a zombie, exiting, or with
    SIGKILL pending. A worker killed with ``kill -9`` keeps its pipe open for the milliseconds
    its memory takes to be freed (about 20 ms for 300 MB); an idle worker in that state must not
    be handed a query. Without /proc (not Linux), only a process that is gone counts."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        if fields[0] in ("Z", "X") or int(fields[6]) & _PF_EXITING:
            return True
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(("SigPnd:", "ShdPnd:")) and int(line.split()[1], 16) & _SIGKILL_BIT:
                    return True
        return False
    except FileNotFoundError:
        if os.path.isdir("/proc/self"):
            return True
    except (OSError, IndexError, ValueError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # the number now belongs to another user's process
        return True
    return False
