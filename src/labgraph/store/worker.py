"""The code that runs inside a query worker process.

Oxigraph cannot cancel a running query and crashes its process on pathological input, so user
queries run here, one at a time per process, where the parent can kill them at the deadline.
The first worker loads the release (or opens the on-disk store); the pool then asks an idle
worker to fork the others (:func:`_fork`), so a worker killed at a deadline is replaced in
milliseconds rather than after a reload of seconds per million quads, and a new worker starts
sharing its parent's pages (copy-on-write: Oxigraph writes to some pages as it reads them, so a
worker gradually makes its own copy of what its queries touch, never more than one in all).
"""

from __future__ import annotations

import csv
import io
import os
import signal
from dataclasses import dataclass
from itertools import islice
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from labgraph.engine import results_bytes, to_bytes
from labgraph.store import worker_memory
from labgraph.store.documents import prefixes_for
from labgraph.store.formats import RDF_FORMATS, RESULTS_FORMATS
from labgraph.store.policy import cap_rows


@dataclass(frozen=True)
class LoadSpec:
    """Where a process finds the data: a release (its on-disk store, or its dumps loaded into
    memory) and optional extra TriG/N-Quads files, which always mean memory."""

    release: Path
    extra_files: tuple[Path, ...] = ()
    memory: bool = False
    #: Prefixes for graph results (Turtle, TriG): fixed for a store, so given to each worker
    #: once rather than pickled into every job.
    prefixes: tuple[tuple[str, str], ...] = ()
    #: MB of private memory a worker may add to what it uses once the data is loaded (0: no
    #: limit), and where each worker writes its standard error (store/worker_memory.py).
    memory_limit_mb: int = 0
    notes_dir: str = ""


@dataclass(frozen=True)
class Job:
    text: str
    media_type: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    max_rows: int
    single_pass: bool  # the query's own LIMIT keeps it within max_rows
    select: bool  # a SELECT query: its rows are capped at max_rows
    base_iri: str | None = None


@dataclass(frozen=True)
class Outcome:
    body: bytes
    count: int | None
    truncated: bool
    kind: str  # "boolean", "solutions" or "graph"


#: What the pool sends instead of a job to have a worker fork another, followed by the new
#: worker's end of its pipe as a passed file descriptor; the answer is ``("forked", pid)``.
FORK = "fork"


def in_memory(spec: LoadSpec) -> bool:
    """Whether the data is loaded into memory rather than opened from the on-disk store; only
    then may a worker fork another (RocksDB runs threads that a fork would not copy)."""
    return spec.memory or bool(spec.extra_files) or not (spec.release / "store").is_dir()


def open_store(spec: LoadSpec) -> ox.Store:
    """The release's named graphs, with their RDF merge as the default graph.

    By default the build's on-disk store is opened read-only: no parsing, so a server starts at
    once and every process shares the operating system's page cache. In memory, the dumps are
    loaded instead (named graphs, then the merged graph as the default graph).
    """
    if not in_memory(spec):
        return ox.Store.read_only(str(spec.release / "store"))
    store = ox.Store()
    store.load(path=str(spec.release / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
    store.load(path=str(spec.release / "labgraph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    for extra in spec.extra_files:
        store.load(path=str(extra), format=ox.RdfFormat.from_extension(extra.suffix.lstrip(".")))
    return store


def serve(conn: Connection, spec: LoadSpec, store: ox.Store | None = None) -> None:
    """A worker's life: open the data unless it has it from its parent, say so, answer jobs."""
    try:
        if store is None:
            store = open_store(spec)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides what to do
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    # The workers this one forks are reaped by the kernel when they die: the pool kills them by
    # pid and learns of their end from their pipe, so nobody needs their exit status.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    worker_memory.keep_last_words(spec.notes_dir)
    worker_memory.limit(spec.memory_limit_mb)  # after the load: it bounds what a query adds
    prefixes = dict(spec.prefixes)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
            if job == FORK:
                fd = reduction.recv_handle(conn)
                conn.send(_fork(fd, conn, spec, store))
                continue
        except (EOFError, OSError):
            return
        try:
            outcome = execute(store, job, prefixes)
        except SyntaxError as exc:
            conn.send(("syntax", str(exc.msg) if hasattr(exc, "msg") else str(exc)))
        except MemoryError:
            conn.send(("memory", "MemoryError"))
        except Exception as exc:  # noqa: BLE001 - the query's own failure, sent back as a message
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        else:
            conn.send(("ok", outcome))


def _fork(fd: int, conn: Connection, spec: LoadSpec, store: ox.Store) -> tuple[str, object]:
    """Fork a worker that answers on ``fd``: ``("forked", pid)``, or ``("failed", why)`` when the
    system refuses a process (memory, process limit) and this worker simply goes on.

    Safe because a worker with the data in memory has a single thread between jobs: pyoxigraph
    starts none for an in-memory store (the pool never asks a worker over RocksDB)."""
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(fd)
        return "failed", f"cannot fork a query worker: {exc.strerror or exc}"
    if pid == 0:
        code = 0
        try:
            conn.close()
            serve(Connection(fd), spec, store)
        except BaseException:  # noqa: BLE001 - the pool sees the pipe close and starts another
            code = 1
        finally:
            os._exit(code)
    os.close(fd)
    return "forked", pid


def execute(store: ox.Store, job: Job, prefixes: dict[str, str] | None = None) -> Outcome:
    """Run the job's query once, and serialize its result with Oxigraph.

    A SELECT whose own LIMIT does not bound it is run with its outermost LIMIT lowered (or
    added) to ``max_rows + 1``: one evaluation tells whether the result fits, and Oxigraph's
    serializer writes it. Only a result that does not fit is run a second time, capped at
    ``max_rows``.
    """
    capped = not job.single_pass and job.select
    results = _run(store, job, cap_rows(job.text, job.max_rows + 1) if capped else job.text)
    if isinstance(results, ox.QueryBoolean):
        return Outcome(results_bytes(results, RESULTS_FORMATS[job.media_type]), None, False, "boolean")
    if isinstance(results, ox.QuerySolutions):
        fmt = RESULTS_FORMATS[job.media_type]
        body = results_bytes(results, fmt)
        if capped and exceeds(body, fmt, job.max_rows):
            again = _run(store, job, cap_rows(job.text, job.max_rows))
            assert isinstance(again, ox.QuerySolutions)  # the same query, with another LIMIT
            body = results_bytes(again, fmt)
            return Outcome(body, job.max_rows, True, "solutions")
        return Outcome(body, exact_rows(body, fmt), False, "solutions")
    triples = list(islice(results, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    triples = triples[: job.max_rows]
    body = to_bytes(triples, RDF_FORMATS[job.media_type], prefixes=prefixes_for(job.media_type, prefixes or {}))
    return Outcome(body, len(triples), truncated, "graph")


def _run(store: ox.Store, job: Job, text: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    try:
        return store.query(text, **_dataset(job))  # type: ignore[arg-type]
    except SyntaxError:
        if text == job.text:
            raise
        # Report the error at its position in the client's own text, not in the capped one.
        return store.query(job.text, **_dataset(job))  # type: ignore[arg-type]


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
        parsed = ox.parse_query_results(body, format=fmt)
        return isinstance(parsed, ox.QuerySolutions) and sum(1 for _ in parsed) > limit
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1 > limit


def _dataset(job: Job) -> dict[str, object]:
    options: dict[str, object] = {"base_iri": job.base_iri} if job.base_iri else {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options
