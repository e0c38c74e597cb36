"""Sign-up, sign-in, SSO, cancel and the identity provider's answers, over B2C's wire protocol."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from fixtures.tokens import unverified_claims
from mocks.b2c.policy import ClaimMapping
from tests.fake_clock import FakeClock

from .fake_idp import ISSUER, FakeIdP, IdPBehaviour
from .support import (
    B2C,
    CUSTOM,
    DOMAIN,
    JWT_MS,
    SPA,
    TENANT_ID,
    USER_FLOW,
    Browser,
    Harness,
    Landing,
    Page,
    as_page,
    authorize_url,
    custom_policy,
    oauth2_provider,
    oidc_provider,
    pack,
    user_flow,
)


def verified_claims(h: Harness, token: str, policy: str = USER_FLOW) -> dict:
    browser = h.browser()
    jwks = browser.request("GET", f"{B2C}/{DOMAIN}/{policy}/discovery/v2.0/keys").json()
    return dict(jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims)


def test_sign_up_then_sign_in_with_the_user_flow(start) -> None:
    shared = start(idp=FakeIdP(IdPBehaviour(sub="returning-user")))
    browser = shared.browser()
    page = browser.go(authorize_url(prompt="login"))
    assert page.settings["claimsProviders"] == [{"id": "FakeIdP", "name": "Fake IdP"}]
    sa = browser.choose(page, "FakeIdP")
    assert isinstance(sa, Page) and sa.api == "SelfAsserted"
    assert sa.response.url.path == f"/{DOMAIN}/oauth2/authresp"
    fields = {f["ID"]: f for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
    assert list(fields) == ["displayName", "givenName", "surname"]
    assert fields["displayName"]["PRE"] == "+41791234567" and fields["displayName"]["IS_REQ"] is True
    assert fields["givenName"]["PRE"] == "Hans" and fields["surname"]["PRE"] == "Muster"
    assert browser.self_asserted(sa, {"displayName": "Hans Muster", "givenName": "Hans", "surname": "Muster"}).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing) and landing.url.startswith("https://jwt.ms#id_token=") and landing.mode == "fragment"
    claims = verified_claims(shared, landing.params["id_token"])
    assert claims["iss"] == f"https://contoso.b2clogin.com/{TENANT_ID}/v2.0/"
    assert claims["aud"] == SPA and claims["nonce"] == "defaultNonce" and claims["ver"] == "1.0"
    assert "oid" not in claims and claims["name"] == "Hans Muster" and claims["idp"] == "idp.example"
    assert claims["tfp"] == USER_FLOW and "acr" not in claims
    assert claims["newUser"] is True and claims["tid"] == TENANT_ID
    assert claims["nbf"] == claims["iat"] <= claims["auth_time"] + 1 and claims["exp"] == claims["iat"] + 3600
    assert [u.claims["displayName"] for u in shared.tenant.directory.users() if u.object_id == claims["sub"]] == ["Hans Muster"]

    # A second sign-in with the IdP finds the user by (idp, sub): no self-asserted page, no newUser.
    again = shared.browser().go(authorize_url(domain_hint="idp.example", prompt="login"))
    assert isinstance(again, Landing)
    second = verified_claims(shared, again.params["id_token"])
    assert second["sub"] == claims["sub"] and "newUser" not in second


def test_a_second_click_in_a_user_flow_starts_the_exchange_again_until_the_answer_came(start) -> None:
    """The user flow's repeats, as the custom policy's (tests/b2c/test_policy_journey.py): a click while the provider's
    answer is awaited starts its exchange again; once the answer came (the new user's profile page), AADB2C90046."""
    h = start(idp=FakeIdP(IdPBehaviour(sub="twice-in-a-user-flow")))
    browser = h.browser()
    page = browser.go(authorize_url(prompt="login"))
    assert isinstance(page, Page), page
    s = page.settings
    query = urlencode({"claimsexchange": "FakeIdP", "csrf_token": s["csrf"], "tx": s["transId"], "p": s["hosts"]["policy"]})
    first = browser.request("GET", f"{B2C}{s['hosts']['tenant']}/api/{s['api']}/unified?{query}")
    assert first.status_code == 302 and not first.headers["location"].startswith(B2C), first.text[:300]  # to the provider
    again = browser.choose(page, "FakeIdP")
    assert isinstance(again, Page) and again.api == "SelfAsserted", getattr(again, "html", again)
    late = browser.choose(page, "FakeIdP")
    assert isinstance(late, Page) and late.error_detail().startswith("AADB2C90046"), getattr(late, "html", late)


def test_custom_policy_sign_up_uses_the_claims_endpoint_and_acr(shared: Harness) -> None:
    browser = shared.browser()
    before = len(shared.idp.userinfo_requests)
    landing = shared.sign_up(browser, authorize_url(CUSTOM, path_form=True, state="xyz"))
    assert landing.params["state"] == "xyz"
    claims = verified_claims(shared, landing.params["id_token"], CUSTOM)
    assert claims["acr"] == "b2c_1a_signup_signin" and "tfp" not in claims
    assert claims["idp"] == "idp.example" and claims["newUser"] is True
    userinfo = shared.idp.userinfo_requests[before:]
    assert len(userinfo) == 1 and userinfo[0]["authorization"].startswith("Bearer at-")
    token_request = shared.idp.token_requests[-1]
    assert token_request["form"]["client_secret"] == "b2c-secret" and token_request["form"]["client_id"] == "b2c-client"
    assert token_request["form"]["redirect_uri"] == f"{B2C}/{DOMAIN}/oauth2/authresp"


def test_claims_endpoint_by_query_string_and_basic_client_auth(start) -> None:
    idp = FakeIdP(IdPBehaviour(auth_method="client_secret_basic"))
    provider = oauth2_provider(bearer_token_transmission="QueryString", token_endpoint_auth_method="client_secret_basic")
    h = start(policies=[custom_policy(provider)], idp=idp)
    h.sign_up(h.browser(), authorize_url(CUSTOM))
    assert idp.userinfo_requests[-1]["query"]["access_token"].startswith("at-")
    assert idp.userinfo_requests[-1]["authorization"] is None
    assert idp.token_requests[-1]["authorization"].startswith("Basic ")


def test_sso_skips_the_identity_provider_and_prompt_login_forces_it(shared: Harness) -> None:
    browser = shared.browser()
    first = shared.sign_up(browser, authorize_url())
    calls = len(shared.idp.authorize_requests)
    sso = browser.go(authorize_url(nonce="n2"))
    assert isinstance(sso, Landing), "a second authorize in the same browser should need no page"
    assert len(shared.idp.authorize_requests) == calls
    a, b = verified_claims(shared, first.params["id_token"]), verified_claims(shared, sso.params["id_token"])
    assert b["sub"] == a["sub"] and b["auth_time"] == a["auth_time"] and b["nonce"] == "n2"
    forced = browser.go(authorize_url(prompt="login"))
    assert isinstance(forced, Page) and forced.api == "CombinedSigninAndSignup"
    assert browser.go(authorize_url(prompt="none")).__class__ is Landing


def aged_session(h: Harness, browser, seconds: int) -> None:
    """The browser's SSO session as if its user signed in ``seconds`` earlier (no waiting)."""
    session = h.tenant.sessions.get(browser.http.cookies.get(f"x-ms-cpim-sso:{TENANT_ID}"))
    assert session is not None
    session.auth_time -= seconds


@pytest.mark.parametrize("policy", [USER_FLOW, CUSTOM])
def test_max_age_past_the_users_sign_in_asks_again_and_prompt_none_then_is_aadb2c90121(start, tmp_path, policy: str) -> None:
    """max_age: a session whose user signed in longer ago does not answer (a new sign-in, or with prompt=none
    AADB2C90121); a younger one does; a value that is no whole number of seconds is AADB2C90120 (Microsoft's error codes).
    The custom policy is the starter pack's, run from its XML journey, whose single sign-on the journey's steps decide."""
    h = start(policies=pack(tmp_path)) if policy == CUSTOM else start()
    browser = h.browser()
    first = h.sign_up(browser, authorize_url(policy), exchange="MobileIDExchange" if policy == CUSTOM else None)
    aged_session(h, browser, 100)
    kept = browser.go(authorize_url(policy, max_age="1000", nonce="n2"))
    assert isinstance(kept, Landing) and "id_token" in kept.params, kept
    assert verified_claims(h, kept.params["id_token"], policy)["auth_time"] == verified_claims(h, first.params["id_token"], policy)["auth_time"] - 100
    again = browser.go(authorize_url(policy, max_age="60"))
    assert isinstance(again, Page) and again.api == "CombinedSigninAndSignup", again
    silent = browser.go(authorize_url(policy, max_age="60", prompt="none", state="s"))
    assert isinstance(silent, Landing) and silent.params["error"] == "interaction_required", silent
    assert silent.params["error_description"].startswith("AADB2C90121: The user session exceeds the specified maximum age and request "
                                                         "prompt parameter has a value of 'None'.\r\n"), silent.params
    for bad in ("-1", "ten", "1.5", "99999999999"):
        refused = browser.go(authorize_url(policy, max_age=bad, state="s"))
        assert isinstance(refused, Landing) and refused.params["error"] == "invalid_request", (bad, refused)
        assert refused.params["error_description"].startswith(f"AADB2C90120: The max age parameter '{bad}' specified in the request is "
                                                              "invalid. Max age must be an integer between '0' and '2147483647' inclusive."), bad


def test_prompt_none_without_a_session_is_an_error(shared: Harness) -> None:
    result = shared.browser().go(authorize_url(prompt="none", state="s"))
    assert isinstance(result, Landing) and result.params["error"] == "interaction_required"
    assert result.params["error_description"].startswith("AADB2C90077: User does not have an existing session and request prompt parameter has a value of 'None'.")


def test_sso_session_ends_with_logout(shared: Harness) -> None:
    browser = shared.browser()
    shared.sign_up(browser, authorize_url())
    response = browser.request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2Fjwt.ms&state=bye")
    assert response.status_code == 302 and response.headers["location"] == "https://jwt.ms?state=bye"
    cleared = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"x-ms-cpim-sso:{TENANT_ID}="))
    assert "max-age=0" in cleared.lower()
    page = browser.go(authorize_url())
    assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup"


