"""What the new user types on B2C's profile page is what the app and the next sign-in get."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fixtures import texts
from fixtures.causes import token_contract
from fixtures.journey import Journey
from fixtures.mobile_id import MobileID
from fixtures.settings import Settings
from fixtures.tokens import require_contract, subject, where_emitted

# The token claims of the profile fields (user flow application claims; the custom policy's relying party).
TOKEN_CLAIMS = {"display_name": "name", "given_name": "given_name", "surname": "family_name"}
# Their fields' ids on the profile page (the claim types).
FIELD_IDS = {"display_name": "displayName", "given_name": "givenName", "surname": "surname"}


def changed_profile(number: str) -> dict[str, str]:
    # Unlike the prefill (Mobile ID's name claim is the phone number); non-ASCII as Swiss names are.
    return {"display_name": f"Zoë Müller-Brunner {number[-4:]}", "given_name": "Zoë", "surname": "Müller-Brunner"}


def differences(claims: dict[str, Any], typed: dict[str, str], policy: str) -> list[str]:
    """What of ``typed`` the token does not carry as typed. A claim the token has not at all is the tenant's set-up (the
    README asks for all three), said as the token contract's finding with where B2C emits it, not as a lost edit."""
    if absent := [TOKEN_CLAIMS[field] for field in typed if TOKEN_CLAIMS[field] not in claims]:
        claim = absent[0]
        raise token_contract(f"ID token has no {claim} claim, which this journey reads back (the user typed it on the profile "
                             f"page); it is emitted by {where_emitted(claim, policy)}", claim, "present", "missing")
    return [f"{TOKEN_CLAIMS[field]} is {claims.get(TOKEN_CLAIMS[field])!r}, the user typed {value!r}"
            for field, value in typed.items() if claims.get(TOKEN_CLAIMS[field]) != value]


def test_profile_changes_reach_the_token_and_the_next_sign_in(
    journey: Journey, another_browser: Callable[..., Journey], mobile_id: MobileID, policy: str, settings: Settings,
) -> None:
    # Given a new user on B2C's profile page, prefilled from Mobile ID
    number = mobile_id.new_number()
    request = journey.start_at_mobile_id(policy, number)
    profile = journey.reach_profile_page()

    # When the user changes the display name, given name and surname, those of them the page asks for (a user flow without
    # the User attributes Given Name and Surname shows no field for them), and continues
    journey.require_display_name_asked(policy)
    typed = {field: value for field, value in changed_profile(number).items() if profile.asks_for(FIELD_IDS[field])}
    profile.fill(**typed)
    profile.continue_()

    # Then the app's token carries what the user typed, not the prefill (a claim the contract needs and B2C left out is the
    # contract's finding, as in every journey: one cause in the report)
    claims = journey.token(request)
    require_contract(claims, policy, settings.token_contract, sign_up=True)
    wrong = differences(claims, typed, policy)
    assert not wrong, "the profile page's edits did not reach the token: " + "; ".join(wrong)

    # And the next sign-in, in another browser, finds the same profile in the directory
    later = another_browser().sign_in(policy, number)
    require_contract(later, policy, settings.token_contract)
    assert subject(later) == subject(claims), f"the next sign-in is another user: sub {later['sub']!r}, expected {claims['sub']!r}"
    wrong = differences(later, typed, policy)
    assert not wrong, "the profile page's edits were not kept for the next sign-in: " + "; ".join(wrong)


def test_an_emptied_required_field_is_refused_on_the_page(journey: Journey, mobile_id: MobileID, policy: str, settings: Settings) -> None:
    if optional := texts.display_name_optional(policy):  # B2C then takes an empty one, as the starter pack's profile page does
        pytest.skip(optional)
    # Given a new user on B2C's profile page (in English)
    number = mobile_id.new_number()
    request = journey.start_at_mobile_id(policy, number, ui_locales="en")
    profile = journey.reach_profile_page()

    # When the user empties the display name (required) and continues
    profile.fill(display_name="")
    profile.continue_()

    # Then B2C stays on the page and says the field is required: its error on the field (which Ocean Blue, B2C's default
    # template, keeps hidden) and, where people read it whatever the template, above the form
    journey.wait_for_profile_answer()  # then the checks below say what the page shows
    journey.require_empty_display_name_refused(policy)
    expected = texts.ux("required_field")
    shown = profile.field_error("displayName")
    assert shown == expected, f"the display name's inline error reads {shown!r}, expected B2C's {expected!r} (string required_field)"
    expected = texts.ux("error_requiredFieldMissing")
    shown = profile.required_field_missing_text()
    assert shown == expected, f"the page-level error reads {shown!r}, expected B2C's {expected!r} (string error_requiredFieldMissing)"

    # When the user fills it in again
    profile.fill(display_name="Anna Meier")
    profile.continue_()

    # Then the sign-up completes with that name (a token without name at all: the tenant's set-up, said as in the journey above)
    claims = journey.token(request)
    require_contract(claims, policy, settings.token_contract, sign_up=True)
    wrong = differences(claims, {"display_name": "Anna Meier"}, policy)
    assert not wrong, "the name the user typed again did not reach the token: " + "; ".join(wrong)
