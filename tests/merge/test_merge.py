"""labgraph merge: import, reconcile, validate, and change nothing when anything fails."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from labgraph.config import Settings
from labgraph.errors import LabgraphError, ShapeViolations
from labgraph.graph.build import run_build
from labgraph.merge.importer import merge
from labgraph.merge.mapping import MappingError, load_mapping

from ..conftest import AUTHORING, BASE, make_settings

SCHEMA = "http://schema.org/"

# A small directory written for these tests: the BnF shares its SIREN with labgraph (identifier
# overlap), La Fruitière and the Culture ministry's Labo are named slightly differently (name
# overlap), the Labo's founding year differs from the one document 000 gives (conflict), one row
# has no name and one a malformed SIREN.
CSV_TEXT = """id,name,siren,founded,website
bnf,Bibliothèque nationale de France (BnF),180046252,1994,https://www.bnf.fr/
fruit,La Fruitiere,,2018,
labo,Le Labo du ministère de la Culture,,2021,
new,Laboratoire des territoires de demain,,2022,
x1,,,2020,
ghost,Laboratoire imaginaire,123,2021,
"""
MAPPING_TEXT = """dataset:
  slug: annuaire-test
  title: {fr: "Annuaire d'essai", en: "Test directory"}
  source: https://example.org/annuaire.csv
  licence: https://www.etalab.gouv.fr/licence-ouverte-open-licence
format: csv
subject: https://example.org/org/{id}
types: [org:Organization]
classification: https://w3id.org/labgraph/id/concept/structure-kind/innovation-lab
fields:
  - {column: name, property: rdfs:label, lang: fr, required: true}
  - {column: siren, property: lg:siren, pattern: "^[0-9]{9}$"}
  - {column: founded, property: schema:foundingDate, datatype: xsd:gYear}
  - {column: website, property: foaf:homepage, iri: "{value}"}
