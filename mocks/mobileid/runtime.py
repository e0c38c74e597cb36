"""The emulator's parts that every endpoint shares."""

from __future__ import annotations

from dataclasses import dataclass

from mocks.common.keys import SigningKey
from mocks.faults import Fault
from mocks.mobileid.settings import MobileIDSettings
from mocks.mobileid.state import Memory
from mocks.mobileid.transactions import TransactionStore


@dataclass(frozen=True)
class Emulator:
    settings: MobileIDSettings
    key: SigningKey
    memory: Memory
    transactions: TransactionStore

    @classmethod
    def create(cls, settings: MobileIDSettings, key: SigningKey | None = None) -> Emulator:
        if key is None:
            if settings.signing_key_pem is not None:
                key = SigningKey.from_pem_file(settings.signing_key_pem, settings.signing_key_id)
            else:
                key = SigningKey.generate(settings.signing_key_id)
        return cls(settings, key, Memory(max_entries=settings.store_limit), TransactionStore(settings))

    def has(self, fault: Fault) -> bool:
        return fault in self.settings.faults

    def reset(self) -> None:
        self.transactions.reset()
        self.memory.reset()


class Handlers:
    """A class of endpoint handlers (one per area: login pages, back channel, control API), one method per endpoint."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.settings = emulator.settings
