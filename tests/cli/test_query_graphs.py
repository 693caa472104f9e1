"""``labgraph query`` on CONSTRUCT and DESCRIBE files: a graph prints as RDF, Turtle by default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from labgraph.config import Settings

from ..conftest import BASE
from .test_cli import labgraph

LG = BASE + "def/"
ACCO = URIRef(BASE + "id/lab/acco-lab")
CONSTRUCT = f"CONSTRUCT {{ ?lab a <{LG}Lab> }} WHERE {{ ?lab a <{LG}Lab> }}"


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_construct_prints_turtle_by_default(built, real_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = labgraph(real_settings, "query", _file(tmp_path, CONSTRUCT))
    assert done.returncode == 0, done.stderr
    graph = Graph().parse(data=done.stdout, format="turtle")
    labs = set(graph.subjects(RDF.type, URIRef(LG + "Lab")))
    assert ACCO in labs and len(labs) >= 21
    assert f"{len(graph)} triple(s)" in done.stderr


@pytest.mark.parametrize(
    "fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("json", "json-ld"), ("rdf", "xml")]
)
def test_describe_in_each_rdf_format(built, real_settings: Settings, tmp_path: Path, fmt: str, parser: str) -> None:  # type: ignore[no-untyped-def]
    done = labgraph(real_settings, "query", _file(tmp_path, f"DESCRIBE <{ACCO}>"), "--format", fmt)
    assert done.returncode == 0, done.stderr
    graph = Graph().parse(data=done.stdout, format=parser)
    assert (ACCO, RDF.type, URIRef(LG + "Lab")) in graph
    if fmt == "json":
        assert isinstance(json.loads(done.stdout), (list, dict))


def test_formats_not_fitting_the_query_form_are_usage_errors(built, real_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    graph_query = labgraph(real_settings, "query", _file(tmp_path, CONSTRUCT), "--format", "csv")
    assert graph_query.returncode == 2
    assert "CONSTRUCT" in graph_query.stderr and "ttl" in graph_query.stderr and "Traceback" not in graph_query.stderr
    select = labgraph(real_settings, "query", "labs-by-kind", "--format", "ttl")
    assert select.returncode == 2 and "SELECT" in select.stderr and "csv" in select.stderr
    ask = labgraph(real_settings, "query", _file(tmp_path, f"ASK {{ <{ACCO}> a <{LG}Lab> }}"))
    assert ask.returncode == 0 and ask.stdout.strip() == "true"
