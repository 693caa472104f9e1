"""The desks a server hands to the web layer: made once per server process, from the settings.

``labgraph serve`` (and the suite's live servers) call :func:`open_desks` once; the desks outlive
every release the process serves, since proposals live in the database, not in a release.
"""

from __future__ import annotations

import logging

from labgraph.config import Settings
from labgraph.contributions import db
from labgraph.contributions.apply import recover
from labgraph.contributions.base import Desks
from labgraph.contributions.proposals import Proposals
from labgraph.contributions.review import Reviews
from labgraph.contributions.secret import secret_key

log = logging.getLogger("labgraph.contributions")


def open_desks(settings: Settings) -> Desks | None:
    """The proposal and review desks, or None when ``contributions`` is off (their pages 404).
    Accepts a stopped server left claimed are settled first (contributions/apply.py)."""
    if not settings.contributions:
        return None
    proposals = Proposals(settings)
    settled = recover(settings, db.connect(db.path_in(settings.state_dir)))
    if settled:
        log.warning("settled the accepts a stopped server left unfinished: proposals %s", settled)
    return Desks(secret_key(settings), proposals=proposals, review=Reviews(settings, proposals))
