"""The cards on a map: one GeoJSON (RFC 7946) point per structure with a territory, placed at
the territory's centroid as the graph states it (``geo:hasGeometry/geo:asWKT``, see
data/links.ttl), computed once per release like the cards themselves (the web layer keeps it
in ``Site.derived``).

A structure in a commune gets the commune's centroid, else its département's, else its
région's; a territory of another kind (a former région, France) is used when it has a
centroid of its own. A structure whose territory the sources do not state, or whose territory
has no centroid (a vague "Grand Ouest"), is not dropped: it is listed in the collection's
``unlocated`` member with the reason. Each feature's JSON is serialised once, so a filtered
answer is a join of ready bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from labgraph.cards.filters import select_cards
from labgraph.cards.index import CardIndex
from labgraph.cards.model import STATED, Card, Value
from labgraph.store.base import Store

#: Fields a feature carries (the card's main ones; the whole card is at its ``card`` URL).
FEATURE_FIELDS = ("kind", "host", "territory", "services", "methods", "themes", "networks", "maturity")
#: Preference between the levels of a structure's territories: the most precise first.
LEVELS = ("commune", "departement", "region", "other")
NOT_STATED, NO_GEOMETRY = "territory-not-stated", "territory-without-centroid"

POINTS = """PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?t ?wkt WHERE { GRAPH ?g { ?t geo:hasGeometry ?geom } GRAPH ?h { ?geom geo:asWKT ?wkt } }"""

_POINT = re.compile(r"\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(\S+)\s+(\S+)\s*\)\s*", re.I)


def parse_point(wkt: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKT POINT (an optional CRS IRI first, CRS84 order); None for
    anything else or for a point outside the WGS84 ranges."""
    match = _POINT.fullmatch(wkt)
    if not match:
        return None
    try:
        lon, lat = float(match.group(1)), float(match.group(2))
    except ValueError:
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


def territory_points(store: Store) -> dict[str, tuple[float, float]]:
    """Every territory's centroid, by IRI (the first valid point if several are stated)."""
    points: dict[str, tuple[float, float]] = {}
    for row in store.select(POINTS):
        found = parse_point(row["wkt"].value)
        if found is not None:
            points.setdefault(row["t"].value, found)
    return points


@dataclass
class Placement:
    territory: Value
    point: tuple[float, float]
    via: str  # the IRI whose centroid is used: the territory, or its département or région


def place(card: Card, points: dict[str, tuple[float, float]]) -> Placement | None:
    field = card.fields.get("territory")
    if field is None or field.status != STATED:
        return None
    ranked = sorted(field.values, key=lambda v: (LEVELS.index(v.about.get("level", "other")), v.value))
    for value in ranked:
        candidates = [value.value, *value.about.get("departement", []), *value.about.get("region", [])]
        for iri in candidates:
            if iri in points:
                return Placement(value, points[iri], iri)
    return None


def _values(card: Card, name: str) -> dict[str, Any] | None:
    field = card.fields.get(name)
    if field is None:
        return None
    out: dict[str, Any] = {"status": field.status}
    if field.values:
        out["values"] = [
            {"iri": v.value, "label": dict(sorted(v.labels.items()))} if v.iri else {"value": v.value}
            for v in field.values
        ]
    return out


def feature(card: Card, placement: Placement, base: str) -> dict[str, Any]:
    lon, lat = placement.point
    properties: dict[str, Any] = {
        "uri": card.iri,
        "type": card.type,
        "slug": card.slug,
        "class": card.cls,
        "label": dict(sorted(card.labels.items())),
        "card": f"{base}api/labs/{card.type}/{card.slug}",
        "completeness": card.completeness,
        "placedAt": {
            "iri": placement.via,
            "territory": placement.territory.value,
            "level": placement.territory.about.get("level", "other"),
            "label": dict(sorted(placement.territory.labels.items())),
        },
    }
    for name in FEATURE_FIELDS:
        values = _values(card, name)
        if values is not None:
            properties[name] = values
    return {
        "type": "Feature",
        "id": card.iri,
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": properties,
    }


def unlocated_entry(card: Card, reason: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "uri": card.iri,
        "type": card.type,
        "slug": card.slug,
        "label": dict(sorted(card.labels.items())),
        "reason": reason,
    }
    territory = _values(card, "territory")
    if territory is not None:
        entry["territory"] = territory
    return entry


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class MapIndex:
    """The release's map: each card's feature or unlocated entry, serialised once."""

    def __init__(self, cards: CardIndex, store: Store, base: str) -> None:
        self.build_id = cards.build_id
        self.cards = cards
        points = territory_points(store)
        self.placements: dict[str, Placement] = {}
        self.features: dict[str, bytes] = {}
        self.unlocated: dict[str, bytes] = {}
        self.reasons: dict[str, str] = {}
        for card in cards.cards:
            placement = place(card, points)
            if placement is not None:
                self.placements[card.iri] = placement
                self.features[card.iri] = _dump(feature(card, placement, base))
                continue
            field = card.fields.get("territory")
            reason = NO_GEOMETRY if field is not None and field.status == STATED else NOT_STATED
            self.reasons[card.iri] = reason
            self.unlocated[card.iri] = _dump(unlocated_entry(card, reason))
        self.full = self.collection(cards.cards, {})

    def select(self, params: dict[str, list[str]]) -> list[Card]:
        """The cards matching ``params`` (the /api/labs filters; CardFilterError on a bad one)."""
        if not params:
            return self.cards.cards
        return select_cards(self.cards.cards, params, self.cards.known)

    def collection(self, cards: list[Card], params: dict[str, list[str]]) -> bytes:
        """The FeatureCollection of these cards: features, then the unlocated ones (a foreign
        member, which RFC 7946 section 6.1 allows) and the filters applied."""
        features = b",".join(self.features[c.iri] for c in cards if c.iri in self.features)
        unlocated = b",".join(self.unlocated[c.iri] for c in cards if c.iri in self.unlocated)
        return (
            b'{"type":"FeatureCollection","features":['
            + features
            + b'],"unlocated":['
            + unlocated
            + b'],"filters":'
            + _dump(params)
            + b"}"
        )
