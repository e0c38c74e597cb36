"""A process that ends with the one that started it (Linux's parent-death signal, ``PR_SET_PDEATHSIG``).

A parent killed outright (SIGKILL: none of its clean-up runs) leaves its children running: a journey run's local stack
held its port and its state folder, with keys and a client secret, until someone killed it. A child that asks for it
gets SIGTERM when its parent ends, which the stack and pytest handle as a stop (``STOP_SIGNALS``). The signal comes
when the *thread* that started the child ends: start such children from the main thread. Elsewhere than Linux, nothing
happens.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h

# The signals the stack, pytest and the scripts take as a stop, besides Ctrl-C's SIGINT: SIGTERM (a job runner's or
# kill's) and SIGHUP (a closed terminal, whose default ended them before their clean-up), unless this process was
# started to ignore hangups (nohup: run on after the terminal closes), as its children are.
STOP_SIGNALS = (signal.SIGTERM,) + (() if signal.getsignal(signal.SIGHUP) is signal.SIG_IGN else (signal.SIGHUP,))


def has_ended(pid: int) -> bool:
    """Whether process ``pid`` has ended (another user's live process has not; nor has a number no pid can be, which
    names no process that ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        pass
    return False


def signal_when_parent_ends(parent: int | None = None, signum: int = signal.SIGTERM) -> bool:
    """SIGTERM (or ``signum``) to this process once its parent ends (Linux's PR_SET_PDEATHSIG; elsewhere nothing).
    ``parent``: the pid of the process that started this one, as it said: one that ended before the kernel was asked (while this process
    imported its modules, say) is told apart from init or a subreaper that took this process over. Without it, the
    parent at the time of asking. False when it cannot be had (not Linux, or the kernel refused: a sandbox), so the
    caller can say so. ``signum``: for a child that takes SIGTERM for something else than a stop (Playwright's driver,
    once it has launched a browser: it closes its browsers and runs on)."""
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid() if parent is None else parent
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # it ended before the kernel was asked
        os.kill(os.getpid(), signum)
    return True
