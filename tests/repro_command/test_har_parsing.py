"""The HAR reader on a browser's HAR from a real tenant (hand-built: there is no tenant here); real journeys: test_har_reader.py."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from repro.cli import check, check_device, main, parser, suite_env
from repro.har import ANDROID_TABLET as ANDROID_TABLET_DEVICE
from repro.har import PHONE_KINDS, answer, describe, read_har, repro_args
from tests.local_stack import LOCAL_STACK

PAGE = {"mimeType": "text/html", "text": "<html></html>"}


def entry(url: str, *, method: str = "GET", second: int = 0, status: int = 200, content: dict[str, str] | None = None,
          headers: dict[str, str] | None = None, location: str | None = None, form: str | None = None) -> dict[str, Any]:
    """One HAR entry as a browser records it: request (headers, form body), response (status, Location, content)."""
    request: dict[str, Any] = {"method": method, "url": url, "headers": [{"name": k, "value": v} for k, v in (headers or {}).items()]}
    if form is not None:
        request["postData"] = {"text": form}
    response: dict[str, Any] = {"status": status, "headers": [{"name": "Location", "value": location}] if location else []}
    if content is not None:
        response["content"] = content
    return {"startedDateTime": f"2026-11-28T10:00:{second:02d}.000Z", "request": request, "response": response}


def har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"log": {"entries": list(entries)}}


def test_a_tenant_har_from_devtools_gives_a_tenant_command() -> None:
    """A browser's HAR (base64 bodies, custom domain, the ?p= form) from a real tenant: the command targets that tenant."""
    page = '<div id="api" data-name="GlobalException"><div class="error-page-detail">AADB2C90018: The client id ... is not registered</div>' \
           '<div class="error-page-correlationid">Correlation ID: 0a1b2c3d-1111-2222-3333-444455556666</div></div>'
    recorded = har(entry("https://login.fabrikam.com/fabrikam.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1A_susi"
                         "&client_id=0000-app&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fcb&ui_locales=fr&prompt=login",
                         headers={"Accept-Language": "fr-CH,fr;q=0.9"}, status=400,
                         content={"mimeType": "text/html", "encoding": "base64", "text": base64.b64encode(page.encode()).decode()}))
    found = read_har(recorded)
    assert (found.aadb2c_codes, found.correlation_id) == (["AADB2C90018"], "0a1b2c3d-1111-2222-3333-444455556666")
    assert repro_args(found, LOCAL_STACK) == [
        "--journey", "sign-up", "--policy", "B2C_1A_susi", "--target", "tenant", "--tenant", "fabrikam", "--domain", "login.fabrikam.com",
        "--ui-locales", "fr", "--browser-locale", "fr-CH", "--outcome", "approve", "--prompt", "login",
        "--redirect-uri", "https://app.fabrikam.com/cb", "--client-id", "0000-app"]


@pytest.mark.parametrize(("accept_language", "replayed", "said"), [
    ("de-CHE,de;q=0.9,en;q=0.5", "de", "de, the first tag of Accept-Language 'de-CHE,de;q=0.9,en;q=0.5' a browser takes as its "
                                       "locale ('de-CHE' is none)"),
    ("i-klingon", None, "en-US (the default): no tag of Accept-Language 'i-klingon' a browser takes as its locale ('i-klingon' is none)"),
    ("de-CH, de;q=0.9", "de-CH", "de-CH"),
])
def test_a_hars_accept_language_is_replayed_by_its_first_tag_a_browser_takes(accept_language: str, replayed: str | None, said: str) -> None:
    """A HAR's Accept-Language whose first tag Chromium refuses as a locale (an old irregular tag, ISO 3166's three-letter
    region): the printed command named it, and the repro then refused its own --browser-locale. It takes the next tag."""
    found = read_har(har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize"
                               "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", headers={"Accept-Language": accept_language},
                               content=PAGE)))
    args = repro_args(found, LOCAL_STACK)
    assert (args[args.index("--browser-locale") + 1] if "--browser-locale" in args else None) == replayed
    assert next(line for line in describe(found, LOCAL_STACK) if line.startswith("browser locale")).split(None, 2)[2].strip() == said
    if replayed:  # the locale the printed command names is one the repro's settings take
        assert suite_env(parser().parse_args(["--browser-locale", replayed]), {"E2E_TARGET": "local"})[1].browser_locale == replayed


def test_a_tenant_har_keeps_its_redirect_uri_even_when_it_is_the_stacks() -> None:
    """The reporter's tenant app redirects to https://jwt.ms too: the command still names it (the tenant's .env may not)."""
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize"
                         "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE))
    args = repro_args(read_har(recorded), LOCAL_STACK)
    assert LOCAL_STACK.redirect_uri == "https://jwt.ms"
    assert args[args.index("--redirect-uri") + 1] == "https://jwt.ms" and "--target" in args and args[args.index("--target") + 1] == "tenant"


def test_a_hars_request_with_a_policy_in_its_path_and_another_as_p_says_so() -> None:
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize"
                         "?client_id=0000-app&p=b2c_1a_profile_edit", content=PAGE))
    found = read_har(recorded)
    assert found.policy == "B2C_1A_susi"
    assert [line.split(None, 1)[1] for line in describe(found, LOCAL_STACK) if line.startswith("note ")] == [
        "the request names policy B2C_1A_susi in its path and b2c_1a_profile_edit as ?p=: the rows above and the rerun take the "
        "path's, as the local B2C does (which one B2C takes is not documented); the printed command with --policy "
        "b2c_1a_profile_edit in its stead runs the other"]


