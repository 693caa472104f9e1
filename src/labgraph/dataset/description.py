"""The dataset described for machines: VoID + DCAT, and the SPARQL Service Description.

Both are built per request from the release manifest and the address the server is reached
at, so that every link in them works whether the graph is served under its public base or on
localhost.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD

from labgraph.config import Settings
from labgraph.namespaces import SD

DQV = Namespace("http://www.w3.org/ns/dqv#")
PAV = Namespace("http://purl.org/pav/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SHACL_SPEC = URIRef("https://www.w3.org/TR/shacl/")
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
FORMATS = URIRef("http://www.w3.org/ns/formats/")
IANA = "https://www.iana.org/assignments/media-types/"
RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
]
EXAMPLES = [
    "id/lab/acco-lab",
    "id/network/labo-des-labs",
    "id/event/journee-labs-academie-2021",
    "id/programme/openlabs",
]


def dataset_iri(settings: Settings) -> URIRef:
    return URIRef(settings.base_uri + "id/dataset/labgraph")


def _graph(settings: Settings) -> Graph:
    graph = Graph(bind_namespaces="core")
    for name, iri in settings.vocab.prefixes.items():
        graph.bind(name, iri, replace=True)
    return graph


def void_description(settings: Settings, manifest: dict[str, Any], root: str, dumps: str = "dumps/") -> Graph:
    """VoID and DCAT for the dataset; ``root`` is the served address ending with '/', ``dumps``
    where under it the release's files are served (a kept older release has its own)."""
    g = _graph(settings)
    ds = dataset_iri(settings)
    stats = manifest["stats"]
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("labgraph : laboratoires d'innovation publique en France", lang="fr")))
    g.add((ds, DCTERMS.title, Literal("labgraph: public innovation labs in France", lang="en")))
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Graphe de connaissances ouvert des laboratoires d'innovation publique, incubateurs, réseaux et "
                "programmes en France, chaque fait relié à la page web dont il provient.",
                lang="fr",
            ),
        )
    )
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Open knowledge graph of French public innovation labs, incubators, networks and programmes, each "
                "fact tied to the web page it comes from.",
                lang="en",
            ),
        )
    )
    publisher = URIRef(settings.base_uri + "id/organisation/labgraph-project")
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal("labgraph")))
    g.add((ds, DCTERMS.license, LICENCE))
    g.add((ds, DCTERMS.language, URIRef("http://publications.europa.eu/resource/authority/language/FRA")))
    g.add((ds, DCTERMS.modified, Literal(manifest["created"], datatype=XSD.dateTime)))
    if manifest.get("release") is not None:  # the release number (issue 17), with its date
        g.bind("pav", PAV)
        g.add((ds, URIRef(str(DCAT) + "version"), Literal(str(manifest["release"]))))
        g.add((ds, PAV.version, Literal(str(manifest["release"]))))
        g.add((ds, DCTERMS.issued, Literal(manifest["created"], datatype=XSD.dateTime)))
        g.add((ds, RDFS.seeAlso, URIRef(root + "releases/")))
    g.add((ds, DCAT.keyword, Literal("innovation publique", lang="fr")))
    g.add((ds, DCAT.keyword, Literal("laboratoire d'innovation", lang="fr")))
    g.add((ds, DCAT.keyword, Literal("public innovation", lang="en")))
    g.add((ds, DCAT.landingPage, URIRef(root)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    g.add((ds, VOID.uriSpace, Literal(settings.base_uri + "id/")))
    g.add((ds, VOID.triples, Literal(stats["triples"])))
    g.add((ds, VOID.classes, Literal(len(stats["classes"]))))
    g.add((ds, VOID.properties, Literal(len(stats["properties"]))))
    for example in EXAMPLES:
        g.add((ds, VOID.exampleResource, URIRef(settings.base_uri + example)))
    service = URIRef(root + "sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((ds, DCAT.distribution, service))
    for name, info in manifest["files"].items():
        dist = URIRef(root + dumps + name)
        g.add((ds, DCAT.distribution, dist))
        g.add((ds, VOID.dataDump, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.accessURL, dist))
        g.add((dist, DCAT.mediaType, URIRef(IANA + info["media_type"])))
        if info.get("encoding") == "gzip":
            g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((dist, DCAT.byteSize, Literal(info["bytes"], datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, LICENCE))
        g.add((dist, DCTERMS.title, Literal(f"{name} ({info['holds']})", lang="en")))
    _provenance(g, ds, manifest, root)
    for cls, count in stats["classes"].items():
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(count)))
    for prop, count in stats["properties"].items():
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(count)))
    namespaces = {p.rsplit("#", 1)[0] + "#" if "#" in p else p.rsplit("/", 1)[0] + "/" for p in stats["properties"]}
    for namespace in sorted(namespaces):
        g.add((ds, VOID.vocabulary, URIRef(namespace)))
    for index, linkset in enumerate(stats.get("linksets", [])):
        links = URIRef(f"{settings.base_uri}id/dataset/labgraph-linkset-{index + 1}")
        target = URIRef(linkset["target"])
        g.add((ds, VOID.subset, links))
        g.add((links, RDF.type, VOID.Linkset))
        g.add((links, VOID.subjectsTarget, ds))
        g.add((links, VOID.objectsTarget, target))
        g.add((links, VOID.linkPredicate, URIRef(linkset["predicate"])))
        g.add((links, VOID.triples, Literal(linkset["links"])))
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, VOID.uriSpace, Literal(linkset["target"])))
    for graph_iri, info in stats["graphs"].items():
        subset = URIRef(graph_iri)
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(info["triples"])))
        g.add((subset, VOID.distinctSubjects, Literal(info["subjects"])))
        if info.get("source"):
            g.add((subset, DCTERMS.source, URIRef(info["source"])))
    return g


