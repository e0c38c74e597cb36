"""B2C's session cookies must survive Mobile ID's cross-site form post back to B2C."""

from __future__ import annotations

from fixtures.journey import Journey
from fixtures.mobile_id import MobileID


def test_b2c_cookies_are_samesite_none_and_secure(journey: Journey, mobile_id: MobileID, policy: str) -> None:
    # Given a sign-up that went through Mobile ID and back
    number = mobile_id.new_number()
    journey.sign_up(policy, number)

    # Then every x-ms-cpim-* cookie B2C set is SameSite=None and Secure
    cookies = [c for c in journey.page.context.cookies() if c["name"].startswith("x-ms-cpim-")]
    assert cookies, "B2C set no x-ms-cpim-* cookies"
    wrong = [f"{c['name']} (SameSite={c.get('sameSite')}, Secure={c.get('secure')})" for c in cookies
             if c.get("sameSite") != "None" or not c.get("secure")]
    assert not wrong, f"B2C cookies must be SameSite=None; Secure to survive the cross-site form post: {wrong}"
