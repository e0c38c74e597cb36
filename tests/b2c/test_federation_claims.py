"""B2C takes from an identity provider only the claims its configuration maps (a user flow's claims mapping, a
technical profile's OutputClaims), as the real service does: nothing is filled in besides."""

from __future__ import annotations

import pytest

from mocks.b2c.errors import B2CError
from mocks.b2c.federation import map_claims
from mocks.b2c.user_flow import mobile_id_provider

PARTNER = {"sub": "pairwise-1", "name": "Hans Muster", "given_name": "Hans", "family_name": "Muster", "email": "hans@example.com",
           "phone_number": "+41791234567", "iss": "https://openid.mobileid.ch"}


def test_the_seeds_user_flow_mapping_brings_user_id_and_display_name_only() -> None:
    mapped = map_claims(mobile_id_provider("b2c-client", "secret").to_identity_provider(), PARTNER)
    assert mapped == {"issuerUserId": "pairwise-1", "displayName": "Hans Muster", "identityProvider": "mobileid.ch",
                      "authenticationSource": "socialIdpAuthentication"}  # identityProvider: the seed's domain_hint


def test_an_answer_without_the_mapped_user_id_names_the_claim_and_the_exchange() -> None:
    provider = mobile_id_provider("b2c-client", "secret").to_identity_provider()
    with pytest.raises(B2CError) as refused:
        map_claims(provider, {k: v for k, v in PARTNER.items() if k != "sub"})
    assert refused.value.code == "AADB2C90273"
    assert f"no 'sub', which {provider.exchange_id} maps to issuerUserId" in refused.value.message
