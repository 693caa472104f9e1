"""How one value reads on a page: in words, once, never as the RDF that carries it.

A page says "11 membres", "jusqu'à 250 000 EUR" or "23 novembre 2021", not the
``schema:QuantitativeValue`` node with its ``schema:value`` and ``schema:unitText`` statements,
nor a literal's datatype. Numbers follow the reader's language (separators, units from their
UN/CEFACT code when the data gives no unit in that language); the structure stays in the data
documents (Turtle, JSON-LD…) for anyone who needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from labgraph.store.base import Statement, Term

XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "http://schema.org/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QUANTITY_PARTS = {SCHEMA + name for name in ("value", "minValue", "maxValue", "unitText", "unitCode", "currency")}


@dataclass
class Value:
    """One value of a property, as the page shows it."""

    text: str
    href: str | None = None
    lang: str | None = None
    note: str | None = None  # what the value is about, shown small
    nested: list[tuple[str, list[Value]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    iri: str | None = None  # the resource shown, for ordering (schema:position) and merging
    qualifiers: list[Value] = field(default_factory=list)  # role, dates… of the relation it stands for


#: UN/CEFACT common codes the data uses for durations and frequencies: (one, several) per language.
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "MIN": {"fr": ("minute", "minutes"), "en": ("minute", "minutes")},
    "HUR": {"fr": ("heure", "heures"), "en": ("hour", "hours")},
    "DAY": {"fr": ("jour", "jours"), "en": ("day", "days")},
    "WEE": {"fr": ("semaine", "semaines"), "en": ("week", "weeks")},
    "MON": {"fr": ("mois", "mois"), "en": ("month", "months")},
    "ANN": {"fr": ("an", "ans"), "en": ("year", "years")},
}
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}
WORDS = {
    "fr": {
        "at_least": "au moins {}",
        "at_most": "jusqu'à {}",
        "range": "{} à {}",
        "every": "tous les {}",
        "each": "chaque {}",
    },
    "en": {
        "at_least": "at least {}",
        "at_most": "up to {}",
        "range": "{} to {}",
        "every": "every {}",
        "each": "every {}",
    },
}
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}:\d{2}))?")


def number_words(text: str, lang: str) -> str:
    """A number as the reader writes it: 250 000, 1000 and 1,5 in French, 250,000, 1,000 and 1.5 in
    English."""
    if not _NUMBER.match(text):
        return text
    whole, _, fraction = text.lstrip("+").partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = [digits[max(0, i - 3) : i] for i in range(len(digits), 0, -3)][::-1]
    separator, decimal = ("\u202f", ",") if lang == "fr" else (",", ".")
    grouped = separator.join(groups) if len(digits) > (4 if lang == "fr" else 3) else digits
    return sign + grouped + (decimal + fraction if fraction else "")


def date_words(text: str, datatype: str, lang: str) -> str:
    """xsd:date, gYearMonth, gYear and dateTime in words: 23 novembre 2021, June 2016."""
    found = _DATE.match(text)
    if not found or datatype not in (XSD + "date", XSD + "gYearMonth", XSD + "gYear", XSD + "dateTime"):
        return text
    year, month, day, time = found.groups()
    months = MONTHS.get(lang, MONTHS["fr"])
    if month is None or not 1 <= int(month) <= 12:
        return year
    words = f"{months[int(month) - 1]} {year}"
    if day is not None:
        number = int(day)
        words = f"{'1er' if lang == 'fr' and number == 1 else number} {words}"
    return f"{words}, {time}" if time else words


def literal_value(term: Term, lang: str) -> Value:
    """A literal in words; its datatype is how the data stores it, not something to read."""
    datatype = term.datatype or ""
    if datatype.startswith(XSD) and not datatype.endswith("#string"):
        if _NUMBER.match(term.value) and datatype[len(XSD) :] in ("integer", "decimal", "double", "float", "int"):
            return Value(number_words(term.value, lang))
        return Value(date_words(term.value, datatype, lang))
    return Value(term.value, lang=term.language)


def _in_language(terms: list[Term], lang: str) -> str | None:
    for choice in (lang, None, ""):
        for term in terms:
            if (term.language or None) == (choice or None):
                return term.value
    return None


def quantity_value(predicate: str, statements: list[Statement], lang: str) -> Value | None:
    """A schema:QuantitativeValue or MonetaryAmount node in words ("11 membres", "up to 250,000
    EUR", "every month"), what it counts as a small note; None if the node is no quantity."""
    parts: dict[str, list[Term]] = {}
    for st in statements:
        parts.setdefault(st.predicate.value, []).append(st.object)
    if not any(SCHEMA + key in parts for key in ("value", "minValue", "maxValue")):
        return None

    def one(key: str) -> str | None:
        terms = parts.get(SCHEMA + key)
        return number_words(terms[0].value, lang) if terms else None

    exact, low, high = one("value"), one("minValue"), one("maxValue")
    words = WORDS.get(lang, WORDS["fr"])
    if exact is not None:
        number = exact
    elif low is not None and high is not None:
        number = words["range"].format(low, high)
    elif low is not None:
        number = words["at_least"].format(low)
    else:
        number = words["at_most"].format(high)
    labels = parts.get(RDFS_LABEL, [])
    label = next((t.value for t in labels if t.language == lang), None)
    unit = _unit(parts, lang, plural=(exact or low or high or "") not in ("1", "+1"), labelled=label is not None)
    if predicate.endswith("/frequency") and unit and exact is not None:
        text = words["each"].format(unit) if exact == "1" else words["every"].format(f"{number} {unit}")
    else:
        text = f"{number} {unit}".strip() if unit else number
    label = label or next((t.value for t in labels), None)
    return Value(text, note=label if label and label != text else None)


def _unit(parts: dict[str, list[Term]], lang: str, plural: bool, labelled: bool) -> str:
    """The unit in the reader's language: the data's own word, else the UN/CEFACT code's; in
    another language only when no label says what is counted in the reader's."""
    if SCHEMA + "currency" in parts:
        return parts[SCHEMA + "currency"][0].value
    texts = parts.get(SCHEMA + "unitText", [])
    own = next((t.value for t in texts if t.language == lang), None)
    if own:
        return own
    code = next((t.value for t in parts.get(SCHEMA + "unitCode", [])), None)
    if code in UNITS and lang in UNITS[code]:
        return UNITS[code][lang][1 if plural else 0]
    if labelled:
        return ""
    return _in_language(texts, lang) or (texts[0].value if texts else "")
