"""The structures' identity cards on the web: ``/api/labs`` (every card, filtered) and
``/api/labs/{type}/{slug}`` (one card), in JSON or CSV, and the card at the top of a page.

Cards come from :mod:`labgraph.cards`, computed once per served release and kept in the app,
so a request only filters and serialises them. Formats follow the API's conventions: a
``.json``/``.csv`` suffix wins over Accept; errors answer in the format asked for.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request, url_for

from labgraph.cards import FILTERS, NOT_STATED, Card, CardIndex, csv_text, select_cards
from labgraph.cards.fields import SPECS, STATUS_TEXT
from labgraph.cards.model import Value
from labgraph.errors import CardFilterError
from labgraph.release import CARDS as CARDS_FILE
from labgraph.release import Release
from labgraph.web.context import contributions_on, reader_language, site
from labgraph.web.errors import TITLES, error_response
from labgraph.web.negotiation import Offer
from labgraph.web.release_bytes import canonical_query, served_once

bp = Blueprint("labs", __name__, url_prefix="/api")

JSON, CSV = "application/json", "text/csv"
CARDS = Offer((JSON, CSV), {}, {"json": JSON, "csv": CSV})
RESERVED = {"lang"}


def card_index() -> CardIndex:
    s = site()
    return s.derived(
        "cards", lambda: CardIndex(s.store, s.vocab, None if s.store.extra_files else built_cards(s.release))
    )


def built_cards(release: Path) -> list[Card] | None:
    """The cards the build wrote into the release (``cards.json``): read in milliseconds where
    computing them from the store takes seconds on a large graph. None for a release built
    before the build wrote them, or whose file cannot be read: the index then computes them."""
    path = Release(release).file(CARDS_FILE)
    try:
        return [Card.from_json(item) for item in json.loads(path.read_bytes())]
    except (OSError, ValueError, KeyError, TypeError):
        return None


@bp.route("/labs")
@bp.route("/labs.<ext>")
def listing(ext: str | None = None) -> Response:
    media = CARDS.choose(request.accept_mimetypes, ext)
    if media is None:
        return _error(406 if ext is None else 404, f"available: {CARDS.listing()}", JSON)
    index = card_index()
    params = {k: v for k, v in request.args.lists() if k not in RESERVED}
    lang = reader_language()

    def make() -> bytes:
        cards = select_cards(index.cards, params, index.known)
        if media == CSV:
            return csv_text(cards, lang).encode("utf-8")
        payload = {
            "count": len(cards),
            "filters": {param: values for param, values in params.items()},
            "cards": [_card_json(card) for card in cards],
        }
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")

    content = "text/csv; charset=utf-8" if media == CSV else JSON
    try:
        # The same selection is the same bytes for the whole release: made once, kept compressed.
        response = served_once(("api/labs", media, lang, canonical_query(params)), make, content)
    except CardFilterError as exc:
        return _error(400, str(exc), media, param=exc.param)
    response.vary.add("Accept")
    return response


@bp.route("/labs/<kind>/<slug>")
def one(kind: str, slug: str) -> Response:
    ext = None
    if "." in slug:
        slug, _, ext = slug.partition(".")
    media = CARDS.choose(request.accept_mimetypes, ext)
    if media is None:
        return _error(406 if ext is None else 404, f"available: {CARDS.listing()}", JSON)
    card = card_index().by_path.get((kind, slug))
    if card is None:
        return _error(404, f"no structure {kind}/{slug} has a card; see {url_for('labs.listing')}", media)
    if media == CSV:
        response = Response(csv_text([card], reader_language()), content_type="text/csv; charset=utf-8")
    else:
        response = Response(json.dumps(_card_json(card), ensure_ascii=False), content_type=JSON)
    response.vary.add("Accept")
    return response


def _card_json(card: Card) -> dict[str, Any]:
    data = card.as_json()
    data["url"] = url_for("labs.one", kind=card.type, slug=card.slug, _external=True)
    return data


def _error(status: int, message: str, media: str, param: str | None = None) -> Response:
    """The error in the format asked for: CSV clients get a one-row CSV, others the site's shape."""
    if media != CSV:
        response = error_response(request, status, message, media_type=JSON)
        if param:
            body = json.loads(response.get_data())
            body["error"]["parameter"] = param
            response.set_data(json.dumps(body, ensure_ascii=False))
        return response
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["status", "title", "message", "parameter"])
    writer.writerow([status, TITLES.get(status, "Error"), message, param or ""])
    response = Response(out.getvalue(), status, content_type="text/csv; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


# ----------------------------------------------------------------------------- the page's card


def card_view(iri: str, lang: str) -> dict[str, Any] | None:
    """What card.html shows for a resource, or None when it has no card."""
    card = card_index().by_iri.get(iri)
    if card is None:
        return None
    s = site()
    docs = sorted({d for f in card.fields.values() for d in f.sources} | {
        d for f in card.fields.values() for v in f.superseded for d in v.sources})
    doc_labels = s.labels_of(docs)
    number = {doc: n for n, doc in enumerate(docs, 1)}
    rows = []
    def shown(values: list[Value]) -> list[dict[str, Any]]:
        return [
            {
                "text": v.label(lang),
                "href": s.href(v.value) if v.iri else None,
                "role": _role(v.about, lang),
                "sources": [number[d] for d in v.sources if d in number],
            }
            for v in values
        ]

    for field in card.ordered_fields():
        values = shown(field.values)
        answer = None
        if field.status != "stated":
            answer = STATUS_TEXT[field.status][lang]
        elif SPECS[field.name].yes_no:
            answer = STATUS_TEXT["yes"][lang]
        rows.append(
            {
                "name": SPECS[field.name].label[lang],
                "status": field.status,
                "answer": answer,
                "values": values,
                "sources": [number[d] for d in field.answer_sources if d in number],
                # what a newer accepted contribution replaced, under "earlier", with its sources
                "earlier": shown(field.superseded),
            }
        )
    return {
        "rows": rows,
        "completeness": round(card.completeness * 100),
        "not_stated": sum(1 for f in card.fields.values() if f.status == NOT_STATED),
        "documents": [(number[d], s.label(d, lang, doc_labels), s.href(d)) for d in docs],
        "json": url_for("labs.one", kind=card.type, slug=card.slug + ".json"),
        "csv": url_for("labs.one", kind=card.type, slug=card.slug + ".csv"),
        "correct": url_for("contribute.form", target=card.iri) if contributions_on() else None,
    }


def _role(about: dict[str, Any], lang: str) -> str | None:
    name = about.get("roleName")
    labels = about.get("roleLabel")
    if isinstance(labels, dict) and labels:
        return str(labels.get(lang) or labels.get("fr") or next(iter(labels.values())))
    return str(name) if name else None


# ----------------------------------------------------------------------------- OpenAPI


def filter_parameters() -> list[dict[str, Any]]:
    """The cards' filters as OpenAPI query parameters: every answer that selects structures
    (the card listings, the map) takes the same ones."""
    return [
        {
            "name": param,
            "in": "query",
            "required": False,
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
            "description": f"Structures whose {field} include this value (a slug or an IRI; broader concepts "
            "and containing territories match too). Repeated: any of the values.",
        }
        for param, field in FILTERS.items()
    ]


#: One value of a card field, as :meth:`labgraph.cards.model.Value.as_json` writes it.
_VALUE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["sources"],
    "properties": {
        "iri": {"type": "string", "format": "uri"},
        "value": {"type": "string"},
        "label": {"type": "object", "additionalProperties": {"type": "string"}},
        "sources": {"type": "array", "items": {"type": "string", "format": "uri"}},
    },
    "additionalProperties": True,
}

