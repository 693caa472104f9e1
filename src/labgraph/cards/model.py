"""A card and its fields as plain data: what the web layer renders and serialises.

Each field has a status of its own: ``stated`` (values the sources give), ``no`` (a source says
the structure has none, e.g. no dedicated place) or ``not-stated`` (no source says either way).
The last two are different answers and are never merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labgraph.cards.fields import FIELDS, SPECS, STATUS_TEXT

STATED, NO, NOT_STATED = "stated", "no", "not-stated"


@dataclass
class Value:
    """One value of a field: an IRI with its labels, or a literal (a date)."""

    value: str
    iri: bool
    labels: dict[str, str] = field(default_factory=dict)
    #: the source documents stating it (named graphs' prov:wasDerivedFrom)
    sources: list[str] = field(default_factory=list)
    #: what the value is on top of itself: the property it comes through, a role, the
    #: département and région of a territory, the broader concepts of a concept
    about: dict[str, Any] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or self.labels.get("en") or self.value

    @property
    def slug(self) -> str:
        return self.value.rstrip("/").rsplit("/", 1)[-1] if self.iri else self.value

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Value:
        """The value :meth:`as_json` wrote (the release's ``cards.json``)."""
        rest = {k: v for k, v in data.items() if k not in ("iri", "value", "label", "sources")}
        is_iri = "iri" in data
        value = data["iri"] if is_iri else data["value"]
        return cls(value, is_iri, dict(data.get("label", {})), list(data["sources"]), rest)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {("iri" if self.iri else "value"): self.value}
        if self.labels:
            data["label"] = dict(sorted(self.labels.items()))
        data.update(self.about)
        data["sources"] = sorted(self.sources)
        return data


@dataclass
class Field:
    name: str
    status: str = NOT_STATED
    values: list[Value] = field(default_factory=list)

    #: sources of an answer that has no value of its own (a stated "no", a "yes" without a site)
    answer_sources: list[str] = field(default_factory=list)

    #: values a newer accepted contribution replaced: still shown ("earlier"), with their
    #: sources, but not the field's value for filters, similarity or the map
    superseded: list[Value] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({s for v in self.values for s in v.sources} | set(self.answer_sources))

    def text(self, lang: str) -> str:
        """The field in one cell: its values' labels, or the words for "no" / "not stated"."""
        if self.status != STATED:
            return STATUS_TEXT[self.status][lang]
        labels = [v.label(lang) for v in self.values]
        if SPECS[self.name].yes_no:
            labels = [STATUS_TEXT["yes"][lang], *labels]
        return " | ".join(labels)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "values": [v.as_json() for v in self.values],
            "sources": self.sources,
            "superseded": [v.as_json() for v in self.superseded],
        }

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> Field:
        values = [Value.from_json(v) for v in data["values"]]
        of_values = {s for v in values for s in v.sources}
        earlier = [Value.from_json(v) for v in data.get("superseded", [])]
        return cls(name, data["status"], values, [s for s in data["sources"] if s not in of_values], earlier)


@dataclass
class Card:
    iri: str
    type: str  # the URI's {type}: lab, network, programme
    slug: str
    cls: str  # lg:Lab, lg:Network or lg:Programme (a CURIE)
    labels: dict[str, str]
    fields: dict[str, Field]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or next(iter(self.labels.values()), self.slug)

    @property
    def completeness(self) -> float:
        """The share of the card's fields that the sources state (a stated "no" counts: it is an
        answer), rounded to two places."""
        if not self.fields:
            return 0.0
        answered = sum(1 for f in self.fields.values() if f.status != NOT_STATED)
        return round(answered / len(self.fields), 2)

    def ordered_fields(self) -> list[Field]:
        return [self.fields[spec.name] for spec in FIELDS if spec.name in self.fields]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Card:
        fields = {name: Field.from_json(name, f) for name, f in data["fields"].items()}
        return cls(data["iri"], data["type"], data["slug"], data["class"], dict(data["label"]), fields)

    def as_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "type": self.type,
            "slug": self.slug,
            "class": self.cls,
            "label": dict(sorted(self.labels.items())),
            "completeness": self.completeness,
            "fields": {f.name: f.as_json() for f in self.ordered_fields()},
        }
