"""Any SPARQL 1.1 server as labgraph's store (Oxigraph server, Virtuoso, Fuseki, GraphDB, QLever).

Queries go through SPARQLWrapper as form-encoded POSTs (the one form of the protocol every
server answers: Virtuoso 7.2 never answers a POST of ``application/sparql-query``), with a
connection timeout and a read timeout of ``query_timeout_s``, after the same gate as the
embedded store. The server cannot be trusted to stop at ``max_rows``, so the outermost LIMIT is
lowered to ``max_rows + 1`` and the answer is cut here when that extra row comes back. A server
that is down or too slow gives a clear 502 or 504 rather than an error page, and the next query
simply tries again.

The store reads through the query URL alone (``sparql:QUERY_URL[,UPDATE_URL]``: the update URL
is ``labgraph publish``'s, see :func:`labgraph.config_values.sparql_urls`).
``default-graph-uri`` and ``named-graph-uri`` in the query URL (``sparql:URL?default-graph-uri=G``)
set the store's dataset: they are sent with labgraph's own queries and with every query that
does not choose its own dataset (FROM, FROM NAMED or the protocol's parameters), and the
default graph is not a source graph in resource descriptions. Virtuoso needs this: its default
graph is the union of every graph, its own included, so ``labgraph publish``'s merged default
graph is loaded there as a named graph (see the README).

Virtuoso also answers in ways the SPARQL JSON results format does not allow, made usable here:
blank nodes written ``nodeID://b10001`` (see :func:`usable_json`), ASK answered as a one-row
SELECT (:func:`ask_answer`), results cut at its ``ResultSetMaxRows`` (header
``X-SPARQL-MaxRows``), sorted queries refused above ``MaxSortedTopRows`` (error SR353) and its
own time limit reached (SR171): each gives a flagged answer or an error naming the setting.
"""

from __future__ import annotations

import logging
import socket
import urllib.error
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import Variable
from rdflib.query import Result
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from labgraph.config import Settings
from labgraph.dataset import stats
from labgraph.engine import results_bytes, to_bytes
from labgraph.errors import LabgraphError, RemoteLimit, RemoteSortLimit, RemoteTimeout
from labgraph.rdflib_terms import to_rdflib_term
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
    StoreUnavailable,
    Term,
    WorkerStatus,
)
from labgraph.store.documents import describe_query, serialize_quads, serialize_triples, sources_query, term_of
from labgraph.store.formats import QUAD_TYPES, RDF_FORMATS, RDFLIB_RESULTS, RESULTS_FORMATS
from labgraph.store.remote_answers import ask_answer, server_message, split_dataset, usable_json

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Answer:
    body: bytes
    headers: Message

    @property
    def server_cap(self) -> int | None:
        """The row count the server cut the results at, if it says so (Virtuoso's
        ``ResultSetMaxRows`` sends ``X-SPARQL-MaxRows``; it keeps the first rows, silently)."""
        value = self.headers.get("X-SPARQL-MaxRows")
        return int(value) if value and value.strip().isdigit() else None


