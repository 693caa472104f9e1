"""The contributions database: SQLite under ``state_dir``, migrated in place, append-only.

SQLite because a registry's proposals must outlive any build and any server process, and the
standard module needs nothing installed. WAL mode lets readers (a page showing a proposal's
state) go on while a submission writes, and several server processes share the file.

Append-only is enforced by the database, not by convention: triggers refuse every UPDATE and
DELETE on the tables that hold proposals, their versions, their contributors, their events
and the curators' account history, so that no code path, present or future, can rewrite what
was proposed or decided. A proposal's state is its last event (``base.STATES``). Only the
working tables (sessions, rate-limit counters) may change.

A schema change (a new event action included: base.ACTIONS and the CHECK below must agree, which
tests/contributions/test_db.py checks) is a new entry at the end of :data:`MIGRATIONS`, never an edit of an old one:
``PRAGMA user_version`` says how many have run, and :func:`connect` runs the rest in one
transaction, so a database is always at a version its code knows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from labgraph.errors import ConfigError

#: Tables nothing may update or delete.
APPEND_ONLY = ("proposals", "versions", "contributors", "events", "curator_events")

MIGRATIONS: tuple[str, ...] = (
    # 1: proposals, their versions and events, contributors kept apart, curators, sessions, limits
    """
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('new', 'correction')),
        target TEXT,
        card_type TEXT NOT NULL,
        follow_token_hash TEXT NOT NULL,
        CHECK ((kind = 'new') = (target IS NULL))
    );
    CREATE TABLE versions (
        proposal_id INTEGER NOT NULL REFERENCES proposals(id),
        version INTEGER NOT NULL,
        at TEXT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (proposal_id, version)
    );
    CREATE TABLE contributors (
        proposal_id INTEGER PRIMARY KEY REFERENCES proposals(id),
        name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        relation TEXT NOT NULL DEFAULT '',
        named INTEGER NOT NULL DEFAULT 0 CHECK (named IN (0, 1))
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        proposal_id INTEGER NOT NULL REFERENCES proposals(id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('proposed', 'revised', 'build-failed', 'changes-requested',
                                                'rejected', 'accepting', 'applied')),
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_by_proposal ON events (proposal_id, id);
    CREATE TABLE curator_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('added', 'password', 'removed')),
        password_hash TEXT
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        curator TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE TABLE attempts (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX attempts_by_key ON attempts (kind, key, at);
    """
    + "".join(
        f"""
    CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
    CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
    """
        for table in APPEND_ONLY
    ),
)

FILE_NAME = "contributions.sqlite3"


def path_in(state_dir: Path) -> Path:
    return state_dir / FILE_NAME


def connect(path: Path) -> sqlite3.Connection:
    """An open, migrated database; transactions are explicit (:func:`immediate`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")  # a proposal acknowledged is on disk
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"{path}: cannot open the contributions database: {exc}") from exc
    conn.row_factory = sqlite3.Row
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Run the migrations the database has not seen; return its version after."""
    with immediate(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise ConfigError(
                f"the contributions database is at version {version}, newer than this labgraph "
                f"knows ({len(MIGRATIONS)}): upgrade labgraph"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (BEGIN IMMEDIATE), so that two writers never both
    read a state and then both act on it: the second waits, then sees the first's rows."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def now() -> str:
    """The time of an event, as stored: ISO 8601 in UTC, to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _statements(script: str) -> Iterator[str]:
    """The script's statements one by one (``executescript`` would commit the transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()
