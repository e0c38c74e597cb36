"""An emulator process's start: what it skips while it loads, and takes up again once it serves.

``begin()`` runs first in ``python -m mocks`` and ``python -m mocks.mobileid``, before their imports;
``serving()`` runs when the server accepts connections (mocks.common.serve.run).

- Python's cyclic garbage collector is held off. Loading the emulators makes some 600 modules, pydantic's
  validators and the policies, all of which live until exit, and the collector walked them again and again
  while they were being made: ~30 ms of a 0.32 s start (spawn to ``stack-ready``, 10 starts each way).
  Once serving, they are frozen (``gc.freeze``: left out of every later collection, so one that comes during a
  journey walks only what requests made) and the collector runs as usual.
- pydantic does not look for plugins: it would read the entry points of every package installed beside
  it (~10 ms) for plugins no emulator uses. ``PYDANTIC_DISABLE_PLUGINS`` set by whoever starts us wins.
"""

from __future__ import annotations

import gc
import os


def begin() -> None:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()


def serving() -> None:
    """Take the collector up again, with what the start made kept out of its way; nothing if it was on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
