"""Similar structures ("mise en lien", issue #15 section 3): for each card, the cards most like it.

The formula is written out in ``docs/similarity.md``; in short, each card is a vector of
concepts per field (services, methods, themes, audiences, kind, maturity, networks, host, ministry),
a stated concept weighing 1 and each of its SKOS broader concepts :data:`BROADER` (a partial
match), every entry multiplied by its field's weight (:data:`FIELD_WEIGHTS`) and by the concept's
IDF over all cards, ``ln(1 + N / df)``, so that a concept every structure has says little. The
score of a pair is the cosine of their vectors plus a nearness bonus (:data:`NEARNESS`: same
commune > same département > same région), and each card keeps its :data:`TOP_K` best.

Scale: candidates come from an inverted index (concept -> cards holding it, ordered by weight)
read at most :data:`POSTINGS_CAP` deep per concept and per place, so a very common feature (a kind,
a région most structures share) still proposes at most that many candidates, the work per card is
bounded and the whole grows linearly with the number of cards, never through all pairs; the best
:data:`RESCORE` candidates are then scored exactly. Up to a hundred cards per concept (every
graph of the five documents) the cap never binds and the result is the exact top-k. The index and
both passes are sparse matrices (scipy): a Python loop over candidate pairs cost 30 s for 10,000
structures, the same products in C a second or two; only the final top-k get Python objects
(their shared concepts, for the reasons).

Pure computation over :class:`~labgraph.cards.model.Card` objects: deterministic (ties break on
the IRI), no store, no RDF library.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

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
#: cards whose candidates are gathered in one sparse product: bounds the memory of the
#: candidate matrix (about POSTINGS_CAP x features entries a row) whatever the number of cards
CHUNK = 2048

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
        self._build_matrices()

    def _build_matrices(self) -> None:
        """The same index as sparse matrices, rows in IRI order (so a row number breaks ties as
        the IRI does): the vectors, the capped postings, and the places per nearness level."""
        iris = [card.iri for card in self.cards]
        self.row = {iri: i for i, iri in enumerate(iris)}
        n = len(iris)
        columns: dict[Feature, int] = {}
        rows, cols, weights = [], [], []
        for i, iri in enumerate(iris):
            for f, w in self.vectors[iri].items():
                rows.append(i)
                cols.append(columns.setdefault(f, len(columns)))
                weights.append(w)
        self.matrix = _csr(rows, cols, weights, (n, len(columns)))
        # Postings: per feature, the POSTINGS_CAP heaviest cards (ties on the IRI).
        kept = _capped(np.asarray(cols, dtype=np.int64), -np.asarray(weights), np.asarray(rows, dtype=np.int64))
        self.postings_t = _csr(
            np.asarray(cols)[kept], np.asarray(rows)[kept], np.asarray(weights)[kept], (len(columns), n)
        )
        # Places: the nearness bonus of the card's own level for candidates (capped postings by
        # IRI), and one 0/1 matrix per level for the exact bonus.
        place_cols: dict[str, int] = {}
        prow, pcol, bonus, level_of = [], [], [], []
        levels = list(NEARNESS)
        for i, iri in enumerate(iris):
            for place, level in self.places[iri].items():
                prow.append(i)
                pcol.append(place_cols.setdefault(place, len(place_cols)))
                bonus.append(NEARNESS[level])
                level_of.append(levels.index(level))
        shape = (n, len(place_cols))
        self.place_bonus = _csr(prow, pcol, bonus, shape)
        kept = _capped(np.asarray(pcol, dtype=np.int64), np.zeros(len(pcol)), np.asarray(prow, dtype=np.int64))
        self.place_postings_t = _csr(
            np.asarray(pcol)[kept], np.asarray(prow)[kept], np.ones(int(kept.sum())), (len(place_cols), n)
        )
        level_arr, prow_arr, pcol_arr = (np.asarray(x, dtype=np.int64) for x in (level_of, prow, pcol))
        self.at_level = []
        for k in range(len(levels)):
            at = level_arr == k
            self.at_level.append(_csr(prow_arr[at], pcol_arr[at], np.ones(int(at.sum())), shape))

    def nearness(self, a: str, b: str) -> tuple[str, str] | None:
        shared = self.places[a].keys() & self.places[b].keys()
        if not shared:
            return None
        order = list(NEARNESS)
        return min(((self.places[a][p], p) for p in shared), key=lambda lp: (order.index(lp[0]), lp[1]))

    def candidates(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``start:stop``'s best :data:`RESCORE` candidates by approximate score (the cosine
        over capped postings plus the bonus of every shared place: it ranks candidates, the
        exact score counts one level), as parallel arrays of row numbers (source, candidate)."""
        approx = (
            self.matrix[start:stop] @ self.postings_t + self.place_bonus[start:stop] @ self.place_postings_t
        ).tocsr()
        sources, targets = [], []
        for r in range(stop - start):
            lo, hi = approx.indptr[r], approx.indptr[r + 1]
            cols, vals = approx.indices[lo:hi], approx.data[lo:hi]
            mine = cols != start + r
            cols, vals = cols[mine], vals[mine]
            best = cols[np.lexsort((cols, -vals))[:RESCORE]]
            sources.append(np.full(len(best), start + r, dtype=np.int64))
            targets.append(best.astype(np.int64))
        if not sources:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(sources), np.concatenate(targets)

    def exact(self, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """The exact scores of the pairs of rows (cosine plus the nearest shared level's bonus),
        rounded as :meth:`score` rounds them."""
        cosine = np.asarray(self.matrix[sources].multiply(self.matrix[targets]).sum(axis=1)).ravel()
        bonus = np.zeros(len(sources))
        for k, level in reversed(list(enumerate(NEARNESS))):  # nearest last: it wins
            m = self.at_level[k]
            shared = np.asarray(m[sources].multiply(m[targets]).sum(axis=1)).ravel() > 0
            bonus[shared] = NEARNESS[level]
        return np.round(cosine + bonus, 4)

    def all_neighbours(self, k: int = TOP_K) -> dict[str, list[Neighbour]]:
        """Every card's k best neighbours, computed CHUNK cards at a time."""
        iris = [card.iri for card in self.cards]
        out: dict[str, list[Neighbour]] = {iri: [] for iri in iris}
        for start in range(0, len(iris), CHUNK):
            sources, targets = self.candidates(start, min(len(iris), start + CHUNK))
            scores = self.exact(sources, targets)
            positive = scores > 0
            sources, targets, scores = sources[positive], targets[positive], scores[positive]
            order = np.lexsort((targets, -scores, sources))  # by card, best first, ties on the IRI
            sources, targets, scores = sources[order], targets[order], scores[order]
            bounds = np.flatnonzero(np.diff(sources)) + 1
            for group in np.split(np.arange(len(sources)), bounds):
                if not len(group):
                    continue
                a = iris[int(sources[group[0]])]
                for rank, g in enumerate(group[:k], 1):
                    b = iris[int(targets[g])]
                    neighbour = self.score(a, b)
                    neighbour.rank, neighbour.score = rank, float(scores[g])
                    out[a].append(neighbour)
        return out

    def neighbours(self, iri: str, k: int = TOP_K) -> list[Neighbour]:
        """One card's k best neighbours (the same as :meth:`all_neighbours` gives it)."""
        i = self.row[iri]
        sources, targets = self.candidates(i, i + 1)
        scores = self.exact(sources, targets)
        others = [self.cards[int(t)].iri for t in targets]
        found = sorted(
            ((float(s), other) for s, other in zip(scores, others, strict=True) if s > 0),
            key=lambda st: (-st[0], st[1]),
        )
        out = []
        for rank, (score, other) in enumerate(found[:k], 1):
            neighbour = self.score(iri, other)
            neighbour.rank, neighbour.score = rank, score
            out.append(neighbour)
        return out

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


def _csr(rows: object, cols: object, values: object, shape: tuple[int, int]) -> sparse.csr_matrix:
    return sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=shape,
    )


def _capped(groups: np.ndarray, keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A mask keeping, in each group, the POSTINGS_CAP entries of lowest (key, row): the head of
    each posting list, without sorting each list in Python."""
    if not len(groups):
        return np.zeros(0, dtype=bool)
    order = np.lexsort((rows, keys, groups))
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    mask = np.zeros(len(order), dtype=bool)
    mask[order] = (np.arange(len(order)) - first) < POSTINGS_CAP
    return mask


def similar(cards: list[Card], k: int = TOP_K) -> dict[str, list[Neighbour]]:
    """Card IRI -> its k most similar cards, best first (cards with nothing in common are left
    out, so a card may have fewer)."""
    return SimilarityIndex(cards).all_neighbours(k)
