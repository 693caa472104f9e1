"""Python's cyclic garbage collector paused around the cartography's bulk computations.

Cards, similarity links and their quads are millions of small objects made in one go and kept,
none of them garbage cycles; the generational collector still rescans the growing heap each time
enough objects are allocated, a cost that grows faster than the number of structures.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cards allocate millions of small objects and free none of them as cycles: Python's
    cyclic collector would rescan the whole growing heap again and again (a cost that grows
    faster than the number of structures: a tenth of the cards' time at 10,000). Reference
    counting still frees what dies; the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
