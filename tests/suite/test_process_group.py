"""scripts/process_group.py: a child and everything it started end together, the next signal when one is ignored."""

from __future__ import annotations

import os
import signal
import subprocess

from scripts.process_group import stop_group


def test_the_whole_group_ends_even_when_its_leader_ignores_the_first_signal() -> None:
    # The leader ignores SIGINT and has a grandchild, as make with pytest and its stack below it would.
    leader = subprocess.Popen(["sh", "-c", "trap '' INT; sleep 120 & echo $!; wait"], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    grandchild = int(leader.stdout.readline())  # type: ignore[union-attr]
    stop_group(leader, (signal.SIGINT, signal.SIGKILL), wait=1)
    assert leader.poll() is not None
    try:
        os.kill(grandchild, 0)
        alive = not open(f"/proc/{grandchild}/stat").read().split(")")[1].split()[0] == "Z"
    except ProcessLookupError:
        alive = False
    assert not alive, "the grandchild outlived its group"
