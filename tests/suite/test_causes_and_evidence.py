"""The failure classifier, the report's categories, and what may leave a run (no browser)."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import allure
import httpx
import pytest
import pytest_timeout  # type: ignore[import-untyped]  # no type information shipped
from playwright.sync_api import Error as PlaywrightError

from fixtures import causes, journey, reporting
from fixtures.causes import Cause, JourneyFailure, classify, classify_text, clip, is_infrastructure
from fixtures.redaction import PHONE, Redaction, contains_secret, mask_phone_numbers
from fixtures.reporting import failure_lines, quiet_fixtures, sweep
from fixtures.settings import build_settings
from pages import waiting
from tests.id_tokens import CLIENT, check, token
from tests.local_stack import LOCAL_STACK
from tests.suite_run import allure_results, pytest_with_plugins, tail

ROOT = Path(__file__).resolve().parents[2]
JWT = token()
LOCAL = build_settings({}, LOCAL_STACK)
TENANT_ENV = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1A_signup_signin",
              "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "MOBILEID_CONTROL_TOKEN": "control-token-value-1234",
              "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}
TENANT = build_settings(TENANT_ENV)


def test_a_token_check_failure_carries_its_claim_with_expected_and_got() -> None:
    with pytest.raises(JourneyFailure) as failure:
        check(token(aud="someone-else"))
    assert classify(failure.value) == causes.Cause(causes.TOKEN_CONTRACT, f"aud: expected {CLIENT!r}, got 'someone-else'")


def test_a_wrong_name_in_every_journey_is_one_cause_whatever_number_each_signed_in_with() -> None:
    """The journeys check the name against their own phone number (the display name Mobile ID gives): the cause leaves
    the number out, as it comes or masked (tenant mode), else one wrong name reads as a cause per journey."""
    said = [f"AssertionError: ID token name is 'Anna Meier', expected the display name {number!r}"
            for number in ("+41791234567", "+41757654321", "+4179*****67")]
    assert {classify_text(text, verdict=True) for text in said} == {causes.Cause(causes.TOKEN_CONTRACT,
                                                                                 "name: expected display name a phone number, got 'Anna Meier'")}


def test_a_typed_failure_is_found_behind_another_exception() -> None:
    try:
        try:
            raise JourneyFailure("B2C showed AADB2C90006", cause=Cause(causes.TENANT_CONFIGURATION, "AADB2C90006 (x)"))
        except JourneyFailure:
            raise RuntimeError("while collecting evidence")  # noqa: B904 - the context is what is tested
    except RuntimeError as error:
        assert classify(error).name == causes.TENANT_CONFIGURATION


def test_a_typed_failure_in_an_exception_group_keeps_its_cause() -> None:
    """Errors raised together (a journey's and its teardown's, say) come as a group: the typed one among them gives the cause."""
    typed = JourneyFailure("B2C redirected with unauthorized_client", cause=Cause(causes.TENANT_CONFIGURATION, "AADB2C90057 (x)"))
    group = ExceptionGroup("the journey and its teardown", [RuntimeError("teardown"), typed])
    assert classify(group) == Cause(causes.TENANT_CONFIGURATION, "AADB2C90057 (x)")
    try:
        raise RuntimeError("while collecting evidence") from group
    except RuntimeError as error:
        assert classify(error) == Cause(causes.TENANT_CONFIGURATION, "AADB2C90057 (x)")


@pytest.mark.parametrize(("text", "cause", "detail"), [
    ("AssertionError: ID token idp is 'google.com', expected 'mobileid.ch'", causes.TOKEN_CONTRACT, "idp: expected 'mobileid.ch', got 'google.com'"),
    ("AssertionError: ID token has no name claim (claims: ['aud'])", causes.TOKEN_CONTRACT, "name: missing"),
    ("B2C redirected with server_error instead of an ID token: AADB2C90273: An invalid response was received : "
     "'Error: access_denied,Error Description: mid_auth_3010_AB12 - user cancelled'", causes.MOBILE_ID_OUTCOME, "mid_auth_3010 (AADB2C90273)"),
    ("expected B2C's sign-in page; the browser shows B2C's error page ('AADB2C90006: The redirect URI ...')",
     causes.TENANT_CONFIGURATION, "AADB2C90006 (redirect URI not registered for the app)"),
    ("the browser shows B2C's error page ('AADB2C90018: The client ID 'x' ...')", causes.TENANT_CONFIGURATION, "AADB2C90018 (client id"),
    ("AssertionError: the discovery document of B2C_1A_gone at https://x/.well-known answered HTTP 404", causes.TENANT_CONFIGURATION, "policy B2C_1A_gone"),
    ("B2C redirected with access_denied instead of an ID token: AADB2C90091: The user has cancelled", causes.B2C_ERROR_REDIRECT, "AADB2C90091"),
    ("B2C did not redirect; the browser shows B2C's error page ('AADB2C90075: The claims exchange ...')", causes.B2C_ERROR_PAGE, "AADB2C90075"),
    # Neither: B2C's code in a back channel's answer, quoted by a bare assert (no exception name, no escaped line ends).
    ('AssertionError: B2C refused the first redemption of its code: HTTP 400 {"error":"invalid_grant","error_description":'
     '"AADB2C90183: The supplied code_verifier is invalid\\r\\nCorrelation ID: 5f0c', causes.OTHER,
     'AADB2C90183: B2C refused the first redemption of its code: HTTP 400 {"error":"invalid_grant","error_description":"The supplied code_verifier is invalid'),
    ("at https://jwt.ms/#error=server_error&error_description=AADB2C90075%3a+The+claims", causes.B2C_ERROR_REDIRECT, "AADB2C90075"),
    ("AssertionError: app: B2C sent 'access_denied' 'AADB2C90091: The user has cancelled'", causes.B2C_ERROR_REDIRECT, "AADB2C90091"),
    ("playwright._impl._errors.TimeoutError: Locator.wait_for: Timeout 15000ms exceeded.", causes.PAGE_CHANGED, "Locator.wait_for timed out"),
    ("Page.goto: net::ERR_CONNECTION_RESET at https://contoso.b2clogin.com/", causes.INFRASTRUCTURE, "net::ERR_CONNECTION_RESET"),
    # A refused connection is its host's (tests/suite/test_host_refusing_connections.py): one line, whichever URL met it.
    ("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/", causes.INFRASTRUCTURE, "contoso.b2clogin.com refused connections"),
    ("Failed: " + pytest_timeout.PYTEST_FAILURE_MESSAGE % 180.0, causes.INFRASTRUCTURE, "Timeout (>180.0s) from pytest-timeout"),
    # Each journey's own trace id, correlation ID and timestamp left out: one cause for all that met the same error.
    ("B2C redirected with server_error instead of an ID token: AADB2C90273: An invalid response was received: mid_auth_3320_MRBB37FA - busy",
     causes.MOBILE_ID_OUTCOME, "mid_auth_3320 (AADB2C90273)"),
    ("Page.goto: Target page, context or browser has been closed", causes.INFRASTRUCTURE, "Target page, context or browser has been closed"),
    ("E   httpx.ConnectError: [Errno 111] Connection refused\n", causes.INFRASTRUCTURE, "ConnectError: [Errno 111] Connection refused"),
    ("KeyError: 'sub'", causes.OTHER, "KeyError: 'sub'"),
    # A certificate the browser or Python does not trust: the machine's trust store or a proxy's, not the service.
    ("Page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://x", causes.INFRASTRUCTURE, "net::ERR_CERT_AUTHORITY_INVALID at https://x"),
    # The environment's proxy (HTTPS_PROXY) not answering, or not reaching the host: the way there.
    ("Page.goto: net::ERR_PROXY_CONNECTION_FAILED at https://x", causes.INFRASTRUCTURE, "net::ERR_PROXY_CONNECTION_FAILED at https://x"),
    ("Page.goto: net::ERR_TUNNEL_CONNECTION_FAILED at https://x", causes.INFRASTRUCTURE, "net::ERR_TUNNEL_CONNECTION_FAILED at https://x"),
    ("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
     causes.INFRASTRUCTURE, "CERTIFICATE_VERIFY_FAILED"),
    ("AssertionError: ID token is not valid yet: nbf 1700000300 is 300 s in the future", causes.TOKEN_CONTRACT,
     "ID token is not valid yet: nbf 1700000300 is 300 s in the future"),
])
def test_untyped_failures_are_classified_from_their_text(text: str, cause: str, detail: str) -> None:
    found = classify_text(text)
    assert (found.name, found.detail[:len(detail)]) == (cause, detail)


# Playwright's failure of a local browser that did not start, as a journey's set-up met it (a Chromium that crashed at once:
# here under `ulimit -v`), its launch arguments cut short; the pid and Chromium's log prefix differ per launch.
LAUNCH_FAILED = """playwright._impl._errors.TargetClosedError: BrowserType.launch: Target page, context or browser has been closed
Browser logs:

