"""The tenant's user directory, in memory.

Social users are found by their alternative security id: the identity provider
(its issuer or configured domain) plus the user's ``sub`` there, as
``AAD-UserReadUsingAlternativeSecurityId`` does in the starter pack, through an
index on that pair (not a scan). A real directory is bounded by its quota; this
one keeps at most ``max_users``, dropping the oldest user when full (README).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

MAX_USERS = 100_000


@dataclass
class User:
    object_id: str
    identity_provider: str
    issuer_user_id: str
    claims: dict[str, Any] = field(default_factory=dict)  # B2C claim types: displayName, givenName, surname, ...
    created_at: float = field(default_factory=time.time)


class Directory:
    def __init__(self, *, max_users: int = MAX_USERS) -> None:
        self.max_users = max_users
        self._users: OrderedDict[str, User] = OrderedDict()  # oldest first
        self._by_alternative_id: dict[tuple[str, str], str] = {}  # (identity provider, issuer user id) -> object id
        self._lock = threading.Lock()

    def find_social(self, identity_provider: str, issuer_user_id: str) -> User | None:
        with self._lock:
            object_id = self._by_alternative_id.get((identity_provider, issuer_user_id))
            return self._users.get(object_id) if object_id is not None else None

    def create_social(self, identity_provider: str, issuer_user_id: str, claims: dict[str, Any]) -> User:
        with self._lock:
            while len(self._users) >= self.max_users:
                _, oldest = self._users.popitem(last=False)
                self._by_alternative_id.pop((oldest.identity_provider, oldest.issuer_user_id), None)
            user = User(str(uuid.uuid4()), identity_provider, issuer_user_id, dict(claims))
            self._users[user.object_id] = user
            self._by_alternative_id[(identity_provider, issuer_user_id)] = user.object_id
            return user

    def get(self, object_id: str) -> User | None:
        with self._lock:
            return self._users.get(object_id)

    def users(self) -> list[User]:
        with self._lock:
            return list(self._users.values())

    def __len__(self) -> int:
        return len(self._users)

    def clear(self) -> None:
        with self._lock:
            self._users.clear()
            self._by_alternative_id.clear()
