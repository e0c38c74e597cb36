"""scripts/process_group.py: a child and everything it started end together, the next signal when one is ignored."""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import subprocess
import threading

import pytest

from scripts.process_group import group_alive, signals_held, stop_group


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
    leader = subprocess.Popen(["sh", "-c", "sh -c 'trap \"\" TERM; echo trapped; sleep 120' & echo $!; wait"], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    # Its pid and its word that the trap is set, in either order: a SIGTERM before the trap would end it as any other.
    said = {leader.stdout.readline().strip() for _ in range(2)}  # type: ignore[union-attr]
    assert "trapped" in said, said
    member = int((said - {"trapped"}).pop())
    watch = os.pidfd_open(member)
    try:
        stop_group(leader, (signal.SIGTERM,), wait=1)
        ended, _, _ = select.select([watch], [], [], 10)
        assert ended, "a member that ignored SIGTERM outlived its group"
    finally:
        os.close(watch)


def test_a_group_left_with_members_nobody_reaped_counts_as_ended() -> None:
    """A container's init may reap nothing: a member whose parent is gone stays a zombie, and ``killpg(group, 0)`` still
    finds it. This process stands in for such an init: it takes the orphans (a subreaper) and reaps only after the checks."""
    set_subreaper, get_subreaper = 36, 37  # PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER
    libc = ctypes.CDLL(None, use_errno=True)
    before = ctypes.c_int()
    assert libc.prctl(get_subreaper, ctypes.byref(before), 0, 0, 0) == 0
    hold, release = os.pipe()  # the member waits for the end of this pipe's input, so it outlives its leader
    assert libc.prctl(set_subreaper, 1, 0, 0, 0) == 0
    member, leader = None, None
    try:
        # The pipe as fd 3 (a background command's own stdin is /dev/null; dash takes one-digit fds only).
        leader = subprocess.Popen(["sh", "-c", "exec 3<&0; sh -c 'read line <&3' & echo $!"], stdin=hold, stdout=subprocess.PIPE,
                                  text=True, start_new_session=True)
        member = int(leader.stdout.readline())  # type: ignore[union-attr]
        leader.wait(timeout=10)  # the leader is gone: the member is this process's child now, still reading
        watch = os.pidfd_open(member)  # fails if the member is gone already
        try:
            os.close(release)  # end of input: the member ends, and nobody reaps it
            release = -1
            ended, _, _ = select.select([watch], [], [], 10)
        finally:
            os.close(watch)
        assert ended, "the member did not end at the end of its input"
        os.killpg(leader.pid, 0)  # the zombie still answers for its group...
        assert not group_alive(leader.pid)  # ...but nothing in it runs
        stopping = threading.Thread(target=stop_group, args=(leader,), kwargs={"wait": 60}, daemon=True)
        stopping.start()
        stopping.join(10)
        assert not stopping.is_alive(), "stop_group waited on a group of zombies"
    finally:
        libc.prctl(set_subreaper, before.value, 0, 0, 0)  # as this worker had it
        for fd in (hold, release):
            if fd >= 0:
                os.close(fd)
        if leader is not None and leader.stdout is not None:
            leader.stdout.close()
        if member is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(member, 0)


def test_a_child_started_while_signals_are_held_inherits_the_ones_this_process_ignores(tmp_path) -> None:
    """``cmd &`` in a script ignores Ctrl-C, and so did the pytest it started: a handler held in its place reached the
    child as the default, and Ctrl-C to the group stopped the child while the script went on."""
    import sys

    from tests.suite_run import ROOT

    script = tmp_path / "script.py"
    script.write_text(f"import signal, sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom scripts.process_group import run_to_its_end\n"
                      "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                      "sys.exit(run_to_its_end([sys.executable, '-c', 'import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)']))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "True"), done.stderr


def test_a_signal_that_comes_while_it_is_held_is_acted_on_once_the_block_has_ended() -> None:
    """What a script holds while it starts a child: the stop waits for the child's handle, then reaches its own handler."""
    before = signal.getsignal(signal.SIGINT)
    went_on = []
    with pytest.raises(KeyboardInterrupt), signals_held((signal.SIGINT,)):
        os.kill(os.getpid(), signal.SIGINT)
        went_on.append(True)  # the child's handle, kept
    assert went_on == [True] and signal.getsignal(signal.SIGINT) == before
