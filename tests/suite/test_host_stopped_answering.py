"""A host that stops answering mid-run (a stack whose process was stopped, a frozen tenant) is one cause, naming the host.

It took the suite's and the browser's requests and answered none: the report's first screen showed it as three or four
infrastructure lines (the discovery document's ConnectTimeout, another request's ReadTimeout, "no answer to the browser's
navigation to" each URL), and as "page changed" where the document came and its scripts never did. Each is now the
same line, "<host> stopped answering (...)"; the failure's message keeps which request met it and where.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fixtures import reporting, stack_exit
from fixtures.b2c import B2CTenant
from fixtures.causes import (
    INFRASTRUCTURE,
    MOBILE_ID_OUTCOME,
    PAGE_CHANGED,
    Cause,
    JourneyFailure,
    classify,
    classify_text,
    host_stopped_answering,
)
from fixtures.mobile_id import ControlAPI, ControlAPIError, fresh_number
from fixtures.redaction import Redaction
from fixtures.settings import build_settings
from pages import waiting
from pages.b2c_self_asserted import B2CSelfAssertedPage
from pages.b2c_unified import B2CSignUpOrSignInPage
from tests.journeys_in_process import JourneyParts, journey_parts
from tests.local_stack import LOCAL_STACK
from tests.suite_run import ROOT

B2C = "https://b2c.test"
POLICY = "B2C_1_signupsignin"
# B2C's sign-in page as the emulator sends it: a document its script builds once it has come.
UNBUILT = '<!doctype html><title>Sign in</title><div id="api"></div><script src="/static/unified.js"></script>'


@pytest.fixture
def silent_server() -> Iterator[str]:
    """``host:port`` of a server that takes connections and never answers them (a stopped process's listening socket)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"127.0.0.1:{server.getsockname()[1]}"


def test_a_request_to_a_host_that_takes_it_and_never_answers_is_that_host_not_answering(silent_server: str) -> None:
    """httpx's ReadTimeout (an untyped failure: the emulator's control API, say) names the host, as the discovery's does."""
    with pytest.raises(httpx.ReadTimeout) as timed_out, httpx.Client(timeout=0.3) as client:
        client.get(f"http://{silent_server}/control/phones")
    assert classify(timed_out.value) == Cause(INFRASTRUCTURE, f"{silent_server} stopped answering (its connections, requests or pages "
                                                              "got no answer in time)")


def test_an_ipv6_host_that_times_out_is_said_as_the_browsers_failures_say_it() -> None:
    """One host, one line: httpx's timeout at [::1]:8443 reads as a navigation's net::ERR_TIMED_OUT there does (brackets)."""
    timed_out = httpx.ReadTimeout("timed out", request=httpx.Request("GET", "https://[::1]:8443/control/phones"))
    assert classify(timed_out) == classify_text("net::ERR_TIMED_OUT at https://[::1]:8443/authorize") \
        == host_stopped_answering("[::1]:8443"), classify(timed_out)


@pytest.mark.parametrize("error", [httpx.ConnectTimeout("timed out"), httpx.ReadTimeout("timed out")], ids=["connect", "read"])
def test_the_discovery_document_that_times_out_is_its_host_not_answering(error: httpx.TimeoutException) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    b2c = B2CTenant(build_settings({}, LOCAL_STACK), httpx.Client(transport=httpx.MockTransport(fail)))
    with pytest.raises(JourneyFailure) as failure:
        b2c.authorize("B2C_1A_signup_signin")
    assert failure.value.cause == host_stopped_answering("contoso.b2clogin.com"), failure.value.cause
    said = str(failure.value)  # the message keeps which request and how
    assert said.startswith("cannot fetch the discovery document of B2C_1A_signup_signin at https://contoso.b2clogin.com/") \
        and f"{type(error).__name__}: timed out" in said, said


@pytest.mark.timeout(60)
def test_a_journey_stuck_on_a_page_whose_parts_never_come_says_what_it_waits_for_not_that_requests_failed(
        page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """A journey's own wait (here for B2C's profile page) that ends on a page none of the page objects knows, whose script
    its host never answered: the message says which part it still waits for. It added "meanwhile its requests failed: ...
    stopped answering", though nothing had failed."""
    from tests.journeys_in_process import journey_on

    monkeypatch.setattr(waiting, "STALLED_PART_MS", 300)
    journey = journey_on(page)
    page.route(f"{B2C}/maintenance", lambda route: route.fulfill(body=UNBUILT, content_type="text/html"))
    page.route(f"{B2C}/static/**", lambda route: None)  # the page's script: taken, never answered
    page.goto(f"{B2C}/maintenance", wait_until="commit")
    with pytest.raises(JourneyFailure) as failure:
        journey.reach_profile_page(timeout=1_000)
    said = str(failure.value)
    assert failure.value.cause == host_stopped_answering("b2c.test"), failure.value.cause
    assert re.search(r"; still waiting for https://b2c\.test/static/unified\.js \(\d+ s without an answer\)$", said), said
    assert "meanwhile its requests failed" not in said, said


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_navigation_and_a_page_whose_parts_never_come_are_the_same_line_as_the_suites_requests(
        page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser's navigation nobody answers, and B2C's sign-in page whose document came and whose script never did
    (it was "page changed: B2CSignUpOrSignInPage expected ... accountButton; the browser shows .../authorize"), are
    one cause with the discovery document's timeout: the report groups them as one."""
    monkeypatch.setattr(waiting, "STALLED_PART_MS", 300)
    waiting.watch_network(page)
    page.route(f"{B2C}/**", lambda route: None)  # taken, never answered
    with pytest.raises(PlaywrightTimeoutError):
        page.goto(f"{B2C}/contoso.onmicrosoft.com/b2c_1a_signup_signin/oauth2/v2.0/authorize?state=s1", wait_until="commit", timeout=500)
    navigation = waiting.unanswered_navigation(page)
    page.unroute(f"{B2C}/**")
    page.route(f"{B2C}/**/authorize?*", lambda route: route.fulfill(body=UNBUILT, content_type="text/html"))
    page.route(f"{B2C}/static/**", lambda route: None)  # the page's script: taken, never answered
    page.goto(f"{B2C}/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize?state=s2", wait_until="commit")
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=1_000)
    expected = host_stopped_answering("b2c.test")
    assert navigation == expected and failure.value.cause == expected, (navigation, failure.value.cause)
    assert re.search(r"still waiting for https://b2c\.test/static/unified\.js \(\d+ s without an answer\)", str(failure.value)), \
        str(failure.value)


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_request_of_the_page_that_is_no_part_of_it_held_open_is_no_host_that_stopped_answering(
        page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mobile ID's waiting page holds its long-poll (a fetch) open until the phone answers: healthy. A page whose
    element did not come while only such a request stands (its own parts answered or failed, another host's held open)
    is still a page that changed."""
    monkeypatch.setattr(waiting, "STALLED_PART_MS", 300)
    waiting.watch_network(page)
    # Its parts came (long before the failure looks): answered, they are waited for no more.
    polling = ("<!doctype html><title>Waiting</title><link rel=stylesheet href='/wait.css'><img src='/logo.svg'><p>waiting</p>"
               "<script src='/wait.js'></script><img src='https://cdn.test/badge.png'><script>fetch('/wait/status')</script>")
    page.route(f"{B2C}/wait", lambda route: route.fulfill(body=polling, content_type="text/html"))
    page.route(f"{B2C}/wait.css", lambda route: route.fulfill(body="p { color: teal }", content_type="text/css"))
    page.route(f"{B2C}/logo.svg", lambda route: route.fulfill(body="<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"))
    # One that failed is waited for no more either; another host's part held open is that host's, not the page's.
    page.route(f"{B2C}/wait.js", lambda route: route.abort("blockedbyclient"))
    page.route("https://cdn.test/**", lambda route: None)
    page.route(f"{B2C}/wait/status", lambda route: None)  # held open
    page.goto(f"{B2C}/wait", wait_until="domcontentloaded")  # (its load waits for the other host's image)
    with pytest.raises(JourneyFailure) as failure:
        B2CSignUpOrSignInPage(page).wait_until_shown(timeout=1_000)
    assert failure.value.cause.name == PAGE_CHANGED, failure.value.cause


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_page_the_page_objects_know_is_said_by_its_name_whatever_part_of_it_is_still_coming(
        page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule is for a page none of the page objects knows (said by its address): B2C's sign-in page, built, whose logo
    has not come is still that page, and a journey expecting another one met a page that changed, not a host that
    stopped answering."""
    monkeypatch.setattr(waiting, "STALLED_PART_MS", 300)
    waiting.watch_network(page)
    built = ('<!doctype html><title>Sign in</title><div id="api" data-name="Unified"><div class="claims-provider-list-buttons">'
             '<button class="accountButton" id="MobileIDExchange">Mobile ID</button></div></div><img src="/static/logo.png">')
    page.route(f"{B2C}/**/authorize?*", lambda route: route.fulfill(body=built, content_type="text/html"))
    page.route(f"{B2C}/static/**", lambda route: None)  # the logo: taken, never answered
    page.goto(f"{B2C}/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize?state=s3", wait_until="domcontentloaded")
    with pytest.raises(JourneyFailure) as failure:
        B2CSelfAssertedPage(page).wait_until_shown(timeout=1_000)
    assert failure.value.cause.name == PAGE_CHANGED, failure.value.cause


def test_the_control_apis_call_that_times_out_is_its_host_not_answering() -> None:
    """It was "Mobile ID control API: https://openid.mobileid.ch/control/phones/{msisdn}/decline: no answer (ConnectTimeout:
    ...)", a line of its own beside B2C's for one stack that stopped answering."""
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("_ssl.c:989: The handshake operation timed out")

    control = ControlAPI(httpx.Client(transport=httpx.MockTransport(fail)), "https://openid.mobileid.ch/control", None)
    with pytest.raises(ControlAPIError) as failure:
        control.end_open_sign_in("+41790000000")
    assert failure.value.cause == host_stopped_answering("openid.mobileid.ch"), failure.value.cause
    assert failure.value.infrastructure and "/decline: no answer (ConnectTimeout: " in str(failure.value), str(failure.value)


def test_a_host_of_the_local_stack_whose_process_is_stopped_is_the_stack_one_line_for_every_host(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """B2C, Mobile ID and jwt.ms are the stack's one process: stopped (SIGSTOP), each journey met it at its own host, a line
    each. One line for the run, as the stack's exit is; a stack that runs leaves each host's line as it is."""
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    monkeypatch.setattr(stack_exit, "watched_stack", lambda config: (tmp_path, process.pid))
    config = SimpleNamespace()
    try:
        said = [host_stopped_answering(host) for host in ("contoso.b2clogin.com", "openid.mobileid.ch")]
        assert [stack_exit.stack_not_answering(config, cause) for cause in said] == said  # type: ignore[arg-type]  # it runs
        os.kill(process.pid, signal.SIGSTOP)
        os.waitpid(process.pid, os.WUNTRACED)  # until it is stopped
        stopped = Cause(INFRASTRUCTURE, "the local stack stopped answering: its process is stopped (SIGSTOP, or Ctrl-Z where it "
                                        "runs; SIGCONT takes it on again)")
        assert [stack_exit.stack_not_answering(config, cause) for cause in said] == [stopped, stopped]  # type: ignore[arg-type]
        # A journey's failure there is filed under that line (the cause its report and the terminal group by).
        monkeypatch.setattr(reporting, "_cleaner", lambda config: Redaction(mask_phones=False))
        error = JourneyFailure("cannot fetch the discovery document of B2C_1A_signup_signin at https://contoso.b2clogin.com/...",
                               cause=said[0])
        item = SimpleNamespace(path=ROOT / "e2e" / "test_x.py", stash=pytest.Stash(), config=config, funcargs={})
        call = SimpleNamespace(excinfo=SimpleNamespace(exconly=lambda: str(error), value=error, errisinstance=lambda kind: isinstance(error, kind)))
        assert reporting.failure_cause(item, SimpleNamespace(longreprtext=str(error), when="call"), call) == stopped  # type: ignore[arg-type]
        other = Cause(INFRASTRUCTURE, "net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/x")
        assert stack_exit.stack_not_answering(config, other) == other  # type: ignore[arg-type]
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.kill()
        process.wait()


def test_the_docs_say_the_cause_as_the_report_shows_it() -> None:
    """docs/suite.md, Reports: the line, and how long a page's part may go unanswered."""
    docs = " ".join((ROOT / "docs" / "suite.md").read_text().split())
    assert f"`infrastructure: {host_stopped_answering('contoso.b2clogin.com').detail}`" in docs
    assert f"unanswered {waiting.STALLED_PART_MS / 1000:g} s or longer (`pages/waiting.py` `STALLED_PART_MS`" in docs


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_chromiums_timeout_is_its_host_not_answering_as_the_rest(page: Page) -> None:
    """net::ERR_TIMED_OUT (Chromium gave up on a connection or a request) in an untyped failure's words, and a page's
    request that met it, say the host as the suite's own timeouts do."""
    said = "playwright._impl._errors.Error: Page.goto: net::ERR_TIMED_OUT at https://contoso.b2clogin.com/x/authorize?state=s1"
    assert classify_text(said) == host_stopped_answering("contoso.b2clogin.com")
    waiting.watch_network(page)
    page.route(f"{B2C}/page", lambda route: route.fulfill(body="<p>page</p><script src='/part.js'></script>", content_type="text/html"))
    page.route(f"{B2C}/part.js", lambda route: route.abort("timedout"))
    with page.expect_event("requestfailed"):
        page.goto(f"{B2C}/page", wait_until="commit")
    assert waiting.network_failure(page) == host_stopped_answering("b2c.test")


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory, launch_chromium: Any) -> Iterator[JourneyParts]:
    """Journeys of a local stack in the test's process; the phone gets two seconds to answer."""
    with journey_parts(tmp_path_factory.mktemp("stack"), launch_chromium, {"MOBILEID_APPROVAL_TIMEOUT": "2"}) as running:
        yield running


def profile_post(url: str) -> bool:
    """The profile page's own request to B2C with what the user confirmed (POST .../SelfAsserted?tx=...), not its next page."""
    return urlsplit(url).path.endswith("/SelfAsserted")


@pytest.mark.browser
@pytest.mark.timeout(90)
@pytest.mark.parametrize("waits_for", ["the profile's answer", "the redirect"])
def test_a_journey_held_by_b2cs_own_request_that_never_answers_is_b2c_not_answering(
        parts: JourneyParts, monkeypatch: pytest.MonkeyPatch, waits_for: str) -> None:
    """The profile page's Continue posts to B2C (XMLHttpRequest) and moves on when B2C answers; taken and never answered,
    the journey's wait ran out on B2C's profile page and the cause read "page changed" (or, waiting for the redirect, B2C
    keeping the browser there: a broken promise), though it was B2C that stopped answering."""
    monkeypatch.setattr(waiting, "STALLED_PART_MS", 300)
    journey = parts.journey()
    journey.page.route(profile_post, lambda route: None)  # taken, never answered
    try:
        request = journey.start_at_mobile_id(POLICY, fresh_number())
        journey.reach_profile_page().continue_()
        with pytest.raises(JourneyFailure) as failure:
            if waits_for == "the redirect":
                journey.token(request, timeout=2_000)
            else:
                journey.wait_for_profile_answer(timeout=2_000)
    finally:
        journey.page.context.close()
    assert failure.value.cause == host_stopped_answering("contoso.b2clogin.com"), str(failure.value)
    assert re.search(r"still waiting for https://contoso\.b2clogin\.com/\S+/SelfAsserted \(\d+ s without an answer\)",
                     str(failure.value)), str(failure.value)


@pytest.mark.browser
@pytest.mark.timeout(90)
def test_mobile_ids_long_poll_held_open_past_the_threshold_is_no_host_that_stopped_answering(
        parts: JourneyParts, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mobile ID's waiting page holds its long-poll (a fetch to its own host) open until the phone answers: healthy, however
    long. A phone that does not answer is the phone's, not Mobile ID's host that stopped answering."""
    monkeypatch.setattr(waiting, "STALLED_PART_MS", 300)
    journey = parts.journey()
    try:
        journey.send_to_phone(POLICY, fresh_number())  # nobody answers on the phone
        with pytest.raises(JourneyFailure) as failure:
            journey.mobile.wait_for_approval(2_000)
        held = waiting.watch_network(journey.page).unanswered("m.mobileid.ch", frozenset({"fetch"}), 0.3)
    finally:
        journey.page.context.close()
    assert [url for url, _ in held] == ["https://m.mobileid.ch/oidc/wait/status"], held  # held open past the threshold
    assert failure.value.cause == Cause(MOBILE_ID_OUTCOME, "no answer from the phone within 2 s"), str(failure.value)


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_journey_whose_next_page_b2c_never_answers_ends_at_its_wait_naming_b2c(
        parts: JourneyParts, monkeypatch: pytest.MonkeyPatch) -> None:
    """B2C answered the profile page's POST and the page went on to B2C's next page (.../api/SelfAsserted/confirmed), which
    B2C took and never answered. The wait for B2C's redirect looked at the profile page meanwhile, a look Playwright holds
    until the next document comes: the journey waited for pytest-timeout (180 s), not its own wait's end."""
    monkeypatch.setattr(waiting, "ANSWER_MS", 500)
    journey = parts.journey()
    journey.page.route(lambda url: urlsplit(url).path.endswith("/api/SelfAsserted/confirmed"), lambda route: None)
    try:
        request = journey.start_at_mobile_id(POLICY, fresh_number())
        # Once the journey has heard of the navigation (its network watch listens first): a look begun just before the
        # request is heard is still held (pages/waiting.py follow_navigations; the journey then ends at pytest-timeout).
        with journey.page.expect_request(lambda sent: urlsplit(sent.url).path.endswith("/api/SelfAsserted/confirmed")):
            journey.reach_profile_page().continue_()
        with pytest.raises(JourneyFailure) as failure:
            journey.token(request, timeout=2_000)
    finally:
        journey.page.context.close()
    assert failure.value.cause == host_stopped_answering("contoso.b2clogin.com"), str(failure.value)
    assert "still waiting for https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/api/SelfAsserted/confirmed " \
           "to answer its navigation" in str(failure.value), str(failure.value)
