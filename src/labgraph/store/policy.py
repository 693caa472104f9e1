"""The gate every SPARQL query passes before an engine sees it, whatever the backend.

It works on tokens, not on a parse tree: rdflib's parser takes ~20 ms per query (longer than
Oxigraph needs to answer most of them) and gives up at 200 levels of nesting, while
pyoxigraph's parser does not expose its algebra and crashes the process on deep nesting. A
lexer that knows SPARQL's strings, IRIs, comments, variables and prefixed names tells exactly
which words are keywords, so ``SERVICE`` inside a literal is data and ``SeRvIcE`` is a keyword.
The engine's own parser then reports syntax errors; the gate only has to be right about the
tokens it refuses.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from labgraph.errors import QueryForbidden, QueryRejected, QueryTooLarge


class QueryForm(StrEnum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
FORMS = {form.value for form in QueryForm}

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:(?:[\w\-:.%\\\u00b7\u00c0-\uffff])*)
  | (?P<word>[A-Za-z_][\w]*)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryInfo:
    """What the gate learnt about a query it let through."""

    form: QueryForm | None  # None: not a query; the engine's parser explains why
    has_dataset_clause: bool  # FROM or FROM NAMED: the query chooses its own dataset
    limit: int | None  # the outermost LIMIT, when it is the query's last solution modifier
    services: tuple[str, ...]


def unescape(text: str) -> str:
    """SPARQL processes \\u and \\U escapes before parsing, anywhere in the query text."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


@functools.lru_cache(maxsize=256)
def inspect(text: str, *, max_bytes: int, max_nesting: int, service_allowlist: tuple[str, ...] = ()) -> QueryInfo:
    """Refuse what the endpoint never runs; describe the rest. Raises QueryRejected.

    Cached: the web layer and the store both ask about the same text (the store cannot trust
    that its caller did), and clients repeat their queries. Refusals are not cached."""
    if not text.strip():
        raise QueryRejected("the query is empty")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryTooLarge(f"the query is {size} bytes; the limit is {max_bytes}")
    text = unescape(text)
    words: list[tuple[str, str]] = []  # (kind, value) of significant tokens
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > max_nesting:
                raise QueryRejected(f"the query nests brackets deeper than {max_nesting} levels", setting="max_nesting")
        elif kind == "close":
            depth = max(0, depth - 1)
        words.append((kind, match.group()))
    keywords = [(i, value.upper()) for i, (kind, value) in enumerate(words) if kind == "word"]
    first = next((word for _, word in keywords if word not in ("PREFIX", "BASE")), None)
    if first in UPDATE_KEYWORDS:
        raise QueryRejected(
            f"{first} is a SPARQL Update operation; this endpoint is read-only and answers queries only"
        )
    services = []
    for index, word in keywords:
        if word != "SERVICE":
            continue
        target_index = index + 1
        if target_index < len(words) and words[target_index][1].upper() == "SILENT":
            target_index += 1
        kind, target = words[target_index] if target_index < len(words) else ("other", "")
        if kind != "iri":
            raise QueryForbidden(
                "SERVICE is only allowed with a constant endpoint IRI on the allow-list", setting="service_allowlist"
            )
        endpoint = target[1:-1]
        if endpoint not in service_allowlist:
            raise QueryForbidden(
                f"SERVICE <{endpoint}> is not allowed: the endpoint is not on the allow-list",
                setting="service_allowlist",
            )
        services.append(endpoint)
    dataset = any(word == "FROM" for _, word in keywords)
    # Not a query form: the engine's parser will say what is wrong, with the position.
    form = QueryForm(first) if first in FORMS else None
    return QueryInfo(form, dataset, _final_limit(words), tuple(services))


def _final_limit(words: list[tuple[str, str]]) -> int | None:
    """The LIMIT that closes the query, which bounds its result; None when there is none."""
    depth = 0
    limit = None
    for i, (kind, value) in enumerate(words):
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif depth == 0 and kind == "word" and value.upper() == "LIMIT" and i + 1 < len(words):
            number = words[i + 1][1]
            limit = int(number) if number.isdigit() else None
        elif depth == 0 and kind == "word" and value.upper() == "VALUES":
            break
    return limit


def group_start(text: str) -> int:
    """Offset just inside the query's first top-level ``{`` (the WHERE clause's group).

    Parameters are bound by inserting a VALUES block there, so that they join at the start of
    the evaluation, whether or not the query projects them.
    """
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "open" and match.group() == "{":
            return match.end()
    raise QueryRejected("the query has no WHERE clause to bind parameters into")


def ends_with_slice(text: str) -> bool:
    """Whether the query's last solution modifiers include LIMIT or OFFSET."""
    words = [
        (m.lastgroup or "other", m.group())
        for m in _TOKEN.finditer(unescape(text))
        if m.lastgroup not in ("ws", "comment")
    ]
    depth = 0
    for kind, value in words:
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif depth == 0 and kind == "word" and value.upper() in ("LIMIT", "OFFSET"):
            return True
    return False


def cap_rows(text: str, most: int) -> str:
    """The query with its outermost LIMIT at most ``most``, for engines that cannot stop on
    their own at a row count (remote servers). Codepoint escapes are expanded first."""
    text = unescape(text)
    depth = 0
    limit_number: re.Match[str] | None = None
    values_at: int | None = None
    pending_limit = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        if pending_limit:
            pending_limit = False
            if kind == "number":
                limit_number = match
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif depth == 0 and kind == "word":
            word = match.group().upper()
            if word == "LIMIT":
                pending_limit = True
            elif word == "VALUES":
                values_at = match.start()
    if limit_number is not None:
        if int(limit_number.group()) <= most:
            return text
        return text[: limit_number.start()] + str(most) + text[limit_number.end() :]
    if values_at is not None:
        return text[:values_at] + f"LIMIT {most}\n" + text[values_at:]
    return text.rstrip() + f"\nLIMIT {most}\n"


def has_relative_iri(text: str) -> bool:
    """Whether the query writes an IRI without a scheme, which only a BASE can resolve."""
    return any(m.lastgroup == "iri" and ":" not in m.group() for m in _TOKEN.finditer(unescape(text)))
