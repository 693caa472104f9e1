"""An accept lands whole or not at all: the contribution's file, the build, the recorded outcome;
two curators at once, a failing build and a server killed mid-accept included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from labgraph.config import Settings
from labgraph.contributions import apply, db
from labgraph.contributions.base import Contributor, Submission
from labgraph.contributions.proposals import Proposals, last_event, read_proposal
from labgraph.contributions.rdf import contribution_turtle
from labgraph.errors import ContributionConflict
from labgraph.graph.build import run_build
from labgraph.release import CARDS, Release, current

ID = "https://w3id.org/labgraph/id/"
TARGET = ID + "lab/104factory"
CORRECTION: dict[str, Any] = {"dedicatedPlace": "no", "foundingDate": "2016"}


@pytest.fixture
def settings(project_settings: Settings, tmp_path: Path) -> Settings:
    settings = project_settings.replace(state_dir=tmp_path / "state")
    run_build(settings)
    return settings


def propose(settings: Settings, payload: dict[str, Any] = CORRECTION) -> tuple[Proposals, int]:
    desk = Proposals(settings)
    receipt = desk.submit(Submission("correction", "lab", TARGET, payload,
                                     Contributor("Camille", "c@example.org", "member"), "192.0.2.9"))
    return desk, receipt.number


def known(desk: Proposals) -> set[str]:
    return desk.known()[1]


def release_number(settings: Settings) -> int:
    release = current(settings.build_dir)
    assert release is not None
    return int(Release(release).manifest["release"])


def test_an_accept_writes_the_file_builds_and_records_the_release(settings: Settings) -> None:
    desk, number = propose(settings)
    conn = db.connect(db.path_in(settings.state_dir))
    before = release_number(settings)
    released = apply.accept(settings, conn, number, "alice", last_event(conn, number)["id"], known(desk))
    assert released == before + 1 == release_number(settings)
    view = read_proposal(conn, number)
    assert view.state == "accepted" and view.release == released
    path = apply.contribution_path(settings, number)
    text = path.read_text("utf-8")
    assert "Camille" not in text and "c@example.org" not in text  # not named: a role only
    assert "alice" in text  # the curator who accepted, in the provenance
    cards = json.loads(Release(current(settings.build_dir)).file(CARDS).read_bytes())  # type: ignore[arg-type]
    card = next(c for c in cards if c["iri"].endswith("/id/lab/104factory"))
    assert card["fields"]["dedicatedPlace"]["status"] == "no"


def test_an_accept_of_a_page_no_longer_current_is_a_conflict(settings: Settings) -> None:
    desk, number = propose(settings)
    conn = db.connect(db.path_in(settings.state_dir))
    seen = last_event(conn, number)["id"]
    apply.decide(conn, number, "bob", seen, "changes-requested", {"message": "la date ?"})
    with pytest.raises(ContributionConflict, match="changed since"):
        apply.accept(settings, conn, number, "alice", seen, known(desk))
    assert not apply.contribution_path(settings, number).exists()


def test_two_curators_accepting_at_once_one_wins_the_other_is_told(settings: Settings) -> None:
    desk, number = propose(settings)
    seen = last_event(db.connect(db.path_in(settings.state_dir)), number)["id"]
    before = release_number(settings)
    outcomes: list[str] = []
    lock = threading.Lock()

    def curator(name: str) -> None:
        conn = db.connect(db.path_in(settings.state_dir))
        try:
            apply.accept(settings, conn, number, name, seen, known(desk))
            result = "applied"
        except ContributionConflict as exc:
            result = f"conflict: {exc}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=curator, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["applied", "conflict"]
    assert release_number(settings) == before + 1  # one build, one release
    events = [e.action for e in read_proposal(db.connect(db.path_in(settings.state_dir)), number).events]
    assert events.count("applied") == 1 and events.count("accepting") == 1


def test_a_failing_build_leaves_the_release_and_the_proposal_pending_with_the_error(settings: Settings) -> None:
    desk, number = propose(settings)
    conn = db.connect(db.path_in(settings.state_dir))
    served = current(settings.build_dir)
    broken = settings.data_dir / "documents" / "zz-broken.ttl"
    broken.write_text("@prefix b: <https://w3id.org/labgraph/> .\nb:x b:y \n", encoding="utf-8")
    assert apply.accept(settings, conn, number, "alice", last_event(conn, number)["id"], known(desk)) is None
    assert current(settings.build_dir) == served
    view = read_proposal(conn, number)
    assert view.state == "pending" and view.events[-1].action == "build-failed"
    assert "zz-broken.ttl" in str(view.events[-1].detail["error"])
    assert not apply.contribution_path(settings, number).exists()
    broken.unlink()  # once the data is mended, the same proposal is accepted
    assert apply.accept(settings, conn, number, "alice", last_event(conn, number)["id"], known(desk))


def test_recover_settles_claims_left_by_a_dead_server(settings: Settings) -> None:
    desk, built = propose(settings, {"foundingDate": "2015"})
    _, unbuilt = propose(settings)
    conn = db.connect(db.path_in(settings.state_dir))
    # Killed after its release was published, before "applied" was recorded.
    apply.decide(conn, built, "alice", last_event(conn, built)["id"], "accepting", {})
    view = read_proposal(conn, built)
    apply.write_atomically(apply.contribution_path(settings, built), contribution_turtle(
        built, "correction", "lab", TARGET, view.payload, Contributor(relation="member"), "alice",
        datetime.now(UTC), known(desk)))
    run_build(settings)
    # Killed after its claim and its file, before any build read it.
    apply.decide(conn, unbuilt, "alice", last_event(conn, unbuilt)["id"], "accepting", {})
    apply.write_atomically(apply.contribution_path(settings, unbuilt), "# written after the last build\n")
    assert sorted(apply.recover(settings, conn)) == sorted([unbuilt, built])
    assert read_proposal(conn, built).state == "accepted"
    assert read_proposal(conn, unbuilt).state == "pending"
    assert apply.contribution_path(settings, built).exists()
    assert not apply.contribution_path(settings, unbuilt).exists()
    assert apply.recover(settings, conn) == []  # settled once


CHILD = """
import sys
from labgraph.config import Settings
from labgraph.contributions import apply, db
from labgraph.contributions.proposals import Proposals, last_event
settings = Settings.load({"project_dir": sys.argv[1], "build_dir": sys.argv[2], "base_uri": sys.argv[3],
                          "state_dir": sys.argv[4]}, environ={})