"""
# The same kind of facts in RDF: Haute-Loire by its Wikidata item, the Creuse by name only.
RDF_TEXT = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <https://example.org/geo/> .
ex:dep43 rdfs:label "Haute-Loire (département)"@fr ; owl:sameAs <http://www.wikidata.org/entity/Q12572> .
ex:dep23 rdfs:label "La Creuse"@fr .
ex:unknown rdfs:label "Territoire sans équivalent"@fr .
"""


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "labs.csv").write_text(CSV_TEXT, encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(MAPPING_TEXT, encoding="utf-8")
    return tmp_path / "labs.csv", tmp_path / "mapping.yaml"


def snapshot(settings: Settings) -> dict[str, bytes]:
    return {str(p.relative_to(settings.data_dir)): p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file()}


def test_csv_merge_links_reviews_and_reports(project_settings: Settings, inputs: tuple[Path, Path]) -> None:
    source, mapping = inputs
    report = merge(project_settings, source, mapping_file=mapping)
    # identifier overlap: certain, owl:sameAs
    assert [(m.ours, m.theirs, m.basis, m.confidence) for m in report.by_identifier] == [
        (BASE + "id/organisation/bnf", "https://example.org/org/bnf", "siren=180046252", 1.0)
    ]
    # name overlaps: a confidence below 1, listed for review
    names = {(m.ours, m.theirs) for m in report.by_name}
    assert names == {
        (BASE + "id/lab/la-fruitiere", "https://example.org/org/fruit"),
        (BASE + "id/lab/labo-culture", "https://example.org/org/labo"),
    }
    assert all(0 < m.confidence < 1 for m in report.by_name)
    assert report.new_entities == 1  # "Laboratoire des territoires de demain"
    # the founding year: 2023 in document 000, 2021 in the directory; both kept
    assert [(c.ours, c.property, c.our_values, c.their_values) for c in report.conflicts] == [
        (BASE + "id/lab/labo-culture", "http://schema.org/foundingDate", ("2023",), ("2021",))
    ]
    assert [(m.line, m.reason.split(" ")[0]) for m in report.malformed] == [(6, "name"), (7, "siren='123'")]
    # files: its own graph with provenance, and a link graph
    imports = project_settings.data_dir / "imports"
    assert [p.name for p in imports.iterdir()] == ["annuaire-test"]  # one import, one directory
    files = sorted(p.name for p in (imports / "annuaire-test").iterdir())
    assert files == ["annuaire-test-links.ttl", "annuaire-test.ttl"]
    build = run_build(project_settings)
    store = ox.Store.read_only(str(build.release / "store"))
    links = ox.NamedNode(BASE + "graph/annuaire-test-links")
    same = list(
        store.quads_for_pattern(
            ox.NamedNode(BASE + "id/organisation/bnf"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
            None,
            links,
        )
    )
    assert [q.object.value for q in same] == ["https://example.org/org/bnf"]
    close = list(
        store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch"), None, links)
    )
    assert len(close) == 2
    assert bool(
        store.query(f"""ASK {{ GRAPH <{BASE}graph/annuaire-test> {{
        <https://example.org/org/new> <http://www.w3.org/ns/prov#wasDerivedFrom> <{BASE}id/dataset/annuaire-test> .
        <{BASE}id/dataset/annuaire-test> <http://purl.org/dc/terms/license> ?licence ;
            <http://www.w3.org/ns/prov#generatedAtTime> ?when }} }}""")
    )
    # the imported labgraph-side labels were never rewritten
    assert bool(
        store.query(
            f'ASK {{ <{BASE}id/lab/labo-culture> <http://schema.org/foundingDate> ?y FILTER(STR(?y) = "2023") }}'
        )
    )


def test_rdf_merge_by_wikidata_and_by_name(project_settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "territories.ttl"
    source.write_text(RDF_TEXT, encoding="utf-8")
    report = merge(project_settings, source, slug="territoires-test")
    assert [(m.ours, m.basis) for m in report.by_identifier] == [(BASE + "id/territory/haute-loire", "wikidata=Q12572")]
    assert {m.ours for m in report.by_name} == {BASE + "id/territory/creuse"}
    assert report.new_entities == 1
    run_build(project_settings)


def test_dry_run_changes_nothing(project_settings: Settings, inputs: tuple[Path, Path]) -> None:
    before = snapshot(project_settings)
    report = merge(project_settings, inputs[0], mapping_file=inputs[1], dry_run=True)
    assert report.by_identifier and report.written == []
    assert snapshot(project_settings) == before


def test_shacl_failure_changes_nothing(project_settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "bad.ttl"
    # a lab without a kind of structure or a French label breaks the shapes
    source.write_text(
        "<https://example.org/lab/z> a <https://w3id.org/labgraph/def/Lab> ;\n"
        '  <http://www.w3.org/2000/01/rdf-schema#label> "Z"@en .\n',
        encoding="utf-8",
    )
    before = snapshot(project_settings)
    with pytest.raises(ShapeViolations) as caught:
        merge(project_settings, source, slug="bad-test")
    paths = {(v.focus, v.path) for v in caught.value.report.violations}
    assert ("<https://example.org/lab/z>", "org:classification") in paths
    assert snapshot(project_settings) == before


def test_strict_refuses_malformed_records(project_settings: Settings, inputs: tuple[Path, Path]) -> None:
    before = snapshot(project_settings)
    with pytest.raises(LabgraphError, match=r"labs.csv:6: name is required"):
        merge(project_settings, inputs[0], mapping_file=inputs[1], strict=True)
    assert snapshot(project_settings) == before


def test_hostile_and_broken_inputs_are_refused(project_settings: Settings, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        encoding="utf-8",
    )
    with pytest.raises(LabgraphError, match="entity"):
        merge(project_settings, bomb, slug="bomb-test")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a:b> <a:c> .\n", encoding="utf-8")
    with pytest.raises(LabgraphError, match=r"broken.ttl:1"):
        merge(project_settings, broken, slug="broken-test")
    with pytest.raises(LabgraphError, match="already belongs"):
        merge(project_settings, broken, slug="links")


def test_mapping_errors_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("dataset: {slug: Bad Slug, title: {fr: x}}\nsubject: https://e/{id}\nfields: []\n")
    with pytest.raises(MappingError, match="slug"):
        load_mapping(bad)
    bad.write_text(
        "dataset: {slug: ok, title: {fr: x}}\nsubject: https://e/{id}\nfields: [{column: a, property: nope:thing}]\n"
    )
    with pytest.raises(MappingError, match="nope:thing"):
        load_mapping(bad)


def test_cli_review_table_and_csv(project_settings: Settings, inputs: tuple[Path, Path], tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    env = {
        **os.environ,
        "LABGRAPH_PROJECT_DIR": str(project_settings.project_dir),
        "LABGRAPH_BUILD_DIR": str(project_settings.build_dir),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "labgraph",
            "merge",
            str(inputs[0]),
            "--mapping",
            str(inputs[1]),
            "--dry-run",
            "--review",
            "--review-csv",
            str(review),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "matched by identifier: 1" in done.stdout and "by name only (to review): 2" in done.stdout
    assert "La Fruitiere" in done.stdout and "confidence" in done.stdout
    assert "conflict: schema:foundingDate is 2023 in labgraph" in done.stderr
    assert "malformed record at" in done.stderr and ":6: name is required" in done.stderr
    with review.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["imported_iri"] for r in rows} == {"https://example.org/org/fruit", "https://example.org/org/labo"}
    assert not (project_settings.data_dir / "imports").exists()


@pytest.mark.parametrize("base", [AUTHORING, "https://data.example.org/lg/"], ids=["default-base", "another-base"])
def test_identifiers_match_under_any_base(project: Path, tmp_path: Path, inputs: tuple[Path, Path], base: str) -> None:
    """The BnF shares its SIREN with labgraph whatever base the graph is served under (labgraph's
    own identifier properties are expanded under the configured base, not written as literals)."""
    settings = make_settings(project, tmp_path / "build", base_uri=base)
    report = merge(settings, inputs[0], mapping_file=inputs[1], dry_run=True)
    assert [(m.ours, m.basis) for m in report.by_identifier] == [(base + "id/organisation/bnf", "siren=180046252")]
    assert [(c.ours, c.property) for c in report.conflicts] == [(base + "id/lab/labo-culture", SCHEMA + "foundingDate")]


def test_merging_the_same_file_again_replaces_the_import(project_settings: Settings, inputs: tuple[Path, Path]) -> None:
    """The README's step 2 run twice: the second merge replaces the first import instead of
    counting its entities as already known (they lost their source, and SHACL refused the graph)."""
    source, mapping = inputs
    first = merge(project_settings, source, mapping_file=mapping)

    def statements(paths: list[Path]) -> dict[Path, set[str]]:  # all but the retrieval time, which moves on
        return {p: {s for s in p.read_text("utf-8").splitlines() if "XMLSchema#dateTime" not in s} for p in paths}

    written = statements(first.written)
    again = merge(project_settings, source, mapping_file=mapping)
    assert again.same_uri == [] and again.new_entities == first.new_entities
    assert [(m.ours, m.theirs) for m in again.matches] == [(m.ours, m.theirs) for m in first.matches]
    assert statements(again.written) == written
    assert run_build(project_settings).report.conforms  # type: ignore[union-attr]


def test_review_csv_cells_cannot_run_as_formulas(
    project_settings: Settings, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    """A label from the imported file that starts like a formula is written as text."""
    source, mapping = inputs
    source.write_text(CSV_TEXT.replace("fruit,La Fruitiere,", "fruit,@La Fruitiere,"), "utf-8")
    review = tmp_path / "review.csv"
    env = {
        **os.environ,
        "LABGRAPH_PROJECT_DIR": str(project_settings.project_dir),
        "LABGRAPH_BUILD_DIR": str(project_settings.build_dir),
    }
    command = [sys.executable, "-m", "labgraph", "merge", str(source), "--mapping", str(mapping), "--dry-run"]
    done = subprocess.run([*command, "--review-csv", str(review)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with review.open(encoding="utf-8") as handle:
        labels = [row["imported_label"] for row in csv.DictReader(handle)]
    assert "'@La Fruitiere" in labels  # still matched by name and listed, but as text
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)


def test_imported_files_are_readable_like_any_new_file_and_no_temporary_is_left(
    project_settings: Settings, inputs: tuple[Path, Path]
) -> None:
    previous = os.umask(0o022)
    try:
        report = merge(project_settings, inputs[0], mapping_file=inputs[1])
    finally:
        os.umask(previous)
    assert [oct(path.stat().st_mode & 0o777) for path in report.written] == [oct(0o644)] * 2
    imports = project_settings.data_dir / "imports"
    assert sorted(p.relative_to(imports) for p in imports.rglob("*")) == sorted(
        [Path("annuaire-test"), *(p.relative_to(imports) for p in report.written)]
    )


@pytest.mark.parametrize(
    "change,expected",
    [
        (
            ("mapping", 'pattern: "^[0-9]{9}$"', 'pattern: "^[0-9"'),
            r"fields\[1\]\.pattern .* is not a regular expression",
        ),
        (("mapping", "lang: fr", "lang: not a tag"), r"fields\[0\]\.lang 'not a tag' is not a language tag"),
        (("mapping", "format: csv", 'format: csv\ndelimiter: ";;"'), r"delimiter must be one character, not ';;'"),
        (("csv", "La Fruitiere", "La Fruiti\udcffre"), r"labs\.csv:3: the file is not UTF-8"),
        (("csv", "La Fruitiere", "x" * 140_000), r"labs\.csv:\d+: field larger than field limit"),
        (("csv", "La Fruitiere,", '"La Fruitiere,'), r"labs\.csv:\d+: unexpected end of data"),
    ],
    ids=["bad regex", "bad language tag", "long delimiter", "not UTF-8", "field over 128 KB", "unterminated quote"],
)
def test_broken_merge_input_names_file_line_and_field_and_changes_nothing(
    project_settings: Settings, inputs: tuple[Path, Path], change: tuple[str, str, str], expected: str
) -> None:
    source, mapping = inputs
    which, old, new = change
    target = mapping if which == "mapping" else source
    text = target.read_text("utf-8")
    assert old in text
    target.write_bytes(text.replace(old, new).encode("utf-8", "surrogateescape"))
    before = snapshot(project_settings)
    with pytest.raises(MappingError, match=expected):
        merge(project_settings, source, mapping_file=mapping)
    assert snapshot(project_settings) == before


def test_nul_bytes_and_impossible_years_are_malformed_records(
    project_settings: Settings, inputs: tuple[Path, Path]
) -> None:
    source, mapping = inputs
    text = CSV_TEXT.replace("La Fruitiere,,2018", "La Fruiti\x00ere,,2018").replace(
        "new,Laboratoire des territoires de demain,,2022", "new,Laboratoire des territoires de demain,,notayear"
    )
    source.write_text(text, encoding="utf-8")
    report = merge(project_settings, source, mapping_file=mapping, dry_run=True)
    reasons = {m.line: m.reason for m in report.malformed}
    assert reasons[3] == "name holds a control character (such as NUL)"
    assert reasons[5] == "founded='notayear' is not a valid gYear"
