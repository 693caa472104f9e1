"""X-Forwarded-* headers: believed from the trusted proxy only (``trusted_proxy``), since they
decide the scheme and host of every absolute URL labgraph writes, and a cache keeps those."""

from __future__ import annotations

import pytest
import requests

from labgraph.config import Settings

from ..conftest import LiveServer, _wait_ready

FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "data.example.org", "X-Forwarded-For": "192.0.2.7"}


@pytest.fixture(scope="module")
def behind_proxy(server_settings: Settings):  # type: ignore[no-untyped-def]
    """The server as deployed behind a proxy on the same host (the test client plays the proxy)."""
    server = LiveServer(server_settings.replace(trusted_proxy="127.0.0.1"))
    _wait_ready(server.url)
    yield server
    server.close()


def servers_url(base: str, headers: dict[str, str]) -> str:
    response = requests.get(base + "/api/openapi.json", headers=headers, timeout=10)
    response.raise_for_status()
    return str(response.json()["servers"][0]["url"])


def test_a_trusted_proxy_sets_the_public_scheme_and_host(behind_proxy: LiveServer) -> None:
    assert servers_url(behind_proxy.url, FORGED) == "https://data.example.org"
    assert servers_url(behind_proxy.url, {**FORGED, "X-Forwarded-Host": "data.example.org:8443"}) == (
        "https://data.example.org:8443"
    )
    # Without the headers, the request's own Host.
    assert servers_url(behind_proxy.url, {}) == behind_proxy.url


def test_forwarded_headers_of_anyone_else_are_ignored(live: LiveServer) -> None:
    assert servers_url(live.url, FORGED) == live.url


def test_trusted_proxy_is_a_setting() -> None:
    assert Settings.load(environ={"LABGRAPH_TRUSTED_PROXY": "127.0.0.1"}).trusted_proxy == "127.0.0.1"
    assert Settings.load(environ={}).trusted_proxy == ""
