"""labgraph behind the nginx that ``labgraph proxy-config`` writes: a real nginx (Debian's
``nginx`` package, run unprivileged from a temporary directory) caching a real labgraph server.

What must hold: repeated requests are answered from the cache, each Accept variant of one URL
gets its own answer, errors and POSTs never come from the cache, revalidation and conditional
requests work, and labgraph's URLs name the proxy, not the server behind it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from labgraph.config import Settings

from ..conftest import LiveServer, _free_port, _wait_ready

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")

LAB = "/id/lab/acco-lab"


class Nginx:
    """nginx in the foreground with the configuration the CLI writes, stopped by its own pid."""

    def __init__(self, settings: Settings, upstream: str, directory: Path) -> None:
        self.dir = directory
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.conf = directory / "nginx.conf"
        command = [
            sys.executable, "-m", "labgraph", "proxy-config", "--listen", f"127.0.0.1:{self.port}",
            "--upstream", upstream, "--standalone", str(directory), "--output", str(self.conf),
        ]
        if os.geteuid() == 0:  # workers would otherwise become nobody, who cannot enter tmp_path
            command += ["--user", "root"]
        env = {**os.environ, "LABGRAPH_QUERY_TIMEOUT_S": str(settings.query_timeout_s)}
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=60, env=env)
        for part in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / "tmp" / part).mkdir(parents=True, exist_ok=True)
        errors = directory / "error.log"
        self.process = subprocess.Popen(
            [str(NGINX), "-p", str(directory), "-c", str(self.conf), "-e", str(errors), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {errors.read_text() if errors.exists() else ''}")
            try:
                requests.get(self.url + "/sparql?query=ASK%7B%7D", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start within 20 s")

    def get(self, path: str, accept: str = "*/*", **headers: str) -> requests.Response:
        return requests.get(
            self.url + path, headers={"Accept": accept, **headers}, allow_redirects=False, timeout=10
        )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def status(response: requests.Response) -> str | None:
    return response.headers.get("X-Cache-Status")


def _pair(settings: Settings, directory: Path) -> tuple[LiveServer, Nginx]:
    server = LiveServer(settings.replace(trusted_proxy="127.0.0.1", reload_interval_s=0))
    _wait_ready(server.url)
    try:
        return server, Nginx(settings, f"127.0.0.1:{server.port}", directory)
    except Exception:
        server.close()
        raise


@pytest.fixture(scope="module")
def proxied(server_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    server, proxy = _pair(server_settings, tmp_path_factory.mktemp("nginx"))
    yield proxy
    proxy.stop()
    server.close()


def test_first_request_misses_then_hits(proxied: Nginx) -> None:
    path = "/doc/lab/acco-lab.ttl"
    first, second = proxied.get(path), proxied.get(path)
    assert (first.status_code, status(first)) == (200, "MISS")
    assert (second.status_code, status(second)) == (200, "HIT")
    assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]
    head = requests.head(proxied.url + path, timeout=10)
    assert (head.status_code, status(head)) == (200, "HIT")


def test_metrics_are_not_served_through_the_proxy(proxied: Nginx) -> None:
    """Every client of the proxy is on loopback, which metrics_allow admits by default: the
    recipe keeps /metrics to the servers' own addresses, and /health stays public."""
    assert proxied.get("/metrics").status_code == 404
    assert proxied.get("/health").status_code == 200


@pytest.mark.parametrize("origin", [None, "http://o.example"])
def test_each_accept_gets_its_own_answer_through_the_cache(proxied: Nginx, origin: str | None) -> None:
    """Turtle and JSON-LD alternate on one URL; every answer, cached or not, is the one asked for."""
    extra = {"Origin": origin} if origin else {}
    wanted = {"text/turtle": ".ttl", "application/ld+json": ".jsonld"}
    seen: list[str | None] = []
    for _ in range(3):
        for accept, ext in wanted.items():
            hop = proxied.get(LAB, accept, **extra)
            assert hop.status_code == 303 and hop.headers["Location"] == f"/doc/lab/acco-lab{ext}", accept
            document = proxied.get("/doc/lab/acco-lab", accept, **extra)
            assert document.status_code == 200
            assert document.headers["Content-Type"].split(";")[0] == accept
            assert document.headers["Content-Location"] == f"/doc/lab/acco-lab{ext}"
            seen += [status(hop), status(document)]
    assert seen[-4:] == ["HIT"] * 4  # both variants of both URLs stay cached side by side
    if origin:  # one copy serves every calling site
        other = proxied.get("/doc/lab/acco-lab", "text/turtle", Origin="http://other.example")
        assert status(other) == "HIT" and other.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_vary_by_language_through_the_cache(proxied: Nginx) -> None:
    pages = {lang: proxied.get("/doc/lab/acco-lab.html", "text/html", **{"Accept-Language": lang}) for lang in
             ("fr", "en", "fr")}
    again = proxied.get("/doc/lab/acco-lab.html", "text/html", **{"Accept-Language": "en"})
    assert status(again) == "HIT"
    assert again.headers["ETag"] == pages["en"].headers["ETag"] != pages["fr"].headers["ETag"]
    assert 'lang="en"' in again.text