def test_a_redacted_id_token_is_still_b2cs_answer() -> None:
    """The repro's own bundle HAR: B2C's redirect carries the ID token as <redacted JWT>; that is an answer, not none."""
    recorded = har(
        entry("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize"
              "?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE),
        entry("https://m.mobileid.ch/oidc/login", method="POST", second=9, status=302, form="msisdn=%2B41790000001"),
        entry("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?state=s", second=10, status=302,
              location="https://jwt.ms#id_token=<redacted JWT>&state=StateProperties%3Dx"),
    )
    found = read_har(recorded)
    assert found.sent_id_token and found.id_token_claims is None and found.error is None
    result = next(line for line in describe(found, LOCAL_STACK) if line.startswith("result"))
    assert result.split(None, 1)[1] == "an ID token (redacted)"
    assert (found.journey, found.outcome) == ("sign-in", "approve")


def test_an_error_page_b2c_builds_by_script_gives_its_correlation_id_from_the_page_comment() -> None:
    """A HAR holds the page as served: where B2C builds the error fragment by script (reference b2c.md Addendum), the
    correlation ID is in the comment B2C's pages start with, the code and message in the page's data, escaped as JSON
    (mocks/b2c/pages.py: the emulator's keys; the reader looks for the message, not for a key)."""
    detail = 'AADB2C90006: The redirect URI \'https://app.example/cb?a=1&b="2"\' provided in the request is not registered'
    data = json.dumps({"api": "GlobalException", "errorDetail": detail}).replace("&", "\\u0026").replace("<", "\\u003c")
    page = ('<!-- CorrelationId: 0a1b2c3d-1111-2222-3333-444455556666 -->\n<!DOCTYPE html><html><head><script>var SETTINGS = '
            f'{data};</script></head><body><div id="api" role="main"></div></body></html>')
    found = read_har(har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize"
                               "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", status=400,
                               content={"mimeType": "text/html", "text": page})))
    assert (found.aadb2c_codes, found.correlation_id) == (["AADB2C90006"], "0a1b2c3d-1111-2222-3333-444455556666")
    assert found.aadb2c_message == detail  # decoded whole: the & and the quotes as the page shows them


MOBILE_ID_CANCEL = "mid_auth_3010_9YBML7FA - The user cancelled the authentication"


def test_the_correlation_id_of_b2cs_error_to_the_app_wins_over_its_sign_in_pages() -> None:
    """Every B2C page's source starts with a correlation ID, and B2C's error to the app names one too: on a real tenant
    they may differ (the emulator gives a journey one), and the error's is the one B2C's support asks for."""
    page = {"mimeType": "text/html", "text": "<!-- CorrelationId: 11111111-1111-1111-1111-111111111111 -->\n<html></html>"}
    error = {"error": "access_denied", "state": "s",
             "error_description": "AADB2C90273: An invalid response was received\nCorrelation ID: 22222222-2222-2222-2222-222222222222"}
    found = read_har(har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                               "?client_id=app&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fsignin-oidc", content=page),
                         entry("https://app.fabrikam.com/signin-oidc", method="POST", second=5, form=urlencode(error))))
    assert (found.aadb2c_codes, found.correlation_id) == (["AADB2C90273"], "22222222-2222-2222-2222-222222222222")


def tenant_attempt(second: int, *, prompt: str = "", answer: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """An attempt at a real tenant: the authorize request, then (``answer``) what B2C sent the app."""
    query = "?client_id=app&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fsignin-oidc&ui_locales=de" + (f"&prompt={prompt}" if prompt else "")
    entries = [entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize" + query,
                     second=second, content=PAGE)]
    if answer is not None:
        entries.append(entry("https://app.fabrikam.com/signin-oidc", method="POST", second=second + 5, form=urlencode(answer)))
    return entries


def test_a_silent_session_check_ahead_of_the_sign_in_is_not_what_is_read() -> None:
    """MSAL's ssoSilent (prompt=none, AADB2C90077) before the user's own sign-in: the facts are the sign-in's, and the
    HAR's attempts are listed so another can be read (--attempt)."""
    silent = tenant_attempt(0, prompt="none", answer={"error": "login_required", "error_description": "AADB2C90077: User does not have an existing session",
                                                    "state": "s0"})
    cancelled = [*tenant_attempt(10), entry("https://m.mobileid.ch/oidc/login", method="POST", second=12, form="msisdn=%2B41791234567"),
                 # Mobile ID answers B2C with a form post (B2C's idp_response_mode form_post), the app likewise (ASP.NET's default)
                 entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/oauth2/authresp", method="POST", second=20,
                       form=urlencode({"error": "access_denied", "error_description": MOBILE_ID_CANCEL, "state": "s"})),
                 entry("https://app.fabrikam.com/signin-oidc", method="POST", second=21,
                       form=urlencode({"error": "access_denied", "error_description": "AADB2C90273: An invalid response was received", "state": "s"}))]
    # An Entra ID sign-in of the app's own in the middle (no policy): not an attempt of B2C's
    entra = entry("https://login.microsoftonline.com/fabrikam.onmicrosoft.com/oauth2/v2.0/authorize?client_id=x", second=11)
    found = read_har(har(*silent, *cancelled, entra))
    assert (found.attempt, found.mid_code, found.aadb2c_codes, found.error) == (2, "mid_auth_3010", ["AADB2C90273"], "access_denied")
    assert found.params.get("prompt") is None and (found.journey, found.outcome) == ("sign-in", "decline")
    lines = describe(found, LOCAL_STACK)
    assert lines[0].split(None, 1)[1] == "2 of 2 (--attempt N reads another)"
    assert "1: B2C_1A_signup_signin: prompt=none, AADB2C90077, error login_required" in lines[1]
    assert next(line for line in lines if line.startswith("Mobile ID number")).endswith("+4179*****67")  # a person's number
    args = repro_args(found, LOCAL_STACK)
    assert args[args.index("--outcome") + 1] == "decline" and "--prompt" not in args
    assert read_har(har(*silent, *cancelled), attempt=1).aadb2c_codes == ["AADB2C90077"]


