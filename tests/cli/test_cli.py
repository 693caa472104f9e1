"""The command line, run as a user runs it: a real process, its output and exit status."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from labgraph.config import Settings

from ..conftest import BASE


def labgraph(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LABGRAPH_PROJECT_DIR": str(settings.project_dir),
        "LABGRAPH_BUILD_DIR": str(settings.build_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "labgraph", *args], env=env, capture_output=True, text=True, timeout=120
    )


def break_founding_date(settings: Settings) -> Path:
    path = settings.data_dir / "documents" / "culture-labo-des-labs.ttl"
    path.write_text(path.read_text("utf-8").replace('"2023"^^xsd:gYear', '"vers 2023"'), encoding="utf-8")
    return path


def test_build_then_stats(project_settings: Settings) -> None:
    done = labgraph(project_settings, "build")
    assert done.returncode == 0, done.stderr
    assert "now points to it" in done.stdout
    stats = labgraph(project_settings, "stats", "--format", "json")
    figures = json.loads(stats.stdout)
    assert figures["classes"][BASE + "def/Lab"] >= 21
    assert BASE + "graph/lucas-openlabs" in figures["graphs"]
    table = labgraph(project_settings, "stats").stdout
    assert "graph:lucas-openlabs" in table and "lg:Lab" in table and "rdfs:label" in table


def test_validate_prints_a_table_naming_node_path_value_and_message(project_settings: Settings) -> None:
    break_founding_date(project_settings)
    done = labgraph(project_settings, "validate")
    assert done.returncode == 1
    line = next(row for row in done.stdout.splitlines() if "schema:foundingDate" in row)
    assert "lab:labo-culture" in line and "vers 2023" in line and "Violation" in line
    assert "xsd:gYear" in line  # the English message says which datatypes are allowed


def test_validate_ttl_prints_the_report_graph(project_settings: Settings) -> None:
    break_founding_date(project_settings)
    done = labgraph(project_settings, "validate", "--format", "ttl")
    assert done.returncode == 1
    report = Graph().parse(data=done.stdout, format="turtle")
    assert (None, SH.conforms, None) in report
    assert len(list(report.subjects(SH.focusNode, None))) >= 1


def test_failed_build_reports_and_exits_1_without_traceback(project_settings: Settings) -> None:
    assert labgraph(project_settings, "build", "-q").returncode == 0
    broken = project_settings.data_dir / "links.ttl"
    broken.write_text("@prefix x: <http://x/> .\nx:a x:b x:c .\nx:a x:b .\n", encoding="utf-8")
    done = labgraph(project_settings, "build")
    assert done.returncode == 1
    assert f"{broken}:3:" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_configuration_is_a_usage_error(project_settings: Settings) -> None:
    env_settings = project_settings
    done = subprocess.run(
        [sys.executable, "-m", "labgraph", "--base-uri", "no-slash", "stats"],
        env={**os.environ, "LABGRAPH_PROJECT_DIR": str(env_settings.project_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "base_uri" in done.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_a_production_server_and_refuses_a_busy_port(built, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    import time

    import requests

    port = _free_port()
    env = {
        **os.environ,
        "LABGRAPH_PROJECT_DIR": str(real_settings.project_dir),
        "LABGRAPH_BUILD_DIR": str(real_settings.build_dir),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "labgraph", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.headers["Server"] == "labgraph"  # waitress, not Werkzeug's development server
        second = subprocess.run(
            [sys.executable, "-m", "labgraph", "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        server.terminate()
        server.wait(timeout=20)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_serve_with_several_processes_shares_the_port_and_replaces_a_process_that_dies(
    built, real_settings: Settings  # type: ignore[no-untyped-def]
) -> None:
    import signal
    import time

    import requests

    port = _free_port()
    env = {
        **os.environ,
        "LABGRAPH_PROJECT_DIR": str(real_settings.project_dir),
        "LABGRAPH_BUILD_DIR": str(real_settings.build_dir),
        "LABGRAPH_QUERY_WORKERS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "labgraph", "serve", "--port", str(port), "--processes", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    query = {"query": "ASK { ?s ?p ?o }"}

    def answers() -> bool:
        try:
            return requests.get(url, params=query, timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 60
        while not condition():
            assert time.monotonic() < deadline, what
            time.sleep(0.2)

    try:
        wait_for(answers, "server did not start")
        wait_for(lambda: len(_children(server.pid)) == 2, "two server processes")
        first, second = sorted(_children(server.pid))
        os.kill(first, signal.SIGKILL)
        assert all(answers() for _ in range(20))  # the other process goes on answering
        wait_for(lambda: len(_children(server.pid)) == 2 and first not in _children(server.pid), "a replacement")
        assert second in _children(server.pid)
        wait_for(answers, "the replacement answers")
        processes = _children(server.pid)
        processes |= {grandchild for child in processes for grandchild in _children(child)}  # query workers
        assert len(processes) >= 4
    finally:
        server.terminate()
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            left = _children(server.pid)
            left |= {grandchild for child in left for grandchild in _children(child)}
            for pid in (*left, server.pid):  # nothing outlives the test, to be blamed on the next one
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            server.wait(timeout=30)
            raise AssertionError(f"not stopped 60 s after SIGTERM; still running: {sorted(left)}") from None
    assert code == 0
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in processes), "every process stopped")
    assert not answers()


def test_serve_without_a_build_says_so(project_settings: Settings) -> None:
    done = labgraph(project_settings, "serve", "--port", str(_free_port()))
    assert done.returncode == 1
    assert "run `labgraph build` first" in done.stderr


@pytest.mark.base
def test_queries_lists_the_catalogue(real_settings: Settings) -> None:
    done = labgraph(real_settings, "queries", "--lang", "en")
    assert done.returncode == 0
    assert "labs-by-kind" in done.stdout and "Structures by kind" in done.stdout and "kind:iri" in done.stdout


@pytest.mark.base
def test_query_prints_a_table_and_takes_typed_parameters(built, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    kind = BASE + "id/concept/structure-kind/ministry-lab"
    done = labgraph(real_settings, "query", "labs-by-kind", "--param", f"kind={kind}")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["structure", "label"]
    assert {"Bercylab", "Lab 110 bis"} <= {cell.strip() for line in lines[2:] for cell in line.split("  ") if cell}
    assert "3 row(s)" in done.stderr


@pytest.mark.base
def test_query_csv_and_file(built, real_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(DISTINCT ?lab) AS ?n) WHERE { ?lab a <" + BASE + "def/Lab> }")
    done = labgraph(real_settings, "query", str(query), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "n" and int(done.stdout.splitlines()[1]) >= 21


@pytest.mark.base
def test_query_refuses_bad_parameters_and_unknown_names(built, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    bad = labgraph(real_settings, "query", "labs-by-kind", "--param", 'kind="} ; DROP ALL #')
    assert bad.returncode == 1 and "parameter 'kind'" in bad.stderr
    unknown = labgraph(real_settings, "query", "no-such-query")
    assert unknown.returncode == 2 and "labgraph queries" in unknown.stderr
