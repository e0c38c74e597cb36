"""The journeys' expected texts come from the policy files, the settings and the documented strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixtures import texts
from fixtures.settings import build_settings
from mocks.b2c.policy import UserJourney
from tests.suite_run import tail


def sign_in_page(journey: UserJourney) -> str | None:
    """The content definition of the journey's sign-in page, as the emulator shows it: its CombinedSignInAndSignUp step's."""
    return next((step.content_definition for step in journey.steps if step.type == "CombinedSignInAndSignUp"), None)

def reread() -> None:
    """After a test's edit of the copy: read it again."""
    texts.read_policies_from(str(texts.POLICIES_DIR))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new))


def test_the_custom_policy_button_is_named_by_the_mobile_id_technical_profile(policies: Path) -> None:
    assert texts.mobile_id_button_label("B2C_1A_signup_signin", "Mobile ID") == "Mobile-ID"  # the seed's DisplayName
    edit(policies / "TrustFrameworkExtensions.xml", "<DisplayName>Mobile-ID</DisplayName>", "<DisplayName>Swiss Mobile ID</DisplayName>")
    reread()
    assert texts.mobile_id_button_label("B2C_1A_signup_signin", "Mobile ID") == "Swiss Mobile ID"


def test_a_mobile_id_provider_without_its_domain_is_the_policys_set_up_for_the_texts_journeys(policies: Path) -> None:
    """The texts journeys failed as an AssertionError, cause other: files without the domain that tells which claims
    provider is Mobile ID's are the tenant's configuration (direct sign-in fails alike), said with what to add."""
    from fixtures.causes import TENANT_CONFIGURATION, JourneyFailure

    edit(policies / "TrustFrameworkExtensions.xml", "<Domain>mobileid.ch</Domain>", "")
    reread()
    with pytest.raises(JourneyFailure, match=r"give the Mobile ID ClaimsProvider <Domain>mobileid\.ch</Domain>") as lacking:
        texts.mobile_id_button_label("B2C_1A_signup_signin", "Mobile ID")
    assert lacking.value.cause.name == TENANT_CONFIGURATION and "B2C_1A_signup_signin's files" in lacking.value.cause.detail


def test_a_teams_names_for_mobile_ids_profile_and_exchange_are_read_from_its_files(policies: Path) -> None:
    """A team's custom policy names Mobile ID's technical profile and claims exchange as it likes: the journey looks for the
    button B2C renders from its files (the exchange's Id), and the fixes a message names say its profile; a user flow's
    button is the setting's name with the seed's id, and a profile given (MOBILEID_TECHNICAL_PROFILE) wins."""
    assert texts.mobile_id_button_of("B2C_1A_signup_signin", "Mobile ID") == ("Mobile-ID", "MobileIDExchange")
    assert texts.mobile_id_profile("B2C_1A_signup_signin", None) == "MobileID-OAuth2"
    for file in policies.glob("*.xml"):
        file.write_text(file.read_text().replace("MobileID-OAuth2", "Contoso-MID").replace("MobileIDExchange", "ContosoMIDExchange"))
    reread()
    assert texts.mobile_id_button_of("B2C_1A_signup_signin", "Mobile ID") == ("Mobile-ID", "ContosoMIDExchange")
    assert texts.mobile_id_profile("B2C_1A_signup_signin", None) == "Contoso-MID"
    assert texts.mobile_id_profile("B2C_1A_signup_signin", "Given-Profile") == "Given-Profile"
    assert texts.mobile_id_button_of("B2C_1_signupsignin", "Swiss Mobile ID") == ("Swiss Mobile ID", "MobileIDExchange")


def test_the_custom_policy_button_reads_its_claims_provider_string_where_the_sign_in_page_localizes_it(policies: Path) -> None:
    """B2C localizes a button with ElementType="ClaimsProvider" StringId="<ClaimsExchange Id>" (reference b2c.md 1.3), from
    the resources of the sign-in page's content definition for the page's language; elsewhere its DisplayName."""
    facebook = '<LocalizedString ElementType="ClaimsProvider" StringId="FacebookExchange">Facebook</LocalizedString>'
    edit(policies / "TrustFrameworkLocalization.xml", facebook,
         facebook + '<LocalizedString ElementType="ClaimsProvider" StringId="MobileIDExchange">Swisscom Mobile ID</LocalizedString>')
    reread()
    assert texts.mobile_id_button_label("B2C_1A_signup_signin", "Mobile ID", "en") == "Swisscom Mobile ID"
    assert texts.mobile_id_button_label("B2C_1A_signup_signin", "Mobile ID", "de") == "Mobile-ID"  # no German resources


PROFILE_EDIT_WITH_MOBILE_ID = ('<UserJourney Id="ProfileEdit"><OrchestrationSteps>'
                               '<OrchestrationStep Order="1" Type="ClaimsProviderSelection" ContentDefinitionReferenceId="api.idpselections">'
                               '<ClaimsProviderSelections><ClaimsProviderSelection TargetClaimsExchangeId="ProfileEditMobileIDExchange" />'
                               '</ClaimsProviderSelections></OrchestrationStep><OrchestrationStep Order="2" Type="ClaimsExchange"><ClaimsExchanges>'
                               '<ClaimsExchange Id="ProfileEditMobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />'
                               '</ClaimsExchanges></OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>')


def test_the_button_is_the_exchange_of_the_relying_partys_journey_not_of_another_journey_of_the_files(policies: Path) -> None:
    """A team's ProfileEdit journey (after SignUpOrSignIn in the extensions) runs the Mobile ID profile under an exchange Id
    of its own: B2C's sign-in page of B2C_1A_signup_signin, whose journey is SignUpOrSignIn, still shows MobileIDExchange's
    button, with that exchange's localized string (the journeys looked for ProfileEditMobileIDExchange's, and failed on a
    page that has the button: "B2C's sign-in page has no Mobile ID button")."""
    facebook = '<LocalizedString ElementType="ClaimsProvider" StringId="FacebookExchange">Facebook</LocalizedString>'
    edit(policies / "TrustFrameworkLocalization.xml", facebook,
         facebook + '<LocalizedString ElementType="ClaimsProvider" StringId="MobileIDExchange">Sign in with Mobile ID</LocalizedString>')
    edit(policies / "TrustFrameworkExtensions.xml", "</UserJourneys>", PROFILE_EDIT_WITH_MOBILE_ID)
    reread()
    assert texts.mobile_id_button_of("B2C_1A_signup_signin", "Mobile ID") == ("Sign in with Mobile ID", "MobileIDExchange")
    assert texts.mobile_id_button_source("B2C_1A_signup_signin") == texts.CUSTOM_POLICY_BUTTON_SOURCE

    # and a journey of the relying party's that does not run it is said as such, though ProfileEdit does
    for line in ('<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
                 '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />'):
        edit(policies / "TrustFrameworkExtensions.xml", line, "")
    reread()
    assert "but no claims exchange of its user journey SignUpOrSignIn runs it" in texts.mobile_id_button_source("B2C_1A_signup_signin")


def assert_the_seeds_button_of_mobile_id_oauth2() -> None:
    """The seed's custom policy's button: MobileIDExchange, labelled and run by MobileID-OAuth2, from the journey's files."""
    assert texts.mobile_id_button_of("B2C_1A_signup_signin", "Mobile ID") == ("Mobile-ID", "MobileIDExchange")
    assert texts.mobile_id_profile("B2C_1A_signup_signin", None) == "MobileID-OAuth2"
    assert texts.mobile_id_button_source("B2C_1A_signup_signin") == texts.CUSTOM_POLICY_BUTTON_SOURCE


