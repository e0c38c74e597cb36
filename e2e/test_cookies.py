"""B2C's session cookies must survive Mobile ID's cross-site form post back to B2C."""

from __future__ import annotations

from fixtures.b2c_cookies import JOURNEY_COOKIES, cross_site_failure, journey_cookies, script_readable_failure, script_readable_sessions
from fixtures.causes import TENANT_CONFIGURATION, Cause, JourneyFailure
from fixtures.journey import Journey
from fixtures.mobile_id import MobileID


def test_b2c_cookies_are_samesite_none_and_secure(journey: Journey, mobile_id: MobileID, policy: str) -> None:
    # Given the user on B2C's sign-in page
    number = mobile_id.new_number()
    journey.open(policy)
    journey.unified.wait_until_shown()

    # Then the cookies B2C set so far are SameSite=None and Secure (Mobile ID will post back cross-site)
    names, wrong = journey_cookies(journey.page.context)
    assert names, f"B2C set none of {', '.join(JOURNEY_COOKIES)} on its sign-in page"
    if wrong:
        raise cross_site_failure(wrong)

    # And so are the journey cookies it set by the end of a sign-up
    journey.sign_up(policy, number)
    names, wrong = journey_cookies(journey.page.context)
    if wrong:
        raise cross_site_failure(wrong)
    # Among them the session, which the next sign-in's SSO reads (reference b2c.md section 7: x-ms-cpim-sso:{id})
    if not any(name.startswith("x-ms-cpim-sso") for name in names):
        raise JourneyFailure(f"B2C set no session cookie (x-ms-cpim-sso) by the end of a sign-up; it set {names}. A session "
                             "scope of Suppressed sets none (user flow: Properties > Session behavior; custom policy: the "
                             "technical profiles' session management, b2c.md section 7), and SSO journeys then fail too",
                             cause=Cause(TENANT_CONFIGURATION, "no x-ms-cpim-sso session cookie after a sign-up (session scope Suppressed?)"))
    # And the session is out of reach of the pages' scripts: HttpOnly, as B2C sets it (mocks/b2c/README.md, cookies)
    if readable := script_readable_sessions(journey.page.context):
        raise script_readable_failure(readable)
