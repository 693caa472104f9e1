"""The contributions database: migrated, append-only by its own triggers, one writer at a time."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.contributions import db
from labgraph.contributions.base import ACTIONS, STATES
from labgraph.contributions.secret import secret_key
from labgraph.errors import ConfigError


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return db.connect(db.path_in(tmp_path))


NEW = "INSERT INTO proposals (created_at, kind, target, card_type, follow_token_hash) VALUES (?, ?, ?, 'lg:Lab', 'h')"
EVENT = "INSERT INTO events (proposal_id, at, actor, action) VALUES (?, ?, ?, ?)"
LAST = "SELECT action FROM events WHERE proposal_id = ? ORDER BY id DESC LIMIT 1"


def _proposal(conn: sqlite3.Connection) -> int:
    with db.immediate(conn):
        cursor = conn.execute(NEW, (db.now(), "new", None))
        number = cursor.lastrowid
        conn.execute(EVENT, (number, db.now(), "contributor", "proposed"))
    assert number is not None
    return number


def test_a_new_database_is_at_the_last_migration(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_runs_no_migration_twice(tmp_path: Path) -> None:
    path = db.path_in(tmp_path)
    first = db.connect(path)
    _proposal(first)
    first.close()
    again = db.connect(path)  # would fail on CREATE TABLE proposals if migration 1 ran again
    assert again.execute("SELECT count(*) FROM proposals").fetchone()[0] == 1


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = db.path_in(tmp_path)
    db.connect(path).execute(f"PRAGMA user_version = {len(db.MIGRATIONS) + 1}")
    with pytest.raises(ConfigError, match="newer than this labgraph"):
        db.connect(path)


@pytest.mark.parametrize("table", db.APPEND_ONLY)
def test_nothing_kept_can_be_updated_or_deleted(conn: sqlite3.Connection, table: str) -> None:
    number = _proposal(conn)
    conn.execute("INSERT INTO contributors (proposal_id, name, email) VALUES (?, 'A', 'a@example.org')", (number,))
    conn.execute("INSERT INTO versions (proposal_id, version, at, payload) VALUES (?, 1, ?, '{}')", (number, db.now()))
    conn.execute("INSERT INTO curator_events (name, at, action) VALUES ('c', ?, 'added')", (db.now(),))
    column = conn.execute(f"SELECT * FROM {table}").fetchone().keys()[-1]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(f"UPDATE {table} SET {column} = {column}")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(f"DELETE FROM {table}")
    assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 1


def test_every_action_the_code_knows_is_one_the_schema_accepts(conn: sqlite3.Connection) -> None:
    number = _proposal(conn)
    for action in ACTIONS:
        conn.execute(EVENT, (number, db.now(), "x", action))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(EVENT, (number, db.now(), "x", "erased"))
    assert set(STATES) == set(ACTIONS)


def test_a_correction_names_its_target_and_a_new_card_does_not(conn: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(NEW, (db.now(), "correction", None))


def test_two_writers_take_turns(tmp_path: Path) -> None:
    """Both read the last event and append after it inside BEGIN IMMEDIATE: the second sees the
    first's row, so no two "accepting" claims can follow the same "proposed"."""
    path = db.path_in(tmp_path)
    number = _proposal(db.connect(path))
    claims: list[bool] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        conn = db.connect(path)
        barrier.wait()
        with db.immediate(conn):
            last = conn.execute(LAST, (number,)).fetchone()[0]
            won = last == "proposed"
            if won:
                conn.execute(EVENT, (number, db.now(), "c", "accepting"))
        claims.append(won)

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims) == [False, True]


def test_the_secret_key_is_made_once_and_private(tmp_path: Path) -> None:
    settings = Settings.load({"state_dir": tmp_path / "state"}, environ={})
    key = secret_key(settings)
    assert key == secret_key(settings) and len(key) >= 32
    assert (tmp_path / "state" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_a_short_configured_secret_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least 32"):
        secret_key(Settings.load({"state_dir": tmp_path, "secret_key": "short"}, environ={}))
