"""How links between resources read on a page: each relation once, named from the reader's side.

A network's page used to list its members three times: its own ``org:hasMember`` values, the
members' ``org:memberOf`` seen backwards as "membre de (de)", and the ``org:Membership`` nodes
that qualify them. Here:

* an incoming link whose property has an ``owl:inverseOf`` in the ontology is the inverse
  relation seen from this side, so it joins that relation's values (``memberOf`` from a lab is
  the network's ``hasMember``), once;
* other incoming links are named with the ontology's ``lg:inverseLabel`` ("source de",
  "type de"), since "membre de (de)" names nothing;
* an ``org:Membership`` node is shown as the relation it qualifies (the member, or the
  organisation, with its role and dates), and PROV's qualified associations (blank nodes) as
  the association they qualify, with the role;
* the values of a property are ordered by ``schema:position`` when they have one (an event's
  programme, a programme's phases), then by label.

The ontology's inverses and inverse labels are read once per app (per release).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from labgraph.store.base import Statement, Term
from labgraph.web.context import fold, site
from labgraph.web.values import RDF_TYPE, Value, date_words

ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
#: Classes of nodes that stand for a relation or a value rather than a thing (a membership, a
#: qualified association, a quantity, an address): pages show them through what they qualify,
#: and listings of things to browse leave them out.
STRUCTURE_CLASSES = (
    ORG + "Membership",
    PROV + "Association",
    SCHEMA + "QuantitativeValue",
    SCHEMA + "MonetaryAmount",
    SCHEMA + "StructuredValue",
    SCHEMA + "PostalAddress",
)
#: PROV qualification nodes: the property holding the node -> (the relation it qualifies, the
#: property naming the other party, properties whose values qualify it).
QUALIFIED = {PROV + "qualifiedAssociation": (PROV + "wasAssociatedWith", PROV + "agent", (PROV + "hadRole",))}
#: What the membership adds to "member of" when the data says more about it.
DETAILED_BY = ("dct:description", "lg:ambiguityNote", "skos:note")
WORDS = {
    "fr": {"since": "depuis {}", "until": "jusqu'en {}", "details": "détails", "of": "{} (de)"},
    "en": {"since": "since {}", "until": "until {}", "details": "details", "of": "{} (of)"},
}
_RELATIONS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?p ?q ?label WHERE { GRAPH <%(graph)s> {
  { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } UNION { ?p <%(inverse_label)s> ?label } } }
"""
_ABOUT = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?p ?o ?label WHERE { VALUES ?s { %s } ?s ?p ?o
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?label FILTER(isIRI(?o)) } }
"""
_QUALIFYING = """
SELECT ?b ?parent ?p ?q ?r ?o WHERE { ?b ?q %(this)s FILTER(isBlank(?b)) ?parent ?p ?b
  OPTIONAL { ?b ?r ?o FILTER(isIRI(?o) && ?o != %(this)s && ?r != <%(type)s>) } }
"""
_POSITIONS = "SELECT ?s ?position WHERE { VALUES ?s { %s } ?s <http://schema.org/position> ?position }"


@dataclass
class Names:
    """The ontology's word on reading a property backwards."""

    inverse_of: dict[str, str] = field(default_factory=dict)
    inverse_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # property -> lang -> label




def names() -> Names:
    """Read from the ontology graph at the first page of a release, then kept with the app."""
    return site().derived("relations", _read_names)


def _read_names() -> Names:
    s = site()
    base = s.settings.base_uri
    found = Names()
    query = _RELATIONS % {"graph": base + "graph/ontology", "inverse_label": base + "def/inverseLabel"}
    for row in s.store.select(query):
        if "q" in row:
            found.inverse_of.setdefault(row["p"].value, row["q"].value)
        if "label" in row:
            label = row["label"]
            found.inverse_labels.setdefault(row["p"].value, {})[label.language or ""] = label.value
    return found


def incoming_name(predicate: str, lang: str) -> str:
    """A property read from its value's side: its inverse label, else its label marked "of"."""
    options = names().inverse_labels.get(predicate)
    if options:
        for choice in (lang, "fr", "en", ""):
            if choice in options:
                return options[choice]
    return WORDS.get(lang, WORDS["fr"])["of"].format(site().label(predicate, lang))


