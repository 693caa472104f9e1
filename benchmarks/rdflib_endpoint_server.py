"""rdflib-endpoint serving a labgraph release: ``python benchmarks/rdflib_endpoint_server.py RELEASE PORT``.

``rdflib-endpoint serve FILE`` would load the files into a union-default-graph Dataset; this
loads the release with labgraph's semantics instead (named graphs, and their merge as the
default graph), exactly like the in-process rdflib measurement, then serves it with the
package's own ``SparqlEndpoint`` on uvicorn.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    import uvicorn
    from inprocess import load_rdflib
    from rdflib_endpoint import SparqlEndpoint

    release, port = Path(sys.argv[1]), int(sys.argv[2])
    started = time.perf_counter()
    dataset = load_rdflib(release)
    print(f"loaded in {time.perf_counter() - started:.3f} s", flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", public_url=f"http://127.0.0.1:{port}/sparql")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
