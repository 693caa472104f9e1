"""The reader's language choice holds from page to page (issue 23.4), followed as a reader would:
requests that click the language switch, then follow the links each page offers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

from ..conftest import LiveServer


class Links(HTMLParser):
    """The page's language and its links (href, hreflang)."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.links: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "a" and found.get("href"):
            self.links.append((found["href"] or "", found.get("hreflang")))


class Reader:
    """A reader whose browser asks for one language, clicking through the site."""

    def __init__(self, live: LiveServer, accept_language: str) -> None:
        self.live = live
        self.session = requests.Session()
        self.session.headers.update({"Accept": "text/html", "Accept-Language": accept_language})
        self.url = live.url + "/"

    def open(self, url: str) -> Links:
        response = self.session.get(url, timeout=10)  # follows the /id/ -> /doc/ 303s
        assert response.status_code == 200, url
        self.url = response.url
        page = Links()
        page.feed(response.text)
        return page

    def click(self, page: Links, pattern: str) -> Links:
        """Follow the first link of the page whose href matches."""
        href = next(h for h, _ in page.links if re.search(pattern, h))
        return self.open(urljoin(self.url, href))

    def switch_language(self, page: Links) -> Links:
        href = next(h for h, hreflang in page.links if hreflang)
        return self.open(urljoin(self.url, href))


def _internal_pages(page: Links) -> list[str]:
    """The page's links to other pages of the site (not data files, anchors or the protocol)."""
    out = []
    for href, hreflang in page.links:
        path = urlsplit(href).path
        if hreflang or href.startswith(("#", "http")) or path.startswith(("/.well-known", "/api/openapi")):
            continue
        if re.search(r"\.(ttl|jsonld|rdf|nt|trig|nq|csv|json|gz|bib|xml)$", path) or path.startswith("/dumps/labgraph"):
            continue
        out.append(href)
    return out


def test_a_chosen_language_holds_across_clicks(live: LiveServer) -> None:
    reader = Reader(live, "fr")
    home = reader.open(live.url + "/")
    assert home.lang == "fr"
    page = reader.switch_language(home)
    assert page.lang == "en"
    for step in (r"/classes/lg:Network", r"/id/network/labo-des-labs", r"/id/lab/", r"/id/document/", r"^/\?|^/$"):
        page = reader.click(page, step)
        assert page.lang == "en", (step, reader.url)
    # And back: the switch on an English page chooses French, which holds the same way.
    page = reader.switch_language(page)
    assert page.lang == "fr"
    page = reader.click(page, r"/classes/lg:Lab")
    assert page.lang == "fr" and "lang=fr" in reader.url


def test_every_link_of_a_page_in_the_chosen_language_keeps_it(live: LiveServer) -> None:
    """One hop from an English page, over all its links: nav, relations, sources, listings."""
    reader = Reader(live, "fr")
    start = reader.open(live.url + "/doc/network/labo-des-labs.html?lang=en")
    assert start.lang == "en"
    targets = sorted(set(_internal_pages(start)))
    assert len(targets) > 20, targets
    base = reader.url
    for href in targets:
        assert "lang=en" in href, href
        assert reader.open(urljoin(base, href)).lang == "en", href
    ontology = reader.open(live.url + "/def/?lang=en")  # the ontology's namespace redirect keeps it too
    assert ontology.lang == "en" and "lang=en" in reader.url


def test_the_switch_keeps_the_rest_of_the_address(live: LiveServer) -> None:
    reader = Reader(live, "fr")
    second = reader.open(live.url + "/classes/skos:Concept?page=2")
    english = reader.switch_language(second)
    assert english.lang == "en" and "page=2" in reader.url and "Page 2" in reader.session.get(reader.url).text
    following = reader.click(english, r"page=3")
    assert following.lang == "en" and "lang=en" in reader.url


def test_without_a_choice_links_carry_no_language(live: LiveServer) -> None:
    """A page negotiated from Accept-Language links plainly: each URL stays one page per language
    that Vary: Accept-Language names, and a copied link follows its next reader's browser."""
    for language in ("fr", "en"):
        page = Reader(live, language).open(live.url + "/doc/network/labo-des-labs.html")
        assert page.lang == language
        carrying = [h for h, hreflang in page.links if "lang=" in h and not hreflang]
        assert carrying == []


def test_a_chosen_page_is_one_cache_entry_whatever_the_browser_asks(live: LiveServer) -> None:
    answers = [
        requests.get(
            live.url + "/doc/lab/acco-lab.html?lang=en",
            headers={"Accept": "text/html", "Accept-Language": accept},
            timeout=10,
        )
        for accept in ("fr", "en", "de, fr;q=0.5")
    ]
    assert len({a.content for a in answers}) == 1 and len({a.headers["ETag"] for a in answers}) == 1
    assert "Accept-Language" not in answers[0].headers.get("Vary", "")
    negotiated = requests.get(
        live.url + "/doc/lab/acco-lab.html", headers={"Accept": "text/html", "Accept-Language": "en"}, timeout=10
    )
    assert "Accept-Language" in negotiated.headers["Vary"]
    # The negotiated English page links plainly, the chosen one carries the choice: two versions.
    assert negotiated.headers["ETag"] != answers[0].headers["ETag"]
    assert "?lang=en" not in negotiated.text.split("</nav>")[1] and "?lang=en" in answers[0].text


def test_the_endpoint_page_takes_the_language_and_queries_ignore_it(live: LiveServer) -> None:
    page = requests.get(live.url + "/sparql?lang=en", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and '<html lang="en">' in page.text
    answer = requests.get(
        live.url + "/sparql",
        params={"query": "ASK {}", "lang": "en"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    nothing = requests.get(live.url + "/sparql", params={"lang": "en", "format": "json"}, timeout=10)
    assert nothing.status_code == 400  # still no query: the protocol's error