def test_a_retry_after_a_failure_does_not_hide_the_failure() -> None:
    """'Preserve log' over a failed attempt and a later one that worked: the failed one is read, with its own facts."""
    failed = [*tenant_attempt(0), entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/oauth2/authresp", method="POST",
                                        second=3, form=urlencode({"error": "access_denied", "error_description": MOBILE_ID_CANCEL}))]
    worked = [*tenant_attempt(30, answer={"code": "a-code", "state": "s"}),
              entry("https://m.mobileid.ch/oidc/login", method="POST", second=31, form="msisdn=%2B41799999999")]
    found = read_har(har(*failed, *worked))
    assert (found.attempt, found.mid_code, found.msisdn, found.code_sent) == (1, "mid_auth_3010", None, False)
    second = read_har(har(*failed, *worked), attempt=2)
    assert (second.mid_code, second.msisdn, second.code_sent, answer(second)) == (None, "+41799999999", True, "an authorization code")
    try:
        read_har(har(*failed, *worked), attempt=3)
    except ValueError as error:
        assert "holds 2 sign-in attempts (1 to 2)" in str(error)
    else:
        raise AssertionError("an attempt the HAR does not hold was read")


def test_what_the_repro_cannot_follow_is_left_out_and_said() -> None:
    """A localhost redirect URI, a person's number as the login hint, a code flow: the command runs as printed, and says
    what it left out and what it asks for instead."""
    recorded = har(entry("https://fabrikam.b2clogin.com/tfp/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                         "?client_id=app&redirect_uri=http%3A%2F%2Flocalhost%3A3000&login_hint=079+123+45+67"
                         "&response_type=code&response_mode=form_post", content=PAGE))
    found = read_har(recorded)
    assert found.policy == "B2C_1A_signup_signin"  # the /tfp/ form of the authorize URL
    args = repro_args(found, LOCAL_STACK)
    assert "--redirect-uri" not in args and "--login-hint" not in args
    check(parser().parse_args(args), {})  # the printed command is one the repro accepts
    lines = describe(found, LOCAL_STACK)
    assert next(line for line in lines if line.startswith("login_hint")).endswith("079*****67")
    left = [line for line in lines if line.startswith("left out")]
    assert len(left) == 3 and "http://localhost:3000 is not an https URL" in left[0] and "phone number" in left[1], left
    assert "client_id: the app asked for 'code'" in left[2], left
    assert any("the app asked response_type=code, response_mode=form_post; the repro asks for response_type=id_token" in line
               for line in lines)


def test_a_redirect_uri_the_app_encoded_twice_is_said_so_not_as_a_url_of_another_scheme() -> None:
    """In a HAR the browser sent it so: the app's own doing (no copy of the URL to blame), B2C read no URL."""
    found = read_har(har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                               "?client_id=app&redirect_uri=https%253A%252F%252Fapp.fabrikam.com%252Fsignin-oidc", content=PAGE)))
    [left] = [line for line in describe(found, LOCAL_STACK) if line.startswith("left out")]
    assert left.endswith("redirect_uri: https%3A%2F%2Fapp.fabrikam.com%2Fsignin-oidc looks percent-encoded twice (decoded once more: "
                         "https://app.fabrikam.com/signin-oidc): sent so, B2C reads it as it is, no URL: a redirect URI not registered "
                         "for the app (AADB2C90006). The app encodes it once too often; the rerun goes with B2C_REDIRECT_URI, registered "
                         "for the test app, and --redirect-uri https://app.fabrikam.com/signin-oidc in the printed command sends it decoded"), left
    assert "--redirect-uri" not in repro_args(found, LOCAL_STACK)


def test_a_hars_request_with_one_parameter_is_not_said_to_be_cut_by_a_shell() -> None:
    """The browser recorded the request whole: "typed unquoted, a shell cuts a URL at its first &" is a URL's note only."""
    found = read_har(har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                               "?client_id=app", content=PAGE)))
    assert not [line for line in describe(found, LOCAL_STACK) if "shell" in line]


