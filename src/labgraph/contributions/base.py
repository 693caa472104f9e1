"""What the web layer knows of contributions: the data it shows and the desks it calls.

The web may import this module and no other of the package: the desks' implementations check
proposals with pySHACL and run builds, which the web never does itself (tests/test_layering.py).
``labgraph.serving`` builds the implementations and hands them to ``create_app``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

#: What a proposal's last event makes of it. "accepting" is the claim a curator's accept takes
#: before it writes the contribution's file and runs the build: a second accept finds it and gets
#: a conflict, and a server killed meanwhile finds it at start and finishes or undoes it.
STATES: dict[str, str] = {
    "proposed": "pending",
    "revised": "pending",
    "build-failed": "pending",  # the build refused it: the error is shown, the proposal waits
    "changes-requested": "changes-requested",
    "rejected": "rejected",
    "accepting": "accepting",
    "applied": "accepted",
}
ACTIONS = tuple(STATES)
#: The states in which the contributor may still send a new version (with the follow token).
REVISABLE = ("pending", "changes-requested")


@dataclass(frozen=True)
class PublicEvent:
    """One step of a proposal's history as anyone may see it: never a contributor's name or
    address; a curator is named by account name (curators act in public)."""

    action: str
    at: str
    actor: str
    detail: dict[str, object] = field(default_factory=dict)


def contribution_graph_name(number: int) -> str:
    """The source file stem, hence the named graph, of accepted proposal ``number``:
    ``data/contributions/contribution-N.ttl`` -> ``graph/contribution-N``."""
    return f"contribution-{number}"


# ---------------------------------------------------------------- what a proposal carries
#
# A proposal's payload (``versions.payload``, JSON) is the card as the contributor wants it,
# field by field, in the card's own field names (labgraph.cards.fields) plus the structure's
# names and description. Only the fields the contributor filled in are present: a correction
# that leaves "methods" out says nothing about methods. Values are IRIs of the controlled
# vocabularies (or of existing structures, organisations, territories) except where the card
# has free text:
#
#   {"label": {"fr": "...", "en": "..."},            # required for a new structure
#    "description": {"fr": "...", "en": "..."},
#    "kind": [IRI], "host": [IRI], "ministry": [IRI], "territory": [IRI],
#    "dedicatedPlace": "yes" | "no",                 # "not-stated" is the absence of the key
#    "innovationKinds": [IRI], "services": [IRI], "methods": [IRI], "themes": [IRI],
#    "audiences": [IRI], "maturity": [IRI], "networks": [IRI], "members": [IRI],
#    "website": "https://...", "foundingDate": "2019" | "2019-05" | "2019-05-14",
#    "comment": "..."}                               # to the curators; never published
#
# The contributor (name, e-mail, relation to the structure, consent to be named) is kept apart,
# in the ``contributors`` table, and never served.

CARD_TYPES = ("lab", "network", "programme")


@dataclass(frozen=True)
class Contributor:
    """Who proposes: private. ``relation`` is the role published in the provenance ("member of
    the structure", "curator of a network", "other"); the name only when ``named`` is true."""

    name: str = ""
    email: str = ""
    relation: str = ""
    named: bool = False


@dataclass(frozen=True)
class Submission:
    """A proposal as it reaches the desk, from the form or the JSON API alike."""

    kind: str  # "new" or "correction"
    card_type: str  # one of CARD_TYPES
    target: str | None  # the IRI corrected; None for a new structure
    payload: dict[str, Any]
    contributor: Contributor
    address: str  # the client's address: for the rate limit only, never stored with the proposal


@dataclass(frozen=True)
class Receipt:
    """What the contributor is told once a proposal is stored: its number, the secret that lets
    them revise it (shown once, stored hashed) and its state."""

    number: int
    follow_token: str
    state: str


@dataclass(frozen=True)
class ProposalView:
    """A proposal as its public page (``/contributions/{n}``) and the review queue show it:
    never the contributor's name or address."""

    number: int
    kind: str
    card_type: str
    target: str | None
    created_at: str
    state: str  # a value of STATES
    payload: dict[str, Any]  # the latest version
    version: int
    events: list[PublicEvent]
    #: the id of the last event: a curator's action names it, so that acting on a page that is
    #: no longer current is a conflict, never a second decision
    last_event: int = 0
    release: int | None = None  # the release that published it, once applied


@dataclass(frozen=True)
class Review:
    """What a curator decides on: the proposal, the card it changes (as JSON, as /api/labs
    serves it; None for a new structure), the card after, the triples added (and, where a
    correction supersedes a value, the triples it supersedes), and the SHACL result of the
    whole graph as it would become."""

    proposal: ProposalView
    current_card: dict[str, Any] | None
    proposed_card: dict[str, Any]
    added: list[tuple[str, str, str]]
    superseded: list[tuple[str, str, str]]
    conforms: bool
    report: list[dict[str, Any]]  # one entry per result: focus node, path, rule, severity, message {fr, en}
    turtle: str  # the contribution's file as it would be written


class ProposalDesk(Protocol):
    """Where contributors' proposals arrive (``/contribute``, ``POST /api/contributions``)."""

    def choices(self) -> dict[str, list[dict[str, Any]]]:
        """The form's choices per field: ``[{"iri": ..., "label": {"fr": ..., "en": ...}}]``."""

    def submit(self, submission: Submission) -> Receipt:
        """Check (sizes, vocabularies, the build's shapes) and store as pending. Raises
        InvalidProposal (field by field), ProposalTooLarge, RateLimited."""

    def revise(self, number: int, follow_token: str, payload: dict[str, Any], address: str) -> Receipt:
        """A new version after a curator asked for changes (or while pending). Raises
        NotAuthorised for a wrong token, ContributionConflict when the proposal is decided."""

    def proposal(self, number: int) -> ProposalView:
        """Raises UnknownContribution."""

    def spend_form_token(self, token_id: str) -> None:
        """Mark a form's CSRF token used; raises NotAuthorised when it was already (a replay)."""


class ReviewDesk(Protocol):
    """Where curators sign in and decide (``/review``)."""

    def sign_in(self, name: str, password: str, address: str) -> str:
        """A fresh session token (never one the client brought: no session fixation). Raises
        NotAuthorised for a wrong name or password, RateLimited past login_attempts_per_hour."""

    def session(self, token: str) -> str | None:
        """The curator a live session token belongs to, or None."""

    def sign_out(self, token: str) -> None: ...

    def pending(self) -> list[ProposalView]: ...

    def review(self, number: int) -> Review: ...

    def accept(self, number: int, curator: str, last_event: int) -> ProposalView:
        """Claim, write the contribution's file, build; "applied" or "build-failed". Raises
        ContributionConflict when ``last_event`` is no longer the proposal's last event."""

    def reject(self, number: int, curator: str, reason: str, last_event: int) -> ProposalView: ...

    def request_changes(self, number: int, curator: str, message: str, last_event: int) -> ProposalView: ...


@dataclass(frozen=True)
class Desks:
    """What ``create_app`` receives when contributions are on; made once per server, shared by
    every release it serves (the database outlives releases)."""

    secret: bytes  # signs session cookies and CSRF tokens (contributions.secret)
    proposals: ProposalDesk | None = None  # None: /contribute and POST /api/contributions are 404
    review: ReviewDesk | None = None  # None: /review is 404
