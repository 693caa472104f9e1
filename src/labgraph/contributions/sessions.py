"""Curators' sessions: a random token per sign-in, kept only as its hash, with an end.

A sign-in always mints a new token (a token the browser brings is never adopted, so no session
fixation). Failed sign-ins are limited per client address and per account name
(``login_attempts_per_hour``), counted before the password is checked, so guessing costs an
attacker an hour per few tries whichever they vary.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

from labgraph.config import Settings
from labgraph.contributions import curators, db
from labgraph.errors import NotAuthorised, RateLimited

HOUR = 3600.0
WRONG = "wrong account name or password"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Sessions:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = db.connect(db.path_in(self.settings.state_dir))
        return conn

    def _check_limit(self, conn: sqlite3.Connection, keys: list[tuple[str, str]]) -> None:
        since = time.time() - HOUR
        limit = self.settings.login_attempts_per_hour
        for kind, key in keys:
            rows = conn.execute("SELECT at FROM attempts WHERE kind = ? AND key = ? AND at > ? ORDER BY at",
                                (kind, key, since)).fetchall()
            if len(rows) >= limit:
                retry = max(1, math.ceil(rows[0]["at"] + HOUR - time.time()))
                raise RateLimited(f"at most {limit} failed sign-ins an hour per address and per account",
                                  retry_after=retry, setting="login_attempts_per_hour")

    def sign_in(self, name: str, password: str, address: str) -> str:
        conn = self._conn()
        keys = [("login-address", address), ("login-account", name)]
        self._check_limit(conn, keys)
        if not curators.verify(conn, name, password):
            with db.immediate(conn):
                conn.executemany("INSERT INTO attempts (kind, key, at) VALUES (?, ?, ?)",
                                 [(kind, key, time.time()) for kind, key in keys])
            raise NotAuthorised(WRONG)
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = now + timedelta(hours=self.settings.curator_session_hours)
        with db.immediate(conn):
            conn.execute("INSERT INTO sessions (token_hash, curator, created_at, expires_at) VALUES (?, ?, ?, ?)",
                         (_hash(token), name, now.isoformat(timespec="seconds"), expires.isoformat()))
        return token

    def session(self, token: str) -> str | None:
        if not token:
            return None
        conn = self._conn()
        row = conn.execute("SELECT curator, expires_at, ended_at FROM sessions WHERE token_hash = ?",
                           (_hash(token),)).fetchone()
        if row is None or row["ended_at"] is not None:
            return None
        if datetime.fromisoformat(row["expires_at"]) <= datetime.now(UTC):
            return None
        return str(row["curator"]) if curators.is_active(conn, row["curator"]) else None

    def sign_out(self, token: str) -> None:
        conn = self._conn()
        with db.immediate(conn):
            conn.execute("UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
                         (db.now(), _hash(token)))
