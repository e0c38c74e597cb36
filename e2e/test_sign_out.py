"""Sign-out ends B2C's session: the next sign-in asks again."""

from __future__ import annotations

from fixtures.journey import Journey, SignedUpUser


def test_after_sign_out_the_sign_in_page_is_shown_again(
    signed_in: SignedUpUser, journey: Journey, policy: str
) -> None:
    # Given a user signed in in this browser (B2C would answer the next request from its session)

    # When the app signs the user out (B2C returns to the app's post-logout address)
    journey.sign_out(policy)

    # Then the next sign-in shows B2C's sign-in page instead of a token
    journey.open(policy)
    journey.reach_sign_in_page()  # fails, naming where the browser is, if B2C answered from the ended session
