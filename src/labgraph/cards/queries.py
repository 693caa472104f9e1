"""The SELECTs a card is computed from, written with CURIEs and expanded under the base.

Stated facts are read from the documents' named graphs (``GRAPH ?g``, never graph/entailment),
so that every value comes with the graph, hence the source document, that states it. Each query
reads all structures at once: a card index costs a handful of queries whatever the graph's size.
"""

from __future__ import annotations

from labgraph.cards.fields import CLASSES
from labgraph.vocab import Vocabulary

#: Predicates read on the structure itself: card field <- property (written as CURIEs).
OUTGOING: dict[str, str] = {
    "org:classification": "kind",
    "org:unitOf": "host",
    "prov:wasAssociatedWith": "host",
    "lg:animatedBy": "host",
    "schema:areaServed": "territory",
    "schema:location": "territory",
    "org:hasSite": "dedicatedPlace",
    "lg:dedicatedPlace": "dedicatedPlace",
    "lg:offersService": "services",
    "lg:usesMethod": "methods",
    "dct:subject": "themes",
    "lg:audience": "audiences",
    "lg:maturityStage": "maturity",
    "org:memberOf": "networks",
    "lg:partOfProgramme": "networks",
    "org:hasMember": "members",
    "lg:laureate": "members",
    "schema:foundingDate": "dates",
    "schema:startDate": "dates",
    "schema:endDate": "dates",
    "schema:dissolutionDate": "dates",
}
#: Predicates pointing at the structure from another resource: ``?other p ?structure``.
INCOMING: dict[str, str] = {
    "org:hasUnit": "host",
    "lg:animates": "host",
    "org:hasMember": "networks",
    "org:memberOf": "members",
    "lg:partOfProgramme": "members",
}


def _prologue(vocab: Vocabulary) -> str:
    used = ("rdf", "rdfs", "skos", "org", "prov", "dct", "foaf", "schema", "igeo", "lg", "graph")
    return "".join(f"PREFIX {p}: <{vocab.prefixes[p]}>\n" for p in used)


def _structures() -> str:
    return "VALUES ?cls { " + " ".join(CLASSES) + " } ?s a ?cls ."


def structures(vocab: Vocabulary) -> str:
    return _prologue(vocab) + "SELECT ?s ?cls WHERE { " + _structures() + " }"


def outgoing(vocab: Vocabulary) -> str:
    return _prologue(vocab) + (
        "SELECT ?s ?p ?o ?g WHERE { " + _structures() + "\n VALUES ?p { " + " ".join(OUTGOING) + " }\n"
        " GRAPH ?g { ?s ?p ?o } FILTER(?g != graph:entailment) }"
    )


def incoming(vocab: Vocabulary) -> str:
    return _prologue(vocab) + (
        "SELECT ?s ?p ?o ?g WHERE { " + _structures() + "\n VALUES ?p { " + " ".join(INCOMING) + " }\n"
        " GRAPH ?g { ?o ?p ?s } FILTER(?g != graph:entailment) FILTER(isIRI(?o)) }"
    )


def memberships(vocab: Vocabulary) -> str:
    """Memberships (org:Membership) on either side of a structure, with their role."""
    return _prologue(vocab) + (
        "SELECT ?s ?other ?side ?role ?roleName ?g WHERE { " + _structures() + "\n"
        " { GRAPH ?g { ?m org:member ?s ; org:organization ?other } BIND(\"in\" AS ?side) }\n"
        " UNION { GRAPH ?g { ?m org:organization ?s ; org:member ?other } BIND(\"has\" AS ?side) }\n"
        " OPTIONAL { GRAPH ?g { ?m org:role ?role } }\n"
        " OPTIONAL { GRAPH ?g { ?m schema:roleName ?roleName } FILTER(LANG(?roleName) = \"fr\") }\n"
        " FILTER(?g != graph:entailment) }"
    )


def persons(vocab: Vocabulary, iris: list[str]) -> str:
    return _prologue(vocab) + "SELECT ?x WHERE { VALUES ?x { " + _iris(iris) + " } ?x a foaf:Person }"


# Chains (a host's ministry, a territory's région, a concept's broader ones) are read one step
# at a time and followed in Python: Virtuoso refuses a transitive path whose start is not bound
# ("transitive start not given"), and the edges are few (one or two per resource).


def host_edges(vocab: Vocabulary) -> str:
    """``?a`` belongs to ``?b`` (org:subOrganizationOf, org:unitOf, org:hasUnit read backwards)."""
    return _prologue(vocab) + (
        "SELECT DISTINCT ?a ?b WHERE { { ?a org:subOrganizationOf ?b } UNION { ?a org:unitOf ?b }"
        " UNION { ?b org:hasUnit ?a } FILTER(isIRI(?a) && isIRI(?b)) }"
    )


def ministries(vocab: Vocabulary) -> str:
    ministry = vocab.concept("structure-kind", "ministry")
    return _prologue(vocab) + f"SELECT DISTINCT ?m WHERE {{ ?m org:classification <{ministry}> }}"


def place_edges(vocab: Vocabulary) -> str:
    """Each place's level (commune, département, région) and the place directly containing it
    (schema:containedInPlace, as the COG extract states it)."""
    return _prologue(vocab) + (
        "SELECT ?t ?level ?up WHERE { ?t a schema:Place .\n"
        " OPTIONAL { VALUES ?level { igeo:Commune igeo:Departement igeo:Region } ?t a ?level }\n"
        " OPTIONAL { ?t schema:containedInPlace ?up FILTER(isIRI(?up)) } }"
    )


def broader_edges(vocab: Vocabulary) -> str:
    return _prologue(vocab) + "SELECT DISTINCT ?c ?b WHERE { ?c skos:broader ?b FILTER(isIRI(?b)) }"


def labels(vocab: Vocabulary, iris: list[str]) -> str:
    return _prologue(vocab) + (
        "SELECT ?x ?label WHERE { VALUES ?x { " + _iris(iris) + " } ?x rdfs:label ?label }"
    )


def graph_sources(vocab: Vocabulary) -> str:
    """Named graph -> the source documents (or data sets) it was derived from."""
    return _prologue(vocab) + (
        "SELECT ?g ?doc WHERE { ?g prov:wasDerivedFrom ?doc "
        f'FILTER(STRSTARTS(STR(?g), "{vocab.graph("")}")) }}'
    )


def _iris(iris: list[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris if not any(c in iri for c in "<> \"{}|\\^`"))


def contribution_documents(vocab: Vocabulary) -> str:
    """Each accepted contribution's document and the day it was accepted: the order in which
    contributions supersede the documents and each other (:mod:`labgraph.cards.supersede`)."""
    return _prologue(vocab) + (
        "SELECT ?doc ?issued WHERE { GRAPH ?g { ?doc a lg:SourceDocument ; dct:issued ?issued } "
        f'FILTER(STRSTARTS(STR(?doc), "{vocab.base}id/document/contribution-")) }}'
    )
