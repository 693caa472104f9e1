"""The structures' identity cards (issue #15, section 1), through a real HTTP server on each
backend: fields against what the source documents say, "not stated" apart from "no", the
filters, the JSON and CSV formats, the errors, completeness and the card shapes' warnings.

Expected values are written from the five documents in /work/shared/seeds, not from the output.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from labgraph.config import Settings
from labgraph.graph.build import BuildResult

from ..conftest import BASE, LiveServer, _wait_ready

DOC = BASE + "id/document/"


def card(live: LiveServer, path: str) -> dict:
    response = requests.get(live.url + f"/api/labs/{path}.json", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def iris(field: dict) -> set[str]:
    return {v["iri"] for v in field["values"]}


def test_fluxus_card_says_what_the_culture_page_says(live: LiveServer) -> None:
    """The culture page: Fluxus is the DRAC Grand Est's incubator, for cultural project holders
    based in the Grand Est region, a member of the Labo des Labs; nothing on a place of its own."""
    fields = card(live, "lab/fluxus")["fields"]
    assert iris(fields["kind"]) == {BASE + "id/concept/structure-kind/incubator"}
    assert iris(fields["host"]) == {BASE + "id/organisation/drac-grand-est"}
    assert iris(fields["ministry"]) == {BASE + "id/organisation/ministere-culture"}
    (territory,) = fields["territory"]["values"]
    assert territory["iri"] == BASE + "id/territory/grand-est" and territory["level"] == "region"
    assert {BASE + "id/concept/service/incubation", BASE + "id/concept/service/project-support"} <= iris(
        fields["services"]
    )
    assert iris(fields["audiences"]) == {BASE + "id/concept/audience/project-holders"}
    assert BASE + "id/network/labo-des-labs" in iris(fields["networks"])
    assert fields["dedicatedPlace"] == {"status": "not-stated", "values": [], "sources": [], "superseded": []}
    assert fields["kind"]["sources"] == [DOC + "culture-labo-des-labs"]


def test_104factory_has_a_dedicated_place_and_no_stated_host(live: LiveServer) -> None:
    """The culture page: 104factory supports, hosts and connects the creative ecosystem from a
    venue of its own; it names no host organisation."""
    fields = card(live, "lab/104factory")["fields"]
    assert fields["dedicatedPlace"]["status"] == "stated"
    assert iris(fields["dedicatedPlace"]) == {BASE + "id/place/lieu-104factory"}
    assert fields["dedicatedPlace"]["sources"] == [DOC + "culture-labo-des-labs"]
    assert fields["host"]["status"] == "not-stated" and fields["ministry"]["status"] == "not-stated"
    assert {BASE + f"id/concept/service/{s}" for s in ("project-support", "hosting", "networking")} <= iris(
        fields["services"]
    )


def test_limoges_lab_territory_people_and_community(live: LiveServer) -> None:
    """The academy-labs day: the 110 bis Limoges is an academy lab of the community, presented by
    Séverine Delage and Élisabeth Artaud; Limoges is a commune of Haute-Vienne (Nouvelle-Aquitaine)."""
    fields = card(live, "lab/110-bis-limoges")["fields"]
    (territory,) = fields["territory"]["values"]
    assert territory["level"] == "commune"
    assert territory["departement"] == [BASE + "id/territory/haute-vienne"]
    assert territory["region"] == [BASE + "id/territory/nouvelle-aquitaine"]
    assert iris(fields["people"]) == {BASE + "id/person/severine-delage", BASE + "id/person/elisabeth-artaud"}
    assert iris(fields["networks"]) == {BASE + "id/network/communaute-labs-academie"}
    assert iris(fields["methods"]) == {BASE + "id/concept/method/facilitation"}
    assert fields["maturity"]["status"] == "not-stated"  # the page gives stages, not which lab is where


def test_bercylab_head_and_ministry(live: LiveServer) -> None:
    """Arnaud Derathé heads the Bercylab, the lab of the economy and finance ministry."""
    fields = card(live, "lab/bercylab")["fields"]
    assert iris(fields["host"]) == {BASE + "id/organisation/ministere-economie-finances-relance"}
    assert iris(fields["ministry"]) == iris(fields["host"])  # the host is itself the ministry
    (person,) = fields["people"]["values"]
    assert person["iri"] == BASE + "id/person/arnaud-derathe"
    assert person["role"] == BASE + "id/concept/role/head-of-lab"


def test_openlab_and_network_cards(live: LiveServer) -> None:
    """The LUCAS page: the Haut-Rhin OpenLab (culture, lower-secondary pupils, solidarity publics)
    belongs to the OpenLabs programme; the Labo des Labs lists twelve members, TMNlab among them,
    and is run by the ministry's Labo."""
    openlab = card(live, "lab/openlab-haut-rhin")["fields"]
    assert iris(openlab["kind"]) == {BASE + "id/concept/structure-kind/openlab"}
    assert openlab["territory"]["values"][0]["region"] == [BASE + "id/territory/grand-est"]
    assert iris(openlab["audiences"]) == {
        BASE + "id/concept/audience/secondary-pupils",
        BASE + "id/concept/audience/solidarity-publics",
    }
    assert BASE + "id/programme/openlabs" in iris(openlab["networks"])
    network = card(live, "network/labo-des-labs")
    members = iris(network["fields"]["members"])
    assert len(members) == 12 and BASE + "id/network/tmnlab" in members
    assert iris(network["fields"]["host"]) == {BASE + "id/lab/labo-culture"}
    assert "maturity" not in network["fields"] and "dedicatedPlace" in network["fields"]


