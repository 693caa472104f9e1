"""Release numbers, diffs and the history, from real builds of a throw-away project
(conftest's ``release_series``: three releases with known edits and one failed build)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from labgraph.errors import LabgraphError
from labgraph.graph.build import run_build
from labgraph.release import CHANGES, HISTORY, RELEASES, Release, read_history
from tests.conftest import BASE, ReleaseSeries, make_settings

pytestmark = pytest.mark.base

ACCO = f"<{BASE}id/lab/acco-lab>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
CULTURE_GRAPH = f"<{BASE}graph/culture-labo-des-labs>"
#: One line of RDF Patch: an operation, then terms, then " ." (https://afs.github.io/rdf-patch/).
TERM = r'(?:<[^>\s]*>|_:[A-Za-z0-9]+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>\s]*>)?)'
PATCH_LINE = re.compile(rf"^(?:H \w+ {TERM} \.|TX \.|TC \.|[AD] {TERM} {TERM} {TERM}(?: {TERM})? \.)$")


def test_every_build_is_numbered_and_a_failed_one_consumes_no_number(release_series: ReleaseSeries) -> None:
    assert isinstance(release_series.failure, LabgraphError)
    assert [Release(p).number for p in release_series.releases] == [1, 2, 3]
    history = read_history(release_series.settings.build_dir / RELEASES / HISTORY)
    assert [e["number"] for e in history["releases"]] == [1, 2, 3]
    third = history["releases"][2]
    manifest = Release(release_series.releases[2]).manifest
    assert third["build_id"] == manifest["build_id"] and third["created"] == manifest["created"]
    assert third["sha256_nq"] == manifest["files"]["labgraph.nq"]["sha256"]
    assert third["triples"] == manifest["stats"]["triples"]


def test_the_diff_names_the_changed_triples(release_series: ReleaseSeries) -> None:
    changes = release_series.releases[1] / CHANGES
    added = (changes / "added.nq").read_text("utf-8").splitlines()
    assert added == [f'{ACCO} {LABEL} "Accolab"@en {CULTURE_GRAPH} .']
    removed = (changes / "removed.nq").read_text("utf-8")
    assert f'{ACCO} {LABEL} "Acco{{lab"@en {CULTURE_GRAPH} .' in removed
    assert f'<{BASE}id/lab/ecopia> {LABEL} "Ecopia"@fr {CULTURE_GRAPH} .' in removed
    assert "graph/entailment" not in removed + "".join(added)
    assert (changes / "added.nt").read_text("utf-8") == f'{ACCO} {LABEL} "Accolab"@en .\n'
    grouped = json.loads((changes / "diff.json").read_text("utf-8"))
    assert grouped[f"{BASE}id/lab/acco-lab"]["added"] == added
    # The list item naming ecopia is a blank node: grouped under the list that holds it, and the
    # other items (same content, fresh labels after rdflib rewrote the file) are not changed.
    listing = grouped[f"{BASE}id/list/labo-des-labs-membres"]
    assert listing["added"] == [] and len(listing["removed"]) == 4
    summary = Release(release_series.releases[1]).changes("summary.json")
    assert summary["added"] == 1 and summary["removed"] == len(removed.splitlines())
    assert summary["gone"] == [f"{BASE}id/lab/ecopia", f"{BASE}id/membership/labo-des-labs--ecopia"]


def test_the_patch_is_rdf_patch(release_series: ReleaseSeries) -> None:
    patch = (release_series.releases[1] / CHANGES / "patch.rdfp").read_text("utf-8").splitlines()
    assert patch[:3] == ["H id <urn:labgraph:release:2> .", "H prev <urn:labgraph:release:1> .", "TX ."]
    assert patch[-1] == "TC ."
    assert [line for line in patch if not PATCH_LINE.match(line)] == []
    assert f'A {ACCO} {LABEL} "Accolab"@en {CULTURE_GRAPH} .' in patch
    first_add = next(i for i, line in enumerate(patch) if line.startswith("A "))
    assert all(not line.startswith("D ") for line in patch[first_add:])


def test_the_history_knows_what_is_gone_replaced_and_last_changed(release_series: ReleaseSeries) -> None:
    history = Release(release_series.releases[2]).history()
    assert history["gone"] == {f"{BASE}id/membership/labo-des-labs--ecopia": {"gone_in": 2, "last_in": 1}}
    assert history["replaced"] == {f"{BASE}id/lab/ecopia": f"{BASE}id/lab/acco-lab"}
    assert history["last_changed"][f"{BASE}id/lab/acco-lab"] == 2
    assert history["last_changed"][f"{BASE}id/lab/ecopia"] == 3
    assert history["last_changed"][f"{BASE}id/lab/fluxus"] == 1
    # Each release keeps the history as of its own build.
    assert f"{BASE}id/lab/ecopia" in Release(release_series.releases[1]).history()["gone"]


def test_numbers_are_never_reused_after_pruning(project: Path, tmp_path: Path) -> None:
    settings = make_settings(project, tmp_path / "build", keep_releases=2)
    for _ in range(3):
        run_build(settings, validate=False)
    releases = settings.build_dir / RELEASES
    kept = sorted(p for p in releases.iterdir() if p.is_dir())
    assert [Release(p).number for p in kept] == [2, 3]
    for path in kept:  # every release directory lost: the history file still holds the count
        shutil.rmtree(path)
    assert Release(run_build(settings, validate=False).release).number == 4
    assert [e["number"] for e in read_history(releases / HISTORY)["releases"]] == [1, 2, 3, 4]


def test_keep_releases_is_at_least_two(project: Path, tmp_path: Path) -> None:
    with pytest.raises(LabgraphError, match="keep_releases"):
        make_settings(project, tmp_path / "build", keep_releases=1)
