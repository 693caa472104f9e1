"""``labgraph`` unchanged: ``python benchmarks/labgraph_form_post.py ARGS…`` is ``labgraph ARGS…``.

This launcher used to switch labgraph's remote store to form-encoded POSTs, because Virtuoso
7.2.5 never answers a POST of ``application/sparql-query``. The remote store now sends every
query form-encoded itself, so there is nothing left to change; the file stays only while
``run.py`` still starts "labgraph on Virtuoso" through it.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from labgraph.cli import main

    sys.argv[0] = "labgraph"
    sys.exit(main())
