"""Fixtures shared by the suite's own tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from fixtures import texts


@pytest.fixture
def policies(tmp_path: Path) -> Iterator[Path]:
    """A copy of policies/ the test may edit, read as the run's policy files (E2E_STACK_POLICIES, B2C_POLICY_FILES), and
    policies/ read again after it."""
    copy = tmp_path / "policies"
    shutil.copytree(texts.SEED_POLICIES_DIR, copy)
    texts.read_policies_from(str(copy))
    yield copy
    texts.read_policies_from(None)


@contextmanager
def _seed_files_standing_in() -> Iterator[None]:
    texts.read_policies_from(None, known=False)
    try:
        yield
    finally:
        texts.read_policies_from(None)


@pytest.fixture
def seed_files_standing_in() -> Callable[[], AbstractContextManager[None]]:
    """``with seed_files_standing_in():`` policies/ read as a tenant run without B2C_POLICY_FILES reads it, in place of the
    tenant's files (``texts.POLICIES_KNOWN`` false); read again as the run's own after."""
    return _seed_files_standing_in
