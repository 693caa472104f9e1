"""The whole cycle of a correction in a real headless Chromium, under the site's
Content-Security-Policy: from a card's link to the form, an error shown beside its field, the
fix, the receipt; a curator signs in, reviews and accepts; the new release is listed and the
card shows the new value."""

from __future__ import annotations

import re
import time

import pytest

from ..conftest import BASE, LiveServer
from .chromium import CHROMEDRIVER, CHROMIUM, _wait
from .test_review import PASSWORD, server  # noqa: F401 (server: a fixture, a private project)
from .test_security import RECORDER, _violations

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs Debian chromium + chromium-driver")

LAB = BASE + "id/lab/104factory"


def _text(driver) -> str:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "main").text)


def _submit(driver, css: str = "form.contribute button[type=submit]") -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, css).click()
    _wait(driver, lambda d: d.find_element(By.TAG_NAME, "html") != old or None)


def test_propose_fix_accept_and_see_the_card_change(server: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    browser.get_log("browser")
    browser.get(LAB.replace(BASE, server.url + "/") + "?lang=fr")
    link = browser.find_element(By.CSS_SELECTOR, "a.correct")
    assert "Proposer une correction" in link.text
    link.click()
    _wait(browser, lambda d: d.find_elements(By.ID, "foundingDate") or None)
    assert browser.find_element(By.ID, "label_fr").get_attribute("value")  # the card's own name, prefilled

    date = browser.find_element(By.ID, "foundingDate")
    date.send_keys("2013-13")
    _submit(browser)
    field = browser.find_element(By.ID, "foundingDate")
    assert field.get_attribute("aria-invalid") == "true" and field.get_attribute("value") == "2013-13"
    assert re.search(r"Date invalide|Invalid date", _text(browser))

    field.clear()
    field.send_keys("2013")
    _submit(browser)
    receipt = _text(browser)
    found = re.search(r"n° (\d+)", receipt)
    assert found, receipt
    number = found.group(1)
    assert browser.find_element(By.CSS_SELECTOR, "code.token").text

    browser.get(server.url + "/review")
    browser.find_element(By.ID, "name").send_keys("alice")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    _submit(browser)
    browser.find_element(By.LINK_TEXT, number).click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "p.conforms") or None)
    assert "2013" in _text(browser)
    _submit(browser, "button[name=decision][value=accept]")
    _wait(browser, lambda d: re.search(r"acceptée et publiée|accepted and published", _text(d)) or None, 120)
    release = re.search(r"(?:Publiée dans la version|Published in release) (\d+)", _text(browser))
    assert release, _text(browser)

    browser.get(server.url + "/releases/")
    assert re.search(rf"\b{release.group(1)}\b", _text(browser))
    deadline = time.monotonic() + 30
    browser.get(LAB.replace(BASE, server.url + "/") + "?lang=fr")
    while time.monotonic() < deadline:  # the server follows the new release
        browser.refresh()  # the page may be cached (Cache-Control max-age): a reload revalidates it
        card = browser.find_element(By.CSS_SELECTOR, "section.card").text
        if "2013" in card:
            break
        time.sleep(0.3)
    assert "2013" in card, card
    assert _violations(browser) == []
