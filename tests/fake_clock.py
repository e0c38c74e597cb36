"""A clock the tests move by hand, for stores that take ``clock=`` (mocks/common/store.py): a week passes at once."""

from __future__ import annotations

WEEK = 7 * 24 * 3600


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
