"""Any SPARQL 1.1 server as labgraph's store (Oxigraph server, Virtuoso, Fuseki, GraphDB, QLever).

Queries go through SPARQLWrapper with a connection timeout and a read timeout of
``query_timeout_s``, after the same gate as the embedded store. The server cannot be trusted
to stop at ``max_rows``, so the outermost LIMIT is lowered to ``max_rows + 1`` and the answer
is cut here when that extra row comes back. A server that is down or too slow gives a clear
502 or 504 rather than an error page, and the next query simply tries again.
"""

from __future__ import annotations

import ast
import json
import socket
import urllib.error
import warnings
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import Variable
from rdflib.query import Result
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from labgraph.config import Settings
from labgraph.errors import LabgraphError
from labgraph.namespaces import STANDARD_PREFIXES
from labgraph.rdfconvert import to_rdflib_term
from labgraph.store import policy
from labgraph.store.base import (
    Description,
    QueryFailed,
    QueryRequest,
    QueryResult,
    Statement,
    StoreUnavailable,
    Term,
)
from labgraph.store.common import describe_query, serialize_quads, sources_query, term_of
from labgraph.store.formats import RDF_FORMATS, RDFLIB_RESULTS, RESULTS_FORMATS
from labgraph.uris import prefixes as own_prefixes


class RemoteTimeout(LabgraphError):
    status = 504
    setting = "query_timeout_s"