def test_an_sso_session_answers_for_the_session_lifetime_after_the_sign_in(start) -> None:
    """README, Settings: session_lifetime is the SSO session's; past it, the browser has no session (prompt=none:
    AADB2C90077) though it still holds the cookie. Two browsers signed in at once, each asked once: whether a use
    extends a session (B2C's Rolling or Absolute) is no part of this."""
    lifetime = 900
    h = start(session_lifetime=lifetime)
    clock = FakeClock()
    h.tenant.sessions._items.clock = clock  # the sessions aged by hand, not waited for
    in_time, late = h.browser(), h.browser()
    for browser in (in_time, late):
        h.sign_up(browser, authorize_url())
    clock.advance(lifetime - 1)
    kept = in_time.go(authorize_url(prompt="none", nonce="n2"))
    assert isinstance(kept, Landing) and "id_token" in kept.params, kept
    clock.advance(1)
    assert late.http.cookies.get(f"x-ms-cpim-sso:{TENANT_ID}")
    ended = late.go(authorize_url(prompt="none", state="s"))
    assert isinstance(ended, Landing) and ended.params["error"] == "interaction_required", ended
    assert ended.params["error_description"].startswith("AADB2C90077: "), ended.params


def test_an_sso_session_used_before_its_lifetime_still_ends_at_it(start) -> None:
    """README, Settings: the session's expiry is Absolute, counted from the sign-in: a silent sign-in a second before its
    end does not extend it (Rolling would)."""
    lifetime = 900
    h = start(session_lifetime=lifetime)
    clock = FakeClock()
    h.tenant.sessions._items.clock = clock
    browser = h.browser()
    h.sign_up(browser, authorize_url())
    clock.advance(lifetime - 1)
    used = browser.go(authorize_url(prompt="none", nonce="n2"))
    assert isinstance(used, Landing) and "id_token" in used.params, used
    clock.advance(1)
    ended = browser.go(authorize_url(prompt="none", state="s"))
    assert isinstance(ended, Landing) and ended.params["error_description"].startswith("AADB2C90077: "), ended.params


