"""The researcher query catalogue: ``queries/*.rq`` files with a machine-readable header.

Each file starts with grlc-style ``#+`` comment lines that together form a YAML document::

    #+ title: {fr: "Laboratoires par type", en: "Labs by kind"}
    #+ description: {fr: "...", en: "..."}
    #+ row: {fr: "un laboratoire et son type", en: "one lab and its kind"}
    #+ tags: [labs]
    #+ params:
    #+   - name: kind
    #+     type: iri
    #+     default: https://w3id.org/labgraph/id/concept/structure-kind/incubator
    #+     description: {fr: "...", en: "..."}

Parameter values are validated against their type (and ``enum`` when given), turned into RDF
terms by rdflib, and bound with a ``VALUES`` block inserted at the start of the WHERE clause:
a value is always data, never query text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from labgraph.errors import CatalogueError, ParameterError
from labgraph.store.policy import ends_with_slice, group_start
from labgraph.uris import AUTHORING_BASE
from labgraph.vocab import vocabulary

TYPES = ("iri", "string", "integer", "date", "year", "language")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Names the web API keeps for itself in a query string (paging, the result format, the
#: interface language): a parameter so named could never reach its query from the API, so the
#: catalogue refuses it rather than have one interface drop what another accepts.
RESERVED = frozenset({"page", "per_page", "format", "lang"})


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: dict[str, str]
    default: str | None = None
    enum: tuple[str, ...] = ()
    required: bool = False

    def term(self, raw: str) -> str:
        """The value as an RDF term in SPARQL syntax, or ParameterError."""
        raw = raw.strip()
        if self.enum and raw not in self.enum:
            raise ParameterError(self.name, f"must be one of {', '.join(self.enum)}")
        if self.type == "iri":
            if not IRI.match(raw):
                raise ParameterError(self.name, "must be an absolute IRI")
            return URIRef(raw).n3()
        if self.type == "integer":
            if not re.fullmatch(r"-?\d{1,12}", raw):
                raise ParameterError(self.name, "must be an integer")
            return Literal(int(raw)).n3()
        if self.type == "date":
            try:
                dt.date.fromisoformat(raw)
            except ValueError:
                raise ParameterError(self.name, "must be a date written YYYY-MM-DD") from None
            return Literal(raw, datatype=XSD.date).n3()
        if self.type == "year":
            if not re.fullmatch(r"\d{4}", raw):
                raise ParameterError(self.name, "must be a year written YYYY")
            return Literal(raw, datatype=XSD.gYear).n3()
        if self.type == "language":
            if not re.fullmatch(r"[a-z]{2,3}", raw):
                raise ParameterError(self.name, "must be a language code such as fr or en")
            return Literal(raw).n3()
        if len(raw) > 500:
            raise ParameterError(self.name, "is longer than 500 characters")
        return Literal(raw).n3()


@dataclass(frozen=True)
class CatalogueQuery:
    name: str
    path: Path
    title: dict[str, str]
    description: dict[str, str]
    row: dict[str, str]
    params: tuple[Parameter, ...]
    tags: tuple[str, ...]
    text: str
    extra: dict[str, Any] = field(default_factory=dict)

    def render(
        self, values: dict[str, str] | None = None, *, limit: int | None = None, offset: int | None = None
    ) -> str:
        """The query with its parameters bound, and optionally one page of its results."""
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise ParameterError(sorted(unknown)[0], "is not a parameter of this query")
        bindings = []
        for param in self.params:
            raw = values.get(param.name, param.default)
            if raw is None or raw == "":
                if param.required:
                    raise ParameterError(param.name, "is required")
                continue
            bindings.append(f"VALUES ?{param.name} {{ {param.term(str(raw))} }}")
        text = self.text
        if bindings:
            at = group_start(text)
            text = text[:at] + "\n  " + "\n  ".join(bindings) + "\n" + text[at:]
        if limit is not None or offset is not None:
            if ends_with_slice(text):
                raise CatalogueError(f"{self.name} sets its own LIMIT/OFFSET and cannot be paginated")
            text += f"\nLIMIT {int(limit)}" if limit is not None else ""
            text += f"\nOFFSET {int(offset)}" if offset else ""
        return text


def load(directory: Path, base: str = AUTHORING_BASE) -> dict[str, CatalogueQuery]:
    """Every query of a folder; IRIs written under the authoring base move to ``base``."""
    queries = {}
    for path in sorted(directory.glob("*.rq")):
        query = parse(path, base=base)
        queries[query.name] = query
    return queries


def parse(path: Path, *, require_header: bool = True, base: str = AUTHORING_BASE) -> CatalogueQuery:
    """Read one query file; ad-hoc files run from the command line may skip the header."""
    try:
        text = vocabulary(base).rebase_text(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read: {exc}") from exc
    header_lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    if not header_lines and not require_header:
        untitled = {"fr": path.stem, "en": path.stem}
        return CatalogueQuery(path.stem, path, untitled, untitled, untitled, (), (), text)
    if not header_lines:
        raise CatalogueError(f"{path}: no '#+' header (title, description, params, row)")
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: the '#+' header is not valid YAML: {exc}") from exc
    if not isinstance(header, dict):
        raise CatalogueError(f"{path}: the '#+' header must be a mapping")
    name = path.stem
    if not NAME.match(name.replace("-", "_")):
        raise CatalogueError(f"{path}: query names are lower-case words joined by hyphens")
    for key in ("title", "description", "row"):
        value = header.get(key)
        if not isinstance(value, dict) or not {"fr", "en"} <= set(value):
            raise CatalogueError(f"{path}: '{key}' needs a French and an English text ({{fr: ..., en: ...}})")
    params = tuple(_parameter(path, raw) for raw in header.get("params") or [])
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip() + "\n"
    for param in params:
        if not re.search(rf"[?$]{param.name}\b", body):
            raise CatalogueError(f"{path}: parameter {param.name!r} is not used as ?{param.name} in the query")
    return CatalogueQuery(
        name,
        path,
        header["title"],
        header["description"],
        header["row"],
        params,
        tuple(header.get("tags") or ()),
        body,
        {k: v for k, v in header.items() if k not in ("title", "description", "row", "params", "tags")},
    )


def _parameter(path: Path, raw: Any) -> Parameter:
    if not isinstance(raw, dict) or "name" not in raw or "type" not in raw:
        raise CatalogueError(f"{path}: each parameter needs a name and a type")
    name, kind = str(raw["name"]), str(raw["type"])
    if not NAME.match(name):
        raise CatalogueError(f"{path}: parameter name {name!r} must be lower-case letters, digits and _")
    if name in RESERVED:
        raise CatalogueError(
            f"{path}: parameter name {name!r} is reserved by the web API ({', '.join(sorted(RESERVED))}); "
            "choose another (e.g. 'language' for a language)"
        )
    if kind not in TYPES:
        raise CatalogueError(f"{path}: parameter {name!r} has unknown type {kind!r} (one of {', '.join(TYPES)})")
    description = raw.get("description") or {}
    if not isinstance(description, dict) or not {"fr", "en"} <= set(description):
        raise CatalogueError(f"{path}: parameter {name!r} needs a description in fr and en")
    param = Parameter(
        name,
        kind,
        description,
        None if raw.get("default") is None else str(raw["default"]),
        tuple(str(v) for v in raw.get("enum") or ()),
        bool(raw.get("required", False)),
    )
    if param.default is not None:
        try:
            param.term(param.default)
        except ParameterError as exc:
            raise CatalogueError(f"{path}: default of {exc}") from exc
    return param
