"""The redaction rule and the infrastructure-cause patterns that reports, bundles and CI retries rely on."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from fixtures.causes import is_infrastructure
from fixtures.redaction import (
    JWT_PLACEHOLDER,
    Redaction,
    contains_secret,
    credentials_in,
    redact_text,
    secret_values,
    trace_credentials,
    url_path_keys,
    url_secrets,
    url_shown,
)
from tests.suite_run import pytest_with_plugins, tail

TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ"


def test_a_jwt_and_a_secret_are_replaced_and_the_rest_kept() -> None:
    text = f"https://jwt.ms/#id_token={TOKEN}&state=abc secret=s3cr3t-value"
    cleaned = redact_text(text, ["s3cr3t-value", None, ""])
    assert TOKEN not in cleaned and "s3cr3t-value" not in cleaned
    assert f"id_token={JWT_PLACEHOLDER}&state=abc" in cleaned
    assert contains_secret(cleaned, ["s3cr3t-value"]) == []
    assert contains_secret(text, ["s3cr3t-value"]) == ["JWT", "secret"]


def test_a_credential_in_a_url_written_out_is_replaced_wherever_no_one_named_it() -> None:
    """Playwright's own messages quote the URL a navigation went to whole ("navigating to ..."): an app's authorization
    code in its query (response_mode=query), a secret in a fragment; parameters that only start alike stay."""
    code = "uO3qDzccI7I_1-DB7leIFgSo4F8q"
    said = (f'Page.goto: Timeout 15000ms exceeded.\nCall log:\n  - navigating to "https://app.contoso.test/signin-oidc?code={code}&state=s1", '
            f"waiting until load\nhttps://x.test/cb#access_token=opaque-token-4711&client_secret=hunter2hunter2 ?code_challenge=abc&error_code=7")
    cleaned = redact_text(said)
    assert code not in cleaned and "opaque-token-4711" not in cleaned and "hunter2hunter2" not in cleaned, cleaned
    assert '?code=<redacted>&state=s1"' in cleaned and "#access_token=<redacted>&client_secret=<redacted> " in cleaned, cleaned
    assert "?code_challenge=abc&error_code=7" in cleaned and redact_text(cleaned) == cleaned
    # In a page's HTML (&amp;), and percent-encoded in another URL's query (a return URL)
    assert redact_text(f'<a href="/cb?state=x&amp;code={code}">') == '<a href="/cb?state=x&amp;code=<redacted>">'
    assert redact_text(f"/login?returnUrl=https%3A%2F%2Fapp%2Fcb%3Fcode%3D{code}%26state%3Ds") == \
        "/login?returnUrl=https%3A%2F%2Fapp%2Fcb%3Fcode%3D<redacted>%26state%3Ds"


def test_a_credential_in_a_url_percent_encoded_again_and_again_is_replaced() -> None:
    """A URL inside a URL inside a URL (a return URL an app's log writes out, a --from-url redirect_uri encoded three
    times, decoded once by the reader): its code is redacted at every depth of %25, as once encoded."""
    code = "OPAQUECODE3xyzabcdef"
    for depth in range(4):
        percent = "%" + "25" * depth
        url = f"https{percent}3A{percent}2F{percent}2Fapp{percent}2Fcb{percent}3Fstate{percent}3D1{percent}26code{percent}3D{code}{percent}26x{percent}3D2"
        cleaned = redact_text(f"redirect URI      {url}")
        assert code not in cleaned and f"code{percent}3D<redacted>{percent}26x{percent}3D2" in cleaned, cleaned


def test_b2cs_csrf_token_in_a_url_written_out_is_a_credential() -> None:
    """B2C's page API carries its x-ms-cpim-csrf cookie's value in the query (csrf_token=): a message quoting such a URL
    (Playwright's "navigating to ...", a journey's "the page at ...") shows it redacted, as the cookie's value is."""
    csrf = "wvKRofged6LmyXHV3iJylOZmdfLggpJmWqv4BPUZLy3UIFHTuOcp0CIJeR3ckDDk"
    said = (f'waiting for "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/api/CombinedSigninAndSignup/'
            f'confirmed?rememberMe=false&csrf_token={csrf}&tx=StateProperties=e30&p=B2C_1A_signup_signin"')
    assert redact_text(said) == said.replace(csrf, "<redacted>")
    assert redact_text(f'<a href="/api/x/forgotPassword?csrf_token={csrf}&amp;tx=StateProperties=e30">') == \
        '<a href="/api/x/forgotPassword?csrf_token=<redacted>&amp;tx=StateProperties=e30">'


def test_a_refresh_token_in_a_url_or_a_form_body_is_a_credential() -> None:
    """B2C's refresh token is opaque (no JWT to spot): redacted by its parameter's name, in a URL and in a HAR's form body."""
    refresh = "opaqueABCDEFGH123"
    assert redact_text(f"https://app.contoso.test/cb?state=s1&refresh_token={refresh}") == \
        "https://app.contoso.test/cb?state=s1&refresh_token=<redacted>"
    body = f"grant_type=refresh_token&refresh_token={refresh}&client_id=app"
    assert redact_text(body) == "grant_type=refresh_token&refresh_token=<redacted>&client_id=app"
    # A body whose first parameter is the credential: at a line's start, or quoted whole (a JSON string, a repr)
    first = f"refresh_token={refresh}&grant_type=refresh_token"
    assert redact_text(f"sent:\n{first}") == "sent:\nrefresh_token=<redacted>&grant_type=refresh_token"
    assert redact_text(f'{{"postData": "{first}"}}') == '{"postData": "refresh_token=<redacted>&grant_type=refresh_token"}'
    assert redact_text(f"data='code={refresh}'") == "data='code=<redacted>'"
    # Mid-sentence, a word that ends like a parameter's name is no body: "exit code=2" stays readable
    assert redact_text("the process ended, exit code=2") == "the process ended, exit code=2"
    posted = {"request": {"url": "https://contoso.b2clogin.com/token", "postData": {"text": f"refresh_token={refresh}&grant_type=refresh_token"}}}
    found = credentials_in([posted])
    assert refresh in found and refresh not in Redaction().text(f'"postData": "refresh_token={refresh}"', found)


