"""Direct sign-in: domain_hint=mobileid.ch skips B2C's sign-in page."""

from __future__ import annotations

from collections.abc import Callable

from fixtures.journey import Journey, SignedUpUser
from fixtures.settings import Settings
from fixtures.tokens import contract_claims, require_contract, require_mobile_id_idp, subject


def test_domain_hint_goes_straight_to_mobile_id(
    returning_user: SignedUpUser, another_browser: Callable[..., Journey], policy: str, settings: Settings
) -> None:
    # Given a returning Mobile ID user in a browser without a B2C session
    number, first = returning_user
    journey: Journey = another_browser()

    # When the app asks B2C for Mobile ID directly
    request = journey.open(policy, domain_hint="mobileid.ch")

    # Then the first page the user sees is Mobile ID's, not B2C's sign-in page
    journey.reach_mobile_id_directly(policy, "mobileid.ch")
    shown = journey.hosts_visited()
    assert shown and all(host == journey.mobile.host for host in shown), \
        f"with domain_hint=mobileid.ch the browser showed {shown} before Mobile ID; B2C's sign-in page should be skipped " \
        "(a user flow's Mobile ID identity provider needs Domain hint mobileid.ch; a custom policy's ClaimsProvider <Domain>mobileid.ch)"

    # And approving on the phone signs the user in
    journey.approve_at_mobile_id(number)
    claims = journey.token(request)
    assert subject(claims) == subject(first), f"ID token sub is {claims['sub']!r}, expected the user's {first['sub']!r}"
    # with the contract's claims, a missing one named with where B2C emits it (one cause with the other journeys')
    require_contract(claims, policy, settings.token_contract)
    if "idp" in contract_claims(policy, settings.token_contract):  # the same user, through Mobile ID
        # Told apart: a wrong idp at sign-up too (both would agree) is one cause with the sign-up's and the contract's.
        require_mobile_id_idp(claims, policy, settings.idp_metadata_url)
        assert claims.get("idp") == first.get("idp"), f"ID token idp is {claims.get('idp')!r}, expected the sign-up's {first.get('idp')!r}"
