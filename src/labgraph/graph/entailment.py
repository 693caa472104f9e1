"""Materialise what the ontology promises, in a named graph of its own: ``graph/entailment``.

A researcher writing SPARQL from the ontology expects ``?x a org:Organization`` to find labs,
``?x rdfs:label ?l`` to find concepts, and a date filter to compare dates of any precision. None
of that holds on the stated facts alone, so the build adds, once, what follows from them:

- **types** by ``rdfs:subClassOf`` (every superclass of a stated class);
- **statements** by ``rdfs:subPropertyOf`` (every super-property of a stated property; SKOS makes
  ``skos:prefLabel`` a sub-property of ``rdfs:label``, which gives every concept its label);
- **comparable days**: ``lg:startDay`` and ``lg:endDay`` (``xsd:date``) for everything with a
  ``schema:startDate`` or ``schema:endDate``, whatever the stated precision: the first day of the
  stated start and the last day of the stated end (for an event with no stated end, the last
  day of its stated start; a period stated only "from" a date has no end day).

Only axioms of the ``graph/ontology`` graph count (labgraph's own terms, the axioms restated from
the vocabularies it reuses, and its alignments): a data file cannot add a rule. The rules are
SPARQL CONSTRUCT queries that Oxigraph runs over the union of the named graphs, not a closure
written in Python, and they add only what is not already stated. RDFS's other entailments
(``rdfs:domain``/``rdfs:range`` types, axiomatic triples, every resource an ``rdfs:Resource``), which
a full RDFS reasoner such as owlrl adds, are deliberately left out: they answer no question here
and would multiply the graph. The served default graph is the merge of every named graph, so it
includes this one; the stated facts stay in their documents' graphs, untouched.

Nothing is entailed about or towards a blank node (a stated number, an address, a list item): a
blank node cannot be shared between two named graphs once they are published to a SPARQL server
one by one, so an entailed statement would point at a node with nothing said of it there. Queries
reach those through the ontology instead (``?p rdfs:subPropertyOf* lg:statedQuantity``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from labgraph.graph.sources import SourceDataset
from labgraph.uris import ENTAILMENT_GRAPH

#: The last segment of the graph's IRI (``{base}graph/entailment``).
GRAPH_NAME = ENTAILMENT_GRAPH


@dataclass(frozen=True)
class Rule:
    name: str
    construct: str


_PREFIXES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX schema: <http://schema.org/>
PREFIX lg: <{lg}>
"""

#: Every superclass, through any chain of ``rdfs:subClassOf`` axioms of the ontology graph.
_TYPES = """
CONSTRUCT { ?x a ?super } WHERE {
  GRAPH <{ontology}> { ?class rdfs:subClassOf+ ?super }
  FILTER(isIRI(?super) && ?super != ?class)
  ?x a ?class .
  FILTER(!isBlank(?x))
  FILTER NOT EXISTS { ?x a ?super }
}
"""

#: Every super-property, through any chain of ``rdfs:subPropertyOf`` axioms of the ontology graph.
_PROPERTIES = """
CONSTRUCT { ?s ?super ?o } WHERE {
  GRAPH <{ontology}> { ?p rdfs:subPropertyOf+ ?super }
  FILTER(isIRI(?super) && ?super != ?p)
  ?s ?p ?o .
  FILTER(!isBlank(?s) && !isBlank(?o))
  FILTER NOT EXISTS { ?s ?super ?o }
}
"""

