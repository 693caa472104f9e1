"""Turn CSV or JSON records into RDF with a declarative mapping file (YAML).

A mapping names the dataset, how to mint each record's IRI from its fields, its classes, and
one entry per field::

    dataset:
      slug: annuaire-labs                 # graph/annuaire-labs, id/dataset/annuaire-labs
      title: {fr: "Annuaire des labs", en: "Lab directory"}
      source: https://example.org/annuaire.csv
      licence: https://www.etalab.gouv.fr/licence-ouverte-open-licence
    format: csv                           # or json (a list of objects, or `records: key.path`)
    subject: https://example.org/lab/{id}
    types: [lg:Lab]
    classification: https://w3id.org/labgraph/id/concept/structure-kind/innovation-lab
    fields:
      - {column: name, property: rdfs:label, lang: fr, required: true}
      - {column: siren, property: lg:siren, pattern: "^[0-9]{9}$"}
      - {column: founded, property: schema:foundingDate, datatype: xsd:gYear}
      - {column: wikidata, property: owl:sameAs, iri: "http://www.wikidata.org/entity/{value}"}

A record that does not fit (a required field empty, a value that breaks its pattern or datatype)
is reported with its line and skipped; nothing in a record ever becomes query or markup text.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import yaml
from rdflib import Literal as RdfLiteral
from rdflib import URIRef

from labgraph import lexical
from labgraph.errors import MappingError
from labgraph.uris import AUTHORING_BASE
from labgraph.vocab import vocabulary

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Field:
    column: str
    property: str
    lang: str | None = None
    datatype: str | None = None
    iri: str | None = None  # template with {value}
    pattern: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Mapping:
    slug: str
    title: dict[str, str]
    source: str
    licence: str | None
    format: str
    delimiter: str
    records: str | None
    subject: str
    types: tuple[str, ...]
    classification: str | None
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Malformed:
    line: int
    reason: str


def load_mapping(path: Path, base: str = AUTHORING_BASE) -> Mapping:
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: a mapping is a YAML mapping")
    names = vocabulary(base).prefixes

    def expand(value: str, where: str) -> str:
        value = str(value)
        prefix, sep, local = value.partition(":")
        if sep and prefix in names and not local.startswith("//"):
            return names[prefix] + local
        if IRI.match(value) and value.startswith(("http://", "https://", "urn:")):
            return value
        raise MappingError(f"{path}: {where}: {value!r} is neither a known prefixed name nor an IRI")

    dataset = raw.get("dataset") or {}
    slug = str(dataset.get("slug", ""))
    if not SLUG.match(slug):
        raise MappingError(f"{path}: dataset.slug must be lower-case words joined by hyphens")
    title = dataset.get("title") or {}
    if not isinstance(title, dict) or "fr" not in title:
        raise MappingError(f"{path}: dataset.title needs at least a French title ({{fr: ...}})")
    fmt = str(raw.get("format", "csv"))
    if fmt not in ("csv", "json"):
        raise MappingError(f"{path}: format must be csv or json")
    subject = str(raw.get("subject", ""))
    if "{" not in subject or not IRI.match(re.sub(r"\{[^}]+\}", "x", subject)):
        raise MappingError(f"{path}: subject must be an IRI template such as https://example.org/lab/{{id}}")
    fields = []
    for index, item in enumerate(raw.get("fields") or []):
        if not isinstance(item, dict) or "column" not in item or "property" not in item:
            raise MappingError(f"{path}: fields[{index}] needs a column and a property")
        _check_field(path, index, item)
        fields.append(
            Field(
                column=str(item["column"]),
                property=expand(item["property"], f"fields[{index}].property"),
                lang=item.get("lang"),
                datatype=expand(item["datatype"], f"fields[{index}].datatype") if item.get("datatype") else None,
                iri=item.get("iri"),
                pattern=item.get("pattern"),
                required=bool(item.get("required", False)),
            )
        )
    if not fields:
        raise MappingError(f"{path}: a mapping needs at least one field")
    delimiter = str(raw.get("delimiter", ","))
    if len(delimiter) != 1:
        raise MappingError(f"{path}: delimiter must be one character, not {delimiter!r}")
    return Mapping(
        slug=slug,
        title={k: str(v) for k, v in title.items()},
        source=str(dataset.get("source", path.name)),
        licence=dataset.get("licence"),
        format=fmt,
        delimiter=delimiter,
        records=raw.get("records"),
        subject=subject,
        types=tuple(expand(t, "types") for t in raw.get("types") or ()),
        classification=expand(raw["classification"], "classification") if raw.get("classification") else None,
        fields=tuple(fields),
    )


def records(path: Path, mapping: Mapping) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or index, record) pairs; CSV is read as a stream."""
    if mapping.format == "csv":
        # strict: an unterminated quote is an error, not the start of a field that swallows
        # every following record
        reader = csv.DictReader(_utf8_lines(path), delimiter=mapping.delimiter, strict=True)
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise MappingError(f"{path}:{reader.line_num}: {exc}") from exc
        return
    data: Any = json.loads(path.read_text("utf-8"))
    for key in (mapping.records or "").split(".") if mapping.records else ():
        data = data[key]
    if not isinstance(data, list):
        raise MappingError(f"{path}: the records are not a list (set `records:` to their path)")
    for index, item in enumerate(data, start=1):
        yield index, item if isinstance(item, dict) else {}


