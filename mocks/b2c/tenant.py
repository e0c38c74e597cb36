"""One running tenant: its settings, keys, directory, sessions, transactions and services."""

from __future__ import annotations

from dataclasses import dataclass, field

from mocks.b2c.directory import Directory
from mocks.b2c.federation import Federation
from mocks.b2c.keys import TenantKeys
from mocks.b2c.sessions import CookieWriter, JourneyTransactions, Sessions
from mocks.b2c.settings import B2CSettings
from mocks.b2c.tokens import TokenService
from mocks.faults import Fault


@dataclass
class Tenant:
    """Everything the running tenant knows."""

    settings: B2CSettings
    keys: TenantKeys
    directory: Directory = field(default_factory=Directory)

    def __post_init__(self) -> None:
        self.transactions = JourneyTransactions(self.settings.transaction_lifetime)
        self.sessions = Sessions(self.settings.session_lifetime)
        self.tokens = TokenService(self.settings, self.keys, self.directory)
        self.federation = Federation(self.settings)
        lax = Fault.LAX_SESSION_COOKIE in self.settings.faults
        self.cookies = CookieWriter(self.settings.tenant_id, same_site="Lax" if lax else "None")