def test_a_cookie_set_by_a_set_cookie_header_alone_is_a_credential_whatever_its_name() -> None:
    """A response whose cookies are only in its Set-Cookie header (one cookie a line, as a HAR joins them) gives their
    values too: Mobile ID's session cookie is no x-ms-cpim-* cookie the redaction knows by its name. Too short a value
    (a language) is left, as it would blank unrelated text."""
    answered = {"request": {"url": "https://m.mobileid.ch/oidc/wait"},
                "response": {"headers": [{"name": "Set-Cookie", "value": "mid_session=Zq81mKx0PwLs4711; Path=/; Secure\nlang=de; Path=/"}],
                             "cookies": []}}
    found = credentials_in([answered])
    assert found == {"Zq81mKx0PwLs4711"}, found
    assert Redaction().text("the session Zq81mKx0PwLs4711 in a trace's snapshot", found) == "the session <redacted> in a trace's snapshot"


def test_an_authorization_headers_credential_and_a_key_sent_by_name_are_credentials() -> None:
    """An app's API call in a reporter's HAR: Authorization's credential (an opaque bearer token, no JWT), not its scheme's
    word, and a key in a header named as one; an ordinary header (a language) is no credential."""
    called = {"request": {"url": "https://api.fabrikam.example/me", "headers": [
        {"name": "Authorization", "value": "Bearer opaqueAT-9f8e7d6c5b4a3210"}, {"name": "Ocp-Apim-Subscription-Key", "value": "0123456789abcdef"},
        {"name": "Accept-Language", "value": "de-CH,de;q=0.9"}]}}
    assert credentials_in([called]) == {"opaqueAT-9f8e7d6c5b4a3210", "0123456789abcdef"}


def test_a_browser_servers_path_segment_of_sixteen_letters_reads_as_a_key_and_a_shorter_word_does_not() -> None:
    """A hosted browser service's key in its path (wss://host/acct/<key>) may be letters alone: 16 characters or more is
    a key; a word such as playwright, and a shorter segment of letters alone, stay (redacting them would blank them everywhere)."""
    assert url_path_keys("wss://browsers.example.com/acct/QwErTyUiOpAsDfGh/playwright") == ["QwErTyUiOpAsDfGh"]
    assert url_path_keys("wss://browsers.example.com/acct/QwErTyUiOpAsDfG/playwright") == []


def test_a_urls_password_and_query_values_are_redacted_as_written_and_decoded() -> None:
    """A settings error or a preflight row quotes a URL as it was given: a key percent-encoded there (a SAS signature's
    %2B, %2F, %3D) is redacted as written, and as decoded where what was sent is quoted."""
    url = "https://user:p%40ss-PLANTED-1@gw.example/x?sig=PLANTEDsig%2Bkey%2F4711%3D&n=1"
    assert url_shown(url) == "https://user:<redacted>@gw.example/x?sig=<redacted>&n=1"
    assert redact_text("sent sig PLANTEDsig+key/4711= as p@ss-PLANTED-1", url_secrets(url)) == "sent sig <redacted> as <redacted>"


def test_a_urls_password_is_redacted_however_short_and_wherever_the_url_is_written() -> None:
    """A company proxy's password of 7 characters (under MIN_SECRET, so no setting's value redacts it) in a Chromium's
    environment that --showlocals prints; the "user:...@" around it says what it is. Hosts, ports and addresses stay."""
    said = "env = {'HTTPS_PROXY': 'http://proxyuser:Pl4nt7x@proxy.corp:3128', 'ALL_PROXY': 'socks5://u:pw@127.0.0.1:1080'}"
    assert redact_text(said) == "env = {'HTTPS_PROXY': 'http://proxyuser:<redacted>@proxy.corp:3128', 'ALL_PROXY': 'socks5://u:<redacted>@127.0.0.1:1080'}"
    kept = "http://[::1]:8080/a@b https://host:443/x?y=a:b@c mailto:a@b MAP jwt.ms 127.0.0.1:46787 user:<redacted>@h"
    assert redact_text(kept) == kept

@pytest.mark.parametrize("secrets", [["abcdefgh", "abcdefgh-and-the-rest"], ["abcdefgh-and-the-rest", "abcdefgh"]], ids=["short first", "long first"])
def test_a_secret_that_begins_another_leaves_nothing_of_either(secrets: list[str]) -> None:
    """The longer is replaced first: the shorter one first would leave the longer one's rest ("<redacted>-and-the-rest")."""
    assert redact_text("one abcdefgh-and-the-rest two abcdefgh three", secrets) == "one <redacted> two <redacted> three"


