"""A web API generated from the query catalogue, for people who do not write SPARQL.

``/api/queries`` lists the catalogue; ``/api/queries/{name}`` runs one query with its typed
parameters and returns plain JSON rows, CSV, or any SPARQL results format, a page at a time;
``/api/openapi.json`` describes all of it, and ``/api/docs`` renders that description.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from labgraph import catalogue
from labgraph.web import contributions_api, labs, similar
from labgraph.web import map as map_page
from labgraph.web.context import contributions_on, query_request, reader_language, site
from labgraph.web.errors import error_response
from labgraph.web.negotiation import Offer, content_type
from labgraph.web.search import SEARCH_SCHEMA
from labgraph.web.search import openapi_path as search_path

bp = Blueprint("api", __name__, url_prefix="/api")

ROWS = "application/json"
RESULTS = Offer(
    (
        ROWS,
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
        "application/sparql-results+xml",
        "text/html",
    ),
    {"application/xml": "application/sparql-results+xml"},
    {
        "json": ROWS,
        "srj": "application/sparql-results+json",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
        "srx": "application/sparql-results+xml",
        "xml": "application/sparql-results+xml",
        "html": "text/html",
    },
)
LISTING = Offer((ROWS, "text/html"), {}, {"json": ROWS, "html": "text/html"})
RESERVED = catalogue.RESERVED  # the catalogue refuses parameters so named
DEFAULT_PAGE_SIZE = 100


def _catalogue() -> dict[str, catalogue.CatalogueQuery]:
    return site().queries


def _describe(query: catalogue.CatalogueQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "row": query.row,
        "tags": list(query.tags),
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "description": p.description,
                "default": p.default,
                "enum": list(p.enum) or None,
                "required": p.required,
            }
            for p in query.params
        ],
        "url": url_for("api.run", name=query.name, _external=True),
        "sparql": query.text,
    }


@bp.route("/queries")
@bp.route("/queries.<ext>")
def index(ext: str | None = None) -> Response:
    media = LISTING.choose(request.accept_mimetypes, ext)
    if media is None:
        return error_response(request, 406 if ext is None else 404, f"available: {LISTING.listing()}")
    queries = [_describe(q) for q in _catalogue().values()]
    if media == "text/html":
        body = render_template("api_index.html", lang=reader_language(), queries=queries)
        return Response(body, content_type="text/html; charset=utf-8")
    return Response(json.dumps({"queries": queries}, ensure_ascii=False, indent=1), content_type=ROWS)


@bp.route("/queries/<name>")
def run(name: str) -> Response:
    ext = None
    if "." in name:
        name, _, ext = name.partition(".")
    query = _catalogue().get(name)
    if query is None:
        return error_response(request, 404, f"no query named {name!r}; see {url_for('api.index')}")
    s = site()
    media = RESULTS.choose(request.accept_mimetypes, ext or request.args.get("format"))
    if media is None:
        return error_response(request, 406 if not ext else 404, f"available: {RESULTS.listing()}")
    try:
        page = int(request.args.get("page", "1"))
        per_page = int(request.args.get("per_page", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        return error_response(request, 400, "page and per_page must be integers")
    if page < 1 or not 1 <= per_page <= s.settings.max_rows:
        return error_response(request, 400, f"page must be >= 1 and per_page between 1 and {s.settings.max_rows}")
    values = {k: v for k, v in request.args.items() if k not in RESERVED}
    try:
        text = query.render(values, limit=per_page, offset=(page - 1) * per_page)
    except catalogue.ParameterError as exc:
        return error_response(request, 400, str(exc), media_type=ROWS if media == ROWS else None)
    store_media = "application/sparql-results+json" if media in (ROWS, "text/html") else media
    result = s.store.query(
        query_request(text, store_media)
    )
    next_url = None
    if result.count is None or result.count >= per_page:
        following: dict[str, Any] = {**request.args, "page": page + 1}
        next_url = url_for("api.run", name=query.name, **following, _external=True)
    if media in (ROWS, "text/html"):
        data = json.loads(result.body)
        names = data["head"]["vars"]
        rows = [{n: b[n]["value"] for n in names if n in b} for b in data["results"]["bindings"]]
        if len(rows) < per_page:
            next_url = None
        if media == "text/html":
            body = render_template(
                "api_run.html",
                lang=reader_language(),
                query=_describe(query),
                names=names,
                rows=rows,
                page=page,
                next_url=next_url,
                values=values,
            )
            response = Response(body, content_type="text/html; charset=utf-8")
        else:
            payload = {
                "query": query.name,
                "parameters": values,
                "page": page,
                "per_page": per_page,
                "columns": names,
                "rows": rows,
                "next": next_url,
            }
            response = Response(json.dumps(payload, ensure_ascii=False), content_type=ROWS)
    else:
        response = Response(result.body, content_type=content_type(media))
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.vary.add("Accept")
    return response


@bp.route("/openapi.json")
def openapi() -> Response:
    return Response(json.dumps(openapi_document(), ensure_ascii=False, indent=1), content_type="application/json")


@bp.route("/docs")
def docs() -> str:
    return render_template("api_docs.html", lang=reader_language())


_SCHEMA_OF: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "uri"},
    "string": {"type": "string", "maxLength": 500},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "year": {"type": "string", "pattern": "^[0-9]{4}$"},
    "language": {"type": "string", "pattern": "^[a-z]{2,3}$"},
}


def openapi_document() -> dict[str, Any]:
    s = site()
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "List the query catalogue",
                "tags": ["catalogue"],
                "responses": {
                    "200": {
                        "description": "The queries, their parameters and SPARQL text",
                        "content": {ROWS: {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    paths.update(labs.openapi_paths())  # the structures' identity cards
    paths.update(similar.openapi_paths())  # their computed neighbours
    paths["/map.geojson"] = map_page.openapi_path()  # and their map
    paths["/search"] = search_path()
    if contributions_on():
        paths.update(contributions_api.openapi_paths())  # proposals of new cards and corrections
    for query in _catalogue().values():
        parameters = []
        for p in query.params:
            schema = dict(_SCHEMA_OF[p.type])
            if p.enum:
                schema["enum"] = list(p.enum)
            if p.default is not None:
                schema["default"] = int(p.default) if p.type == "integer" else p.default
            parameters.append(
                {
                    "name": p.name,
                    "in": "query",
                    "required": p.required,
                    "schema": schema,
                    "description": p.description["en"] + " / " + p.description["fr"],
                }
            )
        parameters += [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "default": 1},
                "description": "Page of results, from 1.",
            },
            {
                "name": "per_page",
                "in": "query",
                "required": False,
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": s.settings.max_rows,
                    "default": DEFAULT_PAGE_SIZE,
                },
                "description": "Rows per page.",
            },
        ]
        paths[f"/api/queries/{query.name}"] = {
            "get": {
                "operationId": "run_" + query.name.replace("-", "_"),
                "summary": query.title["en"],
                "description": f"{query.description['en']}\n\nOne row: {query.row['en']}.\n\n{query.description['fr']}",
                "tags": list(query.tags) or ["queries"],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": query.row["en"],
                        "content": {
                            ROWS: {"schema": {"$ref": "#/components/schemas/Rows"}},
                            "application/sparql-results+json": {"schema": {"type": "object"}},
                            "application/sparql-results+xml": {"schema": {"type": "string"}},
                            "text/csv": {"schema": {"type": "string"}},
                            "text/tab-separated-values": {"schema": {"type": "string"}},
                        },
                    },
                    "400": {
                        "description": "A parameter value does not fit its type",
                        "content": {ROWS: {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "406": {"description": "No acceptable result format"},
                    "503": {"description": "Query time limit reached, or the server is busy"},
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "labgraph query API",
            "version": s.manifest.get("labgraph_version", "0"),
            "description": "Curated SPARQL queries over labgraph, the open knowledge graph of French public "
            "innovation labs, run with typed parameters.",
            "license": {
                "name": "Licence Ouverte 2.0",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            },
        },
        "servers": [{"url": request.url_root.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": {
                "SearchResults": SEARCH_SCHEMA,
                "Rows": {
                    "type": "object",
                    "required": ["query", "rows", "columns", "page"],
                    "properties": {
                        "query": {"type": "string"},
                        "parameters": {"type": "object"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "rows": {
                            "type": "array",
                            "items": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                        "next": {"type": "string", "nullable": True},
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "integer"},
                                "title": {"type": "string"},
                                "message": {"type": "string"},
                                "setting": {"type": "string", "nullable": True},
                            },
                        }
                    },
                },
            }
        },
    }
