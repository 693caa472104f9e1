"""A card list as CSV: one row per structure, multi-valued fields joined with " | ".

A spreadsheet gets each field in the reader's language, with "not stated in the sources" and
"no" written out (an empty cell would hide which one it is), the completeness figure, and the
source documents of the whole card.
"""

from __future__ import annotations

import csv
import io

from labgraph.cards.fields import FIELDS
from labgraph.cards.model import Card

JOIN = " | "


def csv_text(cards: list[Card], lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["iri", "type", "slug", "label", "completeness", *(spec.name for spec in FIELDS), "sources"])
    for card in cards:
        cells = []
        for spec in FIELDS:
            field = card.fields.get(spec.name)
            cells.append("" if field is None else field.text(lang))
        sources = sorted({s for f in card.fields.values() for s in f.sources})
        row = [card.iri, card.type, card.slug, card.label(lang), card.completeness, *cells, JOIN.join(sources)]
        writer.writerow(row)
    return out.getvalue()
