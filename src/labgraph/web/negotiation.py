"""Content negotiation: which representation a request gets, from Accept or a format name.

Werkzeug parses Accept (q-values, wildcards, ``q=0`` exclusions); this module only lists what
each kind of response can be, the aliases clients use for them, and the short names browsers
can put in ``?format=`` or a file extension.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Offer:
    """What a response can be: canonical media types in order of preference, and aliases."""

    types: tuple[str, ...]
    aliases: dict[str, str]
    names: dict[str, str]  # ?format= / extension -> canonical type

    def choose(self, accept: MIMEAccept, format_name: str | None = None) -> str | None:
        if format_name:
            return self.names.get(format_name.lower()) or (format_name if format_name in self.types else None)
        if not any("/" in value for value, _ in accept):
            return self.types[0]  # no Accept, or nothing parseable in it: as if */*
        candidates = list(self.types) + list(self.aliases)
        best = accept.best_match(candidates)
        if best is None:
            return None
        return self.aliases.get(best, best)

    def listing(self) -> str:
        return ", ".join(self.types)


_RESULT_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
_BOOLEAN_NAMES = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
}
SELECT_RESULTS = Offer(
    ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"),
    _RESULT_ALIASES,
    {**_BOOLEAN_NAMES, "csv": "text/csv", "tsv": "text/tab-separated-values"},
)
#: CSV and TSV have no form for a boolean, so ASK is answered in JSON or XML only.
ASK_RESULTS = Offer(
    ("application/sparql-results+json", "application/sparql-results+xml"), _RESULT_ALIASES, _BOOLEAN_NAMES
)
_RDF_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "json": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
}
_RDF_ALIASES = {
    "application/x-turtle": "text/turtle",
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "text/plain": "application/n-triples",
}
GRAPH_RESULTS = Offer(
    ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"),
    _RDF_ALIASES,
    {k: v for k, v in _RDF_NAMES.items() if v not in ("application/trig", "application/n-quads")},
)
#: Citations (#16.5): CSL-JSON and BibTeX of anything, DataCite XML of the dataset and releases.
CSL_JSON = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"
DATACITE = "application/vnd.datacite.datacite+xml"
_CITATION_NAMES = {"csl.json": CSL_JSON, "csljson": CSL_JSON, "bib": BIBTEX, "bibtex": BIBTEX}
_CITATION_ALIASES = {"application/citeproc+json": CSL_JSON, "text/x-bibtex": BIBTEX}
CITATION = Offer(
    (CSL_JSON, BIBTEX, DATACITE),
    {**_CITATION_ALIASES, "application/x-datacite+xml": DATACITE},
    {**_CITATION_NAMES, "datacite.xml": DATACITE, "datacite": DATACITE},
)
CITATION_TYPES = frozenset(CITATION.types)
#: Data documents of resources; TriG and N-Quads keep the named graph of each statement; the
#: citation formats last, so that no wildcard ever chooses them.
RESOURCE = Offer(
    (
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
        "application/trig",
        "application/n-quads",
        CSL_JSON,
        BIBTEX,
    ),
    {"application/xhtml+xml": "text/html", **_RDF_ALIASES, **_CITATION_ALIASES},
    {"html": "text/html", **_RDF_NAMES, **_CITATION_NAMES},
)
RDF_ONLY = Offer(
    ("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"),
    _RDF_ALIASES,
    {k: v for k, v in _RDF_NAMES.items() if v not in ("application/trig", "application/n-quads")},
)
EXTENSIONS = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
    "application/trig": "trig",
    "application/n-quads": "nq",
    CSL_JSON: "csl.json",
    BIBTEX: "bib",
}
CITATION_EXTENSIONS = {CSL_JSON: "csl.json", BIBTEX: "bib", DATACITE: "datacite.xml"}
BY_EXTENSION = {ext: media for media, ext in EXTENSIONS.items()}
TEXTUAL = {
    "text/html",
    "text/turtle",
    "text/csv",
    "text/tab-separated-values",
    "application/n-triples",
    "application/trig",
    "application/n-quads",
    BIBTEX,
}


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in TEXTUAL else media_type


def split_suffix(path: str, known: dict[str, str] = BY_EXTENSION) -> tuple[str, str | None]:
    """(stem, suffix) of a document path: the longest known suffix first (``x.csl.json`` is
    ``x`` in CSL-JSON, not ``x.csl`` in JSON), else what follows the last dot of the last
    segment; no suffix (None) for a negotiating path."""
    for suffix in sorted(known, key=len, reverse=True):
        if path.endswith("." + suffix) and len(path) > len(suffix) + 1:
            return path[: -len(suffix) - 1], suffix
    stem, dot, suffix = path.rpartition(".")
    if not dot or "/" in suffix:
        return path, None
    return stem, suffix