#: One card field: its status, current values and their sources, and the values a newer
#: accepted contribution superseded (still shown, each with its sources; issue #17).
_FIELD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "values", "sources", "superseded"],
    "properties": {
        "status": {"type": "string", "enum": ["stated", "no", "not-stated"]},
        "values": {"type": "array", "items": _VALUE_SCHEMA, "description": "The field's current values."},
        "sources": {"type": "array", "items": {"type": "string", "format": "uri"},
                    "description": "The source documents of the current values and answer."},
        "superseded": {
            "type": "array",
            "items": _VALUE_SCHEMA,
            "description": "Values from older sources that the newest accepted contribution stating this "
            "field replaced; empty when no contribution states it. Not used by filters, similarity or the map.",
        },
    },
}

CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["iri", "type", "slug", "class", "label", "completeness", "fields"],
    "properties": {
        "iri": {"type": "string", "format": "uri"},
        "type": {"type": "string"},
        "slug": {"type": "string"},
        "class": {"type": "string"},
        "label": {"type": "object", "additionalProperties": {"type": "string"}},
        "completeness": {"type": "number", "minimum": 0, "maximum": 1},
        "fields": {"type": "object", "additionalProperties": _FIELD_SCHEMA},
    },
}


def openapi_paths() -> dict[str, Any]:
    """The two card paths, for the API's OpenAPI document (:func:`labgraph.web.api.openapi_document`)."""
    formats = {JSON: {"schema": {"type": "object"}}, CSV: {"schema": {"type": "string"}}}
    one_card = {JSON: {"schema": CARD_SCHEMA}, CSV: {"schema": {"type": "string"}}}
    error = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}, CSV: {"schema": {"type": "string"}}}
    filters = filter_parameters()
    lang = {
        "name": "lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["fr", "en"]},
        "description": "Language of the CSV cells.",
    }
    return {
        "/api/labs": {
            "get": {
                "operationId": "listLabCards",
                "summary": "Identity cards of the structures (labs, incubators, networks, OpenLabs, programmes)",
                "description": "One card per structure, with the source of every field; "
                "fields the sources do not state say so. Also /api/labs.json and /api/labs.csv.",
                "tags": ["cards"],
                "parameters": [*filters, lang],
                "responses": {
                    "200": {"description": "The matching cards", "content": formats},
                    "400": {"description": "An unknown filter, or a value no structure has", "content": error},
                    "406": {"description": "No acceptable format"},
                },
            }
        },
        "/api/labs/{type}/{slug}": {
            "get": {
                "operationId": "getLabCard",
                "summary": "One structure's identity card",
                "description": "The card of /id/{type}/{slug}; add .json or .csv to the slug to choose a format.",
                "tags": ["cards"],
                "parameters": [
                    {"name": "type", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    lang,
                ],
                "responses": {
                    "200": {"description": "The card; CSV leaves superseded values out", "content": one_card},
                    "404": {"description": "No structure with this type and slug has a card", "content": error},
                },
            }
        },
    }
