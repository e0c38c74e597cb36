"""tests/conftest.py: under xdist the slow emulator tests open every worker's first block, shared out in turn."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.conftest import pytest_collection_modifyitems


class Item(SimpleNamespace):
    def get_closest_marker(self, name: str) -> Any:
        return name == "slow" and self.slow or None


def order(items: list[Item], workers: int | None) -> list[str]:
    config = SimpleNamespace(workerinput={"workercount": workers}) if workers else SimpleNamespace()
    pytest_collection_modifyitems(config, items)  # type: ignore[arg-type]
    return [item.name for item in items]


def test_slow_tests_open_each_workers_first_block_in_turn() -> None:
    items = [Item(name=f"t{n}", slow=False) for n in range(40)] + [Item(name=f"s{n}", slow=True) for n in range(5)]
    ordered = order(items, 2)  # 45 items, 2 workers: xdist's first block per worker is 45 // 2 // 4 = 5
    assert ordered[:10] == ["s0", "s2", "s4", "t0", "t1", "s1", "s3", "t2", "t3", "t4"]
    assert ordered[10:] == [f"t{n}" for n in range(5, 40)]


def test_without_workers_the_collection_order_stays() -> None:
    items = [Item(name="t0", slow=False), Item(name="s0", slow=True), Item(name="t1", slow=False)]
    assert order(items, None) == ["t0", "s0", "t1"]
