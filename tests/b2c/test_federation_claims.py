"""B2C takes from an identity provider only the claims its configuration maps (a user flow's claims mapping, a
technical profile's OutputClaims), as the real service does: nothing is filled in besides."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mocks.b2c.errors import B2CError
from mocks.b2c.federation import map_claims
from mocks.b2c.policy import ClaimMapping
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


def test_a_numeric_user_id_is_the_user_id_as_text() -> None:
    """GitHub's user id is a JSON number, and Microsoft's GitHub article maps it to issuerUserId: B2C signs the user in.
    The emulator said the answer "has no 'sub'" although it had one."""
    provider = mobile_id_provider("b2c-client", "secret").to_identity_provider()
    assert map_claims(provider, {**PARTNER, "sub": 1234567})["issuerUserId"] == "1234567"


@pytest.mark.parametrize(("sent", "data_type", "held"), [
    (["Hans", "H"], "string", '["Hans","H"]'),
    ({"first": "Hans"}, "string", '{"first":"Hans"}'),
    (True, "string", "true"),
    (42, "int", 42),  # a number into a number's claim type, as sent
    (["a", "b"], "stringCollection", ["a", "b"]),
    ({"first": "Hans"}, None, '{"first":"Hans"}'),  # never Python's repr ("{'first': 'Hans'}")
])
def test_a_claim_that_is_not_a_json_string_is_held_as_its_claim_type_holds_it(sent: object, data_type: str | None, held: object) -> None:
    base = mobile_id_provider("b2c-client", "secret").to_identity_provider()
    provider = replace(base, claims=(*base.claims, ClaimMapping("extension_value", "value", data_type=data_type)))
    assert map_claims(provider, {**PARTNER, "value": sent})["extension_value"] == held
