"""``labgraph`` with its remote store sending queries as POST application/x-www-form-urlencoded.

labgraph's remote store POSTs queries directly (``Content-Type: application/sparql-query``).
Virtuoso 7.2.5 (Debian's virtuoso-opensource) never answers such a request: the connection
hangs until the client gives up. Both forms are required by the SPARQL 1.1 Protocol, so this
launcher switches SPARQLWrapper to the URL-encoded form, which Virtuoso answers, and then runs
the real ``labgraph`` command line unchanged: ``python benchmarks/labgraph_form_post.py ARGS…``.
"""

from __future__ import annotations

import sys

import SPARQLWrapper.Wrapper as wrapper

_set_request_method = wrapper.SPARQLWrapper.setRequestMethod


def _url_encoded(self: wrapper.SPARQLWrapper, method: str) -> None:
    _set_request_method(self, wrapper.URLENCODED)


wrapper.SPARQLWrapper.setRequestMethod = _url_encoded  # type: ignore[method-assign]

if __name__ == "__main__":
    from labgraph.cli import main

    sys.argv[0] = "labgraph"
    sys.exit(main())