def test_a_token_cut_short_after_its_claims_is_redacted_and_base64_json_without_parts_is_not() -> None:
    """A failure quoting a response body to 300 characters may cut a token in its claims or its signature."""
    header, claims, _ = TOKEN.split(".")
    for cut in (f"{header}.{claims[:9]}", f"{header}.{claims}.c2ln"):
        assert redact_text(f'body: {{"id_token":"{cut}', []) == f'body: {{"id_token":"{JWT_PLACEHOLDER}'
    state = "StateProperties=eyJUSUQiOiI5YjQ2In0"  # B2C's state: base64 JSON, one part
    assert redact_text(state, []) == state
    assert redact_text(f"{state}. Next sentence", []) == f"{state}. Next sentence"  # a full stop after it is no second part


def test_every_text_member_of_a_zip_is_redacted(tmp_path: Path) -> None:
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.trace", f'{{"location":"https://jwt.ms/#id_token={TOKEN}"}}\n')
        archive.writestr("resources/image.png", b"\x89PNG\r\n\x1a\n\xff\xfe")
    Redaction().zip(trace)
    with zipfile.ZipFile(trace) as archive:
        assert TOKEN not in archive.read("trace.trace").decode()
        assert archive.read("resources/image.png") == b"\x89PNG\r\n\x1a\n\xff\xfe"


def test_a_zip_with_nothing_to_redact_is_left_as_it_is(tmp_path: Path) -> None:
    """Compressing a trace again costs seconds: a clean one is not rewritten (its file untouched), and ``data`` hands back
    the very bytes it was given when nothing changed, which is how ``zip`` tells."""
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.trace", '{"location":"https://contoso.b2clogin.com/"}\n')
    before = trace.stat()
    clean = b'{"nothing": "secret"}'
    assert Redaction(["s3cr3t-value"]).data(clean) is clean
    Redaction(["s3cr3t-value"]).zip(trace)
    after = trace.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize(("text", "infrastructure"), [
    ("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/", True),
    ("httpx.ConnectError: [Errno 111] Connection refused", True),
    ("Target page, context or browser has been closed", True),
    ("AssertionError: ID token aud is 'x', expected the client id 'y'", False),
    ("B2C redirected with server_error instead of an ID token: AADB2C90273", False),
])
def test_only_machine_and_network_failures_count_as_infrastructure(text: str, infrastructure: bool) -> None:
    assert is_infrastructure(text) is infrastructure


def test_secret_values_are_found_by_the_settings_name_webhooks_included() -> None:
    env = {"MOBILEID_CONTROL_TOKEN": "control-token-1", "TEAMS_WEBHOOK_URL": "https://chat.example/hook/abc",
           "B2C_WEBAPP1_CLIENT_SECRET": "webapp-secret", "B2C_TENANT": "contoso-tenant", "SHORT_TOKEN": "abc",
           # docs/suite.md names these two too: a test account's password, a deployed emulator's key in the environment
           "MOBILEID_TEST_PASSWORD": "test-account-password", "signing_private_key": "-----BEGIN PRIVATE KEY-----x",
           # named like a token, but the claim names the app relies on: the report must keep them readable
           "E2E_TOKEN_CONTRACT": "name,idp,newUser,oid"}
    assert sorted(secret_values(env)) == ["-----BEGIN PRIVATE KEY-----x", "control-token-1", "https://chat.example/hook/abc",
                                          "test-account-password", "webapp-secret"]



POLICY_KEY = "PLANTED-policy-key-4711"  # B2C_1A_MobileIdSecret's value, from a variable whose name does not say it is a secret
ENV_LOCALS_TESTS = """
import os


def test_launches_a_browser():
    # the environment, as fixtures/browser.py gives it to a Chromium behind a proxy (chromium_environment); pytest would
    # shorten all of it without -vv
    env = {name: value for name, value in os.environ.items() if name.startswith(("E2E_STACK_", "MID_"))}
    raise RuntimeError("Browser closed")
"""


def test_a_policy_key_is_a_secret_whatever_its_variable_is_called() -> None:
    """E2E_STACK_POLICY_KEYS=NAME=env:VARIABLE: the variable holds a policy key (a client secret B2C signs in with),
    though its name (MID_APP_KEY, FB_APP_KEY) need not say so; a key read from a file is in no variable."""
    env = {"E2E_STACK_POLICY_KEYS": "B2C_1A_MobileIdSecret=env:MID_APP_KEY, B2C_1A_FacebookSecret=file:fb.txt,B2C_1A_X=env:UNSET",
           "MID_APP_KEY": POLICY_KEY, "B2C_TENANT": "contoso-tenant"}
    assert secret_values(env) == [POLICY_KEY]


def test_a_user_flows_client_secret_is_a_secret_whatever_its_variable_is_called(tmp_path: Path) -> None:
    """E2E_STACK_USER_FLOWS: each identity provider's ``client_secret_env`` names the variable that holds its client
    secret (CONTOSO_OIDC_KEY: a name that need not say so); a file that cannot be read names none."""
    flows = tmp_path / "flows.toml"
    flows.write_text('[[identity_provider]]\nname = "Contoso OIDC"\nclient_secret_env = "CONTOSO_OIDC_KEY"\n'
                     '[[identity_provider]]\nname = "Other"\nclient_secret_env = "UNSET_KEY"\n')
    env = {"E2E_STACK_USER_FLOWS": str(flows), "CONTOSO_OIDC_KEY": POLICY_KEY, "B2C_TENANT": "contoso-tenant"}
    assert secret_values(env) == [POLICY_KEY]
    assert secret_values({**env, "E2E_STACK_USER_FLOWS": str(tmp_path / "missing.toml")}) == []

