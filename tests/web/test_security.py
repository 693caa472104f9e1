"""Hostile data in pages (issue 21.4): IRIs of other schemes are shown, never linked, and every
response carries a Content-Security-Policy under which the editor and the API docs still work,
checked in a real headless Chromium that reports every violation."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
import requests

from labgraph.graph.build import run_build

from ..conftest import ROOT, LiveServer, _wait_ready, make_settings
from .chromium import CHROMEDRIVER, CHROMIUM, _wait
from .test_editor import YASGUI

#: A lab whose values and neighbours are IRIs a browser would run or render, stored in the data
#: as any contributor could write it (the build accepts them: each is a well-formed IRI).
PROBE_TTL = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix lg: <https://w3id.org/labgraph/def/> .
@prefix kind: <https://w3id.org/labgraph/id/concept/structure-kind/> .
@prefix doc: <https://w3id.org/labgraph/id/document/> .
<https://w3id.org/labgraph/id/lab/xss-probe> a lg:Lab ;
    rdfs:label "Sonde XSS"@fr , "XSS probe"@en ;
    org:classification kind:network ;
    schema:url <javascript:alert(document.domain)> ;
    owl:sameAs <JavaScript:alert(2)> , <https://example.org/fine> ;
    dct:relation <data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==> ;
    dct:source <vbscript:msgbox(4)> ;
    prov:wasDerivedFrom doc:culture-labo-des-labs .
<javascript:alert(5)> a lg:Lab ;
    rdfs:label "Sonde entrante"@fr , "Incoming probe"@en ;
    org:classification kind:network ;
    dct:relation <https://w3id.org/labgraph/id/lab/xss-probe> ;
    prov:wasDerivedFrom doc:culture-labo-des-labs .
"""
#: A link to anything but a page or a web address: what the pages must never write.
RUNNABLE_LINK = re.compile(r"""href\s*=\s*["']?\s*(?!https?:|/|#|\?)[a-z][a-z0-9+.-]*:""", re.IGNORECASE)


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A copy of the project with the probe in its data, built and served."""
    project = tmp_path_factory.mktemp("probe")
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, project / part)
    (project / "node_modules").symlink_to(ROOT / "node_modules")  # the editor's and API docs' packages
    (project / "data" / "documents" / "xss-probe.ttl").write_text(PROBE_TTL, encoding="utf-8")
    settings = make_settings(project, project / "build")
    run_build(settings)
    server = LiveServer(settings)
    _wait_ready(server.url)
    yield server
    server.close()


def get(server: LiveServer, path: str, **headers: str) -> requests.Response:
    return requests.get(server.url + path, headers={"Accept": "text/html", **headers}, timeout=10)


def test_other_schemes_are_shown_as_text_never_linked(probed: LiveServer) -> None:
    for language in ("fr", "en"):
        html = get(probed, "/doc/lab/xss-probe.html", **{"Accept-Language": language}).text
        assert "Sonde XSS" in html or "XSS probe" in html
        assert not RUNNABLE_LINK.search(html), RUNNABLE_LINK.search(html)
        assert "javascript:alert(document.domain)" in html  # still said, as text
        assert "vbscript:msgbox(4)" in html
        assert 'href="https://example.org/fine"' in html  # web addresses stay links
    listing = get(probed, "/classes/lg:Lab").text
    assert "Sonde entrante" in listing and not RUNNABLE_LINK.search(listing)
    assert 'href="/id/lab/xss-probe"' in listing


def test_the_runnable_link_check_itself() -> None:
    """The check itself: it catches the spellings a browser runs, and lets pages and web links be."""
    for bad in ('href="javascript:x"', "href='JavaScript:x'", "href=data:text/html,x", 'href=" vbscript:x"'):
        assert RUNNABLE_LINK.search(bad), bad
    for fine in ('href="/id/lab/x"', 'href="https://a.example/"', 'href="http://a"', 'href="#main"', 'href="?lang=en"'):
        assert not RUNNABLE_LINK.search(fine), fine


def _headers_ok(response: requests.Response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives.get("default-src") == "'none'", policy
    assert directives.get("script-src") == "'self'", policy  # no inline script, no eval, no other host
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'", policy
    assert "frame-ancestors" in directives, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"


def test_every_response_carries_the_policy_and_the_hardening_headers(probed: LiveServer) -> None:
    cases = [
        ("/", {}),
        ("/doc/lab/xss-probe.html", {}),
        ("/doc/lab/acco-lab.ttl", {"Accept": "text/turtle"}),
        ("/sparql?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"}),
        ("/query", {}),
        ("/api/docs", {}),
        ("/api/openapi.json", {"Accept": "application/json"}),
        ("/static/style.css", {}),
        ("/classes/nope:Nothing", {}),  # errors too
        ("/sparql?query=SELEKT", {"Accept": "application/sparql-results+json"}),
    ]
    for path, headers in cases:
        response = get(probed, path, **headers)
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        _headers_ok(response)
    first = get(probed, "/doc/lab/acco-lab.html")
    again = get(probed, "/doc/lab/acco-lab.html", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    _headers_ok(again)
    redirect = requests.get(probed.url + "/id/lab/acco-lab", allow_redirects=False, timeout=10)
    assert redirect.status_code == 303
    _headers_ok(redirect)


def test_the_editor_page_alone_may_apply_the_result_tables_style(probed: LiveServer) -> None:
    editor = get(probed, "/query").headers["Content-Security-Policy"]
    page = get(probed, "/").headers["Content-Security-Policy"]
    assert "style-src-elem 'self' 'sha256-" in editor
    assert "sha256-" not in page and "style-src-elem" not in page


# ----------------------------------------------------------------------------- in Chromium

chromium = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and YASGUI.is_file()),
    reason="needs Debian chromium + chromium-driver and `make install` (npm ci)",
)
#: Installed before any script of each page: records every CSP violation the page meets.
RECORDER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def recording(browser):  # type: ignore[no-untyped-def]  # noqa: F811
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    browser.get_log("browser")  # start with an empty console
    return browser


def _violations(driver) -> list[str]:  # type: ignore[no-untyped-def]
    recorded = driver.execute_script("return window.__violations || []")
    console = [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    return list(recorded) + console


@chromium
def test_the_editor_runs_a_query_under_the_policy(probed: LiveServer, recording) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    recording.get(probed.url + "/query")
    _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, "button.example"))
    recording.find_element(By.CSS_SELECTOR, "button.example[data-name='labs-by-kind']").click()
    cells = _wait(recording, lambda d: [c.text for c in d.find_elements(By.CSS_SELECTOR, ".yasr table td")] or None)
    assert any("Acco{lab" in text for text in cells)
    assert _violations(recording) == []


@chromium
def test_the_api_docs_run_an_operation_under_the_policy(probed: LiveServer, recording) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    recording.get(probed.url + "/api/docs")
    summaries = _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary"))
    summaries[0].click()
    _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, ".execute"))[0].click()
    _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, ".live-responses-table .response-col_status"))
    assert _violations(recording) == []


@chromium
def test_the_probe_page_has_nothing_to_run_and_the_policy_blocks_what_would(  # type: ignore[no-untyped-def]
    probed: LiveServer, recording
) -> None:
    from selenium.webdriver.common.by import By

    recording.get(probed.url + "/doc/lab/xss-probe.html")
    _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
    hrefs = [a.get_attribute("href") or "" for a in recording.find_elements(By.CSS_SELECTOR, "a")]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert _violations(recording) == []
    # Were a javascript: link ever written into a page, the policy would stop it.
    recording.execute_script(
        "var a = document.createElement('a'); a.id = 'planted'; a.href = 'javascript:window.__ran = 1';"
        "a.textContent = 'x'; document.body.appendChild(a);"
    )
    recording.find_element(By.ID, "planted").click()
    _wait(recording, lambda d: d.execute_script("return window.__violations.length") > 0)
    assert recording.execute_script("return window.__ran") is None
    assert any("script-src" in v for v in _violations(recording))
