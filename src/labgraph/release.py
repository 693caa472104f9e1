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

    def file(self, name: str) -> Path:
        return self.path / name


def current(build_dir: Path) -> Path | None:
    """The release ``build_dir/current`` points to, resolved, or None before the first build."""
    link = build_dir / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def sha256(path: Path) -> str:
    """The checksum the manifest records for a published file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
