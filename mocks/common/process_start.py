"""The stack's process start (``python -m mocks serve``): what it skips while it loads, and takes up again once it serves.

``begin()`` runs first in mocks/__main__.py, before its other imports; ``serving()`` when the server accepts
connections (``mocks.common.serve.Server.startup``, in-process servers included, where it does nothing).

- Python's cyclic garbage collector is held off. Loading the stack makes some 600 modules, pydantic's
  validators and the policies, all of which live until exit, and the collector walked them again and again
  while they were being made: ~30 ms of a 0.32 s start (spawn to ``stack-ready``, 10 starts each way).
  Once serving, they are frozen (``gc.freeze``: left out of every later collection, so one that comes during a
  journey walks only what requests made) and the collector runs as usual.
- pydantic does not look for plugins: it would read the entry points of every package installed beside
  it (~10 ms) for plugins no emulator uses. ``PYDANTIC_DISABLE_PLUGINS`` set by whoever starts us wins.

``python -m mocks.mobileid`` does not begin here: ``mocks/mobileid/__init__.py`` imports the app before its
``__main__`` runs.
"""

from __future__ import annotations

import gc
import os

_held = False  # the collector is off because begin() turned it off


def begin() -> None:
    global _held
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if gc.isenabled():
        gc.disable()
        _held = True


def serving() -> None:
    """Take the collector up again, with what the start made kept out of its way; nothing unless begin() held it."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
