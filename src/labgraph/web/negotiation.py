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
#: Data documents of resources; TriG and N-Quads keep the named graph of each statement.
RESOURCE = Offer(
    (
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
        "application/trig",
        "application/n-quads",
    ),
    {"application/xhtml+xml": "text/html", **_RDF_ALIASES},
    {"html": "text/html", **_RDF_NAMES},
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
}
BY_EXTENSION = {ext: media for media, ext in EXTENSIONS.items()}
TEXTUAL = {
    "text/html",
    "text/turtle",
    "text/csv",
    "text/tab-separated-values",
    "application/n-triples",
    "application/trig",
    "application/n-quads",
}


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in TEXTUAL else media_type
