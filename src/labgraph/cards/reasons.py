"""Why two structures are similar, in French and in English: "both offer incubation and
project support; both in Grand Est" / "toutes deux proposent incubation et accompagnement de
projet ; toutes deux en Grand Est".

Built from a :class:`~labgraph.cards.similarity.Neighbour`'s shared concepts, strongest field
first, at most :data:`PER_FIELD` concepts a field; a concept shared only through a narrower one
says so ("broadly" / "au sens large"). Labels come from a mapping IRI -> language -> label.
"""

from __future__ import annotations

from collections import defaultdict

from labgraph.cards.similarity import Neighbour

PER_FIELD = 3
LANGS = ("fr", "en")

#: field -> (fr, en) phrase before the concepts
PHRASES: dict[str, tuple[str, str]] = {
    "services": ("toutes deux proposent", "both offer"),
    "methods": ("toutes deux pratiquent", "both use"),
    "themes": ("toutes deux travaillent sur", "both work on"),
    "audiences": ("toutes deux s'adressent à :", "both serve"),
    "kind": ("toutes deux de type", "both of kind"),
    "maturity": ("toutes deux au stade", "both at stage"),
    "networks": ("toutes deux membres de", "both members of"),
    "host": ("toutes deux portées par", "both hosted by"),
    "ministry": ("toutes deux relevant de", "both under"),
}
#: a shared network or host that is one of the pair: (fr, en) with {member} and {other}
SELF_PHRASES: dict[str, tuple[str, str]] = {
    "networks": ("{member} est membre de {other}", "{member} is a member of {other}"),
    "host": ("{member} est portée par {other}", "{member} is hosted by {other}"),
}
NEAR_PHRASES: dict[str, tuple[str, str]] = {
    "commune": ("toutes deux à", "both in"),
    "departement": ("toutes deux en", "both in"),
    "region": ("toutes deux en", "both in"),
}
BROADLY = {"fr": "au sens large", "en": "broadly"}
AND = {"fr": "et", "en": "and"}


def _label(labels: dict[str, dict[str, str]], iri: str, lang: str) -> str:
    found = labels.get(iri, {})
    return found.get(lang) or found.get("fr") or found.get("en") or iri.rstrip("/").rsplit("/", 1)[-1]


def _join(items: list[str], lang: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {AND[lang]} " + items[-1]


def reasons(neighbour: Neighbour, labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """Language -> the sentence saying what the pair shares (empty if nothing is shared)."""
    pair = (neighbour.source, neighbour.target)
    by_field: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    weight: dict[str, float] = defaultdict(float)
    relations: list[tuple[str, str, str]] = []  # (field, member, other)
    for shared in neighbour.shared:
        weight[shared.field] += shared.contribution
        if shared.field in SELF_PHRASES and shared.concept in pair:
            member = pair[1] if shared.concept == pair[0] else pair[0]
            relations.append((shared.field, member, shared.concept))
        else:
            by_field[shared.field].append((shared.concept, shared.partial))
    out = {}
    for i, lang in enumerate(LANGS):
        clauses = []
        for name, member, other in relations:
            text = SELF_PHRASES[name][i]
            clauses.append(text.format(member=_label(labels, member, lang), other=_label(labels, other, lang)))
        for name in sorted(by_field, key=lambda n: (-weight[n], n)):
            # A partial match adds nothing when its narrower concept is named too.
            concepts = [(c, p) for c, p in by_field[name] if not p] or by_field[name]
            items = [
                _label(labels, c, lang) + (f" ({BROADLY[lang]})" if partial else "")
                for c, partial in concepts[:PER_FIELD]
            ]
            clauses.append(f"{PHRASES[name][i]} {_join(items, lang)}")
        if neighbour.near is not None:
            level, place = neighbour.near
            clauses.append(f"{NEAR_PHRASES[level][i]} {_label(labels, place, lang)}")
        out[lang] = "; ".join(clauses) if lang == "en" else " ; ".join(clauses)
    return out
