"""The cartography's build steps at scale (issue #15, section 4): ``python benchmarks/cartography.py``.

For each number of structures (default 1,000, 2,000, 5,000 and 10,000; 10,000 is about 1M
triples with the generator's ~75 triples a lab, more with the entailment), a synthetic project is
generated (``generate.write_project``, cached under ``benchmarks/data/carto-N/``), loaded and
entailed as ``labgraph build`` does, then timed step by step: the cards (``compute_cards`` over
the build's in-memory store), the similarity links (``compute_links``: inverted index, exact
rescoring, reasons) and the whole ``graph/similarity`` step (``graph.similarity.materialise``,
cards included). Each size prints one JSON line; the last line gives the growth ratios (seconds
per structure at the largest size over the smallest: 1.0 is linear). Nothing is asserted: the
figures go to ``benchmarks/NOTES.md``.

After those, each function of :data:`STEPS` is timed with the cards: ``geojson`` is the map's
release-wide GeoJSON (``MapIndex`` over the cards, then its one gzip compression, as
``/map.geojson`` makes it once per release), with a synthetic centroid per territory added to
the dataset first (``map.centroid_lines``; the generator's territories have no geometry).

The machine is shared: every row gives the 1-minute load average before and after it, and the
sizes are measured ``--repeat`` times (2 by default), each pass with its own growth line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

#: name -> step(dataset, settings, cards), timed after the cards and the similarity links; a
#: step may return a dict of figures (sizes, counts) reported beside its time
STEPS: dict[str, Callable[[Any, Any, list[Any]], object]] = {}
#: run on the dataset, untimed, after the similarity step and before :data:`STEPS`
PREPARE: list[Callable[[Any], None]] = []
#: triples the generator writes per lab (its group), to aim at a number of structures
TRIPLES_PER_LAB = 76


def project_for(structures: int, out: Path) -> Path:
    folder = out / f"carto-{structures}"
    marker = folder / "generated.json"
    if marker.is_file() and json.loads(marker.read_text("utf-8")).get("structures") == structures:
        return folder / "project"
    made = generate.write_project(structures * TRIPLES_PER_LAB, folder / "project")
    marker.write_text(json.dumps({"structures": structures, **made}, default=str), encoding="utf-8")
    return folder / "project"


def measure(project: Path) -> dict[str, Any]:
    from labgraph.cards import compute_cards
    from labgraph.cards.links import compute_links
    from labgraph.config import Settings
    from labgraph.graph import entailment, similarity, sources

    settings = Settings.load({"project_dir": project, "build_dir": project.parent / "build"}, environ={})
    dataset = sources.load(settings)
    entailment.materialise(dataset)
    triples = len(dataset)
    selector = similarity.DatasetSelect(dataset.store)
    started = time.perf_counter()
    cards = compute_cards(selector, settings.vocab)
    cards_s = time.perf_counter() - started
    started = time.perf_counter()
    links = compute_links(selector, settings.vocab, cards)
    links_s = time.perf_counter() - started
    started = time.perf_counter()
    result = similarity.materialise(dataset, settings.vocab)
    whole_s = time.perf_counter() - started
    figures: dict[str, Any] = {
        "structures": len(cards),
        "quads": triples,
        "cards_s": round(cards_s, 3),
        "similarity_s": round(links_s, 3),
        "graph_step_s": round(whole_s, 3),
        "links": len(links),
        "similarity_triples": result.triples,
    }
    for prepare in PREPARE:
        prepare(dataset)
    for name, step in STEPS.items():
        started = time.perf_counter()
        extra = step(dataset, settings, cards)
        figures[f"{name}_s"] = round(time.perf_counter() - started, 3)
        if isinstance(extra, dict):
            figures.update({f"{name}_{k}": v for k, v in extra.items()})
    return figures


def geojson_step(dataset: Any, settings: Any, cards: list[Any]) -> dict[str, int]:
    """The map's GeoJSON of every structure as a release makes it once: placements, features,
    the whole collection and its gzip (the centroids are added untimed)."""
    from labgraph.cards.geo import MapIndex
    from labgraph.cards.index import CardIndex
    from labgraph.graph import similarity

    class BuildStore(similarity.DatasetSelect):
        build_id = "cartography-benchmark"

    store = BuildStore(dataset.store)
    index = MapIndex(CardIndex(store, settings.vocab, cards), store, settings.vocab.base)
    packed = gzip.compress(index.full, compresslevel=6)
    return {
        "features": len(index.features),
        "unlocated": len(index.unlocated),
        "bytes": len(index.full),
        "gzip_bytes": len(packed),
    }


def add_centroids(dataset: Any) -> None:
    """A synthetic point per territory (as ``benchmarks/map.py`` serves them), so the map has
    features to place."""
    import map as map_bench
    import pyoxigraph as ox

    text, _ = map_bench.centroid_lines(dataset.store)
    dataset.store.load(text.encode("utf-8"), format=ox.RdfFormat.TRIG)


STEPS["geojson"] = geojson_step
PREPARE.append(add_centroids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--structures", default="1000,2000,5000,10000")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the sizes (the machine is shared)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    parser.add_argument("--json", type=Path, help="also write every row and growth line there")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.structures.split(",")]
    lines: list[dict[str, Any]] = []
    for run in range(1, args.repeat + 1):
        rows = []
        for n in sizes:
            before = round(os.getloadavg()[0], 2)
            row = {"pass": run, "load_before": before, **measure(project_for(n, args.out))}
            row["load_after"] = round(os.getloadavg()[0], 2)
            rows.append(row)
            lines.append(row)
            print(json.dumps(row), flush=True)
        if len(rows) > 1:
            lines.append(growth(run, rows[0], rows[-1]))
            print(json.dumps(lines[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(lines, indent=1) + "\n", encoding="utf-8")
    return 0


def growth(run: int, first: dict[str, Any], last: dict[str, Any]) -> dict[str, Any]:
    """Seconds per structure at the largest size over the smallest, per step (1.0 is linear)."""
    keys = [k for k in first if k.endswith("_s") and isinstance(first[k], float | int)]
    ratios = {
        key: round((last[key] / last["structures"]) / (first[key] / first["structures"]), 2)
        for key in keys
        if first[key] > 0 and key in last
    }
    size = round(last["structures"] / first["structures"], 1)
    return {"pass": run, "structures_ratio": size, "per_structure_growth": ratios}


if __name__ == "__main__":
    raise SystemExit(main())