<launching> /usr/bin/chromium-headless-shell --disable-field-trial-config --headless --no-sandbox --user-data-dir=/tmp/playwright_chromiumdev_profile-{pid}
<launched> pid={pid}
[pid={pid}][err] [{pid}:{pid}:1205/201914.{pid}:FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox!
Call log:
  - <launching> /usr/bin/chromium-headless-shell --disable-field-trial-config --headless
  - <launched> pid={pid}
  - [pid={pid}][err] [{pid}:{pid}:1205/201914.{pid}:FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox!
  - [pid={pid}] <gracefully close start>
  - [pid={pid}] <process did exit: exitCode=133, signal=null>
"""


def test_a_browser_that_did_not_launch_is_said_so_once_for_every_journey_it_failed() -> None:
    """Its words were Playwright's "Target page, context or browser has been closed", the report's first screen reading as
    a browser lost mid-journey; it says the browser did not launch, how it exited and its last words, one cause for all."""
    found = {classify_text(LAUNCH_FAILED.format(pid=pid)) for pid in (15778, 20311)}
    assert found == {Cause(causes.INFRASTRUCTURE, "the browser did not launch (it exited with code 133): No usable sandbox!")}, found
    killed = "BrowserType.launch: Target page, context or browser has been closed\n  - <process did exit: exitCode=null, signal=SIGKILL>"
    assert classify_text(killed) == Cause(causes.INFRASTRUCTURE, "the browser did not launch (it was ended by SIGKILL): "
                                                                 "Target page, context or browser has been closed")
    assert is_infrastructure(LAUNCH_FAILED)  # still retried, as before
    # Chromium's first error, not what failing then did (a broken pipe, the bus), nor a launcher script's own noise
    no_display = ("BrowserType.launch: Target page, context or browser has been closed\n"
                  "  - [pid=9058][err] /usr/bin/chromium: 9: [: 25324953600: unexpected operator\n"
                  "  - [pid=9058][err] [9058:9058:1205/200748.567325:ERROR:ui/ozone/platform/x11/ozone_platform_x11.cc:257] Missing X server or $DISPLAY\n"
                  "  - [pid=9058][err] [9058:9058:1205/200748.567353:ERROR:ui/aura/env.cc:253] The platform failed to initialize.  Exiting.\n"
                  "  - [pid=9058][err] [9079:9079:0100/000000.575002:ERROR:content/zygote/zygote_linux.cc:662] write: Broken pipe (32)\n"
                  "  - [pid=9058] <process did exit: exitCode=1, signal=null>\n")
    assert classify_text(no_display) == Cause(causes.INFRASTRUCTURE, "the browser did not launch (it exited with code 1): Missing X server or $DISPLAY")
    # A browser lost mid-journey keeps Playwright's words
    assert classify_text("Page.goto: Target page, context or browser has been closed").detail == "Target page, context or browser has been closed"


ISS_ELSEWHERE = "ID token iss 'https://login.example.net/x/v2.0/' is on a host B2C's issuers are not on (expected one of ['contoso.b2clogin.com'])"
ISS_NAMES_NO_TENANT_ID = ("ID token iss 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/' does not name the tenant by its id "
                          "as B2C's issuers do")


@pytest.mark.parametrize(("first", "also"), [
    (ISS_ELSEWHERE, "ID token is expired: exp 1700000000 is 3600 s in the past"),
    (ISS_NAMES_NO_TENANT_ID, "ID token has no nonce; B2C must echo the nonce the app sent"),
    ("ID token nbf 1700000300 is after exp 1700000200", "aud is 'x', expected client id 'y'"),
], ids=["iss on another host", "iss without the tenant id", "nbf after exp"])
def test_a_tokens_untyped_words_are_its_contract_grouped_by_the_first_wrong_claim_of_any_kind(first: str, also: str) -> None:
    """Checks whose words name no expected value (the issuer's host or form, nbf after exp) were "other", their detail
    carrying the token's other wrong claims: a group per journey, and none under the token's contract."""
    for text in (f"AssertionError: {first}", f"AssertionError: {first}; also: {also}"):
        assert classify_text(text, verdict=True) == Cause(causes.TOKEN_CONTRACT, clip(first)), text


def test_a_browsers_network_error_names_where_it_failed_without_the_journeys_own_query() -> None:
    """The address says which service went away (the night's first question); the state and nonce in its query would make
    a group per journey of one outage."""
    met = [classify_text(f"Page.goto: net::ERR_CONNECTION_RESET at https://contoso.b2clogin.com/contoso.onmicrosoft.com/"
                         f"b2c_1_susi/oauth2/v2.0/authorize?state={state}&nonce={state}\nCall log:") for state in ("a1", "b2")]
    assert met[0] == met[1] == Cause(causes.INFRASTRUCTURE, "net::ERR_CONNECTION_RESET at "
                                     "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize")


def test_a_failed_http_request_names_the_request_it_was_about() -> None:
    """httpx's words name no host ("Server disconnected without sending a response."): the cause says which, and the same
    words for every journey that met it (no path: it may hold a fresh number). (A refused connection or a timeout is its
    host's line: tests/suite/test_host_refusing_connections.py.)"""
    request = httpx.Request("GET", "https://openid.mobileid.ch/control/phones/%2B41780000001/consent?token=x")
    dropped = httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    assert classify(dropped) == Cause(causes.INFRASTRUCTURE, "RemoteProtocolError: Server disconnected without sending a response. "
                                                             "(GET https://openid.mobileid.ch)")
    try:
        try:
            raise dropped
        except httpx.RemoteProtocolError as error:
            raise RuntimeError("the returning user could not be signed up") from error
    except RuntimeError as wrapped:
        assert classify(wrapped, "E   httpx.RemoteProtocolError: Server disconnected without sending a response.").detail.endswith(
            "(GET https://openid.mobileid.ch)")


def test_an_untyped_assertion_quoting_a_network_error_is_a_verdict_not_infrastructure() -> None:
    """As fixtures/retries.py never reruns one: B2C's error page quoting the identity provider's refused connection is
    B2C's answer, not the runner's network; another exception with those words is the runner's."""
    verdict = AssertionError("B2C showed its error page: AADB2C90075: the IdP's token endpoint: Connection refused")
    assert classify(verdict).name == causes.B2C_ERROR_PAGE
    assert classify(RuntimeError("Page.goto: net::ERR_CONNECTION_REFUSED at https://x/")).name == causes.INFRASTRUCTURE


def test_journeys_that_met_the_same_b2c_error_share_one_cause() -> None:
    """B2C's error description ends in a correlation ID and a timestamp of its own for every journey: left out of the
    cause, or the report would show one group per journey."""
    def redirect(correlation: str) -> Cause:
        return classify_text("B2C redirected with access_denied instead of an ID token: AADB2C90091: The user has cancelled "
                             f"entering self-asserted information.\r\nCorrelation ID: {correlation}\r\nTimestamp: 2026-11-29 07:00:0{correlation[0]}Z")
    first, second = redirect("0a1b2c3d-1111-2222-3333-444455556666"), redirect("1b2c3d4e-1111-2222-3333-444455556666")
    assert first == second and first.detail.endswith("The user has cancelled entering self-asserted information."), first


# B2C's error description as the app gets it: its message, its correlation ID and its timestamp, each on a line of its own.
MOBILE_ID_REFUSED = ("AADB2C90273: An invalid response was received : 'Error: access_denied,Error Description: mid_auth_3010_AB12 - "
                     "rejected'\r\nCorrelation ID: {guid}\r\nTimestamp: 2026-11-29 07:00:0{second}Z\r\n")
CANCELLED_UNSTAMPED = "AADB2C90091: The user has cancelled entering self-asserted information.\r\nCorrelation ID: {guid}\r\n"


def test_mobile_ids_system_error_is_read_as_its_server_error_and_a_users_outcome_as_access_denied() -> None:
    """Mobile ID's own failure (mid_sys_9900) comes as server_error, the user's and the phone's as access_denied: each
    journey holds B2C's wrapped error to the one its outcome has."""
    def said(error: str, described: str) -> str:  # stamped now: the check holds B2C's timestamp to this machine's clock
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        return (f"AADB2C90273: An invalid response was received : 'Error: {error},Error Description: {described}'\r\n"
                f"Correlation ID: 0a1b2c3d-1111-2222-3333-444455556666\r\nTimestamp: {now}\r\n")

    journey.assert_b2c_reports_mobile_id_error(said("server_error", "mid_sys_9900_AB12 - System error"), ("mid_sys_9900",))
    journey.assert_b2c_reports_mobile_id_error(said("access_denied", "mid_auth_3010_AB12 - rejected"), ("mid_auth_3010",))
    with pytest.raises(AssertionError, match="lacks Mobile ID's error access_denied"):
        journey.assert_b2c_reports_mobile_id_error(said("server_error", "mid_auth_3010_AB12 - rejected"), ("mid_auth_3010",))
    with pytest.raises(AssertionError, match="lacks Mobile ID's error server_error"):
        journey.assert_b2c_reports_mobile_id_error(said("access_denied", "mid_sys_9900_AB12 - System error"), ("mid_sys_9900",))


@pytest.mark.parametrize(("description", "check", "said", "cause"), [
    (MOBILE_ID_REFUSED, lambda d: journey.assert_b2c_reports_mobile_id_error(d, ("mid_auth_0401",)),
     "B2C's error_description \"AADB2C90273: An invalid response was received : 'Error: access_denied,Error Description: "
     "mid_auth_3010_AB12 - rejected' / Correlation ID: {guid} / Timestamp: 2026-11-29 07:00:0{second}Z\" should carry Mobile ID's "
     "mid_auth_0401", Cause(causes.MOBILE_ID_OUTCOME, "mid_auth_3010 (AADB2C90273)")),
    (CANCELLED_UNSTAMPED, journey.assert_traceable,
     "no timestamp in 'AADB2C90091: The user has cancelled entering self-asserted information. / Correlation ID: {guid}'",
     Cause(causes.OTHER, "AADB2C90091: no timestamp in 'The user has cancelled entering self-asserted information.")),
], ids=["a Mobile ID code not expected", "no timestamp"])
def test_a_failure_quotes_b2cs_error_description_readably_on_one_line_one_cause_for_all_journeys(
        description: str, check: Any, said: str, cause: Cause) -> None:
    """Its lines joined by " / ", not Python's escaped line ends (\\r\\n); the cause's detail as before, without the
    correlation ID and timestamp, which differ in every journey: one group in the report for all that met the error."""
    messages, found = [], []
    for guid, second in (("0a1b2c3d-1111-2222-3333-444455556666", 1), ("1b2c3d4e-1111-2222-3333-444455556666", 2)):
        with pytest.raises(AssertionError) as failure:
            check(description.format(guid=guid, second=second))
        messages.append(str(failure.value).splitlines()[0])
        assert messages[-1] == said.format(guid=guid, second=second), messages[-1]
        found.append(classify(failure.value))
    assert not [m for m in messages if "\\r" in m or "\\n" in m], messages
    assert found == [cause, cause], found


def test_the_browser_servers_headers_and_secrets_from_the_env_file_are_redacted_too() -> None:
    """Settings built from the environment merged with .env: a secret kept only in .env is not in this process's
    environment, so the settings carry it (Settings.secrets); header values are secrets whatever their names."""
    settings = build_settings({**dict(TENANT_ENV), "E2E_BROWSER_WS_ENDPOINT": "wss://browsers.example.test/ws?token=ws-query-token-7",
                               "E2E_BROWSER_WS_HEADERS": '{"Authorization": "Bearer ws-access-token-42", "X-Team": "qa"}',
                               "E2E_BROWSER_PROXY": "http://qa:proxy-password-9@proxy.example.test:3128",
                               "B2C_WEBAPP1_CLIENT_SECRET": "env-file-secret-value", "E2E_TOKEN_CONTRACT": "name,idp"})
    text = ("connect(headers={'Authorization': 'Bearer ws-access-token-42', 'X-Team': 'qa'}) token ws-access-token-42 "
            "secret env-file-secret-value wss://browsers.example.test/ws?token=ws-query-token-7 proxy-password-9 claims name,idp")
    cleaned = Redaction.for_run(settings, environ={"HTTPS_PROXY": "http://u:env-proxy-password@proxy:3128"}).text(text + " env-proxy-password")
    secrets = ["ws-access-token-42", "env-file-secret-value", "ws-query-token-7", "proxy-password-9", "env-proxy-password"]
    assert contains_secret(cleaned, secrets) == [], cleaned
    assert "X-Team" in cleaned and "qa" in cleaned  # a short value is no secret: blanking it would blank ordinary words
    assert "claims name,idp" in cleaned  # E2E_TOKEN_CONTRACT is named like a secret, but is a list of claim names


def test_every_cause_is_a_category_of_the_report_in_the_same_order() -> None:
    config = (ROOT / "allurerc.mjs").read_text()
    listed = re.findall(r'^\s+"([^"]+)",$', config.split("const causes = [", 1)[1].split("];", 1)[0], re.M)
    assert tuple(listed) == causes.CAUSES
    assert "labels: { cause:" in config and '{ label: "cause_detail" }' in config
    # README, the report's first screen: its results tree grouped by cause, then by the cause's detail.
    assert 'groupBy: ["cause", "cause_detail", "parentSuite", "suite"]' in config


def test_attachments_lose_tokens_and_secrets_and_in_tenant_mode_phone_numbers() -> None:
    text = f"https://jwt.ms/#id_token={JWT} control=control-token-value-1234 msisdn=%2B41791234567 shown +41 79 123 45 67"
    tenant = Redaction.for_run(TENANT, environ={"B2C_WEBAPP1_CLIENT_SECRET": "client-secret-value"}).text(text + " client-secret-value")
    assert contains_secret(tenant, ["control-token-value-1234", "client-secret-value"]) == []
    assert "%2B4179*****67" in tenant and "+4179*****67" in tenant and "1234567" not in tenant
    local = Redaction.for_run(LOCAL, environ={}).text(text)
    assert "JWT" not in contains_secret(local) and "%2B41791234567" in local  # the emulator's numbers are nobody's
    assert mask_phone_numbers("+41700092501") == "+4170*****01"
    assert mask_phone_numbers("call 0041791234567 or 41791234567") == "call 004179*****67 or 41791234567"
    assert mask_phone_numbers("1234.0041791234567 0.00416666666666667") == "1234.0041791234567 0.00416666666666667"


@pytest.mark.parametrize(("written", "masked"), [
    ("msisdn=%2B41+79+123+45+67&next", "msisdn=%2B4179*****67&next"),  # a form's spaces
    ("%2B41%2079%20123%2045%2067", "%2B4179*****67"),
    ("+41-79-123-45-67", "+4179*****67"),
    ("+41 (0)79 123 45 67", "+4179*****67"),
    ("+41.79.123.45.67", "+4179*****67"), ("+41\u00a079\u00a0123\u00a045\u00a067", "+4179*****67"),  # dots; a page's no-break spaces
    # the no-break space as a page's source (in a HAR) writes it, as JSON escapes it, and the narrow one
    ("<p>(079)&nbsp;123&nbsp;45&nbsp;67</p>", "<p>079*****67</p>"), ("+41&#160;79&#160;123&#160;45&#160;67", "+4179*****67"),
    ("079&#xA0;123&#xa0;45&#xa0;67", "079*****67"), ('"+41\\u00a079\\u00a0123\\u00a045\\u00a067"', '"+4179*****67"'),
    ("+41\u202f79\u202f123\u202f45\u202f67", "+4179*****67"),
    ("login_hint=%2B41%C2%A079%C2%A0123%C2%A045%C2%A067&x", "login_hint=%2B4179*****67&x"),  # a URL's no-break space
    ("call 079/123 45 67 now", "call 079*****67 now"), ("tel. (079) 123 45 67", "tel. 079*****67"), ("079.123.45.67", "079*****67"),
    ("(075.123.45.67)", "(075*****67)"),
    ("login_hint=0791234567&x", "login_hint=079*****67&x"),  # the national form, as people type it
    ("call 079 123 45 67.", "call 079*****67."),
    ("msisdn=075+123+45+67", "msisdn=075*****67"),
    ("login_hint=%2b41791234567", "login_hint=%2b4179*****67"),  # .NET's lower-case encoding
    ("+41 (79) 123 45 67", "+4179*****67"), ("+41-(79)-123-45-67", "+4179*****67"),  # the mobile prefix in brackets
    # the + as JSON escapes it (.NET's default), as HTML writes it, encoded twice (inside another URL's parameter)
    ('"phone":"\\u002B41791234567"', '"phone":"\\u002B4179*****67"'), ("&#43;41 79 123 45 67", "&#43;4179*****67"),
    ("&#x2b;41791234567", "&#x2b;4179*****67"), ("next=%252B41791234567", "next=%252B4179*****67"),
    ("correlation 07912345-67ab-4cde-8f00-112233445566", "correlation 07912345-67ab-4cde-8f00-112233445566"),
    # Not numbers of a phone: inside a longer number or an identifier, or not a mobile prefix.
    ("t=17328707912345", "t=17328707912345"), ("id-0791234567", "id-0791234567"), ("abc0791234567", "abc0791234567"),
    ("x 0441234567", "x 0441234567"), ("+41 (44) 123 45 67", "+41 (44) 123 45 67"),
    # Dots and slashes in what is no number: a decimal, a version, a path, a longer run of digits.
    ("+41.123456789", "+41.123456789"), ("lat +41.8919300123", "lat +41.8919300123"), ("v0041.1.2.3.4.5.6.7.8.9", "v0041.1.2.3.4.5.6.7.8.9"),
    ("https://x/0041/1234/5678/9", "https://x/0041/1234/5678/9"), ("079/123/45/67/89", "079/123/45/67/89"),
])
def test_phone_numbers_are_masked_however_they_are_written(written: str, masked: str) -> None:
    assert mask_phone_numbers(written) == masked
    assert PHONE.search(mask_phone_numbers(written)) is None  # what the bundle's leak scan looks for is gone


def test_a_whole_results_directory_is_swept_of_tokens_secrets_and_numbers(tmp_path: Path) -> None:
    (tmp_path / "a-result.json").write_text(json.dumps({"statusDetails": {"trace": f"raw = '{JWT}'"}, "name": "+41791234567"}))
    (tmp_path / "b-attachment.txt").write_text("token control-token-value-1234")
    with zipfile.ZipFile(tmp_path / "c-attachment.zip", "w") as trace:
        trace.writestr("trace.network", f'{{"location": "https://jwt.ms/#id_token={JWT}"}}')
        trace.writestr("resources/shot.jpeg", b"\xff\xd8\xff\xe0binary")
    sweep(tmp_path, Redaction.for_run(TENANT, environ={}))
    texts = [p.read_text() for p in tmp_path.glob("*.json")] + [p.read_text() for p in tmp_path.glob("*.txt")]
    with zipfile.ZipFile(tmp_path / "c-attachment.zip") as trace:
        texts.append(trace.read("trace.network").decode())
        assert trace.read("resources/shot.jpeg") == b"\xff\xd8\xff\xe0binary"
    assert all(contains_secret(t, ["control-token-value-1234"]) == [] for t in texts)
    assert "+41791234567" not in texts[0]


@pytest.mark.parametrize("name", [
    "d-attachment.attach",  # allure.attach(body, name) without an attachment type, or with a MIME type given as text
    "e-attachment.yaml", "f-attachment.tsv", "g-attachment.svg",  # Allure's other text attachment types
])
def test_the_sweep_cleans_text_attachments_of_every_type_and_leaves_pictures_and_videos_alone(tmp_path: Path, name: str) -> None:
    """docs/suite.md promises that every file of the results passes the redaction again: a plugin's or a journey's
    attachment of a type the suite's own attachments do not use is text all the same."""
    (tmp_path / name).write_text(f"landed on https://jwt.ms/#id_token={JWT} with control-token-value-1234")
    # Each decodes as UTF-8 (a GIF's header is ASCII, a WebM's EBML one valid UTF-8): left by their type, not because the
    # sweep could not read them as text, as a PNG's first byte makes it.
    picture, video = b"GIF89a" + JWT.encode(), b"\x1aE\xdf\xa3" + JWT.encode()
    (tmp_path / "h-attachment.gif").write_bytes(picture)
    (tmp_path / "i-attachment.webm").write_bytes(video)
    sweep(tmp_path, Redaction.for_run(TENANT, environ={"MOBILEID_CONTROL_TOKEN": "control-token-value-1234"}))
    assert contains_secret((tmp_path / name).read_text(), ["control-token-value-1234"]) == []
    assert (tmp_path / "h-attachment.gif").read_bytes() == picture and (tmp_path / "i-attachment.webm").read_bytes() == video


def test_a_traces_session_cookies_and_authorization_codes_are_redacted_in_every_member(tmp_path: Path) -> None:
    """Cookies and codes are credentials (a live B2C session against a tenant): gone from the trace, wherever they are."""
    sso, csrf, code = "2FgzpFo-8SwbGBtdb3Bd-sso", "csrf-cookie-value-77", "uO3qDzccI7I_1-DB7leIFgSo4F8q"
    fresh = "Qm9va21hcmtlZC1zc28tY29va2ll-set"  # a session B2C sets on the last answer before its redirect: in Set-Cookie alone
    snapshot = {"request": {"url": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp", "method": "POST",
                            "headers": [{"name": "Cookie", "value": f"x-ms-cpim-sso:guid={sso}; x-ms-cpim-csrf={csrf}"}],
                            "cookies": [], "postData": {"params": [{"name": "code", "value": code}, {"name": "state", "value": "s"}]}},
                "response": {"headers": [{"name": "set-cookie", "value": f"x-ms-cpim-csrf={csrf}; path=/; secure\n"
                                                                          f"x-ms-cpim-sso:guid_0={fresh}; path=/; secure; HttpOnly"}],
                             "cookies": []}}
    trace_path = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace_path, "w") as trace:
        trace.writestr("trace.network", json.dumps({"type": "resource-snapshot", "snapshot": snapshot}) + "\n")
        trace.writestr("resources/page.html", f'<form><input name="code" value="{code}"></form><script>document.cookie</script>')
        trace.writestr("trace.trace", json.dumps({"type": "action", "cookies": [{"name": "x-ms-cpim-sso:guid", "value": sso}]}))
    Redaction.for_run(LOCAL, environ={}).zip(trace_path)
    with zipfile.ZipFile(trace_path) as trace:
        texts = [trace.read(name).decode() for name in trace.namelist()]
    assert all(contains_secret(t, [sso, csrf, code, fresh]) == [] for t in texts), texts
    assert "x-ms-cpim-sso:guid" in texts[0] and '"state"' in texts[0]  # names and harmless values stay readable


def test_set_up_noise_is_dropped_and_what_did_work_or_failed_is_kept(tmp_path: Path) -> None:
    container = {"befores": [
        {"name": "settings", "status": "passed"},
        {"name": "returning_user", "status": "passed", "steps": [{"name": "Sign up"}]},
        {"name": "stack", "status": "broken"},
    ], "afters": [{"name": "page::<lambda>"}]}
    (tmp_path / "x-container.json").write_text(json.dumps(container))
    quiet_fixtures(tmp_path)
    kept = json.loads((tmp_path / "x-container.json").read_text())
    assert [f["name"] for f in kept["befores"]] == ["returning_user", "stack"] and kept["afters"] == []


def test_the_terminal_counts_each_cause_with_its_detail_and_names_its_failures_under_it() -> None:
    aud = [("cause", "ID token contract"), ("cause_detail", "aud: expected 'a', got 'b'")]
    reports = [
        SimpleNamespace(nodeid="e2e/test_a.py::t[x]", when="call", user_properties=aud),
        SimpleNamespace(nodeid="e2e/test_b.py::t[x]", when="setup", user_properties=aud),
        SimpleNamespace(nodeid="e2e/test_c.py::t[x]", when="call", user_properties=[]),
        # xdist's report of a worker that crashed under a journey: no phase, said "(in ???)" before.
        SimpleNamespace(nodeid="e2e/test_d.py::t[x]", when="???", user_properties=[
            ("cause", "infrastructure"), ("cause_detail", "worker 'gw0' crashed (the process ended: killed, out of memory or a crash)")]),
    ]
    assert failure_lines(reports) == [  # type: ignore[arg-type]
        "2 x ID token contract: aud: expected 'a', got 'b'",
        "    e2e/test_a.py::t[x]",
        "    e2e/test_b.py::t[x] (in setup)",
        "1 x infrastructure: worker 'gw0' crashed (the process ended: killed, out of memory or a crash)",
        "    e2e/test_d.py::t[x]",
        "1 x other",
        "    e2e/test_c.py::t[x]",
    ]


def test_the_terminal_names_a_few_journeys_per_cause_so_the_causes_stay_on_the_runs_last_screen() -> None:
    """A local stack that died under 58 journeys listed all 58 under its line: the cause, and any finding above it,
    scrolled out of the terminal's last screen. A few are named, the rest counted (the report lists every one); a
    journey's phases are one journey there."""
    gone = [("cause", "infrastructure"), ("cause_detail", "the local stack exited mid-run (exit status 0)")]
    aud = [("cause", "ID token contract"), ("cause_detail", "aud: expected 'a', got 'b'")]
    reports = [SimpleNamespace(nodeid=f"e2e/test_{n}.py::t[x]", when="setup", user_properties=gone) for n in range(58)]
    reports.insert(1, SimpleNamespace(nodeid="e2e/test_0.py::t[x]", when="teardown", user_properties=gone))
    reports.append(SimpleNamespace(nodeid="e2e/test_aud.py::t[x]", when="call", user_properties=aud))
    lines = failure_lines(reports)  # type: ignore[arg-type]
    assert lines == [
        "1 x ID token contract: aud: expected 'a', got 'b'",
        "    e2e/test_aud.py::t[x]",
        "58 x infrastructure: the local stack exited mid-run (exit status 0)",
        "    e2e/test_0.py::t[x] (in setup)",
        "    e2e/test_0.py::t[x] (in teardown)",
        *(f"    e2e/test_{n}.py::t[x] (in setup)" for n in range(1, 5)),
        "    ... and 53 more journeys (the report lists every one)",
    ]
    five = [SimpleNamespace(nodeid=f"e2e/test_{n}.py::t[x]", when="call", user_properties=gone) for n in range(5)]
    assert failure_lines(five)[1:] == [f"    e2e/test_{n}.py::t[x]" for n in range(5)]  # type: ignore[arg-type]  # all named: none more
    six = [SimpleNamespace(nodeid=f"e2e/test_{n}.py::t[x]", when="call", user_properties=gone) for n in range(6)]
    assert failure_lines(six)[-1] == "    ... and 1 more journey (the report lists every one)"  # type: ignore[arg-type]


def test_an_error_redirects_cause_names_its_code_once() -> None:
    cause = causes.b2c_error_code("AADB2C90075", "server_error: AADB2C90075: The claims exchange 'MobileIDExchange' ...",
                                  redirected=True)
    assert cause == causes.Cause(causes.B2C_ERROR_REDIRECT, "AADB2C90075: the identity provider's back channel (token/userinfo) "
                                                            "answered B2C with an HTTP error (server_error: The claims exchange '…' ...)")


def test_the_local_stacks_refusal_of_an_mfa_step_is_the_cause_and_reads_as_mfa() -> None:
    """The stack's error page for a step it does not run (the MFA starter pack's PhoneFactor step) has its own words, no
    AADB2C code; the cause is the refusal, short enough for the report's line to say MFA. The stack's own words
    (mocks/b2c/errors.py), so a change of them fails here rather than leave the cause unshortened."""
    from mocks.b2c.errors import NotExecutedStep

    detail = NotExecutedStep("TrustFrameworkBase.xml: TechnicalProfile[@Id='PhoneFactor-InputOrVerify']: MFA (phone verification, "
                             "PhoneFactorProtocolProvider) is not executed by the emulator: here real B2C shows its MFA page "
                             "(api.phonefactor) ... [B2C_1A_signup_signin, user journey SignUpOrSignIn, orchestration step 7 "
                             "(ClaimsExchange)]").detail
    cause = causes.b2c_error_code(None, detail, redirected=False)
    assert cause.name == causes.B2C_ERROR_PAGE
    assert cause.detail.startswith("Not executed by the B2C emulator: TrustFrameworkBase.xml: "
                                   "TechnicalProfile[@Id='PhoneFactor-InputOrVerify']: MFA (phone verification"), cause.detail
    assert len(cause.detail) <= causes.DETAIL_LENGTH


def test_an_error_redirect_of_a_code_that_says_the_app_registration_is_wrong_is_the_tenants() -> None:
    cause = causes.b2c_error_code("AADB2C90057", "unauthorized_client: AADB2C90057: The provided application is not configured to "
                                  "allow the 'OAuth' Implicit flow.", redirected=True)
    assert cause.name == causes.TENANT_CONFIGURATION
    assert cause.detail.startswith("AADB2C90057 (the app does not allow the implicit flow): "), cause.detail


# One fault met through the user flow and through the custom policy, in B2C's words (reference b2c.md section 4; the local
# stack's, mocks/b2c/errors.py): each names its own technical profile for Mobile ID, and may number the step otherwise.
TOKEN_ENDPOINT_500 = ("server_error: AADB2C90075: The claims exchange '{profile}' specified in step '{step}' returned HTTP error "
                      "response with Code '500' and Reason 'Internal Server Error'.\r\nCorrelation ID: {guid}\r\nTimestamp: 2026-11-30 17:53:31Z")
COOKIES_LOST = ("AADB2C90255: The claims exchange specified in technical profile '{profile}' did not complete as expected. "
                "You might want to try starting your session over from the beginning.\nCorrelation ID: {guid}")


@pytest.mark.parametrize(("said", "redirected", "detail"), [
    (TOKEN_ENDPOINT_500, True, "AADB2C90075: the identity provider's back channel (token/userinfo) answered B2C with HTTP 500 "
                               "(server_error: The claims exchange '…' specified in step '…'…)"),
    (TOKEN_ENDPOINT_500.replace("Code '500'", "Code 'InternalServerError'"), True,  # a real tenant names the status as .NET does
     "AADB2C90075: the identity provider's back channel (token/userinfo) answered B2C with HTTP 500 (server_error: The claims "
     "exchange '…' specified in step '…'…)"),
    (COOKIES_LOST, False, "AADB2C90255: The claims exchange specified in technical profile '…' did not complete as expected. You might "
                          "want to try starting your session over from the beginning."),
], ids=["Mobile ID's token endpoint answering 500", "the same, the status named", "lax-session-cookie"])
def test_one_fault_in_a_user_flow_and_a_custom_policy_is_one_cause(said: str, redirected: bool, detail: str) -> None:
    """B2C's message quotes the claims exchange's technical profile ('MobileID' in the seed's user flow, 'MobileIDExchange'
    in its custom policy): the cause leaves it out, else the report shows the fault as two causes; the code, what the
    identity provider answered (said first: B2C's words say it last, past the line's end) and B2C's words stay."""
    user_flow = said.format(profile="MobileID", step="2", guid="0b0e7c53-5d8e-4f4a-9a51-0d5ab1f6c111")
    custom_policy = said.format(profile="MobileIDExchange", step="3", guid="1c1f8d64-6e9f-405b-8b62-1e6bc2070222")
    code = said.split("AADB2C", 1)[1][:5]
    typed = [causes.b2c_error_code(f"AADB2C{code}", message, redirected=redirected) for message in (user_flow, custom_policy)]
    where = "B2C redirected with" if redirected else "B2C showed its error page:"
    untyped = [classify_text(f"AssertionError: {where} {message}", verdict=True) for message in (user_flow, custom_policy)]
    name = causes.B2C_ERROR_REDIRECT if redirected else causes.B2C_ERROR_PAGE
    assert typed == [Cause(name, detail)] * 2, typed
    assert untyped[0] == untyped[1] and untyped[0].name == name and "'…'" in untyped[0].detail, untyped  # a journey's bare assert


def test_the_docs_show_the_detail_of_b2c_quoting_the_policy() -> None:
    """docs/suite.md, Reports: the detail of Mobile ID's token endpoint answering 500, as the report shows it."""
    message = TOKEN_ENDPOINT_500.format(profile="MobileID", step="2", guid="0b0e7c53-5d8e-4f4a-9a51-0d5ab1f6c111")
    detail = causes.b2c_error_code("AADB2C90075", message, redirected=True).detail
    docs = " ".join((ROOT / "docs" / "suite.md").read_text().split())
    assert f"`{detail}`" in docs, detail


def test_a_collection_error_is_named_in_the_causes_section() -> None:
    """pytest's short summary lists no errors in a journey run, so its causes section names collection errors."""
    from fixtures.reporting import pytest_terminal_summary

    written: list[str] = []
    broken = pytest.CollectReport("e2e/test_broken.py", "failed", "E   ModuleNotFoundError: No module named 'xyz'", [])
    reporter = SimpleNamespace(stats={"error": [broken]}, section=lambda title: written.append(f"== {title} =="),
                               write_line=written.append)
    from fixtures.settings_plugin import SETTINGS_KEY

    config = SimpleNamespace(getoption=lambda name, default=None: None, stash={SETTINGS_KEY: LOCAL})  # a journey run
    pytest_terminal_summary(reporter, 1, config)  # type: ignore[arg-type]
    assert written == ["== causes ==", "collection error: e2e/test_broken.py: ModuleNotFoundError: No module named 'xyz'"]


def test_a_pages_codes_in_its_query_and_form_fields_are_credentials() -> None:
    from fixtures.redaction import page_credentials

    html = ('<form method="post" action="https://contoso.b2clogin.com/oauth2/authresp"><input type="hidden" name="code" '
            'value="mobile-id-code-123456"/><input type="hidden" name="state" value="StateProperties=abc"/>'
            "<input value='value-first-code-7890' type=hidden name=code>"  # another page's order and quoting
            '<input type="hidden" name="code" value="AbCd&amp;EfGh+123=="></form>')  # an entity, as Chromium serialises "&"
    found = page_credentials("https://contoso.b2clogin.com/authresp?code=query-code-654321&state=s", html)
    assert {"mobile-id-code-123456", "value-first-code-7890", "query-code-654321", "AbCd&EfGh+123=="} <= found
    assert "AbCd&amp;EfGh" not in Redaction.for_run(LOCAL, environ={}).text(html, found)
    encoded = page_credentials("https://contoso.b2clogin.com/authresp?code=a%2Fb%2Bc%3Dd1234", "")
    assert "a%2Fb%2Bc%3Dd1234" in found | encoded  # as the attached URL writes it
    assert "mobile-id-code-123456" not in Redaction.for_run(LOCAL, environ={}).text(html, found)


@pytest.mark.browser
@pytest.mark.parametrize("field", ["tel", "text"], ids=["Mobile ID's number field", "B2C's display name"])
@pytest.mark.parametrize("tenant_mode", [False, True], ids=["local", "tenant mode"])
def test_the_reports_evidence_masks_the_number_field_and_text_in_tenant_mode(browser: Any, page: Any, monkeypatch: pytest.MonkeyPatch,
                                                                              tenant_mode: bool, field: str) -> None:
    """A failed journey's evidence (fixtures/reporting.py): in tenant mode a person's number is masked in the screenshot's
    fields that hold it (Mobile ID's number field; B2C's profile page fills the display name with it) and in the attached
    text; a local run's made-up numbers stay as they are."""
    number = "+41791234567"
    page.set_content(f'<body style="font: 20px sans-serif"><form id="mid-login"><input type="{field}" value="{number}"></form></body>')
    unmasked = page.screenshot()
    attached: dict[str, Any] = {}
    monkeypatch.setattr(allure, "attach", lambda body, name, kind=None: attached.__setitem__(name, body))
    assert reporting.attach_browser_evidence(browser, "https://jwt.ms", Redaction(mask_phones=tenant_mode)) >= 1
    [screenshot] = [body for name, body in attached.items() if name.endswith(": screenshot")]
    [html] = [body for name, body in attached.items() if name.endswith(": page HTML")]
    assert (screenshot != unmasked) is tenant_mode
    assert (number in html) is not tenant_mode and ("+4179*****67" in html) is tenant_mode


@pytest.mark.browser
def test_the_reports_page_html_and_url_keep_no_cookie_value_of_the_browser(browser: Any, page: Any,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """B2C's pages write the value of its x-ms-cpim-csrf cookie into their SETTINGS ("csrf") and links (csrf_token=), and
    its API's URLs carry it in the query: a failed journey's page HTML and URL show it redacted, as its trace does."""
    csrf = "wvKRofged6LmyXHV3iJylOZmdfLggpJmWqv4BPUZLy3UIFHTuOcp0CIJeR3ckDDk"
    app_session = "app-session-cookie-value-0123456789"  # any cookie's value, not B2C's alone
    page.context.add_cookies([{"name": "x-ms-cpim-csrf", "value": csrf, "url": "https://contoso.b2clogin.com/"},
                              {"name": ".AspNetCore.Cookies", "value": app_session, "url": "https://app.example.com/"}])
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(content_type="text/html", body=(
        f'<script>var SETTINGS = {{"api": "CombinedSigninAndSignup", "csrf": "{csrf}", "transId": "StateProperties=e30"}};</script>'
        f'<a href="/api/CombinedSigninAndSignup/forgotPassword?csrf_token={csrf}&amp;tx=StateProperties=e30">Forgot</a>'
        f"<p>{app_session}</p>")))
    page.goto(f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/api/CombinedSigninAndSignup/confirmed"
              f"?csrf_token={csrf}&tx=StateProperties=e30&p=B2C_1A_signup_signin")
    attached: dict[str, Any] = {}
    monkeypatch.setattr(allure, "attach", lambda body, name, kind=None: attached.__setitem__(name, body))
    assert reporting.attach_browser_evidence(browser, "https://jwt.ms", Redaction.for_run(LOCAL, environ={})) == 1
    texts = {name: body for name, body in attached.items() if isinstance(body, str)}
    assert {"browser 1: page HTML", "browser 1: page URL (without fragment)", "browser 1: where it stopped"} <= set(texts), sorted(texts)
    leaked = [name for name, body in texts.items() if csrf in body or app_session in body]
    assert not leaked, {name: texts[name] for name in leaked}
    assert '"csrf": "<redacted>"' in texts["browser 1: page HTML"], texts["browser 1: page HTML"]


@pytest.mark.browser
def test_the_reports_evidence_covers_each_browser_the_journey_opened(browser: Any, page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """README: a failed journey's report has the evidence of each browser it opened (``another_browser``'s too, its pages
    named apart), not only the test's own page."""
    page.set_content("<p>the test's own browser</p>")
    other = browser.new_context()
    try:
        first, second = other.new_page(), other.new_page()
        first.set_content("<p>another browser</p>")
        second.set_content("<p>its second page</p>")
        attached: dict[str, Any] = {}
        monkeypatch.setattr(allure, "attach", lambda body, name, kind=None: attached.__setitem__(name, body))
        assert reporting.attach_browser_evidence(browser, "https://jwt.ms", Redaction(mask_phones=False)) == 3
    finally:
        other.close()
    html = {name.removesuffix(": page HTML"): body for name, body in attached.items() if name.endswith(": page HTML")}
    assert "the test's own browser" in html["browser 1"], sorted(html)
    assert "another browser" in html["browser 2 page 1"] and "its second page" in html["browser 2 page 2"], sorted(html)
    assert {name for name in attached if name.endswith(": screenshot")} == {f"{prefix}: screenshot" for prefix in html}


@pytest.mark.browser
def test_the_evidence_says_which_browser_is_the_set_ups_sign_up(browser: Any, page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A browser its fixture named (the returning user's sign-up, at jwt.ms as a passing journey's) says whose it is in its
    "where it stopped"; the journey's own says nothing of the kind."""
    page.set_content("<p>the test's own browser</p>")
    other = browser.new_context()
    try:
        other.new_page().set_content("<p>the set-up's sign-up</p>")
        reporting.BROWSER_ROLES[other] = "the set-up's sign-up of the returning user, not the journey's own"
        attached: dict[str, Any] = {}
        monkeypatch.setattr(allure, "attach", lambda body, name, kind=None: attached.__setitem__(name, body))
        assert reporting.attach_browser_evidence(browser, "https://jwt.ms", Redaction(mask_phones=False)) == 2
    finally:
        other.close()
    assert attached["browser 2: where it stopped"].endswith("\nbrowser: the set-up's sign-up of the returning user, not the journey's own")
    assert "browser:" not in attached["browser 1: where it stopped"], attached["browser 1: where it stopped"]


def test_the_returning_users_sign_up_names_its_browser(tmp_path: Path) -> None:
    """returning_user names the browser it signs the user up in (reporting.BROWSER_ROLES), for the evidence above."""
    from fixtures.journey import returning_user

    class Context:  # a BrowserContext as the registry holds it: weakly
        pass

    context = Context()
    journey = SimpleNamespace(page=SimpleNamespace(context=context), sign_up=lambda policy, number: {"sub": "s"})
    mobile_id = SimpleNamespace(has_fresh_numbers=True, new_number=lambda: "+41790000001")
    given = returning_user.__wrapped__(tmp_path, lambda: journey, mobile_id, "B2C_1_signupsignin")  # type: ignore[attr-defined]
    assert next(given).number == "+41790000001"
    assert reporting.BROWSER_ROLES.get(context) == "the set-up's sign-up of the returning user, not the journey's own"  # type: ignore[call-overload]
    given.close()


def test_a_long_detail_is_cut_at_a_word_and_says_so() -> None:
    from fixtures.causes import DETAIL_LENGTH, clip

    words = "tests/suite/test_ci_definitions.py::test_every_journey_has_a_committed_duration " * 4
    cut = clip(words)
    assert len(cut) <= DETAIL_LENGTH and cut.endswith("…") and words.startswith(cut[:-1]) and words[len(cut) - 1] == " ", cut
    assert clip("short") == "short"


def test_the_suites_own_tests_are_not_read_for_a_journeys_cause() -> None:
    """A fast test's failure quoting an AADB2C code (a docs table's diff) is not a B2C error: its first line, cause other."""
    import types

    from fixtures.reporting import FAST_TESTS, failure_cause

    said = "AssertionError: the table differs:\n| AADB2C90273 | B2C error redirect |"
    call = types.SimpleNamespace(excinfo=types.SimpleNamespace(exconly=lambda: said))
    item = types.SimpleNamespace(path=FAST_TESTS / "test_fault_registry.py", stash=pytest.Stash())
    cause = failure_cause(item, types.SimpleNamespace(longreprtext=said, when="call"), call)  # type: ignore[arg-type]
    assert (cause.name, cause.detail) == ("other", "AssertionError: the table differs:")


def test_a_journey_failing_in_its_call_and_its_teardown_alike_is_one_journey_under_that_cause() -> None:
    aud = [("cause", "ID token contract"), ("cause_detail", "aud: expected 'a', got 'b'")]
    reports = [SimpleNamespace(nodeid="e2e/test_a.py::t[x]", when=when, user_properties=aud) for when in ("call", "teardown")]
    assert failure_lines(reports) == [  # type: ignore[arg-type]
        "1 x ID token contract: aud: expected 'a', got 'b'",
        "    e2e/test_a.py::t[x]",
        "    e2e/test_a.py::t[x] (in teardown)",
    ]


def _failed(said: str, error: BaseException) -> SimpleNamespace:
    return SimpleNamespace(excinfo=SimpleNamespace(exconly=lambda: said, value=error, errisinstance=lambda kind: isinstance(error, kind)))


def test_a_journeys_cause_is_read_from_its_words_redacted_and_its_teardowns_error_has_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A detail is cut to one line: a secret cut short there is no longer found by the redaction after it, so the words
    are redacted before they are read. A teardown's error is not filed under the call's cause."""
    secret = "Sup3rSecretValue_abcdefghijkl"
    monkeypatch.setattr(reporting, "_cleaner", lambda config: Redaction([secret]))
    item = SimpleNamespace(path=Path(reporting.__file__).parent.parent / "e2e" / "test_x.py", stash=pytest.Stash(), config=None)
    said = (f"BrowserType.connect: WebSocket error: https://openid.mobileid.ch/control/phones/{'p' * 62}?access={secret} "
            "503 Service Unavailable")
    cause = reporting.failure_cause(item, SimpleNamespace(longreprtext=said, when="call"), _failed(said, RuntimeError(said)))  # type: ignore[arg-type]
    assert cause.name == causes.INFRASTRUCTURE and secret[:4] not in cause.detail, cause
    aud = "AssertionError: ID token aud is 'a', expected client id 'b'"
    item.stash = pytest.Stash()
    call = reporting.failure_cause(item, SimpleNamespace(longreprtext=aud, when="call"), _failed(aud, AssertionError(aud)))  # type: ignore[arg-type]
    reset = "Page.close: net::ERR_CONNECTION_RESET at https://jwt.ms/"
    teardown = reporting.failure_cause(item, SimpleNamespace(longreprtext=reset, when="teardown"), _failed(reset, RuntimeError(reset)))  # type: ignore[arg-type]
    assert (call.name, teardown.name) == (causes.TOKEN_CONTRACT, causes.INFRASTRUCTURE), (call, teardown)


def test_a_token_with_two_wrong_claims_is_one_line_of_the_report_with_the_tokens_that_have_the_first_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The night's report groups by the first wrong claim: a journey whose token also has a wrong nonce is counted under
    aud with the journey whose token has only a wrong aud, from the typed failure and from its words alike (a report
    without the exception); its message names both, and the terminal counts the nonce under the aud's line: a second
    fault (an expired token under a wrong aud in every journey) said nowhere on the run's last screen was missed."""
    monkeypatch.setattr(reporting, "_cleaner", lambda config: Redaction([]))
    journeys = {"e2e/test_a.py::t[aud]": token(aud="someone-else"), "e2e/test_a.py::t[aud and nonce]": token(aud="someone-else", nonce="n")}
    reports = []
    for nodeid, raw in journeys.items():
        with pytest.raises(JourneyFailure) as failure:
            check(raw)
        said = f"fixtures.causes.JourneyFailure: {failure.value}"
        item = SimpleNamespace(path=ROOT / "e2e" / "test_a.py", stash=pytest.Stash(), config=None)
        cause = reporting.failure_cause(item, SimpleNamespace(longreprtext=said, when="call"), _failed(said, failure.value))  # type: ignore[arg-type]
        assert classify_text(said, verdict=True) == cause, said
        also = [(causes.ALSO_WRONG_LABEL, detail) for detail in causes.also_wrong(failure.value)]
        reports.append(SimpleNamespace(nodeid=nodeid, when="call", user_properties=[("cause", cause.name), ("cause_detail", cause.detail), *also]))
    assert "; also: nonce is 'n', expected the nonce the app sent" in said
    assert failure_lines(reports) == [  # type: ignore[arg-type]
        f"2 x ID token contract: aud: expected {CLIENT!r}, got 'someone-else'",
        "    also nonce: expected the app's nonce, got another (in 1 of them)",
        "    e2e/test_a.py::t[aud]",
        "    e2e/test_a.py::t[aud and nonce]",
    ]


@pytest.mark.browser
def test_the_reports_evidence_of_a_form_post_page_leaves_out_its_authorization_code(browser: Any, page: Any,
                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A journey stopped on Mobile ID's auto-posted form to B2C (its code in a hidden field): the attached HTML carries
    the page but not the code, which no pattern of the redaction knows by its looks."""
    code = "mobile-id-code-123456"
    page.set_content('<form method="post" action="https://contoso.b2clogin.com/oauth2/authresp"><p>signing you in</p>'
                     f'<input type="hidden" name="code" value="{code}"><input type="hidden" name="state" value="s"></form>')
    attached: dict[str, Any] = {}
    monkeypatch.setattr(allure, "attach", lambda body, name, kind=None: attached.__setitem__(name, body))
    assert reporting.attach_browser_evidence(browser, "https://jwt.ms", Redaction(mask_phones=False)) == 1
    [html] = [body for name, body in attached.items() if name.endswith(": page HTML")]
    assert "signing you in" in html and code not in html, html


# A failed test on a page, its browser the system's Chromium where Playwright's own build is not installed (as the suite's).
FAILED_ON_A_PAGE = {
    "conftest.py": '''
import pytest

from fixtures.browser import chromium_executable


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    executable = chromium_executable(playwright)
    return {**browser_type_launch_args, **({"executable_path": executable} if executable else {})}
''',
    "test_on_a_page.py": '''
def test_fails_on_a_page(page):
    page.set_content("<p>where it failed</p>")
    assert False, "made to fail"
''',
}


@pytest.mark.browser
def test_a_failed_journeys_page_is_pictured_once_not_again_by_pytest_playwright(tmp_path: Path) -> None:
    """make e2e and CI pass --screenshot only-on-failure: pytest-playwright's screenshot of the failed journey's page is the
    evidence's own picture of it, taken at the same moment, and every failed journey showed it twice (in tenant mode
    once with the number field masked, once without). It stays in the evidence folder; the report shows the page once."""
    for name, text in FAILED_ON_A_PAGE.items():
        (tmp_path / name).write_text(text)
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    done = pytest_with_plugins(tmp_path, plugins, "--screenshot", "only-on-failure", f"--output={tmp_path / 'evidence'}",
                               str(tmp_path / "test_on_a_page.py"))
    assert "1 failed" in done.stdout, tail(done.stdout) + tail(done.stderr)
    [result] = allure_results(tmp_path / "allure-results")
    pictures = [attachment["name"] for attachment in result["attachments"] if attachment["type"] == "image/png"]
    assert pictures == ["browser 1: screenshot"], pictures
    assert [path.name for path in (tmp_path / "evidence").rglob("*.png")] == ["test-failed-1.png"]

@pytest.mark.browser
def test_the_reports_evidence_of_an_id_token_redirect_promises_no_claims_the_journey_did_not_attach(page: Any) -> None:
    """A journey that stops at the app before its token check (B2C's answer in the query, a state not echoed) has no
    decoded claims attached: "where it stopped" says where they are when the check ran, not that they are attached."""
    page.route("https://jwt.ms/**", lambda route: route.fulfill(content_type="text/html", body="<p>jwt.ms</p>"))
    page.goto(f"https://jwt.ms/?id_token={JWT}&state=s")
    redirect = reporting.page_facts(page, "https://jwt.ms")["redirect"]
    assert "an ID token" in redirect and "claims attached by the token check" not in redirect, redirect
    assert "Validate the ID token" in redirect, redirect

@pytest.mark.browser
def test_the_reports_evidence_of_chromiums_error_page_names_the_navigation_that_failed(browser: Any, page: Any,
                                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A journey whose navigation failed (B2C refusing connections) stops on Chromium's own error page, whose address,
    chrome-error://chromewebdata/, says nothing: "where it stopped" names the navigation that failed and Chromium's error,
    without its query (a code, a state)."""
    waiting.watch_network(page)
    page.route("https://contoso.b2clogin.com/**", lambda route: route.abort("connectionrefused"))
    with pytest.raises(PlaywrightError):
        page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize?state=s1234")
    page.wait_for_url("chrome-error://**")  # Chromium's page commits a moment after goto has failed
    attached: dict[str, Any] = {}
    monkeypatch.setattr(allure, "attach", lambda body, name, kind=None: attached.__setitem__(name, body))
    assert reporting.attach_browser_evidence(browser, "https://jwt.ms", Redaction(mask_phones=False)) == 1
    stopped = attached["browser 1: where it stopped"]
    assert ("navigation failed: net::ERR_CONNECTION_REFUSED at "
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize") in stopped, stopped
    assert "s1234" not in stopped, stopped


def test_the_terminal_lists_findings_before_the_runs_own_trouble_whatever_their_counts() -> None:
    """The causes section in the report's order (``CAUSES``: most specific first), not by count: one journey's wrong
    audience is read before the many a network outage stopped."""
    refused = [("cause", "infrastructure"), ("cause_detail", "net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/")]
    aud = [("cause", "ID token contract"), ("cause_detail", "aud: expected 'a', got 'b'")]
    reports = [SimpleNamespace(nodeid=f"e2e/test_{name}.py::t[x]", when="call", user_properties=said)
               for name, said in (("a", refused), ("b", refused), ("c", aud))]
    assert [line for line in failure_lines(reports) if not line.startswith(" ")] == [  # type: ignore[arg-type]
        "1 x ID token contract: aud: expected 'a', got 'b'",
        "2 x infrastructure: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/",
    ]


def test_a_typed_failures_detail_is_redacted_before_the_report_and_the_repro_read_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A journey's own typed failure may quote what it was refused with (a control API's token): the cause every reader
    takes (the Allure label, the terminal, the repro's verdict) has it redacted."""
    secret = "Sup3rSecretValue_abcdefghijkl"
    monkeypatch.setattr(reporting, "_cleaner", lambda config: Redaction([secret]))
    labelled: dict[str, str] = {}
    monkeypatch.setattr(allure.dynamic, "label", lambda name, value: labelled.__setitem__(name, value))
    item = SimpleNamespace(path=Path(reporting.__file__).parent.parent / "e2e" / "test_x.py", stash=pytest.Stash(), config=None)
    error = JourneyFailure("the control API refused the token", cause=Cause(causes.TENANT_CONFIGURATION, f"control API refused {secret}"))
    said = f"fixtures.causes.JourneyFailure: {error}"
    cause = reporting.failure_cause(item, SimpleNamespace(longreprtext=said, when="call"), _failed(said, error))  # type: ignore[arg-type]
    assert cause == Cause(causes.TENANT_CONFIGURATION, "control API refused <redacted>"), cause
    assert labelled == {"cause": causes.TENANT_CONFIGURATION, "cause_detail": "control API refused <redacted>"}, labelled


def test_a_trace_is_redacted_before_it_is_attached_and_where_it_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-playwright's trace of a failed journey holds the raw ID token of its redirect: the copy the report gets and
    the one left in --output (the terminal's "evidence:" folder, a pipeline's artifact) are both without it; a trace
    that is no zip is not attached, and the report says so."""
    trace_path, broken = tmp_path / "trace.zip", tmp_path / "broken" / "trace.zip"
    with zipfile.ZipFile(trace_path, "w") as trace:
        trace.writestr("trace.network", f'{{"location": "https://jwt.ms/#id_token={JWT}"}}')
    broken.parent.mkdir()
    broken.write_text(f"not a zip {JWT}")
    attached: dict[str, Any] = {}

    class Attach:  # allure.attach, and allure.attach.file as it reads the file
        def __call__(self, body: Any, name: str, kind: Any = None) -> None:
            attached[name] = body

        def file(self, path: str, name: str, attachment_type: Any, extension: Any) -> None:
            attached[name] = Path(path).read_bytes()

    monkeypatch.setattr(allure, "attach", Attach())
    report = SimpleNamespace(user_properties=[("playwright_trace", str(trace_path)), ("playwright_trace", str(broken))])
    reporting._attach_artifacts(report, Redaction.for_run(LOCAL, environ={}))  # type: ignore[arg-type]
    with zipfile.ZipFile(trace_path) as kept:
        network = kept.read("trace.network").decode()
    assert "trace.zip" in attached and "trace.zip not attached" in attached, sorted(attached)
    assert JWT.encode() not in attached["trace.zip"] and contains_secret(network) == [] and "https://jwt.ms/" in network, network
