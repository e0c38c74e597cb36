"""The starter pack's journey executed from its XML, over B2C's wire protocol (the seed's Mobile ID profile
pointed at the fake IdP): each kind of edit a team makes changes what the emulator does, and what the
emulator does not execute is refused when the journey reaches it, naming the file and element."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from fixtures.tokens import unverified_claims
from mocks.b2c.custom_policy import PolicyError
from mocks.b2c.settings import DEFAULT_TENANT_ID

from .fake_idp import ISSUER, FakeIdP, IdPBehaviour
from .support import B2C, POLICY, STARTER_PACKS, Landing, Page, authorize_url, input_type_edit, pack


def sign_up(h, **params: str):
    """A fresh sign-in (prompt=login, and ``params``) through the Mobile ID button: the browser and what it lands on."""
    browser = h.browser()
    page = browser.go(authorize_url(POLICY, prompt="login", more=params))
    assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup", getattr(page, "html", page)
    return browser, browser.choose(page, "MobileIDExchange")


def prefilled(sa) -> dict[str, str]:
    """The profile page's fields and the values they are prefilled with."""
    assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
    return {f["ID"]: f["PRE"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]}


def test_sign_up_then_sign_in_then_sso(start, tmp_path) -> None:
    h = start(policies=pack(tmp_path), idp=FakeIdP(IdPBehaviour(sub="returning")))
    browser, sa = sign_up(h)
    assert isinstance(sa, Page) and sa.api == "SelfAsserted"
    fields = {f["ID"]: (f["PRE"], f["IS_REQ"]) for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
    assert fields == {"displayName": ("+41791234567", False), "givenName": ("", False), "surname": ("", False)}
    assert browser.self_asserted(sa, {"displayName": "Hans", "givenName": "Hans", "surname": "Muster"}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing)
    [user] = h.tenant.directory.users()  # AAD-UserWriteUsingAlternativeSecurityId's PersistedClaims
    assert user.claims["displayName"] == "Hans" and user.claims["mailNickName"] == "unknown"
    assert user.claims["userPrincipalName"].startswith("cpim_") and user.claims["userPrincipalName"].endswith("@contoso.onmicrosoft.com")
    # A returning user: AAD-UserReadUsingAlternativeSecurityId-NoError finds them, no page.
    returning = h.browser()
    again = returning.go(authorize_url(POLICY, domain_hint="mobileid.ch", prompt="login"))
    assert isinstance(again, Landing) and again.params["id_token"]
    # SSO in the first browser: no IdP, no page.
    sso = browser.go(authorize_url(POLICY))
    assert isinstance(sso, Landing) and sso.params["id_token"]
    # SSO again and again, and silently, in each browser: the session an SSO run makes keeps the profiles of the one it
    # started from (the starter's preconditions skip them whole in an SSO run).
    for each in (browser, returning):
        for prompt in (None, None, "none"):
            signed_in = each.go(authorize_url(POLICY, prompt=prompt))
            assert isinstance(signed_in, Landing) and signed_in.params.get("id_token"), getattr(signed_in, "html", signed_in)
            assert unverified_claims(signed_in.params["id_token"])["sub"] == unverified_claims(sso.params["id_token"])["sub"]


def added_transformation(xml: str) -> tuple[str, str, str]:
    """An edit: ``xml``, a ClaimsTransformation, added to the extension policy's building blocks."""
    return ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", f"<BuildingBlocks><ClaimsTransformations>{xml}</ClaimsTransformations>")


def test_an_edited_claims_transformation_builds_the_display_name(start, tmp_path) -> None:
    transformation = """<ClaimsTransformation Id="CreateDisplayNameFromNames" TransformationMethod="FormatStringMultipleClaims">
        <InputClaims>
          <InputClaim ClaimTypeReferenceId="givenName" TransformationClaimType="inputClaim1" />
          <InputClaim ClaimTypeReferenceId="surname" TransformationClaimType="inputClaim2" />
        </InputClaims>
        <InputParameters><InputParameter Id="stringFormat" DataType="string" Value="{0} {1}" /></InputParameters>
        <OutputClaims><OutputClaim ClaimTypeReferenceId="displayName" TransformationClaimType="outputClaim" /></OutputClaims>
      </ClaimsTransformation>"""
    policies = pack(tmp_path, edits=[
        added_transformation(transformation),
        ("TrustFrameworkExtensions.xml", '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>',
         '<OutputClaim ClaimTypeReferenceId="givenName" PartnerClaimType="given_name"/>'
         '<OutputClaim ClaimTypeReferenceId="surname" PartnerClaimType="family_name"/>'),
        ("TrustFrameworkExtensions.xml", '<OutputClaimsTransformation ReferenceId="CreateRandomUPNUserName" />',
         '<OutputClaimsTransformation ReferenceId="CreateDisplayNameFromNames" /><OutputClaimsTransformation ReferenceId="CreateRandomUPNUserName" />'),
    ])
    _, sa = sign_up(start(policies=policies))
    assert prefilled(sa) == {"displayName": "Hans Muster", "givenName": "Hans", "surname": "Muster"}


def change_case(output: str) -> list[tuple[str, str, str]]:
    """Microsoft's ChangeCase example (string claims transformations: InputClaim inputClaim1, InputParameter toCase,
    OutputClaim outputClaim), its output's TransformationClaimType spelt ``output``, run on the Mobile ID profile's claims."""
    transformation = f"""<ClaimsTransformation Id="ChangeToLower" TransformationMethod="ChangeCase">
        <InputClaims><InputClaim ClaimTypeReferenceId="displayName" TransformationClaimType="inputClaim1" /></InputClaims>
        <InputParameters><InputParameter Id="toCase" DataType="string" Value="LOWER" /></InputParameters>
        <OutputClaims><OutputClaim ClaimTypeReferenceId="displayName" TransformationClaimType="{output}" /></OutputClaims>
      </ClaimsTransformation>"""
    return [added_transformation(transformation),
            ("TrustFrameworkExtensions.xml", '<OutputClaimsTransformation ReferenceId="CreateRandomUPNUserName" />',
             '<OutputClaimsTransformation ReferenceId="ChangeToLower" /><OutputClaimsTransformation ReferenceId="CreateRandomUPNUserName" />')]


@pytest.mark.parametrize("output", ["outputClaim", "OutputClaim"], ids=["as Microsoft's example", "its case aside"])
def test_microsofts_change_case_example_changes_the_case(start, tmp_path, output) -> None:
    """The emulator read ChangeCase's output as outputClaim1 and gave the claim nothing, without a word."""
    _, sa = sign_up(start(policies=pack(tmp_path, edits=change_case(output)), idp=FakeIdP(IdPBehaviour(claims={"name": "HANS MUSTER"}))))
    assert prefilled(sa)["displayName"] == "hans muster"


def test_a_name_a_claims_transformation_method_does_not_have_is_refused_at_load(tmp_path) -> None:
    """Run, the claim it names would get no value without a word (mocks/b2c/README.md, Decisions)."""
    with pytest.raises(PolicyError) as refused:
        pack(tmp_path, edits=change_case("outputClaim1"))
    assert str(refused.value).endswith(
        "TrustFrameworkExtensions.xml: ClaimsTransformation[@Id='ChangeToLower']: OutputClaim TransformationClaimType=\"outputClaim1\": "
        "ChangeCase takes outputClaim there (Microsoft's claims transformation articles); name it so"), refused.value


@pytest.mark.parametrize("resolving", [True, False], ids=["IncludeClaimResolvingInClaimsHandling", "without it"])
def test_claim_resolvers_are_filled_in_where_b2c_fills_them_in(start, tmp_path, resolving) -> None:
    """A technical profile's DefaultValue gets its claim resolver filled in only with IncludeClaimResolvingInClaimsHandling
    (Microsoft's technical-profile metadata; the starter pack sets it where it uses {OIDC:LoginHint}); a relying party
    claim's is filled in as the token is issued (the starter pack's tid)."""
    switch = '<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>' if resolving else ""
    policies = pack(tmp_path, edits=[
        ("TrustFrameworkExtensions.xml", '<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="mobileid.ch" />',
         '<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="{Policy:PolicyId}" />'),
        ("TrustFrameworkExtensions.xml", '<Item Key="ProviderName">Mobile-ID</Item>', f'<Item Key="ProviderName">Mobile-ID</Item>{switch}'),
    ])
    browser, sa = sign_up(start(policies=policies))
    assert browser.self_asserted(sa, {"displayName": "Hans"}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing), getattr(landing, "html", landing)
    claims = unverified_claims(landing.params["id_token"])
    assert claims["idp"] == (POLICY if resolving else "{Policy:PolicyId}")
    assert claims["tid"] == DEFAULT_TENANT_ID  # the relying party's {Policy:TenantObjectId}


MOBILE_ID_METADATA = '<Item Key="ProviderName">Mobile-ID</Item>'
ACR_CLAIM_TYPE = '<ClaimType Id="midAcr"><DisplayName>midAcr</DisplayName><DataType>string</DataType></ClaimType>'


def idp_input_claims(*claims: str, resolving: bool = True) -> list[tuple[str, str, str]]:
    """Edits: the Mobile ID technical profile sends ``claims`` (InputClaim elements) with its authorization request."""
    switch = '<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>' if resolving else ""
    return [("TrustFrameworkBase.xml", '<ClaimType Id="tenantId">', ACR_CLAIM_TYPE + '<ClaimType Id="tenantId">'),
            ("TrustFrameworkExtensions.xml", MOBILE_ID_METADATA, MOBILE_ID_METADATA + switch),
            ("TrustFrameworkExtensions.xml", "</CryptographicKeys>", f"</CryptographicKeys><InputClaims>{''.join(claims)}</InputClaims>")]


@pytest.mark.parametrize("resolving", [True, False], ids=["IncludeClaimResolvingInClaimsHandling", "without it"])
def test_an_identity_providers_input_claims_are_parameters_of_its_authorization_request(start, tmp_path, resolving) -> None:
    """oauth2-technical-profile and openid-connect-technical-profile, "Input claims": each is added to the request, named
    by its PartnerClaimType; a claim resolver is filled in only with IncludeClaimResolvingInClaimsHandling."""
    idp = FakeIdP()
    policies = pack(tmp_path, edits=idp_input_claims(
        '<InputClaim ClaimTypeReferenceId="midAcr" PartnerClaimType="acr_values" DefaultValue="mid_al3_any" />',
        '<InputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="prompt" DefaultValue="{OIDC:Prompt}" />',
        '<InputClaim ClaimTypeReferenceId="surname" PartnerClaimType="login_hint" />',  # no value yet: left out
        resolving=resolving))
    _, sa = sign_up(start(policies=policies, idp=idp))  # the app asks prompt=login
    assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
    sent = idp.authorize_requests[-1]
    assert (sent["acr_values"], sent["prompt"]) == ("mid_al3_any", "login" if resolving else "{OIDC:Prompt}")
    assert "login_hint" not in sent and sent["client_id"] == "b2c-client"  # B2C's own parameters stay


def test_the_transactions_correlation_id_reaches_the_identity_provider_from_a_claim_resolving_profile(start, tmp_path) -> None:
    idp = FakeIdP()
    policies = pack(tmp_path, edits=idp_input_claims(
        '<InputClaim ClaimTypeReferenceId="midAcr" PartnerClaimType="correlation_id" DefaultValue="{Context:CorrelationId}" />'))
    browser = start(policies=policies, idp=idp).browser()
    page = browser.go(authorize_url(POLICY, prompt="login"))
    assert isinstance(page, Page), page
    assert isinstance(browser.choose(page, "MobileIDExchange"), Page)
    assert idp.authorize_requests[-1]["correlation_id"] == page.settings["correlationId"]  # the one B2C's pages show


@pytest.mark.parametrize(("value", "sent"), [("mid_al4_any", "mid_al4_any"), ("{OIDC:LoginHint}", "{OIDC:LoginHint}")],
                         ids=["a value", "an OIDC resolver, which a transformation's InputParameter keeps as written"])
def test_an_identity_providers_input_claims_transformations_run_before_its_input_claims_are_read(start, tmp_path, value, sent) -> None:
    """Its InputClaimsTransformations first; their InputParameters get the policy's claim resolvers only (README)."""
    idp = FakeIdP()
    transformation = f"""<ClaimsTransformation Id="MidAcrValue" TransformationMethod="CreateStringClaim">
        <InputParameters><InputParameter Id="value" DataType="string" Value="{value}" /></InputParameters>
        <OutputClaims><OutputClaim ClaimTypeReferenceId="midAcr" TransformationClaimType="createdClaim" /></OutputClaims>
      </ClaimsTransformation>"""
    policies = pack(tmp_path, edits=[
        *idp_input_claims('<InputClaim ClaimTypeReferenceId="midAcr" PartnerClaimType="acr_values" />'),
        added_transformation(transformation),
        ("TrustFrameworkExtensions.xml", "</CryptographicKeys><InputClaims>",
         '</CryptographicKeys><InputClaimsTransformations><InputClaimsTransformation ReferenceId="MidAcrValue" />'
         "</InputClaimsTransformations><InputClaims>"),
    ])
    sign_up(start(policies=policies, idp=idp), login_hint="hint-4711")
    assert idp.authorize_requests[-1]["acr_values"] == sent


def test_a_profile_the_emulator_does_not_execute_is_not_checked_for_its_claim_resolvers(tmp_path) -> None:
    """A REST API call with {Context:IPAddress} loads: a journey that reaches it is refused then, naming it."""
    rest = """<TechnicalProfile Id="REST-Audit"><DisplayName>Audit</DisplayName>
        <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
        <Metadata><Item Key="ServiceUrl">https://audit.example/log</Item><Item Key="AuthenticationType">None</Item>
          <Item Key="SendClaimsIn">Body</Item><Item Key="IncludeClaimResolvingInClaimsHandling">true</Item></Metadata>
        <InputClaims><InputClaim ClaimTypeReferenceId="midAcr" DefaultValue="{Context:IPAddress}" /></InputClaims>
      </TechnicalProfile>"""
    [policy] = pack(tmp_path, edits=[
        *idp_input_claims(resolving=False),
        ("TrustFrameworkExtensions.xml", '<TechnicalProfile Id="MobileID-OAuth2">', rest + '<TechnicalProfile Id="MobileID-OAuth2">'),
        ("TrustFrameworkBase.xml", '<ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingAlternativeSecurityId" />',
         '<ValidationTechnicalProfile ReferenceId="REST-Audit" /><ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingAlternativeSecurityId" />'),
    ])
    assert policy.journey is not None and policy.journey.profiles["REST-Audit"].not_executed


def test_an_identity_provider_input_claim_named_as_b2cs_own_parameter_is_refused(tmp_path) -> None:
    """What B2C sends when a policy names client_id (or another parameter it sets itself) twice is not documented."""
    edits = idp_input_claims('<InputClaim ClaimTypeReferenceId="midAcr" PartnerClaimType="client_id" DefaultValue="x" />')
    with pytest.raises(PolicyError, match=r"InputClaim\[@ClaimTypeReferenceId='midAcr'\].*sends 'client_id' to the identity provider, "
                                          r"which B2C's request already carries"):
        pack(tmp_path, edits=edits)


def test_a_claim_resolver_the_emulator_does_not_fill_in_is_refused_in_a_claim_resolving_profile(tmp_path) -> None:
    edits = idp_input_claims('<InputClaim ClaimTypeReferenceId="midAcr" DefaultValue="{Context:IPAddress}" />')
    with pytest.raises(PolicyError, match=r"MobileID-OAuth2.*InputClaim\[@ClaimTypeReferenceId='midAcr'\].*"
                                          r"\{Context:IPAddress\} is not one the emulator fills in"):
        pack(tmp_path, edits=edits)
    pack(tmp_path / "quiet", edits=idp_input_claims('<InputClaim ClaimTypeReferenceId="midAcr" DefaultValue="{Context:IPAddress}" />',
                                                    resolving=False))  # B2C sends the text as written: so does the emulator


def test_an_identity_providers_output_claim_takes_the_apps_request_where_it_resolves_claims(start, tmp_path) -> None:
    """A DefaultValue of the identity provider's own OutputClaims, filled in as its answer is mapped."""
    policies = pack(tmp_path, edits=[
        ("TrustFrameworkExtensions.xml", MOBILE_ID_METADATA, MOBILE_ID_METADATA + '<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>'),
        ("TrustFrameworkExtensions.xml", '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>',
         '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/><OutputClaim ClaimTypeReferenceId="surname" DefaultValue="{OIDC:LoginHint}" />'),
    ])
    _, sa = sign_up(start(policies=policies), login_hint="hint-4711")
    assert prefilled(sa)["surname"] == "hint-4711"


def test_a_login_hint_resolver_prefills_the_profile_page_from_the_apps_request(start, tmp_path) -> None:
    """{OIDC:LoginHint} in a self-asserted profile that resolves claims (the starter pack's local sign-in page does it)."""
    policies = pack(tmp_path, edits=[
        ("TrustFrameworkBase.xml", '<Item Key="ContentDefinitionReferenceId">api.socialccountsignup</Item>',
         '<Item Key="ContentDefinitionReferenceId">api.socialccountsignup</Item><Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>'),
        ("TrustFrameworkBase.xml", '<InputClaim ClaimTypeReferenceId="surname" />',
         '<InputClaim ClaimTypeReferenceId="surname" DefaultValue="{OIDC:LoginHint}" AlwaysUseDefaultValue="true" />'),
    ])
    _, sa = sign_up(start(policies=policies), login_hint="hint-4711")
    assert prefilled(sa)["surname"] == "hint-4711"


def test_a_removed_step_is_not_run(start, tmp_path) -> None:
    # The team drops the SelfAsserted-Social step: step 6 writes the user without asking. In a journey of an Id of its own, as
    # Microsoft's "Add a user journey" names the copy: under the base's Id, B2C would add ReadAgain to the base's step 4, which
    # then has two claims exchanges and no selection before it, and refuse the upload.
    policies = pack(tmp_path, edits=[("TrustFrameworkExtensions.xml", '<UserJourney Id="SignUpOrSignIn">', '<UserJourney Id="CustomSignUpSignIn">'),
                                     ("SignUpOrSignin.xml", '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />',
                                      '<DefaultUserJourney ReferenceId="CustomSignUpSignIn" />'),
                                     ("TrustFrameworkExtensions.xml",
                                      '<ClaimsExchange Id="SelfAsserted-Social" TechnicalProfileReferenceId="SelfAsserted-Social" />',
                                      '<ClaimsExchange Id="ReadAgain" TechnicalProfileReferenceId="AAD-UserReadUsingAlternativeSecurityId-NoError" />')])
    h = start(policies=policies)
    _, result = sign_up(h)
    assert isinstance(result, Landing) and result.params["id_token"]
    [user] = h.tenant.directory.users()
    assert user.claims["displayName"] == "+41791234567"


def test_the_local_account_form_says_the_emulator_does_not_run_it_without_a_b2c_code(start, tmp_path) -> None:
    """Its answer carried AADB2C90053 ("A user with the specified credential could not be found") beside the emulator's
    own words: a tenant runs the step, so B2C has no code for it."""
    h = start(policies=pack(tmp_path, "SocialAndLocalAccounts"))
    browser = h.browser()
    page = browser.go(authorize_url(POLICY, prompt="login"))
    assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup", getattr(page, "html", page)
    answer = browser.self_asserted(page, {"signInName": "someone@example.com", "password": "secret"}).json()
    assert answer["status"] == "400" and "errorCode" not in answer, answer
    assert answer["message"].startswith("Not executed by the B2C emulator (policies/README.md): "), answer


def test_mfa_is_refused_when_the_journey_reaches_it(start, tmp_path) -> None:
    h = start(policies=pack(tmp_path, "SocialAndLocalAccountsWithMfa"))
    browser, sa = sign_up(h)
    assert isinstance(sa, Page) and sa.api == "SelfAsserted"  # steps 1-4 run
    assert browser.self_asserted(sa, {"displayName": "Hans", "givenName": "", "surname": ""}).json() == {"status": "200"}
    refused = browser.confirmed(sa)
    assert isinstance(refused, Page) and refused.api == "GlobalException"
    # The emulator's words, not B2C's AADB2C90046 ("trouble loading your current state", which sent people to their cookies),
    # naming the policy and the step it does not run
    assert refused.error_detail().startswith("Not executed by the B2C emulator (policies/README.md): "), refused.error_detail()
    assert "AADB2C" not in refused.error_detail()
    assert refused.error_detail().endswith("[B2C_1A_signup_signin, user journey SignUpOrSignIn, orchestration step 7 (ClaimsExchange)]")
    # Said plainly: where real B2C would show its MFA page, and what to change (the pack's own comment on steps 7 and 8)
    assert "TrustFrameworkBase.xml: TechnicalProfile[@Id='PhoneFactor-InputOrVerify']: MFA (phone verification" in refused.error_detail()
    assert "real B2C shows its MFA page" in refused.error_detail() and "remove the MFA steps" in refused.error_detail()


# A relying party's session and telemetry settings, as teams write them (MicrosoftDocs' relyingparty.md), in the schema's order.
BEHAVIOURS = ('<UserJourneyBehaviors><SingleSignOn Scope="Tenant" KeepAliveInDays="30" /><SessionExpiryType>Absolute</SessionExpiryType>'
              '<SessionExpiryInSeconds>900</SessionExpiryInSeconds><JourneyInsights TelemetryEngine="ApplicationInsights" '
              'InstrumentationKey="00000000-0000-0000-0000-000000000000" DeveloperMode="true" ClientEnabled="false" ServerEnabled="true" '
              'TelemetryVersion="1.0.0" /><ContentDefinitionParameters><Parameter Name="campaignId">{OAUTH-KV:campaignId}</Parameter>'
              '</ContentDefinitionParameters><ScriptExecution>Allow</ScriptExecution></UserJourneyBehaviors>')


def test_a_relying_partys_session_and_telemetry_settings_are_left_alone(start, tmp_path) -> None:
    """mocks/b2c/README.md: the relying party's SessionExpiryType, SessionExpiryInSeconds, KeepAliveInDays, JourneyInsights,
    ScriptExecution and ContentDefinitionParameters are not read: the policy loads and its journey runs as without them."""
    policies = pack(tmp_path, edits=[("SignUpOrSignin.xml", '</Endpoints>', f'</Endpoints>{BEHAVIOURS}')])
    _, sa = sign_up(start(policies=policies))
    assert "displayName" in prefilled(sa)


SIGN_IN_NAME = '<InputClaim ClaimTypeReferenceId="signInName" DefaultValue="{OIDC:LoginHint}" AlwaysUseDefaultValue="true" />'
RESOLVING = '<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>'


@pytest.mark.parametrize(("edits", "prefilled"), [
    ([], "alice@example.com"),
    ([("TrustFrameworkBase.xml", SIGN_IN_NAME, "")], None),  # a local sign-in page without it: the app's hint goes nowhere
    ([("TrustFrameworkBase.xml", f"<Item Key=\"ContentDefinitionReferenceId\">api.localaccountsignin</Item>\n            {RESOLVING}",
       '<Item Key="ContentDefinitionReferenceId">api.localaccountsignin</Item>')], "{OIDC:LoginHint}"),  # left as written
], ids=["starter pack", "without the input claim", "without claim resolving"])
def test_the_local_sign_in_name_is_prefilled_as_the_policy_says(start, tmp_path, edits, prefilled) -> None:
    """Reference b2c.md: login_hint prefills the sign-in name where the custom policy's local sign-in profile has
    ``<InputClaim ClaimTypeReferenceId="signInName" DefaultValue="{OIDC:LoginHint}"/>`` (the starter pack's); the emulator
    prefilled it from the app's request whatever the policy said."""
    h = start(policies=pack(tmp_path, edits=edits))
    page = h.browser().go(authorize_url(POLICY, login_hint="alice@example.com"))
    assert page.settings["localAccount"] == {"field": "signInName", "loginHint": prefilled}


def test_the_local_sign_in_names_claim_resolvers_are_the_journeys(start, tmp_path) -> None:
    """The sign-in name's DefaultValue is filled in with every resolver the journey's steps get: {Context:CorrelationId}
    too, the transaction's (the one the page shows)."""
    h = start(policies=pack(tmp_path, edits=[("TrustFrameworkBase.xml", SIGN_IN_NAME, SIGN_IN_NAME.replace("{OIDC:LoginHint}", "{Context:CorrelationId}"))]))
    page = h.browser().go(authorize_url(POLICY))
    assert page.settings["localAccount"]["loginHint"] == page.settings["correlationId"] != ""


def test_a_user_flows_local_sign_in_name_is_the_apps_login_hint(shared) -> None:
    page = shared.browser().go(authorize_url(login_hint="alice@example.com"))
    assert page.settings["localAccount"] == {"field": "email", "loginHint": "alice@example.com"}


def test_local_sign_up_and_sign_in_are_refused_only_when_picked(start, tmp_path) -> None:
    h = start(policies=pack(tmp_path))
    browser = h.browser()
    page = browser.go(authorize_url(POLICY))
    assert "localAccount" in page.settings  # the form is there, as the policy says
    s = page.settings
    answer = browser.self_asserted(page, {"signInName": "a@example.com", "password": "x"})
    assert answer.json()["status"] == "400" and "SelfAsserted-LocalAccountSignin-Email" in answer.json()["message"]
    signup = browser.go(f"https://contoso.b2clogin.com{s['hosts']['tenant']}/api/{s['api']}/unified?local=signup"
                        f"&csrf_token={s['csrf']}&tx={s['transId']}&p={s['hosts']['policy']}")
    assert isinstance(signup, Page) and "LocalAccountSignUpWithLogonEmail" in signup.html and "local-account page" in signup.html


@pytest.mark.parametrize(("binding", "token_method"), [("POST", "POST"), ("GET", "GET"), (None, "POST")], ids=["POST", "GET", "unset"])
def test_http_binding_is_how_b2c_calls_the_token_endpoint_and_the_claims_endpoint_is_always_called_with_get(
        start, tmp_path, binding: str | None, token_method: str) -> None:
    """oauth2-technical-profile (ms.date 11/30/2021): HttpBinding is "the expected HTTP binding to the token endpoint" (POST by
    default; GET puts the parameters and, with client_secret_post, the client's credentials in the query string), and "the
    request to the user info endpoint is always HTTP GET", whatever the binding (the seed's POST included). The IdP answers
    with response_mode, form_post unless the profile says otherwise."""
    idp = FakeIdP()
    edit = ("TrustFrameworkExtensions.xml", '<Item Key="HttpBinding">POST</Item>', f'<Item Key="HttpBinding">{binding}</Item>' if binding else "")
    h = start(policies=pack(tmp_path, edits=[edit]), idp=idp)
    browser, sa = sign_up(h)
    assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
    assert idp.authorize_requests[-1]["response_mode"] == "form_post"
    token = idp.token_requests[-1]
    assert token["method"] == token_method, token
    assert token["form"]["grant_type"] == "authorization_code" and token["form"]["client_id"] == "b2c-client" and token["form"]["code"]
    assert idp.userinfo_requests[-1]["method"] == "GET" and idp.userinfo_requests[-1]["authorization"].startswith("Bearer ")


GET_BINDING = ("TrustFrameworkExtensions.xml", '<Item Key="HttpBinding">POST</Item>', '<Item Key="HttpBinding">GET</Item>')
BASIC_AUTH = ("TrustFrameworkExtensions.xml", '<Item Key="token_endpoint_auth_method">client_secret_post</Item>',
              '<Item Key="token_endpoint_auth_method">client_secret_basic</Item>')


def test_a_get_token_request_with_basic_authentication_keeps_the_secret_out_of_the_query(start, tmp_path) -> None:
    idp = FakeIdP(IdPBehaviour(auth_method="client_secret_basic"))
    h = start(policies=pack(tmp_path, edits=[GET_BINDING, BASIC_AUTH]), idp=idp)
    _, sa = sign_up(h)
    assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
    token = idp.token_requests[-1]
    assert token["method"] == "GET" and token["authorization"].startswith("Basic ") and "client_secret" not in token["form"]


def test_a_get_token_request_the_identity_provider_refuses_is_reported_as_a_post_one_is(start, tmp_path) -> None:
    """The refusal's words are the POST's (tests/b2c/test_journey.py): AADB2C90289 quoting the IdP's OAuth error."""
    h = start(policies=pack(tmp_path, edits=[GET_BINDING]), idp=FakeIdP(IdPBehaviour(client_secret="another-secret")))
    _, answer = sign_up(h)
    assert isinstance(answer, Landing), getattr(answer, "html", answer)
    assert answer.params["error"] == "server_error"
    assert answer.params["error_description"].startswith("AADB2C90289: We encountered an 'invalid_client' error connecting to the identity provider.")


def test_the_claims_endpoints_query_string_is_named_as_the_profile_says(start, tmp_path) -> None:
    """oauth2-technical-profile: ClaimsEndpointAccessTokenName names the access token's query string parameter (default
    access_token); ClaimsEndpointFormatName and ClaimsEndpointFormat add one more (its example: format=json)."""
    idp = FakeIdP()
    edit = ("TrustFrameworkExtensions.xml", '<Item Key="BearerTokenTransmissionMethod">AuthorizationHeader</Item>',
            '<Item Key="BearerTokenTransmissionMethod">QueryString</Item><Item Key="ClaimsEndpointAccessTokenName">token</Item>'
            '<Item Key="ClaimsEndpointFormatName">format</Item><Item Key="ClaimsEndpointFormat">json</Item>')
    h = start(policies=pack(tmp_path, edits=[edit]), idp=idp)
    sign_up(h)  # the fake IdP reads no "token" parameter: what it was sent is the point
    [request] = idp.userinfo_requests
    assert request["method"] == "GET" and request["authorization"] is None
    assert sorted(request["query"]) == ["format", "token"] and request["query"]["format"] == "json"
    assert request["query"]["token"].startswith("at-")


def test_only_input_claims_prefill_the_profile_page(start, tmp_path) -> None:
    """The starter pack's rule: a claim in OutputClaims but not InputClaims is asked for with an empty value."""
    edit = ("TrustFrameworkBase.xml", '<InputClaim ClaimTypeReferenceId="displayName" />', "")
    h = start(policies=pack(tmp_path, edits=[edit]), idp=FakeIdP(IdPBehaviour(sub="unprefilled")))
    _, sa = sign_up(h)
    assert prefilled(sa) == {"displayName": "", "givenName": "", "surname": ""}


def test_a_claim_resolving_switch_that_is_not_a_boolean_is_refused_on_any_profile(tmp_path) -> None:
    """B2C's upload refuses it whatever kind of technical profile carries it (not only identity providers)."""
    edit = ("TrustFrameworkBase.xml", '<Item Key="ContentDefinitionReferenceId">api.socialccountsignup</Item>',
            '<Item Key="ContentDefinitionReferenceId">api.socialccountsignup</Item>'
            '<Item Key="IncludeClaimResolvingInClaimsHandling">maybe</Item>')
    # Named as the upload of the file that holds it fails: the base policy's, not the relying party's.
    with pytest.raises(PolicyError, match=r'TechnicalProfile "SelfAsserted-Social" in policy "B2C_1A_TrustFrameworkBase" .* invalid value "maybe"'):
        pack(tmp_path, edits=[edit])


def test_a_field_drawn_otherwise_than_a_text_box_is_refused_when_the_page_would_ask_for_it(start, tmp_path) -> None:
    """B2C draws each self-asserted field by its UserInputType; the emulator draws text and email boxes only, so a
    dropdown is refused naming the claim, not drawn as a text box a journey could fill where a person cannot."""
    h = start(policies=pack(tmp_path, edits=[input_type_edit("DropdownSingleSelect")]))
    _, refused = sign_up(h)
    assert isinstance(refused, Page) and refused.api == "GlobalException", refused
    assert "Not executed by the B2C emulator" in refused.error_detail()
    assert "givenName (DropdownSingleSelect)" in refused.error_detail() and "TextBox and EmailBox fields only" in refused.error_detail()


def test_an_email_box_is_drawn_as_one(start, tmp_path) -> None:
    h = start(policies=pack(tmp_path, edits=[input_type_edit("EmailBox")]))
    _, page = sign_up(h)
    assert isinstance(page, Page) and page.api == "SelfAsserted", page
    fields = {f["ID"]: f["UX_INPUT_TYPE"] for f in page.settings["SA_FIELDS"]["AttributeFields"]}
    assert fields["givenName"] == "EmailBox" and fields["displayName"] == "TextBox", fields


def test_a_second_click_on_the_provider_starts_its_exchange_again(start, tmp_path) -> None:
    """Clicked twice (or Back, then clicked) while Mobile ID's answer is awaited: the exchange starts again, as a user
    flow's does, and the journey goes on from the answer that comes."""
    h = start(policies=pack(tmp_path), idp=FakeIdP(IdPBehaviour(sub="twice")))
    browser = h.browser()
    page = browser.go(authorize_url(POLICY, prompt="login"))
    assert isinstance(page, Page), page
    s = page.settings
    query = urlencode({"claimsexchange": "MobileIDExchange", "csrf_token": s["csrf"], "tx": s["transId"], "p": s["hosts"]["policy"]})
    first = browser.request("GET", f"{B2C}{s['hosts']['tenant']}/api/{s['api']}/unified?{query}")
    assert first.status_code == 302 and first.headers["location"].startswith(ISSUER), first.text[:300]  # to Mobile ID
    again = browser.choose(page, "MobileIDExchange")
    assert isinstance(again, Page) and again.api == "SelfAsserted", getattr(again, "html", again)
    # Once the provider's answer came, the choice is made: a further click is B2C's AADB2C90046.
    late = browser.choose(page, "MobileIDExchange")
    assert isinstance(late, Page) and "AADB2C90046" in late.html, getattr(late, "html", late)


def test_the_profile_page_posted_twice_keeps_its_answer_and_may_still_be_cancelled(start, tmp_path) -> None:
    """A double click on Continue: the second post gets the first's answer (not the local sign-in's "can't find your
    account"); Cancel on the page after its answer still sends the app AADB2C90091, as a user flow's does."""
    h = start(policies=pack(tmp_path), idp=FakeIdP(IdPBehaviour(sub="double")))
    browser, sa = sign_up(h)
    values = prefilled(sa)
    assert browser.self_asserted(sa, values).json() == {"status": "200"}
    assert browser.self_asserted(sa, values).json() == {"status": "200"}
    cancelled = browser.confirmed(sa, action="cancelled")
    assert isinstance(cancelled, Landing) and cancelled.params["error_description"].startswith("AADB2C90091"), cancelled


def test_a_validation_profile_listed_again_in_the_extensions_runs_again_as_b2c_runs_it(tmp_path, start) -> None:
    """The extensions list a check before the base's directory write, and the write again to order it: B2C appends the
    extensions' list to the base's, so the write runs twice and the second finds the user (azure-ad-b2c/samples#452,
    "You are already registered"). The emulator ran it once: a sign-up passed locally that a tenant refuses."""
    write = "AAD-UserWriteUsingAlternativeSecurityId"
    check = "AAD-UserReadUsingAlternativeSecurityId-NoError"
    override = (f'<ClaimsProvider><DisplayName>Checks</DisplayName><TechnicalProfiles><TechnicalProfile Id="SelfAsserted-Social">'
                f'<ValidationTechnicalProfiles><ValidationTechnicalProfile ReferenceId="{check}" />'
                f'<ValidationTechnicalProfile ReferenceId="{write}" /></ValidationTechnicalProfiles>'
                "</TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>")
    policies = pack(tmp_path, edits=[("TrustFrameworkExtensions.xml", "</ClaimsProviders>", override)])
    [policy] = policies
    assert policy.journey is not None and policy.journey.profiles["SelfAsserted-Social"].validation_profiles == (write, check, write)
    browser, page = sign_up(start(policies=policies))
    answer = browser.self_asserted(page, {"displayName": "Hans", "givenName": "Hans", "surname": "Muster"}).json()
    assert (answer["status"], answer.get("errorCode")) == ("400", "AADB2C90001"), answer  # the second write: the user exists


TEAM_CHECK = """<ClaimsProvider><DisplayName>Checks</DisplayName><TechnicalProfiles>
  <TechnicalProfile Id="Team-Check"><DisplayName>Team check</DisplayName>
    <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
    <OutputClaims><OutputClaim ClaimTypeReferenceId="teamAllows" DefaultValue="false" AlwaysUseDefaultValue="true" /></OutputClaims>
    <OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="AssertTeamAllows" /></OutputClaimsTransformations>
  </TechnicalProfile>
  <TechnicalProfile Id="SelfAsserted-Social">{metadata}
    <ValidationTechnicalProfiles><ValidationTechnicalProfile ReferenceId="Team-Check" /></ValidationTechnicalProfiles>
  </TechnicalProfile>
</TechnicalProfiles></ClaimsProvider></ClaimsProviders>"""
TEAM_ASSERTION = """<BuildingBlocks><ClaimsSchema><ClaimType Id="teamAllows"><DisplayName>Team allows</DisplayName><DataType>boolean</DataType></ClaimType></ClaimsSchema>
  <ClaimsTransformations><ClaimsTransformation Id="AssertTeamAllows" TransformationMethod="AssertBooleanClaimIsEqualToValue">
    <InputClaims><InputClaim ClaimTypeReferenceId="teamAllows" TransformationClaimType="inputClaim" /></InputClaims>
    <InputParameters><InputParameter Id="valueToCompareTo" DataType="boolean" Value="true" /></InputParameters>
  </ClaimsTransformation></ClaimsTransformations>"""


@pytest.mark.parametrize(("metadata", "expected"), [
    ('<Metadata><Item Key="UserMessageIfClaimsTransformationBooleanValueIsNotEqual">Team says no.</Item></Metadata>',
     {"status": "400", "message": "Team says no."}),
    # Without its words B2C's own are not documented: the emulator's internal error, as before.
    ("", {"status": "400", "errorCode": "AADB2C90085", "message": "The service has encountered an internal error. Please reauthenticate and try again."}),
], ids=["the page's words", "none"])
def test_a_failed_boolean_assertion_of_a_validation_profile_shows_the_profile_pages_own_words(tmp_path, start, metadata, expected) -> None:
    """AssertBooleanClaimIsEqualToValue failing on the profile page: B2C shows the self-asserted profile's
    UserMessageIfClaimsTransformationBooleanValueIsNotEqual (boolean-transformations), not an AADB2C error."""
    policies = pack(tmp_path, edits=[("TrustFrameworkExtensions.xml", "<BuildingBlocks>", TEAM_ASSERTION),
                                     ("TrustFrameworkExtensions.xml", "</ClaimsProviders>", TEAM_CHECK.format(metadata=metadata))])
    browser, page = sign_up(start(policies=policies))
    assert browser.self_asserted(page, {"displayName": "Hans", "givenName": "Hans", "surname": "Muster"}).json() == expected


def test_single_sign_on_skips_an_identity_provider_whose_session_manager_ran_in_the_session(start, tmp_path) -> None:
    """Without the starter's precondition on step 2, SSO still does not send the user back to Mobile ID: its profile's
    session manager (SM-SocialLogin) ran in the session, and B2C skips a profile whose session manager has it."""
    step_2 = ('<OrchestrationStep Order="2" Type="ClaimsExchange">\n          <Preconditions>\n            <Precondition Type="ClaimsExist" '
              'ExecuteActionsIf="true">\n              <Value>objectId</Value>\n              <Action>SkipThisOrchestrationStep</Action>\n'
              '            </Precondition>\n          </Preconditions>')
    h = start(policies=pack(tmp_path, edits=[("TrustFrameworkExtensions.xml", step_2, '<OrchestrationStep Order="2" Type="ClaimsExchange">')]))
    browser = h.browser()
    signed_up = h.sign_up(browser, authorize_url(POLICY, prompt="login"), exchange="MobileIDExchange")
    assert len(h.idp.authorize_requests) == 1
    sso = browser.go(authorize_url(POLICY))
    assert isinstance(sso, Landing) and sso.params["id_token"]
    assert len(h.idp.authorize_requests) == 1  # no second trip to the identity provider
    assert unverified_claims(sso.params["id_token"])["sub"] == unverified_claims(signed_up.params["id_token"])["sub"]


def test_a_required_output_claim_of_the_profile_page_must_be_filled_in(start, tmp_path) -> None:
    """SelfAsserted-Social's displayName made Required: the page marks it, and B2C refuses the page's answer without it."""
    required = ("TrustFrameworkBase.xml", '<OutputClaim ClaimTypeReferenceId="displayName" />\n            <OutputClaim ClaimTypeReferenceId="givenName" />',
                '<OutputClaim ClaimTypeReferenceId="displayName" Required="true" />\n            <OutputClaim ClaimTypeReferenceId="givenName" />')
    browser, sa = sign_up(start(policies=pack(tmp_path, edits=[required])))
    assert {f["ID"]: f["IS_REQ"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]} == {"displayName": True, "givenName": False, "surname": False}
    missing = browser.self_asserted(sa, {"displayName": " ", "givenName": "Hans", "surname": "Muster"})
    assert missing.json() == {"status": "400", "message": "A required field is missing. Please fill out all required fields and try again."}
    assert browser.self_asserted(sa, {"displayName": "Hans", "givenName": "Hans", "surname": "Muster"}).json() == {"status": "200"}


EXTENSION_CLAIM = ('<BuildingBlocks><ClaimsSchema><ClaimType Id="extension_mobile"><DisplayName>Mobile number</DisplayName>'
                   '<DataType>string</DataType></ClaimType></ClaimsSchema>')
EXTENSION_EDITS = [  # Mobile ID's phone_number kept on the user as an extension attribute, and read back on sign-in
    ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", EXTENSION_CLAIM),
    ("TrustFrameworkExtensions.xml", '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>',
     '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>'
     '<OutputClaim ClaimTypeReferenceId="extension_mobile" PartnerClaimType="phone_number"/>'),
    ("TrustFrameworkExtensions.xml", "</ClaimsProviders>", """<ClaimsProvider><DisplayName>Azure Active Directory</DisplayName><TechnicalProfiles>
      <TechnicalProfile Id="AAD-UserWriteUsingAlternativeSecurityId"><PersistedClaims>
        <PersistedClaim ClaimTypeReferenceId="extension_mobile" /></PersistedClaims></TechnicalProfile>
      <TechnicalProfile Id="AAD-UserReadUsingAlternativeSecurityId-NoError"><OutputClaims>
        <OutputClaim ClaimTypeReferenceId="extension_mobile" /></OutputClaims></TechnicalProfile>
      </TechnicalProfiles></ClaimsProvider></ClaimsProviders>"""),
    ("SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="identityProvider" />',
     '<OutputClaim ClaimTypeReferenceId="identityProvider" /><OutputClaim ClaimTypeReferenceId="extension_mobile" PartnerClaimType="phone_number" />'),
]
EXTENSIONS_APP = ("TrustFrameworkExtensions.xml", "<ClaimsProvider><DisplayName>Azure Active Directory</DisplayName><TechnicalProfiles>",
                  '<ClaimsProvider><DisplayName>Azure Active Directory</DisplayName><TechnicalProfiles><TechnicalProfile Id="AAD-Common">'
                  '<Metadata><Item Key="ClientId">11111111-1111-1111-1111-111111111111</Item>'
                  '<Item Key="ApplicationObjectId">22222222-2222-2222-2222-222222222222</Item></Metadata></TechnicalProfile>')


def test_an_extension_attribute_needs_the_extensions_apps_ids_as_b2c_requires(start, tmp_path) -> None:
    """A custom attribute (``extension_...``) persisted to the directory: B2C's upload refuses a directory profile that reads
    or writes one without the b2c-extensions-app's ApplicationObjectId in AAD-Common (azure-ad-b2c/samples#218, #391;
    Microsoft's custom-policy-custom-attributes article); the emulator stored it anyway. With the ids, it is kept on the
    user and read back at the next sign-in."""
    with pytest.raises(PolicyError) as refused:
        pack(tmp_path / "without", edits=EXTENSION_EDITS)
    assert ('A required Metadata item with key "ApplicationObjectId" was not found in the TechnicalProfile with id '
            '"AAD-UserWriteUsingAlternativeSecurityId" in policy "B2C_1A_signup_signin" of tenant "contoso.onmicrosoft.com".') in str(refused.value)
    assert "extension_mobile is an extension attribute" in str(refused.value) and "AAD-Common" in str(refused.value)
    claims = {"name": "+41791234567", "given_name": "Hans", "family_name": "Muster", "phone_number": "+41791234567"}
    h = start(policies=pack(tmp_path / "with", edits=[*EXTENSION_EDITS, EXTENSIONS_APP]), idp=FakeIdP(IdPBehaviour(sub="returning", claims=claims)))
    browser, sa = sign_up(h)
    assert browser.self_asserted(sa, {"displayName": "Hans", "givenName": "Hans", "surname": "Muster"}).json() == {"status": "200"}
    assert isinstance(browser.confirmed(sa), Landing)
    [user] = h.tenant.directory.users()
    assert user.claims["extension_mobile"] == "+41791234567"
    h.idp.behaviour.claims.pop("phone_number")  # the next sign-in's phone number comes from the directory alone
    again = h.browser().go(authorize_url(POLICY, domain_hint="mobileid.ch", prompt="login"))
    assert isinstance(again, Landing) and unverified_claims(again.params["id_token"])["phone_number"] == "+41791234567"


def test_a_sub_claim_without_a_value_is_refused_not_replaced_by_the_object_id(start, tmp_path) -> None:
    """The relying party outputs Mobile ID's own user id (issuerUserId) as sub and objectId as oid: the sign-up's token
    carries them so. An SSO run skips Mobile ID and has only what the session managers persisted (SM-SocialLogin:
    alternativeSecurityId), so issuerUserId has no value: the emulator put the object id in sub, silently, a token that is
    not the relying party's output claims; it now says so, where the journey sends its claims."""
    policies = pack(tmp_path, edits=[("SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>',
                                      '<OutputClaim ClaimTypeReferenceId="objectId" /><OutputClaim ClaimTypeReferenceId="issuerUserId" PartnerClaimType="sub"/>')])
    h = start(policies=policies, idp=FakeIdP(IdPBehaviour(sub="mobile-id-user")))
    browser = h.browser()
    signed_up = h.sign_up(browser, authorize_url(POLICY, prompt="login"), exchange="MobileIDExchange")
    claims = unverified_claims(signed_up.params["id_token"])
    assert claims["sub"] == "mobile-id-user" and claims["oid"] == h.tenant.directory.users()[0].object_id
    sso = browser.go(authorize_url(POLICY))
    assert isinstance(sso, Page), sso
    detail = sso.error_detail()
    assert "Not executed by the B2C emulator" in detail and "the claim output as sub (issuerUserId) has no value in this run" in detail


# A claim type of DataType int, for a relying party's DefaultValue (the Extensions' BuildingBlocks are empty in the pack).
LEVEL = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", '<BuildingBlocks><ClaimsSchema><ClaimType Id="loyaltyLevel">'
         "<DisplayName>Level</DisplayName><DataType>int</DataType></ClaimType></ClaimsSchema>")
