"""The desks a server hands to the web layer: made once per server process, from the settings.

``labgraph serve`` (and the suite's live servers) call :func:`open_desks` once; the desks outlive
every release the process serves, since proposals live in the database, not in a release.
"""

from __future__ import annotations

from labgraph.config import Settings
from labgraph.contributions.base import Desks
from labgraph.contributions.proposals import Proposals
from labgraph.contributions.secret import secret_key


def open_desks(settings: Settings) -> Desks | None:
    """The proposal and review desks, or None when ``contributions`` is off (their pages 404)."""
    if not settings.contributions:
        return None
    return Desks(secret_key(settings), proposals=Proposals(settings))
