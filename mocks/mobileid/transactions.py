"""Authentication transactions: one per login attempt, answered by the (emulated) phone.

A transaction settles lazily: scripted answers (test numbers with a delay) and
the timeout are applied when someone looks at it or waits on it, so there are no
background tasks to leak. Waiters block on an ``asyncio.Event`` that fires the
moment the transaction settles, which lets the waiting page move on at once.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from mocks.common.store import ExpiringStore
from mocks.mobileid import errors
from mocks.mobileid.errors import MidError
from mocks.mobileid.outcomes import PhoneBehaviour, behaviour_for, fault_error
from mocks.mobileid.settings import MobileIDSettings


class Status(str, Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"  # the user cancelled on the phone (MSS 401)
    FAILED = "failed"  # any other MSS fault, busy, no method
    EXPIRED = "expired"  # nobody answered before the transaction timeout
    CANCELLED = "cancelled"  # superseded by a newer App transaction


@dataclass(eq=False)
class SignatureTransaction:
    """The signature request on the user's phone: pending until the phone answers, times out or is superseded."""

    id: str
    trace: str
    msisdn: str
    client_id: str
    message: str  # the text the phone shows
    behaviour: PhoneBehaviour
    created_at: float  # wall clock, for the control API
    deadline: float  # monotonic: the transaction times out here
    answer_at: float | None  # monotonic: a scripted answer arrives here
    scripted: tuple[Status, MidError | None] | None
    status: Status = Status.PENDING
    error: MidError | None = None
    settled_at: float | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)  # deadline and answer_at are on this clock
    _settled: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def pending(self) -> bool:
        return self.status is Status.PENDING

    def settle(self, status: Status, error: MidError | None = None, ago: float = 0.0) -> bool:
        """The phone (or the clock) answers, ``ago`` seconds before now (a scripted answer or a deadline seen late: its
        own time is the sign-in's auth_time); False when it had already answered."""
        if not self.pending:
            return False
        self.status, self.error, self.settled_at = status, error, time.time() - ago
        self._settled.set()
        return True

    def refresh(self, now: float | None = None) -> None:
        """Apply a scripted answer or the timeout whose time has come."""
        if not self.pending:
            return
        now = self.clock() if now is None else now
        # Whichever came first, though nobody looked at the time (a page without script, the control API's list): a
        # scripted answer after the deadline comes too late, as a phone's does.
        if self.scripted is not None and self.answer_at is not None and self.answer_at <= now and self.answer_at < self.deadline:
            self.settle(*self.scripted, ago=now - self.answer_at)
        elif now >= self.deadline:
            self.settle(Status.EXPIRED, errors.NO_RESPONSE, ago=now - self.deadline)

    def _next_change(self, now: float) -> float:
        times = [self.deadline] + ([self.answer_at] if self.scripted and self.answer_at is not None else [])
        return max(0.0, min(times) - now)

    async def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the answer; True when settled."""
        end = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            self.refresh(now)
            if not self.pending:
                return True
            remaining = min(end - now, self._next_change(now))
            if end - now <= 0:
                return False
            try:
                await asyncio.wait_for(self._settled.wait(), timeout=max(remaining, 0.001))
            except TimeoutError:
                pass

    def as_json(self) -> dict[str, Any]:
        self.refresh()
        return {
            "id": self.id,
            "trace": self.trace,
            "msisdn": self.msisdn,
            "client_id": self.client_id,
            "status": self.status.value,
            "created_at": self.created_at,
            "settled_at": self.settled_at,
            "method": self.behaviour.method,
            "message": self.message,
            "error": self.error.error if self.error else None,
            "error_description": self.error.description(self.trace) if self.error else None,
        }


class TransactionStore:
    """Transactions, each kept ``transaction_timeout`` plus ``retention`` seconds, at most ``store_limit`` of them.

    A transaction nobody answers or looks at expires with the rest; the pending one
    of each number is found by index, not by scanning every transaction.
    """

    def __init__(self, settings: MobileIDSettings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._clock = clock
        self._lifetime = settings.transaction_timeout + max(600.0, 2 * settings.transaction_timeout)
        self._transactions: ExpiringStore[str, SignatureTransaction] = ExpiringStore(max_entries=settings.store_limit, clock=clock)
        # msisdn -> its newest transaction that was pending when it started (a number has at most one pending).
        self._pending: ExpiringStore[str, SignatureTransaction] = ExpiringStore(max_entries=settings.store_limit, clock=clock)
        self._created: asyncio.Event | None = None

    def __len__(self) -> int:
        return len(self._transactions)

    @property
    def lifetime(self) -> float:
        """How long a transaction is kept after it starts: its login session must last as long (mocks/mobileid/web.py)."""
        return self._lifetime

    def start(self, *, msisdn: str, client_id: str, trace: str, message: str, acr: str, serial_hint: str | None = None) -> SignatureTransaction:
        behaviour = behaviour_for(msisdn, self._settings)
        now = self._clock()
        scripted, delay = self._script(behaviour, acr, serial_hint)
        transaction = SignatureTransaction(
            id=secrets.token_urlsafe(12),
            trace=trace,
            msisdn=msisdn,
            client_id=client_id,
            message=message,
            behaviour=behaviour,
            created_at=time.time(),
            deadline=now + self._settings.transaction_timeout,
            answer_at=now + delay if scripted else None,
            scripted=scripted,
            clock=self._clock,
        )
        running = self.pending_for(msisdn)
        # A request refused before it reaches the phone (no such method, another serial: delay 0, never asked) leaves the
        # pending one alone: only a request sent to the phone meets the App's cancel or the SIM's busy.
        refused_at_once = scripted is not None and scripted[1] in (errors.NO_METHOD, errors.SERIAL_MISMATCH)
        if running is not None and not refused_at_once:
            if behaviour.method == "app":
                # The App cancels the older request (MSS 401 for it); a SIM refuses the newer one (MSS 406).
                running.settle(Status.CANCELLED, errors.REJECTED.but("Cancelled by a newer authentication request"))
            else:
                transaction.settle(Status.FAILED, errors.BUSY)
        self._transactions.put(transaction.id, transaction, self._lifetime)
        transaction.refresh(now)
        if transaction.pending:
            self._pending.put(msisdn, transaction, self._settings.transaction_timeout + 1)
        if self._created is not None:
            self._created.set()
            self._created = None
        return transaction

    @staticmethod
    def _script(behaviour: PhoneBehaviour, acr: str, serial_hint: str | None) -> tuple[tuple[Status, MidError | None] | None, float]:
        if (acr.endswith("_simcard") and behaviour.method != "sim") or (acr.endswith("_mobileapp") and behaviour.method != "app") or acr == "mid_al4_passkey":
            return (Status.FAILED, errors.NO_METHOD), 0.0
        if serial_hint is not None and serial_hint.upper() != behaviour.serial.upper():
            return (Status.FAILED, errors.SERIAL_MISMATCH), 0.0
        if behaviour.mss_fault is not None:
            status = Status.DECLINED if behaviour.mss_fault == 401 else Status.FAILED
            return (status, fault_error(behaviour.mss_fault)), behaviour.delay
        if behaviour.outcome == "approve":
            return (Status.APPROVED, None), behaviour.delay
        return None, 0.0  # waits for the control API or the timeout

    def get(self, transaction_id: str) -> SignatureTransaction | None:
        transaction = self._transactions.get(transaction_id)
        if transaction is not None:
            transaction.refresh()
        return transaction

    def list(self, msisdn: str | None = None) -> list[SignatureTransaction]:
        """For the control API: every stored transaction (of one number), oldest first."""
        found = [t for t in self._transactions.values() if msisdn is None or t.msisdn == msisdn]
        for transaction in found:
            transaction.refresh()
        return sorted(found, key=lambda t: t.created_at)

    def pending_for(self, msisdn: str) -> SignatureTransaction | None:
        transaction = self._pending.get(msisdn)
        if transaction is None:
            return None
        transaction.refresh()
        return transaction if transaction.pending else None

    async def wait_for_pending(self, msisdn: str, timeout: float) -> SignatureTransaction | None:
        """The number's pending transaction, waiting up to ``timeout`` seconds for one to start."""
        end = time.monotonic() + timeout
        while True:
            transaction = self.pending_for(msisdn)
            remaining = end - time.monotonic()
            if transaction is not None or remaining <= 0:
                return transaction
            if self._created is None:
                self._created = asyncio.Event()
            try:
                await asyncio.wait_for(self._created.wait(), timeout=remaining)
            except TimeoutError:
                pass

    def reset(self) -> None:
        for transaction in self._transactions.values():
            transaction.settle(Status.CANCELLED, errors.SESSION_UNKNOWN)
        self._transactions.clear()
        self._pending.clear()