conn = db.connect(db.path_in(settings.state_dir))
number = int(sys.argv[5])
apply.accept(settings, conn, number, "alice", last_event(conn, number)["id"], Proposals(settings).known()[1])
"""


@pytest.mark.parametrize("moment", ["claimed", "file written", "mid-build"])
def test_a_kill_9_during_an_accept_loses_nothing_and_applies_nothing_twice(settings: Settings, moment: str) -> None:
    desk, number = propose(settings)
    path = apply.contribution_path(settings, number)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(settings.project_dir), str(settings.build_dir),
                              settings.base_uri, str(settings.state_dir), str(number)])
    conn = db.connect(db.path_in(settings.state_dir))
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and child.poll() is None:
            if moment == "claimed" and last_event(conn, number)["action"] == "accepting":
                break
            if moment in ("file written", "mid-build") and path.exists():
                if moment == "mid-build":
                    time.sleep(0.8)
                break
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(10)
    if path.exists():  # never half-written: whole Turtle, or absent
        assert path.read_text("utf-8").rstrip().endswith(".")
    apply.recover(settings, conn)
    view = read_proposal(conn, number)
    manifest = Release(current(settings.build_dir)).manifest  # type: ignore[arg-type]
    published = any(Path(source).name == path.name for source in manifest["sources"])
    assert view.state == ("accepted" if published else "pending")
    assert path.exists() == published
    assert [e.action for e in view.events].count("applied") <= 1
    if not published:  # a proposal killed mid-accept can be accepted again, once
        assert apply.accept(settings, conn, number, "alice", last_event(conn, number)["id"], known(desk))
        assert read_proposal(conn, number).state == "accepted"
