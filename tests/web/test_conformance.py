"""The two independent conformance checkers, run against the live server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..conftest import BASE, CONFORMANCE, LiveServer

pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="conformance scripts not found beside the repository")

EVERY = """
PREFIX lg: <https://w3id.org/labgraph/def/>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?s WHERE { VALUES ?c { lg:Lab lg:Network schema:Event schema:EventSeries skos:Concept } ?s a ?c }
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600)


def test_sparql_protocol_conformance(live: LiveServer) -> None:
    done = run(str(CONFORMANCE / "protocol.py"), live.url + "/sparql")
    assert done.returncode == 0, done.stdout[-3000:]
    assert done.stdout.strip().splitlines()[-1].endswith(" 0 failed")


def test_linked_data_conformance_of_every_lab_network_event_and_concept(live: LiveServer) -> None:
    uris = sorted({row["s"].value for row in live.store.select(EVERY)})
    paths = ["/" + uri.removeprefix(BASE) for uri in uris]
    assert len(paths) > 250
    if live.backend == "remote":
        # Every URI on the embedded store; on the remote one, which answers the same documents
        # through another path, every fourth (sorted, so each kind of resource is in the sample).
        paths = paths[::4]
    done = run(
        str(CONFORMANCE / "linkeddata.py"), live.url, "--iri-map", live.url + "/", BASE, *paths
    )
    failures = "\n".join(line for line in done.stdout.splitlines() if line.startswith("FAIL"))
    assert done.returncode == 0, failures[:3000]
    assert done.stdout.strip().splitlines()[-1].endswith(" 0 failed")
