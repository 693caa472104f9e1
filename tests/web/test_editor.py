"""The query editor in a real headless Chromium (Debian's chromium and chromium-driver)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from ..conftest import ROOT, LiveServer
from .chromium import CHROMEDRIVER, CHROMIUM, _wait

YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build" / "yasgui.min.js"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and YASGUI.is_file()),
    reason="needs Debian chromium + chromium-driver and `make install` (npm ci); .ci/run installs them",
)


def test_editor_loads_without_console_errors(live: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(live.url + "/query")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_running_an_example_shows_a_table_with_local_links(live: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(live.url + "/query")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "button.example"))
    browser.find_element(By.CSS_SELECTOR, "button.example[data-name='labs-by-kind']").click()
    cells = _wait(
        browser,
        lambda d: [c.text for c in d.find_elements(By.CSS_SELECTOR, ".yasr table td") if c.text.strip()] or None,
    )
    assert any("Acco{lab" in text for text in cells)
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".yasr table td a")]
    local = [href for href in links if href and href.startswith(live.url + "/id/")]
    assert local, links[:5]
    assert requests.get(local[0], headers={"Accept": "text/html"}, timeout=10).status_code == 200


def test_shareable_link_reopens_the_query(live: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(live.url + "/query")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    link = browser.execute_script(
        "var tab = window.labgraphYasgui.getTab();"
        "tab.getYasqe().setValue('SELECT ?n WHERE { BIND(42 AS ?n) }');"
        "return tab.getShareableLink();"
    )
    assert link.startswith(live.url + "/query")
    browser.get(live.url + "/")  # leave the page, then follow the shared link
    browser.get(link)
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    text = browser.execute_script("return window.labgraphYasgui.getTab().getYasqe().getValue()")
    assert "BIND(42 AS ?n)" in text


def test_results_can_be_downloaded(live: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(live.url + "/query")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "button.example"))
    browser.find_element(By.CSS_SELECTOR, "button.example[data-name='labs-by-kind']").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table td"))
    assert browser.find_elements(By.CSS_SELECTOR, ".yasr .yasr_downloadIcon, .yasr [title*='ownload']")


@pytest.fixture(scope="module")
def started_like_make_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``make run`` as a newcomer runs it: ``labgraph build`` then ``labgraph serve`` from the
    project root, with the default project directory ``.`` (relative) and nothing else set but
    where the build goes. Settings built in-process use absolute paths and cannot show a path
    that only works relative to the working directory."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from ..conftest import _free_port

    build_dir = tmp_path_factory.mktemp("make-run-build")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABGRAPH_")}
    env["LABGRAPH_BUILD_DIR"] = str(build_dir)
    command = str(Path(sys.executable).parent / "labgraph")
    done = subprocess.run([command, "build"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen(
        [command, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine: the store loads and workers start first
        while True:
            try:
                if requests.get(url + "/", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            assert server.poll() is None and time.monotonic() < deadline, "labgraph serve did not start"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_front_end_files_are_served_under_the_documented_start(started_like_make_run: str) -> None:
    for path in (
        "/vendor/yasgui/yasgui.min.js",
        "/vendor/yasgui/yasgui.min.css",
        "/vendor/swagger-ui/swagger-ui-bundle.js",
        "/vendor/swagger-ui/swagger-ui.css",
    ):
        response = requests.get(started_like_make_run + path, timeout=10)
        assert response.status_code == 200, path
        assert len(response.content) > 1000, path


def test_editor_and_api_docs_render_under_the_documented_start(started_like_make_run: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(started_like_make_run + "/query")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    browser.get(started_like_make_run + "/api/docs")
    operations = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#swagger-ui .opblock"))
    assert len(operations) > 10  # one per catalogue query
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_front_end_files_are_served_from_a_relative_project_dir(real_settings, built, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``labgraph serve`` run in the checkout has project_dir "."; Flask would look for a relative
    folder under the package, and the editor and the API docs came without their scripts."""
    from pathlib import Path

    from ..conftest import _wait_ready

    monkeypatch.chdir(ROOT)
    server = LiveServer(real_settings.replace(project_dir=Path(".")))
    try:
        _wait_ready(server.url)
        for path in ("/vendor/yasgui/yasgui.min.js", "/vendor/swagger-ui/swagger-ui-bundle.js"):
            response = requests.get(server.url + path, timeout=10)
            assert response.status_code == 200, path
            assert response.headers["Content-Type"].startswith(("text/javascript", "application/javascript"))
    finally:
        server.close()


def test_the_result_pages_editor_link_opens_the_query(live: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    """A browser following a shared /sparql?query= link gets the result page (#16.1), whose
    "open in the editor" link opens YASGUI with that query in it."""
    from selenium.webdriver.common.by import By

    query = "SELECT ?n WHERE { BIND(43 AS ?n) }"
    browser.get(live.url + "/sparql?" + requests.compat.urlencode({"query": query}))
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "table.results td")]
    assert cells == ["43 ^^xsd:integer"]
    browser.find_element(By.CSS_SELECTOR, "a.open-editor").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    text = browser.execute_script("return window.labgraphYasgui.getTab().getYasqe().getValue()")
    assert "BIND(43 AS ?n)" in text
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
