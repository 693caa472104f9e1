"""What cards need from the data: trusted SELECTs, and nothing else.

The served :class:`~labgraph.store.base.Store` has this method, and so has the build's adapter
over its in-memory dataset (:mod:`labgraph.graph.similarity`): the same code computes the cards
at build time, for the similarity graph, and when the web layer serves them.
"""

from __future__ import annotations

from typing import Protocol

from labgraph.store.base import Term


class Selects(Protocol):
    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a trusted SELECT written by labgraph itself."""
