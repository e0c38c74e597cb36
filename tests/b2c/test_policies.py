"""The shipped custom policy files, read into the B2C policy model, and the refusals."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mocks.b2c.custom_policy import load_custom_policies
from mocks.b2c.policy import (
    ClaimMapping,
    PolicyError,
    PolicyKind,
    ProviderProtocol,
    RelyingPartyClaim,
)

POLICIES = Path(__file__).resolve().parents[2] / "policies"
KEYS = {"B2C_1A_MobileIdSecret": "mobileid-secret-for-b2c"}
BASE = "TrustFrameworkBase.xml"
EXT = "TrustFrameworkExtensions.xml"
RP = "SignUpOrSignin.xml"


def load(directory: Path = POLICIES, *, tenant: str = "contoso", keys=KEYS):
    return load_custom_policies(directory, tenant=tenant, policy_keys=keys)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for p in POLICIES.glob("*.xml"):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


def edit(directory: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def refused(directory: Path, **kw) -> str:
    with pytest.raises(PolicyError) as info:
        load(directory, **kw)
    return str(info.value)


# --------------------------------------------------------------------------- the shipped files


def test_one_relying_party_policy_b2c_1a_signup_signin():
    policies = load()
    assert [p.policy_id for p in policies] == ["B2C_1A_signup_signin"]
    assert policies[0].kind is PolicyKind.CUSTOM_POLICY
    assert policies[0].key == "b2c_1a_signup_signin"


def test_mobile_id_provider_is_exactly_the_seed():
    (policy,) = load()
    assert [p.exchange_id for p in policy.identity_providers] == ["MobileIDExchange"]
    mid = policy.provider("MobileIDExchange")
    assert mid is not None
    assert mid.display_name == "Mobile-ID"
    assert mid.domain == "mobileid.ch"
    assert policy.provider_for_domain("MobileID.ch") is mid
    assert mid.protocol is ProviderProtocol.OAUTH2
    assert mid.authorization_endpoint == "https://m.mobileid.ch/oidc/authorize"
    assert mid.token_endpoint == "https://openid.mobileid.ch/token"
    assert mid.claims_endpoint == "https://openid.mobileid.ch/userinfo"
    assert mid.metadata_url is None
    assert mid.scope == "openid, profile, phone, mid_profile"
    assert mid.response_type == "code"
    assert mid.response_mode == "form_post"
    assert mid.token_endpoint_auth_method == "client_secret_post"
    assert mid.bearer_token_transmission == "AuthorizationHeader"
    assert mid.use_policy_in_redirect_uri is False
    assert mid.client_id == "b2c-contoso-0001"
    assert mid.client_secret == "mobileid-secret-for-b2c"
    assert mid.claims == (
        ClaimMapping("issuerUserId", "sub"),
        ClaimMapping("displayName", "name"),
        ClaimMapping("identityProvider", None, "mobileid.ch"),
        ClaimMapping("authenticationSource", None, "socialIdpAuthentication"),
    )


def test_relying_party_claims_are_the_starters_plus_idp_and_new_user():
    (policy,) = load()
    assert policy.output_claims == (
        RelyingPartyClaim("displayName", "name"),
        RelyingPartyClaim("givenName", "given_name"),
        RelyingPartyClaim("surname", "family_name"),
        RelyingPartyClaim("email", "email"),
        RelyingPartyClaim("objectId", "sub"),
        RelyingPartyClaim("identityProvider", "idp"),
        RelyingPartyClaim("tenantId", "tid", "{Policy:TenantObjectId}"),
        RelyingPartyClaim("newUser", "newUser"),
    )


def test_social_sign_up_page_and_local_account_form_come_from_the_journey():
    (policy,) = load()
    assert policy.self_asserted_claims == ("displayName", "givenName", "surname")
    assert policy.show_local_account_form is True


def test_secret_is_not_in_the_repr():
    (policy,) = load()
    assert "mobileid-secret-for-b2c" not in repr(policy)


def test_shipped_files_follow_the_real_layering():
    ext = (POLICIES / EXT).read_text()
    assert 'xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06"' in ext
    assert '<Key Id="client_secret" StorageReferenceId="B2C_1A_MobileIdSecret" />' in ext
    assert '<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />' in ext
    assert '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />' in ext
    assert "<PolicyId>B2C_1A_TrustFrameworkBase</PolicyId>" in ext
    assert "<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>" in (POLICIES / RP).read_text()
    for name in (BASE, EXT, RP):
        assert 'TenantId="contoso.onmicrosoft.com"' in (POLICIES / name).read_text()


def test_tenant_may_be_given_as_its_domain():
    assert load(tenant="contoso.onmicrosoft.com")[0].policy_id == "B2C_1A_signup_signin"


# --------------------------------------------------------------------------- editing the files changes the model


def test_metadata_edits_flow_into_the_model(copy):
    edit(copy, EXT, "openid, profile, phone, mid_profile", "openid mid_profile")
    edit(copy, EXT, "https://openid.mobileid.ch/token", "https://idp.example.test/oauth/token")
    edit(copy, EXT, "https://m.mobileid.ch/oidc/authorize", "https://idp.example.test/oauth/authorize")
    edit(copy, EXT, "https://openid.mobileid.ch/userinfo", "https://idp.example.test/me")
    edit(copy, EXT, '<Item Key="HttpBinding">POST</Item>', '<Item Key="HttpBinding">GET</Item>')
    edit(copy, EXT, ">client_secret_post<", ">client_secret_basic<")
    edit(copy, EXT, ">AuthorizationHeader<", ">QueryString<")
    edit(copy, EXT, '<Item Key="UsePolicyInRedirectUri">false</Item>', '<Item Key="UsePolicyInRedirectUri">true</Item>')
    edit(copy, EXT, "<Item Key=\"client_id\">b2c-contoso-0001</Item>", "<Item Key=\"client_id\">other-client</Item>")
    (mid,) = load(copy)[0].identity_providers
    assert mid.scope == "openid mid_profile"
    assert mid.authorization_endpoint == "https://idp.example.test/oauth/authorize"
    assert mid.token_endpoint == "https://idp.example.test/oauth/token"
    assert mid.claims_endpoint == "https://idp.example.test/me"
    assert mid.response_mode == "query"
    assert mid.token_endpoint_auth_method == "client_secret_basic"
    assert mid.bearer_token_transmission == "QueryString"
    assert mid.use_policy_in_redirect_uri is True
    assert mid.client_id == "other-client"


def test_display_name_domain_exchange_id_and_key_flow_into_the_model(copy):
    edit(copy, EXT, "<DisplayName>Mobile-ID</DisplayName>\n          <Protocol", "<DisplayName>Swiss Mobile ID</DisplayName>\n          <Protocol")
    edit(copy, EXT, "<Domain>mobileid.ch</Domain>", "<Domain>mid.example</Domain>")
    edit(copy, EXT, "MobileIDExchange", "SwissMobileIdExchange", count=2)
    edit(copy, EXT, 'StorageReferenceId="B2C_1A_MobileIdSecret"', 'StorageReferenceId="B2C_1A_OtherSecret"')
    (policy,) = load(copy, keys={"B2C_1A_OtherSecret": "other"})
    (mid,) = policy.identity_providers
    assert mid.exchange_id == "SwissMobileIdExchange"
    assert mid.display_name == "Swiss Mobile ID"
    assert mid.domain == "mid.example"
    assert policy.provider_for_domain("mobileid.ch") is None
    assert mid.client_secret == "other"


def test_output_claim_defaults_flow_into_the_model(copy):
    edit(copy, EXT, 'DefaultValue="mobileid.ch"', 'DefaultValue="mobileid.swisscom.ch"')
    edit(copy, EXT, '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name" />',
         '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="nickname" />\n'
         '            <OutputClaim ClaimTypeReferenceId="givenName" />')
    (mid,) = load(copy)[0].identity_providers
    assert ClaimMapping("identityProvider", None, "mobileid.swisscom.ch") in mid.claims
    assert ClaimMapping("displayName", "nickname") in mid.claims
    # No PartnerClaimType: the claim type's DefaultPartnerClaimTypes for the OAuth2 protocol.
    assert ClaimMapping("givenName", "given_name") in mid.claims


def test_relying_party_edits_flow_into_the_model(copy):
    edit(copy, RP, '<OutputClaim ClaimTypeReferenceId="newUser" />', "")
    edit(copy, RP, '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub" />',
         '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="oid" />')
    edit(copy, RP, 'DefaultValue="{Policy:TenantObjectId}"', 'DefaultValue="fixed-tenant"')
    claims = load(copy)[0].output_claims
    assert RelyingPartyClaim("objectId", "oid") in claims
    assert RelyingPartyClaim("tenantId", "tid", "fixed-tenant") in claims
    assert all(c.claim_type != "newUser" for c in claims)


def test_later_file_overrides_base_by_id(copy):
    # An override of the Mobile ID profile in the relying-party file wins over the extensions.
    edit(copy, RP, "<RelyingParty>", """<ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Mobile-ID</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="MobileID-OAuth2">
          <Metadata>
            <Item Key="scope">openid</Item>
          </Metadata>
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="surname" PartnerClaimType="family_name" />
          </OutputClaims>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
  <RelyingParty>""")
    (mid,) = load(copy)[0].identity_providers
    assert mid.scope == "openid"
    assert mid.token_endpoint == "https://openid.mobileid.ch/token"  # not overridden: kept from extensions
    assert mid.claims[0] == ClaimMapping("issuerUserId", "sub")
    assert mid.claims[-1] == ClaimMapping("surname", "family_name")


def test_a_second_selection_adds_a_second_button_in_order(copy):
    edit(copy, EXT, '<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
         '<ClaimsProviderSelection TargetClaimsExchangeId="ContosoExchange" />\n'
         '            <ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />')
    edit(copy, EXT, '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />',
         '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />\n'
         '            <ClaimsExchange Id="ContosoExchange" TechnicalProfileReferenceId="Contoso-OpenIdConnect" />')
    edit(copy, EXT, "  </ClaimsProviders>", """    <ClaimsProvider>
      <Domain>contoso.test</Domain>
      <DisplayName>Contoso</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="Contoso-OpenIdConnect">
          <DisplayName>Contoso Employees</DisplayName>
          <Protocol Name="OpenIdConnect" />
          <Metadata>
            <Item Key="METADATA">https://idp.contoso.test/.well-known/openid-configuration</Item>
            <Item Key="client_id">contoso-b2c</Item>
            <Item Key="response_types">code</Item>
            <Item Key="scope">openid profile</Item>
            <Item Key="response_mode">query</Item>
          </Metadata>
          <CryptographicKeys>
            <Key Id="client_secret" StorageReferenceId="B2C_1A_ContosoSecret" />
          </CryptographicKeys>
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="issuerUserId" PartnerClaimType="oid" />
            <OutputClaim ClaimTypeReferenceId="identityProvider" PartnerClaimType="iss" />
            <OutputClaim ClaimTypeReferenceId="displayName" />
          </OutputClaims>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>""")
    (policy,) = load(copy, keys={**KEYS, "B2C_1A_ContosoSecret": "contoso-secret"})
    assert [p.exchange_id for p in policy.identity_providers] == ["ContosoExchange", "MobileIDExchange"]
    contoso = policy.provider_for_domain("contoso.test")
    assert contoso.protocol is ProviderProtocol.OPENID_CONNECT
    assert contoso.display_name == "Contoso Employees"
    assert contoso.metadata_url == "https://idp.contoso.test/.well-known/openid-configuration"
    assert contoso.authorization_endpoint is None and contoso.token_endpoint is None
    assert contoso.response_mode == "query"
    assert contoso.client_secret == "contoso-secret"
    assert contoso.claims == (
        ClaimMapping("issuerUserId", "oid"),
        ClaimMapping("identityProvider", "iss"),
        ClaimMapping("displayName", "name"),
    )


def test_no_social_sign_up_page_when_the_journey_has_none(copy):
    edit(copy, EXT, 'TechnicalProfileReferenceId="SelfAsserted-Social"', 'TechnicalProfileReferenceId="AAD-UserWriteUsingAlternativeSecurityId"')
    assert load(copy)[0].self_asserted_claims == ()


def test_no_local_account_form_without_a_local_account_selection(copy):
    edit(copy, EXT, '<ClaimsProviderSelection ValidationClaimsExchangeId="LocalAccountSigninEmailExchange" />', "")
    assert load(copy)[0].show_local_account_form is False


# --------------------------------------------------------------------------- refusals


MID = "TechnicalProfile[@Id='MobileID-OAuth2']"


def test_refuses_unsupported_http_binding(copy):
    edit(copy, EXT, '<Item Key="HttpBinding">POST</Item>', '<Item Key="HttpBinding">PUT</Item>')
    assert refused(copy) == (
        f"{EXT}: {MID}/Metadata/Item[@Key='HttpBinding']: 'PUT' is not supported; use POST or GET"
    )


def test_refuses_unsupported_protocol(copy):
    edit(copy, EXT, '<Protocol Name="OAuth2" />', '<Protocol Name="SAML2" />')
    msg = refused(copy)
    assert msg.startswith(f"{EXT}: {MID}/Protocol/@Name: 'SAML2' is not supported")
    assert "use OAuth2 or OpenIdConnect" in msg


def test_refuses_unsupported_token_endpoint_auth_method(copy):
    edit(copy, EXT, ">client_secret_post<", ">private_key_jwt<")
    msg = refused(copy)
    assert msg.startswith(f"{EXT}: {MID}/Metadata/Item[@Key='token_endpoint_auth_method']: 'private_key_jwt' is not supported")
    assert "client_secret_post" in msg


def test_refuses_unsupported_bearer_token_transmission(copy):
    edit(copy, EXT, ">AuthorizationHeader<", ">Cookie<")
    assert f"{MID}/Metadata/Item[@Key='BearerTokenTransmissionMethod']: 'Cookie' is not supported" in refused(copy)


def test_refuses_a_non_boolean_use_policy_in_redirect_uri(copy):
    edit(copy, EXT, '<Item Key="UsePolicyInRedirectUri">false</Item>', '<Item Key="UsePolicyInRedirectUri">no</Item>')
    assert f"{MID}/Metadata/Item[@Key='UsePolicyInRedirectUri']: 'no' is not a boolean" in refused(copy)


@pytest.mark.parametrize(
    "key",
    ["authorization_endpoint", "AccessTokenEndpoint", "ClaimsEndpoint", "client_id"],
)
def test_refuses_missing_required_oauth2_metadata(copy, key):
    path = copy / EXT
    text = path.read_text()
    text, n = re.subn(rf'\s*<Item Key="{key}">[^<]*</Item>', "", text)
    assert n == 1
    path.write_text(text)
    msg = refused(copy)
    assert msg.startswith(f"{EXT}: {MID}/Metadata/Item[@Key='{key}']: missing")
    assert f'<Item Key="{key}">' in msg


def _make_oidc(copy: Path, *items: str) -> None:
    edit(copy, EXT, '<Protocol Name="OAuth2" />', '<Protocol Name="OpenIdConnect" />')
    edit(copy, EXT, '<Item Key="ProviderName">Mobile-ID</Item>', "\n".join(items) or "<!-- -->")


def test_openid_connect_profile_reads_metadata_url(copy):
    _make_oidc(copy, '<Item Key="METADATA">https://openid.mobileid.ch/.well-known/openid-configuration</Item>',
               '<Item Key="response_types">code</Item>')
    (mid,) = load(copy)[0].identity_providers
    assert mid.protocol is ProviderProtocol.OPENID_CONNECT
    assert mid.metadata_url == "https://openid.mobileid.ch/.well-known/openid-configuration"
    assert mid.response_mode == "form_post"


def test_refuses_openid_connect_without_metadata(copy):
    _make_oidc(copy, '<Item Key="response_types">code</Item>')
    assert refused(copy).startswith(f"{EXT}: {MID}/Metadata/Item[@Key='METADATA']: missing")


def test_refuses_openid_connect_implicit_response_type(copy):
    _make_oidc(copy, '<Item Key="METADATA">https://openid.mobileid.ch/.well-known/openid-configuration</Item>',
               '<Item Key="response_types">id_token</Item>')
    assert refused(copy).startswith(f"{EXT}: {MID}/Metadata/Item[@Key='response_types']: 'id_token' is not supported; use code")


def test_refuses_openid_connect_without_response_types(copy):
    _make_oidc(copy, '<Item Key="METADATA">https://openid.mobileid.ch/.well-known/openid-configuration</Item>')
    msg = refused(copy)
    assert msg.startswith(f"{EXT}: {MID}/Metadata/Item[@Key='response_types']: missing")
    assert "id_token" in msg


def test_refuses_fragment_response_mode(copy):
    edit(copy, EXT, '<Item Key="HttpBinding">POST</Item>', '<Item Key="response_mode">fragment</Item>')
    assert f"{MID}/Metadata/Item[@Key='response_mode']: 'fragment' is not supported; use form_post or query" in refused(copy)


def test_refuses_selection_without_exchange(copy):
    edit(copy, EXT, '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />', "")
    msg = refused(copy)
    assert msg.startswith(
        f"{EXT}: UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep[@Order='1']/ClaimsProviderSelections/"
        "ClaimsProviderSelection[@TargetClaimsExchangeId='MobileIDExchange']: no ClaimsExchange with Id 'MobileIDExchange'"
    )


def test_refuses_exchange_referencing_unknown_technical_profile(copy):
    edit(copy, EXT, 'TechnicalProfileReferenceId="MobileID-OAuth2"', 'TechnicalProfileReferenceId="MobileID-OAuth"')
    msg = refused(copy)
    assert msg.startswith(
        f"{EXT}: UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep[@Order='2']/ClaimsExchanges/"
        "ClaimsExchange[@Id='MobileIDExchange']"
    )
    assert "TechnicalProfileReferenceId 'MobileID-OAuth' is not defined" in msg


def test_refuses_unknown_policy_key(copy):
    msg = refused(copy, keys={"B2C_1A_SomethingElse": "x"})
    assert msg.startswith(
        f"{EXT}: {MID}/CryptographicKeys/Key[@Id='client_secret']/@StorageReferenceId: "
        "policy key 'B2C_1A_MobileIdSecret' does not exist"
    )
    assert "B2C_1A_SomethingElse" in msg


def test_refuses_missing_client_secret_key(copy):
    edit(copy, EXT, '<Key Id="client_secret" StorageReferenceId="B2C_1A_MobileIdSecret" />', "")
    assert refused(copy).startswith(f"{EXT}: {MID}/CryptographicKeys/Key[@Id='client_secret']: missing")


def test_refuses_missing_base_policy(copy):
    (copy / BASE).unlink()
    msg = refused(copy)
    assert msg.startswith(f"{EXT}: BasePolicy/PolicyId (line ")
    assert "'B2C_1A_TrustFrameworkBase' is not among the policy files" in msg


def test_refuses_inheritance_cycle(copy):
    edit(copy, BASE, "<BuildingBlocks>", """<BasePolicy>
    <TenantId>contoso.onmicrosoft.com</TenantId>
    <PolicyId>B2C_1A_signup_signin</PolicyId>
  </BasePolicy>
  <BuildingBlocks>""")
    assert "cycle" in refused(copy)


@pytest.mark.parametrize("name", [BASE, EXT, RP])
def test_refuses_tenant_mismatch(copy, name):
    edit(copy, name, 'TenantId="contoso.onmicrosoft.com"', 'TenantId="fabrikam.onmicrosoft.com"')
    assert refused(copy) == (
        f"{name}: TrustFrameworkPolicy/@TenantId: 'fabrikam.onmicrosoft.com' does not match the tenant; "
        "use 'contoso.onmicrosoft.com'"
    )


def test_refuses_files_for_another_tenant():
    assert "use 'fabrikam.onmicrosoft.com'" in refused(POLICIES, tenant="fabrikam")


def test_refuses_base_policy_tenant_mismatch(copy):
    edit(copy, RP, "<TenantId>contoso.onmicrosoft.com</TenantId>", "<TenantId>fabrikam.onmicrosoft.com</TenantId>")
    assert refused(copy).startswith(f"{RP}: BasePolicy/TenantId: 'fabrikam.onmicrosoft.com' does not match")


def test_refuses_malformed_xml_with_line_number(copy):
    edit(copy, EXT, "</Metadata>", "</Metadta>")
    msg = refused(copy)
    line = next(i for i, l in enumerate((copy / EXT).read_text().splitlines(), 1) if "</Metadta>" in l)
    assert msg.startswith(f"{EXT}: line {line}, column ")
    assert "malformed XML (mismatched tag)" in msg


def test_refuses_dtd(copy):
    edit(copy, EXT, '<?xml version="1.0" encoding="utf-8" ?>',
         '<?xml version="1.0" encoding="utf-8" ?>\n<!DOCTYPE x [<!ENTITY e "boom">]>')
    msg = refused(copy)
    assert msg.startswith(f"{EXT}: ") and "DTD" in msg


def test_refuses_wrong_namespace(copy):
    edit(copy, RP, 'xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06"', 'xmlns="urn:other"')
    assert refused(copy).startswith(f"{RP}: root element is <{{urn:other}}TrustFrameworkPolicy>")


def test_refuses_directory_without_relying_party(copy):
    (copy / RP).unlink()
    msg = refused(copy)
    assert msg.startswith(f"{copy}: no relying party policy")


def test_refuses_empty_directory(tmp_path):
    assert refused(tmp_path).startswith(f"{tmp_path}: no policy files")


def test_refuses_unknown_default_user_journey(copy):
    edit(copy, RP, 'ReferenceId="SignUpOrSignIn"', 'ReferenceId="SignIn"')
    msg = refused(copy)
    assert msg.startswith(f"{RP}: RelyingParty/DefaultUserJourney[@ReferenceId='SignIn']: no UserJourney")
    assert "SignUpOrSignIn" in msg


def test_refuses_undeclared_claim_type(copy):
    edit(copy, RP, '<OutputClaim ClaimTypeReferenceId="newUser" />', '<OutputClaim ClaimTypeReferenceId="isNewUser" />')
    msg = refused(copy)
    assert msg.startswith(
        f"{RP}: RelyingParty/TechnicalProfile[@Id='PolicyProfile']/OutputClaims/"
        "OutputClaim[@ClaimTypeReferenceId='isNewUser']"
    )
    assert "not declared in BuildingBlocks/ClaimsSchema" in msg


def test_refuses_saml_relying_party(copy):
    edit(copy, RP, '<Protocol Name="OpenIdConnect" />', '<Protocol Name="SAML2" />')
    assert refused(copy).startswith(f"{RP}: RelyingParty/TechnicalProfile[@Id='PolicyProfile']/Protocol/@Name: 'SAML2' is not supported")


def test_refuses_user_flow_style_policy_id(copy):
    edit(copy, RP, 'PolicyId="B2C_1A_signup_signin"', 'PolicyId="B2C_1_signup_signin"')
    assert refused(copy).startswith(f"{RP}: TrustFrameworkPolicy/@PolicyId: 'B2C_1_signup_signin' must start with B2C_1A_")


def test_refuses_duplicate_policy_id(copy):
    shutil.copy(copy / RP, copy / "SignUpOrSignin2.xml")
    assert "is also used by" in refused(copy)


def test_refuses_journey_without_combined_step(copy):
    edit(copy, EXT, 'Type="CombinedSignInAndSignUp"', 'Type="ClaimsExchange"')
    assert "no CombinedSignInAndSignUp step" in refused(copy)


def test_policy_keys_may_be_secret_strings():
    from pydantic import SecretStr

    (policy,) = load(keys={"B2C_1A_MobileIdSecret": SecretStr("from-settings")})
    assert policy.identity_providers[0].client_secret == "from-settings"
