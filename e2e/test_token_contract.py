"""The ID token contract: signature and every claim the app relies on."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from fixtures import texts
from fixtures.journey import Journey, SignedUpUser
from fixtures.settings import Settings, is_custom_policy
from fixtures.tokens import (
    LEEWAY,
    WrongClaims,
    contract_claims,
    require_auth_time_since,
    require_contract,
    require_epoch_seconds,
    require_mobile_id_idp,
    require_named_after,
)


def sub_is_object_id(policy: str) -> bool:
    """Whether ``sub`` is the user's object id, as ``oid`` is: always for a user flow; for a custom policy where its relying
    party outputs the same claim as both (the starter pack's objectId), not where a team's gives sub another (B2C emits what
    the policy says)."""
    if not is_custom_policy(policy):
        return True
    sub = texts.relying_party_claim_source(policy, "sub")
    return sub is None or sub == texts.relying_party_claim_source(policy, "oid")


@pytest.mark.smoke
def test_id_token_carries_every_claim_of_the_contract(
    returning_user: SignedUpUser, another_browser: Callable[..., Journey], policy: str, settings: Settings,
) -> None:
    # Given a returning Mobile ID user
    number = returning_user.number
    journey = another_browser()

    # When the user signs in
    started = int(time.time())
    # Then the token verifies against the tenant's JWKS with the right iss, aud, nonce and times
    # (journey.token checks those for every journey: fixtures/tokens.py)
    claims = journey.sign_in(policy, number)

    # And every claim of the contract has its type and value: each wrong one said in one failure (WrongClaims)
    wrong = WrongClaims()
    require_contract(claims, policy, settings.token_contract, wrong=wrong)
    contract = contract_claims(policy, settings.token_contract)

    def claim(name: str, kind: type) -> Any:
        """The claim ``name``, a ``kind``; else None, said in ``wrong``."""
        if name not in claims:
            wrong.add(f"ID token has no {name} claim (claims: {sorted(claims)})", name, "present", "missing")
            return None
        value = claims[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            wrong.add(f"ID token {name} is {value!r} ({type(value).__name__}), expected {kind.__name__}",
                      name, kind.__name__, type(value).__name__)
            return None
        return value

    # A claim already said wrong (missing, of another type) keeps its first words: the checks after it add nothing.
    if claim("ver", str) != "1.0":
        wrong.add(f"ID token ver is {claims.get('ver')!r}, expected '1.0'", "ver", "'1.0'", repr(claims.get("ver")))
    if not (claim("sub", str) or "").strip():
        wrong.add("ID token sub is empty", "sub", "the user's id", "empty")
    if "oid" in claims and "sub" in claims and sub_is_object_id(policy) and claims["oid"] != claims["sub"]:
        wrong.add(f"ID token oid {claims['oid']!r} differs from sub {claims['sub']!r}", "oid", "the sub", "another id")
    if "name" in contract:
        claim("name", str)
    require_named_after(claims, number, policy, settings.token_contract, wrong=wrong)
    if "idp" in contract:
        claim("idp", str)
        require_mobile_id_idp(claims, policy, settings.idp_metadata_url, wrong=wrong)
    policy_claim = claims.get("tfp", claims.get("acr"))
    if not (isinstance(policy_claim, str) and policy_claim.lower() == policy.lower()):
        wrong.add(f"ID token tfp/acr is {policy_claim!r}, expected the policy {policy!r}", "tfp/acr", "the policy's name",
                  "none" if policy_claim is None else "another")
    # auth_time and iat first, as the sign-up checks them: a token without one is one cause for both journeys
    require_auth_time_since(claims, started, "sign-in", wrong=wrong)
    iat, nbf, exp = (require_epoch_seconds(claims, n, wrong=wrong) for n in ("iat", "nbf", "exp"))  # as auth_time is read
    if iat is not None and nbf is not None and exp is not None:  # each missing one said: no times to compare
        if not (nbf <= iat + LEEWAY and iat < exp):
            wrong.add(f"ID token times out of order: nbf {nbf}, iat {iat}, exp {exp}", "nbf, iat, exp", "nbf <= iat < exp", "out of order")
        if not 300 <= exp - iat <= 86400:
            wrong.add(f"ID token lifetime {exp - iat} s is outside B2C's 5 to 1440 minutes", "exp - iat", "300 to 86400 s", f"{exp - iat} s")
    wrong.raise_any()
