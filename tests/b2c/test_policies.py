"""Custom policy folders as teams have them: the starter packs load unchanged, what B2C refuses is refused."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from mocks.b2c.custom_policy import load_custom_policies
from mocks.b2c.policy import PolicyError, PolicyKind, ProfileKind, ProviderProtocol, RelyingPartyClaim
from mocks.b2c.policy_keys import PolicyKeyError, generated_keys, parse_policy_key, read_policy_keys
from mocks.b2c.settings import B2CSettings, fill_in

from .support import STARTER_PACKS, copy_pack, edit_policy

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parents[1] / "policies"
KEYS = generated_keys() | {"B2C_1A_FacebookSecret": "facebook-secret", "B2C_1A_MobileIdSecret": "mobileid-secret"}
EXT = "TrustFrameworkExtensions.xml"
BASE = "TrustFrameworkBase.xml"


def load(directory: Path, keys=KEYS):
    return {p.policy_id: p for p in load_custom_policies(directory, tenant="contoso", policy_keys=keys)}


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return copy_pack(tmp_path / "pack")



@pytest.mark.parametrize("name", ["SocialAndLocalAccounts", "SocialAccounts", "SocialAndLocalAccountsWithMfa", "LocalAccounts"])
def test_starter_packs_load_unchanged(name: str) -> None:
    policies = load(STARTER_PACKS / name)
    assert "B2C_1A_signup_signin" in policies
    sign_in = policies["B2C_1A_signup_signin"]
    assert sign_in.kind is PolicyKind.CUSTOM_POLICY and sign_in.journey is not None
    expected = [] if name == "LocalAccounts" else ["FacebookExchange", "MobileIDExchange"]
    assert [p.exchange_id for p in sign_in.identity_providers] == expected


def test_the_seeds_provider_and_the_starters_relying_party() -> None:
    policy = load(STARTER_PACKS / "SocialAndLocalAccounts")["B2C_1A_signup_signin"]
    mobile = policy.provider("MobileIDExchange")
    assert mobile.domain == "mobileid.ch" and mobile.client_id == "b2c-contoso-0001" and mobile.client_secret == "mobileid-secret"
    assert mobile.response_mode == "form_post" and mobile.use_policy_in_redirect_uri is False
    facebook = policy.provider("FacebookExchange")
    assert facebook.use_policy_in_redirect_uri is False  # the starter writes 0
    assert [c.token_claim for c in policy.output_claims] == ["name", "given_name", "family_name", "email", "sub", "idp", "tid"]
    assert RelyingPartyClaim("tenantId", "tid", "{Policy:TenantObjectId}", True, "string") in policy.output_claims


def test_the_tenant_holds_built_policies_as_they_are_and_nothing_else() -> None:
    from pydantic import ValidationError

    policies = list(load(STARTER_PACKS / "SocialAndLocalAccounts").values())
    settings = B2CSettings(policies=policies)
    assert all(held is built for held, built in zip(settings.policies, policies, strict=True))  # not copied or rebuilt
    with pytest.raises(ValidationError, match="policies.0\n  Input should be an instance of Policy"):
        B2CSettings.model_validate({"policies": [{"policy_id": "B2C_1A_x"}]})


def test_local_account_and_mfa_profiles_load_and_are_marked_not_executed() -> None:
    journey = load(STARTER_PACKS / "SocialAndLocalAccountsWithMfa")["B2C_1A_signup_signin"].journey
    mfa = journey.profiles["PhoneFactor-InputOrVerify"]
    assert mfa.kind is ProfileKind.NOT_EXECUTED
    assert mfa.not_executed.startswith("TrustFrameworkBase.xml: TechnicalProfile[@Id='PhoneFactor-InputOrVerify']: MFA (phone verification, "
                                       "PhoneFactorProtocolProvider) is not executed by the emulator: here real B2C shows its MFA page")
    signup = journey.profiles["LocalAccountSignUpWithLogonEmail"]
    assert "local-account page" in signup.not_executed and "remove that step" in signup.not_executed


@pytest.mark.parametrize("value", ["0", "1", "true", "False", " TRUE "])
def test_booleans_as_b2c_reads_them(pack: Path, value: str) -> None:
    edit_policy(pack, EXT, '<Item Key="UsePolicyInRedirectUri">false</Item>', f'<Item Key="UsePolicyInRedirectUri">{value}</Item>')
    provider = load(pack)["B2C_1A_signup_signin"].provider("MobileIDExchange")
    assert provider.use_policy_in_redirect_uri is (value.strip().lower() in ("1", "true"))


def test_use_policy_in_redirect_uri_left_out_is_true(pack: Path) -> None:
    """Omitted, B2C used the policy form of the authresp URI in the one observation (reference b2c.md section 2, Unconfirmed);
    the starter pack writes it for that reason."""
    edit_policy(pack, EXT, '<Item Key="UsePolicyInRedirectUri">false</Item>', "")
    provider = load(pack)["B2C_1A_signup_signin"].provider("MobileIDExchange")
    assert provider.use_policy_in_redirect_uri is True


def test_an_identity_providers_metadata_choices_are_read_whatever_their_case(pack: Path) -> None:
    """As B2C reads its booleans (mocks/b2c/README.md, Decisions): a value B2C accepts must not stop the policy locally."""
    edit_policy(pack, EXT, '<Item Key="HttpBinding">POST</Item>', '<Item Key="HttpBinding">get</Item>')  # POST: the default
    edit_policy(pack, EXT, '<Item Key="BearerTokenTransmissionMethod">AuthorizationHeader</Item>',
                '<Item Key="BearerTokenTransmissionMethod">authorizationheader</Item>')
    provider = load(pack)["B2C_1A_signup_signin"].provider("MobileIDExchange")
    assert (provider.token_endpoint_method, provider.bearer_token_transmission) == ("GET", "AuthorizationHeader")


def test_an_oauth2_provider_without_bearer_token_transmission_method_sends_the_token_in_the_query_string(pack: Path) -> None:
    """oauth2-technical-profile, BearerTokenTransmissionMethod: the default method is a query string (the starter's
    Facebook-OAUTH leaves it out); an OpenIdConnect provider sends an Authorization header."""
    provider = load(pack)["B2C_1A_signup_signin"].provider("FacebookExchange")
    assert provider.protocol is ProviderProtocol.OAUTH2 and provider.bearer_token_transmission == "QueryString"


def test_refuses_a_non_boolean_in_b2cs_words(pack: Path) -> None:
    edit_policy(pack, EXT, '<Item Key="UsePolicyInRedirectUri">false</Item>', '<Item Key="UsePolicyInRedirectUri">maybe</Item>')
    with pytest.raises(PolicyError) as info:
        load(pack)
    assert str(info.value) == (
        "TrustFrameworkExtensions.xml: TechnicalProfile[@Id='MobileID-OAuth2']/Metadata/Item[@Key='UsePolicyInRedirectUri']: "
        'TechnicalProfile "MobileID-OAuth2" in policy "B2C_1A_TrustFrameworkExtensions" of tenant "contoso.onmicrosoft.com" defines an '
        'invalid value "maybe" for the metadata item "UsePolicyInRedirectUri." Use true or false (1 or 0).')


def test_comments_whitespace_and_bom_are_read(pack: Path) -> None:
    raw = (pack / EXT).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the starter's files carry a BOM
    edit_policy(pack, EXT, '<Item Key="client_id">b2c-contoso-0001</Item>', '<!-- id --><Item Key="client_id">\n   b2c-contoso-0001  </Item>')
    assert load(pack)["B2C_1A_signup_signin"].provider("MobileIDExchange").client_id == "b2c-contoso-0001"


def test_refuses_a_missing_policy_key_in_b2cs_words(pack: Path) -> None:
    keys = {k: v for k, v in KEYS.items() if k != "B2C_1A_FacebookSecret"}
    with pytest.raises(PolicyError) as info:
        load(pack, keys)
    message = str(info.value)
    assert message.startswith("TrustFrameworkBase.xml: TechnicalProfile[@Id='Facebook-OAUTH']/CryptographicKeys/Key[@Id='client_secret']")
    assert ('Validation failed: 1 validation error(s) found in policy "B2C_1A_TRUSTFRAMEWORKBASE" of tenant "contoso.onmicrosoft.com".'
            'Tenant "contoso.onmicrosoft.com" does not have CryptographicKey referenced by storageReferenceId "B2C_1A_FacebookSecret".') in message
    assert "--policy-key B2C_1A_FacebookSecret=env:VAR" in message and "facebook-secret" not in message


def test_refuses_another_tenants_files_in_b2cs_words() -> None:
    with pytest.raises(PolicyError, match="TenantId in the policy xml 'contoso.onmicrosoft.com' is not same as the one in login tenant 'fabrikam.onmicrosoft.com'"):
        load_custom_policies(STARTER_PACKS / "SocialAccounts", tenant="fabrikam", policy_keys=KEYS)


def test_refuses_a_missing_base_policy(pack: Path) -> None:
    (pack / "TrustFrameworkLocalization.xml").unlink()
    with pytest.raises(PolicyError, match="Policy with 'policyId': B2C_1A_TRUSTFRAMEWORKLOCALIZATION cannot be found"):
        load(pack)


def test_refuses_an_unknown_claims_transformation(pack: Path) -> None:
    edit_policy(pack, EXT, '<OutputClaimsTransformation ReferenceId="CreateUserPrincipalName" />',
         '<OutputClaimsTransformation ReferenceId="MakeDisplayName" />')
    with pytest.raises(PolicyError, match=r"OutputClaimsTransformation\[@ReferenceId='MakeDisplayName'\] \(line 81\): no ClaimsTransformation"):
        load(pack)


TEAM_EDIT = re.compile(rb"\n[ \t]*<ClaimsProvider>\s*<!-- Team edit:.*?</ClaimsProvider>\n|<!-- Team edit:.*?</Localization>\n", re.S)


def test_shipped_folder_is_the_starter_pack_with_a_second_relying_party() -> None:
    # The shipped Extensions file is the starter pack's plus two edits a team makes, each marked "Team edit".
    for name in ("TrustFrameworkBase.xml", "TrustFrameworkLocalization.xml", "TrustFrameworkExtensions.xml", "SignUpOrSignin.xml"):
        shipped = TEAM_EDIT.sub(b"", (SHIPPED / name).read_bytes())
        assert re.sub(rb"\s+", b"", shipped) == re.sub(rb"\s+", b"", (STARTER_PACKS / "SocialAndLocalAccounts" / name).read_bytes()), name
    assert len(TEAM_EDIT.findall((SHIPPED / "TrustFrameworkExtensions.xml").read_bytes())) == 2
    policies = load(SHIPPED)
    assert set(policies) == {"B2C_1A_signup_signin", "B2C_1A_signup_signin_newuser"}
    assert [c.token_claim for c in policies["B2C_1A_signup_signin_newuser"].output_claims][-1] == "newUser"


# sha256 (first 16 hex digits) of each .xml file of the official starter pack at commit fc39b7d, with "yourtenant" replaced
# by "contoso" (tests/b2c/starterpack/README.md); the Extensions files of the packs the seed edits are checked with its
# additions taken out again.
STARTER_AT_FC39B7D = {
    "LocalAccounts/PasswordReset.xml": "1f3292963605a354", "LocalAccounts/ProfileEdit.xml": "bf0bf1645d00100a",
    "LocalAccounts/SignUpOrSignin.xml": "e7b83849d825a951", "LocalAccounts/TrustFrameworkBase.xml": "c4484414b5b3211d",
    "LocalAccounts/TrustFrameworkExtensions.xml": "86b1c84378f2f502", "LocalAccounts/TrustFrameworkLocalization.xml": "8b4e83b51ad1c472",
    "SocialAccounts/ProfileEdit.xml": "bf0bf1645d00100a", "SocialAccounts/SignUpOrSignin.xml": "01beb0c1ba7288a6",
    "SocialAccounts/TrustFrameworkBase.xml": "60b3d79c4f71c14b", "SocialAccounts/TrustFrameworkExtensions.xml": "37e260199e903517",
    "SocialAccounts/TrustFrameworkLocalization.xml": "8b5fe5e176ee6230",
    "SocialAndLocalAccounts/PasswordReset.xml": "1f3292963605a354", "SocialAndLocalAccounts/ProfileEdit.xml": "bf0bf1645d00100a",
    "SocialAndLocalAccounts/SignUpOrSignin.xml": "fd5b3e957c9af4a7", "SocialAndLocalAccounts/TrustFrameworkBase.xml": "16e25507275447f4",
    "SocialAndLocalAccounts/TrustFrameworkExtensions.xml": "b2af025c4aac5118",
    "SocialAndLocalAccounts/TrustFrameworkLocalization.xml": "a4c4ed700798f99b",
    "SocialAndLocalAccountsWithMfa/PasswordReset.xml": "1f3292963605a354", "SocialAndLocalAccountsWithMfa/ProfileEdit.xml": "bf0bf1645d00100a",
    "SocialAndLocalAccountsWithMfa/SignUpOrSignin.xml": "fd5b3e957c9af4a7",
    "SocialAndLocalAccountsWithMfa/TrustFrameworkBase.xml": "2c843d11dc1e270d",
    "SocialAndLocalAccountsWithMfa/TrustFrameworkExtensions.xml": "689a7a19fcbb21b6",
    "SocialAndLocalAccountsWithMfa/TrustFrameworkLocalization.xml": "a5868d8d38865417",
}
SEED_PROVIDER = re.compile(rb"      <ClaimsProvider>\n    <Domain>mobileid\.ch</Domain>.*?</ClaimsProvider>\n\n", re.S)
SEED_JOURNEYS = re.compile(rb"    <UserJourneys>\n.*</UserJourneys>", re.S)
STARTER_JOURNEYS = b"    <!--UserJourneys>\n\t\n\t</UserJourneys-->"
MOBILEID_LINES = (b'\n            <ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
                  b'\n            <ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />')


def journey(xml: bytes) -> bytes:
    found = re.search(rb'<UserJourney Id="SignUpOrSignIn">.*?</UserJourney>', xml, re.S)
    assert found, "no SignUpOrSignIn user journey"
    return re.sub(rb"\s+", b" ", found.group(0))


def test_starter_packs_are_the_published_files_but_for_the_tenant_and_the_seeds_additions() -> None:
    """tests/b2c/starterpack/README.md: every .xml file byte for byte (BOMs included) but "contoso" and, in the Extensions
    of every pack but LocalAccounts, the seed's MobileID-OAuth2 provider last in <ClaimsProviders> and the base's
    SignUpOrSignIn journey with Mobile ID's two lines after Facebook's."""
    held = sorted(str(p.relative_to(STARTER_PACKS)) for p in STARTER_PACKS.rglob("*.xml"))
    assert held == sorted(STARTER_AT_FC39B7D)
    for name, digest in STARTER_AT_FC39B7D.items():
        raw = (STARTER_PACKS / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"yourtenant" not in raw, name
        pack_name, file = name.split("/")
        if file == EXT and pack_name != "LocalAccounts":
            providers = raw.split(b"</ClaimsProviders>")[0]
            seed = SEED_PROVIDER.search(providers)
            assert seed and providers.rstrip().endswith(seed.group(0).rstrip()), name  # verbatim, last
            assert b'<Item Key="client_id">b2c-contoso-0001</Item>' in seed.group(0), name
            added = journey(raw)
            for line in MOBILEID_LINES:  # each right after Facebook's
                assert re.sub(rb"\s+", b" ", line) in added, (name, line)
            assert b'FacebookExchange" /> <ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange"' in added, name
            assert b'TechnicalProfileReferenceId="Facebook-OAUTH" /> <ClaimsExchange Id="MobileIDExchange"' in added, name
            base = journey((STARTER_PACKS / pack_name / BASE).read_bytes())
            assert journey(raw.replace(MOBILEID_LINES[0], b"").replace(MOBILEID_LINES[1], b"")) == base, name
            raw = SEED_JOURNEYS.sub(STARTER_JOURNEYS, SEED_PROVIDER.sub(b"", raw))
        assert hashlib.sha256(raw).hexdigest()[:16] == digest, f"{name} is no longer the starter pack's file (README's exceptions aside)"


def test_policy_keys_come_from_env_or_file_never_the_command_line(tmp_path: Path) -> None:
    secret_file = tmp_path / "mobileid.txt"
    secret_file.write_text("from-a-file\n")
    sources = [parse_policy_key("FacebookSecret=env:FB"), parse_policy_key(f"B2C_1A_MobileIdSecret=file:{secret_file}")]
    assert [s.name for s in sources] == ["B2C_1A_FacebookSecret", "B2C_1A_MobileIdSecret"]  # the portal adds the prefix
    keys = read_policy_keys(sources, environ={"FB": "from-the-env"})
    assert keys["B2C_1A_FacebookSecret"].get_secret_value() == "from-the-env"
    assert keys["B2C_1A_MobileIdSecret"].get_secret_value() == "from-a-file"
    assert "from-the-env" not in repr(keys)
    with pytest.raises(PolicyKeyError) as info:
        parse_policy_key("B2C_1A_FacebookSecret=hunter2")
    assert "hunter2" not in str(info.value) and "never the secret itself" in str(info.value)
    with pytest.raises(PolicyKeyError, match="environment variable FB is not set"):
        read_policy_keys([sources[0]], environ={})
    # A note kept beside the secret would become part of it, and fail only at a sign-in: refused at the start instead.
    secret_file.write_text("s3cret\n# rotated 2026-05-01\n")
    with pytest.raises(PolicyKeyError, match="holds 2 lines; put the secret alone in the file") as info:
        read_policy_keys([sources[1]], environ={})
    assert "s3cret" not in str(info.value)
    # A file that is not text (UTF-16, binary): said, not a UnicodeDecodeError's traceback
    secret_file.write_bytes(b"\xff\xfe\x00s")
    with pytest.raises(PolicyKeyError, match="B2C_1A_MobileIdSecret: .* is not UTF-8 text; put the secret in it as text"):
        read_policy_keys([sources[1]], environ={})


@pytest.mark.parametrize(("spec", "says"), [
    ("B2C_1A_FacebookSecret", "policy key 'B2C_1A_FacebookSecret': write NAME=env:VARIABLE or NAME=file:PATH"),
    ("=env:FB", "policy key '=env:FB': write NAME=env:VARIABLE or NAME=file:PATH"),
    ("Facebook Secret=env:FB", "policy key 'Facebook Secret': use letters, digits, '_' or '-' in the name"),
], ids=["no source", "no name", "name with a space"])
def test_a_policy_key_not_written_name_equals_source_is_refused(spec: str, says: str) -> None:
    """--policy-key says how to write it, rather than serve a key the policy would not find."""
    with pytest.raises(PolicyKeyError, match=re.escape(says)):
        parse_policy_key(spec)


@pytest.mark.parametrize("spec", [
    "Zx9SuperSecretValue_0123456789abcdefQW",  # the secret itself, alone
    "c2VjcmV0c2Vj+cmV0c2VjcmV0/c2VjcmV0==",  # a base64 secret: its padding read as NAME=
    "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=",  # one of letters and digits alone: the part before its padding reads as a name
    "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIz==",
    "=Zx9SuperSecretValue_0123456789abcdefQW",  # NAME= left out before the secret
], ids=["the secret alone", "a base64 secret", "a base64 secret of letters and digits", "the same padded twice", "the secret after ="])
def test_a_policy_key_given_as_the_secret_itself_is_refused_without_showing_it(spec: str) -> None:
    """--policy-key with the secret typed where NAME=env:VARIABLE goes: refused saying how to write it, and what it
    refuses is not shown (the command's error is printed to the terminal, whatever its first 40 characters hold)."""
    with pytest.raises(PolicyKeyError) as info:
        parse_policy_key(spec)
    said = str(info.value)
    assert "NAME=env:VARIABLE or NAME=file:PATH" in said, said
    assert not [part for part in re.split(r"[=+/]", spec) if len(part) >= 8 and part in said], said


@pytest.mark.parametrize("spec", ["B2C_1A_FacebookSecret:Zx9SuperSecretValue", "B2C_1A_FacebookSecret Zx9SuperSecretValue"],
                         ids=["':' for '='", "a space for '='"])
def test_a_policy_key_written_with_another_sign_for_equals_names_the_key_alone(spec: str) -> None:
    """Without '=', the whole of it read as the key's name and was shown (its first 40 characters: the secret's start)."""
    with pytest.raises(PolicyKeyError) as info:
        parse_policy_key(spec)
    assert str(info.value).startswith("policy key 'B2C_1A_FacebookSecret': write NAME=env:VARIABLE"), info.value
    assert "Zx9Super" not in str(info.value)


def test_a_secret_typed_as_a_policy_keys_variable_is_not_shown_when_the_variable_is_not_set() -> None:
    """NAME=env:<the secret itself>: the variable "is not set", said without quoting it; a variable's name (upper case) is named."""
    secret = "Zx9SuperSecretValue_0123456789abcdefQW"
    with pytest.raises(PolicyKeyError) as info:
        read_policy_keys([parse_policy_key(f"B2C_1A_MobileIdSecret=env:{secret}")], environ={})
    assert secret not in str(info.value) and "is not set or empty" in str(info.value), str(info.value)
    with pytest.raises(PolicyKeyError, match="policy key B2C_1A_MobileIdSecret: environment variable MOBILEID_SECRET is not set"):
        read_policy_keys([parse_policy_key("B2C_1A_MobileIdSecret=env:MOBILEID_SECRET")], environ={})


def test_a_secret_typed_as_a_policy_keys_file_is_not_shown_when_no_such_file_is_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NAME=file:<the secret itself>: "cannot read" it, said without quoting it (a base64 key's "/" is no
    folder); a path (a folder there, or names ending in an extension) is named."""
    monkeypatch.chdir(tmp_path)
    secret = "Zx9Q~SuperSecretValue_0123456789abcdefQW"
    with pytest.raises(PolicyKeyError) as info:
        read_policy_keys([parse_policy_key(f"B2C_1A_MobileIdSecret=file:{secret}")], environ={})
    assert secret not in str(info.value) and "cannot read the file it names (not shown" in str(info.value), str(info.value)
    base64_key = "q3R/9kLm+Zx8Yw2Vb7Nc1Tp4Hs6Jd0Fg5Ea3Ku8Wi9Oo="  # its "/" is no folder
    with pytest.raises(PolicyKeyError) as info:
        read_policy_keys([parse_policy_key(f"B2C_1A_MobileIdSecret=file:{base64_key}")], environ={})
    assert base64_key not in str(info.value) and "q3R" not in str(info.value), str(info.value)
    with pytest.raises(PolicyKeyError) as info:  # nor its leading "/" the root's
        read_policy_keys([parse_policy_key("B2C_1A_MobileIdSecret=file:/9kLmZx8Yw2Vb7Nc1Tp4Hs6Jd0Fg5Ea3Ku8Wi9Oo=")], environ={})
    assert "9kLm" not in str(info.value), str(info.value)
    with pytest.raises(PolicyKeyError, match="cannot read keys/mobileid-secret.txt "):  # a folder not there: still a path
        read_policy_keys([parse_policy_key("B2C_1A_MobileIdSecret=file:keys/mobileid-secret.txt")], environ={})
    with pytest.raises(PolicyKeyError, match="policy key B2C_1A_MobileIdSecret: cannot read mobileid-secret.txt "):
        read_policy_keys([parse_policy_key("B2C_1A_MobileIdSecret=file:mobileid-secret.txt")], environ={})


@pytest.mark.parametrize(("content", "says"), [
    (None, "policy key B2C_1A_MobileIdSecret: cannot read {file} (No such file or directory); give a readable file holding the secret"),
    ("\n", "policy key B2C_1A_MobileIdSecret: {file} is empty; put the secret in the file"),
], ids=["missing file", "empty file"])
def test_a_policy_key_file_without_a_secret_is_refused(tmp_path: Path, content: str | None, says: str) -> None:
    """An empty secret would be sent to the identity provider and fail only at a sign-in (AADB2C90289)."""
    secret_file = tmp_path / "mobileid.txt"
    if content is not None:
        secret_file.write_text(content)
    with pytest.raises(PolicyKeyError, match=re.escape(says.format(file=secret_file))):
        read_policy_keys([parse_policy_key(f"MobileIdSecret=file:{secret_file}")], environ={})


def test_a_policy_key_given_twice_is_refused_even_with_and_without_its_prefix() -> None:
    """Which of two values would win is not something to leave to the order of the command line."""
    twice = [parse_policy_key("FacebookSecret=env:FB"), parse_policy_key("B2C_1A_FacebookSecret=env:FB2")]
    with pytest.raises(PolicyKeyError, match=re.escape("policy key B2C_1A_FacebookSecret is given twice; keep one --policy-key for it")):
        read_policy_keys(twice, environ={"FB": "one", "FB2": "two"})


def test_the_claim_resolvers_a_policy_gets(pack: Path) -> None:
    """B2CSettings.claim_resolvers: the Policy ones and the bare tenant names of the starter pack's string formats
    (that the journey and the token fill them in: tests/b2c/test_policy_journey.py)."""
    settings = B2CSettings()
    resolvers = settings.claim_resolvers(load(pack)["B2C_1A_signup_signin"])
    assert resolvers["{Policy:PolicyId}"] == "B2C_1A_signup_signin" and resolvers["{Policy:TenantObjectId}"] == settings.tenant_id
    assert resolvers["{RelyingPartyTenantId}"] == resolvers["{Policy:RelyingPartyTenantId}"] == settings.domain
    assert fill_in("cpim_{0}@{RelyingPartyTenantId}", resolvers) == f"cpim_{{0}}@{settings.domain}"
