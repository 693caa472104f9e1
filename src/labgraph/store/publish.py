"""``labgraph publish``: load a release into a SPARQL server, with the Graph Store Protocol or
SPARQL 1.1 Update.

Each named graph is replaced, then the default graph with the RDF merge of all of them, so the
server answers exactly as the embedded store does, whatever its own union-graph setting. A
server whose default graph is the union of all its graphs (Virtuoso) cannot hold that merge in
its default graph: ``default_graph`` names a graph to load it into instead, which the store then
names in its query URL (``?default-graph-uri=``).

A graph of a million triples cannot go in one request: the server stops reading the body while
it loads, for longer than any sensible timeout. So each graph is read from the release's on-disk
store as it is sent, in requests of at most ``chunk_triples`` triples: the first one replaces
the graph, the next ones add to it. Each request is a document of its own, whose blank nodes the
server cannot relate to another request's (blank node labels are scoped to one Graph Store
document, and to one SPARQL Update request), so all the triples of a group of linked blank nodes
travel together (only those triples are held in memory).

Two targets share that chunking, the progress messages and the errors (which name the graph,
the triples of the request and what the server said); only their requests differ:

* Graph Store Protocol (``via="graph-store"``): PUT ``?graph=G`` (or ``?default``) with the
  first chunk in N-Triples, then POSTs, which merge.
* SPARQL 1.1 Update (``via="update"``): ``DROP SILENT GRAPH <G>`` (``DROP SILENT DEFAULT``)
  and the insertion of the first chunk in one request, then one insertion per request; sent
  form-encoded (``update=``), the one form of the protocol every server must accept. N-Triples
  is valid SPARQL for the data, so chunks are serialized as they are for the Graph Store
  Protocol. Triples without blank nodes are inserted with ``INSERT DATA``, those with blank
  nodes with ``INSERT { … } WHERE {}`` (new blank nodes for the request, as INSERT DATA would
  make): Virtuoso 7.2 refuses blank nodes in INSERT DATA (SP031), although SPARQL 1.1 allows
  them (see :func:`_insertion`).

The connect timeout bounds only connecting; sending a body and waiting for the answer are
bounded by the read timeout, since the server may legitimately pause reading while it loads.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

import pyoxigraph as ox

from labgraph.engine import to_bytes
from labgraph.errors import LabgraphError

NTRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
#: About 10-20 MB of N-Triples per request: a few seconds of loading at most for the server.
CHUNK_TRIPLES = 100_000

Via = Literal["graph-store", "update"]
GraphName = ox.NamedNode | ox.DefaultGraph


@dataclass(frozen=True)
class Published:
    graphs: int
    triples: int  # in the named graphs
    default_triples: int  # in the merged default graph
    requests: int


def publish(
    release: Path,
    url: str,
    *,
    via: Via = "graph-store",
    default_graph: str | None = None,
    connect_timeout_s: float = 5.0,
    read_timeout_s: float = 600.0,
    chunk_triples: int = CHUNK_TRIPLES,
    progress: Callable[[str], None] | None = None,
) -> Published:
    """Replace every graph of the release on the server behind ``url``, one by one.

    ``url`` is a Graph Store Protocol endpoint, or with ``via="update"`` a SPARQL Update
    endpoint; ``default_graph`` is the named graph that receives the merged default graph
    (``None``: the server's default graph)."""
    if chunk_triples < 1:
        raise LabgraphError("chunk_triples must be at least 1")
    say = progress or (lambda _m: None)
    target = _target(via, url, connect_timeout_s, read_timeout_s)
    store = ox.Store.read_only(str(release / "store"))
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    merged_into, merged_name = _merged_graph(default_graph, graphs)
    total = 0
    for graph in graphs:
        node = ox.NamedNode(graph)
        total += _send_graph(target, _triples(store, node), node, f"graph <{graph}>", chunk_triples, say)
    merged = _send_graph(target, _triples(store, ox.DefaultGraph()), merged_into, merged_name, chunk_triples, say)
    return Published(len(graphs), total, merged, target.requests)


def merged_graph_of(query_url: str | None) -> str | None:
    """The graph a store's query URL reads as its default graph (its one ``default-graph-uri``),
    where ``labgraph publish`` should put the merged default graph so that the store finds it."""
    if not query_url:
        return None
    defaults = [v for k, v in parse_qsl(urlsplit(query_url).query) if k == "default-graph-uri"]
    return defaults[0] if len(defaults) == 1 else None


def _target(via: Via, url: str, connect_timeout_s: float, read_timeout_s: float) -> _Target:
    if via == "graph-store":
        return _GraphStore(url, connect_timeout_s, read_timeout_s)
    if via == "update":
        return _SparqlUpdate(url, connect_timeout_s, read_timeout_s)
    raise LabgraphError(f"publish via 'graph-store' or 'update', not {via!r}")


def _merged_graph(default_graph: str | None, graphs: list[str]) -> tuple[GraphName, str]:
    """Where the merged default graph goes, and how messages name it."""
    if default_graph is None:
        return ox.DefaultGraph(), "the default graph"
    if default_graph in graphs:
        raise LabgraphError(f"<{default_graph}> is a graph of the release: the merged default graph needs its own")
    try:
        return ox.NamedNode(default_graph), f"the default graph (into <{default_graph}>)"
    except ValueError as exc:
        raise LabgraphError(f"the graph for the merged default graph must be an absolute IRI: {exc}") from exc


def _triples(store: ox.Store, graph: GraphName) -> Iterator[ox.Triple]:
    return (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph))


