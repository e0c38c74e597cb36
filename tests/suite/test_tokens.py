"""ID token checks: each defect the stack can inject fails with a message naming it."""

from __future__ import annotations

import base64
import json
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import jwt
import pytest

from fixtures import texts
from fixtures.b2c import AuthRequest, B2CTenant
from fixtures.causes import TOKEN_CONTRACT, Cause, JourneyFailure
from fixtures.settings import Settings
from fixtures.tokens import LEEWAY, WrongClaims, check_time_claims, mobile_id_idp, require_mobile_id_idp, subject, validate_id_token
from tests.id_tokens import CLIENT, ISSUER, KEY, KID, NONCE, OTHER_KEY, TENANT_ID, check, from_now, jwks, token


def with_header(**header: Any) -> str:
    """A good token whose header carries ``header`` too (written by hand: PyJWT will not encode a header it would refuse)."""
    _, payload, signature = token().split(".")
    written = base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "typ": "JWT", "kid": KID, **header}).encode()).rstrip(b"=").decode()
    return f"{written}.{payload}.{signature}"


def check_times(claims: dict[str, Any], now: float) -> None:
    """The time checks of ``validate_id_token`` at ``now``: one failure naming each time that is wrong."""
    wrong = WrongClaims()
    check_time_claims(wrong, claims, now)
    wrong.raise_any()

def test_a_good_token_gives_its_claims() -> None:
    claims = check(token(name="+41791234567", tid="7A1B4F5E-2C3D-4E5F-8A9B-0C1D2E3F4A5B"))  # the issuer's tenant, in any case
    assert claims["name"] == "+41791234567" and claims["aud"] == CLIENT


@pytest.mark.parametrize(
    ("raw", "message", "claim"),
    [
        (lambda: token(key=OTHER_KEY), f"signature does not verify against the tenant's JWKS \\(kid '{KID}'\\)", "signature"),
        (lambda: token(kid="rotated"), "kid 'rotated' is not in the tenant's JWKS", "kid"),
        (lambda: token(alg="HS256"), "alg is 'HS256', expected 'RS256'", "alg"),
        (lambda: token(aud="someone-else"), f"aud is 'someone-else', expected client id '{CLIENT}'", "aud"),
        # A list naming the app among others is a token for them too: only the app alone is its audience.
        (lambda: token(aud=[CLIENT, "other"]), re.escape(f"aud is {[CLIENT, 'other']!r}, expected client id '{CLIENT}'"), "aud"),
        (lambda: token(iss="https://evil.example/v2.0/"), "iss is 'https://evil.example/v2.0/', expected the discovery issuer", "iss"),
        (lambda: token(drop=("iss",)), "iss is None, expected the discovery issuer", "iss"),
        (lambda: token(iss=ISSUER.removesuffix("v2.0/")), re.escape(f"iss is {ISSUER.removesuffix('v2.0/')!r}, expected the discovery issuer"), "iss"),
        (lambda: token(drop=("nonce",)), "has no nonce; B2C must echo the nonce the app sent", "nonce"),
        (lambda: token(nonce="defaultNonce"), "nonce is 'defaultNonce', expected", "nonce"),
        (lambda: token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200, nbf=int(time.time()) - 7200), "is expired", "exp"),
        (lambda: token(nbf=int(time.time()) + 3000), "not valid yet", "nbf"),
        (lambda: token(iat=int(time.time()) + 3000, exp=int(time.time()) + 6000), "iat .* in the future", "iat"),
        (lambda: token(exp=int(time.time()) + 10 * 86400), "lifetime", "exp - iat"),
        (lambda: from_now(exp=2 * 86400), f"lifetime exp - iat = {2 * 86400} s", "exp - iat"),  # MAX_LIFETIME is a day
        (lambda: from_now(iat=60, exp=30), "lifetime exp - iat = -30 s", "exp - iat"),  # iat after exp
        (lambda: from_now(exp=299), "lifetime exp - iat = 299 s; B2C issues 300 to 86400 s", "exp - iat"),  # under B2C's 5 minutes
        (lambda: from_now(iat=-3600, nbf=60, exp=30), r"nbf \d+ is after exp \d+", "nbf"),
        (lambda: token(drop=("nbf",)), "nbf is None, expected epoch seconds", "nbf"),
        (lambda: token(exp=True), "exp is True, expected epoch seconds as an integer", "exp"),  # a bool is no number of seconds
        (lambda: "not.a.jwt", "not a JWT", "format"),
        # A header PyJWT refuses before any key is chosen: the token's defect, not a PyJWT exception of the suite's
        (lambda: with_header(kid=123), "header cannot be processed: Key ID header parameter must be a string", "header"),
        (lambda: with_header(crit=["x-b2c"], **{"x-b2c": 1}), "header cannot be processed: Unsupported critical extension", "header"),
        (lambda: token(tid="00000000-0000-0000-0000-000000000bad"), "tid is '00000000-0000-0000-0000-000000000bad', expected the tenant id", "tid"),
        (lambda: token(tid=TENANT_ID[:-1]), f"tid is '{TENANT_ID[:-1]}', expected the tenant id", "tid"),  # only the start of the tenant's
    ],
)
def test_each_defect_is_named(raw, message: str, claim: str) -> None:
    """The message says what is wrong; the cause's detail, by which the report groups failures, starts with the claim."""
    with pytest.raises(JourneyFailure, match=message) as failure:
        check(raw())
    assert failure.value.cause.name == TOKEN_CONTRACT
    assert failure.value.cause.detail.startswith(f"{claim}: "), failure.value.cause.detail


