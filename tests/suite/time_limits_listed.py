"""A plugin for tests of the journeys' time limits (``-p tests.suite.time_limits_listed``): after collection, one line per
journey, ``time limit <node id> <seconds or none>``, the ``timeout`` mark pytest-timeout reads first."""

from __future__ import annotations

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    for item in session.items:
        mark = item.get_closest_marker("timeout")
        print(f"time limit {item.nodeid} {mark.args[0] if mark and mark.args else 'none'}")
