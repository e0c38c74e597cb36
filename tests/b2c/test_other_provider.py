"""B2C federates with a provider other than our Mobile ID emulator by configuration alone.

oidc-provider-mock (a Flask OpenID provider nobody here wrote) runs on a free
loopback port over plain HTTP and is configured as a user flow's "OpenID
Connect provider": metadata URL, client id and secret, scope, response mode.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from mocks.b2c.policy import ClaimMapping

from .support import Landing, Page, authorize_url, copy_pack, edit_policy, oidc_provider, user_flow

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import oidc_provider_mock


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


def test_user_flow_with_oidc_provider_mock(start, provider_url: str) -> None:
    provider = oidc_provider(
        exchange_id="OidcMock", display_name="OIDC mock", domain="oidc-mock.example",
        metadata_url=f"{provider_url}/.well-known/openid-configuration", client_id="b2c-at-the-mock", client_secret="anything",
        scope="openid profile email", response_mode="query",
        claims=(ClaimMapping("issuerUserId", "sub"), ClaimMapping("displayName", "email"), ClaimMapping("identityProvider", None, "oidc-mock.example")),
    )
    h = start(policies=[user_flow(provider)])
    browser = h.browser()
    page = browser.go(authorize_url())
    assert [p["id"] for p in page.settings["claimsProviders"]] == ["OidcMock"]
    response = browser.request("GET", _location(browser, page))
    assert response.status_code == 200 and "sub" in response.text  # the mock's own login form
    login = browser.request("POST", str(response.request.url), data={"sub": "alice@example.com"})
    assert login.status_code == 302
    sa = browser.go(login.headers["location"])
    assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
    prefilled = {f["ID"]: f["PRE"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
    assert prefilled["displayName"] == "alice@example.com"
    assert browser.self_asserted(sa, prefilled).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing) and landing.params["id_token"]
    [user] = h.tenant.directory.users()
    assert user.issuer_user_id == "alice@example.com" and user.identity_provider == "oidc-mock.example"


def _location(browser, page: Page, exchange: str = "OidcMock") -> str:
    s = page.settings
    url = f"https://contoso.b2clogin.com{s['hosts']['tenant']}/api/{s['api']}/unified"
    response = browser.request("GET", url, params={"claimsexchange": exchange, "csrf_token": s["csrf"], "tx": s["transId"], "p": s["hosts"]["policy"]})
    assert response.status_code == 302, response.text[:500]
    location = response.headers["location"]
    assert urlsplit(location).path == "/oauth2/authorize"
    return location


# --- a custom policy federating with the same provider, with its own policy key ---------------------

OIDC_PROVIDER = """
    <ClaimsProvider>
      <Domain>oidc-mock.example</Domain>
      <DisplayName>OIDC mock</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="OidcMock-OpenIdConnect">
          <DisplayName>OIDC mock</DisplayName>
          <Protocol Name="OpenIdConnect" />
          <Metadata>
            <Item Key="METADATA">{metadata}</Item>
            <Item Key="client_id">{client_id}</Item>
            <Item Key="response_types">code</Item>
            <Item Key="response_mode">query</Item>
            <Item Key="scope">openid profile email</Item>
            <Item Key="UsePolicyInRedirectUri">0</Item>
          </Metadata>
          <CryptographicKeys>
            <Key Id="client_secret" StorageReferenceId="B2C_1A_OidcMockSecret" />
          </CryptographicKeys>
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="issuerUserId" PartnerClaimType="sub" />
            <OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="email" />
            <OutputClaim ClaimTypeReferenceId="identityProvider" PartnerClaimType="iss" />
            <OutputClaim ClaimTypeReferenceId="authenticationSource" DefaultValue="socialIdpAuthentication" AlwaysUseDefaultValue="true" />
          </OutputClaims>
          <OutputClaimsTransformations>
            <OutputClaimsTransformation ReferenceId="CreateRandomUPNUserName" />
            <OutputClaimsTransformation ReferenceId="CreateUserPrincipalName" />
            <OutputClaimsTransformation ReferenceId="CreateAlternativeSecurityId" />
          </OutputClaimsTransformations>
          <UseTechnicalProfileForSessionManagement ReferenceId="SM-SocialLogin" />
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
"""


def _policy_folder(tmp_path, metadata: str, client_id: str):
    folder = copy_pack(tmp_path / "policies")
    ext = "TrustFrameworkExtensions.xml"
    edit_policy(folder, ext, "</ClaimsProviders>", OIDC_PROVIDER.format(metadata=metadata, client_id=client_id) + "</ClaimsProviders>")
    edit_policy(folder, ext, '<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
                '<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />\n'
                '            <ClaimsProviderSelection TargetClaimsExchangeId="OidcMockExchange" />')
    edit_policy(folder, ext, '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />',
                '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />\n'
                '            <ClaimsExchange Id="OidcMockExchange" TechnicalProfileReferenceId="OidcMock-OpenIdConnect" />')
    return folder


@pytest.fixture(scope="module")
def registered_provider() -> Iterator[tuple[str, str, str]]:
    """The mock with client registration required: only B2C's registered client id and secret work."""
    import httpx

    with oidc_provider_mock.run_server_in_thread(port=0, require_client_registration=True) as server:
        url = f"http://localhost:{server.server_port}"
        client = httpx.post(f"{url}/oauth2/clients", json={
            "redirect_uris": ["https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp"],
            "token_endpoint_auth_method": "client_secret_post"}).json()
        yield url, client["client_id"], client["client_secret"]


