"""A published URI is never broken: a structure removed from the graph answers 410 Gone with a
tombstone (a page, or a few statements in the format asked for), and one merged into another
(its stub says ``dct:isReplacedBy``) answers 301 to the one it was merged into. Which IRIs
existed before, and which are replaced, the build wrote in the release's history."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, redirect, render_template, request, url_for
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, XSD
from werkzeug.wrappers import Response as WerkzeugResponse

from labgraph.web.context import reader_language, site
from labgraph.web.dataset import RDFLIB_FORMATS
from labgraph.web.negotiation import content_type
from labgraph.web.release_history import releases


def tombstone(
    iri: str, media_type: str | None, moved_to: Callable[[str], str | None] | None = None
) -> WerkzeugResponse | None:
    """The answer for an IRI that was removed or merged, or None for any other.

    ``moved_to`` turns the replacing IRI into the URL to redirect to: a thing's URI redirects
    to the replacing thing's URI, but a document (``/doc/…``) must redirect to the replacing
    thing's document in the same format, or a reader would lose the representation asked for."""
    s = site()
    known = releases(s)
    target = known.history["replaced"].get(iri)
    if target is not None:
        location = moved_to(target) if moved_to is not None else None
        response = redirect(location or s.local_path(target) or target, 301)
        response.cache_control.public = True
        response.cache_control.max_age = s.settings.cache_max_age
        return response
    gone = known.history["gone"].get(iri)
    if gone is None:
        return None
    if media_type in (None, "text/html"):
        body = render_template("tombstone.html", lang=reader_language(), iri=iri, gone=gone)
        response = Response(body, 410, content_type="text/html; charset=utf-8")
    else:
        graph = Graph()
        node = URIRef(iri)
        removed = known.entry(int(gone["gone_in"]))
        graph.add((node, PROV.invalidatedAtTime, Literal(removed["created"], datatype=XSD.dateTime)))
        graph.add((node, RDFS.comment, Literal(f"removed in release {gone['gone_in']}", lang="en")))
        graph.add((node, DCTERMS.isReferencedBy, URIRef(request.url_root + "releases/")))
        chosen = media_type if media_type in RDFLIB_FORMATS else "text/turtle"
        response = Response(graph.serialize(format=RDFLIB_FORMATS[chosen]), 410, content_type=content_type(chosen))
    response.headers["Link"] = f'<{url_for("releases.history", resource=iri)}>; rel="version-history"'
    response.vary.add("Accept")
    return response