def with_a_step_up_profile_first(extensions: Path) -> None:
    """Mobile ID's claims provider listing a step-up profile of its own name before MobileID-OAuth2, which it includes."""
    edit(extensions, '<TechnicalProfile Id="MobileID-OAuth2">',
         '<TechnicalProfile Id="MobileID-StepUp"><DisplayName>Confirm with Mobile ID</DisplayName>'
         '<IncludeTechnicalProfile ReferenceId="MobileID-OAuth2" /></TechnicalProfile><TechnicalProfile Id="MobileID-OAuth2">')


def test_the_button_is_labelled_by_the_profile_the_relying_partys_journey_runs_not_another_journeys(policies: Path) -> None:
    """Mobile ID's claims provider lists a step-up profile first (its own DisplayName), which a team's ProfileEdit journey
    runs: the sign-in page of B2C_1A_signup_signin, whose journey runs MobileID-OAuth2, still labels its button with that
    profile's name (the journeys looked for "Confirm with Mobile ID" there, and said to add an exchange the journey has)."""
    with_a_step_up_profile_first(policies / "TrustFrameworkExtensions.xml")
    edit(policies / "TrustFrameworkExtensions.xml", "</UserJourneys>",
         PROFILE_EDIT_WITH_MOBILE_ID.replace('TechnicalProfileReferenceId="MobileID-OAuth2"', 'TechnicalProfileReferenceId="MobileID-StepUp"'))
    reread()
    assert_the_seeds_button_of_mobile_id_oauth2()


MOBILE_ID_SUB_JOURNEYS = ('</UserJourneys><SubJourneys><SubJourney Id="MobileIDChoice" Type="Call"><OrchestrationSteps>'
                          '<OrchestrationStep Order="1" Type="ClaimsProviderSelection" ContentDefinitionReferenceId="api.idpselections">'
                          '<ClaimsProviderSelections><ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />'
                          '</ClaimsProviderSelections></OrchestrationStep><OrchestrationStep Order="2" Type="InvokeSubJourney"><JourneyList>'
                          '<Candidate SubJourneyReferenceId="MobileIDSignIn" /></JourneyList></OrchestrationStep></OrchestrationSteps>'
                          '</SubJourney><SubJourney Id="MobileIDSignIn" Type="Call"><OrchestrationSteps>'
                          '<OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>'
                          '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" /></ClaimsExchanges>'
                          '</OrchestrationStep><OrchestrationStep Order="2" Type="InvokeSubJourney"><JourneyList>'
                          '<Candidate SubJourneyReferenceId="MobileIDChoice" /></JourneyList></OrchestrationStep></OrchestrationSteps>'
                          "</SubJourney></SubJourneys>")
SEND_CLAIMS = '<OrchestrationStep Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />'


def test_the_button_is_the_exchange_of_a_sub_journey_the_relying_partys_journey_invokes(policies: Path) -> None:
    """A team's SignUpOrSignIn offers Mobile ID in a sub journey it invokes (InvokeSubJourney), whose exchange runs in a sub
    journey of its own, which invokes the first again; Mobile ID's claims provider lists a step-up profile first: the button
    is still MobileIDExchange's, labelled by MobileID-OAuth2 (the journeys read the relying party's journey alone, so looked
    for the step-up profile's "Confirm with Mobile ID" under no exchange Id, and said to add the exchange the files have)."""
    extensions = policies / "TrustFrameworkExtensions.xml"
    with_a_step_up_profile_first(extensions)
    for line in ('<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
                 '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />'):
        edit(extensions, line, "")
    edit(extensions, SEND_CLAIMS, '<OrchestrationStep Order="7" Type="InvokeSubJourney"><JourneyList><Candidate SubJourneyReferenceId='
                                  f'"MobileIDChoice" /></JourneyList></OrchestrationStep>{SEND_CLAIMS.replace("7", "8")}')
    edit(extensions, "</UserJourneys>", MOBILE_ID_SUB_JOURNEYS)
    reread()
    assert_the_seeds_button_of_mobile_id_oauth2()


NAMED_IN = ("<ClaimsProviders><ClaimsProvider><Domain>mobileid.ch</Domain><DisplayName>{name}</DisplayName><TechnicalProfiles>"
            "<TechnicalProfile Id=\"MobileID-OAuth2\"><DisplayName>{name} Mobile ID</DisplayName></TechnicalProfile></TechnicalProfiles>"
            "</ClaimsProvider>")


def test_the_button_is_named_by_the_policys_most_derived_file_that_names_it(policies: Path) -> None:
    """As B2C layers a policy's files from its base: the extension's DisplayName wins over the base's and the localization's
    (the extension's base, though its file name sorts after it), and another policy's file names no button of this one."""
    edit(policies / "TrustFrameworkBase.xml", "<ClaimsProviders>", NAMED_IN.format(name="Base"))
    localization = policies / "TrustFrameworkLocalization.xml"
    edit(localization, "</BasePolicy>", "</BasePolicy>" + NAMED_IN.format(name="Localization") + "</ClaimsProviders>")
    edit(policies / "SignUpOrSigninWithNewUser.xml", "</BasePolicy>", "</BasePolicy>" + NAMED_IN.format(name="New user") + "</ClaimsProviders>")
    reread()
    assert texts.mobile_id_button_label("B2C_1A_signup_signin", "Mobile ID") == "Mobile-ID"
    assert texts.mobile_id_button_label("B2C_1A_signup_signin_newuser", "Mobile ID") == "New user Mobile ID"


def test_the_user_flow_button_is_named_by_the_setting() -> None:
    assert build_settings({}).user_flow_idp_name == "Mobile ID"
    from tests.suite.test_settings import TENANT  # a tenant's portal name (the local stack's is "Mobile ID")

    name = build_settings({**TENANT, "B2C_USER_FLOW_IDP_NAME": "Mobile-ID (Swisscom)"}).user_flow_idp_name
    assert texts.mobile_id_button_label("B2C_1_signupsignin", name) == "Mobile-ID (Swisscom)"


SOCIAL_GIVEN_NAME = ('<LocalizedResources Id="api.socialccountsignup.en">', '<LocalizedString ElementType="ClaimType" '
                     'ElementId="givenName" StringId="DisplayName">Given Name</LocalizedString>')


def test_field_labels_come_from_the_pages_english_resources_else_the_claims_schema(policies: Path) -> None:
    assert texts.field_label("B2C_1A_signup_signin", "givenName") == "Given Name"
    # The profile page's content definition (api.socialccountsignup) names English LocalizedResources that label givenName:
    # a new name in the ClaimsSchema alone changes nothing B2C shows ...
    edit(policies / "TrustFrameworkBase.xml", "<DisplayName>Given Name</DisplayName>", "<DisplayName>First name</DisplayName>")
    reread()
    assert texts.field_label("B2C_1A_signup_signin", "givenName") == "Given Name"
    # ... a new name in those resources does (the local-account page's resources label givenName too, unchanged) ...
    localization = policies / "TrustFrameworkLocalization.xml"
    text = localization.read_text(encoding="utf-8-sig")
    start = text.index(SOCIAL_GIVEN_NAME[0])
    at = text.index(SOCIAL_GIVEN_NAME[1], start)
    localization.write_text(text[:at] + SOCIAL_GIVEN_NAME[1].replace(">Given Name<", ">Vorname (en)<") + text[at + len(SOCIAL_GIVEN_NAME[1]):])
    reread()
    assert texts.field_label("B2C_1A_signup_signin", "givenName") == "Vorname (en)"
    # ... and without them, the ClaimsSchema's name is the label.
    localization.write_text(text.replace('<LocalizedResourcesReference Language="en" LocalizedResourcesReferenceId="api.socialccountsignup.en" />', ""))
    reread()
    assert texts.field_label("B2C_1A_signup_signin", "givenName") == "First name"
    assert texts.field_label("B2C_1_signupsignin", "givenName") == "Given Name"


