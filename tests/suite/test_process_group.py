"""scripts/process_group.py: a child and everything it started end together, the next signal when one is ignored."""

from __future__ import annotations

import os
import select
import signal
import subprocess

from scripts.process_group import stop_group


def test_the_whole_group_ends_even_when_its_leader_ignores_the_first_signal() -> None:
    # The leader ignores SIGINT and has a grandchild, as make with pytest and its stack below it would.
    leader = subprocess.Popen(["sh", "-c", "trap '' INT; sleep 120 & echo $!; wait"], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    grandchild = int(leader.stdout.readline())  # type: ignore[union-attr]
    watch = os.pidfd_open(grandchild)  # readable once it has ended: a SIGKILL takes effect a moment after it is sent
    try:
        stop_group(leader, (signal.SIGINT, signal.SIGKILL), wait=1)
        assert leader.poll() is not None
        ended, _, _ = select.select([watch], [], [], 10)
        assert ended, "the grandchild outlived its group"
    finally:
        os.close(watch)


def test_a_member_that_ignores_the_signal_does_not_outlive_its_ended_leader() -> None:
    # The leader ends on SIGTERM; its child traps it, as a browser busy writing might.
    leader = subprocess.Popen(["sh", "-c", "sh -c 'trap \"\" TERM; sleep 120' & echo $!; wait"], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    member = int(leader.stdout.readline())  # type: ignore[union-attr]
    watch = os.pidfd_open(member)
    try:
        stop_group(leader, (signal.SIGTERM,), wait=1)
        ended, _, _ = select.select([watch], [], [], 10)
        assert ended, "a member that ignored SIGTERM outlived its group"
    finally:
        os.close(watch)
