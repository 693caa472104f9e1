"""What search looks in, and how it matches and ranks: the index behind ``/search``.

The index holds the names (labels, alternative labels) and descriptions, in every language, of
the things that have a page on this server: IRIs under the base (``id/``, ``def/``, ``graph/``),
never blank nodes, and not the internal nodes that only join two things (memberships,
reconciliation records), which have no meaning of their own to a reader.

Matching is by words. Text and query are folded the same way (case, accents and punctuation
removed, so "accolab" finds "Acco{lab" and "haute loire" finds "Haute-Loire"); every word of
the query must begin a word of some text of a thing ("lab" finds "Labs" and "laboratoire", not
"collaboration"). Things whose
labels hold every word come first, then those that need an alternative label, then those that
need a description; the text that matched is returned as a snippet with the matched spans.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field

from labgraph.store.base import Store
from labgraph.vocab import vocabulary

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
LABEL, ALTERNATIVE, DESCRIPTION = 0, 1, 2
FIELD_NAMES = {LABEL: "label", ALTERNATIVE: "altLabel", DESCRIPTION: "description"}
#: predicate -> field; the first two name a thing in pages (Site.label), the others stand in.
FIELDS = {
    RDFS + "label": LABEL,
    SKOS + "prefLabel": LABEL,
    "http://xmlns.com/foaf/0.1/name": LABEL,
    DCT + "title": LABEL,
    SKOS + "altLabel": ALTERNATIVE,
    DCT + "description": DESCRIPTION,
    SKOS + "definition": DESCRIPTION,
    RDFS + "comment": DESCRIPTION,
}
DISPLAY_LABELS = (RDFS + "label", SKOS + "prefLabel")
#: Classes of nodes that only join two things: they have IRIs, but a reader looks for what they
#: join. CURIEs, expanded under the served base.
INTERNAL_CLASSES = ("org:Membership", "lg:Reconciliation", "lg:Similarity")
SNIPPET_CHARS = 180

_TEXTS = """
SELECT ?s ?p ?text WHERE {
  VALUES ?p { %(predicates)s }
  ?s ?p ?text
  FILTER(isIRI(?s) && isLiteral(?text) && (%(under_base)s))
}
"""
_TYPES = """
SELECT ?s ?type WHERE {
  ?s a ?type FILTER(isIRI(?s) && isIRI(?type) && (%(under_base)s))
}
"""
_SUBCLASSES = """
SELECT DISTINCT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <%s> }
"""


def fold_with_origins(text: str) -> tuple[str, list[int], frozenset[int]]:
    """The folded text; for each of its characters, the index of the character it came from;
    and the positions where a word starts.

    Folding: casefold, accents off (NFKD without combining marks), punctuation and symbols
    dropped (they join what they separated: "Acco{lab" -> "accolab"), any other non-letter,
    non-digit a single space. A word starts at the beginning, after a space, where punctuation
    was dropped ("Haute-Loire": "loire" too), where a lower-case letter meets a capital
    ("OpenLab": "lab") and where letters meet digits ("lab23": "23")."""
    out: list[str] = []
    origins: list[int] = []
    starts: set[int] = set()
    dropped = False
    for index, char in enumerate(text):
        pieces = [p for p in unicodedata.normalize("NFKD", char.casefold()) if not unicodedata.category(p)[0] == "M"]
        for n, piece in enumerate(pieces):
            kind = unicodedata.category(piece)[0]
            if kind in "PS":
                dropped = True
                continue
            if kind not in "LN":
                if out and out[-1] != " ":
                    out.append(" ")
                    origins.append(index)
                dropped = False
                continue
            if n == 0 and (
                not out
                or out[-1] == " "
                or dropped
                or (index and text[index - 1].islower() and char.isupper())
                or (out[-1].isdigit() != piece.isdigit())
            ):
                starts.add(len(out))
            out.append(piece)
            origins.append(index)
            dropped = False
    while out and out[-1] == " ":
        out.pop()
        origins.pop()
    return "".join(out), origins, frozenset(starts)


def fold(text: str) -> str:
    return fold_with_origins(text)[0]


def words_of(query: str) -> list[str]:
    """The query's folded words, each once, in order."""
    return list(dict.fromkeys(word for word in fold(query).split(" ") if word))


@dataclass(frozen=True)
class Text:
    field: int
    predicate: str
    language: str
    value: str
    folded: str
    origins: tuple[int, ...]
    starts: frozenset[int]  # where words start in ``folded``

    def positions(self, word: str) -> list[int]:
        """Where the word begins a word of the text (a prefix match: "lab" finds "Labs")."""
        found = []
        at = self.folded.find(word)
        while at != -1:
            if at in self.starts:
                found.append(at)
            at = self.folded.find(word, at + 1)
        return found

    def has(self, word: str) -> bool:
        return bool(self.positions(word))

    def spans(self, words: list[str]) -> list[tuple[int, int]]:
        """Where the words occur, as (start, end) in the original text, merged."""
        found = [
            (self.origins[at], self.origins[at + len(word) - 1] + 1) for word in words for at in self.positions(word)
        ]
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            # Overlapping, or apart by punctuation only ("Haute-Loire" for "haute loire"): one span.
            if merged and (start <= merged[-1][1] or not fold(self.value[merged[-1][1] : start])):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


@dataclass
class Thing:
    iri: str
    texts: list[Text] = field(default_factory=list)
    types: set[str] = field(default_factory=set)

    def label(self, lang: str) -> str | None:
        """The name pages give it (rdfs:label or skos:prefLabel in the reader's language, then
        French, English, untagged), else any other name."""
        for names in (DISPLAY_LABELS, tuple(p for p, f in FIELDS.items() if f == LABEL)):
            options = {t.language: t.value for t in reversed(self.texts) if t.predicate in names}
            for choice in (lang, "fr", "en", ""):
                if choice in options:
                    return options[choice]
            if options:
                return next(iter(options.values()))
        return None


