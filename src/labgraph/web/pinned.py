"""Queries pinned to a release (``/sparql?release=N``, ``/releases/N/sparql``): a kept release's
store, opened on demand and kept in a small LRU.

The store is opened by the store factory (an embedded store over the release directory, read-only
on disk, with one query worker), so a pinned query passes the same gate, row limit and deadline
as any other: :meth:`Store.query` applies them whatever the release. The LRU belongs to the
server, not to one served release: releases never change, so a pinned store stays valid across
builds until it is evicted or its release is pruned.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from labgraph.errors import UnknownRelease
from labgraph.store.base import Store

log = logging.getLogger("labgraph.web.pinned")

#: Older releases whose stores stay open (each holds a query worker process).
OPEN_RELEASES = 2

Opener = Callable[[Path], Store]


class PinnedStores:
    def __init__(self, opener: Opener | None, size: int = OPEN_RELEASES) -> None:
        self._opener = opener
        self._size = size
        self._open: OrderedDict[Path, Store] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, release: Path) -> Store:
        """The store of a kept release, opened on first use (under the lock: one opening at a
        time, so a burst of pinned queries starts one worker, not one each)."""
        if self._opener is None:
            raise UnknownRelease("this server does not answer queries pinned to an older release")
        evicted: list[Store] = []
        with self._lock:
            store = self._open.get(release)
            if store is None:
                store = self._opener(release)
                try:
                    store.wait_ready()
                except Exception:
                    store.close()
                    raise
                self._open[release] = store
                while len(self._open) > self._size:
                    evicted.append(self._open.popitem(last=False)[1])
            self._open.move_to_end(release)
        for old in evicted:
            _close(old)
        return store

    def forget(self, release: Path) -> None:
        """Close a pruned release's store."""
        with self._lock:
            store = self._open.pop(release, None)
        if store is not None:
            _close(store)

    def close(self) -> None:
        with self._lock:
            stores, self._open = list(self._open.values()), OrderedDict()
        for store in stores:
            _close(store)


def _close(store: Store) -> None:
    try:
        store.close()
    except Exception:  # noqa: BLE001 - closing an old release must not fail a request
        log.exception("closing the pinned store of %s failed", store.release)
