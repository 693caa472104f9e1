"""One error shape for the whole site, in the representation the client asked for.

Every error carries a status, a one-line message and, when a limit caused it, the setting an
operator would change. Browsers get an HTML page, JSON clients ``{"error": {...}}``, RDF clients
a valid empty document in their syntax with the message as a comment, and everyone else plain
text, which is what SPARQL clients such as SPARQLWrapper show to their users.
"""

from __future__ import annotations

import json
from html import escape

from flask import Request, Response, g, render_template

from labgraph.errors import (
    CatalogueError,
    ClientTooBusy,
    ContributionConflict,
    InvalidProposal,
    LabgraphError,
    NotAuthorised,
    ProposalTooLarge,
    ProtocolError,
    QueryCrashed,
    QueryCrashedTwice,
    QueryForbidden,
    QueryOutOfMemory,
    QueryTimeout,
    QueryTooLarge,
    RateLimited,
    ReleasePruned,
    RemoteTimeout,
    RequestError,
    StoreUnavailable,
    TooBusy,
    UnknownContribution,
    UnknownRelease,
)

_KIND = {
    "text/turtle": "comment",
    "application/n-triples": "comment",
    "application/trig": "comment",
    "application/n-quads": "comment",
    "text/csv": "plain",
    "text/tab-separated-values": "plain",
}
_CHOICES = [
    "text/plain",
    "text/html",
    "application/json",
    "application/sparql-results+json",
    "application/ld+json",
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
]
TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    410: "Gone",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request too large",
    414: "URI too long",
    415: "Unsupported media type",
    409: "Conflict",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


#: The HTTP status of each kind of error, most specific first: the one place where labgraph's
#: errors meet HTTP. Anything not listed is the server's fault (500).
STATUSES: list[tuple[type[LabgraphError], int]] = [
    (QueryTooLarge, 413),
    (QueryForbidden, 403),
    (ReleasePruned, 410),
    (UnknownRelease, 404),
    (InvalidProposal, 422),
    (ProposalTooLarge, 413),
    (UnknownContribution, 404),
    (ContributionConflict, 409),
    (RateLimited, 429),
    (NotAuthorised, 403),
    (RequestError, 400),
    (CatalogueError, 400),
    (RemoteTimeout, 504),
    (QueryTimeout, 503),
    (ClientTooBusy, 429),  # this client's share is taken; others are served
    (TooBusy, 503),
    (QueryOutOfMemory, 503),  # the query's fault, but a smaller one may pass: not for ever
    (QueryCrashedTwice, 503),  # the query kills the engine: not the server's fault, nor for ever
    (QueryCrashed, 500),
    (StoreUnavailable, 502),
]


def status_of(exc: LabgraphError) -> int:
    if isinstance(exc, ProtocolError):
        return exc.status
    return next((status for kind, status in STATUSES if isinstance(exc, kind)), 500)


def labgraph_error_response(request: Request, exc: LabgraphError) -> Response:
    """The answer to a labgraph error: its status, its message, the setting that caused it, and
    ``Retry-After`` when waiting a moment may be enough."""
    status = status_of(exc)
    headers = {"Retry-After": str(getattr(exc, "retry_after", 1))} if status in (429, 503) else {}
    return error_response(request, status, str(exc), setting=exc.setting, headers=headers)


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    setting: str | None = None,
    media_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """``media_type`` forces the representation (e.g. the one a data URL stands for)."""
    g.labgraph_error = message  # for the log line of a 5xx answer (create_app's log_server_errors)
    chosen = media_type or request.accept_mimetypes.best_match(_CHOICES, default="text/plain") or "text/plain"
    if "*/*" in str(request.accept_mimetypes) and len(request.accept_mimetypes) == 1 and media_type is None:
        chosen = "text/plain"
    title = TITLES.get(status, "Error")
    if chosen == "text/html":
        body = render_template("error.html", status=status, title=title, message=message, setting=setting)
        response = Response(body, status, content_type="text/html; charset=utf-8")
    elif chosen in ("application/json", "application/sparql-results+json", "application/ld+json"):
        payload = {"error": {"status": status, "title": title, "message": message, "setting": setting}}
        response = Response(json.dumps(payload, ensure_ascii=False), status, content_type=chosen)
    elif _KIND.get(chosen) == "comment":
        lines = [f"# {status} {title}", *(f"# {line}" for line in message.splitlines())]
        if setting:
            lines.append(f"# setting: {setting}")
        response = Response("\n".join(lines) + "\n", status, content_type=f"{chosen}; charset=utf-8")
    elif chosen == "application/rdf+xml":
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f"<!-- {status} {escape(title)}: {escape(message).replace('--', '- -')} --></rdf:RDF>\n"
        )
        response = Response(body, status, content_type="application/rdf+xml")
    else:
        text = f"{status} {title}: {message}"
        if setting:
            text += f" (setting: {setting})"
        response = Response(text + "\n", status, content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response
