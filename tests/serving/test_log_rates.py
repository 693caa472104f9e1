"""A busy server's queue warnings are kept to one line per interval, counting the rest."""

from __future__ import annotations

import logging

import pytest

from labgraph.serving.log_rates import OncePer, quiet_queue_warnings


def test_one_line_per_interval_says_how_many_were_left_out(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    logger = logging.getLogger("labgraph.test.queue")
    logger.addFilter(OncePer(10.0, clock=lambda: now[0]))
    with caplog.at_level(logging.WARNING, logger="labgraph.test.queue"):
        for depth in range(1, 727):  # the loaded run of issue 21: 726 warnings
            now[0] += 0.5  # one warning every half second for six minutes
            logger.warning("Task queue depth is %d", depth)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 37  # one every 10 s instead of 726
    assert lines[0] == "Task queue depth is 1"
    assert lines[1] == "Task queue depth is 21 (19 more such lines in the last 10 s)"


def test_the_server_installs_it_once_on_waitress_queue_logger() -> None:
    queue = logging.getLogger("waitress.queue")
    quiet_queue_warnings()
    quiet_queue_warnings()
    assert sum(isinstance(f, OncePer) for f in queue.filters) == 1
