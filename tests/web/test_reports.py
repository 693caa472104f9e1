"""The build's SHACL report and shapes, published: downloads with checksums, negotiated HTML and
RDF documents, links from VoID, and the report's entries on each resource page."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, SH, VOID

from labgraph.config import Settings
from labgraph.graph.build import BuildResult, run_build

from ..conftest import BASE, ROOT, LiveServer, _wait_ready, make_settings

DQV = Namespace("http://www.w3.org/ns/dqv#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LGSH = Namespace(BASE + "def/shapes/")
LUCAS = BASE + "id/document/lucas-openlabs"


def turtle(response: requests.Response) -> Graph:
    assert response.status_code == 200, response.url
    assert response.headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


def test_report_shapes_and_manifest_are_downloads_with_their_checksums(live: LiveServer) -> None:
    manifest = requests.get(live.url + "/dumps/manifest.json", timeout=10)
    assert manifest.status_code == 200 and manifest.headers["Content-Type"] == "application/json"
    quality = manifest.json()["quality"]
    assert set(quality) == {"validation.ttl", "shapes.ttl"}
    for name, info in quality.items():
        response = requests.get(live.url + "/dumps/" + name, timeout=10)
        assert hashlib.sha256(response.content).hexdigest() == info["sha256"] and len(response.content) == info["bytes"]
    report = turtle(requests.get(live.url + "/dumps/validation.ttl", timeout=10))
    assert (None, SH.conforms, Literal(True)) in report
    shapes = turtle(requests.get(live.url + "/dumps/shapes.ttl", timeout=10))
    assert (LGSH.LabShape, RDF.type, SH.NodeShape) in shapes
    listing = requests.get(live.url + "/dumps/", timeout=10).text
    assert all(name in listing for name in ("validation.ttl", "shapes.ttl", "manifest.json"))


@pytest.mark.parametrize("name", ["validation", "shapes"])
def test_each_document_negotiates_like_a_resource(live: LiveServer, name: str) -> None:
    by_accept = requests.get(live.url + f"/{name}", headers={"Accept": "text/turtle"}, timeout=10)
    assert turtle(by_accept) and by_accept.headers["Content-Location"] == f"/{name}.ttl"
    assert "Accept" in by_accept.headers["Vary"]
    assert by_accept.content == requests.get(live.url + f"/dumps/{name if name == 'shapes' else 'validation'}.ttl",
                                             timeout=10).content
    browser = requests.get(live.url + f"/{name}", headers={"Accept": "text/html,*/*;q=0.8"}, timeout=10)
    assert browser.headers["Content-Type"].startswith("text/html")
    for query, parser in (("format=jsonld", "json-ld"), ("format=nt", "nt"), ("format=rdf", "xml")):
        response = requests.get(live.url + f"/{name}?{query}", headers={"Accept": "text/html"}, timeout=10)
        assert response.status_code == 200 and len(Graph().parse(data=response.text, format=parser)) > 0, query
    assert requests.get(live.url + f"/{name}.nt", timeout=10).headers["Content-Type"].startswith("application/n-tri")
    assert requests.get(live.url + f"/{name}.docx", timeout=10).status_code == 404
    assert requests.get(live.url + f"/{name}.ttl?format=html", timeout=10).status_code == 400
    assert requests.get(live.url + f"/{name}?format=docx", timeout=10).status_code == 406
    assert 'rel="alternate"' in by_accept.headers["Link"]


def test_the_pages_say_what_the_report_and_the_shapes_say(live: LiveServer, built: BuildResult) -> None:
    report = requests.get(live.url + "/validation.html", headers={"Accept-Language": "en"}, timeout=10).text
    assert built.report is not None and built.report.conforms
    # the real graph conforms; the identity cards' fields that the sources leave open are warnings
    assert "The graph conforms" in report and f"Warning: {len(built.report.warnings)}" in report
    shapes = requests.get(live.url + "/shapes.html", headers={"Accept-Language": "fr"}, timeout=10).text
    assert "lg:shapes/LabShape" in shapes and "sh:maxCount 1" in shapes
    assert "Un seul lg:maturityStage" in shapes  # the shapes' own French message, not copied text
    assert 'href="/def/Lab"' in shapes  # targets link to the class's page


def test_void_links_the_shapes_the_report_and_the_build(live: LiveServer) -> None:
    void = turtle(requests.get(live.url + "/void", headers={"Accept": "text/turtle"}, timeout=10))
    dataset = next(void.subjects(VOID.sparqlEndpoint, None))
    shapes, report = URIRef(live.url + "/shapes"), URIRef(live.url + "/validation")
    assert (dataset, DCTERMS.conformsTo, shapes) in void
    assert (dataset, DQV.hasQualityMetadata, report) in void
    build = void.value(dataset, PROV.wasGeneratedBy)
    assert (build, RDF.type, PROV.Activity) in void
    assert (build, PROV.used, shapes) in void and (build, PROV.generated, report) in void
    assert (report, PROV.wasGeneratedBy, build) in void and (report, RDF.type, PROV.Entity) in void
    assert (report, RDF.type, DQV.QualityMetadata) in void and (shapes, RDF.type, DCTERMS.Standard) in void
    manifest = requests.get(live.url + "/dumps/manifest.json", timeout=10).json()
    assert str(void.value(build, DCTERMS.identifier)) == manifest["build_id"]
    for document in (shapes, report):
        download = void.value(document, DCAT.downloadURL)
        body = requests.get(str(download), timeout=10).content
        checksum = void.value(void.value(document, SPDX.checksum), SPDX.checksumValue)
        assert hashlib.sha256(body).hexdigest() == str(checksum)
        assert requests.get(str(document), headers={"Accept": "text/turtle"}, timeout=10).status_code == 200
    assert requests.get(str(void.value(build, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"))),
                        timeout=10).json()["build_id"] == manifest["build_id"]


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A build in which a source document has lost its English label: the EnglishLabel shape's
    warning (not a violation, so the build is published) has it as focus node."""
    project = tmp_path_factory.mktemp("warned")
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, project / part)
    sources = project / "data" / "sources.ttl"
    text = sources.read_text("utf-8")
    label = 'rdfs:label "Les Open Labs"@fr , "The Open Labs"@en ;'
    assert text.count(label) == 1
    sources.write_text(text.replace(label, 'rdfs:label "Les Open Labs"@fr ;'), encoding="utf-8")
    settings: Settings = make_settings(project, tmp_path_factory.mktemp("warned-build"))
    built = run_build(settings)
    assert built.report is not None and built.report.conforms and built.report.warnings
    server = LiveServer(settings)
    _wait_ready(server.url)
    yield server
    server.close()


