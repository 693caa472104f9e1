"""Labels that tell terms apart (#16.2): wherever classes or properties are listed, two terms
with one label are shown with their vocabulary."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import requests

from labgraph.vocab import vocabulary
from labgraph.web.term_labels import distinct_labels, vocabulary_name

from ..conftest import BASE, LiveServer

FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"
SCHEMA_PERSON = "http://schema.org/Person"
VOCAB = vocabulary(BASE)


def test_alike_labels_get_their_vocabulary_and_others_stay_as_they_are() -> None:
    labels = {FOAF_PERSON: "personne", SCHEMA_PERSON: "Personne", BASE + "def/Lab": "laboratoire"}
    shown = distinct_labels(labels, labels.__getitem__, VOCAB)
    assert shown == {
        FOAF_PERSON: "personne (FOAF)",
        SCHEMA_PERSON: "Personne (schema.org)",  # case and accents do not tell labels apart
        BASE + "def/Lab": "laboratoire",
    }


def test_alike_labels_in_one_vocabulary_fall_back_to_the_curie() -> None:
    labels = {"http://schema.org/Place": "lieu", "http://schema.org/Location": "lieu"}
    shown = distinct_labels(labels, labels.__getitem__, VOCAB)
    assert shown == {
        "http://schema.org/Place": "lieu (schema:Place)",
        "http://schema.org/Location": "lieu (schema:Location)",
    }


def test_vocabulary_names_come_from_the_prefix_mapping() -> None:
    assert vocabulary_name(BASE + "def/Lab", VOCAB) == "labgraph"  # whatever the base
    assert vocabulary_name("http://data.europa.eu/m8g/PublicOrganisation", VOCAB) == "Core Vocabularies"
    assert vocabulary_name("http://example.org/ns#Thing", VOCAB) == "http://example.org/ns#"


def _html(live: LiveServer, path: str) -> str:
    response = requests.get(live.url + path, headers={"Accept": "text/html", "Accept-Language": "fr"}, timeout=30)
    assert response.status_code == 200
    return unescape(response.text)


def test_the_class_list_tells_alike_classes_apart_and_names_every_class(live: LiveServer) -> None:
    html = _html(live, "/classes/")
    rows = re.findall(r'<tr><td><a href="[^"]+">([^<]+)</a></td><td><code>([^<]+)</code>', html)
    labels = [label for label, _ in rows]
    assert "personne (FOAF)" in labels and "personne (schema.org)" in labels
    assert "organisation publique (Core Vocabularies)" in labels and "organisation publique (schema.org)" in labels
    assert [label for label, n in Counter(labels).items() if n > 1] == []
    assert [curie for label, curie in rows if label == curie] == []  # no class shown as a bare CURIE


def test_the_home_page_counts_each_kind_of_thing_once(live: LiveServer) -> None:
    html = _html(live, "/")
    entries = re.findall(r'<li><a href="[^"]*/classes/([^"?]+)[^"]*">([^<]+)</a> <span class="count">\d+</span>', html)
    curies = [curie for curie, _ in entries]
    assert {"lg:Lab", "lg:Network", "lg:Programme", "foaf:Person", "skos:Concept"} <= set(curies)
    assert "schema:Person" not in curies and "cv:PublicOrganisation" not in curies  # left to /classes/
    labels = [label for _, label in entries]
    assert len(set(labels)) == len(labels)
    assert "/classes/" in html


def test_search_facets_tell_alike_classes_apart(live: LiveServer) -> None:
    html = _html(live, "/search?q=direction")
    nav = html[html.index('class="facets"') :]
    facets = re.findall(r'<li>(?:<strong>|<a href="[^"]+">)([^<]+)(?:</strong>|</a>) <span class="count">', nav)
    assert "organisation publique (Core Vocabularies)" in facets and "organisation publique (schema.org)" in facets
    assert len(set(facets)) == len(facets)


def test_the_ontology_page_tells_alike_terms_apart(live: LiveServer) -> None:
    html = _html(live, "/ontology.html")
    headings = re.findall(r'<article id="[^"]+" class="term"><h3><a href="[^"]+">([^<]+)</a>', html)
    assert headings and len(set(headings)) == len(headings)