def resource_value(iri: str, lang: str, labels: dict[str, dict[str, str]]) -> Value:
    """A linked resource: its label, linked to its page (or the web address, or not at all)."""
    s = site()
    text = s.label(iri, lang, labels)
    outside = s.local_path(iri) is None and text != iri
    return Value(text, s.href(iri), note=iri if outside else None, iri=iri)


@dataclass
class Placed:
    """A value found from the other side: shown as ``predicate`` (forward) or, when there is no
    forward name for it, under the incoming name of ``predicate``."""

    predicate: str
    forward: bool
    value: Value


def fold_incoming(iri: str, incoming: list[Statement], lang: str, labels: dict[str, dict[str, str]]) -> list[Placed]:
    """The incoming links of a page, each as the relation it is (see the module's docstring)."""
    inverse_of = names().inverse_of
    placed: list[Placed] = []
    from_iris = [st for st in incoming if st.subject.kind == "iri"]
    structure = _structure_nodes({st.subject.value for st in from_iris})
    about = _about(sorted(structure)) if structure else {}
    for st in from_iris:
        subject, predicate = st.subject.value, st.predicate.value
        if subject in structure:
            membership = _membership(iri, predicate, about.get(subject), lang)
            if membership is not None:  # other structure nodes: shown where they are held
                placed.append(membership)
            continue
        value = resource_value(subject, lang, labels)
        inverse = inverse_of.get(predicate)
        placed.append(Placed(inverse or predicate, inverse is not None, value))
    if any(st.subject.kind == "bnode" for st in incoming):
        placed += _qualified_from_elsewhere(iri, lang)
    return placed


def _structure_nodes(iris: set[str]) -> set[str]:
    """Which of these resources are nodes of a relation or a value (STRUCTURE_CLASSES)."""
    terms = " ".join(f"<{i}>" for i in sorted(iris) if ">" not in i and " " not in i)
    if not terms:
        return set()
    classes = " ".join(f"<{c}>" for c in STRUCTURE_CLASSES)
    query = f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {terms} }} VALUES ?c {{ {classes} }} ?s a ?c }}"
    return {row["s"].value for row in site().store.select(query)}


def fold_blank(
    predicate: str, statements: list[Statement], lang: str, labels: dict[str, dict[str, str]]
) -> Placed | None:
    """A PROV qualification node among a page's own values, as the relation it qualifies."""
    if predicate not in QUALIFIED:
        return None
    relation, party, qualifying = QUALIFIED[predicate]
    other = next(
        (st.object.value for st in statements if st.predicate.value == party and st.object.kind == "iri"), None
    )
    if other is None:
        return None
    value = resource_value(other, lang, labels)
    value.qualifiers = [
        resource_value(st.object.value, lang, labels)
        for st in statements
        if st.predicate.value in qualifying and st.object.kind == "iri"
    ]
    return Placed(relation, True, value)


@dataclass
class _About:
    """What the store says about a few resources, with the labels of their IRI values."""

    iri: str = ""
    values: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


def _about(iris: list[str]) -> dict[str, _About]:
    found: dict[str, _About] = defaultdict(_About)
    terms = " ".join(f"<{i}>" for i in iris if ">" not in i and " " not in i)
    for row in site().store.select(_ABOUT % terms):
        entry = found[row["s"].value]
        entry.iri = row["s"].value
        if row["o"] not in entry.values[row["p"].value]:
            entry.values[row["p"].value].append(row["o"])
        if "label" in row:
            entry.labels[row["o"].value].setdefault(row["label"].language or "", row["label"].value)
    return found


def _membership(iri: str, predicate: str, about: _About | None, lang: str) -> Placed | None:
    """An org:Membership node seen from its member or its organisation (the relation it stands
    for, with roles and dates), or from elsewhere, its role or its source document (the member,
    "member of" the organisation)."""
    if about is None or not any(t.value == ORG + "Membership" for t in about.values.get(RDF_TYPE, [])):
        return None
    first = {p: next((t.value for t in terms if t.kind == "iri"), None) for p, terms in about.values.items()}
    member, organisation = first.get(ORG + "member"), first.get(ORG + "organization")
    if member is None or organisation is None:
        return None
    more = _period(about, lang)
    if any(p in about.values for p in site().vocab.expand_all(DETAILED_BY)):  # the membership's own page says more
        more.append(Value(WORDS.get(lang, WORDS["fr"])["details"], site().href(about.iri)))
    roles = [r for r in _role_qualifiers(about, lang) if r.iri != iri]
    if iri in (organisation, member):
        value = resource_value(member if iri == organisation else organisation, lang, about.labels)
        value.qualifiers = roles + more
        return Placed(ORG + ("hasMember" if iri == organisation else "memberOf"), True, value)
    value = resource_value(member, lang, about.labels)
    where = resource_value(organisation, lang, about.labels)
    where.text = f"{site().label(ORG + 'memberOf', lang)} {where.text}"
    value.qualifiers = [where, *roles, *more]
    return Placed(predicate, False, value)


