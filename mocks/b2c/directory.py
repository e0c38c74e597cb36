"""The tenant's user directory, in memory.

Social users are found by their alternative security id: the identity provider
(its issuer or configured domain) plus the user's ``sub`` there, as
``AAD-UserReadUsingAlternativeSecurityId`` does in the starter pack.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    object_id: str
    identity_provider: str
    issuer_user_id: str
    claims: dict[str, Any] = field(default_factory=dict)  # B2C claim types: displayName, givenName, surname, ...
    created_at: float = field(default_factory=time.time)


class Directory:
    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._lock = threading.Lock()

    def find_social(self, identity_provider: str, issuer_user_id: str) -> User | None:
        with self._lock:
            return next(
                (
                    u
                    for u in self._users.values()
                    if u.identity_provider == identity_provider and u.issuer_user_id == issuer_user_id
                ),
                None,
            )

    def create_social(self, identity_provider: str, issuer_user_id: str, claims: dict[str, Any]) -> User:
        with self._lock:
            user = User(str(uuid.uuid4()), identity_provider, issuer_user_id, dict(claims))
            self._users[user.object_id] = user
            return user

    def get(self, object_id: str) -> User | None:
        with self._lock:
            return self._users.get(object_id)

    def users(self) -> list[User]:
        with self._lock:
            return list(self._users.values())

    def clear(self) -> None:
        with self._lock:
            self._users.clear()
