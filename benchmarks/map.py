"""The map at scale (issue #15, section 4): ``/map.geojson`` and ``/map`` over a synthetic graph of
many structures, against a resource document measured in the same run.

    .venv/bin/python benchmarks/map.py [--structures 10000] [--requests 200] [--browser] [--json FILE]

Generates (``generate.write_project`` + ``write_release``, cached under
``benchmarks/data/map-N/``) a project of about N structures (labs and networks), ~112 quads each as the generator
writes them (``--structures 10000`` is about 1.1M quads in the named graphs), each in a département of
France, the overseas ones included. The generator's territories have no geometry, so a TriG
file of centroids (a deterministic point inside each département's view of the map, its
communes near it) is written beside the release and loaded with ``labgraph serve --load``, as
a merge would add them. Then it starts ``labgraph serve`` on that release and measures, over
HTTP, sequentially:

* the first ``/map.geojson`` (cold: the release's cards and map are computed);
* warm ``/map.geojson``, a filtered one, and the ``/map`` page (with its table), median and p95,
  timed until the last byte as sent (compressed when asked for, not decompressed: the client's
  gunzip of 25 MB is not the server's answer);
* warm ``/api/labs.json`` (every identity card, made once per release like the GeoJSON);
* a warm resource document (``/doc/lab/X.ttl`` of a few labs, served from the document cache),
  the reference: the ratios ``geojson / resource`` are what the issue's target is about (warm
  GeoJSON at least as fast as a resource document, per byte of answer as well as per request);
* with ``--browser``, Debian's headless Chromium loading ``/map`` with every structure: seconds
  until the map says it is drawn, and the DOM elements it holds (clusters keep it small).

The 1-minute load average is recorded before and after the warm measurements (the machine is
shared). Nothing is asserted; the figures go to benchmarks/NOTES.md. ``tests/test_benchmarks.py`` runs a
small case so the script keeps working.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from labgraph.web.map_outlines import VIEWS  # noqa: E402

#: quads the generator writes per structure (a lab with its people, events and memberships, and the
#: networks): 200 x 76 quads made 136 structures
QUADS_PER_STRUCTURE = 112
GEO = "http://www.opengis.net/ont/geosparql#"


def release_for(structures: int, out: Path) -> Path:
    folder = out / f"map-{structures}"
    marker = folder / "generated.json"
    if marker.is_file() and json.loads(marker.read_text("utf-8")).get("structures") == structures:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    made = generate.write_project(structures * QUADS_PER_STRUCTURE, folder / "project")
    written = generate.write_release(folder / "project", folder / "release")
    made.pop("sample", None)
    marker.write_text(json.dumps({"structures": structures, **made, **written}, default=str), encoding="utf-8")
    return folder


def _point(key: str, bounds: list[list[float]], margin: float = 0.2) -> tuple[float, float]:
    """A deterministic point inside a view's bounds, away from its edges."""
    digest = hashlib.sha256(key.encode()).digest()
    (south, west), (north, east) = bounds
    fx, fy = (margin + (1 - 2 * margin) * digest[i] / 255 for i in (0, 1))
    return round(west + fx * (east - west), 5), round(south + fy * (north - south), 5)


def centroids_trig(release: Path, target: Path) -> int:
    """Write one GeoSPARQL point per territory of the release (France, régions, départements,
    communes) into ``target``, in a named graph of its own; return how many."""
    import pyoxigraph as ox

    text, count = centroid_lines(ox.Store.read_only(str(release / "store")))
    target.write_text(text, encoding="utf-8")
    return count


