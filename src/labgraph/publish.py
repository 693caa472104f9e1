"""``labgraph publish``: load a release into a SPARQL server with the Graph Store Protocol.

Each named graph is replaced (``?graph=``), then the default graph with the RDF merge of all of
them (``?default``), so the server answers exactly as the embedded store does, whatever its own
union-graph setting.

A graph of a million triples cannot go in one request: the server stops reading the body while
it loads, for longer than any sensible timeout. So each graph is read from the release's on-disk
store as it is sent, in N-Triples requests of at most ``chunk_triples`` triples: the first one
replaces the graph (PUT), the next ones add to it (POST merges). Each request is a document of
its own, whose blank nodes the server cannot relate to another request's, so all the triples of
a group of linked blank nodes travel together (only those triples are held in memory).

The connect timeout bounds only connecting; sending a body and waiting for the answer are
bounded by the read timeout, since the server may legitimately pause reading while it loads.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from labgraph.errors import LabgraphError

NTRIPLES = "application/n-triples"
#: About 10-20 MB of N-Triples per request: a few seconds of loading at most for the server.
CHUNK_TRIPLES = 100_000


@dataclass(frozen=True)
class Published:
    graphs: int
    triples: int  # in the named graphs
    default_triples: int  # in the merged default graph
    requests: int


def publish(
    release: Path,
    graph_store: str,
    *,
    connect_timeout_s: float = 5.0,
    read_timeout_s: float = 600.0,
    chunk_triples: int = CHUNK_TRIPLES,
    progress: Callable[[str], None] | None = None,
) -> Published:
    """Replace every graph of the release on the server behind ``graph_store``, one by one."""
    if chunk_triples < 1:
        raise LabgraphError("chunk_triples must be at least 1")
    say = progress or (lambda _m: None)
    target = _GraphStore(graph_store, connect_timeout_s, read_timeout_s)
    store = ox.Store.read_only(str(release / "store"))
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    total = 0
    for graph in graphs:
        total += _send_graph(target, store, ox.NamedNode(graph), f"graph <{graph}>", chunk_triples, say)
    merged = _send_graph(target, store, ox.DefaultGraph(), "the default graph", chunk_triples, say)
    return Published(len(graphs), total, merged, target.requests)


def _send_graph(
    target: _GraphStore,
    store: ox.Store,
    graph: ox.NamedNode | ox.DefaultGraph,
    name: str,
    chunk_triples: int,
    say: Callable[[str], None],
) -> int:
    """Send one graph in chunks; the number of triples sent."""
    params = {"graph": graph.value} if isinstance(graph, ox.NamedNode) else {"default": ""}
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph))
    sent = requests = 0
    started = time.monotonic()
    for chunk in chunks(triples, chunk_triples):
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
        target.send(
            "PUT" if requests == 0 else "POST", params, body, f"{name} (triples {sent + 1:,}-{sent + len(chunk):,})"
        )
        sent += len(chunk)
        requests += 1
        if requests > 1 or len(chunk) >= chunk_triples:
            say(f"{name}: {sent:,} triples sent…")
    if requests == 0:  # an empty graph is still replaced, by an empty one
        target.send("PUT", params, b"", name)
    more = f" in {requests} requests, {time.monotonic() - started:.1f} s" if requests > 1 else ""
    say(f"{name}: {sent:,} triples{more}")
    return sent


def chunks(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """The triples in lists of at most ``size``, except that the triples linked by blank nodes
    stay in one list (which may then be longer). Triples without blank nodes are passed on as
    they come; those with blank nodes are held until the end, grouped by connected blank nodes."""
    chunk: list[ox.Triple] = []
    linked: list[tuple[ox.BlankNode, ox.Triple]] = []
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        nodes = _blank_nodes(triple)
        if not nodes:
            chunk.append(triple)
            if len(chunk) >= size:
                yield chunk
                chunk = []
            continue
        first = root(nodes[0])
        for other in nodes[1:]:
            parent[root(other)] = first
        linked.append((nodes[0], triple))
    groups: dict[ox.BlankNode, list[ox.Triple]] = {}
    for node, triple in linked:
        groups.setdefault(root(node), []).append(triple)
    for group in groups.values():
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _blank_nodes(triple: ox.Triple) -> list[ox.BlankNode]:
    """The blank nodes of a triple, inside quoted triples too."""
    found: list[ox.BlankNode] = []
    for term in (triple.subject, triple.object):
        if isinstance(term, ox.BlankNode):
            found.append(term)
        elif isinstance(term, ox.Triple):
            found.extend(_blank_nodes(term))
    return found


class _GraphStore:
    """A Graph Store Protocol endpoint, reached with http.client so that connecting and sending
    have their own timeouts (requests/urllib3 bound sending the body by the connect timeout)."""

    def __init__(self, url: str, connect_timeout_s: float, read_timeout_s: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LabgraphError(f"the graph store URL must be http:// or https://, not {url!r}")
        self.url = url
        self.parts = parts
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.requests = 0

    def send(self, method: str, params: dict[str, str], body: bytes, what: str) -> None:
        parts = self.parts
        query = "&".join(q for q in (parts.query, urlencode(params)) if q)
        path = f"{parts.path or '/'}?{query}"
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.connect_timeout_s)
        try:
            try:
                connection.connect()
            except OSError as exc:
                raise LabgraphError(f"cannot reach the graph store at {self.url} to send {what}: {exc}") from exc
            assert connection.sock is not None
            connection.sock.settimeout(self.read_timeout_s)
            connection.request(method, path, body=body, headers={"Content-Type": NTRIPLES})
            response = connection.getresponse()
            answer = response.read().decode("utf-8", "replace").strip()
        except TimeoutError as exc:
            raise LabgraphError(
                f"the graph store at {self.url} did not take {what} within {self.read_timeout_s:g} s"
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise LabgraphError(f"the graph store at {self.url} failed while loading {what}: {exc!r}") from exc
        finally:
            connection.close()
        self.requests += 1
        if response.status >= 300:
            raise LabgraphError(
                f"the graph store at {self.url} refused {what} ({method}): {response.status} {response.reason}: "
                f"{answer[:500]}"
            )
