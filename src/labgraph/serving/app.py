"""The web app over the configured store, for one release: what :mod:`labgraph.serving.live`
opens for each new build and what tests and scripts use to serve a release once."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from labgraph.config import Settings
from labgraph.contributions.base import Desks
from labgraph.store.base import Store
from labgraph.store.factory import open_release_store, open_store
from labgraph.web import create_app
from labgraph.web.observe import Observer
from labgraph.web.pinned import PinnedStores


def open_app(
    settings: Settings,
    extra_files: tuple[Path, ...] = (),
    pinned: PinnedStores | None = None,
    observer: Observer | None = None,
    desks: Desks | None = None,
) -> tuple[Flask, Store]:
    """The app and its store for the current release; the caller closes the store (and
    ``pinned``, the stores of older releases that pinned queries use, kept across releases).
    The ``observer`` (metrics, access log) and the contributions' ``desks`` outlive the app
    when given."""
    store = open_store(settings, extra_files)
    return create_app(settings, store, store.release, pinned=pinned, observer=observer, desks=desks), store


def pinned_stores(settings: Settings) -> PinnedStores:
    """The stores of older releases for queries pinned to them, opened by the store factory."""
    return PinnedStores(lambda release: open_release_store(settings, release))