@pytest.mark.parametrize("right_secret", [True, False])
def test_custom_policy_with_oidc_provider_mock_and_its_policy_key(start, registered_provider, tmp_path, right_secret: bool) -> None:
    from mocks.b2c.custom_policy import load_custom_policies
    from mocks.b2c.policy_keys import generated_keys, parse_policy_key, read_policy_keys

    url, client_id, secret = registered_provider
    folder = _policy_folder(tmp_path, f"{url}/.well-known/openid-configuration", client_id)
    environ = {"OIDC_MOCK_SECRET": secret if right_secret else "not-the-secret", "FB": "unused"}
    keys = generated_keys() | {"B2C_1A_MobileIdSecret": "unused"} | read_policy_keys(
        [parse_policy_key("B2C_1A_OidcMockSecret=env:OIDC_MOCK_SECRET"), parse_policy_key("FacebookSecret=env:FB")], environ)
    policies = load_custom_policies(folder, tenant="contoso", policy_keys=keys)
    h = start(policies=[p for p in policies if p.policy_id == "B2C_1A_signup_signin"])
    browser = h.browser()
    page = browser.go(authorize_url("B2C_1A_signup_signin"))
    assert [p["id"] for p in page.settings["claimsProviders"]] == ["FacebookExchange", "MobileIDExchange", "OidcMockExchange"]
    location = _location(browser, page, "OidcMockExchange")
    response = browser.request("GET", location)
    login = browser.request("POST", str(response.request.url), data={"sub": "carol@example.com", "email": "carol@example.com"})
    assert login.status_code == 302
    result = browser.go(login.headers["location"])
    if not right_secret:  # the token call fails as B2C words it
        assert isinstance(result, Landing) and result.params["error_description"].startswith("AADB2C90289: We encountered an 'invalid_client' error")
        return
    assert isinstance(result, Page) and result.api == "SelfAsserted", getattr(result, "html", result)
    fields = {f["ID"]: f["PRE"] for f in result.settings["SA_FIELDS"]["AttributeFields"]}
    assert list(fields) == ["displayName", "givenName", "surname"] and fields["displayName"] == "carol@example.com"
    assert browser.self_asserted(result, fields).json() == {"status": "200"}
    landing = browser.confirmed(result)
    assert isinstance(landing, Landing) and landing.params["id_token"]
    [user] = h.tenant.directory.users()
    assert user.issuer_user_id == "carol@example.com" and user.identity_provider == url


@pytest.mark.parametrize("binding", ["GET", "POST", None])
def test_an_openid_connect_profiles_http_binding_is_how_b2c_calls_its_token_endpoint(tmp_path, binding: str | None) -> None:
    """openid-connect-technical-profile lists HttpBinding as the OAuth2 profile does: the token request's method (POST
    when unset); a GET binding was read and then ignored."""
    from mocks.b2c.custom_policy import load_custom_policies
    from mocks.b2c.policy_keys import generated_keys

    folder = _policy_folder(tmp_path, "https://oidc-mock.example/.well-known/openid-configuration", "oidc-client")
    if binding:
        edit_policy(folder, "TrustFrameworkExtensions.xml", '<Item Key="response_mode">query</Item>',
                    f'<Item Key="response_mode">query</Item><Item Key="HttpBinding">{binding}</Item>')
    keys = generated_keys() | {"B2C_1A_MobileIdSecret": "unused", "B2C_1A_OidcMockSecret": "unused", "B2C_1A_FacebookSecret": "unused"}
    [policy] = [p for p in load_custom_policies(folder, tenant="contoso", policy_keys=keys) if p.policy_id == "B2C_1A_signup_signin"]
    provider = policy.provider("OidcMockExchange")
    assert provider is not None and provider.token_endpoint_method == (binding or "POST")
