"""Documents already produced for the release being served, kept while memory allows.

A release never changes, so a resource's Turtle or its French page is the same bytes every
time: producing it once (a description query, a serialization, a template) and keeping it
turns every later request into a dictionary lookup. The cache belongs to one app, and a new
build comes with a new app (see :mod:`labgraph.serving.live`), so nothing in it is ever stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class DocumentCache:
    """Least-recently-used bytes, bounded by their total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], bytes | None]) -> bytes | None:
        """The cached bytes for ``key``, or ``make()``'s (kept unless None or too large)."""
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return body
            self.misses += 1
        body = make()  # outside the lock: two threads may make the same document once each
        if body is None or not self.max_bytes or len(body) > self.max_bytes // 8:
            return body
        with self._lock:
            if key not in self._items:
                self._items[key] = body
                self.size += len(body)
            while self.size > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self.size -= len(evicted)
        return body

    def __len__(self) -> int:
        return len(self._items)
