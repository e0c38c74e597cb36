"""Sign-in of a returning user: no profile page, the same user."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fixtures.journey import Journey, SignedUpUser
from fixtures.tokens import subject


@pytest.mark.smoke
def test_returning_user_signs_in_without_the_profile_page(
    returning_user: SignedUpUser, another_browser: Callable[..., Journey], policy: str
) -> None:
    # Given a user who signed up with Mobile ID (in another browser, so no B2C session helps)
    number, first = returning_user
    journey = another_browser()

    # When the user signs in again with the same phone
    request = journey.start_at_mobile_id(policy, number)

    # Then B2C goes straight back to the app (a profile page would stop the redirect) with the same user
    claims = journey.token(request)
    assert subject(claims) == subject(first), f"ID token sub is {claims['sub']!r} on sign-in, but was {first['sub']!r} at sign-up"
    assert claims.get("newUser") in (None, False), f"ID token newUser is {claims.get('newUser')!r} for a returning user"

    # And the app asking again in this browser gets the same user from B2C's session, without the phone (single sign-on: a
    # release whose policy keeps no session sends every user of every app to the phone again; test_sso.py checks the rest)
    again = journey.sign_in_from_session(policy)
    assert subject(again) == subject(first), f"SSO signed in another user: sub {again['sub']!r}, the sign-in's {first['sub']!r}"