def centroid_lines(store: Any) -> tuple[str, int]:
    """The TriG of :func:`centroids_trig` for any pyoxigraph store holding the generator's
    territories (a release's, or a build's dataset in memory), and how many points it has."""
    base = generate.BASE
    rows = store.query(
        f"""PREFIX igeo: <http://rdf.insee.fr/def/geo#> PREFIX schema: <http://schema.org/>
        SELECT DISTINCT ?t ?code ?up WHERE {{ ?t a schema:AdministrativeArea .
          OPTIONAL {{ ?t igeo:codeINSEE ?code }} OPTIONAL {{ ?t schema:containedInPlace ?up }}
          FILTER(STRSTARTS(STR(?t), "{base}id/territory/")) }}""",
        use_default_graph_as_union=True,
    )
    places = [(r["t"].value, r["code"].value if r["code"] else "", r["up"].value if r["up"] else "") for r in rows]
    points: dict[str, tuple[float, float]] = {}
    for iri, code, _ in places:  # départements (and régions, France) first
        view = VIEWS.get(code) or VIEWS["metropole"]
        if len(code) != 5:
            points[iri] = _point(iri, view["bounds"])
    for iri, _code, up in places:  # communes near their département
        if iri not in points and up in points:
            lon, lat = points[up]
            h = hashlib.sha256(iri.encode()).digest()
            points[iri] = (round(lon + (h[0] - 128) / 2000, 5), round(lat + (h[1] - 128) / 2000, 5))
    lines = [f"<{base}graph/bench-geometry> {{"]
    for n, (iri, (lon, lat)) in enumerate(sorted(points.items())):
        geom = f"<{base}id/geometry/bench-{n}>"
        lines.append(f"<{iri}> <{GEO}hasGeometry> {geom} .")
        lines.append(f'{geom} <{GEO}asWKT> "POINT({lon} {lat})"^^<{GEO}wktLiteral> .')
    lines.append("}")
    return "\n".join(lines) + "\n", len(points)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(session: requests.Session, url: str, n: int, **kwargs: Any) -> dict[str, Any]:
    seconds, size, wire = [], 0, 0
    for _ in range(n):
        started = time.perf_counter()
        response = session.get(url, timeout=300, stream=True, **kwargs)
        raw = response.raw.read(decode_content=False)  # the answer as sent: no client-side gunzip timed
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {raw[:300]!r}")
        wire = len(raw)
        size = len(gzip.decompress(raw)) if response.headers.get("Content-Encoding") == "gzip" else wire
    ordered = sorted(seconds)
    return {
        "n": n,
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 3),
        "bytes": size,
        "wire_bytes": wire,
    }


