"""What a person reads on every screen, in each language, is what the policy and B2C's strings promise.

The expected texts are the suite's own (fixtures/texts.py: B2C's documented string ids,
the policy XML, the user flow's identity provider name, Mobile ID's documented phone
message), never the emulators' strings, so a page whose words change while its ids stay
fails here, naming the screen, the text and where the expectation comes from.
"""

from __future__ import annotations

import uuid

import allure
import pytest

from fixtures import texts
from fixtures.causes import TENANT_CONFIGURATION, Cause, JourneyFailure, b2c_quote
from fixtures.journey import Journey
from fixtures.mobile_id import MAX_CONTROL_WAIT, MobileID
from fixtures.settings import Settings, is_custom_policy
from mocks.common.languages import primary_language
from pages.b2c_unified import B2CSignUpOrSignInPage

LINKS = frozenset({"forgotpassword_link", "createaccount_one_link"})  # the local account form's links a policy may hide
# The local account form's texts every default template shows. Not its divider ("OR"): Ocean Blue, B2C's default template,
# hides every one (unified.html: ``.unified_container .row .panel-default #api .divider{display:none}``), Classic the form's own
# (``.localAccount .divider{display:none}``), so a person on a tenant reads none or only the one above the form.
SHOWN_WITH_EVERY_LOCAL_ACCOUNT_FORM = frozenset({"button_signin"})


def reads(shown: str | None) -> str:
    return "is not shown" if shown is None else f"reads {shown!r}"


class Differences:
    """Every text that differs on a screen, so one run names them all."""

    def __init__(self, language: str, policy: str) -> None:
        self.language, self.policy = language, policy
        self.found: list[str] = []

    def expect(self, screen: str, what: str, shown: str | None, string_id: str) -> None:
        """B2C's string ``string_id`` on ``screen`` (texts.SIGN_IN_SCREEN or PROFILE_SCREEN), or the policy's own text for it."""
        if (own := texts.own_text(self.policy, screen, string_id, self.language)) is not None:
            self.expect_equal(screen, what, shown, own, f"B2C string {string_id}: the policy's own resources")
        elif self.language == "en":
            if shown is None or not texts.matches(string_id, shown):
                self.found.append(f"{screen}: {what} {reads(shown)}, expected {texts.ux(string_id)!r} (B2C string {string_id}, en)")
        else:
            self.expect_translated(screen, what, shown, string_id, english=shown is not None and texts.matches(string_id, shown))

    def expect_translated(self, screen: str, what: str, shown: str | None, string_id: str, *, english: bool) -> None:
        """B2C publishes its strings in English only: in another language, the text is shown and is not that English."""
        if shown is None or not shown.strip():
            self.found.append(f"{screen}: {what} {reads(shown)}, expected its {self.language} translation (B2C string {string_id})")
        elif english:
            self.found.append(f"{screen}: {what} reads {shown!r}, B2C's English, where its {self.language} translation "
                              f"was expected (B2C string {string_id})")

    def expect_equal(self, screen: str, what: str, shown: str | None, expected: str, source: str) -> None:
        if shown != expected:
            self.found.append(f"{screen}: {what} {reads(shown)}, expected {expected!r} ({source})")

    def expect_sign_in_form(self, string_id: str, shown: str) -> None:
        """The local account form's ``string_id``: as ``texts.sign_in_form_text`` says, or in another language, translated."""
        what = f"the local account form's {B2CSignUpOrSignInPage.LOCAL_ACCOUNT_TEXTS[string_id][0]}"
        english = texts.SIGN_IN_FORM[string_id]
        expected = texts.sign_in_form_text(self.policy, string_id, self.language)
        if expected is not None:
            own = texts.own_text(self.policy, texts.SIGN_IN_SCREEN, string_id, self.language) is not None
            where = "the policy's own resources" if own else "B2C's documented default"
            self.expect_equal(texts.SIGN_IN_SCREEN, what, shown, expected, f"B2C string {string_id}: {where}")
        else:
            self.expect_translated(texts.SIGN_IN_SCREEN, what, shown, string_id, english=shown == english)

    def expect_where_shown(self, screen: str, what: str, shown: str | None, string_id: str) -> None:
        """B2C's string ``string_id`` where the page shows it; not shown is no difference: B2C's default templates hide some
        of its texts (the profile page's intro: Ocean Blue's ``.self_asserted_container ... .intro{display:none}``,
        Classic's ``.intro{display:none}``, azure-ad-b2c/html-templates' selfAsserted.html), a custom template may show them."""
        if shown is not None:
            self.expect(screen, what, shown, string_id)

    def expect_local_account_form(self, shown_texts: dict[str, str], links: set[str] | None) -> None:
        """The local account form's texts a person sees (``B2CSignUpOrSignInPage.local_account_texts``): each as
        ``expect_sign_in_form`` says; its button always (``SHOWN_WITH_EVERY_LOCAL_ACCOUNT_FORM``); its links as the custom
        policy's local sign-in profile says (``links``; None: a user flow's, unknown)."""
        for string_id, shown in shown_texts.items():
            self.expect_sign_in_form(string_id, shown)
        local_profile = f"{self.policy}'s local sign-in profile"
        for string_id in sorted((SHOWN_WITH_EVERY_LOCAL_ACCOUNT_FORM | (links or set())) - set(shown_texts)):
            why = f"{local_profile} does not hide it" if string_id in LINKS else "shown with every local account form"
            self.found.append(f"sign-in page: the local account form has no {B2CSignUpOrSignInPage.LOCAL_ACCOUNT_TEXTS[string_id][0]} "
                              f"({B2CSignUpOrSignInPage.LOCAL_ACCOUNT_TEXTS[string_id][1]}); expected: {why}")
        for string_id in sorted((LINKS & set(shown_texts)) - (LINKS if links is None else links)):
            self.found.append(f"sign-in page: the local account form shows its {B2CSignUpOrSignInPage.LOCAL_ACCOUNT_TEXTS[string_id][0]}, "
                              f"which {local_profile} hides (setting.showSignupLink false, setting.forgotPasswordLinkLocation None)")

    def check(self) -> None:
        """Every difference found, said at once. Against a tenant whose files the suite was not given, the policy's button,
        languages, local account form and own texts were the seed's: said as the tenant's configuration, with how to give
        the suite the team's files, not as B2C's pages breaking a promise of the team's."""
        said = f"texts in {self.language} differ from what the user is promised: " + "; ".join(self.found)
        if self.found and (stood_in := texts.seed_files_stood_in(self.policy)) is not None:
            raise JourneyFailure(f"{said}; {stood_in}",
                                 cause=Cause(TENANT_CONFIGURATION, f"{self.policy}'s texts differ from the seed's files, read in place of the tenant's"))
        assert not self.found, said


