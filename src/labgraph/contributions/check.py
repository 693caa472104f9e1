"""The checks a proposal passes before it is stored: the card's own rules, field by field.

Each failure is a FieldProblem naming the field (as the form and the payload name it), the rule
and a message in French and English, so the form shows it beside the field and the API answers
422 with the same words. Everything wrong is reported at once: a contributor fixes all in one go.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from labgraph.cards.fields import SPECS
from labgraph.config import Settings
from labgraph.contributions.base import CARD_TYPES
from labgraph.contributions.rdf import IRI_FIELDS
from labgraph.contributions.shapes import shape_problems
from labgraph.errors import FieldProblem, InvalidProposal, ProposalTooLarge

TEXT_FIELDS = ("label", "description")  # {"fr": ..., "en": ...}
SCALAR_FIELDS = ("dedicatedPlace", "website", "foundingDate", "comment")
KNOWN_FIELDS = frozenset(TEXT_FIELDS) | frozenset(SCALAR_FIELDS) | frozenset(IRI_FIELDS)
LANGS = ("fr", "en")
KINDS = ("new", "correction")


def _problem(field: str, rule: str, fr: str, en: str) -> FieldProblem:
    return FieldProblem(field, rule, {"fr": fr, "en": en})


def payload_size(payload: dict[str, Any]) -> int:
    """Bytes of UTF-8 of the payload as stored (compact JSON): the unit contribution_max_bytes counts."""
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def check_payload(
    settings: Settings,
    kind: str,
    card_type: str,
    target: str | None,
    payload: dict[str, Any],
    choices: dict[str, set[str]],
) -> None:
    """Raise ProposalTooLarge past contribution_max_bytes, else InvalidProposal listing every
    problem. ``choices`` maps an IRI field to the IRIs it may take (the form's choices)."""
    if not isinstance(payload, dict):
        raise InvalidProposal([_problem("fields", "type", "Les champs doivent être un objet JSON.",
                                        "The fields must be a JSON object.")])
    if payload_size(payload) > settings.contribution_max_bytes:
        raise ProposalTooLarge(
            f"the proposal is larger than {settings.contribution_max_bytes} bytes (contribution_max_bytes)"
        )
    problems = _envelope(kind, card_type, target, choices)
    for name, value in payload.items():
        if name not in KNOWN_FIELDS:
            problems.append(_problem(name, "unknown-field", f"Champ inconnu : « {name} ».",
                                     f"Unknown field: \u201c{name}\u201d."))
        elif name in TEXT_FIELDS:
            problems += _texts(settings, name, value)
        elif not _applies(card_type, name):
            problems.append(_problem(name, "not-applicable", "Ce champ ne s'applique pas à ce type de fiche.",
                                     "This field does not apply to this kind of card."))
        elif name in IRI_FIELDS:
            problems += _iris(name, value, choices.get(name, set()))
        else:
            problems += _scalar(settings, name, value)
    if kind == "new":
        label = payload.get("label")
        if not (isinstance(label, dict) and str(label.get("fr", "")).strip()):
            problems.append(_problem("label", "required", "Une structure nouvelle a besoin d'un nom en français.",
                                     "A new structure needs a French name."))
        if not payload.get("kind"):
            problems.append(_problem("kind", "required", "Une structure nouvelle a besoin d'un type.",
                                     "A new structure needs a kind."))
    elif kind == "correction" and not any(k != "comment" for k in payload):
        problems.append(_problem("fields", "required", "Une correction doit changer au moins un champ.",
                                 "A correction must change at least one field."))
    if problems:
        raise InvalidProposal(problems)


def _applies(card_type: str, name: str) -> bool:
    """A card field applies to some kinds of card only (a programme has no dedicated place):
    ``labgraph.cards.fields`` says which; names the card does not list apply to every card."""
    spec = SPECS.get(name)
    return spec is None or card_type not in CARD_TYPES or f"lg:{card_type.capitalize()}" in spec.applies


def _envelope(kind: str, card_type: str, target: str | None, choices: dict[str, set[str]]) -> list[FieldProblem]:
    out = []
    if kind not in KINDS:
        out.append(_problem("kind_of_proposal", "unknown-value", "La proposition est « new » ou « correction ».",
                            "A proposal is \u201cnew\u201d or \u201ccorrection\u201d."))
    if card_type not in CARD_TYPES:
        out.append(_problem("card_type", "unknown-value", "Type de fiche inconnu.", "Unknown kind of card."))
    if kind == "correction" and (not target or target not in choices.get("target", set())):
        out.append(_problem("target", "unknown-value", "Aucune fiche existante ne porte cette adresse.",
                            "No existing card has this IRI."))
    return out


def _too_long(settings: Settings, field: str, text: str) -> list[FieldProblem]:
    limit = settings.contribution_field_chars
    if len(text) <= limit:
        return []
    return [_problem(field, "too-long", f"Ce champ dépasse {limit} caractères.",
                     f"This field exceeds {limit} characters.")]


def _texts(settings: Settings, field: str, value: object) -> list[FieldProblem]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return [_problem(field, "type", "Un texte par langue est attendu (fr, en).",
                         "One text per language is expected (fr, en).")]
    out = [_problem(field, "unknown-value", f"Langue non prise en charge : « {lang} ».",
                    f"Unsupported language: \u201c{lang}\u201d.") for lang in value if lang not in LANGS]
    for text in value.values():
        out += _too_long(settings, field, text)
    return out[:1] if out else []


def _iris(field: str, value: object, allowed: set[str]) -> list[FieldProblem]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [_problem(field, "type", "Une liste de valeurs est attendue.", "A list of values is expected.")]
    unknown = [v for v in value if v not in allowed]
    if unknown:
        return [_problem(field, "unknown-value", "Valeur hors de la liste proposée pour ce champ.",
                         "A value not among this field's choices.")]
    return []


def _scalar(settings: Settings, field: str, value: object) -> list[FieldProblem]:
    if not isinstance(value, str):
        return [_problem(field, "type", "Un texte est attendu.", "A text is expected.")]
    if field == "dedicatedPlace" and value not in ("yes", "no"):
        return [_problem(field, "unknown-value", "Réponse attendue : oui ou non.", "Expected answer: yes or no.")]
    if field == "website" and not _is_web_url(value):
        return [_problem(field, "url", "Adresse web invalide (http:// ou https://).", "Invalid web address (http:// or https://).")]
    if field == "foundingDate" and not _is_date(value):
        return [_problem(field, "date", "Date invalide : AAAA, AAAA-MM ou AAAA-MM-JJ.",
                         "Invalid date: YYYY, YYYY-MM or YYYY-MM-DD.")]
    return _too_long(settings, field, value)


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    forbidden = any(c in value for c in "<>\"{}|\\^` \n\t")
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not forbidden


def _is_date(value: str) -> bool:
    padded = {4: value + "-01-01", 7: value + "-01", 10: value}.get(len(value))
    try:
        return padded is not None and date.fromisoformat(padded).isoformat() == padded
    except ValueError:
        return False


def check_proposal(
    settings: Settings,
    kind: str,
    card_type: str,
    target: str | None,
    payload: dict[str, Any],
    choices: dict[str, set[str]],
    known_iris: set[str],
) -> None:
    """The card's rules first (cheap, and the shapes need a well-formed payload), then the build's
    shapes against the current release; raises as :func:`check_payload` does."""
    check_payload(settings, kind, card_type, target, payload, choices)
    problems = shape_problems(settings, kind, card_type, target, payload, known_iris)
    if problems:
        raise InvalidProposal(problems)
