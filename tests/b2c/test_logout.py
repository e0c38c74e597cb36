"""Where B2C's logout sends the browser (session-behavior article, "Secure your logout redirect"): to
post_logout_redirect_uri whatever the apps registered, unless the policy requires the ID token on logout and a
valid id_token_hint names an app that did not register it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlencode

import pytest

from mocks.b2c.user_flow import UserFlow

from .support import B2C, DOMAIN, ENFORCE_HINT, JWT_MS, POLICY, SPA, Harness, Landing, Page, authorize_url, pack, user_flow

STRICT = "B2C_1_strict_logout"


def logout(h: Harness, policy: str, **params: str) -> str | Page:
    """Where the logout redirects to, or the page it shows instead."""
    response = h.browser().request("GET", f"{B2C}/{DOMAIN}/{policy}/oauth2/v2.0/logout?{urlencode(params)}")
    return response.headers["location"] if response.status_code == 302 else Page(response)


def hint(h: Harness, policy: str, *, lifetime: int = 600) -> str:
    now = int(time.time())
    claims = {"iss": h.settings.issuer, "aud": SPA, "sub": "a-user", "iat": now - 1200, "exp": now + lifetime}
    found = h.settings.policy(policy)
    assert found is not None
    return h.tenant.keys.for_policy(found).sign(claims)


@pytest.fixture
def tenant(start: Callable[..., Harness]) -> Harness:
    """The default user flow, and one with "Require ID Token in logout requests" on."""
    return start(policies=[user_flow(), replace(user_flow(name=STRICT), enforce_id_token_hint_on_logout=True)])


def test_without_a_target_the_error_page_says_so(tenant: Harness) -> None:
    page = logout(tenant, STRICT)
    assert isinstance(page, Page) and page.error_detail().startswith("AADB2C90036")


def test_an_unregistered_target_is_followed_without_a_hint(tenant: Harness) -> None:
    assert logout(tenant, "B2C_1_signupsignin", post_logout_redirect_uri="https://elsewhere.example/bye", state="s1") == \
        "https://elsewhere.example/bye?state=s1"


def test_a_posted_logout_takes_the_policy_from_the_query_string(tenant: Harness) -> None:
    """B2C's place for ``p`` is the query string (was AADB2C90022 when the form did not repeat it)."""
    response = tenant.browser().request("POST", f"{B2C}/{DOMAIN}/oauth2/v2.0/logout?p=B2C_1_signupsignin",
                                        data={"post_logout_redirect_uri": "https://elsewhere.example/bye", "state": "s1"})
    assert response.status_code == 302 and response.headers["location"] == "https://elsewhere.example/bye?state=s1", response.text[:300]


def test_a_policy_that_requires_the_hint_refuses_a_logout_without_one(tenant: Harness) -> None:
    """AADB2C90272, as a tenant answers it (MicrosoftDocs/azure-docs#34435), whatever the target."""
    for target in ("https://elsewhere.example/bye", JWT_MS):
        refused = logout(tenant, STRICT, post_logout_redirect_uri=target)
        assert isinstance(refused, Page), refused
        assert refused.error_detail().startswith("AADB2C90272: The id_token_hint parameter has not been specified in the request."), \
            refused.error_detail()


def test_an_unregistered_target_is_followed_with_a_hint_when_the_policy_does_not_require_it(tenant: Harness) -> None:
    target = logout(tenant, "B2C_1_signupsignin", post_logout_redirect_uri="https://elsewhere.example/bye",
                    id_token_hint=hint(tenant, "B2C_1_signupsignin"))
    assert target == "https://elsewhere.example/bye"


def test_a_policy_that_requires_the_hint_sends_only_to_the_hint_apps_redirect_uris(tenant: Harness) -> None:
    refused = logout(tenant, STRICT, post_logout_redirect_uri="https://elsewhere.example/bye", id_token_hint=hint(tenant, STRICT))
    assert isinstance(refused, Page) and refused.error_detail().startswith("AADB2C90287")
    assert logout(tenant, STRICT, post_logout_redirect_uri=JWT_MS, id_token_hint=hint(tenant, STRICT)) == JWT_MS


def test_a_custom_policy_that_enforces_the_hint_on_logout_wants_one(start: Callable[..., Harness], tmp_path) -> None:
    h = start(policies=pack(tmp_path, edits=[ENFORCE_HINT]))
    refused = logout(h, POLICY, post_logout_redirect_uri=JWT_MS)
    assert isinstance(refused, Page) and refused.error_detail().startswith("AADB2C90272")
    assert logout(h, POLICY, post_logout_redirect_uri=JWT_MS, id_token_hint=hint(h, POLICY)) == JWT_MS


