"""Run a coroutine to the end on an event loop of its own.

In a thread of its own, because the test's thread may already run one: pytest-playwright's
session (any browser test earlier in the same xdist worker) keeps an event loop running there,
and ``asyncio.run`` refuses to start inside it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
