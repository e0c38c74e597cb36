"""Accessibility: every page of the journey passes axe without serious or critical violations."""

from __future__ import annotations

from fixtures import texts
from fixtures.accessibility import Scan
from fixtures.journey import Journey
from fixtures.mobile_id import MobileID
from fixtures.settings import Settings

# Without language customization (a user flow: the tenant's; a custom policy: its <Localization>) B2C's Ocean Blue
# pages have no <html lang>: the tenant's or the policy's setting to change, not something the app can fix.
NO_LANG = {"html-has-lang": "B2C sets <html lang> only with language customization on (B2C_LANGUAGE_CUSTOMIZATION=off, "
                            "or the custom policy's <Localization Enabled=\"false\">)"}


def test_every_page_of_a_sign_up_is_accessible(journey: Journey, mobile_id: MobileID, accessibility: Scan, policy: str,
                                               settings: Settings) -> None:
    page = journey.page
    number = mobile_id.new_number()
    asked = mobile_id.asks_consent(number, needed=False)  # a first sign-in's consent page, scanned where the emulator can ask it
    failures: list[str] = []

    def scan(screen: str) -> None:
        # Scan every screen, then report all of them together.
        known = NO_LANG if screen.startswith("B2C") and not texts.localizes(policy, settings.language_customization) else None
        try:
            accessibility(page, screen, known)
        except AssertionError as error:
            failures.append(str(error))

    # Given the pages of a sign-up, in order
    request = journey.open(policy)
    journey.unified.wait_until_shown()
    scan("B2C sign-in page")
    journey.unified.choose_mobile_id()
    journey.reach_mobile_id()
    scan("Mobile ID number page")
    journey.mobile.sign_in_with(number)
    journey.mobile.transaction_number()
    scan("Mobile ID waiting page")
    mobile_id.approve(number, journey.mobile)
    if asked:  # the emulator was told to ask: its page is not skipped unseen
        journey.mobile.wait_for_consent(mobile_id.approval_timeout * 1000)
    else:
        journey.mobile.wait_for_approval(mobile_id.approval_timeout * 1000)
    if journey.mobile.consent_requested():
        scan("Mobile ID consent page")
        journey.mobile.accept_consent()
    journey.reach_profile_page()
    scan("B2C profile page")
    journey.profile.continue_()
    journey.token(request)

    journey.open(policy, redirect_uri="https://app.example.invalid/not-registered")
    journey.error_page.wait_until_shown()
    scan("B2C error page")

    # Then none has a serious or critical violation
    assert not failures, "\n".join(failures)
