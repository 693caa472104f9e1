"""Similar structures on the web: ``/api/labs/{type}/{slug}/similar`` (JSON or CSV) and the
"similar structures" section of a structure's page, below its card.

The links are the build's (``graph/similarity``, :mod:`labgraph.graph.similarity`), read through
the store once per served release and kept in the app: no request computes a similarity, and
the page says that the links are computed, not stated by the sources.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, request, url_for

from labgraph.cards.links import Link, read_links
from labgraph.web.context import reader_language, site
from labgraph.web.labs import CARDS, CSV, JSON, _error, card_index

bp = Blueprint("similar", __name__, url_prefix="/api")



def links_by_source() -> dict[str, list[Link]]:
    """The served release's links, read on first use (like the cards)."""
    s = site()
    return s.derived("similar", lambda: read_links(s.store, s.vocab))


@bp.route("/labs/<kind>/<slug>/similar")
@bp.route("/labs/<kind>/<slug>/similar.<ext>")
def similar(kind: str, slug: str, ext: str | None = None) -> Response:
    media = CARDS.choose(request.accept_mimetypes, ext)
    if media is None:
        return _error(406 if ext is None else 404, f"available: {CARDS.listing()}", JSON)
    card = card_index().by_path.get((kind, slug))
    if card is None:
        return _error(404, f"no structure {kind}/{slug} has a card; see {url_for('labs.listing')}", media)
    links = links_by_source().get(card.iri, [])
    by_iri = card_index().by_iri
    lang = reader_language()
    if media == CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["rank", "iri", "label", "score", "reason", "shared_concepts", "shared_place"])
        for link in links:
            other = by_iri.get(link.target)
            label = other.label(lang) if other else link.target
            reason = link.reasons.get(lang, "")
            concepts = " | ".join(link.concepts)
            writer.writerow([link.rank, link.target, label, link.score, reason, concepts, link.place or ""])
        response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        items = []
        for link in links:
            data = link.as_json()
            other = by_iri.get(link.target)
            if other is not None:
                data["label"] = dict(sorted(other.labels.items()))
                data["card"] = url_for("labs.one", kind=other.type, slug=other.slug, _external=True)
            items.append(data)
        payload = {
            "iri": card.iri,
            "computed": True,
            "note": "Computed by labgraph from the cards (docs/similarity.md), not stated by the sources.",
            "graph": site().vocab.graph("similarity"),
            "similar": items,
        }
        response = Response(json.dumps(payload, ensure_ascii=False), content_type=JSON)
    response.vary.add("Accept")
    return response


def similar_view(iri: str, lang: str) -> dict[str, Any] | None:
    """What similar.html shows below a structure's card, or None for other resources."""
    card = card_index().by_iri.get(iri)
    if card is None:
        return None
    s = site()
    by_iri = card_index().by_iri
    rows = []
    for link in links_by_source().get(iri, []):
        other = by_iri.get(link.target)
        rows.append(
            {
                "text": other.label(lang) if other else s.label(link.target, lang),
                "href": s.href(link.target),
                "score": f"{link.score:.2f}",
                "reason": link.reasons.get(lang) or link.reasons.get("en", ""),
            }
        )
    return {
        "rows": rows,
        "json": url_for("similar.similar", kind=card.type, slug=card.slug, ext="json"),
        "csv": url_for("similar.similar", kind=card.type, slug=card.slug, ext="csv"),
    }


def openapi_paths() -> dict[str, Any]:
    """The similar-structures path, for the API's OpenAPI document."""
    formats = {JSON: {"schema": {"type": "object"}}, CSV: {"schema": {"type": "string"}}}
    error = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}, CSV: {"schema": {"type": "string"}}}
    return {
        "/api/labs/{type}/{slug}/similar": {
            "get": {
                "operationId": "getSimilarLabs",
                "summary": "The structures most like one structure, with the reasons",
                "description": "Computed at build into graph/similarity from the identity cards (shared services, "
                "methods, themes, audiences, kind, maturity, networks, nearness of territory; rarer concepts "
                "weigh more): not stated by the sources. Also .../similar.json and .../similar.csv.",
                "tags": ["cards"],
                "parameters": [
                    {"name": "type", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "lang",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["fr", "en"]},
                        "description": "Language of the CSV's labels and reasons.",
                    },
                ],
                "responses": {
                    "200": {"description": "The neighbours, best first", "content": formats},
                    "404": {"description": "No structure with this type and slug has a card", "content": error},
                    "406": {"description": "No acceptable format"},
                },
            }
        },
    }
