"""An accepted proposal landing in the graph: its file written, a build run, the outcome recorded.

The whole accept holds the build directory's lock (:mod:`labgraph.graph.build_lock`), taken
*before* the claim: so a server starting meanwhile (:func:`recover`, under the same lock) only
ever finds claims whose accept died, never one still running. The steps:

1. claim: one immediate transaction checks that the proposal's last event is the one the curator
   saw, and that it is pending, then appends "accepting"; a second curator's accept finds that
   event and gets a ContributionConflict;
2. the contribution's file is written whole or not at all (a temporary file in the same
   directory, fsynced, then renamed over nothing);
3. the build runs; the running server follows the new release as it follows any build;
4. "applied" (with the release number) or, if the build refused, "build-failed" with its message:
   the file is removed, the served release is untouched, and the proposal is pending again.

A kill -9 anywhere leaves "accepting" as the last event; :func:`recover` then looks at the
current release: if it was built with the file, the proposal is applied; otherwise the file (if
any) is removed and the proposal is pending again. Nothing is lost, nothing applied twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from labgraph.config import Settings
from labgraph.contributions import db
from labgraph.contributions.base import STATES, Contributor, contribution_graph_name
from labgraph.contributions.proposals import last_event
from labgraph.contributions.rdf import contribution_turtle
from labgraph.errors import ContributionConflict, LabgraphError
from labgraph.graph.build import run_build
from labgraph.graph.build_lock import build_lock
from labgraph.release import Release, current

CONTRIBUTIONS_DIR = Path("data") / "contributions"


def contribution_path(settings: Settings, number: int) -> Path:
    return settings.project_dir / CONTRIBUTIONS_DIR / f"{contribution_graph_name(number)}.ttl"


def _record(conn: sqlite3.Connection, number: int, actor: str, action: str, detail: dict[str, object]) -> None:
    with db.immediate(conn):
        conn.execute("INSERT INTO events (proposal_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
                     (number, db.now(), actor, action, json.dumps(detail, ensure_ascii=False)))


def decide(conn: sqlite3.Connection, number: int, curator: str, seen_event: int, action: str,
           detail: dict[str, object]) -> None:
    """Append a curator's decision if the proposal is still as the curator saw it, and pending."""
    with db.immediate(conn):
        last = last_event(conn, number)
        state = STATES[last["action"]]
        if last["id"] != seen_event:
            raise ContributionConflict(
                f"proposal {number} changed since the page was shown (it is now {state}): reload it and decide again"
            )
        if state != "pending":
            raise ContributionConflict(f"proposal {number} is {state}: there is nothing to decide")
        conn.execute("INSERT INTO events (proposal_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
                     (number, db.now(), curator, action, json.dumps(detail, ensure_ascii=False)))


def write_atomically(path: Path, text: str) -> None:
    """The whole file or none: a half-written Turtle file would break every later build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def accept(settings: Settings, conn: sqlite3.Connection, number: int, curator: str, seen_event: int,
           known_iris: set[str]) -> int | None:
    """Accept, build and record; the new release's number, or None when the build refused (the
    proposal then shows the build's message and is pending again)."""
    with build_lock(settings.build_dir):
        decide(conn, number, curator, seen_event, "accepting", {})
        proposal = conn.execute("SELECT * FROM proposals WHERE id = ?", (number,)).fetchone()
        version = conn.execute("SELECT version, payload FROM versions WHERE proposal_id = ? "
                               "ORDER BY version DESC LIMIT 1", (number,)).fetchone()
        who = conn.execute("SELECT * FROM contributors WHERE proposal_id = ?", (number,)).fetchone()
        contributor = (Contributor(who["name"], who["email"], who["relation"], bool(who["named"]))
                       if who else Contributor())
        payload = {k: v for k, v in json.loads(version["payload"]).items() if k != "comment"}
        text = contribution_turtle(number, proposal["kind"], proposal["card_type"], proposal["target"], payload,
                                   contributor, curator, datetime.now(UTC), known_iris)
        path = contribution_path(settings, number)
        try:
            write_atomically(path, text)
            result = run_build(settings)
        except LabgraphError as exc:
            path.unlink(missing_ok=True)
            _record(conn, number, curator, "build-failed", {"error": str(exc), "version": version["version"]})
            return None
        release = Release(result.release).manifest.get("release")
        _record(conn, number, curator, "applied", {"release": release, "version": version["version"],
                                                   "file": str(CONTRIBUTIONS_DIR / path.name)})
        return int(release) if isinstance(release, int) else None


def recover(settings: Settings, conn: sqlite3.Connection) -> list[int]:
    """Settle the accepts a dead server left claimed; the proposals settled. Run at start."""
    with build_lock(settings.build_dir):
        rows = conn.execute(
            "SELECT e.proposal_id FROM events e WHERE e.action = 'accepting' AND e.id = "
            "(SELECT MAX(id) FROM events WHERE proposal_id = e.proposal_id)"
        ).fetchall()
        settled = []
        release = current(settings.build_dir)
        manifest = Release(release).manifest if release is not None else {}
        built_with = {Path(source).name for source in manifest.get("sources", {})}
        for row in rows:
            number = row["proposal_id"]
            path = contribution_path(settings, number)
            if path.is_file() and path.name in built_with:
                _record(conn, number, "labgraph", "applied",
                        {"release": manifest.get("release"), "file": str(CONTRIBUTIONS_DIR / path.name),
                         "recovered": True})
            else:
                path.unlink(missing_ok=True)
                _record(conn, number, "labgraph", "build-failed",
                        {"error": "the server stopped during the accept, before its release was published; "
                                  "nothing was applied: accept it again"})
            settled.append(number)
        return settled
