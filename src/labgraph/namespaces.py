"""The vocabularies labgraph reuses, bound once so that every module and dump agrees.

schema.org is bound to ``http://schema.org/`` on purpose: rdflib's built-in ``SDO`` uses
https, while Wikidata, CPSV-AP and the schema.org JSON-LD context use http.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

SCHEMA = Namespace("http://schema.org/")
CV = Namespace("http://data.europa.eu/m8g/")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
WD = Namespace("http://www.wikidata.org/entity/")
VANN = Namespace("http://purl.org/vocab/vann/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SF = Namespace("http://www.opengis.net/ont/sf#")

#: Prefixes written into dumps and offered to SPARQL users. Those of labgraph's own
#: namespaces are added per base URI by :func:`labgraph.uris.prefixes`.
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "cv": str(CV),
    "igeo": str(IGEO),
    "wd": str(WD),
    "void": str(VOID),
    "sh": str(SH),
    "vann": str(VANN),
    "sd": str(SD),
    "geo": str(GEO),
    "sf": str(SF),
}
