"""B2C's session cookies must survive Mobile ID's cross-site form post back to B2C."""

from __future__ import annotations

from fixtures.causes import BROKEN_PROMISE, TENANT_CONFIGURATION, Cause, JourneyFailure
from fixtures.journey import Journey
from fixtures.mobile_id import MobileID

# The cookies a journey needs back after Mobile ID's cross-site post: the session, the CSRF token, the transaction and
# the request state (cache; the emulator keeps that in trans and sets no cache cookie). B2C's others (geo, dc, slice, rp,
# rc, ctx; reference b2c.md section 7) route or remember, and nothing says a journey needs them back: not held to this.
JOURNEY_COOKIES = ("x-ms-cpim-sso", "x-ms-cpim-csrf", "x-ms-cpim-trans", "x-ms-cpim-cache")


def cpim_cookie_problems(journey: Journey) -> tuple[list[str], dict[str, str]]:
    """(names of B2C's session, CSRF, transaction and request-state cookies; those that are not SameSite=None; Secure, with
    what they are instead)."""
    cookies = [c for c in journey.page.context.cookies() if c["name"].startswith(JOURNEY_COOKIES)]
    wrong = {c["name"]: f"SameSite={c.get('sameSite')}, Secure={c.get('secure')}" for c in cookies
             if c.get("sameSite") != "None" or not c.get("secure")}
    return [c["name"] for c in cookies], wrong


def no_wrong_cookies(wrong: dict[str, str]) -> None:
    if wrong:
        raise JourneyFailure(f"B2C's journey cookies ({', '.join(JOURNEY_COOKIES)}) must be SameSite=None; Secure to survive "
                             f"Mobile ID's cross-site form post: {[f'{name} ({how})' for name, how in wrong.items()]}",
                             cause=Cause(BROKEN_PROMISE, f"not SameSite=None; Secure: {', '.join(wrong)}"))


def test_b2c_cookies_are_samesite_none_and_secure(journey: Journey, mobile_id: MobileID, policy: str) -> None:
    # Given the user on B2C's sign-in page
    number = mobile_id.new_number()
    journey.open(policy)
    journey.unified.wait_until_shown()

    # Then the cookies B2C set so far are SameSite=None and Secure (Mobile ID will post back cross-site)
    names, wrong = cpim_cookie_problems(journey)
    assert names, f"B2C set none of {', '.join(JOURNEY_COOKIES)} on its sign-in page"
    no_wrong_cookies(wrong)

    # And so are the journey cookies it set by the end of a sign-up
    journey.sign_up(policy, number)
    names, wrong = cpim_cookie_problems(journey)
    no_wrong_cookies(wrong)
    # Among them the session, which the next sign-in's SSO reads (reference b2c.md section 7: x-ms-cpim-sso:{id})
    if not any(name.startswith("x-ms-cpim-sso") for name in names):
        raise JourneyFailure(f"B2C set no session cookie (x-ms-cpim-sso) by the end of a sign-up; it set {names}. A session "
                             "scope of Suppressed sets none (user flow: Properties > Session behavior; custom policy: the "
                             "technical profiles' session management, b2c.md section 7), and SSO journeys then fail too",
                             cause=Cause(TENANT_CONFIGURATION, "no x-ms-cpim-sso session cookie after a sign-up (session scope Suppressed?)"))
