"""``labgraph publish``: load a release into a SPARQL server with the Graph Store Protocol.

Each named graph is replaced with an HTTP PUT of its Turtle (``?graph=``), then the default
graph with the RDF merge of all of them (``?default``), so the server answers exactly as the
embedded store does, whatever its own union-graph setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from labgraph.errors import LabgraphError

TURTLE = "text/turtle; charset=utf-8"


@dataclass(frozen=True)
class Published:
    graphs: int
    triples: int


def publish(
    release: Path,
    graph_store: str,
    *,
    connect_timeout_s: float = 5.0,
    read_timeout_s: float = 600.0,
    progress: Callable[[str], None] | None = None,
) -> Published:
    say = progress or (lambda _m: None)
    store = ox.Store.read_only(str(release / "store"))
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    total = 0
    session = requests.Session()
    for graph in graphs:
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        ]
        _put(
            session,
            graph_store,
            {"graph": graph},
            ox.serialize(triples, format=ox.RdfFormat.TURTLE),
            (connect_timeout_s, read_timeout_s),
        )
        total += len(triples)
        say(f"{graph}: {len(triples)} triples")
    merged = (release / "labgraph.ttl").read_bytes()
    _put(session, graph_store, {"default": ""}, merged, (connect_timeout_s, read_timeout_s))
    say("default graph: the merge of all graphs")
    return Published(len(graphs), total)


def _put(
    session: requests.Session, url: str, params: dict[str, str], body: bytes, timeout: tuple[float, float]
) -> None:
    try:
        response = session.put(url, params=params, data=body, headers={"Content-Type": TURTLE}, timeout=timeout)
    except requests.ConnectionError as exc:
        raise LabgraphError(f"cannot reach the graph store at {url}: {exc}") from exc
    except requests.Timeout as exc:
        raise LabgraphError(f"the graph store at {url} did not answer in time") from exc
    if response.status_code >= 300:
        raise LabgraphError(f"the graph store at {url} refused {params}: {response.status_code} {response.text[:300]}")
