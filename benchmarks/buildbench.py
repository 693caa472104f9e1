"""labgraph's build steps timed on a generated project: ``python benchmarks/buildbench.py PROJECT STEPS``.

STEPS is a comma-separated list among ``load`` (``labgraph.graph.sources.load``: parse every Turtle
file with Oxigraph and load it into the in-memory store, the build's parse-and-load), ``native``
(the same files through ``pyoxigraph.Store.load`` alone, for comparison: on a shared machine,
compare ``load`` with it rather than across runs), ``rebase`` (``sources.load`` under another
``base_uri``, which rewrites every IRI), ``entailment`` (``labgraph.graph.entailment.materialise``: the
SPARQL rules that fill ``graph/entailment``, timed rule by rule), ``consistency``, ``stats``, ``shacl``
(``labgraph.graph.validation``: convert the store to an rdflib Graph, then pySHACL with the project's
shapes, as ``labgraph build`` does) and ``build`` (``labgraph.graph.build.run_build`` without SHACL, end
to end: every dump, the on-disk store, the manifest; ``timings`` gives the seconds of each of its
steps). Each finished step prints one JSON line, so a step cut by the caller's time limit still
leaves the earlier ones.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


def emit(step: str, **values: object) -> None:
    print(json.dumps({"step": step, **values, "memory": harness.self_memory_mb()}), flush=True)


def main() -> int:
    from labgraph.config import Settings
    from labgraph.dataset import stats
    from labgraph.graph import consistency, entailment, sources
    from labgraph.graph.build import run_build
    from labgraph.graph.validation import load_shapes, validate_graph
    from labgraph.namespaces import STANDARD_PREFIXES
    from labgraph.rdflib_terms import to_graph
    from labgraph.uris import prefixes as own_prefixes

    project, steps = Path(sys.argv[1]), sys.argv[2].split(",")
    with tempfile.TemporaryDirectory(prefix="lgbench-build-") as scratch:
        settings = Settings.load({"project_dir": project, "build_dir": Path(scratch) / "build"}, environ={})
        for source in sources.discover(settings):  # from the page cache for every step, the first one too
            source.path.read_bytes()
        started = time.perf_counter()
        dataset = sources.load(settings)
        seconds = time.perf_counter() - started
        quads = len(dataset)
        emit("load", seconds=round(seconds, 3), quads=quads, per_s=round(quads / seconds),
             files=len(dataset.files))
        if "native" in steps:
            # The same files parsed and loaded by pyoxigraph alone, without per-triple Python work.
            import pyoxigraph as ox

            started = time.perf_counter()
            store = ox.Store()
            for source in sources.discover(settings):
                graph = ox.NamedNode(dataset.graph_iri(source.graph_name))
                store.load(path=str(source.path), format=ox.RdfFormat.TURTLE, to_graph=graph)
            seconds = time.perf_counter() - started
            emit("native", seconds=round(seconds, 3), quads=len(store), per_s=round(len(store) / seconds))
            del store
        if "rebase" in steps:
            elsewhere = Settings.load({"project_dir": project, "base_uri": "http://127.0.0.1:8080/"}, environ={})
            started = time.perf_counter()
            rebased = sources.load(elsewhere)
            seconds = time.perf_counter() - started
            emit("rebase", seconds=round(seconds, 3), quads=len(rebased), per_s=round(len(rebased) / seconds))
            del rebased
        if "entailment" in steps:
            # Each rule on its own (what it costs, how much it adds), then materialise as the build runs it.
            for rule in entailment.rules(dataset):
                started = time.perf_counter()
                added = sum(1 for _ in dataset.store.query(rule.construct, use_default_graph_as_union=True))
                emit(f"entailment:{rule.name}", seconds=round(time.perf_counter() - started, 3), triples=added)
            started = time.perf_counter()
            added = entailment.materialise(dataset)
            emit("entailment", seconds=round(time.perf_counter() - started, 3), triples=added, quads=len(dataset))
        if "consistency" in steps:
            started = time.perf_counter()
            consistency.check(dataset)
            emit("consistency", seconds=round(time.perf_counter() - started, 3))
        if "stats" in steps:
            started = time.perf_counter()
            stats.compute(dataset.store, settings.base_uri)
            emit("stats", seconds=round(time.perf_counter() - started, 3))
        if "shacl" in steps:
            started = time.perf_counter()
            graph = to_graph(dataset.store)
            convert = time.perf_counter() - started
            shapes = load_shapes(settings)
            prefixes = {**STANDARD_PREFIXES, **own_prefixes(settings.base_uri)}
            started = time.perf_counter()
            report = validate_graph(graph, shapes, prefixes)
            validate = time.perf_counter() - started
            emit("shacl", to_rdflib_s=round(convert, 3), validate_s=round(validate, 3),
                 seconds=round(convert + validate, 3), conforms=report.conforms,
                 violations=len(report.violations), warnings=len(report.warnings))
            del graph
        del dataset
        if "build" in steps:
            started = time.perf_counter()
            result = run_build(settings, validate=False)
            timings = {step: round(t, 3) for step, t in getattr(result, "timings", {}).items()}
            emit("build", seconds=round(time.perf_counter() - started, 3), quads=result.stats.quads, timings=timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
