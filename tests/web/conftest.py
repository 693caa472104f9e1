"""Fixtures of the web tests: one headless Chromium per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .chromium import chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver
