"""Each B2C fault changes what it should, and only that."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from mocks.faults import OTHER_ISSUER, Fault, Side, acting_on

from .support import B2C, CUSTOM, DOMAIN, SPA, TENANT_ID, USER_FLOW, Harness, Landing, Page, authorize_url, jwt_segment, pack


def sign_up_claims(h: Harness, *, verify: bool = True) -> tuple[dict, dict, str]:
    landing = h.sign_up(h.browser(), authorize_url(nonce="fault-nonce"))
    token = landing.params["id_token"]
    jwks = h.browser().request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/discovery/v2.0/keys").json()
    header = jwt_segment(token, 0)
    claims = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims if verify else jwt_segment(token, 1)
    return header, claims, token


def test_no_fault_baseline(shared: Harness) -> None:
    _, claims, _ = sign_up_claims(shared)
    assert claims["aud"] == SPA and claims["nonce"] == "fault-nonce" and claims["idp"] == "idp.example" and claims["name"]
    assert claims["exp"] > time.time()


def test_foreign_signing_key(start) -> None:
    h = start(faults=frozenset({Fault.FOREIGN_SIGNING_KEY}))
    jwks = h.browser().request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/discovery/v2.0/keys").json()
    with pytest.raises(BadSignatureError):
        sign_up_claims(h)
    _, claims, token = sign_up_claims(h, verify=False)
    kid = jwt_segment(token, 0)["kid"]
    assert kid == jwks["keys"][0]["kid"], "the kid still names the published key"


@pytest.mark.parametrize(("fault", "check"), [
    (Fault.WRONG_AUDIENCE, lambda c: c["aud"] != SPA),
    (Fault.EXPIRED_TOKEN, lambda c: c["exp"] < time.time() and c["nbf"] < c["exp"]),
    (Fault.NONCE_NOT_ECHOED, lambda c: "nonce" not in c),
    (Fault.NAME_CLAIM_MISSING, lambda c: "name" not in c and c["given_name"] == "Hans"),
    (Fault.WRONG_ISSUER, lambda c: c["iss"] == OTHER_ISSUER and c["aud"] == SPA),
    (Fault.WRONG_IDP, lambda c: c["idp"] not in ("idp.example", "mobileid.ch")),
    (Fault.MISSING_AUTH_TIME, lambda c: "auth_time" not in c and c["iat"] and c["nonce"] == "fault-nonce"),
    (Fault.SUB_MISSING, lambda c: "sub" not in c and c["iat"] and c["nonce"] == "fault-nonce"),
])
def test_token_faults(start, fault: Fault, check) -> None:
    h = start(faults=frozenset({fault}))
    _, claims, _ = sign_up_claims(h)
    assert check(claims), claims


def test_answer_in_query_ignores_the_fragment_the_app_asked_for(start, shared: Harness) -> None:
    h = start(faults=frozenset({Fault.ANSWER_IN_QUERY}))
    landing = h.sign_up(h.browser(), authorize_url(response_mode="fragment"))
    assert landing.mode == "query" and "id_token" in landing.params, landing
    assert shared.sign_up(shared.browser(), authorize_url(response_mode="fragment")).mode == "fragment"  # without it: the fragment


def test_answer_also_in_query_puts_it_in_the_query_besides_the_fragment(start) -> None:
    from urllib.parse import parse_qs, urlsplit

    h = start(faults=frozenset({Fault.ANSWER_ALSO_IN_QUERY}))
    landing = h.sign_up(h.browser(), authorize_url(response_mode="fragment"))
    assert landing.mode == "fragment" and "id_token" in landing.params, landing
    assert "id_token" in parse_qs(urlsplit(landing.url).query), landing.url


def test_lax_session_cookie(start) -> None:
    h = start(faults=frozenset({Fault.LAX_SESSION_COOKIE}))
    response = h.browser().request("GET", authorize_url())
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith("x-ms-cpim-")]
    assert cookies, "B2C set no x-ms-cpim-* cookie on the sign-in page"
    for cookie in cookies:
        assert "samesite=lax" in cookie.lower() and "samesite=none" not in cookie.lower()


def test_script_readable_session_cookie_drops_httponly_from_the_session_cookie_alone(start) -> None:
    h = start(faults=frozenset({Fault.SCRIPT_READABLE_SESSION_COOKIE}))
    browser = h.browser()
    h.sign_up(browser, authorize_url())
    httponly = {c.name: c.has_nonstandard_attr("HttpOnly") for c in browser.http.cookies.jar if c.name.startswith("x-ms-cpim-")}
    assert httponly.get(f"x-ms-cpim-sso:{TENANT_ID}") is False, httponly
    assert all(value for name, value in httponly.items() if not name.startswith("x-ms-cpim-sso")), httponly


@pytest.mark.parametrize("policy", [USER_FLOW, CUSTOM])
def test_no_sso_session_sets_the_cookie_and_asks_the_signed_in_user_again(start, tmp_path, policy: str) -> None:
    """As a policy whose session managers are SM-Noop: the session cookie is set, and no sign-in is answered from it (a
    user flow and the starter pack's journey alike; without the fault both answer at once, test_journey.py)."""
    h = start(faults=frozenset({Fault.NO_SSO_SESSION}), **({"policies": pack(tmp_path)} if policy == CUSTOM else {}))
    browser = h.browser()
    h.sign_up(browser, authorize_url(policy), exchange="MobileIDExchange" if policy == CUSTOM else None)
    assert h.tenant.sessions.get(browser.http.cookies.get(f"x-ms-cpim-sso:{TENANT_ID}")) is not None, "B2C set no session cookie"
    again = browser.go(authorize_url(policy, nonce="n2"))
    assert isinstance(again, Page) and again.api == "CombinedSigninAndSignup", again
    silent = browser.go(authorize_url(policy, prompt="none", state="s"))
    assert isinstance(silent, Landing) and silent.params["error_description"].startswith("AADB2C90077:"), silent


def test_idp_error_swallowed_shows_the_unified_page_again(start) -> None:
    from .fake_idp import FakeIdP, IdPBehaviour

    h = start(faults=frozenset({Fault.IDP_ERROR_SWALLOWED}), idp=FakeIdP(IdPBehaviour(error="access_denied")))
    page = h.browser().go(authorize_url(domain_hint="idp.example"))
    assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup"


def test_mobile_id_faults_are_not_b2c_faults(start) -> None:
    h = start(faults=acting_on(Side.MOBILE_ID))
    _, claims, _ = sign_up_claims(h)
    assert claims["aud"] == SPA


def test_ui_locales_not_passed_on_sends_the_identity_provider_english(start) -> None:
    """The page in German, the identity provider asked in English; without the fault B2C passes de-DE on (test_authorize)."""
    from urllib.parse import parse_qs, urlsplit

    h = start(faults=frozenset({Fault.UI_LOCALES_NOT_PASSED_ON}))
    response = h.browser().request("GET", authorize_url(domain_hint="idp.example", ui_locales="de"))
    assert response.status_code == 302 and parse_qs(urlsplit(response.headers["location"]).query)["ui_locales"] == ["en-US"]
