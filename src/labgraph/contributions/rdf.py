"""An accepted proposal as a source document: the Turtle file ``data/contributions/contribution-N.ttl``.

The file is written in the agreed format (issue #17) and in the authoring base, like every data
file, so the build reads it as one more source with its own named graph. The facts use exactly
the properties the cards read (:mod:`labgraph.cards.queries`), so an accepted proposal shows on
its card. rdflib serialises: contributors' free text must never be able to break the Turtle.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV

from labgraph.contributions.base import Contributor, contribution_graph_name
from labgraph.uris import AUTHORING_BASE

B = Namespace(AUTHORING_BASE)
LG = Namespace(AUTHORING_BASE + "def/")
SCHEMA = Namespace("http://schema.org/")
FRA = URIRef("http://publications.europa.eu/resource/authority/language/FRA")

#: Payload field -> the property the cards read it from (cards/queries.py OUTGOING). The ministry
#: is stated as a host (org:unitOf): the card derives the ministry from its hosts, the host itself
#: included. Kinds of innovation are themes under theme:public-innovation, hence dct:subject.
IRI_FIELDS: dict[str, URIRef] = {
    "kind": ORG.classification,
    "host": ORG.unitOf,
    "ministry": ORG.unitOf,
    "territory": SCHEMA.areaServed,
    "innovationKinds": DCTERMS.subject,
    "services": LG.offersService,
    "methods": LG.usesMethod,
    "themes": DCTERMS.subject,
    "audiences": LG.audience,
    "maturity": LG.maturityStage,
    "networks": ORG.memberOf,
    "members": ORG.hasMember,
}
CLASSES = {"lab": LG.Lab, "network": LG.Network, "programme": LG.Programme}
#: The role the provenance publishes for each relation a contributor may state.
ROLES: dict[str, dict[str, str]] = {
    "member": {"fr": "membre de la structure", "en": "member of the structure"},
    "network": {"fr": "membre d'un réseau", "en": "curator of a network"},
    "other": {"fr": "contributeur ou contributrice", "en": "contributor"},
}
_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, accents dropped: the shape uris.is_valid_slug wants."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "structure"


def new_structure_iri(card_type: str, label_fr: str, known_iris: set[str]) -> str:
    """``<base>id/{card_type}/{slug}``, suffixed -2, -3... until it names nothing that exists:
    a new structure must never take over an existing one's statements."""
    stem = f"{AUTHORING_BASE}id/{card_type}/{slugify(label_fr)}"
    iri, n = stem, 1
    while iri in known_iris:
        n += 1
        iri = f"{stem}-{n}"
    return iri


def _date_literal(value: str) -> Literal:
    return Literal(value, datatype=_DATE_TYPES.get(len(value), XSD.date))


def _role(contributor: Contributor) -> dict[str, str]:
    return ROLES.get(contributor.relation, ROLES["other"])


def contribution_turtle(
    number: int,
    kind: str,
    card_type: str,
    target: str | None,
    payload: dict[str, Any],
    contributor: Contributor,
    curator: str,
    accepted_at: datetime,
    known_iris: set[str],
) -> str:
    """The whole file of accepted proposal ``number``. ``target`` is the corrected structure's IRI
    (authoring base); a new structure (``kind`` "new") gets one minted from its French label."""
    n = number
    name = contribution_graph_name(n)
    when = accepted_at.astimezone(UTC)
    labels = payload.get("label") or {}
    if kind == "new" or not target:
        structure = URIRef(new_structure_iri(card_type, str(labels.get("fr", "")), known_iris))
    else:
        structure = URIRef(target)

    # One plain graph: the build makes the file's stem its named graph (graph/sources.py).
    g = Graph()
    for prefix, ns in (("lg", LG), ("dct", DCTERMS), ("prov", PROV), ("foaf", FOAF), ("schema", SCHEMA),
                       ("org", ORG), ("b", B)):
        g.bind(prefix, ns)
    doc, agent = B[f"id/document/{name}"], B[f"id/contributor/{name}"]
    activity, curator_iri = B[f"id/activity/acceptance-{n}"], B[f"id/curator/{slugify(curator)}"]
    page = B[f"contributions/{n}"]
    title = str(labels.get("fr") or structure.rsplit("/", 1)[-1])
    verb = ("Propose la nouvelle structure", "Proposes the new structure") if kind == "new" else (
        "Corrige la fiche de", "Corrects the card of")
    fields = ", ".join(sorted(k for k in payload if k != "comment"))

    g.add((doc, RDF.type, LG.SourceDocument))
    g.add((doc, RDFS.label, Literal(f"Contribution n° {n}", lang="fr")))
    g.add((doc, RDFS.label, Literal(f"Contribution No. {n}", lang="en")))
    g.add((doc, DCTERMS.title, Literal(f"Contribution à la fiche {title}", lang="fr")))
    g.add((doc, DCTERMS.description, Literal(f"{verb[0]} {title} (champs : {fields}).", lang="fr")))
    g.add((doc, DCTERMS.description, Literal(f"{verb[1]} {title} (fields: {fields}).", lang="en")))
    g.add((doc, DCTERMS.publisher, B["id/organisation/labgraph-project"]))
    g.add((doc, DCTERMS.type, B["id/concept/document-kind/contribution"]))
    g.add((doc, DCTERMS.language, FRA))
    g.add((doc, DCTERMS.identifier, Literal(name)))
    g.add((doc, DCTERMS.issued, Literal(when.date().isoformat(), datatype=XSD.date)))
    g.add((doc, SCHEMA.url, page))
    g.add((doc, PROV.wasAttributedTo, agent))
    g.add((doc, PROV.wasGeneratedBy, activity))

    g.add((agent, RDF.type, PROV.Agent))
    for lang, text in _role(contributor).items():
        g.add((agent, RDFS.label, Literal(text, lang=lang)))
    if contributor.named and contributor.name.strip():
        g.add((agent, FOAF.name, Literal(contributor.name.strip())))

    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, PROV.wasAssociatedWith, curator_iri))
    g.add((activity, PROV.endedAtTime, Literal(when.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                                               datatype=XSD.dateTime)))
    g.add((activity, PROV.used, page))
    g.add((curator_iri, RDF.type, PROV.Agent))
    g.add((curator_iri, FOAF.nick, Literal(curator)))

    graph_iri = B["graph/" + name]
    g.add((graph_iri, RDF.type, PROV.Entity))
    g.add((graph_iri, PROV.wasDerivedFrom, doc))

    g.add((structure, PROV.wasDerivedFrom, doc))
    if kind == "new" or not target:
        g.add((structure, RDF.type, CLASSES[card_type]))
    for field in ("label", "description"):
        prop = RDFS.label if field == "label" else DCTERMS.description
        for lang, text in sorted((payload.get(field) or {}).items()):
            if str(text).strip():
                g.add((structure, prop, Literal(str(text), lang=lang)))
    for field, prop in IRI_FIELDS.items():
        for iri in payload.get(field) or []:
            g.add((structure, prop, URIRef(str(iri))))
    if payload.get("dedicatedPlace") in ("yes", "no"):
        g.add((structure, LG.dedicatedPlace, Literal(payload["dedicatedPlace"] == "yes")))
    if payload.get("website"):
        g.add((structure, SCHEMA.url, URIRef(str(payload["website"]))))
    if payload.get("foundingDate"):
        g.add((structure, SCHEMA.foundingDate, _date_literal(str(payload["foundingDate"]))))
    return g.serialize(format="turtle")
