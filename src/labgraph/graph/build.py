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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from labgraph.config import Settings
from labgraph.dataset import stats
from labgraph.engine import triples
from labgraph.errors import BuildError, ShapeViolations
from labgraph.graph import consistency, entailment, history, similarity, sources
from labgraph.graph.build_lock import build_lock
from labgraph.graph.validation import ValidationReport, load_shapes, validate_dataset
from labgraph.release import (
    CARDS,
    CURRENT,
    DUMPS,
    MANIFEST,
    QUALITY,
    RELEASES,
    SHAPES,
    STORE_DIR,
    VALIDATION_REPORT,
    sha256,
)
from labgraph.release import current as current_in

#: The RDF merge of the named graphs (the default graph of the serving store). Oxigraph's
#: CONSTRUCT yields each distinct triple once, however many graphs state it.
MERGE = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"

#: gzip level of the compressed dumps, for the smallest downloads: compressing runs while the
#: serving store loads, which takes longer, so a faster level would not shorten a build.
GZIP_LEVEL = 9


@dataclass(frozen=True)
class BuildResult:
    release: Path
    stats: stats.Stats
    report: ValidationReport | None
    seconds: float
    #: Seconds spent in each step, in the order they ran: where a build's time goes.
    timings: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str], None]


class _Timings(dict[str, float]):
    """Step name -> seconds, filled by ``with timings.step(name):``."""

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self[name] = time.perf_counter() - started


def run_build(settings: Settings, *, validate: bool = True, progress: Progress | None = None) -> BuildResult:
    """Build one release; one build at a time per build directory (graph/build_lock.py), so two
    builds (a curator's accept and ``labgraph build``, say) never take the same release number."""
    with build_lock(settings.build_dir):
        return _run_build(settings, validate=validate, progress=progress)


def _run_build(settings: Settings, *, validate: bool, progress: Progress | None) -> BuildResult:
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    timings = _Timings()
    say("loading sources")
    with timings.step("load"):
        dataset = sources.load(settings)
    say(f"loaded {len(dataset)} quads from {len(dataset.files)} files")
    with timings.step("entailment"):
        entailed = entailment.materialise(dataset)
    say(f"entailed {entailed} triples into graph/{entailment.GRAPH_NAME}")
    with timings.step("cards and similarity"):
        similar = similarity.materialise(dataset, settings.vocab)
    say(f"{len(similar.links)} similarity links between {len(similar.cards)} cards into graph/{similarity.GRAPH_NAME}")
    with timings.step("consistency"):
        consistency.check(dataset)
    report = None
    if validate:
        say("validating with SHACL")
        with timings.step("shacl"):
            report = validate_dataset(dataset, settings)
        if not report.conforms:
            raise ShapeViolations(report)
    say("writing release")
    release, figures = _publish(settings, dataset, report, timings, {CARDS: similar.cards_json()})
    return BuildResult(release, figures, report, time.perf_counter() - started, dict(timings))


def current_release(settings: Settings) -> Path | None:
    return current_in(settings.build_dir)


