"""Files the emulators keep that must stay theirs: private keys and secrets."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    """Write a secret readable by its owner only, from the first byte (no chmod after the fact)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    path.chmod(0o600)  # an existing file keeps its old mode through O_CREAT
