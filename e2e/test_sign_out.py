"""Sign-out ends B2C's session: the next sign-in asks again."""

from __future__ import annotations

from typing import Any

from fixtures.journey import Journey


def test_after_sign_out_the_sign_in_page_is_shown_again(
    signed_up: tuple[str, dict[str, Any]], journey: Journey, policy: str
) -> None:
    # Given a signed-in user
    assert signed_up

    # When the app signs the user out
    journey.sign_out(policy)

    # Then B2C returned to the app's post-logout address, and the next sign-in shows the sign-in page
    journey.open(policy)
    journey.unified.wait_until_shown()
    assert journey.unified.is_shown()
