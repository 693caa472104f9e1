"""CSRF tokens: only a genuine, fresh token made for the same form passes."""

from __future__ import annotations

import time

import pytest

from labgraph.errors import NotAuthorised
from labgraph.web import csrf

SECRET = b"k" * 48


def test_a_token_passes_for_its_own_scope_and_names_a_fresh_id_each_time() -> None:
    first, second = csrf.issue(SECRET, "contribute"), csrf.issue(SECRET, "contribute")
    assert csrf.verify(SECRET, first, "contribute") != csrf.verify(SECRET, second, "contribute")


@pytest.mark.parametrize("token", [None, "", "garbage", "eyJzY29wZSI6ImNvbnRyaWJ1dGUifQ.x.y"])
def test_a_missing_or_forged_token_is_refused(token: str | None) -> None:
    with pytest.raises(NotAuthorised, match="CSRF|token"):
        csrf.verify(SECRET, token, "contribute")


def test_a_token_of_another_key_or_scope_is_refused() -> None:
    with pytest.raises(NotAuthorised, match="not valid"):
        csrf.verify(SECRET, csrf.issue(b"o" * 48, "contribute"), "contribute")
    session = csrf.session_scope("session-a", "accept", 3, 17)
    with pytest.raises(NotAuthorised, match="another form"):
        csrf.verify(SECRET, csrf.issue(SECRET, session), csrf.session_scope("session-b", "accept", 3, 17))
    with pytest.raises(NotAuthorised, match="another form"):
        csrf.verify(SECRET, csrf.issue(SECRET, session), csrf.session_scope("session-a", "accept", 3, 18))


def test_an_old_token_is_refused() -> None:
    token = csrf.issue(SECRET, "contribute")
    time.sleep(1.1)
    with pytest.raises(NotAuthorised, match="too old"):
        csrf.verify(SECRET, token, "contribute", max_age_s=0)
