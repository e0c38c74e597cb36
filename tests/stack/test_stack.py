"""The stack as a whole: host routing, the Mobile ID back channel, full journeys in Chromium, the proxy."""

from __future__ import annotations

import socket
import ssl
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError

from mocks.common import net, params
from mocks.common.serve import TimedH11Protocol
from mocks.common.tls import spki_hash
from mocks.faults import Fault
from mocks.stack import StackConfig, StackInfo, build_stack, running_stack
from tests.b2c.support import free_port


def http(info: StackInfo) -> httpx.Client:
    return net.client(info.host_map, verify=str(info.ca_path))


def test_every_site_answers_under_its_production_name(local_stack: StackInfo) -> None:
    with http(local_stack) as client:
        b2c = client.get("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/v2.0/.well-known/openid-configuration")
        assert b2c.status_code == 200 and b2c.json()["issuer"].startswith("https://contoso.b2clogin.com/")
        mobileid = client.get("https://openid.mobileid.ch/.well-known/openid-configuration")
        assert mobileid.status_code == 200 and mobileid.json()["issuer"] == "https://openid.mobileid.ch"
        assert client.get("https://jwt.ms/").text.count('id="decodedToken"') == 1


# mobileid.md section 1: the login pages on m.mobileid.ch, the issuer's endpoints on openid.mobileid.ch. A policy that names
# an endpoint on the other host (openid.mobileid.ch/oidc/authorize, m.mobileid.ch/token) must fail here, not only at the tenant.
MOBILE_ID_AUTHORIZE = ("/oidc/authorize?client_id=b2c-contoso-0001&response_type=code&scope=openid&state=s&nonce=n&redirect_uri="
                       "https%3A%2F%2Fcontoso.b2clogin.com%2Fcontoso.onmicrosoft.com%2Foauth2%2Fauthresp")


@pytest.mark.parametrize(("method", "url", "status"), [
    ("GET", f"https://m.mobileid.ch{MOBILE_ID_AUTHORIZE}", 303),
    ("GET", f"https://openid.mobileid.ch{MOBILE_ID_AUTHORIZE}", 404),
    ("GET", "https://openid.mobileid.ch/.well-known/openid-configuration", 200),
    ("GET", "https://m.mobileid.ch/.well-known/openid-configuration", 404),
    ("GET", "https://m.mobileid.ch/jwks.json", 404),
    ("POST", "https://openid.mobileid.ch/token", 401),
    ("POST", "https://m.mobileid.ch/token", 404),
    ("POST", "https://m.mobileid.ch/userinfo", 404),
    ("GET", "https://m.mobileid.ch/control/robots", 404),
])
def test_each_mobile_id_host_answers_only_its_own_endpoints(local_stack: StackInfo, method: str, url: str, status: int) -> None:
    with http(local_stack) as client:
        answer = client.request(method, url, data={"grant_type": "authorization_code", "code": "c", "client_id": "b2c-contoso-0001",
                                                   "client_secret": "wrong"} if method == "POST" else None)
    assert answer.status_code == status, (answer.status_code, answer.text[:200])


def test_stack_index_lists_the_run_urls(local_stack: StackInfo) -> None:
    context = ssl.create_default_context(cafile=str(local_stack.ca_path))
    with httpx.Client(verify=context) as client:
        index = client.get(local_stack.ready_url + "/").json()
    assert set(index["run_user_flow"]) == {"B2C_1_signupsignin", "B2C_1A_signup_signin", "B2C_1A_signup_signin_newuser"}


def test_mobile_id_is_the_identity_provider_of_both_policies(local_stack: StackInfo) -> None:
    policies = {p.policy_id: p for p in local_stack.b2c_settings.policies}
    flow, custom = policies["B2C_1_signupsignin"], policies["B2C_1A_signup_signin"]
    assert [p.exchange_id for p in flow.identity_providers] == ["MobileID"]
    # The starter pack's Facebook button, then the seed's Mobile ID.
    assert [p.exchange_id for p in custom.identity_providers] == ["FacebookExchange", "MobileIDExchange"]
    with http(local_stack) as client:
        response = client.get(local_stack.run_urls["B2C_1A_signup_signin"] + "&domain_hint=mobileid.ch")
    assert response.status_code == 302
    assert response.headers["location"].startswith("https://m.mobileid.ch/oidc/authorize?client_id=b2c-contoso-0001&redirect_uri=https%3A%2F%2Fcontoso.b2clogin.com%2Fcontoso.onmicrosoft.com%2Foauth2%2Fauthresp")


