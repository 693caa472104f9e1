import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from labgraph.config import Settings
from labgraph.errors import ParseError, SourceFileError
from labgraph.graph.sources import SourceDataset, discover, load
from labgraph.uris import AUTHORING_BASE as AUTHORING

from ..conftest import make_settings

ELSEWHERE = "http://localhost:8080/"

#: Both ways of loading: Oxigraph alone (authoring base), and the rewriting of every IRI.
BASES = pytest.mark.parametrize("base", [AUTHORING, ELSEWHERE], ids=["authoring-base", "another-base"])


def _statements(dataset: SourceDataset) -> list[str]:
    """The dataset's quads as N-Quads lines, blank node labels (random per load) blanked out."""
    return sorted(re.sub(r"_:[0-9A-Za-z]+", "_:b", str(q)) for q in dataset.store)


def test_every_source_document_file_gets_its_own_graph(project_settings: Settings) -> None:
    graphs = {s.graph_name for s in discover(project_settings)}
    assert {"ontology", "vocabularies", "sources", "links"} <= graphs
    assert {p.stem for p in (project_settings.data_dir / "documents").glob("*.ttl")} <= graphs


@BASES
def test_turtle_syntax_error_names_file_line_and_column(project: Path, tmp_path: Path, base: str) -> None:
    settings = make_settings(project, tmp_path / "build", base_uri=base)
    broken = settings.data_dir / "documents" / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\n\nex:a ex:b "unterminated .\n', encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load(settings)
    assert caught.value.path == broken
    assert (caught.value.line, caught.value.column) == (3, 11)
    assert str(caught.value) == f"{broken}:3:11: Unexpected end of file"


@BASES
def test_unknown_prefix_is_reported_with_its_line(project: Path, tmp_path: Path, base: str) -> None:
    settings = make_settings(project, tmp_path / "build", base_uri=base)
    broken = settings.data_dir / "documents" / "typo.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nexx:a ex:b ex:c .\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load(settings)
    assert (caught.value.path, caught.value.line, caught.value.column) == (broken, 3, 1)
    assert "exx" in caught.value.detail
    assert not caught.value.detail.startswith("Parser error")  # the place is said once, by ParseError


def test_error_late_in_a_large_file_keeps_its_line(project_settings: Settings) -> None:
    """Oxigraph loads the file itself; its error must still point at the statement."""
    broken = project_settings.data_dir / "documents" / "long.ttl"
    body = "".join(f"ex:s{i} ex:p {i} .\n" for i in range(5000))
    broken.write_text(f"@prefix ex: <http://example.org/> .\n{body}ex:s ex:p ex:o ex:extra .\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load(project_settings)
    assert (caught.value.path, caught.value.line) == (broken, 5002)


def test_invalid_utf8_is_reported_with_its_line(project_settings: Settings) -> None:
    broken = project_settings.data_dir / "documents" / "latin1.ttl"
    broken.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "caf\xe9" .\n')
    with pytest.raises(ParseError) as caught:
        load(project_settings)
    assert (caught.value.line, caught.value.column, caught.value.detail) == (2, 15, "file is not valid UTF-8")


@BASES
@pytest.mark.parametrize(
    ("literal", "shown"),
    [
        ('"notayear"^^xsd:gYear', '"notayear" is not a valid xsd:gYear'),
        ('"2021-13"^^xsd:gYearMonth', '"2021-13" is not a valid xsd:gYearMonth'),
        ('"21/11/2021"^^xsd:date', '"21/11/2021" is not a valid xsd:date'),
        ('"2021-11-23 09:00"^^xsd:dateTime', '"2021-11-23 09:00" is not a valid xsd:dateTime'),
        ('"douze"^^xsd:integer', '"douze" is not a valid xsd:integer'),
    ],
)
def test_a_literal_its_datatype_refuses_names_file_and_line(
    project: Path, tmp_path: Path, base: str, literal: str, shown: str
) -> None:
    settings = make_settings(project, tmp_path / "build", base_uri=base)
    broken = settings.data_dir / "documents" / "dates.ttl"
    broken.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'ex:a ex:founded "2019"^^xsd:gYear .\nex:b ex:when "2021-11-23"^^xsd:date ;\n  ex:founded {literal} .\n',
        encoding="utf-8",
    )
    with pytest.raises(ParseError) as caught:
        load(settings)
    assert (caught.value.path, caught.value.line) == (broken, 5)
    assert caught.value.detail == shown