def _period(about: _About, lang: str) -> list[Value]:
    """The membership's dates in words: "juin 2016 – novembre 2017", "since May 2019"."""
    start, end = (next(iter(about.values.get(SCHEMA + key, [])), None) for key in ("startDate", "endDate"))
    words = WORDS.get(lang, WORDS["fr"])
    start_words = date_words(start.value, start.datatype or "", lang) if start else ""
    end_words = date_words(end.value, end.datatype or "", lang) if end else ""
    if start and end:
        return [Value(f"{start_words} – {end_words}")]
    if start:
        return [Value(words["since"].format(start_words))]
    if end:
        return [Value(words["until"].format(end_words))]
    return []


def _roles(about: _About) -> list[str]:
    plain = site().settings.base_uri + "id/concept/role/member"
    return [t.value for t in about.values.get(ORG + "role", []) if t.kind == "iri" and t.value != plain]


def _role_qualifiers(about: _About, lang: str) -> list[Value]:
    """The roles held, except the plain "member" that the relation already says; a role named in
    the reader's language (schema:roleName) replaces the concept's label."""
    named = [t for t in about.values.get(SCHEMA + "roleName", []) if t.language == lang]
    roles = [resource_value(r, lang, about.labels) for r in _roles(about)]
    if named and len(roles) <= 1:
        role = roles[0].iri if roles else None
        return [Value(named[0].value, roles[0].href if roles else None, lang=lang, iri=role)]
    return roles


def _qualified_from_elsewhere(iri: str, lang: str) -> list[Placed]:
    """Incoming links from blank nodes: PROV qualification nodes naming this resource, read from
    the resource holding them (a page cannot link a blank node)."""
    s = site()
    if ">" in iri or " " in iri:
        return []
    this = f"<{iri}>"
    nodes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in s.store.select(_QUALIFYING % {"this": this, "type": RDF_TYPE}):
        if row["parent"].kind != "iri":
            continue
        node = nodes[row["b"].value]
        node["parent"].add(row["parent"].value)
        node["holder"].add(row["p"].value)
        node["via"].add(row["q"].value)
        if "o" in row:
            node["others"].add(row["o"].value)
    wanted = {i for n in nodes.values() for key in ("parent", "others") for i in n[key]}
    labels = s.labels_of(sorted(wanted))
    placed = []
    for node in nodes.values():
        for parent in sorted(node["parent"]):
            value = resource_value(parent, lang, labels)
            holder = next(iter(node["holder"]))
            relation, party, _ = QUALIFIED.get(holder, ("", "", ()))
            value.qualifiers = [resource_value(o, lang, labels) for o in sorted(node["others"])]
            if party in node["via"]:
                placed.append(Placed(relation, False, value))
            else:
                placed.append(Placed(next(iter(node["via"])), False, value))
    return placed


def positions(values: Iterable[Value]) -> dict[str, float]:
    """The schema:position of the resources shown, in one query."""
    iris = sorted({v.iri for v in values if v.iri and ">" not in v.iri and " " not in v.iri})
    if not iris:
        return {}
    found: dict[str, float] = {}
    for row in site().store.select(_POSITIONS % " ".join(f"<{i}>" for i in iris)):
        try:
            found.setdefault(row["s"].value, float(row["position"].value))
        except ValueError:
            continue
    return found


def ordered(values: list[Value], position: dict[str, float]) -> list[Value]:
    """By schema:position where the values have one (an event's programme), then by label."""
    return sorted(values, key=lambda v: (position.get(v.iri or "", float("inf")), fold(v.text)))
