"""What a release is on disk, written by :mod:`labgraph.graph.build` and read by everything else.

A release is a directory under ``build_dir/releases/``; ``build_dir/current`` is a symlink to the
last successful one. It holds the dumps (:data:`DUMPS`, each also gzipped), the SHACL report and
the shapes it was checked against (:data:`QUALITY`), an on-disk Oxigraph store and ``manifest.json`` (build id,
creation time, counts, files with their sizes and checksums, sources). The layout is spelled out
here only, and the manifest is parsed here only, so a reader never guesses at a file name.

Part of the foundation: imports nothing of labgraph but the errors.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from labgraph.errors import ReleaseError

CURRENT = "current"
RELEASES = "releases"
STORE_DIR = "store"
MANIFEST = "manifest.json"
VALIDATION_REPORT = "validation.ttl"
SHAPES = "shapes.ttl"
#: The structures' identity cards as computed at build (JSON list of cards), which the web layer
#: reads instead of recomputing them; a release without it has its cards computed on first use.
CARDS = "cards.json"
#: The release history kept beside the releases (``build_dir/releases/history.json``): every
#: release ever built, even pruned ones, so that a number is never reused and a URI that existed
#: once is known. Each release holds its own copy as of its build (``changes/history.json``).
HISTORY = "history.json"
#: What changed since the previous release, computed by the build (labgraph.graph.history).
CHANGES = "changes"
#: File in CHANGES -> media type: the diff as data.
CHANGE_FILES = {
    "patch.rdfp": "application/rdf-patch",
    "added.nq": "application/n-quads",
    "removed.nq": "application/n-quads",
    "added.nt": "application/n-triples",
    "removed.nt": "application/n-triples",
}
SUMMARY = "summary.json"  # counts and the changed resources, in CHANGES
GROUPED = "diff.json"  # the added and removed statements by resource, in CHANGES

#: The build's quality documents: file name -> (media type, what it holds). Listed in the
#: manifest under "quality" with their sizes and checksums (the report only when the build
#: validated), and published beside the dumps.
QUALITY = {
    VALIDATION_REPORT: ("text/turtle", "SHACL validation report"),
    SHAPES: ("text/turtle", "SHACL shapes every build must conform to"),
}

#: Dump file name -> (media type, what it holds).
DUMPS = {
    "labgraph.trig": ("application/trig", "dataset"),
    "labgraph.nq": ("application/n-quads", "dataset"),
    "labgraph.ttl": ("text/turtle", "merged graph"),
    "labgraph.jsonld": ("application/ld+json", "dataset"),
}


@dataclass(frozen=True)
class Release:
    """One release directory; its manifest is read on first use and then kept."""

    path: Path

    @cached_property
    def manifest(self) -> dict[str, Any]:
        file = self.path / MANIFEST
        try:
            manifest: dict[str, Any] = json.loads(file.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ReleaseError(f"{self.path}: not a release (no {MANIFEST})") from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReleaseError(f"{file}: unreadable manifest: {exc}") from exc
        if not isinstance(manifest, dict) or "build_id" not in manifest:
            raise ReleaseError(f"{file}: not a labgraph manifest (no build_id)")
        return manifest

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @property
    def created(self) -> str:
        return str(self.manifest["created"])

    @property
    def stats(self) -> dict[str, Any]:
        figures: dict[str, Any] = self.manifest["stats"]
        return figures

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """Published file name -> media type, size, checksum and what it holds."""
        files: dict[str, dict[str, Any]] = self.manifest["files"]
        return files

    @property
    def quality(self) -> dict[str, dict[str, Any]]:
        """Quality document name -> media type, size, checksum and what it holds; empty for a
        release built before they were listed."""
        documents: dict[str, dict[str, Any]] = self.manifest.get("quality") or {}
        return documents

    @property
    def store_dir(self) -> Path:
        return self.path / STORE_DIR

    @property
    def number(self) -> int | None:
        """The release's number (1, 2, …), or None for a release built before releases had one."""
        number = self.manifest.get("release")
        return int(number) if number is not None else None

    def history(self) -> dict[str, Any]:
        """The history as of this release (see :func:`read_history`); empty before numbering."""
        return read_history(self.path / CHANGES / HISTORY)

    def changes(self, name: str) -> dict[str, Any]:
        """One of the JSON documents of CHANGES (SUMMARY, GROUPED); empty if the build wrote none."""
        return read_json(self.path / CHANGES / name)

    def file(self, name: str) -> Path:
        return self.path / name


def current(build_dir: Path) -> Path | None:
    """The release ``build_dir/current`` points to, resolved, or None before the first build."""
    link = build_dir / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def read_json(file: Path) -> dict[str, Any]:
    """A JSON object written by the build, or an empty one if there is none."""
    try:
        data = json.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReleaseError(f"{file}: unreadable: {exc}") from exc
    if not isinstance(data, dict):
        raise ReleaseError(f"{file}: not a JSON object")
    return data


def read_history(file: Path) -> dict[str, Any]:
    """A history: ``releases`` (number, build_id, created, triples, quads, sha256 of the N-Quads
    dump, added, removed, the resources changed most), ``last_changed`` (IRI -> the number of the
    release that last changed one of its statements, for IRIs that exist), ``gone`` (IRI -> the
    number of the release it disappeared in and the last one it was in) and ``replaced`` (IRI ->
    its ``dct:isReplacedBy`` in the release, for the stubs a merge leaves) and ``changed_in``
    (IRI -> the numbers of the releases that changed it)."""
    history = read_json(file)
    for key in ("last_changed", "gone", "replaced", "changed_in"):
        history.setdefault(key, {})
    history.setdefault("releases", [])
    return history


def sha256(path: Path) -> str:
    """The checksum the manifest records for a published file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
