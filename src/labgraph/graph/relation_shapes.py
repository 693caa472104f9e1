"""One shape per relation: a relation stated on an activity is also stated on the agent it concerns.

``lg:accompanied`` may be stated on a lab (Le Labo accompanied the CMN) or on a programme (the
Creuse prefiguration mission accompanied the Creuse council). A researcher asking "which
organisations accompanied whom?" then needs one query shape per kind of node, and misses the
programmes' cases. The convention (docs/modelling.md): when a programme states that it
accompanied something, the agent that ran it states it too. This check finds the programmes for
which no associated agent (``prov:wasAssociatedWith``) does, so the build names them.
"""

from __future__ import annotations

from labgraph.engine import solutions
from labgraph.errors import Conflict
from labgraph.graph.sources import SourceDataset

#: (programme, accompanied, graph) where no agent associated with the programme states the relation.
_ONLY_ON_THE_ACTIVITY = """
PREFIX lg: <{lg}>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?activity ?accompanied ?g WHERE {
  GRAPH ?g { ?activity lg:accompanied ?accompanied }
  ?activity a lg:Programme .
  FILTER NOT EXISTS { ?activity prov:wasAssociatedWith ?agent . ?agent lg:accompanied ?accompanied }
}
ORDER BY ?activity ?accompanied ?g
"""


def find_accompaniment_only_on_activities(dataset: SourceDataset) -> list[Conflict]:
    """Programmes that accompanied something that none of their agents is said to have accompanied."""
    query = _ONLY_ON_THE_ACTIVITY.replace("{lg}", f"{dataset.base}def/")
    files = dataset.files_by_graph()
    found: dict[tuple[str, str], set[str]] = {}
    for row in solutions(dataset.store, query, use_default_graph_as_union=True):
        where = {str(p) for p in files.get(row["g"].value, [])}
        found.setdefault((row["activity"].value, row["accompanied"].value), set()).update(where)
    return [
        Conflict(
            activity,
            f"{dataset.base}def/accompanied",
            {
                ", ".join(sorted(where)): [
                    f"accompanied <{accompanied}>, but no agent of the programme (prov:wasAssociatedWith) "
                    "states lg:accompanied it: state it on the agent that ran the accompaniment"
                ]
            },
        )
        for (activity, accompanied), where in sorted(found.items())
    ]