def test_faults_are_split_between_b2c_and_mobile_id(tmp_path: Path) -> None:
    faults = frozenset({Fault.WRONG_AUDIENCE, Fault.USERINFO_FAILING, Fault.SLOW_IDP})
    with running_stack(StackConfig(port=0, state_dir=tmp_path, faults=faults)) as info:
        assert info.b2c_settings.faults == {Fault.WRONG_AUDIENCE}
        assert info.apps["mobileid"].state.mobileid.settings.faults == {Fault.USERINFO_FAILING, Fault.SLOW_IDP}


def test_state_dir_keeps_the_ca_and_the_keys(tmp_path: Path) -> None:
    """mocks/b2c/README.md: --state-dir keeps "the signing keys": the user flows' and the custom policies' (one key each)."""
    keys = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/{}/discovery/v2.0/keys"
    policies = ("B2C_1_signupsignin", "B2C_1A_signup_signin")
    with running_stack(StackConfig(port=0, state_dir=tmp_path)) as first:
        ca, spki, secret = first.ca_path.read_bytes(), first.spki, first.webapp_secret
        with http(first) as client:
            kids = [client.get(keys.format(policy)).json()["keys"][0]["kid"] for policy in policies]
    with running_stack(StackConfig(port=0, state_dir=tmp_path)) as second:
        assert second.ca_path.read_bytes() == ca and second.spki == spki and second.webapp_secret == secret
        with http(second) as client:
            assert [client.get(keys.format(policy)).json()["keys"][0]["kid"] for policy in policies] == kids


def test_a_state_dir_not_there_yet_is_made_with_its_parents_and_kept(tmp_path: Path) -> None:
    state = tmp_path / "runs" / "state"
    with running_stack(StackConfig(port=0, state_dir=state)) as info:
        assert info.state_dir == state.resolve() and (state / "ca.pem").is_file()
    assert (state / "ca.pem").is_file()  # given, so kept


def test_without_a_state_dir_a_temporary_one_is_used_and_removed_at_the_end() -> None:
    with running_stack(StackConfig(port=0)) as info:
        state = info.state_dir
        assert (state / "ca.pem").is_file() and (state / "mobileid-signing-key.pem").is_file()
    assert not state.exists()  # its keys and client secret went with it


def test_the_stack_listens_on_the_port_asked_for(tmp_path: Path) -> None:
    port = free_port()
    with running_stack(StackConfig(port=port, state_dir=tmp_path)) as info:
        assert info.port == port and info.ready_url == f"https://127.0.0.1:{port}"
        assert set(info.host_map.values()) == {("127.0.0.1", port)}
        with http(info) as client:
            assert client.get("https://jwt.ms/").status_code == 200


@pytest.mark.parametrize(("family", "host", "reached_at", "url_host"), [
    (socket.AF_INET, "0.0.0.0", "127.0.0.1", "127.0.0.1"),  # listening everywhere: this machine's loopback, not the wildcard
    (socket.AF_INET6, "::1", "::1", "[::1]"),  # a URL a client can parse (RFC 3986's [::1]:port, not ::1:port)
], ids=["everywhere", "ipv6 loopback"])
def test_the_host_map_and_ready_url_name_where_this_machine_reaches_the_stack(tmp_path: Path, family: socket.AddressFamily, host: str,
                                                                              reached_at: str, url_host: str) -> None:
    """--host: the host map and stack-ready (docs/contracts.md) name an address and URL a client here can use."""
    try:
        sock = socket.socket(family)
        sock.bind((host, 0))  # bound, never listening
    except OSError:
        pytest.skip(f"no {host} here")
    with sock:
        port = sock.getsockname()[1]
        _, info, _ = build_stack(StackConfig(host=host, port=0), sock, tmp_path)
    assert set(info.host_map.values()) == {(reached_at, port)}
    assert info.ready_url == f"https://{url_host}:{port}" and httpx.URL(info.ready_url).port == port