def read_in(lang: str | None, may_show: tuple[str, ...], asked: str) -> tuple[str, str | None]:
    """The language to read the sign-in page's texts in, whose ``<html lang>`` is ``lang``, among those B2C may show for
    ui_locales ``asked`` (``texts.page_languages``, where it may show one of two: the one the page says), and the page's
    language said as a difference where it is none of them (once, not as every text that follows from it)."""
    shown = primary_language(lang or "")
    if shown in may_show:
        return shown, None
    return may_show[0], (f"sign-in page: html lang is {lang!r}, expected {' or '.join(may_show)} for ui_locales={asked}" if shown else None)


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_every_screen_of_a_sign_up_says_what_the_user_is_promised(
    journey: Journey, mobile_id: MobileID, settings: Settings, policy: str, language: str,
) -> None:
    if language != "en" and not is_custom_policy(policy) and not settings.language_customization:
        pytest.skip(f"{language}: {texts.NO_LANGUAGE_CUSTOMIZATION}; English is checked")
    number = mobile_id.new_number()

    # Given an app that asks for this language, the user on B2C's sign-in page
    request = journey.open(policy, ui_locales=language)
    unified = journey.unified.wait_until_shown()
    # in the language B2C shows for it: where B2C may show one of two (a ui_locales the policy lacks), the one the page says
    page_language, wrong_language = read_in(unified.language(), texts.page_languages(policy, language, settings.browser_locale), language)
    seen = Differences(page_language, policy)
    seen.found += [wrong_language] if wrong_language else []

    # Then the Mobile ID button carries the name the policy (or the user flow's identity provider) gives it
    label = texts.mobile_id_button_label(policy, settings.user_flow_idp_name, seen.language)
    source = "the policy's ClaimsProvider string for the Mobile ID exchange, else its technical profile DisplayName" if is_custom_policy(policy) \
        else "the user flow's identity provider name, B2C_USER_FLOW_IDP_NAME"
    buttons = unified.provider_names()
    if label not in buttons:
        seen.found.append(f"sign-in page: the identity provider buttons read {buttons}, expected one reading {label!r} ({source})")
    seen.expect(texts.SIGN_IN_SCREEN, "the social intro", unified.social_intro_text(), "social_intro")
    # And its local account form, where the policy has one, reads B2C's texts (or the policy's own) in the page's language
    expected_form = texts.has_local_account_form(policy)  # a custom policy's says; a user flow's is checked where shown
    if expected_form is not None and unified.has_local_account_form() != expected_form:
        seen.found.append(f"sign-in page: the local account form is {'missing' if expected_form else 'shown'}; the policy's sign-in step "
                          f"{'offers' if expected_form else 'does not offer'} a local account")
    if unified.has_local_account_form():
        # Its button always, its divider where the template shows it; its links as a custom policy's local sign-in profile
        # says (a user flow's: unknown).
        seen.expect_local_account_form(unified.local_account_texts(), texts.sign_in_form_links(policy))
    seen.check()  # without the right button there is nothing to click

    # When the user picks Mobile ID, and the phone is asked to approve
    unified.choose_mobile_id()
    journey.enter_number(number)
    journey.federation.check_language_passed_on(seen.language)  # Mobile ID's pages and the phone speak the language B2C passes on
    shown_number = journey.mobile.transaction_number()
    assert mobile_id.control is not None  # new_number() skipped the test otherwise
    # And the waiting page is in B2C's page language too, which B2C passes on as ui_locales (the emulator's, as the control
    # API says: the real one's DOM is not public)
    if (waiting_lang := journey.mobile.language()) != seen.language:
        seen.found.append(f"Mobile ID's waiting page: html lang is {waiting_lang!r}, expected {seen.language!r} (B2C's ui_locales)")
    transaction = mobile_id.control.answer(number, "approve", wait=min(mobile_id.approval_timeout, MAX_CONTROL_WAIT))

    # Then the phone says, in the user's language, the transaction number the waiting page shows
    message = transaction.get("message") or ""
    if not texts.phone_message_pattern(seen.language, shown_number).fullmatch(message):
        seen.found.append(f"phone: the message reads {message!r}, expected Mobile ID's default "
                          f"{texts.PHONE_MESSAGE[seen.language]!r} with the waiting page's transaction number {shown_number!r}")
    journey.mobile.wait_for_approval(mobile_id.approval_timeout * 1000)

    # And B2C's profile page says what it asks for
    profile = journey.reach_profile_page()
    # Its intro where the template shows it: Ocean Blue and Classic hide it (Differences.expect_where_shown)
    seen.expect_where_shown(texts.PROFILE_SCREEN, "the intro", profile.intro_text(), "initial_intro")
    seen.expect(texts.PROFILE_SCREEN, "the continue button", profile.continue_label(), "button_continue")
    seen.expect(texts.PROFILE_SCREEN, "the cancel button", profile.cancel_label(), "button_cancel")
    if seen.language == "en":  # claim labels are translated only by the policy's own LocalizedResources
        for claim in (c for c in ("displayName", "givenName", "surname") if c == "displayName" or profile.asks_for(c)):
            expected = texts.field_label(policy, claim)
            where = "the policy's ClaimType DisplayName" if is_custom_policy(policy) else "the portal's user attribute name"
            seen.expect_equal("profile page", f"the {claim} label", profile.field_label(claim), expected, where)

    if texts.display_name_required(policy) and profile.has_display_name():  # the seed's; the starter pack's profile page: not
        # When the user empties the required display name and continues
        profile.fill(display_name="")
        profile.continue_()

        # Then B2C says so on the field (hidden by Ocean Blue, B2C's default template) and above the form, in the user's language
        journey.wait_for_profile_answer()  # then the checks below say what the page shows
        if not is_custom_policy(policy):  # a user flow's page layout that lets it be empty: the tenant's, with the portal step
            journey.require_empty_display_name_refused(policy)
        seen.expect(texts.PROFILE_SCREEN, "the display name's error", profile.field_error("displayName"), "required_field")
        seen.expect(texts.PROFILE_SCREEN, "the page-level error", profile.required_field_missing_text(), "error_requiredFieldMissing")
        if not profile.is_shown():
            seen.found.append(f"profile page: B2C accepted an empty display name (required); the browser shows {journey.where_am_i()}")
            seen.check()

    # When the user gives up
    profile.cancel()

    # Then the app learns why, in the user's language
    result = journey.redirect(request, expecting="AADB2C90091")
    code, _, rest = result.error_description.partition(":")
    text = rest.strip().splitlines()[0] if rest.strip() else ""
    if code != "AADB2C90091":
        seen.found.append(f"app: B2C sent {result.error!r} {b2c_quote(result.error_description)}, expected AADB2C90091 after cancel")
    else:
        seen.expect("app", "AADB2C90091's description", text, "AADB2C90091")
    seen.check()


