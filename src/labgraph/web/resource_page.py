"""The HTML page of one resource: its statements grouped by what they say, in the reader's
language, with their sources, and a schema.org summary for search engines.

Pages are server-rendered and work without JavaScript. Labels follow the reader's language
(``?lang=`` or Accept-Language) with French, then English, as fallbacks; properties are named
with the ontology's labels.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import render_template, request, url_for

from labgraph.namespaces import SCHEMA
from labgraph.store.base import Description, Statement, Term
from labgraph.vocab import Vocabulary
from labgraph.web.context import fold, site
from labgraph.web.negotiation import EXTENSIONS
from labgraph.web.reports import entries_for

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABELS = {RDFS + "label", SKOS + "prefLabel"}
DESCRIPTIONS = {"http://purl.org/dc/terms/description", SKOS + "definition", RDFS + "comment"}
PAGE_SIZE = 50
XSD = "http://www.w3.org/2001/XMLSchema#"

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
    for key, members in _groups(site().vocab):
        for member in members:
            if predicate == member or (member.endswith(("#", "/")) and predicate.startswith(member)):
                return key
    return "group_other"


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    note: str | None = None  # datatype or kind, shown small
    nested: list[tuple[str, list[Value]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _value(term: Term, lang: str, labels: dict[str, dict[str, str]]) -> Value:
    s = site()
    if term.kind == "iri":
        local = s.local_path(term.value)
        return Value(s.label(term.value, lang, labels), s.href(term.value), note=None if local else term.value)
    if term.kind == "bnode":
        return Value("")
    note = None
    if term.datatype and term.datatype.startswith(XSD) and not term.datatype.endswith("#string"):
        note = term.datatype[len(XSD) :]
    return Value(term.value, lang=term.language, note=note)


def render_resource(description: Description, lang: str, doc_stem: str) -> str:
    s = site()
    iri = description.iri
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    graph_sources: dict[str, str] = {}
    outgoing: list[Statement] = []
    incoming: list[Statement] = []
    blank: dict[str, list[Statement]] = defaultdict(list)
    for st in description.statements:
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
    grouped: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    seen: set[tuple[str, str, str]] = set()
    for st in outgoing:
        p = st.predicate.value
        if p in LABELS or p in DESCRIPTIONS or p == RDF_TYPE:
            continue
        key = (p, st.object.kind, st.object.value + (st.object.language or ""))
        source = graph_sources.get(st.graph or "")
        if key in seen:
            _add_source(grouped[_group_of(p)][_prop(p, lang)], st.object, source)
            continue
        seen.add(key)
        value = _value(st.object, lang, labels)
        if st.object.kind == "bnode":
            value = _blank_value(st.object.value, blank, lang, labels)
        if source:
            value.sources.append(source)
        grouped[_group_of(p)][_prop(p, lang)].append(value)
    for props in grouped.values():
        for name, values in props.items():
            if any(v.lang == lang for v in values):
                values = [v for v in values if v.lang in (lang, None)]
            props[name] = sorted(values, key=lambda v: fold(v.text))
    order = [key for key, _ in GROUPS] + ["group_other"]
    sections = [(key, sorted(grouped[key].items())) for key in order if grouped.get(key)]
    back: dict[str, list[Value]] = defaultdict(list)
    for st in incoming:
        back[_prop(st.predicate.value, lang)].append(_value(st.subject, lang, labels))
    incoming_sections = sorted((name, _unique(values)) for name, values in back.items())
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
        report_entries=entries_for(iri, lang),
    )


def _add_source(values: list[Value], term: Term, source: str | None) -> None:
    if not source:
        return
    for value in values:
        if value.text == term.value or value.href == site().href(term.value):
            if source not in value.sources:
                value.sources.append(source)


def _unique(values: list[Value]) -> list[Value]:
    out, seen = [], set()
    for value in values:
        if (value.text, value.href) not in seen:
            seen.add((value.text, value.href))
            out.append(value)
    return sorted(out, key=lambda v: fold(v.text))


def _blank_value(node: str, blank: dict[str, list[Statement]], lang: str, labels: dict[str, dict[str, str]]) -> Value:
    parts: dict[str, list[Value]] = defaultdict(list)
    summary = []
    label = None
    for st in blank.get(node, []):
        p = st.predicate.value
        if p in LABELS:
            if label is None or st.object.language == lang:
                label = st.object.value
            continue
        if p == RDF_TYPE:
            continue
        parts[_prop(p, lang)].append(_value(st.object, lang, labels))
        if p in (
            str(SCHEMA.value),
            str(SCHEMA.minValue),
            str(SCHEMA.maxValue),
            str(SCHEMA.currency),
            str(SCHEMA.unitText),
        ):
            if st.object.language in (None, lang, "fr") or p != str(SCHEMA.unitText):
                summary.append((p, st.object.value))
    found = dict(summary)
    low, high, exact = found.get(str(SCHEMA.minValue)), found.get(str(SCHEMA.maxValue)), found.get(str(SCHEMA.value))
    if exact is not None:
        number = exact
    elif low is not None and high is not None:
        number = f"{low}–{high}"
    elif low is not None:
        number = f"≥ {low}"
    elif high is not None:
        number = f"≤ {high}"
    else:
        number = ""
    unit = found.get(str(SCHEMA.currency)) or found.get(str(SCHEMA.unitText)) or ""
    text = f"{number} {unit}".strip()
    value = Value(text or (label or "…"), note=label)
    value.nested = sorted(parts.items())
    return value


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
