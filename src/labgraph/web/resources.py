"""Dereferenceable URIs, following "Cool URIs for the Semantic Web".

A thing's URI (``/id/…``, ``/def/…``, ``/graph/…``) answers 303 See Other to a document chosen
by Accept; each document has its own URL with an extension (``/doc/lab/acco-lab.ttl``), and a
negotiating URL without one. Documents link to each other with ``Link: rel="alternate"`` and
carry ETag and Last-Modified from the build, so revalidation costs a 304.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from labgraph.web.cite import resource_citation
from labgraph.web.context import chosen_language, language_variant, reader_language, site
from labgraph.web.errors import error_response
from labgraph.web.negotiation import BY_EXTENSION, CITATION_TYPES, EXTENSIONS, RESOURCE, content_type, split_suffix
from labgraph.web.ontology_page import render_ontology
from labgraph.web.resource_page import render_resource
from labgraph.web.tombstones import tombstone

bp = Blueprint("resources", __name__)

#: Paths this server mints: lower-case ASCII slugs, concept and term names. Anything else is
#: not one of our URIs, whatever it decodes to.
SAFE_PATH = re.compile(r"^(?:id|def|graph)/[A-Za-z0-9][A-Za-z0-9_\-]*(?:/[A-Za-z0-9][A-Za-z0-9_\-]*)*$")
ONTOLOGY_DOC = "ontology"


def _negotiate() -> tuple[str | None, Response | None]:
    """The representation a negotiating URL answers with: ``?format=`` (the names the suffixes
    use, and their aliases), as on /sparql and /void, for a browser's link; otherwise Accept."""
    name = request.args.get("format")
    media_type = RESOURCE.choose(request.accept_mimetypes, name)
    if media_type is not None:
        return media_type, None
    if name:
        return None, error_response(request, 406, f"no format named {name!r}; available: {_format_names()}")
    return None, error_response(request, 406, f"available: {RESOURCE.listing()}")


def _format_names() -> str:
    return ", ".join(EXTENSIONS.values())


def _disagreement(media_type: str) -> Response | None:
    """A URL with a suffix names its representation; a ``?format=`` naming another is refused
    rather than silently ignored."""
    name = request.args.get("format")
    if name and RESOURCE.choose(request.accept_mimetypes, name) != media_type:
        return error_response(
            request,
            400,
            f"this URL's suffix is .{EXTENSIONS[media_type]} but format={name!r} asks for something else; "
            "drop one of the two",
        )
    return None


def _thing_path(kind: str, rest: str) -> str:
    return f"{kind}/{rest}"


def _doc_path(thing_path: str) -> str:
    """``id/lab/x`` -> ``lab/x``; ``def/Lab`` and ``graph/x`` keep their prefix."""
    return thing_path[3:] if thing_path.startswith("id/") else thing_path


def _thing_of_doc(doc_path: str) -> str:
    return doc_path if doc_path.startswith(("def/", "graph/")) else "id/" + doc_path


@bp.route("/id/<path:rest>", methods=["GET"])
def thing_id(rest: str) -> WerkzeugResponse:
    return _see_other(_thing_path("id", rest))


@bp.route("/def/<path:rest>", methods=["GET"])
def thing_def(rest: str) -> WerkzeugResponse:
    return _see_other(_thing_path("def", rest))


@bp.route("/graph/<path:rest>", methods=["GET"])
def thing_graph(rest: str) -> WerkzeugResponse:
    return _see_other(_thing_path("graph", rest))


@bp.route("/def/", methods=["GET"])
@bp.route("/def", methods=["GET"])
def ontology_namespace() -> WerkzeugResponse:
    media_type, refusal = _negotiate()
    if media_type in CITATION_TYPES:
        return error_response(request, 406, "the ontology has no citation format; cite the dataset: /cite/dataset")
    if media_type is None:
        return refusal  # type: ignore[return-value]
    target = url_for("resources.ontology_document", ext=EXTENSIONS[media_type], lang=_chosen(media_type))
    response = redirect(target, 303)
    response.vary.add("Accept")
    return response


@bp.route("/ontology.<ext>", methods=["GET"])
def ontology_document(ext: str) -> Response:
    s = site()
    media_type = BY_EXTENSION.get(ext)
    if media_type is None or media_type in CITATION_TYPES:
        return error_response(request, 404, f"no {ext} representation of the ontology")
    refusal = _disagreement(media_type)
    if refusal is not None:
        return refusal
    lang = reader_language() if media_type == "text/html" else ""

    def produce() -> bytes:
        if media_type == "text/html":
            return render_ontology(lang).encode("utf-8")
        return s.store.graph_document(s.settings.base_uri + "graph/ontology", media_type)

    body = s.documents.get(("ontology", media_type, _variant(media_type)), produce)
    return _document_response(body or b"", media_type, "ontology", alternates_of=None)


