"""What a custom policy's JwtIssuer and relying party set reaches its tokens (jwt-issuer-technical-profile and
session-behavior articles); what the emulator does not model is refused at load, naming the element."""

from __future__ import annotations

import re

import pytest

from fixtures.tokens import unverified_claims
from mocks.b2c.policy import PolicyError
from mocks.b2c.settings import DEFAULT_TENANT_ID

from .support import B2C, DOMAIN, ENFORCE_HINT, POLICY, WEB, WEB_REDIRECT, WEB_SECRET, Landing, Page, authorize_url, pack

ISSUER_METADATA = '<Item Key="SendTokenResponseBodyWithJsonNumbers">true</Item>'
RP_SUB = '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>'
TFP_CLAIM_TYPE = '<ClaimType Id="trustFrameworkPolicy"><DisplayName>trustFrameworkPolicy</DisplayName><DataType>string</DataType></ClaimType>'


def issuer(*items: str) -> tuple[str, str, str]:
    """An edit of the starter's JwtIssuer: its metadata plus ``items`` (Key, value pairs as XML)."""
    return ("TrustFrameworkBase.xml", ISSUER_METADATA, "".join(items) or ISSUER_METADATA)


def signed_up(h, **params: str) -> tuple[Page, Landing]:
    """A sign-up through the Mobile ID button (authorize ``params`` over the defaults): B2C's sign-in page, and what the
    app received."""
    browser = h.browser()
    page = browser.go(authorize_url(POLICY, more=params))
    assert isinstance(page, Page), page
    sa = browser.choose(page, "MobileIDExchange")
    assert isinstance(sa, Page) and browser.self_asserted(sa, {"displayName": "Hans"}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing), landing
    return page, landing


def token_endpoint(h, **form: str) -> dict:
    """The confidential app at the token endpoint (``form``: the grant): its answer."""
    response = h.browser().request("POST", f"{B2C}/{DOMAIN}/{POLICY}/oauth2/v2.0/token",
                                   data={"client_id": WEB, "client_secret": WEB_SECRET, **form})
    assert response.status_code == 200, response.text
    return response.json()


def code_flow_tokens(h, scope: str = "openid offline_access", more: dict[str, str] | None = None) -> dict:
    """A sign-up through the Mobile ID button by the confidential app (with ``more`` in its request); the token endpoint's answer."""
    _, landing = signed_up(h, client_id=WEB, redirect_uri=WEB_REDIRECT, response_type="code", scope=scope, **(more or {}))
    assert "code" in landing.params, landing
    return token_endpoint(h, grant_type="authorization_code", code=landing.params["code"], redirect_uri=WEB_REDIRECT)


def test_the_starter_packs_issuer_gives_b2cs_defaults(start, tmp_path) -> None:
    h = start(policies=pack(tmp_path))
    body = code_flow_tokens(h)
    claims = unverified_claims(body["id_token"])
    assert claims["acr"] == POLICY.lower() and claims["iss"] == f"{B2C}/{DEFAULT_TENANT_ID}/v2.0/"
    assert claims["exp"] - claims["iat"] == 3600 and body["id_token_expires_in"] == 3600
    assert body["refresh_token_expires_in"] == 1209600 and isinstance(body["not_before"], int)