def _publish(
    settings: Settings,
    dataset: sources.SourceDataset,
    report: ValidationReport | None,
    timings: _Timings,
    derived: dict[str, bytes] | None = None,
) -> tuple[Path, stats.Stats]:
    releases = settings.build_dir / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    number = history.next_number(releases)
    staging = releases / f".tmp-{build_id}-{os.getpid()}"
    final = releases / build_id
    try:
        staging.mkdir()
        files, figures = _write_artefacts(staging, settings, dataset, report, timings)
        for name, body in (derived or {}).items():  # computed from the graph (the cards): not dumps
            (staging / name).write_bytes(body)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with timings.step("diff"):
            ledger = history.record(
                settings, staging, number, build_id, created, files, figures.triples, figures.quads
            )
        manifest = {
            "build_id": build_id,
            "release": number,
            "created": created,
            "base_uri": settings.base_uri,
            "labgraph_version": _version(),
            "sources": {
                str(s.path): {"graph": dataset.graph_iri(s.graph_name), "sha256": sha256(s.path)}
                for s in dataset.files
            },
            "files": files,
            "quality": {
                name: {"media_type": media_type, "holds": holds, "bytes": path.stat().st_size, "sha256": sha256(path)}
                for name, (media_type, holds) in QUALITY.items()
                if (path := staging / name).is_file()
            },
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
        with timings.step("fsync"):
            _fsync_tree(staging)
        os.rename(staging, final)
        history.commit(releases, ledger)
        _point_current_at(settings.build_dir, final)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"could not write the release in {releases}: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(releases, keep=final, count=settings.keep_releases)
    return final, figures


def _write_artefacts(
    target: Path,
    settings: Settings,
    dataset: sources.SourceDataset,
    report: ValidationReport | None,
    timings: _Timings,
) -> tuple[dict[str, dict[str, object]], stats.Stats]:
    """Write the dumps, their gzipped copies and the serving store; return the manifest's files
    and the statistics.

    Oxigraph writes every dump straight from the store, with no Python object per statement:
    that is what keeps a build of a million quads to seconds (rdflib took minutes for the
    JSON-LD alone). The dumps come in the store's order, graph by graph and subject by subject;
    the same sources give the same order.

    Loading the on-disk serving store is the longest step (RocksDB's bulk loader, about 10 s per
    million quads here, with the GIL released). It runs on a worker thread from the moment the
    N-Quads dump exists, while this thread writes the merged graph it loads next, the other
    dumps, the statistics and the compressed copies (zlib also releases the GIL): the two cores
    of a small server both work, and the build takes little more than the store's load.
    """
    prefixes = settings.vocab.prefixes
    store = dataset.store
    target_of = {name: target / name for name in DUMPS}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="serving-store") as pool:
        with timings.step("dump labgraph.nq"):
            store.dump(str(target_of["labgraph.nq"]), ox.RdfFormat.N_QUADS)
        started = time.perf_counter()
        merged_written: Future[None] = Future()
        serving = pool.submit(_write_store, target, merged_written)
        try:
            with timings.step("dump labgraph.ttl"):
                merged = triples(store, MERGE)
                ox.serialize(merged, str(target_of["labgraph.ttl"]), ox.RdfFormat.TURTLE, prefixes=prefixes)
        except BaseException as exc:
            merged_written.set_exception(exc)
            raise
        merged_written.set_result(None)
        with timings.step("dump labgraph.trig"):
            store.dump(str(target_of["labgraph.trig"]), ox.RdfFormat.TRIG, prefixes=prefixes)
        with timings.step("dump labgraph.jsonld"):
            # Expanded JSON-LD (full IRIs; an object per graph holding one per subject): Oxigraph's
            # writer does not compact with a context, which would only shorten the IRIs.
            store.dump(str(target_of["labgraph.jsonld"]), ox.RdfFormat.JSON_LD)
        with timings.step("stats"):
            figures = stats.compute(store, settings.base_uri)
        with timings.step("gzip"):
            digests = {name: _gzip_and_hash(path) for name, path in target_of.items()}
        with timings.step("shapes and report"):
            load_shapes(settings).serialize(target / SHAPES, format="turtle")
            if report is not None:
                report.graph.serialize(target / VALIDATION_REPORT, format="turtle")
        with timings.step("wait for the serving store"):
            serving.result()
        timings["serving store (from the nq dump on)"] = time.perf_counter() - started
    files: dict[str, dict[str, object]] = {}
    for name, (media_type, holds) in DUMPS.items():
        digest, size, packed_size = digests[name]
        files[name] = {"media_type": media_type, "holds": holds, "bytes": size, "sha256": digest}
        files[name + ".gz"] = {"media_type": media_type, "encoding": "gzip", "holds": holds, "bytes": packed_size}
    return files, figures


def _gzip_and_hash(path: Path) -> tuple[str, int, int]:
    """Write ``path.gz`` and return the dump's sha256 and size and the gzipped size, reading it once."""
    digest = hashlib.sha256()
    packed_path = path.with_name(path.name + ".gz")
    with (
        path.open("rb") as raw,
        packed_path.open("wb") as out,
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as packed,
    ):
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
            packed.write(chunk)
    return digest.hexdigest(), path.stat().st_size, packed_path.stat().st_size


def _write_store(target: Path, merged_written: Future[None]) -> None:
    """The serving store: the named graphs, and their RDF merge as the default graph.

    Oxigraph's union default graph repeats a triple once per graph holding it, which inflates
    counts, hence the merge stored as its own graph. Its dump is written meanwhile by the
    calling thread, which says through ``merged_written`` when it exists (or why it does not).
    """
    store = ox.Store(str(target / STORE_DIR))
    # lenient: Oxigraph wrote both files from terms it had already checked (about 5% faster).
    store.bulk_load(path=str(target / "labgraph.nq"), format=ox.RdfFormat.N_QUADS, lenient=True)
    merged_written.result()
    store.bulk_load(
        path=str(target / "labgraph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph(), lenient=True
    )
    store.flush()
    store.optimize()
    del store


def _point_current_at(build_dir: Path, release: Path) -> None:
    link = build_dir / CURRENT
    temporary = build_dir / f".{CURRENT}-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(Path(RELEASES) / release.name, temporary)
    os.replace(temporary, link)


def _prune(releases: Path, keep: Path, count: int) -> None:
    """Keep the newest ``count`` releases (a running server may still read the previous one; a
    pinned query reads any kept one); the history file stays."""
    done = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for old in done[count:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in releases.glob(".tmp-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not is_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def is_alive(pid: int) -> bool:
    """Whether a process of that id runs (its staging directory is then not stale)."""
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




def _version() -> str:
    from labgraph import __version__

    return __version__
