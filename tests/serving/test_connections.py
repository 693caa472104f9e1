"""Slow and idle connections cannot lock other clients out (issue 21.1): real sockets against the
real app on the guarded waitress server, the attacker on another loopback address (127.0.0.2)
than the client it must not starve."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from labgraph.config import Settings
from labgraph.graph.build import BuildResult
from labgraph.serving.live import LiveApp

from .guarded import Served

ATTACKER = "127.0.0.2"


@pytest.fixture(scope="module")
def app(real_settings: Settings, built: BuildResult) -> Iterator[LiveApp]:
    live = LiveApp(real_settings.replace(reload_interval_s=0, query_workers=1))
    yield live
    live.close()


@pytest.fixture
def serve(app: LiveApp, real_settings: Settings) -> Iterator[Any]:
    servers: list[Served] = []

    def start(**changes: Any) -> Served:
        servers.append(Served(app, real_settings.replace(**changes)))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def slow_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind((ATTACKER, 0))
    sock.settimeout(2)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


class SlowClients:
    """``count`` connections from one address, each sending one byte of a request now and then,
    and opened again when the server closes them."""

    def __init__(self, port: int, count: int, every_s: float = 0.3) -> None:
        self.port, self.every_s = port, every_s
        self.sockets = [slow_socket(port) for _ in range(count)]
        self.stop = threading.Event()
        self.reopened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(self.every_s):
            for i, sock in enumerate(self.sockets):
                try:
                    sock.send(b"G")
                except OSError:
                    sock.close()
                    with contextlib.suppress(OSError):
                        self.sockets[i] = slow_socket(self.port)
                        self.reopened += 1

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


def test_two_hundred_slow_sockets_from_one_address_leave_other_clients_served(serve: Any) -> None:
    server = serve()
    attack = SlowClients(server.port, 200)
    try:
        time.sleep(1.0)  # every slow socket connected and trickling
        began = time.monotonic()
        response = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=5)
        took = time.monotonic() - began
        assert response.status_code == 200
        assert took < 3, took
        assert server.server.refused >= 180  # all but connections_per_address were turned away
        assert server.server.by_address[ATTACKER] <= 20
    finally:
        attack.close()


def test_a_refused_connection_is_told_why() -> None:
    from labgraph.serving.connections import REFUSAL

    head, body = REFUSAL.split(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in head
    assert int(head.split(b"Content-Length: ")[1]) == len(body) and b"connections_per_address" in body


def test_a_request_trickling_in_is_cut_at_the_read_deadline(serve: Any) -> None:
    server = serve(request_read_timeout_s=1.0)
    sock = slow_socket(server.port)
    sock.setblocking(True)
    sock.settimeout(0.1)
    began = time.monotonic()
    closed_after = None
    while time.monotonic() - began < 6:
        try:
            sock.send(b"G")  # one byte every 0.1 s: never silent for waitress's idle timeout
            if sock.recv(1024) == b"":
                closed_after = time.monotonic() - began
                break
        except TimeoutError:
            continue
        except OSError:
            closed_after = time.monotonic() - began
            break
    sock.close()
    assert closed_after is not None and 0.9 < closed_after < 3.5, closed_after


def test_the_trusted_proxy_is_not_limited_per_address(serve: Any) -> None:
    server = serve(trusted_proxy=ATTACKER, connections_per_address=5)
    attack = SlowClients(server.port, 12, every_s=0.2)
    try:
        time.sleep(0.8)
        assert server.server.refused == 0 and attack.reopened == 0
        assert len(server.server.active_channels) >= 12
    finally:
        attack.close()
