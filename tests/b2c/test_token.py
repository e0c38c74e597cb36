"""The token endpoint: code redemption with PKCE, client authentication, refresh, and every refusal."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

import pytest

from .support import B2C, CUSTOM, DOMAIN, RP_CLAIMS, SPA, USER_FLOW, WEB, WEB_REDIRECT, WEB_SECRET, Harness, authorize_url, jwt_segment

TOKEN = f"{B2C}/{DOMAIN}/{USER_FLOW}/oauth2/v2.0/token"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def get_code(h: Harness, *, client_id: str = WEB, redirect_uri: str = WEB_REDIRECT, scope: str = "openid offline_access", **extra: str) -> str:
    landing = h.sign_up(h.browser(), authorize_url(client_id=client_id, redirect_uri=redirect_uri, response_type="code", scope=scope, more=extra))
    return landing.params["code"]


def redeem(h: Harness, url: str = TOKEN, **form: str):
    return h.browser().request("POST", url, data=form)


def assert_error(response, status: int, error: str, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_description"].startswith(f"{code}: "), body
    assert "\r\nCorrelation ID: " in body["error_description"] and body["error_description"].endswith("Z\r\n")


def test_confidential_app_redeems_a_code_with_pkce_and_refreshes(shared: Harness) -> None:
    verifier, challenge = pkce()
    code = get_code(shared, code_challenge=challenge, code_challenge_method="S256", nonce="n-1")
    response = redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code,
                      redirect_uri=WEB_REDIRECT, code_verifier=verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["id_token_expires_in"] == 3600 and isinstance(body["not_before"], int)
    assert body["scope"] == "openid offline_access" and body["refresh_token"] and body["refresh_token_expires_in"] > 0
    assert response.headers["cache-control"] == "no-store"
    refreshed = redeem(shared, grant_type="refresh_token", client_id=WEB, client_secret=WEB_SECRET, refresh_token=body["refresh_token"])
    assert refreshed.status_code == 200 and refreshed.json()["id_token"]
    # A code is good once.
    again = redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code,
                   redirect_uri=WEB_REDIRECT, code_verifier=verifier)
    assert_error(again, 400, "invalid_grant", "AADB2C90129")


def test_client_secret_basic_and_access_token_for_the_app_itself(shared: Harness) -> None:
    code = get_code(shared, scope=f"openid {WEB}")
    basic = base64.b64encode(f"{WEB}:{WEB_SECRET}".encode()).decode()
    response = shared.browser().request("POST", TOKEN, data={"grant_type": "authorization_code", "code": code, "redirect_uri": WEB_REDIRECT},
                                        headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["access_token"] and body["resource"] == WEB and body["expires_in"] == 3600 and body["id_token"]


def test_public_client_redeems_with_pkce_only(shared: Harness) -> None:
    verifier, challenge = pkce()
    code = get_code(shared, client_id=SPA, redirect_uri="https://jwt.ms", scope="openid", code_challenge=challenge, code_challenge_method="S256")
    response = redeem(shared, grant_type="authorization_code", client_id=SPA, code=code, code_verifier=verifier)
    assert response.status_code == 200 and "refresh_token" not in response.json()


@pytest.mark.parametrize(("form", "status", "error", "code"), [
    ({"client_secret": None}, 400, "invalid_request", "AADB2C90079"),
    ({"client_secret": "wrong"}, 401, "invalid_client", "AADB2C90081"),
    ({"client_id": None}, 400, "invalid_request", "AADB2C90008"),
    ({"client_id": "unknown-app"}, 401, "invalid_client", "AADB2C90018"),
    ({"grant_type": "password"}, 400, "unsupported_grant_type", "AADB2C90086"),
    ({"grant_type": None}, 400, "invalid_request", "AADB2C90083"),
    ({"code": None}, 400, "invalid_request", "AADB2C90083"),
    ({"code": "x" * 9000}, 400, "invalid_request", "AADB2C90122"),  # there but oversized: not "missing"
    ({"code": "x" * 20000}, 400, "invalid_request", "AADB2C90122"),  # over the form reader's part size too
    ({"code": "not-a-jwe"}, 400, "invalid_grant", "AADB2C90090"),
    ({"code": "a.b.c.d.e"}, 400, "invalid_grant", "AADB2C90129"),
    ({"redirect_uri": "https://elsewhere.example/cb"}, 400, "invalid_grant", "AADB2C90006"),
    ({"code_verifier": None}, 400, "invalid_request", "AADB2C90083"),
    ({"code_verifier": "short"}, 400, "invalid_grant", "AADB2C90183"),
    ({"code_verifier": "x" * 64 + "\n"}, 400, "invalid_grant", "AADB2C90183"),  # the whole value is checked, trailing newline included
    ({"code_verifier": "x" * 64}, 400, "invalid_grant", "AADB2C90182"),
])
def test_refusals(shared: Harness, form: dict, status: int, error: str, code: str) -> None:
    verifier, challenge = pkce()
    values = {"grant_type": "authorization_code", "client_id": WEB, "client_secret": WEB_SECRET, "redirect_uri": WEB_REDIRECT,
              "code": get_code(shared, code_challenge=challenge, code_challenge_method="S256"), "code_verifier": verifier}
    values.update(form)
    assert_error(redeem(shared, **{k: v for k, v in values.items() if v is not None}), status, error, code)


def test_a_repeated_grant_type_fails_request_validation(shared: Harness) -> None:
    response = shared.browser().request("POST", TOKEN,
                                         content=b"grant_type=authorization_code&grant_type=authorization_code&code=x",
                                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert_error(response, 400, "invalid_request", "AADB2C90122")


@pytest.mark.parametrize("method", ["S256", "plain"])
def test_a_challenge_outside_ascii_is_a_mismatch_not_a_crash(shared: Harness, method: str) -> None:
    code = get_code(shared, code_challenge="é" * 43, code_challenge_method=method)
    response = redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code, code_verifier="x" * 43)
    assert_error(response, 400, "invalid_grant", "AADB2C90182")


@pytest.mark.parametrize("method", ["plain", None])  # no code_challenge_method: plain, as OAuth (RFC 7636 4.3) says
def test_plain_pkce_compares_the_verifier_with_the_challenge_as_is(shared: Harness, method: str | None) -> None:
    verifier, s256_challenge = pkce()
    extra = {"code_challenge_method": method} if method else {}
    # The verifier itself as the challenge: accepted.
    code = get_code(shared, code_challenge=verifier, **extra)
    response = redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code,
                      redirect_uri=WEB_REDIRECT, code_verifier=verifier)
    assert response.status_code == 200 and response.json()["id_token"], response.text
    # Another well-formed verifier: refused.
    code = get_code(shared, code_challenge=verifier, **extra)
    response = redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code,
                      redirect_uri=WEB_REDIRECT, code_verifier=pkce()[0])
    assert_error(response, 400, "invalid_grant", "AADB2C90182")
    # An S256 challenge is not hashed when the method is plain: its own verifier does not match it.
    code = get_code(shared, code_challenge=s256_challenge, **extra)
    response = redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code,
                      redirect_uri=WEB_REDIRECT, code_verifier=verifier)
    assert_error(response, 400, "invalid_grant", "AADB2C90182")


def test_public_client_must_not_send_a_secret(shared: Harness) -> None:
    code = get_code(shared, client_id=SPA, redirect_uri="https://jwt.ms", scope="openid")
    assert_error(redeem(shared, grant_type="authorization_code", client_id=SPA, client_secret="x", code=code), 400, "invalid_request", "AADB2C90084")


def test_code_of_another_client_or_policy_is_refused(shared: Harness) -> None:
    code = get_code(shared, client_id=SPA, redirect_uri="https://jwt.ms", scope="openid")
    assert_error(redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code), 400, "invalid_grant", "AADB2C90279")
    # Another policy's grant: AADB2C90088, the endpoint's policy as "Actual Value", the grant's as "Expected Value" (a
    # tenant's words in MSAL traces: a profile edit's refresh token redeemed at the sign-in policy's endpoint).
    other_policy = f"{B2C}/{DOMAIN}/{CUSTOM}/oauth2/v2.0/token"
    says = f"AADB2C90088: The provided grant has not been issued for this endpoint. Actual Value : {CUSTOM} and Expected Value : {USER_FLOW}\r\n"
    code = get_code(shared)
    refused = redeem(shared, other_policy, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code)
    assert_error(refused, 400, "invalid_grant", "AADB2C90088")
    assert refused.json()["error_description"].startswith(says), refused.json()
    refresh = redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=get_code(shared)).json()["refresh_token"]
    refused = redeem(shared, other_policy, grant_type="refresh_token", client_id=WEB, client_secret=WEB_SECRET, refresh_token=refresh)
    assert_error(refused, 400, "invalid_grant", "AADB2C90088")
    assert refused.json()["error_description"].startswith(says), refused.json()


def test_expired_code(shared: Harness) -> None:
    code = get_code(shared)
    shared.tenant.tokens._grants[code].expires_at = time.time() - 1  # no sleeping: age the grant
    assert_error(redeem(shared, grant_type="authorization_code", client_id=WEB, client_secret=WEB_SECRET, code=code), 400, "invalid_grant", "AADB2C90080")


@pytest.mark.parametrize("header", ["Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode()])
def test_malformed_basic_credentials(shared: Harness, header: str) -> None:
    response = shared.browser().request("POST", TOKEN, data={"grant_type": "authorization_code", "code": "x"}, headers={"Authorization": header})
    assert_error(response, 401, "invalid_client", "AADB2C90081")


def test_token_endpoint_needs_post_and_a_known_policy(shared: Harness) -> None:
    browser = shared.browser()
    assert browser.request("GET", TOKEN).status_code == 405
    response = browser.request("POST", f"{B2C}/{DOMAIN}/oauth2/v2.0/token?p=B2C_1_nope", data={"grant_type": "authorization_code"})
    assert_error(response, 400, "invalid_request", "AADB2C90022")
    preflight = browser.request("OPTIONS", TOKEN)
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"


TOKEN_CLAIMS_FIRST = ["exp", "nbf", "ver", "iss", "sub", "aud", "nonce", "iat", "auth_time"]


def test_the_id_tokens_header_and_claims_come_in_the_documented_order(shared: Harness) -> None:
    """README "How it maps to the real service": header {"typ":"JWT","alg":"RS256","kid":...}; claims
    exp nbf ver iss sub aud nonce iat auth_time, (c_hash/at_hash), the relying party's claims, then tfp or acr."""
    landing = shared.sign_up(shared.browser(), authorize_url(nonce="n-order"))
    token = landing.params["id_token"]
    header = jwt_segment(token, 0)
    assert list(header) == ["typ", "alg", "kid"] and (header["typ"], header["alg"]) == ("JWT", "RS256")
    keys = list(jwt_segment(token, 1))
    assert keys[:9] == TOKEN_CLAIMS_FIRST and keys[-1] == "tfp", keys
    assert set(keys[9:-1]) <= {claim.token_claim for claim in RP_CLAIMS}, keys
    # With a code, c_hash comes right after auth_time; a custom policy ends with acr.
    hybrid = shared.sign_up(shared.browser(), authorize_url(CUSTOM, response_type="code id_token"))
    keys = list(jwt_segment(hybrid.params["id_token"], 1))
    assert keys[:10] == [*TOKEN_CLAIMS_FIRST, "c_hash"] and keys[-1] == "acr", keys
