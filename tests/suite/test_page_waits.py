"""The page objects' wait policy: a wait that fails names the page expected and what the browser shows, with a cause.

Pages are set from markup of the real services' ids (reference b2c.md, docs/contracts.md) in
pytest-playwright's ``page`` (tests/conftest.py gives it no host map, so no stack starts).
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import Error as PlaywrightError

from fixtures import causes, texts
from fixtures.b2c_cookies import cross_site_cause
from fixtures.causes import JourneyFailure, classify_text
from fixtures.reporting import locate_bare_timeout, page_facts
from pages import B2CErrorPage, B2CSelfAssertedPage, B2CSignUpOrSignInPage, JwtMsPage, MobileIDLoginPage, waiting
from tests.suite_run import ROOT

pytestmark = pytest.mark.browser

UNIFIED = """<html><body><div id="api" data-name="Unified"><div class="claims-provider-list-buttons">
<button class="accountButton" id="MobileIDExchange">Mobile ID</button></div></div></body></html>"""
ERROR_PAGE = """<html><body><div id="api" data-name="GlobalException"><h1>Sorry, but we're having trouble signing you in.</h1>
<div class="error-page-messagedetails"><div class="error-page-correlationid">Correlation ID: 0f8fad5b-d9cb-469f-a165-70867728950e</div>
<div>Timestamp: 2026-11-28 10:00:00Z</div>
<div class="error-page-detail">AADB2C90006: The redirect URI 'https://evil.example' provided in the request is not registered for the client ID 'x'.</div>
</div></div></body></html>"""
MAINTENANCE = "<html><head><title>Down for maintenance</title></head><body><h1>Back soon</h1></body></html>"
WAITING = """<html><body><div id="mid-waiting"><p>Transaction: <strong id="transaction-number">K7Q2</strong></p></div></body></html>"""


def test_a_sign_in_page_without_the_mobile_id_button_names_the_buttons_it_has(page: Page) -> None:
    """The page is shown (a provider's button is there) but none is Mobile ID's: the click does not end in a bare
    timeout, it says which buttons B2C shows and what names the Mobile ID one."""
    page.set_content(UNIFIED.replace('id="MobileIDExchange">Mobile ID', 'id="SwisscomExchange">Swisscom Login'))
    unified = B2CSignUpOrSignInPage(page, "Mobile ID").wait_until_shown(timeout=2_000)
    with pytest.raises(JourneyFailure) as failure:
        unified.choose_mobile_id(timeout=500)
    assert failure.value.cause.name == causes.TENANT_CONFIGURATION
    assert failure.value.cause.detail == "B2C's sign-in page has no Mobile ID button; its buttons: ['Swisscom Login']"
    # What it looked for, and where each kind of policy takes it from: a custom policy's from its files (B2C_POLICY_FILES), so
    # not "B2C_USER_FLOW_IDP_NAME, now 'Mobile-ID'", the seed's custom policy's label, as if a team had set that setting so.
    assert "It looked for the label 'Mobile ID' or the id MobileIDExchange" in str(failure.value), failure.value
    assert "(B2C_USER_FLOW_IDP_NAME)" in str(failure.value), failure.value
    assert "(B2C_POLICY_FILES against a tenant, E2E_STACK_POLICIES locally; unset: policies/, the seed's)" in str(failure.value)
    # Told its policy (as the journeys and the preflight build it), it names that kind's source alone
    for policy, named, not_named in (("B2C_1_signupsignin", "(B2C_USER_FLOW_IDP_NAME)", "B2C_POLICY_FILES"),
                                     ("B2C_1A_signup_signin", "(B2C_POLICY_FILES against a tenant", "B2C_USER_FLOW_IDP_NAME")):
        told = B2CSignUpOrSignInPage(page, "Mobile ID", named_by=texts.mobile_id_button_source(policy))
        with pytest.raises(JourneyFailure) as failure:
            told.choose_mobile_id(timeout=500)
        assert named in str(failure.value) and not_named not in str(failure.value), failure.value
    page.set_content(MAINTENANCE)  # not even B2C's page: said as every wait says it
    with pytest.raises(JourneyFailure, match="the browser shows .*Down for maintenance"):
        unified.choose_mobile_id(timeout=500)
    page.set_content(UNIFIED.replace('<div class="claims-provider-list-buttons">', '<div class="claims-provider-list-buttons" hidden>'))
    with pytest.raises(JourneyFailure, match=r"expected the Mobile ID button clickable \(it is there, among \['Mobile ID'\], but hidden"):
        unified.choose_mobile_id(timeout=500)
    page.set_content('<html><body><div id="api" data-name="Unified"><div class="claims-provider-list-buttons"></div></div></body></html>')
    with pytest.raises(JourneyFailure, match="B2C's sign-in page has no Mobile ID button; its buttons: none") as none:
        unified.choose_mobile_id(timeout=500)
    assert none.value.cause.name == causes.TENANT_CONFIGURATION


@pytest.mark.timeout(60)  # the old click waited its whole timeout: 10 minutes here
def test_a_sign_in_page_built_without_the_mobile_id_button_is_a_dead_end_at_once(page: Page) -> None:
    """B2C builds the providers' buttons in one go: a list without Mobile ID's fails at once, not after the click's timeout
    (a release that lost the button kept the pre-release smoke over a minute, each journey waiting 15 s for it)."""
    page.set_content(UNIFIED.replace('id="MobileIDExchange">Mobile ID', 'id="SwisscomExchange">Swisscom Login'))
    unified = B2CSignUpOrSignInPage(page, "Mobile ID").wait_until_shown(timeout=2_000)
    with pytest.raises(JourneyFailure) as failure:
        unified.choose_mobile_id(timeout=600_000)
    assert failure.value.cause.detail == "B2C's sign-in page has no Mobile ID button; its buttons: ['Swisscom Login']"
    assert "B2C's sign-in page has no Mobile ID button; its buttons: ['Swisscom Login'] (B2C built them without it)." in str(failure.value)
    # Its buttons not built yet: the click waits for them, and takes the Mobile ID button when B2C's script adds it
    page.set_content('<html><body><div id="api" data-name="Unified"></div><script>setTimeout(() => { document.querySelector("#api")'
                     '.innerHTML = \'<div class="claims-provider-list-buttons"><button class="accountButton" id="MobileIDExchange" '
                     'onclick="document.title = \\\'chosen\\\'">Mobile ID</button></div>\'; }, 200)</script></body></html>')
    unified.choose_mobile_id(timeout=5_000)
    assert page.title() == "chosen"


def test_a_click_whose_page_never_comes_says_the_button_was_clicked_not_that_it_is_missing(page: Page) -> None:
    """Mobile ID's host takes the connection and says nothing: the click was done, and its wait for the navigation it
    started ran out. It said "expected B2C's sign-in page with the Mobile ID button", of a page that had it."""
    held: list[Route] = []
    page.route("https://m.mobileid.ch/**", lambda route: held.append(route))  # never answered while the click waits
    page.set_content(UNIFIED.replace('id="MobileIDExchange"', 'id="MobileIDExchange" onclick="location.href = '
                                     '\'https://m.mobileid.ch/oidc/authorize\'"'))
    waiting.watch_network(page)
    unified = B2CSignUpOrSignInPage(page, "Mobile ID").wait_until_shown(timeout=2_000)
    with pytest.raises(JourneyFailure) as failure:
        unified.choose_mobile_id(timeout=1_000)
    assert str(failure.value).startswith("expected the page the Mobile ID button leads to (it was clicked; the navigation it started "
                                         "did not finish) within 1 s; the browser shows "), failure.value
    assert "still waiting for https://m.mobileid.ch/oidc/authorize to answer its navigation" in str(failure.value), failure.value
    assert held, "the click's navigation never reached the route"


def test_a_sign_in_page_going_while_its_buttons_are_counted_is_left_to_the_clicks_wait(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """The look for a list built without Mobile ID's button meets a page navigating away: no raw Playwright error (cause
    "other"), the click's wait goes on and takes the button."""
    page.set_content(UNIFIED.replace('id="MobileIDExchange"', 'id="MobileIDExchange" onclick="document.title = \'chosen\'"'))
    unified = B2CSignUpOrSignInPage(page, "Mobile ID").wait_until_shown(timeout=2_000)

    def gone() -> int:
        raise PlaywrightError("Execution context was destroyed, most likely because of a navigation")

    monkeypatch.setattr(unified.provider_buttons, "count", gone)
    unified.choose_mobile_id(timeout=5_000)
    assert page.title() == "chosen"


def test_a_sign_in_page_without_any_identity_provider_says_the_policy_offers_none(page: Page) -> None:
    """The LocalAccounts starter pack's sign-in page (a local account form, no social buttons) is the policy's set-up, not
    "page changed": the wait says the policy offers no identity provider and what the journeys need."""
    page.set_content('<html><body><div id="api" data-name="Unified"><form id="localAccountForm"><input id="signInName">'
                     '<button id="next">Sign in</button></form></div></body></html>')
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=500)
    assert failure.value.cause == causes.Cause(causes.TENANT_CONFIGURATION,
                                               "B2C's sign-in page offers no identity provider (its local account form only)")
    assert "no ClaimsProviderSelection for Mobile ID's exchange (MobileIDExchange)" in str(failure.value), str(failure.value)
    page.set_content(MAINTENANCE)  # another page: said as every wait says it
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=500)
    assert failure.value.cause.name == causes.PAGE_CHANGED


def test_a_shown_page_is_waited_for(page: Page) -> None:
    page.set_content(UNIFIED)
    B2CSignUpOrSignInPage(page).wait_until_shown(timeout=2_000)


@pytest.mark.parametrize("waits", ["sign-in", "mobile id", "profile", "app"])
def test_b2c_error_page_stops_every_pages_wait_at_once_with_its_code_as_the_cause(page: Page, waits: str) -> None:
    """B2C's error page is the dead end of its sign-in page, Mobile ID's number page, B2C's profile page and the app's
    decoded token: no wait runs out there, and the cause is B2C's code."""
    page.set_content(ERROR_PAGE)
    expected, wait = {  # each wait's message names its own page, as a reader of the report knows it
        "sign-in": ("B2C's sign-in page", lambda: B2CSignUpOrSignInPage(page).wait_until_shown(timeout=10_000)),
        "mobile id": ("Mobile ID's number page", lambda: MobileIDLoginPage(page).wait_until_shown(timeout=10_000)),
        "profile": ("B2C's profile page", lambda: B2CSelfAssertedPage(page).wait_until_shown(timeout=10_000)),
        "app": ("the app (redirect URI)", lambda: JwtMsPage(page, "https://jwt.ms").decoded_token_text(timeout=10_000))}[waits]
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        wait()
    assert time.monotonic() - started < 5, "a dead end must end the wait, not the timeout"
    assert failure.value.cause.name == causes.TENANT_CONFIGURATION
    assert failure.value.cause.detail.startswith("AADB2C90006 (redirect URI not registered for the app): The redirect URI")
    assert failure.value.cause.detail.count("AADB2C90006") == 1
    message = str(failure.value)
    assert message.startswith(f"expected {expected}") and "0f8fad5b-d9cb-469f-a165-70867728950e" in message, message
    assert "the wait stopped at a dead end" in message and "within 10 s" not in message, message  # it did not wait 10 s


MFA_PAGE = """<html><body><div id="api" data-name="Phonefactor"><input id="countryCode"><input id="localNumber">
<button id="verifyCode">Send Code</button></div></body></html>"""


@pytest.mark.parametrize("waits", ["sign-in", "mobile id", "profile", "app"])
def test_b2c_mfa_page_stops_every_pages_wait_at_once_saying_mfa(page: Page, waits: str) -> None:
    """B2C's MFA page (a policy's PhoneFactor step, as the SocialAndLocalAccountsWithMfa starter pack has after every
    sign-in) is no page the journeys can pass: every wait stops there at once and says MFA, not a bare timeout or a URL."""
    page.set_content(MFA_PAGE)
    wait = {"sign-in": lambda: B2CSignUpOrSignInPage(page).wait_until_shown(timeout=10_000),
            "mobile id": lambda: MobileIDLoginPage(page).wait_until_shown(timeout=10_000),
            "profile": lambda: B2CSelfAssertedPage(page).wait_until_shown(timeout=10_000),
            "app": lambda: JwtMsPage(page, "https://jwt.ms").decoded_token_text(timeout=10_000)}[waits]
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        wait()
    assert time.monotonic() - started < 5, "the MFA page must end the wait, not the timeout"
    assert failure.value.cause == causes.Cause(causes.TENANT_CONFIGURATION, waiting.MFA_CAUSE)
    assert "the browser shows B2C's MFA page (phone verification" in str(failure.value), str(failure.value)


def test_a_journey_at_b2cs_mfa_page_says_it_stopped_at_mfa_at_once(page: Page) -> None:
    """A journey waiting for B2C's redirect (journey.token) stops at B2C's MFA page at once, its message naming the MFA page,
    not the page's URL after the redirect's timeout."""
    from unittest import mock

    from fixtures.b2c import AuthRequest
    from fixtures.journey import Journey
    from fixtures.settings import build_settings

    page.set_content(MFA_PAGE)
    journey = Journey(page, mock.MagicMock(), mock.MagicMock(), build_settings({}))
    request = AuthRequest("B2C_1A_signup_signin", "https://contoso.b2clogin.com/", "client", "https://jwt.ms", "nonce", "state")
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        journey.redirect(request, timeout=10_000)
    assert time.monotonic() - started < 5, "the MFA page must end the wait for the redirect, not its timeout"
    assert failure.value.cause == causes.Cause(causes.TENANT_CONFIGURATION, waiting.MFA_CAUSE)
    assert f"the browser shows {waiting.MFA_PAGE}" in str(failure.value), str(failure.value)


