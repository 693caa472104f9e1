"""What every view needs: the settings, the store, and helpers over the store's answers.

Views reach data only through :class:`Site.store` (the :class:`labgraph.store.base.Store`
interface); this module adds the label and address logic that pages share.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import current_app, request

from labgraph.config import Settings
from labgraph.contributions.base import Desks
from labgraph.store.base import ARRIVED, QueryRequest, Store, Term
from labgraph.vocab import Vocabulary
from labgraph.web.cache import DocumentCache
from labgraph.web.security import web_link

T = TypeVar("T")

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
    _derived: dict[str, Any] = field(init=False, default_factory=dict)
    _derived_locks: dict[str, threading.Lock] = field(init=False, default_factory=dict)
    _derived_guard: threading.Lock = field(init=False, default_factory=threading.Lock)

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """What ``make`` computes from this release (the cards, the search index, the quality
        reports), computed at its first use and then kept: a Site serves one release, which
        never changes, so no request computes it twice. Each name has its own lock, so that
        concurrent first requests compute it once and a slow one (the cards of a large graph)
        holds up only the pages that need it."""
        with self._derived_guard:
            lock = self._derived_locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._derived:
                self._derived[name] = make()
            return self._derived[name]

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

    def href(self, iri: str) -> str | None:
        """Where a page links an IRI: this server's page for IRIs under the base (keeping the
        language the reader chose), other http(s) IRIs as they are, and None for any other
        scheme (``javascript:``, ``data:``…), which pages show as text: data can be written by
        anyone, and such a link would run in the reader's browser."""
        local = self.local_path(iri)
        return (request.script_root + keep_language(local)) if local else web_link(iri)


def site() -> Site:
    return current_app.extensions["labgraph"]


def desks() -> Desks | None:
    """The contributions' desks of this server, or None when contributions are off."""
    found: Desks | None = current_app.extensions.get("labgraph_desks")
    return found


def contributions_on() -> bool:
    """Whether this server takes proposals: pages then link the form."""
    found = desks()
    return found is not None and found.proposals is not None


def query_request(
    text: str,
    media_type: str,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    base_iri: str | None = None,
) -> QueryRequest:
    """A query from this request to the store, carrying who asks and since when: the store's
    admission gate shares the workers out per client and bounds the wait from the arrival."""
    return QueryRequest(
        text,
        media_type,
        default_graphs,
        named_graphs,
        base_iri=base_iri,
        client=request.remote_addr or "",
        arrived=request.environ.get(ARRIVED),
    )


def reader_language() -> str:
    return chosen_language() or request.accept_languages.best_match(LANGUAGES, default="fr") or "fr"


def chosen_language() -> str | None:
    """The language the reader picked (``?lang=``, which the language switch sets), or None when
    the page follows Accept-Language. Links carry a choice on, so it holds from page to page; and
    only a choice, so a page's bytes depend on its URL plus, without ``?lang=``, the negotiated
    language that ``Vary: Accept-Language`` already names (a cookie would need ``Vary: Cookie``,
    one cache entry per reader)."""
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else None


def keep_language(path: str) -> str:
    """A link to one of this server's pages, carrying the reader's chosen language if any."""
    chosen = chosen_language()
    if chosen is None:
        return path
    return f"{path}{'&' if '?' in path else '?'}lang={chosen}"


def language_switch_href() -> str:
    """This page in the other language: the same path and arguments, with ``lang`` set (a
    relative reference, so it works under any base path)."""
    other = "en" if reader_language() == "fr" else "fr"
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", other)])


def language_variant() -> str:
    """What a page's bytes depend on besides its path: its language, whether its links carry it
    (a page produced for ``?lang=en`` is not the one negotiated for English), and the address it
    was asked at (its JSON-LD, citation and links are absolute URLs from the Host header, so a
    server reached under two names keeps a page for each)."""
    root = hashlib.sha256(request.url_root.encode("utf-8")).hexdigest()[:8]
    return reader_language() + ("-chosen" if chosen_language() else "") + "-" + root


def term_text(term: Term) -> str:
    return term.value
