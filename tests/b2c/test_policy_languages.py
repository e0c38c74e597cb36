"""A custom policy's pages speak the languages its <Localization> offers (language-customization article), not a
tenant-wide switch: Microsoft's starter pack offers English only, so ui_locales=de still gets English."""

from __future__ import annotations

import re

import pytest

from mocks.b2c.policy import PolicyError

from .support import POLICY, STARTER_PACKS, Page, authorize_url, pack

OFFER_GERMAN = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>",
                '<BuildingBlocks><Localization Enabled="true"><SupportedLanguages DefaultLanguage="en" MergeBehavior="{merge}">'
                "<SupportedLanguage>de</SupportedLanguage></SupportedLanguages></Localization>")


def sign_in_page(start, policies, ui_locales: str | None, accept_language: str | None = None) -> tuple[str | None, str]:
    """The sign-in page's <html lang> (None: none) and its button text for ``ui_locales`` and the browser's languages."""
    h = start(policies=policies)
    url = authorize_url(POLICY, ui_locales=ui_locales) if ui_locales else authorize_url(POLICY)
    page = h.browser().go(url, headers={"Accept-Language": accept_language} if accept_language else None)
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


def test_without_ui_locales_the_browsers_language_is_spoken(start, tmp_path) -> None:
    """ui_locales first, else the browser's languages in their order, else the policy's default (reference b2c.md 5)."""
    [policy] = pack(tmp_path, edits=[(OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Append"))])
    assert sign_in_page(start, [policy], None, "de-CH,de;q=0.9,en;q=0.8")[0] == "de"
    assert sign_in_page(start, [policy], None, "fr-CH, en;q=0.5, de;q=0.7")[0] == "de"  # fr not offered; de wanted before en
    assert sign_in_page(start, [policy], "en", "de-CH")[0] == "en"  # the app's ui_locales wins
    assert sign_in_page(start, pack(tmp_path / "starter"), None, "de-CH")[0] == "en"  # the starter pack offers English only


@pytest.mark.parametrize(("merge", "offered"), [("Append", ("de", "en", "fr")), ("Prepend", ("de", "fr", "en")), ("ReplaceAll", ("de", "fr"))])
def test_merge_behavior_adds_to_or_replaces_the_bases_languages(tmp_path, merge: str, offered: tuple[str, ...]) -> None:
    """The starter's Localization offers en; an extension offering fr, with German as its default, merges as it says."""
    edit = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>",
            f'<BuildingBlocks><Localization Enabled="true"><SupportedLanguages DefaultLanguage="de" MergeBehavior="{merge}">'
            "<SupportedLanguage>fr</SupportedLanguage></SupportedLanguages></Localization>")
    [policy] = pack(tmp_path, edits=[edit])
    assert policy.languages is not None and policy.languages.supported == offered and policy.languages.default == "de"


def test_a_merge_behavior_left_unset_appends_to_the_bases_languages(tmp_path) -> None:
    """Append when unset (README, unconfirmed): the base's en stays, after it the extension's fr."""
    edit = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>",
            '<BuildingBlocks><Localization Enabled="true"><SupportedLanguages DefaultLanguage="de">'
            "<SupportedLanguage>fr</SupportedLanguage></SupportedLanguages></Localization>")
    [policy] = pack(tmp_path, edits=[edit])
    assert policy.languages is not None and policy.languages.supported == ("de", "en", "fr")


def test_a_localization_turned_off_and_a_bad_merge_behavior(tmp_path) -> None:
    off = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", '<BuildingBlocks><Localization Enabled="false" />')
    [quiet] = pack(tmp_path / "off", edits=[off])
    assert quiet.languages is not None and not quiet.languages.enabled
    with pytest.raises(PolicyError, match="MergeBehavior: 'Merge' is not one of Append, Prepend, ReplaceAll"):
        pack(tmp_path / "bad", edits=[(OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Merge"))])


def test_a_policy_with_localization_off_has_no_lang_and_ignores_ui_locales(start, tmp_path) -> None:
    off = ("TrustFrameworkLocalization.xml", '<Localization Enabled="true">', '<Localization Enabled="false">')
    lang, html = sign_in_page(start, pack(tmp_path, edits=[off]), "de")
    assert lang is None and "Anmelden" not in html


def test_the_error_page_of_a_policy_is_in_its_default_language_whatever_ui_locales_asked(start, tmp_path) -> None:
    """B2C does not pass ui_locales to the exception page (b2c.md 1.5): a policy that offers German and shows its sign-in
    page in German for ui_locales=de shows its error page in its default, English, with the policy's <html lang>."""
    edit = (OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Append"))
    h = start(policies=pack(tmp_path, edits=[edit]), language_customization=False)
    browser = h.browser()
    page = browser.go(authorize_url(POLICY, ui_locales="de"))
    assert isinstance(page, Page) and '<html lang="de"' in page.html
    error = browser.choose(page, "NoSuchExchange")
    assert isinstance(error, Page) and error.error_detail().startswith("AADB2C90046") and '<html lang="en"' in error.html


GERMAN_BY_DEFAULT = (OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Append").replace('DefaultLanguage="en"', 'DefaultLanguage="de"'))


def test_the_error_page_of_a_policy_speaks_the_browsers_language_where_the_policy_offers_it(start, tmp_path) -> None:
    """Without ui_locales (which B2C does not pass to the exception page) a page speaks the browser's language where the
    policy offers it, else the policy's default (b2c.md 5): a Swiss team's policy with German by default shows an English
    browser its error page in English, as its sign-in page for a ui_locales it does not offer (the error page was German,
    and the suite's texts journey, expecting B2C's documented English heading, failed)."""
    browser = start(policies=pack(tmp_path, edits=[GERMAN_BY_DEFAULT])).browser()
    english = {"Accept-Language": "en-US,en;q=0.9"}
    # An error before the journey (an unknown redirect URI) and one within it (an exchange the page does not offer)
    error = browser.go(authorize_url(POLICY, redirect_uri="https://app.example.invalid/unknown"), headers=english)
    assert isinstance(error, Page) and error.api == "GlobalException" and '<html lang="en"' in error.html, error
    page = browser.go(authorize_url(POLICY, ui_locales="fr"), headers=english)
    assert isinstance(page, Page) and '<html lang="en"' in page.html
    error = browser.choose(page, "NoSuchExchange")
    assert isinstance(error, Page) and error.error_detail().startswith("AADB2C90046") and '<html lang="en"' in error.html
    # A browser whose language the policy does not offer: the policy's default
    error = browser.go(authorize_url(POLICY, redirect_uri="https://app.example.invalid/unknown"), headers={"Accept-Language": "ja"})
    assert isinstance(error, Page) and '<html lang="de"' in error.html


def test_the_error_page_of_a_policy_with_localization_off_has_no_lang_as_its_other_pages(start, tmp_path) -> None:
    """Reference b2c.md, Addendum: without language customization B2C's pages (the Ocean Blue template) have no <html lang>;
    a policy's error page is one of its pages (pages.error, as mocks/b2c/web.py _error_page gives it the policy's)."""
    off = ("TrustFrameworkLocalization.xml", '<Localization Enabled="true">', '<Localization Enabled="false">')
    browser = start(policies=pack(tmp_path, edits=[off])).browser()
    page = browser.go(authorize_url(POLICY, ui_locales="de"))
    assert isinstance(page, Page) and "<html>" in page.html
    error = browser.choose(page, "NoSuchExchange")
    assert isinstance(error, Page) and error.error_detail().startswith("AADB2C90046")
    assert "<html>" in error.html and "lang=" not in error.html.split("<head>")[0]

def profile_labels(start, policies, ui_locales: str) -> dict[str, str]:
    """The labels of the first-time user's profile page (the starter's SelfAsserted-Social) in ``ui_locales``."""
    from .test_policy_journey import sign_up

    _, page = sign_up(start(policies=policies), ui_locales=ui_locales)
    assert isinstance(page, Page) and page.api == "SelfAsserted", getattr(page, "html", page)
    return {f["ID"]: f["DN"] for f in page.settings["SA_FIELDS"]["AttributeFields"]}


def in_social_sign_up(line: str, new: str) -> tuple[str, str, str]:
    """An edit: ``line`` of the social sign-up page's English LocalizedResources (api.socialccountsignup.en) made ``new``."""
    text = (STARTER_PACKS / "SocialAndLocalAccounts" / "TrustFrameworkLocalization.xml").read_text(encoding="utf-8-sig")
    start = text.index('<LocalizedResources Id="api.socialccountsignup.en">')
    block = text[start:text.index(line, start) + len(line)]  # unique: an earlier such line is another page's
    return "TrustFrameworkLocalization.xml", block, block.replace(line, new)


def renamed_in_english(label: str) -> tuple[str, str, str]:
    """An edit: the social sign-up page's English LocalizedResources (api.socialccountsignup.en) label displayName ``label``."""
    line = '<LocalizedString ElementType="ClaimType" ElementId="displayName" StringId="DisplayName">Display Name</LocalizedString>'
    return in_social_sign_up(line, line.replace(">Display Name<", f">{label}<"))


def test_the_profile_page_labels_fields_as_the_policy_localizes_them(start, tmp_path) -> None:
    """The page's content definition (api.socialccountsignup) names the LocalizedResources of each language: their
    ClaimType DisplayName labels the field; without one, the ClaimsSchema's DisplayName, in every language."""
    [renamed] = pack(tmp_path / "renamed", edits=[renamed_in_english("Your name")])
    assert profile_labels(start, [renamed], "en") == {"displayName": "Your name", "givenName": "Given Name", "surname": "Surname"}
    german = (OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Append"))
    [offers_german] = pack(tmp_path / "german", edits=[german])
    # B2C translates its own strings, not a policy's claim types: no German LocalizedResources, the schema's names.
    assert profile_labels(start, [offers_german], "de") == {"displayName": "Display Name", "givenName": "Given Name", "surname": "Surname"}


def test_a_language_s_own_localized_resources_label_its_page(tmp_path) -> None:
    """References merge as MergeBehavior says (Prepend: the extension's first), and the first that has a label wins."""
    from mocks.b2c.custom_policy.files import PolicyFile, read_file
    from mocks.b2c.custom_policy.localization import claim_labels

    def file(name: str, blocks: str) -> PolicyFile:
        path = tmp_path / f"{name}.xml"
        path.write_text(f'<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicyId="B2C_1A_{name}" '
                        f'TenantId="contoso.onmicrosoft.com"><BuildingBlocks>{blocks}</BuildingBlocks></TrustFrameworkPolicy>')
        return read_file(path, "contoso.onmicrosoft.com")

    def resources(rid: str, label: str) -> str:
        return (f'<LocalizedResources Id="{rid}"><LocalizedStrings><LocalizedString ElementType="ClaimType" ElementId="displayName" '
                f'StringId="DisplayName">{label}</LocalizedString></LocalizedStrings></LocalizedResources>')

    def references(merge: str, *refs: tuple[str, str]) -> str:
        listed = "".join(f'<LocalizedResourcesReference Language="{lang}" LocalizedResourcesReferenceId="{rid}" />' for lang, rid in refs)
        return (f'<ContentDefinitions><ContentDefinition Id="api.socialccountsignup"><LocalizedResourcesReferences MergeBehavior="{merge}">'
                f'{listed}</LocalizedResourcesReferences></ContentDefinition></ContentDefinitions>')

    base = file("Base", references("Append", ("en", "base.en")) + f'<Localization Enabled="true">{resources("base.en", "Name")}</Localization>')
    german = file("Ext", references("Prepend", ("de", "ext.de"), ("en", "ext.en"))
                  + f'<Localization Enabled="true">{resources("ext.de", "Anzeigename")}{resources("ext.en", "Your name")}</Localization>')
    assert claim_labels([base, german])["api.socialccountsignup"] == {"en": {"displayName": "Your name"}, "de": {"displayName": "Anzeigename"}}
    appended = file("Ext", references("Append", ("en", "ext.en")) + f'<Localization Enabled="true">{resources("ext.en", "Your name")}</Localization>')
    assert claim_labels([base, appended])["api.socialccountsignup"]["en"] == {"displayName": "Name"}
    misspelt = file("Ext", references("Apend", ("en", "ext.en")) + f'<Localization Enabled="true">{resources("ext.en", "Your name")}</Localization>')
    with pytest.raises(PolicyError, match=r"ContentDefinition api\.socialccountsignup.*LocalizedResourcesReferences/@MergeBehavior: 'Apend' is not one of"):
        claim_labels([base, misspelt])  # B2C refuses to upload it, as the suite's reader says (fixtures/texts.py)


def test_a_policys_own_texts_for_its_pages_elements_are_shown_in_place_of_b2cs(start, tmp_path) -> None:
    """The UxElement LocalizedStrings of the resources a page's content definition names are that page's texts (the sign-in
    page's by its CombinedSignInAndSignUp step's ContentDefinitionReferenceId, the profile page's by its technical
    profile's), by B2C's ids of page layout 2.x: createaccount_one_link names the single sign-up link, error_requiredFieldMissing
    the profile page's page-level error. Strings the policy leaves alone stay B2C's; an id of a layout before 2.0
    (createaccount_link), a text with a placeholder the emulator does not fill in (local_intro_generic's {0}) and an id
    that is no page string of B2C's (title_unified, the emulator's own) change nothing."""
    from .test_policy_journey import sign_up

    ux = '<LocalizedString ElementType="UxElement" StringId="{}">{}</LocalizedString>'
    more = ux.format("createaccount_link", "Register (before 2.0)") + ux.format("title_unified", "Policy title") + \
        ux.format("requiredField_password", "Password, please (before 2.0)") + ux.format("local_intro_generic", "Sign in with your {0}") + \
        ux.format("createaccount_two_links", "Sign up with {0} or {1}")
    edits = [("TrustFrameworkLocalization.xml", ux.format("button_signin", "Sign in"), ux.format("button_signin", "Log in") + more),
             ("TrustFrameworkLocalization.xml", ux.format("createaccount_one_link", "Sign up now"), ux.format("createaccount_one_link", "Join")),
             in_social_sign_up(ux.format("button_continue", "Create"), ux.format("button_continue", "Save and go on")
                               + ux.format("error_requiredFieldMissing", "Please fill in every field."))]
    policies = pack(tmp_path, edits=edits)
    h = start(policies=policies)
    unified = h.browser().go(authorize_url(POLICY))
    assert isinstance(unified, Page) and unified.api == "CombinedSigninAndSignup", unified
    content = unified.settings["_content"]
    assert (content["button_signin"], content["createaccount_link"]) == ("Log in", "Join")
    assert content["forgotpassword_link"] == "Forgot your password?"
    # The texts the placeholders' strings would stand for stay B2C's: the emulator fills no {0} in.
    assert (content["local_intro_email"], content["social_intro"]) == ("Sign in with your email address", "Sign in with your social account")
    assert content["title_unified"] == "Sign up or sign in" and content["requiredField_password"] == "Please enter your password"
    _, page = sign_up(start(policies=policies), ui_locales="en")
    assert isinstance(page, Page) and page.api == "SelfAsserted", getattr(page, "html", page)
    content = page.settings["_content"]
    assert (content["button_continue"], content["button_cancel"]) == ("Save and go on", "Cancel")
    assert content["required_field_missing"] == "Please fill in every field."


def test_every_policy_string_the_pages_take_is_one_they_show_in_every_language() -> None:
    from mocks.b2c.pages import PROFILE_PAGE_STRINGS, SIGN_IN_PAGE_STRINGS
    from mocks.b2c.strings import STRINGS

    shown = {*SIGN_IN_PAGE_STRINGS.values(), *PROFILE_PAGE_STRINGS.values()}
    assert {language: sorted(shown - set(texts)) for language, texts in STRINGS.items()} == {language: [] for language in STRINGS}


def test_a_policys_claims_provider_strings_name_its_sign_in_buttons(start, tmp_path) -> None:
    """An identity provider's button reads the LocalizedString of ElementType ClaimsProvider whose StringId is its ClaimsExchange
    Id, from the resources of the sign-in page's content definition (reference b2c.md 1.3: "Text is localized with
    ElementType="ClaimsProvider" StringId="<ClaimsExchange Id>""), else its technical profile's DisplayName."""
    provider = '<LocalizedString ElementType="ClaimsProvider" StringId="{}">{}</LocalizedString>'
    edits = [("TrustFrameworkLocalization.xml", provider.format("FacebookExchange", "Facebook"),
              provider.format("FacebookExchange", "Facebook") + provider.format("MobileIDExchange", "Swisscom Mobile ID"))]
    h = start(policies=pack(tmp_path, edits=edits))
    unified = h.browser().go(authorize_url(POLICY))
    assert isinstance(unified, Page) and unified.api == "CombinedSigninAndSignup", unified
    names = {p["id"]: p["name"] for p in unified.settings["claimsProviders"]}
    assert names == {"FacebookExchange": "Facebook", "MobileIDExchange": "Swisscom Mobile ID"}
    # In the page's language: a policy that offers German too, and localizes the button in English only, shows its
    # DisplayName on a German page.
    german = (OFFER_GERMAN[0], OFFER_GERMAN[1], OFFER_GERMAN[2].format(merge="Append"))
    both = start(policies=pack(tmp_path / "german", edits=[*edits, german]))
    for locale, expected in (("de", "Mobile-ID"), ("en", "Swisscom Mobile ID")):
        page = both.browser().go(authorize_url(POLICY, ui_locales=locale))
        assert isinstance(page, Page) and re.search(rf'<html lang="{locale}"', page.html), page
        assert {p["id"]: p["name"] for p in page.settings["claimsProviders"]}["MobileIDExchange"] == expected, locale
    # Without one, the technical profile's DisplayName, as before.
    plain = start(policies=pack(tmp_path / "plain")).browser().go(authorize_url(POLICY))
    assert {p["id"]: p["name"] for p in plain.settings["claimsProviders"]}["MobileIDExchange"] == "Mobile-ID"