def test_a_custom_policy_without_localization_stays_in_its_default_language(policies: Path) -> None:
    assert texts.page_language("B2C_1A_signup_signin", "de") == "de"
    path = policies / "TrustFrameworkExtensions.xml"
    text = path.read_text()
    path.write_text(text[: text.index("<Localization")] + text[text.index("</Localization>") + len("</Localization>"):])
    reread()
    assert texts.page_language("B2C_1A_signup_signin", "de") == "en"  # the starter's Localization file offers en only
    assert texts.page_language("B2C_1_signupsignin", "de") == "de"
    assert texts.localizes("B2C_1A_signup_signin", False) and not texts.localizes("B2C_1_signupsignin", False)


def test_a_tenants_custom_policy_of_another_name_speaks_as_the_seeds() -> None:
    assert texts.custom_policy_languages("B2C_1A_contoso_susi") == texts.custom_policy_languages("B2C_1A_signup_signin")
    assert texts.page_language("B2C_1A_contoso_susi", "fr") == "fr"


def test_the_phone_message_must_carry_the_pages_transaction_number_in_the_language() -> None:
    pattern = texts.phone_message_pattern("de", "A9W1GLUM")
    assert pattern.fullmatch("Möchten Sie sich bei Contoso anmelden? Transaktion Nummer A9W1GLUM")
    assert not pattern.fullmatch("Möchten Sie sich bei Contoso anmelden? Transaktion Nummer B0000000")
    assert not pattern.fullmatch("Do you want to login to Contoso? Transaction number A9W1GLUM")
    assert not pattern.fullmatch("Möchten Sie sich bei #CLIENT# anmelden? Transaktion Nummer A9W1GLUM")  # the name never filled in


def test_documented_variants_are_accepted_and_nothing_else() -> None:
    assert texts.matches("AADB2C90091", "The user has cancelled entering self-asserted information.")
    assert texts.matches("AADB2C90091", "The user has canceled entering self-asserted information")
    assert not texts.matches("AADB2C90091", "The user cancelled.")
    assert texts.matches("button_continue", "Create") and not texts.matches("button_continue", "Créer")
    assert not texts.matches("AADB2C90091", "The user has cancelled entering self-asserted information. Please try again.")  # whole text
    assert not texts.matches("button_continue", "create")  # exactly


def test_the_suites_localization_reader_merges_the_chain_as_the_policy_says(policies: Path) -> None:
    """Its own reader (not the emulator's): base first, Append by default, ReplaceAll and Enabled from a later file."""
    assert texts.custom_policy_languages("B2C_1A_signup_signin") == texts.PolicyLanguages(True, "en", ("en", "de", "fr", "it"))
    edit(policies / "TrustFrameworkExtensions.xml", 'DefaultLanguage="en" MergeBehavior="Append"', 'DefaultLanguage="de" MergeBehavior="ReplaceAll"')
    edit(policies / "TrustFrameworkExtensions.xml", "<SupportedLanguage>it</SupportedLanguage>", "")
    reread()
    assert texts.custom_policy_languages("B2C_1A_signup_signin") == texts.PolicyLanguages(True, "de", ("de", "fr"))
    assert texts.page_language("B2C_1A_signup_signin", "it") == "de" and texts.page_language("B2C_1A_signup_signin", "fr") == "fr"
    edit(policies / "TrustFrameworkExtensions.xml", '<Localization Enabled="true">', '<Localization Enabled="false">')
    reread()
    assert texts.page_language("B2C_1A_signup_signin", "fr") == "de" and not texts.localizes("B2C_1A_signup_signin", True)


def test_a_language_the_policy_lacks_gets_the_browsers_where_it_offers_that_else_its_default(policies: Path) -> None:
    """A Swiss team's policy: English and German, German by default. ui_locales=fr, which it lacks, gets an English browser
    English, as the emulator shows it (README, Languages; reference b2c.md 5: otherwise the browser's language, then the
    policy's default): the texts journeys in fr and it expected German and failed on the emulator's English pages. What
    B2C shows for a ui_locales the policy lacks is not documented (Microsoft's article: the browser's language where none
    was sent): the journeys take either, the one the page shows, and B2C's request to Mobile ID is not held to one."""
    from fixtures.federation import forwarded_language

    edit(policies / "TrustFrameworkExtensions.xml", 'DefaultLanguage="en"', 'DefaultLanguage="de"')
    edit(policies / "TrustFrameworkExtensions.xml", "<SupportedLanguage>fr</SupportedLanguage>", "")
    edit(policies / "TrustFrameworkExtensions.xml", "<SupportedLanguage>it</SupportedLanguage>", "")
    reread()
    policy = "B2C_1A_signup_signin"
    assert texts.custom_policy_languages(policy) == texts.PolicyLanguages(True, "de", ("de", "en"))
    assert texts.page_languages(policy, "fr", "en-US") == ("en", "de") and texts.page_language(policy, "fr", "en-US") == "en"
    from e2e.test_texts import read_in  # the texts journey reads the page in the one it shows, and says a third as such

    assert read_in("de-DE", ("en", "de"), "fr") == ("de", None) and read_in("en", ("en", "de"), "fr") == ("en", None)
    assert read_in("it", ("en", "de"), "fr") == ("en", "sign-in page: html lang is 'it', expected en or de for ui_locales=fr")
    assert read_in(None, ("en", "de"), "fr") == ("en", None)  # a page without lang: its texts say the rest
    assert forwarded_language(policy, "fr", True, "en-US") is None and forwarded_language(policy, "de", True, "en-US") == "de"
    # where the journey read the page, B2C's request to Mobile ID is held to the page's language, one B2C may show
    assert [forwarded_language(policy, "fr", True, "en-US", shown) for shown in ("de", "en", "it")] == ["de", "en", None]
    assert forwarded_language(policy, "de", True, "en-US", "en") == "de"  # an unambiguous one stays what B2C must show
    assert texts.page_languages(policy, "fr", "ja-JP") == ("de",) and texts.page_languages(policy, "fr") == ("de",)  # nor the browser's
    assert forwarded_language(policy, "fr", True, "ja-JP") == "de"
    assert texts.page_languages(policy, "fr", "de-CH") == ("de",)  # the browser's is the default
    assert texts.page_languages(policy, "de-CH", "en-US") == ("de",)  # ui_locales first, where the policy offers it
    edit(policies / "TrustFrameworkExtensions.xml", '<Localization Enabled="true">', '<Localization Enabled="false">')
    reread()
    assert texts.page_language(policy, "fr", "en-US") == "de"  # no language choice at all: its default


def test_the_suites_localization_reader_appends_when_merge_behavior_is_unset(policies: Path) -> None:
    """As the emulator (README, unconfirmed): the base's en stays, after it the extension's languages."""
    edit(policies / "TrustFrameworkExtensions.xml", 'DefaultLanguage="en" MergeBehavior="Append"', 'DefaultLanguage="de"')
    reread()
    assert texts.custom_policy_languages("B2C_1A_signup_signin").supported == ("de", "en", "fr", "it")


def test_the_suite_and_the_emulator_read_the_projects_policies_alike() -> None:
    """A cross-check, not a source: two readers written apart agree on policies/ (tests may import the emulator)."""
    from mocks.b2c.custom_policy import policy_chains
    from mocks.b2c.custom_policy.localization import languages

    for key, chain in policy_chains(texts.POLICIES_DIR, tenant="contoso").items():
        theirs, ours = languages(chain), texts.custom_policy_languages(key)
        assert (ours.enabled, ours.default, ours.supported) == (theirs.enabled, theirs.default, theirs.supported), key


