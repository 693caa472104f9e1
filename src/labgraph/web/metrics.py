"""``/metrics``: Prometheus text for an operator, through ``prometheus_client``.

Requests are counted by the URL rule that answered them (``/doc/<kind>/<name>.<ext>``, never
the raw path: a crawler walking every resource must not create a series per URL) with the
method and status, and timed in a histogram per rule; queries the store stopped (killed at
``query_timeout_s``, no free worker, a crash) are counted by reason. What the store knows (its
query workers and their restarts, the release it serves) is read at each scrape.

Each app has its own registry, never the library's global one, so that several apps in one
process (the test suite) count apart; :class:`labgraph.serving.live.LiveApp` keeps one
:class:`Metrics` across the releases it serves, so a release switch resets no counter.

With ``--processes N`` the processes share one socket, so a scrape reaches any one of them;
the server then runs prometheus_client's multiprocess mode (the supervisor gives the processes
one directory, see :mod:`labgraph.serving.server`): counters and histograms are summed over
every process, dead ones included, so that they never go backwards. What is read from the
store at the scrape describes the process that answered it, labelled with its ``pid``.

Only the addresses of ``metrics_allow`` may read the page (others get the site's 404, as if
nothing were there); behind a proxy, the address is the client's only with ``trusted_proxy``.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from labgraph.store.base import Store
from labgraph.web.context import site

bp = Blueprint("metrics", __name__)

#: Seconds; pages and documents take milliseconds, queries up to query_timeout_s.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Methods counted by name; any other token a client sends is "other" (bounded label values).
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"})
EXTENSION_KEY = "labgraph.metrics"


class Metrics:
    """The counters of one server (one process, or all of them in multiprocess mode)."""

    def __init__(self) -> None:
        # prometheus_client picks the kind of value it keeps when the first metric is made,
        # from its own environment variable: the server sets it for several processes.
        self.multiprocess = bool(getattr(values.ValueClass, "_multiprocess", False))
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "labgraph_http_requests",
            "HTTP requests answered, by method, URL rule (route) and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "labgraph_http_request_duration_seconds",
            "Time to produce an answer, by URL rule (route).",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.stopped = Counter(
            "labgraph_queries_stopped",
            "Queries the store did not answer: timeout (its worker killed at query_timeout_s), remote_timeout, "
            "too_busy (no free worker within worker_wait_s), crashed (the engine died, twice).",
            ["reason"],
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float, stopped: str | None) -> None:
        self.requests.labels(method if method in METHODS else "other", route, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        if stopped is not None:
            self.stopped.labels(stopped).inc()

    def exposition(self, store: Store, release_created: str | None) -> bytes:
        """The text a scrape receives: the counters, then what the store says now."""
        if self.multiprocess:
            shared = CollectorRegistry()
            MultiProcessCollector(shared)
            counted = generate_latest(shared)
        else:
            counted = generate_latest(self.registry)
        now = CollectorRegistry()
        now.register(_StoreCollector(store, release_created, os.getpid() if self.multiprocess else None))
        return counted + generate_latest(now)


class _StoreCollector:
    """What the store says at the scrape: the release it serves and its query workers."""

    def __init__(self, store: Store, created: str | None, pid: int | None) -> None:
        self.store, self.created, self.pid = store, created, pid

    def collect(self) -> Iterator[Metric]:
        names = ["pid"] if self.pid is not None else []
        own = [str(self.pid)] if self.pid is not None else []
        info = InfoMetricFamily("labgraph_release", "The release this process serves.", labels=names)
        info.add_metric(own, {"build_id": self.store.build_id})
        yield info
        if self.created:
            created = GaugeMetricFamily(
                "labgraph_release_created_timestamp_seconds", "When the served release was built.", labels=names
            )
            created.add_metric(own, datetime.fromisoformat(self.created).timestamp())
            yield created
        workers = self.store.workers()
        if workers is None:  # a remote store: its server runs the queries
            return
        gauge = GaugeMetricFamily(
            "labgraph_query_workers",
            "Query worker processes: size (query_workers), alive, busy.",
            labels=[*names, "state"],
        )
        for state in ("size", "alive", "busy"):
            gauge.add_metric([*own, state], getattr(workers, state))
        yield gauge
        restarts = CounterMetricFamily(
            "labgraph_query_worker_restarts",
            "Query workers replaced (died, or killed at query_timeout_s) since the served release was opened.",
            labels=names,
        )
        restarts.add_metric(own, workers.restarts)
        yield restarts


def allowed(address: str | None, networks: tuple[str, ...]) -> bool:
    """Whether a client address is in one of the networks (``metrics_allow``)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


@bp.route("/metrics")
def metrics() -> Response:
    s = site()
    if not allowed(request.remote_addr, s.settings.metrics_allow):
        abort(404)
    body = current_app.extensions[EXTENSION_KEY].exposition(s.store, s.manifest.get("created"))
    response = Response(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)  # what every Prometheus reads
    response.headers["Cache-Control"] = "no-store"  # never kept by the proxy for someone else
    return response
