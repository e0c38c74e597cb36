from __future__ import annotations

from collections.abc import Iterator

import pytest

from mocks.stack import StackConfig, StackInfo, running_stack


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackInfo]:
    """The whole stack (B2C, Mobile ID, jwt.ms) in this process, on a free port."""
    with running_stack(StackConfig(port=0, state_dir=tmp_path_factory.mktemp("stack"), proxy_port=0)) as info:
        yield info
