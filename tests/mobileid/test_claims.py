"""ID token and claims: pairwise subjects, RS256 with kid, the B2C mapping claims, PEM keys."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from pydantic import SecretStr

from mocks.mobileid import ClientSettings, TestUser
from mocks.mobileid.outcomes import default_serial

from .support import APPROVE, REDIRECTS, RP_BASIC, RP_POST, SECRETS, User, authorize_params, redeem


def id_token_claims(http, rp: str = RP_POST, msisdn: str = APPROVE, **params: str) -> dict:
    query = authorize_params(rp, **params)
    code = User(http).login(query, msisdn).code or ""
    token = redeem(http, code, rp).json()["id_token"]
    keys = KeySet.import_key_set(http.get("/jwks.json").json())
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    assert decoded.header["kid"] == http.get("/jwks.json").json()["keys"][0]["kid"]
    assert decoded.claims["nonce"] == query["nonce"]
    return decoded.claims


def test_id_token_carries_the_protocol_and_scope_claims(emulator, http) -> None:
    claims = id_token_claims(http)
    now = time.time()
    assert claims["iss"] == emulator.url and claims["aud"] == RP_POST
    assert now - 60 < claims["iat"] <= now + 1 and claims["exp"] == claims["iat"] + 3600
    assert claims["auth_time"] <= claims["iat"]
    assert (claims["acr"], claims["amr"]) == ("mid_al3_any", ["mid_sim"])
    # Display name = name (B2C user flow) needs name in the ID token.
    assert claims["name"] == claims["phone_number"] == APPROVE


def test_auth_time_is_when_the_phone_answered_not_when_the_code_is_made_or_redeemed(start_emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """OIDC Core 2: auth_time is when the user authenticated (the phone approved, on the transactions' clock). The answer
    page makes the code and the token endpoint redeems it 100 s later (their clocks moved on instead of the test
    waiting): iat is theirs."""
    from types import SimpleNamespace

    from mocks.mobileid import oidc, web

    later = SimpleNamespace(time=lambda: time.time() + 100)
    monkeypatch.setattr(web, "time", later)
    monkeypatch.setattr(oidc, "time", later)
    with start_emulator().client() as http:
        claims = id_token_claims(http)
    assert claims["iat"] - claims["auth_time"] >= 99, claims


def test_at_hash_is_the_left_half_of_the_access_tokens_sha256(http) -> None:
    """OIDC Core 3.1.3.6 (RS256): base64url of the left 128 bits of SHA-256 over the access token's ASCII, unpadded;
    computed here, not with the emulator's helper, so a client that checks it (OIDC Core 3.1.3.8: it may) is not failed."""
    code = User(http).login(authorize_params()).code or ""
    answer = redeem(http, code).json()
    claims = jwt.decode(answer["id_token"], KeySet.import_key_set(http.get("/jwks.json").json()), algorithms=["RS256"]).claims
    left = hashlib.sha256(answer["access_token"].encode("ascii")).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(left).decode("ascii").rstrip("=")


def test_claims_stay_out_of_the_id_token_when_the_client_says_so(http) -> None:
    claims = id_token_claims(http, RP_BASIC)
    assert "name" not in claims and "phone_number" not in claims
    assert len(claims["sub"]) == 64


def test_sub_is_pairwise_per_client_and_stable_per_number(http) -> None:
    first = id_token_claims(http, RP_POST)["sub"]
    again = id_token_claims(http, RP_POST)["sub"]
    other_client = id_token_claims(http, RP_BASIC)["sub"]
    other_number = id_token_claims(http, RP_POST, msisdn="+41700092502")["sub"]
    assert first == again
    assert len({first, other_client, other_number}) == 3


def test_sub_survives_a_restart_with_the_same_salt(start_emulator) -> None:
    subs = []
    for _ in range(2):
        with start_emulator(subject_salt="fixed-salt").client() as http:
            subs.append(id_token_claims(http)["sub"])
    assert subs[0] == subs[1]


def test_another_subject_salt_gives_every_user_another_sub(start_emulator) -> None:
    """The salt keys the pairwise hash: a deployment with its own salt shares no sub with the built-in one."""
    subs = []
    for salt in (None, "deployment-salt"):
        with start_emulator(**({"subject_salt": salt} if salt else {})).client() as http:
            subs.append(id_token_claims(http)["sub"])
    assert subs[0] != subs[1]


def test_id_token_lifetime_sets_exp(start_emulator) -> None:
    with start_emulator(id_token_lifetime=600).client() as http:
        claims = id_token_claims(http)
    assert claims["exp"] == claims["iat"] + 600


def test_a_clients_default_acr_is_used_when_no_acr_values_is_sent(start_emulator) -> None:
    client = ClientSettings(client_id=RP_POST, client_secret=SecretStr(SECRETS[RP_POST]), redirect_uris=[REDIRECTS[RP_POST]],
                            default_acr="mid_al2_any")
    with start_emulator(clients=[client]).client() as http:
        assert id_token_claims(http)["acr"] == "mid_al2_any"
        assert id_token_claims(http, acr_values="mid_al3_any")["acr"] == "mid_al3_any"  # asked for: that one


def test_configured_profile_statuses_are_released_as_configured(start_emulator) -> None:
    """A user's sim_status, app_status and recovery_code_status replace what its method would report."""
    user = TestUser(msisdn="+41795550008", sim_status="blocked", app_status="active", recovery_code_status=False)
    with start_emulator(users=[user]).client() as http:
        claims = id_token_claims(http, msisdn=user.msisdn)
    assert claims["amr"] == ["mid_sim"]
    assert (claims["mid_profile_sim_status"], claims["mid_profile_app_status"]) == ("blocked", "active")
    assert claims["mid_profile_recovery_code_status"] is False


def test_configured_app_user_profile_claims(start_emulator) -> None:
    user = TestUser(msisdn="+41795550009", method="app", serial="MIDCHEABCDEFGH12", alias="Anna")
    with start_emulator(users=[user]).client() as http:
        claims = id_token_claims(http, msisdn="+41 79 555 00 09", acr_values="mid_al3_any")
    assert claims["amr"] == ["mid_app"]
    assert (claims["mid_profile_serial"], claims["mid_profile_alias"]) == ("MIDCHEABCDEFGH12", "Anna")
    assert (claims["mid_profile_app_status"], claims["mid_profile_sim_status"]) == ("active", "inactive")
    assert "mid_profile_sim_mcc" not in claims


def test_acr_values_is_reflected(http) -> None:
    assert id_token_claims(http, acr_values="mid_al2_any")["acr"] == "mid_al2_any"


def test_a_swiss_only_acr_adds_mid_geo_to_amr(start_emulator) -> None:
    """The amr table (README, decision 16): the method used, and mid_geo with a _ch ACR, which checks the location."""
    client = ClientSettings(client_id=RP_POST, client_secret=SecretStr(SECRETS[RP_POST]), redirect_uris=[REDIRECTS[RP_POST]],
                            allowed_acrs=["mid_al3_any", "mid_al3_any_ch"])
    with start_emulator(clients=[client]).client() as http:
        assert id_token_claims(http, acr_values="mid_al3_any_ch")["amr"] == ["mid_sim", "mid_geo"]


@pytest.fixture
def al4_http(start_emulator):
    """An emulator whose client may ask for AL4 (the serial check)."""
    client = ClientSettings(client_id=RP_POST, client_secret=SecretStr(SECRETS[RP_POST]), redirect_uris=[REDIRECTS[RP_POST]],
                            allowed_acrs=["mid_al3_any", "mid_al4_any"])
    with start_emulator(clients=[client]).client() as http:
        yield http


def answer_to(http, hint: dict, acr: str, msisdn: str = APPROVE) -> str:
    """Where Mobile ID sends the browser once the phone asked for ``msisdn`` (the hint's only number, or one of its
    numbers, picked on the number page) answered, at ``acr``."""
    user = User(http)
    response = user.authorize(authorize_params(login_hint=json.dumps(hint), acr_values=acr))
    session = user.session_id(response)
    if len(hint["hints"]) > 1:  # the user picks one on the number page
        assert user.enter_number(session, msisdn).status_code == 303
    status = user.wait_status(session)
    return status["post"]["action"] + "?" + urlencode(status["post"]["fields"]) if "post" in status else \
        http.get(status["next"]).headers["location"]


def test_login_hint_serial_mismatch_at_al4_is_mid_auth_3030(al4_http) -> None:
    assert "mid_auth_3030" in answer_to(al4_http, {"sn": "MIDCHE0000000000", "hints": [{"msisdn": APPROVE}]}, "mid_al4_any")
    assert "code=" in answer_to(al4_http, {"hints": [{"msisdn": APPROVE, "sn": default_serial(APPROVE)}]}, "mid_al4_any")


def test_a_hints_serial_matches_whatever_the_case_of_its_letters(al4_http) -> None:
    """The emulator's choice (its README, AL4; Unconfirmed): sn is compared ignoring case, as the reference shows the serial
    upper-case in mid_profile_serial and lower-case in the certificate's subject."""
    assert "code=" in answer_to(al4_http, {"hints": [{"msisdn": APPROVE, "sn": default_serial(APPROVE).lower()}]}, "mid_al4_any")


def test_below_al4_a_hints_serial_is_not_checked(al4_http) -> None:
    """The ACR table: AL4 adds the serial check to AL3's; an AL3 sign-in with a stale serial is not refused."""
    answer = answer_to(al4_http, {"sn": "MIDCHE0000000000", "hints": [{"msisdn": APPROVE}]}, "mid_al3_any")
    assert "code=" in answer and "mid_auth_3030" not in answer


def test_each_hinted_number_is_checked_against_its_own_serial(al4_http) -> None:
    other = "+41700092502"  # approves too (reference mobileid.md section 5)
    hint = {"hints": [{"msisdn": APPROVE, "sn": default_serial(APPROVE)}, {"msisdn": other, "sn": "MIDCHE0000000000"}]}
    assert "code=" in answer_to(al4_http, hint, "mid_al4_any", APPROVE)
    assert "mid_auth_3030" in answer_to(al4_http, hint, "mid_al4_any", other)


def test_signing_key_from_a_pem_file_is_kept_across_restarts(tmp_path: Path, start_emulator) -> None:
    pem = tmp_path / "key.pem"
    result = subprocess.run(["openssl", "genrsa", "-out", str(pem), "2048"], capture_output=True)
    if result.returncode != 0:
        pytest.skip("openssl is not available to make a PEM key")
    moduli = []
    for _ in range(2):
        with start_emulator(shared_key=False, signing_key_pem=pem, signing_key_id="deployed-1").client() as http:
            key = http.get("/jwks.json").json()["keys"][0]
            assert (key["kid"], key["alg"], key["use"]) == ("deployed-1", "RS256", "sig")
            moduli.append(key["n"])
    assert moduli[0] == moduli[1]


def test_sim_pin_and_recovery_code_statuses_default_for_a_sim_user_and_none_for_an_app_user(start_emulator) -> None:
    """README decision 10: mid_profile_sim_pin_status is active for SIM users, mid_profile_recovery_code_status true
    unless configured; an App user reports no SIM card details."""
    sim = TestUser(msisdn="+41795550010")
    app = TestUser(msisdn="+41795550011", method="app")
    with start_emulator(users=[sim, app]).client() as http:
        sim_claims = id_token_claims(http, msisdn=sim.msisdn)
        app_claims = id_token_claims(http, msisdn=app.msisdn)
    assert sim_claims["mid_profile_sim_pin_status"] == "active"
    assert sim_claims["mid_profile_recovery_code_status"] is True
    assert "mid_profile_sim_pin_status" not in app_claims
    assert app_claims["mid_profile_recovery_code_status"] is True


def test_a_parameter_sent_empty_counts_as_not_sent(http) -> None:
    """README decision 12: ui_locales=, acr_values= and login_hint= sent empty are read as absent: the client's default
    ACR, the number page, no error."""
    claims = id_token_claims(http, acr_values="", ui_locales="", login_hint="")
    assert claims["acr"] == "mid_al3_any"
    assert claims["phone_number"] == APPROVE


def test_a_new_key_per_start_has_a_kid_of_its_own_and_a_given_kid_is_kept(start_emulator) -> None:
    """B2C caches Mobile ID's JWKS and fetches it again for a kid it does not know: every start made a new key under one
    kid ("mobileid-emulator-1"), so after a restart of a deployed emulator B2C checked new tokens against the old key."""
    kids = []
    for _ in range(2):
        with start_emulator(shared_key=False).client() as http:
            [key] = http.get("/jwks.json").json()["keys"]
            kids.append(key["kid"])
            assert key["kid"] == KeySet.import_key_set({"keys": [key]}).keys[0].thumbprint()  # RFC 7638
    assert kids[0] != kids[1]
    with start_emulator(shared_key=False, signing_key_id="team-key-2026").client() as http:
        assert http.get("/jwks.json").json()["keys"][0]["kid"] == "team-key-2026"
