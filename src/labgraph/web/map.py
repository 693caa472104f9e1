"""The map of the structures: ``/map`` and ``/carte`` (the page), ``/map.geojson`` (the data)
and ``/map/outlines.geojson`` (the background).

The page is usable without JavaScript: its filter form is a GET form (the ``/api/labs``
filters) and the structures it selects are a server-rendered table, with those whose
territory is not stated, or cannot be placed, listed apart. With JavaScript, map.js draws the
same selection on a Leaflet map (served from node_modules like the query editor) with the
outlines of France, overseas départements as insets, clustered markers that the keyboard can
reach, and the card of a structure in a panel when its marker is clicked or given Enter.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, render_template, request, url_for

from labgraph.cards import FILTERS, STATED, Card
from labgraph.cards.geo import MapIndex
from labgraph.errors import CardFilterError
from labgraph.web.context import chosen_language, reader_language, site
from labgraph.web.errors import error_response
from labgraph.web.labs import card_index, filter_parameters
from labgraph.web.map_outlines import VIEWS, outlines_bytes
from labgraph.web.release_bytes import canonical_query, served_once
from labgraph.web.security import policy_for

bp = Blueprint("map", __name__)

GEOJSON = "application/geo+json"
RESERVED = {"lang"}
FILTER_LABELS = {
    "kind": {"fr": "Nature", "en": "Kind"},
    "territory": {"fr": "Territoire", "en": "Territory"},
    "theme": {"fr": "Thème", "en": "Theme"},
    "service": {"fr": "Service", "en": "Service"},
    "method": {"fr": "Méthode", "en": "Method"},
    "network": {"fr": "Réseau", "en": "Network"},
    "maturity": {"fr": "Maturité", "en": "Maturity"},
}
REASONS = {
    "territory-not-stated": {
        "fr": "territoire non précisé par les sources",
        "en": "territory not stated in the sources",
    },
    "territory-without-centroid": {
        "fr": "territoire sans coordonnées (zone sans contour officiel)",
        "en": "territory without coordinates (an area with no official outline)",
    },
}
LEVEL_LABELS = {
    "commune": {"fr": "commune", "en": "commune"},
    "departement": {"fr": "département", "en": "département"},
    "region": {"fr": "région", "en": "region"},
    "other": {"fr": "autre", "en": "other"},
}


def map_index() -> MapIndex:
    s = site()
    return s.derived("map", lambda: MapIndex(card_index(), s.store, s.vocab.base))


def _params() -> dict[str, list[str]]:
    return {k: [v for v in vs if v] for k, vs in request.args.lists() if k not in RESERVED and any(vs)}


@bp.route("/map.geojson")
def geojson() -> Response:
    index = map_index()
    params = _params()

    def make() -> bytes:
        return index.full if not params else index.collection(index.select(params), params)

    try:
        return served_once(("map.geojson", canonical_query(params)), make, GEOJSON)
    except CardFilterError as exc:
        response = error_response(request, 400, str(exc), media_type="application/json")
        body = json.loads(response.get_data())
        body["error"]["parameter"] = exc.param
        response.set_data(json.dumps(body, ensure_ascii=False))
        return response


@bp.route("/map/outlines.geojson")
def outlines() -> Response:
    body = outlines_bytes(site().settings.project_dir / "node_modules")
    if body is None:
        return error_response(request, 404, "world-atlas is not installed: run `make install` (npm ci)")
    response = Response(body, content_type=GEOJSON)
    response.set_etag(f"outlines-{len(body)}")
    return response


@bp.route("/map")
@bp.route("/carte")
def page() -> Response:
    s = site()
    lang = reader_language()
    params = _params()
    key = ("map-page", request.path, canonical_query(params), lang, chosen_language() or "", request.script_root)
    try:
        response = served_once(key, lambda: _render(params, lang).encode("utf-8"), "text/html; charset=utf-8")
    except CardFilterError as exc:
        return error_response(request, 400, str(exc), media_type="text/html")
    settings = s.settings
    if settings.map_tiles_url:
        parts = urlsplit(settings.map_tiles_url.replace("{s}", "*"))  # Leaflet's subdomains: a CSP wildcard
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
        if origin:
            response.headers["Content-Security-Policy"] = policy_for(request.endpoint, {"img-src": origin})
    return response


def _render(params: dict[str, list[str]], lang: str) -> str:
    s = site()
    index = map_index()
    cards = index.select(params)
    located = [c for c in cards if c.iri in index.features]
    unlocated = [c for c in cards if c.iri in index.unlocated]
    settings = s.settings
    config = {
        "lang": lang,
        "geojson": url_for("map.geojson") + _query(params),
        "outlines": url_for("map.outlines"),
        "base": settings.base_uri,
        "root": request.script_root + "/",
        "views": VIEWS,
        "tiles": settings.map_tiles_url,
        "attribution": settings.map_tiles_attribution,
    }
    installed = (settings.project_dir / "node_modules" / "leaflet" / "dist" / "leaflet.js").is_file()
    return render_template(
        "map.html",
        lang=lang,
        config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        installed=installed,
        filters=_filter_options(index, lang, params),
        rows=[_row(c, index, lang) for c in located],
        unlocated=[_row(c, index, lang) for c in unlocated],
        total=len(index.cards.cards),
        views=VIEWS,
        geojson_href=config["geojson"],
    )


def _query(params: dict[str, list[str]]) -> str:
    """The page's filters as the query string of /map.geojson (the page's language left out)."""
    pairs = [(k, v) for k, vs in params.items() for v in vs]
    return "?" + urlencode(pairs) if pairs else ""


def _label(labels: dict[str, str], lang: str, fallback: str) -> str:
    return labels.get(lang) or labels.get("fr") or labels.get("en") or fallback


def _row(card: Card, index: MapIndex, lang: str) -> dict[str, Any]:
    s = site()

    def texts(name: str) -> list[str]:
        field = card.fields.get(name)
        return [v.label(lang) for v in field.values] if field is not None and field.status == STATED else []

    placement = index.placements.get(card.iri)
    placed = None
    if placement is not None:
        level = placement.territory.about.get("level", "other")
        placed = f"{placement.territory.label(lang)} ({LEVEL_LABELS.get(level, LEVEL_LABELS['other'])[lang]})"
    label_lang = lang if lang in card.labels else "fr" if "fr" in card.labels else next(iter(card.labels), lang)
    return {
        "label": card.label(lang),
        "label_lang": label_lang,
        "href": s.href(card.iri),
        "kind": texts("kind"),
        "territory": texts("territory"),
        "placed": placed,
        "reason": REASONS.get(index.reasons.get(card.iri, ""), {}).get(lang),
        "card": url_for("labs.one", kind=card.type, slug=card.slug + ".json"),
    }


def _filter_options(index: MapIndex, lang: str, params: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Each filter's choices: the values the cards state (for territories, their départements and
    régions too), by slug, with their labels, sorted; the chosen ones marked."""
    s = site()
    out = []
    for param, name in FILTERS.items():
        choices: dict[str, str] = {}
        extra: set[str] = set()
        for card in index.cards.cards:
            field = card.fields.get(name)
            if field is None or field.status != STATED:
                continue
            for value in field.values:
                if value.iri:
                    choices.setdefault(value.slug, value.label(lang))
                    if param == "territory":
                        extra |= {*value.about.get("departement", []), *value.about.get("region", [])}
        labels = s.labels_of(sorted(extra)) if extra else {}
        for iri in extra:
            slug = iri.rstrip("/").rsplit("/", 1)[-1]
            choices.setdefault(slug, _label(labels.get(iri, {}), lang, slug))
        known = index.cards.known[param]
        options = sorted(
            ((slug, text) for slug, text in choices.items() if slug in known), key=lambda o: o[1].casefold()
        )
        chosen = set(params.get(param, []))
        out.append(
            {
                "param": param,
                "label": FILTER_LABELS[param][lang],
                "options": [{"value": v, "text": t, "selected": v in chosen} for v, t in options],
            }
        )
    return out


def openapi_path() -> dict[str, Any]:
    """/map.geojson for the API's OpenAPI document (:func:`labgraph.web.api.openapi_document`)."""
    filters = filter_parameters()
    return {
        "get": {
            "operationId": "getLabMap",
            "summary": "The structures on a map, as GeoJSON (RFC 7946)",
            "description": "One point per structure with a territory, at the centroid of its commune, else "
            "département, else région (longitude, latitude; WGS84), with its URI and its card's main fields; "
            "`unlocated` lists the structures whose territory is not stated or has no centroid.",
            "tags": ["cards"],
            "parameters": filters,
            "responses": {
                "200": {"description": "A FeatureCollection", "content": {GEOJSON: {"schema": {"type": "object"}}}},
                "400": {
                    "description": "An unknown filter, or a value no structure has",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        }
    }