def test_a_har_of_the_local_stack_shows_its_numbers_whole() -> None:
    """The emulator's numbers are nobody's: the reader shows them as they are, and the command keeps the hint."""
    recorded = har(entry(f"https://{LOCAL_STACK.domain}/{LOCAL_STACK.tenant}.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                         "?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms&login_hint=%2B41791234567", content=PAGE),
                   entry("https://m.mobileid.ch/oidc/login", method="POST", second=2, form="msisdn=%2B41791234567"))
    found = read_har(recorded)
    lines = "\n".join(describe(found, LOCAL_STACK))
    assert "Mobile ID number  +41791234567" in lines and "login_hint        +41791234567" in lines, lines
    args = repro_args(found, LOCAL_STACK)
    assert args[args.index("--login-hint") + 1] == "+41791234567"


def test_a_persons_number_of_any_country_is_masked_and_left_out_of_the_command() -> None:
    """Off the local stack every number is a person's, Swiss or not (the emulator takes any country's)."""
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                         "?client_id=3f1c2a4e-0000-4000-8000-0123456789ab&redirect_uri=https%3A%2F%2Fjwt.ms"
                         "&login_hint=%2B4915112345678", content=PAGE),
                   entry("https://m.mobileid.ch/oidc/login", method="POST", second=2, form="msisdn=%2B4237912345"))
    found = read_har(recorded)
    lines = "\n".join(describe(found, LOCAL_STACK))
    assert "+4915112345678" not in lines and "+4237912345" not in lines and "15112345678" not in lines, lines
    assert "Mobile ID number  +4237****45" in lines and "+4915*******78" in lines, lines
    assert "--login-hint" not in repro_args(found, LOCAL_STACK)
    # A client id is no number: whole, as the app registration shows it, for the person to compare.
    assert "client id         3f1c2a4e-0000-4000-8000-0123456789ab" in lines, lines


def test_the_har_reader_needs_neither_pytest_nor_a_browser() -> None:
    """`python -m repro --from-har` reads and describes a user's HAR before any journey: a quick answer, no browser."""
    recorded = har(entry("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize"
                         "?client_id=x&redirect_uri=https%3A%2F%2Fjwt.ms&login_hint=%2B41791234567"))
    probe = ("import json, sys\nfrom repro.har import describe, read_har\nfrom tests.local_stack import LOCAL_STACK\n"
             f"describe(read_har(json.loads({json.dumps(json.dumps(recorded))})), LOCAL_STACK)\n"
             "print(sorted(m for m in ('pytest', 'playwright', 'allure') if m in sys.modules))")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
IPAD = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
# iPadOS's Safari by default: a Mac's user agent, so the iPad replays as a desktop (README).
IPAD_AS_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"


DESKTOP_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0"
IPHONE_CHROME = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0 Mobile/15E148 Safari/604.1"
MAC_CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
DESKTOP_EDGE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0"


@pytest.mark.parametrize(("user_agent", "device", "engine"), [
    (IPHONE, "iPhone 15", "webkit"), (IPHONE_CHROME, "iPhone 15", "webkit"),  # every iOS browser is WebKit
    (ANDROID_PHONE, "Pixel 7", None), (IPAD, "iPad Pro 11", "webkit"), (ANDROID_TABLET, "Galaxy Tab S4", None), (DESKTOP, None, None),
    (IPAD_AS_MAC, None, "webkit"), (MAC_CHROME, None, None), (DESKTOP_EDGE, None, None), (DESKTOP_FIREFOX, None, "firefox"),
    (ANDROID_FIREFOX, "Pixel 7", None),  # Playwright's Firefox has no mobile emulation: the phone, in Chromium
    (None, None, None)])
def test_a_reporters_browser_is_replayed_in_its_engine_and_a_phone_as_a_playwright_device_of_its_kind(
        user_agent: str | None, device: str | None, engine: str | None) -> None:
    """The reporter's browser is part of their parameters: a HAR from Safari or Firefox gives --browser of its engine, a
    phone's --device of its kind (its screen, user agent and touch), and the HAR's lines say which browser it was and how
    it is replayed."""
    headers = {"User-Agent": user_agent} if user_agent else {}
    found = read_har(har(entry("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize"
                               "?client_id=c&redirect_uri=https%3A%2F%2Fjwt.ms", headers=headers)))
    args = repro_args(found, LOCAL_STACK)
    assert (args[args.index("--device") + 1] if "--device" in args else None) == device
    assert (args[args.index("--browser") + 1] if "--browser" in args else None) == engine
    check(parser().parse_args(args), {})  # the printed command runs as printed
    browser = next(line for line in describe(found, LOCAL_STACK) if line.startswith("browser    "))  # not "browser locale"
    if device:
        assert f"(replayed as Playwright's {device}, in {engine or 'chromium'})" in browser, browser
    else:
        assert (f"(replayed in Playwright's {engine})" in browser) if engine else "replayed" not in browser, browser
    assert repro_args(found, LOCAL_STACK, browser="chromium").count("--browser") == 0  # the user's --browser goes in its place
    # The user's --browser chromium replaces the reporter's engine in what the line says too.
    browser = next(line for line in describe(found, LOCAL_STACK, "chromium") if line.startswith("browser    "))
    said = f"(replayed as Playwright's {device}, in chromium)" if device else None
    assert (said in browser) if said else "replayed" not in browser, browser


@pytest.mark.usefixtures("devices_asked_here")
def test_every_device_a_har_can_name_is_one_playwright_has() -> None:
    # The installed Playwright's devices, as --device asks them.
    for device in [*(device for _, device in PHONE_KINDS), ANDROID_TABLET_DEVICE]:
        assert check_device(device) == device


