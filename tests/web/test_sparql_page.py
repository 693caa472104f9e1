"""SPARQL for people (#16.1): a browser's query gets an HTML page; machine clients see no change."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from rdflib import Graph

from ..conftest import BASE, LiveServer

CHROMIUM_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LABS = f"""PREFIX lg: <{BASE}def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?lab ?web ?other WHERE {{ ?lab a lg:Lab
  BIND(<https://example.org/page> AS ?web) BIND(<javascript:alert(1)> AS ?other) }}"""
ACCO = BASE + "id/lab/acco-lab"


def page(live: LiveServer, query: str, accept: str = CHROMIUM_ACCEPT, **params: str) -> requests.Response:
    return requests.get(live.url + "/sparql", params={"query": query, **params}, headers={"Accept": accept}, timeout=30)


def test_a_browser_gets_a_table_with_links_and_labels(live: LiveServer) -> None:
    response = page(live, LABS)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Accept" in response.headers["Vary"]
    body = response.text
    assert '<table class="results">' in body and "<th scope=\"col\">?lab</th>" in body
    # IRIs under the base open this server's page, with their label beside them
    assert re.search(r'<a href="/id/lab/acco-lab">[^<]+</a> <span class="label">Acco\{lab</span>', body)
    # other http(s) IRIs are linked as they are
    assert '<a href="https://example.org/page">https://example.org/page</a>' in body
    assert '<span class="iri">javascript:alert(1)</span>' in body  # other schemes are text only
    assert "<script" not in body  # nothing inline: the site's CSP holds


def test_text_html_alone_is_a_page_not_a_406(live: LiveServer) -> None:
    response = page(live, LABS, accept="text/html")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")


def test_format_html_names_the_page_whatever_accept_says(live: LiveServer) -> None:
    response = page(live, "ASK {}", accept="application/sparql-results+json", format="html")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("text/html, application/sparql-results+json", "application/sparql-results+json"),  # a tie: the machine's
        ("application/sparql-results+xml, text/html;q=0.5", "application/sparql-results+xml"),
        ("text/csv, */*;q=0.1", "text/csv"),
    ],
)
def test_machine_clients_keep_their_answers(live: LiveServer, accept: str, expected: str) -> None:
    response = page(live, LABS, accept=accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_the_query_is_shown_escaped(live: LiveServer) -> None:
    query = 'SELECT ?x WHERE { BIND("<b>bold</b> & co" AS ?x) }'
    body = page(live, query).text
    assert "<b>bold</b>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in body


def test_a_graph_result_is_turtle_that_parses(live: LiveServer) -> None:
    body = page(live, f"CONSTRUCT {{ <{ACCO}> ?p ?o }} WHERE {{ <{ACCO}> ?p ?o }}").text
    turtle = html.unescape(re.search(r'<pre class="turtle"><code>(.*?)</code></pre>', body, re.S).group(1))  # type: ignore[union-attr]
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) > 5


@pytest.mark.parametrize("query,fr,en", [("ASK {}", "oui", "yes"), ("ASK { FILTER(false) }", "non", "no")])
def test_ask_is_yes_or_no(live: LiveServer, query: str, fr: str, en: str) -> None:
    assert f'<p class="boolean">{fr}</p>' in page(live, query, lang="fr").text
    assert f'<p class="boolean">{en}</p>' in page(live, query, lang="en").text


def test_a_bad_query_is_a_400_page_with_the_parsers_message(live: LiveServer) -> None:
    response = page(live, "SELECT ?x WHERE { ?x ?y }")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert 'class="error"' in response.text and "SELECT ?x WHERE { ?x ?y }" in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_the_gate_still_refuses_for_a_browser(live: LiveServer) -> None:
    response = page(live, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("text/html")


def test_every_download_link_gives_its_format(live: LiveServer) -> None:
    body = page(live, LABS).text
    links = re.findall(r'<li><a href="([^"]+)" type="([^"]+)">', body)
    assert {media for _, media in links} == {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    }
    for href, media in links:
        response = requests.get(live.url + html.unescape(href), headers={"Accept": CHROMIUM_ACCEPT}, timeout=30)
        assert response.status_code == 200, href
        assert response.headers["Content-Type"].split(";")[0] == media


def test_the_editor_link_carries_the_query(live: LiveServer) -> None:
    body = page(live, LABS).text
    href = html.unescape(re.search(r'<a class="open-editor" href="([^"]+)"', body).group(1))  # type: ignore[union-attr]
    assert urlsplit(href).path == "/query"
    assert parse_qs(urlsplit(href).query)["query"] == [LABS]


def test_a_result_cut_at_max_rows_says_so(live: LiveServer) -> None:
    body = page(live, "SELECT ?s WHERE { ?s ?p ?o }").text
    assert 'class="note truncated"' in body and "max_rows" in body


@pytest.fixture(scope="module")
def few_rows(server_settings) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    from ..conftest import _wait_ready

    server = LiveServer(server_settings.replace(sparql_page_rows=3))
    try:
        _wait_ready(server.url)
        yield server
    finally:
        server.close()


def test_the_page_shows_at_most_sparql_page_rows(few_rows: LiveServer) -> None:
    body = page(few_rows, LABS).text
    assert body.count("<tr>") == 1 + 3  # the header and three rows
    assert "first 3 shown" in page(few_rows, LABS, lang="en").text
