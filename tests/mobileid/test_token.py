"""/token: client authentication, code binding, PKCE, replays and malformed requests."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from .support import APPROVE, REDIRECTS, RP_BASIC, RP_CONSENT, RP_POST, SECRETS, User, authorize_params, pkce_pair, redeem


@pytest.fixture
def code(user: User) -> str:
    answer = user.login(authorize_params())
    assert answer.code
    return answer.code


def assert_oauth_error(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert response.headers["cache-control"] == "no-store"
    return body


def test_client_secret_post_redeems_a_code(http, code: str) -> None:
    response = redeem(http, code)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "openid profile phone mid_profile"
    assert body["id_token"].count(".") == 2 and body["access_token"]
    assert response.headers["cache-control"] == "no-store"


def test_client_secret_basic_redeems_a_code(http, user: User) -> None:
    answer = user.login(authorize_params(RP_BASIC))
    response = redeem(http, answer.code or "", RP_BASIC)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "auth",
    [
        {"data": {"client_id": RP_POST, "client_secret": "wrong"}},
        {"data": {"client_id": "nobody", "client_secret": "x"}},
        {"data": {"client_id": RP_POST}},
        {"data": {}},
        {"auth": (RP_POST, SECRETS[RP_POST])},  # registered for client_secret_post, not basic
        {"headers": {"Authorization": "Basic !!!notbase64"}},
        {"headers": {"Authorization": "Basic Zm9v"}},  # "foo": no colon
        {"headers": {"Authorization": b"Basic \xe9\xe9"}},  # not ASCII: not base64 either
    ],
)
def test_bad_client_authentication_is_401_invalid_client(http, code: str, auth: dict) -> None:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECTS[RP_POST], **auth.get("data", {})}
    response = http.post("/token", data=data, auth=auth.get("auth"), headers=auth.get("headers"))
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


def test_basic_client_may_not_send_its_secret_in_the_body(http, user: User) -> None:
    answer = user.login(authorize_params(RP_BASIC))
    data = {"grant_type": "authorization_code", "code": answer.code, "redirect_uri": REDIRECTS[RP_BASIC], "client_id": RP_BASIC, "client_secret": SECRETS[RP_BASIC]}
    assert_oauth_error(http.post("/token", data=data), 401, "invalid_client")


def test_two_authentication_methods_at_once_are_invalid_request(http, code: str) -> None:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECTS[RP_POST], "client_secret": "x"}
    assert_oauth_error(http.post("/token", data=data, auth=(RP_POST, SECRETS[RP_POST])), 400, "invalid_request")


def test_replayed_code_is_refused_and_revokes_the_first_token(http, code: str) -> None:
    first = redeem(http, code).json()
    assert http.get("/userinfo", headers={"Authorization": f"Bearer {first['access_token']}"}).status_code == 200
    body = assert_oauth_error(redeem(http, code), 400, "invalid_grant")
    assert "already been used" in body["error_description"]
    revoked = http.get("/userinfo", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert revoked.status_code == 401 and 'error="invalid_token"' in revoked.headers["www-authenticate"]


def test_a_replay_after_the_code_expired_is_still_recognised_and_revokes_the_token(start_emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """README, bounded memory: a used code is remembered code_lifetime + 1 hour, so a replay 10 minutes on (the code long
    expired, its access token not yet) still revokes."""
    from mocks.mobileid import oidc

    emulator = start_emulator()
    with emulator.client() as http:
        code = User(http).login(authorize_params()).code or ""
        first = redeem(http, code).json()
        later = time.time() + 600  # the store's and the token endpoint's clocks move on instead of the test waiting
        emulator.app.state.mobileid.memory.codes.clock = lambda: later
        monkeypatch.setattr(oidc, "time", SimpleNamespace(time=lambda: later))
        assert "already been used" in assert_oauth_error(redeem(http, code), 400, "invalid_grant")["error_description"]
        assert http.get("/userinfo", headers={"Authorization": f"Bearer {first['access_token']}"}).status_code == 401


def test_code_is_bound_to_the_client(http, code: str) -> None:
    assert_oauth_error(redeem(http, code, RP_CONSENT, redirect_uri=REDIRECTS[RP_POST]), 400, "invalid_grant")
    assert redeem(http, code).status_code == 200  # the foreign attempt did not use it up


@pytest.mark.parametrize("redirect_uri", ["https://rp.example/other", "https://rp.example/basic-cb", "https://rp.example/basic-cb?tenant=b"],
                         ids=["another path", "without its query", "another query"])
def test_code_is_bound_to_the_whole_redirect_uri_query_included(http, user: User, redirect_uri: str) -> None:
    """README: redirect URIs are matched exactly (no trailing-slash or query leniency), at the token endpoint too."""
    code = user.login(authorize_params(RP_BASIC)).code or ""
    assert_oauth_error(redeem(http, code, RP_BASIC, redirect_uri=redirect_uri), 400, "invalid_grant")


def test_a_body_client_id_other_than_the_basic_headers_is_invalid_request(http, user: User) -> None:
    code = user.login(authorize_params(RP_BASIC)).code or ""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECTS[RP_BASIC], "client_id": RP_POST}
    assert_oauth_error(http.post("/token", data=data, auth=(RP_BASIC, SECRETS[RP_BASIC])), 400, "invalid_request")
    assert redeem(http, code, RP_BASIC).status_code == 200  # the refused attempt did not use the code up


def test_unknown_code_is_invalid_grant(http) -> None:
    assert_oauth_error(redeem(http, "not-a-code"), 400, "invalid_grant")


def test_expired_code_is_invalid_grant(start_emulator) -> None:
    emulator = start_emulator()
    with emulator.client() as http:
        code = User(http).login(authorize_params()).code or ""
        # Age the code instead of waiting out its lifetime.
        emulator.app.state.mobileid.memory.codes.get(code).expires_at = time.time() - 1
        body = assert_oauth_error(redeem(http, code), 400, "invalid_grant")
        assert "expired" in body["error_description"]


def test_a_code_lives_code_lifetime_seconds(start_emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """code_lifetime = 300: redeemed 200 s on (past the default 120) a code is good, 301 s on it has expired."""
    from mocks.mobileid import oidc

    later = {"by": 0.0}
    # The token endpoint's clock moves on instead of the test waiting.
    monkeypatch.setattr(oidc, "time", SimpleNamespace(time=lambda: time.time() + later["by"]))
    with start_emulator(code_lifetime=300).client() as http:
        fresh, stale = [User(http).login(authorize_params()).code or "" for _ in range(2)]
        later["by"] = 200
        assert redeem(http, fresh).status_code == 200
        later["by"] = 301
        assert "expired" in assert_oauth_error(redeem(http, stale), 400, "invalid_grant")["error_description"]


def test_pkce_s256_is_honoured(http, user: User) -> None:
    verifier, challenge = pkce_pair()
    code = user.login(authorize_params(code_challenge=challenge, code_challenge_method="S256")).code or ""
    assert redeem(http, code, code_verifier=verifier).status_code == 200


@pytest.mark.parametrize("verifier", [None, "x" * 43, "é" * 50, "short"])
def test_pkce_mismatch_is_invalid_grant(http, user: User, verifier: str | None) -> None:
    _, challenge = pkce_pair()
    code = user.login(authorize_params(code_challenge=challenge, code_challenge_method="S256")).code or ""
    extra = {"code_verifier": verifier} if verifier is not None else {}
    assert_oauth_error(redeem(http, code, **extra), 400, "invalid_grant")


def test_verifier_without_a_challenge_is_invalid_grant(http, code: str) -> None:
    assert_oauth_error(redeem(http, code, code_verifier=pkce_pair()[0]), 400, "invalid_grant")


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        ({"grant_type": "refresh_token", "refresh_token": "x"}, 400, "unsupported_grant_type"),
        ({"grant_type": None}, 400, "invalid_request"),
        ({"code": None}, 400, "invalid_request"),
        ({"redirect_uri": None}, 400, "invalid_request"),
        ({"code": "x" * 5000}, 400, "invalid_request"),
        ({"code_verifier": "v" * 201}, 400, "invalid_request"),  # the parameters' own limits (README)
        ({"redirect_uri": REDIRECTS[RP_POST] + "r" * 2000}, 400, "invalid_request"),
        ({"client_id": "c" * 201}, 400, "invalid_request"),
        ({"client_secret": "s" * 1001}, 400, "invalid_request"),
    ],
)
def test_malformed_token_requests(http, code: str, data: dict, status: int, error: str) -> None:
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECTS[RP_POST], "client_id": RP_POST, "client_secret": SECRETS[RP_POST]}
    body.update(data)
    assert_oauth_error(http.post("/token", data={k: v for k, v in body.items() if v is not None}), status, error)


def test_repeated_parameter_is_invalid_request(http, code: str) -> None:
    content = f"grant_type=authorization_code&code={code}&code={code}&redirect_uri={REDIRECTS[RP_POST]}&client_id={RP_POST}&client_secret={SECRETS[RP_POST]}"
    response = http.post("/token", content=content, headers={"content-type": "application/x-www-form-urlencoded"})
    assert "repeated" in assert_oauth_error(response, 400, "invalid_request")["error_description"]


def test_json_body_is_invalid_request(http, code: str) -> None:
    assert_oauth_error(http.post("/token", json={"grant_type": "authorization_code", "code": code}), 400, "invalid_request")


def test_oversized_body_is_413(http) -> None:
    response = http.post("/token", content=b"code=" + b"x" * 100_000, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and response.json()["error"] == "invalid_request"


def test_get_on_token_is_405(http) -> None:
    response = http.get("/token")
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_slow_idp_delays_the_token_answer(start_emulator) -> None:
    """By slow_idp_delay: at least that long, and well short of the default 5 s."""
    from mocks.faults import Fault

    emulator = start_emulator(faults=frozenset({Fault.SLOW_IDP}), slow_idp_delay=0.4)
    with emulator.client() as http:
        code = User(http).login(authorize_params(), APPROVE).code or ""
        started = time.monotonic()
        assert redeem(http, code).status_code == 200
        assert 0.4 <= time.monotonic() - started < 4


def test_token_failing_fault_answers_500_server_error(start_emulator) -> None:
    """B2C's back channel then has no tokens: every policy's sign-in fails (AADB2C90075 at the app)."""
    from mocks.faults import Fault

    emulator = start_emulator(faults=frozenset({Fault.TOKEN_FAILING}))
    with emulator.client() as http:
        code = User(http).login(authorize_params(), APPROVE).code or ""
        response = redeem(http, code)
        assert response.status_code == 500 and response.json()["error"] == "server_error", response.text
        assert response.json()["error_description"].startswith("mid_sys_9900_"), response.text
