"""The query editor at ``/query`` (YASGUI), and the front-end packages it needs.

The editor and the API docs use packages installed from the npm registry by the project's
set-up (``make install`` runs ``npm ci``) and served from here: nothing is loaded from a CDN.
Only the files listed below can be fetched, so no request path reaches the file system.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request, send_from_directory, url_for

from labgraph.web.context import reader_language, site
from labgraph.web.errors import error_response

bp = Blueprint("editor", __name__)

#: name -> (folder under node_modules, files that may be served)
VENDOR = {
    "yasgui": ("@zazuko/yasgui/build", {"yasgui.min.js", "yasgui.min.css"}),
    "swagger-ui": ("swagger-ui-dist", {"swagger-ui-bundle.js", "swagger-ui.css"}),
    "leaflet": ("leaflet/dist", {"leaflet.js", "leaflet.css"}),
    "markercluster": ("leaflet.markercluster/dist", {"leaflet.markercluster.js", "MarkerCluster.css"}),
}


@bp.route("/vendor/<package>/<filename>")
def vendor(package: str, filename: str) -> Response:
    entry = VENDOR.get(package)
    if entry is None or filename not in entry[1]:
        return error_response(request, 404, f"no front-end file {package}/{filename}")
    # Absolute: Flask reads a relative folder from the package's directory, not the working one
    # (``labgraph serve`` run in the project has project_dir ".").
    folder = (site().settings.project_dir / "node_modules" / entry[0]).resolve()
    if not (folder / filename).is_file():
        return error_response(request, 404, f"{package} is not installed: run `make install` (npm ci)")
    response = send_from_directory(folder, filename, conditional=True, max_age=86400)
    return response


@bp.route("/query")
def query_editor() -> str:
    s = site()
    lang = reader_language()
    examples = [
        {"name": q.name, "title": q.title.get(lang) or q.title["fr"], "query": q.render()}
        for q in s.queries.values()
        if not any(p.required for p in q.params)
    ]
    config = {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "base": s.settings.base_uri,
        "root": request.script_root + "/",
        "examples": examples,
        "prefixes": s.prefixes,
    }
    installed = (s.settings.project_dir / "node_modules" / VENDOR["yasgui"][0] / "yasgui.min.js").is_file()
    return render_template(
        "query.html",
        lang=lang,
        config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        installed=installed,
        examples=examples,
    )