TYPED_OUTPUTS = ("SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="tenantId"',
                 '<OutputClaim ClaimTypeReferenceId="executed-SelfAsserted-Input" /><OutputClaim ClaimTypeReferenceId="newUser" '
                 'DefaultValue="false" /><OutputClaim ClaimTypeReferenceId="loyaltyLevel" DefaultValue="3" />'
                 '<OutputClaim ClaimTypeReferenceId="tenantId"')


def test_a_default_value_is_its_claim_types_data_type_in_the_token(start, tmp_path) -> None:
    """A DefaultValue is a value of its claim type's DataType: the starter pack's executed-SelfAsserted-Input (DataType string,
    DefaultValue "true" on SelfAsserted-Social) stays the string "true", a boolean's "false" (the relying party's newUser on a
    sign-in) is a JSON Boolean, an int's "3" a number. The emulator made every "true" and "false" of a step's DefaultValue a
    Boolean, whatever the type, and left the relying party's own DefaultValues strings."""
    h = start(policies=pack(tmp_path, edits=[LEVEL, TYPED_OUTPUTS]), idp=FakeIdP(IdPBehaviour(sub="returning")))
    browser, sa = sign_up(h)
    assert browser.self_asserted(sa, {"displayName": "Hans", "givenName": "Hans", "surname": "Muster"}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing)
    claims = unverified_claims(landing.params["id_token"])
    assert claims["executed-SelfAsserted-Input"] == "true" and claims["newUser"] is True and claims["loyaltyLevel"] == 3, claims
    returning = h.browser().go(authorize_url(POLICY, domain_hint="mobileid.ch", prompt="login"))
    assert isinstance(returning, Landing)
    claims = unverified_claims(returning.params["id_token"])
    assert "executed-SelfAsserted-Input" not in claims and claims["newUser"] is False and claims["loyaltyLevel"] == 3, claims


