"""HTML for browsing: the home page, class listings and the site's small files (search is in
:mod:`labgraph.web.search`).

Server-rendered, usable without JavaScript, in the reader's language.
"""

from __future__ import annotations

import json
import math

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from labgraph.dataset.schema_org import dataset_jsonld
from labgraph.web.cite import dataset_view
from labgraph.web.context import chosen_language, fold, reader_language, site
from labgraph.web.relations import STRUCTURE_CLASSES
from labgraph.web.term_labels import term_labels

#: Endpoints keep the name "pages" that the templates' url_for() calls use.
bp = Blueprint("pages", __name__)

PAGE_SIZE = 50

#: What people look for, each counted once on the home page (one class per kind of thing, so
#: no two rows name the same things); every class, per vocabulary, is on /classes/.
HOME_CLASSES = [
    "lg:Lab",
    "lg:Network",
    "http://www.w3.org/ns/org#Organization",
    "lg:Programme",
    "lg:Call",
    "http://schema.org/Event",
    "http://xmlns.com/foaf/0.1/Person",
    "http://schema.org/Place",
    "http://schema.org/AdministrativeArea",
    "lg:KnowledgeResource",
    "lg:Objective",
    "http://www.w3.org/2004/02/skos/core#Concept",
    "http://www.w3.org/2004/02/skos/core#ConceptScheme",
    "lg:SourceDocument",
]


def _rebase(cls: str) -> str:
    return site().vocab.expand(cls)


@bp.route("/")
def home() -> str:
    s = site()
    lang = reader_language()
    counts = _browsable(s.manifest["stats"]["classes"])
    chosen = chosen_language()
    listed = [_rebase(c) for c in HOME_CLASSES]
    names = term_labels(listed, lang)
    entries = [
        (names[c], url_for("pages.class_list", curie=s.curie(c), lang=chosen), counts[c])
        for c in listed
        if counts.get(c)
    ]
    return render_template(
        "home.html",
        lang=lang,
        entries=entries,
        citation=dataset_view(lang),
        # What Google Dataset Search reads; "</" escaped so no text can close the script element.
        dataset_jsonld=json.dumps(
            dataset_jsonld(s.settings, s.manifest, request.url_root, lang), ensure_ascii=False, indent=1
        ).replace("</", "<\\/"),
        triples=s.manifest["stats"]["triples"],
        build=s.manifest,
    )


@bp.route("/classes/")
def classes() -> str:
    s = site()
    lang = reader_language()
    browsable = _browsable(s.manifest["stats"]["classes"])
    names = term_labels(browsable, lang)
    rows = sorted(
        (
            (names[c], url_for("pages.class_list", curie=s.curie(c), lang=chosen_language()), n, s.curie(c))
            for c, n in browsable.items()
        ),
        key=lambda r: fold(r[0]),
    )
    return render_template("classes.html", lang=lang, rows=rows)


def _browsable(counts: dict[str, int]) -> dict[str, int]:
    """Classes of things people browse: not the nodes that qualify a relation or hold a value."""
    return {c: n for c, n in counts.items() if c not in STRUCTURE_CLASSES}


#: Things of a class, not the nodes that stand for a relation or a value (their pages show them
#: through what they qualify), nor blank nodes.
_INSTANCES = """
SELECT ?s WHERE { ?s a <%s> FILTER(isIRI(?s))
  FILTER NOT EXISTS { VALUES ?structure { %s } ?s a ?structure } }
"""


@bp.route("/classes/<curie>")
def class_list(curie: str) -> str:
    s = site()
    lang = reader_language()
    prefix, _, local = curie.partition(":")
    namespace = s.prefixes.get(prefix)
    if namespace is None or not local or any(c in local for c in '<>"{} \\^`|'):
        abort(404)
    cls = namespace + local
    structure = " ".join(f"<{c}>" for c in STRUCTURE_CLASSES)
    members = sorted({row["s"].value for row in s.store.select(_INSTANCES % (cls, structure))})
    if not members:
        abort(404)
    # Sorted by label when the class is small enough to fetch every label; by IRI beyond.
    labels = s.labels_of(members) if len(members) <= 5000 else {}
    if labels:
        members.sort(key=lambda iri: fold(s.label(iri, lang, labels)))
    pages = max(1, math.ceil(len(members) / PAGE_SIZE))
    try:
        page = max(1, min(pages, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    chunk = members[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    labels = labels or s.labels_of(chunk)
    rows = [(s.label(iri, lang, labels), s.href(iri)) for iri in chunk]
    return render_template(
        "class_list.html",
        lang=lang,
        title=s.label(cls, lang),
        curie=curie,
        rows=rows,
        page=page,
        pages=pages,
        total=len(members),
        class_href=s.href(cls),
    )


@bp.route("/favicon.ico")
def favicon() -> Response:
    return current_app.send_static_file("favicon.svg")


@bp.route("/robots.txt")
def robots() -> Response:
    sitemap = request.url_root + "sitemap.xml"  # absolute, as the robots exclusion protocol asks
    return Response(f"User-agent: *\nDisallow: /sparql\nSitemap: {sitemap}\n", content_type="text/plain; charset=utf-8")