@pytest.mark.parametrize("waits", ["redirect", "reach_sign_in_page"])
def test_a_journey_at_b2cs_sign_in_page_stops_waiting_there_at_once(page: Page, waits: str) -> None:
    """B2C's sign-in page does not move on by itself (fixtures/journey.py STOPPED): a journey waiting for B2C's redirect,
    or for that page, stops there at once, not at the wait's timeout."""
    from fixtures.b2c import AuthRequest
    from tests.journeys_in_process import journey_on

    page.set_content(UNIFIED)
    journey = journey_on(page)
    request = AuthRequest("B2C_1A_signup_signin", "https://contoso.b2clogin.com/", "client", "https://jwt.ms", "nonce", "state")
    started = time.monotonic()
    if waits == "redirect":
        with pytest.raises(JourneyFailure, match="the browser shows B2C's sign-in page again"):
            journey.redirect(request, timeout=10_000)
    else:
        journey.reach_sign_in_page(timeout=10_000)
    assert time.monotonic() - started < 5, "B2C's sign-in page must end the wait, not its timeout"


def test_an_error_page_cause_names_its_code_once(page: Page) -> None:
    page.set_content(ERROR_PAGE.replace("AADB2C90006: The redirect URI", "AADB2C90075: The claims exchange"))
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=10_000)
    detail = failure.value.cause.detail
    assert detail.startswith("AADB2C90075: the identity provider's back channel (token/userinfo) answered B2C with an HTTP error "
                             "(The claims exchange") and detail.count("AADB2C90075") == 1, detail


@pytest.mark.parametrize(("quoted", "said"), [
    ("returned HTTP error response with Code '500' and Reason 'Internal Server Error'.", "HTTP 500"),
    ("returned HTTP error response with Code 'InternalServerError' and Reason 'Internal Server Error'.", "HTTP 500"),
    ("returned an error.", "an HTTP error"),  # no status on the page: none made up
], ids=["number", ".NET name", "no status"])
def test_b2cs_error_page_for_the_back_channel_says_the_status_it_shows_as_the_cause_does(page: Page, quoted: str, said: str) -> None:
    """Where the browser is, in a failure's words, at B2C's AADB2C90075 page: the HTTP status the page quotes, as the
    failure's cause says it (causes.said_first), not a vaguer word."""
    from tests.journeys_in_process import journey_on

    journey = journey_on(page)
    message = f"AADB2C90075: The claims exchange 'MobileIDExchange' specified in step '2' {quoted}"
    page.set_content(ERROR_PAGE.replace(
        "AADB2C90006: The redirect URI 'https://evil.example' provided in the request is not registered for the client ID 'x'.", message))
    hint = f"the identity provider's back channel (token/userinfo) answered B2C with {said}"
    assert journey.where_am_i().endswith(f"; {hint}"), journey.where_am_i()
    cause = causes.b2c_error_code("AADB2C90075", message, redirected=False)
    assert cause.detail.startswith(f"AADB2C90075: {hint} ("), cause  # the page's words and the cause's agree


def test_an_unknown_page_is_page_changed_naming_the_page_object_the_element_and_where_the_browser_is(page: Page) -> None:
    page.set_content(MAINTENANCE)
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=500)
    assert failure.value.cause.name == causes.PAGE_CHANGED
    detail = failure.value.cause.detail
    assert detail.startswith(f"B2CSignUpOrSignInPage expected {B2CSignUpOrSignInPage.SHOWN}") and "Down for maintenance" in detail
    assert "Timeout" not in str(failure.value) and "within 0.5 s" in str(failure.value)


def test_a_phone_that_never_answers_is_a_mobile_id_outcome_with_the_transaction(page: Page) -> None:
    page.route("https://m.mobileid.ch/**", lambda route: route.fulfill(body=WAITING, content_type="text/html"))
    page.goto("https://m.mobileid.ch/oidc/wait")
    mobile = MobileIDLoginPage(page, host="m.mobileid.ch")
    with pytest.raises(JourneyFailure) as failure:
        mobile.wait_for_approval(300)
    assert failure.value.cause == causes.Cause(causes.MOBILE_ID_OUTCOME, "no answer from the phone within 0.3 s")
    assert "transaction K7Q2" in str(failure.value) and MobileIDLoginPage.WAITING_NAME in str(failure.value)


PROFILE = """<html><body><div id="api" data-name="SelfAsserted"><button id="continue">Continue</button></div></body></html>"""


@pytest.mark.parametrize("screen, page_object", [(ERROR_PAGE, B2CErrorPage), (PROFILE, B2CSelfAssertedPage),
                                                 (UNIFIED, B2CSignUpOrSignInPage)], ids=["error page", "profile page", "sign-in page"])
def test_a_b2c_screen_is_named_by_its_page_object_wherever_the_browser_is_found_on_it(
        page: Page, monkeypatch: pytest.MonkeyPatch, screen: str, page_object: type) -> None:
    """The journey's words for where the browser is (where_am_i) and the waits' (what_the_browser_shows) are the page
    object's name: renamed there, a report does not name one screen two ways."""
    from tests.journeys_in_process import journey_on

    monkeypatch.setattr(page_object, "NAME", "the screen as renamed")
    page.set_content(screen)
    said = {"where_am_i": journey_on(page).where_am_i(), "what_the_browser_shows": waiting.what_the_browser_shows(page)[0]}
    assert all(words.startswith("the screen as renamed") for words in said.values()), said


def test_no_redirect_names_the_redirect_uri_and_the_page_instead(page: Page) -> None:
    """B2C keeping the browser on its own sign-in page instead of redirecting is B2C's doing (a broken promise: every
    page object still knows its page); a page no page object knows is "page changed"."""
    page.set_content(UNIFIED)
    with pytest.raises(JourneyFailure) as failure:
        JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=300)
    assert failure.value.cause == causes.Cause(causes.BROKEN_PROMISE, "expected a redirect to https://jwt.ms; the browser shows B2C's sign-in page")
    assert str(failure.value).startswith("expected a redirect to https://jwt.ms within 0.3 s; the browser shows B2C's sign-in page")
    page.set_content(MAINTENANCE)
    with pytest.raises(JourneyFailure) as failure:
        JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=300)
    assert failure.value.cause.name == causes.PAGE_CHANGED
    # B2C's profile page with an error on it may ask for what no page object fills in (a new required attribute).
    for error, cause in (("", causes.BROKEN_PROMISE), ('<div class="error itemLevel">This information is required.</div>', causes.PAGE_CHANGED)):
        page.set_content(f'<html><body><div id="api" data-name="SelfAsserted">{error}<button id="continue">Continue</button></div></body></html>')
        with pytest.raises(JourneyFailure) as failure:
            JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=300)
        assert failure.value.cause.name == cause, (error, failure.value.cause)


def test_a_bare_playwright_timeout_is_told_where_the_browser_is(page: Page) -> None:
    page.set_content(MAINTENANCE)
    bare = classify_text("playwright._impl._errors.TimeoutError: Locator.click: Timeout 15000ms exceeded.")
    located = locate_bare_timeout(bare, page)
    assert located == causes.Cause(causes.PAGE_CHANGED, "Locator.click timed out (15000 ms); the browser shows about:blank (title 'Down for maintenance')")
    page.set_content(ERROR_PAGE)
    assert locate_bare_timeout(bare, page).name == causes.TENANT_CONFIGURATION


LATE_PAGE = """<html><body><div id="api"></div><script>
window.addEventListener("load", () => setTimeout(() => {
  const api = document.getElementById("api");
  api.dataset.name = "Unified";
  api.innerHTML = '<div class="claims-provider-list-buttons"><button class="accountButton" id="MobileIDExchange">Mobile ID</button></div>';
}, 700));
</script></body></html>"""
HOP = """<html><body><script>setTimeout(() => location.assign("https://contoso.b2clogin.com/late"), 200)</script></body></html>"""


def test_a_page_built_after_its_load_event_is_arrived_at_when_it_is_built(page: Page) -> None:
    """Real B2C builds its pages by script up to seconds after load: the wait must not judge a document at load alone."""
    page.route("https://contoso.b2clogin.com/hop", lambda route: route.fulfill(body=HOP, content_type="text/html"))
    page.route("https://contoso.b2clogin.com/late", lambda route: route.fulfill(body=LATE_PAGE, content_type="text/html"))
    page.goto("https://contoso.b2clogin.com/hop")
    assert waiting.follow_navigations(page, lambda url: url.startswith("https://jwt.ms"), B2CSignUpOrSignInPage.SHOWN, 8_000)
    assert page.url == "https://contoso.b2clogin.com/late"


def test_a_page_never_built_is_not_arrived_at(page: Page) -> None:
    page.set_content(MAINTENANCE)
    assert not waiting.follow_navigations(page, lambda url: False, B2CSignUpOrSignInPage.SHOWN, 1_000)


HUNG_SCRIPT_PAGE = """<html><body><div id="api" data-name="Unified"><div class="claims-provider-list-buttons">
<button class="accountButton" id="MobileIDExchange">Mobile ID</button></div></div>
<script src="https://contoso.b2clogin.com/hangs.js"></script></body></html>"""


