"""Cancelling on B2C's profile page returns AADB2C90091 to the app."""

from __future__ import annotations

import pytest

from fixtures.causes import b2c_quote
from fixtures.journey import Journey, assert_traceable
from fixtures.mobile_id import MobileID


@pytest.mark.negative
def test_cancel_on_the_profile_page_tells_the_app(journey: Journey, mobile_id: MobileID, policy: str) -> None:
    # Given a new user on B2C's profile page after approving Mobile ID
    number = mobile_id.new_number()
    request = journey.start_at_mobile_id(policy, number)
    journey.reach_profile_page()

    # When the user cancels
    journey.profile.cancel()

    # Then the app gets access_denied with AADB2C90091 and its state, and no token
    result = journey.redirect(request)
    assert result.error == "access_denied", f"B2C redirected with error {result.error!r}, expected access_denied"
    assert result.error_description.startswith("AADB2C90091"), \
        f"error_description {b2c_quote(result.error_description)} should start with AADB2C90091 (user cancelled self-asserted input)"
    assert_traceable(result.error_description)  # what the app logs for support to find the sign-in by
    assert result.id_token is None
