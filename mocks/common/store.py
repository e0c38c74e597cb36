"""In-memory stores for a long-running emulator: every entry has a time limit, every store a size limit.

A deployed emulator meets clients that start sign-ins and never finish them, so
nothing may be kept "until someone looks at it". Entries sit in a heap ordered
by expiry: each insert first drops the entries whose time is up, popping them
off the heap, so pruning costs O(log n) per entry over the entry's life, never a
scan of everything stored. A full store drops the entry that would expire
soonest. ``clock`` is injectable so tests can age a store by a week at once.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

DEFAULT_MAX_ENTRIES = 100_000


class ExpiringStore(Generic[K, V]):
    """``key -> value`` where each value lives ``lifetime`` seconds and at most ``max_entries`` are kept."""

    def __init__(self, *, max_entries: int = DEFAULT_MAX_ENTRIES, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[K, tuple[float, V]] = {}
        self._expiries: list[tuple[float, int, K]] = []  # heap; may hold stale rows for replaced or removed keys
        self._order = itertools.count()  # ties in expiry: oldest first, and keys never get compared
        self._lock = threading.Lock()  # B2C's handlers run in threads; Mobile ID's on one loop (cheap there)

    def put(self, key: K, value: V, lifetime: float) -> None:
        with self._lock:
            now = self.clock()
            self._prune(now)
            if key not in self._entries:
                while len(self._entries) >= self.max_entries:
                    self._drop_soonest()
            expires = now + lifetime
            self._entries[key] = (expires, value)
            heapq.heappush(self._expiries, (expires, next(self._order), key))
            self._compact()

    def get(self, key: K) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self.clock():
                del self._entries[key]
                return None
            return entry[1]

    def __getitem__(self, key: K) -> V:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def pop(self, key: K, default: V | None = None) -> V | None:
        with self._lock:
            entry = self._entries.pop(key, None)
            return default if entry is None or entry[0] <= self.clock() else entry[1]

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]  # `in` takes any object; one of another type is absent

    def values(self) -> list[V]:
        """The live values (a copy, for listing: O(n), so not for the request path)."""
        with self._lock:
            now = self.clock()
            return [value for expires, value in self._entries.values() if expires > now]

    def __len__(self) -> int:
        """Entries held, expired ones not yet pruned included: what the memory holds."""
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._expiries.clear()

    def _prune(self, now: float) -> None:
        heap = self._expiries
        while heap and heap[0][0] <= now:
            expires, _, key = heapq.heappop(heap)
            entry = self._entries.get(key)
            if entry is not None and entry[0] == expires:
                del self._entries[key]

    def _drop_soonest(self) -> None:
        heap = self._expiries
        while heap:
            expires, _, key = heapq.heappop(heap)
            entry = self._entries.get(key)
            if entry is not None and entry[0] == expires:
                del self._entries[key]
                return

    def _compact(self) -> None:
        """Rebuild the heap once stale rows (replaced or removed keys) outnumber live ones: amortised O(1)."""
        if len(self._expiries) > 2 * len(self._entries) + 64:
            self._expiries = [(expires, next(self._order), key) for key, (expires, _) in self._entries.items()]
            heapq.heapify(self._expiries)