def test_completeness_is_the_share_of_stated_fields(live: LiveServer) -> None:
    body = requests.get(live.url + "/api/labs", timeout=30).json()
    assert body["count"] == len(body["cards"]) >= 30
    for c in body["cards"]:
        fields = c["fields"].values()
        expected = round(sum(f["status"] != "not-stated" for f in fields) / len(fields), 2)
        assert c["completeness"] == expected, c["iri"]
    by_slug = {c["slug"]: c for c in body["cards"]}
    assert by_slug["labo-culture"]["completeness"] > by_slug["bercylab"]["completeness"]


@pytest.mark.parametrize(
    "params,included,excluded",
    [
        ({"kind": "incubator"}, {"fluxus", "la-fruitiere"}, {"acco-lab", "labo-des-labs"}),
        ({"territory": "grand-est"}, {"fluxus", "openlab-haut-rhin"}, {"openlab-nievre"}),  # région contains the dépt
        ({"theme": "culture"}, {"acco-lab", "fluxus"}, {"lab23"}),  # libraries is narrower than culture
        ({"service": "incubation", "network": "labo-des-labs"}, {"fluxus", "la-fruitiere"}, {"fabrique-numerique"}),
        ({"method": "open-innovation"}, {"openlab-nievre", "openlab-val-d-oise"}, {"fluxus"}),
        ({"maturity": "beta"}, {"lab23"}, {"fluxus"}),
        ({"kind": ["openlab", "academy-lab"]}, {"openlab-nievre", "110-bis-bretagne"}, {"fluxus"}),
    ],
)
def test_filters(live: LiveServer, params: dict, included: set[str], excluded: set[str]) -> None:
    body = requests.get(live.url + "/api/labs", params=params, timeout=30).json()
    slugs = {c["slug"] for c in body["cards"]}
    assert included <= slugs and not (excluded & slugs), slugs


@pytest.mark.parametrize(
    "params,param",
    [({"kind": "submarine"}, "kind"), ({"territory": "atlantis"}, "territory"), ({"colour": "red"}, "colour")],
)
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_unknown_filter_values_are_400_naming_the_parameter(live: LiveServer, params, param, suffix) -> None:
    response = requests.get(live.url + "/api/labs" + suffix, params=params, timeout=30)
    assert response.status_code == 400
    if suffix:
        assert response.headers["Content-Type"].startswith("text/csv")
        (row,) = list(csv.DictReader(io.StringIO(response.text)))
        assert row["parameter"] == param and row["status"] == "400"
    else:
        assert response.json()["error"]["parameter"] == param and param in response.json()["error"]["message"]


def test_csv_one_row_per_structure(live: LiveServer) -> None:
    for url, headers in ((live.url + "/api/labs.csv", {}), (live.url + "/api/labs", {"Accept": "text/csv"})):
        response = requests.get(url, headers=headers, params={"lang": "en"}, timeout=30)
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(response.text))}
        assert len(rows) == requests.get(live.url + "/api/labs.json", timeout=30).json()["count"]
        assert rows["fluxus"]["dedicatedPlace"] == "not stated in the sources"
        assert rows["104factory"]["dedicatedPlace"].startswith("yes | ")
        assert set(rows["fluxus"]["services"].split(" | ")) >= {"incubation"}


def test_one_card_formats_and_404s(live: LiveServer) -> None:
    by_accept = requests.get(live.url + "/api/labs/lab/fluxus", headers={"Accept": "application/json"}, timeout=30)
    assert by_accept.json()["iri"] == BASE + "id/lab/fluxus"
    one = requests.get(live.url + "/api/labs/lab/fluxus.csv", timeout=30)
    assert [row["slug"] for row in csv.DictReader(io.StringIO(one.text))] == ["fluxus"]
    missing = requests.get(live.url + "/api/labs/lab/no-such-lab.json", timeout=30)
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404
    missing_csv = requests.get(live.url + "/api/labs/lab/no-such-lab", headers={"Accept": "text/csv"}, timeout=30)
    assert missing_csv.status_code == 404 and missing_csv.headers["Content-Type"].startswith("text/csv")
    assert requests.get(live.url + "/api/labs/lab/fluxus.xml", timeout=30).status_code == 404


def test_openapi_describes_the_card_paths(live: LiveServer) -> None:
    spec = requests.get(live.url + "/api/openapi.json", timeout=30).json()
    validate(spec)
    params = {p["name"] for p in spec["paths"]["/api/labs"]["get"]["parameters"]}
    assert {"kind", "territory", "theme", "service", "method", "network", "maturity"} <= params
    assert "404" in spec["paths"]["/api/labs/{type}/{slug}"]["get"]["responses"]


