"""prompt=login's check on auth_time (fixtures.journey.new_sign_in_recorded): which of B2C's answers it refuses, and why."""

from __future__ import annotations

import pytest

from fixtures.journey import new_sign_in_recorded

FIRST = {"auth_time": 100, "iat": 103}  # a sign-up's token comes seconds after its sign-in


def test_a_new_sign_in_after_the_first_token_is_recorded() -> None:
    new_sign_in_recorded(FIRST, {"auth_time": 130, "iat": 140})
    new_sign_in_recorded({"auth_time": 100, "iat": 100}, {"auth_time": 100, "iat": 100})  # one second for both: cannot tell


@pytest.mark.parametrize(("new", "said"), [
    ({"auth_time": 100, "iat": 140}, "B2C kept the first sign-in's auth_time"),
    ({"auth_time": 101, "iat": 140}, "the new auth_time is before the first token was issued"),
])
def test_an_auth_time_that_is_not_a_new_sign_in_is_named_for_what_it_is(new: dict[str, int], said: str) -> None:
    with pytest.raises(AssertionError, match=f"prompt=login: {said} \\(first token: auth_time 100, iat 103; new: "):
        new_sign_in_recorded(FIRST, new)


def test_a_token_without_auth_time_is_the_token_contracts_cause_not_a_key_error() -> None:
    """A B2C that dropped auth_time failed the sign-up and contract journeys as the token contract and the single sign-on
    journeys as "other: KeyError: 'auth_time'": one fault, two causes in the night's report."""
    from fixtures.causes import JourneyFailure

    with pytest.raises(JourneyFailure) as failure:
        new_sign_in_recorded(FIRST, {"iat": 140})
    assert failure.value.cause.name == "ID token contract"
    assert failure.value.cause.detail == "auth_time: expected present, got missing"