def test_valid_lexical_forms_of_every_checked_datatype_load(project_settings: Settings) -> None:
    good = project_settings.data_dir / "documents" / "good-dates.ttl"
    good.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:y "2019"^^xsd:gYear, "-0044"^^xsd:gYear, "2019Z"^^xsd:gYear, "2021-11"^^xsd:gYearMonth ;\n'
        '  ex:d "2021-11-23"^^xsd:date, "2021-11-23+01:00"^^xsd:date ;\n'
        '  ex:t "2021-11-23T09:30:00"^^xsd:dateTime, "2021-11-23T09:30:00.5Z"^^xsd:dateTime ;\n'
        '  ex:n 12, -3, 1.5, true, "+7"^^xsd:integer, ".5"^^xsd:decimal .\n',
        encoding="utf-8",
    )
    assert len(load(project_settings)) > 0


@BASES
def test_each_file_fills_its_own_graph(project: Path, tmp_path: Path, base: str) -> None:
    dataset = load(make_settings(project, tmp_path / "build", base_uri=base))
    for source in dataset.files:
        graph = ox.NamedNode(dataset.graph_iri(source.graph_name))
        assert next(iter(dataset.store.quads_for_pattern(None, None, None, graph)), None) is not None, source.path
    assert not list(dataset.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert {g.value for g in dataset.store.named_graphs()} == set(dataset.files_by_graph())


@BASES
def test_blank_nodes_of_two_files_stay_apart(project: Path, tmp_path: Path, base: str) -> None:
    settings = make_settings(project, tmp_path / "build", base_uri=base)
    for name in ("one", "two"):
        (settings.data_dir / f"{name}.ttl").write_text(
            "@prefix ex: <http://example.org/> .\nex:lab ex:size _:q .\n_:q ex:value 21 .\n", encoding="utf-8"
        )
    dataset = load(settings)
    sizes = {
        q.graph_name.value.rsplit("/", 1)[1]: q.object
        for q in dataset.store.quads_for_pattern(ox.NamedNode("http://example.org/lab"), None, None)
    }
    assert set(sizes) == {"one", "two"} and sizes["one"] != sizes["two"]
    assert all(isinstance(node, ox.BlankNode) for node in sizes.values())


def test_loading_under_another_base_moves_every_iri_and_nothing_else(project: Path, tmp_path: Path) -> None:
    """Oxigraph's own load (authoring base) and the rewriting load agree statement for statement."""
    authored = load(make_settings(project, tmp_path / "a", base_uri=AUTHORING))
    moved = load(make_settings(project, tmp_path / "b", base_uri=ELSEWHERE))
    expected = sorted(line.replace(f"<{AUTHORING}", f"<{ELSEWHERE}") for line in _statements(authored))
    # Literals spelling an IRI of the base move too (the ontology's preferred namespace) ...
    namespace = f'"{AUTHORING}def/"'
    assert any(namespace in line for line in expected)
    expected = sorted(line.replace(namespace, f'"{ELSEWHERE}def/"') for line in expected)
    assert _statements(moved) == expected
    assert len(moved) == len(authored)


def test_only_untagged_literals_spelling_the_base_move(project: Path, tmp_path: Path) -> None:
    settings = make_settings(project, tmp_path / "build", base_uri=ELSEWHERE)
    (settings.data_dir / "spelled.ttl").write_text(
        "@prefix ex: <http://example.org/> .\n"
        'ex:a ex:plain "https://w3id.org/labgraph/id/lab/x" ;\n'
        '  ex:tagged "https://w3id.org/labgraph/id/lab/x"@en ;\n'
        '  ex:inside "see https://w3id.org/labgraph/id/lab/x" ;\n'
        "  ex:iri <https://w3id.org/labgraph/id/lab/x> .\n",
        encoding="utf-8",
    )
    dataset = load(settings)
    found = {
        q.predicate.value.rsplit("/", 1)[1]: q.object
        for q in dataset.store.quads_for_pattern(ox.NamedNode("http://example.org/a"), None, None)
    }
    assert found == {
        "plain": ox.Literal(f"{ELSEWHERE}id/lab/x"),
        "tagged": ox.Literal("https://w3id.org/labgraph/id/lab/x", language="en"),
        "inside": ox.Literal("see https://w3id.org/labgraph/id/lab/x"),
        "iri": ox.NamedNode(f"{ELSEWHERE}id/lab/x"),
    }


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