def emulator_labels(folder: Path) -> dict[str, dict[str, str]]:
    """Each relying party's profile page labels in English as the emulator shows them (a cross-check, not a source)."""
    from mocks.b2c.custom_policy import load_custom_policies
    from tests.b2c.support import PACK_KEYS

    shown = {}
    for policy in load_custom_policies(folder, tenant="contoso", policy_keys=PACK_KEYS):
        journey = policy.journey
        assert journey is not None
        localized = journey.page_labels(journey.profiles[texts.PROFILE_PAGE_PROFILE], "en")
        shown[policy.policy_id] = {c: localized.get(c, journey.claim_labels.get(c, c)) for c in ("displayName", "givenName", "surname")}
    return shown


# In the policy schema's order: the content definition before the extension's <Localization>, its resources after the
# languages there (<BuildingBlocks> and <Localization> take their children in that order, and one <Localization> only).
EXTENSION_LABEL = (('<Localization Enabled="true">', '<ContentDefinitions><ContentDefinition Id="api.socialccountsignup">'
                    '<LocalizedResourcesReferences{merge}><LocalizedResourcesReference Language="en" LocalizedResourcesReferenceId="ext.en" />'
                    '</LocalizedResourcesReferences></ContentDefinition></ContentDefinitions><Localization Enabled="true">'),
                   ("</SupportedLanguages>", '</SupportedLanguages><LocalizedResources Id="ext.en"><LocalizedStrings><LocalizedString '
                    'ElementType="ClaimType" ElementId="displayName" StringId="DisplayName">Your name</LocalizedString></LocalizedStrings>'
                    '</LocalizedResources>'))


@pytest.mark.parametrize("merge", [None, "Append", "Prepend", "ReplaceAll"])
def test_the_suite_and_the_emulator_label_the_profile_page_alike(policies: Path, merge: str | None) -> None:
    """policies/ as it is, and with an extension naming English resources of its own for the profile page: the first
    reference with a label wins (Append: the base's "Display Name"; Prepend or ReplaceAll: "Your name")."""
    def both() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
        reread()
        shown = emulator_labels(policies)
        return shown, {key: {c: texts.field_label(key, c) for c in ("displayName", "givenName", "surname")} for key in shown}

    shown, expected = both()
    assert shown == expected and shown["B2C_1A_signup_signin"]["displayName"] == "Display Name", (shown, expected)
    for old, new in EXTENSION_LABEL:
        edit(policies / "TrustFrameworkExtensions.xml", old, new.format(merge=f' MergeBehavior="{merge}"' if merge else ""))
    shown, expected = both()
    assert shown == expected, (shown, expected)
    assert shown["B2C_1A_signup_signin"]["displayName"] == ("Your name" if merge in ("Prepend", "ReplaceAll") else "Display Name")


SIGN_IN_BUTTON = '<LocalizedString ElementType="UxElement" StringId="button_signin">Sign in</LocalizedString>'
SOCIAL_CONTINUE = ('<LocalizedResources Id="api.socialccountsignup.en">',
                   '<LocalizedString ElementType="UxElement" StringId="button_continue">Create</LocalizedString>')


def test_the_suite_and_the_emulator_give_the_pages_the_policys_own_texts_alike(policies: Path) -> None:
    """A custom policy's UxElement strings are its pages' texts (B2C's in place of its own): the suite expects what the
    emulator shows, on the sign-in page (its form's button, the sign-up link by createaccount_one_link) and the profile
    page (its continue button), and B2C's own where the policy says nothing (a cross-check, not a source)."""
    from mocks.b2c.custom_policy import load_custom_policies
    from tests.b2c.support import PACK_KEYS

    def both() -> tuple[dict[str, str], dict[str, str | None]]:
        reread()
        [policy] = [p for p in load_custom_policies(policies, tenant="contoso", policy_keys=PACK_KEYS) if p.policy_id == "B2C_1A_signup_signin"]
        journey = policy.journey
        assert journey is not None
        profile = journey.profiles[texts.PROFILE_PAGE_PROFILE].metadata["ContentDefinitionReferenceId"]
        shown = {**journey.page_strings(sign_in_page(journey), "en"), **journey.page_strings(profile, "en")}
        ours = {"button_signin": texts.sign_in_form_text(policy.policy_id, "button_signin", "en"),
                "createaccount_one_link": texts.sign_in_form_text(policy.policy_id, "createaccount_one_link", "en"),
                "button_continue": texts.own_text(policy.policy_id, texts.PROFILE_SCREEN, "button_continue", "en")}
        return {key: shown[key] for key in ours}, ours

    shown, expected = both()
    assert shown == expected == {"button_signin": "Sign in", "createaccount_one_link": "Sign up now", "button_continue": "Create"}
    edit(policies / "TrustFrameworkLocalization.xml", SIGN_IN_BUTTON, SIGN_IN_BUTTON.replace(">Sign in<", ">Log in<"))
    edit(policies / "TrustFrameworkLocalization.xml", ">Sign up now<", ">Join<")
    localization = policies / "TrustFrameworkLocalization.xml"
    text = localization.read_text(encoding="utf-8-sig")
    at = text.index(SOCIAL_CONTINUE[1], text.index(SOCIAL_CONTINUE[0]))
    localization.write_text(text[:at] + SOCIAL_CONTINUE[1].replace(">Create<", ">Save<") + text[at + len(SOCIAL_CONTINUE[1]):])
    shown, expected = both()
    assert shown == expected == {"button_signin": "Log in", "createaccount_one_link": "Join", "button_continue": "Save"}
    assert texts.own_text("B2C_1A_signup_signin", texts.PROFILE_SCREEN, "button_continue", "de") is None  # B2C's German expected
    assert texts.own_text("B2C_1_signupsignin", texts.SIGN_IN_SCREEN, "button_signin", "en") is None  # a user flow: B2C's own


OWN_SIGN_IN_PAGE = (
    '<ContentDefinitions><ContentDefinition Id="api.signuporsignin.contoso"><LoadUri>~/tenant/templates/AzureBlue/unified.cshtml</LoadUri>'
    '<DataUri>urn:com:microsoft:aad:b2c:elements:contract:unifiedssp:2.1.5</DataUri><LocalizedResourcesReferences>'
    '<LocalizedResourcesReference Language="en" LocalizedResourcesReferenceId="contoso.en" />'
    '<LocalizedResourcesReference Language="de" LocalizedResourcesReferenceId="contoso.de" /></LocalizedResourcesReferences>'
    '</ContentDefinition></ContentDefinitions>')
OWN_TEXTS = ('</SupportedLanguages>', '</SupportedLanguages>'
             '<LocalizedResources Id="contoso.en"><LocalizedStrings><LocalizedString ElementType="UxElement" StringId="button_signin">Log in'
             '</LocalizedString></LocalizedStrings></LocalizedResources><LocalizedResources Id="contoso.de"><LocalizedStrings>'
             '<LocalizedString ElementType="UxElement" StringId="button_signin">Einloggen</LocalizedString></LocalizedStrings></LocalizedResources>')


