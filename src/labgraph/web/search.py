"""``/search``: word search over the names and descriptions of everything that has a page.

Parameters: ``q`` (the words; every one must match, case, accents and punctuation ignored),
``class`` (a CURIE such as ``lg:Lab`` or a full IRI; subclasses count), ``page`` (from 1) and
``per_page`` (1 to :data:`MAX_PER_PAGE`). The answer is an HTML page, or JSON by
``Accept: application/json`` or ``?format=json``: the total, one page of results (IRI, page
URL, label, classes, the field that matched and the snippet), the classes among all results
with their counts, and the URLs of the neighbouring pages. Matching and ranking are in
:mod:`labgraph.web.search_index`; :func:`openapi_path` describes all this for the API document.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any
from urllib.parse import urljoin

from flask import Blueprint, Response, render_template, request, url_for

from labgraph.web.context import reader_language, site
from labgraph.web.errors import error_response
from labgraph.web.negotiation import Offer
from labgraph.web.search_index import FIELD_NAMES, Hit, SearchIndex, words_of
from labgraph.web.term_labels import term_labels

bp = Blueprint("search", __name__)

ANSWERS = Offer(
    ("text/html", "application/json"),
    {"application/xhtml+xml": "text/html"},
    {"html": "text/html", "json": "application/json"},
)
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 200
FACETS = 12


def index() -> SearchIndex:
    """The index of the release this app serves, made at first use."""
    s = site()
    return s.derived("search", lambda: SearchIndex(s.store, s.settings.base_uri))


def _integer(name: str, default: int, low: int, high: int | None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be an integer {bounds}, not {raw!r}")
    return int(raw)


def _class_filter(raw: str) -> str | None:
    """A CURIE with a known prefix, or an absolute IRI; None if it is neither."""
    s = site()
    prefix, colon, local = raw.partition(":")
    if colon and prefix in s.prefixes and not local.startswith("//"):
        candidate = s.prefixes[prefix] + local
    elif "://" in raw:
        candidate = raw
    else:
        return None
    return None if any(c in candidate for c in '<>"{} \\^`|') else candidate


@bp.route("/search")
def search() -> Response:
    s = site()
    lang = reader_language()
    media = ANSWERS.choose(request.accept_mimetypes, request.args.get("format"))
    if media is None:
        return error_response(request, 406, "available: text/html, application/json (or ?format=json)")
    query = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    try:
        page = _integer("page", 1, 1, None)
        per_page = _integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    except ValueError as exc:
        return error_response(request, 400, str(exc), media_type=media if media != "text/html" else None)
    cls = None
    if request.args.get("class"):
        cls = _class_filter(request.args["class"])
        if cls is None:
            return error_response(
                request,
                400,
                f"class must be a CURIE with a known prefix (lg:Lab) or an absolute IRI, not {request.args['class']!r}",
                media_type=media if media != "text/html" else None,
            )
    words = words_of(query)
    hits = index().search(words, lang, index().subclasses(cls) if cls else None) if words else []
    pages = max(1, math.ceil(len(hits) / per_page))
    shown = hits[(page - 1) * per_page : page * per_page]
    facets = Counter(t for hit in hits for t in hit.thing.types).most_common(FACETS)
    links = {
        "next": _page_url(page + 1) if page < pages and hits else None,
        "prev": _page_url(page - 1) if page > 1 and hits else None,
    }
    if media == "application/json":
        payload = {
            "query": query,
            "words": words,
            "class": cls,
            "total": len(hits),
            "page": page,
            "per_page": per_page,
            "pages": pages,
            "results": [_result(hit, lang) for hit in shown],
            "classes": [{"iri": c, "label": s.label(c, lang), "count": n} for c, n in facets],
            **{k: (urljoin(request.url_root, v) if v else None) for k, v in links.items()},
        }
        response = Response(json.dumps(payload, ensure_ascii=False), content_type="application/json")
    else:
        body = render_template(
            "search.html",
            lang=lang,
            query=query,
            words=words,
            total=len(hits),
            hits=[_row(hit, lang) for hit in shown],
            page=page,
            pages=pages,
            first=(page - 1) * per_page + 1,
            links=links,
            cls=cls,
            cls_label=s.label(cls, lang) if cls else None,
            facets=_facets(facets, cls, lang),
            unfiltered=_facet_url(None),
        )
        response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    if links["next"]:
        response.headers.add("Link", f'<{links["next"]}>; rel="next"')
    return response


def _facets(counts: list[tuple[str, int]], cls: str | None, lang: str) -> list[tuple[str, str, int, bool]]:
    """(label, filter URL, count, current) per class found; classes of one name (cv:PublicOrganisation
    and schema:GovernmentOrganization are both "organisation publique") are told apart by their
    vocabulary."""
    s = site()
    names = term_labels([c for c, _ in counts], lang)
    return [(names[c], _facet_url(s.curie(c)), n, c == cls) for c, n in counts]


def _row(hit: Hit, lang: str) -> tuple[Any, ...]:
    """(label parts, page, classes, snippet parts or None) for the HTML list."""
    s = site()
    kinds = " · ".join(sorted({s.label(t, lang) for t in hit.thing.types}))
    return hit.label_parts(), s.href(hit.thing.iri), kinds, hit.snippet_parts() if hit.snippet else None


def _result(hit: Hit, lang: str) -> dict[str, Any]:
    s = site()
    snippet = hit.snippet
    return {
        "iri": hit.thing.iri,
        "url": urljoin(request.url_root, s.href(hit.thing.iri)),
        "label": hit.label,
        "types": sorted(hit.thing.types),
        "matched": FIELD_NAMES[hit.tier],
        "snippet": hit.snippet_text(),
        "snippet_language": (snippet.language if snippet else None) or None,
    }


def _page_url(page: int) -> str:
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
    return url_for("search.search", **{**args, "page": page})


def _facet_url(curie: str | None) -> str:
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("page", "class")}
    return url_for("search.search", **({**args, "class": curie} if curie else args))


def openapi_path() -> dict[str, Any]:
    """The OpenAPI description of ``/search`` (its JSON answer), for ``/api/openapi.json``."""

    def parameter(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}

    return {
        "get": {
            "operationId": "search",
            "summary": "Search names and descriptions of everything that has a page",
            "description": "Every word of q must occur (case, accents and punctuation ignored) in a label, an "
            "alternative label or a description, in French or English. Label matches come first. JSON by "
            "Accept: application/json or format=json; HTML otherwise.",
            "tags": ["site"],
            "parameters": [
                parameter("q", {"type": "string", "maxLength": MAX_QUERY_CHARS}, "The words to find.", True),
                parameter("class", {"type": "string"}, "Only things of this class or a subclass (lg:Lab, or an IRI)."),
                parameter("page", {"type": "integer", "minimum": 1, "default": 1}, "Page of results, from 1."),
                parameter(
                    "per_page",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
                    "Results per page.",
                ),
                parameter("format", {"type": "string", "enum": ["json", "html"]}, "The answer's format."),
                parameter("lang", {"type": "string", "enum": ["fr", "en"]}, "Language of labels and snippets."),
            ],
            "responses": {
                "200": {
                    "description": "One page of results, with the total and the classes found",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResults"}}},
                },
                "400": {"description": "A bad page, per_page or class"},
            },
        }
    }


SEARCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["query", "total", "page", "per_page", "results"],
    "properties": {
        "query": {"type": "string"},
        "words": {"type": "array", "items": {"type": "string"}},
        "class": {"type": "string", "nullable": True},
        "total": {"type": "integer"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "pages": {"type": "integer"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "iri": {"type": "string", "format": "uri"},
                    "url": {"type": "string", "format": "uri"},
                    "label": {"type": "string"},
                    "types": {"type": "array", "items": {"type": "string"}},
                    "matched": {"type": "string", "enum": list(FIELD_NAMES.values())},
                    "snippet": {"type": "string"},
                    "snippet_language": {"type": "string", "nullable": True},
                },
            },
        },
        "classes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"iri": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}},
            },
        },
        "next": {"type": "string", "nullable": True},
        "prev": {"type": "string", "nullable": True},
    },
}
