"""Which of a field's values are current once contributions have been accepted (issue #17).

An accepted contribution is a source document that corrects the others. Where contributions
state a field of a structure, the values of the newest one (by its document's ``dct:issued``,
then its number) are the field's current values; every other value of that field moves to
``Field.superseded``, with its sources, so the older facts stay visible. A field no
contribution states keeps its values from every source. Nothing is removed from the graph:
this is only how the card reads it.
"""

from __future__ import annotations

import re

from labgraph.cards import queries
from labgraph.cards.model import NO, STATED, Field
from labgraph.cards.source import Selects
from labgraph.vocab import Vocabulary

_NUMBER = re.compile(r"contribution-([0-9]+)$")

#: A contribution document -> its rank: higher is newer.
Ranks = dict[str, tuple[str, int]]


def contribution_ranks(store: Selects, vocab: Vocabulary) -> Ranks:
    """The contribution documents with the key that orders them: acceptance day, then number."""
    ranks: Ranks = {}
    for row in store.select(queries.contribution_documents(vocab)):
        doc = row["doc"].value
        match = _NUMBER.search(doc)
        if match is not None:
            ranks[doc] = (row["issued"].value, int(match.group(1)))
    return ranks


def newest(docs: list[str], ranks: Ranks) -> str | None:
    """The newest contribution among ``docs``, or None when no contribution is among them."""
    ranked = [doc for doc in docs if doc in ranks]
    return max(ranked, key=lambda doc: ranks[doc]) if ranked else None


def supersede(field: Field, ranks: Ranks, answers: list[tuple[bool, list[str]]] | None = None) -> None:
    """Keep as current only what the newest contribution stating this field says.

    ``answers`` are a yes/no field's stated answers, each with its sources (a dedicated place
    stated ``true`` or ``false``): the newest contribution's answer, if it gives one, decides
    the status; older answers are then no longer the field's sources."""
    answers = answers or []
    stating = [s for v in field.values for s in v.sources] + [s for _, docs in answers for s in docs]
    latest = newest(stating, ranks)
    if latest is None:
        return
    field.superseded = [v for v in field.values if latest not in v.sources]
    field.values = [v for v in field.values if latest in v.sources]
    current = [(stated, docs) for stated, docs in answers if latest in docs]
    field.answer_sources = sorted({s for _, docs in current for s in docs})
    if current and not current[-1][0]:
        field.superseded += field.values
        field.values = []
        field.status = NO
    else:
        field.status = STATED
