"""The store the ``store`` setting names, over the release it names: the one place that picks a
backend, so the command line, the server and scripts all open the same one."""

from __future__ import annotations

from pathlib import Path

from labgraph.config import Settings
from labgraph.errors import LabgraphError, UnknownRelease
from labgraph.release import current
from labgraph.store.base import Store


def open_store(settings: Settings, extra_files: tuple[Path, ...] = ()) -> Store:
    """The configured store over the release to serve; the caller closes it.

    Backends are imported here, not at the top: the embedded one starts worker processes and the
    remote one needs an HTTP client, and a caller of one never pays for the other."""
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
    release = current(settings.build_dir)
    if release is None:
        raise LabgraphError(f"no build in {settings.build_dir}: run `labgraph build` first")
    return release


def open_release_store(settings: Settings, release: Path) -> Store:
    """A store over a kept older release, for queries pinned to it: embedded, on disk, read-only,
    one query worker (the pool's gate and deadline apply as to any query). A remote store holds
    only the release published to it, so pinned queries need the embedded one."""
    from labgraph.store.embedded import EmbeddedStore

    if settings.store.startswith("sparql:"):
        raise UnknownRelease("queries pinned to an older release need the embedded store (store = oxigraph)")
    return EmbeddedStore(settings.replace(store_memory=False, query_workers=1), release)