def browser_figures(url: str) -> dict[str, Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="labgraph-bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=options)
    try:
        started = time.perf_counter()
        driver.get(url + "/map")
        state = "waiting"
        while state == "waiting" and time.perf_counter() - started < 300:
            time.sleep(0.05)
            state = driver.execute_script("return document.getElementById('map').dataset.state")
        ready_s = time.perf_counter() - started
        rendered = driver.execute_script("return document.getElementById('map').dataset.rendered")
        elements = driver.execute_script("return document.querySelectorAll('.lg-marker, .lg-cluster').length")
        started = time.perf_counter()
        driver.execute_script("window.labgraphMap.views.metropole.map.setZoom(8)")
        time.sleep(0.2)
        zoom_s = time.perf_counter() - started
        zoomed = driver.execute_script("return document.querySelectorAll('.lg-marker, .lg-cluster').length")
        return {
            "state": state,
            "ready_s": round(ready_s, 2),
            "features_drawn": int(rendered or 0),
            "marker_elements": elements,
            "zoom_to_8_s": round(zoom_s, 2),
            "marker_elements_at_zoom_8": zoomed,
        }
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = release_for(args.structures, args.data)
    release = folder / "release"
    trig = folder / "centroids.trig"
    territories = centroids_trig(release, trig)
    info = json.loads((folder / "generated.json").read_text("utf-8"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile(prefix="labgraph-map-bench-", suffix=".log", delete=False)
    command = [sys.executable, "-m", "labgraph", "--project-dir", str(ROOT),
               "--store", f"oxigraph:{release}", "serve", "--port", str(port), "--load", str(trig)]  # fmt: skip
    server = subprocess.Popen(command, stdout=log, stderr=log, cwd=ROOT)
    try:
        deadline = time.monotonic() + 600
        while True:
            if server.poll() is not None:
                raise SystemExit(f"labgraph serve exited with {server.returncode}; see {log.name}")
            try:
                if requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("labgraph serve did not answer")
            time.sleep(0.3)
        session = requests.Session()
        cold = timed(session, url + "/map.geojson", 1)
        collection = session.get(url + "/map.geojson", timeout=300).json()
        labs = [f["properties"]["slug"] for f in collection["features"] if f["properties"]["type"] == "lab"][:20]
        territory = collection["features"][0]["properties"]["placedAt"]["territory"].rsplit("/", 1)[-1]
        for lab in labs:  # the reference documents, warmed like the GeoJSON
            session.get(url + f"/doc/lab/{lab}.ttl", timeout=60)
        n = args.requests
        load_before = round(os.getloadavg()[0], 2)
        labs_cold = timed(session, url + "/api/labs.json", 1)
        resource = [timed(session, url + f"/doc/lab/{lab}.ttl", max(1, n // len(labs))) for lab in labs]
        figures = {
            "load_before": load_before,
            "structures": len(collection["features"]) + len(collection["unlocated"]),
            "features": len(collection["features"]),
            "unlocated": len(collection["unlocated"]),
            "quads": info.get("quads"),
            "territories_with_centroid": territories,
            "geojson_cold": cold,
            # requests asks for gzip, as browsers do; identity shows the cost of the bytes alone
            "geojson_warm": timed(session, url + "/map.geojson", n),
            "geojson_identity_warm": timed(session, url + "/map.geojson", n, headers={"Accept-Encoding": "identity"}),
            "geojson_filtered_warm": timed(session, url + "/map.geojson", n, params={"territory": territory}),
            "page_warm": timed(session, url + "/map", max(5, n // 10)),
            # the identity cards, made once per release like the GeoJSON (web/release_bytes.py)
            "api_labs_cold": labs_cold,
            "api_labs_warm": timed(session, url + "/api/labs.json", n),
            "resource_warm": {
                "median_ms": round(statistics.median(r["median_ms"] for r in resource), 3),
                "p95_ms": round(max(r["p95_ms"] for r in resource), 3),
                "bytes": round(statistics.mean(r["bytes"] for r in resource)),
                "wire_bytes": round(statistics.mean(r["wire_bytes"] for r in resource)),
            },
        }
        ref = figures["resource_warm"]
        warm = figures["geojson_warm"]
        figures["ratios"] = {
            "geojson_over_resource_per_request": round(warm["median_ms"] / ref["median_ms"], 2),
            # per byte as sent (gzip when asked): the cost of the size alone
            "geojson_over_resource_per_byte": round(
                (warm["median_ms"] / warm["wire_bytes"]) / (ref["median_ms"] / ref["wire_bytes"]), 6
            ),
            "filtered_over_resource_per_request": round(
                figures["geojson_filtered_warm"]["median_ms"] / ref["median_ms"], 2
            ),
            "api_labs_over_resource_per_request": round(figures["api_labs_warm"]["median_ms"] / ref["median_ms"], 2),
            "api_labs_over_resource_per_byte": round(
                (figures["api_labs_warm"]["median_ms"] / figures["api_labs_warm"]["wire_bytes"])
                / (ref["median_ms"] / ref["wire_bytes"]),
                6,
            ),
        }
        figures["load_after"] = round(os.getloadavg()[0], 2)
        if args.browser:
            figures["browser"] = browser_figures(url)
        return figures
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--structures", type=int, default=10_000, help="labs in the synthetic graph")
    parser.add_argument("--requests", type=int, default=200, help="warm requests per measurement")
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data", help="cache of generated graphs")
    parser.add_argument("--browser", action="store_true", help="also time /map in headless Chromium")
    parser.add_argument("--json", type=Path, help="write the figures there too")
    args = parser.parse_args()
    figures = run(args)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
