"""Sign-up on a phone-sized, touch browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fixtures.causes import JourneyFailure
from fixtures.journey import Journey
from fixtures.mobile_id import MobileID
from fixtures.settings import Settings
from fixtures.tokens import require_contract, require_named_after

DEVICE = "Pixel 7"


@pytest.mark.only_browser("chromium")
def test_sign_up_on_a_phone(another_browser: Callable[..., Journey], mobile_id: MobileID, policy: str, settings: Settings,
                            browser_context_args: dict[str, Any]) -> None:
    if browser_context_args.get("has_touch") is False:  # the run's --device wins over the journey's phone
        pytest.skip("the run's --device has no touch screen, and this journey is a phone's: run it without --device, or with a "
                    "phone's (e.g. --device 'Pixel 7')")
    # Given a phone browser (Chromium emulating a Pixel 7: small viewport, touch, mobile user agent)
    journey = another_browser(DEVICE)
    number = mobile_id.new_number()

    # When the user signs up with Mobile ID
    request = journey.open(policy)
    journey.unified.wait_until_shown()

    # Then the Mobile ID button fits the screen and can be tapped
    box = journey.unified.mobile_id_button.bounding_box()
    viewport = journey.page.viewport_size
    assert viewport, f"the {DEVICE} context has no viewport"
    width = viewport["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"Mobile ID button {box} overflows the {width}px screen"
    journey.unified.mobile_id_button.tap()

    # And Mobile ID's number field brings up the phone keypad (type=tel: the number page is shown by that field)
    try:
        journey.mobile.wait_until_shown()
    except JourneyFailure as failure:
        if journey.mobile.has_number_form():  # its page, but a field a phone types letters into
            raise failure.reworded(f"Mobile ID's page has no type=tel number field: a phone shows letters, not the keypad ({failure})") from None
        raise
    keypad = journey.mobile.number_keypad()
    assert keypad in ("tel", "numeric"), f"Mobile ID's number field asks a phone for its {keypad!r} keyboard (inputmode), not the keypad"
    # And a tap on its button sends the number, as a phone user does (a phone's keypad has no Enter to lean on)
    journey.approve_at_mobile_id(number, tap=True)
    journey.reach_profile_page()
    journey.profile.continue_()
    claims = journey.token(request)
    require_contract(claims, policy, settings.token_contract, sign_up=True)
    require_named_after(claims, number, policy, settings.token_contract)
