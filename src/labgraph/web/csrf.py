"""CSRF tokens for the site's forms: signed, scoped to one form, dated, and spent once where asked.

A token is itsdangerous's timed signature (Flask's own signing library) of a scope and a random
id, made with the server's secret key (:mod:`labgraph.contributions.secret`), so every process of
a server accepts what another issued and nothing is stored until it is used. The scope names what
the token may do: ``contribute`` for the proposal form; for a curator's decision, the session,
the action, the proposal and its last event, so that a token lifted from one page can neither
act on another proposal nor repeat a decision once the proposal has moved on. A form whose every
sending must count once (a proposal) spends the token's id through the desk, which refuses a
replay.
"""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from labgraph.errors import NotAuthorised

SALT = "labgraph-csrf"
#: How long a form stays valid once shown: enough to fill in a long card, not a day.
MAX_AGE_S = 4 * 3600
FIELD = "csrf_token"


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def session_scope(session_token: str, *parts: object) -> str:
    """A scope bound to a curator's session, without putting the session token in the form."""
    digest = hashlib.sha256(session_token.encode("utf-8")).hexdigest()[:32]
    return ":".join([digest, *(str(part) for part in parts)])


def issue(secret: bytes, scope: str) -> str:
    return _serializer(secret).dumps({"scope": scope, "id": secrets.token_urlsafe(16)})


def verify(secret: bytes, token: str | None, scope: str, max_age_s: int = MAX_AGE_S) -> str:
    """The token's id when it is genuine, fresh and made for ``scope``; NotAuthorised otherwise."""
    if not token:
        raise NotAuthorised("the form was sent without its CSRF token: reload the page and send it again")
    try:
        data = _serializer(secret).loads(token, max_age=max_age_s)
    except SignatureExpired:
        raise NotAuthorised("the form is too old: reload the page and send it again") from None
    except BadSignature:
        raise NotAuthorised("the form's CSRF token is not valid: reload the page and send it again") from None
    if not isinstance(data, dict) or data.get("scope") != scope or not isinstance(data.get("id"), str):
        raise NotAuthorised("the form's CSRF token was made for another form or session: reload the page")
    return data["id"]
