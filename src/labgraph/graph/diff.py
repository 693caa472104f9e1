"""What changed between two releases: the quads added and removed, grouped by resource.

Two N-Quads dumps are compared quad by quad, per named graph (a triple that moves from one
source document to another is removed from one graph and added to the other). The graphs the
build computes (entailment, similarity) are left out: they are derived from the others, so their
changes follow theirs and would only repeat them.

Blank nodes have no identity across releases (each dump labels them afresh), so each one is
named by a hash of what it says (its predicates and objects, recursively for the blank nodes it
points to, and the graph it is said in): the same ``[ ... ]`` structure gets the same label in
both releases and does not show as changed, and a changed one shows as the old structure removed
and the new one added. A blank node's statements are grouped under the IRI that owns it (the
subject that points to it, followed up to the first IRI), so a resource's group holds its
addresses and memberships too. The labels are stable only within this comparison: RDF Patch
leaves blank nodes to the system that applies it, and a patch with them is a record of the
change rather than something to replay on another store.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

Key = ox.Quad
#: Most levels of nested blank nodes followed when naming one (deeper ones are hashed as "deep").
MAX_DEPTH = 16


@dataclass
class Snapshot:
    """The asserted quads of one release, blank nodes named by content, and who owns what."""

    quads: set[Key]
    owner: dict[str, str]  # blank-node label -> the IRI (or top blank node) it hangs from
    #: IRI -> its dct:isReplacedBy, for the stubs a merge leaves (nothing said but STUB's terms)
    replaced: dict[str, str] = field(default_factory=dict)

    def group_of(self, term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
        if isinstance(term, ox.NamedNode):
            return term.value
        return self.owner.get(str(term), str(term))

    def subjects(self) -> set[str]:
        """Every IRI that is the subject of a statement, directly or through its blank nodes."""
        return {g for q in self.quads if not (g := self.group_of(q.subject)).startswith("_:")}


IS_REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
#: What a merged structure's stub may still say beside ``dct:isReplacedBy``. A resource that says
#: more is a resource of its own (an event that gave way to another activity keeps its page).
STUB = {
    IS_REPLACED_BY,
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/ns/prov#wasDerivedFrom",
}


def read(path: Path | None, skip_graphs: Collection[str]) -> Snapshot:
    """A release's N-Quads dump, without the graphs ``skip_graphs``; an empty snapshot for None."""
    if path is None:
        return Snapshot(set(), {})
    skip = {ox.NamedNode(graph) for graph in skip_graphs}
    raw = [q for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS) if q.graph_name not in skip]
    outgoing: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    parent: dict[ox.BlankNode, ox.NamedNode | ox.BlankNode] = {}
    replaced: dict[str, str] = {}
    says: dict[str, set[str]] = defaultdict(set)
    for q in raw:
        if isinstance(q.subject, ox.NamedNode):
            says[q.subject.value].add(q.predicate.value)
        if isinstance(q.subject, ox.BlankNode):
            outgoing[q.subject].append(q)
        if isinstance(q.object, ox.BlankNode) and isinstance(q.subject, ox.NamedNode | ox.BlankNode):
            parent.setdefault(q.object, q.subject)
        if q.predicate.value == IS_REPLACED_BY and isinstance(q.object, ox.NamedNode):
            replaced[q.subject.value if isinstance(q.subject, ox.NamedNode) else str(q.subject)] = q.object.value
    replaced = {iri: target for iri, target in replaced.items() if says[iri] <= STUB}
    if not outgoing and not parent:
        return Snapshot(set(raw), {}, replaced)
    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def label(node: ox.BlankNode, depth: int = 0) -> ox.BlankNode:
        if node in labels:
            return labels[node]
        if depth > MAX_DEPTH:
            return ox.BlankNode("deep")
        lines = sorted(
            f"{q.predicate} {label(q.object, depth + 1) if isinstance(q.object, ox.BlankNode) else q.object} "
            f"{q.graph_name}"
            for q in outgoing.get(node, ())
        )
        named = ox.BlankNode("h" + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:24])
        labels[node] = named
        return named

    def relabel(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        return label(term) if isinstance(term, ox.BlankNode) else term

    quads: set[Key] = set()
    for q in raw:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            quads.add(ox.Quad(relabel(q.subject), q.predicate, relabel(q.object), q.graph_name))  # type: ignore[arg-type]
        else:
            quads.add(q)
    owner: dict[str, str] = {}
    for node in labels:
        top: ox.NamedNode | ox.BlankNode = node
        seen: set[ox.NamedNode | ox.BlankNode] = {node}
        while isinstance(top, ox.BlankNode) and top in parent and parent[top] not in seen:
            top = parent[top]
            seen.add(top)
        owner[str(labels[node])] = top.value if isinstance(top, ox.NamedNode) else str(label(top))
    return Snapshot(quads, owner, replaced)


@dataclass
class Diff:
    """Quads added and removed, by group (the IRI of the resource they are about)."""

    added: dict[str, list[ox.Quad]]
    removed: dict[str, list[ox.Quad]]

    @property
    def counts(self) -> tuple[int, int]:
        return sum(map(len, self.added.values())), sum(map(len, self.removed.values()))

    def changed(self) -> Counter[str]:
        """Group -> number of quads added or removed, largest first when asked ``most_common``."""
        tally: Counter[str] = Counter()
        for side in (self.added, self.removed):
            for group, quads in side.items():
                tally[group] += len(quads)
        return tally


def compare(old: Snapshot, new: Snapshot) -> Diff:
    """The change from ``old`` to ``new``, each group's quads sorted (the same inputs give the
    same bytes)."""
    added: dict[str, list[ox.Quad]] = defaultdict(list)
    removed: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in new.quads - old.quads:
        added[new.group_of(q.subject)].append(q)
    for q in old.quads - new.quads:
        removed[old.group_of(q.subject)].append(q)
    for side in (added, removed):
        for quads in side.values():
            quads.sort(key=str)
    return Diff(dict(sorted(added.items())), dict(sorted(removed.items())))


def nquad(q: ox.Quad) -> str:
    return f"{q} ."  # Oxigraph leaves the default graph out


def ntriple(q: ox.Quad) -> str:
    return f"{q.triple} ."


def rdf_patch(diff: Diff, number: int, previous: int | None) -> str:
    """The change as an RDF Patch (https://afs.github.io/rdf-patch/): a header naming this
    release and the one it applies to, then one transaction of deletions and additions."""
    lines = [f"H id <urn:labgraph:release:{number}> ."]
    if previous is not None:
        lines.append(f"H prev <urn:labgraph:release:{previous}> .")
    lines.append("TX .")
    lines += [f"D {nquad(q)}" for quads in diff.removed.values() for q in quads]
    lines += [f"A {nquad(q)}" for quads in diff.added.values() for q in quads]
    lines.append("TC .")
    return "\n".join(lines) + "\n"
