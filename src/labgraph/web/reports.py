"""The build's quality documents published: the SHACL report at ``/validation`` and the shapes
at ``/shapes``, as HTML or RDF (``.html``, ``.ttl``, ``.jsonld``, ``.rdf``, ``.nt``, or by Accept
or ``?format=`` on the URL without a suffix, as for resources), and the report's entries on the
page of each resource that is their focus node (:func:`entries_for`).

The raw files, with the manifest that lists their checksums, are downloads under ``/dumps/``
(:mod:`labgraph.web.dataset`); the VoID description links all three
(:mod:`labgraph.dataset.description`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from labgraph.release import SHAPES, VALIDATION_REPORT
from labgraph.web.context import language_variant, reader_language, site
from labgraph.web.errors import error_response
from labgraph.web.negotiation import EXTENSIONS, Offer, content_type
from labgraph.web.quality import SEVERITY_NAMES, Quality, items

bp = Blueprint("reports", __name__)

DOCUMENTS = {"validation": VALIDATION_REPORT, "shapes": SHAPES}
FORMATS = Offer(
    ("text/html", "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"),
    {
        "application/xhtml+xml": "text/html",
        "application/json": "application/ld+json",
        "application/xml": "application/rdf+xml",
        "text/plain": "application/n-triples",
    },
    {
        "html": "text/html",
        "ttl": "text/turtle",
        "turtle": "text/turtle",
        "jsonld": "application/ld+json",
        "json": "application/ld+json",
        "rdf": "application/rdf+xml",
        "xml": "application/rdf+xml",
        "nt": "application/n-triples",
    },
)
RDFLIB = {"application/ld+json": "json-ld", "application/rdf+xml": "xml", "application/n-triples": "nt"}


def quality() -> Quality:
    """The quality documents of the release this app serves, parsed at first use."""
    s = site()
    return s.derived("quality", lambda: Quality(s.release))


def entries_for(iri: str, lang: str) -> list[dict[str, Any]]:
    """The report's results whose focus node is this resource, ready for its page."""
    s = site()
    return [
        {
            "severity": entry.severity,
            "severity_label": SEVERITY_NAMES[entry.severity][lang],
            "path": s.curie(entry.path) if entry.path else None,
            "path_href": s.href(entry.path) if entry.path else None,
            "value": entry.value,
            "message": entry.message(lang),
        }
        for entry in quality().entries_for(iri)
    ]


@bp.route("/validation", defaults={"ext": None})
@bp.route("/validation.<ext>")
def validation(ext: str | None) -> Response:
    return _document("validation", ext)


@bp.route("/shapes", defaults={"ext": None})
@bp.route("/shapes.<ext>")
def shapes(ext: str | None) -> Response:
    return _document("shapes", ext)


def _document(name: str, ext: str | None) -> Response:
    s = site()
    q = quality()
    if not q.has(DOCUMENTS[name]):
        return error_response(request, 404, f"this build has no {DOCUMENTS[name]} (was it built with --no-validate?)")
    asked = request.args.get("format")
    if ext is None:
        media_type = FORMATS.choose(request.accept_mimetypes, asked)
        if media_type is None:
            return error_response(request, 406, f"available: {FORMATS.listing()}")
    else:
        media_type = FORMATS.names.get(ext) if ext in EXTENSIONS.values() else None
        if media_type is None:
            return error_response(request, 404, f"no {ext} representation of /{name}")
        if asked and FORMATS.choose(request.accept_mimetypes, asked) != media_type:
            return error_response(request, 400, f"the suffix .{ext} and format={asked!r} disagree; drop one")
    lang = reader_language() if media_type == "text/html" else ""

    def produce() -> bytes:
        if media_type == "text/html":
            return (_report_page(q, lang) if name == "validation" else _shapes_page(q, lang)).encode("utf-8")
        if media_type == "text/turtle":
            return (s.release / DOCUMENTS[name]).read_bytes()
        return q.graph(DOCUMENTS[name]).serialize(format=RDFLIB[media_type], encoding="utf-8")

    # A page's bytes depend on its language and on whether its links carry it (a chosen ?lang=).
    variant = language_variant() if media_type == "text/html" else ""
    body = s.documents.get((name, media_type, variant), produce) or b""
    response = Response(body, content_type=content_type(media_type))
    response.set_etag(f"{s.store.build_id}-{name}-{EXTENSIONS[media_type]}-{variant}")
    response.last_modified = datetime.fromisoformat(s.manifest["created"])
    response.headers["Link"] = ", ".join(
        f'<{url_for(f"reports.{name}", ext=EXTENSIONS[other])}>; rel="alternate"; type="{other}"'
        for other in FORMATS.types
        if other != media_type
    )
    if ext is None:
        response.vary.add("Accept")
        response.headers["Content-Location"] = url_for(f"reports.{name}", ext=EXTENSIONS[media_type])
    return response