@pytest.mark.parametrize("foreign", [True, False])
def test_the_foreign_signing_key_fault_gives_b2c_a_foreign_key(tmp_path: Path, foreign: bool) -> None:
    faults = frozenset({Fault.FOREIGN_SIGNING_KEY}) if foreign else frozenset()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        _, info, _ = build_stack(StackConfig(port=0, faults=faults), sock, tmp_path)
    keys = info.apps["b2c"].state.tenant.keys
    assert (keys.foreign is not None) is foreign
    assert (tmp_path / "b2c-foreign-signing-key.pem").is_file() is foreign


def test_the_ready_lines_give_the_chromium_flags_that_reach_the_stack_by_its_pin(local_stack: StackInfo) -> None:
    from mocks.common.hosts import chromium_host_resolver_rules
    from mocks.stack_description import ready_lines

    chromium = next(line for line in ready_lines(local_stack) if line.lstrip().startswith("chromium "))
    assert f'--host-resolver-rules="{chromium_host_resolver_rules(local_stack.host_map)}"' in chromium
    assert f"--ignore-certificate-errors-spki-list={local_stack.spki} " in chromium
    assert local_stack.spki == spki_hash(local_stack.state_dir / "server-chain.pem")


def test_the_proxy_tunnels_only_the_stacks_host_names(local_stack: StackInfo) -> None:
    assert local_stack.proxy_url
    context = ssl.create_default_context(cafile=str(local_stack.ca_path))
    with httpx.Client(proxy=local_stack.proxy_url, verify=context, timeout=10) as client:
        response = client.get("https://jwt.ms/")
        assert response.status_code == 200 and "decodedToken" in response.text
        with pytest.raises(httpx.ProxyError):
            client.get("https://example.com/")


def proxy_answer(info: StackInfo, request: bytes, timeout: float = 5.0) -> bytes:
    """What the stack's proxy answers ``request`` with before it closes the connection or the tunnel is up (its head)."""
    assert info.proxy_url
    host, port = info.proxy_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := sock.recv(4096)):
            answer += chunk
    return answer


@pytest.mark.parametrize(("request_line", "status"), [
    ("CONNECT jwt.ms:443 HTTP/1.1", 200), ("CONNECT JWT.MS:443 HTTP/1.1", 200),
    ("CONNECT jwt.ms:80 HTTP/1.1", 403), ("CONNECT jwt.ms:8443 HTTP/1.1", 403), ("CONNECT example.com:443 HTTP/1.1", 403),
    ("GET jwt.ms:443 HTTP/1.1", 403), ("GET https://jwt.ms/ HTTP/1.1", 403),
])
def test_the_proxy_tunnels_connect_to_the_stacks_names_on_port_443_only(local_stack: StackInfo, request_line: str, status: int) -> None:
    host = request_line.split()[1]
    answer = proxy_answer(local_stack, f"{request_line}\r\nHost: {host}\r\n\r\n".encode())
    assert answer.startswith(f"HTTP/1.1 {status} ".encode()), answer


def test_the_proxy_closes_a_connection_whose_request_head_does_not_come(local_stack: StackInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    from mocks import stack_proxy

    monkeypatch.setattr(stack_proxy, "HEADER_TIMEOUT", 0.3)
    started = time.monotonic()
    assert proxy_answer(local_stack, b"CONNECT jwt.ms:443 HTTP/1.1\r\n") == b""  # closed, never answered
    assert time.monotonic() - started < 3


# --- journeys in Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(launch_chromium, local_stack: StackInfo):
    return launch_chromium(local_stack.host_map)


@pytest.fixture
def page(chromium, english_page):
    return english_page(chromium, 15000)


def mobile_id_sign_in(page, info: StackInfo, msisdn: str) -> None:
    page.wait_for_url("https://m.mobileid.ch/**")
    page.fill("#msisdn", msisdn)
    page.click("#mid-continue")
    page.locator("#mid-waiting").wait_for()
    with http(info) as client:
        answer = client.post(f"https://openid.mobileid.ch/control/phones/{quote(msisdn, safe='')}/approve", params={"wait": "5"})
    assert answer.status_code == 200, answer.text


@pytest.mark.browser
def test_a_local_chromium_trusts_the_stack_by_its_pin_with_no_certificate_error(launch_chromium, local_stack: StackInfo) -> None:
    """The suite's local Chromium (fixtures/browser.py PIN_FLAG): B2C's page is a secure context, as on a tenant; without
    the pin and without an exception the browser refuses the stack's certificate."""
    for pin, reached in ((local_stack.spki, True), (None, False)):
        context = launch_chromium(local_stack.host_map, pin=pin).new_context()  # no ignore_https_errors
        page = context.new_page()
        try:
            page.goto(local_stack.run_urls["B2C_1_signupsignin"])
            assert reached and page.evaluate("window.isSecureContext") is True
        except PlaywrightError as error:
            assert not reached and "ERR_CERT_AUTHORITY_INVALID" in str(error), error
        finally:
            context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("policy", "button", "msisdn"), [("B2C_1_signupsignin", "MobileID", "+41791110001"),
                                                          ("B2C_1A_signup_signin_newuser", "MobileIDExchange", "+41791110002")])
