"""The benchmark suite runs end to end on a tiny graph and writes results of the expected shape.

Only the structure is checked, never a timing: benchmarks/RESULTS.md judges speed, as ratios
between systems measured in one run (``make bench``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"


def test_smoke_run_writes_results_and_report(tmp_path: Path) -> None:
    results, report = tmp_path / "results", tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke", "--sizes", "10k", "--data", str(tmp_path / "data"),
         "--results", str(results), "--report", str(report)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    record = json.loads((results / "10k.json").read_text("utf-8"))
    assert record["size"] == "10k"
    assert {"machine", "versions", "config", "generated", "systems", "date", "row_mismatches"} <= set(record)
    assert record["generated"]["quads"] >= 10_000
    queries = sorted(p.stem for p in (BENCH / "queries").glob("*.rq"))
    assert len(queries) == 14
    assert set(record["systems"]) == {"pyoxigraph-memory", "labgraph-disk"}
    for name, system in record["systems"].items():
        assert "failed" not in system, system.get("failed")
        assert {"load", "queries", "resource", "throughput", "memory"} <= set(system), name
        assert sorted(system["queries"]) == queries
        for query, result in system["queries"].items():
            assert result["ok"], (name, query, result)
            assert {"median_ms", "p95_ms", "rows", "n"} <= set(result)
        assert system["resource"]["n"] > 0 and system["resource"]["errors"] == 0
        for operation in ("sparql", "resource"):
            outcome = system["throughput"][operation]
            assert outcome["clients"] == 4 and outcome["ok"] > 0
            assert isinstance(outcome["errors"], int)
    # Both systems see the same data: every query returns as many results through labgraph.
    assert record["row_mismatches"] == []

    text = report.read_text("utf-8")
    assert "## Targets" in text and "## SPARQL query mix" in text and "q14-big-result" in text


def test_generator_is_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCH))
    first = generate.write_project(3_000, tmp_path / "a")
    second = generate.write_project(3_000, tmp_path / "b")
    assert first == second
    for path in sorted((tmp_path / "a" / "data").rglob("*.ttl")):
        twin = tmp_path / "b" / "data" / path.relative_to(tmp_path / "a" / "data")
        assert path.read_bytes() == twin.read_bytes(), path.name


def test_head_to_head_interleaves_systems_and_judges_per_round(tmp_path: Path) -> None:
    results, report = tmp_path / "results", tmp_path / "RESULTS.md"
    run = [sys.executable, str(BENCH / "run.py"), "--smoke", "--sizes", "10k", "--data", str(tmp_path / "data"),
           "--results", str(results), "--report", str(report), "--systems", "pyoxigraph-memory"]
    assert subprocess.run(run, capture_output=True, timeout=300, cwd=ROOT).returncode == 0  # the report needs one
    done = subprocess.run(
        [sys.executable, str(BENCH / "versus.py"), "--sizes", "10k", "--systems", "labgraph-memory,oxigraph-server",
         "--rounds", "3", "--warmups", "1", "--queries", "q01-lookup,q12-provenance", "--data", str(tmp_path / "data"),
         "--results", str(results), "--report", str(report)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    record = json.loads((results / "versus-10k.json").read_text("utf-8"))
    assert record["systems"] == ["labgraph-memory", "oxigraph-server"]
    assert set(record["per_query_median_ms"]["oxigraph-server"]) == {"q01-lookup", "q12-provenance"}
    assert record["row_mismatches"] == [] and record["rows"]["labgraph-memory"]["q01-lookup"] > 0
    for peer in ("oxigraph-server", "fastest peer"):
        verdict = record["versus"][peer]
        assert verdict["rounds"] == 3 and 0 <= verdict["rounds_faster"] <= 3
        assert verdict["min_ratio"] <= verdict["median_ratio"] <= verdict["max_ratio"]
    text = report.read_text("utf-8")
    assert "interleaved head to head (versus.py)" in text and "### Head to head" in text


def test_head_to_head_verdict_is_the_median_of_per_round_ratios() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import versus
    finally:
        sys.path.remove(str(BENCH))
    # labgraph is twice as fast as Virtuoso in rounds 1 and 3 and twice as slow in round 2; the
    # Oxigraph server is slower still every round.
    labgraph = {"q1": [0.001, 0.004, 0.001], "q2": [0.002, 0.008, 0.002], "floor": [0.001] * 3}
    virtuoso = {"q1": [0.002, 0.002, 0.002], "q2": [0.004, 0.004, 0.004], "floor": [0.001] * 3}
    oxigraph = {"q1": [0.010] * 3, "q2": [0.020] * 3, "floor": [0.001] * 3}
    result = versus.verdict({"labgraph-memory": labgraph, "virtuoso": virtuoso, "oxigraph-server": oxigraph},
                            ["q1", "q2"])
    best = result["versus"]["fastest peer"]
    assert (best["median_ratio"], best["min_ratio"], best["max_ratio"]) == (0.5, 0.5, 2.0)
    assert best["rounds_faster"] == 2 and best["rounds"] == 3
    assert result["versus"]["oxigraph-server"]["rounds_faster"] == 3
    # The per-query medians agree with the rounds here: 1 ms and 2 ms against 2 ms and 4 ms.
    assert best["ratio_of_medians"] == 0.5


def test_fault_run_kills_the_workers_of_a_real_server_and_counts_every_answer(
    real_settings, built, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """benchmarks/faults.py (issue 18), shortened: every request gets its expected status."""
    figures = tmp_path / "faults.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "faults.py"), "--duration", "2.5", "--kill-at", "1", "--clients", "3",
         "--build-dir", str(real_settings.build_dir), "--json", str(figures)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    record = json.loads(figures.read_text("utf-8"))
    assert record["unexpected"] == [] and record["requests"] > 20
    [kill] = record["kills"]
    assert len(kill["pids"]) == 2  # the default two query workers
    assert set(record["statuses"]["bad-syntax"]) == {"400"}


def test_map_benchmark_serves_a_synthetic_graph_and_compares_with_a_resource(tmp_path: Path) -> None:
    """benchmarks/map.py (issue 15, section 4), on a small graph: figures of the expected shape."""
    figures = tmp_path / "map.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "map.py"), "--structures", "150", "--requests", "5",
         "--data", str(tmp_path / "data"), "--json", str(figures)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    record = json.loads(figures.read_text("utf-8"))
    assert record["features"] > 50 and record["features"] + record["unlocated"] == record["structures"]
    for name in ("geojson_cold", "geojson_warm", "geojson_identity_warm", "geojson_filtered_warm", "page_warm",
                 "api_labs_cold", "api_labs_warm"):  # fmt: skip
        assert record[name]["median_ms"] > 0 and record[name]["bytes"] > 0, name
    assert record["geojson_warm"]["wire_bytes"] < record["geojson_identity_warm"]["bytes"]  # sent compressed
    assert set(record["ratios"]) == {
        "geojson_over_resource_per_request", "geojson_over_resource_per_byte", "filtered_over_resource_per_request",
        "api_labs_over_resource_per_request", "api_labs_over_resource_per_byte",
    }  # fmt: skip
    assert record["load_before"] >= 0 and record["load_after"] >= 0


def test_cartography_benchmark_times_cards_links_and_geojson_twice(tmp_path: Path) -> None:
    """benchmarks/cartography.py (issue 15, section 4), on two small sizes and two passes: every
    row has its step times, load averages and a map with features; each pass has a growth line."""
    figures = tmp_path / "cartography.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "cartography.py"), "--structures", "60,120", "--repeat", "2",
         "--out", str(tmp_path / "data"), "--json", str(figures)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = json.loads(figures.read_text("utf-8"))
    rows = [line for line in lines if "structures" in line]
    growths = [line for line in lines if "per_structure_growth" in line]
    assert [row["pass"] for row in rows] == [1, 1, 2, 2] and [g["pass"] for g in growths] == [1, 2]
    for row in rows:
        assert row["links"] > 0 and row["similarity_triples"] > row["links"]
        assert row["geojson_features"] > 0 and row["geojson_gzip_bytes"] < row["geojson_bytes"]
        assert row["load_before"] >= 0 and row["load_after"] >= 0
    assert rows[0]["links"] == rows[2]["links"]  # the same generated graph both passes
    assert set(growths[0]["per_structure_growth"]) == {"cards_s", "similarity_s", "graph_step_s", "geojson_s"}
