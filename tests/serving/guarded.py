"""The real app on labgraph's guarded waitress server (serving/connections.py), as `labgraph serve`
runs it, on a free loopback port in a thread; and clients from another loopback address."""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from urllib.parse import urlencode

from labgraph.config import Settings
from labgraph.serving.connections import GuardedServer, create_server
from labgraph.serving.live import LiveApp
from labgraph.serving.server import _listen, proxy_adjustments

#: A second loopback address (Linux routes all of 127/8 to lo): another client.
OTHER = "127.0.0.2"


class Served:
    """The app on the guarded server, on a free loopback port, in a thread."""

    def __init__(self, app: LiveApp, settings: Settings, threads: int = 4) -> None:
        self.app = app
        self.listener = _listen("127.0.0.1", 0)
        self.server: GuardedServer = create_server(app, settings, self.listener, threads=threads,
                                                   **proxy_adjustments(settings))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # closed under its polling loop
            self.server.run()

    def close(self) -> None:
        from waitress import wasyncore

        self.server.close()
        wasyncore.close_all(self.server._map)
        self.server.task_dispatcher.shutdown()
        self.thread.join(timeout=5)


def get(port: int, path: str, source: str = "127.0.0.1", timeout_s: float = 30,
        accept: str = "application/sparql-results+json", **params: str) -> tuple[int, dict[str, str], bytes, float]:
    """Status, headers, body and seconds taken of one GET sent from ``source``."""
    began = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s, source_address=(source, 0))
    try:
        conn.request("GET", path + ("?" + urlencode(params) if params else ""),
                     headers={"Accept": accept})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body, time.monotonic() - began
    finally:
        with contextlib.suppress(OSError):
            conn.close()


def in_background(*calls: object) -> list[threading.Thread]:
    threads = [threading.Thread(target=call, daemon=True) for call in calls]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    return threads