@pytest.mark.parametrize("defect", ["foreign key", "unknown kid"])
def test_a_key_defect_is_one_cause_whichever_policys_keys_it_met(defect: str) -> None:
    """Each policy signs with keys of its own (B2C_1_... and B2C_1A_...: other kids): one tenant signing with a key its JWKS
    does not publish is one line of the report, not one per policy; the message names the kids."""
    details, messages = set(), []
    for kid in (KID, "another-policys-kid"):
        published = {"keys": [{**jwks()["keys"][0], "kid": kid}]}
        raw = token(key=OTHER_KEY, kid=kid) if defect == "foreign key" else token(kid=f"{kid}-rotated")
        with pytest.raises(JourneyFailure) as failure:
            validate_id_token(raw, jwks=published, issuer=ISSUER, client_id=CLIENT, nonce=NONCE)
        details.add(failure.value.cause.detail)
        messages.append(str(failure.value))
    assert len(details) == 1, details
    assert KID in messages[0] and "another-policys-kid" in messages[1], messages


def test_a_wrong_idp_is_one_cause_whichever_policy_gave_it() -> None:
    """A user flow may say Mobile ID's issuer where a custom policy says only 'mobileid.ch': one tenant naming another
    provider is still one line of the report, not one per policy; the message says what each policy may say."""
    metadata = "https://openid.mobileid.ch/.well-known/openid-configuration"
    failures = []
    for policy in ("B2C_1_signupsignin", "B2C_1A_signup_signin"):
        with pytest.raises(JourneyFailure) as failure:
            require_mobile_id_idp({"idp": "google.com"}, policy, metadata)
        failures.append(failure.value)
    assert {failure.cause for failure in failures} == {Cause(TOKEN_CONTRACT, "idp: expected Mobile ID's name (as the policy or user flow gives it), got 'google.com'")}
    assert "'mobileid.ch' or 'https://openid.mobileid.ch'" in str(failures[0]) and "or" not in str(failures[1]).split("expected")[1]
    require_mobile_id_idp({"idp": "https://openid.mobileid.ch"}, "B2C_1_signupsignin", metadata)  # a user flow's may be the issuer


