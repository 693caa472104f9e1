"""Search: words over names and descriptions, ranked, paged, filtered by class, as HTML or JSON.

Expected answers come from the data files (data/documents/*.ttl): La Fruitière's description
names ENSA Normandie and architecture; Acco{lab's label has a brace in it; memberships are
nodes that join a member to a network.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from labgraph.web.search_index import fold_with_origins, words_of

from ..conftest import BASE, LiveServer

FRUITIERE = BASE + "id/lab/la-fruitiere"
ACCO = BASE + "id/lab/acco-lab"
LAB = BASE + "def/Lab"


def found(live: LiveServer, **params: Any) -> dict[str, Any]:
    response = requests.get(live.url + "/search", params={"format": "json", **params}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def iris(answer: dict[str, Any]) -> list[str]:
    return [result["iri"] for result in answer["results"]]


def test_every_word_must_match_and_descriptions_count(live: LiveServer) -> None:
    answer = found(live, q="Normandie architecture")
    assert FRUITIERE in iris(answer)
    fruitiere = next(r for r in answer["results"] if r["iri"] == FRUITIERE)
    assert fruitiere["matched"] == "description" and fruitiere["label"] == "La Fruitière"
    assert "Normandie" in fruitiere["snippet"] and "architecture" in fruitiere["snippet"]
    assert fruitiere["url"] == live.url + "/id/lab/la-fruitiere"
    # both words, not either: "Normandie" alone finds more, an unknown second word nothing
    assert found(live, q="Normandie")["total"] > answer["total"]
    assert found(live, q="Normandie zzyzx")["total"] == 0


def test_the_page_shows_the_snippet_with_the_words_marked(live: LiveServer) -> None:
    html = requests.get(
        live.url + "/search", params={"q": "normandie ARCHITECTURE"}, headers={"Accept-Language": "fr"}, timeout=10
    ).text
    assert 'href="/id/lab/la-fruitiere"' in html
    assert "<mark>Normandie</mark>" in html and "<mark>architecture</mark>" in html
    assert "résultat" in html


def test_label_hits_come_before_description_hits(live: LiveServer) -> None:
    answer = found(live, q="fruitière")
    assert iris(answer)[0] == FRUITIERE and answer["results"][0]["matched"] == "label"
    assert [r["matched"] for r in answer["results"]][1:] == ["description"] * (answer["total"] - 1)
    assert answer["total"] >= 2  # the school whose incubator it is says so in its description


def test_punctuation_case_and_accents_are_folded(live: LiveServer) -> None:
    for query in ("accolab", "ACCO{LAB", "acco lab", "Accolab"):
        assert iris(found(live, q=query))[0] == ACCO, query
    haute_loire = found(live, q="haute loire")  # the territory's slug is the same under any base
    assert BASE + "id/territory/haute-loire" in iris(haute_loire)
    assert {r["label"] for r in haute_loire["results"]} >= {"Haute-Loire"}
    assert found(live, q="hauteloire")["total"] == haute_loire["total"]


def test_a_word_matches_the_start_of_a_word(live: LiveServer) -> None:
    """"lab" finds Labs, laboratoires, OpenLab and lab23; a piece from inside a word finds nothing."""
    labels = {r["label"] for r in found(live, q="lab", per_page=100)["results"]}
    labels |= {r["label"] for r in found(live, q="lab", per_page=100, page=2)["results"]}
    assert {"OpenLab", "lab23", "Le Labo des Labs"} <= labels
    assert found(live, q="ruitiere")["total"] == 0  # inside "Fruitière"
    assert found(live, q="ollab")["total"] == 0  # inside "collaboration"


def test_only_things_with_pages_are_found(live: LiveServer) -> None:
    """Memberships (org:Membership) are labelled "Acco{lab, membre du Labo des Labs": they join
    two things and are not searched; nor is anything off the base or a blank node."""
    for query in ("membre du Labo des Labs", "member of the Labo des Labs", "acco"):
        for result in found(live, q=query, per_page=100)["results"]:
            assert result["iri"].startswith((BASE + "id/", BASE + "def/", BASE + "graph/")), result
            assert "/id/membership/" not in result["iri"], result
            assert "http://www.w3.org/ns/org#Membership" not in result["types"]
            assert requests.get(result["url"], headers={"Accept": "text/html"}, timeout=10).status_code == 200


def test_total_and_paging_past_a_hundred(live: LiveServer) -> None:
    first = found(live, q="lab", per_page=40)
    assert first["total"] > 100 and first["pages"] == -(-first["total"] // 40)
    seen = iris(first)
    page = first
    while page["next"]:
        page = requests.get(page["next"], timeout=10).json()
        seen += iris(page)
    assert len(seen) == len(set(seen)) == first["total"]
    assert page["page"] == first["pages"] and page["prev"] and page["next"] is None
    beyond = found(live, q="lab", per_page=40, page=first["pages"] + 1)
    assert beyond["results"] == [] and beyond["total"] == first["total"]
    html = requests.get(live.url + "/search", params={"q": "lab", "per_page": 40, "page": 2}, timeout=10).text
    assert 'rel="prev"' in html and 'rel="next"' in html and f"{first['total']} résultats" in html


def test_class_filter_keeps_a_class_and_its_subclasses(live: LiveServer) -> None:
    labs = found(live, q="lab", **{"class": "lg:Lab"}, per_page=100)
    assert labs["class"] == LAB and labs["total"] >= 10
    assert all(LAB in r["types"] for r in labs["results"])
    assert found(live, q="lab", **{"class": LAB})["total"] == labs["total"]  # a full IRI too
    organisations = found(live, q="accolab", **{"class": "org:Organization"})
    assert ACCO in iris(organisations)  # lg:Lab is a subclass of org:Organization
    assert found(live, q="accolab", **{"class": "skos:Concept"})["total"] == 0
    facets = {c["iri"]: c["count"] for c in labs["classes"]}  # the classes found, with their counts
    assert facets[LAB] == labs["total"] == max(facets.values())


@pytest.mark.parametrize(
    "params,message",
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"class": "nope:Thing"}, "class"),
        ({"class": "Lab"}, "class"),
    ],
)
def test_bad_parameters_are_400_naming_them(live: LiveServer, params: dict[str, str], message: str) -> None:
    response = requests.get(live.url + "/search", params={"q": "lab", "format": "json", **params}, timeout=10)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_json_by_accept_html_by_default(live: LiveServer) -> None:
    by_accept = requests.get(live.url + "/search", params={"q": "accolab"}, headers={"Accept": "application/json"},
                             timeout=10)
    assert by_accept.headers["Content-Type"] == "application/json" and by_accept.json()["total"] == 2
    assert "Accept" in by_accept.headers["Vary"]
    browser = requests.get(live.url + "/search", params={"q": "accolab"}, headers={"Accept": "text/html,*/*"},
                           timeout=10)
    assert browser.headers["Content-Type"].startswith("text/html")
    empty = found(live, q="{ } !")
    assert empty["total"] == 0 and empty["words"] == []


def test_the_api_document_describes_search(live: LiveServer) -> None:
    spec = requests.get(live.url + "/api/openapi.json", timeout=10).json()
    operation = spec["paths"]["/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "class", "page", "per_page", "format"}
    schema = spec["components"]["schemas"]["SearchResults"]
    assert set(schema["required"]) <= set(found(live, q="lab"))


def test_folding_keeps_where_each_character_came_from() -> None:
    folded, origins, starts = fold_with_origins("Acco{lab, Haute-Loire OpenLab lab23 l’Éducation")
    assert folded == "accolab hauteloire openlab lab23 leducation"
    assert 0 in starts and folded.index("lab") in starts  # after the dropped brace
    assert folded.index("loire") in starts and folded.index("lab ", 20) in starts and folded.index("23") in starts
    assert folded.index("educ") in starts and folded.index("ducation") not in starts
    assert origins[folded.index("educ")] == "Acco{lab, Haute-Loire OpenLab lab23 l’Éducation".index("É")
    assert words_of("  Acco{lab  d'INNOVATION acco{lab ") == ["accolab", "dinnovation"]
