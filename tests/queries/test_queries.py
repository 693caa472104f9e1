"""The researcher query catalogue (queries/*.rq), checked query by query against the built graph.

Every expected answer below is written from the five source documents (/work/shared/seeds) and the
curated data files (data/documents/*.ttl, data/links.ttl, data/sources.ttl, ontology/), not copied
from the queries' output. Resources are written with the data files' prefixes (``lab:acco-lab``)
and expanded by :func:`c`. Data-quality queries are also run on tiny in-memory stores holding one
bad resource, to prove that they can fail.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from labgraph import catalogue
from labgraph.build import BuildResult
from labgraph.store.worker import LoadSpec, open_store

Rows = list[dict[str, str]]
Run = Callable[..., Rows]

BASE = "https://w3id.org/labgraph/"
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


# ------------------------------------------------------------------------------------------ the catalogue


def _calls() -> list[tuple[str, set[str]]]:
    """Every ``run("name", param=...)`` and ``run_on(queries, "name", trig, param=...)`` in this module
    and the other catalogue test modules beside it."""
    calls = []
    modules = sorted(Path(__file__).parent.glob("test_*.py"))
    for node in (n for module in modules for n in ast.walk(ast.parse(module.read_text("utf-8")))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("run", "run_on"):
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if names:
                calls.append((names[0], {k.arg for k in node.keywords if k.arg}))
    return calls


def test_every_query_has_a_test(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    tested = {name for name, _ in _calls()}
    assert set(queries) - tested == set(), "queries without a test"
    assert tested - set(queries) == set(), "tests of queries that do not exist"
    assert len(queries) >= 26


def test_every_parameter_is_tested_with_a_value(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    given = {(name, param) for name, params in _calls() for param in params}
    declared = {(name, p.name) for name, query in queries.items() for p in query.params}
    assert declared - given == set(), "parameters never given a value in a test"


def test_every_query_parses_and_runs_in_pyoxigraph(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    empty = ox.Store()
    for name, query in queries.items():
        for text in (query.render(), query.render(limit=10, offset=20)):
            try:
                empty.query(text, use_default_graph_as_union=True)
            except SyntaxError as exc:  # pragma: no cover - the message names the broken query
                pytest.fail(f"{name} does not parse: {exc}")


def test_every_query_is_ordered_and_leaves_paging_to_the_api(queries: dict[str, catalogue.CatalogueQuery]) -> None:
    for name, query in queries.items():
        assert "ORDER BY" in query.text, name
        assert not re.search(r"\b(LIMIT|OFFSET)\s+\d+\s*$", query.text), name
        assert query.render(limit=5).rstrip().endswith("LIMIT 5"), name
        assert {"fr", "en"} <= set(query.title) and {"fr", "en"} <= set(query.row), name
        for param in query.params:
            assert {"fr", "en"} <= set(param.description), (name, param.name)


@pytest.fixture(scope="module")
def store(built: BuildResult) -> ox.Store:
    """The store the endpoint queries: the named graphs, and their RDF merge as the default graph."""
    return open_store(LoadSpec(built.release))


def _select(st: ox.Store, text: str) -> Rows:
    results = st.query(text)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def test_pages_put_together_give_the_whole_answer(
    store: ox.Store, queries: dict[str, catalogue.CatalogueQuery]
) -> None:
    """ORDER BY gives a total order, so the API's pages never overlap nor skip a row."""
    for name, query in queries.items():
        whole = _select(store, query.render())
        pages: Rows = []
        for offset in range(0, len(whole) + 7, 7):
            pages += _select(store, query.render(limit=7, offset=offset))
        assert pages == whole, name


def test_answers_have_no_duplicate_rows(
    store: ox.Store, built: BuildResult, queries: dict[str, catalogue.CatalogueQuery]
) -> None:
    """A fact stated by two documents is in two named graphs: even where the default graph is their
    union as a multiset (Oxigraph's union mode), no row comes out twice, and the answer is the same."""
    union = ox.Store()
    union.load(path=str(built.release / "labgraph.nq"), format=ox.RdfFormat.N_QUADS)
    for name, query in queries.items():
        rows = _select(store, query.render())
        assert len({tuple(sorted(r.items())) for r in rows}) == len(rows), name
        multiset = union.query(query.render(), use_default_graph_as_union=True)
        names = [v.value for v in multiset.variables]
        assert [{n: r[n].value for n in names if r[n] is not None} for r in multiset] == rows, name


def run_on(queries: dict[str, catalogue.CatalogueQuery], name: str, trig: str, **params: str) -> Rows:
    """Run a catalogue query, as rendered for the endpoint, on a tiny store written in TriG (named
    graphs, and their merge as the default graph, as in a release)."""
    st = ox.Store()
    st.load(input=PREFIXES + trig, format=ox.RdfFormat.TRIG)
    st.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in st])
    return _select(st, queries[name].render(params))


PREFIXES = """
@prefix lg: <https://w3id.org/labgraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix ex: <http://example.org/> .
"""


# ------------------------------------------------------------------------------------------ structures

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
HOSTS = {
    "lab:labo-culture": "Ministère de la Culture",
    "lab:acco-lab": "Bibliothèque nationale de France",
    "lab:atelier-numerique": "Service du numérique du ministère de la Culture",
    "lab:incubateur-patrimoine-cmn": "Centre des monuments nationaux",
    "lab:fluxus": "DRAC Grand Est",
    "lab:la-fruitiere": "École nationale supérieure d'architecture de Normandie",
    "lab:lab23": "Département de la Creuse",
    "lab:110-bis": "Ministère de l'Éducation nationale, de la Jeunesse et des Sports",
    "lab:bercylab": "Ministère de l'Économie, des Finances et de la Relance",
    "lab:fabrique-numerique": "Ministère des Solidarités et de la Santé",
}


def test_labs_by_kind(run: Run) -> None:
    rows = run("labs-by-kind")
    expected = {(c(s), c(k), HOSTS.get(s)) for s, kinds in KINDS.items() for k in kinds}
    assert len(rows) == len(expected) == 54
    assert set(cols(rows, "structure", "kind", "hostLabel")) == expected
    assert_sorted(rows, "kindLabel", "label")
    # document 000 lists nine incubators among the Labo des Labs members
    incubators = run("labs-by-kind", kind=c("kind:incubator"))
    assert set(col(incubators, "structure")) == cs(
        words(
            "lab:104factory lab:atelier-numerique lab:le-damier lab:ecopia lab:incubateur-studios-virecourt "
            "lab:incubateur-patrimoine-cmn lab:fluxus lab:la-fruitiere lab:louvre-lens-vallee"
        )
    )
    assert len(incubators) == 9


def test_structures_by_territory(run: Run) -> None:
    rows = run("structures-by-territory")
    assert set(cols(rows, "structure", "area", "region")) == {
        (c("orga:drac-auvergne-rhone-alpes"), c("terr:auvergne-rhone-alpes"), c("terr:auvergne-rhone-alpes")),
        (c("lab:le-damier"), c("terr:auvergne"), c("terr:auvergne-rhone-alpes")),
        (c("lab:openlab-haute-loire"), c("terr:haute-loire"), c("terr:auvergne-rhone-alpes")),
        (c("orga:drac-grand-est"), c("terr:grand-est"), c("terr:grand-est")),
        (c("lab:fluxus"), c("terr:grand-est"), c("terr:grand-est")),
        (c("lab:openlab-haut-rhin"), c("terr:haut-rhin"), c("terr:grand-est")),
        (c("lab:la-fruitiere"), c("terr:normandie"), c("terr:normandie")),
        (c("lab:openlab-val-d-oise"), c("terr:val-d-oise"), c("terr:ile-de-france")),
        (c("lab:openlab-nievre"), c("terr:nievre"), c("terr:bourgogne-franche-comte")),
        (c("orga:departement-creuse"), c("terr:creuse"), c("terr:nouvelle-aquitaine")),
        (c("lab:lab23"), c("terr:creuse"), c("terr:nouvelle-aquitaine")),
        (c("lab:110-bis-limoges"), c("terr:limoges"), c("terr:nouvelle-aquitaine")),
        (c("lab:110-bis-bretagne"), c("terr:bretagne"), c("terr:bretagne")),
        (c("lab:ecopia"), c("terr:grand-ouest"), None),
        (c("net:communaute-labs-academie"), c("terr:france"), None),
    }
    assert len(rows) == 15
    assert_sorted(rows, "regionLabel", "areaLabel", "label")
    # a region finds the structures of its départements: Haut-Rhin is in Grand Est
    grand_est = run("structures-by-territory", territory=c("terr:grand-est"))
    assert set(col(grand_est, "structure")) == cs(["orga:drac-grand-est", "lab:fluxus", "lab:openlab-haut-rhin"])
    # ... and of its communes, two levels down: Limoges is in Haute-Vienne, in Nouvelle-Aquitaine
    aquitaine = run("structures-by-territory", territory=c("terr:nouvelle-aquitaine"))
    assert set(col(aquitaine, "structure")) == cs(["orga:departement-creuse", "lab:lab23", "lab:110-bis-limoges"])
    assert col(run("structures-by-territory", territory=c("terr:haute-vienne")), "structure") == [
        c("lab:110-bis-limoges")
    ]
    assert run("structures-by-territory", territory=c("terr:calvados")) == []


# ------------------------------------------------------------------------------------------ networks

# Document 000: "Les membres du Labo des Labs", twelve structures, the last one being the Labo itself,
# which "est à l'origine du Labo des Labs et participe activement à son animation".
LABO_DES_LABS_MEMBERS = words(
    "lab:104factory lab:acco-lab lab:atelier-numerique net:tmnlab lab:le-damier lab:ecopia "
    "lab:incubateur-studios-virecourt lab:incubateur-patrimoine-cmn lab:fluxus lab:la-fruitiere "
    "lab:louvre-lens-vallee lab:labo-culture"
)


