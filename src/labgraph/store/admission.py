"""Who may wait for a SPARQL answer, and for how long (issue 21.2).

A user query holds a request thread of the web server while it waits for a worker and while it
runs. Unbounded, a few slow queries left every thread waiting for a worker, so pages and
documents, which need no worker, timed out behind them; one client could hold every worker; and
a query that had first waited for a thread then waited ``worker_wait_s`` more. The gate below,
taken by every backend's ``query`` before it waits for anything:

* lets at most ``query_threads`` requests into queries at once, so the other request threads
  stay free for pages: a query beyond that is answered 503 busy at once;
* lets one client (its address; behind the trusted proxy, the forwarded one) have at most
  ``queries_per_client`` queries under way: a further one is answered 429;
* counts ``worker_wait_s`` from the request's arrival (when the server had read it, given by
  :mod:`labgraph.serving.connections`), so the time spent queued for a thread counts too.

Each refusal is counted (:attr:`Admission.refused`) for operators and a metrics endpoint.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from labgraph.config import Settings
from labgraph.errors import ClientTooBusy, TooBusy


class Admission:
    def __init__(self, settings: Settings) -> None:
        self.threads = settings.query_thread_limit
        self.per_client = settings.client_query_limit
        self.wait_s = settings.worker_wait_s
        self._inside = 0
        self._clients: Counter[str] = Counter()
        self._lock = threading.Lock()
        #: Queries refused, by reason: "threads", "client", "waited" (for metrics).
        self.refused: Counter[str] = Counter()

    @contextmanager
    def enter(self, client: str = "", arrived: float | None = None) -> Iterator[float]:
        """Admit one query of ``client`` (arrived at ``arrived``, a ``time.monotonic()``
        reading), and give how long it may still wait for a worker."""
        now = time.monotonic()
        left = self.wait_s - (now - arrived if arrived is not None and arrived <= now else 0.0)
        with self._lock:
            if self._clients[client] >= self.per_client:
                self.refused["client"] += 1
                raise ClientTooBusy(
                    f"you have {self._clients[client]} queries under way, the most one client may have; "
                    "retry when one is answered (queries_per_client)"
                )
            if self._inside >= self.threads:
                self.refused["threads"] += 1
                raise TooBusy(
                    f"{self._inside} queries are under way, the most this server runs or queues at once; "
                    "retry shortly (query_threads)",
                    setting="query_threads",
                )
            if left <= 0:
                self.refused["waited"] += 1
                raise TooBusy(
                    f"the query waited {self.wait_s:g} s for the server and was not started; retry shortly "
                    "(worker_wait_s)",
                    setting="worker_wait_s",
                )
            self._inside += 1
            self._clients[client] += 1
        try:
            yield left
        finally:
            with self._lock:
                self._inside -= 1
                self._clients[client] -= 1
                if self._clients[client] <= 0:
                    del self._clients[client]
