"""Journey.redirect and Journey.verified: what B2C sent the app is held to the request the app made (its state, the part
of the URL it asked for), and an error redirect is named by its code and carries what support finds it by.

The app's page is jwt.ms, routed to a page of our own in pytest-playwright's ``page`` (no stack starts).
"""

from __future__ import annotations

import re
from dataclasses import replace
from unittest import mock
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from fixtures import causes
from fixtures.b2c import AuthRequest
from fixtures.causes import JourneyFailure
from fixtures.journey import Journey
from tests.journeys_in_process import journey_on

pytestmark = pytest.mark.browser

APP = "https://jwt.ms"  # build_settings({})'s redirect URI
STATE = "StateOfTheApp-0S6_WzA2Mj"


def request(response_mode: str = "fragment") -> AuthRequest:
    return AuthRequest(policy="B2C_1_signupsignin", url="https://contoso.b2clogin.com/authorize", client_id="client-1",
                       redirect_uri=APP, nonce="n-0S6_WzA2Mj", state=STATE, response_mode=response_mode)


def at_the_app(page: Page, url: str) -> Journey:
    """A journey whose browser B2C sent to ``url`` at the app."""
    journey = journey_on(page)
    page.route(f"{APP}/**", lambda route: route.fulfill(body="<html><body>app</body></html>", content_type="text/html"))
    page.goto(url)
    return journey


def test_the_answer_where_the_app_asked_with_its_state_is_the_result(page: Page) -> None:
    journey = at_the_app(page, f"{APP}/#" + urlencode({"id_token": "x.y.z", "state": STATE}))
    result = journey.redirect(request(), timeout=2_000)
    assert (result.id_token, result.state, result.carried_in) == ("x.y.z", STATE, "fragment")


@pytest.mark.parametrize("answer", [{"id_token": "x.y.z", "state": "another-journeys-state"}, {"id_token": "x.y.z"}],
                         ids=["another state", "no state"])
def test_an_answer_without_the_apps_state_is_an_error_redirect_naming_the_state(page: Page, answer: dict[str, str]) -> None:
    journey = at_the_app(page, f"{APP}/#" + urlencode(answer))
    with pytest.raises(JourneyFailure) as failure:
        journey.redirect(request(), timeout=2_000)
    assert failure.value.cause.name == causes.B2C_ERROR_REDIRECT, failure.value.cause
    assert failure.value.cause.detail.startswith("state: expected the app's"), failure.value.cause
    assert repr(answer.get("state")) in failure.value.cause.detail and repr(STATE) in str(failure.value)


def test_the_answer_in_the_query_where_the_app_asked_for_the_fragment_is_a_broken_promise(page: Page) -> None:
    journey = at_the_app(page, f"{APP}/?" + urlencode({"id_token": "x.y.z", "state": STATE}))
    with pytest.raises(JourneyFailure) as failure:
        journey.redirect(request("fragment"), timeout=2_000)
    assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE, "the answer came in the query, the app asked response_mode=fragment")


def test_the_answer_in_the_url_where_the_app_asked_for_a_form_post_is_a_broken_promise(page: Page) -> None:
    """response_mode=form_post answered in the URL: a server app reading its POST body finds nothing."""
    journey = at_the_app(page, f"{APP}/#" + urlencode({"id_token": "x.y.z", "state": STATE}))
    with pytest.raises(JourneyFailure, match=r"its answer in the URL's fragment, not a form post the app asked for") as failure:
        journey.redirect(request("form_post"), timeout=2_000)
    assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE, "the answer came in the fragment, the app asked response_mode=form_post")


def test_the_answer_in_the_fragment_and_again_in_the_query_is_a_broken_promise(page: Page) -> None:
    answer = urlencode({"id_token": "x.y.z", "state": STATE})
    journey = at_the_app(page, f"{APP}/?{answer}#{answer}")
    with pytest.raises(JourneyFailure) as failure:
        journey.redirect(request("fragment"), timeout=2_000)
    assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE,
                                               "id_token, state in the query as well, the app asked response_mode=fragment")


@pytest.mark.parametrize(("answer", "repeated"), [
    (f"id_token=x.y.z&state={STATE}&state={STATE}", "state"),  # the same twice: an app may read it as "a,a" (joined)
    (f"id_token=x.y.z&id_token=a.b.c&state={STATE}", "id_token"),  # the suite checks one, the app may take the other
], ids=["state twice", "id_token twice"])
def test_a_parameter_sent_twice_in_the_answer_is_a_broken_promise(page: Page, answer: str, repeated: str) -> None:
    """RFC 6749 3.1: response parameters "MUST NOT be included more than once"; B2C's answer carries each once (reference
    b2c.md section 2, #id_token=...&code=...&state=...)."""
    journey = at_the_app(page, f"{APP}/#{answer}")
    with pytest.raises(JourneyFailure) as failure:
        journey.redirect(request("fragment"), timeout=2_000)
    assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE, f"{repeated} more than once in the answer")