def _alternates(name: str) -> list[tuple[str, str]]:
    return [(media, url_for(f"reports.{name}", ext=EXTENSIONS[media])) for media in FORMATS.types[1:]]


def _report_page(q: Quality, lang: str) -> str:
    s = site()
    focus = sorted({entry.focus for entry in q.entries if entry.focus})
    labels: dict[str, dict[str, str]] = {}
    for start in range(0, len(focus), 500):  # the data's labels, a few hundred IRIs a query
        labels.update(s.labels_of(focus[start : start + 500]))
    rows = [
        {
            "severity": entry.severity,
            "severity_label": SEVERITY_NAMES[entry.severity][lang],
            "focus": s.label(entry.focus, lang, labels) if entry.focus else "[ ]",
            "focus_href": s.href(entry.focus) if entry.focus else None,
            "path": s.curie(entry.path) if entry.path else "",
            "path_href": s.href(entry.path) if entry.path else None,
            "value": entry.value or "",
            "component": entry.component.removesuffix("ConstraintComponent"),
            "message": entry.message(lang),
        }
        for entry in q.entries
    ]
    counts = {severity: sum(r["severity"] == severity for r in rows) for severity in SEVERITY_NAMES}
    return render_template(
        "validation.html",
        lang=lang,
        rows=rows,
        counts=counts,
        names=SEVERITY_NAMES,
        conforms=q.conforms(),
        build=s.manifest,
        alternates=_alternates("validation"),
    )


def _shapes_page(q: Quality, lang: str) -> str:
    s = site()
    graph = q.graph(SHAPES)

    def message(messages: dict[str, str]) -> str:
        return messages.get(lang) or messages.get("en") or next(iter(messages.values()), "")

    shapes = [
        {
            "name": s.curie(shape.iri) if shape.iri else "[ ]",
            "anchor": s.curie(shape.iri).replace(":", "-") if shape.iri else "",
            "targets": [(kind, s.label(target, lang), s.href(target)) for kind, target in shape.targets],
            "severity": SEVERITY_NAMES[shape.severity][lang],
            "constraints": [(c.name, ", ".join(show(graph, v) for v in c.values)) for c in shape.constraints],
            "message": message(shape.messages),
            "properties": [
                {
                    "name": s.curie(p.iri) if p.iri else None,
                    "path": show(graph, p.path) if p.path is not None else "",
                    "severity": SEVERITY_NAMES[p.severity][lang],
                    "warning": p.severity != "Violation",
                    "constraints": [(c.name, ", ".join(show(graph, v) for v in c.values)) for c in p.constraints],
                    "message": message(p.messages),
                }
                for p in shape.properties
            ],
        }
        for shape in q.shapes
    ]
    return render_template(
        "shapes.html", lang=lang, shapes=shapes, build=s.manifest, alternates=_alternates("shapes")
    )


def show(graph: Graph, node: Node, depth: int = 0) -> str:
    """A constraint's value in a line: prefixed IRIs, literals with their language, lists in
    parentheses, a nested shape in brackets (three levels at most)."""
    if isinstance(node, URIRef):
        return site().curie(str(node))
    if isinstance(node, Literal):
        return f'"{node}"@{node.language}' if node.language else str(node)
    members = items(graph, node)
    if members is not None:
        return "( " + " ".join(show(graph, m, depth + 1) for m in members) + " )"
    if isinstance(node, BNode) and depth < 3:
        inner = [
            f"{site().curie(str(p))} {show(graph, o, depth + 1)}"
            for p, o in sorted(graph.predicate_objects(node))
            if "message" not in str(p)
        ]
        return "[ " + " ; ".join(inner) + " ]"
    return "[ … ]"
