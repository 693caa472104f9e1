"""Entailments materialised at build (issue #19): what a query written from the ontology expects.

Each test queries the served release (the default graph is the merge of the named graphs) or
the loaded sources, never a mock; the negative ones damage a copy of the project.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from labgraph.config import Settings
from labgraph.graph import entailment
from labgraph.graph.build import BuildResult
from labgraph.graph.sources import SourceDataset, load
from labgraph.store.worker import LoadSpec, open_store

from ..conftest import BASE, make_settings

PREFIXES = f"""
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <http://schema.org/>
PREFIX lg: <{BASE}def/>
"""


@pytest.fixture(scope="module")
def served(built: BuildResult) -> ox.Store:
    return open_store(LoadSpec(built.release))


def values(store: ox.Store, query: str, name: str = "x", *, union: bool = False) -> set[str]:
    """``union`` for a loaded dataset, whose default graph is empty (a release stores the merge)."""
    return {row[name].value for row in store.query(PREFIXES + query, use_default_graph_as_union=union)}


def test_labs_are_organisations(served: ox.Store) -> None:
    organisations = values(served, "SELECT ?x WHERE { ?x a org:Organization }")
    assert f"{BASE}id/lab/acco-lab" in organisations
    labs = values(served, "SELECT ?x WHERE { ?x a lg:Lab }")
    assert labs and labs <= organisations
    # through a chain of two axioms: lg:Lab -> org:Organization -> foaf:Agent
    assert labs <= values(served, "SELECT ?x WHERE { ?x a foaf:Agent }")
    # schema:EventSeries is a schema:Event
    assert f"{BASE}id/event/innovation-places-cycle" in values(served, "SELECT ?x WHERE { ?x a schema:Event }")


def test_every_concept_has_its_preferred_labels_as_rdfs_labels(served: ox.Store) -> None:
    missing = served.query(
        PREFIXES
        + """SELECT ?c ?l WHERE { ?c a skos:Concept ; skos:prefLabel ?l . FILTER NOT EXISTS { ?c rdfs:label ?l } }"""
    )
    assert list(missing) == []
    concepts = values(served, "SELECT ?x WHERE { ?x a skos:Concept }")
    assert len(concepts) >= 215
    assert concepts <= values(served, 'SELECT ?x WHERE { ?x rdfs:label ?l FILTER(LANG(?l) = "fr") }')
    # a concept still has one label per language
    twice = served.query(
        PREFIXES + "SELECT ?c WHERE { ?c a skos:Concept ; rdfs:label ?a , ?b FILTER(?a != ?b && LANG(?a) = LANG(?b)) }"
    )
    assert list(twice) == []


def test_super_properties_are_stated(served: ox.Store) -> None:
    # lg:hasObjective is a sub-property of org:purpose, lg:partOfProgramme of dct:isPartOf
    purposes = values(served, f"SELECT ?x WHERE {{ <{BASE}id/network/labo-des-labs> org:purpose ?x }}")
    assert f"{BASE}id/objective/labo-des-labs-experimenter-prise-risque" in purposes


def test_entailments_live_in_their_own_graph_that_the_default_graph_includes(
    built: BuildResult, served: ox.Store
) -> None:
    graph = f"{BASE}graph/{entailment.GRAPH_NAME}"
    assert ox.NamedNode(graph) in set(served.named_graphs())
    stated = values(served, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a org:Organization }} FILTER(?g != <{graph}>) }}")
    entailed = values(served, f"SELECT ?x WHERE {{ GRAPH <{graph}> {{ ?x a org:Organization }} }}")
    assert f"{BASE}id/lab/acco-lab" in entailed - stated
    # the default graph served is the merge: it answers without naming any graph
    assert entailed <= values(served, "SELECT ?x WHERE { ?x a org:Organization }")
    # and the dumps carry it as a graph of its own
    assert f"<{graph}> .\n" in (built.release / "labgraph.nq").read_text("utf-8")


def test_no_rdfs_noise(served: ox.Store) -> None:
    """Only sub-class and sub-property entailments: no rdfs:Resource, no type from a domain or range."""
    graph = f"{BASE}graph/{entailment.GRAPH_NAME}"
    found = values(served, f"SELECT ?x WHERE {{ GRAPH <{graph}> {{ ?s a ?x }} }}")
    assert "http://www.w3.org/2000/01/rdf-schema#Resource" not in found
    assert "http://www.w3.org/2000/01/rdf-schema#Class" not in found
    # lg:maturityStage has rdfs:domain lg:Lab, lg:offersService rdfs:range skos:Concept: neither entails a type
    assert values(served, f"SELECT ?x WHERE {{ GRAPH <{graph}> {{ ?x a lg:Lab }} }}") == set()
    assert values(served, f"SELECT ?x WHERE {{ GRAPH <{graph}> {{ ?x a skos:Concept }} }}") == set()


def test_materialise_is_idempotent(real_settings: Settings) -> None:
    dataset = load(real_settings)
    first = entailment.materialise(dataset)
    size = len(dataset)
    assert first > 1000
    assert entailment.materialise(dataset) == first
    assert len(dataset) == size


def _write(project: object, text: str) -> None:
    from pathlib import Path

    path = Path(str(project)) / "data" / "documents" / "culture-labo-des-labs.ttl"
    path.write_text(path.read_text("utf-8") + text, encoding="utf-8")


def test_a_data_file_cannot_add_an_axiom(project: object, project_settings: Settings) -> None:
    _write(
        project,
        "\n<https://w3id.org/labgraph/def/Lab> rdfs:subClassOf <http://example.org/Anything> .\n"
        'lab:acco-lab skos:prefLabel "autre"@de .\n',
    )
    dataset: SourceDataset = load(project_settings)
    entailment.materialise(dataset)
    store = dataset.store
    assert values(store, "SELECT ?x WHERE { ?x a <http://example.org/Anything> }", union=True) == set()
    # skos:prefLabel -> rdfs:label is the ontology's axiom, so it applies to any subject
    assert "autre" in values(store, f"SELECT ?x WHERE {{ <{BASE}id/lab/acco-lab> rdfs:label ?x }}", union=True)


def test_rules_follow_the_configured_base(tmp_path: object, real_settings: Settings) -> None:
    from pathlib import Path

    elsewhere = make_settings(real_settings.project_dir, Path(str(tmp_path)) / "b", base_uri="http://127.0.0.1:8080/")
    dataset = load(elsewhere)
    entailment.materialise(dataset)
    found = values(dataset.store, "SELECT ?x WHERE { ?x a <http://www.w3.org/ns/org#Organization> }", union=True)
    assert "http://127.0.0.1:8080/id/lab/acco-lab" in found
    days = values(
        dataset.store,
        "SELECT ?x WHERE { <http://127.0.0.1:8080/id/event/openlabs-formation-2020-02-06> "
        "<http://127.0.0.1:8080/def/startDay> ?x }",
        union=True,
    )
    assert days == {"2020-02-06"}
