"""``labgraph serve``: the publisher on a production WSGI server (waitress), never Flask's
development server, on the last successful build, and on each new one as it lands."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from labgraph.build import current_release
from labgraph.config import Settings
from labgraph.errors import LabgraphError

log = logging.getLogger("labgraph.serve")


def open_store(settings: Settings, extra_files: tuple[Path, ...] = ()):  # type: ignore[no-untyped-def]
    """The store named by the ``store`` setting, over the current release; the caller closes it."""
    from labgraph.store.embedded import EmbeddedStore
    from labgraph.store.remote import RemoteStore

    release = release_to_serve(settings)
    for extra in extra_files:
        if extra.suffix not in (".trig", ".nq"):
            raise LabgraphError(f"{extra}: only TriG (.trig) or N-Quads (.nq) files can be loaded beside the build")
    if settings.store.startswith("sparql:"):
        if extra_files:
            raise LabgraphError("--load only works with the embedded store; publish the files to the server instead")
        assert settings.query_url is not None  # a sparql: store always has one (checked by Settings)
        return RemoteStore(settings, settings.query_url, release)
    return EmbeddedStore(settings, release, extra_files)


def release_to_serve(settings: Settings) -> Path:
    """The release the ``store`` setting names: a fixed one, or the last successful build."""
    if settings.store.startswith("oxigraph:"):
        return Path(settings.store.removeprefix("oxigraph:"))
    release = current_release(settings)
    if release is None:
        raise LabgraphError(f"no build in {settings.build_dir}: run `labgraph build` first")
    return release


def open_app(settings: Settings, extra_files: tuple[Path, ...] = ()):  # type: ignore[no-untyped-def]
    """The app and its store for the current release; the caller closes the store."""
    from labgraph.web import create_app

    store = open_store(settings, extra_files)
    return create_app(settings, store, store.release), store


def serve(settings: Settings, extra_files: tuple[Path, ...] = ()) -> None:
    """Listen, then serve in this process or, with ``processes`` > 1, in that many children.

    Python runs one request's code at a time per process, so one process uses about one core
    whatever the number of threads; several processes accepting on the same socket use them
    all (the kernel spreads the connections), as gunicorn's pre-fork model does.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    release_to_serve(settings)  # no build: say so once, rather than from every process
    listener = _listen(settings.host, settings.port)
    if settings.processes == 1:
        _serve_here(settings, extra_files, listener)
    else:
        _supervise(settings, extra_files, listener)


def _serve_here(settings: Settings, extra_files: tuple[Path, ...], listener: socket.socket) -> None:
    import waitress

    from labgraph.live import LiveApp

    # SIGTERM (a supervisor, systemd, docker stop) ends the server like Ctrl-C: stores closed,
    # query workers stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = LiveApp(settings, extra_files)
    try:
        waitress.serve(
            app,
            sockets=[listener],
            threads=settings.threads,
            ident="labgraph",
            url_scheme="http",
            **proxy_adjustments(settings),
        )
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
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                _serve_here(settings, extra_files, listener)
            except (KeyboardInterrupt, SystemExit):
                pass
            except BaseException:  # noqa: BLE001 - reported, then the supervisor starts another
                log.exception("server process %s failed", os.getpid())
                code = 1
            finally:
                os._exit(code)
        children.add(pid)

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
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
            spawn()


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