@pytest.mark.usefixtures("devices_asked_here")
def test_a_hars_phone_beside_browser_firefox_is_refused_not_printed_as_a_command_that_cannot_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from repro.cli import main

    monkeypatch.setattr("fixtures.stack_description.describe_stack", lambda command: LOCAL_STACK)
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    (path := tmp_path / "user.har").write_text(json.dumps(har(entry(
        "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize?client_id=app",
        headers={"User-Agent": iphone}, content=PAGE))))
    assert main(["--from-har", str(path), "--browser", "firefox"]) == 2
    said = capsys.readouterr().err
    # Not the device check's own advice ("or leave --device out"), which --from-har refuses: the HAR gives the device
    assert ("cannot be rerun as it is: its sign-in was on a phone (iPhone 15), which Playwright's Firefox does not emulate; "
            "leave --browser firefox out to rerun it in the phone's own engine, or give --browser chromium") in said, said
    assert main(["--from-har", str(path), "--browser", "chromium"]) == 0, capsys.readouterr().err


def test_a_tenant_named_by_its_id_is_replayed_by_its_name_where_the_host_says_it() -> None:
    """Microsoft advises /{tenant-id}/ paths at a custom domain, and b2clogin.com takes them too: the GUID is no tenant
    name, and a command with it as --tenant asks B2C for {guid}.onmicrosoft.com paths that it does not serve."""
    tenant_id = "8a1b2c3d-1111-2222-3333-444455556666"
    at_b2clogin = read_har(har(entry(f"https://fabrikam.b2clogin.com/{tenant_id}/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                                     "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE)))
    args = repro_args(at_b2clogin, LOCAL_STACK)
    assert args[args.index("--tenant") + 1] == "fabrikam" and "--domain" not in args and tenant_id not in args, args
    custom = read_har(har(entry(f"https://login.fabrikam.com/{tenant_id}/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                                "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE)))
    args = repro_args(custom, LOCAL_STACK)
    assert "--tenant" not in args and args[args.index("--domain") + 1] == "login.fabrikam.com" and tenant_id not in args, args
    said = "\n".join(describe(custom, LOCAL_STACK))
    assert f"tenant: the HAR names it by its ID ({tenant_id}) at login.fabrikam.com" in said and f"(tenant {tenant_id})" in said, said


def test_an_answer_posted_to_an_origin_only_redirect_uri_is_the_apps() -> None:
    """redirect_uri=https://app.fabrikam.com: the browser posts B2C's answer to https://app.fabrikam.com/ and the HAR records
    that; read as no answer, the failure was called a sign-up that approved."""
    error = urlencode({"error": "access_denied", "error_description": "AADB2C90273: mid_auth_3010_AB12 - user cancelled", "state": "s"})
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
                         "&redirect_uri=https%3A%2F%2Fapp.fabrikam.com&response_mode=form_post&response_type=id_token", content=PAGE),
                   entry("https://m.mobileid.ch/oidc/login", method="POST", second=2, form="msisdn=%2B41791234567", content=PAGE),
                   entry("https://app.fabrikam.com/", method="POST", second=5, form=error, content=PAGE))
    found = read_har(recorded)
    assert (answer(found), found.journey, found.outcome) == ("error access_denied", "sign-in", "decline"), found


def test_a_code_flow_apps_request_is_replayed_at_the_test_app_and_an_unplayed_mobile_id_code_is_said() -> None:
    """A code-flow app (implicit ID tokens off, as MSAL.js 2's): carrying its client id onto a request for an ID token
    would get AADB2C90057 instead of the reporter's failure. And Mobile ID's system error, which no outcome of the repro's
    phone gives: the rerun approves, said so, not as if it could show the failure."""
    error = urlencode({"error": "server_error", "error_description": "AADB2C90273: mid_sys_9900_AB12 - System error", "state": "s"})
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
                         "&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fsignin-oidc&response_mode=form_post&response_type=code&scope=openid",
                         content=PAGE),
                   entry("https://m.mobileid.ch/oidc/login", method="POST", second=2, form="msisdn=%2B41791234567", content=PAGE),
                   entry("https://app.fabrikam.com/signin-oidc", method="POST", second=5, form=error, content=PAGE))
    found = read_har(recorded)
    args = repro_args(found, LOCAL_STACK)
    assert "--client-id" not in args and "--redirect-uri" not in args, args
    said = "\n".join(describe(found, LOCAL_STACK))
    assert "client_id: the app asked for 'code', and the repro asks for an ID token" in said, said
    assert found.outcome == "approve" and "Mobile ID's mid_sys_9900 is no outcome the repro's phone can give: the rerun approves" in said, said
    check(parser().parse_args(args), {})


def test_a_safari_har_whose_redirects_are_one_entry_at_the_apps_address_gives_b2cs_answer() -> None:
    """WebKit's HAR keeps a redirect chain as one entry at its final URL, its response the app's page: B2C's answer is
    in that URL, where no Location header says it."""
    error = urlencode({"error": "access_denied", "error_description": "AADB2C90273: mid_auth_3010_AB12 - user cancelled", "state": "s"})
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
                         "&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fauth&response_mode=query&response_type=code", content=PAGE),
                   entry("https://m.mobileid.ch/oidc/login", method="POST", second=2, form="msisdn=%2B41791234567", content=PAGE),
                   entry(f"https://app.fabrikam.com/auth?{error}", second=5, content=PAGE))
    found = read_har(recorded)
    assert (answer(found), found.aadb2c_codes, found.mid_code, found.outcome) == ("error access_denied", ["AADB2C90273"], "mid_auth_3010", "decline")
    assert not found.journey_untold and found.journey_note == ""  # Mobile ID's own error: a first sign-in or not, the same


