"""Languages: ui_locales sets the language of B2C's and Mobile ID's pages."""

from __future__ import annotations

import pytest

from fixtures import texts
from fixtures.causes import TENANT_CONFIGURATION, Cause, JourneyFailure
from fixtures.journey import Journey
from fixtures.mobile_id import MobileID
from fixtures.settings import Settings, is_custom_policy
from mocks.common.languages import primary_language

SOCIAL_INTRO_EN = "Sign in with your social account"  # B2C's default social_intro string


def english_social_intro(policy: str) -> str:
    """What ``policy``'s English sign-in page says above the provider buttons: the policy's own text for B2C's string
    ``social_intro`` where its sign-in page's English resources give one (B2C shows a UxElement LocalizedString in place of
    its default: localization-string-ids), else B2C's documented default."""
    return texts.own_text(policy, texts.SIGN_IN_SCREEN, "social_intro", "en") or SOCIAL_INTRO_EN


def in_language(lang: str | None, language: str) -> bool:
    """Whether a B2C page's ``<html lang>`` is ``language``: B2C's form of the tag (``de`` or ``de-DE``; its Classic template
    writes ``en-US``) is not documented, its language is."""
    return primary_language(lang or "") == language


def require_in_language(page: str, lang: str | None, language: str, policy: str) -> None:
    """``page``'s ``<html lang>`` (``lang``) is ``language``, which the app asked for. Against a tenant whose files the suite
    was not given, the languages asked for are those the seed's Localization offers: a page in another is said as the
    tenant's configuration, with how to give the suite the team's files, not as B2C ignoring ui_locales."""
    said = f"{page} html lang is {lang!r} for ui_locales={language}"
    if not in_language(lang, language) and (stood_in := texts.seed_files_stood_in(policy)) is not None:
        raise JourneyFailure(f"{said} ({language}: a language {policy}'s Localization offers); {stood_in}",
                             cause=Cause(TENANT_CONFIGURATION, f"{policy}'s {page} is not in {language}, which the seed's Localization offers"))
    assert in_language(lang, language), said


@pytest.fixture
def languages(settings: Settings, policy: str) -> tuple[str, ...]:
    """The journeys' languages whose pages B2C shows for ``policy``: a custom policy's Localization may offer fewer (a team's
    en and de): those it offers are held to following ui_locales, as B2C follows it for them; with fewer than two, nothing
    would show a page following it."""
    if not is_custom_policy(policy):
        if not settings.language_customization:
            pytest.skip(texts.NO_LANGUAGE_CUSTOMIZATION)
        return texts.LANGUAGES
    offered = texts.custom_policy_languages(policy)
    shown = tuple(language for language in texts.LANGUAGES if offered.enabled and language in offered.supported)
    if len(shown) < 2:
        pytest.skip(f"{policy}'s <Localization> offers {', '.join(offered.supported) if offered.enabled else 'no language choice'}: "
                    f"of {', '.join(texts.LANGUAGES)}, B2C shows its pages in {offered.default} alone, whatever ui_locales asks")
    return shown


def test_each_language_reaches_b2c_and_mobile_id_pages(journey: Journey, policy: str, settings: Settings, languages: tuple[str, ...]) -> None:
    # Mobile ID's own pages are read only where they are our emulator's: the real service's markup (its <html lang>,
    # its heading) is not public (docs/contracts.md). Against it, B2C passing ui_locales on is what is checked.
    mobile_id_pages = settings.mobileid_mode == "emulator"
    seen: dict[str, dict[str, str | None]] = {"B2C's sign-in page, its social intro": {}}
    for language in languages:
        # Given an app that asks for this language (one the policy offers)
        # When the user opens the sign-in and picks Mobile ID
        journey.open(policy, ui_locales=language)
        journey.unified.wait_until_shown()

        # Then B2C's page is in that language
        require_in_language("B2C page", journey.unified.language(), language, policy)
        seen["B2C's sign-in page, its social intro"][language] = journey.unified.social_intro_text()
        journey.unified.choose_mobile_id()

        # And B2C passes the language on to Mobile ID (its request's ui_locales), whose page is in it
        journey.reach_mobile_id()
        journey.federation.check_language_passed_on()
        if mobile_id_pages:
            assert journey.mobile.language() == language, \
                f"Mobile ID page html lang is {journey.mobile.language()!r} for ui_locales={language}"
            for part, text in journey.mobile.number_page_texts().items():  # each part, not the heading alone
                seen.setdefault(f"Mobile ID's number page, its {part}", {})[language] = text

    expected_intro = english_social_intro(policy)
    intro = seen["B2C's sign-in page, its social intro"].get("en", expected_intro)  # a policy may offer no English
    assert intro == expected_intro, f"English B2C page says {intro!r}, expected {expected_intro!r}"
    for site, shown in seen.items():
        # Found in no language: the page object's selector, not the translation (docs/contracts.md names what it reads)
        assert not shown or any(text is not None for text in shown.values()), f"{site}: not found on the page in any language"
        assert not shown or len(set(shown.values())) == len(languages), f"{site} is not translated, the same in two languages: {shown}"


def test_profile_page_follows_the_language(journey: Journey, mobile_id: MobileID, policy: str, languages: tuple[str, ...]) -> None:
    # Given a new user who signs in in French (or, where the policy offers none, its other language than English)
    language = "fr" if "fr" in languages else next(other for other in languages if other != "en")
    number = mobile_id.new_number()
    journey.start_at_mobile_id(policy, number, ui_locales=language)

    # Then B2C's profile page is in that language too
    journey.reach_profile_page()
    require_in_language("profile page", journey.profile.language(), language, policy)
