"""``/health``: can this server answer, right now? For load balancers, probes and operators.

Three checks, each reported with its details, and the answer is 200 when all pass, 503 when
any fails (what load balancers and Kubernetes probes read):

- ``store``: a trivial query through the store interface, given ``health_timeout_s`` (a
  remote server that is down or hangs fails it; the embedded store answers in microseconds);
- ``workers``: the store's query workers (size, alive, busy, restarts); failing when none is
  alive. Busy workers are load, not failure: a probe must not take a loaded server out of
  service and push its load onto the others;
- ``release``: the release served (build id, creation time, age), its manifest read again
  from disk, and the same build as the store's.

Errors are named by kind to anyone, and with their message only to the addresses that may
read ``/metrics``: a message can name an internal host (the remote store's URL).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, request

from labgraph.errors import LabgraphError
from labgraph.release import Release
from labgraph.store.base import Store
from labgraph.web.context import Site, site
from labgraph.web.metrics import allowed

bp = Blueprint("health", __name__)

#: A query every SPARQL engine answers with one row, whatever the data.
TRIVIAL = "SELECT ?ok WHERE { BIND(1 AS ?ok) }"


@bp.route("/health")
def health() -> Response:
    s = site()
    detailed = allowed(request.remote_addr, s.settings.metrics_allow)
    checks = {
        "store": _store(s.store, s.settings.health_timeout_s, detailed),
        "workers": _workers(s.store),
        "release": _release(s, detailed),
    }
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "failing", "checks": checks}
    response = Response(
        json.dumps(body, ensure_ascii=False, indent=2) + "\n", 200 if healthy else 503, content_type="application/json"
    )
    response.headers["Cache-Control"] = "no-store"  # a proxy's copy would hide a failure
    return response


def _failure(exc: BaseException, detailed: bool) -> dict[str, Any]:
    failure: dict[str, Any] = {"ok": False, "error": type(exc).__name__}
    if detailed:
        failure["message"] = str(exc)[:500]
    return failure


def _store(store: Store, timeout_s: float, detailed: bool) -> dict[str, Any]:
    """The trivial query in a thread of its own, so that a store that hangs costs the probe
    ``timeout_s`` and no more (the thread ends when the store's own timeout ends the call)."""
    outcome: dict[str, Any] = {}

    def ask() -> None:
        try:
            outcome["rows"] = store.select(TRIVIAL)
        except Exception as exc:  # noqa: BLE001 - any failure is the check's answer
            outcome["error"] = exc

    started = time.perf_counter()
    thread = threading.Thread(target=ask, name="labgraph-health", daemon=True)
    thread.start()
    thread.join(timeout_s)
    took_ms = round((time.perf_counter() - started) * 1000, 1)
    if thread.is_alive():
        return {"ok": False, "error": "Timeout", "message": f"no answer within {timeout_s:g} s (health_timeout_s)"}
    if "error" in outcome:
        return {**_failure(outcome["error"], detailed), "took_ms": took_ms}
    rows = outcome["rows"]
    if len(rows) != 1 or rows[0].get("ok") is None or rows[0]["ok"].value != "1":
        return {"ok": False, "error": "WrongAnswer", "message": "the trivial query did not return its one row"}
    return {"ok": True, "took_ms": took_ms}


def _workers(store: Store) -> dict[str, Any]:
    status = store.workers()
    if status is None:
        return {"ok": True, "remote": True}  # the remote server runs the queries
    return {
        "ok": status.alive > 0,
        "size": status.size,
        "alive": status.alive,
        "busy": status.busy,
        "restarts": status.restarts,
    }


def _release(s: Site, detailed: bool) -> dict[str, Any]:
    try:
        manifest = Release(s.release).manifest  # a new Release reads the file again
    except LabgraphError as exc:
        return {**_failure(exc, detailed), "build_id": s.store.build_id}
    created = str(manifest.get("created", ""))
    check: dict[str, Any] = {"ok": True, "build_id": manifest["build_id"], "created": created}
    try:
        check["age_s"] = round((datetime.now(UTC) - datetime.fromisoformat(created)).total_seconds())
    except (TypeError, ValueError):
        check.update(ok=False, error="BadManifest", message="the manifest's creation time is not a date")
    if manifest["build_id"] != s.store.build_id:
        check.update(ok=False, error="ReleaseMismatch", message=f"the store answers from {s.store.build_id}")
    return check