def test_a_chosen_language_is_cached_once_and_links_keep_it(proxied: Nginx) -> None:
    """A page for ``?lang=en`` is the same bytes for every browser (no Vary: Accept-Language), so
    the cache keeps one copy; and the redirect its links go through keeps the choice, cached too."""
    path = "/doc/lab/acco-lab.html?lang=en"
    answers = [proxied.get(path, "text/html", **{"Accept-Language": lang}) for lang in ("fr", "en", "de", "fr")]
    assert [status(a) for a in answers[1:]] == ["HIT"] * 3
    assert len({a.content for a in answers}) == 1 and '<html lang="en">' in answers[0].text
    for _ in range(2):
        hop = proxied.get("/id/lab/acco-lab?lang=en", "text/html", **{"Accept-Language": "fr"})
        assert hop.status_code == 303 and hop.headers["Location"] == "/doc/lab/acco-lab.html?lang=en"
    assert status(hop) == "HIT"
    french = proxied.get("/doc/lab/acco-lab.html", "text/html", **{"Accept-Language": "fr"})
    assert '<html lang="fr">' in french.text  # the negotiated page is still kept apart


def test_location_and_absolute_urls_are_the_public_ones(proxied: Nginx) -> None:
    followed = requests.get(proxied.url + LAB, headers={"Accept": "text/turtle"}, timeout=10)
    assert followed.status_code == 200 and followed.url == proxied.url + "/doc/lab/acco-lab.ttl"
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    api = requests.get(proxied.url + "/api/openapi.json", headers=forged, timeout=10).json()
    assert api["servers"][0]["url"] == proxied.url  # the proxy replaced what the client claimed
    void = requests.get(proxied.url + "/void", headers={"Accept": "text/turtle", **forged}, timeout=10)
    assert proxied.url + "/sparql" in void.text and "evil.example" not in void.text


def test_post_is_never_cached(proxied: Nginx) -> None:
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    answers = [requests.post(proxied.url + "/sparql", data=query, timeout=10) for _ in range(2)]
    for answer in answers:
        assert answer.status_code == 200 and status(answer) in (None, "", "BYPASS")
        assert "no-store" in answer.headers["Cache-Control"]
    # and a POST does not fill the cache for the same query sent as a GET
    get = requests.get(proxied.url + "/sparql", params=query, timeout=10)
    assert (get.status_code, status(get)) == (200, "MISS")


def test_errors_are_not_served_from_the_cache(proxied: Nginx) -> None:
    for _ in range(2):
        missing = proxied.get("/doc/lab/no-such-lab.ttl")
        assert missing.status_code == 404 and status(missing) == "MISS"
    refused = proxied.get("/id/lab/acco-lab-2", "application/x-unknown")
    assert refused.status_code in (404, 406)
    unacceptable = proxied.get(LAB, "application/x-unknown")
    assert unacceptable.status_code == 406
    assert "no-store" in unacceptable.headers["Cache-Control"]
    fine = proxied.get(LAB, "text/turtle")
    assert fine.status_code == 303 and fine.headers["Location"].endswith(".ttl")
    bad = requests.get(proxied.url + "/sparql", params={"query": "SELEKT"}, timeout=10)
    assert bad.status_code == 400 and status(bad) == "MISS"


def test_conditional_requests_through_the_proxy(proxied: Nginx) -> None:
    path = "/doc/lab/acco-lab.jsonld"
    first = proxied.get(path)
    etag = first.headers["ETag"]
    again = proxied.get(path, **{"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    other = proxied.get(path, **{"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_expired_entries_are_revalidated_with_their_etag(
    server_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server, proxy = _pair(server_settings.replace(cache_max_age=1), tmp_path_factory.mktemp("nginx-short"))
    try:
        path = "/doc/lab/acco-lab.ttl"
        first = proxy.get(path)
        assert status(first) == "MISS"
        time.sleep(2.5)  # nginx counts whole seconds
        later = proxy.get(path)
        # labgraph answered the proxy's If-None-Match with a 304: the cached body is served again
        assert (later.status_code, status(later)) == (200, "REVALIDATED")
        assert later.content == first.content
    finally:
        proxy.stop()
        server.close()


def test_conf_d_file_is_accepted_by_nginx(tmp_path: Path) -> None:
    """The default shape, included in the http block of an existing nginx, passes ``nginx -t``."""
    snippet = tmp_path / "labgraph.conf"
    done = subprocess.run(
        [sys.executable, "-m", "labgraph", "proxy-config", "--listen", f"127.0.0.1:{_free_port()}",
         "--upstream", "127.0.0.1:8081", "--upstream", "127.0.0.1:8082", "--cache-dir", str(tmp_path / "cache"),
         "--server-name", "data.example.org", "--output", str(snippet)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    text = snippet.read_text("utf-8")
    assert "server 127.0.0.1:8081;" in text and "server 127.0.0.1:8082;" in text
    # Slow and greedy clients are bounded at the proxy as at labgraph's own server (issue 21.1).
    for limit in ("limit_conn labgraph_conn 20;", "client_header_timeout 10s;", "client_body_timeout 10s;",
                  "keepalive_timeout 15s;"):
        assert limit in text
    text = text.replace("/var/log/nginx/labgraph.log", str(tmp_path / "access.log"))
    snippet.write_text(text, encoding="utf-8")
    temp = "".join(f"{name}_temp_path {tmp_path / name};\n" for name in ("client_body", "proxy", "fastcgi",
                                                                          "uwsgi", "scgi"))
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path / 'nginx.pid'};\nevents {{}}\nhttp {{\n{temp}include {snippet};\n}}\n")
    checked = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


def test_values_that_would_break_the_configuration_are_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "labgraph", "proxy-config", "--upstream", "127.0.0.1:1; include /etc/passwd"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1 and "not an nginx address" in done.stderr
