"""The dataset's DCAT description as a schema.org ``Dataset``, the shape Google Dataset Search
and other crawlers read from JSON-LD embedded in a page.

Written from :func:`labgraph.dataset.description.void_description` (title, description,
licence, publisher, keywords, dumps), so the two descriptions cannot say different things; the
release adds the version (its build id) and the date it was made.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, VOID

from labgraph.config import Settings
from labgraph.dataset.description import IANA, dataset_iri, void_description

#: What the data covers in space: public bodies in France (Wikidata's France).
SPATIAL = {"@type": "Place", "name": "France", "sameAs": "http://www.wikidata.org/entity/Q142"}


def _text(graph: Any, subject: URIRef, predicate: URIRef, lang: str) -> str | None:
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    chosen = next((o for o in values if o.language == lang), None) or next(iter(values), None)
    return str(chosen) if chosen is not None else None


def dataset_jsonld(settings: Settings, manifest: dict[str, Any], root: str, lang: str = "fr") -> dict[str, Any]:
    """The schema.org ``Dataset`` of the release served at ``root`` (ending with '/')."""
    graph = void_description(settings, manifest, root)
    ds = dataset_iri(settings)
    publisher = graph.value(ds, DCTERMS.publisher)
    organisation = {
        "@type": "Organization",
        "@id": str(publisher),
        "name": str(graph.value(publisher, FOAF.name) or "labgraph"),
        "url": root,
    }
    distributions = []
    for dump in sorted(graph.objects(ds, VOID.dataDump), key=str):
        media = str(graph.value(dump, DCAT.mediaType)).removeprefix(IANA)
        compressed = graph.value(dump, DCAT.compressFormat) is not None
        distributions.append(
            {
                "@type": "DataDownload",
                "name": str(dump).rsplit("/", 1)[1],
                "contentUrl": str(dump),
                "encodingFormat": "application/gzip" if compressed else media,
                "contentSize": f"{graph.value(dump, DCAT.byteSize)} B",
            }
        )
    created = manifest["created"]
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(ds),
        "name": _text(graph, ds, DCTERMS.title, lang),
        "description": _text(graph, ds, DCTERMS.description, lang),
        "url": root,
        "identifier": str(ds),
        "version": manifest["build_id"],
        "dateModified": created,
        "datePublished": created,
        "license": str(graph.value(ds, DCTERMS.license)),
        "isAccessibleForFree": True,
        "inLanguage": ["fr", "en"],
        "keywords": sorted(str(k) for k in graph.objects(ds, DCAT.keyword)),
        "creator": organisation,
        "publisher": organisation,
        "spatialCoverage": SPATIAL,
        "distribution": distributions,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "labgraph", "url": root},
        "subjectOf": {"@type": "WebPage", "url": root + "void", "encodingFormat": "text/turtle"},
    }
