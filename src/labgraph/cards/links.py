"""The similarity links of a release: each card's neighbours with their reasons in both languages.

What the build writes into ``graph/similarity`` (:mod:`labgraph.graph.similarity`) and what the
web layer reads back from it (:func:`read_links`) are the same :class:`Link`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labgraph.cards import queries
from labgraph.cards.heap import paused_gc
from labgraph.cards.model import Card
from labgraph.cards.reasons import reasons
from labgraph.cards.similarity import TOP_K, Neighbour, similar
from labgraph.cards.source import Selects
from labgraph.uris import SIMILARITY_GRAPH
from labgraph.vocab import Vocabulary

BATCH = 400


@dataclass
class Link:
    source: str
    target: str
    rank: int
    score: float
    #: concept IRIs both hold (or one of the pair, for a shared network or host)
    concepts: list[str] = field(default_factory=list)
    #: the place both are in, when they share one
    place: str | None = None
    #: language -> sentence
    reasons: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "iri": self.target,
            "score": self.score,
            "sharedConcepts": self.concepts,
            "sharedPlace": self.place,
            "reasons": dict(sorted(self.reasons.items())),
        }


def compute_links(store: Selects, vocab: Vocabulary, cards: list[Card], k: int = TOP_K) -> list[Link]:
    """Every card's k best neighbours, sorted by source and rank."""
    with paused_gc():
        found = similar(cards, k)
        labels = _labels(store, vocab, cards, found)
        links = []
        for source in sorted(found):
            for n in found[source]:
                links.append(_link(n, labels))
        return links


def _link(n: Neighbour, labels: dict[str, dict[str, str]]) -> Link:
    place = n.near[1] if n.near else None
    concepts = [c for c in n.concepts if c not in (n.source, n.target)]
    return Link(n.source, n.target, n.rank, n.score, concepts, place, reasons(n, labels))


def _labels(
    store: Selects, vocab: Vocabulary, cards: list[Card], found: dict[str, list[Neighbour]]
) -> dict[str, dict[str, str]]:
    """Labels of everything a reason names: the cards' own, then the store for the rest (broader
    concepts, départements and régions are not on the cards)."""
    labels: dict[str, dict[str, str]] = {}
    for card in cards:
        labels[card.iri] = card.labels
        for f in card.fields.values():
            for value in f.values:
                if value.iri and value.labels:
                    labels[value.value] = value.labels
    wanted = sorted(
        {s.concept for ns in found.values() for n in ns for s in n.shared}
        | {n.near[1] for ns in found.values() for n in ns if n.near}
    )
    missing = [iri for iri in wanted if iri not in labels]
    for start in range(0, len(missing), BATCH):
        for row in store.select(queries.labels(vocab, missing[start : start + BATCH])):
            label = row["label"]
            labels.setdefault(row["x"].value, {}).setdefault(label.language or "", label.value)
    return labels


def read_links(store: Selects, vocab: Vocabulary) -> dict[str, list[Link]]:
    """Source IRI -> its links as the build wrote them in ``graph/similarity``, best first; empty
    for a release built before the graph existed. Three SELECTs whatever the graph's size."""
    prologue = "".join(f"PREFIX {p}: <{vocab.prefixes[p]}>\n" for p in ("lg", "graph"))
    where = f"GRAPH <{vocab.graph(SIMILARITY_GRAPH)}> {{ ?l a lg:Similarity ; "
    links: dict[str, Link] = {}
    core = "?from ?to ?score ?rank ?place WHERE { " + where + (
        "lg:similarityFrom ?from ; lg:similarityTo ?to ; lg:similarityScore ?score ; lg:rank ?rank . "
        "OPTIONAL { ?l lg:sharedPlace ?place } } }"
    )
    for row in store.select(prologue + "SELECT ?l " + core):
        links[row["l"].value] = Link(
            row["from"].value,
            row["to"].value,
            int(row["rank"].value),
            float(row["score"].value),
            place=row["place"].value if "place" in row else None,
        )
    for row in store.select(prologue + "SELECT ?l ?c WHERE { " + where + "lg:sharedConcept ?c } }"):
        if row["l"].value in links:
            links[row["l"].value].concepts.append(row["c"].value)
    for row in store.select(prologue + "SELECT ?l ?r WHERE { " + where + "lg:reason ?r } }"):
        if row["l"].value in links:
            links[row["l"].value].reasons[row["r"].language or ""] = row["r"].value
    out: dict[str, list[Link]] = {}
    for link in links.values():
        link.concepts.sort()
        out.setdefault(link.source, []).append(link)
    for found in out.values():
        found.sort(key=lambda link: (link.rank, link.target))
    return out
