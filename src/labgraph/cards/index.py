"""The cards of one release, computed once and looked up by URI or by ``{type}/{slug}``.

The web layer keeps one index per served release (``Site.derived``): cards are derived data and
a release never changes, so no request recomputes them.
"""

from __future__ import annotations

from labgraph.cards.compute import compute_cards
from labgraph.cards.filters import known_values
from labgraph.cards.model import Card
from labgraph.store.base import Store
from labgraph.vocab import Vocabulary


class CardIndex:
    """``cards``, when given, are the build's (the release's ``cards.json``); without them, the
    cards are computed from the store, for a release written before the build wrote them."""

    def __init__(self, store: Store, vocab: Vocabulary, cards: list[Card] | None = None) -> None:
        self.build_id = store.build_id
        self.cards: list[Card] = compute_cards(store, vocab) if cards is None else cards
        self.by_iri = {card.iri: card for card in self.cards}
        self.by_path = {(card.type, card.slug): card for card in self.cards}
        self.known = known_values(self.cards)

