"""The SPARQL 1.1 Protocol endpoint (query side only; updates are refused).

Parameters are decoded strictly as UTF-8 with the standard library, so a malformed request is
a 400 rather than a query silently changed by replacement characters.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl

from flask import Blueprint, Response, render_template, request
from werkzeug.datastructures import MultiDict

from labgraph.dataset import description
from labgraph.errors import ProtocolError, QueryRejected
from labgraph.store.base import QueryForm, QueryRequest, inspect
from labgraph.web.context import reader_language, site
from labgraph.web.errors import error_response, labgraph_error_response
from labgraph.web.negotiation import ASK_RESULTS, GRAPH_RESULTS, RDF_ONLY, SELECT_RESULTS, content_type
from labgraph.web.sparql_page import answer_page, wants_page

bp = Blueprint("sparql", __name__)

UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
SD_OFFER = RDF_ONLY.__class__(
    ("text/html", *RDF_ONLY.types),
    {"application/xhtml+xml": "text/html", **RDF_ONLY.aliases},
    {"html": "text/html", **RDF_ONLY.names},
)


def _strict_params(raw: bytes) -> MultiDict[str, str]:
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, "the request parameters are not valid UTF-8") from exc
    return MultiDict(pairs)


def _read_request() -> tuple[list[str], MultiDict[str, str]]:
    """The query strings sent and all parameters, for each of the protocol's three forms."""
    params = _strict_params(request.query_string)
    if request.method in ("GET", "HEAD"):
        if any(name in params for name in UPDATE_PARAMS):
            raise ProtocolError(403, READ_ONLY)
        return params.getlist("query"), params
    mimetype = request.mimetype
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if mimetype == "application/x-www-form-urlencoded":
        form = _strict_params(request.get_data(cache=False))
        if any(name in form for name in UPDATE_PARAMS):
            raise ProtocolError(
                403 if "query" not in form else 400,
                READ_ONLY if "query" not in form else "send either query or update, not both",
            )
        merged = MultiDict(list(params.items(multi=True)) + list(form.items(multi=True)))
        return form.getlist("query") + params.getlist("query"), merged
    if mimetype == "application/sparql-query":
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"queries must be sent in UTF-8, not {charset}")
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, "the query is not valid UTF-8") from exc
        return [text, *params.getlist("query")], params
    if mimetype == "application/sparql-update":
        raise ProtocolError(403, READ_ONLY)
    if not mimetype:
        raise ProtocolError(
            400, "a POST needs Content-Type application/sparql-query or application/x-www-form-urlencoded"
        )
    raise ProtocolError(
        415, f"unsupported Content-Type {mimetype}; use application/sparql-query or application/x-www-form-urlencoded"
    )


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    s = site()
    try:
        queries, params = _read_request()
    except ProtocolError as exc:
        return labgraph_error_response(request, exc)
    if not queries:
        # A lone ?lang= is the reader's language, carried by the site's links: still the page.
        if request.method == "GET" and not set(params) - {"lang"}:
            return service_description()
        return error_response(request, 400, "missing query parameter")
    if len(queries) > 1:
        return error_response(request, 400, "send exactly one query")
    text = queries[0]
    settings = s.settings
    try:
        info = inspect(
            text,
            max_bytes=settings.max_query_bytes,
            max_nesting=settings.max_nesting,
            service_allowlist=settings.service_allowlist,
        )
    except QueryRejected as exc:
        return labgraph_error_response(request, exc)
    offers = {QueryForm.ASK: ASK_RESULTS, QueryForm.CONSTRUCT: GRAPH_RESULTS, QueryForm.DESCRIBE: GRAPH_RESULTS}
    offer = offers.get(info.form, SELECT_RESULTS) if info.form else SELECT_RESULTS
    if wants_page(request.accept_mimetypes, params.get("format") or None, offer):
        return answer_page(text, info, offer, params)
    media_type = offer.choose(request.accept_mimetypes, params.get("format") or None)
    if media_type is None and params.get("format"):
        media_type = offer.choose(request.accept_mimetypes)
    if media_type is None:
        return error_response(
            request,
            406,
            f"cannot answer this {info.form or 'query'} in any accepted type; available: {offer.listing()}",
        )
    result = s.store.query(
        QueryRequest(
            text,
            media_type,
            tuple(params.getlist("default-graph-uri")),
            tuple(params.getlist("named-graph-uri")),
            base_iri=request.base_url,
        )
    )
    response = Response(result.body, content_type=content_type(media_type))
    response.vary.add("Accept")
    if result.truncated:
        response.headers["Labgraph-Truncated"] = "true"
        response.headers["Labgraph-Max-Rows"] = str(settings.max_rows)
    if result.count is not None:
        response.headers["Labgraph-Result-Count"] = str(result.count)
    if request.method in ("GET", "HEAD"):
        digest = hashlib.sha256(f"{s.store.build_id}\n{media_type}\n{request.query_string!r}".encode()).hexdigest()
        response.set_etag(digest[:32])  # caching headers: the app's release_caching
        return response
    response.cache_control.no_store = True
    return response


def service_description() -> Response:
    s = site()
    media_type = SD_OFFER.choose(request.accept_mimetypes, request.args.get("format"))
    if media_type is None:
        return error_response(request, 406, f"available: {SD_OFFER.listing()}")
    if media_type == "text/html":
        names = {"ontology": s.vocab.ontology, "labo_des_labs": s.vocab.thing("network", "labo-des-labs")}
        examples = [(title, text % names) for title, text in EXAMPLE_QUERIES]
        body = render_template("sparql.html", lang=reader_language(), examples=examples)
        response = Response(body, content_type="text/html; charset=utf-8")
    else:
        graph = description.service_description(s.settings, s.manifest, request.base_url)
        fmt = {
            "text/turtle": "turtle",
            "application/ld+json": "json-ld",
            "application/rdf+xml": "xml",
            "application/n-triples": "nt",
        }[media_type]
        response = Response(graph.serialize(format=fmt), content_type=content_type(media_type))
    response.vary.add("Accept")
    # The description is written anew each time (fresh blank nodes), so its ETag names what it
    # depends on rather than its bytes.
    depends = f"{s.store.build_id}\n{media_type}\n{reader_language()}\n{request.base_url}"
    response.set_etag(hashlib.sha256(depends.encode()).hexdigest()[:32])
    return response


EXAMPLE_QUERIES = [
    (
        "Laboratoires et leur structure de rattachement",
        """PREFIX lg: <%(ontology)s>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?lab ?label ?hostLabel WHERE {
  ?lab a lg:Lab ; rdfs:label ?label .
  OPTIONAL { ?lab org:unitOf/rdfs:label ?hostLabel FILTER(LANG(?hostLabel) = "fr") }
  FILTER(LANG(?label) = "fr")
} ORDER BY ?label""",
    ),
    (
        "Membres du Labo des Labs",
        """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?member ?label WHERE {
  ?m org:organization <%(labo_des_labs)s> ; org:member ?member .
  ?member rdfs:label ?label FILTER(LANG(?label) = "fr")
} ORDER BY ?label""",
    ),
]
