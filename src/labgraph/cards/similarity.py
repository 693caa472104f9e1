"""Similar structures ("mise en lien", issue #15 section 3): for each card, the cards most like it.

The formula is written out in ``docs/similarity.md``; in short, each card is a vector of
concepts per field (services, methods, themes, audiences, kind, maturity, networks, host, ministry),
a stated concept weighing 1 and each of its SKOS broader concepts :data:`BROADER` (a partial
match), every entry multiplied by its field's weight (:data:`FIELD_WEIGHTS`) and by the concept's
IDF over all cards, ``ln(1 + N / df)``, so that a concept every structure has says little. The
score of a pair is the cosine of their vectors plus a nearness bonus (:data:`NEARNESS`: same
commune > same département > same région), and each card keeps its :data:`TOP_K` best.

Scale: candidates come from an inverted index (concept -> cards holding it, ordered by weight)
read at most :data:`POSTINGS_CAP` deep per concept, so the work per card is bounded and the
whole grows linearly with the number of cards, never through all pairs; the best
:data:`RESCORE` candidates are then scored exactly. Up to a few hundred cards per concept (every
graph of the five documents) the cap never binds and the result is the exact top-k.

Pure computation over :class:`~labgraph.cards.model.Card` objects: deterministic (ties break on
the IRI), no store, no RDF library.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from labgraph.cards.model import STATED, Card

#: field -> weight of a shared concept of that field (the issue's fields, plus the networks
#: both belong to and the ministry above both: shared affiliations say as much as a theme).
FIELD_WEIGHTS: dict[str, float] = {
    "services": 1.0,
    "methods": 1.0,
    "themes": 1.0,
    "audiences": 1.0,
    "kind": 1.0,
    "maturity": 0.5,
    "networks": 1.0,
    "host": 1.0,
    "ministry": 0.5,
}
#: fields where a card also holds itself: a network meets its members, a host what it hosts
SELF_FIELDS = ("networks", "host")
#: factor of a broader concept (a card stating "incubation" also partly holds "project support")
BROADER = 0.5
#: bonus added to the cosine for the nearest shared territory level
NEARNESS: dict[str, float] = {"commune": 0.15, "departement": 0.10, "region": 0.05}
TOP_K = 5
POSTINGS_CAP = 100
RESCORE = 4 * TOP_K

Feature = tuple[str, str]  # (field, concept or structure IRI)


@dataclass(frozen=True)
class Shared:
    """One concept both cards hold, with what it added to the score."""

    field: str
    concept: str
    #: True when at least one of the two holds it only through a narrower concept
    partial: bool
    contribution: float


@dataclass
class Neighbour:
    source: str
    target: str
    rank: int
    score: float
    shared: list[Shared] = field(default_factory=list)
    #: (level, place IRI) of the nearest territory both are in, or None
    near: tuple[str, str] | None = None

    @property
    def concepts(self) -> list[str]:
        return sorted({s.concept for s in self.shared})


def _features(card: Card) -> dict[Feature, float]:
    """The card's unweighted vector: 1 for a stated concept, BROADER for a broader one. A card
    also holds itself as a network and as a host, so that a network meets the structures that
    belong to it and a host the structures it hosts or animates."""
    out: dict[Feature, float] = {}
    for name in FIELD_WEIGHTS:
        f = card.fields.get(name)
        if f is None or f.status != STATED:
            continue
        for value in f.values:
            if not value.iri:
                continue
            out[(name, value.value)] = 1.0
            for broader in value.about.get("broader", []):
                out.setdefault((name, broader), BROADER)
    for name in SELF_FIELDS:
        out[(name, card.iri)] = 1.0
    return out


def _places(card: Card) -> dict[str, str]:
    """Place IRI -> level (commune, departement, region) for every place the card is in."""
    out: dict[str, str] = {}
    f = card.fields.get("territory")
    if f is None or f.status != STATED:
        return out
    for value in f.values:
        level = value.about.get("level")
        if level in NEARNESS:
            out[value.value] = level
        for up in ("departement", "region"):
            for place in value.about.get(up, []):
                out[place] = up
    return out


class SimilarityIndex:
    """The weighted vectors of every card and their inverted index, built once."""

    def __init__(self, cards: list[Card]) -> None:
        self.cards = sorted(cards, key=lambda c: c.iri)
        raw = {card.iri: _features(card) for card in self.cards}
        df: dict[Feature, int] = defaultdict(int)
        for features in raw.values():
            for feature in features:
                df[feature] += 1
        # A card holding itself is met only by the cards it hosts or gathers: alone, it is noise
        # that would lengthen its vector and lower all its scores.
        for iri, features in raw.items():
            for name in SELF_FIELDS:
                if df[(name, iri)] == 1:
                    del features[(name, iri)], df[(name, iri)]
        n = len(self.cards)
        self.idf = {f: math.log(1 + n / count) for f, count in df.items()}
        #: card IRI -> feature -> weight, divided by the vector's norm (so dot product = cosine)
        self.vectors: dict[str, dict[Feature, float]] = {}
        for iri, features in raw.items():
            weighted = {f: m * FIELD_WEIGHTS[f[0]] * self.idf[f] for f, m in features.items()}
            norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
            self.vectors[iri] = {f: w / norm for f, w in weighted.items()}
        self.partial = {iri: {f for f, m in features.items() if m < 1.0} for iri, features in raw.items()}
        self.places = {card.iri: _places(card) for card in self.cards}
        postings: dict[Feature, list[tuple[float, str]]] = defaultdict(list)
        for iri, vector in self.vectors.items():
            for f, w in vector.items():
                postings[f].append((-w, iri))
        self.postings = {f: [iri for _, iri in sorted(p)[:POSTINGS_CAP]] for f, p in postings.items()}
        by_place: dict[str, list[str]] = defaultdict(list)
        for iri, places in self.places.items():
            for place in places:
                by_place[place].append(iri)
        self.by_place = {p: sorted(iris)[:POSTINGS_CAP] for p, iris in by_place.items()}

    def nearness(self, a: str, b: str) -> tuple[str, str] | None:
        shared = self.places[a].keys() & self.places[b].keys()
        if not shared:
            return None
        order = list(NEARNESS)
        return min(((self.places[a][p], p) for p in shared), key=lambda lp: (order.index(lp[0]), lp[1]))

    def neighbours(self, iri: str, k: int = TOP_K) -> list[Neighbour]:
        vector = self.vectors[iri]
        approx: dict[str, float] = defaultdict(float)
        for f, w in vector.items():
            for other in self.postings[f]:
                if other != iri:
                    approx[other] += w * self.vectors[other][f]
        for place, level in self.places[iri].items():
            for other in self.by_place.get(place, ()):
                if other != iri:
                    approx[other] += NEARNESS[level]  # ranks candidates; the score counts one level
        best = heapq.nsmallest(RESCORE, approx.items(), key=lambda item: (-item[1], item[0]))
        scored = []
        for other, _ in best:
            neighbour = self.score(iri, other)
            if neighbour.score > 0:
                scored.append(neighbour)
        scored.sort(key=lambda n: (-n.score, n.target))
        for rank, neighbour in enumerate(scored[:k], 1):
            neighbour.rank = rank
        return scored[:k]

    def score(self, a: str, b: str) -> Neighbour:
        """The exact score of the pair, with what each shared concept added."""
        va, vb = self.vectors[a], self.vectors[b]
        small, large = (va, vb) if len(va) <= len(vb) else (vb, va)
        shared = []
        for f, w in small.items():
            if f in large:
                partial = f in self.partial[a] or f in self.partial[b]
                shared.append(Shared(f[0], f[1], partial, w * large[f]))
        near = self.nearness(a, b)
        total = sum(s.contribution for s in shared) + (NEARNESS[near[0]] if near else 0.0)
        shared.sort(key=lambda s: (-s.contribution, s.field, s.concept))
        return Neighbour(a, b, 0, round(total, 4), shared, near)


def similar(cards: list[Card], k: int = TOP_K) -> dict[str, list[Neighbour]]:
    """Card IRI -> its k most similar cards, best first (cards with nothing in common are left
    out, so a card may have fewer)."""
    index = SimilarityIndex(cards)
    return {card.iri: index.neighbours(card.iri, k) for card in index.cards}
