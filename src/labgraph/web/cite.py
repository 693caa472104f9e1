"""Cite this (#16.5): the dataset, the release served and each resource, as CSL-JSON and
BibTeX (and DataCite XML for the dataset and releases), by Accept, ``?format=`` or suffix, and
as a "Citer"/"Cite" section on their pages with the formatted text and download links.

- ``/cite/dataset`` (negotiated) and ``/cite/dataset.csl.json``, ``.bib``, ``.datacite.xml``;
- ``/cite/release/{build_id}`` and its suffixes, for the release this server serves (only its
  files are here; another build id is a 404);
- a resource's ``/doc/{path}.csl.json`` and ``.bib`` (:mod:`labgraph.web.resources`, through
  the negotiation offer every document uses, so ``Accept`` on ``/id/…`` redirects there too).

The formats themselves are written by :mod:`labgraph.web.citation`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from labgraph.dataset.description import LICENCE, dataset_iri
from labgraph.dataset.schema_org import dataset_jsonld
from labgraph.store.base import Description
from labgraph.web import citation
from labgraph.web.citation import Citable
from labgraph.web.context import site
from labgraph.web.errors import error_response
from labgraph.web.negotiation import CITATION, CITATION_EXTENSIONS, content_type, split_suffix

bp = Blueprint("cite", __name__)

_LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")
_BY_SUFFIX = {suffix: media for media, suffix in CITATION_EXTENSIONS.items()}
_NAMES = {"csl.json": "CSL-JSON", "bib": "BibTeX", "datacite.xml": "DataCite XML"}


def _root() -> str:
    return request.url_root


def dataset_citable(lang: str = "fr") -> Citable:
    s = site()
    about = dataset_jsonld(s.settings, s.manifest, _root(), lang)
    return Citable(
        key="labgraph",
        kind="dataset",
        title=about["name"],
        url=_root(),
        identifier=str(dataset_iri(s.settings)),
        issued=s.manifest["created"],
        description=about["description"],
        licence=str(LICENCE),
        language=lang,
        doi=s.settings.datacite_doi or None,
        related=[("HasVersion", _root().rstrip("/") + url_for("cite.release", rest=s.manifest["build_id"]))],
    )


def release_citable(lang: str = "fr") -> Citable:
    s = site()
    dataset = dataset_citable(lang)
    build = s.manifest["build_id"]
    version = "version" if lang == "fr" else "release"
    return Citable(
        key=f"labgraph-{build}",
        kind="release",
        title=f"{dataset.title} ({version} {build})",
        url=_root() + "dumps/",
        identifier=_root() + "dumps/manifest.json",
        issued=s.manifest["created"],
        version=build,
        description=dataset.description,
        licence=dataset.licence,
        language=lang,
        related=[("IsVersionOf", _root())],
    )


def resource_citable(description: Description, stem: str, lang: str = "fr") -> Citable:
    s = site()
    labels: dict[str, dict[str, str]] = {}
    for st in description.statements:
        if st.subject.value == description.iri and st.predicate.value in _LABELS and st.object.kind == "literal":
            labels.setdefault(description.iri, {}).setdefault(st.object.language or "", st.object.value)
    return Citable(
        key="labgraph-" + stem.replace("/", "-"),
        kind="resource",
        title=s.label(description.iri, lang, labels),
        url=description.iri,  # its persistent URI, the same whatever address serves it
        identifier=description.iri,
        issued=s.manifest["created"],
        version=s.manifest["build_id"],
        container=dataset_citable(lang).title,
        language=lang,
    )


def resource_citation(description: Description, media_type: str, stem: str) -> bytes:
    """A resource's citation document (CSL-JSON or BibTeX), in the dataset's language: the same
    bytes whatever the reader's, as every data document."""
    return citation.WRITERS[media_type](resource_citable(description, stem))


def view(item: Citable, lang: str, downloads: list[tuple[str, str, str]]) -> dict[str, Any]:
    """What a page's "Citer"/"Cite" section shows: the formatted text and (name, href, type)
    download links."""
    return {"text": citation.formatted(item, lang), "downloads": downloads}


def _downloads(endpoint: str, rest: str, types: tuple[str, ...]) -> list[tuple[str, str, str]]:
    suffixes = [CITATION_EXTENSIONS[media] for media in types]
    return [
        (_NAMES[suffix], url_for(endpoint, rest=f"{rest}.{suffix}"), media)
        for suffix, media in zip(suffixes, types, strict=True)
    ]


def dataset_view(lang: str) -> dict[str, Any]:
    return view(dataset_citable(lang), lang, _downloads("cite.dataset_only", "dataset", CITATION.types))


def release_view(lang: str) -> dict[str, Any]:
    build = site().manifest["build_id"]
    return view(release_citable(lang), lang, _downloads("cite.release", build, CITATION.types))


def resource_view(description: Description, lang: str, stem: str) -> dict[str, Any]:
    types = (citation.CSL_JSON, citation.BIBTEX)
    return view(resource_citable(description, stem, lang), lang, _downloads("resources.document", stem, types))


def _answer(rest: str, make: Any) -> Response:
    stem, suffix = split_suffix(rest, _BY_SUFFIX)
    if suffix is None:
        media_type = CITATION.choose(request.accept_mimetypes, request.args.get("format"))
        if media_type is None:
            return error_response(request, 406, f"available: {CITATION.listing()}")
    else:
        media_type = _BY_SUFFIX.get(suffix)
        if media_type is None:
            return error_response(request, 404, f"no {suffix} citation; available: {', '.join(_BY_SUFFIX)}")
    response = Response(citation.WRITERS[media_type](make()), content_type=content_type(media_type))
    if suffix is None:
        response.vary.add("Accept")
    response.set_etag(f"{site().store.build_id}-cite-{stem}-{CITATION_EXTENSIONS[media_type]}-{request.url_root}")
    return response


@bp.route("/cite/<rest>")
def dataset_only(rest: str) -> Response:
    if split_suffix(rest, _BY_SUFFIX)[0] != "dataset":
        return error_response(request, 404, f"nothing to cite at {request.path}")
    return _answer(rest, dataset_citable)


@bp.route("/cite/release/<rest>")
def release(rest: str) -> Response:
    build = site().manifest["build_id"]
    if split_suffix(rest, _BY_SUFFIX)[0] != build:
        return error_response(request, 404, f"this server serves release {build} only")
    return _answer(rest, release_citable)
