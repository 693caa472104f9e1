"""The filters of ``/api/labs``: which cards match ``?kind=incubator&territory=grand-est``.

A filter value is a slug (``incubator``, ``grand-est``) or a full IRI. A concept matches its
narrower concepts too (``theme=culture`` finds the libraries' lab), and a territory the
communes and départements it contains (``territory=grand-est`` finds the Haut-Rhin). Values of
one parameter are alternatives, parameters combine: ``theme=a&theme=b&kind=c`` is (a or b) and
c. A value that no card could match is refused, naming the parameter, rather than answered with
an empty list that looks like a fact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from labgraph.cards.model import STATED, Card, Value
from labgraph.errors import CardFilterError

#: API parameter -> card field
FILTERS: dict[str, str] = {
    "kind": "kind",
    "territory": "territory",
    "theme": "themes",
    "service": "services",
    "method": "methods",
    "network": "networks",
    "maturity": "maturity",
}


def keys_of(value: Value) -> set[str]:
    """Every name a filter value may use to match this value: its IRI and slug, and those of its
    broader concepts or containing territories."""
    iris = [value.value]
    for extra in ("broader", "departement", "region"):
        found = value.about.get(extra)
        if isinstance(found, list):
            iris.extend(found)
    return {k for iri in iris for k in (iri, iri.rstrip("/").rsplit("/", 1)[-1])}


def known_values(cards: Iterable[Card]) -> dict[str, set[str]]:
    """Parameter -> every value that matches at least one card."""
    known: dict[str, set[str]] = {param: set() for param in FILTERS}
    for card in cards:
        for param, name in FILTERS.items():
            field = card.fields.get(name)
            if field is not None and field.status == STATED:
                for value in field.values:
                    known[param] |= keys_of(value)
    return known


def select_cards(
    cards: list[Card], params: Mapping[str, list[str]], known: dict[str, set[str]] | None = None
) -> list[Card]:
    """The cards matching every parameter; unknown parameter values raise CardFilterError."""
    known = known if known is not None else known_values(cards)
    wanted: dict[str, set[str]] = {}
    for param, values in params.items():
        if param not in FILTERS:
            raise CardFilterError(param, f"not a filter; filters are {', '.join(FILTERS)}")
        for value in values:
            if value not in known[param]:
                raise CardFilterError(param, f"no structure has {value!r}")
        wanted[param] = set(values)
    out = []
    for card in cards:
        if all(_matches(card, FILTERS[param], values) for param, values in wanted.items()):
            out.append(card)
    return out


def _matches(card: Card, name: str, wanted: set[str]) -> bool:
    field = card.fields.get(name)
    if field is None or field.status != STATED:
        return False
    return any(keys_of(value) & wanted for value in field.values)
