"""Single sign-on within one browser, and prompt=login forcing Mobile ID again."""

from __future__ import annotations

from typing import Any

from fixtures.causes import JourneyFailure
from fixtures.journey import Journey, SignedUpUser, new_sign_in_recorded, past_the_second_of
from fixtures.tokens import require_epoch_seconds, subject


def same_user_as_before(claims: dict[str, Any], first: dict[str, Any], how: str) -> None:
    """A returning user's token (from the session, or a new sign-in): not a new user's (the app would onboard them again),
    and with the name the first sign-in gave. (Not its idp: the starter pack's session managers keep no identityProvider,
    so a custom policy's token from the session has none where B2C follows them, as the emulator does: unconfirmed.)"""
    assert not claims.get("newUser"), f"{how}: ID token newUser is {claims['newUser']!r} for a returning user"
    if "name" in first:
        assert claims.get("name") == first["name"], f"{how}: ID token name is {claims.get('name')!r}, the first sign-in's {first['name']!r}"


def test_second_sign_in_in_the_same_browser_skips_mobile_id(
    signed_in: SignedUpUser, journey: Journey, policy: str
) -> None:
    # Given a user who just signed in in this browser (B2C has a session)
    first = signed_in.claims
    past_the_second_of(journey.page, first)  # a new auth_time would now differ from the first's
    mark = len(journey.visited)

    # When the app asks for a token again
    # Then B2C answers at once from its session: no sign-in page, no Mobile ID (either one fails at once, as no single sign-on)
    claims = journey.sign_in_from_session(policy)
    shown = journey.hosts_visited(mark)
    assert journey.mobile.host not in shown, f"SSO sign-in went through Mobile ID again (pages: {shown})"
    assert subject(claims) == subject(first), f"SSO signed in another user: sub {claims['sub']!r}, the first sign-in's {first['sub']!r}"
    # a token without auth_time is the token contract's cause, as in the other journeys (not a KeyError, "other")
    kept, signed_in_at = require_epoch_seconds(claims, "auth_time"), require_epoch_seconds(first, "auth_time")
    assert kept == signed_in_at, f"SSO keeps the time of the last credential entry: auth_time {kept}, the sign-in's {signed_in_at}"
    same_user_as_before(claims, first, "SSO")


def test_prompt_login_asks_for_mobile_id_despite_the_session(
    signed_in: SignedUpUser, journey: Journey, policy: str
) -> None:
    # Given a user with a B2C session in this browser
    number, first = signed_in
    past_the_second_of(journey.page, first)  # a kept auth_time would now differ from the new token's iat

    # When the app demands a fresh sign-in
    request = journey.open(policy, prompt="login")

    # Then B2C asks again (its sign-in page, not a token from the session)
    try:
        journey.reach_sign_in_page()
    except JourneyFailure as failure:  # said again with what it means here, its cause kept (an infrastructure one is retried)
        why = "B2C answered from its session" if journey.app.is_current() else "B2C did not show its sign-in page"
        raise failure.reworded(f"prompt=login must force a new sign-in, but {why} ({failure})") from None

    # And choosing Mobile ID leads to Mobile ID's number entry, not around it: the phone approves again
    journey.unified.choose_mobile_id()
    try:
        journey.mobile.wait_until_shown()
    except JourneyFailure as failure:
        raise failure.reworded(f"prompt=login: after choosing Mobile ID the user was not asked for the phone number ({failure})") from None
    journey.approve_at_mobile_id(number)
    claims = journey.token(request)
    assert subject(claims) == subject(first), f"prompt=login signed in another user: sub {claims['sub']!r}, the first's {first['sub']!r}"
    new_sign_in_recorded(first, claims)
    same_user_as_before(claims, first, "prompt=login")
