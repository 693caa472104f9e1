"""Keep a busy server's log readable: waitress warns "Task queue depth is N" for every request
queued behind busy threads (726 lines in one loaded run), which buries the lines that matter
(worker deaths, 5xx answers, release switches). One such line per interval is kept, saying how
many were left out."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class OncePer(logging.Filter):
    """Lets one record through per ``interval_s``; the next one says how many were dropped."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval_s = interval_s
        self.clock = clock
        self._last: float | None = None
        self._dropped = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            now = self.clock()
            if self._last is not None and now - self._last < self.interval_s:
                self._dropped += 1
                return False
            if self._dropped:
                dropped = f"{self._dropped} more such lines in the last {self.interval_s:g} s"
                record.msg = f"{record.getMessage()} ({dropped})"
                record.args = ()
            self._last, self._dropped = now, 0
            return True


def quiet_queue_warnings(interval_s: float = 10.0) -> None:
    """Rate-limit waitress's queue-depth warnings, once per process."""
    queue = logging.getLogger("waitress.queue")
    if not any(isinstance(f, OncePer) for f in queue.filters):
        queue.addFilter(OncePer(interval_s))
