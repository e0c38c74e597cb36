"""When Mobile ID says no, B2C tells the app why (AADB2C90273 with Mobile ID's error)."""

from __future__ import annotations

import pytest

from fixtures.causes import b2c_quote
from fixtures.journey import OUTER_ERRORS, Journey, assert_b2c_reports_mobile_id_error
from fixtures.mobile_id import MobileID
from fixtures.settings import PhoneOutcome

# Mobile ID's OIDC code per phone outcome. Swisscom documents the codes, not the MSS mapping
# (mobileid.md section 4): 401, 208 and 406 have one obvious code, the blocked and inactive states several.
BLOCKED_OR_INACTIVE = ("mid_auth_3060", "mid_auth_3080", "mid_auth_3900")
EXPECTED_CODES: dict[PhoneOutcome, tuple[str, ...]] = {
    "user_cancel": ("mid_auth_3010",),
    "expired": ("mid_auth_3300",),
    "busy": ("mid_auth_3310",),
    "pin_blocked": BLOCKED_OR_INACTIVE,
    "card_blocked": BLOCKED_OR_INACTIVE,
    "no_key": BLOCKED_OR_INACTIVE,
    "no_cert": BLOCKED_OR_INACTIVE,
    "system_error": ("mid_sys_9900",),  # Mobile ID's own failure: server_error, not the user's access_denied
}


@pytest.mark.negative
@pytest.mark.control_api
@pytest.mark.parametrize("outcome", list(EXPECTED_CODES))
def test_a_failed_mobile_id_sign_in_reaches_the_app_as_an_error(
    journey: Journey, mobile_id: MobileID, policy: str, outcome: PhoneOutcome
) -> None:
    # Given a phone that always ends in this outcome (Swisscom's test numbers)
    number = mobile_id.robot(outcome)

    # When the user signs in with it
    request = journey.send_to_phone(policy, number)

    # Then B2C sends the app an error that carries Mobile ID's reason, with the app's state
    result = journey.redirect(request, expecting="Mobile ID's error as AADB2C90273")
    assert result.error in OUTER_ERRORS, f"B2C redirected with error {result.error!r}, expected one of {OUTER_ERRORS} ({b2c_quote(result.error_description)})"
    assert_b2c_reports_mobile_id_error(result.error_description, EXPECTED_CODES[outcome])
    assert result.id_token is None


@pytest.mark.smoke  # a release that strands a user who says no on the phone must not pass the pre-release check
@pytest.mark.negative
@pytest.mark.control_api
def test_declining_on_the_phone_reaches_the_app_as_an_error(journey: Journey, mobile_id: MobileID, policy: str) -> None:
    # Given a user signing in with a phone of their own
    number = mobile_id.new_number()
    request = journey.send_to_phone(policy, number)

    # When the user declines on the phone
    transaction = journey.mobile.transaction_number()
    mobile_id.decline(number, journey.mobile)

    # Then the app learns that the user cancelled at Mobile ID
    result = journey.redirect(request, expecting="Mobile ID's error as AADB2C90273")
    assert result.error in OUTER_ERRORS, f"B2C redirected with error {result.error!r}, expected one of {OUTER_ERRORS}"
    assert_b2c_reports_mobile_id_error(result.error_description, EXPECTED_CODES["user_cancel"])
    assert transaction in result.error_description, \
        f"Mobile ID's description should carry the transaction number the phone showed ({transaction})"