def test_a_policy_keys_value_in_a_failed_tests_locals_is_redacted_everywhere_pytest_writes_it(tmp_path: Path) -> None:
    """--showlocals prints the environment a frame holds (a Chromium's behind a proxy, its launch failing): the variable a
    policy key is read from is redacted there as the settings named as secrets are."""
    (tmp_path / "test_failing.py").write_text(ENV_LOCALS_TESTS)
    junit = tmp_path / "junit.xml"
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_failing.py", "-l", "--tb=long",
                               f"--junitxml={junit}", env={"E2E_STACK_POLICY_KEYS": "B2C_1A_MobileIdSecret=env:MID_APP_KEY",
                                                           "MID_APP_KEY": POLICY_KEY})
    assert done.returncode == 1 and "1 failed" in done.stdout and "'MID_APP_KEY': '<redacted>'" in done.stdout, tail(done.stdout)
    written = {"terminal": done.stdout + done.stderr, "JUnit XML": junit.read_text(),
               **{path.name: path.read_text() for path in (tmp_path / "allure-results").iterdir()}}
    assert not [name for name, text in written.items() if POLICY_KEY in text]

PROXY_TESTS = """
import httpx


def test_reads_discovery_through_the_company_proxy(proxy_url):
    with httpx.Client(proxy=proxy_url, timeout=5) as http:
        http.get("https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
"""
PROXY_CONFTEST = """
import socket, threading
import pytest


@pytest.fixture
def proxy_url():
    # A proxy that refuses every CONNECT: httpx raises ProxyError in the frame holding its CONNECT's headers.
    server = socket.create_server(("127.0.0.1", 0))

    def refuse():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\\r\\nContent-Length: 0\\r\\n\\r\\n")
            conn.close()

    threading.Thread(target=refuse, daemon=True).start()
    yield f"http://proxyuser:PLANTED-proxy-pw-4711@127.0.0.1:{server.getsockname()[1]}"
    server.close()
"""


def test_a_proxys_password_in_its_basic_credential_is_redacted_everywhere_pytest_writes_it(tmp_path: Path) -> None:
    """--showlocals prints httpcore's CONNECT headers when a company proxy refuses the suite's own call (discovery, JWKS,
    the control API): Proxy-Authorization's "Basic base64(user:password)" is the proxy's password, in a form no
    setting's value finds."""
    import base64

    (tmp_path / "test_proxied.py").write_text(PROXY_TESTS)
    (tmp_path / "conftest.py").write_text(PROXY_CONFTEST)
    junit = tmp_path / "junit.xml"
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_proxied.py", "-l", "--tb=long",
                               f"--junitxml={junit}")
    assert done.returncode == 1 and "1 failed" in done.stdout and "Proxy-Authorization', b'Basic <redacted>'" in done.stdout, \
        tail(done.stdout)
    credential = base64.b64encode(b"proxyuser:PLANTED-proxy-pw-4711").decode()
    written = {"terminal": done.stdout + done.stderr, "JUnit XML": junit.read_text(),
               **{path.name: path.read_text() for path in (tmp_path / "allure-results").iterdir()}}
    assert not [name for name, text in written.items() if credential in text or "PLANTED-proxy-pw" in text]

SERVICE_TOKEN = "svc-token-5f4e3d2c1b0a9988"  # a secret by its setting's name (MY_SERVICE_TOKEN), as secret_values reads names
LEAKY_TESTS = f'''
import logging, os, sys, warnings
import pytest
from fixtures.causes import Cause, JourneyFailure

TOKEN = "{TOKEN}"


def test_prints_and_logs_what_playwrights_debug_would(record_property):
    print("navigated to https://jwt.ms/#id_token=" + TOKEN)
    sys.stderr.write("pw:api token " + TOKEN + " and {SERVICE_TOKEN}\\n")
    logging.getLogger("journey").warning("logged %s", TOKEN)
    warnings.warn("warned of https://jwt.ms/#id_token=" + TOKEN + " and " + os.environ["MY_SERVICE_TOKEN"])  # warnings summary
    record_property("landed", "https://jwt.ms/#id_token=" + TOKEN)


def test_fails_with_both_in_its_cause():
    raise JourneyFailure("refused " + TOKEN, cause=Cause("tenant configuration", "control API {SERVICE_TOKEN} refused " + TOKEN))


def test_skips_naming_them():
    pytest.skip("no phone for " + TOKEN + " {SERVICE_TOKEN}")


@pytest.mark.xfail(reason="expected: " + TOKEN, strict=True)
def test_fails_as_expected_naming_it(record_property):
    record_property("landed as data", {{"url": "https://jwt.ms/#id_token=" + TOKEN}})
    raise AssertionError("as expected")
'''


def test_what_a_test_printed_logged_warned_recorded_skipped_with_or_failed_with_is_redacted_everywhere_pytest_writes_it(tmp_path: Path) -> None:
    """A raw token or a secret a journey printed (Playwright's DEBUG=pw:api prints every URL), logged, warned of (the
    terminal's warnings summary, which a library's warning quoting a URL reaches), recorded (as text
    or in data), skipped or expected to fail with, or carries in its failure's cause reaches neither the terminal (-rA, the causes section), JUnit XML (with
    every log kept) nor the Allure results: each is redacted where pytest keeps it with the report."""
    (tmp_path / "test_leaky.py").write_text(LEAKY_TESTS)
    junit = tmp_path / "junit.xml"
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_leaky.py", "-rA",
                               f"--junitxml={junit}", "-o", "junit_logging=all", env={"MY_SERVICE_TOKEN": SERVICE_TOKEN})
    assert done.returncode == 1 and "1 passed, 1 skipped, 1 xfailed" in done.stdout, tail(done.stdout + done.stderr)
    assert "UserWarning: warned of https://jwt.ms/#id_token=<redacted JWT> and <redacted>" in done.stdout, tail(done.stdout)
    assert "1 x tenant configuration: control API <redacted> refused <redacted JWT>" in done.stdout, tail(done.stdout)
    assert done.stdout.count(JWT_PLACEHOLDER) >= 4 and "no phone for <redacted JWT> <redacted>" in done.stdout, tail(done.stdout)
    written = {"terminal": done.stdout + done.stderr, "JUnit XML": junit.read_text(),
               **{path.name: path.read_text() for path in (tmp_path / "allure-results").iterdir()}}
    leaked = {name: kinds for name, text in written.items() if (kinds := contains_secret(text)) or SERVICE_TOKEN in text}
    assert not leaked, leaked


