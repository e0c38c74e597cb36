"""One running tenant: its settings, keys, directory, sessions, transactions and services."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mocks.b2c.directory import Directory
from mocks.b2c.keys import TenantKeys
from mocks.b2c.sessions import CookieWriter, JourneyTransactions, Sessions
from mocks.b2c.settings import B2CSettings
from mocks.b2c.tokens import TokenService
from mocks.faults import Fault

if TYPE_CHECKING:
    from mocks.b2c.federation import Federation


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
        lax = Fault.LAX_SESSION_COOKIE in self.settings.faults
        self.cookies = CookieWriter(self.settings.tenant_id, same_site="Lax" if lax else "None",
                                    script_readable_session=Fault.SCRIPT_READABLE_SESSION_COOKIE in self.settings.faults)

    @functools.cached_property
    def federation(self) -> Federation:
        """B2C's claims exchanges with identity providers, made at the first one: its HTTP and OAuth client
        libraries (httpx, Authlib's client) are imported then, off the stack's start."""
        from mocks.b2c.federation import Federation

        return Federation(self.settings)

    def made_federation(self) -> Federation | None:
        """The federation if a claims exchange made it (nothing to close otherwise)."""
        made: Federation | None = vars(self).get("federation")
        return made