def test_the_articles_tfp_recipe_policy_issuer_and_lifetimes_reach_the_token(start, tmp_path) -> None:
    edits = [
        issuer('<Item Key="SendTokenResponseBodyWithJsonNumbers">false</Item>',
               '<Item Key="AuthenticationContextReferenceClaimPattern">None</Item>',
               '<Item Key="IssuanceClaimPattern">AuthorityWithTfp</Item>',
               '<Item Key="id_token_lifetime_secs">600</Item>', '<Item Key="refresh_token_lifetime_secs">86400</Item>'),
        ("TrustFrameworkBase.xml", '<ClaimType Id="tenantId">', TFP_CLAIM_TYPE + '<ClaimType Id="tenantId">'),
        ("SignUpOrSignin.xml", RP_SUB, RP_SUB + '<OutputClaim ClaimTypeReferenceId="trustFrameworkPolicy" PartnerClaimType="tfp" Required="true" DefaultValue="{policy}" />'),
    ]
    h = start(policies=pack(tmp_path, edits=edits))
    body = code_flow_tokens(h)
    claims = unverified_claims(body["id_token"])
    assert "acr" not in claims and claims["tfp"] == POLICY
    assert claims["iss"] == f"{B2C}/tfp/{DEFAULT_TENANT_ID}/{POLICY.lower()}/v2.0/"
    discovery = h.browser().request("GET", f"{B2C}/{DOMAIN}/{POLICY}/v2.0/.well-known/openid-configuration").json()
    assert discovery["issuer"] == claims["iss"] and "acr" not in discovery["claims_supported"]
    assert claims["exp"] - claims["iat"] == 600
    assert body["id_token_expires_in"] == "600" and body["refresh_token_expires_in"] == "86400"  # the legacy strings


def test_the_issuers_token_lifetime_is_the_access_tokens(start, tmp_path) -> None:
    h = start(policies=pack(tmp_path, edits=[issuer('<Item Key="token_lifetime_secs">900</Item>')]))
    body = code_flow_tokens(h, scope=f"openid {WEB}")  # the app's own client id: an access token for it
    claims = unverified_claims(body["access_token"])
    assert claims["exp"] - claims["iat"] == 900 and body["expires_in"] == 900
    assert body["id_token_expires_in"] == 3600  # the ID token keeps its own lifetime


@pytest.mark.parametrize(("edit", "named"), [
    (issuer('<Item Key="id_token_lifetime_secs">60</Item>'), "id_token_lifetime_secs']: '60' is not a number of seconds from 300 to 86400"),
    (issuer('<Item Key="IssuanceClaimPattern">Tfp</Item>'),
     "TrustFrameworkBase.xml: TechnicalProfile[@Id='JwtIssuer']/Metadata/Item[@Key='IssuanceClaimPattern']: "
     "'Tfp' is not supported; use AuthorityAndTenantGuid or AuthorityWithTfp"),
    (issuer('<Item Key="SendTokenResponseBodyWithJsonNumbers">yes</Item>'),
     "TrustFrameworkBase.xml: TechnicalProfile[@Id='JwtIssuer']/Metadata/Item[@Key='SendTokenResponseBodyWithJsonNumbers']: "
     "TechnicalProfile \"JwtIssuer\" in policy"),
    (("SignUpOrSignin.xml", "<DefaultUserJourney ReferenceId=\"SignUpOrSignIn\" />",
      '<DefaultUserJourney ReferenceId="SignUpOrSignIn" /><UserJourneyBehaviors><SingleSignOn Scope="Suppressed" /></UserJourneyBehaviors>'),
     "SignUpOrSignin.xml: RelyingParty/UserJourneyBehaviors/SingleSignOn (line 17)/@Scope: 'Suppressed' is not modelled"),
])
def test_what_the_emulator_does_not_model_is_refused(tmp_path, edit: tuple[str, str, str], named: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(named)):
        pack(tmp_path, edits=[edit])


# The jwt-issuer-technical-profile article's ranges (README, "What the JwtIssuer and the relying party set"): typed out
# here, not imported, so a range changed in issuance.py fails these tests until the README is checked too.
ARTICLE_RANGES = {
    "token_lifetime_secs": (300, 86400),
    "id_token_lifetime_secs": (300, 86400),
    "refresh_token_lifetime_secs": (86400, 7776000),
    "rolling_refresh_token_lifetime_secs": (86400, 31536000),  # "at least a day"
}
EDGES = [(key, value, low <= value <= high) for key, (low, high) in ARTICLE_RANGES.items()
         for value in (low - 1, low, high, high + 1)]


