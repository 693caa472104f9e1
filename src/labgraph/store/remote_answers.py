"""How a remote SPARQL server's answers are read: the quirks of real servers (Virtuoso's blank
nodes and ASK answers, SPARQLWrapper's wrapped errors, dataset parameters in the query URL),
kept apart from the client so each rule is tested on bytes, without a server."""

from __future__ import annotations

import ast
import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox


def split_dataset(url: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The query URL without its dataset parameters, and those: a form-encoded POST carries its
    parameters in the body, and Virtuoso adds the URL's default graphs to the body's, or to a
    query's FROM, instead of letting them replace each other."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    defaults = tuple(v for k, v in pairs if k == "default-graph-uri")
    named = tuple(v for k, v in pairs if k == "named-graph-uri")
    rest = urlencode([(k, v) for k, v in pairs if k not in ("default-graph-uri", "named-graph-uri")])
    return urlunsplit(parts._replace(query=rest)), defaults, named


_VIRTUOSO_BNODE = b"nodeID://"


def usable_json(raw: bytes) -> bytes:
    """SPARQL JSON results whose blank nodes pyoxigraph can read.

    Virtuoso writes a blank node as ``{"type": "bnode", "value": "nodeID://b10001"}``, which is
    not a blank node label: pyoxigraph refuses the whole answer. Such a value becomes ``b10001``
    (the label Virtuoso itself writes in N-Triples), or a hex form of it if that is no label
    either; the same value always gives the same label, so the rows still join. Answers without
    ``nodeID://`` are returned untouched, at no cost.
    """
    if _VIRTUOSO_BNODE not in raw:
        return raw
    data = json.loads(raw)
    for row in data.get("results", {}).get("bindings", []):
        for value in row.values():
            if isinstance(value, dict) and value.get("type") == "bnode":
                value["value"] = _blank_label(str(value.get("value", "")))
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _blank_label(value: str) -> str:
    try:
        ox.BlankNode(value)
        return value
    except ValueError:
        pass
    candidate = value.removeprefix("nodeID://")
    try:
        ox.BlankNode(candidate)
        return candidate
    except ValueError:
        return "x" + value.encode("utf-8").hex()


def ask_answer(raw: bytes) -> bool:
    """The answer of an ASK query in SPARQL JSON results. Virtuoso 7.2 answers ASK as a SELECT of
    one variable, ``__ASK_RETVAL``: one row (value 1) for true, none for false."""
    data = json.loads(raw)
    if isinstance(data.get("boolean"), bool):
        return bool(data["boolean"])
    for row in data.get("results", {}).get("bindings", []):
        for value in row.values():
            if isinstance(value, dict) and str(value.get("value", "")).strip() not in ("0", "false"):
                return True
    return False


def server_message(exc: Exception) -> str:
    """The server's own explanation, from SPARQLWrapper's wrapped error."""
    text = str(exc)
    if "Response:" in text:
        text = text.split("Response:", 1)[1].strip()
        if text[:2] in ("b'", 'b"'):
            try:
                text = ast.literal_eval(text).decode("utf-8", "replace")
            except (ValueError, SyntaxError):
                pass
    return text.strip()