@dataclass(frozen=True)
class Hit:
    thing: Thing
    tier: int  # the field it took to find every word: LABEL, ALTERNATIVE or DESCRIPTION
    label: str
    snippet: Text | None  # the text to show beside the label, when it is not the label itself
    spans: list[tuple[int, int]]  # matched spans of the snippet (or of the label)

    def label_parts(self) -> list[tuple[str, bool]]:
        """The label as (text, matched) parts, when it is the text that matched."""
        return _parts(self.label, self.spans) if self.snippet is None else [(self.label, False)]

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet cut around its first match, as (text, matched) parts to render; the label
        itself when that is what matched."""
        if self.snippet is None:
            return self.label_parts()
        return _parts(self.snippet.value, self.spans)

    def snippet_text(self) -> str:
        return "".join(part for part, _ in self.snippet_parts())


def _parts(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """A text cut to :data:`SNIPPET_CHARS` around its first match, in (text, matched) parts."""
    start, end = 0, len(text)
    if len(text) > SNIPPET_CHARS:
        first = spans[0][0] if spans else 0
        start = max(0, first - SNIPPET_CHARS // 3)
        if start:
            start = text.find(" ", start, first) + 1 or start
        end = min(len(text), start + SNIPPET_CHARS)
        space = text.rfind(" ", start, end)
        if end < len(text) and space > start:
            end = space
    parts: list[tuple[str, bool]] = [("… ", False)] if start else []
    at = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        if s > at:
            parts.append((text[at:s], False))
        parts.append((text[s:e], True))
        at = e
    if at < end:
        parts.append((text[at:end], False))
    if end < len(text):
        parts.append((" …", False))
    return parts


class SearchIndex:
    """Every searchable text of a release, read from the store once, at the first search."""

    def __init__(self, store: Store, base_uri: str) -> None:
        self.store = store
        self.base_uri = base_uri
        self.internal = frozenset(vocabulary(base_uri).expand_all(INTERNAL_CLASSES))
        self._things: dict[str, Thing] | None = None
        self._subclasses: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def _under_base(self) -> str:
        return " || ".join(f'STRSTARTS(STR(?s), "{self.base_uri}{room}")' for room in ("id/", "def/", "graph/"))

    @property
    def things(self) -> dict[str, Thing]:
        with self._lock:
            if self._things is None:
                self._things = self._read()
            return self._things

    def _read(self) -> dict[str, Thing]:
        things: dict[str, Thing] = {}
        under = {"under_base": self._under_base(), "predicates": " ".join(f"<{p}>" for p in FIELDS)}
        seen = set()
        for row in self.store.select(_TEXTS % under):
            iri, predicate, literal = row["s"].value, row["p"].value, row["text"]
            key = (iri, predicate, literal.value, literal.language)
            if key in seen:
                continue
            seen.add(key)
            folded, origins, starts = fold_with_origins(literal.value)
            text = Text(
                FIELDS[predicate], predicate, literal.language or "", literal.value, folded, tuple(origins), starts
            )
            things.setdefault(iri, Thing(iri)).texts.append(text)
        for row in self.store.select(_TYPES % under):
            if row["s"].value in things:
                things[row["s"].value].types.add(row["type"].value)
        return {iri: thing for iri, thing in things.items() if not thing.types & self.internal}

    def subclasses(self, cls: str) -> frozenset[str]:
        """The class and every class below it (rdfs:subClassOf*), so that a filter on
        org:Organization keeps the labs."""
        with self._lock:
            if cls not in self._subclasses:
                found = {row["c"].value for row in self.store.select(_SUBCLASSES % cls)}
                self._subclasses[cls] = frozenset(found | {cls})
            return self._subclasses[cls]

    def search(self, words: list[str], lang: str, within: frozenset[str] | None = None) -> list[Hit]:
        """Every thing holding every word, best first."""
        hits = []
        for thing in self.things.values():
            if within is not None and not thing.types & within:
                continue
            hit = _match(thing, words, lang)
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda hit: _rank(hit, words))
        return hits


def _match(thing: Thing, words: list[str], lang: str) -> Hit | None:
    tier = LABEL
    for word in words:
        fields = [text.field for text in thing.texts if text.has(word)]
        if not fields:
            return None
        tier = max(tier, min(fields))
    label = thing.label(lang) or thing.iri
    # The text to show: within the fields the tier allows, the one holding most words, in the
    # reader's language if it can be, and the shorter one at a tie.
    candidates = [text for text in thing.texts if text.field <= tier]
    best = max(
        candidates,
        key=lambda t: (
            sum(t.has(word) for word in words),
            t.field == tier,
            t.language == lang,
            t.value == label,
            -len(t.value),
        ),
    )
    spans = best.spans(words)
    if best.value == label:
        return Hit(thing, tier, label, None, spans)
    return Hit(thing, tier, label, best, spans)


def _rank(hit: Hit, words: list[str]) -> tuple[object, ...]:
    """Fewer fields needed first; then a label that is the query, labels holding the words
    whole ("lab" before "laboratoire"), shorter labels, and alphabetical order."""
    folded_label = fold(hit.label)
    exact = folded_label == " ".join(words)
    whole = sum(word in folded_label.split(" ") for word in words)
    return (hit.tier, not exact, -whole, len(hit.label), folded_label, hit.thing.iri)
