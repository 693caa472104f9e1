"""Head to head: labgraph's /sparql against the peer servers, their requests interleaved.

    .venv/bin/python benchmarks/versus.py --sizes 100k,1m            # labgraph, Oxigraph server, Virtuoso
    .venv/bin/python benchmarks/versus.py --sizes 100k --rounds 30

``run.py`` measures one system after the other, so a slow minute of a shared machine lands on
whichever system runs then: Virtuoso's geometric mean moved between 4.97 and 8.89 ms at 100k
over four such runs, and a target judged on one of them follows that noise. Here every system
is up at once, and each round sends every query of the mix to every system in turn (the order
rotated each round), so they share whatever the machine does. Each round gives each system a
geometric mean over the mix; the verdict is the ratio of labgraph's to the fastest peer's,
reported as its median over the rounds with the range, beside the ratio of the per-query
medians that ``run.py`` uses. It writes ``benchmarks/results/versus-{size}.json``; ``report.py``
adds the tables to RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import harness  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import virtuoso  # noqa: E402

LABGRAPH = "labgraph-memory"
PEERS = ("oxigraph-server", "virtuoso")
FLOOR = "ASK {}"


def rounds(targets: dict[str, harness.Target], queries: list[harness.Query], count: int, warmups: int,
           say: Callable[[str], None]) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, int | None]]]:
    """Seconds per system, per query (``ASK {}`` as ``floor``), one value per round; and the
    number of results each system gave to each query in the first round."""
    names = list(targets)
    times: dict[str, dict[str, list[float]]] = {s: {q.name: [] for q in queries} | {"floor": []} for s in names}
    rows: dict[str, dict[str, int | None]] = {s: {} for s in names}
    work: list[tuple[str, harness.Query | str]] = [("floor", FLOOR), *((q.name, q) for q in queries)]
    for index in range(warmups + count):
        order = names[index % len(names):] + names[: index % len(names)]
        for name, query in work:
            for system in order:
                started = time.perf_counter()
                answer = targets[system].sparql(query)
                elapsed = time.perf_counter() - started
                if not answer.ok:
                    raise RuntimeError(f"{system} failed {name}: {answer.status} {answer.error}")
                if index == 0 and name != "floor":
                    rows[system][name] = harness.count_results(answer)
                if index >= warmups:
                    times[system][name].append(elapsed)
        if index >= warmups:
            say(f"  round {index - warmups + 1}/{count}: " + ", ".join(
                f"{s} {_geo([times[s][q.name][-1] for q in queries]) * 1000:.2f} ms" for s in names))
    return times, rows


def verdict(times: dict[str, dict[str, list[float]]], queries: list[str]) -> dict[str, Any]:
    """labgraph against each peer and the fastest: per-round ratios and the ratio of medians."""
    count = len(times[LABGRAPH]["floor"])
    per_round = {s: [_geo([t[q][i] for q in queries]) for i in range(count)] for s, t in times.items()}
    medians = {s: _geo([statistics.median(t[q]) for q in queries]) for s, t in times.items()}
    out: dict[str, Any] = {
        "geomean_of_medians_ms": {s: round(v * 1000, 3) for s, v in medians.items()},
        "floor_median_ms": {s: round(statistics.median(t["floor"]) * 1000, 3) for s, t in times.items()},
        "per_query_median_ms": {s: {q: round(statistics.median(t[q]) * 1000, 3) for q in queries}
                                for s, t in times.items()},
        "versus": {},
    }
    peers = [p for p in PEERS if p in times]
    fastest = [min(per_round[p][i] for p in peers) for i in range(count)] if peers else []
    for peer, series in [*((p, per_round[p]) for p in peers), *([("fastest peer", fastest)] if peers else [])]:
        ratios = sorted(per_round[LABGRAPH][i] / series[i] for i in range(count))
        out["versus"][peer] = {
            "median_ratio": round(statistics.median(ratios), 3),
            "min_ratio": round(ratios[0], 3),
            "max_ratio": round(ratios[-1], 3),
            "rounds_faster": sum(r < 1 for r in ratios),
            "rounds": count,
        }
    if peers:
        best = min(medians[p] for p in peers)
        out["versus"]["fastest peer"]["ratio_of_medians"] = round(medians[LABGRAPH] / best, 3)
    return out


def _geo(values: list[float]) -> float:
    result = harness.geomean(values)
    assert result is not None
    return result


class Contest:
    """The systems of one size, all started, and stopped together."""

    def __init__(self, args: argparse.Namespace, size: str, folder: Path) -> None:
        self.args = args
        self.size = size
        self.bench = run.Run(args, size, folder)  # starts labgraph and the Oxigraph server as run.py does
        self.stoppers: list[Callable[[], None]] = []
        self.targets: dict[str, harness.Target] = {}

    def start(self, systems: list[str]) -> None:
        bench = self.bench
        if LABGRAPH in systems:
            server = bench.labgraph(LABGRAPH, f"oxigraph:{bench.release}", memory=True)
            self.stoppers.append(server.stop)
            bench.labgraph_ready(server)
            self.targets[LABGRAPH] = harness.HttpTarget(LABGRAPH, server.url, "/sparql", resources="labgraph")
        if "oxigraph-server" in systems:
            location = bench.fresh("versus-oxigraph")
            subprocess.run(
                [str(run.BIN / "oxigraph"), "load", "--location", str(location), "--file",
                 str(bench.release / "labgraph.nq"), "--file", str(bench.release / "labgraph.ttl")],
                check=True, capture_output=True, timeout=self.args.system_timeout,
            )
            server = bench.oxigraph_server("oxigraph-server", location)
            self.stoppers.append(lambda: (server.stop(), shutil.rmtree(location, ignore_errors=True)))
            self.targets["oxigraph-server"] = harness.HttpTarget("oxigraph-server", server.url, "/query")
        if "virtuoso" in systems:
            why = virtuoso.available()
            if why:
                raise RuntimeError(f"virtuoso: {why}")
            instance = virtuoso.Virtuoso(bench.fresh("versus-virtuoso"), bench.folder)
            self.stoppers.append(lambda: (instance.stop(), shutil.rmtree(instance.dir, ignore_errors=True)))
            instance.start()
            instance.bulk_load(bench.release)
            self.targets["virtuoso"] = harness.HttpTarget(
                "virtuoso", instance.url, "/sparql", params={"default-graph-uri": virtuoso.DEFAULT_GRAPH}
            )

    def stop(self) -> None:
        for target in self.targets.values():
            target.close()
        for stop in reversed(self.stoppers):
            try:
                stop()
            except Exception as exc:  # noqa: BLE001 - stop the others anyway
                run.log(f"stopping: {type(exc).__name__}: {exc}")

    def measure(self) -> dict[str, Any]:
        queries = self.bench.queries
        run.log(f"{self.size}: {len(queries)} queries x {self.args.rounds} rounds on {', '.join(self.targets)}")
        times, rows = rounds(self.targets, queries, self.args.rounds, max(1, self.args.warmups),
                             run.log if self.args.verbose else (lambda _m: None))
        # Timings only compare systems that answered alike (as run.py's check_rows).
        mismatches = [f"{q.name}: " + ", ".join(f"{s} {rows[s][q.name]}" for s in rows) for q in queries
                      if len({rows[s][q.name] for s in rows}) > 1]
        for line in mismatches:
            run.log(f"{self.size}: RESULT COUNTS DIFFER {line}")
        record = {
            "size": self.size,
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": run.machine(),
            "versions": run.versions(),
            "rounds": self.args.rounds,
            "warmups": self.args.warmups,
            "systems": list(self.targets),
            "rows": rows,
            "row_mismatches": mismatches,
            **verdict(times, [q.name for q in queries]),
        }
        for peer, v in record["versus"].items():
            run.log(f"{self.size}: labgraph / {peer}: median ratio {v['median_ratio']} "
                    f"(range {v['min_ratio']}-{v['max_ratio']}, faster in {v['rounds_faster']}/{v['rounds']} rounds)")
        return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100k", help="comma-separated: 10k, 100k, 1m")
    parser.add_argument("--systems", default=",".join([LABGRAPH, *PEERS]),
                        help=f"comma-separated; {LABGRAPH} and at least one of {', '.join(PEERS)}")
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (each query once per system)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed rounds first (at least 1: it counts results)")
    parser.add_argument("--queries", default="", help="only these queries (comma-separated names)")
    parser.add_argument("--system-timeout", type=float, default=3600.0, help="time limit of a bulk load (s)")
    parser.add_argument("--data", type=Path, default=harness.BENCH / "data", help="cache of generated graphs")
    parser.add_argument("--results", type=Path, default=harness.BENCH / "results", help="where versus-{size}.json go")
    parser.add_argument("--report", type=Path, default=harness.BENCH / "RESULTS.md", help="the Markdown report")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if LABGRAPH not in systems or not set(systems) & set(PEERS) or set(systems) - {LABGRAPH, *PEERS}:
        parser.error(f"--systems: {LABGRAPH} and at least one of {', '.join(PEERS)}")
    # What run.Run reads from its arguments.
    args.reps, args.query_limit = args.rounds, 120.0
    args.results.mkdir(parents=True, exist_ok=True)
    for size in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
        contest = Contest(args, size, generate.ensure(size, args.data, say=run.log))
        try:
            contest.start(systems)
            record = contest.measure()
        finally:
            contest.stop()
        path = args.results / f"versus-{size}.json"
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
        run.log(f"wrote {path}")
    if not args.no_report:
        report.write(args.results, args.report)
        run.log(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
