from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from .support import Browser, Harness, harness


@pytest.fixture(scope="module")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tls")


@pytest.fixture
def start(tls_dir: Path) -> Iterator[Callable[..., Harness]]:
    """Start a tenant + fake IdP with settings overrides; stopped at the end of the test."""
    with ExitStack() as stack:

        def start(**overrides: Any) -> Harness:
            return stack.enter_context(harness(tls_dir, **overrides))

        yield start


@pytest.fixture(scope="module")
def shared(tls_dir: Path) -> Iterator[Harness]:
    """The default tenant, shared by a module's tests (each test uses its own browser)."""
    with harness(tls_dir) as h:
        yield h


@pytest.fixture
def browser(shared: Harness) -> Browser:
    return shared.browser()