def test_the_sign_in_pages_own_texts_are_its_steps_content_definitions_in_each_language(policies: Path) -> None:
    """The sign-in step names the content definition whose resources give its page's texts, per language: the suite
    expects what the emulator shows (a cross-check), in English and in German, and the local account form the step offers."""
    from mocks.b2c.custom_policy import load_custom_policies
    from tests.b2c.support import PACK_KEYS

    extensions = policies / "TrustFrameworkExtensions.xml"
    edit(extensions, '<BuildingBlocks>', '<BuildingBlocks>' + OWN_SIGN_IN_PAGE)
    edit(extensions, *OWN_TEXTS)
    edit(extensions, 'Type="CombinedSignInAndSignUp" ContentDefinitionReferenceId="api.signuporsignin"',
         'Type="CombinedSignInAndSignUp" ContentDefinitionReferenceId="api.signuporsignin.contoso"')
    reread()
    [policy] = [p for p in load_custom_policies(policies, tenant="contoso", policy_keys=PACK_KEYS) if p.policy_id == "B2C_1A_signup_signin"]
    assert policy.journey is not None and sign_in_page(policy.journey) == "api.signuporsignin.contoso"
    for language, text in (("en", "Log in"), ("de", "Einloggen")):
        assert policy.journey.page_strings(sign_in_page(policy.journey), language)["button_signin"] == text
        assert texts.sign_in_form_text("B2C_1A_signup_signin", "button_signin", language) == text
    assert texts.sign_in_form_text("B2C_1A_signup_signin", "forgotpassword_link", "de") is None  # B2C's German: not published
    assert texts.has_local_account_form("B2C_1A_signup_signin") is True and texts.has_local_account_form("B2C_1_signupsignin") is None
    # Its links as the local sign-in profile's metadata says (self-asserted technical profile: setting.showSignupLink,
    # setting.forgotPasswordLinkLocation); a user flow's: not known.
    assert texts.sign_in_form_links("B2C_1A_signup_signin") == {"forgotpassword_link", "createaccount_one_link"}
    assert texts.sign_in_form_links("B2C_1_signupsignin") is None
    edit(policies / "TrustFrameworkBase.xml", '<Item Key="setting.operatingMode">Email</Item>',
         '<Item Key="setting.operatingMode">Email</Item><Item Key="setting.showSignupLink">false</Item>')
    reread()
    assert texts.sign_in_form_links("B2C_1A_signup_signin") == {"forgotpassword_link"}
    edit(extensions, '<BuildingBlocks>', '<ClaimsProviders><ClaimsProvider><DisplayName>Local Account</DisplayName><TechnicalProfiles>'
         '<TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email"><Metadata><Item Key="setting.forgotPasswordLinkLocation">None</Item>'
         '</Metadata></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders><BuildingBlocks>')
    reread()
    assert texts.sign_in_form_links("B2C_1A_signup_signin") == set()  # the extension's item, merged
    edit(extensions, 'ValidationClaimsExchangeId="LocalAccountSigninEmailExchange"', "")  # the step the journey runs: the extension's
    reread()
    assert texts.has_local_account_form("B2C_1A_signup_signin") is False


def test_the_local_sign_in_profiles_metadata_is_read_from_every_file_whichever_writes_the_journey(policies: Path) -> None:
    """A journey written in the extension only (its own Id), its local sign-in profile's metadata in the base: the
    links that metadata hides are not expected."""
    edit(policies / "TrustFrameworkExtensions.xml", '<UserJourney Id="SignUpOrSignIn">', '<UserJourney Id="SignUpOrSignInMobileID">')
    for relying_party in ("SignUpOrSignin.xml", "SignUpOrSigninWithNewUser.xml"):
        edit(policies / relying_party, '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />', '<DefaultUserJourney ReferenceId="SignUpOrSignInMobileID" />')
    edit(policies / "TrustFrameworkBase.xml", '<Item Key="setting.operatingMode">Email</Item>',
         '<Item Key="setting.operatingMode">Email</Item><Item Key="setting.showSignupLink">false</Item>')
    reread()
    assert texts.sign_in_form_links("B2C_1A_signup_signin") == {"forgotpassword_link"}


def test_the_local_sign_in_profiles_metadata_follows_what_it_includes_its_own_items_winning(policies: Path) -> None:
    """A local sign-in profile that takes its link settings from a profile it includes (IncludeTechnicalProfile, as B2C
    and the emulator follow it): the links hidden there are not expected; an item of its own wins over the included one."""
    links = ('<TechnicalProfile Id="LocalAccount-Links"><Metadata><Item Key="setting.showSignupLink">false</Item>'
             '<Item Key="setting.forgotPasswordLinkLocation">None</Item></Metadata></TechnicalProfile>')
    edit(policies / "TrustFrameworkExtensions.xml", '<BuildingBlocks>', '<ClaimsProviders><ClaimsProvider><DisplayName>Local Account</DisplayName>'
         f'<TechnicalProfiles>{links}<TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email">'
         '<IncludeTechnicalProfile ReferenceId="LocalAccount-Links" /></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders><BuildingBlocks>')
    reread()
    assert texts.sign_in_form_links("B2C_1A_signup_signin") == set()
    edit(policies / "TrustFrameworkBase.xml", '<Item Key="setting.operatingMode">Email</Item>',
         '<Item Key="setting.operatingMode">Email</Item><Item Key="setting.forgotPasswordLinkLocation">AfterLabel</Item>')
    reread()
    assert texts.sign_in_form_links("B2C_1A_signup_signin") == {"forgotpassword_link"}  # its own item, from the base file


def test_a_required_display_name_is_read_from_the_profile_page_and_what_it_includes(policies: Path) -> None:
    """The texts journey checks the required-field errors only where the profile page requires the display name: the
    seed's does (its extension's OutputClaim), the starter pack's does not, and with a profile included the files are merged
    as the emulator merges them (its SelfAsserted-Social, the base's own claim winning over the included one's)."""
    from mocks.b2c.custom_policy import load_custom_policies
    from tests.b2c.support import PACK_KEYS

    def emulator_requires() -> bool:
        [policy] = [p for p in load_custom_policies(policies, tenant="contoso", policy_keys=PACK_KEYS) if p.policy_id == "B2C_1A_signup_signin"]
        assert policy.journey is not None
        return any(claim.required for claim in policy.journey.profiles["SelfAsserted-Social"].output_claims if claim.claim_type == "displayName")

    assert texts.display_name_required("B2C_1_signupsignin")  # a user flow's: the README's page layout
    assert texts.display_name_required("B2C_1A_signup_signin") is emulator_requires() is True
    extensions = policies / "TrustFrameworkExtensions.xml"
    edit(extensions, '<OutputClaim ClaimTypeReferenceId="displayName" Required="true" />', '')
    reread()
    assert texts.display_name_required("B2C_1A_signup_signin") is emulator_requires() is False
    edit(extensions, '<TechnicalProfile Id="SelfAsserted-Social">', '<TechnicalProfile Id="SelfAsserted-Social-Required"><OutputClaims>'
         '<OutputClaim ClaimTypeReferenceId="displayName" Required="true" /></OutputClaims></TechnicalProfile>'
         '<TechnicalProfile Id="SelfAsserted-Social">')
    edit(extensions, "</OutputClaims>\n        </TechnicalProfile>",  # after its OutputClaims, in the schema's order
         '</OutputClaims>\n        <IncludeTechnicalProfile ReferenceId="SelfAsserted-Social-Required" /></TechnicalProfile>')
    reread()
    assert texts.display_name_required("B2C_1A_signup_signin") is emulator_requires()


def test_a_profile_page_that_takes_an_empty_display_name_names_the_runs_own_extension_file(policies: Path) -> None:
    """The journey that checks the refusal skips saying where to require the display name: it named
    policies/TrustFrameworkExtensions.xml, the seed's, when the run's policy files were a team's folder."""
    assert texts.display_name_optional("B2C_1A_signup_signin") is None  # required: nothing to skip
    edit(policies / "TrustFrameworkExtensions.xml", '<OutputClaim ClaimTypeReferenceId="displayName" Required="true" />', '')
    reread()
    assert texts.display_name_optional("B2C_1A_signup_signin") == (
        "B2C_1A_signup_signin's profile page does not require the display name, so B2C accepts an empty one: give SelfAsserted-Social's "
        f'OutputClaim displayName Required="true" (a team edit, in the extension file in {policies}/) for this journey to check '
        "the refusal")
    texts.read_policies_from(str(texts.SEED_POLICIES_DIR / ".." / "policies"))  # the seed's, however the path names it
    assert texts.extension_file() == "policies/TrustFrameworkExtensions.xml"
    # A tenant's, B2C_POLICY_FILES not given: the page that does not require it is the seed's, said so, not the tenant's
    texts.read_policies_from(str(policies), known=False)
    assert texts.display_name_optional("B2C_1A_signup_signin") == (
        "B2C_1A_signup_signin's profile page does not require the display name in the seed's files, which the suite reads in "
        "place of yours (B2C_POLICY_FILES unset): set B2C_POLICY_FILES to the folder of the files you upload, and the journeys "
        "read yours, and where they require it this journey checks the refusal")


