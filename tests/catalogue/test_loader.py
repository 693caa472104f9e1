"""The catalogue loader's rules for a query file, each shown failing on a small file."""

from __future__ import annotations

from pathlib import Path

import pytest

from labgraph import catalogue

from ..conftest import ROOT

HEADER = """#+ title: {fr: "Essai", en: "Test"}
#+ description: {fr: "Essai", en: "Test"}
#+ row: {fr: "une ligne", en: "one row"}
#+ params:
#+   - name: %s
#+     type: language
#+     description: {fr: "Langue", en: "Language"}
SELECT ?s WHERE { ?s ?p ?o FILTER(LANGMATCHES(LANG(?o), ?%s)) } ORDER BY ?s
"""


@pytest.mark.parametrize("name", sorted(catalogue.RESERVED))
def test_a_parameter_may_not_take_a_name_the_web_api_keeps(tmp_path: Path, name: str) -> None:
    """The API reads page, per_page, format and lang itself, so a parameter so named would be
    dropped on the web while the command line passed it: the loader refuses the file."""
    path = tmp_path / "reserved.rq"
    path.write_text(HEADER % (name, name), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match=rf"parameter name '{name}' is reserved by the web API"):
        catalogue.parse(path)


def test_the_same_file_loads_with_another_name(tmp_path: Path) -> None:
    path = tmp_path / "fine.rq"
    path.write_text(HEADER % ("language", "language"), encoding="utf-8")
    assert [p.name for p in catalogue.parse(path).params] == ["language"]


def test_no_catalogue_query_uses_a_reserved_name() -> None:
    names = {p.name for q in catalogue.load(ROOT / "queries").values() for p in q.params}
    assert names & catalogue.RESERVED == set()
