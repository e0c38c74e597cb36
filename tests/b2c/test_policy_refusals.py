"""A policy folder B2C's upload would refuse is refused at load, naming the file, the element and what to change:
each refusal of the custom-policy loader, from the starter pack with one edit (or a folder with one file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mocks.b2c.custom_policy import load_custom_policies
from mocks.b2c.policy import PolicyError

from .fake_idp import ISSUER
from .support import PACK_KEYS, copy_pack, edit_policy, pack

BASE, EXT, RP = "TrustFrameworkBase.xml", "TrustFrameworkExtensions.xml", "SignUpOrSignin.xml"
NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06"
# Anchors in the starter pack's files that an edit puts something before or replaces.
SESSION = '<UseTechnicalProfileForSessionManagement ReferenceId="SM-SocialLogin" />'
MOBILE_ID_PROTOCOL = '<Protocol Name="OAuth2" />'
JOURNEY = '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />'


def load(folder: Path) -> None:
    load_custom_policies(folder, tenant="contoso", policy_keys=PACK_KEYS)


def before_session(xml: str) -> tuple[str, str, str]:
    """An edit of the seed's Mobile ID technical profile: ``xml`` added to it."""
    return (EXT, SESSION, xml + SESSION)


def single_sign_on(attributes: str) -> tuple[str, str, str]:
    """An edit of the relying party: its UserJourneyBehaviors' SingleSignOn with ``attributes``."""
    return (RP, JOURNEY, f"{JOURNEY}<UserJourneyBehaviors><SingleSignOn {attributes} /></UserJourneyBehaviors>")


# --- the folder and its files ---------------------------------------------------------------------


def test_a_folder_without_policy_files_is_refused(tmp_path: Path) -> None:
    """A wrong --policies path must not start a stack that serves no custom policy."""
    with pytest.raises(PolicyError, match=r"no policy files \(\*\.xml\); upload TrustFrameworkBase\.xml, extensions and a relying party"):
        load(tmp_path)


def test_a_folder_without_a_relying_party_is_refused(tmp_path: Path) -> None:
    """Base and extensions alone give no policy an app could name."""
    folder = copy_pack(tmp_path / "pack")
    for name in ("SignUpOrSignin.xml", "ProfileEdit.xml", "PasswordReset.xml"):
        (folder / name).unlink()
    with pytest.raises(PolicyError, match=r"no relying party policy; add a file with <RelyingParty>"):
        load(folder)


RPS = "relying-parties"
SUBFOLDERS_ARE_NOT_READ = r" \(only the folder's own \*\.xml files are\): put the files you upload in one folder"


def move(folder: Path, moved: dict[str, str]) -> None:
    """The folder's files whose names start with a key moved into the subfolder it maps to."""
    for path in sorted(folder.glob("*.xml")):
        into = next((subfolder for prefix, subfolder in moved.items() if path.name.startswith(prefix)), None)
        if into is not None:
            (folder / into).mkdir(exist_ok=True)
            path.rename(folder / into / path.name)


@pytest.mark.parametrize(("moved", "says"), [
    # A team's repository with its files in folders of their own: the folder of both holds none itself
    ({"TrustFramework": "base", "SignUpOrSignin": RPS, "ProfileEdit": RPS, "PasswordReset": RPS}, r"no policy files \(\*\.xml\); its subfolders hold base/TrustFrameworkBase\.xml, "
     r"base/TrustFrameworkExtensions\.xml, base/TrustFrameworkLocalization\.xml and 3 more, which are not read"),
    # its base and extensions there, its relying parties a folder down
    ({"SignUpOrSignin": RPS, "ProfileEdit": RPS, "PasswordReset": RPS}, r"no relying party policy; its subfolders hold relying-parties/PasswordReset\.xml, "
     r"relying-parties/ProfileEdit\.xml, relying-parties/SignUpOrSignin\.xml, which are not read"),
    # its relying parties there, the base a folder down
    ({"TrustFrameworkBase": "base"}, r"Policy with 'policyId': B2C_1A_TRUSTFRAMEWORKBASE cannot be found in the directory\.; add that "
     r"file \(found: .*; its subfolders hold base/TrustFrameworkBase\.xml, which are not read"),
    # the base a folder down beside other relying parties: the base's file alone is the one to add
    ({"TrustFrameworkBase": "base", "ProfileEdit": RPS, "PasswordReset": RPS}, r"Policy with 'policyId': B2C_1A_TRUSTFRAMEWORKBASE cannot "
     r"be found in the directory\.; add that file \(found: [^)]*; its subfolders hold base/TrustFrameworkBase\.xml, which are not read"),
], ids=["all", "relying parties", "base", "base beside relying parties"])
def test_policy_files_in_subfolders_are_named_where_the_folders_own_lack_them(tmp_path: Path, moved: dict[str, str], says: str) -> None:
    """The folder's own files alone are read, as before; what it lacks is said with the files its subfolders hold (it said
    "no policy files" of a folder whose files are a folder down) and how to give them."""
    folder = copy_pack(tmp_path / "pack")
    move(folder, moved)
    with pytest.raises(PolicyError, match=says + SUBFOLDERS_ARE_NOT_READ):
        load(folder)


def test_a_base_the_subfolders_lack_is_said_without_them(tmp_path: Path) -> None:
    """Relying parties a folder down are no file to add for a missing base: the message keeps to the folder's files."""
    folder = copy_pack(tmp_path / "pack")
    move(folder, {"ProfileEdit": RPS, "PasswordReset": RPS})
    (folder / "TrustFrameworkBase.xml").unlink()
    with pytest.raises(PolicyError, match=r"Policy with 'policyId': B2C_1A_TRUSTFRAMEWORKBASE cannot be found in the directory\.; "
                                          r"add that file \(found: [^)]*\) or fix the PolicyId$"):
        load(folder)


def test_subfolder_xml_that_is_no_policy_file_is_not_named(tmp_path: Path) -> None:
    """A repository's root given as the folder: JetBrains' .idea/ (misc.xml, modules.xml, vcs.xml) came first in the
    message and hid the policy files ("its subfolders hold .idea/misc.xml, .idea/modules.xml, .idea/vcs.xml and 5 more").
    Hidden folders (VS Code's Local History keeps copies of the policies in .history/), XML of another root and a file
    that does not parse are passed over; a policy file of another namespace is one still (its own refusal says which)."""
    folder = copy_pack(tmp_path / "repository")
    move(folder, {"TrustFramework": "base", "SignUpOrSignin": RPS, "ProfileEdit": RPS, "PasswordReset": RPS})
    (folder / ".idea").mkdir()
    for name in ("misc.xml", "modules.xml", "vcs.xml"):
        (folder / ".idea" / name).write_text('<?xml version="1.0" encoding="UTF-8"?>\n<project version="4" />')
    (folder / ".history").mkdir()
    (folder / ".history" / "TrustFrameworkBase_20240101.xml").write_bytes((folder / "base" / "TrustFrameworkBase.xml").read_bytes())
    (folder / "build").mkdir()
    (folder / "build" / "pom.xml").write_text('<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion></project>')
    (folder / "build" / "notes.xml").write_text("not XML at all <")
    (folder / "build" / "entities.xml").write_text('<!DOCTYPE TrustFrameworkPolicy [<!ENTITY t "x">]><TrustFrameworkPolicy PolicyId="&t;" />')
    (folder / "build" / "Unqualified.xml").write_text('<TrustFrameworkPolicy PolicyId="B2C_1A_x" />')
    with pytest.raises(PolicyError, match=r"no policy files \(\*\.xml\); its subfolders hold base/TrustFrameworkBase\.xml, "
                                          r"base/TrustFrameworkExtensions\.xml, base/TrustFrameworkLocalization\.xml and 4 more, "
                                          r"which are not read" + SUBFOLDERS_ARE_NOT_READ):
        load(folder)


def test_two_files_with_one_policy_id_are_refused_whatever_its_case(tmp_path: Path) -> None:
    """B2C compares policy ids case-insensitively: a copy of a file kept beside it would replace it."""
    folder = copy_pack(tmp_path / "pack")
    (folder / "Copy.xml").write_bytes((folder / RP).read_bytes().replace(b'PolicyId="B2C_1A_signup_signin"', b'PolicyId="B2C_1A_SIGNUP_SIGNIN"'))
    with pytest.raises(PolicyError, match=re.escape("SignUpOrSignin.xml: TrustFrameworkPolicy/@PolicyId: 'B2C_1A_signup_signin' "
                                                    "is also used by Copy.xml; policy ids must be unique")):
        load(folder)


@pytest.mark.parametrize(("xml", "says"), [
    ("<Policy />", f'Stray.xml: root element is <Policy>; a policy file is <TrustFrameworkPolicy xmlns="{NS}" ...>'),
    # Without B2C's namespace the root is another element: the message shows the one to write.
    ('<TrustFrameworkPolicy PolicyId="B2C_1A_x" TenantId="contoso.onmicrosoft.com" />',
     f'Stray.xml: root element is <TrustFrameworkPolicy>; a policy file is <TrustFrameworkPolicy xmlns="{NS}" ...>'),
], ids=["other element", "no namespace"])
def test_a_file_that_is_not_a_trust_framework_policy_is_refused(tmp_path: Path, xml: str, says: str) -> None:
    folder = copy_pack(tmp_path / "pack")
    (folder / "Stray.xml").write_text(xml)
    with pytest.raises(PolicyError, match=re.escape(says)):
        load(folder)


