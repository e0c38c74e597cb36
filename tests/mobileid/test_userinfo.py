"""/userinfo: Bearer tokens in the Authorization header (alive access_token_lifetime), scopes decide the claims, faults."""

from __future__ import annotations

import time

import pytest

from mocks.faults import Fault

from .support import APPROVE, User, authorize_params, redeem


def access_token(http, scope: str = "openid profile phone mid_profile", msisdn: str = APPROVE) -> str:
    code = User(http).login(authorize_params(scope=scope), msisdn).code or ""
    return redeem(http, code).json()["access_token"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_userinfo_returns_the_granted_claims(http, method: str) -> None:
    token = access_token(http)
    response = http.request(method, "/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    claims = response.json()
    assert claims["name"] == claims["phone_number"] == APPROVE
    assert claims["phone_number_verified"] is True
    assert len(claims["sub"]) == 64 and int(claims["sub"], 16) >= 0
    assert claims["mid_profile_serial"].startswith("MIDCHE") and len(claims["mid_profile_serial"]) == 16
    assert (claims["mid_profile_sim_status"], claims["mid_profile_app_status"]) == ("active", "inactive")  # a SIM user's
    # A SIM user's card details (README, Claims and decision 10): Swisscom's network in Switzerland, as strings.
    assert (claims["mid_profile_sim_mcc"], claims["mid_profile_sim_mnc"], claims["mid_profile_sim_network"]) == ("228", "01", "Swisscom")
    assert "mid_profile_alias" not in claims  # absent values are omitted, not null


def test_openid_alone_discloses_no_phone_number(http) -> None:
    token = access_token(http, scope="openid")
    claims = http.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).json()
    assert list(claims) == ["sub"]


def test_profile_scope_without_phone_releases_the_name_only(http) -> None:
    """Reference, scopes: profile gives name (the number), phone gives phone_number; profile alone is not phone."""
    token = access_token(http, scope="openid profile")
    claims = http.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).json()
    assert claims.keys() == {"sub", "name"} and claims["name"] == APPROVE


def test_phone_scope_without_profile(http) -> None:
    token = access_token(http, scope="openid phone")
    claims = http.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).json()
    assert set(claims) == {"sub", "phone_number", "phone_number_verified"}


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, None),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, None),
        ({"Authorization": "Bearer"}, None),
        ({"Authorization": "Bearer not-a-token"}, "invalid_token"),
    ],
)
def test_missing_or_invalid_token_is_401(http, headers: dict, error: str | None) -> None:
    response = http.get("/userinfo", headers=headers)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer")
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)


def test_token_in_the_query_or_the_form_body_is_not_accepted(http) -> None:
    """README, Endpoints: userinfo takes ``Authorization: Bearer <token>`` only (RFC 6750's other two ways are refused)."""
    token = access_token(http)
    assert http.get("/userinfo", params={"access_token": token}).status_code == 401
    assert http.post("/userinfo", data={"access_token": token}).status_code == 401
    assert http.post("/userinfo", headers={"Authorization": f"Bearer {token}"}).status_code == 200  # the same token, as a header


def test_an_access_token_lives_access_token_lifetime_seconds(start_emulator) -> None:
    """access_token_lifetime = 600: expires_in says so, and userinfo takes the token 599 s on (the store's clock moved
    on instead of the test waiting) but not 601 s on."""
    emulator = start_emulator(access_token_lifetime=600)
    later, now = {"by": 0.0}, time.time()  # the store's clock stands still but for the test's moves
    emulator.app.state.mobileid.memory.access_tokens.clock = lambda: now + later["by"]
    with emulator.client() as http:
        code = User(http).login(authorize_params()).code or ""
        answer = redeem(http, code).json()
        assert answer["expires_in"] == 600
        bearer = {"Authorization": f"Bearer {answer['access_token']}"}
        later["by"] = 599
        assert http.get("/userinfo", headers=bearer).status_code == 200
        later["by"] = 601
        expired = http.get("/userinfo", headers=bearer)
        assert expired.status_code == 401 and 'error="invalid_token"' in expired.headers["www-authenticate"]


def test_userinfo_failing_fault_answers_500_server_error(start_emulator) -> None:
    emulator = start_emulator(faults=frozenset({Fault.USERINFO_FAILING}))
    with emulator.client() as http:
        token = access_token(http)
        response = http.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 500
        assert response.json()["error"] == "server_error"
        assert response.json()["error_description"].startswith("mid_sys_9900_")


def test_slow_idp_fault_delays_userinfo(start_emulator) -> None:
    emulator = start_emulator(faults=frozenset({Fault.SLOW_IDP}), slow_idp_delay=0.3)
    with emulator.client() as http:
        token = access_token(http)
        started = time.monotonic()
        assert http.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert time.monotonic() - started >= 0.3


def test_put_is_405(http) -> None:
    assert http.put("/userinfo").status_code == 405
