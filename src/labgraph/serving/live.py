"""Serve the last successful build, and the next one as soon as it lands, without a restart.

A build publishes a release by swapping the ``current`` symlink and never touches a release in
use. The server notices the swap, opens the new release beside the old one (loading it takes
the time the old one keeps answering), sends every new request to it, and closes the old store
when its last request has finished. No request sees half of each release, and none fails
because of the swap (case 27 of shared/reference/robustness-and-security.md). A release that
cannot be opened is logged and skipped; the server goes on with the one it has.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labgraph.config import Settings
from labgraph.contributions.base import Desks
from labgraph.release import current
from labgraph.serving.app import open_app, pinned_stores
from labgraph.web.observe import Observer

log = logging.getLogger("labgraph.live")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class _Generation:
    """One release being served: its app, its store, and the requests still inside it."""

    release: Path | None
    app: WSGIApp
    store: Any
    active: int = 0
    retired: bool = False


class LiveApp:
    """A WSGI app that always answers from the current release."""

    def __init__(self, settings: Settings, extra_files: tuple[Path, ...] = (), desks: Desks | None = None) -> None:
        self.settings = settings
        self.extra_files = extra_files
        self.desks = desks  # the contributions' desks: one per server, whatever the release
        self._lock = threading.Lock()
        self._switching = threading.Lock()
        self._stop = threading.Event()
        self.pinned = pinned_stores(settings)  # older releases' stores, shared by every release served
        self.observer = Observer.for_settings(settings)  # one for every release served: counters never reset
        self._generation = self._open()
        self.failed: dict[Path, str] = {}  # releases that could not be opened, and why
        self._watcher: threading.Thread | None = None
        interval = settings.reload_interval_s
        if interval > 0 and self.follows_builds:
            self._watcher = threading.Thread(target=self._watch, args=(interval,), name="labgraph-live", daemon=True)
            self._watcher.start()

    @property
    def follows_builds(self) -> bool:
        """A fixed release (``--store oxigraph:PATH``) never changes; ``current`` does."""
        return not self.settings.store.startswith("oxigraph:")

    @property
    def store(self) -> Any:
        return self._generation.store

    @property
    def release(self) -> Path | None:
        return self._generation.release

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._lock:
            generation = self._generation
            generation.active += 1
        try:
            # Bodies are built before the view returns, so the store is no longer needed once
            # the app has returned, even though the server sends the bytes later.
            return generation.app(environ, start_response)
        finally:
            with self._lock:
                generation.active -= 1
                finished = generation.retired and generation.active == 0
            if finished:
                self._close(generation)

    def check(self) -> bool:
        """Switch to the current release if it changed; whether a switch happened."""
        with self._switching:
            target = current(self.settings.build_dir)
            if target is None or target == self._generation.release or target in self.failed:
                return False
            try:
                generation = self._open()
            except Exception as exc:  # noqa: BLE001 - any failure leaves the old release serving
                self.failed[target] = f"{type(exc).__name__}: {exc}"
                log.error("cannot serve the new release %s, still serving %s: %s", target, self.release, exc)
                return False
            with self._lock:
                old, self._generation = self._generation, generation
                old.retired = True
                idle = old.active == 0
            log.info("now serving release %s (was %s)", generation.release, old.release)
            if idle:
                self._close(old)
            return True

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            generation = self._generation
        self._close(generation)
        self.pinned.close()

    def _watch(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - the watcher must outlive any single failure
                log.exception("checking for a new release failed")

    def _open(self) -> _Generation:
        app, store = open_app(
            self.settings, self.extra_files, pinned=self.pinned, observer=self.observer, desks=self.desks
        )
        try:
            store.wait_ready()  # requests keep going to the old release meanwhile
        except Exception:
            store.close()
            raise
        return _Generation(store.release, app, store)

    @staticmethod
    def _close(generation: _Generation) -> None:
        try:
            generation.store.close()
        except Exception:  # noqa: BLE001 - closing an old store must not break serving
            log.exception("closing the store of release %s failed", generation.release)
