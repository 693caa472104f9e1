"""What an operator reads (issue 16.3): /health checks the store, the workers and the release
and says 503 when one fails, for real (a remote server stopped, workers killed, a manifest
damaged); /metrics counts requests by URL rule and the queries stopped at the time limit, and
only for the addresses allowed, the forwarded address counting only from the trusted proxy."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from labgraph.config import Settings
from labgraph.graph.build import BuildResult
from labgraph.store.faults import query_label
from labgraph.web.access_log import client_address, query_fields
from labgraph.web.metrics import Metrics, allowed

from ..conftest import LiveServer, OxigraphServer, _wait_ready

JSON = {"Accept": "application/sparql-results+json"}
#: About 64 million rows to count: far past any test's query_timeout_s.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {v} }} VALUES ?b {{ {v} }} VALUES ?c {{ {v} }} }}".format(
    v=" ".join(str(i) for i in range(400))
)


def health(server: LiveServer, **headers: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = requests.get(server.url + "/health", headers=headers, timeout=30)
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def scrape(server: LiveServer, **headers: str) -> requests.Response:
    return requests.get(server.url + "/metrics", headers=headers, timeout=30)


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text, or None when it is absent."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            head, value = line.rsplit(" ", 1)
            found = dict(part.split("=", 1) for part in head[len(name) :].strip("{}").split(",") if "=" in part)
            if all(found.get(key) == f'"{wanted}"' for key, wanted in labels.items()):
                return float(value)
    return None


# ----------------------------------------------------------------------------- /health


def test_health_is_200_with_each_check_on_both_backends(live: LiveServer) -> None:
    status, body = health(live)
    assert status == 200 and body["status"] == "ok", body
    assert set(body["checks"]) == {"store", "workers", "release"}
    assert body["checks"]["store"]["ok"] is True
    release = body["checks"]["release"]
    assert release["ok"] and release["build_id"] == live.store.build_id and release["age_s"] >= 0
    workers = body["checks"]["workers"]
    if live.backend == "embedded":  # type: ignore[attr-defined]
        assert workers["size"] == workers["alive"] == live.store.settings.query_workers
        assert workers["busy"] == 0 and workers["restarts"] >= 0
    else:
        assert workers == {"ok": True, "remote": True}


@pytest.fixture
def remote(tmp_path: Path, server_settings: Settings) -> Iterator[tuple[OxigraphServer, LiveServer]]:
    """labgraph over an Oxigraph server of its own, which the test may stop."""
    oxigraph = OxigraphServer(tmp_path / "oxigraph")
    server = LiveServer(server_settings.replace(store=f"sparql:{oxigraph.url}/query", health_timeout_s=3.0))
    yield oxigraph, server
    server.close()
    oxigraph.stop()


def test_health_is_503_while_the_remote_store_is_down(remote: tuple[OxigraphServer, LiveServer]) -> None:
    oxigraph, server = remote
    assert health(server)[0] == 200
    oxigraph.stop()
    status, body = health(server)
    assert status == 503 and body["status"] == "failing"
    store = body["checks"]["store"]
    assert store["ok"] is False and store["error"] == "StoreUnavailable"
    assert oxigraph.url in store["message"]  # loopback may read the details...
    assert body["checks"]["release"]["ok"] and body["checks"]["workers"]["ok"]
    oxigraph.start()
    assert health(server)[0] == 200


def test_health_tells_others_the_kind_of_failure_not_its_message(tmp_path: Path, server_settings: Settings) -> None:
    oxigraph = OxigraphServer(tmp_path / "oxigraph")
    server = LiveServer(server_settings.replace(store=f"sparql:{oxigraph.url}/query", metrics_allow=()))
    try:
        oxigraph.stop()
        status, body = health(server)
        assert status == 503 and body["checks"]["store"]["error"] == "StoreUnavailable"
        assert "message" not in body["checks"]["store"]  # ...others not: it names an internal host
        assert oxigraph.url not in json.dumps(body)
    finally:
        server.close()


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory, server_settings: Settings, built: BuildResult):  # type: ignore[no-untyped-def]
    """A server over a copy of the release, whose workers and manifest the tests may break."""
    release = tmp_path_factory.mktemp("copy") / "release"
    shutil.copytree(built.release, release)
    settings = server_settings.replace(store=f"oxigraph:{release}", query_timeout_s=1.0, query_workers=2)
    server = LiveServer(settings)
    _wait_ready(server.url)
    yield server, release
    server.close()


def _until(condition, timeout_s: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


def test_health_is_503_when_every_worker_is_killed_and_200_once_replaced(copied) -> None:  # type: ignore[no-untyped-def]
    server, _ = copied
    assert health(server)[0] == 200
    pool = server.store._pool
    before = server.store.workers().restarts
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    status, body = _until(lambda: (lambda answer: answer if answer[0] == 503 else None)(health(server)))
    assert body["checks"]["workers"]["ok"] is False and body["checks"]["workers"]["alive"] == 0
    assert body["checks"]["store"]["ok"] and body["checks"]["release"]["ok"]
    # The next query finds the dead workers, has them replaced and is answered.
    answer = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, headers=JSON, timeout=30)
    assert answer.status_code == 200
    _until(lambda: health(server)[0] == 200)
    # Health is 200 once one worker is back; the second is started beside it, a moment later.
    text = _until(
        lambda: (lambda t: t if sample(t, "labgraph_query_workers", state="alive") == 2 else None)(scrape(server).text)
    )
    assert sample(text, "labgraph_query_worker_restarts_total") >= before + 2


def test_a_query_killed_at_the_time_limit_is_counted(copied) -> None:  # type: ignore[no-untyped-def]
    server, _ = copied
    before = sample(scrape(server).text, "labgraph_queries_stopped_total", reason="timeout") or 0
    answer = requests.get(server.url + "/sparql", params={"query": ENDLESS}, headers=JSON, timeout=30)
    assert answer.status_code == 503
    text = scrape(server).text
    assert sample(text, "labgraph_queries_stopped_total", reason="timeout") == before + 1
    assert sample(text, "labgraph_http_requests_total", method="GET", route="/sparql", status="503") >= 1


def test_health_is_503_when_the_manifest_cannot_be_read(copied) -> None:  # type: ignore[no-untyped-def]
    server, release = copied
    manifest = release / "manifest.json"
    kept = manifest.read_bytes()
    try:
        manifest.write_text("{ not json", encoding="utf-8")
        status, body = health(server)
        assert status == 503
        assert body["checks"]["release"]["ok"] is False and body["checks"]["release"]["error"] == "ReleaseError"
        manifest.write_text(json.dumps({**json.loads(kept), "build_id": "another"}), encoding="utf-8")
        status, body = health(server)
        assert status == 503 and body["checks"]["release"]["error"] == "ReleaseMismatch"
    finally:
        manifest.write_bytes(kept)
    assert health(server)[0] == 200


# ----------------------------------------------------------------------------- /metrics


def test_metrics_count_requests_by_url_rule_not_by_path(live: LiveServer) -> None:
    for path in ("/doc/lab/acco-lab.html", "/doc/network/labo-des-labs.html", "/nothing/here", "/nothing/else"):
        requests.get(live.url + path, headers={"Accept": "text/html"}, timeout=30)
    requests.request("BREW", live.url + "/", timeout=30)
    response = scrape(live)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.text
    assert sample(text, "labgraph_http_requests_total", method="GET", route="/doc/<path:rest>", status="200") >= 2
    assert sample(text, "labgraph_http_requests_total", method="GET", route="(unmatched)", status="404") >= 2
    assert sample(text, "labgraph_http_requests_total", method="other", route="(unmatched)", status="405") >= 1
    assert "acco-lab" not in text and "/nothing/" not in text and "BREW" not in text  # bounded label values
    assert sample(text, "labgraph_http_request_duration_seconds_count", route="/doc/<path:rest>") >= 2
    assert sample(text, "labgraph_release_info", build_id=live.store.build_id) == 1
    assert sample(text, "labgraph_release_created_timestamp_seconds") > 0


@pytest.fixture(scope="module")
def behind_proxy(server_settings: Settings, oxigraph_server: OxigraphServer) -> Iterator[LiveServer]:
    settings = server_settings.replace(
        store=f"sparql:{oxigraph_server.url}/query", trusted_proxy="127.0.0.1", metrics_allow=("192.0.2.0/24",)
    )
    server = LiveServer(settings)
    yield server
    server.close()


def test_metrics_are_shown_only_to_the_allowed_addresses(behind_proxy: LiveServer) -> None:
    assert scrape(behind_proxy).status_code == 404  # loopback is not on this server's list
    assert scrape(behind_proxy, **{"X-Forwarded-For": "192.0.2.7"}).status_code == 200
    assert scrape(behind_proxy, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 404
    # One hop is trusted: the proxy's own addition, the last address, is the client.
    assert scrape(behind_proxy, **{"X-Forwarded-For": "192.0.2.7, 198.51.100.1"}).status_code == 404


def test_a_forwarded_address_from_anyone_else_opens_nothing(
    server_settings: Settings, oxigraph_server: OxigraphServer
) -> None:
    server = LiveServer(
        server_settings.replace(store=f"sparql:{oxigraph_server.url}/query", metrics_allow=("192.0.2.0/24",))
    )
    try:
        assert scrape(server, **{"X-Forwarded-For": "192.0.2.7"}).status_code == 404
    finally:
        server.close()


def test_the_default_allows_loopback_only() -> None:
    networks = Settings.load(environ={}).metrics_allow
    assert allowed("127.0.0.1", networks) and allowed("::1", networks) and allowed("::ffff:127.0.0.1", networks)
    assert not allowed("192.0.2.7", networks) and not allowed("", networks) and not allowed("nonsense", networks)
    assert Settings.load(environ={"LABGRAPH_METRICS_ALLOW": "10.0.0.0/8, 192.0.2.7"}).metrics_allow == (
        "10.0.0.0/8",
        "192.0.2.7",
    )
    from labgraph.errors import ConfigError

    with pytest.raises(ConfigError, match="metrics_allow"):
        Settings.load(environ={"LABGRAPH_METRICS_ALLOW": "10.0.0.0/33"})


def test_each_app_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()  # the same names twice: no collision
    first.observe("GET", "/", 200, 0.01, None)
    assert (
        first.registry.get_sample_value(
            "labgraph_http_requests_total", {"method": "GET", "route": "/", "status": "200"}
        )
        == 1
    )
    assert (
        second.registry.get_sample_value(
            "labgraph_http_requests_total", {"method": "GET", "route": "/", "status": "200"}
        )
        is None
    )


def test_the_access_log_helpers_keep_private_data_out() -> None:
    assert client_address("192.0.2.77", "none") is None
    assert client_address("192.0.2.77", "anonymised") == "192.0.2.0"
    assert client_address("2001:db8:1:2:3::4", "anonymised") == "2001:db8:1::"
    assert client_address("192.0.2.77", "full") == "192.0.2.77"
    fields = query_fields("ASK {}", False)
    assert fields == {"query_hash": hashlib.sha256(b"ASK {}").hexdigest()[:12], "query_bytes": 6}
    assert query_label("ASK {}") == f"query {fields['query_hash']} (6 bytes)"  # the worker-death log's name
    assert query_fields("ASK {}", True)["query"] == "ASK {}"
