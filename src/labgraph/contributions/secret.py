"""The key that signs curators' sessions and the forms' CSRF tokens.

Every process of one server must use the same key (a form shown by one process is posted to
another), and a restart must not sign everyone out: so without a configured ``secret_key``,
the first process to need one writes a random key to ``state_dir/secret_key``, readable by
its owner only, and every later process reads that file.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from labgraph.config import Settings
from labgraph.errors import ConfigError

FILE_NAME = "secret_key"
MIN_LENGTH = 32


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        if len(settings.secret_key) < MIN_LENGTH:
            raise ConfigError(f"secret_key must be at least {MIN_LENGTH} characters long", setting="secret_key")
        return settings.secret_key.encode("utf-8")
    path = settings.state_dir / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of two processes starting at once, one writes the key and the other reads it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
        handle.flush()
        os.fsync(handle.fileno())
    return _read(path)


def _read(path: Path) -> bytes:
    for _ in range(50):  # the writer may be between its open and its write
        key = path.read_bytes().strip()
        if len(key) >= MIN_LENGTH:
            return key
        time.sleep(0.02)
    raise ConfigError(f"{path}: the secret key file is empty or too short; delete it to make a new one")
