"""The proposal desk: contributors' proposals checked, then stored as pending in the database.

Every write is one ``db.immediate`` transaction, so a proposal is stored whole (proposal, first
version, contributor, "proposed" event) or not at all, and concurrent submissions get distinct
numbers. The follow token is returned once and only its hash is kept.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from labgraph.config import Settings
from labgraph.contributions import db
from labgraph.contributions.base import REVISABLE, STATES, ProposalView, PublicEvent, Receipt, Submission
from labgraph.contributions.check import check_proposal
from labgraph.errors import ContributionConflict, NotAuthorised, RateLimited, UnknownContribution
from labgraph.release import STORE_DIR, current
from labgraph.uris import AUTHORING_BASE

#: Field -> the SPARQL pattern (on ?x) of the values it may take in the current release.
_SCHEME = "?x <http://www.w3.org/2004/02/skos/core#inScheme> <{base}id/scheme/{scheme}>"
_A = "?x a <{cls}>"
ORG, LG = "http://www.w3.org/ns/org#", "https://w3id.org/labgraph/def/"
CHOICE_PATTERNS: dict[str, str] = {
    "kind": _SCHEME.replace("{scheme}", "structure-kind"),
    "services": _SCHEME.replace("{scheme}", "service"),
    "methods": _SCHEME.replace("{scheme}", "method"),
    "themes": _SCHEME.replace("{scheme}", "theme"),
    "innovationKinds": _SCHEME.replace("{scheme}", "theme"),
    "audiences": _SCHEME.replace("{scheme}", "audience"),
    "maturity": _SCHEME.replace("{scheme}", "maturity"),
    "host": _A.replace("{cls}", ORG + "Organization"),
    "ministry": "?x <" + ORG + "classification> <{base}id/concept/structure-kind/ministry>",
    "territory": _A.replace("{cls}", "http://schema.org/Place"),
    "networks": "{ ?x a <{base}def/Network> } UNION { ?x a <{base}def/Programme> }",
    "members": "{ ?x a <{base}def/Lab> } UNION { ?x a <" + ORG + "Organization> }",
    "target": "{ ?x a <{base}def/Lab> } UNION { ?x a <{base}def/Network> } UNION { ?x a <{base}def/Programme> }",
}
HOUR = 3600.0


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Proposals:
    """:class:`labgraph.contributions.base.ProposalDesk` on the SQLite database under state_dir."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._choices: tuple[Path | None, dict[str, list[dict[str, Any]]]] | None = None
        self._choices_lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        """One connection per thread: sqlite3 connections must not run two statements at once."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = db.connect(db.path_in(self.settings.state_dir))
        return conn

    # ------------------------------------------------------------------ choices

    def choices(self) -> dict[str, list[dict[str, Any]]]:
        """Read from the current release once, then kept until another release is current: a
        release never changes, and every submission checks against its choices."""
        release = current(self.settings.build_dir)
        with self._choices_lock:
            if self._choices is None or self._choices[0] != release:
                self._choices = (release, self._read_choices(release))
            return self._choices[1]

    def _read_choices(self, release: Path | None) -> dict[str, list[dict[str, Any]]]:
        if release is None or not (release / STORE_DIR).exists():
            return {name: [] for name in CHOICE_PATTERNS}
        store = ox.Store.read_only(str(release / STORE_DIR))
        base = self.settings.base_uri
        out: dict[str, list[dict[str, Any]]] = {}
        for name, pattern in CHOICE_PATTERNS.items():
            query = ("SELECT DISTINCT ?x ?label WHERE { " + pattern.replace("{base}", base)
                     + " OPTIONAL { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label } FILTER(isIRI(?x)) }")
            found: dict[str, dict[str, str]] = {}
            for row in store.query(query):  # type: ignore[union-attr]
                labels = found.setdefault(row["x"].value, {})
                label = row["label"]
                if isinstance(label, ox.Literal):
                    labels.setdefault(label.language or "fr", label.value)
            out[name] = [{"iri": self._authoring(iri), "label": labels} for iri, labels in sorted(found.items())]
        return out

    def _authoring(self, iri: str) -> str:
        """Payloads name IRIs in the authoring base, as the data files do."""
        base = self.settings.base_uri
        return AUTHORING_BASE + iri[len(base):] if iri.startswith(base) else iri

    def known(self) -> tuple[dict[str, set[str]], set[str]]:
        """The choices as sets per field, and every IRI they name (what a new IRI must avoid)."""
        choices = {name: {c["iri"] for c in values} for name, values in self.choices().items()}
        known = set().union(*choices.values()) if choices else set()
        return choices, known

    # ------------------------------------------------------------------ submit

    def _limit(self, conn: sqlite3.Connection, address: str) -> None:
        """Inside the write transaction: count, then record, so that a flood cannot slip past."""
        since = time.time() - HOUR
        rows = conn.execute("SELECT at FROM attempts WHERE kind = 'proposal' AND key = ? AND at > ? ORDER BY at",
                            (address, since)).fetchall()
        if len(rows) >= self.settings.contributions_per_hour:
            retry = max(1, math.ceil(rows[0]["at"] + HOUR - time.time()))
            raise RateLimited(f"at most {self.settings.contributions_per_hour} proposals an hour from one address",
                              retry_after=retry, setting="contributions_per_hour")
        conn.execute("INSERT INTO attempts (kind, key, at) VALUES ('proposal', ?, ?)", (address, time.time()))

    def submit(self, submission: Submission) -> Receipt:
        conn = self._conn()
        with db.immediate(conn):
            self._limit(conn, submission.address)
        choices, known = self.known()
        check_proposal(self.settings, submission.kind, submission.card_type, submission.target,
                       submission.payload, choices, known)
        token = secrets.token_urlsafe(24)
        c = submission.contributor
        with db.immediate(conn):
            at = db.now()
            number = conn.execute(
                "INSERT INTO proposals (created_at, kind, target, card_type, follow_token_hash) VALUES (?, ?, ?, ?, ?)",
                (at, submission.kind, submission.target if submission.kind == "correction" else None,
                 submission.card_type, _hash(token))).lastrowid
            conn.execute("INSERT INTO versions (proposal_id, version, at, payload) VALUES (?, 1, ?, ?)",
                         (number, at, json.dumps(submission.payload, ensure_ascii=False, sort_keys=True)))
            conn.execute("INSERT INTO contributors (proposal_id, name, email, relation, named) VALUES (?, ?, ?, ?, ?)",
                         (number, c.name, c.email, c.relation, int(c.named)))
            conn.execute("INSERT INTO events (proposal_id, at, actor, action) VALUES (?, ?, 'contributor', 'proposed')",
                         (number, at))
        assert number is not None
        return Receipt(number, token, "pending")

    # ------------------------------------------------------------------ read, revise

    def proposal(self, number: int) -> ProposalView:
        return read_proposal(self._conn(), number)

    def revise(self, number: int, follow_token: str, payload: dict[str, Any], address: str) -> Receipt:
        conn = self._conn()
        view = self.proposal(number)
        row = conn.execute("SELECT follow_token_hash FROM proposals WHERE id = ?", (number,)).fetchone()
        if not secrets.compare_digest(row["follow_token_hash"], _hash(follow_token)):
            raise NotAuthorised("this follow token does not belong to the proposal")
        with db.immediate(conn):
            self._limit(conn, address)
        choices, known = self.known()
        check_proposal(self.settings, view.kind, view.card_type, view.target, payload, choices, known)
        with db.immediate(conn):
            state = STATES[last_event(conn, number)["action"]]
            if state not in REVISABLE:
                raise ContributionConflict(f"proposal {number} is {state}: it can no longer be revised")
            version = conn.execute("SELECT MAX(version) FROM versions WHERE proposal_id = ?", (number,)).fetchone()[0]
            at = db.now()
            conn.execute("INSERT INTO versions (proposal_id, version, at, payload) VALUES (?, ?, ?, ?)",
                         (number, version + 1, at, json.dumps(payload, ensure_ascii=False, sort_keys=True)))
            conn.execute("INSERT INTO events (proposal_id, at, actor, action, detail) VALUES "
                         "(?, ?, 'contributor', 'revised', ?)", (number, at, json.dumps({"version": version + 1})))
        return Receipt(number, follow_token, "pending")

    def spend_form_token(self, token_id: str) -> None:
        conn = self._conn()
        with db.immediate(conn):
            if conn.execute("SELECT 1 FROM attempts WHERE kind = 'form-token' AND key = ?", (token_id,)).fetchone():
                raise NotAuthorised("this form was already sent (a replayed CSRF token)")
            conn.execute("INSERT INTO attempts (kind, key, at) VALUES ('form-token', ?, ?)", (token_id, time.time()))


def last_event(conn: sqlite3.Connection, number: int) -> sqlite3.Row:
    """The proposal's last event (id, action, detail...): its state. UnknownContribution if none."""
    row = conn.execute("SELECT * FROM events WHERE proposal_id = ? ORDER BY id DESC LIMIT 1", (number,)).fetchone()
    if row is None:
        raise UnknownContribution(f"no proposal number {number}")
    return row


def read_proposal(conn: sqlite3.Connection, number: int) -> ProposalView:
    """The proposal as anyone may see it: its latest version and its public history, never the
    contributor's name, address or comment to the curators."""
    row = conn.execute("SELECT * FROM proposals WHERE id = ?", (number,)).fetchone()
    if row is None:
        raise UnknownContribution(f"no proposal number {number}")
    version = conn.execute(
        "SELECT version, payload FROM versions WHERE proposal_id = ? ORDER BY version DESC LIMIT 1", (number,)
    ).fetchone()
    events = conn.execute(
        "SELECT id, at, actor, action, detail FROM events WHERE proposal_id = ? ORDER BY id", (number,)
    ).fetchall()
    public = [PublicEvent(e["action"], e["at"], e["actor"], json.loads(e["detail"])) for e in events]
    release = next((e.detail.get("release") for e in reversed(public) if e.action == "applied"), None)
    payload = {k: v for k, v in json.loads(version["payload"]).items() if k != "comment"}
    return ProposalView(
        number, row["kind"], row["card_type"], row["target"], row["created_at"], STATES[events[-1]["action"]],
        payload, version["version"], public, events[-1]["id"], release if isinstance(release, int) else None,
    )
