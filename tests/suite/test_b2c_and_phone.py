"""The authorize URL from discovery, and fresh phone numbers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from fixtures import mobile_id
from fixtures.b2c import B2CTenant
from fixtures.causes import INFRASTRUCTURE, TOKEN_CONTRACT, Cause, JourneyFailure
from fixtures.settings import build_settings
from tests.id_tokens import ISSUER, jwks, token
from tests.local_stack import LOCAL_STACK

DISCOVERY = {
    "issuer": ISSUER,  # the test tokens' (tests/suite/test_tokens.py)
    # The query form some tenants publish: the policy travels as ?p=.
    "authorization_endpoint": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=b2c_1a_signup_signin",
    "end_session_endpoint": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/logout?p=b2c_1a_signup_signin",
    "jwks_uri": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/discovery/v2.0/keys?p=b2c_1a_signup_signin",
}


def tenant(status: int = 200, env: dict[str, str] | None = None) -> tuple[B2CTenant, list[str]]:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(status, text=json.dumps(jwks() if str(request.url).startswith(DISCOVERY["jwks_uri"]) else DISCOVERY))

    return B2CTenant(build_settings(env or {}, LOCAL_STACK), httpx.Client(transport=httpx.MockTransport(answer))), seen


def test_authorize_url_keeps_the_discovery_query_and_adds_the_request() -> None:
    b2c, seen = tenant()
    request = b2c.authorize("B2C_1A_signup_signin", ui_locales="de", domain_hint="mobileid.ch")
    url = urlsplit(request.url)
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/contoso.onmicrosoft.com/oauth2/v2.0/authorize" and params["p"] == "b2c_1a_signup_signin"
    assert params["client_id"] == LOCAL_STACK.client_id and params["redirect_uri"] == "https://jwt.ms"
    assert (params["nonce"], params["state"]) == (request.nonce, request.state)
    assert (params["response_type"], params["response_mode"], params["scope"]) == ("id_token", "fragment", "openid")
    assert (params["ui_locales"], params["domain_hint"]) == ("de", "mobileid.ch")
    assert "prompt" not in params and "login_hint" not in params
    assert seen == ["https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/v2.0/.well-known/openid-configuration"]


def test_every_request_gets_its_own_nonce_and_state_and_discovery_is_fetched_once() -> None:
    b2c, seen = tenant()
    first, second = b2c.authorize("B2C_1_signupsignin"), b2c.authorize("B2C_1_signupsignin", prompt="login")
    assert first.nonce != second.nonce and first.state != second.state
    assert "prompt=login" in second.url and len(seen) == 1


def test_logout_url_returns_to_the_app() -> None:
    b2c, _ = tenant()
    params = parse_qs(urlsplit(b2c.logout_url("B2C_1_signupsignin")).query)
    assert params["post_logout_redirect_uri"] == ["https://jwt.ms"] and params["p"] == ["b2c_1a_signup_signin"]


def test_a_missing_policy_is_reported_with_its_discovery_url() -> None:
    b2c, _ = tenant(status=404)
    with pytest.raises(AssertionError, match=r"discovery document of B2C_1_nope at https://contoso.b2clogin.com/.*answered HTTP 404"):
        b2c.authorize("B2C_1_nope")


def test_a_token_is_checked_against_the_client_id_of_the_request_it_answers() -> None:
    """A journey may ask as another app (client_id=...): B2C's token must name that app, not the settings' one."""
    b2c, _ = tenant()
    request = b2c.authorize("B2C_1_signupsignin", client_id="another-app-0000")
    assert b2c.validate(token(aud="another-app-0000", nonce=request.nonce), request)["aud"] == "another-app-0000"
    with pytest.raises(JourneyFailure) as failure:
        b2c.validate(token(aud=LOCAL_STACK.client_id, nonce=request.nonce), request)  # the settings' app: not the one that asked
    assert failure.value.cause == Cause(TOKEN_CONTRACT, f"aud: expected 'another-app-0000', got {LOCAL_STACK.client_id!r}")


def test_the_request_asks_for_what_the_journey_says_and_the_runs_language_else() -> None:
    b2c, _ = tenant(env={"E2E_UI_LOCALES": "fr"})
    params = parse_qs(urlsplit(b2c.authorize("B2C_1_signupsignin", response_mode="form_post").url).query)
    assert params["response_mode"] == ["form_post"] and params["ui_locales"] == ["fr"]
    assert parse_qs(urlsplit(b2c.authorize("B2C_1_signupsignin", ui_locales="it").url).query)["ui_locales"] == ["it"]
    logout = parse_qs(urlsplit(b2c.logout_url("B2C_1_signupsignin", "https://app.example/bye")).query)
    assert logout["post_logout_redirect_uri"] == ["https://app.example/bye"]


@pytest.mark.parametrize("status", [301, 204])
def test_a_discovery_answer_other_than_200_is_no_discovery(status: int) -> None:
    b2c, _ = tenant(status=status)
    with pytest.raises(AssertionError, match=f"answered HTTP {status}"):
        b2c.authorize("B2C_1_signupsignin")


def test_each_policys_keys_come_from_its_own_discovery() -> None:
    b2c, seen = tenant()
    b2c.jwks("B2C_1_other")
    assert seen[0].endswith("/B2C_1_other/v2.0/.well-known/openid-configuration") and seen[1] == DISCOVERY["jwks_uri"], seen


@pytest.mark.parametrize(("claims", "claim"), [({"iss": "https://evil.example/v2.0/"}, "iss"), ({"nonce": "another-sign-ins"}, "nonce")])
def test_a_token_of_another_issuer_or_sign_in_is_refused(claims: dict[str, Any], claim: str) -> None:
    """The issuer is the discovery's and the nonce the request's, never what the token says of itself."""
    b2c, _ = tenant()
    request = b2c.authorize("B2C_1_signupsignin")
    with pytest.raises(JourneyFailure) as failure:
        b2c.validate(token(**{"nonce": request.nonce, **claims}), request)
    assert failure.value.cause.name == TOKEN_CONTRACT and failure.value.cause.detail.startswith(f"{claim}:"), failure.value.cause


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ReadTimeout("timed out")], ids=["refused", "timed out"])
def test_no_answer_from_b2c_is_the_way_there_failing(error: httpx.HTTPError) -> None:
    """Refused or timed out alike: the way to B2C, worth another attempt (--infra-reruns), not the tenant."""
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    b2c = B2CTenant(build_settings({}, LOCAL_STACK), httpx.Client(transport=httpx.MockTransport(fail)))
    with pytest.raises(JourneyFailure) as failure:
        b2c.authorize("B2C_1_signupsignin")
    assert failure.value.cause.name == INFRASTRUCTURE and "cannot fetch the discovery document" in str(failure.value), failure.value.cause


def test_fresh_numbers_are_swiss_mobile_numbers_unique_and_tagged_by_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    numbers = [mobile_id.fresh_number() for _ in range(500)]
    assert len(set(numbers)) == 500
    assert all(len(n) == 12 and n.startswith("+417") and n[5] == "1" and n[1:].isdigit() for n in numbers)