@pytest.mark.parametrize(("value", "data_type", "typed"), [
    ("true", "boolean", True), ("False", "boolean", False), ("true", "string", "true"), ("maybe", "boolean", "maybe"),
    ("42", "int", 42), ("-7", "long", -7), ("4.2", "int", "4.2"), ("42", "string", "42"), ("true", None, "true"),
])
def test_typed_value_reads_a_value_as_its_data_type_says(value: str, data_type: str | None, typed: object) -> None:
    from mocks.b2c.policy import typed_value

    assert typed_value(value, data_type) == typed and type(typed_value(value, data_type)) is type(typed)


def profile_edit(profile_id: str, xml: str) -> tuple[str, str, str]:
    """An edit: ``xml`` added to the technical profile ``profile_id`` from the extension policy, as teams extend the starter
    pack's profiles."""
    return ("TrustFrameworkExtensions.xml", "<ClaimsProviders>",
            f"<ClaimsProviders><ClaimsProvider><DisplayName>Team</DisplayName><TechnicalProfiles>"
            f"<TechnicalProfile Id=\"{profile_id}\">{xml}</TechnicalProfile></TechnicalProfiles></ClaimsProvider>")


def test_a_profile_page_with_display_claims_asks_for_them_alone(start, tmp_path) -> None:
    """Microsoft's self-asserted technical profile article: no output claim is displayed by a profile that has a display
    claim, and a DisplayClaim is required as its Required says. The emulator drew the OutputClaims, all optional."""
    policies = pack(tmp_path, edits=[profile_edit("SelfAsserted-Social", '<DisplayClaims><DisplayClaim ClaimTypeReferenceId="surname" '
                                                                          'Required="true" /></DisplayClaims>')])
    browser, sa = sign_up(start(policies=policies))
    assert [(f["ID"], f["IS_REQ"]) for f in sa.settings["SA_FIELDS"]["AttributeFields"]] == [("surname", True)]
    assert browser.self_asserted(sa, {"surname": ""}).json()["status"] == "400"
    assert browser.self_asserted(sa, {"surname": "Muster"}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing), getattr(landing, "html", landing)
    assert unverified_claims(landing.params["id_token"])["family_name"] == "Muster"