def test_error_page_says_sign_in_failed(journey: Journey, settings: Settings, policy: str) -> None:
    # Given an app with a redirect URI B2C does not know
    journey.open(policy, redirect_uri=f"https://app.example.invalid/{uuid.uuid4().hex}")

    # Then B2C's error page tells the person that signing in failed: in B2C's documented words where its layout is known
    page = journey.error_page.wait_until_shown()
    if (expected := texts.error_page_heading(policy)) is None:
        # 1.2.2's H1 is on by default and may be turned off, its words and place undocumented: recorded, not compared
        heading = repr(page.heading_text()) if page.has_heading() else "no heading (h1 or h2) in #api"
        allure.attach(f"B2C's error page shows {heading}: its heading on this page layout is not documented, so not compared",
                      "error page heading", allure.attachment_type.TEXT)
    else:
        # a custom policy's (no other has a documented heading) in the language of a page without ui_locales, which B2C
        # does not pass to the exception page (b2c.md 1.5): the browser's where the policy offers it, else its default
        require_error_page_heading(policy, page.heading_text() if page.has_heading() else None, expected,
                                   texts.page_language(policy, settings.browser_locale))


def require_error_page_heading(policy: str, heading: str | None, expected: str, language: str = "en") -> None:
    """The error page's ``heading`` (None: no h1 or h2 in its #api) is B2C's documented one, as ``policy``'s files pin
    globalexception 1.2.1 or older, in English; in another ``language`` (the page's), there and not that English, as B2C
    publishes it in English only. Against a tenant whose files the suite was not given, that layout is the seed's: a
    heading that differs is said as the tenant's configuration (its files may pin a later one), with how to give the
    suite the team's files."""
    if language != "en":
        if heading == expected and (stood_in := texts.seed_files_stood_in(policy)) is not None:
            raise JourneyFailure(f"B2C's error page heading reads {heading!r}, B2C's English, where its {language} translation was "
                                 f"expected (the browser's language, which {policy} offers); {stood_in}",
                                 cause=Cause(TENANT_CONFIGURATION, f"{policy}'s error page language differs from the seed's files', read in place of the tenant's"))
        assert heading, (f"B2C's error page has no h1 or h2 in its #api, where globalexception 1.2.1 has its heading: expected its "
                         f"{language} translation of {expected!r} (pages/b2c_error.py B2CErrorPage.heading reads it)")
        assert heading != expected, (f"B2C's error page heading reads {heading!r}, B2C's English, where its {language} translation "
                                     f"was expected (the page's language: the browser's where {policy} offers it, else its default, "
                                     "as B2C does not pass ui_locales to the exception page)")
        return
    if heading != expected and (stood_in := texts.seed_files_stood_in(policy)) is not None:
        raise JourneyFailure(f"B2C's error page heading {reads(heading)}, expected {expected!r} (B2C's documented error page, "
                             f"globalexception 1.2.1, the layout {policy}'s api.error pins); {stood_in}",
                             cause=Cause(TENANT_CONFIGURATION, f"{policy}'s error page differs from the seed's files' layout, read in place of the tenant's"))
    assert heading is not None, ("B2C's error page has no h1 or h2 in its #api, where globalexception 1.2.1 has its heading "
                                 "(pages/b2c_error.py B2CErrorPage.heading reads it)")
    assert heading == expected, f"B2C's error page heading reads {heading!r}, expected {expected!r} (B2C's documented error page, globalexception 1.2.1)"
