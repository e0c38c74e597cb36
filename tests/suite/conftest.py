"""Fixtures shared by the suite's own tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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