# B2C's authorization code as the stack issues one (a JWE with direct encryption: its encrypted key part is empty).
B2C_CODE = ("eyJhbGciOiAiZGlyIiwgImVuYyI6ICJBMjU2R0NNIn0..VI7uNPUveHgNIn_t."
            "b8VM-nKvveQlHzeiWlor92e33YBWRcar3rWTYlW4LSmPdEoT3RbnU_pHx5Qt_WHy.mwuVIjrxy7ILFmXAps5p_g")


def test_an_authorization_code_shaped_as_a_jwe_with_an_empty_key_is_a_raw_token_outside_urls_too() -> None:
    """A code a journey holds in a variable (--showlocals prints ``code = '...'`` and ``form = {'code': ...}``) is no URL
    parameter: it is redacted, and found by a scan, by its shape; cut short after its IV (a body quoted to 300 characters) too."""
    for said in (f"code       = '{B2C_CODE}'", f"form = {{'grant_type': 'authorization_code', 'code': '{B2C_CODE}'}}",
                 f'body: {{"code":"{B2C_CODE[:80]}'):
        cleaned = redact_text(said)
        assert B2C_CODE[46:80] not in cleaned and JWT_PLACEHOLDER in cleaned, cleaned
        assert contains_secret(said) == ["JWT"], said
    assert redact_text("a header alone, eyJhbGciOiAiZGlyIn0.. then words") == "a header alone, eyJhbGciOiAiZGlyIn0.. then words"


LOCALS_TESTS = f'''
def test_redeems_a_code():
    code = "{B2C_CODE}"
    form = {{"grant_type": "authorization_code", "code": code}}
    assert not form, "the token endpoint refused it"
'''


SSO_COOKIE = "x-ms-cpim-sso:contoso.onmicrosoft.com_0"
SESSION = "ht8lqRk2Vd0p1w5gJ3nq7Yc4mZ9sXe6aLbTfUoPiQwE"  # B2C's session: whoever holds it is signed in
COOKIE_TESTS = f'''
def test_sends_the_browsers_cookies():
    cookie = "x-ms-cpim-csrf=dRIjF_nBrgdUSCTH; {SSO_COOKIE}=" + "{SESSION[:20]}" + "{SESSION[20:]}"
    assert not cookie, "B2C answered elsewhere"
'''


def test_b2c_session_cookie_values_are_redacted_wherever_they_are_written_out() -> None:
    """A Cookie header a journey builds from the browser's cookies (test_b2c_sends_tokens_only_to_the_exactly_registered_
    redirect_uri's ``cookie``) carries B2C's live session: its values go as a trace's and a HAR's cookies do, the names stay."""
    said = f"cookie     = 'x-ms-cpim-csrf=dRIjF_nBrgdUSCTH; {SSO_COOKIE}={SESSION}; x-ms-cpim-trans=eyJUX0RJQyI6W3siSSI6'"
    assert redact_text(said) == f"cookie     = 'x-ms-cpim-csrf=<redacted>; {SSO_COOKIE}=<redacted>; x-ms-cpim-trans=<redacted>'"
    assert redact_text(f"Set-Cookie: {SSO_COOKIE}={SESSION}; path=/; SameSite=None") == \
        f"Set-Cookie: {SSO_COOKIE}=<redacted>; path=/; SameSite=None"
    records = [{"name": SSO_COOKIE, "value": SESSION, "domain": "contoso.b2clogin.com"}, {"name": "other", "value": "kept-as-it-is"}]
    for written in (f"cookies    = {records!r}", json.dumps({"cookies": records})):  # -vv -l; a storage state saved as JSON
        assert SESSION not in redact_text(written) and "kept-as-it-is" in redact_text(written), redact_text(written)
    deleted = json.dumps({"name": "set-cookie", "value": f'{SSO_COOKIE}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT'})
    assert json.loads(redact_text(deleted)) == json.loads(deleted)  # a trace's line stays JSON
    kept = "B2C's journey cookies must be SameSite=None: ['x-ms-cpim-csrf (SameSite=Lax, Secure=True)']"
    assert redact_text(kept) == kept and redact_text(redact_text(said)) == redact_text(said)


def test_a_cookie_record_is_redacted_whatever_the_order_of_its_keys() -> None:
    """-l -vv prints a journey's ``cookies = context.cookies()`` with pprint, which sorts a record's keys: its name, then
    path, sameSite and secure, then its value; a storage state saved by hand may order them any way too."""
    import pprint

    record = {"name": SSO_COOKIE, "value": SESSION, "domain": "contoso.b2clogin.com", "path": "/", "expires": -1,
              "httpOnly": True, "secure": True, "sameSite": "None"}  # as Playwright's context.cookies() gives it
    other = {"name": "other", "value": "kept-as-it-is", "domain": "jwt.ms"}
    for written in (f"cookies    = {pprint.pformat([record, other])}", json.dumps({"cookies": [dict(reversed(record.items())), other]})):
        cleaned = redact_text(written)
        assert SESSION not in cleaned and SSO_COOKIE in cleaned and "kept-as-it-is" in cleaned, cleaned