@pytest.mark.parametrize(("old", "new", "says", "emulator_says"), [
    ('<Localization Enabled="true">', '<Localization Enabled="yes">', "Enabled='yes' is not an xs:boolean",
     "/@Enabled: 'yes' is not true or false"),
    # xs:boolean is lower case: the upload's schema validation refuses True as it refuses yes.
    ('<Localization Enabled="true">', '<Localization Enabled="True">', "Enabled='True' is not an xs:boolean, which takes only true, false, 1 or 0 (lower case)",
     "/@Enabled: 'True' is not true or false"),
    ('MergeBehavior="Append"', 'MergeBehavior="Merge"', "MergeBehavior='Merge' is not Append, Prepend or ReplaceAll",
     "/@MergeBehavior: 'Merge' is not one of Append, Prepend, ReplaceAll"),
])
def test_a_localization_value_b2c_would_refuse_is_said_not_guessed(policies: Path, old: str, new: str, says: str, emulator_says: str) -> None:
    """As the emulator refuses the policy at load: a journey must not expect a language from a value it read as a guess."""
    edit(policies / "TrustFrameworkExtensions.xml", old, new)
    reread()
    with pytest.raises(AssertionError, match=r"B2C_1A_TrustFrameworkExtensions's Localization \(in [^)]+/\): B2C would refuse to "
                                             r"upload it, since " + re.escape(says)):
        texts.custom_policy_languages("B2C_1A_signup_signin")
    # The emulator refuses the same value (two readers written apart, so the suite takes no expectation from mocks/).
    from mocks.b2c.custom_policy import policy_chains
    from mocks.b2c.custom_policy.localization import languages
    from mocks.b2c.policy import PolicyError

    with pytest.raises(PolicyError, match=re.escape(emulator_says)):
        languages(policy_chains(policies, tenant="contoso")["b2c_1a_signup_signin"])


def test_a_localization_switched_on_with_1_is_on(policies: Path) -> None:
    edit(policies / "TrustFrameworkExtensions.xml", '<Localization Enabled="true">', '<Localization Enabled=" 1 ">')
    reread()
    assert texts.custom_policy_languages("B2C_1A_signup_signin").enabled


def test_a_user_flows_other_languages_skip_without_language_customization_and_english_runs() -> None:
    """docs/suite.md (test_texts.py): with B2C_LANGUAGE_CUSTOMIZATION=off a user flow's pages ignore ui_locales, so its
    de/fr/it screens skip, saying why; English is still checked. The local stack starts with the same setting."""
    from tests.suite_run import pytest_e2e

    done = pytest_e2e("-k", "test_every_screen_of_a_sign_up and b2c_1_signupsignin", "-n", "0", "-rs",
                      B2C_LANGUAGE_CUSTOMIZATION="off")
    output = done.stdout + done.stderr
    assert done.returncode == 0 and re.search(r"\b1 passed, 3 skipped\b", output), tail(output)
    for language in ("de", "fr", "it"):
        assert f"{language}: {texts.NO_LANGUAGE_CUSTOMIZATION}; English is checked" in output, tail(output)


def test_a_reference_list_b2c_would_refuse_or_a_label_nowhere_is_said_not_guessed(policies: Path) -> None:
    for old, new in EXTENSION_LABEL:
        edit(policies / "TrustFrameworkExtensions.xml", old, new.format(merge=' MergeBehavior="Prepand"'))
    reread()
    with pytest.raises(AssertionError, match=r"ContentDefinition api\.socialccountsignup \(in [^)]+/\): B2C would refuse to upload it, "
                                             r"since MergeBehavior='Prepand' is not Append, Prepend or ReplaceAll"):
        texts.field_label("B2C_1A_signup_signin", "displayName")
    with pytest.raises(AssertionError, match=r"no label for nickname in B2C_1A_signup_signin's files"):
        edit(policies / "TrustFrameworkExtensions.xml", ' MergeBehavior="Prepand"', "")
        reread()
        texts.field_label("B2C_1A_signup_signin", "nickname")


def test_the_error_pages_documented_heading_is_expected_only_where_the_policy_pins_a_layout_that_has_it(policies: Path) -> None:
    """globalexception 1.2.1 (the starter pack's, the seed's) shows the 2017 heading; 1.2.2 added an H1 whose words are
    not documented; a user flow's layout is the portal's: the journey then checks only that a heading is shown."""
    assert texts.error_page_layout("B2C_1A_signup_signin") == (1, 2, 1)
    assert texts.error_page_heading("B2C_1A_signup_signin") == texts.ERROR_PAGE_HEADING
    assert texts.error_page_heading("B2C_1_signupsignin") is None
    newer = ("<ContentDefinitions><ContentDefinition Id=\"api.error\">"
             "<DataUri>urn:com:microsoft:aad:b2c:elements:contract:globalexception:1.2.2</DataUri></ContentDefinition></ContentDefinitions>")
    edit(policies / "TrustFrameworkExtensions.xml", "</BuildingBlocks>", f"{newer}</BuildingBlocks>")
    reread()
    assert texts.error_page_layout("B2C_1A_signup_signin") == (1, 2, 2)  # the later file's wins
    assert texts.error_page_heading("B2C_1A_signup_signin") is None


def test_the_local_sign_in_profiles_link_settings_are_read_as_b2c_reads_them(policies: Path) -> None:
    """setting.showSignupLink False or 0 is false, setting.forgotPasswordLinkLocation None is None (trimmed, any case), as
    the emulator reads them."""
    base = policies / "TrustFrameworkBase.xml"
    seed = base.read_text()
    for shown, location in ((" False ", "None"), ("0", "NONE")):
        base.write_text(seed)
        edit(base, '<Item Key="setting.operatingMode">Email</Item>', '<Item Key="setting.operatingMode">Email</Item>'
             f'<Item Key="setting.showSignupLink">{shown}</Item><Item Key="setting.forgotPasswordLinkLocation">{location}</Item>')
        reread()
        assert texts.sign_in_form_links("B2C_1A_signup_signin") == set(), (shown, location)


def test_a_display_name_required_with_1_is_required(policies: Path) -> None:
    edit(policies / "TrustFrameworkExtensions.xml", '<OutputClaim ClaimTypeReferenceId="displayName" Required="true" />',
         '<OutputClaim ClaimTypeReferenceId="displayName" Required="1" />')
    reread()
    assert texts.display_name_required("B2C_1A_signup_signin")


