"""The HTML page of one resource: its statements grouped by what they say, in the reader's
language, with their sources, and a schema.org summary for search engines.

Pages are server-rendered and work without JavaScript. Labels follow the reader's language
(``?lang=`` or Accept-Language) with French, then English, as fallbacks; properties are named
with the ontology's labels.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from typing import Any

from flask import render_template, request, url_for

from labgraph.namespaces import SCHEMA
from labgraph.store.base import Description, Statement
from labgraph.uris import ENTAILMENT_GRAPH, SIMILARITY_GRAPH
from labgraph.vocab import Vocabulary
from labgraph.web import relations
from labgraph.web.cite import resource_view
from labgraph.web.context import fold, site
from labgraph.web.labs import card_view
from labgraph.web.negotiation import EXTENSIONS
from labgraph.web.reports import entries_for
from labgraph.web.similar import similar_view
from labgraph.web.values import Value, literal_value, quantity_value

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABELS = {RDFS + "label", SKOS + "prefLabel"}
DESCRIPTIONS = {"http://purl.org/dc/terms/description", SKOS + "definition", RDFS + "comment"}
PAGE_SIZE = 50
__all__ = ["Value", "render_resource"]  # Value: how one value reads (labgraph.web.values)

GROUPS = [
    (
        "group_identity",
        (
            "http://www.w3.org/2004/02/skos/core#altLabel",
            "http://xmlns.com/foaf/0.1/name",
            "http://purl.org/dc/terms/title",
            "http://www.w3.org/ns/org#classification",
            "http://purl.org/dc/terms/type",
            "http://schema.org/jobTitle",
            "http://schema.org/roleName",
            "http://www.w3.org/2004/02/skos/core#inScheme",
            "http://www.w3.org/2004/02/skos/core#broader",
        ),
    ),
    (
        "group_relations",
        (
            "http://www.w3.org/ns/org#",
            "http://schema.org/organizer",
            "http://schema.org/attendee",
            "http://schema.org/superEvent",
            "http://schema.org/subEvent",
            "http://schema.org/location",
            "http://schema.org/areaServed",
            "http://schema.org/containedInPlace",
            "http://schema.org/affiliation",
            "http://schema.org/founder",
            "http://purl.org/dc/terms/isPartOf",
            "http://purl.org/dc/terms/publisher",
            "lg:animatedBy",
            "lg:animates",
            "lg:partOfProgramme",
            "lg:speaker",
            "lg:accompanied",
            "lg:applicant",
            "lg:laureate",
            "lg:testimonyBy",
            "lg:producedBy",
            "http://rdf.insee.fr/def/geo#subdivisionDirecteDe",
            "http://www.w3.org/ns/prov#wasAssociatedWith",
        ),
    ),
    (
        "group_activity",
        (
            "lg:offersService",
            "lg:usesMethod",
            "http://purl.org/dc/terms/subject",
            "lg:audience",
            "lg:hasObjective",
            "lg:facesChallenge",
            "lg:madeProposal",
            "lg:maturityStage",
        ),
    ),
    (
        "group_time",
        (
            "http://schema.org/startDate",
            "http://schema.org/endDate",
            "http://schema.org/foundingDate",
            "http://purl.org/dc/terms/issued",
            "http://purl.org/dc/terms/created",
            "http://schema.org/position",
            "http://schema.org/eventStatus",
            "lg:",  # every other term of the ontology
        ),
    ),
    (
        "group_links",
        (
            "http://www.w3.org/2002/07/owl#sameAs",
            "http://www.w3.org/2004/02/skos/core#closeMatch",
            "http://www.w3.org/2004/02/skos/core#exactMatch",
            "http://rdf.insee.fr/def/geo#codeINSEE",
            "lg:siren",
            "http://schema.org/url",
            "http://schema.org/email",
            "http://purl.org/dc/terms/identifier",
        ),
    ),
    (
        "group_provenance",
        (
            "http://www.w3.org/ns/prov#",
            "lg:ambiguityNote",
            "http://www.w3.org/2004/02/skos/core#note",
            "http://purl.org/dc/terms/source",
        ),
    ),
]


@cache
def _groups(vocab: Vocabulary) -> list[tuple[str, tuple[str, ...]]]:
    """GROUPS with labgraph's own terms under the served base."""
    return [(key, vocab.expand_all(members)) for key, members in GROUPS]


def _group_of(predicate: str) -> str:
    """The section a property goes to: the group naming it, else the group of its namespace."""
    groups = _groups(site().vocab)
    for key, members in groups:
        if predicate in members:
            return key
    for key, members in groups:
        for member in members:
            if member.endswith(("#", "/")) and predicate.startswith(member):
                return key
    return "group_other"