def triples_of(record: dict[str, Any], mapping: Mapping) -> list[ox.Triple] | Malformed:
    """The record's triples, or why it cannot be used. The line is filled in by the caller."""
    values = {k: ("" if v is None else str(v).strip()) for k, v in record.items()}
    missing = [name for name in re.findall(r"\{([^}]+)\}", mapping.subject) if not values.get(name)]
    if missing:
        return Malformed(0, f"no value for {', '.join(missing)} to build the record's IRI")
    subject_iri = re.sub(r"\{([^}]+)\}", lambda m: quote(values[m.group(1)], safe=""), mapping.subject)
    subject = ox.NamedNode(subject_iri)
    out = [ox.Triple(subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(t)) for t in mapping.types]
    if mapping.classification:
        out.append(ox.Triple(subject, ox.NamedNode(ORG_CLASSIFICATION), ox.NamedNode(mapping.classification)))
    for name, value in values.items():
        if _CONTROL.search(value):
            return Malformed(0, f"{name} holds a control character (such as NUL)")
    for field in mapping.fields:
        value = values.get(field.column, "")
        if not value:
            if field.required:
                return Malformed(0, f"{field.column} is required but empty")
            continue
        if field.pattern and not re.fullmatch(field.pattern, value):
            return Malformed(0, f"{field.column}={value!r} does not match {field.pattern}")
        if field.iri is not None:
            target = field.iri.replace("{value}", quote(value, safe=":/#?=&"))
            if not IRI.match(target):
                return Malformed(0, f"{field.column}={value!r} does not make an IRI")
            out.append(ox.Triple(subject, ox.NamedNode(field.property), ox.NamedNode(target)))
        elif field.lang:
            out.append(ox.Triple(subject, ox.NamedNode(field.property), ox.Literal(value, language=field.lang)))
        elif field.datatype:
            ill_typed = RdfLiteral(value, datatype=URIRef(field.datatype)).ill_typed
            if ill_typed or not lexical.is_valid(value, field.datatype):
                return Malformed(0, f"{field.column}={value!r} is not a valid {field.datatype.rsplit('#', 1)[-1]}")
            out.append(
                ox.Triple(
                    subject, ox.NamedNode(field.property), ox.Literal(value, datatype=ox.NamedNode(field.datatype))
                )
            )
        else:
            out.append(ox.Triple(subject, ox.NamedNode(field.property), ox.Literal(value)))
    return out


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ORG_CLASSIFICATION = "http://www.w3.org/ns/org#classification"

#: Characters no label or value of a record may hold (NUL and the other C0 controls but tab,
#: line feed and carriage return).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _utf8_lines(path: Path) -> Iterator[str]:
    """The file's lines decoded one by one, so that bytes that are not UTF-8 are reported at
    their own line (a text stream decodes kilobytes ahead of the reader)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MappingError(f"{path}:{number}: the file is not UTF-8 ({exc.reason})") from exc
            yield line.removeprefix("\ufeff") if number == 1 else line


def _check_field(path: Path, index: int, item: dict[str, Any]) -> None:
    """A field's pattern and language are checked once, when the mapping is read."""
    where = f"{path}: fields[{index}]"
    if item.get("pattern") is not None:
        try:
            re.compile(str(item["pattern"]))
        except re.error as exc:
            raise MappingError(f"{where}.pattern {item['pattern']!r} is not a regular expression: {exc}") from exc
    if item.get("lang") is not None:
        try:
            ox.Literal("x", language=str(item["lang"]))
        except ValueError as exc:
            raise MappingError(f"{where}.lang {item['lang']!r} is not a language tag (BCP 47)") from exc
