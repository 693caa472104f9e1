"""The web API generated from the query catalogue."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from openapi_spec_validator import validate

from ..conftest import BASE, LiveServer

INCUBATOR = BASE + "id/concept/structure-kind/incubator"


def test_listing_in_json_and_html(live: LiveServer) -> None:
    listing = requests.get(live.url + "/api/queries", timeout=10).json()["queries"]
    names = {q["name"] for q in listing}
    assert "labs-by-kind" in names
    entry = next(q for q in listing if q["name"] == "labs-by-kind")
    assert entry["title"]["fr"] and entry["title"]["en"]
    assert entry["parameters"][0]["name"] == "kind" and entry["parameters"][0]["type"] == "iri"
    html = requests.get(live.url + "/api/queries", headers={"Accept": "text/html"}, timeout=10)
    assert html.headers["Content-Type"].startswith("text/html") and "Structures par type" in html.text


def test_run_with_a_parameter_as_json_rows(live: LiveServer) -> None:
    body = requests.get(live.url + "/api/queries/labs-by-kind", params={"kind": INCUBATOR}, timeout=10).json()
    labels = {row["label"] for row in body["rows"]}
    assert {"Fluxus", "La Fruitière", "L'Atelier numérique"} <= labels
    assert all(row["kind"] == INCUBATOR for row in body["rows"])
    assert body["columns"][:2] == ["structure", "label"]


def test_a_language_parameter_reaches_its_query_beside_the_interface_language(live: LiveServer) -> None:
    """``lang`` chooses the interface language; the queries' own language parameter has another
    name, so the API passes it on (it once ran ambiguity-notes with no parameters at all)."""
    url = live.url + "/api/queries/ambiguity-notes"
    english = requests.get(url, params={"language": "en", "per_page": 200}, timeout=10).json()
    assert english["parameters"] == {"language": "en"} and english["rows"]
    assert "The page carries no date." in {row["note"] for row in english["rows"]}
    french = requests.get(url, params={"language": "fr", "lang": "en", "per_page": 200}, timeout=10).json()
    assert french["parameters"] == {"language": "fr"}
    assert not {row["note"] for row in english["rows"]} & {row["note"] for row in french["rows"]}
    form = requests.get(live.url + "/api/queries", headers={"Accept": "text/html"}, timeout=10).text
    section = form.split('id="q-ambiguity-notes"')[1].split("</form>")[0]
    assert section.count('name="lang"') == 1 and 'name="language"' in section
    spec = requests.get(live.url + "/api/openapi.json", timeout=10).json()
    for path, item in spec["paths"].items():
        if path.startswith("/api/queries/"):
            assert "lang" not in {p["name"] for p in item["get"]["parameters"]}, path


@pytest.mark.parametrize(
    "suffix,accept,media",
    [
        (".csv", None, "text/csv"),
        ("", "text/csv", "text/csv"),
        ("", "application/sparql-results+json", "application/sparql-results+json"),
        (".tsv", None, "text/tab-separated-values"),
        ("", "application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_result_formats_by_extension_or_accept(live: LiveServer, suffix: str, accept: str | None, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(
        live.url + f"/api/queries/labs-by-kind{suffix}", params={"kind": INCUBATOR}, headers=headers, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media
    if media == "text/csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert "Fluxus" in {row["label"] for row in rows}


def test_pagination(live: LiveServer) -> None:
    first = requests.get(live.url + "/api/queries/labs-by-kind", params={"per_page": 5}, timeout=10)
    body = first.json()
    assert len(body["rows"]) == 5 and body["next"]
    assert 'rel="next"' in first.headers["Link"]
    second = requests.get(body["next"], timeout=10).json()
    assert second["page"] == 2 and len(second["rows"]) == 5
    assert not {r["structure"] + r["kind"] for r in second["rows"]} & {r["structure"] + r["kind"] for r in body["rows"]}
    everything = requests.get(live.url + "/api/queries/labs-by-kind", params={"per_page": 200}, timeout=10).json()
    assert everything["next"] is None
    assert everything["rows"][:10] == body["rows"] + second["rows"]


@pytest.mark.parametrize(
    "params,name",
    [
        ({"kind": "not an iri"}, "kind"),
        ({"kind": '"} ; DROP ALL #'}, "kind"),
        ({"kind": "http://x.example/a> } SERVICE <http://127.0.0.1:1/> { ?s ?p ?o"}, "kind"),
        ({"nope": "1"}, "nope"),
    ],
)
def test_bad_parameter_values_are_400_naming_the_parameter(live: LiveServer, params: dict[str, str], name: str) -> None:
    response = requests.get(live.url + "/api/queries/labs-by-kind", params=params, timeout=10)
    assert response.status_code == 400
    assert f"parameter '{name}'" in response.json()["error"]["message"]


def test_injection_attempt_is_data(live: LiveServer) -> None:
    # a value that looks like SPARQL is accepted as an IRI only if it is one, and then matches nothing
    response = requests.get(live.url + "/api/queries/labs-by-kind", params={"kind": "urn:x:%22%7D%3BDROP"}, timeout=10)
    assert response.status_code == 200 and response.json()["rows"] == []


def test_bad_paging_and_unknown_query(live: LiveServer) -> None:
    assert requests.get(live.url + "/api/queries/labs-by-kind", params={"page": "0"}, timeout=10).status_code == 400
    assert requests.get(live.url + "/api/queries/labs-by-kind", params={"per_page": "x"}, timeout=10).status_code == 400
    assert requests.get(live.url + "/api/queries/no-such-query", timeout=10).status_code == 404


def test_openapi_document_is_valid_and_complete(live: LiveServer) -> None:
    spec = requests.get(live.url + "/api/openapi.json", timeout=10).json()
    validate(spec)
    listing = requests.get(live.url + "/api/queries", timeout=10).json()["queries"]
    for query in listing:
        operation = spec["paths"][f"/api/queries/{query['name']}"]["get"]
        declared = {p["name"] for p in operation["parameters"]}
        assert {p["name"] for p in query["parameters"]} | {"page", "per_page"} == declared
    assert spec["servers"][0]["url"] == live.url


def test_interactive_docs_page_uses_local_assets(live: LiveServer) -> None:
    html = requests.get(live.url + "/api/docs", timeout=10).text
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in html and "//cdn" not in html
    asset = requests.get(live.url + "/vendor/swagger-ui/swagger-ui-bundle.js", timeout=10)
    assert asset.status_code == 200 and len(asset.content) > 100_000
