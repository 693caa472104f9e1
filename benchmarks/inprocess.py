"""Engines measured inside one Python process: pyoxigraph (in memory, on disk) and rdflib.

Run by ``run.py`` in a fresh process per engine, so that load time and memory are the engine's
own: ``python benchmarks/inprocess.py SYSTEM RELEASE_DIR CONFIG_JSON``. Prints one JSON object.

A query is timed until its result is encoded as a server would send it (SPARQL JSON results,
N-Triples for graphs, Turtle for resource descriptions), so the numbers compare with HTTP ones.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import BASE, Answer, MixSettings, Query  # noqa: E402


class OxigraphTarget:
    def __init__(self, name: str, store: Any) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.name = name
        self.store = store

    def sparql(self, query: Query | str) -> Answer:
        ox = self.ox
        text = query.text if isinstance(query, Query) else query
        try:
            results = self.store.query(text)
            if isinstance(results, ox.QuerySolutions | ox.QueryBoolean):
                body = results.serialize(format=ox.QueryResultsFormat.JSON)
                return Answer(True, 200, body, harness.SELECT_ACCEPT)
            body = ox.serialize(list(results), format=ox.RdfFormat.N_TRIPLES)
            return Answer(True, 200, body, harness.GRAPH_ACCEPT)
        except Exception as exc:  # noqa: BLE001 - reported as the engine's error
            return Answer(False, 500, b"", "", f"{type(exc).__name__}: {exc}")

    def resource(self, path: str) -> Answer:
        ox = self.ox
        try:
            triples = list(self.store.query(harness.describe_query(BASE + "id/" + path)))
            if not triples:
                return Answer(False, 404, b"", "", "no such resource")
            return Answer(True, 200, ox.serialize(triples, format=ox.RdfFormat.TURTLE), "text/turtle")
        except Exception as exc:  # noqa: BLE001
            return Answer(False, 500, b"", "", f"{type(exc).__name__}: {exc}")

    def fork(self) -> OxigraphTarget:
        return self

    def close(self) -> None:
        pass


class RdflibTarget:
    def __init__(self, name: str, dataset: Any) -> None:
        self.name = name
        self.dataset = dataset

    def sparql(self, query: Query | str) -> Answer:
        text = query.text if isinstance(query, Query) else query
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = self.dataset.query(text)
                if result.type in ("CONSTRUCT", "DESCRIBE"):
                    return Answer(True, 200, result.serialize(format="nt"), harness.GRAPH_ACCEPT)
                return Answer(True, 200, result.serialize(format="json"), harness.SELECT_ACCEPT)
        except Exception as exc:  # noqa: BLE001
            return Answer(False, 500, b"", "", f"{type(exc).__name__}: {exc}")

    def resource(self, path: str) -> Answer:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = self.dataset.query(harness.describe_query(BASE + "id/" + path))
                if not len(result.graph):
                    return Answer(False, 404, b"", "", "no such resource")
                return Answer(True, 200, result.serialize(format="turtle"), "text/turtle")
        except Exception as exc:  # noqa: BLE001
            return Answer(False, 500, b"", "", f"{type(exc).__name__}: {exc}")

    def fork(self) -> RdflibTarget:
        return self

    def close(self) -> None:
        pass


def load_rdflib(release: Path) -> Any:
    """The release as an rdflib Dataset with labgraph's semantics: the named graphs, and their
    merge as the default graph (not the union)."""
    from rdflib import Dataset

    dataset = Dataset(default_union=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset.parse(str(release / "labgraph.nq"), format="nquads")
        dataset.default_context.parse(str(release / "labgraph.ttl"), format="turtle")
    return dataset


def load(system: str, release: Path, scratch: Path) -> tuple[Any, dict[str, Any]]:
    import pyoxigraph as ox

    before = harness.self_memory_mb()["rss_mb"]
    started = time.perf_counter()
    if system == "pyoxigraph-memory":
        store = ox.Store()
        store.load(path=str(release / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
        store.load(path=str(release / "labgraph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        quads = len(store)
        what = "Store.load of labgraph.nq, then labgraph.ttl into the default graph (parse + load, memory)"
        target: Any = OxigraphTarget(system, store)
    elif system == "pyoxigraph-disk":
        location = scratch / "store"
        store = ox.Store(str(location))
        store.bulk_load(path=str(release / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
        store.bulk_load(path=str(release / "labgraph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        store.flush()
        store.optimize()
        del store
        store = ox.Store.read_only(str(location))
        quads = len(store)
        what = "Store.bulk_load into RocksDB + optimize (as labgraph build), then opened read-only"
        target = OxigraphTarget(system, store)
    elif system == "rdflib":
        dataset = load_rdflib(release)
        quads = sum(1 for _ in dataset.quads((None, None, None, None)))
        what = "rdflib Dataset.parse of labgraph.nq + labgraph.ttl into the default graph (Memory store)"
        target = RdflibTarget(system, dataset)
    else:
        raise SystemExit(f"unknown in-process system {system}")
    seconds = time.perf_counter() - started
    after = harness.self_memory_mb()["rss_mb"]
    return target, {
        "seconds": round(seconds, 3),
        "quads": quads,
        "per_s": round(quads / seconds) if seconds else None,
        "what": what,
        "memory_mb": round(after - before, 1),
    }


def fork_guard(target: Any, limit_s: float) -> Any:
    """Run a query once in a forked copy of this process, killed past ``limit_s``.

    rdflib cannot interrupt a query; a copy-on-write fork of the loaded process can be killed.
    Returns the guard for :func:`harness.measure_mix`: the seconds taken, or None if stopped.
    """

    def guard(query: Query) -> float | None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run once, report, leave without cleanup
            os.close(read)
            started = time.perf_counter()
            target.sparql(query)
            os.write(write, str(time.perf_counter() - started).encode())
            os._exit(0)
        os.close(write)
        try:
            ready, _, _ = select.select([read], [], [], limit_s)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                return None
            data = os.read(read, 64)
            return float(data) if data else None
        finally:
            os.close(read)
            os.waitpid(pid, 0)

    return guard


def main() -> int:
    system, release, config = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    scratch = Path(tempfile.mkdtemp(prefix=f"lgbench-{system}-", dir=config.get("scratch")))
    say = (lambda m: print(m, file=sys.stderr, flush=True)) if config.get("verbose") else (lambda _m: None)
    try:
        target, loaded = load(system, release, scratch)
        say(f"{system}: loaded {loaded['quads']} quads in {loaded['seconds']} s")
        queries = [q for q in harness.load_queries() if not config.get("only") or q.name in config["only"]]
        settings = MixSettings(**config["mix"])
        guard = fork_guard(target, settings.query_timeout_s) if system == "rdflib" else None
        mix = harness.measure_mix(target, queries, settings, say, guard=guard)
        paths = config["resources"]
        resources = harness.measure_resources(target, paths)
        result: dict[str, Any] = {"system": system, "kind": "in-process", "load": loaded, "queries": mix,
                                  "floor": harness.measure_floor(target),
                                  "resource": resources, "throughput": {}}
        for operation in ("sparql", "resource"):
            items = config["lookups"] if operation == "sparql" else paths
            result["throughput"][operation] = harness.throughput(
                target, operation, items, clients=config["clients"], seconds=config["seconds"]
            )
        result["memory"] = harness.self_memory_mb()
        print(json.dumps(result))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
