"""The lexical forms of the XSD datatypes labgraph's data uses, as regular expressions.

Neither parser checks them: Oxigraph stores ``"notayear"^^xsd:gYear`` as given, and rdflib's
``ill_typed`` does not look at gYear or gYearMonth. A literal a date filter cannot compare is a
silent hole in every query over dates, so the build refuses it (:mod:`labgraph.graph.sources`)
and so does a merge (:mod:`labgraph.merge.mapping`), both from this one table.

The patterns are XSD 1.1's, written in the subset common to Python's ``re`` and XPath regular
expressions, so that the build can run them inside Oxigraph (SPARQL ``REGEX``) and a merge in
Python. Calendar limits a pattern cannot say (30 February) are left to rdflib's ``ill_typed``.
"""

from __future__ import annotations

import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_YEAR = r"-?([1-9][0-9]{4,}|[0-9]{4})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_ZONE = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"

#: datatype IRI -> the whole lexical form it accepts (unanchored: anchor where it is used)
PATTERNS: dict[str, str] = {
    XSD + "gYear": _YEAR + _ZONE,
    XSD + "gYearMonth": _YEAR + "-" + _MONTH + _ZONE,
    XSD + "date": _YEAR + "-" + _MONTH + "-" + _DAY + _ZONE,
    XSD + "dateTime": _YEAR + "-" + _MONTH + "-" + _DAY + "T" + _TIME + _ZONE,
    XSD + "integer": r"[+-]?[0-9]+",
    XSD + "nonNegativeInteger": r"(\+?[0-9]+|-0+)",
    XSD + "positiveInteger": r"\+?0*[1-9][0-9]*",
    XSD + "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    XSD + "boolean": r"(true|false|1|0)",
}

_COMPILED = {datatype: re.compile(pattern) for datatype, pattern in PATTERNS.items()}


def is_valid(value: str, datatype: str) -> bool:
    """Whether ``value`` is a lexical form of ``datatype``; datatypes not in the table pass."""
    pattern = _COMPILED.get(datatype)
    return pattern is None or pattern.fullmatch(value) is not None


def short(datatype: str) -> str:
    """``xsd:gYear`` for the IRI, the IRI itself for other vocabularies."""
    return "xsd:" + datatype.removeprefix(XSD) if datatype.startswith(XSD) else f"<{datatype}>"
