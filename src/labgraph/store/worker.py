"""The code that runs inside a query worker process.

Oxigraph cannot cancel a running query and crashes its process on pathological input, so user
queries run here, one at a time per process, where the parent can kill them at the deadline.
The worker loads the release into memory once, then answers jobs from its pipe until it dies.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
from rdflib import Variable
from rdflib.query import Result

from labgraph.rdfconvert import to_rdflib_term
from labgraph.store.formats import RDF_FORMATS, RDFLIB_RESULTS, RESULTS_FORMATS


@dataclass(frozen=True)
class LoadSpec:
    """Where a process finds the data: a release (its on-disk store, or its dumps loaded into
    memory) and optional extra TriG/N-Quads files, which always mean memory."""

    release: Path
    extra_files: tuple[Path, ...] = ()
    memory: bool = False


@dataclass(frozen=True)
class Job:
    text: str
    media_type: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    max_rows: int
    single_pass: bool  # the query's own LIMIT keeps it within max_rows
    prefixes: dict[str, str]
    base_iri: str | None = None


@dataclass(frozen=True)
class Outcome:
    body: bytes
    count: int | None
    truncated: bool
    kind: str  # "boolean", "solutions" or "graph"


def open_store(spec: LoadSpec) -> ox.Store:
    """The release's named graphs, with their RDF merge as the default graph.

    By default the build's on-disk store is opened read-only: no parsing, so a server starts at
    once and every process shares the operating system's page cache. In memory, the dumps are
    loaded instead (named graphs, then the merged graph as the default graph).
    """
    if not spec.memory and not spec.extra_files and (spec.release / "store").is_dir():
        return ox.Store.read_only(str(spec.release / "store"))
    store = ox.Store()
    store.load(path=str(spec.release / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
    store.load(path=str(spec.release / "labgraph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    for extra in spec.extra_files:
        store.load(path=str(extra), format=ox.RdfFormat.from_extension(extra.suffix.lstrip(".")))
    return store


def serve(conn: Connection, spec: LoadSpec) -> None:
    """Entry point of a worker process."""
    try:
        store = open_store(spec)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides what to do
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            outcome = execute(store, job)
        except SyntaxError as exc:
            conn.send(("syntax", str(exc.msg) if hasattr(exc, "msg") else str(exc)))
        except Exception as exc:  # noqa: BLE001 - the query's own failure, sent back as a message
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        else:
            conn.send(("ok", outcome))


def execute(store: ox.Store, job: Job) -> Outcome:
    results = store.query(job.text, **_dataset(job))
    if isinstance(results, ox.QueryBoolean):
        return Outcome(results.serialize(format=RESULTS_FORMATS[job.media_type]), None, False, "boolean")
    if isinstance(results, ox.QuerySolutions):
        return _solutions(store, job, results)
    triples = list(islice(results, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    triples = triples[: job.max_rows]
    body = ox.serialize(triples, format=RDF_FORMATS[job.media_type], prefixes=_useful(job.prefixes, job.media_type))
    return Outcome(body, len(triples), truncated, "graph")


def _solutions(store: ox.Store, job: Job, results: ox.QuerySolutions) -> Outcome:
    fmt = RESULTS_FORMATS[job.media_type]
    if job.single_pass:
        return Outcome(results.serialize(format=fmt), None, False, "solutions")
    # Oxigraph's serializers cannot stop at a row count, so count first: when the result fits
    # (nearly always) run the query again and let Oxigraph serialize it; when it does not,
    # write the first max_rows solutions with rdflib's serializers.
    variables = results.variables
    rows = list(islice(results, job.max_rows + 1))
    if len(rows) <= job.max_rows:
        again = store.query(job.text, **_dataset(job))
        return Outcome(again.serialize(format=fmt), len(rows), False, "solutions")
    result = Result("SELECT")
    result.vars = [Variable(v.value) for v in variables]
    result.bindings = [
        {Variable(v.value): to_rdflib_term(row[v]) for v in variables if row[v] is not None}
        for row in rows[: job.max_rows]
    ]
    return Outcome(result.serialize(format=RDFLIB_RESULTS[job.media_type]), job.max_rows, True, "solutions")


def _dataset(job: Job) -> dict[str, object]:
    options: dict[str, object] = {"base_iri": job.base_iri} if job.base_iri else {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def _useful(prefixes: dict[str, str], media_type: str) -> dict[str, str] | None:
    return prefixes if media_type in ("text/turtle", "application/trig") else None
