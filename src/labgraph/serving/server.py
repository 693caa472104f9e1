"""``labgraph serve``: the publisher on a production WSGI server (waitress), never Flask's
development server, on the last successful build, and on each new one as it lands."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from labgraph.config import Settings
from labgraph.errors import LabgraphError
from labgraph.serving.log_rates import quiet_queue_warnings
from labgraph.store.factory import release_to_serve

log = logging.getLogger("labgraph.serve")


def serve(settings: Settings, extra_files: tuple[Path, ...] = ()) -> None:
    """Listen, then serve in this process or, with ``processes`` > 1, in that many children.

    Python runs one request's code at a time per process, so one process uses about one core
    whatever the number of threads; several processes accepting on the same socket use them
    all (the kernel spreads the connections), as gunicorn's pre-fork model does.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    quiet_queue_warnings()
    release_to_serve(settings)  # no build: say so once, rather than from every process
    listener = _listen(settings.host, settings.port)
    if settings.processes == 1:
        _serve_here(settings, extra_files, listener)
    else:
        _supervise(settings, extra_files, listener)


def _exit_on_term(*_: object) -> None:
    sys.exit(0)


def _serve_here(settings: Settings, extra_files: tuple[Path, ...], listener: socket.socket) -> None:
    # SIGTERM (a supervisor, systemd, docker stop) ends the server like Ctrl-C: stores closed,
    # query workers stopped. Set before the imports, which take a while on a loaded machine.
    signal.signal(signal.SIGTERM, _exit_on_term)
    from labgraph.contributions.desks import open_desks
    from labgraph.serving.connections import create_server
    from labgraph.serving.live import LiveApp

    app = LiveApp(settings, extra_files, desks=open_desks(settings))
    try:
        server = create_server(
            app, settings, listener, threads=settings.threads, ident="labgraph", url_scheme="http",
            **proxy_adjustments(settings),
        )
        log.info("serving on http://%s:%s", settings.host, server.effective_port)
        server.run()
    finally:
        app.close()


#: What a trusted proxy may tell: the client's scheme and host (for absolute URLs) and address.
FORWARDED_HEADERS = frozenset({"x-forwarded-proto", "x-forwarded-host", "x-forwarded-for"})


def proxy_adjustments(settings: Settings) -> dict[str, Any]:
    """waitress options for the ``trusted_proxy`` setting.

    waitress removes the X-Forwarded-* headers of an untrusted peer before the app sees them, so
    a client cannot make labgraph write URLs of another host (and poison a cache with them); from
    the trusted proxy, it applies them to the WSGI environment (scheme, Host, remote address).
    One hop is trusted: the proxy's own addition, the last value of each header.
    """
    if not settings.trusted_proxy:
        return {"clear_untrusted_proxy_headers": True}
    return {
        "trusted_proxy": settings.trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": set(FORWARDED_HEADERS),
        "clear_untrusted_proxy_headers": True,
    }


def _supervise(settings: Settings, extra_files: tuple[Path, ...], listener: socket.socket) -> None:
    """Fork the server processes, replace any that dies, and stop them all on SIGTERM/SIGINT.

    Children are forked before this process starts any thread or opens any store; each opens
    the release itself and follows new builds on its own.
    """
    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        # A child inherits the supervisor's handlers: a SIGTERM reaching it before it has its own
        # would run ``stop`` on its copy of ``children`` and leave it serving forever. So the
        # signals wait (blocked) across the fork until each side has the handler it needs.
        stops = {signal.SIGTERM, signal.SIGINT}
        signal.pthread_sigmask(signal.SIG_BLOCK, stops)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, _exit_on_term)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
                _serve_here(settings, extra_files, listener)
            except (KeyboardInterrupt, SystemExit):
                pass
            except BaseException:  # noqa: BLE001 - reported, then the supervisor starts another
                log.exception("server process %s failed", os.getpid())
                code = 1
            finally:
                os._exit(code)
        children.add(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    metrics_dir = shared_metrics_dir()
    for _ in range(settings.processes):
        spawn()
    log.info("serving with %d processes: %s", len(children), sorted(children))
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        children.discard(pid)
        if not stopping:
            log.warning("server process %s ended (status %s); starting another", pid, status)
            time.sleep(1.0)  # a release that cannot be served must not become a fork loop
            if not stopping:  # a stop during the pause must not start a process it never signals
                spawn()
    shutil.rmtree(metrics_dir, ignore_errors=True)


def shared_metrics_dir() -> Path:
    """A fresh directory where the server processes keep their metrics, for /metrics to sum.

    A scrape reaches whichever process accepts it, so each process's counters alone would jump
    from one scrape to the next; prometheus_client's multiprocess mode has every process write
    its values to files in one directory, named by its environment variable, which the
    children inherit (they import prometheus_client after the fork). The files of a process
    that died stay and keep being summed, so the counters never go backwards."""
    path = Path(tempfile.mkdtemp(prefix="labgraph-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    if "prometheus_client.values" in sys.modules:  # imported before the fork after all: switch it too
        from prometheus_client import values

        values.ValueClass = values.MultiProcessValue()
    return path


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise LabgraphError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    listener.listen(1024)
    return listener