VALIDATION_PRECONDITION = ('<Preconditions><Precondition Type="ClaimsExist" ExecuteActionsIf="true"><Value>identityProvider</Value>'
                           '<Action>SkipThisValidationTechnicalProfile</Action></Precondition></Preconditions>')


@pytest.mark.parametrize(("profile_id", "xml", "says"), [
    ("SelfAsserted-Social", f'<ValidationTechnicalProfiles><ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingAlternativeSecurityId">'
                            f'{VALIDATION_PRECONDITION}</ValidationTechnicalProfile></ValidationTechnicalProfiles>',
     "ValidationTechnicalProfiles/ValidationTechnicalProfile[@ReferenceId='AAD-UserWriteUsingAlternativeSecurityId'] (line 19): "
     "its Preconditions: not executed by the emulator"),
    ("SelfAsserted-Social", '<ValidationTechnicalProfiles><ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingAlternativeSecurityId" '
                            'ContinueOnError="true" /></ValidationTechnicalProfiles>',
     "[@ReferenceId='AAD-UserWriteUsingAlternativeSecurityId'] (line 19): ContinueOnError=\"true\": not executed by the emulator"),
    ("SelfAsserted-Social", '<DisplayClaims><DisplayClaim DisplayControlReferenceId="emailVerificationControl" /></DisplayClaims>',
     "DisplayClaims/DisplayClaim[@DisplayControlReferenceId='emailVerificationControl'] (line 19): "
     "display controls are not drawn by the emulator"),
    ("SelfAsserted-Social", "<EnabledForUserJourneys>Never</EnabledForUserJourneys>",
     "TechnicalProfile[@Id='SelfAsserted-Social']: EnabledForUserJourneys (line 19): 'Never' is not executed by the emulator"),
], ids=["a validation profile's Preconditions", "ContinueOnError", "a display control", "EnabledForUserJourneys"])
def test_what_b2c_decides_as_the_journey_runs_and_the_emulator_does_not_is_refused_where_reached(start, tmp_path, profile_id, xml, says) -> None:
    """Each was run as if it were not written: a skipped validation profile ran, a failed one stopped the page, a display
    control was left out, a profile B2C skips ran (Microsoft's validation technical profile, self-asserted and technical
    profiles articles). The journey before it runs; where it is reached, the error page names it."""
    _, refused = sign_up(start(policies=pack(tmp_path, edits=[profile_edit(profile_id, xml)])))
    assert isinstance(refused, Page) and refused.api == "GlobalException", getattr(refused, "html", refused)
    assert refused.error_detail().startswith("Not executed by the B2C emulator (policies/README.md): "), refused.error_detail()
    assert says in refused.error_detail(), refused.error_detail()


