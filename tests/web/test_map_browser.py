"""The map in a real headless Chromium, under the site's Content-Security-Policy: it draws the
located structures, a filter changes what it shows, a click or Enter on a focused marker opens
the structure's card, and with JavaScript off the list and its filter form still work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labgraph.config import Settings

from ..conftest import ROOT, LiveServer, _wait_ready
from .chromium import CHROMEDRIVER, CHROMIUM, _wait, chromium
from .test_security import RECORDER, _violations

LEAFLET = ROOT / "node_modules" / "leaflet" / "dist" / "leaflet.js"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and LEAFLET.is_file()),
    reason="needs Debian chromium + chromium-driver and `make install` (npm ci); .ci/run installs them",
)


@pytest.fixture(scope="module")
def server(server_settings: Settings) -> Iterator[LiveServer]:
    live = LiveServer(server_settings)
    _wait_ready(live.url)
    yield live
    live.close()


@pytest.fixture(scope="module")
def recording(browser):  # type: ignore[no-untyped-def]  # noqa: F811
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    browser.get_log("browser")
    return browser


def _ready(driver, url: str) -> int:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.get(url)
    host = _wait(
        driver,
        lambda d: (
            d.find_element(By.ID, "map")
            if d.find_element(By.ID, "map").get_attribute("data-state") != "waiting"
            else None
        ),
    )
    assert host.get_attribute("data-state") == "ready", driver.get_log("browser")
    return int(host.get_attribute("data-rendered"))


def _shown(driver) -> int:  # type: ignore[no-untyped-def]
    """Structures drawn in the metropolitan view: single markers plus the counts of clusters."""
    from selenium.webdriver.common.by import By

    view = driver.find_element(By.ID, "map-view-metropole")
    markers = view.find_elements(By.CSS_SELECTOR, ".lg-marker")
    clusters = [int(c.text) for c in view.find_elements(By.CSS_SELECTOR, ".lg-cluster")]
    return len(markers) + sum(clusters)


def test_the_map_draws_every_located_structure_and_a_filter_narrows_it(server: LiveServer, recording) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    assert _ready(recording, server.url + "/map?lang=en") == 14
    assert _wait(recording, lambda d: _shown(d) == 14)
    assert recording.find_elements(By.CSS_SELECTOR, "#map-view-973 path.leaflet-interactive, #map-view-973 path")
    Select(recording.find_element(By.ID, "filter-territory")).select_by_value("grand-est")  # submits the form
    _wait(recording, lambda d: "territory=grand-est" in d.current_url)
    assert _ready(recording, recording.current_url) == 2
    assert _wait(recording, lambda d: _shown(d) == 2)
    assert len(recording.find_elements(By.CSS_SELECTOR, ".map-table tbody tr")) == 2
    assert _violations(recording) == []


def test_a_click_and_enter_on_a_focused_marker_open_the_card(server: LiveServer, recording) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    assert _ready(recording, server.url + "/map?territory=haut-rhin&lang=fr") == 1
    marker = _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-view-metropole .lg-marker"))[0]
    assert marker.get_attribute("tabindex") == "0" and "OpenLab Haut-Rhin" in marker.get_attribute("aria-label")
    marker.click()
    panel = recording.find_element(By.ID, "map-card")
    _wait(recording, lambda d: "OpenLab Haut-Rhin" in panel.text or None)
    assert "Haut-Rhin" in panel.text and "Placée au centroïde de" in panel.text
    page = panel.find_element(By.CSS_SELECTOR, "a.map-card-page").get_attribute("href")
    assert page.endswith("/id/lab/openlab-haut-rhin?lang=fr")
    assert recording.switch_to.active_element.get_attribute("id") == "map-card-title"  # focus follows

    assert _ready(recording, server.url + "/map?territory=nievre&lang=fr") == 1
    marker = _wait(recording, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-view-metropole .lg-marker"))[0]
    recording.execute_script("arguments[0].focus()", marker)
    assert recording.switch_to.active_element == marker
    marker.send_keys(Keys.ENTER)
    panel = recording.find_element(By.ID, "map-card")
    _wait(recording, lambda d: "OpenLab Nièvre" in panel.text or None)
    assert _violations(recording) == []


@pytest.fixture(scope="module")
def no_script() -> Iterator[object]:
    with chromium(javascript=False) as driver:
        yield driver


def test_without_javascript_the_list_and_its_filters_work(server: LiveServer, no_script) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    no_script.get(server.url + "/carte?lang=fr")
    assert no_script.find_element(By.ID, "map").get_attribute("data-state") == "waiting"  # no script ran
    rows = no_script.find_elements(By.CSS_SELECTOR, ".map-table tbody tr")
    assert len(rows) == 14
    assert "Ecopia" in no_script.find_element(By.ID, "map-unlocated").text
    Select(no_script.find_element(By.ID, "filter-territory")).select_by_value("nievre")
    no_script.find_element(By.CSS_SELECTOR, "#map-filters button[type=submit]").click()
    _wait(no_script, lambda d: "territory=nievre" in d.current_url)
    rows = no_script.find_elements(By.CSS_SELECTOR, ".map-table tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "th").text for r in rows] == ["OpenLab Nièvre"]
