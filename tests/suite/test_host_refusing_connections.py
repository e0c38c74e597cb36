"""A host that refuses connections mid-run (its server down or restarting) is one cause, naming the host.

Every request the journeys and the suite made to it failed its own way, and the terminal's causes and the report's first
screen listed each: Chromium's ``net::ERR_CONNECTION_REFUSED at .../authorize`` and ``at .../SelfAsserted`` (a line per
URL), httpx's ``ConnectError: [Errno 111] Connection refused (GET https://host)``, and the control API's ``no answer
(ConnectError: ...)``. Each is now "<host> refused connections (...)", as a host that stopped answering is one line
(tests/suite/test_host_stopped_answering.py); the failure's message keeps which request met it and where.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from fixtures.b2c import B2CTenant
from fixtures.causes import INFRASTRUCTURE, Cause, JourneyFailure, classify, classify_text, host_refused_connections
from fixtures.mobile_id import ControlAPI, ControlAPIError
from fixtures.settings import build_settings
from pages import waiting
from tests.local_stack import LOCAL_STACK
from tests.suite_run import ROOT, pytest_with_plugins


@pytest.fixture
def closed_address() -> Iterator[str]:
    """``host:port`` nothing listens at (a port taken and let go): each connection to it is refused."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{taken.getsockname()[1]}"
    yield address


def test_the_suites_own_request_refused_is_its_host_refusing(closed_address: str) -> None:
    """A real refused connection (the OS's ConnectionRefusedError under httpx's ConnectError) names the host and port."""
    with pytest.raises(httpx.ConnectError) as refused, httpx.Client() as client:
        client.get(f"http://{closed_address}/control/phones")
    assert classify(refused.value) == Cause(INFRASTRUCTURE, f"{closed_address} refused connections (nothing listens at its "
                                                            "address: its server down or restarting, or at another port)")


def test_the_browsers_refused_requests_at_any_url_of_a_host_are_one_line_with_the_suites() -> None:
    said = [classify_text(f"playwright._impl._errors.Error: Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com{path}")
            for path in ("/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize?state=s1", "/contoso.onmicrosoft.com/B2C_1_susi/SelfAsserted?tx=1")]
    request = httpx.Request("GET", "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/v2.0/.well-known/openid-configuration")
    httpx_said = classify(httpx.ConnectError("[Errno 111] Connection refused", request=request))
    assert said == [httpx_said, httpx_said] == [host_refused_connections("contoso.b2clogin.com")] * 2, (said, httpx_said)


def test_a_connect_error_that_is_no_refusal_keeps_its_words() -> None:
    """A name that does not resolve, a certificate: not the host refusing (its words and the request, as before)."""
    request = httpx.Request("GET", "https://contoso.b2clogin.com/x")
    unresolved = classify(httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request))
    assert unresolved == Cause(INFRASTRUCTURE, "ConnectError: [Errno -3] Temporary failure in name resolution (GET https://contoso.b2clogin.com)")


def test_a_refusal_in_other_words_than_linuxs_is_still_its_host_refusing() -> None:
    """Windows says "actively refused it", not "Connection refused": the OS's ConnectionRefusedError under httpx's
    ConnectError (httpcore raises it from that) is what makes it a refusal, not the words."""
    request = httpx.Request("GET", "https://contoso.b2clogin.com/x")
    try:
        try:
            raise ConnectionRefusedError(10061, "No connection could be made because the target machine actively refused it")
        except ConnectionRefusedError as refused:
            raise httpx.ConnectError(f"[WinError 10061] {refused.strerror}", request=request) from refused
    except httpx.ConnectError as error:
        assert classify(error) == host_refused_connections("contoso.b2clogin.com"), classify(error)


