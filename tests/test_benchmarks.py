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