def test_single_sign_on_into_a_policy_whose_copied_journey_names_the_exchange_otherwise_skips_its_provider(start, tmp_path) -> None:
    """Microsoft's "Add a user journey" copies SignUpOrSignIn under a new Id; here its Mobile ID exchange is renamed too
    (same technical profile, same session manager). B2C keeps single sign-on per technical profile
    (custom-policy-reference-sso): the second policy signs the user in from the session. The emulator matched the
    session's exchange Id and answered AADB2C90046 ("trouble loading your current state")."""
    extensions = (STARTER_PACKS / "SocialAccounts" / "TrustFrameworkExtensions.xml").read_bytes().decode("utf-8-sig")
    journey = extensions[extensions.index('<UserJourney Id="SignUpOrSignIn">'):]
    journey = journey[:journey.index("</UserJourney>") + len("</UserJourney>")]
    copy = journey.replace('Id="SignUpOrSignIn"', 'Id="OtherJourney"').replace("MobileIDExchange", "SwissMobileIdExchange")
    policies = pack(tmp_path, "SocialAccounts", edits=[("TrustFrameworkExtensions.xml", "</UserJourneys>", f"{copy}</UserJourneys>")],
                    also={"Other.xml": "B2C_1A_other OtherJourney"})
    browser, sa = sign_up(start(policies=policies))
    assert browser.self_asserted(sa, {"displayName": "Hans"}).json() == {"status": "200"}
    first = browser.confirmed(sa)
    assert isinstance(first, Landing) and first.params.get("id_token"), getattr(first, "html", first)
    other = browser.go(authorize_url("B2C_1A_other"))
    assert isinstance(other, Landing), getattr(other, "html", other)
    assert unverified_claims(other.params["id_token"])["sub"] == unverified_claims(first.params["id_token"])["sub"]


