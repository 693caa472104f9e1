"""Cite this (#16.5): CSL-JSON, BibTeX and DataCite XML of the dataset, the release and each
resource, by suffix, Accept and ?format=, and a "Citer" section on their pages."""

from __future__ import annotations

import json
import re
from html import unescape
from xml.etree import ElementTree

import bibtexparser
import pytest
import requests
from bibtexparser.bparser import BibTexParser

from labgraph.web.citation import BIBTEX, CSL_JSON, DATACITE, Citable, bibtex, datacite_xml, formatted, latex_escape

from ..conftest import BASE, LiveServer

DC = "{http://datacite.org/schema/kernel-4}"
ACCO = BASE + "id/lab/acco-lab"
TRICKY = Citable(
    key="labgraph-lab-x",
    kind="resource",
    title="Acco{lab} 50 % & Cie, élève à Besançon — œuvre_1 #2 $x ^ ~ \\",
    url=ACCO,
    identifier=ACCO,
    issued="2026-05-04T10:00:00+00:00",
    container="labgraph",
)


def _manifest(live: LiveServer) -> dict:  # type: ignore[type-arg]
    return requests.get(live.url + "/dumps/manifest.json", timeout=10).json()


def _bib_entry(text: str) -> dict[str, str]:
    parser = BibTexParser(common_strings=False)
    entries = bibtexparser.loads(text, parser=parser).entries
    assert len(entries) == 1
    return entries[0]


# ----------------------------------------------------------------------------- the formats


def test_bibtex_escapes_latex_specials_and_accents() -> None:
    assert latex_escape("{x} 50% & é") == r"\textbraceleft{}x\textbraceright{} 50\% \& {\'e}"
    entry = _bib_entry(bibtex(TRICKY).decode())
    assert entry["ENTRYTYPE"] == "misc" and entry["ID"] == "labgraph-lab-x"
    assert entry["title"] == (
        r"{Acco\textbraceleft{}lab\textbraceright{} 50 \% \& Cie, {\'e}l{\`e}ve {\`a} Besan{\c{c}}on --- "
        r"{\oe}uvre\_1 \#2 \$x \^{} \~{} \textbackslash{}}"
    )
    assert entry["year"] == "2026" and entry["url"] == ACCO
    # BibTeX counts every brace, escaped or not: each field's must pair
    for value in entry.values():
        assert value.count("{") == value.count("}")


def test_bibtex_is_ascii_for_french_text() -> None:
    assert bibtex(TRICKY).decode().isascii()


def test_datacite_xml_has_the_mandatory_properties() -> None:
    item = Citable("k", "dataset", "Titre & <co>", "https://example.org/", ACCO, "2026-05-04T10:00Z", doi="10.1234/x")
    root = ElementTree.fromstring(datacite_xml(item))
    assert root.tag == DC + "resource"
    identifier = root.find(DC + "identifier")
    assert identifier is not None and identifier.get("identifierType") == "DOI" and identifier.text == "10.1234/x"
    assert root.findtext(f"{DC}creators/{DC}creator/{DC}creatorName") == "labgraph"
    assert root.findtext(f"{DC}titles/{DC}title") == "Titre & <co>"
    assert root.findtext(DC + "publisher") == "labgraph" and root.findtext(DC + "publicationYear") == "2026"
    assert root.find(DC + "resourceType").get("resourceTypeGeneral") == "Dataset"  # type: ignore[union-attr]


def test_formatted_text_comes_from_citeproc_in_the_readers_language() -> None:
    assert "Disponible sur" in formatted(TRICKY, "fr") and "Available at" in formatted(TRICKY, "en")
    assert "Acco{lab} 50 % & Cie" in formatted(TRICKY, "fr")


# ----------------------------------------------------------------------------- the server


def test_the_dataset_in_every_format_by_suffix(live: LiveServer) -> None:
    csl = requests.get(live.url + "/cite/dataset.csl.json", timeout=10)
    assert csl.headers["Content-Type"] == CSL_JSON
    (item,) = csl.json()
    assert {"id", "type", "title", "author", "issued", "URL", "publisher"} <= set(item)
    assert item["type"] == "dataset" and item["issued"]["date-parts"][0][0] == int(_manifest(live)["created"][:4])
    bib = requests.get(live.url + "/cite/dataset.bib", timeout=10)
    assert bib.headers["Content-Type"].startswith(BIBTEX)
    assert _bib_entry(bib.text)["ID"] == "labgraph"
    xml = requests.get(live.url + "/cite/dataset.datacite.xml", timeout=10)
    assert xml.headers["Content-Type"] == DATACITE
    root = ElementTree.fromstring(xml.content)
    for path in (f"{DC}creators/{DC}creator/{DC}creatorName", f"{DC}titles/{DC}title", DC + "publisher"):
        assert root.findtext(path), path
    assert root.find(DC + "identifier") is None  # no DOI configured: the IRI as an alternate identifier
    alternates = [e.text for e in root.iter(DC + "alternateIdentifier")]
    assert BASE + "id/dataset/labgraph" in alternates


