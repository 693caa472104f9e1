"""A contribution file written by hand in the format agreed for issue #17, so the graph's tests
do not depend on the proposal desk that writes them."""

from __future__ import annotations

from pathlib import Path

PREFIXES = """@prefix lg: <https://w3id.org/labgraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <http://schema.org/> .
@prefix b: <https://w3id.org/labgraph/> .
"""


def write_contribution(data_dir: Path, number: int, issued: str, facts: str, structure: str) -> Path:
    """Write ``data/contributions/contribution-N.ttl`` with the document, its provenance and
    ``facts`` (Turtle statements about ``structure``, a path under ``id/``)."""
    n = number
    body = f"""{PREFIXES}
<https://w3id.org/labgraph/id/document/contribution-{n}> a lg:SourceDocument ;
    rdfs:label "Contribution n° {n}"@fr , "Contribution No. {n}"@en ;
    dct:title "Correction de la fiche {structure}"@fr ;
    dct:description "Corrige des champs de la fiche."@fr , "Corrects fields of the card."@en ;
    dct:publisher <https://w3id.org/labgraph/id/organisation/labgraph-project> ;
    dct:type <https://w3id.org/labgraph/id/concept/document-kind/contribution> ;
    dct:language <http://publications.europa.eu/resource/authority/language/FRA> ;
    dct:identifier "contribution-{n}" ;
    dct:issued "{issued}"^^xsd:date ;
    schema:url <https://w3id.org/labgraph/contributions/{n}> ;
    prov:wasAttributedTo <https://w3id.org/labgraph/id/contributor/contribution-{n}> ;
    prov:wasGeneratedBy <https://w3id.org/labgraph/id/activity/acceptance-{n}> .

<https://w3id.org/labgraph/id/contributor/contribution-{n}> a prov:Agent ;
    rdfs:label "membre de la structure"@fr , "member of the structure"@en .

<https://w3id.org/labgraph/id/activity/acceptance-{n}> a prov:Activity ;
    prov:wasAssociatedWith <https://w3id.org/labgraph/id/curator/alice> ;
    prov:endedAtTime "{issued}T10:00:00Z"^^xsd:dateTime ;
    prov:used <https://w3id.org/labgraph/contributions/{n}> .

<https://w3id.org/labgraph/id/curator/alice> a prov:Agent ; foaf:nick "alice" .

<https://w3id.org/labgraph/graph/contribution-{n}> a prov:Entity ;
    prov:wasDerivedFrom <https://w3id.org/labgraph/id/document/contribution-{n}> .

<https://w3id.org/labgraph/id/{structure}>
    prov:wasDerivedFrom <https://w3id.org/labgraph/id/document/contribution-{n}> .
{facts}
"""
    target = data_dir / "contributions" / f"contribution-{n}.ttl"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target