def test_the_discovery_document_and_the_control_api_refused_are_their_hosts_refusing() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    b2c = B2CTenant(build_settings({}, LOCAL_STACK), httpx.Client(transport=httpx.MockTransport(refuse)))
    with pytest.raises(JourneyFailure) as discovery:
        b2c.authorize("B2C_1A_signup_signin")
    control = ControlAPI(httpx.Client(transport=httpx.MockTransport(refuse)), "https://openid.mobileid.ch/control", None)
    with pytest.raises(ControlAPIError) as call:
        control.end_open_sign_in("+41790000000")
    assert discovery.value.cause == host_refused_connections("contoso.b2clogin.com"), discovery.value.cause
    assert call.value.cause == host_refused_connections("openid.mobileid.ch"), call.value.cause
    # The messages keep which request and how.
    assert str(discovery.value).startswith("cannot fetch the discovery document of B2C_1A_signup_signin at https://contoso.b2clogin.com/")
    assert "/decline: no answer (ConnectError: [Errno 111] Connection refused)" in str(call.value), str(call.value)


@pytest.mark.browser
@pytest.mark.timeout(60)
def test_a_pages_refused_request_is_its_host_refusing(page: Page) -> None:
    """What the network watch says of a page whose requests were refused (the waits' "meanwhile its requests failed")."""
    waiting.watch_network(page)
    page.route("https://b2c.test/page", lambda route: route.fulfill(body="<p>page</p><script src='/part.js'></script>", content_type="text/html"))
    page.route("https://b2c.test/part.js", lambda route: route.abort("connectionrefused"))
    with page.expect_event("requestfailed"):
        page.goto("https://b2c.test/page", wait_until="commit")
    assert waiting.network_failure(page) == host_refused_connections("b2c.test")
    page.route("https://b2c.test/authorize**", lambda route: route.abort("connectionrefused"))
    with pytest.raises(PlaywrightError, match="ERR_CONNECTION_REFUSED"):
        page.goto("https://b2c.test/authorize?state=s1")
    assert waiting.what_the_browser_shows(page)[1] == host_refused_connections("b2c.test")  # Chromium's own error page


REFUSED_RUN = '''
import httpx
from fixtures.mobile_id import ControlAPI

ADDRESS = {address!r}


def test_a_navigation():
    raise RuntimeError(f"Page.goto: net::ERR_CONNECTION_REFUSED at http://{{ADDRESS}}/contoso.onmicrosoft.com/b2c_1/oauth2/v2.0/authorize?state=a")


def test_another_page():
    raise RuntimeError(f"Page.goto: net::ERR_CONNECTION_REFUSED at http://{{ADDRESS}}/contoso.onmicrosoft.com/B2C_1/SelfAsserted?tx=b")


def test_the_suites_request():
    httpx.get(f"http://{{ADDRESS}}/contoso.onmicrosoft.com/b2c_1/v2.0/.well-known/openid-configuration")


def test_the_control_api():
    ControlAPI(httpx.Client(), f"http://{{ADDRESS}}/control", None).end_open_sign_in("+41790000000")
'''


def test_a_run_where_one_host_refuses_connections_ends_with_one_cause_naming_it(tmp_path: Path, closed_address: str) -> None:
    """The terminal's causes section, as the nightly's log ends: one line, four journeys under it."""
    (tmp_path / "test_refused.py").write_text(REFUSED_RUN.format(address=closed_address))
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "-p", "no:randomly", str(tmp_path / "test_refused.py"))
    causes = done.stdout.split("= causes =", 1)[-1].split("\nreport:", 1)[0].strip("= \n").splitlines()
    assert causes[0] == f"4 x infrastructure: {host_refused_connections(closed_address).detail}", done.stdout
    assert [line for line in causes if not line.startswith("    ")] == [causes[0]], done.stdout


def test_the_docs_say_the_cause_as_the_report_shows_it() -> None:
    docs = " ".join((ROOT / "docs" / "suite.md").read_text().split())
    assert f"`infrastructure: {host_refused_connections('contoso.b2clogin.com').detail}`" in docs