def test_an_idp_expected_from_the_seeds_files_standing_in_for_a_tenants_says_so(seed_files_standing_in) -> None:
    """Against a tenant whose files the suite was not given, the idp a custom policy's token is held to is the seed's Mobile
    ID profile's DefaultValue: the message says so, with how to give the suite the team's files (the cause stays the
    claim's, one line of the report whichever policy gave it); a user flow's, and with the run's own files, as before."""
    metadata = "https://openid.mobileid.ch/.well-known/openid-configuration"
    with pytest.raises(JourneyFailure) as known:
        require_mobile_id_idp({"idp": "swisscom"}, "B2C_1A_signup_signin", metadata)
    with seed_files_standing_in():  # a tenant's, its files not given
        with pytest.raises(JourneyFailure) as stood_in:
            require_mobile_id_idp({"idp": "swisscom"}, "B2C_1A_signup_signin", metadata)
        with pytest.raises(JourneyFailure) as user_flow:
            require_mobile_id_idp({"idp": "swisscom"}, "B2C_1_signupsignin", metadata)
    assert texts.SEED_FILES_STOOD_IN not in str(known.value) and texts.SEED_FILES_STOOD_IN not in str(user_flow.value)
    assert str(stood_in.value) == (f"ID token idp is 'swisscom', expected 'mobileid.ch'; expected from {texts.SEED_FILES_STOOD_IN}: "
                                   f"if your policy differs from the seed's there on purpose, {texts.READ_YOUR_FILES}")
    assert stood_in.value.cause == known.value.cause


@pytest.mark.parametrize(("name", "late"), [("exp", False), ("nbf", True), ("iat", True)])
def test_the_clocks_leeway_is_tolerated_and_not_a_second_more(name: str, late: bool) -> None:
    """LEEWAY seconds of skew between us and the tenant: an exp that far in the past, an nbf or iat that far in the future
    pass; a second more fails naming the claim."""
    now = 1_700_000_000

    def times(offset: int) -> dict[str, int]:
        edge = now + offset if late else now - offset
        claims = {"exp": edge, "nbf": edge - 3600, "iat": edge - 3600} if name == "exp" else {"exp": edge + 3600, "nbf": now, "iat": now, name: edge}
        return claims

    check_times(times(LEEWAY - 1), now)
    if late:
        check_times(times(LEEWAY), now)  # exactly the leeway: still within it
    for offset in ([LEEWAY + 1] if late else [LEEWAY, LEEWAY + 1]):  # an exp LEEWAY seconds ago has run out
        with pytest.raises(JourneyFailure) as failure:
            check_times(times(offset), now)
        assert failure.value.cause.detail.startswith(f"{name}: "), (offset, failure.value.cause)


def test_a_user_flows_idp_may_be_the_issuer_a_custom_policys_is_the_seeds() -> None:
    metadata = "https://openid.mobileid.ch/.well-known/openid-configuration"
    assert mobile_id_idp("B2C_1A_signup_signin", metadata) == ("mobileid.ch",)
    assert mobile_id_idp("B2C_1_signupsignin", metadata) == ("mobileid.ch", "https://openid.mobileid.ch")


SEED_IDP_CLAIM = '<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="mobileid.ch" />'


@pytest.mark.parametrize(("team_claim", "expected"), [
    # Microsoft's generic OpenID Connect article: the IdP token's issuer
    ('<OutputClaim ClaimTypeReferenceId="identityProvider" PartnerClaimType="iss" />', ("https://openid.mobileid.ch",)),
    # a value of the team's own
    ('<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="Swisscom Mobile ID" AlwaysUseDefaultValue="true" />',
     ("Swisscom Mobile ID",)),
    # a value of the team's own, no partner claim to take it from
    ('<OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="Contoso Mobile ID" />', ("Contoso Mobile ID",)),
    # the issuer, a default only where Mobile ID's token had none; always the default where the files say so
    ('<OutputClaim ClaimTypeReferenceId="identityProvider" PartnerClaimType="iss" DefaultValue="Contoso Mobile ID" />',
     ("https://openid.mobileid.ch",)),
    ('<OutputClaim ClaimTypeReferenceId="identityProvider" PartnerClaimType="iss" DefaultValue="Contoso Mobile ID" '
     'AlwaysUseDefaultValue="true" />', ("Contoso Mobile ID",)),
    # another partner claim: the files do not say what it holds, so the seed's name
    ('<OutputClaim ClaimTypeReferenceId="identityProvider" PartnerClaimType="amr" />', ("mobileid.ch",)),
])
def test_a_custom_policys_idp_is_what_its_mobile_id_profile_says(tmp_path: Path, team_claim: str, expected: tuple[str, ...]) -> None:
    # Given a team's Mobile ID profile whose identityProvider output claim is not the seed's DefaultValue
    folder = tmp_path / "policies"
    shutil.copytree(texts.SEED_POLICIES_DIR, folder)
    extensions = folder / "TrustFrameworkExtensions.xml"
    assert SEED_IDP_CLAIM in extensions.read_text()
    extensions.write_text(extensions.read_text().replace(SEED_IDP_CLAIM, team_claim))
    texts.read_policies_from(str(folder))
    try:
        # Then the journeys expect the idp B2C emits through those files
        assert mobile_id_idp("B2C_1A_signup_signin", "https://openid.mobileid.ch/.well-known/openid-configuration") == expected
    finally:
        texts.read_policies_from(None)


