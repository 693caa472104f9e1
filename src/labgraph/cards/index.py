"""The cards of one release, computed once and looked up by URI or by ``{type}/{slug}``.

The web layer keeps one index per served release (its store's build_id): cards are derived data
and a release never changes, so no request recomputes them.
"""

from __future__ import annotations

import threading

from labgraph.cards.compute import compute_cards
from labgraph.cards.filters import known_values
from labgraph.cards.model import Card
from labgraph.store.base import Store
from labgraph.vocab import Vocabulary


class CardIndex:
    def __init__(self, store: Store, vocab: Vocabulary) -> None:
        self.build_id = store.build_id
        self.cards: list[Card] = compute_cards(store, vocab)
        self.by_iri = {card.iri: card for card in self.cards}
        self.by_path = {(card.type, card.slug): card for card in self.cards}
        self.known = known_values(self.cards)


_LOCK = threading.Lock()


def index_for(holder: dict[str, object], store: Store, vocab: Vocabulary) -> CardIndex:
    """The index kept in ``holder`` (an app's extensions) for the store's build, built on first
    use under a lock so that concurrent first requests compute it once."""
    with _LOCK:
        index = holder.get("labgraph.cards")
        if not isinstance(index, CardIndex) or index.build_id != store.build_id:
            index = CardIndex(store, vocab)
            holder["labgraph.cards"] = index
        return index
