from pathlib import Path

from labgraph.config import Settings
from labgraph.graph.consistency import find_conflicts, find_mistyped
from labgraph.graph.sources import load

from ..conftest import BASE, make_settings

PREFIXES = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix lab: <https://w3id.org/labgraph/id/lab/> .
@prefix pers: <https://w3id.org/labgraph/id/person/> .
@prefix lg: <https://w3id.org/labgraph/def/> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def add_document(settings: Settings, turtle: str, name: str = "other.ttl") -> None:
    """One more source document beside the real ones."""
    (settings.data_dir / "documents" / name).write_text(turtle, encoding="utf-8")


def test_real_sources_have_no_conflicts(dataset) -> None:  # type: ignore[no-untyped-def]
    assert find_conflicts(dataset) == []
    assert find_mistyped(dataset) == []


def test_two_files_giving_one_uri_different_labels_are_named(project_settings: Settings) -> None:
    add_document(project_settings, PREFIXES + 'lab:acco-lab rdfs:label "Un autre lab"@fr .\n')
    conflicts = find_conflicts(load(project_settings))
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.subject == BASE + "id/lab/acco-lab"
    assert any(f.endswith("other.ttl") for f in conflict.values)
    assert any(f.endswith("culture-labo-des-labs.ttl") for f in conflict.values)
    assert "Un autre lab" in str(conflict)


def test_conflicting_founding_dates_are_reported(project_settings: Settings) -> None:
    add_document(project_settings, PREFIXES + 'lab:labo-culture schema:foundingDate "2021"^^xsd:gYear .\n')
    [conflict] = find_conflicts(load(project_settings))
    assert conflict.predicate == "http://schema.org/foundingDate"
    assert sorted(v for vals in conflict.values.values() for v in vals) == [
        '"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        '"2023"^^<http://www.w3.org/2001/XMLSchema#gYear>',
    ]


def test_same_value_in_two_files_is_not_a_conflict(project_settings: Settings) -> None:
    add_document(project_settings, PREFIXES + 'lab:labo-culture schema:foundingDate "2023"^^xsd:gYear .\n')
    assert find_conflicts(load(project_settings)) == []


def test_uri_segment_must_match_type(project_settings: Settings) -> None:
    add_document(project_settings, PREFIXES + 'pers:not-a-person a lg:Lab ; rdfs:label "Lab"@fr .\n')
    [problem] = find_mistyped(load(project_settings))
    assert problem.subject.endswith("/id/person/not-a-person")
    assert "foaf/0.1/Person" in str(problem)


def test_labels_in_different_languages_do_not_conflict(project_settings: Settings) -> None:
    add_document(project_settings, PREFIXES + 'lab:acco-lab rdfs:label "Un lab ailleurs"@de .\n')
    assert find_conflicts(load(project_settings)) == []


def test_an_iri_and_a_plain_literal_for_one_property_conflict(project_settings: Settings) -> None:
    add_document(
        project_settings,
        PREFIXES + "lab:new-lab a lg:Lab ; rdfs:label <http://example.org/label> .\n"
        'lab:new-lab rdfs:label "Nouveau" .\n',
    )
    [conflict] = find_conflicts(load(project_settings))
    assert conflict.subject.endswith("/id/lab/new-lab")
    assert [sorted(v) for v in conflict.values.values()] == [['"Nouveau"', "<http://example.org/label>"]]


def test_two_values_in_one_file_conflict_and_blank_nodes_are_not_checked(project_settings: Settings) -> None:
    add_document(
        project_settings,
        PREFIXES + 'lab:new-lab a lg:Lab ; schema:foundingDate "2020"^^xsd:gYear, "2021"^^xsd:gYear .\n'
        '[] schema:foundingDate "2020"^^xsd:gYear, "2021"^^xsd:gYear .\n',
    )
    [conflict] = find_conflicts(load(project_settings))
    assert conflict.subject.endswith("/id/lab/new-lab")
    [(where, values)] = conflict.values.items()
    assert where.endswith("other.ttl") and len(values) == 2


def test_conflicts_come_sorted_by_subject_and_name_every_file(project_settings: Settings) -> None:
    add_document(
        project_settings,
        PREFIXES + 'lab:labo-culture schema:foundingDate "2021"^^xsd:gYear .\n'
        'lab:acco-lab rdfs:label "Un autre lab"@fr .\n',
    )
    add_document(project_settings, PREFIXES + 'lab:acco-lab rdfs:label "Encore un"@fr .\n', "third.ttl")
    conflicts = find_conflicts(load(project_settings))
    assert [c.subject.rsplit("/", 1)[1] for c in conflicts] == ["acco-lab", "labo-culture"]
    files = {f.rsplit("/", 1)[1] for f in conflicts[0].values}
    assert {"other.ttl", "third.ttl", "culture-labo-des-labs.ttl"} <= files


def test_a_subclass_satisfies_the_segment_and_unknown_segments_are_ignored(project_settings: Settings) -> None:
    add_document(
        project_settings,
        PREFIXES + "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "<https://w3id.org/labgraph/id/organisation/new-org> a org:FormalOrganization .\n"  # -> foaf:Agent
        '<https://w3id.org/labgraph/id/gadget/thing> rdfs:label "not a kind of thing"@fr .\n'
        '<https://w3id.org/labgraph/id/lab> rdfs:label "no slug"@fr .\n',
    )
    assert find_mistyped(load(project_settings)) == []


def test_mistyped_things_are_listed_in_segment_order_with_all_their_files(project_settings: Settings) -> None:
    add_document(
        project_settings,
        PREFIXES + "@prefix ev: <https://w3id.org/labgraph/id/event/> .\n"
        'pers:zed a lg:Lab .\npers:abe rdfs:label "Abe"@fr .\nev:party a lg:Lab .\nlab:not-a-lab a schema:Event .\n',
    )
    add_document(project_settings, PREFIXES + 'pers:abe rdfs:label "Abe"@fr .\n', "third.ttl")
    problems = find_mistyped(load(project_settings))
    # TYPE_OF_SEGMENT's order (lab, ..., event, person), then the subjects' order
    assert [p.subject.split("/id/")[1] for p in problems] == [
        "lab/not-a-lab",
        "event/party",
        "person/abe",
        "person/zed",
    ]
    [(where, [message])] = problems[2].values.items()
    assert [f.rsplit("/", 1)[1] for f in where.split(", ")] == ["other.ttl", "third.ttl"]
    assert message == "not typed <http://xmlns.com/foaf/0.1/Person> as its URI says"


def test_mistyped_under_another_base(project: Path, tmp_path: Path) -> None:
    settings = make_settings(project, tmp_path / "build", base_uri="http://localhost:8080/")
    add_document(settings, PREFIXES + 'pers:not-a-person a lg:Lab ; rdfs:label "Lab"@fr .\n')
    dataset = load(settings)
    assert find_conflicts(dataset) == []
    [problem] = find_mistyped(dataset)
    assert problem.subject == "http://localhost:8080/id/person/not-a-person"
    assert "foaf/0.1/Person" in str(problem)