def test_the_mobile_id_profile_is_the_one_its_claims_exchange_runs_not_a_base_profile_listed_first(tmp_path: Path) -> None:
    """A team's Mobile ID claims provider with a base profile first (for IncludeTechnicalProfile): the profile a fix names,
    the idp and the button's label are the exchanged profile's, not the first listed."""
    folder = tmp_path / "policies"
    shutil.copytree(texts.SEED_POLICIES_DIR, folder)
    extensions = folder / "TrustFrameworkExtensions.xml"
    listed = '<TechnicalProfile Id="MobileID-OAuth2">'
    base = ('<TechnicalProfile Id="MobileID-Base"><DisplayName>Base, never shown</DisplayName><Protocol Name="OAuth2" />'
            '<OutputClaims><OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="base.example" /></OutputClaims>'
            '</TechnicalProfile>')
    assert extensions.read_text().count(listed) == 1
    extensions.write_text(extensions.read_text().replace(listed, base + listed))
    texts.read_policies_from(str(folder))
    try:
        assert texts.mobile_id_profile("B2C_1A_signup_signin", None) == "MobileID-OAuth2"
        assert mobile_id_idp("B2C_1A_signup_signin", "https://openid.mobileid.ch/.well-known/openid-configuration") == ("mobileid.ch",)
        assert texts.custom_policy_button_label("B2C_1A_signup_signin") == "Mobile-ID"
    finally:
        texts.read_policies_from(None)


def test_a_token_out_of_its_time_is_one_cause_whatever_the_seconds() -> None:
    """The report groups failures by their cause's detail: tokens expired 300 s and 301 s ago (one fault, journeys a
    second apart) are one group; the message keeps the seconds."""
    from fixtures.causes import JourneyFailure

    failures = []
    for ago in (300, 301):
        now = 1_700_000_000
        with pytest.raises(JourneyFailure) as failure:
            check_times({"exp": now - ago, "nbf": now - ago - 3600, "iat": now - ago - 3600}, now)
        failures.append(failure.value)
    assert {f.cause.detail for f in failures} == {"exp: expected in the future, got in the past"}
    assert [str(f).rsplit(" is ", 1)[1] for f in failures] == ["300 s in the past", "301 s in the past"]


def test_a_token_without_auth_time_is_one_cause_for_the_sign_up_and_the_contract_journeys() -> None:
    """The smoke under the fault missing-auth-time: the sign-up's check said it untyped, with the token's iat in its words,
    so each sign-up was a cause "other" of its own beside the contract journeys' "auth_time: missing"."""
    from fixtures.tokens import require_auth_time_since

    failures = []
    for started, what in ((1_700_000_000, "sign-up"), (1_700_000_007, "sign-in")):
        with pytest.raises(JourneyFailure) as failure:
            require_auth_time_since({"iat": started + 3, "sub": "s"}, started, what)
        failures.append(failure.value)
    assert {f.cause for f in failures} == {Cause(TOKEN_CONTRACT, "auth_time: expected present, got missing")}
    assert all(str(f).startswith("ID token has no auth_time claim (claims: ['iat', 'sub'])") for f in failures)


