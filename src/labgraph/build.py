"""Build a release of the graph: load, check, validate, then publish it atomically.

A release is a directory under ``build_dir/releases/`` holding the dumps, the validation
report, an on-disk Oxigraph store for serving and a manifest. It is written under a hidden
temporary name and renamed once complete; ``build_dir/current`` is a symlink that is then
swapped with ``os.replace``, so readers see either the old release or the new one, never a
half-written one, and a failed or killed build leaves the previous release in place.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from labgraph import consistency, sources, stats
from labgraph.config import Settings
from labgraph.errors import BuildError, ShapeViolations
from labgraph.namespaces import STANDARD_PREFIXES
from labgraph.rdfconvert import to_dataset
from labgraph.uris import prefixes as own_prefixes
from labgraph.validation import ValidationReport, load_shapes, validate_dataset

CURRENT = "current"
RELEASES = "releases"
STORE_DIR = "store"
MANIFEST = "manifest.json"
KEEP_RELEASES = 3

#: Dump file name -> (media type, what it holds).
DUMPS = {
    "labgraph.trig": ("application/trig", "dataset"),
    "labgraph.nq": ("application/n-quads", "dataset"),
    "labgraph.ttl": ("text/turtle", "merged graph"),
    "labgraph.jsonld": ("application/ld+json", "dataset"),
}


@dataclass(frozen=True)
class BuildResult:
    release: Path
    stats: stats.Stats
    report: ValidationReport | None
    seconds: float


Progress = Callable[[str], None]


def run_build(settings: Settings, *, validate: bool = True, progress: Progress | None = None) -> BuildResult:
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    say("loading sources")
    dataset = sources.load(settings)
    say(f"loaded {len(dataset)} quads from {len(dataset.files)} files")
    consistency.check(dataset)
    report = None
    if validate:
        say("validating with SHACL")
        report = validate_dataset(dataset, settings)
        if not report.conforms:
            raise ShapeViolations(report)
    figures = stats.compute(dataset.store, settings.base_uri)
    say("writing release")
    release = _publish(settings, dataset, figures, report)
    return BuildResult(release, figures, report, time.perf_counter() - started)


def current_release(settings: Settings) -> Path | None:
    link = settings.build_dir / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def _publish(
    settings: Settings, dataset: sources.SourceDataset, figures: stats.Stats, report: ValidationReport | None
) -> Path:
    releases = settings.build_dir / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = releases / f".tmp-{build_id}-{os.getpid()}"
    final = releases / build_id
    try:
        staging.mkdir()
        files = _write_artefacts(staging, settings, dataset, report)
        manifest = {
            "build_id": build_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "base_uri": settings.base_uri,
            "labgraph_version": _version(),
            "sources": {
                str(s.path): {"graph": dataset.graph_iri(s.graph_name), "sha256": _sha256(s.path)}
                for s in dataset.files
            },
            "files": files,
            "stats": figures.as_dict(),
            "validation": None
            if report is None
            else {
                "conforms": report.conforms,
                "violations": len(report.violations),
                "warnings": len(report.warnings),
            },
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _fsync_tree(staging)
        os.rename(staging, final)
        _point_current_at(settings.build_dir, final)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"could not write the release in {releases}: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(releases, keep=final)
    return final


def _write_artefacts(
    target: Path, settings: Settings, dataset: sources.SourceDataset, report: ValidationReport | None
) -> dict[str, dict[str, object]]:
    prefixes = {**STANDARD_PREFIXES, **own_prefixes(settings.base_uri)}
    quads = sorted(dataset.store, key=str)
    ox.serialize(quads, str(target / "labgraph.trig"), ox.RdfFormat.TRIG, prefixes=prefixes)
    ox.serialize(quads, str(target / "labgraph.nq"), ox.RdfFormat.N_QUADS)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    ox.serialize(triples, str(target / "labgraph.ttl"), ox.RdfFormat.TURTLE, prefixes=prefixes)
    with warnings.catch_warnings():
        # rdflib's JSON-LD serializer calls its own deprecated Dataset.contexts().
        warnings.simplefilter("ignore", DeprecationWarning)
        jsonld = to_dataset(quads, prefixes).serialize(format="json-ld", context=prefixes, auto_compact=True)
    (target / "labgraph.jsonld").write_text(jsonld, encoding="utf-8")
    load_shapes(settings).serialize(target / "shapes.ttl", format="turtle")
    if report is not None:
        report.graph.serialize(target / "validation.ttl", format="turtle")
    files: dict[str, dict[str, object]] = {}
    for name, (media_type, holds) in DUMPS.items():
        path = target / name
        with (
            path.open("rb") as raw,
            (target / f"{name}.gz").open("wb") as out,
            gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as packed,
        ):
            shutil.copyfileobj(raw, packed)
        files[name] = {"media_type": media_type, "holds": holds, "bytes": path.stat().st_size, "sha256": _sha256(path)}
        files[name + ".gz"] = {
            "media_type": media_type,
            "encoding": "gzip",
            "holds": holds,
            "bytes": (target / f"{name}.gz").stat().st_size,
        }
    # The serving store: the named graphs, and their RDF merge as the default graph (Oxigraph's
    # union default graph repeats a triple once per graph holding it, which inflates counts).
    store = ox.Store(str(target / STORE_DIR))
    store.bulk_load(path=str(target / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=str(target / "labgraph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    store.flush()
    store.optimize()
    del store
    return files


def _point_current_at(build_dir: Path, release: Path) -> None:
    link = build_dir / CURRENT
    temporary = build_dir / f".{CURRENT}-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(Path(RELEASES) / release.name, temporary)
    os.replace(temporary, link)


def _prune(releases: Path, keep: Path) -> None:
    """Keep the newest releases (a running server may still read the previous one)."""
    done = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for old in done[KEEP_RELEASES:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in releases.glob(".tmp-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version() -> str:
    from labgraph import __version__

    return __version__
