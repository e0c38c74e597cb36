"""The tenant's token signing keys.

User flows sign with the tenant's built-in key; custom policies with the policy
key ``B2C_1A_TokenSigningKeyContainer``. They are different keys with different
kids, so each policy's JWKS lists only its own. The ``foreign-signing-key``
fault signs with a third key under the right kid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mocks.b2c.policy import Policy, PolicyKind
from mocks.common.keys import SigningKey, own_key


def _load_or_generate(path: Path | None) -> SigningKey:
    """Kids are the keys' RFC 7638 thumbprints (SigningKey's default), base64url like B2C's."""
    return SigningKey.generate() if path is None else SigningKey(own_key(path))


@dataclass(frozen=True)
class TenantKeys:
    user_flow: SigningKey
    custom_policy: SigningKey
    foreign: SigningKey | None = None

    @classmethod
    def create(cls, directory: Path | None = None, *, foreign: bool = False) -> TenantKeys:
        """New keys, or the ones kept in ``directory`` (so tokens stay verifiable across restarts)."""
        return cls(
            user_flow=_load_or_generate(directory / "b2c-user-flow-key.pem" if directory else None),
            custom_policy=_load_or_generate(directory / "b2c-token-signing-key.pem" if directory else None),
            foreign=_load_or_generate(directory / "b2c-foreign-signing-key.pem" if directory else None) if foreign else None,
        )

    def for_policy(self, policy: Policy) -> SigningKey:
        return self.custom_policy if policy.kind is PolicyKind.CUSTOM_POLICY else self.user_flow
