"""OAuth 2.0 and OpenID Connect primitives both emulators use: Authlib's where Authlib has them.

- ``half_hash``: ``at_hash`` / ``c_hash`` (OIDC Core 3.1.3.6, 3.3.2.11), Authlib's ``create_half_hash``.
- ``pkce_s256_matches`` and ``valid_code_verifier``: RFC 7636, Authlib's S256 challenge and verifier
  pattern; compared in constant time (Authlib's own ``compare_s256_code_challenge`` uses ``==``).
- ``same_token``: a secret or token compared in constant time, as bytes (a request's text need not be ASCII).
- ``b64url_encode`` / ``b64url_decode``: unpadded base64url (Authlib's encoder), padding restored on the way in,
  characters outside the alphabet refused.
- ``basic_credentials``: the ``Authorization: Basic`` client credentials. Not Authlib's
  ``extract_basic_authorization``, which (Authlib 1.9) keeps a ``+`` where RFC 6749 2.3.1's
  form-urlencoding means a space, skips characters outside the base64 alphabet instead of refusing
  them (``Basic !!!<valid>`` passes), takes credentials without a colon as a client id with no
  secret, and raises ``UnicodeDecodeError`` on bytes that are not UTF-8. Both token endpoints
  answer ``invalid_client`` to all of those.
"""

from __future__ import annotations

import base64
import hmac
import re
from urllib.parse import unquote_plus

from authlib.common.encoding import to_unicode, urlsafe_b64encode
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oauth2.rfc7636.challenge import CODE_VERIFIER_PATTERN

_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


class MalformedCredentials(ValueError):
    """An ``Authorization: Basic`` header whose credentials cannot be read."""


def half_hash(value: str) -> str:
    """``at_hash`` / ``c_hash`` of a token signed with RS256: left half of its SHA-256, base64url."""
    from authlib.oidc.core.util import create_half_hash  # here, not at the top: it imports much of Authlib (~40 ms of the stack's start)

    digest = create_half_hash(value, "RS256")
    assert digest is not None  # None only for an algorithm hashlib does not have; RS256 is SHA-256
    return to_unicode(digest)


def valid_code_verifier(verifier: str) -> bool:
    """43 to 128 unreserved characters (RFC 7636 4.1); the whole value, a trailing newline included."""
    return CODE_VERIFIER_PATTERN.fullmatch(verifier) is not None


def pkce_s256_matches(challenge: str, verifier: str) -> bool:
    """``BASE64URL(SHA256(verifier)) == challenge`` (RFC 7636 4.6), in constant time."""
    computed: str = create_s256_code_challenge(verifier)  # type: ignore[no-untyped-call]  # types-authlib leaves it unannotated
    return same_token(computed, challenge)


def b64url_encode(data: bytes) -> str:
    """base64url without padding, as tokens, codes and B2C's state values carry it."""
    return to_unicode(urlsafe_b64encode(data))


def b64url_decode(value: str) -> bytes:
    """base64url with or without padding; ``ValueError`` (``binascii.Error`` included) for anything else.

    Strict, unlike Authlib's ``urlsafe_b64decode``, which skips characters outside the alphabet:
    a state value with other characters in it was not written by us.
    """
    if not _B64URL.fullmatch(value):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def same_token(given: str, expected: str) -> bool:
    """A secret or token compared in constant time, as bytes: ``hmac.compare_digest`` refuses str with characters
    outside ASCII, which a request may carry."""
    return hmac.compare_digest(given.encode(), expected.encode())


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` from an ``Authorization: Basic`` header; None for no header or another scheme.

    RFC 6749 2.3.1: both parts are form-urlencoded before they are joined and base64-encoded.
    Raises ``MalformedCredentials`` for base64 that is not strict, bytes that are not UTF-8, or no colon.
    """
    if authorization is None or authorization[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors; so is text that is not ASCII
        raise MalformedCredentials("Malformed Basic credentials") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise MalformedCredentials("Malformed Basic credentials")
    return unquote_plus(client_id), unquote_plus(secret)
