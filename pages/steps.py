"""Page objects' intent methods as steps of the running test's report (Allure).

Outside a test (the tenant preflight drives the sign-in page before the first one) there is no test to
hold a step, and Allure's listener fails on one; ``unrecorded()`` runs the same methods without steps.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

import allure

P = ParamSpec("P")
R = TypeVar("R")

_recorded: ContextVar[bool] = ContextVar("pages_steps_recorded", default=True)


def step(title: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``allure.step(title)`` while steps are recorded (``{name}`` in ``title`` takes the argument's value)."""

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        in_report = allure.step(title)(method)

        @functools.wraps(method)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            return in_report(*args, **kwargs) if _recorded.get() else method(*args, **kwargs)

        return run

    return decorate


@contextmanager
def unrecorded() -> Iterator[None]:
    """Page objects' steps inside this block are plain calls: for browser work that belongs to no test."""
    token = _recorded.set(False)
    try:
        yield
    finally:
        _recorded.reset(token)
