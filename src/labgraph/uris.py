"""The URI contract: which URIs labgraph mints, and how they move to another base.

Published URIs must never change, so everything that decides their shape lives here:
``{base}id/{type}/{slug}`` for things, ``{base}id/scheme/…`` and ``{base}id/concept/…`` for
vocabularies, ``{base}def/…`` for the ontology and ``{base}graph/{name}`` for named graphs.
"""

from __future__ import annotations

import re

#: The base the source files are written against. A build configured with another base
#: rewrites every IRI under this one, so curators never edit data to deploy elsewhere.
AUTHORING_BASE = "https://w3id.org/labgraph/"

#: The kinds of thing that get URIs under ``id/``.
THING_TYPES = (
    "lab",
    "organisation",
    "network",
    "programme",
    "call",
    "event",
    "phase",
    "place",
    "territory",
    "person",
    "membership",
    "resource",
    "objective",
    "challenge",
    "proposal",
    "document",
    "dataset",
    "activity",
    "reconciliation",
    "list",
    "similarity",
    "geometry",
)

#: The named graph the build fills with what the ontology entails from the stated graphs: derived
#: statements, queryable in the default graph, which pages leave out (they show what sources say).
ENTAILMENT_GRAPH = "entailment"

#: The named graph the build fills with the similarity links between structures' cards
#: (issue #15): computed, not stated by any source; pages leave it out of what sources say.
SIMILARITY_GRAPH = "similarity"

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")


def is_valid_slug(slug: str) -> bool:
    """Lower-case ASCII words joined by single hyphens (double for membership pairs)."""
    return bool(SLUG_PATTERN.match(slug))


def ontology_namespace(base: str) -> str:
    return base + "def/"


def graph_iri(base: str, name: str) -> str:
    return f"{base}graph/{name}"


def thing_iri(base: str, kind: str, slug: str) -> str:
    if kind not in THING_TYPES:
        raise ValueError(f"unknown thing type {kind!r}")
    return f"{base}id/{kind}/{slug}"


def prefixes(base: str) -> dict[str, str]:
    """labgraph's own prefixes for a base: ``lg:`` for the ontology, one per thing type."""
    own = {"lg": ontology_namespace(base), "graph": base + "graph/", "scheme": base + "id/scheme/"}
    short = {
        "organisation": "orga",
        "programme": "prog",
        "territory": "terr",
        "person": "pers",
        "membership": "mem",
        "resource": "res",
        "objective": "obj",
        "challenge": "chal",
        "proposal": "prop",
        "network": "net",
        "event": "ev",
        "document": "doc",
        "dataset": "ds",
        "activity": "act",
        "geometry": "geom",
    }
    for kind in THING_TYPES:
        own[short.get(kind, kind)] = f"{base}id/{kind}/"
    return own


class Rebaser:
    """Maps IRIs written under :data:`AUTHORING_BASE` to the configured base."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.active = base != AUTHORING_BASE

    def __call__(self, iri: str) -> str:
        if self.active and iri.startswith(AUTHORING_BASE):
            return self.base + iri[len(AUTHORING_BASE) :]
        return iri