def test_network_members_of_the_labo_des_labs(run: Run) -> None:
    rows = run("network-members")
    expected = {(c(m), c("role:member")) for m in LABO_DES_LABS_MEMBERS}
    expected |= {(c("lab:labo-culture"), c("role:founder")), (c("lab:labo-culture"), c("role:animator"))}
    assert set(cols(rows, "member", "role")) == expected
    assert len(rows) == 14
    assert set(col(rows, "network")) == {c("net:labo-des-labs")}
    assert len(set(col(rows, "member"))) == 12
    assert_sorted(rows, "memberLabel", "roleLabel")


def test_network_members_of_other_networks(run: Run) -> None:
    # document 001: the steering committee "constitué de la FAVD, du ministère de la Culture, de l'ADF et
    # de l'ADCF"
    copil = run("network-members", network=c("net:copil-openlabs"))
    assert set(cols(copil, "member", "role")) == {
        (c(m), c("role:steering-committee-member"))
        for m in ("net:favd", "orga:ministere-culture", "orga:adf", "orga:adcf")
    }
    # an empty parameter gives every network's members
    every = run("network-members", network="")
    assert Counter(col(every, "network")) == {
        c("net:labo-des-labs"): 14,
        c("net:copil-openlabs"): 4,
        c("net:communaute-labs-academie"): 2,  # 110 bis Limoges and 110 bis Bretagne (document 003)
        c("net:innovation-places-network"): 1,  # Jean Louis Soubret (document 004)
    }
    assert set(cols(every, "network", "member")) >= {
        (c("net:communaute-labs-academie"), c("lab:110-bis-limoges")),
        (c("net:communaute-labs-academie"), c("lab:110-bis-bretagne")),
        (c("net:innovation-places-network"), c("pers:jean-louis-soubret")),
    }
    assert_sorted(every, "networkLabel", "memberLabel", "roleLabel")


def test_counts_by_network(run: Run) -> None:
    rows = run("counts-by-network")
    # listed members against the number the source announces: eleven announced for twelve listed
    # (document 000), "plus d'une quinzaine" for two named (003), "plus de 200" and "plus de 1 000"
    # for none listed (001, 000)
    assert cols(rows, "network", "listedMembers", "statedValue", "statedMin", "statedMax") == [
        (c("net:labo-des-labs"), "12", "11", None, None),
        (c("net:copil-openlabs"), "4", "4", None, None),
        (c("net:communaute-labs-academie"), "2", None, "15", None),
        (c("net:innovation-places-network"), "1", None, None, None),
        (c("net:favd"), "0", None, "200", None),
        (c("net:tmnlab"), "0", None, "1000", None),
        (c("net:ambassadeurs-bercylab"), "0", None, None, None),
    ]


# ------------------------------------------------------------------------------------------ labs and hosts


def test_labs_hosts_ministries(run: Run) -> None:
    rows = run("labs-hosts-ministries")
    # ordered by ministry (none first), then host, then lab
    assert cols(rows, "lab", "host", "parentMinistry") == [
        (c("lab:acco-lab"), c("orga:bnf"), None),
        (c("lab:incubateur-patrimoine-cmn"), c("orga:centre-des-monuments-nationaux"), None),
        (c("lab:lab23"), c("orga:departement-creuse"), None),
        (c("lab:la-fruitiere"), c("orga:ensa-normandie"), None),
        (
            c("lab:bercylab"),
            c("orga:ministere-economie-finances-relance"),
            c("orga:ministere-economie-finances-relance"),
        ),
        (c("lab:110-bis"), c("orga:ministere-education-nationale"), c("orga:ministere-education-nationale")),
        # a DRAC is a decentralised service of the Ministry of Culture (flagged as implied in the data)
        (c("lab:fluxus"), c("orga:drac-grand-est"), c("orga:ministere-culture")),
        (c("lab:labo-culture"), c("orga:ministere-culture"), c("orga:ministere-culture")),
        # "L'Atelier numérique incubateur du Service du numérique, au sein du ministère de la Culture"
        (c("lab:atelier-numerique"), c("orga:service-du-numerique-culture"), c("orga:ministere-culture")),
        (c("lab:fabrique-numerique"), c("orga:ministere-solidarites-sante"), c("orga:ministere-solidarites-sante")),
    ]
    culture = run("labs-hosts-ministries", ministry=c("orga:ministere-culture"))
    assert set(col(culture, "lab")) == cs(["lab:labo-culture", "lab:atelier-numerique", "lab:fluxus"])
    assert set(col(culture, "parentMinistryLabel")) == {"Ministère de la Culture"}
    assert run("labs-hosts-ministries", ministry=c("orga:ministere-enseignement-superieur-recherche")) == []


def test_stewardship(run: Run) -> None:
    rows = run("stewardship")
    assert set(cols(rows, "agent", "relation", "target")) == {
        # document 000: the Labo "fédère" and "est à l'origine du Labo des Labs"
        (c("lab:labo-culture"), c("lg:animatedBy"), c("net:labo-des-labs")),
        (c("lab:labo-culture"), c("schema:founder"), c("net:labo-des-labs")),
        # document 003: the 110 bis organises the community's day; the Bercylab's ambassadors network
        (c("lab:110-bis"), c("lg:animatedBy"), c("net:communaute-labs-academie")),
        (c("lab:110-bis"), c("schema:organizer"), c("ev:journee-labs-academie-2021")),
        (c("lab:bercylab"), c("lg:animatedBy"), c("net:ambassadeurs-bercylab")),
        # document 004
        (c("orga:schoolab"), c("lg:animatedBy"), c("net:innovation-places-network")),
        (c("net:innovation-places-network"), c("schema:organizer"), c("ev:innovation-places-cycle")),
        # document 001: the call "établi et diffusé en partenariat avec l'ADF et l'ADCF"
        (c("orga:adf"), c("role:partner"), c("call:ami-openlabs-2019")),
        (c("orga:adcf"), c("role:partner"), c("call:ami-openlabs-2019")),
        (c("orga:lucas"), c("schema:organizer"), c("ev:openlabs-visio-territoires-2020")),
        # document 002: the DITP's monthly workshops, the Creuse mission
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-ateliers-collectifs")),
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-atelier-mon-offre-et-mon-animation")),
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-atelier-seance-de-creativite")),
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-atelier-developper-son-reseau")),
        (
            c("orga:laboratoire-passages"),
            c("role:associated-research-lab"),
            c("prog:mission-prefiguration-labo-creuse"),
        ),
        (c("orga:departement-creuse"), c("role:beneficiary"), c("prog:mission-prefiguration-labo-creuse")),
    }
    assert len(rows) == 16
    assert_sorted(rows, "agentLabel", "relationLabel", "targetLabel")
    labels = {r["relation"]: r.get("relationLabel") for r in rows}
    assert labels[c("lg:animatedBy")] == "animé par"
    assert labels[c("role:partner")] == "partenaire"
    labo = run("stewardship", agent=c("lab:labo-culture"))
    assert cols(labo, "relationLabel", "target") == [
        ("animé par", c("net:labo-des-labs")),
        ("initiateur", c("net:labo-des-labs")),
    ]


# ------------------------------------------------------------------------------------------ events

TIMELINE = [
    # document 001: steering committee of 5 September 2019, training day of 6 February 2020 (9h-17h),
    # residencies of April and co-design workshops of June 2020; the video meetings and the possible
    # in-person workshops are only dated by their year
    ("ev:copil-openlabs-2019-09-05", "2019-09-05"),
    ("ev:openlabs-ateliers-presentiel-apres-ete-2020", "2020"),
    ("ev:openlabs-visio-territoires-2020", "2020"),
    ("ev:openlabs-formation-2020-02-06", "2020-02-06T09:00:00+01:00"),
    ("ev:openlabs-residence-nievre-2020-04", "2020-04-07"),
    ("ev:openlabs-residence-haute-loire-2020-04", "2020-04-16"),
    ("ev:openlabs-residence-val-d-oise-2020-04", "2020-04-23"),
    ("ev:openlabs-residence-haut-rhin-2020-04", "2020-04-28"),
    ("ev:openlabs-co-design-haut-rhin-2020-06", "2020-06-04"),
    ("ev:openlabs-co-design-nievre-2020-06", "2020-06-09"),
    ("ev:openlabs-co-design-haute-loire-2020-06", "2020-06-11"),
    ("ev:openlabs-co-design-val-d-oise-2020-06", "2020-06-16"),
    # document 003: the day of 23 November 2021, during the Public Innovation Month
    ("ev:mois-innovation-publique-2021", "2021-11"),
    ("ev:journee-labs-academie-2021", "2021-11-23"),
]
CANCELLED = words(
    "ev:openlabs-residence-nievre-2020-04 ev:openlabs-residence-haute-loire-2020-04 "
    "ev:openlabs-residence-val-d-oise-2020-04 ev:openlabs-residence-haut-rhin-2020-04 "
    "ev:openlabs-co-design-haut-rhin-2020-06 ev:openlabs-co-design-nievre-2020-06 "
    "ev:openlabs-co-design-haute-loire-2020-06 ev:openlabs-co-design-val-d-oise-2020-06"
)


def test_events_timeline(run: Run) -> None:
    rows = run("events-timeline")
    assert cols(rows, "event", "start") == [(c(e), d) for e, d in TIMELINE]
    # the source says these sessions were replaced, not cancelled (issue #19)
    assert {r["event"] for r in rows if r.get("status") == c("status:replaced")} == cs(CANCELLED)
    formation = next(r for r in rows if r["event"] == c("ev:openlabs-formation-2020-02-06"))
    assert formation["end"] == "2020-02-06T17:00:00+01:00"
    # the OpenLabs programme has all of them but the two events of document 003
    openlabs = run("events-timeline", programme=c("prog:openlabs"))
    assert cols(openlabs, "event", "start") == [(c(e), d) for e, d in TIMELINE[:-2]]
    assert run("events-timeline", programme=c("prog:mission-prefiguration-labo-creuse")) == []


