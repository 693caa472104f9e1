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

Other builds of the cartography time themselves here by adding a function to :data:`STEPS`
(e.g. the map's GeoJSON): ``STEPS["geojson"] = lambda dataset, settings, cards: build_geojson(...)``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

#: name -> step(dataset, settings, cards), timed after the cards and the similarity links
STEPS: dict[str, Callable[[Any, Any, list[Any]], object]] = {}
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
        "cards_s": round(cards_s, 2),
        "similarity_s": round(links_s, 2),
        "graph_step_s": round(whole_s, 2),
        "links": len(links),
        "similarity_triples": result.triples,
    }
    for name, step in STEPS.items():
        started = time.perf_counter()
        step(dataset, settings, cards)
        figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--structures", default="1000,2000,5000,10000")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    args = parser.parse_args(argv)
    rows = []
    for n in [int(x) for x in args.structures.split(",")]:
        row = measure(project_for(n, args.out))
        rows.append(row)
        print(json.dumps(row), flush=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = {
            key: round((last[key] / last["structures"]) / (first[key] / first["structures"]), 2)
            for key in ("cards_s", "similarity_s", "graph_step_s")
            if first[key] > 0
        }
        size = round(last["structures"] / first["structures"], 1)
        print(json.dumps({"structures_ratio": size, "per_structure_growth": growth}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
