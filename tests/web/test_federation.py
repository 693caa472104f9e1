"""Federated queries: SERVICE towards an allow-listed endpoint, here a second local Oxigraph."""

from __future__ import annotations

from pathlib import Path

import requests

from labgraph.config import Settings

from ..conftest import ROOT, LiveServer, OxigraphServer, _wait_ready, rebased

# What the stand-in for Wikidata knows (written for this test, not Wikidata's real data).
WIKIDATA_EXTRACT = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
wd:Q12572 rdfs:label "Haute-Loire"@en ; wdt:P1082 227570 .
wd:Q12722 rdfs:label "Haut-Rhin"@en ; wdt:P1082 767086 .
wd:Q12784 rdfs:label "Val-d'Oise"@en .
wd:Q12657 rdfs:label "Nièvre"@en ; wdt:P1082 204452 .
wd:Q3249 rdfs:label "Calvados"@en .
"""


def test_federated_query_joins_labgraph_with_an_allow_listed_endpoint(
    server_settings: Settings,
    built,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    other = OxigraphServer(tmp_path / "wikidata")
    requests.post(
        other.url + "/store?default",
        data=WIKIDATA_EXTRACT.encode(),
        headers={"Content-Type": "text/turtle"},
        timeout=10,
    ).raise_for_status()
    endpoint = other.url + "/query"
    live = LiveServer(server_settings.replace(service_allowlist=(endpoint,)))
    try:
        _wait_ready(live.url)
        query = (ROOT / "queries" / "federation" / "territories-wikidata.rq").read_text("utf-8")
        query = rebased(query.replace("https://query.wikidata.org/sparql", endpoint))
        response = requests.post(
            live.url + "/sparql",
            data=query.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        rows = [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]
        # the four OpenLabs of document 001, joined on their Wikidata items
        assert [(r["code"], r["wikidataLabel"], r.get("population")) for r in rows] == [
            ("43", "Haute-Loire", "227570"),
            ("58", "Nièvre", "204452"),
            ("68", "Haut-Rhin", "767086"),
            ("95", "Val-d'Oise", None),
        ]
        # the same endpoint with another path is not allowed
        refused = requests.post(
            live.url + "/sparql",
            data=query.replace(endpoint, other.url + "/other").encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=10,
        )
        assert refused.status_code == 403
    finally:
        live.close()
        other.stop()


def test_service_description_advertises_federation_only_when_allowed(live: LiveServer) -> None:
    description = requests.get(live.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=10).text
    assert "BasicFederatedQuery" not in description
