"""What an operator sees of each request: the metrics and the access log, fed by two hooks,
and the time spent in the store, measured by a thin wrapper around it (:class:`TimedStore`).

:func:`install` must run before any other hook is registered on the app: Flask runs
``before_request`` hooks in the order they were registered and ``after_request`` hooks in the
reverse order, so the clock starts before the URL limit is checked and stops after the
answer is compressed and made conditional (the bytes counted are those sent).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Flask, Response, g, has_request_context, request

from labgraph.config import Settings
from labgraph.errors import QueryCrashed, QueryTimeout, RemoteTimeout, StoreError, TooBusy
from labgraph.store.base import Description, Loaded, QueryRequest, QueryResult, Store, Term, WorkerStatus
from labgraph.web import health, metrics
from labgraph.web.access_log import AccessLog, client_address, query_fields

if TYPE_CHECKING:
    from labgraph.dataset.stats import Stats

T = TypeVar("T")


@dataclass
class Observer:
    """The metrics and the access log of one server; :class:`labgraph.serving.live.LiveApp`
    keeps one across the releases it serves."""

    metrics: metrics.Metrics
    access_log: AccessLog

    @classmethod
    def for_settings(cls, settings: Settings) -> Observer:
        return cls(metrics.Metrics(), AccessLog(settings.access_log))


def stopped_reason(exc: BaseException | None) -> str | None:
    """Why the store did not answer a query, as the metrics count it (most specific first)."""
    if isinstance(exc, RemoteTimeout):
        return "remote_timeout"
    if isinstance(exc, QueryTimeout):
        return "timeout"
    if isinstance(exc, TooBusy):
        return "too_busy"
    if isinstance(exc, QueryCrashed):
        return "crashed"
    return None


def install(app: Flask, observer: Observer, settings: Settings) -> None:
    app.extensions[metrics.EXTENSION_KEY] = observer.metrics
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)

    @app.before_request
    def start_clock() -> None:
        g.labgraph_started = time.perf_counter()
        g.labgraph_store_s = 0.0

    @app.after_request
    def observe(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("labgraph_started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        reason = stopped_reason(g.get("labgraph_store_error"))
        observer.metrics.observe(request.method, route, response.status_code, seconds, reason)
        if observer.access_log.enabled:
            observer.access_log.write(_record(response, route, seconds, settings))
        return response


def _record(response: Response, route: str, seconds: float, settings: Settings) -> dict[str, Any]:
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": request.method,
        "route": route,
        "path": request.path,  # never the query string: it carries the query and searches
        "status": response.status_code,
        "bytes": response.content_length,
        "duration_ms": round(seconds * 1000, 2),
        "store_ms": round(g.get("labgraph_store_s", 0.0) * 1000, 2),
    }
    query = g.get("labgraph_query")
    if query is not None:
        record.update(query_fields(query, settings.access_log_queries))
    reason = stopped_reason(g.get("labgraph_store_error"))
    if reason is not None:
        record["stopped"] = reason
    client = client_address(request.remote_addr, settings.access_log_client)
    if client is not None:
        record["client"] = client
    return record


class TimedStore:
    """The store, with the time each call takes added to the request's store time, the user
    query it ran and the store error it raised remembered for the access log and the metrics.
    Calls made outside a request (the site's set-up) are passed through untimed."""

    def __init__(self, store: Store) -> None:
        self.inner = store
        # An app serves one release: its store never loads another (serving/live.py opens a
        # new store and app per release instead).
        self.build_id = store.build_id
        self.release = store.release
        self.extra_files = store.extra_files

    def _timed(self, call: Callable[[], T]) -> T:
        if not has_request_context():
            return call()
        started = time.perf_counter()
        try:
            return call()
        except StoreError as exc:
            g.labgraph_store_error = exc
            raise
        finally:
            g.labgraph_store_s = g.get("labgraph_store_s", 0.0) + time.perf_counter() - started

    def query(self, request: QueryRequest) -> QueryResult:
        if has_request_context():
            g.labgraph_query = request.text
        return self._timed(lambda: self.inner.query(request))

    def exists(self, iri: str) -> bool:
        return self._timed(lambda: self.inner.exists(iri))

    def describe(self, iri: str, media_type: str | None = None) -> Description | None:
        return self._timed(lambda: self.inner.describe(iri, media_type))

    def count(self, sparql_select_count: str) -> int:
        return self._timed(lambda: self.inner.count(sparql_select_count))

    def select(self, sparql: str) -> list[dict[str, Term]]:
        return self._timed(lambda: self.inner.select(sparql))

    def graph_document(self, graph: str, media_type: str) -> bytes:
        return self._timed(lambda: self.inner.graph_document(graph, media_type))

    def load(self, release: Path, progress: Callable[[str], None] | None = None) -> Loaded:
        return self.inner.load(release, progress)

    def wait_ready(self) -> None:
        self.inner.wait_ready()

    def statistics(self) -> Stats:
        return self._timed(self.inner.statistics)

    def workers(self) -> WorkerStatus | None:
        return self.inner.workers()

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        # Anything else a backend offers (operators' tools, tests: pids(), worker_restarts).
        return getattr(self.inner, name)