def test_a_resource_page_shows_the_warnings_it_is_the_focus_of(warned: LiveServer, built: BuildResult) -> None:
    page = warned.url + "/doc/document/lucas-openlabs.html"
    english = requests.get(page, headers={"Accept-Language": "en"}, timeout=10).text
    assert "Quality check" in english and "An English rdfs:label (@en) is missing." in english
    assert "Warning" in english and 'href="/validation.html"' in english
    chosen = requests.get(page + "?lang=en", headers={"Accept-Language": "fr"}, timeout=10).text
    assert "Quality check" in chosen and 'href="/validation.html?lang=en"' in chosen  # the choice holds
    french = requests.get(page, headers={"Accept-Language": "fr"}, timeout=10).text
    assert "Contrôle qualité" in french and "Il manque un rdfs:label en anglais" in french
    other = requests.get(warned.url + "/doc/document/culture-labo-des-labs.html", timeout=10).text
    assert "Contrôle qualité" not in other
    report = requests.get(warned.url + "/validation.html", headers={"Accept-Language": "en"}, timeout=10).text
    assert built.report is not None
    assert 'href="/id/document/lucas-openlabs"' in report and f"Warning: {len(built.report.warnings) + 1}" in report
    assert "The graph conforms" in report  # a warning is not a violation
    graph = turtle(requests.get(warned.url + "/validation.ttl", timeout=10))
    assert (None, SH.focusNode, URIRef(LUCAS)) in graph


def test_a_page_of_a_conforming_resource_has_no_quality_section(live: LiveServer, built: BuildResult) -> None:
    assert built.report is not None
    assert not any("culture-labo-des-labs" in w.focus for w in built.report.warnings)
    html = requests.get(live.url + "/doc/document/culture-labo-des-labs.html", timeout=10).text
    assert "Contrôle qualité" not in html


def test_a_build_that_did_not_validate_publishes_shapes_but_no_report(tmp_path_factory: pytest.TempPathFactory) -> None:
    project = tmp_path_factory.mktemp("unvalidated")
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, project / part)
    settings = make_settings(project, tmp_path_factory.mktemp("unvalidated-build"))
    run_build(settings, validate=False)
    server = LiveServer(settings)
    try:
        _wait_ready(server.url)
        assert requests.get(server.url + "/validation", timeout=10).status_code == 404
        assert requests.get(server.url + "/dumps/validation.ttl", timeout=10).status_code == 404
        assert requests.get(server.url + "/shapes.ttl", timeout=10).status_code == 200
        quality = requests.get(server.url + "/dumps/manifest.json", timeout=10).json()["quality"]
        assert set(quality) == {"shapes.ttl"}
        void = turtle(requests.get(server.url + "/void", headers={"Accept": "text/turtle"}, timeout=10))
        assert not list(void.objects(None, DQV.hasQualityMetadata))
        dataset = next(void.subjects(VOID.sparqlEndpoint, None))
        assert (dataset, DCTERMS.conformsTo, URIRef(server.url + "/shapes")) in void
        assert requests.get(server.url + "/doc/lab/acco-lab.html", timeout=10).status_code == 200
    finally:
        server.close()
