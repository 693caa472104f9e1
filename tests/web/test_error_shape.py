"""One error shape on every endpoint: the status that the error's class maps to (web/errors.py,
the one table), the same JSON object, the setting behind a limit, and, for a client that asks
for nothing in particular, the representation the URL would have served (plain text where it
serves several, the API's JSON, the format a suffix names)."""

from __future__ import annotations

import pytest
import requests

from labgraph.errors import (
    CatalogueError,
    LabgraphError,
    ParameterError,
    ProtocolError,
    QueryCrashed,
    QueryFailed,
    QueryForbidden,
    QueryRejected,
    QueryTimeout,
    QueryTooLarge,
    RemoteLimit,
    RemoteTimeout,
    StoreUnavailable,
    TooBusy,
)
from labgraph.web.errors import status_of

from ..conftest import LiveServer

SPARQL_JSON = "application/sparql-results+json"
#: (method, path, params or body, status, setting, JSON media type to ask for, media type of */*)
CASES = [
    ("GET", "/sparql", {"query": "SELEKT * WHERE { ?s ?p ?o }"}, 400, None, SPARQL_JSON, "text/plain"),
    (
        "GET",
        "/sparql",
        {"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"},
        403,
        "service_allowlist",
        SPARQL_JSON,
        "text/plain",
    ),
    (
        "POST",
        "/sparql",
        {"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 17000},
        413,
        "max_query_bytes",
        SPARQL_JSON,
        "text/plain",
    ),
    (
        "GET",
        "/sparql",
        {"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 9000},
        414,
        "max_url_bytes",
        SPARQL_JSON,
        "text/plain",
    ),
    ("POST", "/sparql", {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}, 403, None, SPARQL_JSON, "text/plain"),
    ("GET", "/sparql", {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, 400, None, SPARQL_JSON, "text/plain"),
    ("GET", "/id/lab/no-such-lab", None, 404, None, "application/ld+json", None),
    ("GET", "/doc/lab/no-such-lab.ttl", None, 404, None, None, "text/turtle"),
    ("GET", "/api/queries/no-such-query", None, 404, None, "application/json", "text/plain"),
    ("GET", "/api/queries/events-in-range", {"start": "2020-13-45"}, 400, None, "application/json", "application/json"),
    ("GET", "/dumps/no-such-dump.nq", None, 404, None, "application/json", "text/plain"),
    ("GET", "/no/such/page", None, 404, None, "application/json", "text/plain"),
]


def _send(live: LiveServer, method: str, path: str, data: dict[str, str] | None, accept: str) -> requests.Response:
    if method == "POST":
        return requests.post(live.url + path, data=data, headers={"Accept": accept}, timeout=30)
    return requests.get(live.url + path, params=data, headers={"Accept": accept}, timeout=30)


@pytest.mark.parametrize(
    "method,path,data,status,setting,json_type,default_type", CASES, ids=[f"{c[0]} {c[1]} {c[3]}" for c in CASES]
)
def test_every_endpoint_answers_errors_in_one_shape(
    live: LiveServer,
    method: str,
    path: str,
    data: dict[str, str] | None,
    status: int,
    setting: str | None,
    json_type: str | None,
    default_type: str | None,
) -> None:
    if json_type:
        as_json = _send(live, method, path, data, json_type)
        assert as_json.status_code == status, as_json.text
        assert as_json.headers["Content-Type"].startswith(json_type)
        error = as_json.json()["error"]
        assert set(error) == {"status", "title", "message", "setting"}
        assert error["status"] == status and error["message"] and error["setting"] == setting
        assert as_json.headers["Cache-Control"] == "no-store"

    as_default = _send(live, method, path, data, "*/*")
    assert as_default.status_code == status
    if default_type:
        assert as_default.headers["Content-Type"].startswith(default_type)
    if default_type == "text/plain":
        assert as_default.text.startswith(f"{status} ")
        if setting:
            assert f"(setting: {setting})" in as_default.text
    elif default_type == "text/turtle":
        assert as_default.text.startswith(f"# {status} ")

    if path == "/sparql" or default_type == "text/turtle":
        return  # results have no HTML form yet (a browser's /sparql is issue #16); a suffix names its format
    as_html = _send(live, method, path, data, "text/html")
    assert as_html.status_code == status and as_html.headers["Content-Type"].startswith("text/html")
    assert "Traceback" not in as_html.text


@pytest.mark.parametrize(
    "error,status",
    [
        (QueryTooLarge("x"), 413),
        (QueryForbidden("x"), 403),
        (QueryRejected("x"), 400),
        (QueryFailed("x"), 400),
        (ParameterError("p", "x"), 400),
        (ProtocolError(415, "x"), 415),
        (CatalogueError("x"), 400),
        (RemoteTimeout("x"), 504),
        (QueryTimeout("x"), 503),
        (TooBusy("x"), 503),
        (QueryCrashed("x"), 500),
        (RemoteLimit("x"), 502),
        (StoreUnavailable("x"), 502),
        (LabgraphError("x"), 500),
    ],
)
def test_each_kind_of_error_has_its_status(error: LabgraphError, status: int) -> None:
    assert status_of(error) == status


def test_timeouts_are_timeouts_and_limits_name_their_setting() -> None:
    """A remote timeout is caught by whoever catches a timeout, and says which setting to raise."""
    assert isinstance(RemoteTimeout("x"), QueryTimeout)
    assert RemoteTimeout("x").setting == QueryTimeout("x").setting == "query_timeout_s"
    assert TooBusy("x").setting == "query_workers" and QueryTooLarge("x").setting == "max_query_bytes"
