"""An accepted contribution, written by hand in the agreed format, is a source document like
the others: it builds, conforms to the shapes, and has a named graph of its own."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Store

from labgraph.config import Settings
from labgraph.errors import ConflictError, ShapeViolations
from labgraph.graph.build import STORE_DIR, run_build
from tests.graph.contribution_file import write_contribution

EMAIL = '<https://w3id.org/labgraph/id/lab/acco-lab> <http://schema.org/email> "contact@acco.example" .'


def test_a_contribution_file_builds_and_conforms(project_settings: Settings) -> None:
    write_contribution(project_settings.data_dir, 7, "2026-11-30", EMAIL, "lab/acco-lab")
    result = run_build(project_settings)
    assert result.report is None or result.report.conforms
    store = Store.read_only(str(result.release / STORE_DIR))
    graph = NamedNode(project_settings.base_uri + "graph/contribution-7")
    publisher = list(store.quads_for_pattern(
        NamedNode(project_settings.base_uri + "id/organisation/labgraph-project"),
        NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None, None))
    assert any(q.object.value == "http://www.w3.org/ns/org#Organization" for q in publisher)
    stated = list(store.quads_for_pattern(None, NamedNode("http://schema.org/email"), None, graph))
    assert [q.object.value for q in stated] == ["contact@acco.example"]


def test_a_contribution_without_its_publisher_is_refused(project_settings: Settings) -> None:
    path = write_contribution(project_settings.data_dir, 8, "2026-11-30", EMAIL, "lab/acco-lab")
    path.write_text(path.read_text("utf-8").replace("organisation/labgraph-project", "organisation/nobody"),
                    encoding="utf-8")
    with pytest.raises(ShapeViolations) as caught:
        run_build(project_settings)
    assert any(v.path == "dct:publisher" for v in caught.value.report.violations)


FOUNDED = "<https://w3id.org/labgraph/id/lab/labo-culture> <http://schema.org/foundingDate> {} ."
DEDICATED = "<https://w3id.org/labgraph/id/lab/104factory> <https://w3id.org/labgraph/def/dedicatedPlace> false ."


def test_a_corrected_founding_date_builds_and_both_dates_stay(project_settings: Settings) -> None:
    write_contribution(project_settings.data_dir, 9, "2026-11-30",
                       FOUNDED.format('"2022"^^<http://www.w3.org/2001/XMLSchema#gYear>'), "lab/labo-culture")
    result = run_build(project_settings)
    store = Store.read_only(str(result.release / STORE_DIR))
    dates = {q.object.value for q in store.quads_for_pattern(
        NamedNode(project_settings.base_uri + "id/lab/labo-culture"), NamedNode("http://schema.org/foundingDate"),
        None, None)}
    assert dates == {"2022", "2023"}


def test_a_corrected_dedicated_place_builds_and_both_values_stay(project_settings: Settings) -> None:
    write_contribution(project_settings.data_dir, 10, "2026-11-30", DEDICATED, "lab/104factory")
    result = run_build(project_settings)
    store = Store.read_only(str(result.release / STORE_DIR))
    values = {q.object.value for q in store.quads_for_pattern(
        NamedNode(project_settings.base_uri + "id/lab/104factory"),
        NamedNode(project_settings.base_uri + "def/dedicatedPlace"), None, None)}
    assert values == {"true", "false"}


def test_a_contribution_stating_two_dates_is_a_conflict(project_settings: Settings) -> None:
    two = FOUNDED.format('"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>') + "\n" + FOUNDED.format(
        '"2020"^^<http://www.w3.org/2001/XMLSchema#gYear>')
    write_contribution(project_settings.data_dir, 11, "2026-11-30", two, "lab/labo-culture")
    with pytest.raises(ConflictError) as caught:
        run_build(project_settings)
    assert any(c.predicate == "http://schema.org/foundingDate" for c in caught.value.conflicts)


def test_two_documents_disagreeing_are_still_a_conflict(project_settings: Settings) -> None:
    other = project_settings.data_dir / "documents" / "lucas-openlabs.ttl"
    other.write_text(other.read_text("utf-8") + "\n" + FOUNDED.format(
        '"2019"^^<http://www.w3.org/2001/XMLSchema#gYear>') + "\n", encoding="utf-8")
    with pytest.raises(ConflictError):
        run_build(project_settings)
