"""B2C's back channel to Mobile ID (token, userinfo) stays within the budget."""

from __future__ import annotations

import time
from collections.abc import Callable

from fixtures.causes import BROKEN_PROMISE, Cause, JourneyFailure
from fixtures.journey import Journey, SignedUpUser
from fixtures.settings import Settings


def test_token_lands_soon_after_the_phone_answers(
    returning_user: SignedUpUser, another_browser: Callable[..., Journey], settings: Settings, policy: str
) -> None:
    # Given a returning user (no profile page between Mobile ID and the app)
    number = returning_user.number
    journey = another_browser()

    # When the user signs in and the phone answers
    request = journey.start_at_mobile_id(policy, number)
    journey.token(request)
    arrived = time.time()

    # Then B2C redeemed Mobile ID's code and fetched the claims within the budget
    left = journey.mobile.left_at()
    assert left is not None, "the browser never left Mobile ID for B2C"
    took = arrived - left
    if took > settings.backchannel_budget:
        raise JourneyFailure(
            f"the identity provider Mobile ID (mobileid.ch) is slow: {took:.1f} s from the phone's answer to the token at the app, "
            f"over the {settings.backchannel_budget:g} s budget (E2E_IDP_BACKCHANNEL_BUDGET); B2C waits on its token and userinfo endpoints",
            # One detail for every slow journey, so the report counts them on one line.
            cause=Cause(BROKEN_PROMISE, f"the phone's answer to the token at the app is over the {settings.backchannel_budget:g} s budget "
                                        "(E2E_IDP_BACKCHANNEL_BUDGET; B2C's back channel to Mobile ID)"),
        )