#: The first day a stated start may denote, and the last day a stated end (or, without an end,
#: the start) may denote. The last day of a month is the day before the first of the next one
#: (Oxigraph subtracts a day from an xsd:date; adding a month is not reliable in 0.5).
_DAYS = """
CONSTRUCT { ?x lg:startDay ?startDay . ?x lg:endDay ?endDay } WHERE {
  { SELECT DISTINCT ?x WHERE { { ?x schema:startDate ?any } UNION { ?x schema:endDate ?any } FILTER(!isBlank(?x)) } }
  OPTIONAL { ?x schema:startDate ?start
             FILTER(DATATYPE(?start) IN (xsd:date, xsd:dateTime, xsd:gYearMonth, xsd:gYear)) }
  OPTIONAL { ?x schema:endDate ?stated
             FILTER(DATATYPE(?stated) IN (xsd:date, xsd:dateTime, xsd:gYearMonth, xsd:gYear)) }
  # An event with a start only lasts within the stated start; a membership or phase stated only
  # "from" a date is open-ended, so it has no end day.
  OPTIONAL { SELECT DISTINCT ?x (true AS ?event) WHERE { ?x a/rdfs:subClassOf* schema:Event } }
  BIND(COALESCE(?stated, IF(BOUND(?event), ?start, ?none)) AS ?end)
  BIND(SUBSTR(STR(?start), 1, 10) AS ?s)
  BIND(xsd:date(IF(DATATYPE(?start) = xsd:gYear, CONCAT(?s, "-01-01"),
                IF(DATATYPE(?start) = xsd:gYearMonth, CONCAT(?s, "-01"), ?s))) AS ?startDay)
  BIND(SUBSTR(STR(?end), 1, 10) AS ?e)
  BIND(xsd:integer(SUBSTR(?e, 1, 4)) AS ?year)
  BIND(xsd:integer(SUBSTR(?e, 6, 2)) AS ?month)
  BIND(IF(?month = 12, ?year + 1, ?year) AS ?nextYear)
  BIND(IF(?month = 12, 1, ?month + 1) AS ?nextMonth)
  BIND(CONCAT(STR(?nextYear), IF(?nextMonth < 10, "-0", "-"), STR(?nextMonth), "-01") AS ?firstOfNext)
  BIND(IF(DATATYPE(?end) = xsd:gYear, xsd:date(CONCAT(?e, "-12-31")),
       IF(DATATYPE(?end) = xsd:gYearMonth, xsd:date(?firstOfNext) - "P1D"^^xsd:dayTimeDuration,
          xsd:date(?e))) AS ?endDay)
}
"""


def rules(dataset: SourceDataset) -> tuple[Rule, ...]:
    """The rules, written for the dataset's base (the ontology graph and ``lg:`` move with it)."""
    values = {"ontology": dataset.graph_iri("ontology"), "lg": f"{dataset.base}def/"}
    prefixes = _PREFIXES.replace("{lg}", values["lg"])
    return tuple(
        Rule(name, prefixes + text.replace("{ontology}", values["ontology"]))
        for name, text in (("types", _TYPES), ("properties", _PROPERTIES), ("days", _DAYS))
    )


def graph(dataset: SourceDataset) -> ox.NamedNode:
    return ox.NamedNode(dataset.graph_iri(GRAPH_NAME))


def is_materialised(dataset: SourceDataset) -> bool:
    return dataset.store.contains_named_graph(graph(dataset))


def entailed(dataset: SourceDataset) -> set[ox.Triple]:
    """What the rules add to the dataset's stated graphs, without storing it.

    The rules read the stated graphs only: each runs before anything is added, so no rule sees
    another's output, and none needs to (no axiom makes a new type from a super-property, nor a
    date from a type).
    """
    found: set[ox.Triple] = set()
    for rule in rules(dataset):
        found.update(dataset.store.query(rule.construct, use_default_graph_as_union=True))  # type: ignore[arg-type]
    return found


def materialise(dataset: SourceDataset) -> int:
    """Add the entailment graph to the dataset's store (once) and return how many triples it holds.

    Calling it again on the same dataset adds nothing.
    """
    target = graph(dataset)
    store = dataset.store
    if is_materialised(dataset):
        return sum(1 for _ in store.quads_for_pattern(None, None, None, target))
    found = entailed(dataset)
    store.add_graph(target)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in found)
    return len(found)
