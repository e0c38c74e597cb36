"""Ending a child started in a process group of its own (``start_new_session=True``) with everything it started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

if __name__ == "__main__":  # python scripts/process_group.py: a library, which scripts/*.py import
    raise SystemExit("scripts/process_group.py is not a command: the scripts import it (scripts.process_group); run one of them, "
                     "e.g. python scripts/browser_server.py --help")

from mocks.common.parent import STOP_SIGNALS


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
        if not group_alive(process.pid):
            return
        time.sleep(0.05)  # the other members are no children of ours: nothing to wait on but their absence
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # one that ignored the signal must not outlive the run


def group_alive(group: int) -> bool:
    """Whether a member of process group ``group`` still runs. A member that has ended but was not reaped (a zombie: its
    parent gone, and a container's init that reaps nothing) still answers ``killpg(group, 0)``, so Linux's /proc is read
    for the members' states; elsewhere the signal's answer is all there is."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    proc = Path("/proc")
    if not (proc / "self" / "stat").is_file():
        return True
    for stat in proc.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            state, pgrp = _state_and_group(stat)
            # A process whose first thread has ended shows "Z" while its other threads may still run.
            if pgrp == group and (state not in ENDED or any(_state_and_group(task)[0] not in ENDED
                                                              for task in stat.parent.glob("task/[0-9]*/stat"))):
                return True
    return False


ENDED = ("Z", "X")  # zombie (ended, not reaped), dead


def _state_and_group(stat: Path) -> tuple[str, int]:
    """A /proc stat file's state and process group: the fields after "pid (command)", whose command may hold spaces."""
    state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
    return state, int(pgrp)


@contextlib.contextmanager
def signals_handled(signals: Sequence[int], handler: Callable[[int, FrameType | None], Any] | int) -> Iterator[None]:
    """``handler`` for ``signals`` inside the block, and their own handlers again after it. Only the main thread may set
    handlers: in any other (a test's) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, before in previous.items():
            signal.signal(sig, before)


@contextlib.contextmanager
def signals_held(signals: Sequence[int]) -> Iterator[None]:
    """``signals`` that come inside the block are held, and raised again once it has ended, to their own handlers: a stop
    while a child is started (on a busy machine it may run before ``Popen`` returns) is acted on once the child's handle
    is known, not lost with it. Only the main thread may set handlers: in any other nothing changes.

    A signal this process ignores is left ignored: a child inherits that (``cmd &`` in a script ignores Ctrl-C), where a
    handler of ours in its place would reach the child as the default. Of several held, one whose handler raises (a stop)
    ends the raising: the others are not raised again."""
    held: list[int] = []
    holding = [sig for sig in signals if signal.getsignal(sig) is not signal.SIG_IGN]
    try:
        with signals_handled(holding, lambda signum, frame: held.append(signum)):
            yield
    finally:
        for signum in dict.fromkeys(held):
            signal.raise_signal(signum)


class Stopped(KeyboardInterrupt):
    """Ctrl-C's exception for another stop signal, which it carries (and its text names)."""

    def __init__(self, signum: int) -> None:
        self.signal = signal.Signals(signum)
        super().__init__(f"stopped by {self.signal.name}")


def interrupt(signum: int, frame: FrameType | None) -> None:
    """A stop signal read as Ctrl-C, naming the signal: a script's ``finally`` then stops what it started, where Python's
    default for SIGTERM would end it at once and leave them running."""
    raise Stopped(signum)


def stopped_by(stopped: KeyboardInterrupt) -> signal.Signals:
    """The signal a KeyboardInterrupt stands for: the one ``interrupt`` carries, else SIGINT (Ctrl-C)."""
    return stopped.signal if isinstance(stopped, Stopped) else signal.SIGINT


def main_stopped_cleanly(main: Callable[[list[str]], int]) -> None:
    """Run a script's ``main`` with the stop signals (SIGTERM; SIGHUP unless under nohup) read as Ctrl-C, and exit with
    its status; stopped before its child ran, with one line and the shell's status for the signal, not a traceback."""
    with signals_handled(STOP_SIGNALS, interrupt):
        try:
            status = main(sys.argv[1:])
        except KeyboardInterrupt as stopped:
            by = stopped_by(stopped)
            print(f"{Path(sys.argv[0]).name}: stopped by {by.name}; what it had started was stopped", file=sys.stderr)
            status = 128 + by
    sys.exit(status)


def _told_to_end(child: subprocess.Popen[Any]) -> int:
    """SIGTERM (a pytest stops after its journey), SIGTERM again once that has taken too long (a pytest then ends at once,
    its stacks first: fixtures/stop_signal.py), and only then SIGKILL, which would leave a pytest's stack running."""
    for sig in (signal.SIGTERM, signal.SIGTERM):
        child.send_signal(sig)
        try:
            return child.wait(timeout=STOPS_WITHIN)
        except subprocess.TimeoutExpired:
            continue
    child.kill()
    return child.wait()


STOPS_WITHIN = 10.0  # seconds a child told to stop (Ctrl-C, SIGTERM) gets to stop by itself (a pytest stopping its stack and browsers)


def run_to_its_end(command: Sequence[str], **popen: Any) -> int:
    """Run ``command`` and return its status, letting it stop as it would on its own when the run is stopped: SIGTERM to
    this process (CI cancelling, ``kill``) is passed on to it, and after Ctrl-C (which the terminal sent it too) it is
    waited for. ``subprocess.run`` would kill it 0.25 s after Ctrl-C, before a pytest had stopped its stack or said
    what ran.

    A stop that comes while the child is being started is held until it is (on a busy machine the child may be running
    before ``Popen`` returns here): acted on then, not lost with the child's handle, which would end this process and
    leave the child running."""
    child: subprocess.Popen[Any] | None = None

    def pass_on(signum: int, frame: FrameType | None) -> None:
        if child is None:
            raise Stopped(signum)  # before the child was started
        child.send_signal(signal.SIGTERM)

    passed_on = {sig: signal.signal(sig, pass_on) for sig in STOP_SIGNALS}
    try:
        try:
            with signals_held((signal.SIGINT, *STOP_SIGNALS)):
                child = subprocess.Popen(command, **popen)
            status = child.wait()
        except KeyboardInterrupt:
            if child is None:  # stopped before the child was started: nothing of its to wait for
                raise
            try:  # Ctrl-C at the terminal reached the child too: it is stopping
                status = child.wait(timeout=STOPS_WITHIN)
            except subprocess.TimeoutExpired:  # only this process was told (kill -INT): tell the child, then end it
                status = _told_to_end(child)
    finally:
        for sig, before in passed_on.items():
            signal.signal(sig, before)
    return 128 - status if status < 0 else status  # ended by signal N: the shell's 128+N, not sys.exit(-N)'s 256-N


class Children:
    """Children that several threads start (the self-check's faults, each run from a pool's thread), stopped together
    when the script is: Python's signal handlers run in the main thread only, which holds no handle on them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopping = False

    def run(self, command: Sequence[str], **popen: Any) -> subprocess.CompletedProcess[str]:
        """``subprocess.run(command, capture_output=True, text=True, **popen)``, the child known here while it runs. Once
        the script is stopping nothing new starts: status 130 and a line saying so (a thread between two runs of a fault)."""
        with self._lock:
            if self._stopping:
                return subprocess.CompletedProcess(command, 128 + signal.SIGINT, "", "not started: the script was stopping")
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
            self._running.add(child)
        try:
            out, err = child.communicate()
        finally:
            with self._lock:
                self._running.discard(child)
        return subprocess.CompletedProcess(command, child.returncode, out, err)

    def stop(self, told: bool) -> None:
        """Stop every child running, and start none after. ``told``: the signal may have come to this process alone (SIGTERM:
        CI cancelling, ``kill``), so it is passed on to them (a pytest that had it from its group too takes the second, at
        once, as the same stop: fixtures/stop_signal.py); after Ctrl-C, which the terminal sent them too, they are already
        stopping. Each then gets STOPS_WITHIN seconds to end by itself (a pytest stops its journey, stack and browsers),
        and is ended as ``run_to_its_end`` ends one that did not."""
        with self._lock:
            self._stopping = True
            children = list(self._running)
        if told:
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOPS_WITHIN
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _told_to_end(child)
