from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from .support import LiveServer, User


@pytest.fixture
def start_emulator() -> Iterator[Callable[..., LiveServer]]:
    """Start an emulator with settings overrides; stopped at the end of the test."""
    with ExitStack() as stack:

        def start(**overrides: Any) -> LiveServer:
            return stack.enter_context(LiveServer(**overrides))

        yield start


@pytest.fixture(scope="module")
def emulator() -> Iterator[LiveServer]:
    """The default emulator, shared by a module's tests; ``http`` resets it before each test."""
    with LiveServer() as server:
        yield server


@pytest.fixture
def http(emulator: LiveServer) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        assert client.post("/control/reset").status_code == 200
        yield client


@pytest.fixture
def user(http) -> User:
    return User(http)
