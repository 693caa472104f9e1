"""SPARQL for people: a query sent by a browser (``text/html`` preferred over every result
format, or ``?format=html``) is answered with a page rather than a file to download.

The page runs the query through the store like any client, in a machine format it reads back
(SPARQL JSON for SELECT and ASK, Turtle for graph results), and shows the query, the results as
a table (IRIs linked to their pages, their labels beside them, looked up once through the store
interface), a graph result as Turtle, ASK as yes/no, a link that opens the query in the editor
and a download link per result format. Machine clients never get here: a client naming no
HTML type, or naming it no higher than a result format (``*/*``, SPARQLWrapper), keeps the
protocol's answers. The page is server-rendered with no script, under the site's CSP.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept, MultiDict

from labgraph.errors import LabgraphError
from labgraph.store.base import QueryForm, QueryInfo, QueryRequest
from labgraph.web.context import language_variant, reader_language, site
from labgraph.web.errors import status_of
from labgraph.web.negotiation import Offer

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Protocol parameters a download link carries on (the dataset of the query).
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")


def wants_page(accept: MIMEAccept, format_name: str | None, offer: Offer) -> bool:
    """Whether the client asks for the page: ``?format=html``, or an HTML type named explicitly
    (never through ``*/*``) with a higher quality than any result format this query has. A tie
    goes to the machine format, so a client that lists both keeps the protocol's answer."""
    if format_name:
        return format_name.lower() == "html"
    html = max((q for value, q in accept if value.lower() in HTML_TYPES), default=0.0)
    if html <= 0:
        return False
    machine = set(offer.types) | set(offer.aliases)
    data = max((q for value, q in accept if value.lower() in machine), default=0.0)
    return html > data


@dataclass(frozen=True)
class Cell:
    kind: str  # "iri", "bnode", "literal" or "" (unbound)
    text: str
    href: str | None = None
    label: str | None = None
    note: str | None = None  # a literal's language or datatype


def _names(offer: Offer) -> list[tuple[str, str]]:
    """(format name, media type) for each result format, in the offer's order: the first short
    name that stands for it."""
    pairs = []
    for media_type in offer.types:
        name = next((n for n, m in offer.names.items() if m == media_type), media_type)
        pairs.append((name, media_type))
    return pairs


def _link(endpoint_path: str, text: str, params: MultiDict[str, str], **extra: str) -> str:
    pairs = [("query", text)]
    pairs += [(name, value) for name in DATASET_PARAMS for value in params.getlist(name)]
    pairs += list(extra.items())
    return endpoint_path + "?" + urlencode(pairs)


def _cells(rows: list[dict[str, Any]], variables: list[str], lang: str) -> list[list[Cell]]:
    s = site()
    iris = sorted({b["value"] for row in rows for b in row.values() if b.get("type") == "uri"})
    labels = s.labels_of(iris)  # one query for every IRI the shown rows hold
    table = []
    for row in rows:
        line = []
        for name in variables:
            binding = row.get(name)
            if binding is None:
                line.append(Cell("", ""))
            elif binding["type"] == "uri":
                iri = binding["value"]
                known = labels.get(iri) or s.labels.get(iri)
                label = s.label(iri, lang, labels) if known else None
                line.append(Cell("iri", s.curie(iri), s.href(iri), label))
            elif binding["type"] == "bnode":
                line.append(Cell("bnode", "_:" + binding["value"]))
            else:
                note = binding.get("xml:lang") or (
                    s.curie(binding["datatype"]) if binding.get("datatype") else None
                )
                line.append(Cell("literal", binding["value"], note=note))
        table.append(line)
    return table


def answer_page(text: str, info: QueryInfo, offer: Offer, params: MultiDict[str, str]) -> Response:
    """The HTML answer to one query, errors included (400 for a query the engine cannot parse,
    with its message; the limits' statuses otherwise), in the reader's language."""
    s = site()
    settings = s.settings
    lang = reader_language()
    graph_form = info.form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
    media_type = "text/turtle" if graph_form else "application/sparql-results+json"
    endpoint_path = url_for("sparql.endpoint")
    context: dict[str, Any] = {
        "lang": lang,
        "query": text,
        "form": str(info.form or "SELECT"),
        "editor_href": url_for("editor.query_editor") + "?" + urlencode({"query": text}),
        "downloads": [
            (name, media, _link(endpoint_path, text, params, format=name)) for name, media in _names(offer)
        ],
        "max_rows": settings.max_rows,
        "page_rows": settings.sparql_page_rows,
        "error": None,
    }
    status = 200
    headers: dict[str, str] = {}
    try:
        result = s.store.query(
            QueryRequest(
                text,
                media_type,
                tuple(params.getlist("default-graph-uri")),
                tuple(params.getlist("named-graph-uri")),
                base_iri=request.base_url,
            )
        )
    except LabgraphError as exc:
        status = status_of(exc)
        if status == 503:
            headers["Retry-After"] = "1"
        context.update(error=str(exc), setting=exc.setting, status=status)
    else:
        context.update(truncated=result.truncated, count=result.count)
        if graph_form:
            context["turtle"] = result.body.decode("utf-8")
        else:
            answer = json.loads(result.body)
            if "boolean" in answer:
                context["boolean"] = bool(answer["boolean"])
            else:
                variables = list(answer["head"].get("vars", []))
                bindings = answer["results"]["bindings"]
                context.update(
                    variables=variables,
                    rows=_cells(bindings[: settings.sparql_page_rows], variables, lang),
                    total=len(bindings),
                )
    response = Response(
        render_template("sparql_result.html", **context), status, content_type="text/html; charset=utf-8"
    )
    response.vary.add("Accept")
    for name, value in headers.items():
        response.headers[name] = value
    if status != 200:
        response.headers["Cache-Control"] = "no-store"
    elif request.method in ("GET", "HEAD"):
        depends = f"{s.store.build_id}\ntext/html\n{language_variant()}\n{request.query_string!r}"
        response.set_etag(hashlib.sha256(depends.encode()).hexdigest()[:32])
    else:
        response.cache_control.no_store = True
    return response
