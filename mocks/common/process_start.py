"""The stack's process start (``python -m mocks serve``): what it skips while it loads, and takes up again once it serves.

``begin()`` runs first in mocks/__main__.py, before its other imports; ``release_collector()`` when the server accepts
connections (``mocks.common.serve.Server.startup``; in-process servers too, where it does nothing unless this
process held the collector: a pytest process holds it only until its tests are collected).

- Python's cyclic garbage collector is held off. Loading the stack makes some 600 modules, pydantic's
  validators and the policies, all of which live until exit, and the collector walked them again and again
  while they were being made: ~30 ms of a 0.32 s start (spawn to ``stack-ready``, 10 starts each way).
  Once serving, they are frozen (``gc.freeze``: left out of every later collection, so one that comes during a
  journey walks only what requests made) and the collector runs as usual.
- pydantic does not look for plugins: it would read the entry points of every package installed beside
  it (~10 ms) for plugins no emulator uses. ``PYDANTIC_DISABLE_PLUGINS`` set by whoever starts us wins.
- SIGINT and SIGTERM end the start as ``SystemExit`` (status 128 + the signal's number): Ctrl-C while the modules load
  printed a traceback from whichever import it hit, and SIGTERM's default ended the process without its ``finally``
  blocks (``mocks.stack.serve`` then installs its own for the rest of the process's life: status 0, the signal said on
  stderr, "stopped by SIGTERM").

A pytest process holds the collector the same way until its tests are collected (fixtures/process_start.py).
``python -m mocks.mobileid`` does not begin here: ``mocks/mobileid/__init__.py`` imports the app before its
``__main__`` runs.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from mocks.common.parent import STOP_SIGNALS

_held = False  # the collector is off because hold_collector() turned it off
# The exit status a stop signal asked for, once one came: its SystemExit is raised wherever the process is, and Python
# swallows it in a weakref callback or a finalizer ("Exception ignored in ..."), the signals then ignored: the start went
# on to serve. exit_if_stopped() raises it again where the start can stop.
_stopping: int | None = None


def hold_collector() -> None:
    """Hold Python's cyclic collector off while the process loads what lives until it exits (nothing if it is off already)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector() -> None:
    """Take the collector up again, with what the start made kept out of its way; nothing unless hold_collector() held it."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def begin() -> None:
    """The stack's start: no plugin search by pydantic, the collector held until it serves, a stop a quiet exit."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    hold_collector()
    exit_on_stop_signals(None)
    sys.excepthook = _quiet_when_stopped(sys.excepthook)


def stopped_inside(error: BaseException) -> SystemExit | None:
    """The stop's SystemExit that Python wrapped in ``error`` (a RuntimeError "Error calling __set_name__", where a signal
    came while a class was made), else None."""
    cause = error.__cause__
    return cause if isinstance(error, RuntimeError) and isinstance(cause, SystemExit) else None


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def _quiet_when_stopped(previous: ExceptHook) -> ExceptHook:
    """An excepthook for a stop wrapped while the modules load (nothing to clean up yet): the stop's status, quietly."""
    def hook(kind: type[BaseException], value: BaseException, traceback: TracebackType | None) -> None:
        if (stop := stopped_inside(value)) is not None:
            os._exit(stop.code if isinstance(stop.code, int) else 1)
        previous(kind, value, traceback)
    return hook


def exit_if_stopped() -> None:
    """Where the start can stop (before it builds, before it serves): a stop signal that came and whose SystemExit Python
    swallowed ends it now."""
    if _stopping is not None:
        raise SystemExit(_stopping)


# The stack's last line on stderr when a signal stopped it and its exit status does not say which (``status`` given): a
# run whose stack ended under it quotes it (fixtures/stack_exit.py, which reads these words; the suite imports no emulator).
STOPPED_BY = "stopped by "


def exit_on_stop_signals(status: int | None) -> None:
    """SIGINT and SIGTERM end the process as ``SystemExit(status)`` (``finally`` blocks run, no traceback); ``None``: the
    shell's status for the signal, 128 + its number. A ``status`` of its own says nothing of the signal: the process
    then says it on stderr first ("stopped by SIGTERM"), for whoever reads its log to learn why it ended."""
    def stop(signum: int, frame: object) -> None:
        # One stop: the next signals are the same stop again (make passes its own SIGTERM on to `make serve`'s stack; a
        # kill of the group reaches both), which raised SystemExit again inside the clean-up (its temporary state folder
        # left) or Python's shutdown ("Exception ignored ... SystemExit: 0"). uvicorn's own second signal, which forces
        # its graceful wait to end, comes before this one and is uvicorn's to handle.
        for taken in (signal.SIGINT, *STOP_SIGNALS):
            signal.signal(taken, signal.SIG_IGN)
        global _stopping
        _stopping = 128 + signum if status is None else status
        if status is not None:  # os.write: a signal may come while the process writes to sys.stderr itself
            os.write(2, f"{STOPPED_BY}{signal.Signals(signum).name}\n".encode())
        raise SystemExit(_stopping)

    for signum in (signal.SIGINT, *STOP_SIGNALS):
        signal.signal(signum, stop)