def test_an_auth_time_of_another_sign_in_is_one_cause_whatever_the_seconds() -> None:
    """A token that names an earlier sign-in's auth_time: one cause for every journey that met it; the message keeps the seconds."""
    from fixtures.tokens import require_auth_time_since

    failures = []
    for started, what in ((1_700_000_000, "sign-up"), (1_700_009_000, "sign-in")):
        with pytest.raises(JourneyFailure) as failure:
            require_auth_time_since({"auth_time": started - 3600, "iat": started + 3}, started, what)
        failures.append(failure.value)
        assert f"auth_time {started - 3600} is not the time of this {what} (started {started}" in str(failure.value)
    assert {f.cause for f in failures} == {Cause(TOKEN_CONTRACT, "auth_time: expected the time of the sign-in it was issued for, "
                                                                 f"got a time before it started, beyond the {LEEWAY} s leeway")}
    with pytest.raises(JourneyFailure, match="auth_time is '1700000000' \\(str\\), expected epoch seconds") as failure:
        require_auth_time_since({"auth_time": "1700000000", "iat": 1_700_000_003}, 1_700_000_000, "sign-in")
    assert failure.value.cause == Cause(TOKEN_CONTRACT, "auth_time: expected epoch seconds, got str")


WHOLE_KEY = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY))  # its private part too


@pytest.mark.parametrize(
    ("typ", "key_members", "issuer", "message", "claim"),
    [
        ("at+jwt", {}, ISSUER, "typ is 'at\\+jwt', expected 'JWT'", "typ"),  # an access token's type (RFC 9068)
        ("JWT", {"use": "enc"}, ISSUER, f"kid '{KID}' is a JWKS key for use 'enc', expected 'sig'", "use"),
        ("JWT", WHOLE_KEY, ISSUER, f"JWKS publishes the private part of key '{KID}' \\(d, dp, dq, p, q, qi\\)", "JWKS"),
        ("JWT", {}, "https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/", "does not name the tenant by its id", "iss"),
        ("JWT", {}, f"https://contoso.b2clogin.com/{TENANT_ID}/v2.0", "does not name the tenant by its id", "iss"),
    ],
    ids=["access token typ", "key for encryption", "private key published", "issuer by tenant name", "issuer without slash"],
)
def test_a_header_key_or_issuer_unlike_b2c_s_is_named(typ: str, key_members: dict[str, str], issuer: str, message: str, claim: str) -> None:
    """B2C's header says typ JWT, its JWKS has public signing keys, its issuers name the tenant by its id (reference b2c.md
    section 3)."""
    now = int(time.time())
    raw = jwt.encode({"iss": issuer, "aud": CLIENT, "nonce": NONCE, "iat": now, "nbf": now, "exp": now + 3600, "sub": "s"}, KEY,
                     algorithm="RS256", headers={"kid": KID, "typ": typ})
    keys = {"keys": [{**key, **key_members} for key in jwks()["keys"]]}
    with pytest.raises(JourneyFailure, match=message) as failure:
        validate_id_token(raw, jwks=keys, issuer=issuer, client_id=CLIENT, nonce=NONCE)
    assert failure.value.cause.detail.startswith(f"{claim}: "), failure.value.cause.detail


@pytest.mark.parametrize("typ", [None, "jwt"], ids=["no typ", "typ in lower case"])  # RFC 7515 4.1.9: a typ ignores case
def test_the_tfp_issuer_and_a_header_without_typ_pass(typ: str | None) -> None:
    issuer = f"https://contoso.b2clogin.com/tfp/{TENANT_ID}/b2c_1a_signup_signin/v2.0/"
    now = int(time.time())
    raw = jwt.encode({"iss": issuer, "aud": CLIENT, "nonce": NONCE, "iat": now, "nbf": now, "exp": now + 3600}, KEY,
                     algorithm="RS256", headers={"kid": KID, "typ": typ})
    assert validate_id_token(raw, jwks=jwks(), issuer=issuer, client_id=CLIENT, nonce=NONCE)["iss"] == issuer