def open_a_page_whose_load_never_ends(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """B2C's sign-in page with a script that is never answered, and page waits that wait 0.3 s for load."""
    monkeypatch.setattr(waiting, "LOAD_FIRST_MS", 300)
    page.route("https://contoso.b2clogin.com/hangs.js", lambda route: None)  # never answered: load never fires
    page.route("https://contoso.b2clogin.com/page", lambda route: route.fulfill(body=HUNG_SCRIPT_PAGE, content_type="text/html"))
    page.goto("https://contoso.b2clogin.com/page", wait_until="commit")


def test_a_page_whose_load_never_ends_is_looked_at_once_the_load_wait_gives_up(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait lets the document load first, but a hung script (never answered here) must not hold it to the timeout."""
    open_a_page_whose_load_never_ends(page, monkeypatch)
    started = time.monotonic()
    B2CSignUpOrSignInPage(page).wait_until_shown(timeout=10_000)
    assert time.monotonic() - started < 5, "the load wait must give up after LOAD_FIRST_MS, not at the page's timeout"
    assert page.evaluate("document.readyState") != "complete"


def test_a_hidden_element_next_to_the_dead_end_is_not_shown(page: Page) -> None:
    """The dead end on the page and the page's element hidden: B2C's error page, not the page the wait expected."""
    hidden = UNIFIED.replace('<button class="accountButton"', '<button hidden class="accountButton"')
    page.set_content(ERROR_PAGE.replace("</body>", hidden[hidden.index("<div"):hidden.index("</body>")] + "</body>"))
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=10_000)
    assert time.monotonic() - started < 5, "the dead end must end the wait, not the timeout"
    assert failure.value.cause.name == causes.TENANT_CONFIGURATION


def test_a_hidden_element_ahead_of_the_shown_one_does_not_hold_the_wait(page: Page) -> None:
    page.set_content(UNIFIED.replace('<button class="accountButton" id="MobileIDExchange">Mobile ID</button>',
                                     '<button hidden class="accountButton" id="FacebookExchange">Facebook</button>'
                                     '<button class="accountButton" id="MobileIDExchange">Mobile ID</button>'))
    started = time.monotonic()
    B2CSignUpOrSignInPage(page).wait_until_shown(timeout=10_000)
    assert time.monotonic() - started < 5, "a hidden match first in the page must not hold the wait to its timeout"


def test_following_navigations_looks_at_a_page_whose_load_never_ends(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    open_a_page_whose_load_never_ends(page, monkeypatch)
    started = time.monotonic()
    assert waiting.follow_navigations(page, lambda url: False, B2CSignUpOrSignInPage.SHOWN, 10_000)
    assert time.monotonic() - started < 5, "the look must not wait for a load event that never comes"


WAITING_THEN_CONSENT = """<html><body><div id="mid-waiting"><p>Transaction: <strong id="transaction-number">K7Q2</strong></p></div>
<script>setTimeout(() => location.assign("https://m.mobileid.ch/oidc/consent"), 300)</script></body></html>"""
CONSENT = """<html><body><form id="mid-consent" method="post" action="https://contoso.b2clogin.com/authresp">
<button type="submit" id="consent-accept" name="decision" value="accept">Accept</button>
<button type="submit" id="consent-decline" name="decision" value="decline">Decline</button></form></body></html>"""


@pytest.mark.parametrize("screen, wait", [(WAITING, lambda mobile: mobile.transaction_number(timeout=300)),
                                          (CONSENT, lambda mobile: mobile.wait_for_consent(timeout=300))],
                         ids=["waiting page", "consent page"])
def test_a_mobile_id_screen_has_one_name_where_it_is_shown_and_where_it_was_expected(
        page: Page, screen: str, wait: Callable[[MobileIDLoginPage], object]) -> None:
    """A message naming the screen the browser is on and one naming the screen a wait expected use the same words: the
    reader matches "expected X" against "the browser shows X" of another journey's report."""
    page.route("https://m.mobileid.ch/**", lambda route: route.fulfill(body=screen, content_type="text/html"))
    page.goto("https://m.mobileid.ch/oidc/screen")
    shown, _ = waiting.what_the_browser_shows(page)
    # Elsewhere (B2C's host: the phone's answer came, so the consent wait looks for its page and finds another)
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(body="<p>Something else</p>", content_type="text/html"))
    page.goto("https://contoso.b2clogin.com/elsewhere")
    with pytest.raises(JourneyFailure) as failure:
        wait(MobileIDLoginPage(page, host="m.mobileid.ch"))
    assert f"expected {shown} (" in str(failure.value), (shown, str(failure.value))


def posts_to(page: Page, url: str, body: str) -> list[str]:
    """The bodies of the posts ``page`` sends to ``url`` (each answered with the HTML ``body``), as they come."""
    posted: list[str] = []

    def record(route: Route) -> None:
        posted.append(route.request.post_data or "")
        route.fulfill(body=body, content_type="text/html")

    page.route(url, record)
    return posted


def test_a_consent_page_after_the_phone_is_arrived_at_and_accepted(page: Page) -> None:
    """The local stack asks no consent (mocks/mobileid/README.md, decision 7): the page object's consent path, shown here."""
    page.route("https://m.mobileid.ch/oidc/wait", lambda route: route.fulfill(body=WAITING_THEN_CONSENT, content_type="text/html"))
    page.route("https://m.mobileid.ch/oidc/consent", lambda route: route.fulfill(body=CONSENT, content_type="text/html"))
    posted = posts_to(page, "https://contoso.b2clogin.com/authresp", "<p>B2C</p>")
    page.goto("https://m.mobileid.ch/oidc/wait")
    mobile = MobileIDLoginPage(page, host="m.mobileid.ch")
    mobile.wait_for_approval(5_000)
    assert mobile.consent_requested()
    mobile.accept_consent()
    page.wait_for_url("https://contoso.b2clogin.com/authresp")
    assert posted == ["decision=accept"] and not mobile.consent_requested()


def test_an_error_redirects_facts_come_from_the_app_and_not_from_b2cs_own_authresp(page: Page) -> None:
    """The evidence's page facts: B2C's error sent to the app names its code, correlation ID and Mobile ID's code; Mobile
    ID's error arriving at B2C's /oauth2/authresp (its query response mode) is not yet B2C's answer to the app."""
    description = ("AADB2C90273: An invalid response was received: mid_auth_3010_K7Q2 - user cancel\r\n"
                   "Correlation ID: 0f8fad5b-d9cb-469f-a165-70867728950e\r\nTimestamp: 2026-11-28 10:00:00Z")
    page.route(lambda url: True, lambda route: route.fulfill(content_type="text/html", body="<html><body>page</body></html>"))
    page.goto("https://jwt.ms/#" + urlencode({"error": "server_error", "error_description": description}))
    facts = page_facts(page, "https://jwt.ms")
    assert (facts["B2C code"], facts["B2C correlation ID"], facts["Mobile ID code"], facts["B2C timestamp"]) == (
        "AADB2C90273", "0f8fad5b-d9cb-469f-a165-70867728950e", "mid_auth_3010_K7Q2", "2026-11-28 10:00:00Z"), facts
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?error=access_denied&state=s")
    assert "B2C error redirect" not in page_facts(page, "https://jwt.ms")


@pytest.mark.parametrize("label", ["Timestamp: ", "Zeitstempel:", "Horodatage :"])
def test_the_error_pages_facts_are_read_in_every_language_at_once(page: Page, label: str) -> None:
    """The timestamp's label follows the page's language; a missing one is no fact, not a 15 s wait."""
    page.set_content(ERROR_PAGE.replace("Timestamp: ", label))
    started = time.monotonic()
    facts = page_facts(page, "https://jwt.ms")
    assert facts["B2C timestamp"] == "2026-11-28 10:00:00Z" and facts["B2C error"].startswith("AADB2C90006")
    page.set_content(ERROR_PAGE.replace("<div>Timestamp: 2026-11-28 10:00:00Z</div>", ""))
    assert page_facts(page, "https://jwt.ms")["B2C timestamp"] == ""
    assert time.monotonic() - started < 5  # nothing waited out the 15 s action timeout


def test_a_number_field_that_is_not_type_tel_is_mobile_ids_form_but_not_shown(page: Page) -> None:
    """What e2e/test_mobile_device.py tells apart: Mobile ID's number page without the phone keypad, not another page."""
    page.set_content('<form id="mid-login"><input id="msisdn" name="msisdn" type="text"></form>')
    mobile = MobileIDLoginPage(page)
    with pytest.raises(JourneyFailure, match=r"expected Mobile ID's number page \(input\[type=tel\]:not\(#api \*\)\)"):
        mobile.wait_until_shown(timeout=1_000)
    assert mobile.has_number_form()
    page.set_content(MAINTENANCE)
    assert not mobile.has_number_form()


def test_a_user_flows_mobile_id_button_is_the_one_named_after_its_idp_whole(page: Page) -> None:
    """User flows give the button no id of ours (reference b2c.md 1.3): its text is the IdP's Name in the portal."""
    page.set_content("""<html><body><div id="api" data-name="Unified"><div class="claims-provider-list-buttons">
<button class="accountButton" id="FacebookExchange">Sign in with Mobile ID soon</button>
<button class="accountButton" id="OIDC-1">Swiss Mobile-ID</button></div></div></body></html>""")
    assert B2CSignUpOrSignInPage(page, "Swiss Mobile ID").mobile_id_button.get_attribute("id") == "OIDC-1"
    assert B2CSignUpOrSignInPage(page).mobile_id_button.count() == 0  # "Mobile ID" is not the name of either button
    page.set_content(UNIFIED.replace('id="MobileIDExchange">Mobile ID', 'id="OIDC-2">Mobile ID'))  # a user flow's, no id of ours
    assert B2CSignUpOrSignInPage(page, "Mobile-ID").mobile_id_button.get_attribute("id") == "OIDC-2"  # hyphen or space alike
    page.set_content(UNIFIED.replace('id="MobileIDExchange">Mobile ID', 'id="OIDC-3">MobileID'))
    assert B2CSignUpOrSignInPage(page, "Mobile ID").mobile_id_button.get_attribute("id") == "OIDC-3"  # or nothing between


def test_mobile_ids_number_page_is_its_phone_field_whatever_its_form_but_not_b2cs_own(page: Page) -> None:
    """The real page's ids are not public (docs/contracts.md): a phone-number field outside B2C's #api is the number page;
    a phone field on B2C's own page (a phone sign-up) is not."""
    page.set_content('<html><body><main><input type="tel" autocomplete="tel"></main></body></html>')
    MobileIDLoginPage(page).wait_until_shown(timeout=2_000)
    page.set_content('<html><body><div id="api" data-name="Unified"><input type="tel" id="phoneNumber"></div></body></html>')
    with pytest.raises(JourneyFailure, match="the browser shows B2C's sign-in page"):
        MobileIDLoginPage(page).wait_until_shown(timeout=500)


def test_a_tap_sends_the_number_with_its_own_forms_button_whatever_the_forms_id(browser: Browser) -> None:
    """The number page is its phone field (the real page's ids are not public): a phone's tap sends the number with the
    submit button of that field's own form, not of a form only our emulator has (``form#mid-login``)."""
    context = browser.new_context(has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(3_000)  # a button that is not found fails soon
        page.route("https://m.mobileid.ch/oidc/authorize", lambda route: route.fulfill(content_type="text/html", body=(
            '<html><body><form id="msisdn-entry" method="post" action="/oidc/number"><input type="tel" name="msisdn">'
            '<button type="submit">Continue</button></form></body></html>')))
        posted = posts_to(page, "https://m.mobileid.ch/oidc/number", "<p>waiting</p>")
        page.goto("https://m.mobileid.ch/oidc/authorize")
        mobile = MobileIDLoginPage(page).wait_until_shown(timeout=2_000)
        assert mobile.number_page_texts()["button"] == "Continue"
        mobile.sign_in_with("+41791234567", tap=True)
        page.wait_for_url("https://m.mobileid.ch/oidc/number", timeout=5_000)
        assert posted == ["msisdn=%2B41791234567"]
    finally:
        context.close()


NUMBER_PAGE_REFUSING = """<html><body><form id="mid-login"><input type="tel" name="msisdn" value="+41791234567">
<p id="msisdn-error" role="alert">Enter the number without +</p></form></body></html>"""


def test_a_phone_with_nothing_to_approve_says_where_the_browser_is(page: Page) -> None:
    """No transaction started for the number: the failure names the page and its alert (here Mobile ID refusing the
    number's form), not only "no transaction", which says nothing of why."""
    from fixtures.mobile_id import ControlAPI, MobileID
    from fixtures.settings import build_settings

    page.set_content(NUMBER_PAGE_REFUSING)
    nothing = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(404, json={"error": "not_found"})))
    phone = MobileID(build_settings({}), ControlAPI(nothing, "https://mid.example/control", None), lambda message: None)
    with pytest.raises(JourneyFailure) as failure:
        phone.approve("+41791234567", MobileIDLoginPage(page))
    assert failure.value.cause.name == causes.PAGE_CHANGED
    assert "started no transaction for +41791234567" in str(failure.value)
    assert "the browser shows Mobile ID's number page saying 'Enter the number without +'" in str(failure.value)
    page.set_content('<html><body><p id="mid-error" role="alert"><code>mid_req_1010 - unknown client</code></p></body></html>')
    with pytest.raises(JourneyFailure, match="the browser shows Mobile ID's error page \\('mid_req_1010 - unknown client'\\)"):
        phone.approve("+41791234567", MobileIDLoginPage(page))


def test_a_waiting_page_on_another_mobile_id_host_is_not_the_phones_answer(page: Page) -> None:
    """The real service's hosts are not public: its waiting page may live on another host than the number page. Only
    arriving where the browser goes after Mobile ID (B2C, the app) is the answer; before, leaving the number page's
    host was, and a person approving was told the page "moved on" at once."""
    pages = {"https://m.mobileid.ch/login": "<html><body><form id='mid-login'><input type='tel'></form></body></html>",
             "https://login.mobileid.ch/wait": "<html><body><p>Waiting for your phone</p></body></html>"}
    page.route("**/*", lambda route: route.fulfill(status=200, content_type="text/html", body=pages.get(route.request.url.split("?")[0], "")))
    page.goto("https://m.mobileid.ch/login")
    mobile = MobileIDLoginPage(page, returns_to=("contoso.b2clogin.com", "jwt.ms")).wait_until_shown(timeout=2_000)
    page.goto("https://login.mobileid.ch/wait")
    assert mobile.on_mobile_id() and mobile.left_at() is None  # still Mobile ID's, on its other host
    with pytest.raises(JourneyFailure, match="the phone's answer did not reach the browser within 0.5 s"):
        mobile.wait_for_approval(500)
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp")
    mobile.wait_for_approval(500)  # at B2C: answered
    # The way back from that other host is the phone's answer too: its time is kept (the back-channel budget's start).
    assert not mobile.on_mobile_id() and mobile.left_at() is not None


WAITING_POLLS = WAITING.replace("</body>", "<script>fetch('/oidc/wait/status').catch(() => {});"
                                           "fetch('https://beacon.example/collect').catch(() => {});</script></body>")


@pytest.mark.parametrize("failing", ["https://m.mobileid.ch/oidc/wait/status", None])
def test_a_wait_that_runs_out_while_the_journeys_requests_fail_is_the_networks_failure(page: Page, failing: str | None) -> None:
    """A stack or service gone mid-journey leaves the browser on its last page: the waiting page's long-poll refused. That
    is infrastructure (retried, "broken" in the report, exit 5 in a repro), not a changed page or a silent phone; a
    failed request to a host the page never showed (an analytics beacon) is not the journey's."""
    def answer(route: Route) -> None:
        if route.request.url == failing:
            route.abort("connectionrefused")
        elif route.request.url.startswith("https://beacon.example/"):
            route.abort("namenotresolved")
        else:
            route.fulfill(body=WAITING_POLLS, content_type="text/html")
    page.route("**/*", answer)
    watch = waiting.watch_network(page)
    with page.expect_event("requestfailed", lambda request: request.url == (failing or "https://beacon.example/collect")):
        page.goto("https://m.mobileid.ch/oidc/wait")
    mobile = MobileIDLoginPage(page, host="m.mobileid.ch")
    with pytest.raises(JourneyFailure) as approval:
        mobile.wait_for_approval(300)
    with pytest.raises(JourneyFailure) as redirect:
        JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=300)
    if failing:
        assert [f.error for f in watch.failures.values()] == ["net::ERR_CONNECTION_REFUSED"], watch.failures
        for failure in (approval.value, redirect.value):
            # A refused connection is its host's line (tests/suite/test_host_refusing_connections.py).
            assert failure.cause == causes.host_refused_connections("m.mobileid.ch"), failure.cause
            assert f"meanwhile its requests failed: net::ERR_CONNECTION_REFUSED at {failing}" in str(failure)  # which request
    else:
        assert watch.failures == {}  # the beacon's host was never shown
        assert (approval.value.cause.name, redirect.value.cause.name) == (causes.MOBILE_ID_OUTCOME, causes.PAGE_CHANGED)


def test_a_fragment_the_page_changes_keeps_the_documents_failed_requests(page: Page) -> None:
    """A script that changes its URL's fragment stays on the same document: the requests it could not make meanwhile are
    still the network's failure, not forgotten as if a new document had come."""
    failing = "https://m.mobileid.ch/oidc/wait/status"
    page.route("**/*", lambda route: route.abort("connectionrefused") if route.request.url == failing
               else route.fulfill(body=WAITING_POLLS, content_type="text/html"))
    watch = waiting.watch_network(page)
    with page.expect_event("requestfailed", lambda request: request.url == failing):
        page.goto("https://m.mobileid.ch/oidc/wait")
    page.evaluate("location.hash = 'polling'")
    page.wait_for_url("**#polling")
    assert [f.error for f in watch.failures.values()] == ["net::ERR_CONNECTION_REFUSED"], watch.failures
    assert waiting.network_failure(page) == causes.host_refused_connections("m.mobileid.ch")


