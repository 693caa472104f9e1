"""Errors never leak internals: no debugger, no traceback, one error shape."""

from __future__ import annotations

from labgraph.config import Settings
from labgraph.serving.app import open_app


def test_unexpected_exception_is_a_plain_500(server_settings: Settings) -> None:
    app, store = open_app(server_settings)
    try:
        assert app.debug is False

        @app.route("/boom")
        def boom() -> str:
            raise RuntimeError("secret internal detail")

        client = app.test_client()
        for accept in ("text/html", "application/json", "text/plain"):
            response = client.get("/boom", headers={"Accept": accept})
            assert response.status_code == 500
            body = response.get_data(as_text=True)
            assert "secret internal detail" not in body and "Traceback" not in body and "__debugger__" not in body
        assert client.get("/boom", headers={"Accept": "application/json"}).get_json()["error"]["status"] == 500
    finally:
        store.close()


def test_error_pages_escape_what_the_client_sent(server_settings: Settings) -> None:
    app, store = open_app(server_settings)
    try:
        response = app.test_client().get("/id/lab/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers={"Accept": "text/html"})
        assert response.status_code == 404
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    finally:
        store.close()