@pytest.mark.parametrize(("key", "value", "accepted"), EDGES, ids=[f"{key}={value}" for key, value, _ in EDGES])
def test_each_issuer_lifetime_is_checked_against_the_articles_range_at_its_edges(tmp_path, key: str, value: int, accepted: bool) -> None:
    edit = issuer(ISSUER_METADATA, f'<Item Key="{key}">{value}</Item>')
    if accepted:
        [policy] = pack(tmp_path, edits=[edit])
        lifetimes = {"token_lifetime_secs": policy.issuance.access_token_lifetime, "id_token_lifetime_secs": policy.issuance.id_token_lifetime,
                     "refresh_token_lifetime_secs": policy.issuance.refresh_token_lifetime}
        assert lifetimes.get(key, value) == value  # the rolling window is checked only: nothing a run can see
        return
    low, high = ARTICLE_RANGES[key]
    with pytest.raises(PolicyError, match=re.escape(f"[@Key='{key}']: '{value}' is not a number of seconds from {low} to {high}")):
        pack(tmp_path, edits=[edit])


@pytest.mark.parametrize(("value", "accepted"), [("true", True), ("false", True), ("yes", False), ("infinite", False)])
def test_allow_infinite_rolling_refresh_token_is_checked_true_or_false(tmp_path, value: str, accepted: bool) -> None:
    edit = issuer(ISSUER_METADATA, f'<Item Key="allow_infinite_rolling_refresh_token">{value}</Item>')
    if accepted:
        assert len(pack(tmp_path, edits=[edit])) == 1
        return
    with pytest.raises(PolicyError, match=re.escape("[@Key='allow_infinite_rolling_refresh_token']: ")):
        pack(tmp_path, edits=[edit])


def test_the_issuers_metadata_is_read_as_an_identity_providers_whatever_its_case(tmp_path) -> None:
    """One reading of a metadata value for every technical profile (providers.py one_of, metadata_bool): case-insensitive,
    as the identity providers' has always been (the reference says nothing of case; B2C reads booleans so)."""
    [policy] = pack(tmp_path, edits=[issuer('<Item Key="IssuanceClaimPattern">authoritywithtfp</Item>',
                                            '<Item Key="AuthenticationContextReferenceClaimPattern">NONE</Item>',
                                            '<Item Key="SendTokenResponseBodyWithJsonNumbers">False</Item>')])
    assert policy.issuance.policy_in_issuer and not policy.issuance.acr and not policy.issuance.json_numbers


def test_a_policy_that_requires_the_hint_on_logout_says_so(tmp_path) -> None:
    [policy] = pack(tmp_path, edits=[ENFORCE_HINT])
    [plain] = pack(tmp_path / "plain")
    assert policy.enforce_id_token_hint_on_logout and not plain.enforce_id_token_hint_on_logout


def test_the_claim_the_relying_party_outputs_as_sub_is_the_tokens_sub(start, tmp_path) -> None:
    edit = ("SignUpOrSignin.xml", RP_SUB, '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="sub"/>')
    h = start(policies=pack(tmp_path, edits=[edit]))
    claims = unverified_claims(code_flow_tokens(h)["id_token"])
    assert claims["sub"] == "Hans"  # the display name typed on the profile page, not the object id


def test_a_relying_party_without_an_output_claim_as_sub_is_refused(tmp_path) -> None:
    """What B2C's token then carries is not documented (README, Decisions): the emulator refuses rather than guess."""
    with pytest.raises(PolicyError) as refused:
        pack(tmp_path, edits=[("SignUpOrSignin.xml", RP_SUB, "")])
    # What is missing, where, and the element to add, first; then that the refusal is the emulator's, not B2C's:
    # it said "no output claim is the token's sub; what B2C then puts in sub is not documented", the fix last
    assert str(refused.value) == (
        "SignUpOrSignin.xml: RelyingParty/TechnicalProfile[@Id='PolicyProfile']/OutputClaims: no OutputClaim is the token's sub "
        "(none has PartnerClaimType=\"sub\", nor a claim type whose OpenIdConnect partner claim type is sub); add <OutputClaim "
        "ClaimTypeReferenceId=\"objectId\" PartnerClaimType=\"sub\"/> there, as the starter pack's relying parties have it. The "
        "refusal is the emulator's: what a tenant's token carries in sub without it is not documented, and the emulator does not "
        "guess (mocks/b2c/README.md, Decisions)")