def test_b2cs_error_page_stays_b2cs_finding_while_its_own_requests_fail(page: Page) -> None:
    """A dead end says its own cause: B2C's error page whose script's request to B2C's host is refused meanwhile is what
    its code says (here the app's registration: a verdict, never retried), not the network's failure, which only a page
    that is no dead end is blamed on."""
    def answer(route: Route) -> None:
        if route.request.url.endswith("/telemetry"):
            route.abort("connectionrefused")
        else:
            route.fulfill(body=ERROR_PAGE.replace("</body>", "<script>fetch('/telemetry').catch(() => {});</script></body>"),
                          content_type="text/html")
    page.route("https://contoso.b2clogin.com/**", answer)
    watch = waiting.watch_network(page)
    with page.expect_event("requestfailed"):
        page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp")
    assert [f.error for f in watch.failures.values()] == ["net::ERR_CONNECTION_REFUSED"], watch.failures
    words, cause = waiting.what_the_browser_shows(page)
    assert cause is not None and cause.name == causes.TENANT_CONFIGURATION and cause.detail.startswith("AADB2C90006"), (words, cause)
    with pytest.raises(JourneyFailure) as failure:
        JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=300)
    assert failure.value.cause == cause and "meanwhile" not in str(failure.value), str(failure.value)


REFUSING = "<html><body><p>start</p><script>fetch('/first').catch(() => fetch('/second')).catch(() => {});</script></body></html>"


def test_the_networks_failure_is_the_latest_of_the_page_shown_and_forgotten_with_it(page: Page) -> None:
    """The cause names the latest refused request (the one the journey last met); once the next document came, the
    earlier page's failures are no longer the network's failure of this one: a page no page object knows is
    "page changed", a finding, not infrastructure retried into green."""
    def answer(route: Route) -> None:
        if route.request.url.endswith(("/first", "/second")):  # the second's error its own: its URL said
            route.abort("connectionrefused" if route.request.url.endswith("/first") else "connectionreset")
        else:
            route.fulfill(body=MAINTENANCE if route.request.url.endswith("/next") else REFUSING, content_type="text/html")
    page.route("https://contoso.b2clogin.com/**", answer)
    waiting.watch_network(page)
    with page.expect_event("requestfailed", lambda request: request.url.endswith("/second")):
        page.goto("https://contoso.b2clogin.com/start")
    assert waiting.network_failure(page) == causes.Cause(causes.INFRASTRUCTURE, "net::ERR_CONNECTION_RESET at https://contoso.b2clogin.com/second")
    page.goto("https://contoso.b2clogin.com/next")
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=300)
    assert failure.value.cause.name == causes.PAGE_CHANGED and "meanwhile" not in str(failure.value), str(failure.value)


def follow_a_link_to_jwt_ms_that_fails(page: Page, error: str) -> None:
    """A page on B2C's host (watched, as every journey's page is) follows a link to jwt.ms, whose navigation fails with
    ``error`` (Playwright's abort code)."""
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(
        body='<html><body><a id="go" href="https://jwt.ms/">go</a></body></html>', content_type="text/html"))
    page.route("https://jwt.ms/**", lambda route: route.abort(error))
    waiting.watch_network(page)
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp")
    with page.expect_event("requestfailed"):
        page.click("#go")


def test_a_navigation_refused_on_the_way_is_the_networks_failure_not_a_changed_page(page: Page) -> None:
    """A form post or link to a host that went away: Chromium shows its own error page (chrome-error://), the journey's
    next wait runs out there, and the report says the network failed, naming the request."""
    follow_a_link_to_jwt_ms_that_fails(page, "connectionrefused")
    with pytest.raises(JourneyFailure) as failure:
        JwtMsPage(page, "https://jwt.ms/callback").wait_for_redirect(timeout=500)
    assert failure.value.cause == causes.host_refused_connections("jwt.ms"), str(failure.value)


def test_the_failed_navigation_is_the_one_that_failed_not_the_document_it_cut_short(page: Page) -> None:
    """The app's page came, still loading (its body not all there), when the browser went on to a page that failed: as
    Chromium's error page commits, the document it replaces is cut short (net::ERR_ABORTED), after the failure. That is
    not the navigation that failed."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        def answer_in_part() -> None:
            connection, _ = server.accept()
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>" + b" " * 2000)
            held.append(connection)  # the rest of the body never comes while the test runs

        held: list[socket.socket] = []
        answering = threading.Thread(target=answer_in_part, daemon=True)
        answering.start()
        waiting.watch_network(page)
        page.goto(f"http://127.0.0.1:{server.getsockname()[1]}/app", wait_until="commit")
        answering.join()
        page.route("https://jwt.ms/**", lambda route: route.abort("blockedbyresponse"))
        with page.expect_event("requestfailed", lambda request: request.url.startswith("http://127.0.0.1")):
            with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_RESPONSE"):
                page.goto("https://jwt.ms/")
        for connection in held:
            connection.close()
    assert waiting.failed_navigation(page) == waiting.NetworkFailure("https://jwt.ms/", "net::ERR_BLOCKED_BY_RESPONSE")


@pytest.mark.parametrize("answer", [{"status": 204}, {"status": 200, "headers": {"Content-Disposition": "attachment; filename=a.bin"}}],
                         ids=["a 204", "a download"])
def test_a_navigation_answered_with_no_document_is_the_failed_navigation(page: Page, answer: dict) -> None:
    """The app's address answered with no page (a 204, a download): Chromium ends the navigation (net::ERR_ABORTED) after
    its answer, and the browser stays where it was. That navigation failed (Journey.redirect: "B2C redirected to ..., but
    the browser could not load it"), though it was answered: not "B2C did not redirect"."""
    waiting.watch_network(page)
    page.route("https://jwt.ms/**", lambda route: route.fulfill(**answer))
    with page.expect_event("requestfailed"):
        with pytest.raises(PlaywrightError):
            page.goto("https://jwt.ms/")
    assert waiting.failed_navigation(page) == waiting.NetworkFailure("https://jwt.ms/", "net::ERR_ABORTED")


def test_a_wait_across_pages_stops_at_chromiums_error_page(page: Page) -> None:
    """Chromium's page for a failed navigation never moves on: a wait across pages stops there rather than hanging until
    its timeout (a minute here), and the page is said in words with the navigation's own error."""
    follow_a_link_to_jwt_ms_that_fails(page, "failed")
    page.wait_for_url("chrome-error://**", wait_until="commit")
    started = time.monotonic()
    assert not waiting.follow_navigations(page, lambda url: url.startswith("https://jwt.ms/#"), "#decodedToken", timeout=60_000)
    assert time.monotonic() - started < 30  # stopped at the error page, not at the wait's end
    # net::ERR_FAILED is no network failure the suite knows: the navigation's error, said as it is, not blamed on the network.
    words, cause = waiting.what_the_browser_shows(page)
    assert cause == causes.Cause(causes.OTHER, "a navigation failed: net::ERR_FAILED at https://jwt.ms/"), (words, cause)


def test_a_page_wait_stops_at_chromiums_error_page(page: Page) -> None:
    """B2C sends the browser to a Mobile ID that went away: the wait for Mobile ID's number page stops at Chromium's own
    error page (which no locator can wait for), blaming the network, rather than at its timeout (a minute here)."""
    follow_a_link_to_jwt_ms_that_fails(page, "connectionrefused")
    page.wait_for_url("chrome-error://**", wait_until="commit")
    started = time.monotonic()
    with pytest.raises(JourneyFailure, match=r"the wait stopped at a dead end; the browser shows Chromium's page") as failure:
        MobileIDLoginPage(page, host="m.mobileid.ch").wait_until_shown(timeout=60_000)
    assert time.monotonic() - started < 30
    assert failure.value.cause == causes.host_refused_connections("jwt.ms"), str(failure.value)


def test_b2cs_error_page_built_bit_by_bit_is_no_dead_end_to_its_own_wait(page: Page) -> None:
    """B2C builds its error page by script: its frame first, the message later. The wait for the error page waits for the
    message; the frame alone, the other pages' dead end, does not stop it. Nor does B2C's address for an identity provider's
    answer, which carries Mobile ID's error when it answers in the query: no error sent to the app."""
    frame, message = ERROR_PAGE.split('<div class="error-page-detail">', 1)
    built_late = (frame + "</div></div></body></html>" + "<script>setTimeout(() => { const detail = document.createElement('div');"
                  " detail.className = 'error-page-detail'; detail.textContent = "
                  f"{message.split('</div>', 1)[0]!r}; document.querySelector('.error-page-messagedetails').append(detail); }}, 600)</script>")
    authresp = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?error=access_denied&state=s1"
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(content_type="text/html", body=built_late))
    page.goto(authresp)
    error_page = B2CErrorPage(page).wait_until_shown(timeout=60_000)
    assert error_page.error_code() == "AADB2C90006"
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(content_type="text/html", body=UNIFIED))
    page.goto(authresp)
    assert waiting.what_the_browser_shows(page) == ("B2C's sign-in page", None)


def test_the_waiting_pages_number_is_not_waited_for_at_a_dead_end(page: Page) -> None:
    """The number page's post refused (Chromium's own error page, which no locator waits for) or answered with B2C's error
    page: the wait for the transaction number stops there, said as a dead end, rather than at its timeout (a minute here)."""
    page.route("https://m.mobileid.ch/oidc/login", lambda route: route.fulfill(content_type="text/html", body=(
        '<html><body><form method="post" action="https://m.mobileid.ch/oidc/wait"><input type="tel" id="msisdn"></form></body></html>')))
    page.route("https://m.mobileid.ch/oidc/wait", lambda route: route.abort("connectionrefused"))
    waiting.watch_network(page)
    page.goto("https://m.mobileid.ch/oidc/login")
    with page.expect_event("requestfailed"):
        page.locator("form").evaluate("form => form.submit()")
    mobile = MobileIDLoginPage(page, host="m.mobileid.ch")
    with pytest.raises(JourneyFailure, match=r"the wait stopped at a dead end; the browser shows Chromium's page") as refused:
        mobile.transaction_number(timeout=60_000)
    assert refused.value.cause == causes.host_refused_connections("m.mobileid.ch")
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(content_type="text/html", body=ERROR_PAGE))
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp")
    with pytest.raises(JourneyFailure, match=r"the wait stopped at a dead end; the browser shows B2C's error page") as b2c_error:
        mobile.transaction_number(timeout=60_000)
    assert b2c_error.value.cause.name == causes.TENANT_CONFIGURATION, b2c_error.value.cause
    page.set_content(WAITING)  # and the number, once the waiting page is there
    assert mobile.transaction_number(timeout=60_000) == "K7Q2"


@pytest.mark.parametrize("retry", ["answered", "held open"])
def test_a_refused_poll_that_is_tried_again_is_not_the_network_gone(page: Page, retry: str) -> None:
    """The waiting page retries its long-poll: one refused poll is a blip once another is answered or, as a healthy
    service does until the phone answers, held open; a phone that then stays silent is still Mobile ID's outcome, not
    infrastructure (which would be retried and reported "broken")."""
    held: list[Route] = []

    def status(route: Route) -> None:
        if not held and route.request.url.endswith("?try=1"):
            route.abort("connectionrefused")
        elif retry == "answered":
            route.fulfill(json={"status": "pending"})
        else:
            held.append(route)  # not answered while the test looks
    page.route("https://m.mobileid.ch/oidc/wait", lambda route: route.fulfill(body=WAITING.replace(
        "</body>", "<script>fetch('/oidc/wait/status?try=1').catch(() => fetch('/oidc/wait/status?try=2'))</script></body>"),
        content_type="text/html"))
    page.route("https://m.mobileid.ch/oidc/wait/status?**", status)
    watch = waiting.watch_network(page)
    with page.expect_event("request", lambda request: request.url.endswith("?try=2")):
        page.goto("https://m.mobileid.ch/oidc/wait")
    # The refused poll was noted (the retry follows its failure), so what follows is its being taken back.
    assert [failure.error for failure in watch.failures.values()] == ["net::ERR_CONNECTION_REFUSED"], watch.failures
    # Answered: taken back at once. Held open: once it has stood a moment (a refused retry would have failed by then).
    if retry == "answered":
        page.wait_for_event("requestfinished", lambda request: request.url.endswith("?try=2"))
        assert watch.current_failures() == [], watch.failures
    with pytest.raises(JourneyFailure) as silent:
        MobileIDLoginPage(page, host="m.mobileid.ch").wait_for_approval(waiting.RETRY_STANDS_S * 1000 + 300)
    assert silent.value.cause.name == causes.MOBILE_ID_OUTCOME, str(silent.value)


def test_the_apps_page_says_which_part_of_the_url_brought_the_answer(page: Page) -> None:
    """The journeys hold B2C to the response_mode the app asked for (a token in a query reaches server logs)."""
    page.route("https://jwt.ms/**", lambda route: route.fulfill(body="<html><body>app</body></html>", content_type="text/html"))
    app = JwtMsPage(page, "https://jwt.ms")
    page.goto("https://jwt.ms/?id_token=x.y.z&state=s1")
    assert (app.result().carried_in, app.result().state) == ("query", "s1")
    page.goto("https://jwt.ms/#id_token=x.y.z&state=s2")
    assert (app.result().carried_in, app.result().state) == ("fragment", "s2")


