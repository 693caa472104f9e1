"""Headers that bound what a response may do in a reader's browser, and which IRIs pages link.

The pages show data that anyone may have written into a source file or an import, so they are
built as if it were hostile: Jinja escapes every text, :func:`web_link` turns only http(s) IRIs
into links (a ``javascript:`` IRI would otherwise run in the reader's browser when clicked),
and every response carries a Content-Security-Policy that allows this server's own scripts and
styles and nothing else: no inline script, no ``eval``, no ``javascript:`` URL, no third-party
host. The query editor (YASGUI) and the API docs (Swagger UI), served from ``/vendor/…``, run
under it too; the one thing more the editor needs is listed in :data:`NEEDS`, for its page only,
with the reason (tests/web/test_security.py loads both pages in Chromium under the policy and
fails on any violation it reports).
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

#: What every response may do: only this server's scripts, styles, fonts and images (and the
#: data: images stylesheets embed), fetches to itself (the editor's queries), forms posted to
#: itself, no plug-ins, no <base> rewriting, and no framing (clickjacking).
POLICY: dict[str, str] = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}

#: Sources added for one endpoint's page, and why (what Chromium reported under the strict
#: policy). Swagger UI (/api/docs) needs nothing more: React sets its styles through the DOM,
#: which a policy does not restrict, and its icons are data: images.
NEEDS: dict[str, dict[str, str]] = {
    # YASR's column resizer (column-resizer, bundled in YASGUI) writes one fixed <style> element
    # for the result table; its hash allows that text and no other. The bundle needs no eval,
    # no inline script and no other host (remote prefix lookups are switched off in query.js).
    # A YASGUI upgrade that changes the text shows as a CSP violation in test_security.py.
    "editor.query_editor": {"style-src-elem": "'self' 'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"},
}

#: Only absolute http(s) IRIs become links; no whitespace or control character (a browser drops
#: some of them while parsing, which could turn the IRI into another scheme).
_WEB_IRI = re.compile(r"^https?://[^\s\x00-\x1f\x7f\"<>\\^`{|}]+$", re.IGNORECASE)


def web_link(iri: str) -> str | None:
    """The IRI if a page may link it (http or https), else None: the page shows it as text."""
    return iri if _WEB_IRI.match(iri) else None


def policy_for(endpoint: str | None, extra: dict[str, str] | None = None) -> str:
    """The Content-Security-Policy header value of one endpoint's responses; ``extra`` adds
    sources a deployment's settings call for (the map's tile server, see web/map.py)."""
    directives = {**POLICY, **NEEDS.get(endpoint or "", {})}
    for name, value in (extra or {}).items():
        directives[name] = f"{directives.get(name, POLICY['default-src'])} {value}".replace("'none' ", "")
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def install(app: Flask) -> None:
    """Send the policy and the other hardening headers on every response, errors included."""

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy_for(request.endpoint))
        # A document is what its Content-Type says: no browser guessing that a Turtle file or a
        # query result is HTML or a script.
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Links to other sites carry this site's origin, never the path and query (which can
        # hold a reader's SPARQL query or search).
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