class RemoteStore:
    _warned_sort_limit = False  # said once per process: the server's configuration does not change

    def __init__(self, settings: Settings, query_url: str, release: Path) -> None:
        self.settings = settings
        self.query_url, self.default_graphs, self.named_graphs = split_dataset(query_url)
        self.release = release
        self.extra_files: tuple[Path, ...] = ()  # files beside the release load only into the embedded store
        manifest = Release(release).manifest
        self.manifest = manifest
        self.build_id: str = manifest["build_id"]
        self.prefixes = settings.vocab.prefixes
        self.admission = Admission(settings)  # no workers here, but the request threads are shared

    # ------------------------------------------------------------------ protocol

    def _send(
        self,
        text: str,
        accept: str,
        *,
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
    ) -> _Answer:
        """POST the query form-encoded; None as a dataset means the store's own (from its URL)."""
        if default_graphs is None and named_graphs is None:
            default_graphs, named_graphs = self.default_graphs, self.named_graphs
        with warnings.catch_warnings():
            # SPARQLWrapper warns when it cannot guess the form of a query; the server will judge.
            warnings.simplefilter("ignore", RuntimeWarning)
            client = SPARQLWrapper(self.query_url)
            client.setMethod(POST)
            client.setRequestMethod(URLENCODED)
            client.setQuery(text)
            client.setOnlyConneg(True)
            client.addCustomHttpHeader("Accept", accept)
            client.setTimeout(int(max(1, self.settings.query_timeout_s)))
            for graph in default_graphs or ():
                client.addDefaultGraph(graph)
            for graph in named_graphs or ():
                client.addNamedGraph(graph)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                response = client.query().response
            answer = _Answer(response.read(), response.headers)
        except SPARQLWrapperException as exc:
            message = server_message(exc)
            if "SR353" in message:
                raise self._sort_limit(message) from exc
            if "SR171" in message:  # Virtuoso: "Transaction timed out", at its own time limit
                raise RemoteTimeout(
                    f"the SPARQL server stopped the query at its own time limit (Virtuoso: MaxQueryExecutionTime "
                    f"in [SPARQL] of virtuoso.ini; keep it above query_timeout_s): {message[:300]}"
                ) from exc
            if getattr(exc, "code", None) == 400 or "QueryBadFormed" in type(exc).__name__:
                raise QueryFailed(
                    f"syntax error or unsupported feature, says the SPARQL server: {message[:500]}"
                ) from exc
            raise StoreUnavailable(f"the SPARQL server at {self.query_url} failed: {message[:300]}") from exc
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")[:500]
            if exc.code == 400:
                raise QueryFailed(f"syntax error or unsupported feature, says the SPARQL server: {body}") from exc
            raise StoreUnavailable(f"the SPARQL server at {self.query_url} answered {exc.code}: {body}") from exc
        except TimeoutError as exc:
            raise self._timeout() from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise self._timeout() from exc
            raise StoreUnavailable(f"cannot reach the SPARQL server at {self.query_url}: {exc.reason}") from exc
        except (ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"cannot reach the SPARQL server at {self.query_url}: {exc}") from exc
        return answer

    def _timeout(self) -> RemoteTimeout:
        return RemoteTimeout(
            f"the SPARQL server did not answer within {self.settings.query_timeout_s:g} s (query_timeout_s)"
        )

    def _sort_limit(self, message: str) -> RemoteSortLimit:
        most = self.settings.max_rows + 1
        return RemoteSortLimit(
            f"the SPARQL server refuses to sort more rows than its own limit (Virtuoso: MaxSortedTopRows in "
            f"[Parameters] of virtuoso.ini, 10000 by default; it counts LIMIT plus OFFSET), while labgraph "
            f"allows max_rows = {self.settings.max_rows} rows and asks for {most} to tell a cut answer: raise "
            f"MaxSortedTopRows to at least {most} plus the largest OFFSET to serve, or lower max_rows. "
            f"The server said: {message[:300]}"
        )

    def _row_cap(self, answer: _Answer, rows: int) -> None:
        """Refuse a trusted listing the server cut short: pages would silently miss data."""
        cap = answer.server_cap
        if cap is not None and rows >= cap:
            raise RemoteLimit(
                f"the SPARQL server cut an answer of labgraph's at {cap} rows (Virtuoso: ResultSetMaxRows in "
                f"[SPARQL] of virtuoso.ini): raise it above the size of the largest listing, e.g. 1000000"
            )

    # ------------------------------------------------------------------ user queries

    def query(self, request: QueryRequest) -> QueryResult:
        with self.admission.enter(request.client, request.arrived):
            return self._query_once(request)

    def _query_once(self, request: QueryRequest) -> QueryResult:
        try:
            return self._query(request)
        except QueryFailed:
            # The message's position refers to the text sent, which may carry a LIMIT or BASE
            # added here: ask again with the client's own text, so the position is theirs.
            self._send(request.text, "application/sparql-results+json", **self._dataset(request, None))
            raise

    def _dataset(self, request: QueryRequest, info: policy.QueryInfo | None) -> dict[str, tuple[str, ...] | None]:
        """The request's own dataset if it chooses one, else the store's."""
        if request.default_graphs or request.named_graphs or (info is not None and info.has_dataset_clause):
            return {"default_graphs": request.default_graphs, "named_graphs": request.named_graphs}
        return {"default_graphs": None, "named_graphs": None}

    def _query(self, request: QueryRequest) -> QueryResult:
        s = self.settings
        info = policy.inspect(
            request.text, max_bytes=s.max_query_bytes, max_nesting=s.max_nesting, service_allowlist=s.service_allowlist
        )
        form = info.form or policy.QueryForm.SELECT
        dataset = self._dataset(request, info)
        if form is policy.QueryForm.ASK:
            answer = self._send(self._based(request, request.text), "application/sparql-results+json", **dataset)
            boolean = ox.parse_query_results(
                b'{"head":{},"boolean":%s}' % (b"true" if ask_answer(answer.body) else b"false"),
                ox.QueryResultsFormat.JSON,
            )
            body = results_bytes(boolean, RESULTS_FORMATS[request.media_type])
            return QueryResult(body, request.media_type, policy.QueryForm.ASK, None, False)
        text = self._based(request, policy.cap_rows(request.text, s.max_rows + 1))
        most = s.max_rows + 1
        try:
            answer = self._send(text, self._accept(form), **dataset)
        except RemoteSortLimit:
            # The server will not sort max_rows + 1 rows (Virtuoso's MaxSortedTopRows is 10000 by
            # default, max_rows too): when that LIMIT is labgraph's, ask for max_rows, and call a
            # full answer cut, since the row that would tell is out of reach.
            lower = self._based(request, policy.cap_rows(request.text, s.max_rows))
            if lower == text:
                raise
            answer = self._send(lower, self._accept(form), **dataset)
            most = s.max_rows
            if not self._warned_sort_limit:
                RemoteStore._warned_sort_limit = True
                log.warning(
                    "the SPARQL server refuses ORDER BY with LIMIT %d (max_rows + 1); sorted answers of %d rows "
                    "are flagged as truncated. Raise Virtuoso's MaxSortedTopRows above %d to tell them apart.",
                    s.max_rows + 1,
                    s.max_rows,
                    s.max_rows + 1,
                )
        if form.returns_graph:
            triples = list(islice(ox.parse(answer.body, ox.RdfFormat.N_TRIPLES), s.max_rows + 1))
            truncated = len(triples) >= most
            triples = triples[: s.max_rows]
            prefixes = self.prefixes if request.media_type in ("text/turtle", "application/trig") else None
            body = to_bytes(triples, RDF_FORMATS[request.media_type], prefixes=prefixes)
            return QueryResult(body, request.media_type, form, len(triples), truncated)
        raw = usable_json(answer.body)
        results = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
        fmt = RESULTS_FORMATS[request.media_type]
        if isinstance(results, ox.QueryBoolean):  # an ASK the gate did not recognise
            return QueryResult(results_bytes(results, fmt), request.media_type, policy.QueryForm.ASK, None, False)
        variables = results.variables
        rows = list(islice(results, s.max_rows + 1))
        cap = answer.server_cap
        cut_by_server = cap is not None and cap <= s.max_rows and len(rows) >= cap
        if len(rows) < most and not cut_by_server:
            again = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
            return QueryResult(results_bytes(again, fmt), request.media_type, form, len(rows), False)
        result = Result("SELECT")
        result.vars = [Variable(v.value) for v in variables]
        result.bindings = [
            {Variable(v.value): to_rdflib_term(row[v]) for v in variables if row[v] is not None}  # type: ignore[misc]
            for row in rows[: s.max_rows]
        ]
        cut = result.serialize(format=RDFLIB_RESULTS[request.media_type])
        assert isinstance(cut, bytes)  # no destination given: rdflib returns the bytes
        return QueryResult(cut, request.media_type, form, min(len(rows), s.max_rows), True)

    @staticmethod
    def _accept(form: policy.QueryForm) -> str:
        return "application/n-triples" if form.returns_graph else "application/sparql-results+json"

    @staticmethod
    def _based(request: QueryRequest, text: str) -> str:
        if request.base_iri and policy.has_relative_iri(text):
            return f"BASE <{request.base_iri}> {text}"
        return text

    # ------------------------------------------------------------------ trusted queries

    def _select(self, text: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        answer = self._send(text, "application/sparql-results+json")
        results = ox.parse_query_results(usable_json(answer.body), ox.QueryResultsFormat.JSON)
        names = [v.value for v in results.variables]  # type: ignore[union-attr]
        rows = [{n: row[n] for n in names if row[n] is not None} for row in results]  # type: ignore[union-attr]
        self._row_cap(answer, len(rows))
        return rows

    def select(self, sparql: str) -> list[dict[str, Term]]:
        return [{k: term_of(v) for k, v in row.items()} for row in self._select(sparql)]

    def count(self, sparql_select_count: str) -> int:
        rows = self.select(sparql_select_count)
        return int(next(iter(rows[0].values())).value) if rows and rows[0] else 0

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        answer = self._send(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}", "application/sparql-results+json")
        return ask_answer(answer.body)

    #: The size of the probe in :meth:`_whole_below`: descriptions larger than this are asked as rows.
    _PROBE_ROWS = 10_000
    _whole: int | None = None  # see _whole_below; found once per store

    def _whole_below(self) -> int:
        """Answers with fewer rows or triples than this were not cut by the server.

        Virtuoso cuts a CONSTRUCT at ``ResultSetMaxRows`` as it cuts a SELECT, but says so only
        for a SELECT (``X-SPARQL-MaxRows``, sent as soon as an answer reaches the limit). So the
        limit is asked once, with a SELECT of up to ``_PROBE_ROWS`` rows: its header gives the
        limit if it is that low; without the header, no answer up to that size was cut (and a
        store with fewer quads than the probe has no larger description to cut).
        """
        if self._whole is None:
            probe = f"SELECT (1 AS ?x) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {self._PROBE_ROWS}"
            cap = self._send(probe, "application/sparql-results+json").server_cap
            self._whole = cap if cap is not None and cap <= self._PROBE_ROWS else self._PROBE_ROWS + 1
        return self._whole

    def _construct(self, text: str) -> list[ox.Triple] | None:
        """A trusted CONSTRUCT's triples, or None if the server may have cut them (then the
        caller asks for rows, which a server that cuts says it did)."""
        answer = self._send(text, "application/n-triples")
        triples = list(ox.parse(answer.body, ox.RdfFormat.N_TRIPLES))
        return None if len(triples) >= self._whole_below() else triples

    def describe(self, iri: str, media_type: str | None = None) -> Description | None:
        """The store's default graph is left out by the server (see :func:`describe_query`).
        A triple format is asked for as a CONSTRUCT: the server merges the graphs, and sends a
        fifth of the bytes of the rows (Virtuoso's JSON writer is slow: 15% of the time saved
        there, as much on the Oxigraph server)."""
        node = ox.NamedNode(iri)
        if media_type is not None and media_type not in QUAD_TYPES:
            triples = self._construct(describe_query(iri, triples=True, excluded=self.default_graphs))
            if triples is not None:
                if not any(t.subject == node or t.object == node for t in triples):
                    return None
                # Oxigraph's CONSTRUCT repeats triples with blank nodes: the document states each once.
                body = serialize_triples(dict.fromkeys(triples), media_type, self.prefixes)
                return Description(iri, [], [], body)
        rows = self._select(describe_query(iri, excluded=self.default_graphs))
        if not any(r.get("s") == node or r.get("o") == node for r in rows):
            return None
        quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows if {"s", "p", "o", "g"} <= set(r)]  # type: ignore[arg-type]
        if media_type is not None:
            return Description(iri, [], [], self._serialize(quads, media_type))
        sources = [r["doc"].value for r in self._select(sources_query(iri))]
        statements = [
            Statement(term_of(q.subject), term_of(q.predicate), term_of(q.object), term_of(q.graph_name).value)
            for q in quads
        ]
        return Description(iri, statements, sources, None)

    def graph_document(self, graph: str, media_type: str) -> bytes:
        rows = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        quads = [ox.Quad(r["s"], r["p"], r["o"], ox.NamedNode(graph)) for r in rows]  # type: ignore[arg-type]
        return self._serialize(quads, media_type)

    def load(self, release: Path, progress: Callable[[str], None] | None = None) -> Loaded:
        """Publish a release through the store's SPARQL Update URL, the merged graph into the
        query URL's one ``default-graph-uri`` when it has one (see :mod:`labgraph.store.publish`)."""
        from labgraph.store.publish import merged_graph_of, publish

        s = self.settings
        if s.update_url is None:
            raise LabgraphError(
                f"the store {s.store!r} has no update URL to load through: give one "
                "(sparql:QUERY_URL,UPDATE_URL), or use `labgraph publish --to GRAPH_STORE_URL`"
            )
        done = publish(
            release,
            s.update_url,
            via="update",
            default_graph=merged_graph_of(s.query_url),
            connect_timeout_s=s.remote_connect_timeout_s,
            chunk_triples=s.publish_chunk_triples,
            progress=progress,
        )
        self.release = release
        self.manifest = Release(release).manifest
        self.build_id = self.manifest["build_id"]
        return Loaded(done.graphs, done.triples, done.default_triples, done.requests)

    def wait_ready(self) -> None:
        """Nothing to wait for: the server is reached on each request."""

    def statistics(self) -> stats.Stats:
        def select(query: str) -> list[dict[str, str]]:
            return [{k: v.value for k, v in row.items()} for row in self._select(query)]

        return stats.from_queries(select, self.settings.base_uri, skip_graphs=self.default_graphs)

    def workers(self) -> WorkerStatus | None:
        """None: the remote server runs the queries, with workers of its own."""
        return None

    def close(self) -> None:
        pass

    def _serialize(self, quads: list[ox.Quad], media_type: str) -> bytes:
        return serialize_quads(quads, media_type, self.prefixes)
