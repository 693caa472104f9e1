"""Where labgraph's time goes, without HTTP: ``python benchmarks/diagnose.py RELEASE CONFIG_JSON``.

For the embedded store in memory and on disk, opened as labgraph opens it
(``labgraph.store.worker.open_store``), it times each query of the mix three ways:

* ``engine``: pyoxigraph alone (query, then its own serializer): the floor;
* ``worker``: ``labgraph.store.worker.execute``, what a query worker runs for /sparql;
* ``single_pass``: the same with ``single_pass=True``, i.e. without the count-then-rerun that the
  worker does for SELECT queries whose own LIMIT does not bound them;

then the whole query path in process (``EmbeddedStore.query``: the gate, the pipe to a worker
and back) for a trivial query, and resource descriptions: ``EmbeddedStore.describe(iri,
"text/turtle")`` (what /doc/….ttl serves) against pyoxigraph's ``DESCRIBE`` serialized as Turtle.
Prints one JSON object. Internal APIs it cannot find are reported, not fatal.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


def timed(function: Any, reps: int, warmups: int = 2) -> float:
    for _ in range(warmups):
        function()
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 3)


def queries_section(release: Path, memory: bool, settings: Any, queries: list[harness.Query],
                    reps: int) -> dict[str, Any]:
    import pyoxigraph as ox

    from labgraph.store import policy, worker
    from labgraph.uris import prefixes as own_prefixes

    store = worker.open_store(worker.LoadSpec(release, memory=memory))
    prefixes = own_prefixes(settings.base_uri)

    def engine(text: str) -> None:
        results = store.query(text)
        if isinstance(results, ox.QuerySolutions | ox.QueryBoolean):
            results.serialize(format=ox.QueryResultsFormat.JSON)
        else:
            ox.serialize(list(results), format=ox.RdfFormat.N_TRIPLES)

    def job(text: str, media: str, single: bool) -> Any:
        return worker.Job(text=text, media_type=media, default_graphs=(), named_graphs=(),
                          max_rows=settings.max_rows, single_pass=single, select=harness.query_form(text) == "SELECT")

    per_query: dict[str, Any] = {}
    for query in queries:
        accept = harness.GRAPH_ACCEPT if query.form in ("CONSTRUCT", "DESCRIBE") else harness.SELECT_ACCEPT
        info = policy.inspect(query.text, max_bytes=settings.max_query_bytes, max_nesting=settings.max_nesting)
        as_labgraph = job(query.text, accept, info.limit is not None and info.limit <= settings.max_rows)
        record = {
            "engine_ms": timed(lambda t=query.text: engine(t), reps),
            "worker_ms": timed(lambda j=as_labgraph: worker.execute(store, j, prefixes), reps),
            "single_pass_in_labgraph": as_labgraph.single_pass,
        }
        if query.form == "SELECT":
            one_pass = job(query.text, accept, True)
            record["single_pass_ms"] = timed(lambda j=one_pass: worker.execute(store, j, prefixes), reps)
        per_query[query.name] = record
    return per_query


def path_section(release: Path, memory: bool, settings: Any, queries: list[harness.Query],
                 resources: list[str]) -> dict[str, Any]:
    import pyoxigraph as ox

    from labgraph.store import policy
    from labgraph.store.base import QueryRequest
    from labgraph.store.embedded import EmbeddedStore

    section: dict[str, Any] = {}
    embedded = EmbeddedStore(settings.replace(store_memory=memory), release)
    try:
        ask = QueryRequest("ASK {}", harness.SELECT_ACCEPT)
        for _ in range(600):  # until the worker is up
            try:
                embedded.query(ask)
                break
            except Exception:  # noqa: BLE001 - TooBusy while the worker loads
                time.sleep(0.1)
        section["query_path_ask_ms"] = timed(lambda: embedded.query(ask), 200, 20)
        section["inspect_ms"] = {q.name: timed(lambda t=q.text: policy.inspect(
            t, max_bytes=settings.max_query_bytes, max_nesting=settings.max_nesting), 50) for q in queries[:3]}
        iris = [harness.BASE + "id/" + p for p in resources[:60]]
        local = embedded._local  # the store pages and data documents are described from

        def labgraph_describe() -> None:
            for iri in iris:
                embedded.describe(iri, "text/turtle")

        def oxigraph_describe() -> None:
            for iri in iris:
                ox.serialize(list(local.query(harness.describe_query(iri))), format=ox.RdfFormat.TURTLE)

        section["describe_ms"] = round(timed(labgraph_describe, 5, 1) / len(iris), 3)
        section["oxigraph_describe_ms"] = round(timed(oxigraph_describe, 5, 1) / len(iris), 3)
        try:
            from labgraph.store.documents import describe_query

            def describe_only() -> None:
                for iri in iris:
                    list(local.query(describe_query(iri)))

            section["describe_query_only_ms"] = round(timed(describe_only, 5, 1) / len(iris), 3)
        except ImportError as exc:
            section["describe_query_only_ms"] = f"unavailable: {exc}"
    finally:
        embedded.close()
    return section


def main() -> int:
    from labgraph.config import Settings

    release, config = Path(sys.argv[1]), json.loads(sys.argv[2])
    reps = config.get("reps", 10)
    settings = Settings.load({"project_dir": harness.ROOT, "store": f"oxigraph:{release}", "query_workers": 1},
                             environ={})
    queries = [q for q in harness.load_queries() if not config.get("only") or q.name in config["only"]]
    out: dict[str, Any] = {}
    for memory in (True, False):
        section: dict[str, Any] = {"queries": queries_section(release, memory, settings, queries, reps)}
        section.update(path_section(release, memory, settings, queries, config["resources"]))
        out["memory" if memory else "disk"] = section
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