def test_a_jwks_whose_kid_names_several_keys_is_named() -> None:
    """An app selects its key by kid from the JWKS (reference b2c.md section 3): a kid that names two keys fails the token
    whichever of them is B2C's, so an app that takes the first key does not refuse tokens the suite passed."""
    public = jwks()["keys"][0]
    impostor = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(OTHER_KEY.public_key())), "kid": KID, "use": "sig"}
    for keys in ([impostor, public], [public, impostor]):
        with pytest.raises(JourneyFailure, match=f"lists 2 keys with the ID token's kid '{KID}'") as failure:
            validate_id_token(token(), jwks={"keys": keys}, issuer=ISSUER, client_id=CLIENT, nonce=NONCE)
        assert failure.value.cause.detail == "JWKS: expected one key per kid, got several keys with the token's kid"
    other = {**impostor, "kid": "another-kid"}  # another key of its own kid: B2C's keys rotate, a JWKS may list several
    assert check(token()) and validate_id_token(token(), jwks={"keys": [other, public]}, issuer=ISSUER, client_id=CLIENT, nonce=NONCE)
    # Another kid named twice leaves this token's key one to select: not this token's failure.
    assert validate_id_token(token(), jwks={"keys": [other, other, public]}, issuer=ISSUER, client_id=CLIENT, nonce=NONCE)


def _tenant_with_issuer(monkeypatch: pytest.MonkeyPatch, issuer: str, domain: str = "contoso.b2clogin.com") -> B2CTenant:
    """The tenant as the journeys see it (fixtures/b2c.py), its discovery document naming ``issuer``."""
    tenant = B2CTenant(cast(Settings, SimpleNamespace(domain=domain, tenant="contoso", token_contract=())), cast(httpx.Client, None))
    monkeypatch.setattr(tenant, "discovery", lambda policy: {"issuer": issuer})
    monkeypatch.setattr(tenant, "jwks", lambda policy: jwks())
    return tenant


def _request() -> AuthRequest:
    return AuthRequest(policy="B2C_1_signupsignin", url="", client_id=CLIENT, redirect_uri="https://jwt.ms", nonce=NONCE, state="s")


def test_an_issuer_on_a_host_b2c_s_issuers_are_not_on_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """B2C's issuer is https://{tenant}.b2clogin.com/{tenant id}/v2.0/ (a custom domain's: on it), or for old tokens on
    login.microsoftonline.com (reference b2c.md section 3): a discovery document and token naming another host fail."""
    elsewhere = f"https://login.example.net/{TENANT_ID}/v2.0/"
    with pytest.raises(JourneyFailure, match="is on a host B2C's issuers are not on") as failure:
        _tenant_with_issuer(monkeypatch, elsewhere).validate(token(iss=elsewhere), _request())
    assert failure.value.cause.detail == "iss: expected B2C's host, got another host"


@pytest.mark.parametrize(("issuer", "domain"), [
    (ISSUER, "contoso.b2clogin.com"),
    (f"https://contoso.b2clogin.com/tfp/{TENANT_ID}/b2c_1a_signup_signin/v2.0/", "contoso.b2clogin.com"),
    (f"https://login.microsoftonline.com/{TENANT_ID}/v2.0/", "contoso.b2clogin.com"),
    (f"https://login.contoso.com/{TENANT_ID}/v2.0/", "login.contoso.com"),  # a custom domain
    (ISSUER, "login.contoso.com"),  # a custom domain whose tokens keep the b2clogin.com issuer
], ids=["b2clogin", "tfp", "old tokens", "custom domain", "custom domain, b2clogin issuer"])
def test_b2c_s_own_issuer_hosts_pass(monkeypatch: pytest.MonkeyPatch, issuer: str, domain: str) -> None:
    assert _tenant_with_issuer(monkeypatch, issuer, domain).validate(token(iss=issuer), _request())["iss"] == issuer