@pytest.mark.parametrize("accept,media", [(CSL_JSON, CSL_JSON), (BIBTEX, BIBTEX), (DATACITE, DATACITE)])
def test_the_dataset_by_accept(live: LiveServer, accept: str, media: str) -> None:
    response = requests.get(live.url + "/cite/dataset", headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
    assert "Accept" in response.headers["Vary"]


def test_the_release_is_cited_with_its_version(live: LiveServer) -> None:
    build = _manifest(live)["build_id"]
    (item,) = requests.get(f"{live.url}/cite/release/{build}", params={"format": "csl.json"}, timeout=10).json()
    assert item["version"] == build
    xml = ElementTree.fromstring(requests.get(f"{live.url}/cite/release/{build}.datacite.xml", timeout=10).content)
    assert xml.findtext(DC + "version") == build
    related = {(e.get("relationType"), e.text) for e in xml.iter(DC + "relatedIdentifier")}
    assert ("IsVersionOf", live.url + "/") in related
    assert _bib_entry(requests.get(f"{live.url}/cite/release/{build}.bib", timeout=10).text)["version"] == build


def test_unknown_citations_are_refused(live: LiveServer) -> None:
    assert requests.get(live.url + "/cite/release/19990101T000000Z.bib", timeout=10).status_code == 404
    assert requests.get(live.url + "/cite/nothing.bib", timeout=10).status_code == 404
    assert requests.get(live.url + "/cite/dataset.pdf", timeout=10).status_code == 404
    assert requests.get(live.url + "/cite/dataset", headers={"Accept": "image/png"}, timeout=10).status_code == 406
    # a resource has no DataCite record; the ontology has no citation
    assert requests.get(live.url + "/doc/lab/acco-lab.datacite.xml", timeout=10).status_code == 404
    assert requests.get(live.url + "/ontology.bib", timeout=10).status_code == 404


def test_a_resource_by_suffix_and_by_accept(live: LiveServer) -> None:
    (item,) = requests.get(live.url + "/doc/lab/acco-lab.csl.json", timeout=10).json()
    assert item["title"] == "Acco{lab" and item["URL"] == ACCO and item["container-title"]
    bib = requests.get(live.url + "/doc/lab/acco-lab.bib", timeout=10)
    assert bib.headers["Content-Type"].startswith(BIBTEX)
    entry = _bib_entry(bib.text)
    assert entry["title"] == r"{Acco\textbraceleft{}lab}" and entry["ID"] == "labgraph-lab-acco-lab"
    redirect = requests.get(
        live.url + "/id/lab/acco-lab", headers={"Accept": BIBTEX}, allow_redirects=False, timeout=10
    )
    assert redirect.status_code == 303 and redirect.headers["Location"].endswith("/doc/lab/acco-lab.bib")
    negotiated = requests.get(live.url + "/doc/lab/acco-lab", headers={"Accept": CSL_JSON}, timeout=10)
    assert negotiated.headers["Content-Type"] == CSL_JSON
    assert requests.get(live.url + "/doc/lab/acco-lab?format=bib", timeout=10).text == bib.text


def test_browsers_and_rdf_clients_still_get_what_they_got(live: LiveServer) -> None:
    expected = (("*/*", "text/html"), ("text/turtle", "text/turtle"), ("application/json", "application/ld+json"))
    for accept, media in expected:
        response = requests.get(live.url + "/doc/lab/acco-lab", headers={"Accept": accept}, timeout=10)
        assert response.headers["Content-Type"].split(";")[0] == media, accept


@pytest.mark.parametrize("path", ["/", "/dumps/", "/doc/lab/acco-lab.html"])
def test_pages_have_a_cite_section_with_working_downloads(live: LiveServer, path: str) -> None:
    html = requests.get(live.url + path, headers={"Accept": "text/html", "Accept-Language": "fr"}, timeout=30).text
    section = html[html.index('<section aria-labelledby="cite-title"') :]
    section = section[: section.index("</section>")]
    assert ">Citer</h2>" in section
    text = unescape(re.search(r'<p class="citation">(.*?)</p>', section, re.S).group(1))  # type: ignore[union-attr]
    assert "labgraph" in text and "Disponible sur" in text
    links = re.findall(r'<a href="([^"]+)" type="([^"]+)"', section)
    assert len(links) >= 2
    for href, media in links:
        response = requests.get(live.url + unescape(href), timeout=10)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(media), href
        if media == CSL_JSON:
            json.loads(response.text)
