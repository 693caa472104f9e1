"""The dataset's description (VoID + DCAT) and its downloadable dumps."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, render_template, request, send_from_directory

from labgraph.dataset import description
from labgraph.release import MANIFEST
from labgraph.web.cite import release_view
from labgraph.web.context import reader_language, site
from labgraph.web.errors import error_response
from labgraph.web.negotiation import RDF_ONLY, content_type

bp = Blueprint("dataset", __name__)

RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}


@bp.route("/void")
@bp.route("/.well-known/void")
def void() -> Response:
    s = site()
    media_type = RDF_ONLY.choose(request.accept_mimetypes, request.args.get("format"))
    if media_type is None:
        return error_response(request, 406, f"available: {RDF_ONLY.listing()}")
    graph = description.void_description(s.settings, s.manifest, request.url_root)
    response = Response(graph.serialize(format=RDFLIB_FORMATS[media_type]), content_type=content_type(media_type))
    response.vary.add("Accept")
    response.set_etag(f"{s.store.build_id}-void-{media_type}-{request.url_root}")
    response.last_modified = datetime.fromisoformat(s.manifest["created"])
    return response


@bp.route("/dumps/")
def dumps() -> str:
    s = site()
    files = sorted(s.manifest["files"].items())
    quality = sorted(s.manifest.get("quality", {}).items(), reverse=True)  # the report, then the shapes
    lang = reader_language()
    citation = release_view(lang)
    return render_template("dumps.html", lang=lang, files=files, quality=quality, build=s.manifest, citation=citation)


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    s = site()
    # Only files the manifest lists (dumps, the report and the shapes) and the manifest itself:
    # no path ever reaches the file system.
    info = s.manifest["files"].get(name) or s.manifest.get("quality", {}).get(name)
    if name == MANIFEST:
        info = {"media_type": "application/json"}
    if info is None:
        return error_response(request, 404, f"no dump named {name!r}")
    mimetype = "application/gzip" if info.get("encoding") == "gzip" else info["media_type"]
    response = send_from_directory(
        s.release,
        name,
        mimetype=mimetype,
        conditional=True,
        download_name=name,
        as_attachment=name.endswith(".gz"),
        etag=True,
    )
    response.cache_control.public = True
    response.cache_control.max_age = s.settings.cache_max_age
    return response