@pytest.mark.parametrize(
    "lang,heading,not_stated",
    [("fr", "Fiche d’identité", "non précisé par les sources"), ("en", "Identity card", "not stated in the sources")],
)
def test_card_at_the_top_of_the_page(live: LiveServer, lang: str, heading: str, not_stated: str) -> None:
    html = requests.get(
        live.url + "/doc/lab/fluxus", params={"lang": lang}, headers={"Accept": "text/html"}, timeout=30
    )
    text = html.text
    assert heading in text and not_stated in text
    assert text.index(heading) < text.index('id="said"')
    other = requests.get(live.url + "/doc/concept/theme/culture", headers={"Accept": "text/html"}, timeout=30)
    assert other.status_code == 200 and "card-title" not in other.text


def test_card_shapes_warn_and_never_violate(built: BuildResult) -> None:
    report = built.report
    assert report is not None and report.conforms
    card_warnings = [w for w in report.warnings if w.message("en").startswith("Card:")]
    assert card_warnings and all(w.severity == "Warning" for w in card_warnings)
    assert not [v for v in report.violations if v.message("en").startswith("Card:")]
    focus = {w.focus for w in card_warnings if "maturity" in w.message("en")}
    assert "lab:fluxus" in focus and "lab:lab23" not in focus  # the Creuse mission gives lab23's stage


# ----------------------------------------------------------------------------- "no" is not "not stated"

NO_PLACE = """@prefix lg: <{base}def/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<{base}graph/test-no-place> {{
  <{base}id/lab/fluxus> lg:dedicatedPlace false .
}}
<{base}graph/test-no-place> prov:wasDerivedFrom <{base}id/document/test-no-place> .
"""


@pytest.fixture(scope="module")
def no_place_server(server_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real release with one more named graph, from a document that says Fluxus has no place."""
    path: Path = tmp_path_factory.mktemp("no-place") / "no-place.trig"
    path.write_text(NO_PLACE.format(base=BASE), "utf-8")
    server = LiveServer(server_settings, (path,))
    _wait_ready(server.url)
    yield server
    server.close()


def test_a_stated_no_is_not_not_stated(no_place_server: LiveServer, live: LiveServer) -> None:
    said_no = card(no_place_server, "lab/fluxus")
    silent = card(live, "lab/fluxus")
    assert said_no["fields"]["dedicatedPlace"] == {
        "status": "no",
        "values": [],
        "sources": [DOC + "test-no-place"],
        "superseded": [],
    }
    assert silent["fields"]["dedicatedPlace"]["status"] == "not-stated"
    assert said_no["completeness"] > silent["completeness"]  # a "no" is an answer
    rows = csv.DictReader(io.StringIO(requests.get(no_place_server.url + "/api/labs.csv?lang=en", timeout=30).text))
    assert {r["slug"]: r for r in rows}["fluxus"]["dedicatedPlace"] == "no"
    page = requests.get(no_place_server.url + "/doc/lab/fluxus?lang=en", headers={"Accept": "text/html"}, timeout=30)
    assert 'class="card-no"' in page.text


def test_the_cards_the_build_wrote_are_the_cards_the_store_gives(live: LiveServer) -> None:
    """The server reads the release's cards.json; a release without it computes the same cards."""
    from labgraph.cards import compute_cards
    from labgraph.web.labs import built_cards

    release = live.app.release
    assert release is not None
    written = built_cards(release)
    assert written, "the build writes cards.json"
    computed = compute_cards(live.store, live.app.settings.vocab)
    for one, other in zip(written, computed, strict=True):
        for name, field in one.as_json()["fields"].items():
            assert field == other.as_json()["fields"][name], (one.iri, name)
        assert one.as_json() == other.as_json(), one.iri
    assert built_cards(release / "no-such-release") is None


def test_a_selection_is_made_once_per_release_whatever_the_order_of_its_filters(live: LiveServer) -> None:
    url = live.url + "/api/labs.json"
    first = requests.get(url, params=[("kind", "incubator"), ("territory", "grand-est")], timeout=30)
    second = requests.get(url, params=[("territory", "grand-est"), ("kind", "incubator")], timeout=30)
    assert first.status_code == second.status_code == 200
    assert first.json()["cards"] == second.json()["cards"]
    assert first.headers["ETag"] == second.headers["ETag"]  # one key: the same bytes, kept
    again = requests.get(
        url,
        params={"kind": "incubator", "territory": "grand-est"},
        timeout=30,
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    other = requests.get(url, params={"kind": "incubator"}, timeout=30)
    assert other.headers["ETag"] != first.headers["ETag"]
    assert requests.get(url, params={"kind": "no-such-kind"}, timeout=30).status_code == 400  # never cached
    assert requests.get(url, params={"kind": "no-such-kind"}, timeout=30).status_code == 400