def test_a_retry_just_sent_does_not_yet_take_the_failure_back(page: Page) -> None:
    """A refused retry's failure reaches the suite a moment after its request (through a route handler, on a busy
    machine): until the retry has stood RETRY_STANDS_S, the URL's failure still counts, so a wait that ends in that
    moment is the network's, not a silent phone (tests/suite/test_network_gone.py met it under load)."""
    watch = waiting.watch_network(page)
    url = "https://m.mobileid.ch/oidc/wait/status"
    watch.failures[url] = waiting.NetworkFailure(url, "net::ERR_CONNECTION_REFUSED")
    watch.retried[url] = time.monotonic()  # the retry's request came; its failure has not yet
    assert [f.url for f in watch.current_failures()] == [url]
    watch.retried[url] = time.monotonic() - waiting.RETRY_STANDS_S  # it has stood: a healthy long-poll held open
    assert watch.current_failures() == []


def test_b2cs_correlation_id_is_read_from_its_page_sources_comment(page: Page) -> None:
    """A sign-in with no error carries B2C's correlation ID only in the comment atop its page's source (reference b2c.md):
    read from there, whatever the comment's words around it; no such comment, no ID."""
    for words in ("CorrelationId: ", "Correlation ID:"):
        page.set_content(f"<!-- {words}0f8fad5b-d9cb-469f-a165-70867728950e -->{UNIFIED}")
        assert B2CSignUpOrSignInPage(page).correlation_id() == "0f8fad5b-d9cb-469f-a165-70867728950e", words
    page.set_content(f"<!-- build 2026.11 -->{UNIFIED}")
    assert B2CSignUpOrSignInPage(page).correlation_id() is None


def test_a_journey_held_on_b2cs_sign_in_page_names_its_correlation_id_where_it_stopped(page: Page) -> None:
    """The evidence's "where it stopped" of a journey left on B2C's sign-in page (an error of Mobile ID's swallowed at
    /oauth2/authresp): the page shows no error, its source's comment still has the ID B2C's logs find the sign-in by."""
    sign_in = f"<!-- CorrelationId: 0f8fad5b-d9cb-469f-a165-70867728950e -->{UNIFIED}"
    page.route(lambda url: True, lambda route: route.fulfill(content_type="text/html", body=sign_in))
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?code=c&state=s")
    assert page_facts(page, "https://jwt.ms")["B2C correlation ID"] == "0f8fad5b-d9cb-469f-a165-70867728950e"
    page.set_content(f"<!-- build 2026.11 -->{UNIFIED}")
    assert "B2C correlation ID" not in page_facts(page, "https://jwt.ms")


def test_the_waits_figures_in_the_docs_are_the_codes() -> None:
    """docs/suite.md, Waits: one timeout, TIMEOUT_MS = 15 s, which is also a journey page's action timeout and expect()'s;
    and "connect waits at most 150 s" for a browser server's answer (E2E_BROWSER_WS_ENDPOINT)."""
    from unittest import mock

    from playwright.sync_api import expect

    from fixtures.browser import CONNECT_TIMEOUT_MS
    from fixtures.journey import Journey
    from fixtures.settings import build_settings

    doc = (ROOT / "docs" / "suite.md").read_text()
    assert f"`TIMEOUT_MS` = {waiting.TIMEOUT_MS / 1000:g} s" in doc and f"`connect` waits at most {CONNECT_TIMEOUT_MS / 1000:g} s" in doc
    page = mock.MagicMock()
    Journey(page, mock.MagicMock(), mock.MagicMock(), build_settings({}))
    page.set_default_timeout.assert_called_once_with(waiting.TIMEOUT_MS)
    assert expect._timeout == waiting.TIMEOUT_MS  # set where the journeys' module is loaded (Playwright keeps it there)


@pytest.mark.parametrize(("url", "address", "there"), [
    ("https://jwt.ms/#id_token=x&state=s", "https://jwt.ms", True),
    ("https://jwt.ms/?code=x", "https://jwt.ms", True),  # the answer in the query: still the app's address
    ("https://jwt.ms/callback#id_token=x", "https://jwt.ms", False),  # another path of the app's host
    ("http://jwt.ms/#id_token=x", "https://jwt.ms", False),
    ("https://jwt.ms.evil.example/#id_token=x", "https://jwt.ms", False),
    ("https://app.contoso.test/signin-oidc/#code=x", "https://app.contoso.test/signin-oidc", False),
    ("https://app.contoso.test:8443/signin-oidc?code=x", "https://app.contoso.test/signin-oidc", False),
])
def test_the_apps_page_is_its_redirect_uri_exactly_whatever_the_answer_carries(url: str, address: str, there: bool) -> None:
    """A journey arrives at the app only at its redirect URI: B2C sending the answer to another path, scheme, port or a
    look-alike host is not the app's page (the journeys compared prefixes, and passed with the token at .../callback)."""
    assert waiting.at_address(url, address) is there


@pytest.mark.parametrize("skew_s", [0, -10, 10], ids=["same clock", "browser behind", "browser ahead"])
def test_waiting_past_a_tokens_second_takes_this_machines_time_whatever_the_browsers_clock(page: Page, skew_s: int) -> None:
    """fixtures/journey.py past_the_second_of: until this machine's clock is past the token's second (one second at most),
    however far the browser's clock is from this machine's (a remote browser's): neither a timeout nor no wait at all."""
    from fixtures.journey import past_the_second_of

    page.evaluate("skew => { const now = Date.now.bind(Date); Date.now = () => now() + skew; }", skew_s * 1000)
    token = {"iat": int(time.time())}
    past_the_second_of(page, token)
    assert time.time() >= token["iat"] + 1 - 0.005  # (the browser counts whole milliseconds)


MOBILE_ID_SYSTEM_ERROR = '<html><body><pre>{"error":"server_error","error_description":"mid_sys_9900_1ESJ9RJX - System error"}</pre></body></html>'


def test_a_number_form_answered_with_mobile_ids_error_ends_the_phones_wait_there_naming_its_code(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mobile ID answering the number form with its system error starts no sign-in: the phone's wait ends at its first
    look at the browser (not at the approval timeout, 30 s later), under Mobile ID's code (not "page changed")."""
    import threading

    from fixtures import mobile_id
    from fixtures.settings import build_settings

    monkeypatch.setattr(mobile_id, "CONTROL_WAIT_SLICE", 0.2)
    asked: list[str] = []

    def holds_then_finds_nothing(request: httpx.Request) -> httpx.Response:  # as the emulator holds the call for its wait
        asked.append(request.url.params["wait"])
        threading.Event().wait(float(request.url.params["wait"]))
        return httpx.Response(404, json={"error": "not_found"})

    page.set_content(MOBILE_ID_SYSTEM_ERROR)
    control = mobile_id.ControlAPI(httpx.Client(transport=httpx.MockTransport(holds_then_finds_nothing)), "https://mid.example/control", None)
    phone = mobile_id.MobileID(build_settings({}), control, lambda message: None)
    with pytest.raises(JourneyFailure) as failure:
        phone.approve("+41791234567", MobileIDLoginPage(page))
    assert asked == ["0.2"], f"the phone's wait was not cut short at the dead end: waits asked {asked}"
    assert (failure.value.cause.name, failure.value.cause.detail) == (causes.MOBILE_ID_OUTCOME, "mid_sys_9900 (at about:blank)")
    assert "which shows Mobile ID's mid_sys_9900" in str(failure.value)
    from fixtures.reporting import page_facts

    assert page_facts(page, "https://jwt.ms")["Mobile ID code"] == "mid_sys_9900_1ESJ9RJX"  # the report's "where it stopped"


def test_b2cs_error_page_known_by_its_class_alone_is_a_dead_end_too(page: Page) -> None:
    """docs/suite.md: B2C's error page is `#api[data-name="GlobalException"]` or `#api.error-page-content`: a tenant's
    page layout may leave out the data-name (reference b2c.md, unconfirmed for globalexception 1.2.x)."""
    page.set_content(ERROR_PAGE.replace('data-name="GlobalException"', 'class="error-page-content"'))
    assert B2CErrorPage(page).is_shown()
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=10_000)
    assert time.monotonic() - started < 5 and failure.value.cause.name == causes.TENANT_CONFIGURATION, failure.value.cause


def test_the_waiting_pages_facts_name_mobile_ids_transaction(page: Page) -> None:
    """docs/suite.md, evidence: where the journey stopped names Mobile ID's transaction number, which the person on the
    phone (or Mobile ID's support) matches the failure with."""
    page.route("https://m.mobileid.ch/**", lambda route: route.fulfill(body=WAITING, content_type="text/html"))
    page.goto("https://m.mobileid.ch/oidc/wait")
    assert page_facts(page, "https://jwt.ms")["Mobile ID transaction"] == "K7Q2"


def test_a_page_whose_load_never_ends_takes_at_most_half_the_wait_for_its_load(page: Page) -> None:
    """docs/suite.md, Waits: the document may load first for at most half the wait and LOAD_FIRST_MS (5 s): a short wait
    on a page whose load never ends still looks at the page in its second half, rather than spend it all on the load."""
    assert waiting.LOAD_FIRST_MS == 5_000
    page.route("https://contoso.b2clogin.com/hangs.js", lambda route: None)  # never answered: load never fires
    page.route("https://contoso.b2clogin.com/page", lambda route: route.fulfill(body=HUNG_SCRIPT_PAGE, content_type="text/html"))
    page.goto("https://contoso.b2clogin.com/page", wait_until="commit")
    started = time.monotonic()
    B2CSignUpOrSignInPage(page).wait_until_shown(timeout=4_000)
    assert time.monotonic() - started < 3.5, "the load may take half of a 4 s wait, 2 s, not all of it"


def test_the_docs_look_again_as_often_as_the_waits_do() -> None:
    """docs/suite.md, Waits: a document is looked at again every 200 ms (``LOOK_AGAIN_MS``), and so is the URL of a page
    that never moves on: each such figure of the docs is the constant's."""
    waits = (ROOT / "docs" / "suite.md").read_text()
    said = {int(ms) for ms in re.findall(r"every (\d+) ms", " ".join(waits.split()))}
    assert said == {waiting.LOOK_AGAIN_MS}, said


OUTAGE = "<html><head><title>Service Unavailable</title></head><body><h1>We'll be back soon</h1></body></html>"


@pytest.mark.parametrize(("status", "cause"), [
    (503, causes.Cause(causes.INFRASTRUCTURE, "https://contoso.b2clogin.com answered HTTP 503 (Service Unavailable)")),
    (500, causes.Cause(causes.INFRASTRUCTURE, "https://contoso.b2clogin.com answered HTTP 500 (Service Unavailable)")),  # (its title)
    (404, None),
], ids=["an outage", "a server error", "a page not found"])
def test_a_page_answered_with_an_http_error_says_its_status_without_the_journeys_own_query(page: Page, status: int,
                                                                                          cause: causes.Cause | None) -> None:
    """A tenant's outage page (503): the service's failure, infrastructure and retried, as a discovery's 5xx is; not
    "page changed", which sent the team to its selectors. Said without the URL's query (each journey's nonce and state),
    so one outage is one cause in the report, not one per journey."""
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(status=status, body=OUTAGE, content_type="text/html"))
    waiting.watch_network(page)
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize?nonce=n-4711&state=s-4711")
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=500)
    assert "n-4711" not in failure.value.cause.detail and "n-4711" not in str(failure.value), failure.value
    assert f"authorize (HTTP {status}, title 'Service Unavailable')" in str(failure.value), str(failure.value)
    if cause is not None:
        assert failure.value.cause == cause
    else:
        assert failure.value.cause.name == causes.PAGE_CHANGED


def test_a_new_users_profile_page_without_a_display_name_from_mobile_id_names_why_for_each_kind_of_policy(page: Page) -> None:
    """A required display name Mobile ID left empty is the set-up's (Mobile ID's name only in userinfo, which a user flow
    cannot read: reference mobileid.md Unconfirmed 3), said before the journey continues into B2C's refusal."""
    from tests.journeys_in_process import journey_on

    journey = journey_on(page)
    profile = '<div id="api" data-name="SelfAsserted"><input id="displayName" value="{}"><button id="continue">Continue</button></div>'
    page.set_content(profile.format(""))
    for policy, says in (("B2C_1_signupsignin", 'claims mapping "Display name = name" (a user flow maps the ID token\'s claims alone'),
                         ("B2C_1A_signup_signin", "MobileID-OAuth2 technical profile's displayName (PartnerClaimType name) got nothing")):
        with pytest.raises(JourneyFailure) as failure:
            journey.require_name_from_mobile_id(policy)
        assert failure.value.cause == causes.Cause(causes.TENANT_CONFIGURATION, "no display name from Mobile ID on B2C's profile page")
        assert says in str(failure.value) and "Fix: " in str(failure.value), str(failure.value)
    page.set_content(profile.format("+41790000001"))
    journey.require_name_from_mobile_id("B2C_1_signupsignin")  # prefilled: nothing to say
    page.set_content('<div id="api" data-name="SelfAsserted"><input id="givenName"><button id="continue">Continue</button></div>')
    page.set_default_timeout(30_000)
    started = time.monotonic()
    journey.require_name_from_mobile_id("B2C_1_signupsignin")  # a user flow that does not collect it: at once, not after a wait
    assert time.monotonic() - started < 10, "a look that waited for the missing field (30 s here), not one that counted it"


