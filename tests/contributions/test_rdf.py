"""An accepted proposal's file: parses, builds and conforms in a throwaway project, shows on
the structure's card, carries hostile text intact, and publishes no private data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from labgraph.config import Settings
from labgraph.contributions.base import Contributor
from labgraph.contributions.rdf import contribution_turtle, new_structure_iri, slugify
from labgraph.graph.build import run_build
from labgraph.release import CARDS

ID = "https://w3id.org/labgraph/id/"
C = ID + "concept/"
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
HOSTILE = 'Il a dit "oui" \'non\'\nligne deux """ triple <script>alert(1)</script> \\ fin'
ALICE = Contributor(name="Alice Secrète", email="alice@private.example", relation="member", named=False)
PAYLOAD = {
    "label": {"fr": "Labo Éphémère des Communs", "en": "Ephemeral Commons Lab"},
    "description": {"fr": "Un laboratoire pour les tests.", "en": "A lab for the tests."},
    "kind": [C + "structure-kind/innovation-lab"],
    "host": [ID + "organisation/ditp"],
    "territory": [ID + "territory/normandie"],
    "dedicatedPlace": "yes",
    "services": [C + "service/team-support"],
    "methods": [C + "method/collective-intelligence"],
    "themes": [C + "theme/public-innovation"],
    "audiences": [C + "audience/civil-servants"],
    "maturity": [C + "maturity/prefiguration"],
    "website": "https://ephemere.example/",
    "foundingDate": "2021-05",
    "comment": "for the curators only",
}


def _write(settings: Settings, number: int, text: str) -> Path:
    path = settings.data_dir / "contributions" / f"contribution-{number}.ttl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _turtle(payload: dict, contributor: Contributor = ALICE, number: int = 41, kind: str = "new",
            target: str | None = None, known: set[str] | None = None) -> str:
    return contribution_turtle(number, kind, "lab", target, payload, contributor, "bob", WHEN, known or set())


def test_the_file_parses_and_names_the_agreed_resources() -> None:
    g = Graph().parse(data=_turtle(PAYLOAD), format="turtle")
    b = "https://w3id.org/labgraph/"
    doc = URIRef(b + "id/document/contribution-41")
    assert (doc, URIRef("http://purl.org/dc/terms/identifier"), Literal("contribution-41")) in g
    assert (URIRef(b + "graph/contribution-41"), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), doc) in g
    structure = URIRef(ID + "lab/labo-ephemere-des-communs")
    assert (structure, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), doc) in g
    assert (URIRef(b + "id/curator/bob"), URIRef("http://xmlns.com/foaf/0.1/nick"), Literal("bob")) in g


def test_a_new_structure_never_takes_an_existing_iri() -> None:
    taken = {ID + "lab/lab23", ID + "lab/lab23-2"}
    assert new_structure_iri("lab", "Lab23", taken) == ID + "lab/lab23-3"
    assert slugify("  Été « 2024 » !! ") == "ete-2024"
    assert slugify("<<>>") == "structure"
    g = Graph().parse(data=_turtle({**PAYLOAD, "label": {"fr": "lab23"}}, known=taken), format="turtle")
    assert not list(g.triples((URIRef(ID + "lab/lab23"), None, None)))
    assert list(g.triples((URIRef(ID + "lab/lab23-3"), None, None)))


def test_hostile_text_round_trips() -> None:
    payload = {"label": {"fr": HOSTILE, "en": HOSTILE}, "description": {"fr": HOSTILE}}
    named = Contributor(name=HOSTILE, email="x@y.example", relation="other", named=True)
    g = Graph().parse(data=_turtle(payload, named), format="turtle")
    labels = {str(o) for o in g.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert HOSTILE in labels
    assert HOSTILE in {str(o) for o in g.objects(None, URIRef("http://xmlns.com/foaf/0.1/name"))}


@pytest.mark.parametrize("named", [False, True])
def test_the_name_only_with_consent_and_the_email_never(named: bool) -> None:
    text = _turtle(PAYLOAD, Contributor(ALICE.name, ALICE.email, ALICE.relation, named))
    assert ("Alice Secrète" in text) is named
    assert "alice@private.example" not in text and "private.example" not in text
    assert "for the curators only" not in text
    assert "member of the structure" in text


def test_a_new_structure_builds_conforms_and_its_card_shows_every_field(project_settings: Settings) -> None:
    _write(project_settings, 41, _turtle(PAYLOAD))
    result = run_build(project_settings)
    assert result.report is None or result.report.conforms
    cards = json.loads((result.release / CARDS).read_text("utf-8"))
    iri = project_settings.base_uri + "id/lab/labo-ephemere-des-communs"
    card = next(c for c in cards if c["iri"] == iri)
    assert card["label"]["fr"] == "Labo Éphémère des Communs"
    fields = card["fields"]

    def values(name: str) -> set[str]:
        return {v.get("iri") or v.get("value") for v in fields[name]["values"]}

    base = project_settings.base_uri
    for name in ("kind", "host", "territory", "services", "methods", "themes", "audiences", "maturity"):
        expected = {p.replace("https://w3id.org/labgraph/", base) for p in PAYLOAD[name]}  # type: ignore[union-attr]
        assert expected <= values(name), name
    assert fields["dedicatedPlace"]["status"] == "stated"  # "yes": a source states a place
    assert "2021-05" in values("dates")
    assert base + "id/concept/theme/public-innovation" in values("innovationKinds")


def test_a_correction_builds_and_its_value_is_current(project_settings: Settings) -> None:
    target = ID + "lab/104factory"
    _write(project_settings, 42, _turtle({"dedicatedPlace": "no", "methods": [C + "method/collective-intelligence"]},
                                         number=42, kind="correction", target=target))
    result = run_build(project_settings)
    cards = json.loads((result.release / CARDS).read_text("utf-8"))
    card = next(c for c in cards if c["iri"] == project_settings.base_uri + "id/lab/104factory")
    assert card["fields"]["dedicatedPlace"]["status"] == "no"
    assert project_settings.base_uri + "id/concept/method/collective-intelligence" in {
        v.get("iri") for v in card["fields"]["methods"]["values"]}

