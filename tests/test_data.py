"""The data says what the five source documents say, each fact tied to its document.

The expected entities (tests/data/expected_entities.tsv) and the facts below were written
from the documents themselves, not read back from the data.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from labgraph.graph.sources import SourceDataset

from .conftest import BASE, SEEDS

PREFIXES = f"""
PREFIX lg: <{BASE}def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <http://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX id: <{BASE}id/>
"""
CURIES = {
    "lg": f"{BASE}def/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
DOCUMENTS = [
    "culture-labo-des-labs",
    "lucas-openlabs",
    "27e-region-cousins",
    "labs-academie-2021",
    "innovation-places-network",
]
SEED_OF = {
    "culture-labo-des-labs": "000",
    "lucas-openlabs": "001",
    "27e-region-cousins": "002",
    "labs-academie-2021": "003",
    "innovation-places-network": "004",
}


def expected_entities() -> list[tuple[str, str, str, str]]:
    path = Path(__file__).parent / "data" / "expected_entities.tsv"
    with path.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [(doc, uri, cls, label) for doc, uri, cls, label in rows]


def ask(dataset: SourceDataset, query: str) -> bool:
    return bool(dataset.store.query(PREFIXES + query, use_default_graph_as_union=True))


def select(dataset: SourceDataset, query: str) -> list[dict[str, str]]:
    rows = dataset.store.query(PREFIXES + query, use_default_graph_as_union=True)
    return [{v.value: (row[v].value if row[v] is not None else None) for v in rows.variables} for row in rows]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_each_document_has_its_graph_and_description(dataset: SourceDataset, document: str) -> None:
    assert ask(
        dataset,
        f"""ASK {{
        GRAPH <{BASE}graph/{document}> {{ ?s ?p ?o }}
        <{BASE}graph/{document}> prov:wasDerivedFrom <{BASE}id/document/{document}> .
        <{BASE}id/document/{document}> a lg:SourceDocument ; dct:title ?t ; dct:publisher ?pub ;
            dct:language ?lang ; dct:identifier ?local .
        FILTER(STRSTARTS(?local, "{SEED_OF[document]}_"))
    }}""",
    )


@pytest.mark.parametrize(
    "document,uri,cls,label", expected_entities(), ids=[f"{d}:{u}" for d, u, _, _ in expected_entities()]
)
def test_expected_entity_is_in_its_document_graph(
    dataset: SourceDataset, document: str, uri: str, cls: str, label: str
) -> None:
    prefix, local = cls.split(":")
    rows = select(
        dataset,
        f"""SELECT ?label WHERE {{
        GRAPH <{BASE}graph/{document}> {{ <{BASE}{uri}> prov:wasDerivedFrom <{BASE}id/document/{document}> }}
        <{BASE}{uri}> a/rdfs:subClassOf* <{CURIES[prefix]}{local}> ; rdfs:label ?label .
        FILTER(LANG(?label) = "fr")
    }}""",
    )
    assert rows, f"{uri} missing from {document} or not a {cls}"
    assert label.casefold() in rows[0]["label"].casefold()


def test_every_described_resource_cites_the_document_of_its_graph(dataset: SourceDataset) -> None:
    orphans = select(
        dataset,
        f"""SELECT DISTINCT ?g ?s WHERE {{
        GRAPH ?g {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }}
        ?g prov:wasDerivedFrom ?doc . ?doc a lg:SourceDocument .
        FILTER NOT EXISTS {{ GRAPH ?g {{ ?s prov:wasDerivedFrom ?doc }} }}
    }}""",
    )
    assert orphans == []


def test_an_entity_named_by_two_documents_has_one_uri(dataset: SourceDataset) -> None:
    # The Ministry of Culture is named in documents 000 and 001: one URI, described in both graphs.
    graphs = {
        r["g"] for r in select(dataset, "SELECT DISTINCT ?g { GRAPH ?g { id:organisation\\/ministere-culture ?p ?o } }")
    }
    assert {f"{BASE}graph/culture-labo-des-labs", f"{BASE}graph/lucas-openlabs"} <= graphs
    # Paris appears in documents 001 (La Canopée) and 002 (study trip).
    paris = {r["g"] for r in select(dataset, "SELECT DISTINCT ?g { GRAPH ?g { id:territory\\/paris ?p ?o } }")}
    assert {f"{BASE}graph/lucas-openlabs", f"{BASE}graph/27e-region-cousins"} <= paris
    # No two organisations, labs, networks or people share a French label under different URIs.
    duplicates = select(
        dataset,
        """SELECT ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {
        ?s a ?c ; rdfs:label ?label . FILTER(LANG(?label) = "fr")
        VALUES ?c { org:Organization lg:Lab lg:Network foaf:Person }
    } GROUP BY ?label HAVING (COUNT(DISTINCT ?s) > 1)""",
    )
    assert duplicates == []


def quantity(dataset: SourceDataset, subject: str, prop: str) -> dict[str, str]:
    rows = select(
        dataset,
        f"""SELECT ?value ?min ?max ?unit ?currency WHERE {{
        id:{subject} lg:{prop} ?q .
        OPTIONAL {{ ?q schema:value ?value }} OPTIONAL {{ ?q schema:minValue ?min }}
        OPTIONAL {{ ?q schema:maxValue ?max }} OPTIONAL {{ ?q schema:unitCode ?unit }}
        OPTIONAL {{ ?q schema:currency ?currency }}
    }}""",
    )
    assert len(rows) == 1, f"{subject} {prop}: {rows}"
    return rows[0]


def test_numbers_stated_by_the_documents(dataset: SourceDataset) -> None:
    assert quantity(dataset, "network\\/labo-des-labs", "memberCount")["value"] == "11"
    assert quantity(dataset, "network\\/tmnlab", "memberCount")["min"] == "1000"
    assert quantity(dataset, "network\\/favd", "memberCount")["min"] == "200"
    assert quantity(dataset, "programme\\/programme-labo-pia", "laureateCount")["value"] == "12"
    funding = quantity(dataset, "programme\\/programme-labo-pia", "fundingAmount")
    assert (funding["max"], funding["currency"]) == ("250000", "EUR")
    assert quantity(dataset, "call\\/ami-openlabs-2019", "applicationCount")["value"] == "9"
    assert quantity(dataset, "network\\/communaute-labs-academie", "memberCount")["min"] == "15"
    participants = quantity(dataset, "event\\/innovation-places-cycle", "participantCount")
    assert (participants["min"], participants["max"]) == ("15", "20")
    assert quantity(dataset, "event\\/innovation-places-cycle", "frequency")["unit"] == "WEE"


def test_labo_des_labs_lists_twelve_members_and_flags_the_count(dataset: SourceDataset) -> None:
    members = select(
        dataset,
        """SELECT DISTINCT ?m { ?ms a org:Membership ;
        org:organization id:network\\/labo-des-labs ; org:member ?m }""",
    )
    assert len(members) == 12
    assert ask(dataset, "ASK { id:network\\/labo-des-labs lg:ambiguityNote ?n }")


def test_openlabs_call_applicants_and_laureates(dataset: SourceDataset) -> None:
    applicants = {
        r["t"].rsplit("/", 1)[1] for r in select(dataset, "SELECT ?t { id:call\\/ami-openlabs-2019 lg:applicant ?t }")
    }
    assert applicants == {
        "calvados",
        "finistere",
        "haut-rhin",
        "haute-loire",
        "loire-atlantique",
        "maine-et-loire",
        "meuse",
        "nievre",
        "val-d-oise",
    }
    laureates = {
        r["t"].rsplit("/", 1)[1] for r in select(dataset, "SELECT ?t { id:call\\/ami-openlabs-2019 lg:laureate ?t }")
    }
    assert laureates == {"haut-rhin", "haute-loire", "nievre", "val-d-oise"}
    dates = select(dataset, "SELECT ?s ?e { id:call\\/ami-openlabs-2019 schema:startDate ?s ; schema:endDate ?e }")
    assert dates == [{"s": "2019-06-12", "e": "2019-07-12"}]


def test_dated_events(dataset: SourceDataset) -> None:
    def start(event: str) -> str:
        return select(dataset, f"SELECT ?d {{ id:event\\/{event} schema:startDate ?d }}")[0]["d"]

    assert start("journee-labs-academie-2021") == "2021-11-23"
    assert start("copil-openlabs-2019-09-05") == "2019-09-05"
    assert start("openlabs-formation-2020-02-06").startswith("2020-02-06T09:00:00")
    assert start("openlabs-residence-nievre-2020-04") == "2020-04-07"
    assert start("openlabs-co-design-val-d-oise-2020-06") == "2020-06-16"


def test_thematic_sessions_of_the_innovation_places_cycle(dataset: SourceDataset) -> None:
    rows = select(
        dataset, "SELECT ?e ?pos { ?e schema:superEvent id:event\\/innovation-places-cycle ; schema:position ?pos }"
    )
    assert sorted(int(r["pos"]) for r in rows) == [1, 2, 3, 4, 5, 6]


def test_territories_carry_insee_and_wikidata_links(dataset: SourceDataset) -> None:
    rows = select(
        dataset,
        """SELECT ?t ?code ?wd ?region { ?t a igeo:Departement ; igeo:codeINSEE ?code ;
        owl:sameAs ?wd ; igeo:subdivisionDirecteDe ?region }""",
    )
    by_slug = {r["t"].rsplit("/", 1)[1]: r for r in rows}
    assert by_slug["haute-loire"]["code"] == "43"
    assert by_slug["haute-loire"]["wd"] == "http://www.wikidata.org/entity/Q12572"
    assert by_slug["haute-loire"]["region"].endswith("/territory/auvergne-rhone-alpes")
    assert by_slug["val-d-oise"]["code"] == "95"
    assert by_slug["creuse"]["region"].endswith("/territory/nouvelle-aquitaine")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not found in {SEEDS}")
def test_descriptions_are_not_copied_from_the_documents(dataset: SourceDataset) -> None:
    """No description or note repeats ten consecutive words of a source document."""
    n = 10
    seeds = set()
    for seed in SEEDS.glob("*.txt"):
        words = _words(seed.read_text("utf-8"))
        seeds |= {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    copied = []
    for row in select(dataset, """SELECT ?s ?text { ?s dct:description|lg:ambiguityNote|skos:note ?text }"""):
        words = _words(row["text"])
        if any(tuple(words[i : i + n]) in seeds for i in range(len(words) - n + 1)):
            copied.append((row["s"], row["text"][:80]))
    assert copied == []


def test_literals_are_well_formed(dataset: SourceDataset) -> None:
    """Every typed literal parses (Oxigraph keeps ill-typed ones as they were written)."""
    for quad in dataset.store:
        if isinstance(quad.object, ox.Literal) and quad.object.datatype.value.endswith(("#date", "#integer")):
            value = quad.object.value
            assert re.fullmatch(r"-?\d+|\d{4}-\d{2}-\d{2}", value), (quad.subject, value)
