"""Decide which imported resources denote things labgraph already describes.

Shared identifiers decide first (SIREN, INSEE code, Wikidata item, web site): such matches are
certain and become ``owl:sameAs``. Otherwise names are compared once normalised (case, accents,
punctuation and articles removed): equal names, or very close ones, become ``skos:closeMatch``
with a confidence below 1 and are listed for a person to review. URIs are never rewritten.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph as ox

from labgraph.vocab import Vocabulary, vocabulary

#: Identifier properties (CURIEs, expanded under the base of the data compared) -> key name.
IDENTIFIERS = {
    "lg:siren": "siren",
    "igeo:codeINSEE": "codeINSEE",
}
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
WEBSITES = ("http://xmlns.com/foaf/0.1/homepage", "http://schema.org/url")
NAMES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
#: Properties that take one value: two different values on matched resources are a conflict.
COMPARED = (
    "schema:foundingDate",
    "schema:startDate",
    "schema:endDate",
    "lg:siren",
    "igeo:codeINSEE",
)
ARTICLES = {"le", "la", "les", "l", "de", "du", "des", "d", "the", "of", "et", "and"}
NAME_THRESHOLD = 0.85


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in ARTICLES]
    return " ".join(words)


@dataclass
class Profile:
    """What can identify a resource: its identifiers and its normalised names."""

    iri: str
    keys: set[str]
    names: set[str]
    labels: list[str]
    values: dict[str, set[str]]


@dataclass(frozen=True)
class Match:
    ours: str
    theirs: str
    basis: str  # e.g. "siren=180046252" or "name"
    confidence: float
    our_label: str
    their_label: str

    @property
    def by_identifier(self) -> bool:
        return self.basis != "name"


@dataclass(frozen=True)
class ValueConflict:
    ours: str
    theirs: str
    property: str
    our_values: tuple[str, ...]
    their_values: tuple[str, ...]


class ProfileBuilder:
    """Collects profiles one triple at a time, so a large import is never held in memory."""

    def __init__(self, candidates: set[str] | None = None, vocab: Vocabulary | None = None) -> None:
        self.candidates = candidates
        self.found: dict[str, Profile] = {}
        vocab = vocab or vocabulary()
        self._identifiers = {vocab.expand(p): key for p, key in IDENTIFIERS.items()}
        self._compared = set(vocab.expand_all(COMPARED))

    def _profile(self, iri: str) -> Profile:
        if iri not in self.found:
            self.found[iri] = Profile(iri, set(), set(), [], defaultdict(set))
        return self.found[iri]

    def add(self, t: ox.Triple | ox.Quad) -> None:
        if not isinstance(t.subject, ox.NamedNode):
            return
        iri, p, o = t.subject.value, t.predicate.value, t.object
        if self.candidates is not None and iri not in self.candidates:
            return
        if p in self._identifiers and isinstance(o, ox.Literal):
            self._profile(iri).keys.add(f"{self._identifiers[p]}={o.value}")
        elif p == SAME_AS and isinstance(o, ox.NamedNode) and o.value.startswith("http://www.wikidata.org/entity/"):
            self._profile(iri).keys.add("wikidata=" + o.value.rsplit("/", 1)[1])
        elif p in WEBSITES and isinstance(o, ox.NamedNode):
            host = urlsplit(o.value).netloc.lower().removeprefix("www.")
            if host:
                self._profile(iri).keys.add("website=" + host)
        elif p in NAMES and isinstance(o, ox.Literal) and normalise(o.value):
            self._profile(iri).names.add(normalise(o.value))
            self._profile(iri).labels.append(o.value)
        if p in self._compared:
            self._profile(iri).values[p].add(o.value if isinstance(o, ox.Literal) else str(o))

    def profiles(self) -> dict[str, Profile]:
        """Profiles of the IRIs that have a name or an identifier."""
        return {iri: p for iri, p in self.found.items() if p.keys or p.names}


def profiles(
    triples: list[ox.Triple] | ox.Store, candidates: set[str] | None = None, vocab: Vocabulary | None = None
) -> dict[str, Profile]:
    builder = ProfileBuilder(candidates, vocab)
    for t in triples.quads_for_pattern(None, None, None) if isinstance(triples, ox.Store) else triples:
        builder.add(t)
    return builder.profiles()


def reconcile(ours: dict[str, Profile], theirs: dict[str, Profile]) -> list[Match]:
    by_key: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    for iri, p in ours.items():
        for key in p.keys:
            by_key[key].append(iri)
        for name in p.names:
            by_name[name].append(iri)
    names = list(by_name)
    matches = []
    for iri, p in sorted(theirs.items()):
        if iri in ours:
            continue  # the same URI: nothing to reconcile
        shared = sorted((key, target) for key in p.keys for target in by_key.get(key, ()))
        if shared:
            for key, target in _first_per_target(shared):
                matches.append(Match(target, iri, key, 1.0, _label(ours[target]), _label(p)))
            continue
        best: tuple[float, str] | None = None
        for name in p.names:
            if name in by_name:
                best = max(best or (0.0, ""), (1.0, name))
                continue
            for close in difflib.get_close_matches(name, names, n=1, cutoff=NAME_THRESHOLD):
                ratio = difflib.SequenceMatcher(None, name, close).ratio()
                best = max(best or (0.0, ""), (ratio, close))
        if best:
            ratio, name = best
            for target in sorted(by_name[name]):
                matches.append(Match(target, iri, "name", round(0.9 * ratio, 2), _label(ours[target]), _label(p)))
    return matches


def conflicts(
    matches: list[Match], ours: dict[str, Profile], theirs: dict[str, Profile], vocab: Vocabulary | None = None
) -> list[ValueConflict]:
    compared = (vocab or vocabulary()).expand_all(COMPARED)
    out = []
    for match in matches:
        mine, other = ours[match.ours], theirs[match.theirs]
        for prop in compared:
            a, b = mine.values.get(prop, set()), other.values.get(prop, set())
            if a and b and a != b:
                out.append(ValueConflict(match.ours, match.theirs, prop, tuple(sorted(a)), tuple(sorted(b))))
    return out


def _first_per_target(shared: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, out = set(), []
    for key, target in shared:
        if target not in seen:
            seen.add(target)
            out.append((key, target))
    return out


def _label(profile: Profile) -> str:
    return profile.labels[0] if profile.labels else profile.iri