def test_a_token_refused_for_its_claims_names_the_contract_claims_it_lacks_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong aud and a lost name: both in one failure, the aud its cause, where the contract was checked only by the
    journeys on a token accepted, so a returning user's sign-up (which checks none) said the aud alone. A token whose
    claims are right is not refused for the contract here: the journeys say that, each in its own words."""
    tenant = _tenant_with_issuer(monkeypatch, ISSUER)
    full: dict[str, Any] = {"name": "+41791234567", "idp": "https://mobileid.ch", "oid": TENANT_ID}  # the seed's user flow contract
    with pytest.raises(JourneyFailure) as failure:
        tenant.validate(token(aud="someone-else", idp=full["idp"], oid=full["oid"]), _request())
    said = str(failure.value)
    assert said.startswith(AUD + "; also: ID token has no name claim, which the app's token contract needs"), said
    assert failure.value.cause == Cause(TOKEN_CONTRACT, f"aud: expected '{CLIENT}', got 'someone-else'")
    assert failure.value.also == ("name: expected present, got missing",)  # not newUser: only a sign-up's token has it
    assert tenant.validate(token(**full), _request())["name"] == full["name"]
    assert "name" not in tenant.validate(token(idp=full["idp"], oid=full["oid"]), _request())


def test_a_profile_claim_the_token_lacks_is_the_tenants_set_up_named_where_b2c_emits_it() -> None:
    """A relying party without given_name failed the profile-edit journey as "given_name is None, the user typed 'Zoë'",
    cause other: a lost edit, where the token never had the claim (the README asks the tenant for all three)."""
    from e2e.test_profile_edits import differences

    typed = {"display_name": "Zoë Müller", "given_name": "Zoë", "surname": "Müller"}
    with pytest.raises(JourneyFailure) as lacking:
        differences({"name": "Zoë Müller", "family_name": "Müller"}, typed, "B2C_1A_signup_signin")
    assert lacking.value.cause == Cause(TOKEN_CONTRACT, "given_name: expected present, got missing")
    assert '<OutputClaim ClaimTypeReferenceId="givenName" />' in str(lacking.value), str(lacking.value)
    assert "the relying party of B2C_1A_signup_signin" in str(lacking.value), str(lacking.value)
    with pytest.raises(JourneyFailure, match=r"user flow B2C_1_signupsignin's Application claims: Surname"):
        differences({"name": "Zoë Müller", "given_name": "Zoë"}, typed, "B2C_1_signupsignin")
    # A claim the token has, with another value, stays the journey's own finding: the edit did not reach it.
    assert differences({"name": "Zoë Müller", "given_name": "Zoe", "family_name": "Müller"}, typed, "B2C_1_signupsignin") == [
        "given_name is 'Zoe', the user typed 'Zoë'"]


AUD = f"ID token aud is 'someone-else', expected client id '{CLIENT}'"


def test_a_token_with_one_wrong_claim_reads_as_it_did() -> None:
    """One wrong claim: its check's own words and nothing after them, its cause the claim's."""
    with pytest.raises(JourneyFailure) as failure:
        check(token(aud="someone-else"))
    assert str(failure.value) == AUD
    assert failure.value.cause == Cause(TOKEN_CONTRACT, f"aud: expected '{CLIENT}', got 'someone-else'")


EXPIRED = {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200, "nbf": int(time.time()) - 7200}


@pytest.mark.parametrize(("wrong", "first", "also"), [
    ({"aud": "someone-else", "nonce": "defaultNonce"}, AUD,
     [re.escape(f"nonce is 'defaultNonce', expected the nonce the app sent ('{NONCE}')")]),
    # An expired token of another issuer: the iss first, as its check comes first; the expiry in the check's own words.
    ({"iss": "https://evil.example/v2.0/", **EXPIRED}, f"ID token iss is 'https://evil.example/v2.0/', expected the discovery issuer '{ISSUER}'",
     [r"ID token is expired: exp \d+ is \d+ s in the past"]),
    ({"aud": "someone-else", "nonce": None, "tid": "00000000-0000-0000-0000-000000000bad"}, AUD,
     ["ID token has no nonce; B2C must echo the nonce the app sent",
      re.escape(f"tid is '00000000-0000-0000-0000-000000000bad', expected the tenant id the discovery issuer names ('{TENANT_ID}')")]),
    # A time that is no number is said so, and the times that are numbers are still compared.
    ({"exp": "soon", "nbf": int(time.time()) + 3000}, "ID token exp is 'soon', expected epoch seconds as an integer",
     [r"ID token is not valid yet: nbf \d+ is \d+ s in the future"]),
], ids=["aud and nonce", "iss and expired", "aud, no nonce and tid", "exp no number and nbf"])
def test_a_token_with_several_wrong_claims_names_each_under_the_first(wrong: dict[str, Any], first: str, also: list[str]) -> None:
    """A night's report says everything a token got wrong, not one claim a night: one failure, the first wrong claim its
    cause (the report groups by it, as when it is the only one), each other wrong claim after it in its check's words
    (``also``: patterns, for the seconds the time checks say). ``wrong``: the token's claims, None for one it lacks."""
    with pytest.raises(JourneyFailure) as failure:
        check(token(drop=tuple(name for name, value in wrong.items() if value is None),
                    **{name: value for name, value in wrong.items() if value is not None}))
    said = str(failure.value)
    assert re.fullmatch(re.escape(first) + "".join(f"; also: {words}" for words in also), said), said
    name, value = next(iter(wrong.items()))
    with pytest.raises(JourneyFailure) as alone:
        check(token(**{name: value}))
    assert (failure.value.cause, str(alone.value)) == (alone.value.cause, first)


