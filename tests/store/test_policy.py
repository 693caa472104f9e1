"""The query gate: what it refuses, what it lets through, and how it rewrites for remote servers."""

from __future__ import annotations

import pytest

from labgraph.errors import QueryForbidden, QueryRejected, QueryTooLarge
from labgraph.store.policy import (
    QueryForm,
    cap_rows,
    ends_with_slice,
    group_start,
    has_relative_iri,
    inspect,
)


def gate(text: str, allow: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return inspect(text, max_bytes=4096, max_nesting=32, service_allowlist=allow)


@pytest.mark.parametrize(
    "text,form",
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryForm.SELECT),
        ("prefix ex: <http://e/> ask { ex:a ex:b ex:c }", QueryForm.ASK),
        ("# a comment with SERVICE <http://x/>\nCONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ("BASE <http://e/> DESCRIBE <a>", QueryForm.DESCRIBE),
    ],
)
def test_query_forms(text: str, form: QueryForm) -> None:
    assert gate(text).form is form


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1/>" AS ?x) }',
        "SELECT ?x WHERE { BIND('''SERVICE <http://127.0.0.1/>''' AS ?x) }",
        "SELECT ?service WHERE { ?service <http://e/p> ?o }",
        "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:SERVICE ?o }",
        'SELECT * WHERE { ?s ?p "x"@service }',
        "SELECT * WHERE { ?s <http://e/SERVICE> ?o }",
    ],
)
def test_service_as_data_is_not_a_keyword(text: str) -> None:
    assert gate(text).services == ()


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:1/> { } }",
        "SELECT * WHERE { SERVICE ?endpoint { } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/> { } }",
        "SELECT * WHERE { OPTIONAL { SELECT * { SERVICE <http://[::1]/> { } } } }",
        "SELECT * WHERE {SERVICE<http://localhost/>{?s?p?o}}",
    ],
)
def test_service_outside_the_allow_list_is_refused(text: str) -> None:
    with pytest.raises(QueryRejected) as caught:
        gate(text)
    assert isinstance(caught.value, QueryForbidden) and caught.value.setting == "service_allowlist"


def test_allow_listed_service_passes() -> None:
    info = gate(
        "SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }", allow=("http://127.0.0.1:7878/query",)
    )
    assert info.services == ("http://127.0.0.1:7878/query",)


@pytest.mark.parametrize(
    "text,kind,setting",
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", QueryRejected, None),
        ("PREFIX a: <a:> DELETE WHERE { ?s ?p ?o }", QueryRejected, None),
        ("LOAD <http://127.0.0.1/x>", QueryRejected, None),
        ("   ", QueryRejected, None),
        ("SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000, QueryTooLarge, "max_query_bytes"),
        ("SELECT * WHERE " + "{" * 40 + "}" * 40, QueryRejected, "max_nesting"),
        ("SELECT * WHERE { FILTER(" + "(" * 40 + "1" + ")" * 40 + ") }", QueryRejected, "max_nesting"),
    ],
)
def test_refusals(text: str, kind: type[QueryRejected], setting: str | None) -> None:
    with pytest.raises(QueryRejected) as caught:
        gate(text)
    assert (type(caught.value), caught.value.setting) == (kind, setting)


def test_not_a_query_is_left_to_the_engine_parser() -> None:
    assert gate("SELEC ?x WHERE {}").form is None


def test_dataset_clause_and_limit() -> None:
    info = gate("SELECT * FROM <http://g> WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 5 } } ORDER BY ?s LIMIT 20")
    assert info.has_dataset_clause and info.limit == 20
    assert gate("SELECT * WHERE { { SELECT * { ?s ?p ?o } LIMIT 5 } }").limit is None


@pytest.mark.parametrize(
    "text,expected_tail",
    [
        ("SELECT * WHERE { ?s ?p ?o }", "LIMIT 11"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 500", "LIMIT 11"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 3", "LIMIT 3"),
        ("SELECT * WHERE { ?s ?p ?o } OFFSET 4", "OFFSET 4\nLIMIT 11"),
        ("SELECT * WHERE { { SELECT * { ?s ?p ?o } LIMIT 500 } }", "LIMIT 500 } }\nLIMIT 11"),
    ],
)
def test_cap_rows(text: str, expected_tail: str) -> None:
    assert cap_rows(text, 11).strip().endswith(expected_tail)


def test_cap_rows_goes_before_a_final_values_clause() -> None:
    capped = cap_rows("SELECT * WHERE { ?s ?p ?o } VALUES ?s { <a:b> }", 11)
    assert capped.index("LIMIT 11") < capped.index("VALUES")


def test_helpers() -> None:
    assert has_relative_iri("CONSTRUCT { <s> <p> 1 } WHERE {}")
    assert not has_relative_iri("SELECT * WHERE { <http://a/s> ?p ?o }")
    text = "PREFIX x: <http://x/> SELECT * WHERE { ?s ?p ?o }"
    assert text[group_start(text) - 1] == "{" and text[: group_start(text)].endswith("WHERE {")
    assert ends_with_slice("SELECT * { ?s ?p ?o } OFFSET 2") and not ends_with_slice(
        "SELECT * { { SELECT * {} LIMIT 1 } }"
    )
