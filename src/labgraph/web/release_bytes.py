"""Answers that are the same bytes for the whole release (the map's GeoJSON and page, the
cards' listings): made once per key and kept in the document cache, with their gzip form.

A release never changes, so a filtered listing asked twice is the same bytes twice; the key
names what the bytes depend on (the route, the format, the language, the canonical filters).
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Response, request

from labgraph.web.context import site

GZIP_LEVEL = 6  # as Flask-Compress compresses the other answers


def canonical_query(params: dict[str, list[str]]) -> str:
    """The filters in one order and encoding, whatever order the request gave them in: two
    requests for the same selection share one key."""
    return urlencode(sorted((k, v) for k, vs in params.items() for v in vs))


def served_once(key: tuple[str, ...], make: Callable[[], bytes], content_type: str) -> Response:
    """Bytes made once per release and key and kept in the document cache, and their gzip form
    too: a 10,000-structure collection (25 MB) or its page would otherwise be compressed again
    by Flask-Compress on every request. Flask-Compress leaves a response with an encoding alone;
    the app's release_caching answers 304 on the ETag."""
    s = site()
    digest = hashlib.sha256("\x00".join(key).encode("utf-8")).hexdigest()[:16]
    etag = f"{s.store.build_id}-{digest}"
    if request.accept_encodings["gzip"] > 0:

        def packed() -> bytes:
            return gzip.compress(s.documents.get(key, make) or make(), GZIP_LEVEL, mtime=0)

        body = s.documents.get((*key, "gzip"), packed) or packed()
        response = Response(body, content_type=content_type)
        response.headers["Content-Encoding"] = "gzip"
        etag += ":gzip"  # Flask-Compress's convention for the validator of a compressed variant
    else:
        response = Response(s.documents.get(key, make) or make(), content_type=content_type)
    response.vary.add("Accept-Encoding")
    response.set_etag(etag)
    return response
