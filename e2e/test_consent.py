"""A user's first sign-in with a Mobile ID client asks for consent to share the data (reference mobileid.md section 3):
accepted, the sign-in goes on to B2C; refused, B2C tells the app why (mid_auth_3020)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fixtures.b2c import AuthRequest
from fixtures.causes import b2c_quote
from fixtures.journey import OUTER_ERRORS, Journey, assert_b2c_reports_mobile_id_error
from fixtures.mobile_id import MobileID
from fixtures.tokens import subject


def reach_consent(journey: Journey, mobile_id: MobileID, policy: str) -> tuple[AuthRequest, str]:
    """A user who has not consented to share their data with the tenant's Mobile ID client yet signs up and approves
    on the phone: Mobile ID's consent page, asserted. The request and the user's number."""
    number = mobile_id.new_number()
    mobile_id.asks_consent(number)
    request = journey.send_to_phone(policy, number)
    mobile_id.approve(number, journey.mobile)
    journey.mobile.wait_for_consent(mobile_id.approval_timeout * 1000)
    return request, number


@pytest.mark.control_api
def test_a_first_sign_in_that_asks_consent_goes_on_once_it_is_given(
    journey: Journey, another_browser: Callable[..., Journey], mobile_id: MobileID, policy: str,
) -> None:
    # Given a first sign-in that Mobile ID asks consent for
    request, number = reach_consent(journey, mobile_id, policy)

    # When the user gives it
    journey.mobile.accept_consent()

    # Then the sign-up goes on to a token
    journey.reach_profile_page().continue_()
    first = journey.token(request)
    assert subject(first)

    # And the next sign-in, in another browser, is not asked again: Mobile ID skips its consent page once consent is
    # recorded for the user and the client (reference mobileid.md section 3; the emulator's client does not always ask)
    later = another_browser()
    request = later.send_to_phone(policy, number)
    mobile_id.approve(number, later.mobile)
    later.mobile.wait_for_approval(mobile_id.approval_timeout * 1000)
    assert not later.mobile.consent_requested(), \
        ("Mobile ID asked for consent again on the next sign-in, though the user gave it at the first for this client: it does "
         "not record consent, or the client is set to \"Always Prompt For Consent\" (mobileid.md section 3); check the "
         "Mobile ID client B2C uses")
    assert subject(later.token(request)) == subject(first), "the next sign-in after consent is another user"


@pytest.mark.negative
@pytest.mark.control_api
def test_consent_refused_reaches_the_app_as_mobile_ids_error(journey: Journey, mobile_id: MobileID, policy: str) -> None:
    # Given a first sign-in that Mobile ID asks consent for
    request, _ = reach_consent(journey, mobile_id, policy)

    # When the user refuses to share the data
    journey.mobile.decline_consent()

    # Then B2C sends the app Mobile ID's reason, with the app's state
    result = journey.redirect(request, expecting="Mobile ID's consent refusal as AADB2C90273")
    assert result.error in OUTER_ERRORS, f"B2C redirected with error {result.error!r} ({b2c_quote(result.error_description)})"
    assert_b2c_reports_mobile_id_error(result.error_description, ("mid_auth_3020",))
    assert result.id_token is None
