"""Documents produced once per release are served again from memory, within a byte budget."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from labgraph.config import Settings
from labgraph.serving.app import open_app
from labgraph.web.cache import DocumentCache

LAB = "/doc/lab/acco-lab"


def test_least_recently_used_documents_leave_first_when_the_budget_is_spent() -> None:
    cache = DocumentCache(max_bytes=2400)  # room for eight documents of 300 bytes
    made: list[str] = []

    def get(key: str) -> bytes | None:
        return cache.get(key, lambda: made.append(key) or key.encode() * 300)  # type: ignore[func-returns-value]

    for key in "abcdefgh":
        get(key)
    get("a")  # a is now the most recently used
    get("i")  # over budget: b, the least recently used, leaves
    assert made == list("abcdefghi")
    assert get("a") == b"a" * 300 and made[-1] == "i"
    get("b")
    assert made[-1] == "b"
    assert cache.size <= 2400 and len(cache) == 8


def test_missing_and_oversized_documents_are_not_kept_and_zero_turns_the_cache_off() -> None:
    cache = DocumentCache(max_bytes=800)
    calls = []
    assert cache.get("gone", lambda: calls.append(1)) is None
    assert cache.get("gone", lambda: calls.append(1)) is None
    assert len(calls) == 2  # a 404 is asked again: nothing negative is remembered
    cache.get("big", lambda: b"x" * 500)  # more than an eighth of the budget
    assert len(cache) == 0
    off = DocumentCache(max_bytes=0)
    off.get("a", lambda: b"a")
    assert len(off) == 0 and off.get("a", lambda: b"b") == b"b"


@pytest.fixture
def app(server_settings: Settings) -> Iterator[Flask]:
    app, store = open_app(server_settings)
    yield app
    store.close()


def test_a_document_asked_twice_is_made_once_and_is_the_same_bytes(app: Flask) -> None:
    cache = app.extensions["labgraph"].documents
    client = app.test_client()
    first = client.get(LAB + ".ttl")
    misses = cache.misses
    second = client.get(LAB + ".ttl")
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data() and b"acco-lab" in first.get_data()
    assert cache.misses == misses and cache.hits >= 1
    assert first.headers["ETag"] == second.headers["ETag"]


def test_pages_are_kept_per_language_and_formats_apart(app: Flask) -> None:
    client = app.test_client()
    french = client.get(LAB + ".html", headers={"Accept-Language": "fr"}).get_data()
    english = client.get(LAB + ".html", headers={"Accept-Language": "en"}).get_data()
    assert french != english
    assert client.get(LAB + ".html", headers={"Accept-Language": "fr"}).get_data() == french
    assert client.get(LAB + ".nt").get_data() != client.get(LAB + ".ttl").get_data()


def test_a_page_asked_under_two_host_names_has_each_its_own_absolute_urls(app: Flask) -> None:
    """Pages write absolute URLs from the Host header (JSON-LD, citation, links): the page kept
    for one name is never served under another."""
    client = app.test_client()
    first = client.get(LAB + ".html", base_url="http://one.example").get_data(as_text=True)
    second = client.get(LAB + ".html", base_url="http://two.example").get_data(as_text=True)
    assert "http://one.example/" in first and "two.example" not in first
    assert "http://two.example/" in second and "one.example" not in second
    etags = {client.get(LAB + ".html", base_url=f"http://{h}.example").headers["ETag"] for h in ("one", "two")}
    assert len(etags) == 2


def test_an_unknown_resource_stays_a_404_after_being_asked(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/doc/lab/no-such-lab.ttl").status_code == 404
    assert client.get("/doc/lab/no-such-lab.ttl").status_code == 404


def test_derived_data_is_made_once_per_release_even_under_concurrent_first_use(app: Flask) -> None:
    """Cards, the search index and the reports are made once for the Site (the release); two
    names never wait for each other."""
    import threading
    import time

    site = app.extensions["labgraph"]
    made: list[str] = []
    started = threading.Event()

    def slow() -> str:
        made.append("slow")
        started.set()
        time.sleep(0.3)
        return "slow value"

    threads = [threading.Thread(target=site.derived, args=("slow", slow)) for _ in range(4)]
    for thread in threads:
        thread.start()
    started.wait(5)
    began = time.monotonic()
    assert site.derived("quick", lambda: "quick value") == "quick value"
    assert time.monotonic() - began < 0.2  # not held up by the slow one
    for thread in threads:
        thread.join()
    assert made == ["slow"] and site.derived("slow", slow) == "slow value"
    client = app.test_client()
    assert client.get("/api/labs.json").status_code == 200
    cards = site.derived("cards", lambda: None)
    assert cards is not None and cards.cards  # the route's index, kept under its name