CODE = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..c29tZQ.Y29kZQ.dGFn"
CODE_HASH = "Get2k9jqz4Hi1Zmp-Z-LOA"  # the left half of SHA-256(CODE), base64url (OpenID Connect Core 3.3.2.11)


@pytest.mark.parametrize(("claims", "wrong"), [
    ({"sub": "s"}, "no c_hash"),
    ({"sub": "s", "c_hash": "AAAAAAAAAAAAAAAAAAAAAA"}, "c_hash is 'AAAAAAAAAAAAAAAAAAAAAA', not the hash of the code"),
], ids=["no c_hash", "another code's c_hash"])
def test_an_id_token_that_came_with_a_code_without_its_hash_is_named(page: Page, claims: dict[str, str], wrong: str) -> None:
    """Reference b2c.md section 3: c_hash is present when a code is issued with the ID token; the hybrid flow's app
    checks it before it redeems the code."""
    journey = at_the_app(page, f"{APP}/#" + urlencode({"id_token": "x.y.z", "code": CODE, "state": STATE}))
    journey.b2c = b2c = mock.MagicMock()
    b2c.validate.return_value = claims
    hybrid = replace(request(), response_type="code id_token")
    with pytest.raises(JourneyFailure, match=wrong) as failure:
        journey.token(hybrid, timeout=2_000)
    assert failure.value.cause.name == causes.TOKEN_CONTRACT and failure.value.cause.detail.startswith("c_hash: "), failure.value.cause
    b2c.validate.return_value = {"sub": "s", "c_hash": CODE_HASH}
    assert journey.token(hybrid, timeout=2_000)["c_hash"] == CODE_HASH


def test_the_answer_posted_where_the_app_asked_for_the_fragment_is_a_broken_promise(page: Page) -> None:
    """response_mode=fragment answered as a form_post (B2C's auto-submitting page): the app, reading its URL, finds nothing;
    named as the form post, not as the state the URL lacks."""
    journey = journey_on(page)
    page.route(f"{APP}/**", lambda route: route.fulfill(body="<html><body>app</body></html>", content_type="text/html"))
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(content_type="text/html", body=(
        f'<html><body onload="document.forms[0].submit()"><form method="post" action="{APP}/">'
        f'<input type="hidden" name="id_token" value="x.y.z"><input type="hidden" name="state" value="{STATE}"></form></body></html>')))
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/api/CombinedSigninAndSignup/confirmed")
    with pytest.raises(JourneyFailure, match=r"posted the app its answer \(id_token, state\) as a form_post") as failure:
        journey.redirect(request("fragment"), timeout=2_000)
    assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE, "the answer came as a form_post, the app asked response_mode=fragment")


UNREGISTERED = "https://app.example.invalid/not-registered"  # an address nobody answers at, as the journey's


@pytest.mark.parametrize("b2c_answers", ["redirect", "error page"])
def test_b2c_sending_the_browser_to_an_unregistered_redirect_uri_is_a_broken_promise(page: Page, b2c_answers: str) -> None:
    """AADB2C90006 belongs on B2C's error page: nothing goes to a redirect URI not registered for the app (reference b2c.md
    section 4). Sent there, the browser fails to reach it (nothing answers at .invalid): B2C's broken promise, not the
    network's fault its failed navigation alone reads as."""
    journey = journey_on(page)
    authorize = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize"
    journey.b2c = b2c = mock.MagicMock()
    b2c.authorize.return_value = replace(request(), url=authorize, redirect_uri=UNREGISTERED)
    if b2c_answers == "redirect":
        page.route(f"{authorize}**", lambda route: route.fulfill(status=302, headers={
            "Location": f"{UNREGISTERED}#" + urlencode({"error": "invalid_request", "error_description": "AADB2C90006: ...", "state": STATE})}))
        with pytest.raises(JourneyFailure, match="B2C sent the browser to https://app.example.invalid/not-registered, a redirect URI not registered") as failure:
            journey.open_with_unregistered_redirect_uri("B2C_1_signupsignin", UNREGISTERED)
        assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE, "B2C sent the browser to a redirect URI not registered for the app")
    else:
        page.route(f"{authorize}**", lambda route: route.fulfill(body="<html><body>B2C's error page</body></html>", content_type="text/html"))
        assert journey.open_with_unregistered_redirect_uri("B2C_1_signupsignin", UNREGISTERED).redirect_uri == UNREGISTERED


