"""The shapes accept the real data, and each constraint rejects a graph broken for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from labgraph.config import Settings
from labgraph.graph.build import BuildResult
from labgraph.graph.sources import SourceFile, load_graph_file
from labgraph.graph.validation import load_shapes, validate_graph
from labgraph.rdflib_terms import to_graph
from labgraph.vocab import vocabulary

from ..conftest import BASE, ROOT, rebased

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "valid_sample.ttl"
ID = BASE + "id/"
#: Results name nodes with the prefixes of the suite's base, as the build's report does.
PREFIXES = vocabulary(BASE).prefixes


@pytest.fixture(scope="module")
def shapes(real_settings: Settings) -> Graph:
    return load_shapes(real_settings)


@pytest.fixture(scope="module")
def background(real_settings: Settings) -> list:
    """Ontology and vocabularies: the context every sample needs for classes and schemes."""
    files: list[SourceFile] = []
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        if path.name != "shapes.ttl":
            files.append(SourceFile(path, "ontology"))
    return [t for f in files for t in load_graph_file(f.path, real_settings.base_uri)]


def sample(background: list, delete: str = "", add: str = "") -> Graph:
    graph = to_graph(background + load_graph_file(SAMPLE, BASE))
    prologue = rebased(SAMPLE.read_text("utf-8").split("\n<", 1)[0])
    if delete:
        graph.update(prologue.replace("@prefix", "PREFIX").replace(" .\n", "\n") + f"\nDELETE WHERE {{ {delete} }}")
    if add:
        graph.parse(data=prologue + "\n" + add, format="turtle")
    return graph


def test_real_data_conforms(built: BuildResult) -> None:
    assert built.report is not None
    assert built.report.conforms, [str(v) for v in built.report.violations]
    assert built.report.violations == []


def test_sample_conforms(background: list, shapes: Graph) -> None:
    report = validate_graph(sample(background), shapes, PREFIXES)
    assert report.conforms, report.violations


CASES = [
    # (case, triples to delete, triples to add, focus, path, constraint component)
    (
        "lab without a label",
        "lab:sample-lab rdfs:label ?l",
        "",
        "lab:sample-lab",
        "rdfs:label",
        "QualifiedMinCountConstraintComponent",
    ),
    (
        "label without language",
        "",
        'lab:sample-lab rdfs:label "Sans langue" .',
        "lab:sample-lab",
        "rdfs:label",
        "LanguageInConstraintComponent",
    ),
    (
        "two French labels",
        "",
        'lab:sample-lab rdfs:label "Autre nom"@fr .',
        "lab:sample-lab",
        "rdfs:label",
        "UniqueLangConstraintComponent",
    ),
    (
        "no source document",
        "lab:sample-lab prov:wasDerivedFrom ?d",
        "",
        "lab:sample-lab",
        "prov:wasDerivedFrom",
        "MinCountConstraintComponent",
    ),
    (
        "source is not a document",
        "",
        "lab:sample-lab prov:wasDerivedFrom <https://example.org/page> .",
        "lab:sample-lab",
        "prov:wasDerivedFrom",
        "OrConstraintComponent",
    ),
    (
        "founding date not a date",
        "lab:sample-lab schema:foundingDate ?d",
        'lab:sample-lab schema:foundingDate "en 2023" .',
        "lab:sample-lab",
        "schema:foundingDate",
        "OrConstraintComponent",
    ),
    (
        "ill-formed xsd:date",
        "ev:sample-event schema:startDate ?d",
        'ev:sample-event schema:startDate "2021-13-45"^^xsd:date .',
        "ev:sample-event",
        "schema:startDate",
        "OrConstraintComponent",
    ),
    (
        "method from the wrong scheme",
        "",
        "lab:sample-lab lg:usesMethod theme:culture .",
        "lab:sample-lab",
        "lg:usesMethod",
        "NodeConstraintComponent",
    ),
    (
        "classification missing",
        "net:sample-net org:classification ?c",
        "",
        "net:sample-net",
        "org:classification",
        "MinCountConstraintComponent",
    ),
    (
        "host is not an organisation",
        "lab:sample-lab org:unitOf ?h",
        "lab:sample-lab org:unitOf terr:sample-dep .",
        "lab:sample-lab",
        "org:unitOf",
        "ClassConstraintComponent",
    ),
    (
        "two maturity stages",
        "",
        "lab:sample-lab lg:maturityStage stage:prefiguration .",
        "lab:sample-lab",
        "lg:maturityStage",
        "MaxCountConstraintComponent",
    ),
    (
        "membership without role",
        "mem:sample-net--sample-lab org:role ?r",
        "",
        "mem:sample-net--sample-lab",
        "org:role",
        "MinCountConstraintComponent",
    ),
    (
        "membership with two members",
        "",
        "mem:sample-net--sample-lab org:member pers:sample-person .",
        "mem:sample-net--sample-lab",
        "org:member",
        "MaxCountConstraintComponent",
    ),
    (
        "person without foaf:name",
        "pers:sample-person foaf:name ?n",
        "",
        "pers:sample-person",
        "foaf:name",
        "MinCountConstraintComponent",
    ),
    (
        "speaker is not a person",
        "ev:sample-event lg:speaker ?p",
        "ev:sample-event lg:speaker lab:sample-lab .",
        "ev:sample-event",
        "lg:speaker",
        "ClassConstraintComponent",
    ),
    (
        "event kind from the wrong scheme",
        "",
        "ev:sample-event dct:type rkind:charter .",
        "ev:sample-event",
        "dct:type",
        "NodeConstraintComponent",
    ),
    (
        "phase without programme",
        "phase:sample-phase lg:partOfProgramme ?p",
        "",
        "phase:sample-phase",
        "lg:partOfProgramme",
        "MinCountConstraintComponent",
    ),
    (
        "phase position not an integer",
        "phase:sample-phase schema:position ?p",
        'phase:sample-phase schema:position "first" .',
        "phase:sample-phase",
        "schema:position",
        "DatatypeConstraintComponent",
    ),
    ("amount without currency", "?a schema:currency ?c", "", None, None, "MinCountConstraintComponent"),
    ("number without unit", "?q schema:unitText ?u", "", None, None, "OrConstraintComponent"),
    ("number without value", "?q schema:value 11", "", None, None, "OrConstraintComponent"),
    (
        "unknown unit code",
        "?q schema:unitCode ?u . ?q schema:value 18",
        'prog:sample-prog lg:duration [ a schema:QuantitativeValue ; rdfs:label "durée"@fr ; '
        'schema:value 18 ; schema:unitCode "MONTHS" ] .',
        None,
        "schema:unitCode",
        "InConstraintComponent",
    ),
    (
        "resource without kind",
        "res:sample-charter dct:type ?k",
        "",
        "res:sample-charter",
        "dct:type",
        "MinCountConstraintComponent",
    ),
    (
        "resource url as text",
        "res:sample-charter schema:url ?u",
        'res:sample-charter schema:url "https://example.org/charte" .',
        "res:sample-charter",
        "schema:url",
        "NodeKindConstraintComponent",
    ),
    (
        "département without INSEE code",
        "terr:sample-dep igeo:codeINSEE ?c",
        "",
        "terr:sample-dep",
        "igeo:codeINSEE",
        "MinCountConstraintComponent",
    ),
    (
        "malformed INSEE code",
        "terr:sample-dep igeo:codeINSEE ?c",
        'terr:sample-dep igeo:codeINSEE "430" .',
        "terr:sample-dep",
        "igeo:codeINSEE",
        "PatternConstraintComponent",
    ),
    (
        "département without region",
        "terr:sample-dep igeo:subdivisionDirecteDe ?r",
        "",
        "terr:sample-dep",
        "igeo:subdivisionDirecteDe",
        "MinCountConstraintComponent",
    ),
    (
        "région without Wikidata",
        "terr:sample-region owl:sameAs ?q",
        "",
        "terr:sample-region",
        "owl:sameAs",
        "QualifiedMinCountConstraintComponent",
    ),
    (
        "département linked only outside Wikidata",
        "terr:sample-dep owl:sameAs ?q",
        "terr:sample-dep owl:sameAs <https://example.org/dep/43> .",
        "terr:sample-dep",
        "owl:sameAs",
        "QualifiedMinCountConstraintComponent",
    ),
    (
        "malformed SIREN",
        "orga:host lg:siren ?s",
        'orga:host lg:siren "12345" .',
        "orga:host",
        "lg:siren",
        "PatternConstraintComponent",
    ),
    (
        "bad e-mail",
        "lab:sample-lab schema:email ?e",
        'lab:sample-lab schema:email "mailto:lab" .',
        "lab:sample-lab",
        "schema:email",
        "PatternConstraintComponent",
    ),
    (
        "document without publisher",
        "doc:sample dct:publisher ?p",
        "",
        "doc:sample",
        "dct:publisher",
        "MinCountConstraintComponent",
    ),
]


@pytest.mark.parametrize("case,delete,add,focus,path,component", CASES, ids=[c[0] for c in CASES])
def test_each_constraint_rejects_its_bad_graph(
    background: list,
    shapes: Graph,
    case: str,
    delete: str,
    add: str,
    focus: str | None,
    path: str | None,
    component: str,
) -> None:
    report = validate_graph(sample(background, delete, add), shapes, PREFIXES)
    assert not report.conforms, f"{case}: accepted"
    matching = [
        v
        for v in report.violations
        if v.component == component and (focus is None or v.focus == focus) and (path is None or v.path == path)
    ]
    assert matching, f"{case}: expected {component} on {focus} {path}, got " + "; ".join(
        f"{v.focus} {v.path} {v.component}" for v in report.violations
    )
    assert all(v.message("fr") and v.message("en") for v in matching), "messages in French and English"


def test_concept_missing_english_label_is_rejected(background: list, shapes: Graph) -> None:
    graph = sample(background)
    graph.update(
        f"DELETE WHERE {{ <{BASE}id/concept/method/ideation> "
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "ideation"@en }'
    )
    report = validate_graph(graph, shapes, PREFIXES)
    assert [v.focus for v in report.violations] == [f"<{BASE}id/concept/method/ideation>"]


def test_missing_english_label_is_only_a_warning(background: list, shapes: Graph) -> None:
    graph = sample(background)
    graph.update(
        f"DELETE WHERE {{ <{BASE}id/document/sample> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Sample document"@en }'
    )
    report = validate_graph(graph, shapes, PREFIXES)
    assert report.conforms
    assert [(w.severity, w.path) for w in report.warnings] == [("Warning", "rdfs:label")]