def _provenance(g: Graph, ds: URIRef, manifest: dict[str, Any], root: str) -> None:
    """How this release was made, in PROV-O and DQV terms.

    The build is a ``prov:Activity`` (identified as ``/dumps/manifest.json#build``: the manifest
    is its record) that generated the dataset, the SHACL report and the manifest and used the
    shapes. The dataset ``dct:conformsTo`` the shapes (``/shapes``) and has the report
    (``/validation``) as its ``dqv:hasQualityMetadata``; each document names its download, media
    type, size and checksum (``spdx:checksum``, as DCAT 3 does) from the manifest. Builds made
    before the manifest listed these documents only get the activity and the manifest."""
    build = URIRef(root + "dumps/manifest.json#build")
    record = URIRef(root + "dumps/manifest.json")
    g.bind("prov", PROV)
    g.bind("dqv", DQV)
    g.bind("spdx", SPDX)
    g.add((ds, PROV.wasGeneratedBy, build))
    g.add((build, RDF.type, PROV.Activity))
    g.add((build, DCTERMS.identifier, Literal(manifest["build_id"])))
    g.add((build, PROV.endedAtTime, Literal(manifest["created"], datatype=XSD.dateTime)))
    g.add((build, PROV.generated, ds))
    g.add((build, RDFS.seeAlso, record))
    g.add((record, RDF.type, PROV.Entity))
    g.add((record, PROV.wasGeneratedBy, build))
    g.add((record, DCAT.mediaType, URIRef(IANA + "application/json")))
    g.add((record, DCTERMS.title, Literal("Build manifest: files and checksums, sources, statistics", lang="en")))
    quality = manifest.get("quality") or {}
    documents = {"shapes.ttl": URIRef(root + "shapes"), "validation.ttl": URIRef(root + "validation")}
    for name, info in quality.items():
        document = documents.get(name)
        if document is None:
            continue
        g.add((document, RDF.type, PROV.Entity))
        g.add((document, DCTERMS.title, Literal(info["holds"], lang="en")))
        g.add((document, DCAT.downloadURL, URIRef(root + "dumps/" + name)))
        g.add((document, DCAT.mediaType, URIRef(IANA + info["media_type"])))
        g.add((document, DCAT.byteSize, Literal(info["bytes"], datatype=XSD.nonNegativeInteger)))
        g.add((document, DCTERMS.conformsTo, SHACL_SPEC))
        checksum = BNode()
        g.add((document, SPDX.checksum, checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(info["sha256"], datatype=XSD.hexBinary)))
        if name == "shapes.ttl":
            g.add((ds, DCTERMS.conformsTo, document))
            g.add((document, RDF.type, DCTERMS.Standard))
            g.add((build, PROV.used, document))
        else:
            g.add((ds, DQV.hasQualityMetadata, document))
            g.add((document, RDF.type, DQV.QualityMetadata))
            g.add((document, PROV.wasGeneratedBy, build))
            g.add((build, PROV.generated, document))
    validation = manifest.get("validation")
    if validation and "validation.ttl" in quality:
        report = documents["validation.ttl"]
        summary = f"{validation['violations']} violation(s), {validation['warnings']} warning(s) or info(s)"
        g.add((report, RDFS.comment, Literal(summary, lang="en")))


def service_description(settings: Settings, manifest: dict[str, Any], endpoint: str) -> Graph:
    """SPARQL 1.1 Service Description of the endpoint, with VoID statistics of its dataset."""
    g = _graph(settings)
    service = BNode()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in RESULT_FORMATS:
        g.add((service, SD.resultFormat, URIRef(str(FORMATS) + fmt)))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, dataset_iri(settings)))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(manifest["stats"]["triples"])))
    for graph_iri, info in manifest["stats"]["graphs"].items():
        named, inner = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(graph_iri)))
        g.add((named, SD.graph, inner))
        g.add((inner, RDF.type, SD.Graph))
        g.add((inner, VOID.triples, Literal(info["triples"])))
    return g