def test_mobile_ids_own_error_page_is_read_for_its_code() -> None:
    """Mobile ID refusing B2C's request on its own page (#mid-error, docs/contracts.md): its code and words were not read,
    and the HAR read as a sign-up that approved."""
    page = {"mimeType": "text/html", "text": '<main><p id="mid-error" role="alert">mid_sec_2010_K3J4H5G6 - Unauthorized scopes used in '
                                            'request</p></main>'}
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
                         "&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE),
                   entry("https://m.mobileid.ch/oidc/authorize?client_id=b2c&scope=openid", second=2, status=400, content=page))
    found = read_har(recorded)
    assert (found.mid_code, found.mid_trace, found.mid_message) == ("mid_sec_2010", "K3J4H5G6", "Unauthorized scopes used in request"), found
    said = "\n".join(describe(found, LOCAL_STACK))
    assert "is no outcome the repro's phone can give" in said, said


@pytest.mark.parametrize("typed", ["079 123 45 67", "079-123-45-67", "+41 79 123 45 67"])
def test_a_persons_number_typed_as_people_type_it_is_masked_as_the_report_masks_it(typed: str) -> None:
    """A number typed in national form or spaced: masked by position, it showed seven of its ten digits."""
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
                         "&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE),
                   entry("https://m.mobileid.ch/oidc/login", method="POST", second=2, form=urlencode({"msisdn": typed}), content=PAGE))
    [row] = [line for line in describe(read_har(recorded), LOCAL_STACK) if line.startswith("Mobile ID number")]
    assert row.endswith(("079*****67", "+4179*****67")) and "123" not in row, row


def test_an_apps_ui_locales_written_as_apps_write_them_is_replayed_as_language_tags() -> None:
    """de_CH, or a comma list: what apps send, which the repro's --ui-locales refuses as written; the command was refused."""
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
                         "&redirect_uri=https%3A%2F%2Fjwt.ms&ui_locales=de_CH%2Cfr", content=PAGE))
    args = repro_args(read_har(recorded), LOCAL_STACK)
    assert args[args.index("--ui-locales") + 1] == "de-CH fr", args
    check(parser().parse_args(args), {})


def test_a_silent_session_check_is_replayed_as_a_returning_users_sign_in() -> None:
    """prompt=none never shows a page: read as a sign-up ("did not reach Mobile ID"), its command was refused."""
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
                         "&redirect_uri=https%3A%2F%2Fjwt.ms&prompt=none", status=302,
                         location="https://jwt.ms/#error=login_required&error_description=AADB2C90077%3a+User+does+not+have+an+existing+session"))
    args = repro_args(read_har(recorded), LOCAL_STACK)
    assert args[args.index("--journey") + 1] == "sign-in" and args[args.index("--prompt") + 1] == "none", args
    check(parser().parse_args(args), {})  # a command that runs


def between_mobile_id_and_the_profile_page(*then: dict[str, Any]) -> dict[str, Any]:
    """A sign-in Mobile ID approved (a number typed, its answer back at B2C), then ``then``: no profile page, no answer."""
    return har(
        entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
              "?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE),
        entry("https://m.mobileid.ch/oidc/login", method="POST", second=9, status=302, form="msisdn=%2B41791234567"),
        entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/oauth2/authresp?code=c&state=s", second=30, status=302,
              location="https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/api/CombinedSigninAndSignup/confirmed"),
        *then)


@pytest.mark.parametrize("then", [
    [],  # the HAR ends there
    [entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/api/CombinedSigninAndSignup/confirmed",
           second=31, status=500, content={"mimeType": "text/html", "text": '<div id="api" data-name="GlobalException">'
                                           '<div class="error-page-detail">AADB2C90289: We encountered an error</div></div>'})],
], ids=["the HAR ends", "B2C's error page"])
def test_a_har_that_stops_between_mobile_id_and_the_profile_page_says_it_cannot_tell_the_journey(then: list[dict[str, Any]]) -> None:
    """Only a first sign-in (a sign-up) shows B2C's profile page after Mobile ID: a HAR that stops before it, and before B2C's
    answer to the app, cannot tell a first sign-in from a returning user's. It was read as a sign-in without a word; now the
    reader says it cannot tell, which it picked, and how to replay the other (--journey sign-up beside --from-har)."""
    found = read_har(between_mobile_id_and_the_profile_page(*then))
    assert found.journey_untold and found.journey == "sign-in" and found.outcome == "approve", found
    [line] = [line for line in describe(found, LOCAL_STACK) if line.startswith("journey, outcome")]
    assert "sign-in, approve (the HAR cannot tell a first sign-in from a returning user's" in line, line
    assert "sign-in picked: --journey sign-up beside --from-har replays a first sign-in" in line, line
    found.chosen_journey = "sign-up"  # the user's --journey beside --from-har
    args = repro_args(found, LOCAL_STACK)
    assert args[args.index("--journey") + 1] == "sign-up", args
    [line] = [line for line in describe(found, LOCAL_STACK) if line.startswith("journey, outcome")]
    assert "sign-up as --journey says: --journey sign-in beside --from-har replays a returning user" in line, line


