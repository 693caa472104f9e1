"""The map's background without a tile server: the outlines of France and its neighbours from
Natural Earth's 1:50m countries (npm ``world-atlas``, TopoJSON), turned into GeoJSON once per
process and cut to the views the map shows (metropolitan France and the five overseas
départements, each an inset).

Decoding TopoJSON here rather than in the browser keeps a 750 kB file and a decoder library off
the page: the reader gets only the countries the views touch.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

#: The map's views, as [[south, west], [north, east]] in degrees (Leaflet's order): metropolitan
#: France with Corsica, then each overseas département (their INSEE codes), shown as insets.
VIEWS: dict[str, dict[str, Any]] = {
    "metropole": {
        "bounds": [[41.2, -5.5], [51.3, 9.8]],
        "label": {"fr": "France métropolitaine", "en": "Metropolitan France"},
    },
    "971": {"bounds": [[15.8, -61.85], [16.55, -60.95]], "label": {"fr": "Guadeloupe", "en": "Guadeloupe"}},
    "972": {"bounds": [[14.38, -61.25], [14.9, -60.8]], "label": {"fr": "Martinique", "en": "Martinique"}},
    "973": {"bounds": [[2.1, -54.65], [5.8, -51.6]], "label": {"fr": "Guyane", "en": "French Guiana"}},
    "974": {"bounds": [[-21.42, 55.2], [-20.85, 55.85]], "label": {"fr": "La Réunion", "en": "Réunion"}},
    "976": {"bounds": [[-13.03, 44.98], [-12.62, 45.32]], "label": {"fr": "Mayotte", "en": "Mayotte"}},
}
FRANCE = "250"  # ISO 3166-1 numeric, world-atlas's feature id
SOURCE = Path("world-atlas") / "countries-50m.json"

_lock = threading.Lock()
_cache: dict[Path, bytes] = {}


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (quantised, delta-encoded positions decoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        out.append(points)
    return out


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[~index][::-1] if index < 0 else arcs[index]
        ring.extend(points[1:] if ring else points)  # consecutive arcs share their end point
    return ring


def _touches(ring: list[tuple[float, float]]) -> bool:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    for view in VIEWS.values():
        (south, west), (north, east) = view["bounds"]
        if min(lons) <= east + 2 and max(lons) >= west - 2 and min(lats) <= north + 2 and max(lats) >= south - 2:
            return True
    return False


def outlines(topology: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the polygons (of any country) that the views touch;
    ``properties.france`` tells France's from its neighbours'."""
    arcs = _arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        polygons = (
            [geometry["arcs"]] if kind == "Polygon" else geometry.get("arcs", []) if kind == "MultiPolygon" else []
        )
        kept = []
        for polygon in polygons:
            rings = [_ring(arcs, ring) for ring in polygon]
            if rings and _touches(rings[0]):
                kept.append([[list(p) for p in ring] for ring in rings])
        if kept:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "MultiPolygon", "coordinates": kept},
                    "properties": {
                        "name": geometry.get("properties", {}).get("name", ""),
                        "france": geometry.get("id") == FRANCE,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def outlines_bytes(node_modules: Path) -> bytes | None:
    """The background's GeoJSON bytes, made once per file; None when world-atlas is not installed."""
    path = (node_modules / SOURCE).resolve()
    with _lock:
        if path not in _cache:
            if not path.is_file():
                return None
            topology = json.loads(path.read_text(encoding="utf-8"))
            _cache[path] = json.dumps(outlines(topology), separators=(",", ":")).encode("utf-8")
        return _cache[path]
