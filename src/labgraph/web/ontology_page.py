"""The ontology's HTML page: its classes, properties and concept schemes, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for

from labgraph.web.context import fold, site
from labgraph.web.negotiation import EXTENSIONS
from labgraph.web.term_labels import term_labels

_ONTOLOGY_TERMS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?kind ?comment ?super ?domain ?range WHERE {
  GRAPH <%(graph)s> { ?term a ?kind FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                                                     owl:AnnotationProperty))
    OPTIONAL { ?term rdfs:comment ?comment FILTER(LANG(?comment) = "%(lang)s") }
    OPTIONAL { ?term rdfs:subClassOf|rdfs:subPropertyOf ?super }
    OPTIONAL { ?term rdfs:domain ?domain } OPTIONAL { ?term rdfs:range ?range } }
}
"""
_SCHEMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme (COUNT(?c) AS ?n) WHERE { ?scheme a skos:ConceptScheme . ?c skos:inScheme ?scheme } GROUP BY ?scheme
"""


def render_ontology(lang: str) -> str:
    s = site()
    terms: dict[str, dict[str, Any]] = {}
    for row in s.store.select(_ONTOLOGY_TERMS % {"graph": s.settings.base_uri + "graph/ontology", "lang": lang}):
        iri = row["term"].value
        entry = terms.setdefault(
            iri,
            {
                "iri": iri,
                "href": s.href(iri),
                "label": s.label(iri, lang),
                "curie": s.curie(iri),
                "kind": row["kind"].value.rsplit("#", 1)[1],
                "comment": "",
                "super": set(),
                "domain": set(),
                "range": set(),
            },
        )
        if "comment" in row:
            entry["comment"] = row["comment"].value
        for key in ("super", "domain", "range"):
            if key in row:
                entry[key].add(row[key].value)
    # One name per term on the page, told apart by vocabulary where two are alike.
    mentioned = {iri for entry in terms.values() for key in ("super", "domain", "range") for iri in entry[key]}
    names = term_labels([*terms, *sorted(mentioned - set(terms))], lang)
    for iri, entry in terms.items():
        entry["label"] = names[iri]
        for key in ("super", "domain", "range"):
            entry[key] = {(names[other], s.href(other)) for other in entry[key]}
    classes = sorted((t for t in terms.values() if t["kind"] == "Class"), key=lambda t: fold(t["label"]))
    properties = sorted((t for t in terms.values() if t["kind"] != "Class"), key=lambda t: fold(t["label"]))
    schemes = sorted(
        (
            (s.label(r["scheme"].value, lang), s.href(r["scheme"].value), int(r["n"].value))
            for r in s.store.select(_SCHEMES)
        ),
        key=lambda r: fold(r[0]),
    )
    alternates = [
        (media, url_for("resources.ontology_document", ext=ext))
        for media, ext in EXTENSIONS.items()
        if media != "text/html"
    ]
    return render_template(
        "ontology.html",
        lang=lang,
        classes=classes,
        properties=properties,
        schemes=schemes,
        alternates=alternates,
        namespace=s.settings.base_uri + "def/",
    )
