"""The map of the structures (issue #15, section 2) through a real HTTP server on each backend:
/map.geojson is RFC 7946 with a point in France and a dereferenceable URI per located
structure, the filters are the API's, a bad one is a 400 naming its parameter, structures
without a place are listed, the page's list works as plain HTML, and every territory carries a
centroid a SPARQL user can read.

Expected placements are written from the five documents: the OpenLabs page names four
départements (Haut-Rhin, Haute-Loire, Nièvre, Val-d'Oise), the academy-labs day a lab in Limoges
and one in Bretagne, the culture page Fluxus in the Grand Est, Ecopia in a "Grand Ouest" that
has no official outline, and no territory for 104factory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import requests

from labgraph.config import Settings

from ..conftest import BASE, LiveServer, _wait_ready

LAB = BASE + "id/lab/"
GEOJSON = "application/geo+json"
#: Rough boxes (west, south, east, north) of the places the documents name.
BOXES = {
    "openlab-haut-rhin": (6.8, 47.4, 7.7, 48.4),  # Haut-Rhin
    "openlab-haute-loire": (3.0, 44.7, 4.5, 45.5),  # Haute-Loire
    "openlab-nievre": (2.8, 46.6, 4.3, 47.6),  # Nièvre
    "openlab-val-d-oise": (1.6, 48.9, 2.6, 49.3),  # Val-d'Oise
    "110-bis-limoges": (1.15, 45.78, 1.35, 45.92),  # the commune of Limoges, not the Haute-Vienne
    "110-bis-bretagne": (-5.2, 47.2, -1.0, 48.9),  # Bretagne
    "fluxus": (3.3, 47.4, 8.3, 50.2),  # Grand Est
}
#: Metropolitan France and the overseas départements, (west, south, east, north).
FRANCE = [(-5.5, 41.2, 9.8, 51.3), (-61.9, 15.8, -60.9, 16.6), (-61.3, 14.3, -60.7, 14.9),
          (-54.7, 2.1, -51.5, 5.8), (55.2, -21.5, 55.9, -20.8), (44.9, -13.1, 45.4, -12.6)]  # fmt: skip


def get(live: LiveServer, path: str, **params: str | list[str]) -> requests.Response:
    return requests.get(live.url + path, params=params, timeout=30)


def collection(live: LiveServer, **params: str | list[str]) -> dict:
    response = get(live, "/map.geojson", **params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == GEOJSON
    return response.json()  # type: ignore[no-any-return]


def slugs(data: dict) -> set[str]:
    return {f["properties"]["slug"] for f in data["features"]}


def inside(point: list[float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def test_every_feature_is_a_point_in_france_with_a_uri_that_dereferences(live: LiveServer) -> None:
    data = collection(live)
    assert data["type"] == "FeatureCollection" and data["features"]
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90  # RFC 7946: longitude first, WGS84
        assert any(inside([lon, lat], box) for box in FRANCE), feature["id"]
        uri = feature["properties"]["uri"]
        assert feature["id"] == uri and uri.startswith(BASE + "id/")
        page = requests.get(live.url + "/" + uri[len(BASE) :], headers={"Accept": "text/turtle"}, timeout=30)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/turtle"), uri
        assert f"<{uri}>" in page.text or uri.rsplit("/", 1)[-1] in page.text
        card = feature["properties"]["card"]
        assert requests.get(live.url + "/" + card[len(BASE) :] + ".json", timeout=30).json()["iri"] == uri


def test_the_collection_is_in_the_openapi_document(live: LiveServer) -> None:
    operation = get(live, "/api/openapi.json").json()["paths"]["/map.geojson"]["get"]
    assert {p["name"] for p in operation["parameters"]} == set(get(live, "/api/labs.json").json()["filters"]) | {
        "kind", "territory", "theme", "service", "method", "network", "maturity"
    }  # fmt: skip
    assert GEOJSON in operation["responses"]["200"]["content"]


def test_structures_sit_where_the_documents_place_them(live: LiveServer) -> None:
    features = {f["properties"]["slug"]: f for f in collection(live)["features"]}
    for slug, box in BOXES.items():
        assert inside(features[slug]["geometry"]["coordinates"], box), slug
    # a commune's centroid before its département's; a département's for a lab of the Creuse
    assert features["110-bis-limoges"]["properties"]["placedAt"]["level"] == "commune"
    assert features["lab23"]["properties"]["placedAt"]["iri"] == BASE + "id/territory/creuse"
    fields = features["fluxus"]["properties"]
    assert fields["kind"]["values"][0]["iri"] == BASE + "id/concept/structure-kind/incubator"
    assert fields["label"]["fr"] == "Fluxus" and fields["type"] == "lab"


def test_structures_without_a_place_are_listed_not_dropped(live: LiveServer) -> None:
    data = collection(live)
    unlocated = {u["slug"]: u for u in data["unlocated"]}
    assert unlocated["104factory"]["reason"] == "territory-not-stated"
    assert unlocated["ecopia"]["reason"] == "territory-without-centroid"
    assert unlocated["ecopia"]["territory"]["values"][0]["iri"] == BASE + "id/territory/grand-ouest"
    cards = get(live, "/api/labs.json").json()["count"]
    assert len(data["features"]) + len(data["unlocated"]) == cards
    assert not slugs(data) & set(unlocated)


def test_the_filters_are_the_apis(live: LiveServer) -> None:
    assert slugs(collection(live, territory="grand-est")) == {"fluxus", "openlab-haut-rhin"}
    both = collection(live, territory=["haute-loire", "nievre"])
    assert slugs(both) == {"openlab-haute-loire", "openlab-nievre"} and both["filters"] == {
        "territory": ["haute-loire", "nievre"]
    }
    incubators = collection(live, kind="incubator")
    assert "fluxus" in slugs(incubators) and "openlab-nievre" not in slugs(incubators)
    assert {u["slug"] for u in incubators["unlocated"]} >= {"104factory"}
    api = {c["slug"] for c in get(live, "/api/labs.json", kind="incubator").json()["cards"]}
    assert slugs(incubators) | {u["slug"] for u in incubators["unlocated"]} == api


@pytest.mark.parametrize("path", ["/map.geojson", "/map"])
@pytest.mark.parametrize(("param", "value"), [("territory", "atlantis"), ("colour", "red")])
def test_a_bad_filter_is_a_400_naming_its_parameter(live: LiveServer, path: str, param: str, value: str) -> None:
    response = get(live, path, **{param: value})
    assert response.status_code == 400
    if path == "/map.geojson":
        assert response.json()["error"]["parameter"] == param
    assert param in response.text


def test_the_collection_is_made_once_and_revalidated(live: LiveServer) -> None:
    first = get(live, "/map.geojson", territory="grand-est")
    assert first.headers["Cache-Control"].startswith("public") and first.headers["ETag"]
    again = requests.get(
        live.url + "/map.geojson",
        params={"territory": "grand-est"},
        headers={"If-None-Match": first.headers["ETag"]},
        timeout=30,
    )
    assert again.status_code == 304
    assert get(live, "/map.geojson").headers["ETag"] != first.headers["ETag"]
    derived = live.app._generation.app.extensions["labgraph"]._derived  # the Site serving the release
    index = derived["map"]  # the release's map, made once
    get(live, "/map.geojson", kind="incubator")
    assert derived["map"] is index


def test_the_collection_is_compressed_once_and_says_so(live: LiveServer) -> None:
    for params in ({}, {"territory": "grand-est"}):
        plain = requests.get(
            live.url + "/map.geojson", params=params, headers={"Accept-Encoding": "identity"}, timeout=30
        )
        packed = requests.get(live.url + "/map.geojson", params=params, headers={"Accept-Encoding": "gzip"}, timeout=30)
        assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
        assert int(packed.headers["Content-Length"]) < len(plain.content)
        assert packed.json() == plain.json() and "Accept-Encoding" in packed.headers["Vary"]
        assert packed.headers["ETag"] != plain.headers["ETag"]


def test_the_page_lists_the_same_structures_without_javascript(live: LiveServer) -> None:
    html = get(live, "/map", territory="grand-est", lang="en").text
    table = html[html.index('<table class="map-table">') :]
    assert len(re.findall(r"<tr>\s*<th scope=\"row\">", table)) == 2
    assert 'href="/id/lab/fluxus?lang=en"' in table and "openlab-haut-rhin" in table
    assert '<select id="filter-territory" name="territory">' in html
    assert re.search(r'<option value="grand-est" selected>', html)
    assert "<noscript>" in html and 'method="get"' in html
    everything = get(live, "/carte", lang="fr").text
    unlisted = everything[everything.index('id="map-unlocated"') : everything.index('id="map-list"')]
    assert "Ecopia" in unlisted and "104factory" in unlisted and "sans coordonnées" in unlisted
    assert '<html lang="fr">' in everything and '<span lang="fr">Fluxus</span>' in everything


def test_the_background_shows_the_overseas_departements(live: LiveServer) -> None:
    response = get(live, "/map/outlines.geojson")
    assert response.status_code == 200 and response.headers["Content-Type"] == GEOJSON
    (france,) = [f for f in response.json()["features"] if f["properties"]["france"]]
    rings = [polygon[0] for polygon in france["geometry"]["coordinates"]]
    for box in FRANCE:  # a polygon of France in each view: the metropole and the five DROM
        assert any(all(inside(p, box) for p in ring[:3]) for ring in rings), box


def _select(live: LiveServer, query: str) -> list[dict]:
    response = requests.post(
        live.url + "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]  # type: ignore[no-any-return]


def test_a_sparql_user_can_place_every_territory(live: LiveServer) -> None:
    """Every territory a structure is in (and every one links.ttl describes) has a GeoSPARQL
    point derived from the geometry source, but the Grand Ouest, which has no official outline."""
    prologue = """PREFIX geo: <http://www.opengis.net/ont/geosparql#> PREFIX schema: <http://schema.org/>
    PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dct: <http://purl.org/dc/terms/>"""
    unplaced = _select(
        live,
        prologue
        + f"""SELECT DISTINCT ?t WHERE {{ ?t a ?c . VALUES ?c {{ schema:Place schema:AdministrativeArea }}
        FILTER(STRSTARTS(STR(?t), "{BASE}id/territory/"))
        FILTER NOT EXISTS {{ ?t geo:hasGeometry ?g . ?g geo:asWKT ?wkt }} }}""",
    )
    assert [row["t"]["value"] for row in unplaced] == [BASE + "id/territory/grand-ouest"]
    points = _select(
        live,
        prologue
        + """SELECT ?t ?wkt ?licence WHERE { ?t geo:hasGeometry ?g . ?g geo:asWKT ?wkt ;
        prov:wasDerivedFrom ?source . ?source dct:license ?licence }""",
    )
    assert len(points) >= 27
    for row in points:
        assert row["wkt"]["datatype"] == "http://www.opengis.net/ont/geosparql#wktLiteral"
        assert re.fullmatch(r"POINT\(-?\d+\.\d+ -?\d+\.\d+\)", row["wkt"]["value"])
    limoges = [r for r in points if r["t"]["value"] == BASE + "id/territory/limoges"]
    lon, lat = map(float, limoges[0]["wkt"]["value"][6:-1].split())
    assert inside([lon, lat], BOXES["110-bis-limoges"])


@pytest.fixture(scope="module")
def tiled(server_settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(
        server_settings.replace(
            map_tiles_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png", map_tiles_attribution="© Example"
        )
    )
    _wait_ready(server.url)
    yield server
    server.close()


def test_a_configured_tile_server_is_used_and_allowed(tiled: LiveServer, live: LiveServer) -> None:
    response = get(tiled, "/map")
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    config = json.loads(
        re.search(r'id="labgraph-map-config" type="application/json">(.*?)</script>', response.text).group(1)
    )  # type: ignore[union-attr]
    assert config["tiles"].startswith("https://{s}.tiles.example.org/") and config["attribution"] == "© Example"
    default = get(live, "/map")  # none by default: nothing but this server
    assert "example.org" not in default.headers["Content-Security-Policy"]
    assert json.loads(re.search(r'type="application/json">(.*?)</script>', default.text).group(1))["tiles"] == ""  # type: ignore[union-attr]
