"""A custom policy's pages speak the languages its <Localization> offers (language-customization article), not a
tenant-wide switch: Microsoft's starter pack offers English only, so ui_locales=de still gets English."""

from __future__ import annotations

import re

import pytest

from mocks.b2c.policy import PolicyError

from .support import Page, authorize_url
from .test_policy_journey import POLICY, pack

OFFER_GERMAN = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>",
                '<BuildingBlocks><Localization Enabled="true"><SupportedLanguages DefaultLanguage="en" MergeBehavior="{merge}">'
                "<SupportedLanguage>de</SupportedLanguage></SupportedLanguages></Localization>")


def sign_in_page(start, policies, ui_locales: str) -> tuple[str | None, str]:
    """The sign-in page's <html lang> (None: none) and its button text for ``ui_locales``."""
    h = start(policies=policies)
    page = h.browser().go(authorize_url(POLICY, ui_locales=ui_locales))
    assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup", page
    lang = re.search(r'<html lang="([^"]+)"', page.html)
    return (lang.group(1) if lang else None), page.html


def test_the_starter_packs_english_only_localization_keeps_pages_english(start, tmp_path) -> None:
    lang, html = sign_in_page(start, pack(tmp_path), "de")
    assert lang == "en" and "Anmelden" not in html


def test_a_language_the_policy_appends_is_spoken(start, tmp_path) -> None:
    edit = (OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Append"))
    [policy] = pack(tmp_path, edits=[edit])
    assert policy.languages is not None and policy.languages.supported == ("en", "de")
    lang, _ = sign_in_page(start, [policy], "de-CH")
    assert lang == "de"
    assert sign_in_page(start, [policy], "fr")[0] == "en"  # not offered: the policy's default


def test_merge_behavior_and_a_localization_turned_off(tmp_path) -> None:
    replace_all = (OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="ReplaceAll"))
    [replaced] = pack(tmp_path / "replace", edits=[replace_all])
    assert replaced.languages is not None and replaced.languages.supported == ("en", "de")  # the default stays offered
    prepend = (OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Prepend"))
    [prepended] = pack(tmp_path / "prepend", edits=[prepend])
    assert prepended.languages is not None and prepended.languages.supported == ("en", "de")
    off = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", '<BuildingBlocks><Localization Enabled="false" />')
    [quiet] = pack(tmp_path / "off", edits=[off])
    assert quiet.languages is not None and not quiet.languages.enabled
    with pytest.raises(PolicyError, match="MergeBehavior: 'Merge' is not one of Append, Prepend, ReplaceAll"):
        pack(tmp_path / "bad", edits=[(OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Merge"))])


def test_a_policy_with_localization_off_has_no_lang_and_ignores_ui_locales(start, tmp_path) -> None:
    off = ("TrustFrameworkLocalization.xml", '<Localization Enabled="true">', '<Localization Enabled="false">')
    lang, html = sign_in_page(start, pack(tmp_path, edits=[off]), "de")
    assert lang is None and "Anmelden" not in html
