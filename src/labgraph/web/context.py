"""What every view needs: the settings, the store, and helpers over the store's answers.

Views reach data only through :class:`Site.store` (the :class:`labgraph.store.base.Store`
interface); this module adds the label and address logic that pages share.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, request

from labgraph.config import Settings
from labgraph.store.base import Store, Term
from labgraph.vocab import Vocabulary
from labgraph.web.cache import DocumentCache

LANGUAGES = ("fr", "en")
#: Labels kept in memory: the vocabulary's (classes, properties, concepts), which every page
#: uses; the data's own labels come with each resource's description or are asked for per page.
LABEL_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?label WHERE {
  VALUES ?g { <%(base)sgraph/ontology> <%(base)sgraph/vocabularies> }
  GRAPH ?g { { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label } } FILTER(isIRI(?s))
}
"""
LABELS_OF = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?label WHERE { VALUES ?s { %s } { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label } }
"""

def fold(text: str) -> str:
    """Case- and accent-insensitive form, to sort labels (search folds more: web/search_index.py)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class Site:
    settings: Settings
    store: Store
    manifest: dict[str, Any]
    release: Path  # the release directory whose dumps are served
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # iri -> lang -> label
    prefixes: dict[str, str] = field(default_factory=dict)
    queries: dict[str, Any] = field(default_factory=dict)  # the catalogue, by name
    documents: DocumentCache = field(init=False)  # documents and pages already produced
    vocab: Vocabulary = field(init=False)

    def __post_init__(self) -> None:
        from labgraph import catalogue

        self.documents = DocumentCache(self.settings.document_cache_mb * 1024 * 1024)
        folder = self.settings.project_dir / "queries"
        self.queries = catalogue.load(folder, self.settings.base_uri) if folder.is_dir() else {}
        self.vocab = self.settings.vocab
        self.prefixes = self.vocab.prefixes
        for row in self.store.select(LABEL_QUERY % {"base": self.settings.base_uri}):
            label = row["label"]
            self.labels.setdefault(row["s"].value, {}).setdefault(label.language or "", label.value)

    def labels_of(self, iris: list[str]) -> dict[str, dict[str, str]]:
        """Labels of some data resources (a listing page), in one query."""
        if not iris:
            return {}
        values = " ".join(f"<{iri}>" for iri in iris if ">" not in iri and " " not in iri)
        found: dict[str, dict[str, str]] = {}
        for row in self.store.select(LABELS_OF % values):
            label = row["label"]
            found.setdefault(row["s"].value, {}).setdefault(label.language or "", label.value)
        return found

    # ------------------------------------------------------------------ names

    def label(self, iri: str, lang: str, extra: dict[str, dict[str, str]] | None = None) -> str:
        options = (extra or {}).get(iri) or self.labels.get(iri)
        if options:
            for choice in (lang, "fr", "en", ""):
                if choice in options:
                    return options[choice]
            return next(iter(options.values()))
        return self.curie(iri)

    def curie(self, iri: str) -> str:
        return self.vocab.curie(iri)

    # ------------------------------------------------------------------ addresses

    def local_path(self, iri: str) -> str | None:
        """The path this server answers for an IRI under the base, or None for outside IRIs."""
        base = self.settings.base_uri
        if not iri.startswith(base):
            return None
        rest = iri[len(base) :]
        if rest == "def/":
            return "/ontology.html"
        if rest.startswith(("id/", "def/", "graph/")):
            return "/" + rest
        return None

    def href(self, iri: str) -> str:
        local = self.local_path(iri)
        return (request.script_root + local) if local else iri


def site() -> Site:
    return current_app.extensions["labgraph"]  # type: ignore[no-any-return]


def reader_language() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="fr") or "fr"


def term_text(term: Term) -> str:
    return term.value