def test_a_browser_cookie_record_of_any_name_has_its_value_redacted() -> None:
    """A record as Playwright's context.cookies() and storage_state() give it (httpOnly, sameSite, ...) is a browser's cookie
    whatever its name: against a tenant, the real Mobile ID's session cookie beside B2C's, printed by -l in
    test_a_session_cookie_saved_before_sign_out_signs_no_one_in's ``saved`` (the trace's copy of it is redacted already)."""
    import pprint

    session = "9F8E7D6C5B4A39281706F5E4D3C2B1A0"
    mobile_id = {"name": "JSESSIONID", "value": session, "domain": "m.mobileid.ch", "path": "/",
                 "expires": -1, "httpOnly": True, "secure": True, "sameSite": "None"}
    b2c = {"name": SSO_COOKIE, "value": SESSION, "domain": "contoso.b2clogin.com", "path": "/", "expires": -1,
           "httpOnly": True, "secure": True, "sameSite": "None"}
    saved = {"cookies": [b2c, mobile_id], "origins": []}
    for written in (f"saved      = {saved!r}", f"saved      = {pprint.pformat(saved)}", json.dumps(saved)):
        cleaned = redact_text(written)
        assert session not in cleaned and SESSION not in cleaned, cleaned
        assert "JSESSIONID" in cleaned and "m.mobileid.ch" in cleaned, cleaned
    parameter = json.dumps({"name": "policy", "value": "B2C_1A_signup_signin"})  # an Allure parameter: no cookie
    assert redact_text(parameter) == parameter


# B2C's header names its key (kid): here 158 characters, longer than the first half of what pytest prints of a value.
LONG_HEADER = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6I" + "kEwYjFDMmQzRTRmNUc2aDdJOGo5SzBsMU0ybjNPNHA1UTZyN1M4dDlV" * 2 + "In0"
LONG_TOKEN = LONG_HEADER + "." + "eyJzdWIiOiIxMjMi" * 20 + "." + "c2lnbmF0dXJlLXBhcnQ" * 10
SHORTENED_TESTS = f'''
def check(result):
    assert not result, "the token was refused"


def test_validates_a_token():
    result = {{"id_token": "{LONG_TOKEN}", "state": "abc"}}
    check(result)
'''


def test_a_token_pytest_shortened_in_its_header_is_redacted_with_the_rest_of_its_signature() -> None:
    """pytest shortens a long value it prints (-l without -vv, --tb=long's arguments) to 240 characters with "..." in its
    middle: cut in the token's header, what follows the "..." is the end of its signature."""
    header, signature = LONG_TOKEN.split(".")[0], LONG_TOKEN.split(".")[2]
    assert redact_text(f"result = {{'id_token': '{header[:20]}...{signature[-40:]}', 'state': 'abc'}}") == \
        f"result = {{'id_token': '{JWT_PLACEHOLDER}', 'state': 'abc'}}"


# An opaque refresh token (the local stack's: 48 random bytes, base64url) and access token, as a token endpoint answers.
REFRESH_TOKEN = "q3V9Zt0mYwB2xL7nR4cJ8sKpD1fG6hUa5eW0iOy3TbQvXz2NmLkJ9rHgFdSaPo8u"
TOKEN_RESPONSE_TESTS = f'''
def test_redeems_a_code_twice():
    body = {{"access_token": "opaque-AT-{REFRESH_TOKEN[:24]}", "token_type": "Bearer", "refresh_token": "{REFRESH_TOKEN}"}}
    assert not body, "B2C redeemed the same authorization code twice"
'''


@pytest.mark.parametrize(("failing", "held"), [(LOCALS_TESTS, B2C_CODE.split(".")[3]), (COOKIE_TESTS, SESSION),
                                               (SHORTENED_TESTS, LONG_TOKEN.split(".")[2][-20:]),
                                               (TOKEN_RESPONSE_TESTS, REFRESH_TOKEN[-24:])],
                         ids=["a code", "a session cookie", "a token pytest shortened", "a token response's opaque tokens"])
def test_a_credential_in_a_failed_tests_locals_is_redacted_everywhere_pytest_writes_it(tmp_path: Path, failing: str, held: str) -> None:
    """--showlocals (-l) prints a failed journey's variables with its traceback (the terminal, JUnit XML, Allure):
    test_an_authorization_code_is_redeemed_only_once holds B2C's code in ``code``, ``form`` and ``result``,
    test_b2c_sends_tokens_only_to_the_exactly_registered_redirect_uri B2C's session cookie in ``cookie``, and a token
    pytest shortened in its header leaves the end of its signature after the "..."."""
    (tmp_path / "test_failing.py").write_text(failing)
    junit = tmp_path / "junit.xml"
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_failing.py", "-l", "--tb=long",
                               f"--junitxml={junit}")
    assert done.returncode == 1 and "1 failed" in done.stdout, tail(done.stdout + done.stderr)
    written = {"terminal": done.stdout + done.stderr, "JUnit XML": junit.read_text(),
               **{path.name: path.read_text() for path in (tmp_path / "allure-results").iterdir()}}
    leaked = [name for name, text in written.items() if held in text]
    assert not leaked, leaked


