"""The review desk: what a curator sees of a proposal, and their decisions.

A review shows the card as it is and as it would become, the triples the contribution's file
would add (and, for a correction, the current values it would supersede), and the build's own
verdict on the whole graph with the file added: the sources loaded, the file's graph added, the
consistency checks and the SHACL shapes run, exactly as ``labgraph build`` would. That dry run
takes the time of a build's validation (about a second on the documents), so it is kept per
proposal version and release.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from labgraph.cards.model import Card
from labgraph.config import Settings
from labgraph.contributions import apply, db
from labgraph.contributions.base import Contributor, ProposalView, Review, contribution_graph_name
from labgraph.contributions.proposals import Proposals, read_proposal
from labgraph.contributions.rdf import IRI_FIELDS, LG, SCHEMA, contribution_turtle
from labgraph.contributions.sessions import Sessions
from labgraph.contributions.shapes import shown_names
from labgraph.errors import ConflictError, FieldProblem, InvalidProposal, LabgraphError
from labgraph.graph import consistency, sources
from labgraph.graph.validation import validate_dataset
from labgraph.release import CARDS, STORE_DIR, Release, current
from labgraph.uris import Rebaser

#: Payload field -> the property whose current values a correction supersedes.
SUPERSEDES: dict[str, str] = {
    **{name: str(prop) for name, prop in IRI_FIELDS.items()},
    "dedicatedPlace": str(LG.dedicatedPlace),
    "foundingDate": str(SCHEMA.foundingDate),
    "website": str(SCHEMA.url),
}
OPEN_STATES = ("proposed", "revised", "build-failed", "changes-requested")


class Reviews:
    """:class:`labgraph.contributions.base.ReviewDesk` over the same database as the proposals."""

    def __init__(self, settings: Settings, proposals: Proposals) -> None:
        self.settings = settings
        self.proposals = proposals
        self.sessions = Sessions(settings)
        self._local = threading.local()
        self._verdicts: dict[tuple[int, int, str], tuple[bool, list[dict[str, Any]]]] = {}
        self._verdicts_lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = db.connect(db.path_in(self.settings.state_dir))
        return conn

    # ------------------------------------------------------------------ sessions

    def sign_in(self, name: str, password: str, address: str) -> str:
        return self.sessions.sign_in(name, password, address)

    def session(self, token: str) -> str | None:
        return self.sessions.session(token)

    def sign_out(self, token: str) -> None:
        self.sessions.sign_out(token)

    # ------------------------------------------------------------------ the queue

    def pending(self) -> list[ProposalView]:
        """Every proposal still open (pending, or waiting for its contributor's changes), oldest first."""
        conn = self._conn()
        marks = ", ".join("?" for _ in OPEN_STATES)
        rows = conn.execute(
            "SELECT e.proposal_id FROM events e WHERE e.id = (SELECT MAX(id) FROM events WHERE proposal_id = "
            f"e.proposal_id) AND e.action IN ({marks}) ORDER BY e.proposal_id", OPEN_STATES
        ).fetchall()
        return [read_proposal(conn, row[0]) for row in rows]

    def review(self, number: int) -> Review:
        conn = self._conn()
        view = read_proposal(conn, number)
        rebase = Rebaser(self.settings.base_uri)
        target = rebase(view.target) if view.target else None
        release = current(self.settings.build_dir)
        current_card = self._card(release, target) if target else None
        text = self._turtle(view)
        added = [(_show(t.subject, rebase), _show(t.predicate, rebase), _show(t.object, rebase))
                 for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
        superseded = self._superseded(release, target, view.payload) if target else []
        conforms, report = self._verdict(view, text, release)
        return Review(view, current_card, self._proposed_card(view, current_card, rebase), added, superseded,
                      conforms, report, text)

    def _turtle(self, view: ProposalView) -> str:
        _, known = self.proposals.known()
        return contribution_turtle(view.number, view.kind, view.card_type, view.target, view.payload,
                                   Contributor(relation="other"), "review", datetime.now(UTC), known)

    def _card(self, release: Path | None, target: str) -> dict[str, Any] | None:
        if release is None:
            return None
        try:
            cards = json.loads(Release(release).file(CARDS).read_bytes())
        except (OSError, ValueError):
            return None
        found = next((item for item in cards if item.get("iri") == target), None)
        return Card.from_json(found).as_json() if found else None

    def _proposed_card(self, view: ProposalView, card: dict[str, Any] | None, rebase: Rebaser) -> dict[str, Any]:
        """The card's fields as they would read: a field the proposal states takes its values (the
        newest contribution wins, cards/supersede.py), the others stay."""
        fields: dict[str, Any] = {}
        for name, field in (card or {}).get("fields", {}).items():
            fields[name] = [v.get("iri", v.get("value")) for v in field.get("values", [])] or field.get("status")
        for name, value in view.payload.items():
            fields[name] = [rebase(v) for v in value] if isinstance(value, list) else value
        labels = dict((card or {}).get("label", {}))
        labels.update(view.payload.get("label") or {})
        return {"label": labels, "fields": fields}

    def _superseded(self, release: Path | None, target: str, payload: dict[str, Any]) -> list[tuple[str, str, str]]:
        if release is None or not (release / STORE_DIR).exists():
            return []
        store = ox.Store.read_only(str(release / STORE_DIR))
        rebase = Rebaser(self.settings.base_uri)
        out = []
        for name in payload:
            prop = SUPERSEDES.get(name)
            if prop is None:
                continue
            for quad in store.quads_for_pattern(ox.NamedNode(target), ox.NamedNode(rebase(prop)), None, None):
                if "/graph/entailment" in str(quad.graph_name) or "/graph/similarity" in str(quad.graph_name):
                    continue
                triple = (_show(quad.subject, rebase), _show(quad.predicate, rebase), _show(quad.object, rebase))
                if triple not in out:
                    out.append(triple)
        return out

    def _verdict(self, view: ProposalView, text: str, release: Path | None) -> tuple[bool, list[dict[str, Any]]]:
        key = (view.number, view.version, str(release))
        with self._verdicts_lock:
            if key in self._verdicts:
                return self._verdicts[key]
        verdict = would_become(self.settings, view.number, text)
        with self._verdicts_lock:
            self._verdicts[key] = verdict
        return verdict

    # ------------------------------------------------------------------ decisions

    def accept(self, number: int, curator: str, last_event: int) -> ProposalView:
        _, known = self.proposals.known()
        apply.accept(self.settings, self._conn(), number, curator, last_event, known)
        return read_proposal(self._conn(), number)

    def reject(self, number: int, curator: str, reason: str, last_event: int) -> ProposalView:
        apply.decide(self._conn(), number, curator, last_event, "rejected",
                     {"reason": self._text("reason", reason)})
        return read_proposal(self._conn(), number)

    def request_changes(self, number: int, curator: str, message: str, last_event: int) -> ProposalView:
        apply.decide(self._conn(), number, curator, last_event, "changes-requested",
                     {"message": self._text("message", message)})
        return read_proposal(self._conn(), number)

    def _text(self, field: str, text: str) -> str:
        """A reason or a request is shown on the proposal's public page: it must say something."""
        text = text.strip()
        if not text:
            raise InvalidProposal([FieldProblem(field, "required", {
                "fr": "Dites pourquoi : le texte est montré sur la page de la proposition.",
                "en": "Say why: the text is shown on the proposal's page."})])
        if len(text) > self.settings.contribution_field_chars:
            limit = self.settings.contribution_field_chars
            raise InvalidProposal([FieldProblem(field, "too-long", {
                "fr": f"Ce texte dépasse {limit} caractères.", "en": f"This text exceeds {limit} characters."})])
        return text


def would_become(settings: Settings, number: int, text: str) -> tuple[bool, list[dict[str, Any]]]:
    """The build's verdict on the whole graph with the contribution's file added: whether it
    conforms, and each violation (and each warning on the proposal's own resources)."""
    rebase = Rebaser(settings.base_uri)
    try:
        dataset = sources.load(settings)
    except LabgraphError as exc:
        return False, [_entry("Violation", "", None, "sources", str(exc))]
    graph = ox.NamedNode(dataset.graph_iri(contribution_graph_name(number)))
    triples = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    dataset.store.extend(ox.Quad(_rebased(t.subject, rebase), _rebased(t.predicate, rebase),
                                 _rebased(t.object, rebase), graph) for t in triples)
    own = {name for t in triples if isinstance(t.subject, ox.NamedNode)
           for name in shown_names(rebase(t.subject.value), settings.vocab.prefixes)}
    entries = []
    try:
        consistency.check(dataset)
    except ConflictError as exc:
        entries.append(_entry("Violation", "", None, "consistency", str(exc)))
    report = validate_dataset(dataset, settings)
    for result in report.results:
        if result.severity == "Violation" or result.focus in own:
            entry = _entry(result.severity, result.focus, result.path, result.component, result.message("en"))
            entry["message"] = {"fr": result.message("fr"), "en": result.message("en")}
            entries.append(entry)
    conforms = report.conforms and not any(e["rule"] == "consistency" for e in entries)
    return conforms, entries


def _entry(severity: str, focus: str, path: str | None, rule: str, message: str) -> dict[str, Any]:
    return {"severity": severity, "focus": focus, "path": path, "rule": rule, "message": {"fr": message, "en": message}}


def _rebased(term: Any, rebase: Rebaser) -> Any:
    return ox.NamedNode(rebase(term.value)) if isinstance(term, ox.NamedNode) else term


def _show(term: Any, rebase: Rebaser) -> str:
    """A term as N-Triples writes it, in the served base."""
    return str(_rebased(term, rebase))
