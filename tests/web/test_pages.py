"""Pages for people: language, grouping, links both ways, sources, embedded schema.org."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import requests

from ..conftest import LiveServer


def page(live: LiveServer, path: str, language: str = "fr") -> str:
    response = requests.get(live.url + path, headers={"Accept": "text/html", "Accept-Language": language}, timeout=10)
    assert response.status_code == 200, path
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


class Outline(HTMLParser):
    """Collects headings, landmarks and the JSON-LD block of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[str] = []
        self.jsonld = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._in = tag
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._in = "jsonld"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "jsonld":
            self.jsonld += data
        elif self._in:
            self.headings.append(data.strip())


def test_resource_page_in_french_and_english(live: LiveServer) -> None:
    french = page(live, "/doc/lab/openlab-haute-loire.html", "fr")
    english = page(live, "/doc/lab/openlab-haute-loire.html", "en")
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    assert "Ce que dit le graphe" in french and "What the graph says" in english
    assert "territoire d&#39;action" in french and "area served" in english  # ontology labels name properties
    assert page(live, "/doc/lab/openlab-haute-loire.html?lang=en", "fr").count("What the graph says") == 1


def test_resource_page_structure_links_and_sources(live: LiveServer) -> None:
    html = page(live, "/doc/network/labo-des-labs.html")
    outline = Outline()
    outline.feed(html)
    assert {"header", "nav", "main", "footer", "article"} <= set(outline.tags)
    assert outline.headings.count("Le Labo des Labs") == 1 or any("Labo des Labs" in h for h in outline.headings)
    assert "sujet de" in html  # links both ways: the resources about it (schema:about), seen from here
    assert 'href="/id/lab/acco-lab"' in html  # related resources link locally
    assert "/id/document/culture-labo-des-labs" in html  # the source document is cited
    data = json.loads(outline.jsonld)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Organization"
    assert data["name"]


def test_event_page_embeds_schema_event_with_dates(live: LiveServer) -> None:
    outline = Outline()
    outline.feed(page(live, "/doc/event/journee-labs-academie-2021.html"))
    data = json.loads(outline.jsonld)
    assert data["@type"] == "Event" and data["startDate"] == "2021-11-23"


def test_numbers_are_shown_with_their_unit(live: LiveServer) -> None:
    html = page(live, "/doc/programme/programme-labo-pia.html")
    assert "jusqu&#39;à 250\u202f000 EUR" in html  # in words (see test_resource_pages.py)


def test_home_page_counts_and_entry_points(live: LiveServer) -> None:
    html = page(live, "/")
    assert "labgraph" in html and "/classes/lg:Lab" in html
    assert re.search(r"lg:Lab\">[^<]+</a> <span class=\"count\">\d+", html)  # no ?lang= unless chosen
    chosen = page(live, "/?lang=en")
    assert re.search(r"lg:Lab\?lang=en\">[^<]+</a> <span class=\"count\">\d+", chosen)


def test_class_listing_paginates(live: LiveServer) -> None:
    first = page(live, "/classes/skos:Concept")
    assert 'rel="next"' in first and "Page 1" in first
    second = page(live, "/classes/skos:Concept?page=2")
    assert 'rel="prev"' in second
    assert requests.get(live.url + "/classes/nope:Nothing", timeout=10).status_code == 404


def test_search_is_case_and_accent_insensitive(live: LiveServer) -> None:
    html = page(live, "/search?q=fruitiere")
    assert "Fruitière" in html
    assert "Aucun résultat" in page(live, "/search?q=zzzzzz")


def test_labels_are_escaped(live: LiveServer) -> None:
    html = page(live, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_pages_work_without_javascript(live: LiveServer) -> None:
    for path in ("/", "/classes/", "/search?q=lab", "/doc/lab/acco-lab.html", "/ontology.html", "/dumps/"):
        outline = Outline()
        outline.feed(page(live, path))
        assert outline.tags.count("script") <= 1  # only the JSON-LD data block, never code


def test_pages_and_descriptions_are_cacheable_for_the_release(live: LiveServer) -> None:
    """What has no caching policy of its own gets the release's: public for cache_max_age, an
    ETag to revalidate, and pages vary on the reader's language; errors are never kept."""
    for path, accept in [
        ("/", "text/html"),
        ("/classes/", "text/html"),
        ("/search?q=labo", "text/html"),
        ("/sparql", "text/turtle"),
        ("/sparql", "text/html"),
        ("/api/openapi.json", "application/json"),
    ]:
        first = requests.get(live.url + path, headers={"Accept": accept, "Accept-Language": "en"}, timeout=10)
        assert first.status_code == 200, path
        control = first.headers.get("Cache-Control", "")
        assert "public" in control and "max-age=" in control, (path, control)
        etag = first.headers["ETag"]
        if accept == "text/html":
            assert "Accept-Language" in first.headers["Vary"], path
        again = requests.get(
            live.url + path, headers={"Accept": accept, "Accept-Language": "en", "If-None-Match": etag}, timeout=10
        )
        assert again.status_code == 304 and not again.content, path
    english = requests.get(live.url + "/", headers={"Accept-Language": "en"}, timeout=10)
    french = requests.get(live.url + "/", headers={"Accept-Language": "fr"}, timeout=10)
    assert english.headers["ETag"] != french.headers["ETag"]
    missing = requests.get(live.url + "/classes/nope:Nothing", timeout=10)
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
