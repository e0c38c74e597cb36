"""RS256 signing keys with a ``kid``, published as a JWKS (joserfc does the JOSE work).

joserfc is imported at a key's first JOSE use (a token, a JWKS, a thumbprint ``kid``), not when the key is
loaded: it brings cryptography's x509 and its own key types, ~25 ms of the stack's ~0.3 s start
(spawn to ``stack-ready``, ``make bench``); the first token of a stack pays it instead.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mocks.common.files import write_private

if TYPE_CHECKING:
    from joserfc.jwk import RSAKey


class SigningKeyError(ValueError):
    """An operator's key file that cannot sign RS256 (``SigningKey.from_pem_file``), in words."""


class SigningKey:
    """One RSA key pair that signs JWTs and shows its public half in a JWKS; ``kid`` defaults to its RFC 7638 thumbprint."""

    algorithm = "RS256"

    def __init__(self, key: rsa.RSAPrivateKey, kid: str | None = None, not_before: int | None = None) -> None:
        self._key = key
        self._kid = kid
        self.not_before = not_before if not_before is not None else int(time.time())

    @functools.cached_property
    def _jwk(self) -> RSAKey:
        from joserfc.jwk import RSAKey

        return RSAKey.import_key(self._key)

    @property
    def kid(self) -> str:
        if self._kid is None:
            self._kid = self._jwk.thumbprint()  # RFC 7638, base64url like B2C's kids
        return self._kid

    @classmethod
    def generate(cls, kid: str | None = None) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048), kid)

    @classmethod
    def from_pem_file(cls, path: Path, kid: str | None = None) -> SigningKey:
        """An operator's key, checked in full (OpenSSL's RSA consistency check), unlike ``own_key``'s."""
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as error:  # not PEM, not a key, encrypted, or of a kind OpenSSL lacks
            raise SigningKeyError(f"{path} is not an unencrypted private key in PEM ({error})") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SigningKeyError(f"{path} holds a key of another kind ({type(key).__name__}); RS256 needs an RSA private key")
        return cls(key, kid)

    def public_jwk(self, *, alg: bool = True) -> dict[str, Any]:
        """The JWKS entry (``kid``, ``use``, ``nbf``); B2C's has no ``alg`` (reference b2c.md section 3), so a client
        that picks keys by ``alg`` meets the same set as on a tenant."""
        public = self._jwk.as_dict(private=False)
        entry = {"kid": self.kid, "use": "sig", "kty": "RSA", "alg": self.algorithm, "e": public["e"], "n": public["n"],
                 "nbf": self.not_before}
        if not alg:
            del entry["alg"]
        return entry

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a compact JWS this key signed (RS256 only); None for anything else."""
        from joserfc import jwt

        try:
            return dict(jwt.decode(token, self._jwk, algorithms=[self.algorithm]).claims)
        except Exception:  # joserfc raises several types for malformed input and bad signatures alike
            return None

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        """A compact JWS. ``kid`` can be overridden to imitate a misbehaving issuer."""
        from joserfc import jwt

        header = {"typ": "JWT", "alg": self.algorithm, "kid": kid or self.kid}
        return jwt.encode(header, claims, self._jwk)


def own_key(path: Path) -> rsa.RSAPrivateKey:
    """The RSA key kept at ``path`` (a state directory), generated and written there on first use.

    Loaded without OpenSSL's RSA consistency check (0.1-0.2 s per 2048-bit key on a stack's start
    path): only this function writes these files, owner-only. Keys given by an operator
    (``SigningKey.from_pem_file``) are still checked.
    """
    if path.is_file():
        try:
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True)
            if not isinstance(loaded, rsa.RSAPrivateKey):
                raise TypeError(f"{type(loaded).__name__} is not an RSA key")
            return loaded
        except (ValueError, TypeError):
            raise SystemExit(f"{path} is not an RSA private key in PEM; delete it to have a new one generated "
                             "(the suite keeps keys in .stack/keys/: make clean)") from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    write_private(partial, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    partial.replace(path)  # whole or not at all, for a stack starting on the same directory
    return key


def jwks(*keys: SigningKey, alg: bool = True) -> dict[str, list[dict[str, Any]]]:
    return {"keys": [key.public_jwk(alg=alg) for key in keys]}
