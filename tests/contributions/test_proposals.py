"""The proposal desk: checked submissions stored whole, never twice, never lost, and never shown
with the contributor's private data."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from labgraph.config import Settings
from labgraph.contributions import db
from labgraph.contributions.base import Contributor, Submission
from labgraph.contributions.proposals import Proposals, last_event, read_proposal
from labgraph.errors import ContributionConflict, InvalidProposal, NotAuthorised, RateLimited, UnknownContribution
from labgraph.graph.build import BuildResult

ID = "https://w3id.org/labgraph/id/"
C = ID + "concept/"
NEW: dict[str, Any] = {"label": {"fr": "Labo des essais"}, "kind": [C + "structure-kind/innovation-lab"],
                       "territory": [ID + "territory/normandie"], "comment": "pour les curateurs"}
PRIVATE = Contributor(name="Camille Secret", email="camille@example.org", relation="member")


@pytest.fixture
def desk(real_settings: Settings, built: BuildResult, tmp_path: Path) -> Proposals:
    return Proposals(real_settings.replace(state_dir=tmp_path / "state"))


def submission(payload: dict[str, Any] = NEW, address: str = "192.0.2.1", **changes: Any) -> Submission:
    fields: dict[str, Any] = {"kind": "new", "card_type": "lab", "target": None, "payload": payload,
                              "contributor": PRIVATE, "address": address, **changes}
    return Submission(**fields)


def rows(desk: Proposals, table: str) -> int:
    conn = db.connect(db.path_in(desk.settings.state_dir))
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_choices_come_from_the_release_in_the_authoring_base(desk: Proposals) -> None:
    choices = desk.choices()
    kinds = {c["iri"] for c in choices["kind"]}
    assert C + "structure-kind/innovation-lab" in kinds
    assert ID + "lab/104factory" in {c["iri"] for c in choices["target"]}
    assert all(c["iri"].startswith(("https://w3id.org/labgraph/", "http")) for c in choices["host"])
    assert all(c["label"].get("fr") for c in choices["services"])
    assert desk.choices() is desk.choices()  # read once per release


def test_a_valid_proposal_is_stored_pending_without_private_data_in_its_view(desk: Proposals) -> None:
    receipt = desk.submit(submission())
    assert receipt.state == "pending" and len(receipt.follow_token) >= 24
    view = desk.proposal(receipt.number)
    assert view.state == "pending" and view.version == 1 and view.kind == "new"
    assert view.payload["label"] == {"fr": "Labo des essais"} and "comment" not in view.payload
    shown = repr(view)
    assert "Camille" not in shown and "camille@example.org" not in shown and "192.0.2.1" not in shown
    conn = db.connect(db.path_in(desk.settings.state_dir))
    stored = conn.execute("SELECT follow_token_hash FROM proposals").fetchone()[0]
    assert receipt.follow_token not in stored  # only its hash is kept
    contributor = conn.execute("SELECT name, email FROM contributors").fetchone()
    assert tuple(contributor) == ("Camille Secret", "camille@example.org")


def test_an_invalid_proposal_is_refused_field_by_field_and_nothing_is_stored(desk: Proposals) -> None:
    bad = {"label": {"fr": ""}, "kind": [C + "method/design"], "website": "javascript:alert(1)"}
    with pytest.raises(InvalidProposal) as caught:
        desk.submit(submission(bad))
    assert {p.field for p in caught.value.problems} >= {"label", "kind", "website"}
    assert rows(desk, "proposals") == 0 and rows(desk, "events") == 0


def test_a_correction_of_an_unknown_card_is_refused(desk: Proposals) -> None:
    with pytest.raises(InvalidProposal) as caught:
        desk.submit(submission({"website": "https://example.org/"}, kind="correction", target=ID + "lab/nowhere"))
    assert [p.field for p in caught.value.problems] == ["target"]


def test_flooding_from_one_address_is_limited_and_others_still_pass(desk: Proposals) -> None:
    limited = Proposals(desk.settings.replace(contributions_per_hour=2))
    limited.submit(submission())
    with pytest.raises(InvalidProposal):  # refused proposals count too: a flood is a flood
        limited.submit(submission({"nope": 1}))
    with pytest.raises(RateLimited) as caught:
        limited.submit(submission())
    assert 0 < caught.value.retry_after <= 3600 and caught.value.setting == "contributions_per_hour"
    assert limited.submit(submission(address="198.51.100.7")).number == 2
    assert rows(limited, "proposals") == 2


def test_revising_needs_the_follow_token_and_a_pending_proposal(desk: Proposals) -> None:
    receipt = desk.submit(submission())
    with pytest.raises(NotAuthorised):
        desk.revise(receipt.number, "not-the-token", NEW, "192.0.2.1")
    with pytest.raises(InvalidProposal):
        desk.revise(receipt.number, receipt.follow_token, {**NEW, "website": "ftp://x"}, "192.0.2.1")
    desk.revise(receipt.number, receipt.follow_token, {**NEW, "website": "https://essais.example.org/"}, "192.0.2.1")
    view = desk.proposal(receipt.number)
    assert view.version == 2 and view.payload["website"] == "https://essais.example.org/"
    assert [e.action for e in view.events] == ["proposed", "revised"]
    conn = db.connect(db.path_in(desk.settings.state_dir))
    with db.immediate(conn):
        conn.execute("INSERT INTO events (proposal_id, at, actor, action) VALUES (?, ?, 'alice', 'rejected')",
                     (receipt.number, db.now()))
    with pytest.raises(ContributionConflict, match="rejected"):
        desk.revise(receipt.number, receipt.follow_token, NEW, "192.0.2.1")
    assert desk.proposal(receipt.number).version == 2


def test_an_unknown_number_is_unknown(desk: Proposals) -> None:
    with pytest.raises(UnknownContribution):
        desk.proposal(999)
    conn = db.connect(db.path_in(desk.settings.state_dir))
    with pytest.raises(UnknownContribution):
        last_event(conn, 999)


def test_a_form_token_is_spent_once(desk: Proposals) -> None:
    desk.spend_form_token("abc")
    with pytest.raises(NotAuthorised, match="replay"):
        desk.spend_form_token("abc")
    desk.spend_form_token("abd")


def test_concurrent_submissions_all_land_with_distinct_numbers(desk: Proposals) -> None:
    numbers: list[int] = []
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            payload = {**NEW, "label": {"fr": f"Labo des essais {i}"}}
            numbers.append(desk.submit(submission(payload, address=f"192.0.2.{i}")).number)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 21))
    conn = db.connect(db.path_in(desk.settings.state_dir))
    assert conn.execute("SELECT count(*) FROM proposals").fetchone()[0] == 20
    assert conn.execute("SELECT count(*) FROM events WHERE action = 'proposed'").fetchone()[0] == 20
    labels = {read_proposal(conn, n).payload["label"]["fr"] for n in numbers}
    assert labels == {f"Labo des essais {i}" for i in range(20)}


def test_the_database_refuses_a_rewrite_of_a_stored_proposal(desk: Proposals) -> None:
    number = desk.submit(submission()).number
    conn = db.connect(db.path_in(desk.settings.state_dir))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE versions SET payload = '{}' WHERE proposal_id = ?", (number,))
