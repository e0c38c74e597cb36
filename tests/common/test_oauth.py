"""mocks.common.oauth: the edge cases of the primitives both token endpoints rely on."""

from __future__ import annotations

import base64
import binascii
import hashlib

import pytest

from mocks.common.oauth import (
    MalformedCredentials,
    b64url_decode,
    b64url_encode,
    basic_credentials,
    half_hash,
    pkce_s256_matches,
    valid_code_verifier,
)

VERIFIER = "v" * 43


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


def test_half_hash_is_the_left_half_of_sha256_unpadded() -> None:
    left = hashlib.sha256(b"access-token").digest()[:16]
    assert half_hash("access-token") == base64.urlsafe_b64encode(left).decode().rstrip("=")
    assert "=" not in half_hash("x") and len(half_hash("x")) == 22


def test_s256_matches_only_its_own_verifier() -> None:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
    assert pkce_s256_matches(challenge, VERIFIER)
    assert not pkce_s256_matches(challenge, "w" * 43)
    assert not pkce_s256_matches(challenge + "=", VERIFIER)  # a padded challenge is another string
    assert not pkce_s256_matches("é" * 43, VERIFIER)  # a non-ASCII challenge is refused, not a crash


@pytest.mark.parametrize(
    ("verifier", "valid"),
    [(VERIFIER, True), ("a-._~" * 25 + "aaa", True), ("v" * 42, False), ("v" * 129, False), (VERIFIER + "\n", False), ("v" * 42 + "+", False)],
    ids=["43", "128 unreserved", "42", "129", "trailing newline", "reserved character"],
)
def test_code_verifier_is_43_to_128_unreserved_characters(verifier: str, valid: bool) -> None:
    assert valid_code_verifier(verifier) is valid


@pytest.mark.parametrize("value", ["eyJUSUQiOiJhYmMifQ", "eyJUSUQiOiJhYmMifQ=="])
def test_b64url_decodes_with_or_without_padding(value: str) -> None:
    assert b64url_decode(value) == b'{"TID":"abc"}'
    assert b64url_encode(b'{"TID":"abc"}') == "eyJUSUQiOiJhYmMifQ"


@pytest.mark.parametrize("value", ["é", "a", "eyJUSUQ!!!!iOiJhYmMifQ", "!!!!", "eyJUSUQiOiJhYmMifQ+/", "eyJ USUQiOiJhYmMifQ"])
def test_b64url_refuses_what_is_not_base64url(value: str) -> None:
    with pytest.raises((binascii.Error, ValueError)):
        b64url_decode(value)


@pytest.mark.parametrize(
    ("header", "credentials"),
    [
        (None, None),
        ("Bearer abc", None),
        ("Basic", None),  # no credentials after the scheme: not Basic authentication at all
        (basic(b"app:s3cret"), ("app", "s3cret")),
        ("basic  " + base64.b64encode(b"app:s3cret").decode() + " ", ("app", "s3cret")),
        # RFC 6749 2.3.1: form-urlencoded, so %3A is a colon inside the id and + a space in the secret.
        (basic(b"a%3Ab:c+d%2B"), ("a:b", "c d+")),
        (basic(b"app:with:colons"), ("app", "with:colons")),
        (basic(b"app:"), ("app", "")),
    ],
)
def test_basic_credentials_are_form_urlencoded(header: str | None, credentials: tuple[str, str] | None) -> None:
    assert basic_credentials(header) == credentials


@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!" + base64.b64encode(b"app:secret").decode(),  # Authlib would skip the "!!!" and accept it
        "Basic " + base64.b64encode(b"app:secret").decode().rstrip("="),  # unpadded
        basic(b"no-colon"),  # Authlib: a client id without a secret
        basic(b"\xff\xfe:x"),  # Authlib: UnicodeDecodeError
    ],
    ids=["outside the alphabet", "unpadded", "no colon", "not UTF-8"],
)
def test_malformed_basic_credentials_are_refused(header: str) -> None:
    with pytest.raises(MalformedCredentials):
        basic_credentials(header)