def _send_graph(
    target: _Target,
    triples: Iterable[ox.Triple],
    graph: GraphName,
    name: str,
    chunk_triples: int,
    say: Callable[[str], None],
) -> int:
    """Replace one graph on the server with ``triples``, in chunks; the number of triples sent."""
    sent = requests = 0
    started = time.monotonic()
    for chunk in chunks(triples, chunk_triples):
        what = f"{name} (triples {sent + 1:,}-{sent + len(chunk):,})"
        (target.replace if requests == 0 else target.add)(graph, chunk, what)
        sent += len(chunk)
        requests += 1
        if requests > 1 or len(chunk) >= chunk_triples:
            say(f"{name}: {sent:,} triples sent…")
    if requests == 0:  # an empty graph is still replaced, by an empty one
        target.replace(graph, [], name)
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


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return to_bytes(triples, ox.RdfFormat.N_TRIPLES) if triples else b""


class _Target:
    """An endpoint that graphs are published to, reached with http.client so that connecting and
    sending have their own timeouts (requests/urllib3 bound sending the body by the connect
    timeout). Subclasses say how to replace a graph and how to add to it."""

    kind = "the server"

    def __init__(self, url: str, connect_timeout_s: float, read_timeout_s: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LabgraphError(f"the URL of {self.kind} must be http:// or https://, not {url!r}")
        self.url = url
        self.parts = parts
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.requests = 0

    def replace(self, graph: GraphName, triples: list[ox.Triple], what: str) -> None:
        """Make ``graph`` hold exactly ``triples`` (none: an empty graph)."""
        raise NotImplementedError

    def add(self, graph: GraphName, triples: list[ox.Triple], what: str) -> None:
        """Add ``triples`` to ``graph``."""
        raise NotImplementedError

    def send(self, method: str, params: dict[str, str], body: bytes, content_type: str, what: str, action: str) -> None:
        """One request; any failure is a LabgraphError naming ``what`` was sent and ``action``."""
        parts = self.parts
        query = "&".join(q for q in (parts.query, urlencode(params)) if q)
        path = (parts.path or "/") + (f"?{query}" if query else "")
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.connect_timeout_s)
        try:
            try:
                connection.connect()
            except OSError as exc:
                raise LabgraphError(f"cannot reach {self.kind} at {self.url} to send {what}: {exc}") from exc
            assert connection.sock is not None
            connection.sock.settimeout(self.read_timeout_s)
            connection.request(method, path, body=body, headers={"Content-Type": content_type})
            response = connection.getresponse()
            answer = response.read().decode("utf-8", "replace").strip()
        except TimeoutError as exc:
            raise LabgraphError(
                f"{self.kind} at {self.url} did not take {what} within {self.read_timeout_s:g} s"
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise LabgraphError(f"{self.kind} at {self.url} failed while loading {what}: {exc!r}") from exc
        finally:
            connection.close()
        self.requests += 1
        if response.status >= 300:
            raise LabgraphError(
                f"{self.kind} at {self.url} refused {what} ({action}): {response.status} {response.reason}: "
                f"{answer[:500]}{self.hint(answer)}"
            )

    def hint(self, answer: str) -> str:
        """What to do about a refusal the server explains obscurely ("" when nothing is known)."""
        return ""


class _GraphStore(_Target):
    """Graph Store Protocol: PUT replaces a graph, POST merges into it."""

    kind = "the graph store"

    def replace(self, graph: GraphName, triples: list[ox.Triple], what: str) -> None:
        self.send("PUT", _graph_param(graph), _ntriples(triples), NTRIPLES, what, "PUT")

    def add(self, graph: GraphName, triples: list[ox.Triple], what: str) -> None:
        self.send("POST", _graph_param(graph), _ntriples(triples), NTRIPLES, what, "POST")


def _graph_param(graph: GraphName) -> dict[str, str]:
    return {"graph": graph.value} if isinstance(graph, ox.NamedNode) else {"default": ""}


class _SparqlUpdate(_Target):
    """SPARQL 1.1 Update: DROP SILENT then an insertion replace a graph, an insertion adds to it."""

    kind = "the SPARQL update endpoint"

    def replace(self, graph: GraphName, triples: list[ox.Triple], what: str) -> None:
        target = "DEFAULT" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph}"
        update, action = f"DROP SILENT {target}".encode(), "DROP SILENT"
        if triples:
            insert, verb = _insertion(graph, triples)
            update, action = update + b" ;\n" + insert, f"{action}, {verb}"
        self._post(update, action=action, what=what)

    def add(self, graph: GraphName, triples: list[ox.Triple], what: str) -> None:
        insert, verb = _insertion(graph, triples)
        self._post(insert, action=verb, what=what)

    def hint(self, answer: str) -> str:
        if "SP030" in answer and "memory exhausted" in answer:
            return (
                " (Virtuoso's SPARQL compiler takes about 4,900 triples a request: lower chunk_triples, "
                "--chunk-triples, e.g. to 2000)"
            )
        return ""

    def _post(self, update: bytes, *, action: str, what: str) -> None:
        # '/' and ':' fill IRIs and need no escaping in a form body: the body stays smaller.
        self.send("POST", {}, urlencode({"update": update}, safe="/:").encode("ascii"), FORM, what, action)


