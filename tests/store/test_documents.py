"""What both backends share for documents: the statements grouped by subject, whatever order a
store returned them in."""

from __future__ import annotations

import random

import pyoxigraph as ox

from labgraph.store.documents import serialize_triples

EX = "https://w3id.org/labgraph/id/lab/"
PREFIXES = {"lab": EX, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def test_a_turtle_document_names_each_subject_once_whatever_the_order() -> None:
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    triples = [
        ox.Triple(ox.NamedNode(EX + f"lab-{i}"), label, ox.Literal(f"Lab {i} {j}", language="fr"))
        for i in range(5)
        for j in range(3)
    ]
    shuffled = triples[:]
    random.Random(3).shuffle(shuffled)
    body = serialize_triples(shuffled, "text/turtle", PREFIXES)
    assert body == serialize_triples(triples, "text/turtle", PREFIXES)  # the same bytes whatever the order
    for i in range(5):
        assert body.count(f"lab:lab-{i} ".encode()) == 1, body.decode()
    assert sorted(map(str, ox.parse(body, format=ox.RdfFormat.TURTLE))) == sorted(map(str, triples))