def test_cancel_on_the_self_asserted_page_is_aadb2c90091(shared: Harness) -> None:
    browser = shared.browser()
    page = as_page(browser.go(authorize_url(state="st", ui_locales="de")))
    sa = as_page(browser.choose(page, "FakeIdP"))
    result = browser.confirmed(sa, action="cancelled")
    assert isinstance(result, Landing) and result.params["error"] == "access_denied" and result.params["state"] == "st"
    assert result.params["error_description"].startswith("AADB2C90091: Der Benutzer hat die Eingabe")


def test_an_error_that_ends_a_journey_carries_the_correlation_id_its_pages_showed(start, shared: Harness) -> None:
    """One correlation ID per journey, as in B2C's logs (README, Decisions): a cancel, a forgotten password, the identity
    provider's refusal and a lost transaction say the ID of the journey they end; an error outside any gets its own."""
    def correlation(description: str) -> str:
        return description.split("Correlation ID: ", 1)[1].split("\r\n", 1)[0]

    browser, shown = shared.browser(), []

    def journey() -> Page:
        page = as_page(browser.go(authorize_url()))
        shown.append(page.settings["correlationId"])
        return page

    cancelled = browser.confirmed(as_page(browser.choose(journey(), "FakeIdP")), action="cancelled")
    assert isinstance(cancelled, Landing) and correlation(cancelled.params["error_description"]) == shown[-1]
    forgot = browser.confirmed(journey(), api="CombinedSigninAndSignup", action="forgotPassword")
    assert isinstance(forgot, Landing) and correlation(forgot.params["error_description"]) == shown[-1]
    lost = as_page(browser.confirmed(journey(), api="CombinedSigninAndSignup", action="confirmed"))  # no local sign-in succeeded
    assert lost.error_detail().startswith("AADB2C90046") and lost.settings["correlationId"] == shown[-1]
    # The same browser, its journeys' cookies still set: an error before any journey began is not one of theirs.
    outside = as_page(browser.go(authorize_url(client_id="00000000-0000-0000-0000-000000000000")))
    assert outside.api == "GlobalException" and outside.settings["correlationId"] not in shown
    refusing = start(idp=FakeIdP(IdPBehaviour(error="access_denied", error_description="mid_auth_3010_ABCD1234 - rejected"))).browser()
    page = as_page(refusing.go(authorize_url()))
    refused = refusing.choose(page, "FakeIdP")
    assert isinstance(refused, Landing) and correlation(refused.params["error_description"]) == page.settings["correlationId"]