def test_a_har_that_ends_on_b2cs_page_before_mobile_id_says_why_it_is_replayed_as_a_sign_up() -> None:
    """Cut on B2C's sign-in page (the Mobile ID button not clicked, or not there): picked as a sign-up without a word."""
    found = read_har(har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
                               "?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE)))
    [line] = [line for line in describe(found, LOCAL_STACK) if line.startswith("journey, outcome")]
    assert line.endswith("sign-up, approve (the HAR ends on B2C's pages before Mobile ID, without an error: who the user was is not "
                         "in it, and does not matter until Mobile ID; sign-up picked, which needs no user made first)"), line
    assert read_har(on_mobile_ids_waiting_page()).journey_note.startswith(" (the HAR cannot tell a first sign-in")


def on_mobile_ids_waiting_page() -> dict[str, Any]:
    """A person's number typed, then Mobile ID's waiting page ("check your phone"), where the HAR ends: nothing reached B2C."""
    return har(
        entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
              "?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE),
        entry("https://m.mobileid.ch/oidc/login", method="POST", second=9, status=302, form="msisdn=%2B41791234567"),
        entry("https://m.mobileid.ch/oidc/wait", second=10, content={"mimeType": "text/html", "text": '<span id="transaction-number">C7PLVT6Q</span>'}))


def test_a_har_that_ends_on_mobile_ids_waiting_page_says_it_does_not_tell_what_the_phone_did() -> None:
    """The typical "stuck on check your phone" report: the phone's answer is not in the HAR. It was replayed as an approval
    without a word, its note saying the HAR ended between Mobile ID and B2C's profile page; now both picks are said, with the
    --outcome that replays a phone nobody answers, which --from-har then takes (only then: the command line refuses it
    for a HAR that tells)."""
    found = read_har(on_mobile_ids_waiting_page())
    assert found.ends_at_mobile_id and found.outcome_untold and found.journey_untold and found.outcome == "approve", found
    [line] = [line for line in describe(found, LOCAL_STACK) if line.startswith("journey, outcome")]
    assert "it ends at Mobile ID (its waiting page), before B2C's profile page" in line, line
    assert ("(the HAR ends at Mobile ID before the phone's answer reached B2C, so it does not say what the phone did; approve picked: "
            "--outcome timeout beside --from-har replays a phone nobody answers, --outcome decline one that declines)") in line, line
    found.chosen_outcome = "timeout"
    args = repro_args(found, LOCAL_STACK)
    assert args[args.index("--outcome") + 1] == "timeout", args
    assert "timeout as --outcome says" in next(line for line in describe(found, LOCAL_STACK) if line.startswith("journey, outcome"))
    answered = read_har(between_mobile_id_and_the_profile_page())  # Mobile ID's answer reached B2C: an approval, told
    assert not answered.outcome_untold and answered.outcome_note == "" and "between Mobile ID and B2C's profile page" in answered.journey_note


@pytest.mark.parametrize(("then", "journey"), [
    ([entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/api/CombinedSigninAndSignup/confirmed",
            second=31, content={"mimeType": "text/html", "text": '<div id="api" data-name="SelfAsserted"></div>'})], "sign-up"),
    ([entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/api/CombinedSigninAndSignup/confirmed",
            second=31, status=302, location="https://jwt.ms#id_token=<redacted JWT>&state=s")], "sign-in"),
], ids=["the profile page: a first sign-in", "B2C's answer without it: a returning user's"])
def test_a_har_past_mobile_id_and_the_profile_page_tells_the_journey(then: list[dict[str, Any]], journey: str) -> None:
    """What follows Mobile ID tells the two apart: B2C's profile page, or its answer to the app without one. Said without a
    note, and the user's --journey (which the command line refuses here) does not change it."""
    found = read_har(between_mobile_id_and_the_profile_page(*then))
    assert not found.journey_untold and found.journey == journey and found.journey_note == "", found
    found.chosen_journey = "sign-in" if journey == "sign-up" else "sign-up"
    assert found.journey == journey


SUSI = "fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize"


