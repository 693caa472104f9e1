"""The releases: their list, each kept release's dumps and VoID, its diff from the previous one,
a resource's history, and the Atom feed of changes.

Everything here reads files the build wrote (the manifests, ``changes/``); nothing is computed
from the store, so a page costs a file read, once per served release for the history.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, Response, render_template, request, send_from_directory, url_for

from labgraph.dataset import description
from labgraph.release import CHANGE_FILES, CHANGES
from labgraph.web.context import chosen_language, reader_language, site
from labgraph.web.dataset import RDFLIB_FORMATS, send_release_file
from labgraph.web.errors import error_response
from labgraph.web.feed import atom_feed
from labgraph.web.negotiation import RDF_ONLY, content_type
from labgraph.web.release_history import releases

bp = Blueprint("releases", __name__)

#: Resources shown on a diff page; the data files hold every change.
DIFF_PAGE_RESOURCES = 200


def _wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html")
    return best == "application/json" and request.accept_mimetypes["application/json"] > request.accept_mimetypes[
        "text/html"
    ]


def _json(data: object) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json")
    response.vary.add("Accept")
    return response


def _entry_links(entry: dict[str, object], kept: bool) -> dict[str, str]:
    number = int(str(entry["number"]))
    lang = chosen_language()  # pages carry the reader's choice on; data files have no language
    links = {"history_entry": url_for("releases.index", lang=lang) + f"#release-{number}"}
    if kept:
        links |= {
            "void": url_for("releases.void", number=number),
            "dump": url_for("releases.dump", number=number, name="labgraph.nq.gz"),
            "manifest": url_for("releases.dump", number=number, name="manifest.json"),
            "diff": url_for("releases.diff", number=number, lang=lang),
            "patch": url_for("releases.change_file", number=number, name="patch.rdfp"),
            "sparql": url_for("sparql.endpoint", release=number),
        }
    return links


@bp.route("/releases/")
@bp.route("/releases.json", endpoint="index_json")
def index() -> Response | str:
    known = releases(site())
    kept = set(known.kept())
    rows = [{**e, "kept": int(e["number"]) in kept, "links": _entry_links(e, int(e["number"]) in kept)}
            for e in known.entries]
    if request.path.endswith(".json") or _wants_json():
        return _json({"releases": rows, "kept": sorted(kept, reverse=True)})
    response = Response(render_template("releases.html", lang=reader_language(), rows=rows))
    response.vary.add("Accept")
    return response


@bp.route("/releases/<int:number>/<name>")
def dump(number: int, name: str) -> Response:
    release = releases(site()).release(number)
    return send_release_file(release.path, release.manifest, name)


@bp.route("/releases/<int:number>/void")
def void(number: int) -> Response:
    s = site()
    release = releases(s).release(number)
    media_type = RDF_ONLY.choose(request.accept_mimetypes, request.args.get("format"))
    if media_type is None:
        return error_response(request, 406, f"available: {RDF_ONLY.listing()}")
    dumps = f"releases/{number}/"
    graph = description.void_description(s.settings, release.manifest, request.url_root, dumps=dumps)
    response = Response(graph.serialize(format=RDFLIB_FORMATS[media_type]), content_type=content_type(media_type))
    response.vary.add("Accept")
    response.last_modified = datetime.fromisoformat(release.created)
    return response


@bp.route("/releases/<int:number>/changes/<name>")
def change_file(number: int, name: str) -> Response:
    release = releases(site()).release(number)
    media_type = CHANGE_FILES.get(name)
    if media_type is None:
        return error_response(request, 404, f"no change file named {name!r}; available: {', '.join(CHANGE_FILES)}")
    return send_from_directory(release.path / CHANGES, name, mimetype=media_type, conditional=True)


@bp.route("/releases/<int:number>/diff")
def diff(number: int) -> Response:
    s = site()
    known = releases(s)
    entry = known.entry(number)
    if request.accept_mimetypes.best_match(["text/html", "application/rdf-patch"]) == "application/rdf-patch":
        return change_file(number, "patch.rdfp")
    summary = known.summary(number)
    grouped = known.grouped(number)
    groups = sorted(grouped.items(), key=lambda item: -(len(item[1]["added"]) + len(item[1]["removed"])))
    shown = groups[:DIFF_PAGE_RESOURCES]
    labels = s.labels_of([iri for iri, _ in shown if iri.startswith(("http://", "https://"))])
    body = render_template(
        "release_diff.html",
        lang=reader_language(),
        entry=entry,
        summary=summary,
        groups=[(iri, s.label(iri, reader_language(), labels), s.href(iri), change) for iri, change in shown],
        hidden=len(groups) - len(shown),
        files=list(CHANGE_FILES),
    )
    return Response(body, content_type="text/html; charset=utf-8")


@bp.route("/releases/history")
def history() -> Response | str:
    s = site()
    iri = request.args.get("resource", "")
    if not iri:
        return error_response(request, 400, "name the resource: /releases/history?resource=IRI")
    known = releases(s)
    kept = set(known.kept())
    changes = [{**e, "links": _entry_links(e, int(e["number"]) in kept)} for e in known.changes_of(iri)]
    gone = known.history["gone"].get(iri)
    if _wants_json():
        return _json({"resource": iri, "changed_in": changes, "gone": gone,
                      "replaced_by": known.history["replaced"].get(iri)})
    return render_template(
        "release_resource.html", lang=reader_language(), iri=iri, label=s.label(iri, reader_language()),
        href=s.href(iri), changes=changes, gone=gone,
    )


@bp.route("/releases/feed.atom")
def feed() -> Response:
    s = site()
    known = releases(s)
    kept = set(known.kept())
    body = atom_feed(known.entries, request.url_root, kept, s.settings.base_uri)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.route("/releases/<int:number>/sparql", methods=["GET", "POST"])
def pinned_sparql(number: int) -> Response:
    from labgraph.web.sparql import endpoint

    return endpoint(release=str(number))

