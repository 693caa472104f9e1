"""The value of the ``store`` setting that names a remote SPARQL server, read apart from the
settings class so that the store's backends and the settings share one reading of it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from labgraph.errors import ConfigError

#: A comma, then the start of a URL: where the update URL begins in ``sparql:QUERY_URL,UPDATE_URL``.
_UPDATE_URL_START = re.compile(r",\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


def sparql_urls(store: str) -> tuple[str, str | None]:
    """The query URL and the optional update URL of ``sparql:QUERY_URL[,UPDATE_URL]``.

    A comma is legal in a URL (a query string may hold one), so the value is not split at every
    comma: the update URL starts after the *last* comma that is followed by a URL scheme
    (``,http://``, ``,https://``, or any ``,scheme://`` so that a wrong scheme is reported rather
    than taken into the query URL). A query URL that must hold such a sequence writes its
    comma as ``%2C``. Both URLs must be absolute http(s) URLs.
    """
    value = store.removeprefix("sparql:").strip()
    boundaries = list(_UPDATE_URL_START.finditer(value))
    if boundaries:
        last = boundaries[-1]
        query, update = value[: last.start()].strip(), value[last.end() :].strip()
    else:
        query, update = value, None
    if query.endswith(","):
        raise ConfigError(f"store: nothing follows the comma in {store!r} (sparql:QUERY_URL[,UPDATE_URL])")
    _check_http_url(query, "query URL", store)
    if update is not None:
        _check_http_url(update, "update URL", store)
    return query, update


def _check_http_url(url: str, role: str, store: str) -> None:
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [IPv6] host
        usable = False
    if not usable:
        raise ConfigError(f"store: the {role} must be an http:// or https:// URL, not {url!r} (in {store!r})")