def test_b2c_sending_the_browser_to_an_unregistered_redirect_uri_where_something_answers_names_what_it_carried(page: Page) -> None:
    """Where something answers at that address, the browser lands there with B2C's answer in its URL: named in the
    failure. (The browser commits there as after B2C's 302; a route's 302 is not taken by another route, so the authorize
    URL stands for it.)"""
    journey = journey_on(page)
    landed = f"{UNREGISTERED}#" + urlencode({"error": "invalid_request", "error_description": "AADB2C90006: ...", "state": STATE})
    journey.b2c = b2c = mock.MagicMock()
    b2c.authorize.return_value = replace(request(), url=landed, redirect_uri=UNREGISTERED)
    page.route(f"{UNREGISTERED}**", lambda route: route.fulfill(body="<html><body>someone</body></html>", content_type="text/html"))
    with pytest.raises(JourneyFailure, match="B2C sent the browser, with error, error_description, state, to "
                                             "https://app.example.invalid/not-registered, a redirect URI not registered for the app") as failure:
        journey.open_with_unregistered_redirect_uri("B2C_1_signupsignin", UNREGISTERED)
    assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE, "B2C sent the browser to a redirect URI not registered for the app")


def test_an_error_redirect_of_a_tenant_configuration_code_is_the_tenants_naming_the_code(page: Page) -> None:
    """AADB2C90057: the app registration does not allow the implicit flow; B2C's code opens its error_description."""
    description = ("AADB2C90057: The provided application is not configured to allow the 'OAuth' Implicit flow.\r\n"
                   "Correlation ID: 0f8fad5b-d9cb-469f-a165-70867728950e\r\nTimestamp: 2026-11-30 10:00:00Z")
    journey = at_the_app(page, f"{APP}/#" + urlencode({"error": "unauthorized_client", "error_description": description, "state": STATE}))
    journey.b2c = b2c = mock.MagicMock()
    with pytest.raises(JourneyFailure) as failure:
        journey.token(request(), timeout=2_000)
    assert failure.value.cause.name == causes.TENANT_CONFIGURATION, failure.value.cause
    assert failure.value.cause.detail.startswith("AADB2C90057 (the app does not allow the implicit flow)"), failure.value.cause
    b2c.validate.assert_not_called()  # no token to check


def test_the_app_with_b2cs_error_is_said_with_its_description_readably_on_one_line(page: Page) -> None:
    """Where the browser is, in a failure's words: B2C's description with its lines joined by " / ", not as Python
    escapes them (\\r\\n)."""
    description = ("AADB2C90057: The provided application is not configured to allow the 'OAuth' Implicit flow.\r\n"
                   "Correlation ID: 0f8fad5b-d9cb-469f-a165-70867728950e\r\nTimestamp: 2026-11-30 10:00:00Z\r\n")
    journey = at_the_app(page, f"{APP}/#" + urlencode({"error": "unauthorized_client", "error_description": description, "state": STATE}))
    assert journey.where_am_i() == (
        "the app, which B2C sent unauthorized_client: \"AADB2C90057: The provided application is not configured to allow the "
        "'OAuth' Implicit flow. / Correlation ID: 0f8fad5b-d9cb-469f-a165-70867728950e / Timestamp: 2026-11-30 10:00:00Z\"")


def test_b2c_keeping_its_sign_in_page_names_in_the_cause_what_the_app_was_to_get(page: Page) -> None:
    """The cause's detail is the line the nightly's message and report group by: B2C that drops Mobile ID's error and shows
    its sign-in page again (idp-error-swallowed) names the error the app never got there, not only "a redirect"."""
    journey = journey_on(page)
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(
        body='<html><body><div id="api" data-name="Unified"><div class="claims-provider-list-buttons">'
             '<button class="accountButton" id="MobileIDExchange">Mobile ID</button></div></div></body></html>',
        content_type="text/html"))
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/oauth2/v2.0/authorize")
    with pytest.raises(JourneyFailure) as failure:
        journey.redirect(request(), timeout=2_000, expecting="Mobile ID's error as AADB2C90273")
    assert failure.value.cause == causes.Cause(
        causes.BROKEN_PROMISE, "expected a redirect to https://jwt.ms with Mobile ID's error as AADB2C90273; "
                               "the browser shows B2C's sign-in page"), failure.value.cause


@pytest.mark.parametrize(("answer", "response_type", "unasked"),
                         [({"id_token": "x.y.z", "code": "c"}, "id_token", "code"), ({"code": "c", "id_token": "x.y.z"}, "code", "id_token")],
                         ids=["a code for id_token", "an id_token for code"])
