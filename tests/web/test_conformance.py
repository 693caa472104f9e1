"""The two independent conformance checkers, run against the live server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..conftest import CONFORMANCE, LiveServer

pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="conformance scripts not found beside the repository")

URIS = [
    "/id/lab/acco-lab",
    "/id/lab/openlab-nievre",
    "/id/lab/110-bis",
    "/id/network/labo-des-labs",
    "/id/network/communaute-labs-academie",
    "/id/network/innovation-places-network",
    "/id/event/journee-labs-academie-2021",
    "/id/event/openlabs-formation-2020-02-06",
    "/id/concept/method/co-development",
    "/id/concept/structure-kind/academy-lab",
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300)


def test_sparql_protocol_conformance(live: LiveServer) -> None:
    done = run(str(CONFORMANCE / "protocol.py"), live.url + "/sparql", "--probe-port", "0" if False else "18199")
    assert done.returncode == 0, done.stdout[-3000:]
    assert done.stdout.strip().splitlines()[-1].endswith(" 0 failed")


def test_linked_data_conformance(live: LiveServer) -> None:
    done = run(
        str(CONFORMANCE / "linkeddata.py"), live.url, "--iri-map", live.url + "/", "https://w3id.org/labgraph/", *URIS
    )
    assert done.returncode == 0, done.stdout[-3000:]