class RemoteStore:
    def __init__(self, settings: Settings, query_url: str, release: Path) -> None:
        self.settings = settings
        self.query_url = query_url
        self.release = release
        manifest = json.loads((release / "manifest.json").read_text("utf-8"))
        self.manifest = manifest
        self.build_id: str = manifest["build_id"]
        self.prefixes = {**STANDARD_PREFIXES, **own_prefixes(settings.base_uri)}

    # ------------------------------------------------------------------ protocol

    def _send(
        self, text: str, accept: str, *, default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()
    ) -> bytes:
        with warnings.catch_warnings():
            # SPARQLWrapper warns when it cannot guess the form of a query; the server will judge.
            warnings.simplefilter("ignore", RuntimeWarning)
            client = SPARQLWrapper(self.query_url)
            client.setMethod(POST)
            client.setRequestMethod(POSTDIRECTLY)
            client.setQuery(text)
            client.setOnlyConneg(True)
            client.addCustomHttpHeader("Accept", accept)
            client.setTimeout(int(max(1, self.settings.query_timeout_s)))
            for graph in default_graphs:
                client.addDefaultGraph(graph)
            for graph in named_graphs:
                client.addNamedGraph(graph)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                response = client.query().response
            return response.read()  # type: ignore[no-any-return]
        except SPARQLWrapperException as exc:
            message = _server_message(exc)
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
            raise RemoteTimeout(
                f"the SPARQL server did not answer within {self.settings.query_timeout_s:g} s (query_timeout_s)"
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise RemoteTimeout(
                    f"the SPARQL server did not answer within {self.settings.query_timeout_s:g} s (query_timeout_s)"
                ) from exc
            raise StoreUnavailable(f"cannot reach the SPARQL server at {self.query_url}: {exc.reason}") from exc
        except (ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"cannot reach the SPARQL server at {self.query_url}: {exc}") from exc

    # ------------------------------------------------------------------ user queries

    def query(self, request: QueryRequest) -> QueryResult:
        try:
            return self._query(request)
        except QueryFailed:
            # The message's position refers to the text sent, which may carry a LIMIT or BASE
            # added here: ask again with the client's own text, so the position is theirs.
            self._send(
                request.text,
                "application/sparql-results+json",
                default_graphs=request.default_graphs,
                named_graphs=request.named_graphs,
            )
            raise

    def _query(self, request: QueryRequest) -> QueryResult:
        s = self.settings
        info = policy.inspect(
            request.text, max_bytes=s.max_query_bytes, max_nesting=s.max_nesting, service_allowlist=s.service_allowlist
        )
        form = info.form or policy.QueryForm.SELECT
        text = request.text if form is policy.QueryForm.ASK else policy.cap_rows(request.text, s.max_rows + 1)
        if request.base_iri and policy.has_relative_iri(text):
            text = f"BASE <{request.base_iri}> {text}"
        if form.returns_graph:
            raw = self._send(
                text, "application/n-triples", default_graphs=request.default_graphs, named_graphs=request.named_graphs
            )
            triples = list(islice(ox.parse(raw, ox.RdfFormat.N_TRIPLES), s.max_rows + 1))
            truncated = len(triples) > s.max_rows
            triples = triples[: s.max_rows]
            prefixes = self.prefixes if request.media_type in ("text/turtle", "application/trig") else None
            body = ox.serialize(triples, format=RDF_FORMATS[request.media_type], prefixes=prefixes)
            return QueryResult(body, request.media_type, form, len(triples), truncated)
        raw = self._send(
            text,
            "application/sparql-results+json",
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
        )
        results = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
        fmt = RESULTS_FORMATS[request.media_type]
        if isinstance(results, ox.QueryBoolean):
            return QueryResult(results.serialize(format=fmt), request.media_type, policy.QueryForm.ASK, None, False)
        variables = results.variables
        rows = list(islice(results, s.max_rows + 1))
        if len(rows) <= s.max_rows:
            again = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
            return QueryResult(again.serialize(format=fmt), request.media_type, form, len(rows), False)
        result = Result("SELECT")
        result.vars = [Variable(v.value) for v in variables]
        result.bindings = [
            {Variable(v.value): to_rdflib_term(row[v]) for v in variables if row[v] is not None}
            for row in rows[: s.max_rows]
        ]
        body = result.serialize(format=RDFLIB_RESULTS[request.media_type])
        return QueryResult(body, request.media_type, form, s.max_rows, True)

    # ------------------------------------------------------------------ trusted queries

    def _select(self, text: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        raw = self._send(text, "application/sparql-results+json")
        results = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
        names = [v.value for v in results.variables]  # type: ignore[union-attr]
        return [{n: row[n] for n in names if row[n] is not None} for row in results]  # type: ignore[union-attr]

    def select(self, sparql: str) -> list[dict[str, Term]]:
        return [{k: term_of(v) for k, v in row.items()} for row in self._select(sparql)]

    def count(self, sparql_select_count: str) -> int:
        rows = self.select(sparql_select_count)
        return int(next(iter(rows[0].values())).value) if rows and rows[0] else 0

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        raw = self._send(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}", "application/sparql-results+json")
        return bool(json.loads(raw).get("boolean"))

    def describe(self, iri: str, media_type: str | None = None) -> Description | None:
        node = ox.NamedNode(iri)
        rows = self._select(describe_query(iri))
        if not any(r.get("s") == node or r.get("o") == node for r in rows):
            return None
        quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows if {"s", "p", "o", "g"} <= set(r)]  # type: ignore[arg-type]
        if media_type is not None:
            return Description(iri, [], [], self._serialize(quads, media_type))
        sources = [r["doc"].value for r in self._select(sources_query(iri))]
        statements = [
            Statement(term_of(q.subject), term_of(q.predicate), term_of(q.object), q.graph_name.value) for q in quads
        ]
        return Description(iri, statements, sources, None)

    def graph_document(self, graph: str, media_type: str) -> bytes:
        rows = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        quads = [ox.Quad(r["s"], r["p"], r["o"], ox.NamedNode(graph)) for r in rows]  # type: ignore[arg-type]
        return self._serialize(quads, media_type)

    def close(self) -> None:
        pass

    def _serialize(self, quads: list[ox.Quad], media_type: str) -> bytes:
        return serialize_quads(quads, media_type, self.prefixes)


def _server_message(exc: Exception) -> str:
    """The server's own explanation, from SPARQLWrapper's wrapped error."""
    text = str(exc)
    if "Response:" in text:
        text = text.split("Response:", 1)[1].strip()
        if text[:2] in ("b'", 'b"'):
            try:
                text = ast.literal_eval(text).decode("utf-8", "replace")
            except (ValueError, SyntaxError):
                pass
    return text.strip()