def test_events_in_range(run: Run) -> None:
    # default range: the year 2020, counting what took place or is planned (issue #19): the video
    # meetings and the training day; the eight sessions replaced because of Covid-19 and the in-person
    # workshops the page only considers are left out
    rows = run("events-in-range")
    assert cols(rows, "event", "startDate") == [
        (c("ev:openlabs-visio-territoires-2020"), "2020"),
        (c("ev:openlabs-formation-2020-02-06"), "2020-02-06T09:00:00+01:00"),
    ]
    assert cols(run("events-in-range", include="all"), "event", "startDate") == [(c(e), d) for e, d in TIMELINE[1:12]]
    # April 2020: the four residencies, and the two events dated only "2020"
    april = run("events-in-range", start="2020-04-01", end="2020-04-30", include="all")
    assert col(april, "event") == [
        c("ev:openlabs-ateliers-presentiel-apres-ete-2020"),
        c("ev:openlabs-visio-territoires-2020"),
        c("ev:openlabs-residence-nievre-2020-04"),
        c("ev:openlabs-residence-haute-loire-2020-04"),
        c("ev:openlabs-residence-val-d-oise-2020-04"),
        c("ev:openlabs-residence-haut-rhin-2020-04"),
    ]
    assert col(run("events-in-range", start="2020-04-01", end="2020-04-30"), "event") == [
        c("ev:openlabs-visio-territoires-2020")
    ]
    # the bounds are inclusive, a dateTime counts by its day
    assert col(run("events-in-range", start="2020-02-06", end="2020-02-06", include="all"), "event") == [
        c("ev:openlabs-ateliers-presentiel-apres-ete-2020"),
        c("ev:openlabs-visio-territoires-2020"),
        c("ev:openlabs-formation-2020-02-06"),
    ]
    assert col(run("events-in-range", start="2020-04-08", end="2020-04-16", include="all"), "event")[2:] == [
        c("ev:openlabs-residence-haute-loire-2020-04")
    ]
    # after the 23rd, November 2021 still overlaps the month but not the day
    assert col(run("events-in-range", start="2021-11-24", end="2021-11-30"), "event") == [
        c("ev:mois-innovation-publique-2021")
    ]
    assert col(run("events-in-range", start="2019-01-01", end="2019-12-31"), "event") == [
        c("ev:copil-openlabs-2019-09-05")
    ]
    # an empty bound leaves the range open on that side
    assert col(run("events-in-range", start="2021-01-01", end=""), "event") == [
        c("ev:mois-innovation-publique-2021"),
        c("ev:journee-labs-academie-2021"),
    ]
    assert len(run("events-in-range", start="", end="", include="all")) == len(TIMELINE)
    assert len(run("events-in-range", start="", end="")) == len(TIMELINE) - len(CANCELLED) - 1
    assert run("events-in-range", start="2022-01-01", end="2022-12-31") == []
    with pytest.raises(catalogue.ParameterError):
        run("events-in-range", start="2020-13-01")
    with pytest.raises(catalogue.ParameterError):
        run("events-in-range", include="cancelled")


def test_event_agenda(run: Run) -> None:
    # document 003: the day's sequences, morning then afternoon, with their speakers
    rows = run("event-agenda")
    assert cols(rows, "position", "item", "speaker") == [
        ("1", c("ev:journee-labs-academie-2021-accueil"), c("pers:celine-kerenflech")),
        ("2", c("ev:journee-labs-academie-2021-cartographie"), None),
        ("3", c("ev:journee-labs-academie-2021-inspirateurs"), c("pers:arnaud-derathe")),
        ("3", c("ev:journee-labs-academie-2021-inspirateurs"), c("pers:victoria-martinez")),
        ("4", c("ev:journee-labs-academie-2021-flash-codev"), None),
        ("5", c("ev:journee-labs-academie-2021-ressourcerie"), None),
        ("6", c("ev:journee-labs-academie-2021-retours-experience"), c("pers:nicolas-kermabon")),
        ("6", c("ev:journee-labs-academie-2021-retours-experience"), c("pers:severine-delage")),
        ("6", c("ev:journee-labs-academie-2021-retours-experience"), c("pers:elisabeth-artaud")),
        ("7", c("ev:journee-labs-academie-2021-ideation"), None),
        ("8", c("ev:journee-labs-academie-2021-convivialite"), None),
    ]
    # document 004: "Un cycle de 6 sessions thématiques"
    cycle = run("event-agenda", event=c("ev:innovation-places-cycle"))
    assert cols(cycle, "position", "item") == [(str(n), c(f"ev:innovation-places-thematique-{n}")) for n in range(1, 7)]
    # document 002: three named monthly workshops, with no rank
    pia = run("event-agenda", event=c("ev:pia-ateliers-collectifs"))
    assert cols(pia, "position", "item") == [
        (None, c("ev:pia-atelier-developper-son-reseau")),
        (None, c("ev:pia-atelier-mon-offre-et-mon-animation")),
        (None, c("ev:pia-atelier-seance-de-creativite")),
    ]
    # an empty parameter gives every event's agenda
    every = run("event-agenda", event="")
    assert Counter(col(every, "event")) == {
        c("ev:journee-labs-academie-2021"): 11,
        c("ev:innovation-places-cycle"): 6,
        c("ev:pia-ateliers-collectifs"): 3,
        c("ev:mois-innovation-publique-2021"): 1,
    }


def test_event_challenges_proposals(run: Run) -> None:
    rows = run("event-challenges-proposals")
    challenge, proposal = c("lg:Challenge"), c("lg:Proposal")
    assert cols(rows, "type", "position", "raisedAt", "item") == [
        # welcome address: carrying a lab project "notamment sur le plan des ressources"
        (challenge, "1", c("ev:journee-labs-academie-2021-accueil"), c("chal:labs-academie-portage-ressources")),
        # "2 difficultés pour les porteurs de labs"
        (
            challenge,
            "3",
            c("ev:journee-labs-academie-2021-inspirateurs"),
            c("chal:labs-academie-competences-incubation-numerique"),
        ),
        (
            challenge,
            "3",
            c("ev:journee-labs-academie-2021-inspirateurs"),
            c("chal:labs-academie-manque-ressources-dediees"),
        ),
        # the three groups of the flash co-dev
        (challenge, "4", c("ev:journee-labs-academie-2021-flash-codev"), c("chal:labs-academie-equipe-coeur")),
        (
            challenge,
            "4",
            c("ev:journee-labs-academie-2021-flash-codev"),
            c("chal:labs-academie-adhesion-personnes-eloignees"),
        ),
        (challenge, "4", c("ev:journee-labs-academie-2021-flash-codev"), c("chal:labs-academie-besoins-financements")),
        (
            challenge,
            "5",
            c("ev:journee-labs-academie-2021-ressourcerie"),
            c("chal:labs-academie-implication-acteurs-repartis"),
        ),
        # the two labs' experience
        (
            challenge,
            "6",
            c("ev:journee-labs-academie-2021-retours-experience"),
            c("chal:110-bis-limoges-appropriation-lab"),
        ),
        (challenge, "6", c("ev:journee-labs-academie-2021-retours-experience"), c("chal:110-bis-bretagne-notoriete")),
        (
            challenge,
            "6",
            c("ev:journee-labs-academie-2021-retours-experience"),
            c("chal:110-bis-bretagne-manque-ressources"),
        ),
        # the eleven remarks and proposals on the common resources, by label
        *[
            (proposal, "5", c("ev:journee-labs-academie-2021-ressourcerie"), c(f"prop:journee-labs-academie-2021-{p}"))
            for p in (
                "echange-pairs-mutualisation",
                "financements-echelle-territoriale",
                "enrichir-infolettre",
                "wiki-facilitation",
                "visios-courtes",
                "outils-numeriques-animation",
                "rh-fiches-poste",
                "montee-competences",
                "maillage-residences",
                "plateforme-partage",
                "retex-animation-communaute",
            )
        ],
    ]
    assert set(col(rows, "typeLabel")) == {"difficulté", "proposition"}
    # one agenda item only
    flash = run("event-challenges-proposals", event=c("ev:journee-labs-academie-2021-flash-codev"))
    assert set(col(flash, "item")) == cs(
        [
            "chal:labs-academie-equipe-coeur",
            "chal:labs-academie-besoins-financements",
            "chal:labs-academie-adhesion-personnes-eloignees",
        ]
    )
    assert run("event-challenges-proposals", event=c("ev:innovation-places-cycle")) == []
    with pytest.raises(catalogue.ParameterError):
        run("event-challenges-proposals", event="")


# ------------------------------------------------------------------------------------------ people


def test_people(run: Run) -> None:
    rows = run("people")
    assert set(cols(rows, "person", "jobTitle", "organisation")) == {
        # document 002
        (c("pers:jeanne-deperrois"), "Cheffe de projets innovation publique", c("orga:ditp")),
        (c("pers:camille-rouge"), "Cheffe de projets innovation publique", c("orga:ditp")),
        (c("pers:nicolas-taillandier"), "consultant", c("orga:bureau-02")),
        # document 003
        (
            c("pers:celine-kerenflech"),
            "Secrétaire générale adjointe des ministères de l'Éducation nationale, de la Jeunesse et des Sports et de "
            "l'Enseignement supérieur, de la Recherche et de l'Innovation",
            c("orga:secretariat-general-men-mesri"),
        ),
        (c("pers:arnaud-derathe"), "Responsable du Bercylab", c("lab:bercylab")),
        (c("pers:victoria-martinez"), None, c("lab:fabrique-numerique")),
        (c("pers:severine-delage"), None, c("lab:110-bis-limoges")),
        (c("pers:elisabeth-artaud"), None, c("lab:110-bis-limoges")),
        (c("pers:nicolas-kermabon"), None, c("lab:110-bis-bretagne")),
        # document 004: "Responsable BNP Paribas", "Membre" of the collective
        (c("pers:jean-louis-soubret"), "Responsable", c("orga:bnp-paribas")),
        (c("pers:jean-louis-soubret"), "Responsable", c("net:innovation-places-network")),
    }
    assert len(rows) == 11
    assert_sorted(rows, "name", "person", "organisationLabel")
    ditp = run("people", organisation=c("orga:ditp"))
    assert col(ditp, "name") == ["Camille Rouge", "Jeanne Deperrois"]