@pytest.mark.parametrize(("address", "says"), [
    (f"https://fabrikam.b2clogin.com/{SUSI}/", ": its path ends /authorize/, with a slash after authorize that B2C's authorize "
     "request does not have; give it without the slash (.../oauth2/v2.0/authorize?...)"),
    (f"https://login.microsoftonline.com/te/{SUSI}/", " looks like B2C's authorize request at an older address form "
     "(login.microsoftonline.com/te/...: unconfirmed, as is whether B2C still answers there), and its path ends /authorize/, with a "
     "slash after authorize that B2C's authorize request does not have; give the same request at B2C's b2clogin.com address, "
     f"without the slash, its parameters as they are: https://fabrikam.b2clogin.com/{SUSI}?..."),
], ids=["a slash after authorize", "the older address form too"])
def test_a_har_whose_sign_in_starts_at_nearly_b2cs_authorize_request_says_it_as_from_url_does(
        address: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Read as "no B2C authorize request in this HAR", with 'Preserve log' to turn on, which the reporter had on."""
    recorded = har(entry("https://app.fabrikam.com/", content=PAGE),
                   entry(f"{address}?client_id=0000-app&login_hint=s3cr3t-state", second=1, content=PAGE),
                   entry("https://m.mobileid.ch/oidc/login", method="POST", second=2, form="msisdn=%2B41791234567", content=PAGE))
    (tmp_path / "user.har").write_text(json.dumps(recorded))
    assert main(["--from-har", str(tmp_path / "user.har")]) == 2
    said = capsys.readouterr()
    assert said.err == (f"python -m repro: error: {tmp_path / 'user.har'}: no B2C authorize request "
                        "(/{tenant}.onmicrosoft.com/{policy}/oauth2/v2.0/authorize) in this HAR, but its entry 2 is nearly one: "
                        f"{address}{says} to --from-url, with --outcome and --journey for what the HAR shows came of it\n"), said
    assert said.out == ""


def test_a_har_of_an_entra_id_sign_in_says_so_not_to_turn_on_preserve_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A HAR of the portal's or another app's sign-in at Entra ID (login.microsoftonline.com, no policy): 'Preserve log',
    which the reporter had on, was the advice; the sign-in recorded was not B2C's. A HAR of the app's pages alone still
    gets that advice (recorded without it, a HAR holds just those)."""
    recorded = har(entry("https://app.fabrikam.com/", content=PAGE),
                   entry("https://login.microsoftonline.com/fabrikam.onmicrosoft.com/oauth2/v2.0/authorize?client_id=0000-app", second=1))
    (tmp_path / "user.har").write_text(json.dumps(recorded))
    assert main(["--from-har", str(tmp_path / "user.har")]) == 2
    said = capsys.readouterr().err
    assert ("in this HAR; its entry 2, https://login.microsoftonline.com/fabrikam.onmicrosoft.com/oauth2/v2.0/authorize, is an "
            "authorize request without a B2C policy (neither in its path nor as ?p=): Entra ID's, not B2C's. Record the sign-in of "
            "the app that signs in through B2C") in said, said
    (tmp_path / "app.har").write_text(json.dumps(har(entry("https://app.fabrikam.com/", content=PAGE))))
    assert main(["--from-har", str(tmp_path / "app.har")]) == 2
    assert "with 'Preserve log' on (in Firefox: 'Persist Logs')" in capsys.readouterr().err


def test_an_entry_that_is_no_url_is_passed_over_for_the_one_nearly_b2cs_authorize_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An address urlsplit refuses (an unclosed IPv6 bracket) ended the command with "error: Invalid IPv6 URL" alone, no
    file, no entry: the HAR's other entries were never read."""
    recorded = har(entry("https://[::1/x"), entry(f"https://fabrikam.b2clogin.com/{SUSI}/?client_id=a", second=1))
    (tmp_path / "user.har").write_text(json.dumps(recorded))
    assert main(["--from-har", str(tmp_path / "user.har")]) == 2
    said = capsys.readouterr()
    assert said.err.startswith(f"python -m repro: error: {tmp_path / 'user.har'}: no B2C authorize request "), said
    assert f"its entry 2 is nearly one: https://fabrikam.b2clogin.com/{SUSI}/: its path ends /authorize/" in said.err, said


def test_a_sign_in_is_read_past_entries_that_are_no_url() -> None:
    """A HAR with B2C's authorize request and, among the sign-in's entries, addresses urlsplit refuses (an unclosed IPv6
    bracket, a port out of range, a Location that is none) ended the command with "Invalid IPv6 URL" or "Port out of
    range": those entries are passed over, the sign-in's facts read from the others."""
    from repro.har import hops

    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize"
                         "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms"),
                   entry("https://[::1/x", second=1, status=302, location="https://[::1/y"),
                   entry("https://m.mobileid.ch:99999/oidc/login", method="POST", second=2, form="msisdn=%2B41791234567"),
                   entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/authresp", second=3, status=302,
                         location="https://[::1/#id_token=x"),
                   entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/authresp", second=4, status=302,
                         location="https://jwt.ms/#error=access_denied&error_description=AADB2C90091%3a+cancelled"))
    found = read_har(recorded)
    assert (found.tenant, found.policy, found.error, found.msisdn) == ("fabrikam", "B2C_1_susi", "access_denied", None)
    assert [row["path"] for row in hops(recorded)] == ["/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/authresp"] * 2  # the hops


def test_an_authorize_request_at_a_port_out_of_range_is_no_sign_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """B2C's authorize request at a port out of range (no URL) counted as the HAR's sign-in, then read as none: the command
    said B2C's tenant None and refused an empty --policy nobody gave. Such an entry is no sign-in, as any other no URL."""
    recorded = har(entry("https://fabrikam.b2clogin.com:99999/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize?client_id=a"))
    (tmp_path / "user.har").write_text(json.dumps(recorded))
    assert main(["--from-har", str(tmp_path / "user.har")]) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"python -m repro: error: {tmp_path / 'user.har'}: no B2C authorize request "), said
    assert "--policy" not in said, said


def test_a_har_saved_at_the_apps_page_alone_says_how_to_keep_the_log_in_firefox_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Firefox's HAR of the app's page alone (its log started anew at each page): 'Preserve log' is not Firefox's name."""
    recorded = {"log": {"creator": {"name": "Firefox", "version": "125.0"}, "entries": [
        {"startedDateTime": "2026-11-28T11:00:07.123+01:00", "_securityState": "secure", "cache": {}, "time": 50,
         "request": {"method": "GET", "url": "https://jwt.ms/", "headers": [], "cookies": [], "queryString": [], "bodySize": 0},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "size": 0}, "redirectURL": ""}}]}}
    (tmp_path / "user.har").write_text(json.dumps(recorded))
    assert main(["--from-har", str(tmp_path / "user.har")]) == 2
    assert capsys.readouterr().err == (f"python -m repro: error: {tmp_path / 'user.har'}: no B2C authorize request "
                                       "(/{tenant}.onmicrosoft.com/{policy}/oauth2/v2.0/authorize) in this HAR; record it from the "
                                       "first page of the sign-in, with 'Preserve log' on (in Firefox: 'Persist Logs') (its requests went to "
                                       "jwt.ms)\n")
