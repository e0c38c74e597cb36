"""Ending a child started in a process group of its own (``start_new_session=True``) with everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from typing import Any


def stop_group(process: subprocess.Popen[Any], signals: Sequence[int] = (signal.SIGTERM, signal.SIGKILL), wait: float = 10.0) -> None:
    """Send each signal in turn to the whole group until its leader has ended (``wait`` seconds per signal)."""
    for sig in signals:
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