# ------------------------------------------------------------------------------------------ services, methods, themes

SERVICES = {
    # document 000: the Labo's services "à la carte" and the members' offers
    "lab:labo-culture": words(
        "svc:advice svc:experimentation-space svc:training svc:team-support svc:collective-facilitation "
        "svc:participatory-approach-design svc:managerial-transformation-support "
        "svc:co-construction-with-partners svc:participatory-meeting-design svc:awareness-raising "
        "svc:collaboration-tools svc:inspiring-meetings svc:collective-intelligence-training "
        "svc:network-facilitation-support"
    ),
    "lab:104factory": {"svc:project-support", "svc:hosting", "svc:networking"},
    "lab:acco-lab": {"svc:project-support"},
    "lab:atelier-numerique": {"svc:experimentation-space", "svc:incubation"},
    "lab:le-damier": {"svc:project-support", "svc:networking"},
    "lab:ecopia": {"svc:project-support"},
    "lab:incubateur-studios-virecourt": {"svc:hosting", "svc:artistic-technical-support", "svc:incubation"},
    "lab:incubateur-patrimoine-cmn": {"svc:field-testing", "svc:incubation"},
    "lab:fluxus": {"svc:incubation", "svc:project-support"},
    "lab:la-fruitiere": {"svc:incubation"},
    "lab:louvre-lens-vallee": {"svc:coaching"},
    "net:labo-des-labs": {"svc:project-support", "svc:advice", "svc:training", "svc:networking"},
    "net:tmnlab": {"svc:peer-training", "svc:networking"},
    # document 001
    "net:favd": {"svc:peer-training", "svc:inspiring-meetings", "svc:team-support", "svc:collective-facilitation"},
    "prog:openlabs": words(
        "svc:action-training svc:remote-coaching svc:deployment-coaching svc:documentation-evaluation-support"
    ),
    "phase:openlabs-1-formation-action": {"svc:action-training"},
    "phase:openlabs-diagnostic-a-distance": {"svc:remote-coaching"},
    "phase:openlabs-co-conception-prototypage-test": {"svc:co-construction-with-partners"},
    "phase:openlabs-4-accompagnement": {"svc:deployment-coaching", "svc:documentation-evaluation-support"},
    # document 002
    "prog:programme-labo-pia": {"svc:funding", "svc:action-training", "svc:individual-support", "svc:mooc"},
    # document 003
    "lab:110-bis": {"svc:residency", "svc:network-facilitation-support"},
    "lab:fabrique-numerique": {"svc:incubation"},
}


def test_services_offered(run: Run) -> None:
    rows = run("services-offered")
    assert {(p, s) for s, p in cols(rows, "service", "provider")} == pairs(SERVICES)
    assert len(rows) == 58
    assert_sorted(rows, "serviceLabel", "service", "providerLabel")
    incubation = run("services-offered", service=c("svc:incubation"))
    assert col(incubation, "provider") == [
        c("lab:fabrique-numerique"),
        c("lab:fluxus"),
        c("lab:incubateur-studios-virecourt"),
        c("lab:incubateur-patrimoine-cmn"),
        c("lab:atelier-numerique"),
        c("lab:la-fruitiere"),
    ]


METHODS = {
    # document 000
    "lab:labo-culture": words(
        "meth:collective-intelligence meth:continuous-improvement meth:culture-of-failure "
        "meth:agile-experimentation meth:cross-cutting-work meth:participatory-approach meth:co-construction"
    ),
    "lab:acco-lab": {"meth:user-centred-design"},
    "lab:le-damier": {"meth:co-construction"},
    "lab:incubateur-patrimoine-cmn": {"meth:testing"},
    "lab:louvre-lens-vallee": {"meth:workshop", "meth:testing", "meth:cross-cutting-work"},
    "net:labo-des-labs": {"meth:collective-intelligence", "meth:peer-exchange", "meth:learning-community"},
    "net:tmnlab": {"meth:learning-community", "meth:peer-exchange"},
    # document 001
    "lab:openlab-haute-loire": {"meth:open-innovation"},
    "lab:openlab-haut-rhin": {"meth:open-innovation"},
    "lab:openlab-val-d-oise": {"meth:open-innovation", "meth:co-construction"},
    "lab:openlab-nievre": {"meth:open-innovation"},
    "net:favd": {"meth:peer-exchange", "meth:collective-intelligence", "meth:service-design", "meth:facilitation"},
    "prog:openlabs": words(
        "meth:action-research meth:open-innovation meth:action-training-method meth:immersion meth:observation "
        "meth:diagnosis meth:co-design meth:prototyping meth:testing meth:collective-intelligence "
        "meth:service-design"
    ),
    "phase:openlabs-1-formation-action": {"meth:action-training-method"},
    "phase:openlabs-2-immersion-observation": {"meth:immersion", "meth:observation"},
    "phase:openlabs-diagnostic-a-distance": {"meth:diagnosis"},
    "phase:openlabs-3-diagnostic-co-design": {"meth:diagnosis", "meth:co-design"},
    "phase:openlabs-co-conception-prototypage-test": words(
        "meth:co-design meth:prototyping meth:testing meth:co-construction"
    ),
    "ev:openlabs-sessions-travail-co-construction-2020": {"meth:co-construction"},
    # document 002
    "prog:programme-labo-pia": {"meth:action-training-method", "meth:workshop"},
    "prog:mission-prefiguration-labo-creuse": words(
        "meth:immersion meth:interviews meth:workshop meth:action-training-method meth:study-trip meth:prototyping"
    ),
    "phase:creuse-1-periode-integration": {"meth:immersion", "meth:interviews", "meth:workshop"},
    "phase:creuse-2-semestre-erasmus": {"meth:action-training-method", "meth:study-trip", "meth:expert-views"},
    "phase:creuse-3-semaine-workshop": {"meth:workshop", "meth:prototyping"},
    "ev:pia-atelier-seance-de-creativite": {"meth:ideation", "meth:facilitation"},
    "ev:creuse-voyage-etude-paris": {"meth:study-trip"},
    "ev:creuse-voyage-etude-saint-etienne": {"meth:study-trip"},
    # document 003
    "lab:110-bis": {"meth:peer-exchange"},
    "lab:110-bis-limoges": {"meth:facilitation"},
    "net:communaute-labs-academie": {"meth:peer-exchange"},
    "ev:journee-labs-academie-2021": {"meth:peer-exchange", "meth:crowd-sourced-survey"},
    "ev:journee-labs-academie-2021-cartographie": {"meth:mapping"},
    "ev:journee-labs-academie-2021-inspirateurs": {"meth:expert-views"},
    "ev:journee-labs-academie-2021-flash-codev": {"meth:co-development"},
    "ev:journee-labs-academie-2021-retours-experience": {"meth:interviews"},
    "ev:journee-labs-academie-2021-ideation": {"meth:ideation"},
    # document 004: every session has a guided visit, experts' views and a co-dev session
    "net:innovation-places-network": words(
        "meth:peer-exchange meth:guided-visit meth:expert-views meth:co-development"
    ),
    "ev:innovation-places-cycle": words("meth:guided-visit meth:expert-views meth:co-development meth:peer-exchange"),
    **{
        f"ev:innovation-places-thematique-{n}": {"meth:guided-visit", "meth:expert-views", "meth:co-development"}
        for n in range(1, 7)
    },
}


def test_methods_usage(run: Run) -> None:
    rows = run("methods-usage")
    assert {(u, m) for m, u in cols(rows, "method", "user")} == pairs(METHODS)
    assert len(rows) == 105
    assert_sorted(rows, "methodLabel", "method", "userLabel")
    codev = run("methods-usage", method=c("meth:co-development"))
    assert set(col(codev, "user")) == cs(
        ["ev:journee-labs-academie-2021-flash-codev", "net:innovation-places-network", "ev:innovation-places-cycle"]
        + [f"ev:innovation-places-thematique-{n}" for n in range(1, 7)]
    )
    assert len(codev) == 9
    assert run("methods-usage", method=c("meth:learning-by-doing")) == []


THEMES = {
    "lab:labo-culture": {"theme:managerial-innovation", "theme:organisational-transformation", "theme:culture"},
    "lab:104factory": {"theme:cultural-creative-industries", "theme:community-management"},
    "lab:acco-lab": {"theme:libraries"},
    "lab:atelier-numerique": {"theme:digital", "theme:culture"},
    "lab:le-damier": {"theme:cultural-creative-industries", "theme:corporate-social-responsibility"},
    "lab:ecopia": {"theme:culture"},
    "lab:incubateur-studios-virecourt": {"theme:performing-arts"},
    "lab:incubateur-patrimoine-cmn": {"theme:heritage", "theme:tourism", "theme:culture"},
    "lab:fluxus": {"theme:culture"},
    "lab:la-fruitiere": {"theme:architecture", "theme:entrepreneurship"},
    "lab:louvre-lens-vallee": {"theme:culture", "theme:entrepreneurship"},
    "net:labo-des-labs": words(
        "theme:culture theme:cultural-creative-industries theme:social-environmental-impact theme:lab-networks "
        "theme:entrepreneurship"
    ),
    "net:tmnlab": {"theme:performing-arts"},
    # document 001: the four territories' subjects
    "lab:openlab-haute-loire": words(
        "theme:cultural-rights theme:social-inclusion theme:tourism theme:digital theme:culture theme:heritage "
        "theme:economy theme:spatial-planning"
    ),
    "lab:openlab-haut-rhin": {"theme:culture"},
    "lab:openlab-val-d-oise": {"theme:arts-education"},
    "lab:openlab-nievre": {"theme:arts-teaching", "theme:amateur-practice", "theme:public-reading"},
    "net:favd": {"theme:culture"},
    "prog:openlabs": words("theme:territorial-cooperation theme:culture theme:cultural-rights theme:public-innovation"),
    # document 002
    "lab:lab23": {"theme:public-innovation"},
    "prog:programme-labo-pia": {"theme:public-innovation", "theme:lab-funding"},
    "prog:mission-prefiguration-labo-creuse": {"theme:public-innovation"},
    # document 003
    "lab:110-bis": {"theme:public-innovation"},
    "lab:fabrique-numerique": {"theme:digital-services"},
    "net:communaute-labs-academie": {"theme:public-innovation", "theme:education", "theme:community-management"},
    "net:ambassadeurs-bercylab": {"theme:lab-ambassadors"},
    # document 004
    "net:innovation-places-network": {"theme:innovation-places", "theme:third-places"},
}


