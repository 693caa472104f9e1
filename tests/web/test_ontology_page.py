"""The ontology's page: every term it lists links to that term's own page."""

from __future__ import annotations

import re

import requests

from ..conftest import LiveServer


def test_every_term_heading_links_to_the_term(live: LiveServer) -> None:
    html = requests.get(live.url + "/ontology.html", headers={"Accept-Language": "en"}, timeout=10).text
    assert 'href=""' not in html
    headings = re.findall(r'<article id="([^"]+)" class="term"><h3><a href="([^"]*)">', html)
    assert len(headings) >= 40
    for curie, href in headings:
        assert href.startswith("/def/"), (curie, href)  # served here, not the public base
        assert href == "/def/" + curie.split(":", 1)[1], (curie, href)
    lab = dict(headings)["lg:Lab"]
    page = requests.get(live.url + lab, headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and page.url.endswith("/doc/def/Lab.html")