def test_sign_up_then_sign_in_with_mobile_id(page, local_stack: StackInfo, policy: str, button: str, msisdn: str) -> None:
    page.goto(local_stack.run_urls[policy])
    page.locator(f'#api[data-name="Unified"] button#{button}').click()
    mobile_id_sign_in(page, local_stack, msisdn)
    page.locator('#api[data-name="SelfAsserted"] #continue').wait_for()
    assert page.input_value("#displayName") == msisdn
    page.fill("#givenName", "Hans")
    page.fill("#surname", "Muster")
    page.locator("#continue").click()
    page.wait_for_url("https://jwt.ms/#id_token=*")
    page.locator("#claimsTable tbody tr").first.wait_for()
    decoded = page.locator("#decodedToken").inner_text()
    assert '"newUser": true' in decoded and '"idp": "mobileid.ch"' in decoded and f'"name": "{msisdn}"' in decoded
    subject = page.locator('#claimsTable tr[data-claim="sub"] td.claim-value').inner_text()

    # Sign in again in a fresh sign-in (prompt=login): Mobile ID, then straight to the app, same user.
    page.goto(local_stack.run_urls[policy] + "&domain_hint=mobileid.ch")
    mobile_id_sign_in(page, local_stack, msisdn)
    page.wait_for_url("https://jwt.ms/#id_token=*")
    page.locator("#claimsTable tbody tr").first.wait_for()
    assert page.locator('#claimsTable tr[data-claim="sub"] td.claim-value').inner_text() == subject
    assert page.locator('#claimsTable tr[data-claim="newUser"]').count() == 0

    # SSO: without prompt=login no page at all.
    page.goto(local_stack.run_urls[policy].replace("&prompt=login", ""))
    page.wait_for_url("https://jwt.ms/#id_token=*")


@pytest.mark.browser
def test_lax_session_cookie_breaks_the_identity_providers_form_post(launch_chromium, tmp_path: Path) -> None:
    with running_stack(StackConfig(port=0, state_dir=tmp_path, faults=frozenset({Fault.LAX_SESSION_COOKIE}))) as info:
        browser = launch_chromium(info.host_map)
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.set_default_timeout(15000)
            page.goto(info.run_urls["B2C_1_signupsignin"] + "&domain_hint=mobileid.ch")
            mobile_id_sign_in(page, info, "+41791110003")
            detail = page.locator('#api[data-name="GlobalException"] .error-page-detail')
            detail.wait_for()
            assert detail.inner_text().startswith("AADB2C90255")
        finally:
            browser.close()


@pytest.mark.browser
def test_a_browser_without_host_rules_reaches_the_stack_through_the_proxy(launch_chromium, local_stack: StackInfo) -> None:
    """What Firefox and WebKit would do (only Chromium is installed here): production names through the proxy."""
    browser = launch_chromium(proxy={"server": local_stack.proxy_url})
    try:
        page = browser.new_context(ignore_https_errors=True).new_page()
        page.goto(local_stack.run_urls["B2C_1_signupsignin"])
        page.locator('#api[data-name="Unified"] button#MobileID').wait_for()
        page.locator("button#MobileID").click()
        page.wait_for_url("https://m.mobileid.ch/**")
        page.locator("#msisdn").wait_for()
    finally:
        browser.close()


def test_start_stack_without_a_with_block(tmp_path: Path) -> None:
    from mocks.stack import start_stack

    running = start_stack(port=0, state_dir=tmp_path)
    try:
        with http(running.info) as client:
            assert client.get("https://jwt.ms/").status_code == 200
    finally:
        running.stop()
    with pytest.raises(httpx.ConnectError), http(running.info) as client:
        client.get("https://jwt.ms/")