def test_themes(run: Run) -> None:
    rows = run("themes")
    assert {(a, t) for t, a in cols(rows, "theme", "actor")} == pairs(THEMES)
    assert len(rows) == 56
    assert_sorted(rows, "themeLabel", "theme", "actorLabel")
    culture = run("themes", theme=c("theme:culture"))
    assert set(col(culture, "actor")) == {c(a) for a, themes in THEMES.items() if "theme:culture" in themes}
    assert len(culture) == 11


def test_openlab_territories_themes(run: Run) -> None:
    # document 001, "Les Territoires OpenLabs": Haute-Loire, Haut-Rhin, Val-d'Oise, Nièvre and their subjects
    rows = run("openlab-territories-themes")
    openlabs = {
        "lab:openlab-haute-loire": ("terr:haute-loire", "43", "Auvergne-Rhône-Alpes"),
        "lab:openlab-haut-rhin": ("terr:haut-rhin", "68", "Grand Est"),
        "lab:openlab-val-d-oise": ("terr:val-d-oise", "95", "Île-de-France"),
        "lab:openlab-nievre": ("terr:nievre", "58", "Bourgogne-Franche-Comté"),
    }
    assert set(cols(rows, "openlab", "territory", "code", "regionLabel", "theme")) == {
        (c(lab), c(territory), code, region, c(theme))
        for lab, (territory, code, region) in openlabs.items()
        for theme in THEMES[lab]
    }
    assert len(rows) == 13
    assert_sorted(rows, "territoryLabel", "openlab", "themeLabel")
    assert list(dict.fromkeys(col(rows, "territoryLabel"))) == ["Haut-Rhin", "Haute-Loire", "Nièvre", "Val-d'Oise"]
    culture = run("openlab-territories-themes", theme=c("theme:culture"))
    assert col(culture, "openlab") == [c("lab:openlab-haut-rhin"), c("lab:openlab-haute-loire")]


def test_structure_objectives(run: Run) -> None:
    # document 000: "Trois objectifs au cœur du projet", plus the members' general aim
    rows = run("structure-objectives")
    assert set(col(rows, "objective")) == cs(
        words(
            "obj:labo-des-labs-accompagner-porteurs-projet obj:labo-des-labs-cooperation-montee-competences "
            "obj:labo-des-labs-experimenter-prise-risque obj:labo-des-labs-rayonnement-ecosysteme"
        )
    )
    assert len(rows) == 4
    assert set(col(rows, "structure")) == {c("net:labo-des-labs")}
    assert_sorted(rows, "objectiveLabel")
    # document 001: the five "Objectifs des OpenLabs"
    openlabs = run("structure-objectives", structure=c("prog:openlabs"))
    assert set(col(openlabs, "objective")) == cs(
        words(
            "obj:openlabs-pistes-operationnelles-essaimables obj:openlabs-inspirer-elus-acteurs "
            "obj:openlabs-essaimer-methodes-cooperation obj:openlabs-decloisonner-acteurs "
            "obj:openlabs-droits-culturels-usagers"
        )
    )
    assert len(openlabs) == 5
    nievre = run("structure-objectives", structure=c("lab:openlab-nievre"))
    assert col(nievre, "objectiveLabel") == [
        "Co-créer et tester des actions de coopération publique territoriale",
        "Repérer les grands enjeux culturels du territoire",
    ]
    assert run("structure-objectives", structure=c("net:tmnlab")) == []


# ------------------------------------------------------------------------------------------ programmes


def test_programmes_overview(run: Run) -> None:
    rows = run("programmes-overview")
    names = (
        "programme",
        "start",
        "end",
        "parentLabel",
        "fundingValue",
        "fundingMax",
        "currency",
        "duration",
        "durationUnit",
        "laureateCount",
        "laureatesListed",
        "applicationCount",
        "phases",
        "events",
        "calls",
        "eventsStated",
    )
    assert cols(rows, *names) == [
        # document 002: June to December 2018, three stages, two study trips
        (
            c("prog:mission-prefiguration-labo-creuse"),
            "2018-06",
            "2018-12",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "0",
            None,
            "3",
            "2",
            "0",
            "2",
        ),
        # document 001: 9 co-candidatures, 4 territories retained, four phases (plus the two Covid-19
        # adaptations), 13 events of which 4 took place or are planned (issue #19: the 8 sessions replaced
        # because of Covid-19 and the in-person workshops only considered are not counted), report due end of 2020
        (c("prog:openlabs"), None, "2020", None, None, None, None, None, None, "4", "4", "9", "6", "4", "1", "13"),
        (c("prog:pia"), None, None, None, None, None, None, None, None, None, "0", None, "0", "0", "0", "0"),
        # document 002: 12 laureates in 2017-2018, "jusqu'à hauteur de 250 000 €", 18 months of support
        (
            c("prog:programme-labo-pia"),
            "2017",
            "2018",
            "Programme d'investissements d'avenir",
            None,
            "250000",
            "EUR",
            "18",
            "MON",
            "12",
            "0",
            None,
            "0",
            "4",
            "1",
            "4",
        ),
    ]
    one = run("programmes-overview", programme=c("prog:programme-labo-pia"))
    assert cols(one, "programme", "fundingMax", "laureateCount") == [(c("prog:programme-labo-pia"), "250000", "12")]


def test_programme_phases(run: Run) -> None:
    # document 001: "Un processus en 4 phases", with the two Covid-19 adaptations inside phases 2 and 3
    rows = run("programme-phases")
    assert cols(rows, "position", "phase", "parent", "start", "end") == [
        ("1", c("phase:openlabs-1-formation-action"), None, "2020-02", "2020-06"),
        ("2", c("phase:openlabs-2-immersion-observation"), None, None, None),
        ("2", c("phase:openlabs-diagnostic-a-distance"), c("phase:openlabs-2-immersion-observation"), None, None),
        ("3", c("phase:openlabs-3-diagnostic-co-design"), None, "2020-03", "2020-07"),
        (
            "3",
            c("phase:openlabs-co-conception-prototypage-test"),
            c("phase:openlabs-3-diagnostic-co-design"),
            None,
            None,
        ),
        ("4", c("phase:openlabs-4-accompagnement"), None, "2020-09", None),
    ]
    # document 002: "la mission s'est déroulée en trois temps"
    creuse = run("programme-phases", programme=c("prog:mission-prefiguration-labo-creuse"))
    assert cols(creuse, "position", "label") == [
        ("1", "La période d'intégration"),
        ("2", "Le Semestre Erasmus"),
        ("3", "La semaine de workshop"),
    ]
    every = run("programme-phases", programme="")
    assert col(every, "programme") == [c("prog:mission-prefiguration-labo-creuse")] * 3 + [c("prog:openlabs")] * 6
    assert run("programme-phases", programme=c("prog:programme-labo-pia")) == []


def test_call_applicants(run: Run) -> None:
    # document 001: nine co-applications "Calvados, Finistère, Haut-Rhin, Haute-Loire, Loire Atlantique, Maine
    # et Loire, Meuse, Nièvre, Val d'Oise"; the committee "a retenu ainsi : la Haute-Loire, le Val d'Oise, le
    # Haut-Rhin, la Nièvre"
    rows = run("call-applicants")
    assert cols(rows, "applicant", "laureate") == [
        (c("terr:haut-rhin"), "true"),
        (c("terr:haute-loire"), "true"),
        (c("terr:nievre"), "true"),
        (c("terr:val-d-oise"), "true"),
        (c("terr:calvados"), "false"),
        (c("terr:finistere"), "false"),
        (c("terr:loire-atlantique"), "false"),
        (c("terr:maine-et-loire"), "false"),
        (c("terr:meuse"), "false"),
    ]
    assert set(cols(rows, "call", "opens", "closes")) == {(c("call:ami-openlabs-2019"), "2019-06-12", "2019-07-12")}
    # document 002 names no applicant of the PIA call
    assert run("call-applicants", call=c("call:appel-projets-labos-pia")) == []
    assert len(run("call-applicants", call=c("call:ami-openlabs-2019"))) == 9