def test_a_claim_that_fails_two_checks_is_said_once() -> None:
    """An nbf in the future and after exp; a token iss unlike an issuer on another host that names no tenant id: the first
    of each claim's checks speaks for it."""
    now = int(time.time())
    with pytest.raises(JourneyFailure) as failure:
        check(token(nbf=now + 3000, exp=now + 2000, aud="someone-else"))
    assert re.fullmatch(re.escape(AUD) + r"; also: ID token is not valid yet: nbf \d+ is \d+ s in the future", str(failure.value)), failure.value
    elsewhere = "https://login.example.net/contoso.onmicrosoft.com/v2.0/"
    with pytest.raises(JourneyFailure) as failure:
        validate_id_token(token(iss="https://evil.example/v2.0/", aud="someone-else"), jwks=jwks(), issuer=elsewhere, client_id=CLIENT,
                          nonce=NONCE, issuer_hosts=("contoso.b2clogin.com",))
    assert str(failure.value) == f"ID token iss is 'https://evil.example/v2.0/', expected the discovery issuer '{elsewhere}'; also: {AUD[len('ID token '):]}"
    assert failure.value.cause == Cause(TOKEN_CONTRACT, f"iss: expected '{elsewhere}', got 'https://evil.example/v2.0/'")


def test_a_signature_that_does_not_verify_is_all_that_is_said_of_a_token_with_wrong_claims() -> None:
    """Nothing in a token whose signature fails can be trusted: its claims are not checked, nor named."""
    with pytest.raises(JourneyFailure) as failure:
        check(token(key=OTHER_KEY, aud="someone-else", nonce="defaultNonce", exp=int(time.time()) - 3600))
    assert str(failure.value) == f"ID token signature does not verify against the tenant's JWKS (kid '{KID}')"
    assert failure.value.cause.detail.startswith("signature: ")


def test_a_wrong_nonce_is_one_cause_whatever_nonce_each_journey_sent() -> None:
    """Each journey sends its own nonce: a detail quoting it made one B2C that echoes a fixed nonce a line of the report
    per journey. The message keeps both nonces."""
    causes = set()
    for sent in ("n-journey-1", "n-journey-2"):
        with pytest.raises(JourneyFailure) as failure:
            validate_id_token(token(nonce="defaultNonce"), jwks=jwks(), issuer=ISSUER, client_id=CLIENT, nonce=sent)
        assert f"nonce is 'defaultNonce', expected the nonce the app sent ('{sent}')" in str(failure.value)
        causes.add(failure.value.cause)
    assert causes == {Cause(TOKEN_CONTRACT, "nonce: expected the app's nonce, got another")}, causes


@pytest.mark.parametrize(("claims", "message", "detail"), [
    ({"oid": "o"}, r"has no sub claim \(claims: \['oid'\]\)", "sub: expected present, got missing"),
    ({"sub": 7}, r"sub is 7 \(int\), expected str", "sub: expected str, got int"),
])
def test_a_token_without_a_sub_to_compare_users_by_is_the_token_contracts_cause(claims: dict[str, Any], message: str, detail: str) -> None:
    """The journeys comparing sign-ins' users by sub: a token without it fails as the contract journey's cause, not a KeyError."""
    with pytest.raises(JourneyFailure, match=message) as failure:
        subject(claims)
    assert failure.value.cause == Cause(TOKEN_CONTRACT, detail)


def test_a_tokens_sub_is_its_subject() -> None:
    assert subject({"sub": "s"}) == "s"
