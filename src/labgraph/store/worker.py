"""The code that runs inside a query worker process.

Oxigraph cannot cancel a running query and crashes its process on pathological input, so user
queries run here, one at a time per process, where the parent can kill them at the deadline.
The worker loads the release into memory once, then answers jobs from its pipe until it dies.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from labgraph.store.common import prefixes_for
from labgraph.store.formats import RDF_FORMATS, RESULTS_FORMATS
from labgraph.store.policy import cap_rows


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
    select: bool  # a SELECT query: its rows are capped at max_rows
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
    """Run the job's query once, and serialize its result with Oxigraph.

    A SELECT whose own LIMIT does not bound it is run with its outermost LIMIT lowered (or
    added) to ``max_rows + 1``: one evaluation tells whether the result fits, and Oxigraph's
    serializer writes it. Only a result that does not fit is run a second time, capped at
    ``max_rows``.
    """
    capped = not job.single_pass and job.select
    results = _run(store, job, cap_rows(job.text, job.max_rows + 1) if capped else job.text)
    if isinstance(results, ox.QueryBoolean):
        return Outcome(results.serialize(format=RESULTS_FORMATS[job.media_type]), None, False, "boolean")
    if isinstance(results, ox.QuerySolutions):
        fmt = RESULTS_FORMATS[job.media_type]
        body = results.serialize(format=fmt)
        if capped and exceeds(body, fmt, job.max_rows):
            body = _run(store, job, cap_rows(job.text, job.max_rows)).serialize(format=fmt)
            return Outcome(body, job.max_rows, True, "solutions")
        return Outcome(body, exact_rows(body, fmt), False, "solutions")
    triples = list(islice(results, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    triples = triples[: job.max_rows]
    prefixes = prefixes_for(job.media_type, job.prefixes)
    body = ox.serialize(triples, format=RDF_FORMATS[job.media_type], prefixes=prefixes)
    return Outcome(body, len(triples), truncated, "graph")


def _run(store: ox.Store, job: Job, text: str) -> ox.QueryResults:
    try:
        return store.query(text, **_dataset(job))
    except SyntaxError:
        if text == job.text:
            raise
        # Report the error at its position in the client's own text, not in the capped one.
        return store.query(job.text, **_dataset(job))


def exact_rows(body: bytes, fmt: ox.QueryResultsFormat) -> int | None:
    """The number of solutions, when the bytes tell it exactly: XML and TSV escape the ``<``
    and the newlines of literals, so their row markers only mark rows."""
    if fmt == ox.QueryResultsFormat.XML:
        return body.count(b"<result>")
    if fmt == ox.QueryResultsFormat.TSV:
        return body.count(b"\n") - 1
    return None


def exceeds(body: bytes, fmt: ox.QueryResultsFormat, limit: int) -> bool:
    """Whether a serialized result holds more than ``limit`` solutions.

    In JSON and CSV, counting the row separators' bytes gives an upper bound (a literal may
    contain them) that settles nearly every result; a parser counts the rest exactly.
    """
    rows = exact_rows(body, fmt)
    if rows is not None:
        return rows > limit
    json = fmt == ox.QueryResultsFormat.JSON
    if (body.count(b"},{") + 1 if json else body.count(b"\n") - 1) <= limit:
        return False
    if json:
        return sum(1 for _ in ox.parse_query_results(body, format=fmt)) > limit
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1 > limit


def _dataset(job: Job) -> dict[str, object]:
    options: dict[str, object] = {"base_iri": job.base_iri} if job.base_iri else {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options