def test_a_custom_policys_email_claim_named_emails_stays_a_string(start, tmp_path) -> None:
    """Only a user flow's "Email Addresses" application claim is an array (reference b2c.md section 3): a custom policy's
    claim goes out as its ClaimType says, a string here, whatever its name in the token."""
    edits = [("SignUpOrSignin.xml", RP_SUB, RP_SUB + '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="emails" />')]
    h = start(policies=pack(tmp_path, edits=edits))
    claims = unverified_claims(code_flow_tokens(h)["id_token"])
    assert claims["emails"] == "Hans", claims


@pytest.mark.parametrize(("always", "expected"), [(' AlwaysUseDefaultValue="true"', "Default"), ("", "Hans")])
def test_a_relying_party_claim_takes_its_default_over_the_journeys_value_only_when_always_use_default_value(
        start, tmp_path, always: str, expected: str) -> None:
    """The journey's displayName is the page's "Hans"; the relying party's DefaultValue replaces it only with AlwaysUseDefaultValue."""
    edits = [("SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="displayName" />',
              f'<OutputClaim ClaimTypeReferenceId="displayName" DefaultValue="Default"{always} />')]
    h = start(policies=pack(tmp_path, edits=edits))
    claims = unverified_claims(code_flow_tokens(h)["id_token"])
    assert claims["name"] == expected, claims


def test_a_relying_party_claim_whose_collection_is_empty_is_left_out_of_the_token(start, tmp_path) -> None:
    """otherMails, a stringCollection no step of a social sign-in fills: no value, left out as an empty string is
    (policies/README.md), where it went out as []."""
    edits = [("SignUpOrSignin.xml", RP_SUB, RP_SUB + '<OutputClaim ClaimTypeReferenceId="otherMails" />')]
    h = start(policies=pack(tmp_path, edits=edits))
    claims = unverified_claims(code_flow_tokens(h)["id_token"])
    assert "otherMails" not in claims, claims


CLIENT_CLAIM_TYPE = '<ClaimType Id="appAsked"><DisplayName>appAsked</DisplayName><DataType>string</DataType></ClaimType>'


def resolving(default: str) -> list[tuple[str, str, str]]:
    """A relying party output claim ``appAsked`` whose DefaultValue is ``default``."""
    return [("TrustFrameworkBase.xml", '<ClaimType Id="tenantId">', CLIENT_CLAIM_TYPE + '<ClaimType Id="tenantId">'),
            ("SignUpOrSignin.xml", RP_SUB, RP_SUB + f'<OutputClaim ClaimTypeReferenceId="appAsked" DefaultValue="{default}" AlwaysUseDefaultValue="true" />')]


def test_an_oidc_claim_resolver_in_a_relying_party_claim_is_the_apps_request(start, tmp_path) -> None:
    h = start(policies=pack(tmp_path, edits=resolving("{OIDC:ClientId} asked {OIDC:Scope}")))
    claims = unverified_claims(code_flow_tokens(h)["id_token"])
    assert claims["appAsked"] == f"{WEB} asked openid offline_access", claims


def test_every_oidc_claim_resolver_checked_at_load_is_filled_in_from_the_apps_request(start, tmp_path) -> None:
    from mocks.b2c.resolvers import OIDC_RESOLVERS

    asked = {"DomainHint": "example.org", "LoginHint": "hans@example.org", "Nonce": "n-0451", "Prompt": "login"}
    h = start(policies=pack(tmp_path, edits=resolving("|".join(f"{{OIDC:{name}}}" for name in OIDC_RESOLVERS))))
    more = {"domain_hint": asked["DomainHint"], "login_hint": asked["LoginHint"], "nonce": asked["Nonce"], "prompt": asked["Prompt"]}
    claims = unverified_claims(code_flow_tokens(h, more=more)["id_token"])
    expected = {**asked, "ClientId": WEB, "RedirectUri": WEB_REDIRECT, "Scope": "openid offline_access"}
    assert dict(zip(OIDC_RESOLVERS, claims["appAsked"].split("|"), strict=True)) == expected, claims