def test_a_stopped_stack_answers_no_more_not_even_on_a_connection_kept_open(tmp_path: Path) -> None:
    """Its server ends with it: a client's kept-alive connection is not served on by a server left running."""
    from mocks.stack import start_stack

    running = start_stack(port=0, state_dir=tmp_path)
    try:
        with http(running.info) as client:
            assert client.get("https://jwt.ms/").status_code == 200  # the connection stays open for the next request
            running.stop()
            with pytest.raises(httpx.TransportError):
                client.get("https://jwt.ms/")
    finally:
        running.stop()


@pytest.mark.parametrize("url", [
    "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/oauth2/v2.0/token",
    "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/oauth2/v2.0/logout",
    "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp",
    "https://openid.mobileid.ch/token",
    "https://openid.mobileid.ch/control/reset",
    "https://jwt.ms/",
])
@pytest.mark.parametrize("sent", ["chunked", "declared"])
def test_a_body_over_64_kib_is_413_on_every_site(local_stack: StackInfo, url: str, sent: str) -> None:
    """mocks/b2c/README.md: over 64 KiB is 413, whether declared (Content-Length) or chunked (counted as it arrives)."""
    def three_megabytes():
        for _ in range(48):
            yield b"a" * 65536

    body = three_megabytes() if sent == "chunked" else b"a" * (64 * 1024 + 1)  # bytes: httpx declares their length
    with http(local_stack) as client:
        response = client.post(url, content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413, (response.status_code, response.text[:200])


@pytest.mark.parametrize("sent", ["a body shorter than declared", "a head that never ends", "nothing after the handshake"])
def test_b2cs_host_on_the_stack_ends_a_slow_request_within_its_deadline(local_stack: StackInfo, monkeypatch: pytest.MonkeyPatch,
                                                                         sent: str) -> None:
    """mocks/b2c/README.md: on B2C's host too, a body not all there within the deadline after the headers gets 408 and a
    request head that does not end is closed (deadlines of 5 s, shortened here as tests/mobileid/test_slow_clients.py does:
    the stack's server reads both when a connection or a body starts)."""
    deadline, grace = 0.5, 3.0
    monkeypatch.setattr(TimedH11Protocol, "header_timeout", deadline)
    monkeypatch.setattr(params, "BODY_READ_TIMEOUT", deadline)
    tls = ssl.create_default_context(cafile=str(local_stack.ca_path))
    b2c = f"{local_stack.tenant}.b2clogin.com"
    head = (f"POST /{local_stack.tenant}.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/token HTTP/1.1\r\nHost: {b2c}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n")
    request = {"a body shorter than declared": head + "Content-Length: 1000\r\n\r\ngrant_t", "a head that never ends": head}.get(sent, "")
    with socket.create_connection(("127.0.0.1", local_stack.port), timeout=deadline + grace) as raw:
        with tls.wrap_socket(raw, server_hostname=b2c) as sock:
            started = time.monotonic()
            sock.sendall(request.encode())  # nothing: a connection that never says a word is closed too
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
            took = time.monotonic() - started
    assert took < deadline + grace, took
    assert answer.startswith(b"HTTP/1.1 408 ") if sent == "a body shorter than declared" else answer == b"", answer[:200]


def test_a_proxy_port_in_use_says_so_and_what_to_change() -> None:
    from mocks.stack_proxy import ConnectProxy

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as refused:
            ConnectProxy({}, port=port).start()
    said = str(refused.value)
    assert said == f"cannot listen on 127.0.0.1:{port}: Address already in use. Choose another --proxy-port (0 picks a free one).", said


def test_a_proxy_host_that_is_no_address_says_so_and_to_change_the_host() -> None:
    """A lookup's error (-2) is no OS error: its own words, not "Unknown error -2", and the host to change, not the port."""
    from mocks.stack_proxy import ConnectProxy

    with pytest.raises(SystemExit) as refused:
        ConnectProxy({}, host="999.1.1.1", port=0).start()
    said = str(refused.value)
    assert said.startswith("cannot listen on 999.1.1.1:0: ") and "Unknown error" not in said, said
    assert said.endswith("Give --host an address of this machine (127.0.0.1, or 0.0.0.0 for every one)."), said
