"""Accepted contributions on a real server over a throwaway project: the newest contribution's
values are a field's current values, older sources' values stay visible as superseded, and the
fields no contribution states keep every source's values."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator

import jsonschema
import pytest
import requests

from labgraph.config import Settings
from labgraph.graph.build import run_build
from tests.conftest import BASE, ROOT, LiveServer, _wait_ready, make_settings
from tests.graph.contribution_file import write_contribution

DOC = BASE + "id/document/"
MARKUP = "<script>alert(1)</script>venue"
GYEAR = "<http://www.w3.org/2001/XMLSchema#gYear>"
FOUNDED = '<https://w3id.org/labgraph/id/lab/labo-culture> <http://schema.org/foundingDate> "{}"^^' + GYEAR + " ."
NO_PLACE = "<https://w3id.org/labgraph/id/lab/104factory> <https://w3id.org/labgraph/def/dedicatedPlace> false ."


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("supersede")
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, root / "project" / part)
    settings: Settings = make_settings(root / "project", root / "build")
    data = settings.data_dir
    # A superseded value whose label carries markup: the "earlier" line must escape it.
    culture = data / "documents" / "culture-labo-des-labs.ttl"
    culture.write_text(culture.read_text("utf-8").replace('"104factory\'s venue"@en', f'"{MARKUP}"@en'), "utf-8")
    # Number 14 is accepted first, 12 later: the acceptance day orders them, not the number.
    write_contribution(data, 14, "2026-10-01", FOUNDED.format("2021"), "lab/labo-culture")
    write_contribution(data, 12, "2026-11-02", FOUNDED.format("2022"), "lab/labo-culture")
    write_contribution(data, 13, "2026-11-02", NO_PLACE, "lab/104factory")
    run_build(settings)
    server = LiveServer(settings.replace(reload_interval_s=0))
    _wait_ready(server.url)
    yield server
    server.close()


def _card(server: LiveServer, path: str) -> dict:
    response = requests.get(server.url + f"/api/labs/{path}.json", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_newest_contribution_is_current_and_the_older_values_stay(corrected: LiveServer) -> None:
    dates = _card(corrected, "lab/labo-culture")["fields"]["dates"]
    assert [v["value"] for v in dates["values"]] == ["2022"]
    assert dates["sources"] == [DOC + "contribution-12"]
    earlier = {v["value"]: v["sources"] for v in dates["superseded"]}
    assert earlier == {"2021": [DOC + "contribution-14"], "2023": [DOC + "culture-labo-des-labs"]}


def test_a_contributed_no_supersedes_a_stated_place(corrected: LiveServer) -> None:
    fields = _card(corrected, "lab/104factory")["fields"]
    place = fields["dedicatedPlace"]
    assert place["status"] == "no" and place["values"] == []
    assert place["sources"] == [DOC + "contribution-13"]
    assert [v["iri"] for v in place["superseded"]] == [BASE + "id/place/lieu-104factory"]
    # A field the contribution does not state keeps its values from every source.
    assert fields["services"]["superseded"] == [] and fields["services"]["values"]


def test_the_card_page_shows_the_earlier_values_with_their_sources(corrected: LiveServer) -> None:
    for lang, words in (("fr", "antérieurement"), ("en", "earlier")):
        page = requests.get(corrected.url + f"/doc/lab/labo-culture?lang={lang}", headers={"Accept": "text/html"},
                            timeout=30)
        assert page.status_code == 200
        assert words in page.text and "2023" in page.text and "contribution-14" in page.text


def test_the_card_json_follows_its_openapi_schema(corrected: LiveServer) -> None:
    spec = requests.get(corrected.url + "/api/openapi.json", timeout=30).json()
    one = spec["paths"]["/api/labs/{type}/{slug}"]["get"]["responses"]["200"]["content"]["application/json"]
    card = _card(corrected, "lab/labo-culture")
    jsonschema.validate(card, one["schema"])
    del card["fields"]["dates"]["superseded"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(card, one["schema"])


def test_the_csv_gives_the_current_values_only(corrected: LiveServer) -> None:
    rows = csv.DictReader(io.StringIO(requests.get(corrected.url + "/api/labs.csv?lang=en", timeout=30).text))
    row = {r["slug"]: r for r in rows}["labo-culture"]
    assert "2022" in row["dates"] and "2023" not in row["dates"] and "2021" not in row["dates"]


def test_the_listing_gives_the_current_answer(corrected: LiveServer) -> None:
    """The listing (which filters and the map read) has the current answer: a contributed "no"."""
    listing = requests.get(corrected.url + "/api/labs.json", timeout=30).json()
    cards = listing["cards"] if isinstance(listing, dict) else listing
    factory = next(c for c in cards if c["slug"] == "104factory")
    assert factory["fields"]["dedicatedPlace"]["status"] == "no"


def test_the_earlier_line_escapes_what_it_shows(corrected: LiveServer) -> None:
    page = requests.get(corrected.url + "/doc/lab/104factory?lang=en", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and 'class="card-earlier"' in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;venue" in page.text and MARKUP not in page.text