def _insertion(graph: GraphName, triples: list[ox.Triple]) -> tuple[bytes, str]:
    """The update that adds the triples to the graph, and its name for messages.

    Triples without blank nodes go in INSERT DATA. Those with blank nodes go in
    ``INSERT { … } WHERE {}``, whose template is instantiated once (for the one empty solution),
    so each label gives one new blank node as INSERT DATA would: Virtuoso 7.2 refuses blank
    nodes in INSERT DATA (SP031), and its template form merges literals of equal value
    (``"2018"^^xsd:gYear`` became ``"2018-01"^^xsd:gYearMonth`` beside it), so that form
    carries only the triples that need it."""
    plain = [t for t in triples if not _blank_nodes(t)]
    linked = [t for t in triples if _blank_nodes(t)]
    operations: list[bytes] = []
    verbs: list[str] = []
    if plain:
        operations.append(b"INSERT DATA {\n%s}" % _graph_block(graph, plain))
        verbs.append("INSERT DATA")
    if linked:
        operations.append(b"INSERT {\n%s} WHERE {}" % _graph_block(graph, linked))
        verbs.append("INSERT WHERE {}")
    return b" ;\n".join(operations), ", ".join(verbs)


def _graph_block(graph: GraphName, triples: list[ox.Triple]) -> bytes:
    """The triples as SPARQL quad data: N-Triples, inside ``GRAPH <g> { }`` for a named graph."""
    data = _ntriples(triples)
    return b"GRAPH %s {\n%s}" % (str(graph).encode(), data) if isinstance(graph, ox.NamedNode) else data
