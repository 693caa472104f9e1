"""Discovery by crawlers: ``/sitemap.xml`` (the Sitemaps protocol, 0.9) listing the main pages
and every resource page, with the release's date as ``lastmod``.

Past ``sitemap_max_urls`` (the protocol's limit is 50,000 URLs per file), ``/sitemap.xml``
becomes a sitemap index of ``/sitemap-1.xml``, ``/sitemap-2.xml``… Resources are listed at
their document URL (``/doc/lab/acco-lab``, the ``url`` their pages' schema.org JSON-LD gives),
which answers a browser with the page itself, not a redirect; the nodes that qualify a relation
or hold a value are left out, as in the class listings. Addresses are absolute, on the address
the server is reached at (the protocol wants the sitemap's own host). ``/robots.txt``
(:mod:`labgraph.web.browse`) points to it.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Response, request, url_for

from labgraph.web.context import site
from labgraph.web.errors import error_response
from labgraph.web.relations import STRUCTURE_CLASSES

bp = Blueprint("sitemap", __name__)

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_RESOURCES = """
SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "%(prefix)s"))
  FILTER NOT EXISTS { VALUES ?structure { %(structure)s } ?s a ?structure } }
"""
#: The site's own pages, by endpoint and arguments (class listings are added per class).
MAIN_PAGES: list[tuple[str, dict[str, Any]]] = [
    ("pages.home", {}),
    ("pages.classes", {}),
    ("search.search", {}),
    ("sparql.endpoint", {}),
    ("editor.query_editor", {}),
    ("resources.ontology_document", {"ext": "html"}),
    ("dataset.dumps", {}),
    ("api.index", {"ext": "html"}),
]


def urls() -> list[str]:
    """Every address the sitemap lists, main pages first, then resources in IRI order."""
    s = site()
    root = request.url_root.rstrip("/")
    listed = [root + url_for(endpoint, **args) for endpoint, args in MAIN_PAGES]
    classes = {c for c in s.manifest["stats"]["classes"] if c not in STRUCTURE_CLASSES}
    listed += sorted(root + url_for("pages.class_list", curie=s.curie(c)) for c in classes if s.curie(c) != c)
    prefix = s.settings.base_uri + "id/"
    structure = " ".join(f"<{c}>" for c in STRUCTURE_CLASSES)
    things = sorted(row["s"].value for row in s.store.select(_RESOURCES % {"prefix": prefix, "structure": structure}))
    listed += [root + url_for("resources.document", rest=iri[len(prefix) :]) for iri in things]
    return listed


def _cached() -> list[str]:
    s = site()
    body = s.documents.get(("sitemap", request.url_root), lambda: "\n".join(urls()).encode()) or b""
    return body.decode().split("\n")


def _xml(body: str) -> Response:
    response = Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, content_type="application/xml")
    response.set_etag(f"{site().store.build_id}-{request.path}-{request.url_root}")
    return response


def _urlset(listed: list[str], lastmod: str) -> Response:
    entries = "".join(f"<url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>\n" for url in listed)
    return _xml(f'<urlset xmlns="{NS}">\n{entries}</urlset>\n')


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    s = site()
    listed = _cached()
    lastmod = s.manifest["created"]
    size = s.settings.sitemap_max_urls
    if len(listed) <= size:
        return _urlset(listed, lastmod)
    parts = (len(listed) + size - 1) // size
    root = request.url_root.rstrip("/")
    locations = [escape(root + url_for("sitemap.part", number=n)) for n in range(1, parts + 1)]
    entries = "".join(f"<sitemap><loc>{loc}</loc><lastmod>{lastmod}</lastmod></sitemap>\n" for loc in locations)
    return _xml(f'<sitemapindex xmlns="{NS}">\n{entries}</sitemapindex>\n')


@bp.route("/sitemap-<int:number>.xml")
def part(number: int) -> Response:
    s = site()
    listed = _cached()
    size = s.settings.sitemap_max_urls
    if len(listed) <= size or not 1 <= number <= (len(listed) + size - 1) // size:
        return error_response(request, 404, f"no sitemap part {number}: see /sitemap.xml")
    return _urlset(listed[(number - 1) * size : number * size], s.manifest["created"])
