"""The Flask publisher: SPARQL endpoint, dereferenceable URIs, pages, dataset description.

:func:`create_app` receives the settings and a :class:`~labgraph.store.base.Store`; views
never open data themselves, so the same app runs on any backend.

May import: the foundation, ``labgraph.dataset``, ``labgraph.catalogue`` and the store's
interface (``labgraph.store.base``) only: never a backend, the graph build or pySHACL.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask_compress import Compress
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from labgraph.config import Settings
from labgraph.contributions.base import Desks
from labgraph.errors import LabgraphError
from labgraph.release import Release
from labgraph.store.base import Store
from labgraph.web import (
    api,
    browse,
    cite,
    contribute,
    contributions_api,
    dataset,
    editor,
    labs,
    observe,
    releases,
    reports,
    resources,
    review,
    search,
    security,
    similar,
    sitemap,
    sparql,
)
from labgraph.web import map as map_page
from labgraph.web.context import (
    Site,
    chosen_language,
    contributions_on,
    keep_language,
    language_switch_href,
    reader_language,
)
from labgraph.web.errors import error_response, labgraph_error_response
from labgraph.web.i18n import t
from labgraph.web.pinned import PinnedStores
from labgraph.web.release_history import last_change

log = logging.getLogger("labgraph.web")
EXPOSED = ["Labgraph-Truncated", "Labgraph-Max-Rows", "Labgraph-Result-Count", "Link", "ETag", "Content-Location"]


def create_app(
    settings: Settings,
    store: Store,
    release: Path,
    pinned: PinnedStores | None = None,
    observer: observe.Observer | None = None,
    desks: Desks | None = None,
) -> Flask:
    """The app over one store and release; ``pinned`` holds the stores of older releases for
    pinned queries, ``observer`` carries metrics and the access log across apps (one per
    release served), a new one by default, and ``desks`` the contributions' desks (None:
    contributions are off), which outlive releases too."""
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_query_bytes * 3 + 1024,  # a form-encoded query can triple in size
        JSON_AS_ASCII=False,
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/turtle",
            "text/csv",
            "text/tab-separated-values",
            "application/json",
            "application/geo+json",
            "application/ld+json",
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "application/rdf+xml",
            "application/n-triples",
            "application/trig",
            "application/n-quads",
            "text/plain",
        ],
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_MIN_SIZE=512,
    )
    manifest: dict[str, Any] = Release(release).manifest
    app.extensions["labgraph"] = Site(settings, observe.TimedStore(store), manifest, release)
    app.extensions["labgraph_pinned"] = pinned  # stores of older releases, for pinned queries
    app.extensions["labgraph_desks"] = desks  # proposals and their review (contributions.base)
    observe.install(app, observer or observe.Observer.for_settings(settings), settings)  # first: see observe
    blueprints = [sparql, resources, browse, search, dataset, reports, api]
    blueprints += [labs, similar, map_page, editor, sitemap, cite, releases, contribute, contributions_api, review]
    for module in blueprints:
        app.register_blueprint(module.bp)
    # "*" whatever the Origin (no credentials are ever involved): the same bytes for every calling
    # site, so a shared cache keeps one copy of each answer rather than one per Origin (echoing the
    # Origin, Flask-CORS would also add Vary: Origin).
    CORS(app, expose_headers=EXPOSED, max_age=86400, send_wildcard=True)
    Compress(app)
    security.install(app)
    app.jinja_env.globals.update(
        t=t,
        lang_switch=lambda: "en" if reader_language() == "fr" else "fr",
        chosen_language=chosen_language,
        keep_language=keep_language,
        language_switch_href=language_switch_href,
        last_change=last_change,
        contributions_on=contributions_on,
    )
    app.jinja_env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}

    @app.before_request
    def limit_url() -> Response | None:
        size = len(request.full_path.encode("utf-8"))
        if size > settings.max_url_bytes:
            return error_response(
                request,
                414,
                f"the request URL is {size} bytes; the limit is {settings.max_url_bytes}",
                setting="max_url_bytes",
            )
        return None

    @app.after_request
    def release_caching(response: Response) -> Response:
        """A release never changes, so a successful GET that sets no caching policy of its own
        (pages, the service description, the API's description) may be kept by browsers and
        proxies like the data documents: for ``cache_max_age``, revalidated by its ETag. Pages
        follow the reader's language, hence Vary: Accept-Language on HTML, except where the
        reader chose one (``?lang=``): that page is the same bytes for everyone, one cache entry."""
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or "Cache-Control" in response.headers
            or response.direct_passthrough
        ):
            return response
        response.cache_control.public = True
        response.cache_control.max_age = settings.cache_max_age
        if response.mimetype == "text/html" and chosen_language() is None:
            response.vary.add("Accept-Language")
        if "ETag" not in response.headers:
            response.add_etag()
        response.make_conditional(request)  # turns this response into the 304 in place
        return response

    @app.after_request
    def log_server_errors(response: Response) -> Response:
        """One line per 5xx answer, so that an operator sees what failed and when: the method, the
        path and the message, never the query string (it carries the query and its parameters)."""
        if response.status_code >= 500:
            log.warning(
                "%s %s answered %d: %s",
                request.method,
                request.path,
                response.status_code,
                g.get("labgraph_error", "(no message)"),
            )
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        headers = {}
        if exc.code == 405:
            headers["Allow"] = ", ".join(sorted(getattr(exc, "valid_methods", None) or ["GET", "HEAD", "POST"]))
        message = {404: f"nothing at {request.path}", 413: "the request body is too large (max_query_bytes)"}.get(
            exc.code or 500, exc.description or ""
        )
        return error_response(
            request, exc.code or 500, message, headers=headers, setting="max_query_bytes" if exc.code == 413 else None
        )

    @app.errorhandler(LabgraphError)
    def labgraph_error(exc: LabgraphError) -> Response:
        return labgraph_error_response(request, exc)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.path)
        return error_response(request, 500, "the server met an unexpected error; it has been logged")

    if urlsplit(settings.base_uri).path not in ("", "/"):
        app.wsgi_app = BasePathMiddleware(app.wsgi_app, urlsplit(settings.base_uri).path)  # type: ignore[method-assign]
    return app


class BasePathMiddleware:
    """Also answer for paths under the base URI's own path (``/labgraph/id/…``), so a proxy
    may forward the public URIs unchanged."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.prefix + "/"):
            environ["PATH_INFO"] = path[len(self.prefix) :]
        return self.app(environ, start_response)
