"""The fields of a card: what each one means, which structures it applies to, its labels.

A field that does not apply to a kind of structure (a programme has no dedicated place) is
left out of that card and of its completeness; a field that applies and that no source states is
"not stated", which lowers completeness.
"""

from __future__ import annotations

from dataclasses import dataclass

LAB, NETWORK, PROGRAMME = "lg:Lab", "lg:Network", "lg:Programme"
#: The classes whose members get a card, most specific first (a class decides the card's kind).
CLASSES = (LAB, NETWORK, PROGRAMME)
ALL = frozenset(CLASSES)
ORGS = frozenset((LAB, NETWORK))


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: dict[str, str]
    applies: frozenset[str]
    #: True for the yes/no/not-stated fields (a dedicated place), False for lists of values.
    yes_no: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("kind", {"fr": "Type de structure", "en": "Kind of structure"}, ALL),
    FieldSpec("host", {"fr": "Organisation de rattachement", "en": "Host organisation"}, ALL),
    FieldSpec("ministry", {"fr": "Ministère", "en": "Ministry"}, ALL),
    FieldSpec("territory", {"fr": "Territoire", "en": "Territory"}, ALL),
    FieldSpec("dedicatedPlace", {"fr": "Lieu dédié", "en": "Dedicated place"}, ORGS, yes_no=True),
    FieldSpec("innovationKinds", {"fr": "Types d'innovation", "en": "Kinds of innovation"}, ALL),
    FieldSpec("services", {"fr": "Offre de service", "en": "Service offer"}, ALL),
    FieldSpec("methods", {"fr": "Méthodes", "en": "Methods"}, ALL),
    FieldSpec("themes", {"fr": "Thèmes", "en": "Themes"}, ALL),
    FieldSpec("audiences", {"fr": "Publics", "en": "Audiences"}, ALL),
    FieldSpec("maturity", {"fr": "Stade de maturité", "en": "Maturity stage"}, frozenset((LAB,))),
    FieldSpec("networks", {"fr": "Réseaux et programmes", "en": "Networks and programmes"}, ORGS),
    FieldSpec("members", {"fr": "Membres", "en": "Members"}, frozenset((NETWORK, PROGRAMME))),
    FieldSpec("people", {"fr": "Personnes et rôles", "en": "People and roles"}, ALL),
    FieldSpec("dates", {"fr": "Dates", "en": "Dates"}, ALL),
)
FIELD_NAMES = tuple(spec.name for spec in FIELDS)
SPECS = {spec.name: spec for spec in FIELDS}

#: Words the card shows for the two values that are not lists.
STATUS_TEXT = {
    "not-stated": {"fr": "non précisé par les sources", "en": "not stated in the sources"},
    "no": {"fr": "non", "en": "no"},
    "yes": {"fr": "oui", "en": "yes"},
}
