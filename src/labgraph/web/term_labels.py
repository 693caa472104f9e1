"""Labels that tell terms apart: where classes or properties are listed, two terms with one
label in the reader's language (foaf:Person and schema:Person are both "personne") are shown
with the vocabulary each comes from, "personne (FOAF)" and "personne (schema.org)".

The vocabulary is read off the term's prefix (the configured prefix mapping,
``settings.vocab.prefixes``) and named for readers by :data:`VOCABULARY_NAMES`. Every listing
(home page, /classes/, search facets, ontology page) calls :func:`distinct_labels`, so one
term has one name everywhere on a page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from labgraph.vocab import Vocabulary
from labgraph.web.context import fold, site

#: prefix -> the vocabulary's name as its publishers write it
VOCABULARY_NAMES: dict[str, str] = {
    "lg": "labgraph",
    "foaf": "FOAF",
    "schema": "schema.org",
    "org": "W3C ORG",
    "cv": "Core Vocabularies",
    "skos": "SKOS",
    "prov": "PROV-O",
    "dcat": "DCAT",
    "dct": "Dublin Core",
    "rdf": "RDF",
    "rdfs": "RDFS",
    "owl": "OWL",
    "xsd": "XSD",
    "igeo": "INSEE géo",
    "wd": "Wikidata",
    "void": "VoID",
    "sh": "SHACL",
    "vann": "VANN",
    "sd": "SPARQL SD",
}


def vocabulary_name(iri: str, vocab: Vocabulary) -> str:
    """The readable name of the vocabulary a term belongs to: its prefix's entry in the table,
    the prefix itself for a prefix the table lacks, or the namespace for a term with none."""
    curie = vocab.curie(iri)
    prefix, sep, _ = curie.partition(":")
    if sep and curie != iri and not curie.startswith(("http:", "https:")):
        return VOCABULARY_NAMES.get(prefix, prefix)
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def distinct_labels(iris: Iterable[str], label: Callable[[str], str], vocab: Vocabulary) -> dict[str, str]:
    """Each term's label, with its vocabulary's name added where another term of the list has
    the same label (compared case- and accent-insensitively); the CURIE is added in the rare
    case where two terms of one vocabulary still share a name."""
    named = {iri: label(iri) for iri in dict.fromkeys(iris)}
    groups: dict[str, list[str]] = defaultdict(list)
    for iri, text in named.items():
        groups[fold(text)].append(iri)
    shown = dict(named)
    for members in groups.values():
        if len(members) < 2:
            continue
        for iri in members:
            shown[iri] = f"{named[iri]} ({vocabulary_name(iri, vocab)})"
        again: dict[str, list[str]] = defaultdict(list)
        for iri in members:
            again[fold(shown[iri])].append(iri)
        for clash in (m for m in again.values() if len(m) > 1):
            for iri in clash:
                shown[iri] = f"{named[iri]} ({vocab.curie(iri)})"
    return shown


def term_labels(iris: Iterable[str], lang: str) -> dict[str, str]:
    """Labels of the terms of one listing on this site, in the reader's language, told apart."""
    s = site()
    return distinct_labels(iris, lambda iri: s.label(iri, lang), s.vocab)