def test_an_answer_with_what_the_app_did_not_ask_for_is_a_broken_promise(page: Page, answer: dict[str, str], response_type: str,
                                                                          unasked: str) -> None:
    journey = at_the_app(page, f"{APP}/#" + urlencode({**answer, "state": STATE}))
    with pytest.raises(JourneyFailure, match=f"sent the app {unasked}, which it did not ask for") as failure:
        journey.redirect(replace(request(), response_type=response_type), timeout=2_000)
    assert failure.value.cause.name == causes.BROKEN_PROMISE, failure.value.cause


@pytest.mark.parametrize(("correlation_id", "timestamp", "says"), [
    ("00000000-0000-0000-0000-000000000000", None, "the nil correlation ID on B2C's error page"),
    ("6f1b2c3d-0000-4000-8000-000000000001", "2015-09-14 23:22:35Z", "it says 2015-09-14 23:22:35Z"),
    ("6f1b2c3d-0000-4000-8000-000000000001", "2015-09-14T23:22:35", "is not UTC as B2C writes it"),
], ids=["nil correlation ID", "another time", "not B2C's UTC form"])
def test_what_support_finds_a_failed_request_by_is_this_ones(correlation_id: str, timestamp: str | None, says: str) -> None:
    """B2C's error page and its error descriptions carry a correlation ID and a UTC time a support case finds the request
    by: not the nil ID, and the time of this failure (within LEEWAY of this machine's clock), as B2C writes it."""
    import time
    from datetime import UTC, datetime

    from fixtures.journey import assert_support_can_find
    from fixtures.tokens import LEEWAY

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    assert_support_can_find("6f1b2c3d-0000-4000-8000-000000000001", now, "on B2C's error page")  # this request's: passes
    # The clock skew the preflight lets through (LEEWAY), and the time the failure took to reach us: passes too.
    skewed = datetime.fromtimestamp(time.time() - LEEWAY - 30, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    assert_support_can_find("6f1b2c3d-0000-4000-8000-000000000001", skewed, "on B2C's error page")
    # Past that, and a time of another zone (Zurich's, an hour or two off UTC), is not this failure's.
    for off in (2 * LEEWAY + 30, -3600):
        stale = datetime.fromtimestamp(time.time() - off, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        with pytest.raises(AssertionError, match=re.escape(f"it says {stale}")):
            assert_support_can_find("6f1b2c3d-0000-4000-8000-000000000001", stale, "on B2C's error page")
    with pytest.raises(AssertionError, match=re.escape(says)):
        assert_support_can_find(correlation_id, timestamp or now, "on B2C's error page")


def test_the_app_that_clears_its_address_is_said_with_what_b2c_sent_it(page: Page) -> None:
    """The team's own app reads B2C's answer and clears its address (history.replaceState): where the browser is, in a
    failure's words, is said from what B2C sent (answer_sent.py), not from the cleared URL ("the app with []")."""
    journey = journey_on(page)
    cleared = "<html><body><script>history.replaceState(null, '', location.pathname)</script>app</body></html>"
    page.route(f"{APP}/**", lambda route: route.fulfill(body=cleared, content_type="text/html"))
    page.goto(f"{APP}/?" + urlencode({"code": "opaque-code-1", "state": STATE}))
    page.wait_for_url(f"{APP}/")
    assert journey.where_am_i() == "the app with code, state"
    page.goto(f"{APP}/")  # the app's own page again, no answer of B2C's on the way (a navigation of its own)
    assert journey.where_am_i() == "the app, with no answer from B2C in its address"


def test_b2c_answering_the_app_at_once_where_the_app_does_not_load_is_said_with_b2cs_answer(page: Page) -> None:
    """B2C refuses the authorize request by sending the app its error (here AADB2C90043 for a prompt it does not know), and
    the app's address does not answer from this machine (jwt.ms's name not resolved, routed so): the failure names the app's address
    and B2C's error, not Playwright's net::ERR_ at B2C's URL, which read as B2C's host failing."""
    journey = journey_on(page)
    authorize = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize?state=s1"
    sent = f"{APP}/#" + urlencode({"error": "invalid_request", "error_description": "AADB2C90043: The prompt parameter is invalid.",
                                   "state": "s1"})
    page.route(f"{authorize}*", lambda route: route.fulfill(status=302, headers={"Location": sent}))
    page.route(f"{APP}/**", lambda route: route.abort("namenotresolved"))  # as here, on a machine that reaches jwt.ms too
    with pytest.raises(JourneyFailure) as failure:
        journey.go(authorize)
    said = str(failure.value)
    assert said.startswith(f"B2C redirected to {APP} with invalid_request: 'AADB2C90043: The prompt parameter is invalid.', but the "
                           "browser could not load it (net::ERR_"), said
    assert said.endswith("the app's address must answer from this machine (B2C_REDIRECT_URI)"), said
    assert failure.value.cause.name == causes.INFRASTRUCTURE and "jwt.ms" in failure.value.cause.detail, failure.value.cause