def test_knowledge_resources(run: Run) -> None:
    rows = run("knowledge-resources")
    assert set(cols(rows, "resource", "kind", "producer", "date", "url")) == {
        # document 000
        (c("res:presentation-labo-des-labs"), c("rkind:presentation"), None, None, None),
        # document 001: the call, the training tools, the method kit, the final report due end of 2020
        (c("res:ami-openlabs-2019"), c("rkind:call-document"), c("prog:openlabs"), None, None),
        (c("res:outils-formation-openlabs"), c("rkind:toolkit"), c("prog:openlabs"), None, None),
        (c("res:outils-formation-openlabs"), c("rkind:event-materials"), c("prog:openlabs"), None, None),
        (c("res:kit-methodologique-openlabs"), c("rkind:toolkit"), c("prog:openlabs"), None, None),
        (c("res:kit-methodologique-openlabs"), c("rkind:guide"), c("prog:openlabs"), None, None),
        (c("res:rapport-final-openlabs"), c("rkind:report"), c("prog:openlabs"), "2020", None),
        # document 002: "Un MOOC a été lancé en janvier 2018", the two-year action plan
        (c("res:mooc-labos-pia"), c("rkind:mooc"), c("prog:programme-labo-pia"), "2018-01", None),
        (c("res:plan-action-lab23"), c("rkind:action-plan"), c("prog:mission-prefiguration-labo-creuse"), None, None),
        # document 003: the survey, the map, and the "ressources communes"
        (c("res:questionnaire-journee-labs-academie-2021"), c("rkind:survey"), c("lab:110-bis"), None, None),
        (c("res:fiches-identite-labs"), c("rkind:identity-card"), None, None, None),
        (
            c("res:carte-umap-labs-academie"),
            c("rkind:map"),
            None,
            None,
            "http://umap.openstreetmap.fr/fr/map/lab-dacademie_458440",
        ),
        (
            c("res:carto-labs-academie-2021-11"),
            c("rkind:map"),
            None,
            "2021-11",
            "https://education.gouv.fr/sites/default/files/2022-01/110bis-carto-labs-academie-11-21-97702.pdf",
        ),
        (c("res:charte-communaute-labs"), c("rkind:charter"), None, None, None),
        (c("res:cahier-facilitation"), c("rkind:guide"), None, None, None),
        (c("res:infolettre-veille"), c("rkind:newsletter"), None, None, None),
        (c("res:tableau-financements-alternatifs"), c("rkind:table"), None, None, None),
        (c("res:format-residences-110-bis"), c("rkind:support-format"), c("lab:110-bis"), None, None),
        (c("res:affiches-mots-innovation"), c("rkind:poster"), None, None, None),
        (c("res:110-bus"), c("rkind:mobile-unit"), c("lab:110-bis-bretagne"), None, None),
        (c("res:supports-journee-labs-academie-2021"), c("rkind:event-materials"), None, None, None),
        # document 004
        (c("res:schoolab-advices-start-business"), c("rkind:article"), None, None, None),
    }
    assert len(rows) == 22
    assert_sorted(rows, "label", "resource", "kindLabel")
    maps = run("knowledge-resources", kind=c("rkind:map"))
    assert col(maps, "resource") == [c("res:carte-umap-labs-academie"), c("res:carto-labs-academie-2021-11")]
    assert run("knowledge-resources", kind=c("rkind:wiki")) == []


# ------------------------------------------------------------------------------------------ numbers

QUANTITIES = [
    # (subject, property, value, minValue, maxValue, unitCode, currency)
    # document 000: "les onze membres", "trois missions principales", "plus de 1 000 professionnels"
    ("net:labo-des-labs", "memberCount", "11", None, None, None, None),
    ("net:labo-des-labs", "statedQuantity", "3", None, None, None, None),
    ("net:tmnlab", "memberCount", None, "1000", None, None, None),
    # document 001
    ("net:favd", "memberCount", None, "200", None, None, None),
    ("net:copil-openlabs", "memberCount", "4", None, None, None, None),
    ("prog:openlabs", "statedQuantity", "4", None, None, None, None),  # phases
    ("prog:openlabs", "statedQuantity", "4", None, None, None, None),  # terrains
    ("call:ami-openlabs-2019", "applicationCount", "9", None, None, None, None),
    ("call:ami-openlabs-2019", "statedQuantity", "11", None, None, None, None),
    ("call:ami-openlabs-2019", "statedQuantity", "12", None, None, None, None),
    ("call:ami-openlabs-2019", "laureateCount", "4", None, None, None, None),
    ("phase:openlabs-1-formation-action", "duration", "1", None, None, "DAY", None),
    ("phase:openlabs-3-diagnostic-co-design", "duration", "1.5", None, None, "DAY", None),
    *[
        (f"ev:openlabs-residence-{t}-2020-04", "duration", "2", None, None, "DAY", None)
        for t in ("nievre", "haute-loire", "val-d-oise", "haut-rhin")
    ],
    *[
        (f"ev:openlabs-co-design-{t}-2020-06", "duration", "1.5", None, None, "DAY", None)
        for t in ("nievre", "haute-loire", "val-d-oise", "haut-rhin")
    ],
    # document 002: 12 laureates, up to 250 000 €, 18 months, six monthly workshops of one day, three
    # stages, a workshop week, a two-year plan
    ("prog:programme-labo-pia", "laureateCount", "12", None, None, None, None),
    ("prog:programme-labo-pia", "fundingAmount", None, None, "250000", None, "EUR"),
    ("prog:programme-labo-pia", "duration", "18", None, None, "MON", None),
    ("prog:mission-prefiguration-labo-creuse", "statedQuantity", "3", None, None, None, None),
    ("phase:creuse-3-semaine-workshop", "duration", "1", None, None, "WEE", None),
    ("ev:pia-ateliers-collectifs", "frequency", "1", None, None, "MON", None),
    ("ev:pia-ateliers-collectifs", "duration", "6", None, None, "MON", None),
    ("ev:pia-atelier-mon-offre-et-mon-animation", "duration", "1", None, None, "DAY", None),
    ("ev:pia-atelier-seance-de-creativite", "duration", "1", None, None, "DAY", None),
    ("ev:pia-atelier-developper-son-reseau", "duration", "1", None, None, "DAY", None),
    ("res:plan-action-lab23", "duration", "2", None, None, "ANN", None),
    # document 003
    ("net:communaute-labs-academie", "memberCount", None, "15", None, None, None),
    ("ev:journee-labs-academie-2021-inspirateurs", "statedQuantity", "2", None, None, None, None),
    ("ev:journee-labs-academie-2021-inspirateurs", "statedQuantity", "2", None, None, None, None),
    ("ev:journee-labs-academie-2021-flash-codev", "statedQuantity", "3", None, None, None, None),
    ("ev:journee-labs-academie-2021-retours-experience", "statedQuantity", "2", None, None, None, None),
    ("ev:journee-labs-academie-2021-ideation", "statedQuantity", "3", None, None, None, None),
    ("ev:journee-labs-academie-2021-ideation", "statedQuantity", "3", None, None, None, None),
    ("ev:journee-labs-academie-2021-ideation", "duration", "30", None, None, "MIN", None),
    ("obj:communaute-labs-academie-2022-temps-du-lab", "statedQuantity", "2", None, None, None, None),
    ("prop:journee-labs-academie-2021-visios-courtes", "frequency", "1", None, None, "MON", None),
    # document 004: six sessions, every six weeks, 15 to 20 participants, four hours
    ("ev:innovation-places-cycle", "statedQuantity", "6", None, None, None, None),
    ("ev:innovation-places-cycle", "frequency", "6", None, None, "WEE", None),
    ("ev:innovation-places-cycle", "participantCount", None, "15", "20", None, None),
    ("ev:innovation-places-cycle", "duration", "4", None, None, "HUR", None),
]


def test_stated_quantities(run: Run) -> None:
    rows = run("stated-quantities")
    expected = Counter((c(s), c(f"lg:{p}"), *rest) for s, p, *rest in QUANTITIES)
    got = Counter(cols(rows, "subject", "property", "value", "minValue", "maxValue", "unitCode", "currency"))
    assert got == expected
    assert len(rows) == 46
    assert_sorted(rows, "subjectLabel", "subject", "propertyLabel", "property", "what")
    pia = run("stated-quantities", subject=c("prog:programme-labo-pia"))
    assert cols(pia, "propertyLabel", "what") == [
        ("durée", "durée de la formation-action et de l'accompagnement par la DITP"),
        ("montant du financement", "soutien financier maximal par lauréat"),
        ("nombre de lauréats", "laboratoires d'innovation publique lauréats"),
    ]
    assert run("stated-quantities", subject=c("lab:acco-lab")) == []


# ------------------------------------------------------------------------------------------ counts


def test_counts_by_kind(run: Run) -> None:
    rows = run("counts-by-kind")
    # direct counts from KINDS; totals add the narrower kinds of structure-kind.ttl (an OpenLab is a
    # territorial lab, which is an innovation lab; the DITP's kind is narrower than central administration)
    assert cols(rows, "kind", "directCount", "totalCount") == [
        (c("kind:innovation-lab"), "1", "11"),
        (c("kind:incubator"), "9", "10"),
        (c("kind:network"), "3", "7"),
        (c("kind:territorial-lab"), "1", "5"),
        (c("kind:ministry"), "5", "5"),
        (c("kind:openlab"), "4", "4"),
        (c("kind:ministry-lab"), "3", "3"),
        (c("kind:central-administration-service"), "2", "3"),
        (c("kind:higher-education-school"), "3", "3"),
        (c("kind:association-of-local-authorities"), "2", "2"),
        (c("kind:design-agency"), "2", "2"),
        (c("kind:community-of-labs"), "2", "2"),
        (c("kind:company"), "2", "2"),
        (c("kind:academy-lab"), "2", "2"),
        (c("kind:decentralised-service"), "2", "2"),
        (c("kind:public-establishment"), "2", "2"),
        (c("kind:association"), "1", "1"),
        (c("kind:collective"), "1", "1"),
        (c("kind:local-authority"), "1", "1"),
        (c("kind:steering-committee"), "1", "1"),
        (c("kind:interministerial-directorate"), "1", "1"),
        (c("kind:digital-service-incubator"), "1", "1"),
        (c("kind:research-lab"), "1", "1"),
        (c("kind:research-programme"), "1", "1"),
        (c("kind:university"), "1", "1"),
    ]
    direct = Counter(k for kinds in KINDS.values() for k in kinds)
    assert {r["kind"]: int(r["directCount"]) for r in rows} == {c(k): n for k, n in direct.items()}


