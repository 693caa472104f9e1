"""What the catalogue tests share: names for resources, and ways to read and compare rows.

Every expected answer in this folder is written from the five source documents (../shared/seeds)
and the curated data files (data/documents/*.ttl, data/links.ttl, data/sources.ttl, ontology/),
not copied from the queries' output. Resources are written with the data files' prefixes
(``lab:acco-lab``) and expanded by :func:`c`. Data-quality queries are also run on tiny
in-memory stores holding one bad resource (:func:`run_on`), to prove that they can fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from labgraph import catalogue

from ..conftest import BASE

Rows = list[dict[str, str]]
Run = Callable[..., Rows]

PATHS = {
    "lab": "id/lab/",
    "orga": "id/organisation/",
    "net": "id/network/",
    "prog": "id/programme/",
    "call": "id/call/",
    "ev": "id/event/",
    "phase": "id/phase/",
    "place": "id/place/",
    "terr": "id/territory/",
    "pers": "id/person/",
    "mem": "id/membership/",
    "res": "id/resource/",
    "obj": "id/objective/",
    "chal": "id/challenge/",
    "prop": "id/proposal/",
    "doc": "id/document/",
    "ds": "id/dataset/",
    "graph": "graph/",
    "scheme": "id/scheme/",
    "lg": "def/",
    "kind": "id/concept/structure-kind/",
    "svc": "id/concept/service/",
    "meth": "id/concept/method/",
    "theme": "id/concept/theme/",
    "stage": "id/concept/maturity/",
    "role": "id/concept/role/",
    "aud": "id/concept/audience/",
    "rkind": "id/concept/resource-kind/",
    "ekind": "id/concept/event-kind/",
    "dkind": "id/concept/document-kind/",
    "status": "id/concept/event-status/",
    "lkind": "id/concept/list-kind/",
    "tkind": "id/concept/territory-kind/",
    "list": "id/list/",
}
OTHER = {
    "schema": "http://schema.org/",
    "igeo": "http://rdf.insee.fr/def/geo#",
    "wd": "http://www.wikidata.org/entity/",
}


def c(curie: str | None) -> str | None:
    """``lab:acco-lab`` -> the full IRI (None stays None)."""
    if curie is None:
        return None
    prefix, local = curie.split(":", 1)
    if prefix in OTHER:
        return OTHER[prefix] + local
    return BASE + PATHS[prefix] + local


def words(text: str) -> list[str]:
    """Whitespace-separated names, to keep long lists of resources short."""
    return text.split()


def cs(curies: Iterable[str]) -> set[str | None]:
    return {c(x) for x in curies}


def pairs(mapping: dict[str, Iterable[str]]) -> set[tuple[str | None, str | None]]:
    """{subject: {object, ...}} -> {(subject IRI, object IRI), ...}."""
    return {(c(s), c(o)) for s, objects in mapping.items() for o in objects}


def cols(rows: Rows, *names: str) -> list[tuple[str | None, ...]]:
    """The rows as tuples of the given variables, None for unbound ones, in result order."""
    return [tuple(row.get(n) for n in names) for row in rows]


def col(rows: Rows, name: str) -> list[str | None]:
    return [row.get(name) for row in rows]


def assert_sorted(rows: Rows, *keys: str) -> None:
    """Rows are in ascending order of the string ``keys`` (unbound first, as SPARQL orders them)."""

    def key(row: dict[str, str]) -> tuple[tuple[bool, str], ...]:
        return tuple((k in row, row.get(k, "")) for k in keys)

    assert [key(r) for r in rows] == sorted(key(r) for r in rows)


def select_rows(st: ox.Store, text: str) -> Rows:
    results = st.query(text)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def run_on(queries: dict[str, catalogue.CatalogueQuery], name: str, trig: str, **params: str) -> Rows:
    """Run a catalogue query, as rendered for the endpoint, on a tiny store written in TriG (named
    graphs, and their merge as the default graph, as in a release)."""
    st = ox.Store()
    st.load(input=PREFIXES + trig, format=ox.RdfFormat.TRIG)
    st.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in st])
    return select_rows(st, queries[name].render(params))


PREFIXES = f"""
@prefix lg: <{BASE}def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix ex: <http://example.org/> .
"""


# Every classified structure and its kinds, as the five documents (and sources.ttl for La 27e Région)
# describe them.
KINDS = {
    # document 000, Ministry of Culture
    "lab:labo-culture": {"kind:ministry-lab"},
    "lab:104factory": {"kind:incubator"},
    "lab:acco-lab": {"kind:innovation-lab"},
    "lab:atelier-numerique": {"kind:incubator"},
    "lab:le-damier": {"kind:incubator"},
    "lab:ecopia": {"kind:incubator"},
    "lab:incubateur-studios-virecourt": {"kind:incubator"},
    "lab:incubateur-patrimoine-cmn": {"kind:incubator"},
    "lab:fluxus": {"kind:incubator"},
    "lab:la-fruitiere": {"kind:incubator"},
    "lab:louvre-lens-vallee": {"kind:incubator"},
    "net:labo-des-labs": {"kind:community-of-labs"},
    "net:tmnlab": {"kind:network"},
    "orga:labgraph-project": {"kind:collective"},  # the publisher of accepted contributions
    "orga:ministere-culture": {"kind:ministry"},
    "orga:centre-des-monuments-nationaux": {"kind:public-establishment"},
    "orga:ensci-les-ateliers": {"kind:higher-education-school"},
    "orga:drac-auvergne-rhone-alpes": {"kind:decentralised-service"},
    "orga:ensa-grenoble": {"kind:higher-education-school"},
    "orga:bnf": {"kind:public-establishment"},
    "orga:service-du-numerique-culture": {"kind:central-administration-service"},
    "orga:drac-grand-est": {"kind:decentralised-service"},
    "orga:ensa-normandie": {"kind:higher-education-school"},
    # document 001, LUCAS OpenLabs
    "lab:openlab-haute-loire": {"kind:openlab"},
    "lab:openlab-haut-rhin": {"kind:openlab"},
    "lab:openlab-val-d-oise": {"kind:openlab"},
    "lab:openlab-nievre": {"kind:openlab"},
    "net:favd": {"kind:network", "kind:association"},
    "net:copil-openlabs": {"kind:steering-committee"},
    "orga:lucas": {"kind:research-programme"},
    "orga:adf": {"kind:association-of-local-authorities"},
    "orga:adcf": {"kind:association-of-local-authorities"},
    # document 002, La 27e Région (and its publisher, described in sources.ttl)
    "lab:lab23": {"kind:territorial-lab"},
    "orga:ditp": {"kind:interministerial-directorate"},
    "orga:bureau-02": {"kind:design-agency"},
    "orga:departement-creuse": {"kind:local-authority"},
    "orga:universite-bordeaux": {"kind:university"},
    "orga:laboratoire-passages": {"kind:research-lab"},
    "orga:la-27e-region": {"kind:design-agency"},
    # document 003, academy labs day
    "lab:110-bis": {"kind:ministry-lab"},
    "lab:110-bis-limoges": {"kind:academy-lab"},
    "lab:110-bis-bretagne": {"kind:academy-lab"},
    "lab:bercylab": {"kind:ministry-lab"},
    "lab:fabrique-numerique": {"kind:digital-service-incubator"},
    "net:communaute-labs-academie": {"kind:community-of-labs"},
    "net:ambassadeurs-bercylab": {"kind:network"},
    "orga:ministere-education-nationale": {"kind:ministry"},
    "orga:ministere-enseignement-superieur-recherche": {"kind:ministry"},
    "orga:secretariat-general-men-mesri": {"kind:central-administration-service"},
    "orga:ministere-economie-finances-relance": {"kind:ministry"},
    "orga:ministere-solidarites-sante": {"kind:ministry"},
    # document 004, Innovation Places Network
    "net:innovation-places-network": {"kind:collective"},
    "orga:schoolab": {"kind:company"},
    "orga:bnp-paribas": {"kind:company"},
}
