"""The default store: the build's release loaded into Oxigraph, no server to install.

Trusted queries written by labgraph (resource descriptions, listings, counts) run in-process on
an in-memory copy of the release: they are bounded and fast. User SPARQL runs in the worker
pool, under the same policy and limits as any other backend.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from labgraph import engine
from labgraph.config import Settings
from labgraph.dataset import stats
from labgraph.errors import LabgraphError
from labgraph.release import Release
from labgraph.store import policy
from labgraph.store.admission import Admission
from labgraph.store.base import (
    Description,
    Loaded,
    QueryFailed,
    QueryRequest,
    QueryResult,
    Statement,
    Term,
    WorkerStatus,
)
from labgraph.store.documents import describe_query, serialize_quads, serialize_triples, sources_query, term_of
from labgraph.store.formats import QUAD_TYPES, RDF_FORMATS, RESULTS_FORMATS
from labgraph.store.pool import WorkerPool
from labgraph.store.worker import Job, LoadSpec, open_store

log = logging.getLogger("labgraph.store.embedded")


class EmbeddedStore:
    def __init__(self, settings: Settings, release: Path, extra_files: tuple[Path, ...] = ()) -> None:
        self.settings = settings
        self.prefixes = settings.vocab.prefixes
        self.extra_files = self._extra_files = tuple(extra_files)
        self._restarts_before = 0  # query workers replaced by the pools of earlier releases
        self.admission = Admission(settings)
        self._use(release, *self._open(release))

    def _open(self, release: Path) -> tuple[dict[str, Any], ox.Store, WorkerPool]:
        """A release's manifest, data and query workers (still starting), beside the current ones."""
        if not (release / "labgraph.nq").is_file():
            raise LabgraphError(f"{release} is not a labgraph release (run `labgraph build` first)")
        manifest = Release(release).manifest
        spec = LoadSpec(
            release,
            self._extra_files,
            memory=self.settings.store_memory,
            prefixes=tuple(self.prefixes.items()),
            memory_limit_mb=self.settings.worker_memory_mb,
        )
        local = open_store(spec)
        return manifest, local, WorkerPool(spec, self.settings.query_workers)

    def _use(self, release: Path, manifest: dict[str, Any], local: ox.Store, pool: WorkerPool) -> None:
        self.release = release
        self.manifest = manifest
        self.build_id: str = manifest["build_id"]
        self.created: str = manifest["created"]
        self._local, self._pool = local, pool

    # ------------------------------------------------------------------ user queries

    def query(self, request: QueryRequest) -> QueryResult:
        s = self.settings
        info = policy.inspect(
            request.text, max_bytes=s.max_query_bytes, max_nesting=s.max_nesting, service_allowlist=s.service_allowlist
        )
        form = info.form
        media_type = request.media_type
        if form is not None:
            allowed = RDF_FORMATS if form.returns_graph else RESULTS_FORMATS
            if media_type not in allowed or (form is policy.QueryForm.ASK and media_type.startswith("text/")):
                raise QueryFailed(f"{media_type} cannot carry the result of a {form.value} query")
        job = Job(
            text=request.text,
            media_type=media_type,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            max_rows=s.max_rows,
            single_pass=info.limit is not None and info.limit <= s.max_rows,
            select=form is policy.QueryForm.SELECT,
            base_iri=request.base_iri,
        )
        with self.admission.enter(request.client, request.arrived) as wait_s:
            outcome = self._pool.run(job, timeout_s=s.query_timeout_s, wait_s=wait_s)
        kind = {"boolean": policy.QueryForm.ASK, "solutions": policy.QueryForm.SELECT}
        return QueryResult(
            outcome.body,
            media_type,
            form or kind.get(outcome.kind, policy.QueryForm.CONSTRUCT),
            outcome.count,
            outcome.truncated,
        )

    # ------------------------------------------------------------------ trusted queries

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return bool(
            next(self._local.quads_for_pattern(node, None, None), None)
            or next(self._local.quads_for_pattern(None, None, node), None)
        )

    def describe(self, iri: str, media_type: str | None = None) -> Description | None:
        node = ox.NamedNode(iri)
        if media_type is not None and media_type not in QUAD_TYPES:
            if not self.exists(iri):
                return None
            # Oxigraph's CONSTRUCT drops repeated triples, except those with a blank node: a
            # statement about a blank node made in two graphs would otherwise be written twice.
            triples = dict.fromkeys(engine.triples(self._local, describe_query(iri, triples=True)))
            return Description(iri, [], [], serialize_triples(triples, media_type, self.prefixes))
        rows = list(engine.solutions(self._local, describe_query(iri)))
        if not any(r["s"] == node or r["o"] == node for r in rows):
            return None
        quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
        if media_type is not None:  # a data document: its bytes are all the caller needs
            return Description(iri, [], [], self._serialize(quads, media_type))
        sources = [r["doc"].value for r in engine.solutions(self._local, sources_query(iri))]
        statements = [
            Statement(term_of(q.subject), term_of(q.predicate), term_of(q.object), term_of(q.graph_name).value)
            for q in quads
        ]
        return Description(iri, statements, sources, None)

    def select(self, sparql: str) -> list[dict[str, Term]]:
        results = engine.solutions(self._local, sparql)
        names = [v.value for v in results.variables]
        return [{n: term_of(row[n]) for n in names if row[n] is not None} for row in results]

    def count(self, sparql_select_count: str) -> int:
        rows = self.select(sparql_select_count)
        return int(next(iter(rows[0].values())).value) if rows and rows[0] else 0

    def graph_document(self, graph: str, media_type: str) -> bytes:
        """A whole named graph (e.g. the ontology), serialized."""
        quads = list(self._local.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        return self._serialize(quads, media_type)

    def load(self, release: Path, progress: Callable[[str], None] | None = None) -> Loaded:
        """Switch to another release: opened (and its query workers started) before the switch,
        the previous workers stopped once their queries under way are done."""
        say = progress or (lambda _m: None)
        say(f"opening {release}")
        manifest, local, pool = self._open(release)
        try:
            pool.wait_ready()
        except Exception:
            pool.close()
            raise
        previous, was = self._pool, self.release
        self._use(release, manifest, local, pool)
        log.info("the store now answers from release %s (was %s)", release, was)
        previous.close(drain_s=self.settings.query_timeout_s)
        self._restarts_before += previous.restarts
        graphs = self.count("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g {} }")
        default = self.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # counted by the engine
        return Loaded(graphs, len(self._local) - default, default)

    def wait_ready(self) -> None:
        self._pool.wait_ready()

    @property
    def worker_restarts(self) -> int:
        """Query workers replaced since the store opened (died, or stopped at a deadline), for
        operators and a metrics endpoint; each death is also logged (``labgraph.store.pool``)."""
        return self._restarts_before + self._pool.restarts

    def workers(self) -> WorkerStatus:
        started, idle, dead = self._pool.status()
        return WorkerStatus(
            size=self.settings.query_workers,
            alive=started - dead,
            busy=max(0, started - idle - dead),
            restarts=self.worker_restarts,
        )

    def statistics(self) -> stats.Stats:
        def select(query: str) -> list[dict[str, str]]:
            return [{k: v.value for k, v in row.items()} for row in self.select(query)]

        return stats.from_queries(select, self.settings.base_uri)

    def close(self) -> None:
        self._pool.close()

    def _serialize(self, quads: list[ox.Quad], media_type: str) -> bytes:
        return serialize_quads(quads, media_type, self.prefixes)
