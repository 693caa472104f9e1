"""``labgraph serve``: the publisher on a production WSGI server (waitress), never Flask's
development server, on the last successful build, and on each new one as it lands."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from labgraph.build import current_release
from labgraph.config import Settings
from labgraph.errors import LabgraphError


def open_store(settings: Settings, extra_files: tuple[Path, ...] = ()):  # type: ignore[no-untyped-def]
    """The store named by the ``store`` setting, over the current release; the caller closes it."""
    from labgraph.store.embedded import EmbeddedStore
    from labgraph.store.remote import RemoteStore

    release = current_release(settings)
    if settings.store.startswith("oxigraph:"):
        release = Path(settings.store.removeprefix("oxigraph:"))
    if release is None:
        raise LabgraphError(f"no build in {settings.build_dir}: run `labgraph build` first")
    for extra in extra_files:
        if extra.suffix not in (".trig", ".nq"):
            raise LabgraphError(f"{extra}: only TriG (.trig) or N-Quads (.nq) files can be loaded beside the build")
    if settings.store.startswith("sparql:"):
        if extra_files:
            raise LabgraphError("--load only works with the embedded store; publish the files to the server instead")
        return RemoteStore(settings, settings.store.removeprefix("sparql:"), release)
    return EmbeddedStore(settings, release, extra_files)


def open_app(settings: Settings, extra_files: tuple[Path, ...] = ()):  # type: ignore[no-untyped-def]
    """The app and its store for the current release; the caller closes the store."""
    from labgraph.web import create_app

    store = open_store(settings, extra_files)
    return create_app(settings, store, store.release), store


def serve(settings: Settings, extra_files: tuple[Path, ...] = ()) -> None:
    import waitress

    from labgraph.live import LiveApp

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    _check_port(settings.host, settings.port)
    app = LiveApp(settings, extra_files)
    try:
        waitress.serve(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            ident="labgraph",
            url_scheme="http",
            clear_untrusted_proxy_headers=True,
        )
    finally:
        app.close()


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise LabgraphError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