def test_self_asserted_checks_csrf_and_required_fields(shared: Harness) -> None:
    browser = shared.browser()
    sa = as_page(browser.choose(as_page(browser.go(authorize_url())), "FakeIdP"))
    forged = browser.self_asserted(sa, {"displayName": "x"}, csrf="forged-token-forged-token")
    assert forged.status_code == 200 and forged.json()["status"] == "400"  # the body says it, as B2C's XHR answers do
    missing = browser.self_asserted(sa, {"displayName": "  ", "givenName": "a"})
    assert missing.status_code == 200
    assert missing.json() == {"status": "400", "message": "A required field is missing. Please fill out all required fields and try again."}
    too_long = browser.self_asserted(sa, {"displayName": "x" * 300})
    assert too_long.json()["status"] == "400"
    # confirmed before a successful POST: nothing to confirm
    assert as_page(browser.confirmed(sa)).api == "GlobalException"


def test_local_account_sign_in_finds_no_account(shared: Harness) -> None:
    browser = shared.browser()
    page = as_page(browser.go(authorize_url()))
    answer = browser.self_asserted(page, {"email": "someone@example.com", "password": "secret"})
    assert answer.json() == {"status": "400", "errorCode": "AADB2C90053", "message": "We can't seem to find your account."}


def test_forgot_password_goes_back_to_the_app_as_aadb2c90118(shared: Harness) -> None:
    browser = shared.browser()
    page = as_page(browser.go(authorize_url(state="fp")))
    result = browser.confirmed(page, api="CombinedSigninAndSignup", action="forgotPassword")
    assert isinstance(result, Landing) and result.params["error"] == "access_denied"
    assert result.params["error_description"].startswith("AADB2C90118: The user has forgotten their password.")


def test_local_sign_up_link_says_it_is_not_emulated(shared: Harness) -> None:
    browser = shared.browser()
    page = as_page(browser.go(authorize_url()))
    s = page.settings
    result = as_page(browser.go(f"{B2C}{s['hosts']['tenant']}/api/CombinedSigninAndSignup/unified?local=signup&csrf_token={s['csrf']}&tx={s['transId']}&p={s['hosts']['policy']}"))
    # The emulator's own words, naming the flow, and no B2C code: B2C's AADB2C90046 ("trouble loading your current state")
    # sent people to their cookies, and a tenant runs the step
    assert result.api == "GlobalException" and "AADB2C" not in result.error_detail(), result.error_detail()
    assert result.error_detail() == ("Not executed by the B2C emulator (policies/README.md): local account sign-up (mocks/b2c/README.md); "
                                     "sign up with an identity provider instead [B2C_1_signupsignin, its sign-in page's 'Sign up now' link]")


def test_page_api_refuses_a_wrong_csrf_token_or_foreign_transaction(shared: Harness) -> None:
    browser = shared.browser()
    page = as_page(browser.go(authorize_url()))
    s = page.settings
    query = f"claimsexchange=FakeIdP&csrf_token=nope&tx={s['transId']}&p={s['hosts']['policy']}"
    wrong = as_page(browser.go(f"{B2C}{s['hosts']['tenant']}/api/CombinedSigninAndSignup/unified?{query}"))
    assert wrong.error_detail().startswith("AADB2C90046")
    other = shared.browser()  # another browser: no x-ms-cpim-trans for this transaction
    stolen = as_page(other.choose(page, "FakeIdP"))
    assert stolen.error_detail().startswith("AADB2C90046")


CSRF_COOKIE = "x-ms-cpim-csrf"


def _with_csrf_cookie(browser: Browser, value: str | None) -> None:
    """The browser's ``x-ms-cpim-csrf`` replaced by ``value`` (None: removed)."""
    if value is None:
        browser.http.cookies.delete(CSRF_COOKIE, domain="contoso.b2clogin.com", path="/")
    else:  # the same name, domain and path: replaces the one B2C set
        browser.http.cookies.set(CSRF_COOKIE, value, domain="contoso.b2clogin.com", path="/")


