"""Citations of the dataset, a release or a resource, in the formats reference managers read:
CSL-JSON (Zotero, Pandoc, citeproc), BibTeX, and DataCite XML (schema 4) for the dataset and its
releases; and the formatted text pages show, written by citeproc-py from the CSL-JSON with a
style it ships (Harvard, "Cite them right"), not by a template of ours.

Pure functions of a :class:`Citable`: the web layer (:mod:`labgraph.web.cite`) says what is
cited. BibTeX is escaped for LaTeX (its special characters, and accented letters as accent
commands, which every BibTeX reads, whatever its Unicode support; braces as commands, so that
the entry's own braces always pair).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from xml.etree import ElementTree

CSL_JSON = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"
DATACITE = "application/vnd.datacite.datacite+xml"
DATACITE_NS = "http://datacite.org/schema/kernel-4"
DATACITE_SCHEMA = "http://schema.datacite.org/meta/kernel-4/metadata.xsd"
STYLE = "harvard-cite-them-right"
LOCALES = {"fr": "fr-FR", "en": "en-US"}


@dataclass(frozen=True)
class Citable:
    """What a citation says, whatever its format."""

    key: str  # the citation key: ASCII letters, digits, '-' and ':'
    kind: str  # "dataset", "release" or "resource"
    title: str
    url: str  # where a reader finds it (the served page or document)
    identifier: str  # its IRI
    issued: str  # ISO date-time of the release it is read from
    author: str = "labgraph"
    publisher: str = "labgraph"
    version: str | None = None  # the build id, for a release
    container: str | None = None  # the dataset a resource belongs to
    description: str | None = None
    licence: str | None = None
    language: str = "fr"
    doi: str | None = None
    related: list[tuple[str, str]] = field(default_factory=list)  # (DataCite relation, URL)

    @property
    def year(self) -> str:
        return self.issued[:4]

    def date_parts(self) -> list[int]:
        return [int(part) for part in self.issued[:10].split("-")]


def csl_item(item: Citable) -> dict[str, object]:
    """One CSL-JSON item (CSL 1.0.2: datasets have the type "dataset")."""
    data: dict[str, object] = {
        "id": item.key,
        "type": "dataset" if item.kind in ("dataset", "release") else "entry-encyclopedia",
        "title": item.title,
        "author": [{"literal": item.author}],
        "publisher": item.publisher,
        "issued": {"date-parts": [item.date_parts()]},
        "URL": item.url,
        "language": item.language,
    }
    for key, value in (
        ("version", item.version),
        ("container-title", item.container),
        ("abstract", item.description),
        ("DOI", item.doi),
    ):
        if value:
            data[key] = value
    return data


def csl_json(item: Citable) -> bytes:
    return json.dumps([csl_item(item)], ensure_ascii=False, indent=1).encode("utf-8")


def formatted(item: Citable, lang: str) -> str:
    """The citation as text, in the reader's language, by citeproc-py's Harvard style."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    data = csl_item(item)
    # citeproc-py knows CSL 1.0.1's types: a dataset is formatted as the web resource it is here.
    data["type"] = "webpage"
    data.pop("abstract", None)
    style = CitationStylesStyle(STYLE, locale=LOCALES.get(lang, "fr-FR"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([data]), formatter.plain)
    bibliography.register(Citation([CitationItem(item.key.lower())]))
    return "".join(str(part) for part in bibliography.bibliography()[0])


# ------------------------------------------------------------------------------------ BibTeX

_SPECIAL = {
    "\\": r"\textbackslash{}",
    # Not \{ and \}: BibTeX counts every brace, escaped or not, to find where a field ends, so
    # one unpaired brace in a label ("Acco{lab") would swallow the rest of the entry.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~", "\u0327": "c"}
_LIGATURES = {"œ": r"{\oe}", "Œ": r"{\OE}", "æ": r"{\ae}", "Æ": r"{\AE}", "ß": r"{\ss}"}
_TYPOGRAPHY = {"’": "'", "‘": "`", "«": "<<", "»": ">>", "\u00a0": "~", "\u202f": "~", "–": "--", "—": "---"}


def _latex_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    if char in _LIGATURES:
        return _LIGATURES[char]
    if char in _TYPOGRAPHY:
        return _TYPOGRAPHY[char]
    if ord(char) < 128:
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if len(marks) == 1 and marks[0] in _ACCENTS and base.isascii():
        accent = _ACCENTS[marks[0]]
        return f"{{\\c{{{base}}}}}" if accent == "c" else f"{{\\{accent}{base}}}"
    return char  # left in UTF-8 (biber and bibtexu read it)


def latex_escape(text: str) -> str:
    """Text as a BibTeX field value: LaTeX's special characters escaped, accents as commands."""
    return "".join(_latex_char(c) for c in unicodedata.normalize("NFC", " ".join(text.split())))


def bibtex(item: Citable) -> bytes:
    """A ``@misc`` entry (classic BibTeX has no dataset type; biblatex reads it too), its title
    in double braces so that styles keep its capitals."""
    fields = [
        ("title", "{" + latex_escape(item.title) + "}"),
        ("author", "{" + latex_escape(item.author) + "}"),
        ("publisher", latex_escape(item.publisher)),
        ("year", item.year),
        ("month", str(item.date_parts()[1])),
        ("url", item.url),
        ("howpublished", "\\url{" + item.url + "}"),
    ]
    if item.version:
        fields.append(("version", latex_escape(item.version)))
    if item.container:
        fields.append(("note", "In: " + latex_escape(item.container)))
    if item.doi:
        fields.append(("doi", item.doi))
    if item.language:
        fields.append(("language", item.language))
    key = re.sub(r"[^A-Za-z0-9:-]", "-", item.key)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n".encode()


# ----------------------------------------------------------------------------------- DataCite


def datacite_xml(item: Citable) -> bytes:
    """DataCite Metadata Schema 4 (kernel-4): its mandatory properties (identifier, creator,
    title, publisher, publication year, resource type) and some recommended ones. The
    identifier is the dataset's DOI once one is registered (setting ``datacite_doi``); until
    then the element is left out, as DataCite's API accepts for a draft, and the IRI is given
    as an alternate identifier."""
    ElementTree.register_namespace("", DATACITE_NS)
    ElementTree.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")

    def tag(name: str) -> str:
        return f"{{{DATACITE_NS}}}{name}"

    root = ElementTree.Element(tag("resource"))
    root.set("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", f"{DATACITE_NS} {DATACITE_SCHEMA}")

    def add(parent: ElementTree.Element, name: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
        child = ElementTree.SubElement(parent, tag(name), {k.replace("_", ":"): v for k, v in attrs.items()})
        if text is not None:
            child.text = text
        return child

    if item.doi:
        add(root, "identifier", item.doi, identifierType="DOI")
    creator = add(add(root, "creators"), "creator")
    add(creator, "creatorName", item.author, nameType="Organizational")
    add(add(root, "titles"), "title", item.title, **{"xml_lang": item.language})
    add(root, "publisher", item.publisher)
    add(root, "publicationYear", item.year)
    add(root, "resourceType", "Knowledge graph (RDF)", resourceTypeGeneral="Dataset")
    add(add(root, "subjects"), "subject", "public innovation labs")
    dates = add(root, "dates")
    add(dates, "date", item.issued[:10], dateType="Issued")
    add(root, "language", item.language)
    alternates = add(root, "alternateIdentifiers")
    add(alternates, "alternateIdentifier", item.identifier, alternateIdentifierType="URI")
    add(alternates, "alternateIdentifier", item.url, alternateIdentifierType="URL")
    if item.related:
        related = add(root, "relatedIdentifiers")
        for relation, url in item.related:
            add(related, "relatedIdentifier", url, relatedIdentifierType="URL", relationType=relation)
    formats = add(root, "formats")
    for media in ("text/turtle", "application/trig", "application/n-quads", "application/ld+json"):
        add(formats, "format", media)
    if item.version:
        add(root, "version", item.version)
    if item.licence:
        add(add(root, "rightsList"), "rights", "Licence Ouverte 2.0", rightsURI=item.licence)
    if item.description:
        add(add(root, "descriptions"), "description", item.description, descriptionType="Abstract")
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


WRITERS = {CSL_JSON: csl_json, BIBTEX: bibtex, DATACITE: datacite_xml}
