"""Curators' accounts: an append-only history (``curator_events``) whose last event per name is
the account's state, with passwords hashed by Argon2id (argon2-cffi, the reference binding).

An account is never deleted: removing one appends "removed" and ends its sessions, so who
decided what stays readable in the proposals' history.
"""

from __future__ import annotations

import re
import sqlite3

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from labgraph.contributions import db
from labgraph.errors import ConfigError

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD = 12
_hasher = PasswordHasher()
#: Verified against when the name is unknown, so that the time taken does not tell names apart.
_DUMMY = _hasher.hash("not the password of anyone")


class CuratorError(ConfigError):
    """An account that cannot be made, changed or removed as asked."""


def _last(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM curator_events WHERE name = ? ORDER BY id DESC LIMIT 1", (name,)
    ).fetchone()
    return row


def _active(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    row = _last(conn, name)
    return row if row is not None and row["action"] != "removed" else None


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise CuratorError(f"a curator's password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def add(conn: sqlite3.Connection, name: str, password: str) -> None:
    if not NAME.fullmatch(name):
        raise CuratorError(f"{name!r}: an account name is 2 to 40 of a-z, 0-9, '.', '_', '-', starting with a letter "
                           "or digit")
    hashed = _checked_password(password)
    with db.immediate(conn):
        if _active(conn, name) is not None:
            raise CuratorError(f"the curator {name!r} exists already (labgraph curators password {name} changes it)")
        conn.execute("INSERT INTO curator_events (name, at, action, password_hash) VALUES (?, ?, 'added', ?)",
                     (name, db.now(), hashed))


def set_password(conn: sqlite3.Connection, name: str, password: str) -> None:
    hashed = _checked_password(password)
    with db.immediate(conn):
        if _active(conn, name) is None:
            raise CuratorError(f"no curator named {name!r}")
        conn.execute("INSERT INTO curator_events (name, at, action, password_hash) VALUES (?, ?, 'password', ?)",
                     (name, db.now(), hashed))
        conn.execute("UPDATE sessions SET ended_at = ? WHERE curator = ? AND ended_at IS NULL", (db.now(), name))


def remove(conn: sqlite3.Connection, name: str) -> None:
    with db.immediate(conn):
        if _active(conn, name) is None:
            raise CuratorError(f"no curator named {name!r}")
        conn.execute("INSERT INTO curator_events (name, at, action) VALUES (?, ?, 'removed')", (name, db.now()))
        conn.execute("UPDATE sessions SET ended_at = ? WHERE curator = ? AND ended_at IS NULL", (db.now(), name))


def names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name, action FROM curator_events e WHERE id = (SELECT MAX(id) FROM curator_events WHERE name = e.name)"
        " ORDER BY name"
    ).fetchall()
    return [row["name"] for row in rows if row["action"] != "removed"]


def is_active(conn: sqlite3.Connection, name: str) -> bool:
    return _active(conn, name) is not None


def verify(conn: sqlite3.Connection, name: str, password: str) -> bool:
    """Whether ``password`` is the active account's; as slow for an unknown name as for a known one."""
    row = _active(conn, name)
    stored = row["password_hash"] if row is not None else _DUMMY
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if row is None:
        return False
    if _hasher.check_needs_rehash(stored):  # the library's parameters grew: keep up, as a new event
        with db.immediate(conn):
            conn.execute("INSERT INTO curator_events (name, at, action, password_hash) VALUES (?, ?, 'password', ?)",
                         (name, db.now(), _hasher.hash(password)))
    return True