UNIFIED_WITH_LOCAL_FORM = """<html><body><div id="api" data-name="Unified"><div class="claims-provider-list-buttons social">
<div class="intro"><h2>Sign in with your social account</h2></div>
<div class="options"><div><button class="accountButton firstButton claims-provider-selection" id="SwisscomExchange" role="link">Swisscom Login</button>
</div></div></div><div class="divider"><h2>OR</h2></div>
<form id="localAccountForm" class="localAccount"><div class="intro"><h2>Sign in with your email address</h2></div>
<div class="entry"><div class="buttons"><button id="next" type="submit" form="localAccountForm">Sign in</button></div></div></form></div></body></html>"""
PROFILE_PAGE = """<html><body><div id="api" data-name="SelfAsserted"><div class="buttons"></div><div class="intro"><p>Please provide the following details.</p></div>
<form id="attributeVerification"><div id="requiredFieldMissing" class="error pageLevel" role="alert" aria-hidden="true" style="display: none;">A required field is missing.</div>
<div id="attributeList" class="attr"><ul><li class="EmailBox email_li"><div class="attrEntry"><label for="email">Email Address</label><input id="email" type="email">
<div class="buttons verify" data-claim_id="email"><button id="email_ver_but_send" type="button">Send verification code</button></div></div></li></ul></div>
<div class="buttons"><button id="continue" type="submit" form="attributeVerification">Create</button><button id="cancel" type="button">Cancel</button></div>
</form></div></body></html>"""


def test_the_sign_in_pages_buttons_are_its_providers_not_the_local_accounts(page: Page) -> None:
    """Reference b2c.md 1.2: the providers' buttons are those in .claims-provider-list-buttons; the local account form's
    Sign in (#next) is none of them, and a page with that form alone shows no provider (its wait does not end there)."""
    page.set_content(UNIFIED_WITH_LOCAL_FORM)
    unified = B2CSignUpOrSignInPage(page).wait_until_shown(timeout=2_000)
    assert unified.provider_names() == ["Swisscom Login"]
    with pytest.raises(JourneyFailure) as failure:
        unified.choose_mobile_id(timeout=500)
    assert failure.value.cause.detail == "B2C's sign-in page has no Mobile ID button; its buttons: ['Swisscom Login']"
    page.evaluate("document.querySelector('.claims-provider-list-buttons').remove(); document.querySelector('#api > .divider').remove()")
    assert unified.social_intro_text() is None  # the local form's intro is not the social one
    with pytest.raises(JourneyFailure, match=r"expected B2C's sign-in page"):
        unified.wait_until_shown(timeout=500)


def test_each_b2c_page_object_knows_its_own_page_by_its_data_name(page: Page) -> None:
    """Reference b2c.md 1.2, 1.4, 1.5: #api is every hosted page's; its data-name tells the sign-in, profile and error pages apart."""
    for content, shown in ((UNIFIED, B2CSignUpOrSignInPage), (PROFILE_PAGE, B2CSelfAssertedPage), (ERROR_PAGE, B2CErrorPage)):
        page.set_content(content)
        assert [kind for kind in (B2CSignUpOrSignInPage, B2CSelfAssertedPage, B2CErrorPage) if kind(page).is_shown()] == [shown], shown


def test_the_profile_pages_continue_is_its_own_button_and_every_page_level_error_is_read(page: Page) -> None:
    """Reference b2c.md 1.4: the email verification's buttons come before #continue; an error of the page's (here
    #requiredFieldMissing) is one the profile page shows, as is the server's."""
    page.set_content(PROFILE_PAGE)
    profile = B2CSelfAssertedPage(page)
    assert profile.continue_label() == "Create"
    assert profile.visible_errors() == []
    page.evaluate("""const missing = document.querySelector('#requiredFieldMissing');
missing.style.display = 'block'; missing.setAttribute('aria-hidden', 'false');""")
    assert profile.visible_errors() == ["A required field is missing."]


@pytest.mark.parametrize("template", ["Classic", "Ocean Blue"])
def test_a_profile_fields_name_is_its_label_or_where_the_template_hides_it_its_placeholder(page: Page, template: str) -> None:
    """What a person reads as a field's name: the label (Classic), or the placeholder where the template hides the label
    (Ocean Blue, B2C's default, hides a text box's: on a tenant the label was read as missing); nothing when the field is hidden."""
    hidden = "<style>#attributeList ul li.TextBox label { display: none !important; }</style>" if template == "Ocean Blue" else ""
    page.set_content(f"""<html><head>{hidden}</head><body><div id="api" data-name="SelfAsserted"><form id="attributeVerification">
<div id="attributeList" class="attr"><ul><li class="TextBox givenName_li"><div class="attrEntry"><label id="givenName_label" for="givenName">Given Name</label>
<input id="givenName" class="textInput" type="text" placeholder="Given Name"></div></li>
<li class="TextBox surname_li" style="display: none"><div class="attrEntry"><label for="surname">Surname</label>
<input id="surname" class="textInput" type="text" placeholder="Surname"></div></li></ul></div></form></div></body></html>""")
    profile = B2CSelfAssertedPage(page)
    assert profile.field_label("givenName") == "Given Name" and profile.field_label("surname") is None
    assert page.locator("label[for=givenName]").is_visible() is (template == "Classic")


@pytest.mark.parametrize("template", ["the emulator's", "Classic", "Ocean Blue"])
def test_a_fields_error_is_b2cs_as_marked_whether_or_not_the_template_shows_it(page: Page, template: str) -> None:
    """B2C's inline error of a required field left empty: Ocean Blue, B2C's default template, hides every item-level error
    (people read the page-level one), Classic shows it in a validated entry. The journeys asked for it visible and passed on
    the emulator's layout alone; an error B2C has not marked (stale text, aria-hidden) is none."""
    css = {"the emulator's": ".error.itemLevel[aria-hidden=true] { display: none; }",
           "Classic": ".error.itemLevel { display: none; } .attrEntry.validate .error.itemLevel.show { display: block; }",
           "Ocean Blue": "#attributeList ul li .attrEntry .itemLevel { display: none; }"}[template]
    page.set_content(f"""<html><head><style>{css}</style></head><body><div id="api" data-name="SelfAsserted"><form id="attributeVerification">
<div id="attributeList" class="attr"><ul><li class="TextBox displayName_li"><div class="attrEntry validate">
<div class="error itemLevel show" role="alert" aria-hidden="false">This information is required.</div><input id="displayName" type="text"></div></li>
<li class="TextBox givenName_li"><div class="attrEntry validate"><div class="error itemLevel" role="alert" aria-hidden="true">earlier words</div>
<input id="givenName" type="text" value="Anna"></div></li></ul></div></form></div></body></html>""")
    profile = B2CSelfAssertedPage(page)
    assert profile.field_error("displayName") == "This information is required."
    assert profile.field_error("givenName") is None and profile.field_error("surname") is None
    assert page.locator(".displayName_li .itemLevel").is_visible() is (template != "Ocean Blue")


def test_a_wait_at_b2cs_profile_page_names_it_and_b2c_keeping_it_there_only_without_an_error(page: Page) -> None:
    """The profile page as filled in, where B2C was to move on, is B2C's broken promise; with an error on it, it may ask for
    what the page objects do not fill in: no finding of B2C's then (pages/waiting.py b2c_stayed_on_its_own_page)."""
    page.set_content(PROFILE_PAGE)
    with pytest.raises(JourneyFailure, match="the browser shows B2C's profile page"):
        MobileIDLoginPage(page).wait_until_shown(timeout=500)
    kept = waiting.b2c_stayed_on_its_own_page(page, "a redirect to https://jwt.ms")
    assert kept is not None and kept.name == causes.BROKEN_PROMISE and kept.detail.endswith("the browser shows B2C's profile page")
    page.evaluate("document.querySelector('#requiredFieldMissing').style.display = 'block'")
    assert waiting.b2c_stayed_on_its_own_page(page, "a redirect to https://jwt.ms") is None


def test_mobile_ids_consent_is_asked_only_on_mobile_ids_side(page: Page) -> None:
    """A consent form of the emulator's contract on a page that is not Mobile ID's (its number page not yet seen, or B2C's
    host) is no consent Mobile ID asks for."""
    page.set_content('<html><body><form id="mid-consent"><button id="consent-accept">Allow</button></form></body></html>')
    assert not MobileIDLoginPage(page).consent_requested()


def test_the_number_pages_field_and_button_are_the_visible_phone_field_and_the_forms_submit_button(page: Page) -> None:
    """The number goes in the phone field a person sees (not a hidden one ahead of it) and is sent with the form's submit
    button (``tap``), whatever else the form has (a help button ahead of it)."""
    page.set_content("""<html lang="en"><body><h1>Mobile ID</h1><input type="tel" id="draft" hidden><form id="mid-login">
<label for="msisdn">Phone number</label><input type="tel" id="msisdn"><button type="button">?</button>
<button type="submit" id="mid-continue">Continue</button></form></body></html>""")
    texts = MobileIDLoginPage(page).wait_until_shown(timeout=2_000).number_page_texts()
    assert (texts["number label"], texts["button"]) == ("Phone number", "Continue")


def test_b2cs_error_page_heading_is_its_h1_or_its_h2(page: Page) -> None:
    """Reference b2c.md 1.5: h2 in the 2017 markup, h1 from globalexception 1.2.2 (pages/b2c_error.py accepts both)."""
    heading = "Sorry, but we're having trouble signing you in."
    for content in (ERROR_PAGE, ERROR_PAGE.replace("<h1>", "<h2>").replace("</h1>", "</h2>")):
        page.set_content(content)
        error = B2CErrorPage(page)
        assert error.has_heading() and error.heading_text() == heading


def test_an_error_b2c_sent_to_the_app_ends_a_pages_wait_at_once(page: Page) -> None:
    """An error redirect never moves on by itself (pages/waiting.py _never_moves_on): a page's wait there stops at once,
    with B2C's code as its cause, not when its time runs out."""
    page.route("https://jwt.ms/**", lambda route: route.fulfill(body="<html><body><h1>jwt.ms</h1></body></html>", content_type="text/html"))
    page.goto("https://jwt.ms/#error=access_denied&error_description=AADB2C90091%3a+The+user+has+cancelled+entering+self-asserted+information.")
    started = time.monotonic()
    with pytest.raises(JourneyFailure, match="which B2C sent access_denied") as failure:
        B2CSelfAssertedPage(page).wait_until_shown(timeout=10_000)
    assert time.monotonic() - started < 5 and "AADB2C90091" in failure.value.cause.detail, failure.value.cause


def test_an_error_redirect_is_named_by_its_address_without_the_fragment_it_came_with(page: Page) -> None:
    """The fragment of B2C's answer to the app carries its state and, on success, the tokens: the message names the
    address without it, B2C's error and its description said on their own."""
    page.route("https://jwt.ms/**", lambda route: route.fulfill(body="<html><body><h1>jwt.ms</h1></body></html>", content_type="text/html"))
    page.goto("https://jwt.ms/#error=access_denied&error_description=AADB2C90091%3a+cancelled&state=journeys-own-state-4711")
    with pytest.raises(JourneyFailure) as failure:
        B2CSelfAssertedPage(page).wait_until_shown(timeout=10_000)
    said = str(failure.value)
    assert "the browser shows https://jwt.ms/, which B2C sent access_denied: 'AADB2C90091: cancelled'" in said, said
    assert "journeys-own-state-4711" not in said, said


# B2C's default templates' own rules for what the page objects read (azure-ad-b2c/html-templates, commit ab88fb1): the page
# objects read what a person sees, and the journeys expect no text a default template hides.
TEMPLATE_CSS = {
    "Ocean Blue": {  # templates/AzureBlue, B2C's default
        "unified": ".unified_container .row .panel-default #api{display:table}.unified_container .row .panel-default #api .divider{display:none}"
                   ".unified_container .row .panel-default #api .localAccount .entry .entry-item label{display:none}"
                   ".unified_container .row .panel-default #api .social{display:table-footer-group}"
                   ".unified_container .row .panel-default #api .intro{display:block}.working{display:none}",
        "selfAsserted": ".self_asserted_container .row .panel-default .panel-body .intro{display:none;text-align:left;margin-top:2rem}"
                        "#attributeList ul li.EmailBox label,#attributeList ul li.Password label,#attributeList ul li.TextBox label{display:none!important}",
    },
    "Classic": {  # templates/classic
        "unified": "label{display:block}.intro{display:inline}.password-label label{display:inline-block}.localAccount .divider,.working{display:none}",
        "selfAsserted": "label{display:block}.intro,.tiny{display:none}",
    },
}


def in_template(template: str, page_kind: str, api: str) -> str:
    """``api`` (B2C's #api fragment) in the template's nesting (reference b2c.md 1.1) and with its rules for the page."""
    container = "unified_container" if page_kind == "unified" else "self_asserted_container"
    return (f"<html><head><style>{TEMPLATE_CSS[template][page_kind]}</style></head><body><div class='container {container}'><div class='row'>"
            f"<div class='col-lg-6'><div class='panel panel-default'><div class='panel-body'>{api}</div></div></div></div></div></body></html>")


# A user flow's sign-in page with a local account form, as 2024 tenants' pages have it (reference b2c.md 1.2).
UNIFIED_LOCAL_ACCOUNT_API = """<div id="api" data-name="Unified" role="main">
<div class="claims-provider-list-buttons social" role="form" aria-label="Sign in with your social account">
<div class="intro"><h2 aria-level="1">Sign in with your social account</h2></div><div class="options"><div>
<button class="accountButton firstButton claims-provider-selection" id="MobileID" role="link">Mobile ID</button></div></div></div>
<div class="divider"><h2>OR</h2></div>
<form id="localAccountForm" action="JavaScript:void(0);" class="localAccount" aria-label="Sign in with your email address">
<div class="intro"><h2 aria-level="1">Sign in with your email address</h2></div>
<div class="error pageLevel" aria-hidden="true" role="alert" style="display: none;"><p></p></div>
<div class="entry"><div class="entry-item"><label for="email">Email Address</label>
<input type="email" id="email" name="Email Address" placeholder="Email Address" aria-label="Email Address"></div>
<div class="entry-item"><div class="password-label"><label for="password">Password</label><a id="forgotPassword" href="#">Forgot your password?</a></div>
<input type="password" id="password" name="Password" placeholder="Password" aria-label="Password" autocomplete="current-password"></div>
<div class="working"></div><div class="buttons"><button id="next" type="submit" form="localAccountForm">Sign in</button></div></div>
<div class="divider"><h2>OR</h2></div><div class="create"><p>Don't have an account?<a id="createAccount" href="#">Sign up now</a></p></div></form></div>"""


