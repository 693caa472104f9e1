from labgraph.config import Settings
from labgraph.consistency import find_conflicts, find_mistyped
from labgraph.sources import load

PREFIXES = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix lab: <https://w3id.org/labgraph/id/lab/> .
@prefix pers: <https://w3id.org/labgraph/id/person/> .
@prefix lg: <https://w3id.org/labgraph/def/> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def test_real_sources_have_no_conflicts(dataset) -> None:  # type: ignore[no-untyped-def]
    assert find_conflicts(dataset) == []
    assert find_mistyped(dataset) == []


def test_two_files_giving_one_uri_different_labels_are_named(project_settings: Settings) -> None:
    extra = project_settings.data_dir / "documents" / "other.ttl"
    extra.write_text(PREFIXES + 'lab:acco-lab rdfs:label "Un autre lab"@fr .\n', encoding="utf-8")
    conflicts = find_conflicts(load(project_settings))
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.subject == "https://w3id.org/labgraph/id/lab/acco-lab"
    assert any(f.endswith("other.ttl") for f in conflict.values)
    assert any(f.endswith("culture-labo-des-labs.ttl") for f in conflict.values)
    assert "Un autre lab" in str(conflict)


def test_conflicting_founding_dates_are_reported(project_settings: Settings) -> None:
    extra = project_settings.data_dir / "documents" / "other.ttl"
    extra.write_text(PREFIXES + 'lab:labo-culture schema:foundingDate "2021"^^xsd:gYear .\n', encoding="utf-8")
    [conflict] = find_conflicts(load(project_settings))
    assert conflict.predicate == "http://schema.org/foundingDate"
    assert sorted(v for vals in conflict.values.values() for v in vals) == [
        '"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        '"2023"^^<http://www.w3.org/2001/XMLSchema#gYear>',
    ]


def test_same_value_in_two_files_is_not_a_conflict(project_settings: Settings) -> None:
    extra = project_settings.data_dir / "documents" / "other.ttl"
    extra.write_text(PREFIXES + 'lab:labo-culture schema:foundingDate "2023"^^xsd:gYear .\n', encoding="utf-8")
    assert find_conflicts(load(project_settings)) == []


def test_uri_segment_must_match_type(project_settings: Settings) -> None:
    extra = project_settings.data_dir / "documents" / "other.ttl"
    extra.write_text(PREFIXES + 'pers:not-a-person a lg:Lab ; rdfs:label "Lab"@fr .\n', encoding="utf-8")
    [problem] = find_mistyped(load(project_settings))
    assert problem.subject.endswith("/id/person/not-a-person")
    assert "foaf/0.1/Person" in str(problem)