def test_a_single_sign_on_outputs_the_session_managers_output_claims(start, tmp_path) -> None:
    """Microsoft's SSO article: a session manager's OutputClaims are what a single sign-on takes from the session (the
    starter pack's SM-AAD outputs objectIdFromSession, SM-MFA isActiveMFASession, which preconditions read). The emulator
    kept only its PersistedClaims. Here the seed's Mobile ID profile's manager outputs objectIdFromSession; the relying party
    says false where nothing outputs it."""
    output = '<OutputClaim ClaimTypeReferenceId="objectIdFromSession" DefaultValue="false" />'
    tenant_id = '<OutputClaim ClaimTypeReferenceId="tenantId" AlwaysUseDefaultValue="true" DefaultValue="{Policy:TenantObjectId}" />'
    policies = pack(tmp_path, edits=[
        profile_edit("SM-SocialLogin", '<OutputClaims><OutputClaim ClaimTypeReferenceId="objectIdFromSession" DefaultValue="true" /></OutputClaims>'),
        ("SignUpOrSignin.xml", tenant_id, tenant_id + output)])
    browser, sa = sign_up(start(policies=policies))
    assert browser.self_asserted(sa, {"displayName": "Hans"}).json() == {"status": "200"}
    first = browser.confirmed(sa)
    assert isinstance(first, Landing), getattr(first, "html", first)
    assert unverified_claims(first.params["id_token"])["objectIdFromSession"] is False  # signed in with Mobile ID itself
    sso = browser.go(authorize_url(POLICY))
    assert isinstance(sso, Landing), getattr(sso, "html", sso)
    assert unverified_claims(sso.params["id_token"])["objectIdFromSession"] is True  # Mobile ID's step skipped: from the session


