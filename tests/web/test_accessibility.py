"""The pages audited by axe-core (issue 16.6) in the real Chromium: no serious or critical
violation on any of them, in French and in English.

axe-core (npm, installed by ``make install``) is injected through the webdriver: selenium's
``execute_script`` is a DevTools evaluation, which the pages' Content-Security-Policy does not
govern (it governs what the page itself loads and runs), so the policy stays as served. The
audit runs the WCAG 2.0/2.1 A and AA rules and axe's best practices, once the page's own
scripts have drawn it (the editor and the API docs are built by JavaScript).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from ..conftest import ROOT, LiveServer
from .chromium import CHROMEDRIVER, CHROMIUM, _wait

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and AXE.is_file()),
    reason="needs Debian chromium + chromium-driver and `make install` (npm ci installs axe-core)",
)

#: path -> CSS selector present once the page is drawn. One line per page audited.
PAGES = {
    "/": "main",
    "/doc/lab/acco-lab.html": "main h1",
    "/classes/": "main",
    "/classes/lg:Lab": "main",
    "/search?q=lab": "main",
    "/query": ".yasqe .CodeMirror",
    "/api/docs": ".opblock-summary",
    "/sparql": "main",
    "/validation": "main",
    "/nothing/here": "main",  # the error page
    "/map": ".leaflet-container .leaflet-marker-pane",
}
BLOCKING = ("serious", "critical")
RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 60).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def audit(driver, url: str, ready: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    from selenium.webdriver.common.by import By

    driver.get(url)
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    driver.execute_script(AXE.read_text("utf-8"))
    driver.set_script_timeout(60)
    return list(driver.execute_async_script(RUN))


def by_impact(violations: list[dict]) -> dict[str, int]:  # type: ignore[type-arg]
    return dict(Counter(v["impact"] or "none" for v in violations))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_no_serious_or_critical_violation(live: LiveServer, browser, path: str, language: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    if live.backend != "embedded":  # type: ignore[attr-defined]
        pytest.skip("the pages are the same on both backends: audited once")
    url = live.url + path + ("&" if "?" in path else "?") + f"lang={language}"
    violations = audit(browser, url, PAGES[path])
    print(f"axe {path} [{language}]: {by_impact(violations)} {[(v['id'], v['impact']) for v in violations]}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking, indent=1, ensure_ascii=False)


def test_the_audit_finds_what_it_must(live: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The audit itself: a page spoiled on purpose (an image without text, an input without a
    label, grey on grey) is reported, so an empty list above means something."""
    if live.backend != "embedded":  # type: ignore[attr-defined]
        pytest.skip("once is enough")
    audit(browser, live.url + "/", "main")
    browser.execute_script(  # styles through the DOM: the policy refuses style="" attributes
        "const m = document.querySelector('main');"
        "m.insertAdjacentHTML('beforeend', '<img src=\"/static/favicon.svg\"><input type=\"text\"><p>faint</p>');"
        "const p = m.lastElementChild; p.style.color = '#bbb'; p.style.background = '#ccc';"
    )
    found = {v["id"] for v in browser.execute_async_script(RUN)}
    assert {"image-alt", "label", "color-contrast"} <= found, found
