"""Typed calls into the embedded engine (pyoxigraph) for the queries labgraph writes itself.

pyoxigraph's ``Store.query`` returns solutions, a boolean or triples, and ``serialize`` returns
bytes or None, whatever the query or the call: these helpers say which one the caller expects and
fail loudly if the engine answers otherwise, so no caller iterates over a boolean by mistake.

Part of the foundation: imports pyoxigraph and nothing of labgraph.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox


def solutions(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """The solutions of a SELECT."""
    results = store.query(query, **options)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError(f"a SELECT was expected, the engine answered {type(results).__name__}")
    return results


def triples(store: ox.Store, query: str, **options: Any) -> ox.QueryTriples:
    """The triples of a CONSTRUCT or DESCRIBE."""
    results = store.query(query, **options)
    if not isinstance(results, ox.QueryTriples):
        raise TypeError(f"a CONSTRUCT was expected, the engine answered {type(results).__name__}")
    return results


def to_bytes(
    statements: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat, **options: Any
) -> bytes:
    """Statements serialized in memory (``ox.serialize`` without an output)."""
    body = ox.serialize(statements, format=format, **options)
    assert body is not None  # no output given: the bytes are returned
    return body


def results_bytes(results: ox.QuerySolutions | ox.QueryBoolean, format: ox.QueryResultsFormat) -> bytes:
    """Query results serialized in memory."""
    body = results.serialize(format=format)
    assert body is not None
    return body