def test_replace_all_drops_the_bases_resources_of_every_language(policies: Path) -> None:
    """A later file's LocalizedResourcesReferences MergeBehavior="ReplaceAll" listing English only: the base's German
    reference is gone too, so B2C's own German is shown, not the base's resources."""
    edit(policies / "TrustFrameworkBase.xml", "<BuildingBlocks>", "<BuildingBlocks>" + OWN_SIGN_IN_PAGE)
    extensions = policies / "TrustFrameworkExtensions.xml"
    edit(extensions, *OWN_TEXTS)
    edit(extensions, "<BuildingBlocks>", '<BuildingBlocks><ContentDefinitions><ContentDefinition Id="api.signuporsignin.contoso">'
         '<LocalizedResourcesReferences MergeBehavior="ReplaceAll"><LocalizedResourcesReference Language="en" LocalizedResourcesReferenceId="contoso.en" />'
         '</LocalizedResourcesReferences></ContentDefinition></ContentDefinitions>')
    edit(extensions, 'Type="CombinedSignInAndSignUp" ContentDefinitionReferenceId="api.signuporsignin"',
         'Type="CombinedSignInAndSignUp" ContentDefinitionReferenceId="api.signuporsignin.contoso"')
    reread()
    assert texts.custom_policy_ux("B2C_1A_signup_signin", texts.SIGN_IN_SCREEN, "en") == {"button_signin": "Log in"}
    assert texts.custom_policy_ux("B2C_1A_signup_signin", texts.SIGN_IN_SCREEN, "de") == {}


def test_each_custom_policy_is_read_from_its_own_files(policies: Path) -> None:
    """A second relying party file (another PolicyId) with its own error page layout: read for that policy, not the seed's."""
    text = (policies / "SignUpOrSignin.xml").read_text().replace('PolicyId="B2C_1A_signup_signin"', 'PolicyId="B2C_1A_other"')
    newer = ("<BuildingBlocks><ContentDefinitions><ContentDefinition Id=\"api.error\"><DataUri>"
             "urn:com:microsoft:aad:b2c:elements:contract:globalexception:1.2.2</DataUri></ContentDefinition></ContentDefinitions></BuildingBlocks>")
    (policies / "Other.xml").write_text(text.replace("</BasePolicy>", "</BasePolicy>" + newer, 1))
    reread()
    assert texts.error_page_layout("B2C_1A_other") == (1, 2, 2) and texts.error_page_layout("B2C_1A_signup_signin") == (1, 2, 1)


@pytest.mark.parametrize(("shown", "found"), [
    ("Mit Ihrem Konto für soziale Netzwerke anmelden", None),  # any German words: B2C's translation is not published
    ("Sign in with your social account", "reads 'Sign in with your social account', B2C's English, where its de translation was expected"),
    (None, "is not shown, expected its de translation"),
    ("  ", "reads '  ', expected its de translation"),
])
def test_a_b2c_text_in_another_language_must_be_shown_and_not_b2cs_english(shown: str | None, found: str | None) -> None:
    """B2C publishes its strings in English only (fixtures/texts.py): a German page's text is held to being there and not
    the English, the policy's own resources aside."""
    from e2e.test_texts import Differences

    differences = Differences("de", "B2C_1_signupsignin")
    differences.expect(texts.SIGN_IN_SCREEN, "the social intro", shown, "social_intro")
    assert differences.found == ([] if found is None else [f"{texts.SIGN_IN_SCREEN}: the social intro {found} (B2C string social_intro)"])


def test_the_claim_a_relying_party_outputs_as_sub_and_oid_is_read_from_its_files(policies: Path) -> None:
    # Given the starter pack's relying party: objectId as sub (its PartnerClaimType), no oid
    assert texts.relying_party_claim_source("B2C_1A_signup_signin", "sub") == "objectid"
    assert texts.relying_party_claim_source("B2C_1A_signup_signin", "oid") is None

    # When a team outputs Mobile ID's subject as sub and the object id under its default partner claim type (oid)
    edit(policies / "SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>',
         '<OutputClaim ClaimTypeReferenceId="issuerUserId" PartnerClaimType="sub"/><OutputClaim ClaimTypeReferenceId="objectId" />')
    reread()

    # Then the journeys know sub is not the object id there (B2C emits what the policy says: they differ)
    assert texts.relying_party_claim_source("B2C_1A_signup_signin", "sub") == "issueruserid"
    assert texts.relying_party_claim_source("B2C_1A_signup_signin", "oid") == "objectid"


def test_a_mobile_id_profile_no_claims_exchange_runs_is_named_with_the_steps_to_add(policies: Path) -> None:
    # Given the seed's files: their journey runs the Mobile ID profile, so a missing button is said as where its names come from
    assert texts.mobile_id_button_source("B2C_1A_signup_signin") == texts.CUSTOM_POLICY_BUTTON_SOURCE

    # When a team's files define Mobile ID's claims provider but their journey has no selection or exchange of it
    for line in ('<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
                 '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />'):
        edit(policies / "TrustFrameworkExtensions.xml", line, "")
    reread()

    # Then the message of a sign-in page without the button names the profile and what the seed's "Add a user journey" adds
    said = texts.mobile_id_button_source("B2C_1A_signup_signin")
    assert ("B2C_1A_signup_signin's files define the Mobile ID profile MobileID-OAuth2 but no claims exchange of its user journey "
            "SignUpOrSignIn runs it") in said
    assert '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />' in said


def test_a_relying_party_left_on_the_starter_journey_is_told_to_run_the_one_that_runs_mobile_id(policies: Path) -> None:
    """The seed's slip most often made: its journey copied under a new Id, the relying party still on the starter's. "Add
    the ClaimsExchange" pointed away from the fix, which is the seed's "Configure the relying party policy"."""
    edit(policies / "TrustFrameworkExtensions.xml", '<UserJourney Id="SignUpOrSignIn">', '<UserJourney Id="CustomSignUpSignIn">')
    reread()
    said = texts.mobile_id_button_source("B2C_1A_signup_signin")
    assert ("B2C_1A_signup_signin's relying party runs the user journey SignUpOrSignIn, and the one that runs the Mobile ID profile "
            'MobileID-OAuth2 is CustomSignUpSignIn: set <DefaultUserJourney ReferenceId="CustomSignUpSignIn" /> in its RelyingParty') in said, said


def test_texts_that_differ_from_the_seeds_files_standing_in_for_a_tenants_are_said_as_such(seed_files_standing_in) -> None:
    """Against a tenant whose files the suite was not given (B2C_POLICY_FILES unset), policies/ stands in: the button, the
    languages and the local account form the texts journey expected are the seed's, so a difference is said as the tenant's
    configuration, with how to give the suite the team's files; with the run's own files, as before."""
    from e2e.test_texts import Differences
    from fixtures.causes import TENANT_CONFIGURATION, JourneyFailure

    differences = Differences("en", "B2C_1A_signup_signin")
    differences.found.append("sign-in page: the local account form is missing; the policy's sign-in step offers a local account")
    with pytest.raises(AssertionError) as finding:
        differences.check()
    assert not isinstance(finding.value, JourneyFailure) and texts.SEED_FILES_STOOD_IN not in str(finding.value)
    with seed_files_standing_in():  # a tenant's, its files not given
        with pytest.raises(JourneyFailure) as configuration:
            differences.check()
        Differences("en", "B2C_1A_signup_signin").check()  # nothing differs: nothing said
        user_flow = Differences("en", "B2C_1_signupsignin")  # a user flow has no files: as before
        user_flow.found.append("sign-in page: the social intro is not shown")
        with pytest.raises(AssertionError) as user_flow_finding:
            user_flow.check()
    assert configuration.value.cause is not None and configuration.value.cause.name == TENANT_CONFIGURATION
    said = str(configuration.value)
    assert said.startswith("texts in en differ from what the user is promised: sign-in page: the local account form is missing")
    assert f"expected from {texts.SEED_FILES_STOOD_IN}" in said and texts.READ_YOUR_FILES in said
    assert not isinstance(user_flow_finding.value, JourneyFailure)


