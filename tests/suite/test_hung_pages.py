"""A page that stops answering (its script never yields, its next document never comes) is named, never waited for.

Playwright's looks without a timeout of their own (``count()``, ``content()``, ``evaluate()``) wait for such a page
forever: the report's evidence held the run after pytest-timeout had fired, and the journey's cause blamed the runner
without naming the page (pages/waiting.py ``stopped_answering``, fixtures/reporting.py ``timed_out_failure``). The
browser tests carry a time limit of their own: a look that waited would hold them until it.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import allure
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fixtures import reporting
from fixtures.causes import BROKEN_PROMISE, INFRASTRUCTURE, PAGE_CHANGED, Cause, JourneyFailure, classify_text, host_stopped_answering
from fixtures.redaction import Redaction
from fixtures.retries import InfrastructureFailure, Verdict
from pages import waiting
from tests.suite_run import ROOT, allure_results, labels, pytest_e2e, tail

APP = "https://app.test"
# Its load never ends: the script runs as the page is parsed, after the navigation committed, and never yields: it waits
# on a synchronous request to HELD, which nothing answers. A `while (true) {}` holds the page alike for Playwright, and
# spends a core as long as the test runs (this file's tests 31 CPU-s with it, 9 with the request, in the same 67 s).
HELD = "https://held.test/"
NEVER_YIELDS = f"<script>var held = new XMLHttpRequest(); held.open('GET', '{HELD}', false); held.send();</script>"
BUSY = f"<!doctype html><title>busy</title><p>working</p>{NEVER_YIELDS}"


@pytest.fixture
def short_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waiting, "ANSWER_MS", 500)  # half a second to answer a look here, not 5


def never_yielding_at(page: Page) -> None:
    """``page`` at a document whose script never yields (a code in its query, as B2C's pages may have)."""
    page.route(f"{HELD}**", lambda route: None)
    page.route(f"{APP}/**", lambda route: route.fulfill(body=BUSY, content_type="text/html"))
    page.goto(f"{APP}/busy?code=query-code-123456", wait_until="commit")


def wait_for_an_answer_at(page: Page) -> None:
    """``page`` at a document of its own, its navigation to the next taken by the server and never answered."""
    page.route(f"{APP}/**", lambda route: route.fulfill(body="<p>start</p>", content_type="text/html"))
    page.route("https://b2c.test/**", lambda route: None)
    page.goto(f"{APP}/start")
    with pytest.raises(PlaywrightTimeoutError):
        page.goto("https://b2c.test/authorize?state=s1", wait_until="commit", timeout=500)


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_page_whose_script_never_yields_is_named_by_its_address_not_waited_for(page: Page, short_answers: None) -> None:
    waiting.watch_network(page)
    never_yielding_at(page)
    started = time.monotonic()
    shows, cause = waiting.what_the_browser_shows(page)
    assert time.monotonic() - started < 10
    # The page's own doing, met again by another attempt: a finding, never retried as the runner's.
    assert cause == Cause(BROKEN_PROMISE, "the page at https://app.test/busy stopped answering")
    assert shows == "https://app.test/busy, which did not answer two looks of 0.5 s each (a script of the page that never yields)"


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_page_the_browsers_proxy_answered_407_is_said_so_not_as_the_sites_broken_promise(page: Page, short_answers: None) -> None:
    """A company proxy that asks the browser for a password (none given, or a wrong one, in E2E_BROWSER_PROXY): the page
    then waits for a prompt and answers no look, and the journey blamed B2C ("broken promise: the page ... stopped
    answering"). It is the run's proxy setting, which every attempt meets again: not infrastructure to retry either."""
    waiting.watch_network(page)
    page.route(f"{HELD}**", lambda route: None)
    page.route(f"{APP}/**", lambda route: route.fulfill(status=407, body=BUSY, content_type="text/html"))  # a page that waits
    page.goto(f"{APP}/authorize?state=s1", wait_until="commit")
    shows, cause = waiting.what_the_browser_shows(page)
    assert shows == ("https://app.test/authorize, which the browser's proxy answered HTTP 407 Proxy Authentication Required "
                     "(the page then waits for a password nobody gives)"), shows
    assert cause is not None and cause.name not in (BROKEN_PROMISE, INFRASTRUCTURE) and "E2E_BROWSER_PROXY's URL" in cause.detail, cause


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_navigation_nobody_answers_is_named_by_where_it_went_and_is_the_way_to_its_server(page: Page, short_answers: None) -> None:
    """As Chromium's own net::ERR_TIMED_OUT would say it, later: infrastructure. A journey's bare navigation timeout is
    told so too, not as a page that changed."""
    waiting.watch_network(page)
    wait_for_an_answer_at(page)
    shows, cause = waiting.what_the_browser_shows(page)
    assert cause == host_stopped_answering("b2c.test")
    assert shows.startswith("https://app.test/start, still waiting for https://b2c.test/authorize to answer its navigation"), shows
    bare = classify_text("TimeoutError: Page.goto: Timeout 15000ms exceeded.")
    assert reporting.locate_bare_timeout(bare, page) == cause


@pytest.mark.browser
def test_the_watch_forgets_a_navigation_once_its_document_came_or_it_failed(page: Page) -> None:
    watch = waiting.watch_network(page)
    page.route(f"{APP}/**", lambda route: route.fulfill(body="<p>start</p>", content_type="text/html"))
    page.route("https://gone.test/**", lambda route: route.abort("connectionrefused"))
    page.goto(f"{APP}/start")
    assert watch.navigating is None
    with pytest.raises(PlaywrightError, match="ERR_CONNECTION_REFUSED"):
        page.goto("https://gone.test/")
    assert watch.navigating is None, "a failed navigation is waited for no more: the next page's silence is its own"


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_bare_timeout_in_a_fixtures_own_browser_is_told_by_that_browsers_page_not_as_a_page_that_changed(
        browser: Any, page: Page, monkeypatch: pytest.MonkeyPatch, short_answers: None) -> None:
    """The returning user's sign-up (a context of its own) pressed Enter on Mobile ID's number form and its navigation was
    never answered (a local stack that stopped answering): Playwright's bare ``Locator.press`` timeout was filed as
    "page changed ... without saying where the browser was", the journey's own ``page`` (about:blank, or not yet made in
    set-up) being the only one looked at. The browser's other page names it: the way to its server."""
    monkeypatch.setattr(reporting, "_cleaner", lambda config: Redaction(mask_phones=False))
    ordinary = browser.new_context()  # listed first: a page of it that shows where it is tells nothing over the hung one
    other = browser.new_context()
    try:
        elsewhere = ordinary.new_page()
        elsewhere.route(f"{APP}/**", lambda route: route.fulfill(body="<p>elsewhere</p>", content_type="text/html"))
        elsewhere.goto(f"{APP}/elsewhere")
        hung = other.new_page()
        waiting.watch_network(hung)
        wait_for_an_answer_at(hung)
        said = "playwright._impl._errors.TimeoutError: Locator.press: Timeout 15000ms exceeded."
        error = PlaywrightTimeoutError(said)
        for funcargs in ({"browser": browser, "page": page}, {"browser": browser}):  # in the call, and in set-up
            item = SimpleNamespace(path=ROOT / "e2e" / "test_x.py", stash=pytest.Stash(), config=None, funcargs=funcargs)
            call = SimpleNamespace(excinfo=SimpleNamespace(exconly=lambda: said, value=error, errisinstance=lambda kind: isinstance(error, kind)))
            cause = reporting.failure_cause(item, SimpleNamespace(longreprtext=said, when="setup"), call)  # type: ignore[arg-type]
            assert cause == host_stopped_answering("b2c.test"), cause
        # A journey's own page that went somewhere is the one its timeout is told by, as before: not another browser's.
        page.route(f"{APP}/**", lambda route: route.fulfill(body="<p>start</p>", content_type="text/html"))
        page.goto(f"{APP}/start")
        item = SimpleNamespace(path=ROOT / "e2e" / "test_x.py", stash=pytest.Stash(), config=None,
                               funcargs={"browser": browser, "page": page})
        cause = reporting.failure_cause(item, SimpleNamespace(longreprtext=said, when="call"), call)  # type: ignore[arg-type]
        assert cause.name == PAGE_CHANGED and "the browser shows https://app.test/start" in cause.detail, cause
    finally:
        other.close()
        ordinary.close()


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_page_that_closed_is_no_page_that_stopped_answering(page: Page, short_answers: None) -> None:
    """A page closed meanwhile (its browser gone) answers no look either, but holds nothing: it is not said to hang (the
    site's script, a finding), and what it shows is said as for any other page."""
    waiting.watch_network(page)
    page.set_content("<p>here</p>")
    page.close()
    assert waiting.stopped_answering(page) is None
    shows, cause = waiting.what_the_browser_shows(page)
    assert cause is None and "did not answer" not in shows, (shows, cause)


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_the_evidence_of_a_page_that_does_not_answer_is_its_address_and_the_other_pages_are_whole(
        browser: Any, page: Page, monkeypatch: pytest.MonkeyPatch, short_answers: None) -> None:
    page.set_content("<p>the test's own browser</p>")
    other = browser.new_context()
    try:
        never_yielding_at(other.new_page())
        attached: dict[str, Any] = {}
        monkeypatch.setattr(allure, "attach", lambda body, name, kind=None: attached.__setitem__(name, body))
        monkeypatch.setattr(reporting, "EVIDENCE_MS", 30_000)  # a screenshot of the hung page would take all of it, in vain
        started = time.monotonic()
        assert reporting.attach_browser_evidence(browser, "https://jwt.ms", Redaction(mask_phones=False)) == 2
        assert time.monotonic() - started < 10
    finally:
        other.close()
    stopped = attached["browser 2: where it stopped"]
    assert stopped.startswith("url: https://app.test/busy?code=") and "query-code-123456" not in stopped, stopped
    assert "not answering: https://app.test/busy, which did not answer two looks of 0.5 s each" in stopped, stopped
    assert not {"browser 2: screenshot", "browser 2: page HTML"} & set(attached), sorted(attached)
    assert {"browser 1: screenshot", "browser 1: page HTML"} <= set(attached), sorted(attached)


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_journey_pytest_timeout_stopped_on_a_page_that_does_not_answer_fails_naming_it(browser: Any, page: Page,
                                                                                         short_answers: None) -> None:
    timed_out = pytest.fail.Exception("Timeout (>180.0s) from pytest-timeout.")
    item: Any = SimpleNamespace(funcargs={"browser": browser})
    page.set_content("<p>answers</p>")
    assert reporting.timed_out_failure(item, timed_out) is None  # every page answers, no journey's page to say: as pytest-timeout says
    # Every page answers: pytest-timeout's cause (the runner's or a slow service's, retried), said with where the journey's
    # page was when the limit came (the evidence is taken after, when it may have moved on)
    page.route("https://app.test/answers", lambda route: route.fulfill(body="<p>answers</p>", content_type="text/html"))
    page.goto("https://app.test/answers")
    slow = reporting.timed_out_failure(SimpleNamespace(funcargs={"browser": browser, "page": page}), timed_out)  # type: ignore[arg-type]
    assert slow is not None and slow.cause == Cause(INFRASTRUCTURE, "Timeout (>180.0s) from pytest-timeout"), slow
    assert str(slow) == "pytest-timeout stopped the journey after 180 s; the browser shows https://app.test/answers", slow
    assert isinstance(slow, InfrastructureFailure)  # --infra-reruns tries it again, as pytest-timeout's own failure
    never_yielding_at(page)
    assert reporting.timed_out_failure(item, pytest.fail.Exception("the journey's own words")) is None
    failure = reporting.timed_out_failure(item, timed_out)
    assert failure is not None and failure.cause == Cause(BROKEN_PROMISE, "the page at https://app.test/busy stopped answering")
    assert str(failure).startswith("pytest-timeout stopped the journey after 180 s; the browser shows https://app.test/busy, which "), failure
    assert isinstance(failure, Verdict) and not isinstance(failure, InfrastructureFailure)  # --infra-reruns leaves it


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_journey_without_a_page_of_its_own_pytest_timeout_stopped_says_where_its_own_browsers_were(browser: Any) -> None:
    """Most journeys take their browsers from ``another_browser`` (the sign-in, the token contract, the outcomes...), and
    ``returning_user`` signs its user up in one of its own: none is the ``page`` fixture. Their pytest-timeout failure said
    the runner's words alone ("Timeout (>180.0s) from pytest-timeout"), no page; it says the newest page that went
    somewhere, and whose browser it is where a fixture said so."""
    timed_out = pytest.fail.Exception("Timeout (>180.0s) from pytest-timeout.")
    item: Any = SimpleNamespace(funcargs={"browser": browser})
    with set_up_and_own_browsers(browser) as own:
        own_page = own.new_page()  # the journey's own browser, opened and gone nowhere yet: the set-up's is said
        failure = reporting.timed_out_failure(item, timed_out)
        assert failure is not None and failure.cause == Cause(INFRASTRUCTURE, "Timeout (>180.0s) from pytest-timeout"), failure
        assert str(failure) == ("pytest-timeout stopped the journey after 180 s; the browser shows https://app.test/sign-up "
                                "(browser: the set-up's sign-up of the returning user, not the journey's own)"), failure
        own_page.goto(f"{APP}/sign-in")  # the journey's own, where it went
        failure = reporting.timed_out_failure(item, timed_out)
        assert str(failure) == "pytest-timeout stopped the journey after 180 s; the browser shows https://app.test/sign-in", failure
        assert isinstance(failure, InfrastructureFailure)


@contextlib.contextmanager
def set_up_and_own_browsers(browser: Any) -> Iterator[Any]:
    """A journey's browsers as ``returning_user`` and ``another_browser`` leave them: the set-up's context, its role said,
    at the app's sign-up page; the journey's own context (yielded), opened after it. Both answered by a stand-in app."""
    set_up, own = browser.new_context(), browser.new_context()
    try:
        for context in (set_up, own):
            context.route(f"{APP}/**", lambda route: route.fulfill(body="<p>answers</p>", content_type="text/html"))
        reporting.BROWSER_ROLES[set_up] = "the set-up's sign-up of the returning user, not the journey's own"
        set_up.new_page().goto(f"{APP}/sign-up")
        yield own
    finally:
        set_up.close()
        own.close()


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_bare_timeout_in_a_journey_without_a_page_of_its_own_says_its_own_browser_not_the_set_ups(browser: Any) -> None:
    """A bare Playwright timeout in a journey whose browsers are ``another_browser``'s was told by the first page of the
    browser: ``returning_user``'s sign-up, opened first and standing at the app with its token, whatever the journey's own
    browser showed. The newest page that went somewhere is the journey's own."""
    item: Any = SimpleNamespace(funcargs={"browser": browser})
    with set_up_and_own_browsers(browser) as own:
        own.new_page().goto(f"{APP}/sign-in")
        bare = classify_text("playwright._impl._errors.TimeoutError: Locator.click: Timeout 15000ms exceeded.")
        located = reporting.locate_bare_timeout_in_browser(bare, item)
        assert located == Cause(PAGE_CHANGED, "Locator.click timed out (15000 ms); the browser shows https://app.test/sign-in"), located


def test_the_figures_in_the_docs_are_the_codes() -> None:
    """docs/suite.md, Reports and Waits: how long a page gets to answer a look, and each evidence screenshot."""
    doc = " ".join((ROOT / "docs" / "suite.md").read_text().split())
    answer = f"{waiting.ANSWER_MS / 1000:g} s"
    assert f"does not answer two looks of {answer} each (`pages/waiting.py` `ANSWER_MS`" in doc
    assert f"only after the page answered a look within {answer} (`stopped_answering`)" in doc
    assert f"Each screenshot gets {reporting.EVIDENCE_MS / 1000:g} s (`EVIDENCE_MS`)" in doc


# The journey's B2C: the user flow's authorize answers a page whose script never yields; the custom policy's is taken and
# never answered. A page gets a second to answer a look here.
HANGING_B2C = f'''
import pytest

import pages.waiting

pages.waiting.ANSWER_MS = 1_000
NEVER_YIELDING = "<!doctype html><title>B2C</title><p>signing in</p>{NEVER_YIELDS}"


def hang(route):
    if "/b2c_1a_" not in route.request.url.lower():
        route.fulfill(body=NEVER_YIELDING, content_type="text/html")


@pytest.fixture(autouse=True)
def b2c_hangs(context):
    context.route("{HELD}**", lambda route: None)
    context.route("**/oauth2/v2.0/authorize?*", hang)
'''
AUTHORIZE = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/{policy}/oauth2/v2.0/authorize"


def test_a_nightly_journey_held_by_a_hung_page_ends_and_says_which_page_on_the_reports_first_screen(tmp_path: Path) -> None:
    """pytest-timeout ends each journey (8 s here, before its 15 s wait would); its evidence takes a short look at each
    page and ends too, its trace kept (make e2e's --tracing); the cause names the page: the script that never yields is
    a finding (failed, not retried), the navigation nobody answered is the way to B2C (broken, retried)."""
    (tmp_path / "b2c_hangs.py").write_text(HANGING_B2C)
    results = tmp_path / "results"
    done = pytest_e2e("-p", "b2c_hangs", "-k", "test_error_page_says_sign_in_failed", "-n", "0", "--timeout", "8", "--infra-reruns", "1",
                      "--tracing", "retain-on-failure", f"--output={tmp_path / 'evidence'}", f"--alluredir={results}", PYTHONPATH=str(tmp_path))
    output = tail(done.stdout + done.stderr)
    assert done.returncode == 1, output
    user_flow = AUTHORIZE.format(policy="b2c_1_signupsignin")
    assert f"1 x broken promise: the page at {user_flow} stopped answering" in done.stdout, output
    assert f"1 x infrastructure: {host_stopped_answering('contoso.b2clogin.com').detail}" in done.stdout, output
    attempts: dict[str, list[dict[str, Any]]] = {}
    for result in allure_results(results):
        policy = next(parameter["value"] for parameter in result["parameters"] if parameter["name"] == "policy")
        attempts.setdefault(policy, []).append(result)
    causes = {policy: [labels(result) for result in listed] for policy, listed in attempts.items()}
    assert [result["status"] for result in attempts["'B2C_1_signupsignin'"]] == ["failed"], json.dumps(attempts, indent=1)[:3000]
    assert [result["status"] for result in attempts["'B2C_1A_signup_signin'"]] == ["broken", "broken"], causes
    [hung] = attempts["'B2C_1_signupsignin'"]
    assert hung["statusDetails"]["message"].startswith("fixtures.causes.JourneyFailure: pytest-timeout stopped the journey after 8 s; "
                                                       f"the browser shows {user_flow}, which did not answer"), hung["statusDetails"]
    where = next(attachment for attachment in hung["attachments"] if attachment["name"] == "browser 1: where it stopped")
    assert "not answering: " in (results / where["source"]).read_text()
    assert "trace.zip" in {attachment["name"] for attachment in hung["attachments"]}, hung["attachments"]  # taken as the journey ended


@pytest.mark.timeout(60)
def test_a_journeys_navigation_nobody_answers_fails_typed_as_the_way_to_its_server(page: Page) -> None:
    """The journey's own navigations (the authorize URL, sign-out): Playwright's bare "Page.goto: Timeout" matched no
    retry, so a navigation nobody answered was never tried again; typed, it is infrastructure naming where it went."""
    from tests.journeys_in_process import journey_on

    journey = journey_on(page)  # watches the page's network, as every journey's
    page.set_default_navigation_timeout(500)
    page.route("https://b2c.test/**", lambda route: None)
    with pytest.raises(JourneyFailure) as failure:
        journey.go("https://b2c.test/authorize?state=s1&code=query-code-123456")
    assert failure.value.cause == host_stopped_answering("b2c.test")
    assert isinstance(failure.value, InfrastructureFailure) and str(failure.value).startswith("https://b2c.test/authorize did not answer")


@pytest.mark.timeout(60)
def test_a_journeys_wait_on_a_page_whose_script_never_yields_ends_naming_it(page: Page, short_answers: None) -> None:
    """The journey's own waits (the profile page, the redirect, the phone's answer) look at each document in its own
    world: on a page that never yields that look waited for ever, and the journey took pytest-timeout's whole 180 s."""
    from tests.journeys_in_process import journey_on

    journey = journey_on(page)
    never_yielding_at(page)
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        journey.reach_profile_page(timeout=2_000)
    assert time.monotonic() - started < 30, "ended by the wait, not by the test's time limit"
    assert failure.value.cause == Cause(BROKEN_PROMISE, f"the page at {APP}/busy stopped answering"), failure.value.cause


@pytest.mark.timeout(40)
def test_a_wait_across_pages_stops_at_a_page_whose_script_never_yields(page: Page, short_answers: None) -> None:
    """The waits that follow documents (B2C's redirect to the app, Mobile ID's answer to B2C) look at each one in its own
    world once it loaded or ``LOAD_FIRST_MS`` passed: at a page that never yields that look would wait for ever, past the
    wait's own end; the wait stops there, and its caller names the page (``stopped_answering``)."""
    never_yielding_at(page)
    started = time.monotonic()
    assert not waiting.follow_navigations(page, lambda url: False, "#decodedToken", timeout=20_000)
    assert time.monotonic() - started < waiting.LOAD_FIRST_MS / 1000 + 5, "stopped at the page, not at the wait's end"


@pytest.mark.timeout(60)
def test_a_navigation_answered_without_a_document_is_no_navigation_still_waited_for(page: Page, short_answers: None) -> None:
    """A navigation the server answered (a 204, a download) brings no document: the page that then does not answer is its
    own script's doing, not a way to a server that never answered."""
    waiting.watch_network(page)
    never_yielding_at(page)
    page.route("https://b2c.test/**", lambda route: route.fulfill(status=204))
    with pytest.raises(PlaywrightError):
        page.goto("https://b2c.test/nothing", wait_until="commit", timeout=3_000)  # answered, nothing to commit
    assert waiting.unanswered_navigation(page) is None
    hung = waiting.stopped_answering(page)
    assert hung is not None and hung[1].name == BROKEN_PROMISE, hung


@pytest.mark.timeout(60)
def test_a_page_only_slow_to_answer_is_not_said_to_have_stopped(page: Page, short_answers: None) -> None:
    """A renderer a loaded machine slows answers a second look: not a page that stopped answering (a broken promise,
    never retried), which only one that never yields is."""
    page.route(f"{APP}/**", lambda route: route.fulfill(body="<p>slow</p>", content_type="text/html"))
    page.goto(f"{APP}/slow")
    page.evaluate("setTimeout(() => { const end = Date.now() + 800; while (Date.now() < end) {} }, 0)")  # busy from now on
    started = time.monotonic()
    assert waiting.stopped_answering(page) is None
    assert time.monotonic() - started >= 0.5, "the first look (0.5 s) was answered: the page was not busy yet"


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_the_wait_for_b2cs_redirect_ends_at_its_timeout_while_a_navigation_is_unanswered(page: Page, short_answers: None) -> None:
    """B2C never answers the post that was to redirect to the app: the wait for the redirect looks for B2C's dead end
    between its waits for the URL, and a look at a document whose next navigation is unanswered waits for that
    navigation's document for ever (pytest-timeout's 180 s). It ends at its timeout, naming the navigation."""
    from pages import JwtMsPage

    waiting.watch_network(page)
    wait_for_an_answer_at(page)
    with pytest.raises(JourneyFailure) as failure:
        JwtMsPage(page, "https://jwt.ms").wait_for_redirect(timeout=1_000)
    assert failure.value.cause == host_stopped_answering("b2c.test"), failure.value
    assert "still waiting for https://b2c.test/authorize to answer its navigation" in str(failure.value), failure.value
