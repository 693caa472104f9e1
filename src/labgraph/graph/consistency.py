"""Cross-file checks that SHACL cannot phrase: contradictions between documents, and URIs
whose ``/id/{type}/`` segment disagrees with what they are typed as.

SHACL sees only the merged graph, so it can say a lab has two French labels but not which
files stated them. These checks name the files, which is what a curator needs to fix them.

An accepted contribution (``graph/contribution-N``) corrects what the documents say: it may
disagree with them and with older contributions, and both values stay (the cards show the
newest as current). Within its own graph a contribution is still held to one value, as every
document is; see docs/modelling.md.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from labgraph.engine import solutions
from labgraph.errors import Conflict, ConflictError
from labgraph.graph.relation_shapes import find_accompaniment_only_on_activities
from labgraph.graph.sources import SourceDataset, is_contribution_graph
from labgraph.vocab import vocabulary

#: Properties that take one value per resource (per language for text), as CURIEs expanded under
#: the dataset's base (:mod:`labgraph.vocab`).
SINGLE_VALUED = (
    "rdfs:label",
    "foaf:name",
    "schema:foundingDate",
    "schema:startDate",
    "schema:endDate",
    "schema:position",
    "igeo:codeINSEE",
    "lg:siren",
    "lg:dedicatedPlace",
)

#: The class a thing must have, given the ``/id/{type}/`` segment of its URI.
TYPE_OF_SEGMENT = {
    "lab": "lg:Lab",
    "network": "lg:Network",
    "organisation": "foaf:Agent",
    "programme": "lg:Programme",
    "call": "lg:Call",
    "phase": "lg:Phase",
    "event": "schema:Event",
    "person": "foaf:Person",
    "membership": "org:Membership",
    "resource": "lg:KnowledgeResource",
    "objective": "lg:Objective",
    "challenge": "lg:Challenge",
    "proposal": "lg:Proposal",
    "place": "schema:Place",
    "territory": "schema:Place",
    "document": "lg:SourceDocument",
    "reconciliation": "lg:Reconciliation",
    "list": "schema:ItemList",
}

#: The (subject, property) pairs given more than one value in some language (or none): counted
#: by Oxigraph in one pass over these properties, so that only the statements of actual
#: conflicts come back to Python (usually none), instead of every label and date.
_CONFLICTING_KEYS = """
SELECT ?s ?p WHERE {
  VALUES ?p { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?s))
} GROUP BY ?s ?p (COALESCE(LANG(?o), "") AS ?lang) HAVING (COUNT(DISTINCT ?o) > 1)
"""

#: Every statement of the given (subject, property) pairs, with the graph stating it.
_STATEMENTS = """
SELECT ?s ?p ?o ?g WHERE {
  VALUES (?s ?p) { %s }
  GRAPH ?g { ?s ?p ?o }
}
"""

#: Things under ``{base}id/`` whose types (or their superclasses) miss the class their segment
#: requires. One pass over the distinct (subject, graph) pairs: the segment is cut out of the
#: URI and joined with the table of segments, instead of one scan of every quad per segment.
_MISTYPED = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?segment ?s ?g WHERE {
  { SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) } }
  FILTER(STRSTARTS(STR(?s), "%(things)s"))
  BIND(STRBEFORE(SUBSTR(STR(?s), %(after)d), "/") AS ?segment)
  VALUES (?segment ?class) { %(segments)s }
  FILTER NOT EXISTS { ?s a/rdfs:subClassOf* ?class }
}
"""


def find_conflicts(dataset: SourceDataset) -> list[Conflict]:
    """Single-valued properties given different values for one URI by different files."""
    values = " ".join(f"<{p}>" for p in vocabulary(dataset.base).expand_all(SINGLE_VALUED))
    pairs = {(row["s"], row["p"]) for row in solutions(dataset.store, _CONFLICTING_KEYS % values)}
    if not pairs:
        return []
    files = dataset.files_by_graph()
    stated: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    corrections: set[str] = set()
    for row in solutions(dataset.store, _STATEMENTS % " ".join(f"({s} {p})" for s, p in pairs)):
        obj = row["o"]
        lang = obj.language or "" if isinstance(obj, ox.Literal) else ""
        where = ", ".join(_relative(p) for p in files.get(row["g"].value, [Path(row["g"].value)]))
        if is_contribution_graph(row["g"].value, dataset.base):
            corrections.add(where)
        stated[(row["s"].value, row["p"].value, lang)][where].add(_show(obj))
    conflicts = []
    for (subject, predicate, _), by_file in sorted(stated.items()):
        documents = [values for where, values in by_file.items() if where not in corrections]
        torn = any(len(values) > 1 for where, values in by_file.items() if where in corrections)
        if torn or len(set().union(*documents)) > 1:
            conflicts.append(Conflict(subject, predicate, {f: sorted(v) for f, v in by_file.items()}))
    return conflicts


def find_mistyped(dataset: SourceDataset) -> list[Conflict]:
    """Things whose URI says one kind (``/id/lab/``) but whose types never say so."""
    vocab = vocabulary(dataset.base)
    things = f"{dataset.base}id/"
    segments = " ".join(f'("{segment}" <{vocab.expand(cls)}>)' for segment, cls in TYPE_OF_SEGMENT.items())
    query = _MISTYPED % {"things": things, "after": len(things) + 1, "segments": segments}
    files = dataset.files_by_graph()
    by_segment: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in solutions(dataset.store, query, use_default_graph_as_union=True):
        by_segment[row["segment"].value][row["s"].value].update(_relative(p) for p in files.get(row["g"].value, []))
    found = []
    for segment, cls in TYPE_OF_SEGMENT.items():
        for subject, where in sorted(by_segment.get(segment, {}).items()):
            found.append(
                Conflict(
                    subject,
                    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                    {", ".join(sorted(where)): [f"not typed <{vocab.expand(cls)}> as its URI says"]},
                )
            )
    return found


def check(dataset: SourceDataset) -> None:
    problems = find_conflicts(dataset) + find_mistyped(dataset) + find_accompaniment_only_on_activities(dataset)
    if problems:
        raise ConflictError(problems)


def _show(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