def test_a_page_not_in_a_language_of_the_seeds_localization_standing_in_for_a_tenants_is_said_as_such(seed_files_standing_in) -> None:
    """The language journeys ask for the languages the policy's Localization offers: against a tenant whose files the suite
    was not given, the seed's (en, de, fr, it), so a page in another language is said as the tenant's configuration, with
    how to give the suite the team's files; with the run's own files, as before."""
    from e2e.test_languages import require_in_language
    from fixtures.causes import TENANT_CONFIGURATION, JourneyFailure

    require_in_language("B2C page", "de-DE", "de", "B2C_1A_signup_signin")  # in the language asked for: nothing said
    with pytest.raises(AssertionError) as finding:
        require_in_language("B2C page", "en", "de", "B2C_1A_signup_signin")
    assert not isinstance(finding.value, JourneyFailure) and texts.SEED_FILES_STOOD_IN not in str(finding.value)
    with seed_files_standing_in():  # a tenant's, its files not given
        require_in_language("profile page", "fr", "fr", "B2C_1A_signup_signin")
        with pytest.raises(JourneyFailure) as configuration:
            require_in_language("profile page", "en", "fr", "B2C_1A_signup_signin")
    assert configuration.value.cause is not None and configuration.value.cause.name == TENANT_CONFIGURATION
    said = str(configuration.value)
    assert said.startswith("profile page html lang is 'en' for ui_locales=fr (fr: a language B2C_1A_signup_signin's Localization offers)")
    assert f"expected from {texts.SEED_FILES_STOOD_IN}" in said and texts.READ_YOUR_FILES in said


def test_a_missing_button_looked_for_by_the_seeds_names_standing_in_for_a_tenants_says_so(seed_files_standing_in) -> None:
    """Against a tenant whose files the suite was not given, the Mobile ID button's label and id looked for are the seed's:
    the message of a sign-in page without it says so, with how to give the suite the team's files (their names then read
    from them); with the run's own files, and for a user flow, as before."""
    with seed_files_standing_in():  # a tenant's, its files not given
        said = texts.mobile_id_button_source("B2C_1A_signup_signin")
        user_flow = texts.mobile_id_button_source("B2C_1_signupsignin")
    assert said == f"{texts.CUSTOM_POLICY_BUTTON_SOURCE}; this run's label and id are expected from {texts.SEED_FILES_STOOD_IN}: " \
                   f"if your policy differs from the seed's there on purpose, {texts.READ_YOUR_FILES}"
    assert user_flow == texts.USER_FLOW_BUTTON_SOURCE
    assert texts.mobile_id_button_source("B2C_1A_signup_signin") == texts.CUSTOM_POLICY_BUTTON_SOURCE


def test_an_error_page_heading_expected_from_the_seeds_layout_standing_in_for_a_tenants_says_so(seed_files_standing_in) -> None:
    """The error page's heading is compared where the policy's files pin globalexception 1.2.1: against a tenant whose files
    the suite was not given, that pin is the seed's, so a heading that differs (or none) is said as the tenant's
    configuration, with how to give the suite the team's files; with the run's own files, as before."""
    from e2e.test_texts import require_error_page_heading
    from fixtures.causes import TENANT_CONFIGURATION, JourneyFailure

    require_error_page_heading("B2C_1A_signup_signin", texts.ERROR_PAGE_HEADING, texts.ERROR_PAGE_HEADING)
    with pytest.raises(AssertionError) as finding:
        require_error_page_heading("B2C_1A_signup_signin", None, texts.ERROR_PAGE_HEADING)
    assert not isinstance(finding.value, JourneyFailure) and "has no h1 or h2" in str(finding.value)
    with seed_files_standing_in():  # a tenant's, its files not given
        require_error_page_heading("B2C_1A_signup_signin", texts.ERROR_PAGE_HEADING, texts.ERROR_PAGE_HEADING)
        with pytest.raises(JourneyFailure) as configuration:
            require_error_page_heading("B2C_1A_signup_signin", "Something went wrong", texts.ERROR_PAGE_HEADING)
    assert configuration.value.cause is not None and configuration.value.cause.name == TENANT_CONFIGURATION
    said = str(configuration.value)
    assert said.startswith("B2C's error page heading reads 'Something went wrong', expected")
    assert f"expected from {texts.SEED_FILES_STOOD_IN}" in said and texts.READ_YOUR_FILES in said


def test_the_error_page_heading_is_expected_in_the_language_the_browser_gets_where_the_policy_offers_it(policies: Path) -> None:
    """B2C does not pass ui_locales to the exception page: it speaks the browser's language where the policy offers it,
    else the policy's default (b2c.md 1.5 and 5; mocks/b2c/README.md, Languages). A German browser's error page is German:
    its heading is there and translated, not B2C's documented English, which the journey expected whatever the page's
    language (and failed with E2E_BROWSER_LOCALE=de-CH)."""
    from e2e.test_texts import require_error_page_heading

    policy = "B2C_1A_signup_signin"  # the seed's: en by default, de, fr and it offered
    assert [texts.page_language(policy, browser) for browser in ("de-CH", "en-US", "ja-JP")] == ["de", "en", "en"]
    require_error_page_heading(policy, "Bei Ihrer Anmeldung ist ein Problem aufgetreten.", texts.ERROR_PAGE_HEADING, "de")
    for shown, says in ((texts.ERROR_PAGE_HEADING, "B2C's English, where its de translation was expected"), (None, "has no h1 or h2")):
        with pytest.raises(AssertionError, match=says):
            require_error_page_heading(policy, shown, texts.ERROR_PAGE_HEADING, "de")
    edit(policies / "TrustFrameworkExtensions.xml", 'DefaultLanguage="en"', 'DefaultLanguage="de"')
    reread()
    assert texts.page_language(policy, "ja-JP") == "de"  # a language it does not offer: its default


def test_an_english_error_page_where_the_seeds_files_standing_in_offer_the_browsers_language_is_said_as_such(seed_files_standing_in) -> None:
    """Against a tenant whose files the suite was not given, the German error page a German browser is expected to get is
    the seed's localization's: a tenant's English page is its configuration, said so with how to give the suite its files,
    not a broken promise (as the heading of a layout that differs)."""
    from e2e.test_texts import require_error_page_heading
    from fixtures.causes import TENANT_CONFIGURATION, JourneyFailure

    policy = "B2C_1A_signup_signin"
    with pytest.raises(AssertionError, match="B2C's English, where its de translation was expected") as own:
        require_error_page_heading(policy, texts.ERROR_PAGE_HEADING, texts.ERROR_PAGE_HEADING, "de")
    assert not isinstance(own.value, JourneyFailure)
    with seed_files_standing_in(), pytest.raises(JourneyFailure) as stood_in:
        require_error_page_heading(policy, texts.ERROR_PAGE_HEADING, texts.ERROR_PAGE_HEADING, "de")
    assert texts.SEED_FILES_STOOD_IN in str(stood_in.value) and texts.READ_YOUR_FILES in str(stood_in.value)
    assert stood_in.value.cause.name == TENANT_CONFIGURATION


def test_the_languages_journey_expects_the_policys_own_english_social_intro_where_it_gives_one(policies: Path) -> None:
    """B2C shows a policy's own UxElement text in place of its default: e2e/test_languages.py holds the English sign-in page
    to that (a tenant whose policy says "Sign in with Mobile ID" there passes), and to B2C's default where the policy gives none."""
    from e2e.test_languages import SOCIAL_INTRO_EN, english_social_intro

    assert english_social_intro("B2C_1A_signup_signin") == SOCIAL_INTRO_EN
    assert english_social_intro("B2C_1_signupsignin") == SOCIAL_INTRO_EN  # a user flow: B2C's
    edit(policies / "TrustFrameworkLocalization.xml",
         '<LocalizedString ElementType="UxElement" StringId="social_intro">Sign in with your social account</LocalizedString>',
         '<LocalizedString ElementType="UxElement" StringId="social_intro">Sign in with Mobile ID</LocalizedString>')
    reread()
    assert english_social_intro("B2C_1A_signup_signin") == "Sign in with Mobile ID"
