"""Bad input anywhere gets the answer a real client would get: never a 500, never a hang."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import httpx
import pytest
from starlette.testclient import TestClient

from mocks.common.oauth import b64url_encode
from mocks.jwtms import create_app as create_jwtms

from .support import B2C, DOMAIN, USER_FLOW, Harness, Page, authorize_url

P = f"{B2C}/{DOMAIN}/{USER_FLOW}"
DEEP = b64url_encode(b"[" * 3000)  # JSON nested past the parser's depth (RecursionError, not ValueError)
TX_GARBAGE = ["StateProperties=%%%", "StateProperties=W10", "StateProperties=eyJUSUQiOjV9", "x" * 5000, "StateProperties=" + "A" * 3000,
              "StateProperties=" + DEEP]

CASES = [
    ("GET", authorize_url(client_id="\x00\ud7ff\u2028"), {}),
    ("GET", authorize_url(state="s" * 5000), {}),
    ("GET", authorize_url() + "&redirect_uri=https%3A%2F%2Fjwt.ms", {}),
    ("GET", authorize_url(ui_locales="x" * 200), {}),
    ("GET", authorize_url(domain_hint="%00"), {}),
    ("POST", f"{P}/oauth2/v2.0/authorize", {"content": b"\xff\xfe garbage", "headers": {"content-type": "application/x-www-form-urlencoded"}}),
    ("POST", f"{P}/oauth2/v2.0/authorize", {"files": {"client_id": ("a.txt", b"file")}}),
    ("POST", f"{P}/oauth2/v2.0/authorize", {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data; boundary=x"}}),
    ("POST", f"{P}/oauth2/v2.0/token", {"json": {"grant_type": "authorization_code"}}),
    ("POST", f"{P}/oauth2/v2.0/token", {"data": {"grant_type": "authorization_code"}, "headers": {"Authorization": b"Basic \xe9\xe9"}}),
    ("POST", f"{P}/oauth2/v2.0/token", {"content": b"a=" + b"b" * 70000, "headers": {"content-type": "application/x-www-form-urlencoded"}}),
    ("POST", f"{P}/oauth2/v2.0/token", {"content": "&".join(f"f{i}=1" for i in range(500)).encode(), "headers": {"content-type": "application/x-www-form-urlencoded"}}),
    ("POST", f"{P}/oauth2/v2.0/token", {"data": {"grant_type": "authorization_code", "code": "é" * 10000}}),
    ("POST", f"{P}/oauth2/v2.0/token", {"data": {"grant_type": "refresh_token", "refresh_token": "nope", "client_id": "5c7d9e1f-3a4b-4c6d-8e0f-1a2b3c4d5e6f"}}),
    ("POST", f"{P}/SelfAsserted", {"data": {"request_type": "RESPONSE"}}),
    *[("POST", f"{P}/SelfAsserted?tx={tx}", {"data": {"request_type": "RESPONSE"}, "headers": {"X-CSRF-TOKEN": "x" * 20}}) for tx in TX_GARBAGE],
    *[("GET", f"{P}/api/CombinedSigninAndSignup/unified?tx={tx}&csrf_token=abc&claimsexchange=FakeIdP", {}) for tx in TX_GARBAGE],
    ("GET", f"{P}/api/Nothing/nowhere?tx=a&csrf_token=b", {}),
    ("GET", f"{P}/api/SelfAsserted/confirmed", {}),
    ("GET", f"{B2C}/{DOMAIN}/oauth2/authresp", {}),
    ("GET", f"{B2C}/{DOMAIN}/oauth2/authresp?state=a&state=b&code=c", {}),
    ("POST", f"{B2C}/{DOMAIN}/oauth2/authresp", {"data": {"error": "x" * 300, "state": "StateProperties=eyJUSUQiOiJ4In0"}}),
    ("GET", f"{P}/oauth2/v2.0/logout?post_logout_redirect_uri=a&post_logout_redirect_uri=b", {}),
    ("GET", f"{P}/oauth2/v2.0/logout?post_logout_redirect_uri=javascript:alert(1)", {}),
    *[("GET", f"{P}/oauth2/v2.0/logout?post_logout_redirect_uri={quote(uri)}", {})  # URIs urlsplit refuses
      for uri in ("https://[::1/", "https://a]b/", "https://jwt.ms\u2100evil", "https://evil\uff03@jwt.ms")],
    ("GET", f"{B2C}/{DOMAIN}/oauth2/authresp?state=StateProperties={DEEP}&code=x", {}),
    ("GET", f"{B2C}/static/../../../../etc/passwd", {}),
    ("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/nothing/here", {}),
    ("DELETE", f"{P}/oauth2/v2.0/authorize", {}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_bad_input_never_breaks_the_tenant(shared: Harness, method: str, url: str, kwargs: dict) -> None:
    browser = shared.browser()
    browser.http.cookies.set("x-ms-cpim-trans", "!!not-base64!!", domain="contoso.b2clogin.com")
    browser.http.cookies.set("x-ms-cpim-csrf", "x", domain="contoso.b2clogin.com")
    response = browser.request(method, url, **kwargs)
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code == 200 and response.headers.get("content-type", "").startswith("text/html"):
        assert "<script>alert" not in response.text


def test_a_transaction_cookie_nested_past_the_parsers_depth_is_no_transaction(shared: Harness) -> None:
    browser = shared.browser()
    browser.http.cookies.set("x-ms-cpim-trans", DEEP, domain="contoso.b2clogin.com")
    response = browser.request("GET", authorize_url())
    assert response.status_code == 200 and "CombinedSigninAndSignup" in response.text, response.text[:300]  # the sign-in page


def test_a_csrf_token_outside_ascii_is_refused_like_any_wrong_one(shared: Harness) -> None:
    """A live transaction at each step that checks the token, the token replaced by one with characters outside ASCII:
    AADB2C90046, not a 500; the right token, asked the same, goes on (so the refusal is the token's)."""
    browser = shared.browser()
    page = browser.go(authorize_url(prompt="login"))
    assert isinstance(page, Page), page
    s, wrong = page.settings, "\u00e9" * len(page.settings["csrf"])
    tenant = f"{B2C}{s['hosts']['tenant']}"

    def choose(token: str) -> httpx.Response:
        query = urlencode({"claimsexchange": "FakeIdP", "csrf_token": token, "tx": s["transId"], "p": s["hosts"]["policy"]})
        return browser.request("GET", f"{tenant}/api/{s['api']}/unified?{query}")

    def post(token: str) -> httpx.Response:
        return browser.http.post(f"{tenant}/SelfAsserted?{urlencode({'tx': s['transId'], 'p': s['hosts']['policy']})}",
                                 data={"request_type": "RESPONSE", **values}, headers={b"X-CSRF-TOKEN": token.encode()})

    def cancel(token: str) -> httpx.Response:
        query = urlencode({"csrf_token": token, "tx": s["transId"], "p": s["hosts"]["policy"]})
        return browser.request("GET", f"{tenant}/api/SelfAsserted/cancelled?{query}")

    refused = choose(wrong)
    assert refused.status_code < 500 and "AADB2C90046" in refused.text, (refused.status_code, refused.text[:300])
    profile = browser.choose(page, "FakeIdP")  # the right token: on to the identity provider and back to the profile page
    assert isinstance(profile, Page) and profile.api == "SelfAsserted", getattr(profile, "html", profile)
    values = {f["ID"]: f["PRE"] or "x" for f in profile.settings["SA_FIELDS"]["AttributeFields"]}
    for step in (post, cancel):
        refused = step(wrong)
        assert refused.status_code < 500 and "AADB2C90046" in refused.text, (step.__name__, refused.status_code, refused.text[:300])
    assert post(s["csrf"]).json() == {"status": "200"}
    cancelled = cancel(s["csrf"])
    assert cancelled.status_code == 302 and "AADB2C90091" in cancelled.headers["location"], (cancelled.status_code, cancelled.text[:300])


def test_error_page_escapes_what_it_echoes(shared: Harness) -> None:
    response = shared.browser().request("GET", authorize_url(client_id="<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in response.text and "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in response.text


def test_unified_page_settings_cannot_break_out_of_the_script(shared: Harness) -> None:
    response = shared.browser().request("GET", authorize_url(login_hint="</script><script>alert(1)</script>"))
    assert response.status_code == 200
    assert "</script><script>alert(1)" not in response.text and "\\u003c/script\\u003e" in response.text


def test_jwt_ms_shows_a_form_post_field_whole_however_long_within_the_body_limit() -> None:
    """README: each field whole, in a body of at most 64 KiB (a 20 000-character token was dropped: a page with no token)."""
    token = "eyJ" + "a" * 20000
    with TestClient(create_jwtms()) as client:
        shown = client.post("https://jwt.ms/", data={"id_token": token, "state": "s"})
        over = client.post("https://jwt.ms/", data={"id_token": "a" * (64 * 1024)})
    assert shown.status_code == 200 and json.dumps({"id_token": token, "state": "s"}) in shown.text
    assert over.status_code == 413


@pytest.mark.parametrize(("method", "kwargs"), [
    ("POST", {"content": b"\xff\x00", "headers": {"content-type": "multipart/form-data; boundary=z"}}),
    ("POST", {"data": {"id_token": "</script><script>alert(1)</script>", "error": "x" * 20000}}),
    ("POST", {"content": b"x" * 100000, "headers": {"content-type": "application/x-www-form-urlencoded"}}),
    ("GET", {"params": {"id_token": "a" * 10000}}),
])
def test_jwt_ms_never_breaks(method: str, kwargs: dict) -> None:
    with TestClient(create_jwtms()) as client:
        response = client.request(method, "https://jwt.ms/", **kwargs)
    assert response.status_code < 500
    assert "</script><script>alert(1)" not in response.text