def render_resource(description: Description, lang: str, doc_stem: str) -> str:
    s = site()
    iri = description.iri
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    graph_sources: dict[str, str] = {}
    outgoing: list[Statement] = []
    incoming: list[Statement] = []
    blank: dict[str, list[Statement]] = defaultdict(list)
    entailed = s.vocab.graph(ENTAILMENT_GRAPH)
    computed = s.vocab.graph(SIMILARITY_GRAPH)
    for st in description.statements:
        if st.graph == entailed:  # derived from the ontology: the page shows what the sources state
            continue
        if st.graph == computed and st.subject.value != iri:  # computed neighbours: shown below the card
            continue
        if st.predicate.value in LABELS and st.object.kind == "literal":
            labels[st.subject.value].setdefault(st.object.language or "", st.object.value)
        if st.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom" and st.subject.value.startswith(
            s.settings.base_uri + "graph/"
        ):
            graph_sources[st.subject.value] = st.object.value
        if st.subject.value == iri:
            outgoing.append(st)
        elif st.object.kind == "iri" and st.object.value == iri:
            incoming.append(st)
        elif st.subject.kind == "bnode":
            blank[st.subject.value].append(st)
    title = s.label(iri, lang, labels)
    types = sorted({s.label(st.object.value, lang) for st in outgoing if st.predicate.value == RDF_TYPE})
    descriptions = _texts(outgoing, DESCRIPTIONS, lang)
    said = _Shelf()
    for st in outgoing:
        p = st.predicate.value
        if p in LABELS or p in DESCRIPTIONS or p == RDF_TYPE:
            continue
        source = graph_sources.get(st.graph or "")
        if st.object.kind == "bnode":
            parts = blank.get(st.object.value, [])
            folded = relations.fold_blank(p, parts, lang, labels)
            if folded is not None:
                said.add(_group_of(folded.predicate), _prop(folded.predicate, lang), folded.value, source)
                continue
            value = quantity_value(p, parts, lang) or _blank_value(parts, lang, labels)
        elif st.object.kind == "iri":
            value = relations.resource_value(st.object.value, lang, labels)
        else:
            value = literal_value(st.object, lang)
        said.add(_group_of(p), _prop(p, lang), value, source)
    back = _Shelf()
    for placed in relations.fold_incoming(iri, incoming, lang, labels):
        if placed.forward:  # the inverse of one of this resource's relations: shown with it, once
            said.add(_group_of(placed.predicate), _prop(placed.predicate, lang), placed.value)
            continue
        name = relations.incoming_name(placed.predicate, lang)
        group = said.group_named(name)  # the same words as one of its own relations: the same one
        (said if group else back).add(group or "incoming", name, placed.value)
    position = relations.positions([*said.values(), *back.values()])
    sections = said.sections(lang, position)
    incoming_sections = next((rows for _, rows in back.sections(lang, position)), [])
    doc_labels = s.labels_of(description.sources)
    documents = [(s.label(doc, lang, doc_labels), s.href(doc)) for doc in description.sources]
    alternates = [
        (media, url_for("resources.document", rest=f"{doc_stem}.{ext}"))
        for media, ext in EXTENSIONS.items()
        if media != "text/html"
    ]
    jsonld = _schema_org(iri, outgoing, title, descriptions, lang, labels, doc_stem)
    return render_template(
        "resource.html",
        lang=lang,
        iri=iri,
        title=title,
        types=types,
        descriptions=descriptions,
        sections=sections,
        incoming=incoming_sections,
        documents=documents,
        alternates=alternates,
        jsonld=jsonld,
        doc_stem=doc_stem,
        card=card_view(iri, lang),  # the identity card (issue #15), None for other resources
        similar=similar_view(iri, lang),  # its computed neighbours, below the card
        report_entries=entries_for(iri, lang),
        citation=resource_view(description, lang, doc_stem),  # "Citer" (#16.5)
    )


