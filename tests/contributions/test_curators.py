"""Curators' accounts and sessions: Argon2id hashes only, the same answer for a wrong name and a
wrong password, a limit on guessing, sessions that end, and never a session the client chose."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.contributions import curators, db
from labgraph.contributions.sessions import WRONG, Sessions
from labgraph.errors import ConfigError, NotAuthorised, RateLimited

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(real_settings: Settings, tmp_path: Path) -> Settings:
    return real_settings.replace(state_dir=tmp_path / "state", login_attempts_per_hour=3)


@pytest.fixture
def conn(settings: Settings) -> sqlite3.Connection:
    conn = db.connect(db.path_in(settings.state_dir))
    curators.add(conn, "alice", PASSWORD)
    return conn


def test_an_account_keeps_only_an_argon2id_hash(conn: sqlite3.Connection) -> None:
    stored = conn.execute("SELECT password_hash FROM curator_events WHERE name = 'alice'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert curators.verify(conn, "alice", PASSWORD) and not curators.verify(conn, "alice", PASSWORD + "!")
    assert not curators.verify(conn, "nobody", PASSWORD)
    assert curators.names(conn) == ["alice"]


@pytest.mark.parametrize(("name", "password", "message"), [
    ("alice", PASSWORD, "exists already"),
    ("Bob Smith", PASSWORD, "account name"),
    ("bob", "short", "at least 12"),
])
def test_bad_accounts_are_refused(conn: sqlite3.Connection, name: str, password: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        curators.add(conn, name, password)
    assert curators.names(conn) == ["alice"]


def test_the_account_history_is_append_only(conn: sqlite3.Connection) -> None:
    curators.remove(conn, "alice")
    assert curators.names(conn) == [] and not curators.verify(conn, "alice", PASSWORD)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM curator_events")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE curator_events SET password_hash = 'x'")
    curators.add(conn, "alice", PASSWORD + "2")  # a name may come back, as a new account event
    assert [r[0] for r in conn.execute("SELECT action FROM curator_events ORDER BY id")] == [
        "added", "removed", "added"]


def test_sign_in_mints_a_fresh_token_kept_hashed(settings: Settings, conn: sqlite3.Connection) -> None:
    sessions = Sessions(settings)
    first, second = sessions.sign_in("alice", PASSWORD, "192.0.2.1"), sessions.sign_in("alice", PASSWORD, "192.0.2.1")
    assert first != second and len(first) >= 40
    assert sessions.session(first) == sessions.session(second) == "alice"
    stored = [r[0] for r in conn.execute("SELECT token_hash FROM sessions")]
    assert first not in stored and second not in stored
    assert sessions.session("a-token-the-client-made-up") is None
    sessions.sign_out(first)
    assert sessions.session(first) is None and sessions.session(second) == "alice"


def test_a_wrong_name_and_a_wrong_password_get_the_same_answer(settings: Settings, conn: sqlite3.Connection) -> None:
    sessions = Sessions(settings)
    with pytest.raises(NotAuthorised) as wrong_password:
        sessions.sign_in("alice", "not the password", "192.0.2.1")
    with pytest.raises(NotAuthorised) as wrong_name:
        sessions.sign_in("mallory", PASSWORD, "192.0.2.2")
    assert str(wrong_password.value) == str(wrong_name.value) == WRONG


def test_guessing_is_limited_per_address_and_per_account(settings: Settings, conn: sqlite3.Connection) -> None:
    sessions = Sessions(settings)
    for _ in range(3):
        with pytest.raises(NotAuthorised):
            sessions.sign_in("alice", "guess", "192.0.2.1")
    with pytest.raises(RateLimited) as limited:
        sessions.sign_in("alice", PASSWORD, "192.0.2.1")  # even the right password, from there
    assert limited.value.retry_after > 0 and limited.value.setting == "login_attempts_per_hour"
    with pytest.raises(RateLimited):
        sessions.sign_in("alice", PASSWORD, "198.51.100.7")  # the account is limited from anywhere
    curators.add(conn, "bob", PASSWORD)
    with pytest.raises(RateLimited):
        sessions.sign_in("bob", PASSWORD, "192.0.2.1")  # and the address for any account
    assert sessions.sign_in("bob", PASSWORD, "198.51.100.7")


def test_removing_or_changing_a_password_ends_the_sessions(settings: Settings, conn: sqlite3.Connection) -> None:
    sessions = Sessions(settings)
    token = sessions.sign_in("alice", PASSWORD, "192.0.2.1")
    curators.set_password(conn, "alice", PASSWORD + " again")
    assert sessions.session(token) is None
    token = sessions.sign_in("alice", PASSWORD + " again", "192.0.2.1")
    curators.remove(conn, "alice")
    assert sessions.session(token) is None


def test_a_session_ends_when_it_expires(settings: Settings, conn: sqlite3.Connection) -> None:
    sessions = Sessions(settings.replace(curator_session_hours=0.01 / 3600))  # 10 ms
    token = sessions.sign_in("alice", PASSWORD, "192.0.2.1")
    time.sleep(0.05)
    assert sessions.session(token) is None