def test_a_profile_page_refuses_a_value_its_claim_types_pattern_does_not_match_with_its_help_text(start, tmp_path) -> None:
    """The starter pack's email claim type restricts it to an address (Restriction/Pattern, HelpText "Please enter a valid
    email address."); asked on the social profile page, the emulator took any text and put it in the token."""
    policies = pack(tmp_path, edits=[profile_edit("SelfAsserted-Social", '<OutputClaims><OutputClaim ClaimTypeReferenceId="email" /></OutputClaims>')])
    browser, sa = sign_up(start(policies=policies))
    refused = browser.self_asserted(sa, {"displayName": "Hans", "email": "not an email"}).json()
    assert refused == {"status": "400", "message": "Please enter a valid email address."}, refused
    assert browser.self_asserted(sa, {"displayName": "Hans", "email": "hans@example.com"}).json() == {"status": "200"}


AGE = ('<ClaimsSchema><ClaimType Id="age"><DisplayName>Age</DisplayName><DataType>int</DataType><UserInputType>TextBox</UserInputType>'
       '</ClaimType></ClaimsSchema>')


def test_an_int_claim_typed_on_the_profile_page_is_a_number_in_the_token_and_must_be_digits(start, tmp_path) -> None:
    """Microsoft's self-asserted article's own example (age, an int): "abc" was taken, and "42" reached the token as the
    string "42", where a DefaultValue of the same claim was the number 42 (mocks/b2c/README.md, Decisions)."""
    tenant_id = '<OutputClaim ClaimTypeReferenceId="tenantId" AlwaysUseDefaultValue="true" DefaultValue="{Policy:TenantObjectId}" />'
    policies = pack(tmp_path, edits=[
        ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", f"<BuildingBlocks>{AGE}"),
        profile_edit("SelfAsserted-Social", '<OutputClaims><OutputClaim ClaimTypeReferenceId="age" /></OutputClaims>'),
        ("SignUpOrSignin.xml", tenant_id, tenant_id + '<OutputClaim ClaimTypeReferenceId="age" />')])
    browser, sa = sign_up(start(policies=policies))
    assert browser.self_asserted(sa, {"displayName": "Hans", "age": "abc"}).json()["status"] == "400"
    assert browser.self_asserted(sa, {"displayName": "Hans", "age": "42"}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing), getattr(landing, "html", landing)
    assert unverified_claims(landing.params["id_token"])["age"] == 42