@pytest.mark.parametrize("target", ["javascript:alert(1)", "javascript://x/%0Aalert(1)", "/relative", "data:text/html,hi",
                                    "data://text/html,hi", "vbscript://x", "JavaScript://x/%0Aalert(1)",
                                    # no host, or a port that is no port: a Location no browser or HTTP client can follow
                                    "https://:443/", "https://user@/", "https://[::1]:x/", "https://jwt.ms:99999", "https://jwt.ms:-1"])
def test_a_target_that_is_not_an_absolute_uri_is_refused_as_b2c_words_it(tenant: Harness, target: str) -> None:
    """B2C's error codes page: AADB2C90067 "The post logout redirect URI '{0}' has an invalid format." (not 90287, its
    authorization request's "invalid redirect URI"), naming the URI sent."""
    page = logout(tenant, "B2C_1_signupsignin", post_logout_redirect_uri=target)
    assert isinstance(page, Page), page
    assert page.error_detail().startswith(f"AADB2C90067: The post logout redirect URI '{target}' has an invalid format. "
                                          "Specify an https based URL"), page.error_detail()


@pytest.mark.parametrize("policy", ["B2C_1_signupsignin", STRICT])
@pytest.mark.parametrize("target", [None, "javascript:alert(1)", "https://elsewhere.example/bye"], ids=["no target", "unsafe", "unregistered"])
def test_a_bad_hint_is_refused_for_itself_before_the_target_is_looked_at(tenant: Harness, policy: str, target: str | None) -> None:
    """README "How it maps to the real service": an id_token_hint is checked first, so a bad one is AADB2C90210 and an
    expired one AADB2C90208 whatever the target would have been refused for (90036, 90067, 90287 on a policy that
    requires the hint), and with either policy."""
    targets = {"post_logout_redirect_uri": target} if target else {}
    for sent, code in (("not-a-jwt", "AADB2C90210"), (hint(tenant, policy, lifetime=-60), "AADB2C90208")):
        refused = logout(tenant, policy, id_token_hint=sent, **targets)
        assert isinstance(refused, Page) and refused.error_detail().startswith(f"{code}: "), refused


def test_a_user_flow_requires_the_hint_only_when_its_property_says_so() -> None:
    assert UserFlow(require_id_token_in_logout=True).to_policy().enforce_id_token_hint_on_logout
    assert not UserFlow().to_policy().enforce_id_token_hint_on_logout


@pytest.mark.parametrize(("query", "code", "session_ends"), [
    ("", "AADB2C90036", True),
    ("post_logout_redirect_uri=javascript:alert(1)", "AADB2C90067", True),
    (f"post_logout_redirect_uri={JWT_MS}&id_token_hint=not-a-jwt", "AADB2C90210", False),
    (f"post_logout_redirect_uri={JWT_MS}&id_token_hint=EXPIRED", "AADB2C90208", False),
    (f"post_logout_redirect_uri={JWT_MS}&post_logout_redirect_uri={JWT_MS}", "AADB2C90122", False),
], ids=["no target", "unsafe target", "bad hint", "expired hint", "repeated parameter"])
def test_a_refused_logout_ends_the_sso_session_only_once_its_hint_and_parameters_are_read(
        tenant: Harness, query: str, code: str, session_ends: bool) -> None:
    """The README's error table: a logout refused for its target still ends the session; one refused for its
    id_token_hint or a malformed request is refused as a whole, the user still signed in."""
    browser = tenant.browser()
    tenant.sign_up(browser, authorize_url())
    query = query.replace("EXPIRED", hint(tenant, "B2C_1_signupsignin", lifetime=-60))
    response = browser.request("GET", f"{B2C}/{DOMAIN}/B2C_1_signupsignin/oauth2/v2.0/logout?{query}")
    assert Page(response).error_detail().startswith(code)
    cleared = [c for c in response.headers.get_list("set-cookie") if c.startswith("x-ms-cpim-sso:") and "max-age=0" in c.lower()]
    assert bool(cleared) == session_ends, response.headers.get_list("set-cookie")
    silent = browser.go(authorize_url(prompt="none"))
    assert isinstance(silent, Landing)
    assert ("error" in silent.params, "id_token" in silent.params) == (session_ends, not session_ends), silent.params
