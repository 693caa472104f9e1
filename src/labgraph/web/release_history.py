"""The releases as the server knows them: the history as of the release it serves, and the
release directories still on disk, read once per served release (Site.derived).

The history comes from the served release's own copy (``changes/history.json``), so every page
of one release tells the same story; which older releases can still be downloaded or queried is
looked up on disk, since a later build may have pruned them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from labgraph.errors import ReleaseError, ReleasePruned, UnknownRelease
from labgraph.release import GROUPED, SUMMARY, Release
from labgraph.store.base import Store
from labgraph.web.context import Site, site
from labgraph.web.pinned import PinnedStores


@dataclass(frozen=True)
class Releases:
    history: dict[str, Any]
    on_disk: dict[int, Path]  # release number -> directory, as found when first asked

    @property
    def entries(self) -> list[dict[str, Any]]:
        """Every release of the history, newest first."""
        return sorted(self.history["releases"], key=lambda e: -int(e["number"]))

    def kept(self) -> list[int]:
        return sorted((n for n, path in self.on_disk.items() if path.is_dir()), reverse=True)

    def entry(self, number: int) -> dict[str, Any]:
        for entry in self.history["releases"]:
            if int(entry["number"]) == number:
                return dict(entry)
        raise UnknownRelease(f"there is no release {number}; kept releases: {self._listing()}")

    def release(self, number: int) -> Release:
        """A release still on disk, or UnknownRelease (never built) / ReleasePruned (410)."""
        path = self.on_disk.get(number)
        if path is not None and path.is_dir():
            return Release(path)
        self.entry(number)  # never built: 404
        raise ReleasePruned(f"release {number} is no longer kept; kept releases: {self._listing()}")

    def summary(self, number: int) -> dict[str, Any]:
        return self.release(number).changes(SUMMARY)

    def grouped(self, number: int) -> dict[str, Any]:
        return self.release(number).changes(GROUPED)

    def last_change(self, iri: str) -> dict[str, Any] | None:
        """The release that last changed one of the resource's statements, if known."""
        number = self.history["last_changed"].get(iri)
        return None if number is None else self.entry(int(number))

    def changes_of(self, iri: str) -> list[dict[str, Any]]:
        """The releases that changed the resource, newest first."""
        numbers = self.history["changed_in"].get(iri, [])
        return [self.entry(int(n)) for n in sorted(numbers, reverse=True)]

    def _listing(self) -> str:
        return ", ".join(map(str, self.kept())) or "none"


def releases(s: Site) -> Releases:
    return s.derived("releases", lambda: _read(s))


def number_of(text: str | None) -> int:
    """A release number given by a client."""
    if text is None or not text.isdigit() or len(text) > 9:
        raise UnknownRelease(f"a release number is a positive integer, not {text!r}")
    return int(text)


def _read(s: Site) -> Releases:
    served = Release(s.release)
    on_disk: dict[int, Path] = {}
    folder = s.release.parent
    for path in folder.iterdir() if folder.is_dir() else ():
        if not path.is_dir() or path.name.startswith("."):
            continue
        try:
            number = Release(path).number
        except ReleaseError:
            continue
        if number is not None:
            on_disk[number] = path
    return Releases(served.history(), on_disk)


def pinned_store(s: Site, text: str | None) -> Store:
    """The store a query runs on: the served release's, or a kept older one's (``?release=N``);
    UnknownRelease (404) for a number never built, ReleasePruned (410) for one no longer kept."""
    if not text:
        return s.store
    number = number_of(text)
    if number == s.manifest.get("release"):
        return s.store
    pinned: PinnedStores | None = current_app.extensions.get("labgraph_pinned")
    known = releases(s)
    try:
        release = known.release(number)
    except ReleasePruned:
        path = known.on_disk.get(number)
        if pinned is not None and path is not None:
            pinned.forget(path)
        raise
    if pinned is None:
        raise UnknownRelease("this server does not answer queries pinned to an older release")
    return pinned.get(release.path)


def last_change(iri: str) -> dict[str, Any] | None:
    """For a resource page: the release that last changed the resource (a template global)."""
    return releases(site()).last_change(iri)
