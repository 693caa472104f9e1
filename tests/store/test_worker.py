"""The query worker's single evaluation: results that fit are run once and written by Oxigraph;
only a result over ``max_rows`` is run again, capped."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from labgraph.store.formats import RESULTS_FORMATS
from labgraph.store.policy import inspect
from labgraph.store.worker import Job, exact_rows, exceeds, execute

MAX_ROWS = 10
P = ox.NamedNode("http://example.org/p")
TRICKY = 'a},{"b"}},{"\n<result>\r\n},{'  # row separators of every format, inside a literal


def job(text: str, media_type: str = "application/sparql-results+json", services: tuple[str, ...] = ()) -> Job:
    """The job the embedded store would send for this query."""
    max_rows = MAX_ROWS
    info = inspect(text, max_bytes=100_000, max_nesting=64, service_allowlist=services)
    return Job(
        text=text,
        media_type=media_type,
        default_graphs=(),
        named_graphs=(),
        max_rows=max_rows,
        single_pass=info.limit is not None and info.limit <= max_rows,
        select=info.form is not None and info.form.value == "SELECT",
    )


def store_with(rows: int, literal: str = "x") -> ox.Store:
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"http://example.org/s{i:03d}"), P, ox.Literal(f"{literal}{i}"), ox.DefaultGraph())
        for i in range(rows)
    )
    return store


def rows_of(body: bytes, media_type: str) -> list[dict[str, str]]:
    if media_type == "text/csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
    results = ox.parse_query_results(body, format=RESULTS_FORMATS[media_type])
    names = [v.value for v in results.variables]  # type: ignore[union-attr]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]  # type: ignore[union-attr]


@pytest.mark.parametrize("media_type", sorted(RESULTS_FORMATS))
@pytest.mark.parametrize("count,truncated", [(MAX_ROWS - 1, False), (MAX_ROWS, False), (MAX_ROWS + 1, True)])
def test_rows_up_to_max_rows_are_whole_and_one_more_is_cut(media_type: str, count: int, truncated: bool) -> None:
    outcome = execute(store_with(count, TRICKY), job("SELECT ?s ?o WHERE { ?s ?p ?o }", media_type))
    assert outcome.truncated is truncated
    rows = rows_of(outcome.body, media_type)
    assert len(rows) == min(count, MAX_ROWS)
    assert all(row["o"].startswith(TRICKY) for row in rows)
    if outcome.count is not None:
        assert outcome.count == len(rows)


@pytest.mark.parametrize("media_type", sorted(RESULTS_FORMATS))
def test_separators_inside_literals_do_not_make_a_fitting_result_look_cut(media_type: str) -> None:
    # Each literal holds several row separators: a byte count alone would see far more rows.
    literal = TRICKY * 20
    outcome = execute(store_with(MAX_ROWS, literal), job("SELECT ?o WHERE { ?s ?p ?o }", media_type))
    assert not outcome.truncated
    assert sorted(row["o"] for row in rows_of(outcome.body, media_type)) == sorted(
        f"{literal}{i}" for i in range(MAX_ROWS)
    )


def test_order_offset_and_trailing_values_are_kept_when_capping() -> None:
    store = store_with(30)
    text = (
        "SELECT ?s ?k WHERE { ?s ?p ?o } ORDER BY DESC(?s) OFFSET 2\n"
        "VALUES ?k { 1 }"
    )
    outcome = execute(store, job(text))
    assert outcome.truncated
    subjects = [row["s"] for row in rows_of(outcome.body, "application/sparql-results+json")]
    assert subjects == [f"http://example.org/s{i:03d}" for i in range(27, 17, -1)]


def test_a_limit_above_max_rows_is_lowered_and_one_below_is_kept() -> None:
    store = store_with(30)
    above = execute(store, job("SELECT * WHERE { ?s ?p ?o } LIMIT 25"))
    assert above.truncated and len(rows_of(above.body, "application/sparql-results+json")) == MAX_ROWS
    below = execute(store, job("SELECT * WHERE { ?s ?p ?o } LIMIT 7"))
    assert not below.truncated and len(rows_of(below.body, "application/sparql-results+json")) == 7


class CountingStore:
    """A real store that counts the queries it is asked to evaluate (the serializer reads each whole)."""

    def __init__(self) -> None:
        self.inner = ox.Store()
        self.texts: list[str] = []

    def query(self, text: str, **options: object) -> object:
        self.texts.append(text)
        return self.inner.query(text, **options)  # type: ignore[arg-type]


def test_a_fitting_result_is_evaluated_once_and_a_cut_one_twice() -> None:
    def run(values: int) -> tuple[bool, list[str]]:
        store = CountingStore()
        numbers = " ".join(str(i) for i in range(values))
        outcome = execute(store, job(f"SELECT ?n WHERE {{ VALUES ?n {{ {numbers} }} }}"))  # type: ignore[arg-type]
        assert len(rows_of(outcome.body, "application/sparql-results+json")) == min(values, MAX_ROWS)
        return outcome.truncated, store.texts

    fitting, texts = run(MAX_ROWS)
    assert not fitting and len(texts) == 1 and texts[0].rstrip().endswith(f"LIMIT {MAX_ROWS + 1}")
    cut, texts = run(MAX_ROWS + 5)
    assert cut and len(texts) == 2 and texts[1].rstrip().endswith(f"LIMIT {MAX_ROWS}")


def test_a_syntax_error_points_into_the_clients_own_text() -> None:
    text = "SELECT * WHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as capped:
        execute(ox.Store(), job(text))
    with pytest.raises(SyntaxError) as direct:
        ox.Store().query(text)
    assert str(capped.value) == str(direct.value)


def test_graph_results_are_cut_at_max_rows_triples() -> None:
    outcome = execute(store_with(25), job("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"))
    assert outcome.truncated and outcome.count == MAX_ROWS
    assert len(outcome.body.decode().strip().splitlines()) == MAX_ROWS


def test_row_counting_helpers_on_empty_and_all_unbound_rows() -> None:
    store = ox.Store()
    for fmt in RESULTS_FORMATS.values():
        empty = store.query("SELECT ?x WHERE { FILTER(false) }").serialize(format=fmt)
        unbound = store.query("SELECT ?x WHERE { VALUES ?y { 1 2 3 } }").serialize(format=fmt)
        assert not exceeds(empty, fmt, 0)
        assert exceeds(unbound, fmt, 2) and not exceeds(unbound, fmt, 3)
        assert exact_rows(unbound, fmt) in (3, None)
    assert json.loads(store.query("SELECT ?x WHERE { VALUES ?y { 1 2 3 } }").serialize(
        format=ox.QueryResultsFormat.JSON))["results"]["bindings"] == [{}, {}, {}]


def test_a_worker_that_cannot_fork_says_so_and_goes_on_answering(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool asks an idle worker to fork a new one; when the system refuses a process, the
    worker answers so (the pool keeps it) instead of dying with its pipe."""
    import errno
    import multiprocessing
    import os
    import signal
    import threading
    from multiprocessing import reduction
    from pathlib import Path

    from labgraph.store.worker import FORK, LoadSpec, serve

    ours, theirs = multiprocessing.Pipe()
    replies: list[tuple[str, object]] = []

    def pool_side() -> None:
        assert ours.recv()[0] == "ready"
        kept, passed = multiprocessing.Pipe()
        ours.send(FORK)
        reduction.send_handle(ours, passed.fileno(), os.getpid())
        passed.close()
        replies.append(ours.recv())
        ours.send(job("SELECT * WHERE { ?s ?p ?o }", "text/tab-separated-values"))
        replies.append(ours.recv())
        ours.close()
        kept.close()

    def refuse() -> int:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    previous = signal.getsignal(signal.SIGCHLD)
    thread = threading.Thread(target=pool_side, daemon=True)
    thread.start()
    try:
        serve(theirs, LoadSpec(Path("unused")), store_with(3))  # signal handlers: main thread only
    finally:
        signal.signal(signal.SIGCHLD, previous)
        thread.join(timeout=10)
    assert replies[0] == ("failed", "cannot fork a query worker: Resource temporarily unavailable")
    status, outcome = replies[1]
    assert status == "ok" and outcome.count == 3  # type: ignore[attr-defined]
