"""The one interface between labgraph's data and its users (web layer, command line).

Backends (embedded Oxigraph, remote SPARQL server) implement :class:`Store`; callers never
import a backend's engine. Results cross this boundary as bytes in a negotiated media type, or
as plain :class:`Term` values for pages to render, so the web layer needs no RDF library.
The query gate's verdict (:func:`inspect`, :class:`QueryForm`) is part of the interface: callers
negotiate a result format from a query's form before they send it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from labgraph.errors import (
    QueryCrashed,
    QueryCrashedTwice,
    QueryFailed,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
    TooBusy,
)
from labgraph.store.policy import QueryForm, QueryInfo, inspect

if TYPE_CHECKING:
    from labgraph.dataset.stats import Stats

__all__ = [
    "Description",
    "QueryForm",
    "QueryInfo",
    "inspect",
    "Loaded",
    "QueryCrashed",
    "QueryCrashedTwice",
    "QueryFailed",
    "QueryRejected",
    "QueryRequest",
    "QueryResult",
    "QueryTimeout",
    "Statement",
    "Store",
    "StoreUnavailable",
    "Term",
    "TooBusy",
    "WorkerStatus",
]


#: The WSGI environ key where the server puts when it had read the request (a time.monotonic()
#: reading; see serving/connections.py), so that worker_wait_s counts from the request's arrival.
ARRIVED = "labgraph.arrived"


@dataclass(frozen=True)
class QueryRequest:
    text: str
    media_type: str  # the result format, already negotiated
    default_graphs: tuple[str, ...] = ()  # the protocol's default-graph-uri
    named_graphs: tuple[str, ...] = ()  # the protocol's named-graph-uri
    base_iri: str | None = None  # resolves relative IRIs in the query (the endpoint's address)
    client: str = ""  # who asks (an address), for the per-client share (store/admission.py)
    arrived: float | None = None  # time.monotonic() when the server had read the request


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    media_type: str
    form: QueryForm
    count: int | None  # solutions or triples returned; None for ASK
    truncated: bool  # the result was cut at max_rows


@dataclass(frozen=True)
class Term:
    kind: str  # "iri", "bnode" or "literal"
    value: str
    language: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Statement:
    subject: Term
    predicate: Term
    object: Term
    graph: str | None


@dataclass
class Description:
    """Everything the graph says about one resource, for pages and data documents."""

    iri: str
    statements: list[Statement]  # outgoing (with blank-node values), incoming, and the labels of neighbours
    sources: list[str] = field(default_factory=list)  # source documents stating it
    body: bytes | None = None  # the statements serialized in the requested media type


@dataclass(frozen=True)
class Loaded:
    """What :meth:`Store.load` put in the store."""

    graphs: int  # named graphs
    quads: int  # statements in the named graphs
    default_triples: int  # triples of the merged default graph
    requests: int = 0  # HTTP requests it took (remote stores)


@dataclass(frozen=True)
class WorkerStatus:
    """The query workers of a store that runs its own (for /health and /metrics): a remote
    store has none, its server runs the queries."""

    size: int  # workers the pool keeps (query_workers)
    alive: int  # workers started and not found dead
    busy: int  # running a query (or forking a replacement) now
    restarts: int  # replaced since the store opened: died, or stopped at a deadline


class Store(Protocol):
    """What labgraph needs from a triple store, and nothing more."""

    #: The build the store answers from (the manifest's id: ETags and caches are keyed on it).
    build_id: str
    #: The release directory of that build, whose dumps and reports the web layer serves.
    release: Path
    #: Files loaded beside the release (``labgraph serve --load``): the store then answers more
    #: than the release's own artefacts (its cards, its dumps) say.
    extra_files: tuple[Path, ...]

    def query(self, request: QueryRequest) -> QueryResult:
        """Run a read-only query under the configured limits."""

    def exists(self, iri: str) -> bool:
        """Whether any statement has the IRI as subject or object."""

    def describe(self, iri: str, media_type: str | None = None) -> Description | None:
        """The resource's statements in every graph, or None if the store never mentions it.

        With a media type, only ``body`` is filled (the serialized document); without one,
        ``statements`` and ``sources`` are, for pages to render."""

    def count(self, sparql_select_count: str) -> int:
        """Run a trusted ``SELECT (COUNT(...) AS ?n)`` query written by labgraph itself."""

    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a trusted SELECT written by labgraph itself (pages, listings, statistics)."""

    def graph_document(self, graph: str, media_type: str) -> bytes:
        """A whole named graph (e.g. the ontology), serialized."""

    def load(self, release: Path, progress: Callable[[str], None] | None = None) -> Loaded:
        """Make a release the data this store answers from: its named graphs, and their merge as
        the default graph (the embedded store switches once the new data is open; a remote
        server receives it graph by graph). Servers follow new builds by opening a store per
        release (:mod:`labgraph.serving.live`); this is for the command line and scripts."""

    def wait_ready(self) -> None:
        """Block until queries need not wait for the store to finish opening (the embedded
        store's query workers load the data in the background), so that a server switches to a
        new release only once it can answer from it."""

    def statistics(self) -> Stats:
        """Counts of what the store holds now (statements, triples, per class, graph and
        property), counted by the store itself: after a load, they show what arrived."""

    def workers(self) -> WorkerStatus | None:
        """The state of the store's query workers, or None when it has none (a remote store).
        Cheap and never waits for a worker: health checks and metrics call it on each request."""

    def close(self) -> None: ...