class _Shelf:
    """A page's values by section and property name, each shown once: a value reached twice (two
    sources, or a relation and its inverse) keeps one entry, with the qualifiers of both."""

    def __init__(self) -> None:
        self._groups: dict[str, dict[str, list[Value]]] = defaultdict(dict)
        self._seen: dict[tuple[str, str, str, str, str], Value] = {}

    def add(self, group: str, name: str, value: Value, source: str | None = None) -> None:
        key = (group, name, value.href or "", value.text, value.lang or "")
        kept = self._seen.get(key)
        if kept is None:
            kept = self._seen[key] = value
            self._groups[group].setdefault(name, []).append(value)
        else:
            kept.note = kept.note or value.note
            kept.qualifiers += [q for q in value.qualifiers if all(q.text != k.text for k in kept.qualifiers)]
        if source and source not in kept.sources:
            kept.sources.append(source)

    def group_named(self, name: str) -> str | None:
        return next((group for group, props in self._groups.items() if name in props), None)

    def values(self) -> list[Value]:
        return list(self._seen.values())

    def sections(self, lang: str, position: dict[str, float]) -> list[tuple[str, list[tuple[str, list[Value]]]]]:
        """In the groups' order; texts in the reader's language when some are; values by position."""
        order = [key for key, _ in GROUPS] + ["group_other", "incoming"]
        out = []
        for key in order:
            rows = []
            for name, values in sorted(self._groups.get(key, {}).items(), key=lambda kv: fold(kv[0])):
                if any(v.lang == lang for v in values):
                    values = [v for v in values if v.lang in (lang, None)]
                rows.append((name, relations.ordered(values, position)))
            if rows:
                out.append((key, rows))
        return out


def _blank_value(statements: list[Statement], lang: str, labels: dict[str, dict[str, str]]) -> Value:
    """A structured value that is no quantity (a postal address…): its label with its parts, or
    its parts in words."""
    parts: dict[str, list[Value]] = defaultdict(list)
    for st in statements:
        p = st.predicate.value
        if p in LABELS or p == RDF_TYPE:
            continue
        term = st.object
        if term.kind == "iri":
            parts[_prop(p, lang)].append(relations.resource_value(term.value, lang, labels))
        elif term.kind == "literal":
            parts[_prop(p, lang)].append(literal_value(term, lang))
    label = _texts(statements, LABELS, lang)
    if label:
        return Value(label[0], nested=sorted(parts.items()))
    return Value(", ".join(v.text for _, values in sorted(parts.items()) for v in values) or "…")


def _prop(predicate: str, lang: str) -> str:
    return site().label(predicate, lang)


def _texts(statements: list[Statement], predicates: set[str], lang: str) -> list[str]:
    texts = [st.object for st in statements if st.predicate.value in predicates and st.object.kind == "literal"]
    preferred = [t.value for t in texts if t.language == lang]
    return preferred or [t.value for t in texts if t.language in ("fr", None, "")] or [t.value for t in texts]


SCHEMA_TYPES = [
    ("http://schema.org/GovernmentOrganization", "GovernmentOrganization"),
    ("lg:Lab", "Organization"),
    ("lg:Network", "Organization"),
    ("http://www.w3.org/ns/org#Organization", "Organization"),
    ("http://schema.org/EventSeries", "EventSeries"),
    ("http://schema.org/Event", "Event"),
    ("http://xmlns.com/foaf/0.1/Person", "Person"),
    ("http://schema.org/AdministrativeArea", "AdministrativeArea"),
    ("http://schema.org/Place", "Place"),
    ("lg:Programme", "Project"),
    ("lg:KnowledgeResource", "CreativeWork"),
    ("http://www.w3.org/2004/02/skos/core#Concept", "DefinedTerm"),
]


def _schema_org(
    iri: str,
    outgoing: list[Statement],
    title: str,
    descriptions: list[str],
    lang: str,
    labels: dict[str, dict[str, str]],
    doc_stem: str,
) -> str:
    """A schema.org JSON-LD summary for search engines, embedded in the page."""
    s = site()
    types = {st.object.value for st in outgoing if st.predicate.value == RDF_TYPE}
    kind = next((name for cls, name in SCHEMA_TYPES if s.vocab.expand(cls) in types), "Thing")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": iri,
        "name": title,
        "url": request.url_root.rstrip("/") + url_for("resources.document", rest=doc_stem),
    }
    if descriptions:
        data["description"] = descriptions[0]
    same = [st.object.value for st in outgoing if st.predicate.value == "http://www.w3.org/2002/07/owl#sameAs"]
    if same:
        data["sameAs"] = same
    for st in outgoing:
        p = st.predicate.value
        if p in (str(SCHEMA.startDate), str(SCHEMA.endDate), str(SCHEMA.foundingDate)):
            data[p.rsplit("/", 1)[1]] = st.object.value
        elif p == str(SCHEMA.location) and st.object.kind == "iri":
            data["location"] = {"@type": "Place", "name": s.label(st.object.value, lang, labels)}
        elif p == str(SCHEMA.jobTitle) and st.object.language in (lang, "fr"):
            data["jobTitle"] = st.object.value
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