def _choose_with(browser: Browser, page: Page, csrf_token: str) -> Landing | Page:
    """The unified page's social button with ``csrf_token`` in place of the page's."""
    s = page.settings
    query = urlencode({"claimsexchange": "FakeIdP", "csrf_token": csrf_token, "tx": s["transId"], "p": s["hosts"]["policy"]})
    return browser.go(f"{B2C}{s['hosts']['tenant']}/api/CombinedSigninAndSignup/unified?{query}")


def _still_usable(browser: Browser, page: Page) -> None:
    """The refused transaction, with the page's own token and cookie, still goes on (so the refusal came from the one change)."""
    result = as_page(browser.choose(page, "FakeIdP"))
    assert result.api == "SelfAsserted", result.html[:300]


@pytest.mark.parametrize(("cookie", "token"), [("foreign", "foreign"), ("foreign", "own"), (None, "own")],
                         ids=["another transactions token and cookie", "own token, another cookie", "own token, no cookie"])
def test_page_api_refuses_a_csrf_token_unless_token_cookie_and_transaction_match(shared: Harness, cookie: str | None, token: str) -> None:
    """Each case breaks exactly one of the three matches (token-transaction, token-cookie, a cookie at all), both values
    otherwise valid: each check refuses on its own (AADB2C90046 on the error page), and the transaction still goes on."""
    browser = shared.browser()
    page = as_page(browser.go(authorize_url()))
    tokens = {"own": page.settings["csrf"], "foreign": as_page(shared.browser().go(authorize_url())).settings["csrf"]}
    assert tokens["own"] != tokens["foreign"]
    _with_csrf_cookie(browser, tokens[cookie] if cookie else None)
    refused = as_page(_choose_with(browser, page, tokens[token]))
    assert refused.response.status_code == 200 and refused.error_detail().startswith("AADB2C90046: ")
    _with_csrf_cookie(browser, tokens["own"])
    _still_usable(browser, page)


