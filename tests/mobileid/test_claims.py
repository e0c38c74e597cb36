"""ID token and claims: pairwise subjects, RS256 with kid, the B2C mapping claims, PEM keys."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from mocks.mobileid import TestUser

from .support import APPROVE, RP_BASIC, RP_POST, User, authorize_params, redeem


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


def test_login_hint_serial_mismatch_is_mid_auth_3030(http) -> None:
    hint = '{"sn": "MIDCHE0000000000", "hints": [{"msisdn": "+41700092501"}]}'
    response = http.get("/oidc/authorize", params=authorize_params(login_hint=hint))
    session = User(http).session_id(response)
    status = User(http).wait_status(session)
    answer = http.get(status["next"]).headers["location"]
    assert "mid_auth_3030" in answer


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