def test_a_cookie_a_traced_call_read_is_redacted_where_the_network_log_never_showed_it(tmp_path: Path) -> None:
    """B2C sets its session cookie on the 302 that answers Mobile ID's post back, whose Set-Cookie Playwright's network log
    leaves out: a journey that reads the browser's cookies (``context.cookies()``, test_cookies.py, b2c_cookie_header) has
    the trace record them in the call's result, the live session among them."""
    trace = tmp_path / "trace.zip"
    network = {"type": "resource-snapshot", "snapshot": {
        "request": {"url": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp", "method": "POST", "headers": []},
        "response": {"status": 302, "headers": [{"name": "location", "value": "https://jwt.ms/#state=s1"}], "cookies": []}}}
    called = {"type": "after", "callId": "call@12", "result": {"cookies": [
        {"name": SSO_COOKIE, "value": SESSION, "domain": "contoso.b2clogin.com", "path": "/", "httpOnly": True},
        {"name": "x-ms-cpim-csrf", "value": "dRIjF_nBrgdUSCTH", "domain": "contoso.b2clogin.com", "path": "/"}]}}
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.network", json.dumps(network) + "\n")
        archive.writestr("trace.trace", '{"type":"before","callId":"call@12","method":"cookies","params":{"urls":[]}}\n'
                                        + json.dumps(called) + "\n")
    with zipfile.ZipFile(trace) as archive:  # the values themselves, wherever else the trace holds them (not by their names)
        assert {SESSION, "dRIjF_nBrgdUSCTH"} <= trace_credentials({name: archive.read(name) for name in archive.namelist()})
    Redaction().zip(trace)
    with zipfile.ZipFile(trace) as archive:
        recorded = archive.read("trace.trace").decode()
    assert SESSION not in recorded and "dRIjF_nBrgdUSCTH" not in recorded and f'"name": "{SSO_COOKIE}"' in recorded, recorded


LOGGING_TESTS = f'''
import logging


def test_follows_a_redirect():
    # as httpcore logs a response's headers at DEBUG: B2C's 302 to the app carries the token in its Location
    logging.getLogger("httpcore.http11").debug("receive_response_headers.complete return_value=%r",
                                               [(b"location", b"https://jwt.ms#id_token={TOKEN}")])
    logging.getLogger("e2e.mobileid").warning("control API {SERVICE_TOKEN}")
'''


def test_what_a_test_logged_is_redacted_in_live_logging_and_the_log_file(tmp_path: Path) -> None:
    """--log-cli-level / log_cli print each log record on the terminal as it comes, and --log-file writes it, past the
    reports' sections: both go through the redaction too (httpx and httpcore log at DEBUG, a redirect's Location whole)."""
    (tmp_path / "test_logging.py").write_text(LOGGING_TESTS)
    log_file = tmp_path / "run.log"
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_logging.py", "-rA",
                               "--log-cli-level=DEBUG", "-o", "log_cli=true", f"--log-file={log_file}", "--log-file-level=DEBUG",
                               env={"MY_SERVICE_TOKEN": SERVICE_TOKEN})
    assert done.returncode == 0 and "1 passed" in done.stdout, tail(done.stdout + done.stderr)
    assert "receive_response_headers.complete" in log_file.read_text() and "live log call" in done.stdout, tail(done.stdout)
    written = {"terminal": done.stdout + done.stderr, "log file": log_file.read_text()}
    leaked = {name: kinds for name, text in written.items() if (kinds := contains_secret(text)) or SERVICE_TOKEN in text}
    assert not leaked, leaked




COUNTED_LOGGING_TESTS = '''
import logging

from fixtures import reporting


def test_logs_without_a_log_file(request):
    redacted = []
    cleaner = reporting._cleaner
    reporting._cleaner = lambda config: (redacted.append(1), cleaner(config))[1]
    try:
        for number in range(50):
            logging.getLogger("e2e").warning("record %d", number)
    finally:
        reporting._cleaner = cleaner
    print(f"redacted {len(redacted)} records")
'''


def test_no_redaction_for_log_records_pytest_writes_to_devnull(tmp_path: Path) -> None:
    """Without --log-file pytest's file handler writes every record to os.devnull, formatted all the same: redacting
    each cost ~90 us a record (8 times pytest's own formatting) for nothing. With --log-file, each is redacted."""
    (tmp_path / "test_counted.py").write_text(COUNTED_LOGGING_TESTS)
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_counted.py", "-s")
    assert done.returncode == 0 and "redacted 0 records" in done.stdout, tail(done.stdout + done.stderr)
    written = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_counted.py", "-s",
                                  f"--log-file={tmp_path / 'run.log'}")
    assert written.returncode == 0 and "redacted 50 records" in written.stdout, tail(written.stdout + written.stderr)


def test_a_secret_the_run_wrote_in_lower_case_is_redacted_and_found_too() -> None:
    """The control token pasted as B2C_TENANT as well: the run writes the tenant in lower case ("knows no tenant
    ctltok-secret-...onmicrosoft.com"), which the terminal, the results and the JUnit XML showed whole."""
    token = "CtlTok-SECRET-5ee7a1b2c3d4e5f6"
    said = f"contoso.b2clogin.com knows no tenant {token.lower()}.onmicrosoft.com (B2C_TENANT={token!r})"
    assert redact_text(said, [token]) == "contoso.b2clogin.com knows no tenant <redacted>.onmicrosoft.com (B2C_TENANT='<redacted>')"
    assert contains_secret(said.lower(), [token]) == ["secret"]