@pytest.mark.parametrize("template", ["Classic", "Ocean Blue"])
def test_the_local_account_forms_texts_are_held_to_those_its_template_shows(page: Page, template: str) -> None:
    """Ocean Blue hides every divider ("OR"), Classic the form's own: the one above the form is all a person reads there,
    none on B2C's default template, whose page the texts journey read as a local account form without its divider."""
    from e2e.test_texts import Differences

    page.set_content(in_template(template, "unified", UNIFIED_LOCAL_ACCOUNT_API))
    unified = B2CSignUpOrSignInPage(page, "Mobile ID", "MobileIDExchange").wait_until_shown(timeout=2_000)
    shown = unified.local_account_texts()
    assert shown == {"button_signin": "Sign in", "forgotpassword_link": "Forgot your password?", "createaccount_one_link": "Sign up now",
                     **({"divider_title": "OR"} if template == "Classic" else {})}
    differences = Differences("en", "B2C_1_signupsignin")
    differences.expect_local_account_form(shown, None)
    assert differences.found == []
    differences.expect_local_account_form({"divider_title": "OR"}, None)  # without its Sign in button: still a difference
    assert differences.found == ["sign-in page: the local account form has no sign-in button (form#localAccountForm button#next); "
                                 "expected: shown with every local account form"]


PROFILE_INTRO_API = """<div id="api" data-name="SelfAsserted" role="main"><div class="buttons"></div><div class="intro"><p>{intro}</p></div>
<form id="attributeVerification" action="JavaScript:void(0);"><div class="buttons"><button id="continue" type="submit" form="attributeVerification">Continue</button>
<button id="cancel" aria-label="Cancel" formnovalidate="">Cancel</button></div></form></div>"""


@pytest.mark.parametrize("template", ["Classic", "Ocean Blue"])
def test_the_profile_pages_intro_is_held_to_b2cs_text_only_where_its_template_shows_it(page: Page, template: str) -> None:
    """Both default templates hide the profile page's intro (``.intro{display:none}``): a person reads none, and the texts
    journey, which expected it, would have read it as missing on every tenant. Where a custom template shows it, it says B2C's."""
    from e2e.test_texts import Differences

    page.set_content(in_template(template, "selfAsserted", PROFILE_INTRO_API.format(intro="Please provide the following details.")))
    profile = B2CSelfAssertedPage(page).wait_until_shown(timeout=2_000)
    assert profile.intro_text() is None
    differences = Differences("en", "B2C_1_signupsignin")
    differences.expect_where_shown(texts.PROFILE_SCREEN, "the intro", profile.intro_text(), "initial_intro")
    assert differences.found == []
    page.set_content(PROFILE_INTRO_API.format(intro="Tell us about you."))  # a template of the tenant's own that shows it
    differences.expect_where_shown(texts.PROFILE_SCREEN, "the intro", profile.intro_text(), "initial_intro")
    assert differences.found == [f"{texts.PROFILE_SCREEN}: the intro reads 'Tell us about you.', expected "
                                 "'Please provide the following details.' (B2C string initial_intro, en)"]


def test_a_journey_stuck_at_chromiums_error_page_names_the_failed_request_once(page: Page) -> None:
    """Chromium's page for a navigation that failed says the error and where (where_am_i): the journey's failure said it a
    second time ("; meanwhile its requests failed: ..." after it)."""
    from tests.journeys_in_process import journey_on

    journey = journey_on(page)
    page.route("https://contoso.b2clogin.com/**", lambda route: route.abort("connectionrefused"))
    with pytest.raises(PlaywrightError):
        page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/api/SelfAsserted/confirmed")
    with pytest.raises(JourneyFailure) as failure:
        journey.reach_profile_page(timeout=1_000)
    said = str(failure.value)
    assert failure.value.cause == causes.host_refused_connections("contoso.b2clogin.com"), failure.value.cause
    assert said.count("net::ERR_CONNECTION_REFUSED") == 1 and "Chromium's page for a navigation that failed" in said, said



LOST_SIGN_IN = ERROR_PAGE.replace(
    "AADB2C90006: The redirect URI 'https://evil.example' provided in the request is not registered for the client ID 'x'.",
    "AADB2C90255: The claims exchange specified in technical profile 'MobileIDExchange' did not complete as expected.")
AUTHRESP = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp"  # where Mobile ID's post lands


def b2c_page_with_cookie(page: Page, url: str, html: str, same_site: str, secure: bool, name: str = "x-ms-cpim-trans") -> None:
    page.context.add_cookies([{"name": name, "value": "t", "domain": "contoso.b2clogin.com", "path": "/",
                               "sameSite": same_site, "secure": secure}])  # type: ignore[typeddict-item]  # a Literal in Playwright's SetCookieParam
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(url)


@pytest.mark.parametrize("same_site, secure", [("Lax", True), ("Strict", False)])
def test_b2cs_error_page_after_mobile_ids_post_with_cookies_that_cannot_cross_sites_is_filed_under_those_cookies(
        page: Page, same_site: str, secure: bool) -> None:
    """B2C's error page in answer to Mobile ID's cross-site post, while its journey cookies are not SameSite=None; Secure:
    the cookies are the cause (the browser did not send them back), the same cause the cookie journey files them under, so
    one such tenant is one line of the report rather than B2C's code in every other journey."""
    b2c_page_with_cookie(page, AUTHRESP, LOST_SIGN_IN, same_site, secure)
    words, cause = waiting.what_the_browser_shows(page)
    assert cause == cross_site_cause({"x-ms-cpim-trans": ""}) == causes.Cause(causes.BROKEN_PROMISE, "not SameSite=None; Secure: x-ms-cpim-trans")
    assert "AADB2C90255" in words and "correlation ID 0f8fad5b-d9cb-469f-a165-70867728950e" in words, words
    assert f"x-ms-cpim-trans (SameSite={same_site}, Secure={secure})" in words and "did not send them" in words, words


@pytest.mark.parametrize("url, html, same_site, code", [
    (AUTHRESP, LOST_SIGN_IN, "None", "AADB2C90255"),  # cookies that cross sites: B2C's code is the cause
    ("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize", ERROR_PAGE, "Lax", "AADB2C90006"),  # no post came before it
])
def test_b2cs_error_page_keeps_its_code_as_its_cause_where_no_cookie_was_lost(page: Page, url: str, html: str, same_site: str,
                                                                              code: str) -> None:
    b2c_page_with_cookie(page, url, html, same_site, True)
    words, cause = waiting.what_the_browser_shows(page)
    assert cause is not None and cause.name in (causes.B2C_ERROR_PAGE, causes.TENANT_CONFIGURATION), cause
    assert cause.detail.startswith(code) and "SameSite" not in words, (cause, words)


def test_b2cs_cookies_that_only_route_or_remember_are_not_held_to_crossing_sites(page: Page) -> None:
    """B2C's other cookies (geo, dc, slice...) are not needed back after Mobile ID's post: one of them Lax beside journey
    cookies that cross sites leaves B2C's code the cause."""
    b2c_page_with_cookie(page, AUTHRESP, LOST_SIGN_IN, "None", True)
    b2c_page_with_cookie(page, AUTHRESP, LOST_SIGN_IN, "Lax", True, name="x-ms-cpim-geo")
    words, cause = waiting.what_the_browser_shows(page)
    assert cause is not None and cause.detail.startswith("AADB2C90255") and "SameSite" not in words, (cause, words)


def test_an_empty_display_name_taken_is_a_finding_of_the_runs_files_and_tenant_configuration_where_the_seed_stood_in(page: Page, seed_files_standing_in) -> None:
    """A custom policy's files that require the display name make B2C taking an empty one a finding; against a tenant whose
    files the suite was not given (B2C_POLICY_FILES unset), the seed's stood in: said as the tenant's configuration, with
    how to give the suite the team's files, not as what "its files" require."""
    from tests.journeys_in_process import journey_on

    page.set_content("<html><head><title>The app</title></head><body><h1>Signed in</h1></body></html>")  # B2C left its profile page
    journey = journey_on(page)
    with pytest.raises(AssertionError) as finding:
        journey.require_empty_display_name_refused("B2C_1A_signup_signin")
    assert "whose files require it" in str(finding.value) and not isinstance(finding.value, JourneyFailure)
    with seed_files_standing_in():  # a tenant's, its files not given: policies/ stands in
        with pytest.raises(JourneyFailure) as configuration:
            journey.require_empty_display_name_refused("B2C_1A_signup_signin")
    assert configuration.value.cause == causes.Cause(causes.TENANT_CONFIGURATION, "B2C's profile page does not require the display name")
    assert "the seed's files, which the suite reads in place of yours (B2C_POLICY_FILES unset), require it" in str(configuration.value)


@pytest.mark.timeout(60)
def test_mobile_id_refusing_b2cs_request_stops_the_number_pages_wait_at_once_with_its_code(page: Page) -> None:
    """Mobile ID's error page (it refused B2C's request: an unknown client or redirect URI) never moves on by itself: the
    wait for its number page stops there at once, not after its whole timeout, and files it under Mobile ID's code without
    the transaction's trace, one cause for every journey that met it (it was "page changed" with the trace in its detail)."""
    page.route("https://m.mobileid.ch/**", lambda route: route.fulfill(content_type="text/html", body=(
        '<html><body><h1>Error</h1><p id="mid-error" role="alert"><code>mid_req_1900_QR4X0NQ7 - Invalid request: unknown '
        'client_id</code></p></body></html>')))
    page.goto("https://m.mobileid.ch/oidc/authorize?client_id=nope")
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        MobileIDLoginPage(page).wait_until_shown(timeout=20_000)
    assert time.monotonic() - started < 10, "the wait ran to its timeout on a page that never moves on"
    assert "the wait stopped at a dead end; the browser shows Mobile ID's error page ('mid_req_1900_QR4X0NQ7 - Invalid request: " \
           "unknown client_id')" in str(failure.value), failure.value
    assert failure.value.cause == causes.Cause(causes.MOBILE_ID_OUTCOME, "mid_req_1900 (at https://m.mobileid.ch/oidc/authorize)")
    assert waiting.at_dead_end(page) is not None  # a person approving is not waited for there either


ACTION_PROFILE_PAGE = """<html><body><div id="api" data-name="SelfAsserted"><form id="attributeVerification">
<input id="displayName" type="text" value="+41791234567"{field}></form>
<div class="buttons"><button id="continue" type="submit"{button}>Create</button><button id="cancel">Cancel</button></div></div></body></html>"""
ACTION_CONSENT_PAGE = """<html><body><h1>Share your data?</h1><form id="mid-consent"><button id="consent-accept" type="submit"{button}>Allow</button>
<button id="consent-decline" type="submit">Deny</button></form></body></html>"""


@pytest.mark.timeout(60)
def test_a_button_that_never_becomes_clickable_names_it_and_the_page_not_playwrights_call_log(page: Page) -> None:
    """The page objects' actions end as their waits do: a Continue, a consent button or a number field that never becomes
    usable (a template's script that disables it, a modal over it) fails naming the element, what keeps it and the page,
    where it was Playwright's "Locator.click: Timeout 15000ms exceeded." with its call log, the page said nowhere."""
    page.set_content(ACTION_PROFILE_PAGE.format(field="", button=" disabled"))
    profile = B2CSelfAssertedPage(page).wait_until_shown(timeout=2_000)
    with pytest.raises(JourneyFailure) as failure:
        profile.continue_(timeout=500)
    assert str(failure.value) == ("expected the profile page's Continue button (button#continue) clickable (it is there, but disabled) "
                                  "within 0.5 s; the browser shows B2C's profile page"), failure.value
    assert failure.value.cause.name == causes.PAGE_CHANGED and "Call log" not in str(failure.value)
    page.set_content(ACTION_PROFILE_PAGE.format(field=" readonly", button=""))
    with pytest.raises(JourneyFailure, match=r"^expected the profile page's field #displayName editable \(it is there, but read-only\) "
                                             r"within 0.5 s; the browser shows B2C's profile page$"):
        profile.fill_field("displayName", "Anna", timeout=500)
    page.set_content(ACTION_PROFILE_PAGE.format(field="", button="").replace('<button id="cancel">Cancel</button>', ""))
    with pytest.raises(JourneyFailure, match=r"^expected the profile page's Cancel button \(button#cancel\) clickable \(it is not in the page\)"):
        profile.cancel(timeout=500)
    page.set_content(ACTION_CONSENT_PAGE.format(button=" disabled"))
    with pytest.raises(JourneyFailure, match=r"^expected Mobile ID's consent page's accept button \(button#consent-accept\) clickable "
                                             r"\(it is there, but disabled\) within 0.5 s; the browser shows Mobile ID's consent page$"):
        MobileIDLoginPage(page).accept_consent(timeout=500)
    page.set_content('<html><body><form id="mid-login"><input type="tel" id="msisdn" disabled></form></body></html>')
    with pytest.raises(JourneyFailure, match=r"^expected Mobile ID's number page's number field \(input\[type=tel\]:not\(#api \*\)\) "
                                             r"editable \(it is there, but disabled\) within 0.5 s; the browser shows Mobile ID's number page$"):
        MobileIDLoginPage(page).sign_in_with("+41791234567", timeout=500)
    # Enabled again, the actions go through as before
    page.set_content(ACTION_PROFILE_PAGE.format(field="", button="").replace("<button id=\"continue\"", "<button id=\"continue\" onclick=\"document.title = 'sent'\""))
    profile.fill(display_name="Anna")
    profile.continue_(timeout=2_000)
    assert page.title() == "sent" and profile.display_name() == "Anna"


