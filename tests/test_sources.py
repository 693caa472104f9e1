from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.errors import ParseError, SourceFileError
from labgraph.sources import discover, load


def test_every_source_document_file_gets_its_own_graph(project_settings: Settings) -> None:
    graphs = {s.graph_name for s in discover(project_settings)}
    assert {"ontology", "vocabularies", "sources", "links"} <= graphs
    assert {p.stem for p in (project_settings.data_dir / "documents").glob("*.ttl")} <= graphs


def test_turtle_syntax_error_names_file_line_and_column(project_settings: Settings) -> None:
    broken = project_settings.data_dir / "documents" / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\n\nex:a ex:b "unterminated .\n', encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load(project_settings)
    assert caught.value.path == broken
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{broken}:3:")


def test_unknown_prefix_is_reported_with_its_line(project_settings: Settings) -> None:
    broken = project_settings.data_dir / "documents" / "typo.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nexx:a ex:b ex:c .\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load(project_settings)
    assert (caught.value.path, caught.value.line) == (broken, 3)
    assert "exx" in caught.value.detail


def test_invalid_utf8_is_reported_with_its_line(project_settings: Settings) -> None:
    broken = project_settings.data_dir / "documents" / "latin1.ttl"
    broken.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "caf\xe9" .\n')
    with pytest.raises(ParseError) as caught:
        load(project_settings)
    assert (caught.value.line, caught.value.detail) == (2, "file is not valid UTF-8")


@pytest.mark.parametrize("name", ["entities.rdf", "context.jsonld", "graph.nt"])
def test_formats_other_than_turtle_are_refused(project_settings: Settings, name: str) -> None:
    (project_settings.data_dir / name).write_text("<x/>", encoding="utf-8")
    with pytest.raises(SourceFileError, match=name):
        load(project_settings)


def test_two_files_cannot_claim_the_same_graph(project_settings: Settings) -> None:
    clash = project_settings.data_dir / "links.ttl"
    (project_settings.data_dir / "documents" / "links.ttl").write_text(clash.read_text("utf-8"), encoding="utf-8")
    with pytest.raises(SourceFileError, match="already used"):
        load(project_settings)


def test_missing_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings.load({"project_dir": tmp_path}, environ={})
    with pytest.raises(SourceFileError, match="directory not found"):
        load(settings)


def test_another_base_uri_rewrites_every_minted_iri(project: Path, tmp_path: Path) -> None:
    settings = Settings.load({"project_dir": project, "base_uri": "http://localhost:8080/"}, environ={})
    dataset = load(settings)
    iris = {t.value for q in dataset.store for t in (q.subject, q.object, q.graph_name) if hasattr(t, "value")}
    assert not any(i.startswith("https://w3id.org/labgraph/") for i in iris)
    assert "http://localhost:8080/id/lab/acco-lab" in iris
