"""The releases on a real server over conftest's ``release_series`` (three real builds): the
list, a kept release's dumps and VoID, the diff as HTML and RDF Patch, the Atom feed, a
resource's last change and history, pinned queries, and tombstones (410, and 301 for a merge)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from rdflib import Graph, Literal, URIRef

from tests.conftest import BASE, LiveServer, ReleaseSeries

pytestmark = pytest.mark.base

ATOM = "{http://www.w3.org/2005/Atom}"
ASK_ECOPIA = f'ASK {{ <{BASE}id/lab/ecopia> <http://www.w3.org/2000/01/rdf-schema#label> "Ecopia"@en }}'


@pytest.fixture(scope="module")
def server(release_series: ReleaseSeries) -> Iterator[LiveServer]:
    live = LiveServer(release_series.settings.replace(reload_interval_s=0, query_workers=1))
    yield live
    live.close()


def test_the_list_names_every_release(server: LiveServer) -> None:
    listing = requests.get(server.url + "/releases/", headers={"Accept": "application/json"}, timeout=10).json()
    assert [r["number"] for r in listing["releases"]] == [3, 2, 1]
    assert listing["kept"] == [3, 2, 1]
    second = listing["releases"][1]
    assert second["added"] == 1 and second["links"]["diff"] == "/releases/2/diff"
    page = requests.get(server.url + "/releases/?lang=en", timeout=10)
    assert page.headers["Content-Type"].startswith("text/html") and 'id="release-2"' in page.text
    assert requests.get(server.url + "/releases.json", timeout=10).json()["kept"] == [3, 2, 1]
    home = requests.get(server.url + "/?lang=fr", timeout=10).text
    nav = home[home.index("<nav") : home.index("</nav>")]
    assert 'href="/releases/?lang=fr"' in nav and "Versions" in nav  # every page's navigation leads there


def test_a_kept_release_has_its_dumps_and_void(server: LiveServer, release_series: ReleaseSeries) -> None:
    dump = requests.get(server.url + "/releases/1/labgraph.nq", timeout=10)
    assert dump.content == (release_series.releases[0] / "labgraph.nq").read_bytes()
    assert requests.get(server.url + "/releases/1/secret.txt", timeout=10).status_code == 404
    void = Graph().parse(data=requests.get(server.url + "/releases/1/void", timeout=10).text, format="turtle")
    dataset = URIRef(BASE + "id/dataset/labgraph")
    assert (dataset, URIRef("http://www.w3.org/ns/dcat#version"), Literal("1")) in void
    assert (dataset, URIRef("http://rdfs.org/ns/void#dataDump"), URIRef(server.url + "/releases/1/labgraph.nq")) in void
    current = Graph().parse(data=requests.get(server.url + "/void", timeout=10).text, format="turtle")
    assert (dataset, URIRef("http://purl.org/pav/version"), Literal("3")) in current
    assert requests.get(server.url + "/releases/9/labgraph.nq", timeout=10).status_code == 404


def test_the_diff_as_html_and_rdf_patch(server: LiveServer) -> None:
    page = requests.get(server.url + "/releases/2/diff?lang=en", timeout=10)
    assert page.status_code == 200 and "Accolab" in page.text and "+1 −1" in page.text
    patch = requests.get(server.url + "/releases/2/diff", headers={"Accept": "application/rdf-patch"}, timeout=10)
    assert patch.headers["Content-Type"].startswith("application/rdf-patch")
    assert patch.text.startswith("H id <urn:labgraph:release:2> .") and '"Accolab"@en' in patch.text
    added = requests.get(server.url + "/releases/2/changes/added.nt", timeout=10)
    assert added.text == f'<{BASE}id/lab/acco-lab> <http://www.w3.org/2000/01/rdf-schema#label> "Accolab"@en .\n'
    assert requests.get(server.url + "/releases/2/changes/history.json", timeout=10).status_code == 404


def test_the_atom_feed_is_valid(server: LiveServer) -> None:
    response = requests.get(server.url + "/releases/feed.atom", timeout=10)
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == ATOM + "feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(ATOM + required) is not None, required
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 3
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert (entry.find(ATOM + required).text or "").strip(), required  # type: ignore[union-attr]
        assert entry.find(ATOM + "link[@rel='alternate']") is not None
    second = entries[1]
    assert second.find(ATOM + "link[@rel='alternate']").get("href").endswith("/releases/2/diff")  # type: ignore[union-attr]
    assert "1 added" in second.find(ATOM + "summary").text and "lab/ecopia" in second.find(ATOM + "summary").text  # type: ignore[union-attr,operator]


def test_a_resource_page_says_when_it_last_changed(server: LiveServer) -> None:
    page = requests.get(server.url + "/doc/lab/acco-lab.html?lang=en", timeout=10).text
    assert "Last changed in release 2" in page and "/releases/history?resource=" in page
    history = requests.get(
        server.url + "/releases/history?format=json&resource=" + quote(BASE + "id/lab/acco-lab"), timeout=10
    ).json()
    assert [r["number"] for r in history["changed_in"]] == [2, 1]
    assert requests.get(server.url + "/releases/history", timeout=10).status_code == 400


def test_a_pinned_query_answers_from_its_release(server: LiveServer, release_series: ReleaseSeries) -> None:
    def ask(path: str) -> requests.Response:
        return requests.get(server.url + path, params={"query": ASK_ECOPIA}, headers={"Accept": "application/json"},
                            timeout=30)

    assert ask("/sparql").json()["boolean"] is False
    assert ask("/sparql?release=1").json()["boolean"] is True
    assert ask("/releases/1/sparql").json()["boolean"] is True
    assert ask("/sparql?release=3").json()["boolean"] is False
    unknown = ask("/sparql?release=7")
    assert unknown.status_code == 404 and "kept releases: 3, 2, 1" in unknown.json()["error"]["message"]
    assert ask("/sparql?release=one").status_code == 404
    first = release_series.releases[0]
    hidden = first.with_name("." + first.name)
    first.rename(hidden)  # as if pruned
    try:
        pruned = ask("/sparql?release=1")
        assert pruned.status_code == 410
        assert "kept releases: 3, 2" in pruned.json()["error"]["message"]
        assert pruned.json()["error"]["setting"] == "keep_releases"
    finally:
        hidden.rename(first)


def test_a_removed_structures_document_answers_410_and_a_merged_ones_301(server: LiveServer) -> None:
    page = requests.get(server.url + "/doc/membership/labo-des-labs--ecopia.html", allow_redirects=False,
                        timeout=10)
    assert page.status_code == 410 and "version-history" in page.headers["Link"]
    assert "text/html" in page.headers["Content-Type"]
    data = requests.get(server.url + "/doc/membership/labo-des-labs--ecopia.ttl", allow_redirects=False,
                        timeout=10)
    assert data.status_code == 410 and "invalidatedAtTime" in data.text
    negotiated = requests.get(server.url + "/doc/membership/labo-des-labs--ecopia",
                              headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=10)
    assert negotiated.status_code == 410 and "invalidatedAtTime" in negotiated.text
    merged = requests.get(server.url + "/doc/lab/ecopia.ttl", allow_redirects=False, timeout=10)
    assert merged.status_code == 301 and merged.headers["Location"].endswith("/doc/lab/acco-lab.ttl")
    merged_page = requests.get(server.url + "/doc/lab/ecopia", headers={"Accept": "text/html"},
                               allow_redirects=False, timeout=10)
    assert merged_page.status_code == 301 and merged_page.headers["Location"].endswith("/doc/lab/acco-lab")
    followed = requests.get(server.url + "/doc/lab/ecopia.ttl", timeout=10)
    assert followed.status_code == 200 and "acco-lab" in followed.text


def test_a_removed_structure_answers_410_and_a_merged_one_301(server: LiveServer) -> None:
    gone = requests.get(server.url + "/id/membership/labo-des-labs--ecopia", headers={"Accept": "text/html"},
                        allow_redirects=False, timeout=10)
    assert gone.status_code == 410 and "2" in gone.text and "version-history" in gone.headers["Link"]
    data = requests.get(server.url + "/id/membership/labo-des-labs--ecopia", headers={"Accept": "text/turtle"},
                        allow_redirects=False, timeout=10)
    assert data.status_code == 410 and "invalidatedAtTime" in data.text
    merged = requests.get(server.url + "/id/lab/ecopia", allow_redirects=False, timeout=10)
    assert merged.status_code == 301 and merged.headers["Location"].endswith("/id/lab/acco-lab")
    # An event that gave way to another activity is a resource of its own: no redirect.
    event = requests.get(server.url + "/id/event/openlabs-co-design-nievre-2020-06", allow_redirects=False,
                         timeout=10)
    assert event.status_code == 303
    assert requests.get(server.url + "/id/lab/never-was", timeout=10).status_code == 404
    assert requests.get(server.url + "/doc/lab/never-was.html", timeout=10).status_code == 404
    assert json.loads(requests.get(server.url + "/releases/history?format=json&resource="
                                   + quote(BASE + "id/membership/labo-des-labs--ecopia"), timeout=10).text)["gone"]