def _variant(media_type: str) -> str:
    """Which of a document's versions this request gets: pages have one per language, and one
    more per language chosen with ``?lang=`` (its links carry the choice on)."""
    return language_variant() if media_type == "text/html" else ""


def _chosen(media_type: str) -> str | None:
    """The language a redirect to a page carries on (data documents have none)."""
    return chosen_language() if media_type == "text/html" else None


def _exists(thing_path: str) -> bool:
    """Whether the release has this thing, asked of the store once per release and then kept
    with the documents: a redirect already answered is answered again without the store, even
    while a remote store is down (issue 21.10), as the documents already produced are."""
    s = site()
    known = s.documents.get(
        ("exists", thing_path), lambda: b"1" if s.store.exists(s.settings.base_uri + thing_path) else b""
    )
    return known == b"1"


def _see_other(thing_path: str) -> WerkzeugResponse:
    s = site()
    media_type, refusal = _negotiate()
    if SAFE_PATH.match(thing_path) and (gone := tombstone(s.settings.base_uri + thing_path, media_type)):
        return gone  # removed (410) or merged into another (301)
    if not SAFE_PATH.match(thing_path) or not _exists(thing_path):
        return error_response(request, 404, f"no resource at {request.path}", media_type=media_type)
    if media_type is None:
        return refusal  # type: ignore[return-value]
    target = url_for(
        "resources.document", rest=f"{_doc_path(thing_path)}.{EXTENSIONS[media_type]}", lang=_chosen(media_type)
    )
    response = redirect(target, 303)
    response.vary.add("Accept")
    response.cache_control.public = True
    response.cache_control.max_age = s.settings.cache_max_age
    return response


@bp.route("/doc/<path:rest>", methods=["GET"])
def document(rest: str) -> WerkzeugResponse:
    s = site()
    stem, suffix = split_suffix(rest)
    negotiated = suffix is None
    ext = suffix or ""
    if negotiated:
        media_type, refusal = _negotiate()
        if media_type is None:
            return refusal  # type: ignore[return-value]
    else:
        media_type = BY_EXTENSION.get(ext)
        if media_type is None:
            return error_response(request, 404, f"no {ext} representation here")
        refusal = _disagreement(media_type)
        if refusal is not None:
            return refusal
    thing_path = _thing_of_doc(stem)
    iri = s.settings.base_uri + thing_path
    if not SAFE_PATH.match(thing_path):
        return error_response(request, 404, f"no resource at {request.path}", media_type=media_type)
    gone = tombstone(iri, media_type, lambda target: _document_of(target, suffix))
    if gone is not None:
        return gone  # removed (410) or merged into another (301), as its /id/ URI answers
    lang = reader_language() if media_type == "text/html" else ""

    def produce() -> bytes | None:
        if media_type in CITATION_TYPES:  # written from the resource's description (#16.5)
            description = s.store.describe(iri)
            return None if description is None else resource_citation(description, media_type, stem)
        if media_type == "text/html":
            description = s.store.describe(iri)
            return None if description is None else render_resource(description, lang, stem).encode("utf-8")
        description = s.store.describe(iri, media_type)
        return None if description is None else description.body

    body = s.documents.get((thing_path, media_type, _variant(media_type)), produce)
    if body is None:
        return error_response(request, 404, f"no resource <{iri}>", media_type=media_type)
    response = _document_response(body, media_type, stem, alternates_of=stem)
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = url_for(
            "resources.document", rest=f"{stem}.{EXTENSIONS[media_type]}", lang=_chosen(media_type)
        )
    return response


def _document_of(iri: str, suffix: str | None) -> str | None:
    """The document URL of a thing under our base, with the suffix the request had (none for a
    negotiating URL), or None for an IRI this server does not mint."""
    base = site().settings.base_uri
    thing_path = iri[len(base) :] if iri.startswith(base) else ""
    if not SAFE_PATH.match(thing_path):
        return None
    rest = _doc_path(thing_path) + (f".{suffix}" if suffix else "")
    return url_for("resources.document", rest=rest, lang=request.args.get("lang"))


def _document_response(body: str | bytes, media_type: str, key: str, alternates_of: str | None) -> Response:
    s = site()
    response = Response(body, content_type=content_type(media_type))
    # Only pages depend on the reader's language (the app's release_caching adds Vary:
    # Accept-Language to HTML); a data document is the same bytes, hence the same ETag, whatever
    # Accept-Language says. Cache-Control and the 304 come from release_caching too.
    response.set_etag(f"{s.store.build_id}-{key}-{EXTENSIONS[media_type]}-{_variant(media_type)}")
    response.last_modified = datetime.fromisoformat(s.manifest["created"])
    links = []
    for other, ext in EXTENSIONS.items():
        if other == media_type:
            continue
        href = (
            url_for("resources.document", rest=f"{alternates_of}.{ext}")
            if alternates_of
            else url_for("resources.ontology_document", ext=ext)
        )
        links.append(f'<{href}>; rel="alternate"; type="{other}"')
    response.headers["Link"] = ", ".join(links)
    return response