def test_a_field_the_new_user_empties_leaves_its_claim_without_a_value_in_a_custom_policy_too(start, tmp_path) -> None:
    """mocks/b2c/README.md, Decisions: a claim without a value is left out of the token; the identity provider's given name,
    prefilled on the profile page, stayed when the user emptied the field."""
    policies = pack(tmp_path, edits=[
        ("TrustFrameworkExtensions.xml", '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>',
         '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/><OutputClaim ClaimTypeReferenceId="givenName" '
         'PartnerClaimType="given_name"/>'),
        profile_edit("SelfAsserted-Social", '<InputClaims><InputClaim ClaimTypeReferenceId="givenName" /></InputClaims>')])
    browser, sa = sign_up(start(policies=policies))
    assert prefilled(sa)["givenName"] == "Hans"
    assert browser.self_asserted(sa, {"displayName": "Hans Muster", "givenName": ""}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing), getattr(landing, "html", landing)
    assert "given_name" not in unverified_claims(landing.params["id_token"])


def test_journey_framing_is_not_modelled_every_page_still_refuses_a_frame(start, tmp_path) -> None:
    """policies/README.md: JourneyFraming is read by nothing; the pages keep X-Frame-Options: DENY (a journey of the suite
    never runs in a frame, so a team's framing is left to the tenant)."""
    framing = '<UserJourneyBehaviors><JourneyFraming Enabled="true" Sources="https://app.contoso.test" /></UserJourneyBehaviors>'
    h = start(policies=pack(tmp_path, edits=[("SignUpOrSignin.xml", "</Endpoints>", f"</Endpoints>{framing}")]))
    page = h.browser().go(authorize_url(POLICY, prompt="login"))
    assert isinstance(page, Page) and page.response.headers["x-frame-options"] == "DENY"


def test_a_pattern_python_cannot_read_is_refused_where_the_page_is_posted_naming_the_claim_type(start, tmp_path) -> None:
    """mocks/b2c/README.md, Decisions: a Restriction's Pattern in .NET syntax Python does not read (a possessive
    quantifier) is said as the emulator's refusal, not matched as something else."""
    pattern = '<Restriction><Pattern RegularExpression="^a*+(?&lt;x&gt;" HelpText="letters" /></Restriction></ClaimType></ClaimsSchema>'
    policies = pack(tmp_path, edits=[
        ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", f"<BuildingBlocks>{AGE.replace('</ClaimType></ClaimsSchema>', pattern)}"),
        profile_edit("SelfAsserted-Social", '<OutputClaims><OutputClaim ClaimTypeReferenceId="age" /></OutputClaims>')])
    browser, sa = sign_up(start(policies=policies))
    answer = browser.self_asserted(sa, {"displayName": "Hans", "age": "42"}).json()
    assert answer["status"] == "400" and answer["message"].startswith(
        "Not executed by the B2C emulator (policies/README.md): claim type 'age': its Restriction's Pattern is not a regular "
        "expression the emulator reads ("), answer