FAILING_WITH_A_TOKEN_IN_THEIR_LOCALS = f'''
import pytest
from fixtures.causes import Cause, JourneyFailure


def approve(msisdn, token):
    raise JourneyFailure("nobody approved the sign-in on +4179*****67 within 6 s (transaction 4Y8EP85E)",
                         cause=Cause("Mobile ID outcome", "nobody approved on the phone within 6 s"))


@pytest.fixture
def returning_user():
    approve("+41791234567", "{TOKEN}")


def test_signs_in():
    approve("+41791234567", "{TOKEN}")


def test_signs_in_again(returning_user):
    pass
'''


def test_a_failure_whose_traceback_was_redacted_keeps_its_own_words_in_junit_xml_and_the_summary(tmp_path: Path) -> None:
    """A failure whose traceback holds something redacted (a real-mode run's: the person's number in ``msisdn``) said in
    JUnit XML's message, and the terminal's summary line, the first lines of its traceback (``_returning_users_dir =
    PosixPath(...)``), not its own words ("nobody approved ..."): what CI's test tab shows of it."""
    (tmp_path / "test_failing.py").write_text(FAILING_WITH_A_TOKEN_IN_THEIR_LOCALS)
    junit = tmp_path / "junit.xml"
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_failing.py", "-l", "-rfE", "-vvv",  # -q -vvv: the summary line whole
                               f"--junitxml={junit}")
    said = "fixtures.causes.JourneyFailure: nobody approved the sign-in on +4179*****67 within 6 s (transaction 4Y8EP85E)"
    assert done.returncode == 1 and "1 failed, 1 error" in done.stdout, tail(done.stdout + done.stderr)
    assert f"FAILED test_failing.py::test_signs_in - {said}" in done.stdout, tail(done.stdout)
    assert f"ERROR test_failing.py::test_signs_in_again - {said}" in done.stdout, tail(done.stdout)
    messages = {case.get("name"): ended.get("message") for case in ElementTree.parse(junit).iter("testcase")
                for ended in case if ended.tag in ("failure", "error")}
    assert messages == {"test_signs_in": said, "test_signs_in_again": f'failed on setup with "{said}"'}, messages
    assert TOKEN not in done.stdout + junit.read_text() and "&lt;redacted JWT&gt;" in junit.read_text()  # redacted as before


TOKENS_WITH_TWO_WRONG_CLAIMS = '''
import time
from tests.id_tokens import check, token


def test_signs_up():
    check(token(aud="someone-else", exp=int(time.time()) - 300))


def test_signs_in():
    check(token(aud="someone-else", exp=int(time.time()) - 300))
'''


def test_a_tokens_other_wrong_claims_are_counted_in_the_terminals_causes_and_kept_in_junit_xml(tmp_path: Path) -> None:
    """A night whose tokens had a wrong aud and were expired said "2 x ID token contract: aud: ..." alone in the terminal:
    the expired token was nowhere on the run's last screen. The JUnit XML keeps each claim as a property, the Allure results
    as a label."""
    (tmp_path / "test_tokens.py").write_text(TOKENS_WITH_TWO_WRONG_CLAIMS)
    junit = tmp_path / "junit.xml"
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_tokens.py", f"--junitxml={junit}",
                               f"--alluredir={tmp_path / 'results'}")
    causes = done.stdout.split("= causes =", 1)[-1]
    assert "    also exp: expected in the future, got in the past (in 2 of them)\n" in causes, tail(done.stdout)
    expired = ("also_wrong", "exp: expected in the future, got in the past")
    properties = [(prop.get("name"), prop.get("value")) for case in ElementTree.parse(junit).iter("testcase") for prop in case.iter("property")]
    assert properties.count(expired) == 2, properties
    # The Allure results' label, which the night's message counts (scripts/notify.py).
    labels = [(label["name"], label["value"]) for result in (tmp_path / "results").glob("*-result.json")
              for label in json.loads(result.read_text())["labels"]]
    assert labels.count(expired) == 2, labels


def test_a_short_browser_proxy_password_is_redacted_in_playwrights_proxy_option_too() -> None:
    """E2E_BROWSER_PROXY's user name and password go to Playwright's own proxy fields (fixtures/browser.py
    ``playwright_proxy``): there the password is in no URL for URL_PASSWORD to find, and one under MIN_SECRET is no
    setting's secret either; the context's options (--showlocals, a trace's newContext call) showed it whole."""
    from fixtures.browser import playwright_proxy
    from fixtures.redaction import secret_values

    url = "http://alice:pw%20%4012@proxy.corp:3128"  # 6 characters once decoded, a space among them: under MIN_SECRET
    options = {"proxy": playwright_proxy(url)}
    secrets = secret_values({"E2E_BROWSER_PROXY": url})
    for written in (repr(options), json.dumps(options), json.dumps(json.dumps(options))):
        assert "@12" not in redact_text(written, secrets), redact_text(written, secrets)
    assert "http://proxy.corp:3128" in redact_text(repr(options), secrets)  # the server stays: it says where


def test_a_basic_credential_in_a_hars_or_traces_header_record_is_redacted() -> None:
    """The network log of a trace or a HAR writes a header as {"name": ..., "value": ...}: an Authorization header's
    Basic credential there was left whole, where the docs say it is redacted wherever it is written out."""
    credential = "dXNlcjpwdzEyMzQ="  # base64("user:pw1234")
    record = {"name": "Proxy-Authorization", "value": f"Basic {credential}"}
    for written in (json.dumps(record), json.dumps(json.dumps(record)), json.dumps({**record, "name": "authorization"})):
        assert credential not in redact_text(written), redact_text(written)
