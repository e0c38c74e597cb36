"""RS256 signing keys with a ``kid``, published as a JWKS (joserfc does the JOSE work)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from mocks.common.files import write_private


class SigningKey:
    """One RSA key pair that signs JWTs and shows its public half in a JWKS."""

    algorithm = "RS256"

    def __init__(self, key: RSAKey, kid: str, not_before: int | None = None) -> None:
        self._key = key
        self.kid = kid
        self.not_before = not_before if not_before is not None else int(time.time())

    @classmethod
    def generate(cls, kid: str) -> SigningKey:
        return cls(RSAKey.generate_key(2048, private=True), kid)

    @classmethod
    def from_pem_file(cls, path: Path, kid: str) -> SigningKey:
        return cls(RSAKey.import_key(path.read_bytes()), kid)

    def public_jwk(self, *, alg: bool = True) -> dict[str, Any]:
        """The JWKS entry (``kid``, ``use``, ``nbf``); B2C's has no ``alg`` (reference b2c.md section 3), so a client
        that picks keys by ``alg`` meets the same set as on a tenant."""
        public = self._key.as_dict(private=False)
        entry = {"kid": self.kid, "use": "sig", "kty": "RSA", "alg": self.algorithm, "e": public["e"], "n": public["n"],
                 "nbf": self.not_before}
        if not alg:
            del entry["alg"]
        return entry

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a compact JWS this key signed (RS256 only); None for anything else."""
        try:
            return dict(jwt.decode(token, self._key, algorithms=[self.algorithm]).claims)
        except Exception:  # joserfc raises several types for malformed input and bad signatures alike
            return None

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        """A compact JWS. ``kid`` can be overridden to imitate a misbehaving issuer."""
        header = {"typ": "JWT", "alg": self.algorithm, "kid": kid or self.kid}
        return jwt.encode(header, claims, self._key)


def own_key(path: Path) -> RSAKey:
    """The RSA key kept at ``path`` (a state directory), generated and written there on first use.

    Loaded without OpenSSL's RSA consistency check (0.1-0.2 s per 2048-bit key on a stack's start
    path): only this function writes these files, owner-only. Keys given by an operator
    (``SigningKey.from_pem_file``) are still checked.
    """
    if path.is_file():
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        try:
            loaded = load_pem_private_key(path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True)
            if not isinstance(loaded, RSAPrivateKey):
                raise TypeError(f"{type(loaded).__name__} is not an RSA key")
            return RSAKey.import_key(loaded)
        except (ValueError, TypeError):
            raise SystemExit(f"{path} is not an RSA private key in PEM; delete it to have a new one generated "
                             "(the suite keeps keys in .stack/keys/: make clean)") from None
    key = RSAKey.generate_key(2048, private=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    write_private(partial, key.as_pem(private=True))
    partial.replace(path)  # whole or not at all, for a stack starting on the same directory
    return key


def jwks(*keys: SigningKey, alg: bool = True) -> dict[str, list[dict[str, Any]]]:
    return {"keys": [key.public_jwk(alg=alg) for key in keys]}
