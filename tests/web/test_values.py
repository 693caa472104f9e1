"""Values in words (labgraph.web.values): the edge cases a page may meet in the data."""

from __future__ import annotations

from labgraph.store.base import Statement, Term
from labgraph.web.values import XSD, date_words, literal_value, number_words, quantity_value

SCHEMA = "http://schema.org/"


def test_numbers_follow_the_language() -> None:
    assert number_words("250000", "fr") == "250\u202f000" and number_words("250000", "en") == "250,000"
    assert number_words("1000", "fr") == "1000" and number_words("1000", "en") == "1,000"
    assert number_words("-1234567.25", "fr") == "-1\u202f234\u202f567,25"
    assert number_words("1.5", "en") == "1.5" and number_words("+12", "en") == "12"
    for odd in ("1e5", "NaN", "", "12 000", "0x10"):  # not a plain number: left as written
        assert number_words(odd, "fr") == odd


def test_dates_in_words_and_what_is_no_date() -> None:
    assert date_words("2021-11-01", XSD + "date", "fr") == "1er novembre 2021"
    assert date_words("2021-11-23", XSD + "date", "en") == "23 November 2021"
    assert date_words("2016-06", XSD + "gYearMonth", "fr") == "juin 2016"
    assert date_words("2017", XSD + "gYear", "en") == "2017"
    assert date_words("2020-02-06T09:00:00+01:00", XSD + "dateTime", "fr") == "6 février 2020, 09:00"
    assert date_words("2016-13", XSD + "gYearMonth", "fr") == "2016"  # no month 13
    assert date_words("notayear", XSD + "gYear", "fr") == "notayear"
    assert date_words("2021-11-23", XSD + "string", "fr") == "2021-11-23"  # only date types


def test_literals_lose_their_datatype_but_keep_their_language() -> None:
    assert literal_value(Term("literal", "12", datatype=XSD + "integer"), "fr").text == "12"
    assert literal_value(Term("literal", "2021-11-23", datatype=XSD + "date"), "en").text == "23 November 2021"
    tagged = literal_value(Term("literal", "membres", language="fr"), "en")
    assert (tagged.text, tagged.lang, tagged.note) == ("membres", "fr", None)


def _node(*parts: tuple[str, Term]) -> list[Statement]:
    node = Term("bnode", "b0")
    return [Statement(node, Term("iri", p), o, None) for p, o in parts]


def test_quantities_in_words() -> None:
    number = Term("literal", "6", datatype=XSD + "integer")
    weeks = _node((SCHEMA + "value", number), (SCHEMA + "unitCode", Term("literal", "WEE")))
    assert quantity_value("https://w3id.org/labgraph/def/frequency", weeks, "en").text == "every 6 weeks"  # type: ignore[union-attr]
    assert quantity_value("https://w3id.org/labgraph/def/duration", weeks, "fr").text == "6 semaines"  # type: ignore[union-attr]
    span = _node(
        (SCHEMA + "minValue", Term("literal", "15", datatype=XSD + "integer")),
        (SCHEMA + "maxValue", Term("literal", "20", datatype=XSD + "integer")),
        (SCHEMA + "unitText", Term("literal", "participants", language="fr")),
    )
    assert quantity_value("x", span, "fr").text == "15 à 20 participants"  # type: ignore[union-attr]
    unknown = _node((SCHEMA + "value", number), (SCHEMA + "unitCode", Term("literal", "XYZ")))
    assert quantity_value("x", unknown, "en").text == "6"  # type: ignore[union-attr]
    address = _node((SCHEMA + "addressLocality", Term("literal", "Paris")))
    assert quantity_value("x", address, "fr") is None  # no number: not a quantity
