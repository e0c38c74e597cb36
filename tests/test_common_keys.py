"""mocks.common.keys: a state directory's key (own_key) is generated once, kept owner-only and reloaded as is; a signing
key's kid is its thumbprint unless given; an operator's key file that cannot sign RS256 is named."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from mocks.b2c.keys import TenantKeys
from mocks.common.keys import SigningKey, own_key


def test_a_key_is_generated_once_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "state" / "signing-key.pem"
    first = own_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert own_key(path).private_numbers() == first.private_numbers()
    assert list(path.parent.iterdir()) == [path]  # no partial file left behind


def test_tenant_keys_survive_a_restart_and_the_foreign_key_differs(tmp_path: Path) -> None:
    before = TenantKeys.create(tmp_path, foreign=True)
    after = TenantKeys.create(tmp_path, foreign=True)
    assert (after.user_flow.kid, after.custom_policy.kid) == (before.user_flow.kid, before.custom_policy.kid)
    assert after.foreign is not None and after.foreign.kid not in (after.user_flow.kid, after.custom_policy.kid)


def test_a_broken_key_file_says_how_to_recover(tmp_path: Path) -> None:
    path = tmp_path / "signing-key.pem"
    path.write_text("not a key")
    with pytest.raises(SystemExit, match="not an RSA private key in PEM; delete it"):
        own_key(path)


def test_the_tls_server_key_is_its_owners_only(tmp_path: Path) -> None:
    from mocks.common.tls import issue_local_certificates

    files = issue_local_certificates(tmp_path, ["contoso.b2clogin.com"])
    assert files.server_key.stat().st_mode & 0o777 == 0o600


def test_a_keys_kid_is_its_thumbprint_unless_given(tmp_path: Path) -> None:
    """RFC 7638 worked out here from the key's numbers (not by the JOSE library the code uses): base64url of the SHA-256
    of the required members, sorted, without whitespace."""
    path = tmp_path / "signing-key.pem"
    key = SigningKey(own_key(path))
    numbers = own_key(path).public_key().public_numbers()

    def b64(number: int) -> str:
        return base64.urlsafe_b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).decode().rstrip("=")

    members = json.dumps({"e": b64(numbers.e), "kty": "RSA", "n": b64(numbers.n)}, separators=(",", ":"), sort_keys=True)
    assert key.kid == base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).decode().rstrip("=")
    assert SigningKey(own_key(path), "mobileid-1").kid == "mobileid-1"
    assert key.verify(key.sign({"sub": "x"})) == {"sub": "x"}


@pytest.mark.parametrize(("content", "says"), [
    ("not a key", "is not an unencrypted private key in PEM"),
    ("ec", r"holds a key of another kind \(ECPrivateKey\); RS256 needs an RSA private key"),
])
def test_an_operators_key_that_cannot_sign_rs256_is_named(tmp_path: Path, content: str, says: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "operator.pem"
    if content == "ec":
        path.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    else:
        path.write_text(content)
    with pytest.raises(ValueError, match=says):
        SigningKey.from_pem_file(path, "deployed-1")


def test_a_private_file_is_its_owners_only_from_its_first_byte_and_also_when_it_was_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mocks.common.files.write_private: no moment with the secret readable by others, and a file that was (an older
    version's, a copy) is made owner-only."""
    import os

    from mocks.common import files

    modes: list[int] = []
    opened = os.fdopen

    def fdopen(descriptor: int, *args: object, **kwargs: object) -> object:
        modes.append(os.fstat(descriptor).st_mode & 0o777)  # before a byte is written
        return opened(descriptor, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "fdopen", fdopen)  # the module's os is this os
    fresh = tmp_path / "fresh"
    files.write_private(fresh, b"secret")
    kept = tmp_path / "kept"
    kept.write_bytes(b"old")
    kept.chmod(0o644)
    files.write_private(kept, b"secret")
    assert modes[0] == 0o600  # the new file, before its first byte
    assert [(path.read_bytes(), path.stat().st_mode & 0o777) for path in (fresh, kept)] == [(b"secret", 0o600), (b"secret", 0o600)]
