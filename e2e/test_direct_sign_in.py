"""Direct sign-in: domain_hint=mobileid.ch skips B2C's sign-in page."""

from __future__ import annotations

from fixtures.journey import Journey, SignedUpUser


def test_domain_hint_goes_straight_to_mobile_id(
    returning_user: SignedUpUser, another_browser, policy: str
) -> None:
    # Given a returning Mobile ID user in a browser without a B2C session
    number, first = returning_user
    journey: Journey = another_browser()

    # When the app asks B2C for Mobile ID directly
    request = journey.open(policy, domain_hint="mobileid.ch")

    # Then the first page the user sees is Mobile ID's, not B2C's sign-in page
    journey.mobile.wait_until_shown()
    shown = journey.hosts_visited()
    assert shown and all(host == journey.mobile.host for host in shown), \
        f"with domain_hint=mobileid.ch the browser showed {shown} before Mobile ID; B2C's sign-in page should be skipped"

    # And approving on the phone signs the user in
    journey.approve_at_mobile_id(number)
    claims = journey.token(request)
    assert claims["sub"] == first["sub"] and claims.get("idp") == first.get("idp")  # the same user, through the same IdP