@pytest.mark.timeout(60)
def test_a_wait_on_a_page_that_closed_says_it_closed_not_what_it_showed(browser: Browser) -> None:
    """The browser's page closed mid-journey (its context or browser closed, crashed, disconnected): a wait for the next
    page fails at once saying so, filed as Playwright's own words for it are (infrastructure), where it said "within 15 s;
    the browser shows <its last address>", a page that changed, of a page that shows nothing."""
    context = browser.new_context()
    page = context.new_page()
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(content_type="text/html", body="<p>B2C</p>"))
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize?nonce=n")
    context.close()
    started = time.monotonic()
    for wait in (lambda: B2CSignUpOrSignInPage(page).wait_until_shown(timeout=20_000),
                 lambda: JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=20_000)):
        with pytest.raises(JourneyFailure) as failure:
            wait()
        assert "the browser's page closed before it came" in str(failure.value), failure.value
        assert "its last address was https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize" \
               in str(failure.value), failure.value
        assert "the browser shows" not in str(failure.value) and "within 20 s" not in str(failure.value), failure.value
        assert failure.value.cause == classify_text("TargetClosedError: Target page, context or browser has been closed")
    assert time.monotonic() - started < 10, "the waits ran to their timeout on a page that had closed"


@pytest.mark.timeout(60)
def test_a_page_whose_script_did_not_load_says_which_and_why_it_was_never_built(page: Page) -> None:
    """B2C's hosted pages are built by their script after load: one that did not load (an HTTP error, or the browser refusing
    it) leaves an empty #api, and the wait said only "the browser shows <its address> (title ...)". It names the script and
    its status now (a 5xx: its server's outage, as a document's); a missing image, which builds nothing, is not said."""
    static = {"https://contoso.b2clogin.com/static/b2c.js": 404, "https://contoso.b2clogin.com/static/logo.svg": 404}
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(
        status=static.get(route.request.url, 200), content_type="text/html", body=(
            '<html><head><title>Sign up or sign in</title><script src="/static/b2c.js"></script></head><body>'
            '<img src="/static/logo.svg"><div id="api"></div></body></html>')))
    waiting.watch_network(page)
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize?nonce=n")
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=1_000)
    assert str(failure.value).endswith("(title 'Sign up or sign in'); parts of the page did not load: "
                                       "https://contoso.b2clogin.com/static/b2c.js (script, HTTP 404)"), failure.value
    assert failure.value.cause.name == causes.PAGE_CHANGED and "(script, HTTP 404)" in failure.value.cause.detail, failure.value.cause
    static["https://contoso.b2clogin.com/static/b2c.js"] = 503  # its server's outage: as a document's 5xx
    page.reload()
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=1_000)
    assert failure.value.cause == causes.Cause(causes.INFRASTRUCTURE, "https://contoso.b2clogin.com answered HTTP 503 for a part of its page")
    static["https://contoso.b2clogin.com/static/b2c.js"] = 200  # its script there, its logo still missing: as before
    page.reload()
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=1_000)
    assert "did not load" not in str(failure.value) and failure.value.cause.name == causes.PAGE_CHANGED, failure.value


@pytest.mark.timeout(60)
def test_the_wait_for_b2cs_redirect_stops_at_b2cs_error_page_at_once(page: Page) -> None:
    """B2C's error page never moves on by itself: the page object's wait for the redirect to the app stops there at once,
    naming its code, as every other page wait stops at its dead end; it waited its whole timeout."""
    page.set_content(ERROR_PAGE)
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=20_000)
    assert time.monotonic() - started < 10, "the wait ran to its timeout at B2C's error page"
    assert re.match(r"expected a redirect to https://jwt\.ms; after \d+\.\d s the wait stopped at a dead end; the browser shows "
                    r"B2C's error page \(.AADB2C90006: ", str(failure.value)), failure.value
    assert failure.value.cause.name == causes.TENANT_CONFIGURATION and "AADB2C90006" in failure.value.cause.detail


def test_a_phone_the_emulator_refuses_to_answer_says_where_the_browser_is(page: Page) -> None:
    """The emulator refuses the phone's answer (a number it does not take, a sign-in already ended): the failure names the
    page too, here Mobile ID's number page refusing the same number, with one cause for every number; it was a bare
    "Mobile ID's emulator refused to approve on 12: invalid_msisdn ...", filed under "other" with the number in it."""
    from fixtures.mobile_id import ControlAPI, MobileID
    from fixtures.settings import build_settings

    page.set_content(NUMBER_PAGE_REFUSING)
    refusing = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(
        400, json={"error": "invalid_msisdn", "error_description": "'12' is not a phone number"})))
    phone = MobileID(build_settings({}), ControlAPI(refusing, "https://mid.example/control", None), lambda message: None)
    with pytest.raises(JourneyFailure) as failure:
        phone.approve("12", MobileIDLoginPage(page))
    assert str(failure.value) == ("Mobile ID's emulator refused to approve on 12: invalid_msisdn '12' is not a phone number; the browser "
                                  "shows Mobile ID's number page saying 'Enter the number without +'"), failure.value
    assert failure.value.cause == causes.Cause(causes.OTHER, "Mobile ID's emulator refused to approve: invalid_msisdn")
    with pytest.raises(AssertionError, match="^Mobile ID's emulator refused to approve on 12: invalid_msisdn"):
        phone.approve("12")  # no page to say: as before


@pytest.mark.timeout(60)
def test_a_wait_for_the_phones_answer_in_a_page_that_closed_says_it_closed_not_that_the_phone_was_silent(browser: Browser) -> None:
    """The browser closed while the waiting page waited for the phone: said at once as the page closing (infrastructure),
    where it was Playwright's bare "Locator.all_inner_texts: Target page, context or browser has been closed"."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(WAITING)
    mobile = MobileIDLoginPage(page)
    context.close()
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        mobile.wait_for_approval(20_000)
    assert time.monotonic() - started < 10
    assert str(failure.value).startswith("expected the phone's answer in the browser (its way back from Mobile ID, or its consent page); "
                                         "the browser's page closed before it came"), failure.value
    assert failure.value.cause == classify_text("TargetClosedError: Target page, context or browser has been closed")



@contextlib.contextmanager
def a_waiting_page_posting_to_nobody(page: Page) -> Iterator[None]:
    """``page`` at a waiting page (``#mid-waiting``, ``#transaction-number``) that posts the phone's answer to /authresp,
    which takes it and never answers, once the post is sent: the suite heard no Playwright event meanwhile (as when the
    control API's call approving the phone returns)."""
    posted, held = threading.Event(), []
    page_html = (b"<html><body><p id='mid-waiting'>Transaction <strong id='transaction-number'>K7Q2</strong></p>"
                 b"<form id='f' method='post' action='/authresp'><input name='code' value='x'></form>"
                 b"<script>setTimeout(() => document.getElementById('f').submit(), 100)</script></body></html>")
    with socket.create_server(("127.0.0.1", 0)) as server:
        def serve() -> None:
            while True:
                try:
                    connection, _ = server.accept()
                except OSError:  # the test is over
                    return
                request = connection.recv(65536)
                if request.startswith(b"POST /authresp"):
                    held.append(connection)  # B2C takes the phone's answer and never answers
                    posted.set()
                    continue
                body = page_html if request.startswith(b"GET /wait") else b""
                status = b"200 OK" if body else b"404 Not Found"
                connection.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: "
                                   + str(len(body)).encode() + b"\r\n\r\n" + body)
                connection.close()

        threading.Thread(target=serve, daemon=True).start()
        waiting.watch_network(page)
        page.goto(f"http://127.0.0.1:{server.getsockname()[1]}/wait")
        assert posted.wait(10), "the page never posted its form"  # no Playwright call meanwhile
        try:
            yield
        finally:
            for connection in held:
                connection.close()


@pytest.mark.timeout(60)
def test_a_wait_across_pages_hears_a_navigation_that_started_while_the_suite_was_busy_elsewhere(page: Page) -> None:
    """Mobile ID's waiting page posts the phone's answer to B2C as the control API's call approving the phone returns: the
    navigation starts while the suite hears no Playwright event. A look at the page then waited for that navigation's
    document for ever when B2C did not answer it (pytest-timeout's 180 s, the approval's 8 s long gone); the wait hears
    the navigation first now, and ends at its timeout."""
    with a_waiting_page_posting_to_nobody(page):
        started = time.monotonic()
        arrived = waiting.follow_navigations(page, lambda url: url.endswith("/authresp"), "form#mid-consent", 2_000)
        took = time.monotonic() - started
        assert not arrived and took < 10, took
        assert waiting.unanswered_navigation(page) is not None  # what the failure then says, as the waits say it


@pytest.mark.timeout(60)
def test_the_phones_answer_that_b2c_never_answers_is_said_within_the_approvals_timeout(page: Page) -> None:
    """The phone answered and B2C never answers the post of it: the wait for the phone's answer ends at its own timeout
    (and one look of ANSWER_MS), naming the navigation B2C left unanswered, where its look at the transaction number
    waited for that navigation's document for ever."""
    with a_waiting_page_posting_to_nobody(page):
        started = time.monotonic()
        with pytest.raises(JourneyFailure) as failure:
            MobileIDLoginPage(page, returns_to=("b2c.test",)).wait_for_approval(2_000)
        assert time.monotonic() - started < 2 + waiting.ANSWER_MS / 1000 + 5
        assert str(failure.value).startswith("the phone's answer did not reach the browser within 2 s (transaction none shown); "
                                             "the browser shows http://127.0.0.1:"), failure.value
        assert "/wait, still waiting for http://127.0.0.1:" in str(failure.value), failure.value
        assert failure.value.cause.name == causes.INFRASTRUCTURE, failure.value.cause


@pytest.mark.timeout(60)
def test_a_number_sent_to_a_mobile_id_that_never_answers_says_so_within_the_actions_timeout(page: Page) -> None:
    """Enter sends the number and Mobile ID never answers the form's post: Playwright's key press waits for that navigation
    and runs out; the failure says the navigation did not finish, at once, where the look at why the field was not ready
    waited for that navigation's document for ever."""
    held: list[Route] = []
    page.route("https://m.mobileid.ch/**", lambda route: held.append(route))  # taken, never answered
    waiting.watch_network(page)
    page.set_content('<html><body><form id="mid-login" method="post" action="https://m.mobileid.ch/oidc/login">'
                     '<input type="tel" id="msisdn" name="msisdn"></form></body></html>')
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        MobileIDLoginPage(page).sign_in_with("+41791234567", timeout=1_000)
    assert time.monotonic() - started < 1 + 2 * waiting.ANSWER_MS / 1000 + 5
    assert "(it was used; the navigation it started did not finish) within 1 s" in str(failure.value), failure.value
    assert "still waiting for https://m.mobileid.ch/oidc/login to answer its navigation" in str(failure.value), failure.value
    assert failure.value.cause == causes.host_stopped_answering("m.mobileid.ch")


def test_following_navigations_hears_the_browsers_events_once_per_document_not_at_every_look(
        page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """``hear_events`` is a round trip to Playwright: needed before a document's first look (the suite may have been busy
    elsewhere), not before each later one, which follows a wait for the URL that heard them already."""
    heard: list[Page] = []
    looks: list[str] = []
    hear, has_element = waiting.hear_events, waiting.has_element

    def hear_counted(on: Page) -> None:
        heard.append(on)
        hear(on)

    def look_counted(on: Page, selector: str) -> bool:
        looks.append(selector)
        return has_element(on, selector)

    monkeypatch.setattr(waiting, "hear_events", hear_counted)
    monkeypatch.setattr(waiting, "has_element", look_counted)
    page.set_content(MAINTENANCE)
    assert not waiting.follow_navigations(page, lambda url: False, B2CSignUpOrSignInPage.SHOWN, 1_500)
    assert len(looks) > 1, "the document was looked at once only: the test shows nothing"
    assert len(heard) == 1, f"{len(heard)} round trips to hear events for one document looked at {len(looks)} times"


@pytest.mark.parametrize(("failure", "broken"), [("net::ERR_ABORTED", False), ("NS_BINDING_ABORTED", False), ("cancelled", False),
                                                 ("Load request cancelled", False), ("net::ERR_BLOCKED_BY_CLIENT", True)])
def test_a_part_the_browser_gave_up_on_as_the_page_left_is_no_part_that_did_not_load(page: Page, failure: str, broken: bool) -> None:
    """Each browser's words for a request given up as its page leaves (Chromium's, Firefox's, WebKit's) are no part that
    failed to load: only Chromium's were known, so a Firefox journey's every stuck page named a script "NS_BINDING_ABORTED"."""
    watch = waiting.watch_network(page)
    script = type("Request", (), {"failure": failure, "url": "https://contoso.b2clogin.com/static/b2c.js", "resource_type": "script",
                                  "frame": page.main_frame, "is_navigation_request": lambda self: False})()
    watch._failed(script)  # a request as Playwright hands it to the watch's listener
    assert bool(watch.broken_parts) is broken, watch.broken_parts