def test_counts_by_territory(run: Run) -> None:
    rows = run("counts-by-territory")
    assert cols(rows, "territory", "directCount", "totalCount") == [
        # France holds every region, so every structure placed in a French territory (1 + 3 + 3 + 3 + 4 × 1)
        (c("terr:france"), "1", "14"),
        (c("terr:auvergne-rhone-alpes"), "1", "3"),  # DRAC; Le Damier (Auvergne); OpenLab Haute-Loire
        (c("terr:grand-est"), "2", "3"),  # DRAC, Fluxus; OpenLab Haut-Rhin
        (c("terr:nouvelle-aquitaine"), "0", "3"),  # Creuse (council, lab23), Limoges (110 bis Limoges)
        (c("terr:creuse"), "2", "2"),
        (c("terr:auvergne"), "1", "1"),
        (c("terr:bourgogne-franche-comte"), "0", "1"),
        (c("terr:bretagne"), "1", "1"),
        (c("terr:grand-ouest"), "1", "1"),
        (c("terr:haut-rhin"), "1", "1"),
        (c("terr:haute-loire"), "1", "1"),
        (c("terr:haute-vienne"), "0", "1"),
        (c("terr:limoges"), "1", "1"),
        (c("terr:nievre"), "1", "1"),
        (c("terr:normandie"), "1", "1"),
        (c("terr:val-d-oise"), "1", "1"),
        (c("terr:ile-de-france"), "0", "1"),
    ]


# ------------------------------------------------------------------------------------------ territories

TERRITORIES = {
    # territory: (level, INSEE code, parent, Wikidata item), from data/links.ttl
    "terr:auvergne-rhone-alpes": ("igeo:Region", "84", "terr:france", "Q18338206"),
    "terr:grand-est": ("igeo:Region", "44", "terr:france", "Q18677983"),
    "terr:normandie": ("igeo:Region", "28", "terr:france", "Q18677875"),
    "terr:bretagne": ("igeo:Region", "53", "terr:france", "Q12130"),
    "terr:nouvelle-aquitaine": ("igeo:Region", "75", "terr:france", "Q18678082"),
    "terr:pays-de-la-loire": ("igeo:Region", "52", "terr:france", "Q16994"),
    "terr:bourgogne-franche-comte": ("igeo:Region", "27", "terr:france", "Q18578267"),
    "terr:ile-de-france": ("igeo:Region", "11", "terr:france", "Q13917"),
    "terr:calvados": ("igeo:Departement", "14", "terr:normandie", "Q3249"),
    "terr:finistere": ("igeo:Departement", "29", "terr:bretagne", "Q3389"),
    "terr:haut-rhin": ("igeo:Departement", "68", "terr:grand-est", "Q12722"),
    "terr:haute-loire": ("igeo:Departement", "43", "terr:auvergne-rhone-alpes", "Q12572"),
    "terr:loire-atlantique": ("igeo:Departement", "44", "terr:pays-de-la-loire", "Q3068"),
    "terr:maine-et-loire": ("igeo:Departement", "49", "terr:pays-de-la-loire", "Q12584"),
    "terr:meuse": ("igeo:Departement", "55", "terr:grand-est", "Q12631"),
    "terr:nievre": ("igeo:Departement", "58", "terr:bourgogne-franche-comte", "Q12657"),
    "terr:val-d-oise": ("igeo:Departement", "95", "terr:ile-de-france", "Q12784"),
    "terr:creuse": ("igeo:Departement", "23", "terr:nouvelle-aquitaine", "Q3353"),
    "terr:isere": ("igeo:Departement", "38", "terr:auvergne-rhone-alpes", "Q12559"),
    "terr:loire": ("igeo:Departement", "42", "terr:auvergne-rhone-alpes", "Q12569"),
    "terr:departement-de-paris": ("igeo:Departement", "75", "terr:ile-de-france", "Q90"),
    "terr:haute-vienne": ("igeo:Departement", "87", "terr:nouvelle-aquitaine", "Q12808"),
    "terr:paris": ("igeo:Commune", "75056", "terr:departement-de-paris", "Q90"),
    "terr:grenoble": ("igeo:Commune", "38185", "terr:isere", "Q1289"),
    "terr:saint-etienne": ("igeo:Commune", "42218", "terr:loire", "Q42716"),
    "terr:limoges": ("igeo:Commune", "87085", "terr:haute-vienne", "Q45656"),
    "terr:france": ("schema:Country", None, None, "Q142"),
    # areas served that are not administrative areas
    "terr:auvergne": (None, None, "terr:auvergne-rhone-alpes", None),
    "terr:grand-ouest": (None, None, None, None),
}


def test_territories(run: Run) -> None:
    rows = run("territories")
    assert set(cols(rows, "territory", "type", "code", "parent", "wikidata")) == {
        (c(t), c(level), code, c(parent), wd and c(f"wd:{wd}")) for t, (level, code, parent, wd) in TERRITORIES.items()
    }
    assert len(rows) == len(TERRITORIES) == 29
    assert_sorted(rows, "label", "territory")
    insee = {r["territory"]: r.get("insee") for r in rows}
    assert insee[c("terr:creuse")] == "http://id.insee.fr/geo/departement/23"
    assert insee[c("terr:auvergne")] == "http://id.insee.fr/geo/region/83"  # the former region
    communes = run("territories", level=c("igeo:Commune"))
    assert col(communes, "label") == ["Grenoble", "Limoges", "Paris", "Saint-Étienne"]
    regions = run("territories", level=c("igeo:Region"))
    assert len(regions) == 8
    with pytest.raises(catalogue.ParameterError):
        run("territories", level=c("schema:Place"))


# ------------------------------------------------------------------------------------------ provenance


def test_multi_source_entities(run: Run) -> None:
    # France is named by documents 001, 002 and 003; the Ministry of Culture by 000 and 001 (steering
    # committee); Paris by 001 (La Canopée) and 002 (study trip)
    rows = run("multi-source-entities")
    assert cols(rows, "resource", "documents") == [
        (c("terr:france"), "3"),
        (c("orga:ministere-culture"), "2"),
        (c("terr:paris"), "2"),
    ]
    assert cols(run("multi-source-entities", min_documents="3"), "resource", "documents") == [(c("terr:france"), "3")]
    assert run("multi-source-entities", min_documents="4") == []


def test_resource_sources(run: Run) -> None:
    rows = run("resource-sources")
    assert cols(rows, "document", "identifier", "publisher") == [
        (c("doc:culture-labo-des-labs"), "000_401d65ccee751b72", c("orga:ministere-culture")),
        (c("doc:lucas-openlabs"), "001_cde704b1053567c9", c("orga:lucas")),
    ]
    assert col(rows, "url") == [
        "https://www.culture.gouv.fr/Thematiques/industries-culturelles-et-creatives/le-laboratoire-d-innovation-"
        "manageriale-du-ministere-et-la-communaute-des-labs-et-incubateurs-de-la-culture",
        "http://www.lucasrecherche.fr/open-labs/",
    ]
    france = run("resource-sources", iri=c("terr:france"))
    assert cols(france, "document", "identifier") == [
        (c("doc:lucas-openlabs"), "001_cde704b1053567c9"),
        (c("doc:27e-region-cousins"), "002_4a026777ea7e16ea"),
        (c("doc:labs-academie-2021"), "003_253b9a0a916ebd99"),
    ]
    assert col(run("resource-sources", iri=c("lab:acco-lab")), "document") == [c("doc:culture-labo-des-labs")]
    # the publisher of document 002 is only described in sources.ttl, where it cites that document
    assert col(run("resource-sources", iri=c("orga:la-27e-region")), "document") == [c("doc:27e-region-cousins")]
    # Isère only comes from the reference datasets (links.ttl), not from a source document
    assert run("resource-sources", iri=c("terr:isere")) == []
    with pytest.raises(catalogue.ParameterError):
        run("resource-sources", iri="")


