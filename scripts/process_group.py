"""Ending a child started in a process group of its own (``start_new_session=True``) with everything it started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from typing import Any


def stop_group(process: subprocess.Popen[Any], signals: Sequence[int] = (signal.SIGTERM, signal.SIGKILL), wait: float = 10.0) -> None:
    """Send each signal in turn to the whole group until its leader has ended (``wait`` seconds per signal); then give
    the rest of the group ``wait`` seconds to end too (a browser writing its last files) and kill what is left."""
    for sig in signals:
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=wait)
            break
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)  # the other members are no children of ours: nothing to wait on but their absence
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # one that ignored the signal must not outlive the run
