"""Discovery (#16.4): /sitemap.xml (split past sitemap_max_urls), /robots.txt pointing to it,
and the dataset as a schema.org Dataset in JSON-LD on the home page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from ..conftest import BASE, LiveServer

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SDO = Namespace("http://schema.org/")


def _xml(url: str) -> ElementTree.Element:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def _locations(root: ElementTree.Element) -> list[str]:
    return [loc.text or "" for loc in root.iter(SM + "loc")]


def _created(live: LiveServer) -> str:
    return requests.get(live.url + "/dumps/manifest.json", timeout=10).json()["created"]


def test_the_sitemap_lists_the_main_pages_and_every_resource(live: LiveServer) -> None:
    root = _xml(live.url + "/sitemap.xml")
    assert root.tag == SM + "urlset"
    urls = _locations(root)
    assert len(urls) == len(set(urls))
    assert all(url.startswith(live.url + "/") for url in urls)  # absolute, on the sitemap's host
    for path in ("/", "/classes/", "/sparql", "/ontology.html", "/dumps/", "/classes/lg:Lab", "/doc/lab/acco-lab"):
        assert live.url + path in urls, path
    assert not [url for url in urls if "/doc/membership/" in url]  # qualifying nodes have no entry
    labs = requests.get(
        live.url + "/sparql",
        params={"query": f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?l a <{BASE}def/Lab> }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert len([url for url in urls if "/doc/lab/" in url]) == int(labs)
    assert {m.text for m in root.iter(SM + "lastmod")} == {_created(live)}


def test_sitemap_resource_urls_answer_a_browser_with_the_page(live: LiveServer) -> None:
    urls = [url for url in _locations(_xml(live.url + "/sitemap.xml")) if "/doc/" in url]
    for url in urls[:: max(1, len(urls) // 8)]:
        response = requests.get(url, headers={"Accept": "text/html"}, allow_redirects=False, timeout=30)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"].startswith("text/html")


def test_robots_txt_points_to_the_sitemap(live: LiveServer) -> None:
    response = requests.get(live.url + "/robots.txt", timeout=10)
    assert response.headers["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert f"Sitemap: {live.url}/sitemap.xml" in lines and "Disallow: /sparql" in lines


@pytest.fixture(scope="module")
def small_sitemaps(server_settings) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    from ..conftest import _wait_ready

    server = LiveServer(server_settings.replace(sitemap_max_urls=50))
    try:
        _wait_ready(server.url)
        yield server
    finally:
        server.close()


def test_past_the_limit_the_sitemap_is_an_index_of_parts(small_sitemaps: LiveServer, live: LiveServer) -> None:
    index = _xml(small_sitemaps.url + "/sitemap.xml")
    assert index.tag == SM + "sitemapindex"
    parts = _locations(index)
    assert parts == [f"{small_sitemaps.url}/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    listed: list[str] = []
    for url in parts:
        part = _xml(url)
        assert part.tag == SM + "urlset"
        assert 0 < len(_locations(part)) <= 50
        listed += _locations(part)
    whole = _locations(_xml(live.url + "/sitemap.xml"))
    assert [u.replace(small_sitemaps.url, "") for u in listed] == [u.replace(live.url, "") for u in whole]
    assert requests.get(f"{small_sitemaps.url}/sitemap-{len(parts) + 1}.xml", timeout=10).status_code == 404
    assert requests.get(f"{small_sitemaps.url}/sitemap-0.xml", timeout=10).status_code == 404


def test_an_unsplit_sitemap_has_no_parts(live: LiveServer) -> None:
    assert requests.get(live.url + "/sitemap-1.xml", timeout=10).status_code == 404


def _home_dataset(live: LiveServer) -> dict:  # type: ignore[type-arg]
    html = requests.get(live.url + "/", headers={"Accept": "text/html"}, timeout=30).text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    found = [json.loads(block) for block in blocks]
    datasets = [d for d in found if d.get("@type") == "Dataset"]
    assert len(datasets) == 1
    return datasets[0]


def test_the_home_page_embeds_a_schema_org_dataset(live: LiveServer) -> None:
    data = _home_dataset(live)
    # Google's required and recommended properties for a Dataset
    for key in ("name", "description", "license", "creator", "publisher", "distribution", "url", "identifier"):
        assert data.get(key), key
    assert 50 <= len(data["description"]) <= 5000
    assert data["version"] == requests.get(live.url + "/dumps/manifest.json", timeout=10).json()["build_id"]
    assert data["spatialCoverage"]["name"] == "France"
    assert data["creator"]["@type"] == "Organization" and data["creator"]["name"]
    for download in data["distribution"]:
        assert download["@type"] == "DataDownload"
        assert download["encodingFormat"]
        response = requests.head(download["contentUrl"].replace(data["url"], live.url + "/"), timeout=10)
        assert response.status_code == 200, download["contentUrl"]
    assert {d["encodingFormat"] for d in data["distribution"]} >= {"text/turtle", "application/gzip"}


def test_the_embedded_dataset_is_json_ld_that_rdflib_reads(live: LiveServer) -> None:
    data = _home_dataset(live)
    data["@context"] = {"@vocab": str(SDO)}  # the schema.org context, without fetching it
    graph = Graph().parse(data=json.dumps(data), format="json-ld")
    dataset = URIRef(data["@id"])
    assert (dataset, RDF.type, SDO.Dataset) in graph
    assert graph.value(dataset, SDO.version) == Literal(data["version"])
    downloads = list(graph.objects(dataset, SDO.distribution))
    assert downloads and all(graph.value(d, SDO.contentUrl) is not None for d in downloads)