# The resources each graph writes an ambiguity note about (one note each unless said otherwise).
AMBIGUITIES = {
    "culture-labo-des-labs": words(
        "lab:104factory lab:ecopia lab:incubateur-studios-virecourt lab:labo-culture lab:le-damier "
        "lab:louvre-lens-vallee mem:labo-des-labs--labo-culture net:labo-des-labs orga:drac-auvergne-rhone-alpes "
        "orga:drac-grand-est orga:ensa-normandie orga:service-du-numerique-culture res:presentation-labo-des-labs "
        # the lists that are open or that the page counts differently (issue #19)
        "list:labo-culture-structures-accompagnees list:labo-des-labs-missions-principales list:labo-des-labs-membres"
    ),
    "lucas-openlabs": words(
        "call:ami-openlabs-2019 ev:openlabs-ateliers-presentiel-apres-ete-2020 "
        "ev:openlabs-co-design-haut-rhin-2020-06 ev:openlabs-co-design-haute-loire-2020-06 "
        "ev:openlabs-co-design-nievre-2020-06 ev:openlabs-co-design-val-d-oise-2020-06 "
        "ev:openlabs-sessions-travail-co-construction-2020 ev:openlabs-visio-territoires-2020 "
        "lab:openlab-haut-rhin lab:openlab-haute-loire lab:openlab-nievre lab:openlab-val-d-oise orga:adcf "
        "orga:lucas phase:openlabs-1-formation-action phase:openlabs-2-immersion-observation "
        "phase:openlabs-3-diagnostic-co-design phase:openlabs-4-accompagnement "
        "phase:openlabs-co-conception-prototypage-test phase:openlabs-diagnostic-a-distance place:locaux-adcf "
        "prog:openlabs res:ami-openlabs-2019 res:kit-methodologique-openlabs res:outils-formation-openlabs "
        "res:rapport-final-openlabs "
        # issue #19: the training day's taking place is inferred; two lists
        "ev:openlabs-formation-2020-02-06 list:ami-openlabs-2019-candidats list:openlabs-typologie-territoires"
    ),
    "27e-region-cousins": words(
        "call:appel-projets-labos-pia ev:creuse-voyage-etude-paris ev:creuse-voyage-etude-saint-etienne "
        "ev:pia-ateliers-collectifs lab:lab23 mem:ditp--camille-rouge mem:ditp--jeanne-deperrois orga:bureau-02 "
        "orga:laboratoire-passages phase:creuse-2-semestre-erasmus prog:mission-prefiguration-labo-creuse "
        "prog:programme-labo-pia res:mooc-labos-pia res:plan-action-lab23 list:pia-ateliers-themes"
    ),
    "labs-academie-2021": words(
        "chal:labs-academie-besoins-financements ev:journee-labs-academie-2021 "
        "ev:journee-labs-academie-2021-cartographie ev:journee-labs-academie-2021-convivialite "
        "ev:journee-labs-academie-2021-flash-codev ev:journee-labs-academie-2021-ideation "
        "ev:journee-labs-academie-2021-ressourcerie ev:mois-innovation-publique-2021 lab:110-bis "
        "lab:110-bis-bretagne lab:110-bis-limoges net:ambassadeurs-bercylab net:communaute-labs-academie "
        "net:communaute-labs-academie net:communaute-labs-academie obj:communaute-labs-academie-2022-temps-du-lab "
        "orga:secretariat-general-men-mesri pers:elisabeth-artaud pers:nicolas-kermabon pers:severine-delage "
        "pers:victoria-martinez prop:journee-labs-academie-2021-visios-courtes res:110-bus "
        "res:cahier-facilitation res:carte-umap-labs-academie res:carto-labs-academie-2021-11 "
        "res:supports-journee-labs-academie-2021 "
        # issue #19: the ministry's link to the academy labs is inferred; the co-dev groups are not named
        "orga:ministere-education-nationale list:flash-codev-groupes"
    ),
    "innovation-places-network": words(
        "ev:innovation-places-cycle ev:innovation-places-thematique-3 net:innovation-places-network "
        "net:innovation-places-network pers:jean-louis-soubret res:schoolab-advices-start-business"
    ),
    "links": words(
        "orga:bnf orga:departement-creuse orga:ministere-culture terr:auvergne terr:departement-de-paris "
        "terr:grenoble terr:limoges terr:loire terr:paris terr:saint-etienne"
    ),
    "sources": words(
        "doc:27e-region-cousins doc:culture-labo-des-labs doc:innovation-places-network doc:labs-academie-2021 "
        "doc:lucas-openlabs"
    ),
}


def test_ambiguity_notes(run: Run) -> None:
    rows = run("ambiguity-notes")
    expected = Counter((c(f"graph:{g}"), c(r)) for g, resources in AMBIGUITIES.items() for r in resources)
    assert Counter(cols(rows, "graph", "resource")) == expected
    assert len(rows) == 110
    assert_sorted(rows, "graph", "label", "resource", "note")
    # document 000 announces eleven members and lists twelve
    notes = {r["note"] for r in rows if r["resource"] == c("net:labo-des-labs")}
    assert notes == {
        "La page annonce onze membres mais en énumère douze, dont le Labo du ministère lui-même ; on ignore si le "
        "Labo est compté parmi les onze."
    }
    english = run("ambiguity-notes", lang="en")
    assert Counter(cols(english, "graph", "resource")) == expected
    assert "The page carries no date." in col(english, "note")
    assert len(run("ambiguity-notes", lang="")) == 2 * 110
    ipn = run("ambiguity-notes", document=c("doc:innovation-places-network"))
    assert Counter(col(ipn, "resource")) == Counter(c(r) for r in AMBIGUITIES["innovation-places-network"])
    assert len(ipn) == 6
    # the links graph is derived from the reference datasets
    assert len(run("ambiguity-notes", document=c("ds:wikidata"))) == 10


# ------------------------------------------------------------------------------------------ data quality


def test_quality_structures_without_territory(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    rows = run("quality-structures-without-territory")
    # none of the five documents gives an area for these labs and networks
    assert cols(rows, "structure", "class") == [
        *[
            (c(s), c("lg:Lab"))
            for s in (
                "lab:104factory",
                "lab:acco-lab",
                "lab:bercylab",
                "lab:fabrique-numerique",
                "lab:incubateur-studios-virecourt",
                "lab:incubateur-patrimoine-cmn",
                "lab:atelier-numerique",
                "lab:110-bis",
                "lab:labo-culture",
                "lab:louvre-lens-vallee",
            )
        ],
        *[
            (c(s), c("lg:Network"))
            for s in (
                "net:copil-openlabs",
                "net:favd",
                "net:innovation-places-network",
                "net:tmnlab",
                "net:labo-des-labs",
                "net:ambassadeurs-bercylab",
            )
        ],
    ]
    tiny = run_on(
        queries,
        "quality-structures-without-territory",
        """
        ex:g {
          ex:located a lg:Lab ; rdfs:label "Lab situé"@fr ; schema:areaServed ex:somewhere .
          ex:nowhere a lg:Lab ; rdfs:label "Lab sans territoire"@fr .
          ex:network a lg:Network ; rdfs:label "Réseau sans territoire"@fr .
          ex:org a org:Organization ; rdfs:label "Organisation"@fr .
        }
    """,
    )
    assert cols(tiny, "structure", "class") == [
        ("http://example.org/nowhere", c("lg:Lab")),
        ("http://example.org/network", c("lg:Network")),
    ]


def test_quality_resources_without_source(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    # every resource of every document's file cites that document (modelling guide)
    assert run("quality-resources-without-source") == []
    tiny = run_on(
        queries,
        "quality-resources-without-source",
        """
        ex:sources {
          ex:doc a lg:SourceDocument .
          ex:other a lg:SourceDocument .
          ex:graph prov:wasDerivedFrom ex:doc .
        }
        ex:graph {
          ex:sourced rdfs:label "Avec source"@fr ; prov:wasDerivedFrom ex:doc .
          ex:unsourced rdfs:label "Sans source"@fr .
          ex:wrong rdfs:label "Mauvaise source"@fr ; prov:wasDerivedFrom ex:other .
          [] rdfs:label "Nœud anonyme"@fr .
        }
        ex:undescribed { ex:free rdfs:label "Hors des graphes sourcés"@fr . }
    """,
    )
    assert cols(tiny, "resource", "graph", "label") == [
        ("http://example.org/unsourced", "http://example.org/graph", "Sans source"),
        ("http://example.org/wrong", "http://example.org/graph", "Mauvaise source"),
    ]


def test_quality_missing_label_language(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    # every resource and concept with a French label has an English one too
    assert run("quality-missing-label-language") == []
    assert run("quality-missing-label-language", lang="fr") == []
    trig = """
        ex:g {
          ex:both rdfs:label "Les deux"@fr , "Both"@en .
          ex:french rdfs:label "Français seulement"@fr .
          ex:concept skos:prefLabel "Concept bilingue"@fr , "Bilingual concept"@en-GB .
          ex:frconcept skos:prefLabel "Concept français"@fr .
          ex:german rdfs:label "Allemand"@fr , "Deutsch"@de .
          ex:english rdfs:label "English only"@en .
        }
    """
    assert cols(run_on(queries, "quality-missing-label-language", trig), "resource", "label") == [
        ("http://example.org/german", "Allemand"),
        ("http://example.org/frconcept", "Concept français"),
        ("http://example.org/french", "Français seulement"),
    ]
    assert col(run_on(queries, "quality-missing-label-language", trig, lang="de"), "resource") == words(
        "http://example.org/concept http://example.org/frconcept http://example.org/french http://example.org/both"
    )


# Concepts that no data file uses (only text notes mention some of them, e.g. role:sponsor and the
# maturity stages of the academy labs in document 003, which does not say which lab is at which stage).
UNUSED = words(
    "ekind:call-period ekind:workshop-week stage:active stage:in-development stage:prefiguration stage:starting "
    "meth:learning-by-doing rkind:job-description rkind:platform rkind:video rkind:wiki role:applicant "
    "role:funder role:host role:laureate role:manager role:organiser role:participant role:speaker role:sponsor "
    "role:witness kind:cultural-venue kind:innovation-place kind:intercommunality kind:tiers-lieu "
    "theme:solidarity"
)


def test_quality_unused_concepts(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    rows = run("quality-unused-concepts")
    assert set(col(rows, "concept")) == cs(UNUSED)
    assert len(rows) == 26
    assert_sorted(rows, "schemeLabel", "scheme", "conceptLabel")
    roles = run("quality-unused-concepts", scheme=c("scheme:role"))
    assert set(col(roles, "concept")) == cs(u for u in UNUSED if u.startswith("role:"))
    assert set(col(roles, "schemeLabel")) == {"Rôles"}
    assert run("quality-unused-concepts", scheme=c("scheme:service")) == []
    tiny = run_on(
        queries,
        "quality-unused-concepts",
        """
        ex:vocabularies {
          ex:scheme a skos:ConceptScheme ; skos:prefLabel "Schéma"@fr ; skos:hasTopConcept ex:used , ex:top .
          ex:used a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "utilisé"@fr .
          ex:top a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "concept de tête"@fr .
          ex:narrower a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "plus précis"@fr ;
              skos:broader ex:used .
          ex:unused a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "inutilisé"@fr ;
              skos:related ex:narrower .
          ex:qualified a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "rôle qualifié"@fr .
        }
        ex:data {
          ex:thing org:classification ex:used ; rdfs:comment "ex:unused is only named in text" .
          ex:programme prov:qualifiedAssociation [ prov:agent ex:thing ; prov:hadRole ex:qualified ] .
        }
    """,
    )
    assert col(tiny, "concept") == [
        "http://example.org/top",
        "http://example.org/unused",
        "http://example.org/narrower",
    ]
