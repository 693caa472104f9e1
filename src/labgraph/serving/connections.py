"""waitress with bounded connections: a few clients holding sockets open cannot lock others out.

waitress stops accepting at ``connection_limit`` open connections and only closes a connection
that has been silent for ``channel_timeout``, so about a hundred sockets that send one byte a
second hold every slot for ever (issue 21.1). Two small additions to its server close that hole:

* a per-address limit (``connections_per_address``): a connection from an address that already
  holds that many is answered 503 and closed at once, so one client can take only its share of
  ``connection_limit``. The trusted proxy is exempt (all its clients share its address; the
  proxy limits them itself, see the nginx recipe);
* a request deadline (``request_read_timeout_s``): a request's headers and body must arrive
  within that long of its first byte, however steadily they trickle in.

Idle keep-alive connections are closed after ``idle_timeout_s`` (waitress's channel_timeout).
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections import Counter
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import WSGITask

from labgraph.config import Settings
from labgraph.store.base import ARRIVED

#: Sent (best effort, never waited for) to a connection refused for its address's count.
_REFUSAL_TEXT = b"too many connections from your address (connections_per_address)\n"
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
    b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(_REFUSAL_TEXT), _REFUSAL_TEXT)
)


def server_adjustments(settings: Settings) -> dict[str, Any]:
    """waitress's own options for the connection settings. Maintenance (where the deadlines are
    checked) runs every second, so a deadline is kept to within about a second."""
    return {
        "connection_limit": settings.connection_limit,
        "channel_timeout": max(1, round(settings.idle_timeout_s)),
        "cleanup_interval": 1,
    }


class ArrivalTask(WSGITask):
    """A request's task, which tells the app when the server had read the request (ARRIVED):
    time spent queued for a thread then counts in the query's worker_wait_s."""

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        arrived = getattr(self.request, "labgraph_arrived", None)
        if arrived is not None:
            environ[ARRIVED] = arrived
        return environ


class GuardedChannel(HTTPChannel):
    """An HTTP channel that remembers when the request it is reading began, and when each
    request was read in full."""

    task_class = ArrivalTask
    request_began = 0.0

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_began = time.monotonic()
        queued = len(self.requests)
        done = bool(super().received(data))
        now = time.monotonic()
        for request in self.requests[queued:]:
            request.labgraph_arrived = now
        return done

    def del_channel(self, map: Any = None) -> None:
        if not getattr(self, "_counted_out", True):
            self._counted_out = True
            self.server.release_address(self.addr)
        super().del_channel(map)


class GuardedServer(TcpWSGIServer):
    """waitress's TCP server with the per-address limit and the request deadline."""

    channel_class = GuardedChannel

    def __init__(self, application: Any, *, per_address: int, read_timeout_s: float, exempt: str,
                 **kwargs: Any) -> None:
        self.per_address = per_address
        self.read_timeout_s = read_timeout_s
        self.exempt = exempt  # the trusted proxy's address, or "*" for every peer, or ""
        self.by_address: Counter[str] = Counter()
        self.refused = 0  # connections refused for their address's count (for tests and metrics)
        super().__init__(application, **kwargs)

    def handle_accept(self) -> None:
        try:
            accepted = self.accept()
            if accepted is None:
                return
            conn, addr = accepted
            self.set_socket_options(conn)
        except OSError:
            return
        host = addr[0] if isinstance(addr, tuple) else str(addr)
        limited = self.exempt not in ("*", host)
        if limited and self.by_address[host] >= self.per_address:
            self.refused += 1
            with contextlib.suppress(OSError):
                conn.setblocking(False)
                conn.send(REFUSAL)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
            return
        channel = self.channel_class(self, conn, self.fix_addr(addr), self.adj, map=self._map)
        if limited:
            self.by_address[host] += 1
            channel._counted_out = False

    def release_address(self, addr: Any) -> None:
        host = addr[0] if isinstance(addr, tuple) else str(addr)
        self.by_address[host] -= 1
        if self.by_address[host] <= 0:
            del self.by_address[host]

    def maintenance(self, now: float) -> None:
        """waitress's idle timeout, then the request deadline: a channel still reading a request
        (no task running for it) that began more than ``read_timeout_s`` ago is closed."""
        super().maintenance(now)
        cutoff = time.monotonic() - self.read_timeout_s
        for channel in list(self.active_channels.values()):
            if not channel.requests and channel.request is not None and channel.request_began < cutoff:
                channel.will_close = True


def create_server(application: Any, settings: Settings, listener: socket.socket, **options: Any) -> GuardedServer:
    """The guarded server on an already listening socket; ``options`` are waitress's own."""
    adj = Adjustments(sockets=[listener], **server_adjustments(settings), **options)
    sockinfo = (listener.family, listener.type, listener.proto, listener.getsockname())
    return GuardedServer(
        application,
        per_address=settings.connections_per_address,
        read_timeout_s=settings.request_read_timeout_s,
        exempt=settings.trusted_proxy,
        _sock=listener,
        adj=adj,
        bind_socket=False,
        sockinfo=sockinfo,
    )