def test_the_correlation_id_resolver_is_the_sign_ins_transactions_in_tokens_from_either_endpoint(start, tmp_path) -> None:
    """{Context:CorrelationId}, which Microsoft's troubleshooting article echoes into tokens: the id B2C's pages show for
    the sign-in (its page source comment), in an ID token at the redirect, from a redeemed code and from a refresh."""
    h = start(policies=pack(tmp_path, edits=resolving("{Context:CorrelationId}")))
    page, implicit = signed_up(h)  # the SPA's id_token in the fragment
    shown = page.settings["correlationId"]
    assert re.fullmatch(r"[0-9a-f-]{36}", shown) and f"<!-- CorrelationId: {shown} -->" in page.html
    assert unverified_claims(implicit.params["id_token"])["appAsked"] == shown
    page, coded = signed_up(h, client_id=WEB, redirect_uri=WEB_REDIRECT, response_type="code", scope="openid offline_access")
    redeemed = token_endpoint(h, grant_type="authorization_code", code=coded.params["code"], redirect_uri=WEB_REDIRECT)
    assert unverified_claims(redeemed["id_token"])["appAsked"] == page.settings["correlationId"]
    refreshed = token_endpoint(h, grant_type="refresh_token", refresh_token=redeemed["refresh_token"])
    assert unverified_claims(refreshed["id_token"])["appAsked"] == page.settings["correlationId"]


@pytest.mark.parametrize("resolver", ["{Context:IPAddress}", "{Culture:LCID}", "{OAUTH-KV:campaignId}", "{Policy:PolicyID}"])
def test_a_claim_resolver_the_emulator_does_not_fill_in_is_refused_naming_it(tmp_path, resolver: str) -> None:
    """{Context:IPAddress} would reach the token as written, where B2C puts the browser's address (and a misspelt
    {Policy:...} as written)."""
    with pytest.raises(PolicyError, match=rf"OutputClaim\[@ClaimTypeReferenceId='appAsked'\].*{re.escape(resolver)} is not one the emulator fills in"):
        pack(tmp_path, edits=resolving(resolver))


def test_each_policy_resolver_is_filled_in_from_the_policy_or_its_tenant(tmp_path) -> None:
    from mocks.b2c.resolvers import POLICY_RESOLVERS
    from mocks.b2c.settings import B2CSettings, fill_in

    [policy] = pack(tmp_path)
    text = "|".join(f"{{Policy:{name}}}" for name in POLICY_RESOLVERS)
    filled = dict(zip(POLICY_RESOLVERS, fill_in(text, B2CSettings().claim_resolvers(policy)).split("|"), strict=True))
    assert filled == {"PolicyId": POLICY, "TenantObjectId": DEFAULT_TENANT_ID, "RelyingPartyTenantId": "contoso.onmicrosoft.com",
                      "TrustFrameworkTenantId": "contoso.onmicrosoft.com"}


@pytest.mark.parametrize(("lifetime", "accepted"), [(299, False), (300, True), (86400, True), (86401, False)])
def test_a_user_flows_token_lifetime_is_the_portals_5_to_1440_minutes(lifetime: int, accepted: bool) -> None:
    """The user flows' token lifetime (B2CSettings.token_lifetime) within the portal's range, the same the suite's token
    check holds B2C's tokens to (fixtures/tokens.py MIN_LIFETIME, MAX_LIFETIME): a stack set to 60 s issued tokens the
    journeys then failed."""
    from pydantic import ValidationError

    from mocks.b2c.settings import B2CSettings

    if accepted:
        assert B2CSettings(token_lifetime=lifetime).token_lifetime == lifetime
    else:
        with pytest.raises(ValidationError, match="token_lifetime"):
            B2CSettings(token_lifetime=lifetime)
