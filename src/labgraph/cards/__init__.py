"""Identity cards ("fiches d'identité") of the graph's structures: labs, incubators, networks,
OpenLabs and programmes, one card each, computed from the graph and carrying the source of
every field.

A card answers the questions the labs d'académie asked each other (a dedicated place? which
kinds of innovation? which service offer?) and the rest of issue #15's list, with "not stated
in the sources" kept apart from "no". Cards are computed once per release (:class:`CardIndex`)
by trusted SELECTs through the store interface, so they hold on any backend.

May import: the foundation and the store interface (``labgraph.store.base``) only; the web
layer imports this room, never the reverse.
"""

from labgraph.cards.compute import compute_cards
from labgraph.cards.filters import FILTERS, select_cards
from labgraph.cards.index import CardIndex
from labgraph.cards.model import NO, NOT_STATED, STATED, Card, Field, Value
from labgraph.cards.table import csv_text

__all__ = [
    "FILTERS",
    "NO",
    "NOT_STATED",
    "STATED",
    "Card",
    "CardIndex",
    "Field",
    "Value",
    "compute_cards",
    "csv_text",
    "select_cards",
]