@pytest.mark.parametrize("case", ["foreign-token-and-cookie", "own-token-foreign-cookie"])
def test_self_asserted_xhr_needs_token_cookie_and_transaction_to_match(shared: Harness, case: str) -> None:
    """The XHR's ``X-CSRF-TOKEN`` is held to the same three-way match (AADB2C90046 in the JSON, HTTP 200 as every
    self-asserted XHR error of B2C's: the page reads the body's status)."""
    browser = shared.browser()
    page = as_page(browser.go(authorize_url()))
    sa = as_page(browser.choose(page, "FakeIdP"))
    assert sa.api == "SelfAsserted"
    own = sa.settings["csrf"]
    foreign = as_page(shared.browser().go(authorize_url())).settings["csrf"]
    values = {f["ID"]: f["PRE"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
    _with_csrf_cookie(browser, foreign)
    answer = browser.self_asserted(sa, values, csrf=foreign if case == "foreign-token-and-cookie" else own)
    assert (answer.status_code, answer.json()["status"], answer.json()["errorCode"]) == (200, "400", "AADB2C90046"), answer.text
    _with_csrf_cookie(browser, own)
    assert browser.self_asserted(sa, values).json() == {"status": "200"}


def test_a_sign_in_left_for_the_transaction_lifetime_is_aadb2c90046(start) -> None:
    """README, error table and Settings: a sign-in in progress lives ``transaction_lifetime`` from its start; then its
    pages' calls are AADB2C90046, on the error page for a click, in the JSON (HTTP 200) for the profile page's XHR."""
    lifetime = 600
    h = start(transaction_lifetime=lifetime)
    clock = FakeClock()
    h.tenant.transactions._items.clock = clock  # the sign-ins aged by hand, not waited for
    in_time, clicking, typing = h.browser(), h.browser(), h.browser()
    pages = {browser: as_page(browser.go(authorize_url(prompt="login"))) for browser in (in_time, clicking, typing)}
    profile = as_page(typing.choose(pages[typing], "FakeIdP"))
    assert profile.api == "SelfAsserted", profile.html[:300]
    clock.advance(lifetime - 1)
    assert as_page(in_time.choose(pages[in_time], "FakeIdP")).api == "SelfAsserted"  # the last second still counts
    clock.advance(1)
    late = as_page(clicking.choose(pages[clicking], "FakeIdP"))
    assert late.api == "GlobalException" and late.error_detail().startswith("AADB2C90046: "), late.html[:300]
    values = {f["ID"]: f["PRE"] for f in profile.settings["SA_FIELDS"]["AttributeFields"]}
    answer = typing.self_asserted(profile, values)
    assert (answer.status_code, answer.json()["status"], answer.json()["errorCode"]) == (200, "400", "AADB2C90046"), answer.text


@pytest.mark.parametrize(("idp_error", "outer"), [("access_denied", "access_denied"), ("invalid_request", "server_error"), ("temporarily_unavailable", "server_error")])
def test_identity_provider_error_reaches_the_app_as_aadb2c90273(start, idp_error: str, outer: str) -> None:
    h = start(idp=FakeIdP(IdPBehaviour(error=idp_error, error_description="mid_auth_3010_ABCD1234 - Authentication rejected")))
    result = h.browser().go(authorize_url(domain_hint="idp.example", state="app-state"))
    assert isinstance(result, Landing) and result.params["error"] == outer and result.params["state"] == "app-state"
    assert result.params["error_description"].startswith(
        f"AADB2C90273: An invalid response was received : 'Error: {idp_error},Error Description: mid_auth_3010_ABCD1234 - Authentication rejected'\r\nCorrelation ID: ")


@pytest.mark.parametrize("response_mode", ["form_post", "query"])
def test_identity_provider_answer_without_code_reaches_the_app_as_aadb2c90273(start, response_mode: str) -> None:
    """Neither code nor error in the IdP's answer (README, "Where errors go"): AADB2C90273, server_error, at the app."""
    h = start(policies=[user_flow(oidc_provider(response_mode=response_mode))], idp=FakeIdP(IdPBehaviour(without_code=True)))
    result = h.browser().go(authorize_url(domain_hint="idp.example", state="app-state"))
    assert isinstance(result, Landing), result.html[:300]
    assert result.url.startswith(JWT_MS) and result.mode == "fragment"
    assert result.params["error"] == "server_error" and result.params["state"] == "app-state"
    assert result.params["error_description"].startswith("AADB2C90273: "), result.params["error_description"]
    assert "id_token" not in result.params


@pytest.mark.parametrize(("behaviour", "expected"), [
    (IdPBehaviour(client_secret="another-secret"), "AADB2C90289: We encountered an 'invalid_client' error connecting to the identity provider."),
    (IdPBehaviour(token_status=500), "AADB2C90075: The claims exchange 'FakeIdP' specified in step '2' returned HTTP error response with Code '500'"),
    (IdPBehaviour(token_delay=5), "AADB2C90289: We encountered an error connecting to the identity provider."),
    (IdPBehaviour(id_token_overrides={"nonce": "not-the-nonce"}), "AADB2C90273: An invalid response was received : 'Error: invalid_token"),
    (IdPBehaviour(id_token_overrides={"aud": "someone-else"}), "AADB2C90273: An invalid response was received : 'Error: invalid_token"),
    (IdPBehaviour(id_token_overrides={"iss": "https://evil.example"}), "AADB2C90273: An invalid response was received : 'Error: invalid_token"),
    (IdPBehaviour(id_token_overrides={"exp": 1000}), "AADB2C90273: An invalid response was received : 'Error: invalid_token"),
    (IdPBehaviour(foreign_key=True), "AADB2C90273: An invalid response was received : 'Error: invalid_token"),
    # A token that leaves out a claim B2C validates is refused as one with the claim wrong (README's error table: iss, aud,
    # nonce, exp; B2C sent a nonce, so the answer must echo it): a check that took a missing claim for a right one passes none.
    *[(IdPBehaviour(id_token_overrides={claim: None}), "AADB2C90273: An invalid response was received : 'Error: invalid_token,Error "
       f"Description: the ID token is not valid (MissingClaimError: missing_claim: Missing claim: '{claim}')")
      for claim in ("iss", "aud", "nonce", "exp")],
    # An OpenID provider's token without sub: refused as an invalid token, before any claim mapping (README's error table).
    (IdPBehaviour(id_token_overrides={"sub": None}), "AADB2C90273: An invalid response was received : 'Error: invalid_token,Error "
                                                     "Description: the ID token is not valid (MissingClaimError: missing_claim: Missing claim: 'sub')"),
])
def test_back_channel_failures_reach_the_app_promptly_as_server_error(start, behaviour: IdPBehaviour, expected: str) -> None:
    h = start(idp=FakeIdP(behaviour), back_channel_timeout=0.5)
    started = time.monotonic()
    landing = h.browser().go(authorize_url(domain_hint="idp.example", state="s7"))
    assert time.monotonic() - started < 3
    assert isinstance(landing, Landing), landing.html[-600:]
    assert landing.params["error"] == "server_error" and landing.params["state"] == "s7"
    assert landing.params["error_description"].startswith(expected), landing.params["error_description"]


def test_a_failing_claims_endpoint_reaches_the_app_as_server_error(start) -> None:
    h = start(policies=[custom_policy()], idp=FakeIdP(IdPBehaviour(userinfo_status=500)))
    landing = h.browser().go(authorize_url(CUSTOM, domain_hint="idp.example"))
    assert isinstance(landing, Landing) and landing.params["error"] == "server_error"
    assert landing.params["error_description"].startswith(
        "AADB2C90075: The claims exchange 'FakeExchange' specified in step '2' returned HTTP error response with Code '500'")


@pytest.mark.parametrize(("dripping", "policy"), [("discovery", USER_FLOW), ("jwks", USER_FLOW), ("userinfo", CUSTOM)])
def test_an_identity_provider_that_sends_its_answer_slowly_ends_the_sign_in_within_the_back_channel_timeout(
        start, dripping: str, policy: str) -> None:
    """README "Where errors go": every back-channel call has a timeout, so a slow IdP ends the sign-in, never hangs it;
    that is the whole call's, not each read's: an answer that keeps coming a piece at a time is as slow as none."""
    timeout = 0.5
    h = start(policies=[user_flow(), custom_policy()], idp=FakeIdP(IdPBehaviour(dripping=dripping, drip_seconds=20 * timeout)),
              back_channel_timeout=timeout)
    started = time.monotonic()
    result = h.browser().go(authorize_url(policy, domain_hint="idp.example", state="s8"))
    took = time.monotonic() - started
    if dripping == "discovery":  # read when the user picks the provider, before B2C leaves for it: its error page
        assert isinstance(result, Page) and result.error_detail().startswith("AADB2C90289"), result.html[-600:]
    else:  # read while B2C redeems the provider's answer: the app's server_error
        assert isinstance(result, Landing), result.html[-600:]
        assert result.params["error"] == "server_error" and result.params["error_description"].startswith("AADB2C90289: ")
    assert took < 10 * timeout, took  # the answer would have taken 20 timeouts: room for a busy machine's sign-in either way


def test_no_single_sign_on_between_a_user_flow_and_a_custom_policy_either_way(start, tmp_path) -> None:
    """mocks/b2c/README.md, Decisions (MicrosoftDocs/azure-docs#53226): a custom policy's session signed the user into a
    user flow silently, one that offers not even its provider, while the other way asked again."""
    from .support import POLICY, pack

    h = start(policies=[user_flow(), *pack(tmp_path)], idp=FakeIdP(IdPBehaviour(sub="u1")))
    custom_first = h.browser()
    h.sign_up(custom_first, authorize_url(POLICY, prompt="login"), exchange="MobileIDExchange")
    assert isinstance(page := custom_first.go(authorize_url(USER_FLOW)), Page) and page.api == "CombinedSigninAndSignup"
    flow_first = h.browser()
    h.sign_up(flow_first, authorize_url(USER_FLOW, prompt="login"))
    assert isinstance(page := flow_first.go(authorize_url(POLICY)), Page) and page.api == "CombinedSigninAndSignup"
    assert isinstance(flow_first.go(authorize_url(USER_FLOW)), Landing)  # its own kind's session: signed in at once
    # Silently, the other kind's session is no session: AADB2C90077, never 90121's "exceeds the specified maximum age",
    # for a request that sent no max_age (it was 90121 from a user flow), nor for one whose max_age it is past.
    for browser, other in ((custom_first, USER_FLOW), (flow_first, POLICY)):
        for max_age in (None, "0"):
            silent = browser.go(authorize_url(other, prompt="none", max_age=max_age))
            assert isinstance(silent, Landing) and silent.params["error_description"].startswith("AADB2C90077: "), (other, silent)


def test_a_field_the_new_user_empties_leaves_its_claim_without_a_value(start) -> None:
    """mocks/b2c/README.md, Decisions: a claim without a value is left out of the token. The identity provider's given name
    and surname, prefilled, stayed in the token and the directory when the user emptied their fields."""
    h = start(policies=[user_flow()], idp=FakeIdP(IdPBehaviour(claims={"name": "Hans", "given_name": "G", "family_name": "F"})))
    landing = h.sign_up(h.browser(), authorize_url(USER_FLOW), givenName="", surname="")
    claims = unverified_claims(landing.params["id_token"])
    assert claims["name"] == "Hans" and "given_name" not in claims and "family_name" not in claims, claims
    [user] = h.tenant.directory.users()
    assert "givenName" not in user.claims and "surname" not in user.claims, user.claims


def test_an_identity_providers_url_httpx_cannot_read_ends_the_sign_in_with_90289_not_a_500(start) -> None:
    """README: nothing an outsider sends yields a 500. A discovery document naming a JWKS at a port that is no number made
    the provider's answer an HTTP 500 (httpx.InvalidURL is no httpx.HTTPError)."""
    h = start(policies=[user_flow()], idp=FakeIdP(IdPBehaviour(jwks_uri="https://idp.example:abc/jwks")))
    result = h.browser().go(authorize_url(USER_FLOW, domain_hint="idp.example", state="s9"))
    assert isinstance(result, Landing), getattr(result, "html", result)
    assert result.params["error"] == "server_error" and result.params["error_description"].startswith("AADB2C90289: ")


@pytest.mark.parametrize("metadata", ["unreachable", "not json"])
def test_unreachable_identity_provider_shows_the_error_page(start, metadata: str) -> None:
    """README, error table: the IdP's metadata unreachable or bad when the user picks it (here an HTML page, 200)."""
    from .support import refusing_port

    with refusing_port() as port:
        url = (f"https://127.0.0.1:{port}/.well-known/openid-configuration" if metadata == "unreachable"
               else f"{ISSUER}/authorize?response_mode=form_post&redirect_uri=https://app.example/")
        provider = oidc_provider(metadata_url=url)
        h = start(policies=[user_flow(provider)])
        page = h.browser().go(authorize_url(domain_hint="idp.example"))
    assert page.error_detail().startswith("AADB2C90289: We encountered an error connecting to the identity provider.")


def test_identity_provider_answer_without_the_transaction_cookie_is_refused(shared: Harness) -> None:
    """What a SameSite=Lax cookie causes: the IdP's cross-site form post arrives without x-ms-cpim-trans."""
    browser = shared.browser()
    response = browser.request("GET", authorize_url(domain_hint="idp.example"))
    idp_page = browser.request("GET", response.headers["location"])
    from .support import auto_post_form

    form = auto_post_form(idp_page.text)
    assert form is not None, idp_page.text[:300]
    action, fields = form
    cookieless = Browser(shared.host_map, shared.ca)
    try:
        page = as_page(cookieless.go(action, method="POST", data=fields))
    finally:
        cookieless.close()
    assert page.error_detail().startswith("AADB2C90255: The claims exchange specified in technical profile 'FakeIdP' did not complete as expected.")


@pytest.mark.parametrize("state", [None, "garbage", "StateProperties=bm90LWpzb24", "StateProperties=eyJUSUQiOiJ1bmtub3duIn0"])
def test_authresp_with_an_unknown_state_shows_the_error_page(shared: Harness, state: str | None) -> None:
    data = {"code": "abc"} if state is None else {"code": "abc", "state": state}
    page = as_page(shared.browser().go(f"{B2C}/{DOMAIN}/oauth2/authresp", method="POST", data=data))
    assert page.error_detail().startswith("AADB2C90046")


def test_response_mode_query_from_the_identity_provider(start) -> None:
    h = start(policies=[user_flow(oidc_provider(response_mode="query"))])
    landing = h.sign_up(h.browser(), authorize_url())
    assert landing.params["id_token"]
    assert h.idp.authorize_requests[-1]["response_mode"] == "query"


def test_claim_mapping_takes_partner_claims_and_defaults(start) -> None:
    provider = oidc_provider(claims=(ClaimMapping("issuerUserId", "sub"), ClaimMapping("displayName", "phone"),
                                     ClaimMapping("identityProvider", None, "partner.example")))
    idp = FakeIdP(IdPBehaviour(claims={"phone": "+41790000000", "name": "ignored"}))
    h = start(policies=[user_flow(provider)], idp=idp)
    browser = h.browser()
    sa = browser.go(authorize_url(domain_hint="idp.example"))
    prefilled = {f["ID"]: f["PRE"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
    assert prefilled["displayName"] == "+41790000000"
    assert browser.self_asserted(sa, prefilled).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    claims = verified_claims(h, landing.params["id_token"])
    assert claims["idp"] == "partner.example" and claims["name"] == "+41790000000"


@pytest.mark.parametrize("mode", ["query", "form_post"])
def test_code_flow_response_modes(shared: Harness, mode: str) -> None:
    from .support import WEB, WEB_REDIRECT

    browser = shared.browser()
    landing = shared.sign_up(browser, authorize_url(client_id=WEB, redirect_uri=WEB_REDIRECT, response_type="code", response_mode=mode, state="c"))
    assert landing.mode == mode and landing.params["code"].count(".") == 4 and landing.params["state"] == "c"
    assert "id_token" not in landing.params


def test_hybrid_code_id_token_carries_c_hash(shared: Harness) -> None:
    landing = shared.sign_up(shared.browser(), authorize_url(response_type="code id_token"))
    claims = verified_claims(shared, landing.params["id_token"])
    from mocks.common.oauth import half_hash

    assert claims["c_hash"] == half_hash(landing.params["code"])
    assert landing.url.startswith(JWT_MS + "#id_token=")
