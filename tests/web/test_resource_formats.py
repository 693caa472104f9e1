"""``?format=`` on dereferenceable URIs and documents, as on /sparql and /void: a browser's link
can ask for Turtle without an Accept header."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, URIRef

from ..conftest import BASE, LiveServer

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}  # what a browser sends
ACCO = BASE + "id/lab/acco-lab"


@pytest.mark.parametrize(
    "path,target",
    [
        ("/id/lab/acco-lab?format=ttl", "/doc/lab/acco-lab.ttl"),
        ("/id/lab/acco-lab?format=turtle", "/doc/lab/acco-lab.ttl"),
        ("/id/lab/acco-lab?format=jsonld", "/doc/lab/acco-lab.jsonld"),
        ("/id/lab/acco-lab?format=nq", "/doc/lab/acco-lab.nq"),
        ("/id/lab/acco-lab?format=html", "/doc/lab/acco-lab.html"),
        ("/def/Lab?format=nt", "/doc/def/Lab.nt"),
        ("/def/?format=ttl", "/ontology.ttl"),
    ],
)
def test_format_chooses_where_a_uri_sees_other(live: LiveServer, path: str, target: str) -> None:
    response = requests.get(live.url + path, headers=HTML, allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(target)


def test_format_on_a_negotiating_document_url(live: LiveServer) -> None:
    response = requests.get(live.url + "/doc/lab/acco-lab?format=ttl", headers=HTML, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert response.headers["Content-Location"].endswith("/doc/lab/acco-lab.ttl")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(ACCO), None, None) in graph
    followed = requests.get(live.url + "/id/lab/acco-lab?format=ttl", headers=HTML, timeout=10)
    assert followed.headers["Content-Type"].startswith("text/turtle") and followed.text == response.text


def test_an_unknown_format_is_refused_with_the_names_there_are(live: LiveServer) -> None:
    for path in ("/id/lab/acco-lab?format=docx", "/doc/lab/acco-lab?format=docx", "/def/?format=docx"):
        response = requests.get(live.url + path, headers=HTML, allow_redirects=False, timeout=10)
        assert response.status_code == 406, path
        assert "docx" in response.text and "ttl" in response.text, path
    missing = requests.get(live.url + "/id/lab/no-such-lab?format=ttl", allow_redirects=False, timeout=10)
    assert missing.status_code == 404


def test_a_suffix_and_a_format_that_disagree_are_refused(live: LiveServer) -> None:
    agreeing = requests.get(live.url + "/doc/lab/acco-lab.ttl?format=turtle", timeout=10)
    assert agreeing.status_code == 200 and agreeing.headers["Content-Type"].startswith("text/turtle")
    for path in ("/doc/lab/acco-lab.ttl?format=html", "/ontology.html?format=ttl"):
        response = requests.get(live.url + path, timeout=10)
        assert response.status_code == 400, path
        assert "format" in response.text, path
