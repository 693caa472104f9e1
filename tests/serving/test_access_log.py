"""The access log and the metrics of ``labgraph serve`` itself (issue 16.3), run as an operator
runs it, with two server processes on one port: one JSON line per request on stderr, with no
private data; /metrics sums the counters of both processes, whichever one answers the scrape."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from labgraph.config import Settings
from labgraph.graph.build import BuildResult

from ..conftest import ROOT, LiveServer, _free_port, _wait_ready
from ..web.test_operations import sample

SECRET = "s3cr3t-reader-text"
QUERY = f'SELECT ?x WHERE {{ BIND("{SECRET}" AS ?x) }}'
PRIVATE = {"Cookie": f"session={SECRET}", "Authorization": f"Bearer {SECRET}", "User-Agent": SECRET}


@pytest.fixture(scope="module")
def served(real_settings: Settings, built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:  # type: ignore[type-arg]
    """``labgraph serve --processes 2``; yields its URL, then the lines it wrote on stderr."""
    port = _free_port()
    errors = tmp_path_factory.mktemp("serve") / "stderr"
    env = {
        **os.environ,
        "LABGRAPH_BUILD_DIR": str(real_settings.build_dir),
        "LABGRAPH_PROJECT_DIR": str(ROOT),
        "LABGRAPH_QUERY_WORKERS": "1",
        "LABGRAPH_RELOAD_INTERVAL_S": "0",
    }
    command = [sys.executable, "-m", "labgraph", "serve", "--port", str(port), "--processes", "2"]
    with errors.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    state: dict = {"url": f"http://127.0.0.1:{port}", "stderr": errors}  # type: ignore[type-arg]
    try:
        _wait_ready(state["url"])
        yield state
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def access_lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.startswith("{")]


def test_one_json_line_per_request_without_private_data(served: dict) -> None:  # type: ignore[type-arg]
    url = served["url"]
    headers = {"Accept": "text/csv", **PRIVATE}
    answer = requests.get(url + "/sparql", params={"query": QUERY}, headers=headers, timeout=30)
    assert answer.status_code == 200 and SECRET in answer.text
    page = requests.get(url + f"/search?q={SECRET}", headers={"Accept": "text/html", **PRIVATE}, timeout=30)
    missing = requests.get(url + "/nothing/here", headers=PRIVATE, timeout=30)
    assert page.status_code == 200 and missing.status_code == 404
    time.sleep(0.3)  # the line is written once the answer is made; the server flushes it at once
    text = served["stderr"].read_text("utf-8")
    assert SECRET not in text  # neither the query, the search, the cookie, the token nor the agent
    assert "127.0.0.1" not in "".join(line for line in text.splitlines() if line.startswith("{"))
    lines = access_lines(served["stderr"])
    sparql = [line for line in lines if line["path"] == "/sparql" and "query_hash" in line and line["status"] == 200]
    digest = hashlib.sha256(QUERY.encode()).hexdigest()[:12]
    mine = [line for line in sparql if line["query_hash"] == digest]
    assert len(mine) == 1, sparql
    line = mine[0]
    assert line["method"] == "GET" and line["route"] == "/sparql" and line["query_bytes"] == len(QUERY.encode())
    assert line["bytes"] == len(answer.content) and line["duration_ms"] >= line["store_ms"] > 0
    assert set(line) == {
        "time", "method", "route", "path", "status", "bytes", "duration_ms", "store_ms", "query_hash", "query_bytes"
    }
    assert line["time"].endswith("Z")
    searched = [line for line in lines if line["path"] == "/search"]
    assert searched and searched[-1]["route"] == "/search" and "query_hash" not in searched[-1]
    assert any(line["path"] == "/nothing/here" and line["status"] == 404 for line in lines)


def test_metrics_sum_every_process(served: dict) -> None:  # type: ignore[type-arg]
    url = served["url"]

    def counted() -> float:
        return sample(requests.get(url + "/metrics", timeout=30).text, "labgraph_http_requests_total",
                      method="GET", route="/void", status="200") or 0.0

    before = counted()
    for _ in range(30):  # new connections: the kernel spreads them over both processes
        assert requests.get(url + "/void", headers={"Accept": "text/turtle", "Connection": "close"}, timeout=30).ok
    pids = {sample_pid(requests.get(url + "/metrics", headers={"Connection": "close"}, timeout=30).text)
            for _ in range(20)}
    assert len(pids) == 2, "both processes answered scrapes"
    assert [counted() for _ in range(6)] == [before + 30] * 6  # the same total, whoever answers


def sample_pid(text: str) -> str:
    """The process that answered a scrape (what the store says is per process, labelled)."""
    line = next(line for line in text.splitlines() if line.startswith("labgraph_release_info{"))
    return line.split('pid="', 1)[1].split('"', 1)[0]


def test_the_query_text_and_an_anonymised_address_only_when_configured(
    server_settings: Settings, tmp_path: Path
) -> None:
    log = tmp_path / "access.jsonl"
    settings = server_settings.replace(access_log=str(log), access_log_queries=True, access_log_client="anonymised")
    server = LiveServer(settings)
    try:
        _wait_ready(server.url)
        requests.get(server.url + "/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"}, timeout=30)
    finally:
        server.close()
    lines = [line for line in access_lines(log) if line.get("query") == QUERY]
    assert len(lines) == 1 and lines[0]["client"] == "127.0.0.0"


def test_the_access_log_can_be_turned_off(server_settings: Settings, tmp_path: Path) -> None:
    from labgraph.web.access_log import AccessLog

    assert Settings.load(environ={}).access_log == "stderr"
    off = AccessLog(server_settings.replace(access_log="off").access_log)
    off.write({"path": "/"})
    assert not off.enabled
    from labgraph.errors import ConfigError

    with pytest.raises(ConfigError, match="access_log_client"):
        server_settings.replace(access_log_client="hashed")