@pytest.mark.parametrize(("edit", "says"), [
    ((RP, "</RelyingParty>", ""), "SignUpOrSignin.xml: line 37, column 2: malformed XML (mismatched tag); fix the markup"),
    ((RP, 'standalone="yes"?>', 'standalone="yes"?><!DOCTYPE TrustFrameworkPolicy [<!ENTITY t "contoso.onmicrosoft.com">]>'),
     "SignUpOrSignin.xml: line 1: a <!DOCTYPE> declaration; policy files may not use DTDs or entities: remove it"),
    ((RP, 'PolicyId="B2C_1A_signup_signin"', ""),
     'SignUpOrSignin.xml: TrustFrameworkPolicy/@PolicyId is missing; add PolicyId="B2C_1A_..."'),
    ((RP, 'PolicyId="B2C_1A_signup_signin"', 'PolicyId="signup_signin"'),
     "SignUpOrSignin.xml: TrustFrameworkPolicy/@PolicyId: 'signup_signin' must start with B2C_1A_"),
    ((RP, "<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>", ""),
     "SignUpOrSignin.xml: BasePolicy/PolicyId is missing; name the base policy's PolicyId"),
    ((RP, "<TenantId>contoso.onmicrosoft.com</TenantId>", "<TenantId>fabrikam.onmicrosoft.com</TenantId>"),
     "SignUpOrSignin.xml: BasePolicy/TenantId: TenantId in the policy xml 'fabrikam.onmicrosoft.com' is not same as the one in "
     "login tenant 'contoso.onmicrosoft.com'.; use 'contoso.onmicrosoft.com'"),
    # A team's source as the Azure AD B2C extension for VS Code keeps it: the tenant a setting its build fills in
    ((RP, 'TenantId="contoso.onmicrosoft.com"', 'TenantId="{Settings:Tenant}"'),
     "SignUpOrSignin.xml: TrustFrameworkPolicy/@TenantId: '{Settings:Tenant}' is a setting of the Azure AD B2C extension for VS Code, "
     "which it fills in from appsettings.json when it builds the policies (B2C's upload takes no such placeholder); build them "
     '("B2C: Build all policies") and give the built folder, Environments/<name>'),
    ((BASE, 'B2C_1A_TrustFrameworkBase">', 'B2C_1A_TrustFrameworkBase"><BasePolicy><TenantId>contoso.onmicrosoft.com</TenantId>'
                                            "<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId></BasePolicy>"),
     "TrustFrameworkBase.xml: BasePolicy/PolicyId: 'B2C_1A_TrustFrameworkExtensions' makes the inheritance a cycle"),
], ids=["malformed", "dtd", "no policy id", "no prefix", "no base policy id", "base in another tenant", "unbuilt tenant setting", "cycle"])
def test_a_file_b2c_could_not_read_or_place_in_its_chain_is_refused(tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    folder = copy_pack(tmp_path / "pack")
    edit_policy(folder, *edit)
    with pytest.raises(PolicyError, match=re.escape(says)):
        load(folder)


# --- journeys, technical profiles and the references between them ---------------------------------


@pytest.mark.parametrize(("edit", "says"), [
    ((EXT, '<UserJourney Id="SignUpOrSignIn">', "<UserJourney>"), "TrustFrameworkExtensions.xml: UserJourney (line 93): @Id is missing"),
    ((EXT, 'Order="7"', 'Order="seven"'),
     "UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep (line 180): @Order 'seven' is not a number; number the steps 1, 2, 3, ..."),
    ((EXT, '<TechnicalProfile Id="MobileID-OAuth2">', "<TechnicalProfile>"),
     "TrustFrameworkExtensions.xml: TechnicalProfile (line 55): @Id is missing"),
    (before_session('<IncludeTechnicalProfile ReferenceId="MobileID-OAuth2" />'),
     "TechnicalProfile[@Id='MobileID-OAuth2']/IncludeTechnicalProfile: includes itself via MobileID-OAuth2"),
    (before_session('<IncludeTechnicalProfile ReferenceId="MobileID-Base" />'),
     "TechnicalProfile[@Id='MobileID-OAuth2']/IncludeTechnicalProfile[@ReferenceId='MobileID-Base']: no TechnicalProfile with that Id; "
     "define it or fix the ReferenceId"),
    ((BASE, '<ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingAlternativeSecurityId" />',
      '<ValidationTechnicalProfile ReferenceId="AAD-UserWrite" />'),
     "TrustFrameworkBase.xml: TechnicalProfile[@Id='SelfAsserted-Social']/ValidationTechnicalProfiles/"
     "ValidationTechnicalProfile[@ReferenceId='AAD-UserWrite'] (line 835): no TechnicalProfile with that Id; define it or fix the ReferenceId"),
    ((EXT, SESSION, '<UseTechnicalProfileForSessionManagement ReferenceId="SM-Social" />'),
     "TechnicalProfile[@Id='MobileID-OAuth2']/UseTechnicalProfileForSessionManagement[@ReferenceId='SM-Social']: "
     "no TechnicalProfile with that Id; use SM-AAD, SM-SocialLogin or SM-Noop"),
    ((EXT, 'TechnicalProfileReferenceId="MobileID-OAuth2"', 'TechnicalProfileReferenceId="MobileID-OIDC"'),
     "OrchestrationStep[@Order='2']/ClaimsExchanges/ClaimsExchange[@Id='MobileIDExchange'] (line 108): TechnicalProfileReferenceId "
     "'MobileID-OIDC' is not defined in any ClaimsProvider; define that TechnicalProfile or reference an existing one"),
    ((EXT, 'CpimIssuerTechnicalProfileReferenceId="JwtIssuer"', 'CpimIssuerTechnicalProfileReferenceId="JWTIssuer"'),
     "OrchestrationStep[@Order='7']/@CpimIssuerTechnicalProfileReferenceId (line 180): 'JWTIssuer' is not defined; "
     "use the JwtIssuer technical profile"),
    ((EXT, '<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
      '<ClaimsProviderSelection TargetClaimsExchangeId="MobileIdExchange" />'),
     "ClaimsProviderSelection[@TargetClaimsExchangeId='MobileIdExchange']: no ClaimsExchange with Id 'MobileIdExchange' in a later "
     'step; add <ClaimsExchange Id="MobileIdExchange" TechnicalProfileReferenceId="..." /> to step 2'),
], ids=["journey without id", "order not a number", "profile without id", "include cycle", "unknown include", "unknown validation profile",
        "unknown session manager", "unknown exchange profile", "unknown token issuer", "button without exchange"])
def test_a_journey_or_profile_b2c_could_not_resolve_is_refused(tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    """Each reference a journey follows must lead somewhere: a typo is named where it is, not met mid sign-in."""
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=[edit])


# --- the identity provider behind a button ---------------------------------------------------------

OIDC = '<Protocol Name="OpenIdConnect" />'
OIDC_METADATA = '<Metadata><Item Key="METADATA">https://openid.mobileid.ch/.well-known/openid-configuration</Item></Metadata>'
MOBILE_ID = "TrustFrameworkExtensions.xml: TechnicalProfile[@Id='MobileID-OAuth2']"


# OAuth2 metadata that changes B2C's calls to the identity provider (oauth2-technical-profile), which the emulator does not make.
NOT_MADE = [
    ("AdditionalRequestQueryParameters", "acr_values=mid_al3_any", "the authorization request's extra parameters"),
    ("ExtraParamsInAccessTokenEndpointResponse", "openid", "passing the token endpoint's extra parameters to the claims endpoint"),
    ("ExtraParamsInClaimsEndpointRequest", "resource", "passing the token endpoint's extra parameters to the claims endpoint"),
    ("ResolveJsonPathsInJsonTokens", "true", "reading claims by JSON path"),
    ("ResponseErrorCodeParamName", "error_code", "reading an error from an HTTP 200 answer"),
]


@pytest.mark.parametrize(("edits", "says"), [
    ([(EXT, MOBILE_ID_PROTOCOL, "")], f'{MOBILE_ID}/Protocol (line 55): missing; add <Protocol Name="OAuth2" /> or OpenIdConnect'),
    ([(EXT, MOBILE_ID_PROTOCOL, '<Protocol Name="SAML2" />')],
     f"{MOBILE_ID}/Protocol/@Name: 'SAML2' is not supported for a social identity provider (ClaimsExchange 'MobileIDExchange'); "
     "use OAuth2 or OpenIdConnect"),
    ([(EXT, '<Item Key="client_id">b2c-client</Item>', "")],
     f"{MOBILE_ID}/Metadata/Item[@Key='client_id']: missing; an OAuth2 technical profile needs <Item Key=\"client_id\">...</Item>"),
    ([(EXT, f'<Item Key="AccessTokenEndpoint">{ISSUER}/token</Item>', "")],
     f"{MOBILE_ID}/Metadata/Item[@Key='AccessTokenEndpoint']: missing; an OAuth2 technical profile needs <Item Key=\"AccessTokenEndpoint\">"),
    ([(EXT, MOBILE_ID_PROTOCOL, OIDC)],
     f"{MOBILE_ID}/Metadata/Item[@Key='METADATA']: missing; an OpenIdConnect technical profile needs <Item Key=\"METADATA\">...</Item>"),
    ([(EXT, MOBILE_ID_PROTOCOL, OIDC + OIDC_METADATA)],
     f"{MOBILE_ID}/Metadata/Item[@Key='response_types']: missing; B2C then uses id_token, which the emulator doesn't federate; "
     'add <Item Key="response_types">code</Item>'),
    ([(EXT, MOBILE_ID_PROTOCOL, OIDC + OIDC_METADATA.replace("</Metadata>", '<Item Key="response_types">id_token</Item></Metadata>'))],
     f"{MOBILE_ID}/Metadata/Item[@Key='response_types']: 'id_token' is not supported; use code "
     "(the emulator federates with the authorization code flow only)"),
    ([(EXT, '<Key Id="client_secret" StorageReferenceId="B2C_1A_MobileIdSecret" />', "")],
     f'{MOBILE_ID}/CryptographicKeys/Key[@Id=\'client_secret\']: missing; the code flow needs <Key Id="client_secret" '
     'StorageReferenceId="B2C_1A_..." />'),
    ([(EXT, '<OutputClaim ClaimTypeReferenceId="issuerUserId" PartnerClaimType="sub"/>',
       '<OutputClaim ClaimTypeReferenceId="issuerUserId" PartnerClaimType="sub"/><OutputClaim ClaimTypeReferenceId="mobileNumber" />')],
     f"{MOBILE_ID}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='mobileNumber'] (line 74): claim type 'mobileNumber' is not declared "
     "in BuildingBlocks/ClaimsSchema of TrustFrameworkExtensions.xml or a policy it is based on; declare it there or fix the "
     "ClaimTypeReferenceId"),
    ([(EXT, '<Item Key="HttpBinding">POST</Item>', '<Item Key="HttpBinding">PUT</Item>')],
     f"{MOBILE_ID}/Metadata/Item[@Key='HttpBinding']: 'PUT' is not supported; use POST or GET"),
    ([(EXT, '<Item Key="HttpBinding">POST</Item>', '<Item Key="HttpBinding">REDIRECT</Item>')],
     f"{MOBILE_ID}/Metadata/Item[@Key='HttpBinding']: 'REDIRECT' is not supported; use POST or GET"),
    ([(EXT, '<Item Key="HttpBinding">POST</Item>', '<Item Key="HttpBinding">POST</Item><Item Key="response_mode">fragment</Item>')],
     f"{MOBILE_ID}/Metadata/Item[@Key='response_mode']: 'fragment' is not supported; use form_post or query"),
    *[([(EXT, '<Item Key="HttpBinding">POST</Item>', f'<Item Key="HttpBinding">POST</Item><Item Key="{key}">{value}</Item>')],
       f"{MOBILE_ID}/Metadata/Item[@Key='{key}']: {what} is not made by the emulator, so a local run would call the identity "
       "provider otherwise than the tenant does; remove the item, or run the journey against the tenant")
      for key, value, what in NOT_MADE],
], ids=["no protocol", "saml", "no client id", "no token endpoint", "oidc without metadata", "oidc without response types",
        "oidc implicit", "no client secret", "undeclared claim", "http binding put", "http binding redirect", "response mode fragment",
        *(key for key, _, _ in NOT_MADE)])
def test_an_identity_provider_the_emulator_could_not_call_is_refused(tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """What the button's technical profile lacks would otherwise fail only when a user clicks it (pack() points it at the fake IdP)."""
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=edits)


# --- the relying party ----------------------------------------------------------------------------

PROFILE = "SignUpOrSignin.xml: RelyingParty/TechnicalProfile[@Id='PolicyProfile']"


@pytest.mark.parametrize(("edits", "says"), [
    ([(RP, JOURNEY, "<DefaultUserJourney />")],
     "SignUpOrSignin.xml: RelyingParty/DefaultUserJourney/@ReferenceId: missing; name the user journey to run"),
    ([(RP, JOURNEY, '<DefaultUserJourney ReferenceId="SignUpSignIn" />')],
     "SignUpOrSignin.xml: RelyingParty/DefaultUserJourney[@ReferenceId='SignUpSignIn']: no UserJourney with that Id in this policy or "
     "its base policies (defined: PasswordReset, ProfileEdit, RedeemRefreshToken, SignUpOrSignIn)"),
    ([(RP, '<TechnicalProfile Id="PolicyProfile">', '<Profile Id="PolicyProfile">'), (RP, "</TechnicalProfile>", "</Profile>")],
     'SignUpOrSignin.xml: RelyingParty/TechnicalProfile: missing; add <TechnicalProfile Id="PolicyProfile">'),
    ([(RP, '<Protocol Name="OpenIdConnect" />', '<Protocol Name="SAML2" />')],
     f"{PROFILE}/Protocol/@Name: 'SAML2' is not supported; the emulator issues OpenID Connect tokens, use OpenIdConnect"),
    ([(RP, '<OutputClaim ClaimTypeReferenceId="email" />', '<OutputClaim ClaimTypeReferenceId="emails" />')],
     f"{PROFILE}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='emails'] (line 29): claim type 'emails' is not declared in "
     "BuildingBlocks/ClaimsSchema"),
    ([single_sign_on('Scope="Session"')],
     "SignUpOrSignin.xml: RelyingParty/UserJourneyBehaviors/SingleSignOn (line 17)/@Scope: 'Session' is not one of "
     "Tenant, Application, Policy, Suppressed"),
    ([single_sign_on('Scope="Tenant" EnforceIdTokenHintOnLogout="yes"')],
     "SignUpOrSignin.xml: RelyingParty/UserJourneyBehaviors/SingleSignOn (line 17)/@EnforceIdTokenHintOnLogout: 'yes' is not true or false"),
], ids=["no journey named", "unknown journey", "no technical profile", "saml", "undeclared claim", "unknown sso scope", "enforce not boolean"])
def test_a_relying_party_the_emulator_could_not_serve_is_refused(tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=edits)


# --- what B2C's upload checks in every technical profile and journey of a file, reached or not ------

SELF_ASSERTED_OUTPUT = '<OutputClaim ClaimTypeReferenceId="executed-SelfAsserted-Input" DefaultValue="true" />'  # SelfAsserted-Social's
MOBILE_ID_PROFILE = '<TechnicalProfile Id="MobileID-OAuth2">'
NICKNAME = ('<BuildingBlocks><ClaimsSchema><ClaimType Id="nickname"><DisplayName>Nickname</DisplayName><DataType>string</DataType>'
            "<UserInputType>TextBox</UserInputType></ClaimType></ClaimsSchema></BuildingBlocks>")
UNDECLARED = "claim type 'nickname' is not declared in BuildingBlocks/ClaimsSchema of {} or a policy it is based on; declare it there"


def copy_claim(source: str, target: str) -> str:
    """The extensions' BuildingBlocks opened with a CopyClaim transformation, ``CopyNickname``, from ``source`` to ``target``."""
    return ('<BuildingBlocks><ClaimsTransformations><ClaimsTransformation Id="CopyNickname" TransformationMethod="CopyClaim">'
            f'<InputClaims><InputClaim ClaimTypeReferenceId="{source}" TransformationClaimType="inputClaim" /></InputClaims>'
            f'<OutputClaims><OutputClaim ClaimTypeReferenceId="{target}" TransformationClaimType="outputClaim" /></OutputClaims>'
            "</ClaimsTransformation></ClaimsTransformations>")


def unreferenced_profile(claims: str) -> tuple[str, str, str]:
    """A technical profile no journey, exchange or other profile names, with ``claims``, beside the seed's Mobile ID one."""
    return (EXT, MOBILE_ID_PROFILE, f'<TechnicalProfile Id="Unreferenced">{claims}</TechnicalProfile>{MOBILE_ID_PROFILE}')


@pytest.mark.parametrize(("edits", "says"), [
    # The runtime used to leave an undeclared claim off the profile page silently.
    ([(BASE, SELF_ASSERTED_OUTPUT, SELF_ASSERTED_OUTPUT + '<OutputClaim ClaimTypeReferenceId="nickname" />')],
     "TrustFrameworkBase.xml: TechnicalProfile[@Id='SelfAsserted-Social']/OutputClaims/OutputClaim[@ClaimTypeReferenceId='nickname'] "
     f"(line 825): {UNDECLARED.format(BASE)}"),
    ([unreferenced_profile('<InputClaims><InputClaim ClaimTypeReferenceId="nickname" /></InputClaims>')],
     f"TechnicalProfile[@Id='Unreferenced']/InputClaims/InputClaim[@ClaimTypeReferenceId='nickname'] (line 55): "
     f"{UNDECLARED.format(EXT)}"),
    ([unreferenced_profile('<PersistedClaims><PersistedClaim ClaimTypeReferenceId="nickname" /></PersistedClaims>')],
     f"TechnicalProfile[@Id='Unreferenced']/PersistedClaims/PersistedClaim[@ClaimTypeReferenceId='nickname'] (line 55): "
     f"{UNDECLARED.format(EXT)}"),
    ([unreferenced_profile('<DisplayClaims><DisplayClaim DisplayControlReferenceId="emailVerificationControl" />'
                           '<DisplayClaim ClaimTypeReferenceId="nickname" Required="true" /></DisplayClaims>')],
     f"TechnicalProfile[@Id='Unreferenced']/DisplayClaims/DisplayClaim[@ClaimTypeReferenceId='nickname'] (line 55): "
     f"{UNDECLARED.format(EXT)}"),
    ([(RP, "<OutputClaims>", '<InputClaims><InputClaim ClaimTypeReferenceId="nickname" /></InputClaims><OutputClaims>')],
     f"{PROFILE}/InputClaims/InputClaim[@ClaimTypeReferenceId='nickname'] (line 25): {UNDECLARED.format(RP)}"),
    # Declared, but in the extensions, a file based on the base: the base's upload does not see it (every relying party's
    # chain holds both, so none loads the reference from a chain that lacks the declaration).
    ([(EXT, "<BuildingBlocks>", NICKNAME.removesuffix("</BuildingBlocks>")),
      (BASE, SELF_ASSERTED_OUTPUT, SELF_ASSERTED_OUTPUT + '<OutputClaim ClaimTypeReferenceId="nickname" />')],
     "TrustFrameworkBase.xml: TechnicalProfile[@Id='SelfAsserted-Social']/OutputClaims/OutputClaim[@ClaimTypeReferenceId='nickname'] "
     f"(line 825): {UNDECLARED.format(BASE)} or fix the ClaimTypeReferenceId (each file's upload sees its own and its base "
     "policies' claim types, not those of files based on it)"),
    # In a claims transformation, whether or not a technical profile uses it.
    ([(EXT, "<BuildingBlocks>", copy_claim("nickname", "displayName"))],
     "TrustFrameworkExtensions.xml: ClaimsTransformation[@Id='CopyNickname']/InputClaims/InputClaim[@ClaimTypeReferenceId='nickname'] "
     f"(line 15): {UNDECLARED.format(EXT)}"),
    ([(EXT, "<BuildingBlocks>", copy_claim("displayName", "nickname"))],
     "TrustFrameworkExtensions.xml: ClaimsTransformation[@Id='CopyNickname']/OutputClaims/OutputClaim[@ClaimTypeReferenceId='nickname'] "
     f"(line 15): {UNDECLARED.format(EXT)}"),
], ids=["self-asserted output", "unreferenced input", "unreferenced persisted", "unreferenced display", "relying party input",
        "declared in a later file", "transformation input", "transformation output"])
def test_a_claim_reference_to_an_undeclared_claim_type_is_refused_in_any_technical_profile(
        tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """B2C's upload checks every ClaimTypeReferenceId of a file against its ClaimsSchema and its bases', whether or not a
    journey reaches the profile; a reference in another case loads (the starter pack's login-NonInteractive outputs surName)."""
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=edits)


@pytest.mark.parametrize("reference", ["nickname", "NickName"])
def test_a_claim_declared_in_the_file_or_a_base_is_the_profile_pages_field(tmp_path: Path, reference: str) -> None:
    """The other side of the refusals above: declared in the extensions, the claim the extensions add to the base's
    profile page is one of its fields, under its declared name however the reference spells it (a reference matched
    in another case once loaded and was then left off the page: the runtime keys claims by the declared name)."""
    [policy] = pack(tmp_path, edits=[
        (EXT, "<BuildingBlocks>", NICKNAME.removesuffix("</BuildingBlocks>")),
        (EXT, MOBILE_ID_PROFILE, f'<TechnicalProfile Id="SelfAsserted-Social"><OutputClaims><OutputClaim ClaimTypeReferenceId="{reference}" />'
                                 f"</OutputClaims></TechnicalProfile>{MOBILE_ID_PROFILE}")])
    assert "nickname" in policy.self_asserted_claims
    assert policy.journey is not None
    page = policy.journey.profiles["SelfAsserted-Social"]
    assert [c.claim_type for c in page.output_claims if c.claim_type.lower() == "nickname"] == ["nickname"]
    assert "nickname" in policy.journey.input_types


MISSING_TRANSFORMATION = "no ClaimsTransformation with that Id in BuildingBlocks/ClaimsTransformations of {} or a policy it is based on"
UPN = '<OutputClaimsTransformation ReferenceId="CreateUserPrincipalName" />'


@pytest.mark.parametrize(("edits", "says"), [
    ([unreferenced_profile('<OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="MakeNickname" />'
                           "</OutputClaimsTransformations>")],
     "TrustFrameworkExtensions.xml: TechnicalProfile[@Id='Unreferenced']/OutputClaimsTransformations/"
     f"OutputClaimsTransformation[@ReferenceId='MakeNickname'] (line 55): {MISSING_TRANSFORMATION.format(EXT)}; define it or fix the ReferenceId"),
    # Defined in the extensions, a file based on the base: the base's upload does not see it.
    ([(EXT, "<BuildingBlocks>", copy_claim("displayName", "givenName")), (BASE, UPN, UPN + '<OutputClaimsTransformation ReferenceId="CopyNickname" />')],
     "TrustFrameworkBase.xml: TechnicalProfile[@Id='Facebook-OAUTH']/OutputClaimsTransformations/"
     f"OutputClaimsTransformation[@ReferenceId='CopyNickname'] (line 542): {MISSING_TRANSFORMATION.format(BASE)}"),
], ids=["in a profile no journey reaches", "defined in a later file"])
def test_a_reference_to_a_claims_transformation_the_file_cannot_see_is_refused(
        tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """As a claim reference: in every technical profile of the file, against its own and its bases' transformations
    (an unreached profile's reference used to load, and a base's to one only the extensions define)."""
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=edits)


@pytest.mark.parametrize(("edit", "says"), [
    ((RP, '<OutputClaim ClaimTypeReferenceId="identityProvider" />', '<OutputClaim ClaimTypeReferenceId="NewUser" />'),
     f"{RP}: {PROFILE.removeprefix(RP + ': ')}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='NewUser'] (line 31): names the token's "
     "claim by the claim type, spelt 'NewUser' here and 'newUser' where it is declared; which one B2C uses is not documented: "
     "write 'newUser' or add a PartnerClaimType"),
    ((EXT, '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>',
      '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/><OutputClaim ClaimTypeReferenceId="NewUser"/>'),
     "TechnicalProfile[@Id='MobileID-OAuth2']/OutputClaims/OutputClaim[@ClaimTypeReferenceId='NewUser'] (line 75): names the "
     "identity provider's claim by the claim type, spelt 'NewUser' here and 'newUser' where it is declared"),
], ids=["relying party", "identity provider"])
def test_a_claim_named_by_a_reference_spelt_otherwise_than_declared_is_refused(tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    """Neither a PartnerClaimType nor the schema names the claim: B2C takes the reference's name, and whether as written or as
    declared is not documented; a token or a mapping built on either guess could pass locally where the tenant differs."""
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=[edit])


def test_a_preconditions_claim_in_another_case_is_tested_under_its_declared_name(tmp_path: Path) -> None:
    """The journey's claims are kept under their declared Ids: a precondition read as written would never find ObjectId."""
    [policy] = pack(tmp_path, edits=[(EXT, PRECONDITION + "\n              <Value>objectId</Value>", PRECONDITION + "\n              <Value>ObjectId</Value>")])
    assert policy.journey is not None
    [step_2] = [step for step in policy.journey.steps if step.order == 2]
    assert [pre.values for pre in step_2.preconditions] == [("objectId",)]


def test_a_transformations_claim_in_another_case_is_kept_under_its_declared_name(tmp_path: Path) -> None:
    """The runtime reads and writes a transformation's claims by name: a reference in another case than the declaration
    would read nothing and write a claim no profile or token names."""
    upn_input = '<InputClaim ClaimTypeReferenceId="upnUserName" TransformationClaimType="inputClaim" />'
    [policy] = pack(tmp_path, edits=[(BASE, upn_input, upn_input.replace("upnUserName", "UPNUserName")),
                                     (BASE, '<OutputClaim ClaimTypeReferenceId="userPrincipalName" TransformationClaimType="outputClaim" />',
                                      '<OutputClaim ClaimTypeReferenceId="UserPrincipalName" TransformationClaimType="outputClaim" />')])
    assert policy.journey is not None
    upn = policy.journey.transformations["CreateUserPrincipalName"]
    assert (upn.inputs, upn.outputs) == ((("upnUserName", "inputClaim"),), (("userPrincipalName", "outputClaim"),))


STEP_7 = '<OrchestrationStep Order="7" Type="SendClaims"'
PROFILE_EDIT_STEP = '<OrchestrationStep Order="1" Type="ClaimsProviderSelection" ContentDefinitionReferenceId="api.idpselections">'
PRECONDITION = '<Precondition Type="ClaimsExist" ExecuteActionsIf="true">'
STEP_TYPES = ("ClaimsProviderSelection, CombinedSignInAndSignUp, ClaimsExchange, GetClaims, InvokeSubJourney, ReviewScreen, SendClaims, "
              "UserDialog, ConsentScreen, Noop")


@pytest.mark.parametrize(("edit", "says"), [
    ((EXT, STEP_7, '<OrchestrationStep Order="7"'),
     "TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep[@Order='7'] (line 180): @Type is missing; "
     f'B2C\'s schema requires it: add Type="ClaimsExchange" (or another of {STEP_TYPES})'),
    ((EXT, STEP_7, '<OrchestrationStep Order="7" Type="SendClaim"'),
     "OrchestrationStep[@Order='7'] (line 180)/@Type: 'SendClaim' is not an orchestration step type B2C's schema knows; "
     f"use one of {STEP_TYPES} (as written, case included)"),
    # In a journey the sign-up policy does not run: the base's upload refuses it all the same.
    ((BASE, PROFILE_EDIT_STEP, '<OrchestrationStep Order="1" ContentDefinitionReferenceId="api.idpselections">'),
     "TrustFrameworkBase.xml: UserJourney[@Id='ProfileEdit']/OrchestrationStep[@Order='1'] (line 1198): @Type is missing"),
    ((EXT, PRECONDITION, '<Precondition Type="ClaimsExist">'),
     "OrchestrationStep[@Order='2'] (line 108)/Preconditions/Precondition[@Type='ClaimsExist'] (line 110)/@ExecuteActionsIf: missing; "
     'B2C\'s schema requires it: add ExecuteActionsIf="true"'),
    ((EXT, PRECONDITION, '<Precondition Type="ClaimsNotExist" ExecuteActionsIf="true">'),
     "OrchestrationStep[@Order='2'] (line 108)/Preconditions/Precondition[@Type='ClaimsNotExist'] (line 110)/@Type: 'ClaimsNotExist' "
     "is not a precondition type B2C's schema knows; use ClaimsExist or ClaimEquals"),
    ((EXT, "<Action>SkipThisOrchestrationStep</Action>", "<Action>SkipThisOrchestrationStp</Action>"),
     "Precondition[@Type='ClaimsExist'] (line 110)/Action: 'SkipThisOrchestrationStp' is not a precondition action of an "
     "orchestration step; use SkipThisOrchestrationStep"),
    ((EXT, PRECONDITION + "\n              <Value>objectId</Value>", PRECONDITION + "\n              <Value>objectID</Value><Value>x</Value>"),
     "Precondition[@Type='ClaimsExist'] (line 110): 2 <Value> elements; ClaimsExist takes one: the claim type"),
    ((EXT, PRECONDITION + "\n              <Value>objectId</Value>", PRECONDITION + "\n              <Value>nickname</Value>"),
     "Precondition[@Type='ClaimsExist'] (line 110)/Value: claim type 'nickname' is not declared in BuildingBlocks/ClaimsSchema"),
    # The schema requires a claims exchange's Id (its key in the journey, the TargetClaimsExchangeId a button names).
    ((EXT, '<ClaimsExchange Id="AADUserReadWithObjectId"', "<ClaimsExchange"),
     "TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep[@Order='5'] (line 153)/ClaimsExchanges/"
     "ClaimsExchange (line 162): @Id is missing; B2C's schema requires it"),
], ids=["step without type", "unknown step type", "step without type in another journey", "precondition without executeactionsif",
        "unknown precondition type", "misspelt action", "too many values", "undeclared claim", "claims exchange without id"])
def test_an_orchestration_step_without_the_attributes_b2cs_schema_requires_is_refused(
        tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    """A step without Type was skipped as 'not executed' only when a journey reached it, and a precondition without
    ExecuteActionsIf acted as if it said true."""
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=[edit])


NOT_BOOLEAN = ("is not true or false; the policy schema types it xs:boolean, so B2C's upload refuses anything but true, false, 1 or 0 "
               "(lower case): write true or false")


@pytest.mark.parametrize(("edit", "says"), [
    (unreferenced_profile('<InputClaims><InputClaim ClaimTypeReferenceId="givenName" AlwaysUseDefaultValue="maybe" /></InputClaims>'),
     f"TechnicalProfile[@Id='Unreferenced']/InputClaims/InputClaim[@ClaimTypeReferenceId='givenName'] (line 55)/@AlwaysUseDefaultValue: "
     f"'maybe' {NOT_BOOLEAN}"),
    ((BASE, SELF_ASSERTED_OUTPUT, SELF_ASSERTED_OUTPUT + '<OutputClaim ClaimTypeReferenceId="givenName" Required="maybe" />'),
     "TechnicalProfile[@Id='SelfAsserted-Social']/OutputClaims/OutputClaim[@ClaimTypeReferenceId='givenName'] (line 825)/@Required: "
     f"'maybe' {NOT_BOOLEAN}"),
    ((RP, 'AlwaysUseDefaultValue="true"', 'AlwaysUseDefaultValue="yes"'),
     f"{PROFILE}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='tenantId'] (line 32)/@AlwaysUseDefaultValue: 'yes' {NOT_BOOLEAN}"),
    ((RP, 'AlwaysUseDefaultValue="true"', 'AlwaysUseDefaultValue="true" Required="yes"'),
     f"{PROFILE}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='tenantId'] (line 32)/@Required: 'yes' {NOT_BOOLEAN}"),
    # xs:boolean is lower case; metadata items, strings to the schema, are read in any case (see the identity provider's).
    ((RP, 'AlwaysUseDefaultValue="true"', 'AlwaysUseDefaultValue="True"'),
     f"{PROFILE}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='tenantId'] (line 32)/@AlwaysUseDefaultValue: 'True' {NOT_BOOLEAN}"),
    ((EXT, PRECONDITION, '<Precondition Type="ClaimsExist" ExecuteActionsIf="maybe">'),
     f"Precondition[@Type='ClaimsExist'] (line 110)/@ExecuteActionsIf: 'maybe' {NOT_BOOLEAN}"),
], ids=["input claim", "self-asserted required", "relying party", "relying party required", "capitalised", "precondition"])
def test_a_boolean_attribute_that_is_not_xs_boolean_is_refused(tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    """Each was read as a boolean where B2C's upload refuses the file (``maybe`` as false, ``True`` as true, a
    precondition's missing one as true)."""
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path, edits=[edit])


def test_a_relying_party_claim_in_another_case_is_the_declared_claim_the_token_takes(tmp_path: Path) -> None:
    """The relying party's OutputClaim DisplayName is the journey's displayName (declared so), not a claim of its own
    that nothing fills: the token would have lacked it locally."""
    [policy] = pack(tmp_path, edits=[(RP, '<OutputClaim ClaimTypeReferenceId="displayName" />', '<OutputClaim ClaimTypeReferenceId="DisplayName" />')])
    [claim] = [c for c in policy.output_claims if c.claim_type.lower() == "displayname"]
    assert (claim.claim_type, claim.token_claim) == ("displayName", "name")


@pytest.mark.parametrize(("written", "read"), [("1", True), ("0", False), (" true ", True), ("\tfalse\n", False), ("true", True)])
def test_xs_boolean_takes_1_and_0_and_surrounding_whitespace(written: str, read: bool) -> None:
    """mocks/b2c/README.md, Decisions: xs:boolean is true, false, 1 or 0, surrounding whitespace allowed."""
    from mocks.b2c.custom_policy.files import xs_boolean

    assert xs_boolean(written, "somewhere") is read


def test_a_preconditions_execute_actions_if_of_0_acts_when_the_check_fails(tmp_path: Path) -> None:
    """The loaded journey reads an xs:boolean written as 0 as false: the step is skipped when objectId is absent."""
    [policy] = pack(tmp_path, edits=[(EXT, PRECONDITION, '<Precondition Type="ClaimsExist" ExecuteActionsIf="0">')])
    assert policy.journey is not None
    [step_2] = [step for step in policy.journey.steps if step.order == 2]
    assert [pre.execute_actions_if for pre in step_2.preconditions] == [False]


# --- what B2C's upload checks in a journey, merged with the base policies' (each file as it is uploaded) --------------

SEND_CLAIMS_7 = '<OrchestrationStep Order="7" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />'
SIGN_UP_JOURNEY = '<UserJourney Id="SignUpOrSignIn">'


def journey_of_its_own(jid: str, steps: str) -> tuple[str, str, str]:
    """A journey the extensions add, with ``steps`` (OrchestrationStep elements), before the seed's SignUpOrSignIn."""
    return (EXT, SIGN_UP_JOURNEY, f'<UserJourney Id="{jid}"><OrchestrationSteps>{steps}</OrchestrationSteps></UserJourney>\n{SIGN_UP_JOURNEY}')


def exchange_step(order: int, exchange: str, profile: str, kind: str = "ClaimsExchange") -> str:
    return (f'<OrchestrationStep Order="{order}" Type="{kind}"><ClaimsExchanges><ClaimsExchange Id="{exchange}" '
            f'TechnicalProfileReferenceId="{profile}" /></ClaimsExchanges></OrchestrationStep>')


def refused(tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """The starter pack loads, and with ``edits`` is refused saying ``says``: the refusal is the edits'."""
    assert pack(tmp_path / "unedited"), "the unedited starter pack gave no sign-up policy: the refusal below would prove nothing"
    with pytest.raises(PolicyError, match=re.escape(says)):
        pack(tmp_path / "edited", edits=edits)


def b2c_says(policy: str) -> str:
    return f'Validation failed: 1 validation error(s) found in policy "{policy}" of tenant "contoso.onmicrosoft.com".'


@pytest.mark.parametrize(("edits", "says"), [
    # The extensions' own journey (azure-ad-b2c/samples#44: a PasswordReset journey without one, refused at the extensions' upload).
    ([journey_of_its_own("ShowMessage", exchange_step(1, "ShowMessage", "SelfAsserted-Social"))],
     f"TrustFrameworkExtensions.xml: UserJourney[@Id='ShowMessage'] (line 93): {b2c_says('B2C_1A_TRUSTFRAMEWORKEXTENSIONS')}"
     "User journey 'ShowMessage' does not contain a send claims step.; a journey ends by issuing the token: add "
     '<OrchestrationStep Order="2" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /> after its last step'),
    # The base's SendClaims step, replaced by the extensions' step 7: the journey as the extensions' upload merges it has none.
    ([(EXT, SEND_CLAIMS_7, exchange_step(7, "ReadAgain", "AAD-UserReadUsingObjectId"))],
     f"TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn'] (line 93): {b2c_says('B2C_1A_TRUSTFRAMEWORKEXTENSIONS')}"
     "User journey 'SignUpOrSignIn' does not contain a send claims step.; a journey ends by issuing the token: add "
     '<OrchestrationStep Order="8" Type="SendClaims"'),
    # In the base, in a journey the sign-up policy does not run: the base's upload refuses it.
    ([(BASE, '<OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />', "")],
     f"TrustFrameworkBase.xml: UserJourney[@Id='PasswordReset'] (line 1246): {b2c_says('B2C_1A_TRUSTFRAMEWORKBASE')}"
     "User journey 'PasswordReset' does not contain a send claims step.; a journey ends by issuing the token: add "
     '<OrchestrationStep Order="3" Type="SendClaims"'),
], ids=["journey of the extensions", "base's send claims replaced", "journey of the base no policy runs"])
def test_a_journey_without_a_send_claims_step_is_refused_at_the_file_that_writes_it(
        tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """B2C refuses the upload of a file whose journey, merged with its base policies', has no SendClaims step; the loader
    took one and ended it wherever its steps ran out. The starter pack, unedited, loads."""
    refused(tmp_path, edits, says)


def test_a_journey_that_overrides_steps_of_a_base_journey_keeps_the_bases_send_claims_step(tmp_path: Path) -> None:
    """The other side: the extensions' SignUpOrSignIn without its step 7 overrides steps 1 to 6 of the base's, whose step 7
    is the SendClaims step the merged journey ends with (as the extensions' upload merges it)."""
    [policy] = pack(tmp_path, edits=[(EXT, SEND_CLAIMS_7, "")])
    assert policy.journey is not None
    last = policy.journey.steps[-1]
    assert (last.order, last.type, last.where.split(":")[0]) == (7, "SendClaims", "TrustFrameworkBase.xml")


DUPLICATE = "There is a duplicate key sequence '{}' for the schema's {} key, the other"
NICKNAME_TYPE = NICKNAME.removeprefix("<BuildingBlocks><ClaimsSchema>").removesuffix("</ClaimsSchema></BuildingBlocks>")
VALIDATION = '<ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingAlternativeSecurityId" />'


@pytest.mark.parametrize(("edits", "says"), [
    # Step 3 numbered 4, as after a step was taken out and the others not renumbered.
    ([(EXT, '<OrchestrationStep Order="3" Type="ClaimsExchange">', '<OrchestrationStep Order="4" Type="ClaimsExchange">')],
     f"TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep[@Order='4'] (line 139): "
     f"{DUPLICATE.format(4, 'UniqueOrchestrationStepOrder')} at line 123: give each step of the journey its own Order, 1 to N"),
    # Step 5's exchange Id copied from step 3's (MicrosoftDocs' example: AADUserWrite in steps 7 and 8).
    ([(EXT, '<ClaimsExchange Id="AADUserReadWithObjectId"', '<ClaimsExchange Id="AADUserReadUsingAlternativeSecurityId"')],
     "TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep[@Order='5'] (line 153)/ClaimsExchanges/"
     "ClaimsExchange[@Id='AADUserReadUsingAlternativeSecurityId'] (line 162): "
     f"{DUPLICATE.format('AADUserReadUsingAlternativeSecurityId', 'UniqueClaimsExchangeId')} at line 132: give each claims exchange "
     "of the journey its own Id"),
    # A second SignUpOrSignIn in the extensions, before the seed's.
    ([journey_of_its_own("SignUpOrSignIn", exchange_step(1, "ShowMessage", "SelfAsserted-Social") + SEND_CLAIMS_7.replace('"7"', '"2"'))],
     f"TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn'] (line 94): {DUPLICATE.format('SignUpOrSignIn', 'UniqueUserJourneyId')} "
     "at line 93: one file writes a journey once: merge the two or rename one"),
    # A second MobileID-OAuth2 in the extensions (in another ClaimsProvider it would be the same key).
    ([(EXT, MOBILE_ID_PROFILE, f'<TechnicalProfile Id="MobileID-OAuth2"><DisplayName>Mobile ID</DisplayName></TechnicalProfile>\n{MOBILE_ID_PROFILE}')],
     f"TrustFrameworkExtensions.xml: TechnicalProfile[@Id='MobileID-OAuth2'] (line 56): {DUPLICATE.format('MobileID-OAuth2', 'UniqueTechnicalProfileId')} "
     "at line 55: one file defines a technical profile once (whichever ClaimsProvider holds it): merge the two or rename one"),
    ([(EXT, "<BuildingBlocks>", f"<BuildingBlocks><ClaimsSchema>{NICKNAME_TYPE}\n{NICKNAME_TYPE}</ClaimsSchema>")],
     f"TrustFrameworkExtensions.xml: BuildingBlocks/ClaimsSchema/ClaimType[@Id='nickname'] (line 16): {DUPLICATE.format('nickname', 'UniqueClaimTypeId')} "
     "at line 15: one file declares a claim type once: merge the two"),
    ([(EXT, "<BuildingBlocks>", "<BuildingBlocks><ClaimsSchema>" + NICKNAME_TYPE.replace(' Id="nickname"', "") + "</ClaimsSchema>")],
     "TrustFrameworkExtensions.xml: BuildingBlocks/ClaimsSchema/ClaimType (line 15): @Id is missing; B2C's schema keys claim types by it"),
    # The second transformation pasted from the first, its Id left as it was.
    ([(BASE, '<ClaimsTransformation Id="CreateRandomUPNUserName"', '<ClaimsTransformation Id="CreateOtherMailsFromEmail"')],
     "TrustFrameworkBase.xml: BuildingBlocks/ClaimsTransformations/ClaimsTransformation[@Id='CreateOtherMailsFromEmail'] (line 332): "
     f"{DUPLICATE.format('CreateOtherMailsFromEmail', 'UniqueClaimsTransformationId')} at line 322: one file defines a claims "
     "transformation once: remove one or rename it"),
    ([(BASE, ' Id="CreateOtherMailsFromEmail"', "")],
     "TrustFrameworkBase.xml: BuildingBlocks/ClaimsTransformations/ClaimsTransformation (line 322): @Id is missing; B2C's schema keys "
     "claims transformations by it"),
    ([(BASE, VALIDATION, f"{VALIDATION}\n{VALIDATION}")],
     "TrustFrameworkBase.xml: TechnicalProfile[@Id='SelfAsserted-Social']/ValidationTechnicalProfiles/ValidationTechnicalProfile"
     f"[@ReferenceId='AAD-UserWriteUsingAlternativeSecurityId'] (line 836): {DUPLICATE.format('AAD-UserWriteUsingAlternativeSecurityId', 'UniqueTechnicalProfileReferenceId')} "
     "at line 835: list each validation technical profile once"),
], ids=["step order", "claims exchange id", "journey id", "technical profile id", "claim type id", "claim type without id",
        "claims transformation id", "claims transformation without id", "validation technical profile"])
def test_a_key_of_the_policy_schema_repeated_in_one_file_is_refused(tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """TrustFrameworkPolicy_0.3.0.0.xsd keys a journey's step Orders and claims exchange Ids, a file's journey, technical profile,
    claim type and claims transformation Ids and a profile's validation technical profiles, and B2C's upload reports the schema's "There is a duplicate
    key sequence" (MicrosoftDocs' troubleshoot article). The loader kept the later step of an Order or claim type, merged the two
    journeys or profiles, and ran a validation profile once. In different files they are one journey's, profile's or claim
    type's, as the seed's copy of the base's SignUpOrSignIn and its extensions' login-NonInteractive are (the unedited pack,
    which loads)."""
    refused(tmp_path, edits, says)


RP_POLICY = "<RelyingParty>"


def relying_party_steps(steps: str) -> tuple[str, str, str]:
    """The relying party's own steps of the base's SignUpOrSignIn (as Microsoft's Verified ID sample writes its steps 1, 2, 7, 8, 9)."""
    return (RP, RP_POLICY, f'<UserJourneys><UserJourney Id="SignUpOrSignIn"><OrchestrationSteps>{steps}</OrchestrationSteps></UserJourney>'
                           f"</UserJourneys>{RP_POLICY}")


@pytest.mark.parametrize(("edits", "says"), [
    ([journey_of_its_own("ShowMessage", exchange_step(1, "ShowMessage", "SelfAsserted-Social") + SEND_CLAIMS_7.replace('"7"', '"3"'))],
     "TrustFrameworkExtensions.xml: UserJourney[@Id='ShowMessage'] (line 93): its steps are 1, 3; B2C's upload refuses it: ...was "
     'expected to have step with order "2" but it was not found...; number the steps 1 to 2 without skipping any'),
    # A step the relying party adds after the base's and the extensions' 7, numbered 9: merged, the journey has no step 8.
    ([relying_party_steps(SEND_CLAIMS_7.replace('"7"', '"9"'))],
     "SignUpOrSignin.xml: UserJourney[@Id='SignUpOrSignIn'] (line 16): its steps are 1, 2, 3, 4, 5, 6, 7, 9 (this file's merged with "
     "those of TrustFrameworkExtensions.xml); B2C's upload refuses it: ...was expected to have step with "
     'order "8" but it was not found...; number the steps 1 to 8 without skipping any'),
], ids=["a journey of its own", "merged with the base's"])
def test_a_journey_whose_steps_skip_an_order_is_refused(tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """B2C wants a journey's steps, merged with its base policies', numbered 1 to N (MicrosoftDocs' troubleshoot article, and
    MicrosoftDocs/azure-docs#117310 asked whether 10, 20, 30 would do); the loader ran them in any increasing order."""
    refused(tmp_path, edits, says)


def test_steps_a_later_file_adds_after_the_bases_load_numbered_on(tmp_path: Path) -> None:
    """The other side: the relying party's steps 7 (in place of the base's SendClaims step) and 8 follow the base's 6."""
    [policy] = pack(tmp_path, edits=[relying_party_steps(exchange_step(7, "ReadAgain", "AAD-UserReadUsingObjectId")
                                                         + SEND_CLAIMS_7.replace('"7"', '"8"'))])
    assert policy.journey is not None
    assert [(s.order, s.type, s.where.split(":")[0]) for s in policy.journey.steps[-3:]] == [
        (6, "ClaimsExchange", EXT), (7, "ClaimsExchange", RP), (8, "SendClaims", RP)]


PICKER = ('<OrchestrationStep Order="6" Type="ClaimsProviderSelection" ContentDefinitionReferenceId="api.idpselections"><ClaimsProviderSelections>'
          '<ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchange" /></ClaimsProviderSelections></OrchestrationStep>')


@pytest.mark.parametrize(("edits", "says"), [
    # MicrosoftDocs' example: a second selection step right after the unified page.
    ([(EXT, '<OrchestrationStep Order="2" Type="ClaimsExchange">', '<OrchestrationStep Order="2" Type="ClaimsProviderSelection">')],
     "TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn'] (line 93)/OrchestrationStep[@Order='2'] (line 108): Type "
     "'ClaimsProviderSelection' right after step 1, a CombinedSignInAndSignUp step; B2C's upload refuses it: Orchestration step order "
     '"2" in user journey "SignUpOrSignIn" ...is followed by a claims provider selection step and must be a claims exchange, but it '
     'is of type...; the step after the buttons runs the exchange a button picks: make it Type="ClaimsExchange"'),
    # The relying party's step 6 a selection: the extensions' step 7 after it is refused at the relying party's upload.
    ([relying_party_steps(PICKER)],
     "SignUpOrSignin.xml: UserJourney[@Id='SignUpOrSignIn'] (line 16)/OrchestrationStep[@Order='7'] (TrustFrameworkExtensions.xml, "
     "line 180): Type 'SendClaims' right after step 6, a ClaimsProviderSelection step; B2C's upload refuses it"),
], ids=["after the unified page", "after a later file's selection"])
def test_a_step_after_a_selection_step_that_is_not_a_claims_exchange_is_refused(
        tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """The buttons of a ClaimsProviderSelection or CombinedSignInAndSignUp step pick an exchange of the next step, which B2C
    wants of Type ClaimsExchange (MicrosoftDocs' troubleshoot article); the loader took any type there."""
    refused(tmp_path, edits, says)


READ_BY_OBJECT_ID = '<ClaimsExchange Id="AADUserReadWithObjectId" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId" />'
SELF_ASSERTED_EXCHANGE = '<ClaimsExchange Id="SelfAsserted-Social" TechnicalProfileReferenceId="SelfAsserted-Social" />'
TWO_EXCHANGES = ('User journey "SignUpOrSignIn" in policy "{}" of tenant "contoso.onmicrosoft.com" has step {} with 2 claims exchanges. '
                 "It must be preceded by a claims provider selection in order to determine which claims exchange can be used.")
ADDED = ("a step a later file numbers as its base policy's adds its claims exchanges to the base's, it does not replace them (a "
         'journey of an Id of its own, as Microsoft\'s "Add a user journey" has it, replaces nothing); give each claims exchange a step '
         "of its own, or put a ClaimsProviderSelection or CombinedSignInAndSignUp step right before it")


@pytest.mark.parametrize(("edits", "says"), [
    # MicrosoftDocs' example: two exchanges in one step, none of them a button's.
    ([(EXT, READ_BY_OBJECT_ID, READ_BY_OBJECT_ID + '<ClaimsExchange Id="ReadAgain" TechnicalProfileReferenceId="AAD-UserReadUsingObjectId" />')],
     "TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn'] (line 93)/OrchestrationStep[@Order='5'] (line 153): "
     f"{b2c_says('B2C_1A_TRUSTFRAMEWORKEXTENSIONS')}{TWO_EXCHANGES.format('B2C_1A_TrustFrameworkExtensions', 5)}; its claims exchanges: "
     "AADUserReadWithObjectId (TrustFrameworkExtensions.xml), ReadAgain (TrustFrameworkExtensions.xml); give each claims exchange a "
     "step of its own"),
    # The extensions' step 4 with another exchange than the base's step 4 (the loader ran the extensions' alone).
    ([(EXT, SELF_ASSERTED_EXCHANGE, '<ClaimsExchange Id="ReadAgain" TechnicalProfileReferenceId="AAD-UserReadUsingAlternativeSecurityId-NoError" />')],
     "TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn'] (line 93)/OrchestrationStep[@Order='4'] (line 139): "
     f"{b2c_says('B2C_1A_TRUSTFRAMEWORKEXTENSIONS')}{TWO_EXCHANGES.format('B2C_1A_TrustFrameworkExtensions', 4)}; its claims exchanges: "
     f"SelfAsserted-Social (TrustFrameworkBase.xml), ReadAgain (TrustFrameworkExtensions.xml); {ADDED}"),
    # A relying party's step 3 (as the Verified ID sample's steps, renumbered: active-directory-verifiable-credentials#52).
    ([relying_party_steps(exchange_step(3, "ReadAgain", "AAD-UserReadUsingObjectId"))],
     "SignUpOrSignin.xml: UserJourney[@Id='SignUpOrSignIn'] (line 16)/OrchestrationStep[@Order='3'] (line 16): "
     f"{b2c_says('B2C_1A_SIGNUP_SIGNIN')}{TWO_EXCHANGES.format('B2C_1A_signup_signin', 3)}; its claims exchanges: "
     f"AADUserReadUsingAlternativeSecurityId (TrustFrameworkExtensions.xml), ReadAgain (SignUpOrSignin.xml); {ADDED}"),
], ids=["two in one step", "the extensions' step of the base's order", "the relying party's step"])
def test_a_claims_exchange_step_with_more_than_one_exchange_and_no_selection_before_it_is_refused(
        tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """Only a button can pick one of a step's exchanges (MicrosoftDocs' troubleshoot article; azure-ad-b2c/samples#198). B2C
    counts the exchanges a later file's step of the base's Order adds to the base's (MicrosoftDocs/azure-docs#6866: step 2
    "with 3 claims exchanges", the base's two and the sample's one): the loader ran the later file's step alone. The unedited
    pack loads: its extensions' copy of SignUpOrSignIn repeats the base's exchanges under their Ids, one exchange each."""
    refused(tmp_path, edits, says)


# --- what B2C's upload of a relying party checks in the journey it runs --------------------------------------------------

PE = "ProfileEdit.xml"
PE_JOURNEY = '<DefaultUserJourney ReferenceId="ProfileEdit" />'
FACEBOOK_BUTTON = '<ClaimsProviderSelection TargetClaimsExchangeId="FacebookExchange" />'
FACEBOOK_EXCHANGE = '<ClaimsExchange Id="FacebookExchange" TechnicalProfileReferenceId="Facebook-OAUTH" />'
MOBILE_ID_BUTTON = '<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />'
MOBILE_ID_EXCHANGE = '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />'
# The base's first InputClaim of it is AAD-UserWriteUsingAlternativeSecurityId's (line 617), its second AAD-UserReadUsingAlternativeSecurityId's.
SECURITY_ID_INPUT = '<InputClaim ClaimTypeReferenceId="alternativeSecurityId" PartnerClaimType="alternativeSecurityId" Required="true" />'
OTHER_MAILS = '<InputClaimsTransformation ReferenceId="CreateOtherMailsFromEmail" />'  # AAD-UserWriteUsingAlternativeSecurityId's


def id_token_hint_profile(claim: str) -> tuple[str, str, str]:
    """A profile of the extensions that outputs ``claim``, as the samples' IdTokenHint_ExtractClaims outputs the hint's claims (a
    GetClaims step names it; the emulator does not run it)."""
    return (EXT, "<ClaimsProviders>", '<ClaimsProviders><ClaimsProvider><DisplayName>ID token hint</DisplayName><TechnicalProfiles>'
            '<TechnicalProfile Id="IdTokenHint_ExtractClaims"><DisplayName>ID token hint</DisplayName><Protocol Name="None" />'
            f'<OutputClaims><OutputClaim ClaimTypeReferenceId="{claim}" /></OutputClaims></TechnicalProfile></TechnicalProfiles></ClaimsProvider>')


GET_CLAIMS_1 = '<OrchestrationStep Order="1" Type="GetClaims" CpimIssuerTechnicalProfileReferenceId="IdTokenHint_ExtractClaims" />'


def run_by_profile_edit(steps: str) -> list[tuple[str, str, str]]:
    """A journey of the extensions' own, "Mine", with ``steps``, that the ProfileEdit relying party runs."""
    return [journey_of_its_own("Mine", steps), (PE, PE_JOURNEY, '<DefaultUserJourney ReferenceId="Mine" />')]


def send_claims(order: int) -> str:
    return SEND_CLAIMS_7.replace('"7"', f'"{order}"')


def write_step(order: int) -> str:
    return exchange_step(order, "AADUserWrite", "AAD-UserWriteUsingAlternativeSecurityId")


def no_earlier_output(claim: str, profile: str, order: int, journey: str, policy: str) -> str:
    return (f'{b2c_says(policy)}Claim type "{claim}" is the input claim of technical profile "{profile}" in step "{order}" of user '
            f'journey "{journey}" but it is not an output claim in any of the previous steps.; ')


@pytest.mark.parametrize(("edits", "says"), [
    # The seed's journey without its identity providers, as MicrosoftDocs/azure-docs#12948, #30477 and #46988 "ripped out the
    # Facebook references" of the starter pack: B2C named steps 3 and 6 of SignUpOrSignIn at the relying party's upload.
    ([(BASE, FACEBOOK_BUTTON, ""), (BASE, FACEBOOK_EXCHANGE, ""), (EXT, FACEBOOK_BUTTON, ""), (EXT, MOBILE_ID_BUTTON, ""),
      (EXT, FACEBOOK_EXCHANGE, ""), (EXT, MOBILE_ID_EXCHANGE, "")],
     "SignUpOrSignin.xml: UserJourney[@Id='SignUpOrSignIn']/OrchestrationStep[@Order='3'] (TrustFrameworkExtensions.xml, line 123)/"
     "ClaimsExchanges/ClaimsExchange[@Id='AADUserReadUsingAlternativeSecurityId'] (line 132): "
     + no_earlier_output("alternativeSecurityId", "AAD-UserReadUsingAlternativeSecurityId-NoError", 3, "SignUpOrSignIn", "B2C_1A_SIGNUP_SIGNIN")
     + "TrustFrameworkBase.xml: TechnicalProfile[@Id='AAD-UserReadUsingAlternativeSecurityId']/InputClaims/InputClaim"
     "[@ClaimTypeReferenceId='alternativeSecurityId'] (line 648) is Required and no step before step 3 outputs alternativeSecurityId "
     "(a precondition that skips the step does not count): add a step before it whose technical profile outputs alternativeSecurityId"),
    # The base's ProfileEdit without Facebook (azure-ad-b2c/samples#629, 2024: the same step in the sample's DeleteAccount
    # journey), refused at the relying party that runs it; SignUpOrSignIn keeps the extensions' identity providers.
    ([(BASE, FACEBOOK_BUTTON, ""), (BASE, FACEBOOK_BUTTON, ""), (BASE, FACEBOOK_EXCHANGE, ""), (BASE, FACEBOOK_EXCHANGE, "")],
     "ProfileEdit.xml: UserJourney[@Id='ProfileEdit']/OrchestrationStep[@Order='3'] (TrustFrameworkBase.xml, line 1210)/"
     "ClaimsExchanges/ClaimsExchange[@Id='AADUserRead'] (line 1219): "
     + no_earlier_output("alternativeSecurityId", "AAD-UserReadUsingAlternativeSecurityId", 3, "ProfileEdit", "B2C_1A_PROFILEEDIT")
     + "TrustFrameworkBase.xml: TechnicalProfile[@Id='AAD-UserReadUsingAlternativeSecurityId']/InputClaims/InputClaim"
     "[@ClaimTypeReferenceId='alternativeSecurityId'] (line 648) is Required"),
    # The identity provider that outputs it comes after the step: not one of "the previous steps".
    (run_by_profile_edit(write_step(1) + exchange_step(2, "FacebookExchange", "Facebook-OAUTH") + send_claims(3)),
     "ProfileEdit.xml: UserJourney[@Id='Mine']/OrchestrationStep[@Order='1'] (TrustFrameworkExtensions.xml, line 93)/ClaimsExchanges/"
     "ClaimsExchange[@Id='AADUserWrite'] (line 93): "
     + no_earlier_output("alternativeSecurityId", "AAD-UserWriteUsingAlternativeSecurityId", 1, "Mine", "B2C_1A_PROFILEEDIT")
     + "TrustFrameworkBase.xml: TechnicalProfile[@Id='AAD-UserWriteUsingAlternativeSecurityId']/InputClaims/InputClaim"
     "[@ClaimTypeReferenceId='alternativeSecurityId'] (line 617) is Required and no step before step 1 outputs alternativeSecurityId"),
], ids=["sign-up without identity providers", "profile edit without Facebook", "output by a later step"])
def test_a_directory_profiles_required_input_claim_no_earlier_step_outputs_is_refused_at_the_relying_party(
        tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """B2C's upload of a relying party refuses the journey it runs when a step's directory profile needs, Required, a claim no
    step before it outputs; the loader took the journey, and the step read the directory with no key whenever a journey reached
    it. The unedited pack loads: its identity providers' CreateAlternativeSecurityId outputs alternativeSecurityId in step 2."""
    refused(tmp_path, edits, says)


@pytest.mark.parametrize("edits", [
    run_by_profile_edit(exchange_step(1, "FacebookExchange", "Facebook-OAUTH") + write_step(2) + send_claims(3)),
    [*run_by_profile_edit(write_step(1) + send_claims(2)), (BASE, SECURITY_ID_INPUT, SECURITY_ID_INPUT.replace(" />", ' DefaultValue="" />'))],
    [*run_by_profile_edit(write_step(1) + send_claims(2)),
     (BASE, OTHER_MAILS, OTHER_MAILS + '<InputClaimsTransformation ReferenceId="CreateAlternativeSecurityId" />')],
    [*run_by_profile_edit(write_step(1) + send_claims(2)),
     (PE, '<Protocol Name="OpenIdConnect" />', '<Protocol Name="OpenIdConnect" /><InputClaims><InputClaim ClaimTypeReferenceId="alternativeSecurityId" />'
                                               "</InputClaims>")],
    [*run_by_profile_edit(write_step(1) + send_claims(2)), (BASE, SECURITY_ID_INPUT, SECURITY_ID_INPUT.replace(' Required="true"', ""))],
    run_by_profile_edit(exchange_step(1, "SelfAsserted-Social", "SelfAsserted-Social") + send_claims(2)),
    run_by_profile_edit(exchange_step(1, "LocalSignIn", "login-NonInteractive") + send_claims(2)),
    run_by_profile_edit('<OrchestrationStep Order="1" Type="InvokeSubJourney"><JourneyList><Candidate SubJourneyReferenceId="SignIn" />'
                        "</JourneyList></OrchestrationStep>" + write_step(2) + send_claims(3)),
    [journey_of_its_own("Mine", write_step(1) + send_claims(2))],
    [*run_by_profile_edit(GET_CLAIMS_1 + write_step(2) + send_claims(3)), id_token_hint_profile("alternativeSecurityId")],
], ids=["output by an earlier step's transformation", "its DefaultValue", "the profile's own input claims transformation",
        "the relying party's InputClaims", "not Required", "a validation profile's", "another kind of profile's",
        "after a sub journey", "a journey no relying party runs", "output by an earlier GetClaims step's profile"])
def test_an_input_claim_b2c_finds_before_the_step_or_does_not_check_loads(tmp_path: Path, edits: list[tuple[str, str, str]]) -> None:
    """The other side, where the reports and the policies that upload leave the claim given or unchecked (mocks/b2c/README.md,
    Decisions): Facebook's output claims transformation outputs it (the starter pack's step 2), the input claim's DefaultValue
    or the profile's own input claims transformation gives it, the relying party's InputClaims start the journey with it (the
    samples' id_token_hint journeys), as does a GetClaims step's id_token_hint profile's OutputClaims; an input claim not
    Required (the starter packs' LocalAccountSignUpWithLogonEmail email), a validation profile's (#12948's step 4, not named),
    another kind of profile's (every report names a directory profile's), one after a sub journey (what it outputs is not
    read) and a journey no relying party runs (#12948's ProfileEdit) load."""
    assert pack(tmp_path, edits=edits)


SCHOOL_ID = '<BuildingBlocks><ClaimsSchema><ClaimType Id="schoolId"><DisplayName>School name</DisplayName><DataType>string</DataType></ClaimType></ClaimsSchema>'
RP_PROVIDER = '<OutputClaim ClaimTypeReferenceId="identityProvider" />'  # the sign-up relying party's output claim, line 31
SELF_ASSERTED_INPUTS = "<InputClaims>\n            <!-- These claims ensure"  # SelfAsserted-Social's, the first with that comment
PE_SUB = '<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>'  # ProfileEdit's first output claim, line 7


def output_claim(claim: str, attributes: str = "") -> tuple[str, str, str]:
    """``claim`` as the sign-up relying party's output claim after its identityProvider."""
    return (RP, RP_PROVIDER, f'{RP_PROVIDER}<OutputClaim ClaimTypeReferenceId="{claim}"{attributes} />')


def profile_edit_outputs(claim: str) -> tuple[str, str, str]:
    return (PE, PE_SUB, f'{PE_SUB}<OutputClaim ClaimTypeReferenceId="{claim}" />')


def no_step_outputs(claim: str, journey: str, policy: str) -> str:
    return (f"{b2c_says(policy)}Claim type \"{claim}\" is the output claim of the relying party's technical profile, but it is not an "
            f'output claim in any of the steps of user journey "{journey}".; no step of {journey} outputs {claim}, so its token could not carry '
            f"it: add {claim} to the OutputClaims of the technical profile of a step that has it, give this OutputClaim a DefaultValue "
            '(DefaultValue="" for none, as MicrosoftDocs\' troubleshoot article has it), or take it out')


@pytest.mark.parametrize(("edits", "says"), [
    # MicrosoftDocs' troubleshoot article's example: schoolId, which no step's technical profile outputs.
    ([(EXT, "<BuildingBlocks>", SCHOOL_ID), output_claim("schoolId")],
     "SignUpOrSignin.xml: RelyingParty/TechnicalProfile[@Id='PolicyProfile']/OutputClaims/OutputClaim[@ClaimTypeReferenceId='schoolId'] "
     "(line 31): " + no_step_outputs("schoolId", "SignUpOrSignIn", "B2C_1A_SIGNUP_SIGNIN")),
    # MicrosoftDocs/azure-docs#12948's third error: the identity providers, which alone output identityProvider, without it.
    ([(BASE, '<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="facebook.com" AlwaysUseDefaultValue="true" />', ""),
      (EXT, '<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="mobileid.ch" />', "")],
     "SignUpOrSignin.xml: RelyingParty/TechnicalProfile[@Id='PolicyProfile']/OutputClaims/OutputClaim[@ClaimTypeReferenceId="
     "'identityProvider'] (line 31): " + no_step_outputs("identityProvider", "SignUpOrSignIn", "B2C_1A_SIGNUP_SIGNIN")),
], ids=["a claim no step outputs", "identityProvider without its providers"])
def test_a_relying_party_output_claim_no_step_of_its_journey_outputs_is_refused(
        tmp_path: Path, edits: list[tuple[str, str, str]], says: str) -> None:
    """B2C's upload of a relying party refuses an output claim of its technical profile that no step of its journey outputs
    (MicrosoftDocs' troubleshoot article; MicrosoftDocs/azure-docs#12948, azure-ad-b2c/samples#629); the loader took it, and
    the token left the claim out."""
    refused(tmp_path, edits, says)


@pytest.mark.parametrize("edits", [
    [(EXT, "<BuildingBlocks>", SCHOOL_ID), output_claim("schoolId", ' DefaultValue=""')],
    [output_claim("alternativeSecurityId")],
    [*run_by_profile_edit(exchange_step(1, "SelfAsserted-Social", "SelfAsserted-Social") + send_claims(2)), profile_edit_outputs("otherMails")],
    [*run_by_profile_edit(exchange_step(1, "LocalSignIn", "login-NonInteractive") + send_claims(2)), profile_edit_outputs("grant_type")],
    [*run_by_profile_edit(exchange_step(1, "SelfAsserted-Social", "SelfAsserted-Social") + send_claims(2)), profile_edit_outputs("upnUserName"),
     (BASE, SELF_ASSERTED_INPUTS, '<InputClaimsTransformations><InputClaimsTransformation ReferenceId="CreateRandomUPNUserName" />'
                                  f"</InputClaimsTransformations>{SELF_ASSERTED_INPUTS}")],
    [*run_by_profile_edit(GET_CLAIMS_1 + send_claims(2)), id_token_hint_profile("objectId")],
    [*run_by_profile_edit(send_claims(1)),
     (PE, '<Protocol Name="OpenIdConnect" />', '<Protocol Name="OpenIdConnect" /><InputClaims><InputClaim ClaimTypeReferenceId="objectId" /></InputClaims>')],
    run_by_profile_edit('<OrchestrationStep Order="1" Type="InvokeSubJourney"><JourneyList><Candidate SubJourneyReferenceId="SignIn" />'
                        "</JourneyList></OrchestrationStep>" + send_claims(2)),
], ids=["its DefaultValue", "a step's claims transformation's", "a step's validation profile's", "a step's input claim's DefaultValue",
        "a step's input claims transformation's",
        "a GetClaims step's profile's", "the relying party's InputClaims", "a journey with a sub journey"])
def test_a_relying_party_output_claim_b2c_finds_in_a_step_or_does_not_check_loads(tmp_path: Path, edits: list[tuple[str, str, str]]) -> None:
    """The other side (mocks/b2c/README.md, Decisions): a DefaultValue on the relying party's output claim (the troubleshoot
    article's fix, DefaultValue=""), a step's profile's claims transformations, output (the identity providers'
    CreateAlternativeSecurityId) or input (SelfAsserted-Social given CreateRandomUPNUserName), and, unconfirmed and so
    counted rather than refused, what a step's validation profile outputs (SelfAsserted-Social's
    AAD-UserWriteUsingAlternativeSecurityId, otherMails), a step's profile's input claim with a DefaultValue
    (login-NonInteractive's grant_type), a GetClaims step's id_token_hint profile's OutputClaims and the relying party's
    InputClaims (the samples' id_token_hint journeys); a journey with a sub journey is not checked (what it outputs is not
    read)."""
    assert pack(tmp_path, edits=edits)


def test_a_forgot_password_link_location_b2c_does_not_know_is_refused_naming_the_places(tmp_path: Path) -> None:
    at = '<Item Key="setting.operatingMode">Email</Item>\n            <Item Key="ContentDefinitionReferenceId">api.localaccountsignin<'
    with pytest.raises(PolicyError, match=r"'Nonee' is not supported; use AfterLabel or AfterInput or AfterButtons or AfterForm or None"):
        pack(tmp_path, edits=[("TrustFrameworkBase.xml", at, '<Item Key="setting.forgotPasswordLinkLocation">Nonee</Item>' + at)])
