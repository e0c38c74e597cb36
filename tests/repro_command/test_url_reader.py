"""``--from-url``: B2C's authorize request as a reporter copies it (address bar, app log), read as a HAR's request is."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from repro.cli import main, parser
from tests.local_stack import LOCAL_STACK

ROOT = Path(__file__).resolve().parents[2]
POLICY = "B2C_1A_signup_signin"
AUTHORIZE = f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/authorize"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"
REPORTED = AUTHORIZE + "?" + urlencode({"client_id": LOCAL_STACK.client_id, "redirect_uri": "https://jwt.ms", "ui_locales": "de",
                                        "prompt": "login", "domain_hint": "mobileid.ch", "id_token_hint": TOKEN})


@pytest.fixture(autouse=True)
def the_local_stack_described_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local stack of the default settings describes itself as tests/local_stack.py computes here (not asked of
    ``python -m mocks serve --describe`` each time)."""
    monkeypatch.setattr("fixtures.stack_description.describe_stack", lambda command: LOCAL_STACK)


def read(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    """(what the URL told, the repro command's arguments) of ``--from-url`` with ``argv``, which must succeed."""
    assert main(["--from-url", *argv]) == 0, capsys.readouterr().err
    told, _, command = capsys.readouterr().out.partition("\nrepro command:\n")
    return told, command.split(" -m repro ", 1)[1].strip()


def test_the_url_tells_what_a_hars_authorize_request_tells_and_the_command_replays_it(capsys: pytest.CaptureFixture[str]) -> None:
    told, command = read(capsys, REPORTED)
    for row, value in (("B2C", "contoso.b2clogin.com (tenant contoso)"), ("policy", POLICY), ("client id", LOCAL_STACK.client_id),
                       ("redirect URI", "https://jwt.ms"), ("ui_locales", "de"), ("prompt", "login"), ("domain_hint", "mobileid.ch")):
        assert re.search(rf"^{row}\s+{re.escape(value)}$", told, re.M), told
    assert shlex.split(command) == ["--journey", "sign-in", "--policy", POLICY, "--target", "local", "--ui-locales", "de",
                                    "--outcome", "approve", "--prompt", "login", "--domain-hint", "mobileid.ch"]
    # No AADB2C code, correlation ID or result: nothing of what came of the request is in a URL, so no row pretends to say it.
    assert not re.search(r"^(AADB2C code|correlation ID|result|browser)\s", told, re.M), told
    assert TOKEN not in told + command and "id_token_hint" not in command
    assert [line.split(None, 1)[0] for line in told.splitlines() if "id_token_hint" in line] == ["note"]  # named, not carried


def test_what_a_url_cannot_tell_is_said_with_the_defaults_and_taken_from_beside_it(capsys: pytest.CaptureFixture[str],
                                                                                  devices_asked_here: None) -> None:
    told, _ = read(capsys, REPORTED)
    assert re.search(r"^not in the URL\s+journey sign-in \(default\), outcome approve \(default\), browser chromium \(default\), "
                     r"device none \(default\), browser locale en-US \(default\); --journey, --outcome, --browser, --device, "
                     r"--browser-locale beside --from-url set them$", told, re.M), told
    told, command = read(capsys, REPORTED, "--journey", "sign-up", "--outcome", "user_cancel", "--browser", "webkit",
                         "--device", "pixel 7", "--browser-locale", "de-CH")
    assert "journey sign-up (--journey), outcome user-cancel (--outcome), browser webkit (--browser), device Pixel 7 (--device), " \
           "browser locale de-CH (--browser-locale)" in told, told
    replayed = parser().parse_args(shlex.split(command))
    assert (replayed.journey, replayed.outcome, replayed.browser, replayed.device, replayed.browser_locale, replayed.ui_locales) == \
        ("sign-up", "user-cancel", "webkit", "Pixel 7", "de-CH", "de")
    told, _ = read(capsys, REPORTED, "--journey", "sign-in", "--outcome", "approve")  # typed as the defaults: the user's word
    assert "journey sign-in (--journey), outcome approve (--outcome)" in told, told


def test_a_url_with_a_question_mark_too_many_says_b2c_reads_no_parameter_by_that_name(capsys: pytest.CaptureFixture[str],
                                                                                       devices_asked_here: None) -> None:
    """".../authorize??client_id=...": B2C reads a parameter '?client_id', so the request has no client id; the rows showed
    none without a word of why, and the rerun went with the test app's."""
    told, _ = read(capsys, f"{AUTHORIZE}??client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms&scope=openid&response_type=id_token")
    assert re.search(r"^client id\s+-$", told, re.M), told
    assert re.findall(r"^note\s+(.*)$", told, re.M) == [
        "the request sends '?client_id': a '?' too many before it (.../authorize??client_id=...), so B2C reads no client_id in "
        "it, as the rows above show; the reporter's app builds its URL so"], told


@pytest.mark.parametrize(("sku", "says"), [
    ("MSAL.iOS", "the app's library is MSAL.iOS (x-client-SKU): its sign-in runs in an iPhone's (or an iPad's) browser; "
                 "--device 'iPhone 15' --browser webkit beside --from-url replays that phone"),
    ("MSAL.Xamarin.Android", "the app's library is MSAL.Xamarin.Android (x-client-SKU): its sign-in runs in an Android phone's "
                             "browser; --device 'Pixel 7' beside --from-url replays that phone"),
    ("msal.js.browser", None),
], ids=["iOS", "Android", "a web app's"])
def test_a_phone_apps_url_says_which_phone_replays_it(sku: str, says: str | None, capsys: pytest.CaptureFixture[str],
                                                      devices_asked_here: None) -> None:
    """A URL tells no browser, but MSAL's x-client-SKU tells a phone app's platform: "device none (default)" alone misled."""
    url = f"{AUTHORIZE}?client_id=app&redirect_uri=msauth.com.fabrikam.app%3A%2F%2Fauth&x-client-SKU={sku}&x-client-Ver=1.5.0"
    told, _ = read(capsys, url)
    notes = re.findall(r"^note\s+(.*)$", told, re.M)
    assert notes == ([says] if says else []), told
    told, _ = read(capsys, url, "--device", "iPhone 15")  # chosen: nothing to suggest
    assert "x-client-SKU" not in told, told


@pytest.mark.parametrize(("url", "replayed"), [
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p={POLICY}&client_id=app",
     ["--policy", POLICY, "--target", "local"]),
    (f"https://contoso.b2clogin.com/tfp/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/authorize?client_id=app",
     ["--policy", POLICY, "--target", "local"]),
    ("https://login.fabrikam.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=app",
     ["--policy", "B2C_1A_susi", "--target", "tenant", "--tenant", "fabrikam", "--domain", "login.fabrikam.com"]),
    ("https://login.fabrikam.com/11111111-2222-4333-8444-555555555555/B2C_1A_susi/oauth2/v2.0/authorize?client_id=app",
     ["--policy", "B2C_1A_susi", "--target", "tenant", "--domain", "login.fabrikam.com"]),
    ("https://fabrikam.b2clogin.com/fabrikam.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=app",
     ["--policy", "B2C_1A_susi", "--target", "tenant", "--tenant", "fabrikam"]),
    ("https://login.fabrikam.com/fabrikam.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=app",
     ["--policy", "B2C_1A_susi", "--target", "tenant", "--domain", "login.fabrikam.com"]),
], ids=["?p=", "/tfp/", "custom domain", "tenant ID", "a domain of the tenant's", "a domain of the tenant's at a custom domain"])
def test_every_form_of_b2cs_authorize_request_a_har_is_read_in_is_read(url: str, replayed: list[str],
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    told, command = read(capsys, url)
    assert shlex.split(command)[2:2 + len(replayed)] == replayed, command
    if "1111" in url:  # named by its ID: its name is B2C_TENANT's, said as a HAR's is
        assert "tenant: the URL names it by its ID (11111111-2222-4333-8444-555555555555) at login.fabrikam.com" in told, told
    if ".b2clogin.com/" in url:  # the host names it: nothing to say of B2C_TENANT
        assert "tenant:" not in told, told
    if "login.fabrikam.com/fabrikam.com/" in url:  # no name either: B2C_TENANT's, said so (it refused "--tenant 'fabrikam.com'")
        assert "tenant: the URL names it as 'fabrikam.com', not by its name, at login.fabrikam.com: the command takes its name" in told, told


def test_a_code_flow_apps_url_gets_the_hars_note_and_is_replayed_at_the_test_app(capsys: pytest.CaptureFixture[str]) -> None:
    told, command = read(capsys, f"{AUTHORIZE}?client_id=spa-app&redirect_uri=https%3A%2F%2Fspa.fabrikam.com&response_type=code")
    assert re.search(r"^note\s+the app asked response_type=code; the repro asks for response_type=id_token", told, re.M), told
    assert re.search(r"^left out\s+client_id: the app asked for 'code'", told, re.M), told
    assert "--client-id" not in command and "--redirect-uri" not in command, command


@pytest.mark.parametrize("copied", [f" <{REPORTED}>\n", f"'{REPORTED}'", f'"{REPORTED}"', REPORTED.replace("&", "&amp;"),
                                    REPORTED.replace("&", "&amp;amp;"), REPORTED.replace("&", "&#38;"),
                                    REPORTED.replace("&", "\\u0026"), REPORTED.replace("&", "\\u0026").replace("/", "\\/"),
                                    f"({REPORTED})", f"[{REPORTED}]", f"[the sign-in]({REPORTED})", f"[the sign-in|{REPORTED}]",
                                    f"{REPORTED}&prompt=login.", f"{REPORTED}&prompt=login,", f"({REPORTED}).",
                                    f"{REPORTED}&prompt=login)", f"\" {REPORTED} \"", f"\"{REPORTED}&prompt=login.\"",
                                    f"{REPORTED}&prompt=login?", f"{REPORTED}&prompt=login]", f"[the sign-in]({quote(REPORTED, safe='')})"],
                         ids=["from a mail", "quoted", "double-quoted", "HTML-escaped", "HTML-escaped twice", "as a character reference",
                              "from a JSON log", "from a JSON log that escapes slashes", "in parentheses", "in brackets",
                              "a Markdown link", "a Jira link", "with a sentence's full stop", "with a comma", "in parentheses, then a full stop",
                              "with the parenthesis of '(see URL)'", "quoted with its blanks", "with the full stop inside the quotes",
                              "with a question mark", "with the bracket of '[see URL]'", "percent-encoded whole in a Markdown link"])
def test_a_url_copied_with_what_a_mail_or_log_puts_around_it_is_read(copied: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert read(capsys, copied) == read(capsys, REPORTED)


@pytest.mark.parametrize("link", ["https://eur01.safelinks.protection.outlook.com/?url={}&data=05%7C02%7Calice%40fabrikam.com%7C0a1b"
                                  "&sdata=c2Rh%3D&reserved=0", "https://www.google.com/url?sa=t&q={}&usg=AOvVaw0",
                                  "https://app.fabrikam.com/account/login?returnUrl={}"],
                         ids=["Outlook's safe link", "Google's redirect", "an app's sign-in page"])
def test_a_link_that_wraps_the_authorize_request_is_read_as_that_request(link: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A mail's scanner rewrites every link (the recipient's address in it): it was refused as "not B2C's authorize request"."""
    from urllib.parse import quote

    from repro.url import address

    wrapped = link.format(quote(REPORTED, safe=""))
    assert read(capsys, wrapped) == read(capsys, REPORTED)
    assert address(wrapped) == AUTHORIZE  # as the bundle names it: neither the link nor its recipient


def test_a_wrapped_request_written_with_html_ampersands_is_read_as_that_request(capsys: pytest.CaptureFixture[str]) -> None:
    """A mail's page wrote the request with &amp; before its scanner wrapped the link: the unwrapped request kept them,
    and its redirect URI and ui_locales went unread, the command replaying it without them and saying nothing."""
    wrapped = ("https://eur01.safelinks.protection.outlook.com/?url=" + quote(REPORTED.replace("&", "&amp;"), safe="")
               + "&data=05%7C01")
    assert read(capsys, wrapped) == read(capsys, REPORTED)


def test_a_wrapped_request_whose_scheme_the_link_writes_in_capitals_is_read_as_that_request(capsys: pytest.CaptureFixture[str]) -> None:
    """HTTPS:// is an https URL, as a browser reads it (a redirect URI so is one too): the link was refused as not B2C's."""
    wrapped = "https://www.google.com/url?q=" + quote(REPORTED.replace("https://", "HTTPS://", 1), safe="")
    assert read(capsys, wrapped) == read(capsys, REPORTED)


def test_an_authorize_request_that_carries_another_in_a_parameter_is_read_as_itself(capsys: pytest.CaptureFixture[str]) -> None:
    """An app's own parameter may hold another sign-in's request (the one to restart at): the request is the one given,
    not the one it carries."""
    other = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_other/oauth2/v2.0/authorize?client_id=other"
    told, command = read(capsys, f"{REPORTED}&restart={quote(other, safe='')}")
    assert shlex.split(command)[2:4] == ["--policy", POLICY] and "B2C_1A_other" not in told, (told, command)


@pytest.mark.parametrize("times", [1, 2], ids=["once", "twice"])
def test_a_url_percent_encoded_whole_as_a_log_writes_another_urls_parameter_is_read(times: int, capsys: pytest.CaptureFixture[str]) -> None:
    from urllib.parse import quote

    encoded = REPORTED
    for _ in range(times):
        encoded = quote(encoded, safe="")  # https%3A%2F%2Fcontoso..., then https%253A%252F%252F...
    assert read(capsys, encoded) == read(capsys, REPORTED)


@pytest.mark.parametrize("hint", ["%2B41791234567", "079.123.45.67", "079%2F123%2045%2067", "(079)%20123%2045%2067", "%2B41.79.123.45.67",
                                  "0041.79.123.45.67", "%2B41%20(79)%20123%2045%2067"])
def test_a_persons_number_as_the_login_hint_is_masked_and_left_out_off_the_local_stack(hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    """In every form the masking knows: the row printed it masked and the command after it whole (dots, slashes, brackets)."""
    told, command = read(capsys, "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?"
                                 f"client_id=app&login_hint={hint}")
    assert not re.search(r"123\D?45", told + command) and "--login-hint" not in command, (told, command)
    assert re.search(r"^left out\s+login_hint: a person's phone number", told, re.M), told


def test_a_policy_the_local_stack_does_not_serve_is_said_before_its_command(capsys: pytest.CaptureFixture[str]) -> None:
    """The local stack's tenant, a policy it lacks: the command printed without a word was refused by --run (exit 2)."""
    told, command = read(capsys, REPORTED.replace(POLICY, "B2C_1A_nosuchpolicy"))
    assert re.search(r"^note\s+B2C_1A_nosuchpolicy is no policy the local stack serves \(B2C_1_signupsignin, .*\): the repro command "
                     r"below runs only where E2E_STACK_POLICIES or E2E_STACK_USER_FLOWS make the stack serve it$", told, re.M), told
    assert "--policy B2C_1A_nosuchpolicy --target local" in command
    told, _ = read(capsys, REPORTED)
    assert "no policy the local stack serves" not in told


def test_a_parameter_encoded_twice_is_said_so_and_how_to_send_it_decoded(capsys: pytest.CaptureFixture[str]) -> None:
    """redirect_uri=https%253A%252F%252Fjwt.ms in an otherwise plain URL: left out as "not an https URL", which is
    not what went wrong; a ui_locales encoded twice stopped the reading ("cannot be rerun as it is")."""
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&redirect_uri=https%253A%252F%252Fjwt.ms&ui_locales=de%252DCH&prompt=login")
    assert re.search(r"^left out\s+redirect_uri: https%3A%2F%2Fjwt\.ms looks percent-encoded twice \(decoded once more: "
                     r"https://jwt\.ms\): sent so, B2C reads it as it is, no URL: a redirect URI not registered for the app "
                     r"\(AADB2C90006\)\. The app encodes it once too often, or the URL was encoded again where it was copied from; "
                     r"the rerun goes with B2C_REDIRECT_URI, registered for the test app, and --redirect-uri https://jwt\.ms in the "
                     r"printed command sends it decoded$", told, re.M), told
    assert re.search(r"^left out\s+ui_locales: de%2DCH looks percent-encoded twice \(decoded once more: de-CH\).* the rerun "
                     r"goes without ui_locales, and --ui-locales de-CH in the printed command sends it decoded$", told, re.M), told
    assert "not an https URL" not in told, told
    assert shlex.split(command) == ["--journey", "sign-in", "--policy", POLICY, "--target", "local", "--outcome", "approve",
                                    "--prompt", "login", "--client-id", "app"]
    # Decoded, a value the option refuses (a domain hint in two words): none offered, as the printed command would refuse it.
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&domain_hint=mobile%2520id")
    assert re.search(r"^left out\s+domain_hint: mobile%20id looks percent-encoded twice \(decoded once more: mobile id\).*; the "
                     r"rerun goes without domain_hint; decoded, it is no value --domain-hint sends either$", told, re.M), told
    # Decoded, an app's own scheme: no --redirect-uri to offer (the repro's browser cannot land there either).
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&redirect_uri=msauth.com.fabrikam.app%253A%252F%252Fauth")
    assert re.search(r"^left out\s+redirect_uri: msauth\.com\.fabrikam\.app%3A%2F%2Fauth looks percent-encoded twice \(decoded "
                     r"once more: msauth\.com\.fabrikam\.app://auth\).*; the rerun goes with B2C_REDIRECT_URI, registered for the "
                     r"test app; decoded, it is no value --redirect-uri sends either$", told, re.M), told


@pytest.mark.parametrize(("sent", "says", "option"), [
    ("ui_locales=german", "ui_locales: 'german' is not language tags (each a language, then a region after a hyphen, e.g. de-CH), "
                          "as --ui-locales takes them: the rerun goes without ui_locales; --ui-locales with the language meant, "
                          "in the printed command, sends one", "--ui-locales"),
    ("ui_locales=de-CH%3Bq%3D0.9", "ui_locales: 'de-CH;q=0.9' is not language tags", "--ui-locales"),  # Accept-Language's
    ("domain_hint=Mobile%20ID", "domain_hint: 'Mobile ID' is not one word, as --domain-hint takes it: the rerun goes without "
                                "domain_hint", "--domain-hint"),
    ("client_id=my%20app", "client_id: 'my app' is not one word, as --client-id takes it: the rerun goes with B2C_CLIENT_ID, "
                           "the test app's", "--client-id"),
    ("login_hint=%20", "login_hint: blank: the rerun goes without login_hint", "--login-hint"),
], ids=["a word for a language", "Accept-Language's form", "a domain hint in two words", "a display name for a client id",
        "a blank login hint"])
def test_a_value_the_repros_option_cannot_send_is_left_out_saying_why_and_the_rest_replayed(
        sent: str, says: str, option: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The printed command was refused whole ("cannot be rerun as it is"): no command at all for the reporter's request."""
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms&prompt=login&{sent}")
    assert re.search(rf"^left out\s+{re.escape(says)}", told, re.M), told
    assert option not in command and "--prompt login" in command, command


def test_a_redirect_uri_with_its_scheme_in_capitals_is_an_https_url(capsys: pytest.CaptureFixture[str]) -> None:
    """A URL's scheme is read in any case (RFC 3986; the browser lands on https://...): it was left out as "HTTPS://jwt.ms is
    not an https URL"."""
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&redirect_uri=HTTPS%3A%2F%2Fapp.fabrikam.com%2Fcb")
    assert "left out" not in told and shlex.split(command)[-4:-2] == ["--redirect-uri", "HTTPS://app.fabrikam.com/cb"], (told, command)


@pytest.mark.parametrize(("query", "sends"), [("client_id=app", "client_id alone"), (f"p={POLICY}", "no parameter")])
def test_a_url_the_shell_cut_at_its_first_ampersand_says_to_quote_it(query: str, sends: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--from-url typed unquoted: the shell runs the command with the URL up to its first & (the rest in the background),
    and the rerun went without the redirect URI, language and prompt, without a word."""
    url = f"{AUTHORIZE}?{query}" if query.startswith("client_id") else f"{AUTHORIZE.replace(f'/{POLICY}', '')}?{query}"
    told, _ = read(capsys, url)
    assert re.search(rf"^note\s+the URL sends {sends}, where an app's authorize request sends several \(client_id, redirect_uri, "
                     r"scope, response_type, \.\.\.\): typed unquoted, a shell cuts a URL at its first &; quote it whole "
                     r"\('https://\.\.\.'\)$", told, re.M), told
    told, _ = read(capsys, REPORTED)
    assert "a shell cuts" not in told, told


def test_the_apps_own_parameters_the_rerun_does_not_send_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    """A custom policy may read any parameter ({OAUTH-KV:campaignId}): dropped without a word, the rerun could run another
    way than the reporter's. The protocol's and MSAL's own (state, PKCE, telemetry) are each request's: not named."""
    msal = ("scope=openid&response_type=code&state=s3cr3t-state&nonce=n&code_challenge=c&code_challenge_method=S256&client_info=1"
            "&client-request-id=0d1f&x-client-SKU=msal.js.browser&x-client-VER=3.7.1")
    # UI_LOCALES: no ui_locales as the rows read them, and not sent either
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&{msal}&campaignId=spring-2026&Promo=41791234567&campaignId=fall&UI_LOCALES=de")
    assert re.search(r"^note\s+the request also sends campaignId, Promo, UI_LOCALES, which the rerun does not: a custom policy that reads "
                     r"one \(\{OAUTH-KV:name\}\) may run otherwise$", told, re.M), told
    assert "spring" not in told and "1234567" not in told and "s3cr3t" not in told, told  # names only
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&{msal}")
    assert "also sends" not in told, told


def test_the_protocols_parameters_that_change_b2cs_answer_are_named_too(capsys: pytest.CaptureFixture[str]) -> None:
    """An id_token_hint (an invitation policy reads its claims), max_age, claims: each changes what B2C does with the
    request, and the rerun sends none of them (a token is never carried): named, never their values."""
    hint = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&id_token_hint={hint}&max_age=0&state=s")
    assert re.search(r"^note\s+the request also sends id_token_hint, max_age, which the rerun does not \(no option sends one; a "
                     r"command never carries a token\): B2C may answer it otherwise", told, re.M), told
    assert hint not in told and hint not in " ".join(command), told


def test_a_parameter_sent_twice_with_other_values_is_said_with_the_one_taken(capsys: pytest.CaptureFixture[str]) -> None:
    """An app that adds ui_locales its library already sent: the rows and the rerun took the last without a word."""
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&ui_locales=de&prompt=login&ui_locales=fr&prompt=login")
    assert re.search(r"^note\s+the request sends ui_locales more than once, with different values: the rows above and the "
                     r"rerun take the last$", told, re.M), told
    assert "--ui-locales fr" in command, command


def test_a_policy_in_the_path_and_another_as_p_is_said_with_the_one_taken(capsys: pytest.CaptureFixture[str]) -> None:
    """/{policy}/oauth2/v2.0/authorize?p=another: the path's was taken without a word, and the reporter's app may have meant
    the other."""
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&p=B2C_1A_other&redirect_uri=https%3A%2F%2Fjwt.ms")
    assert re.findall(r"^note\s+(.*)$", told, re.M) == [
        f"the request names policy {POLICY} in its path and B2C_1A_other as ?p=: the rows above and the rerun take the path's, as "
        "the local B2C does (which one B2C takes is not documented); the printed command with --policy B2C_1A_other in its "
        "stead runs the other"], told
    assert shlex.split(command)[2:4] == ["--policy", POLICY], command
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&p={POLICY.upper()}&redirect_uri=https%3A%2F%2Fjwt.ms")  # the same policy: names are read in any case
    assert "?p=" not in told, told
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&p=%3Cscript%3E&redirect_uri=https%3A%2F%2Fjwt.ms")  # no policy's name: not repeated
    assert re.search(r"^note\s+the request names policy \S+ in its path and another value as \?p=: .*; that value is no policy name "
                     r"\(B2C_1_ or B2C_1A_, then letters, digits, '_' or '-'\), so --policy can give it none$", told, re.M) and "script" not in told, told


def test_a_redirect_uri_with_an_escape_of_its_own_is_no_parameter_encoded_twice(capsys: pytest.CaptureFixture[str]) -> None:
    from urllib.parse import quote

    redirect = "https://app.fabrikam.com/cb?next=%2Fhome"  # the app's own query, escaped once as any URL's
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&redirect_uri={quote(redirect, safe='')}")
    assert "encoded twice" not in told and shlex.split(command)[-4:-2] == ["--redirect-uri", redirect], (told, command)
    redirect = "https://app.fabrikam.com/sign%20in"  # an escape in its path: a URL's ':' is no encoding's
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&redirect_uri={quote(redirect, safe='')}")
    assert "encoded twice" not in told and shlex.split(command)[-4:-2] == ["--redirect-uri", redirect], (told, command)


@pytest.mark.parametrize(("hint", "kept_out"), [("%252B4915112345678", "1511234"), ("079%2520123%252045%252067", "123%2045")],
                         ids=["international", "national, with spaces"])
def test_a_persons_number_encoded_twice_as_the_login_hint_is_masked_and_left_out(hint: str, kept_out: str,
                                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    told, command = read(capsys, "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?"
                                 f"client_id=app&login_hint={hint}")
    assert kept_out not in told + command and "--login-hint" not in command, (told, command)
    assert re.search(r"^left out\s+login_hint: a person's phone number", told, re.M), told


def test_a_login_hint_whose_plus_reads_as_a_space_is_said_so(capsys: pytest.CaptureFixture[str]) -> None:
    """login_hint=+41... unencoded: B2C reads " 41..." (a URL's + is a space), which the row's leading blank does not show.
    Replayed as B2C read it (the emulator's number: the local stack's)."""
    told, command = read(capsys, f"{AUTHORIZE}?client_id=app&login_hint=+41791234567")
    assert re.search(r"^note\s+login_hint begins with a space: the number's \+ is in the URL as it is, which a URL reads as a space "
                     r"\(B2C too\); a \+ in a URL's value is %2B$", told, re.M), told
    assert "--login-hint ' 41791234567'" in command, command
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&login_hint=%2B41791234567")
    assert "login_hint begins" not in told, told
    told, _ = read(capsys, f"{AUTHORIZE}?client_id=app&login_hint=+alice%40fabrikam.com")  # no number: no + of one to blame
    assert "login_hint begins" not in told, told


@pytest.mark.parametrize(("beside", "says"), [
    (["--outcome", "decline"], "--outcome decline: the URL's prompt=none asks B2C to answer from the browser's session, with no "
                               "page, so no one signs up and no phone is asked; leave it out to rerun the silent sign-in the URL asks for"),
    (["--journey", "sign-up", "--outcome", "busy"], "--journey sign-up and --outcome busy: the URL's prompt=none"),
], ids=["--outcome", "--journey and --outcome"])
def test_a_choice_beside_a_silent_requests_url_that_it_cannot_have_is_named_as_the_users(
        beside: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Refused by the printed command's check, it said to leave out --prompt none: the URL's, which the user never typed."""
    assert main(["--from-url", f"{AUTHORIZE}?client_id=app&prompt=none", *beside]) == 2
    said = capsys.readouterr()
    assert said.err.startswith(f"python -m repro: error: {says}") and "leave --prompt none out" not in said.err, said.err
    assert said.out == ""


def test_a_secret_of_the_environment_in_the_url_is_redacted_in_what_is_told_and_the_printed_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    import os

    secret = "fabrikam-s3cret-0123456789"
    assert main(["--from-url", f"{REPORTED}&domain_hint={secret}"], env={**os.environ, "FABRIKAM_APP_SECRET": secret}) == 0
    out = capsys.readouterr().out
    assert secret not in out and "--domain-hint" in out.split("repro command:", 1)[1], out


TOLD = [["--policy", "B2C_1A_other"], ["--target", "tenant"], ["--tenant", "fabrikam"], ["--domain", "login.fabrikam.com"],
        ["--language", "de"], ["--ui-locales", "fr"], ["--prompt", "login"], ["--domain-hint", "x"], ["--login-hint", "x"],
        ["--redirect-uri", "https://jwt.ms"], ["--client-id", "x"]]


def test_the_options_help_and_readme_say_the_url_tells_are_those_refused_beside_it() -> None:
    from_url_help = next(action.help for action in parser()._actions if "--from-url" in action.option_strings) or ""
    readme = " ".join((ROOT / "README.md").read_text().split())
    in_readme = readme.split("What the URL tells (", 1)[1].split(")", 1)[0]
    for said in (from_url_help.split("what it tells (", 1)[1].split(")", 1)[0], in_readme):
        assert re.findall(r"--[a-z-]+", said) == [argv[0] for argv in TOLD], said


@pytest.mark.parametrize("beside", TOLD, ids=lambda argv: argv[0])
def test_what_the_url_tells_is_refused_beside_it(beside: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--from-url", REPORTED, *beside]) == 2
    said = capsys.readouterr()
    assert f"{beside[0]}: read from the URL's authorize request; leave it out, or run the printed repro command" in said.err
    assert said.out == ""


@pytest.mark.parametrize(("beside", "says"), [
    (["--from-har", "user.har"], "--from-har and --from-url: give one report"),
    (["--attempt", "2"], "--attempt only goes with --from-har FILE (a URL is one sign-in's request)"),
    (["--out", "bundles"], "--from-url alone only prints what the URL tells and the repro command, so no bundle is written; add --run"),
], ids=["--from-har", "--attempt", "--out without --run"])
def test_a_second_report_an_attempt_or_a_bundle_folder_without_run_is_refused(beside: list[str], says: str, tmp_path: Path,
                                                                               capsys: pytest.CaptureFixture[str],
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--from-url", REPORTED, *beside]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "bundles").exists()


@pytest.mark.parametrize("report", [["--from-url", REPORTED], ["--from-har", "{tmp}/user.har"]], ids=["--from-url", "--from-har"])
def test_a_bundle_folder_the_run_cannot_write_is_refused_before_the_report_is_read(report: list[str], tmp_path: Path,
                                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The reading and its repro command were printed first, then the run refused its --out: a page of output ending in
    an error. Now the error alone, before the report (here a HAR not even there) is opened."""
    (tmp_path / "a-file").write_text("a bundle cannot go in here")
    out = str(tmp_path / "a-file" / "bundles")
    assert main([*(part.format(tmp=tmp_path) for part in report), "--run", "--out", out]) == 2
    said = capsys.readouterr()
    assert said.out == "" and f"--out {out}: not a writable folder (" in said.err, said


@pytest.mark.parametrize("report", [["--from-url", "https://contoso.b2clogin.com/"], ["--from-har", "{tmp}/empty.har"]],
                         ids=["--from-url", "--from-har"])
def test_a_report_refused_with_run_leaves_no_bundle_folder_made_for_it(report: list[str], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The check that --out can be written made it, and the report's refusal after it left it there (a run that does not
    run takes the folders it made)."""
    (tmp_path / "empty.har").write_text("")
    out = tmp_path / "new" / "a" / "b"
    assert main([*(part.format(tmp=tmp_path) for part in report), "--run", "--out", str(out)]) == 2
    assert "python -m repro: error: " in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [tmp_path / "empty.har"]


def test_an_empty_url_is_refused_rather_than_a_default_journey_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--from-url", " "])
    assert stopped.value.code == 2 and "argument --from-url: empty: give the authorize request's URL" in capsys.readouterr().err


ERROR_DESCRIPTION = ("AADB2C90273: An invalid response was received from the provider.\r\nCorrelation ID: "
                     "3f2c1a5e-8a1b-4c2d-9e3f-0a1b2c3d4e5f\r\nTimestamp: 2026-11-28 10:00:05Z\r\n"
                     "mid_auth_3010_9YBML7FA - The user cancelled for +41791234567")


@pytest.mark.parametrize(("url", "says"), [
    ("https://app.fabrikam.com/signin-oidc#" + urlencode({"error": "access_denied", "error_description": ERROR_DESCRIPTION, "state": "s3cr3t-state"}),
     "https://app.fabrikam.com/signin-oidc is the app's redirect with B2C's error: error access_denied, AADB2C90273, "
     "correlation ID 3f2c1a5e-8a1b-4c2d-9e3f-0a1b2c3d4e5f, Mobile ID mid_auth_3010, not B2C's authorize request"),
    (f"https://jwt.ms/#id_token={TOKEN}", "https://jwt.ms/ is the app's redirect with B2C's answer (a token or code: not printed"),
    ("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/oauth2/authresp?" + urlencode(
        {"error": "access_denied", "error_description": "mid_auth_3010_9YBML7FA - cancelled"}),
     "is Mobile ID's answer to B2C, at B2C's /oauth2/authresp: error access_denied, Mobile ID mid_auth_3010, not B2C's authorize request"),
    ("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?code=opaque-s3cr3t-state&state=StateProperties%3DeyJ4In0",
     "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp is Mobile ID's answer to B2C, at B2C's /oauth2/authresp "
     "(a token or code: not printed; share it with no one), not B2C's authorize request"),
    ("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=app",
     "is an authorize request without a B2C policy (neither in its path nor as ?p=): Entra ID's, not B2C's"),
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/logout?post_logout_redirect_uri=x", "is B2C's sign-out request"),
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/token", "is B2C's token request"),
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/token?grant_type=authorization_code&code=s3cr3t-state",
     "/oauth2/v2.0/token is B2C's token request, with the app's code or token for it (a token or code: not printed"),
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/token?error=invalid_grant",
     "/oauth2/v2.0/token is B2C's token request: error invalid_grant, not B2C's authorize request"),
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/v2.0/.well-known/openid-configuration", "is B2C's metadata"),
    ("https://app.fabrikam.com/account?user=alice", "https://app.fabrikam.com/account is not B2C's authorize request"),
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/api/CombinedSigninAndSignup/unified?local=signup&csrf_token="
     f"s3cr3t-state&tx=StateProperties=eyJUSUQiOiI3YjQ5In0&p={POLICY}", f"/api/CombinedSigninAndSignup/unified is a page of B2C's "
     f"sign-in past its authorize request (policy {POLICY}, its CombinedSigninAndSignup step), which carries the session's state, "
     "none of the app's parameters; give B2C's authorize request instead"),
    ("https://m.mobileid.ch/oidc/login?state=s3cr3t-state", "https://m.mobileid.ch/oidc/login is Mobile ID's page, where B2C sent "
     "the sign-in"),
    (AUTHORIZE.replace("https://", "http://") + "?client_id=app", "is not an https URL"),
    (AUTHORIZE.removeprefix("https://") + "?client_id=app", "not a URL; give the whole address, from https:// on"),
    ("see the log", "not a URL"),
    ("https://[contoso/authorize", "not a URL"),
    ("https://app.fabrikam.com/signin-oidc#access_token=opaque-s3cr3t-state&token_type=Bearer",
     "https://app.fabrikam.com/signin-oidc is the app's redirect with B2C's answer (a token or code: not printed"),
    ("https://app.fabrikam.com/signin-oidc?" + urlencode({"error": "cancelled by +41791234567"}),
     "https://app.fabrikam.com/signin-oidc is the app's redirect with B2C's error: an error, not B2C's authorize request"),
    (f"https://app.fabrikam.com/signed-in/{TOKEN}", "https://app.fabrikam.com/signed-in/<redacted JWT> is not B2C's authorize request"),
    (f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/OAuth2/v2.0/Logout", "is B2C's sign-out request"),
    (AUTHORIZE + "?client_id=app see the log", "not a URL as it is: it has a space in client_id's value"),
    (AUTHORIZE + "?client_id=app&scope=openid offline_access&prompt=login", "not a URL as it is: it has a space in scope's value, "
     "which a URL writes %20 (or +); leave out words after the address, and where a log wrote the URL decoded, write each space "
     "in a value as %20"),
    (AUTHORIZE + "?client_id=app&scope=openid\tprofile", "not a URL as it is: it has a space in scope's value"),
    (AUTHORIZE.replace(".com/", ".com:44x3/", 1) + "?client_id=app", "not a URL"),
    (AUTHORIZE[:50] + "\n  " + AUTHORIZE[50:] + "?client_id=app", "not a URL as it is: it has a line break inside (a mail or a "
     "terminal wrapped it?); join its lines into one"),
    (AUTHORIZE + "?client_id=app&redirect_uri=https%3A%2F%2Fapp.fabri\u2026", "is cut off (it ends in '\u2026', as a log or a page"),
    (AUTHORIZE + "?client_id=app&redirect_uri=https%3A%2F%2Fapp.fabri...", "is cut off (it ends in '...', as a log or a page"),
    (AUTHORIZE + "?client_id=app&redirect_uri=https%3A%2F%2Fapp.fabri%2", "is cut off (it ends in an unfinished %-escape"),
], ids=["the app's redirect with B2C's error", "the app's redirect with a token", "Mobile ID's answer to B2C",
        "Mobile ID's code to B2C", "Entra ID's",
        "sign-out", "token", "a token request with its code", "a token request's error", "metadata",
        "the app's page", "B2C's page past the request", "Mobile ID's page", "http", "no scheme", "words", "a broken host",
        "the app's redirect with an access token", "an error that is no code", "a token in the app's path",
        "sign-out in capitals", "words after the URL", "written decoded by a log", "a tab inside", "a port that is no number", "wrapped by a mail",
        "cut off with an ellipsis", "cut off with three dots", "cut off in a %-escape"])
def test_a_url_that_is_not_b2cs_authorize_request_is_said_as_what_it_is_and_the_authorize_url_asked_for(
        url: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--from-url", url]) == 2
    said = capsys.readouterr()
    assert says in said.err and said.out == "", said
    # every refusal asks for B2C's authorize request, but "not a URL", which asks for the whole address instead
    assert ("the browser's history or the app's log has it" in said.err) == ("not a URL" not in says), said.err
    # Only codes and IDs: neither the request's other parameters nor a token, nor a number the error's words quote.
    for kept_out in (TOKEN, "s3cr3t-state", "1234567", "cancelled", "alice", "Traceback"):
        assert kept_out not in said.err, said.err


@pytest.mark.parametrize(("description", "hint"), [
    (ERROR_DESCRIPTION, "; rerun it with --outcome user-cancel (or decline: the user declines the request shown on the phone, "
                        "the same code), the phone's answer that gives mid_auth_3010\n"),
    ("mid_auth_3300_9YBML7FA - The user did not respond in time", "; rerun it with --outcome timeout (or expired: the transaction "
                                                                  "expired (MSS 208), the same code), the phone's answer that gives mid_auth_3300\n"),
    ("AADB2C90273: An invalid response was received from the provider.\r\nmid_auth_3080_9YBML7FA - PIN blocked",
     "; rerun it with --outcome pin-blocked, the phone's answer that gives mid_auth_3080\n"),
    ("AADB2C90091: The user has cancelled entering self-asserted information.", "the app's log has it\n"),
], ids=["cancelled on the phone", "no answer", "PIN blocked", "no Mobile ID error"])
def test_an_error_redirect_refused_names_the_outcome_that_gives_its_mobile_id_error(
        description: str, hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The reporter gave the error they got: the authorize request it asks for reruns an approval unless told the phone's
    answer, which the error names (as a HAR's is read)."""
    url = "https://app.fabrikam.com/signin-oidc#" + urlencode({"error": "access_denied", "error_description": description})
    assert main(["--from-url", url]) == 2
    said = capsys.readouterr().err
    assert said.endswith(hint) and said.count("--outcome") == hint.count("--outcome"), said


@pytest.mark.parametrize("path", [f"{AUTHORIZE}/", f"{AUTHORIZE}//", AUTHORIZE.replace(f"/{POLICY}", "") + "/"],
                         ids=["policy in the path", "two slashes", "policy as ?p="])
def test_an_authorize_request_whose_path_ends_with_a_slash_says_to_give_it_without(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    """.../oauth2/v2.0/authorize/?client_id=...: refused as "not B2C's authorize request", which it all but is."""
    assert main(["--from-url", f"{path}?client_id=app&p={POLICY}&login_hint=s3cr3t-state"]) == 2
    said = capsys.readouterr()
    assert said.err == (f"python -m repro: error: --from-url: {path}: its path ends /authorize/, with a slash after authorize that "
                        "B2C's authorize request does not have; give it without the slash (.../oauth2/v2.0/authorize?...)\n"), said
    assert said.out == ""


@pytest.mark.parametrize(("path", "at_b2clogin"), [
    (f"/te/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/authorize", AUTHORIZE),
    ("/te/contoso.onmicrosoft.com/oauth2/v2.0/authorize", AUTHORIZE.replace(f"/{POLICY}", "")),  # its policy as ?p=
    (f"/TE/11111111-2222-4333-8444-555555555555/{POLICY}/oauth2/v2.0/authorize",
     f"https://{{tenant}}.b2clogin.com/11111111-2222-4333-8444-555555555555/{POLICY}/oauth2/v2.0/authorize"),
], ids=["policy in the path", "policy as ?p=", "the tenant by its ID"])
def test_b2cs_older_login_microsoftonline_address_is_said_as_it_looks_with_its_b2clogin_form(
        path: str, at_b2clogin: str, capsys: pytest.CaptureFixture[str]) -> None:
    """https://login.microsoftonline.com/te/{tenant}/{policy}/oauth2/v2.0/authorize: an app configured years ago sends it; it
    was refused as "not B2C's authorize request", with nothing of what it is or how to rerun it."""
    url = f"https://login.microsoftonline.com{path}?p={POLICY}&client_id=app&login_hint=s3cr3t-state&id_token_hint={TOKEN}"
    assert main(["--from-url", url]) == 2
    said = capsys.readouterr()
    named = " ({tenant}: the tenant's name, as in {name}.onmicrosoft.com)" if "{tenant}" in at_b2clogin else ""
    assert said.err == (f"python -m repro: error: --from-url: https://login.microsoftonline.com{path} looks like B2C's authorize "
                        "request at an older address form (login.microsoftonline.com/te/...: unconfirmed, as is whether B2C still "
                        "answers there); give the same request at B2C's b2clogin.com address, its parameters as they are: "
                        f"{at_b2clogin}?...{named}\n"), said
    assert said.out == ""
    # Entra ID's own request there, with no policy: not B2C's, as before.
    assert main(["--from-url", "https://login.microsoftonline.com/te/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=app"]) == 2
    assert "is not B2C's authorize request" in capsys.readouterr().err


@pytest.mark.parametrize("slashes", ["/", "//"])
def test_b2cs_older_address_with_a_slash_after_authorize_is_said_with_both_and_its_b2clogin_form_without_the_slash(
        slashes: str, capsys: pytest.CaptureFixture[str]) -> None:
    """login.microsoftonline.com/te/.../authorize/: each alone was said, together they got "not B2C's authorize request"."""
    path = f"/te/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/authorize{slashes}"
    assert main(["--from-url", f"https://login.microsoftonline.com{path}?client_id=app&login_hint=s3cr3t-state"]) == 2
    said = capsys.readouterr()
    assert said.err == (f"python -m repro: error: --from-url: https://login.microsoftonline.com{path} looks like B2C's authorize "
                        "request at an older address form (login.microsoftonline.com/te/...: unconfirmed, as is whether B2C still "
                        "answers there), and its path ends /authorize/, with a slash after authorize that B2C's authorize request "
                        "does not have; give the same request at B2C's b2clogin.com address, without the slash, its parameters as "
                        f"they are: {AUTHORIZE}?...\n"), said
    assert said.out == ""


def test_run_reruns_the_printed_command_and_its_bundle_names_the_urls_address_not_its_query(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The rerun itself stands in here (the end-to-end test runs one): what it is given is the printed command."""
    from repro import cli

    reruns: list[tuple[argparse.Namespace, Any]] = []

    def run(rerun: argparse.Namespace, env: object, reported: Any = None) -> int:
        reruns.append((rerun, reported))
        return 0

    monkeypatch.setattr(cli, "run", run)
    assert main(["--from-url", REPORTED, "--outcome", "user-cancel", "--run", "--out", str(tmp_path)]) == 0
    command = capsys.readouterr().out.split("repro command:", 1)[1].split(" -m repro ", 1)[1]
    [(rerun, reported)] = reruns
    assert vars(rerun) == vars(parser().parse_args([*shlex.split(command), "--out", str(tmp_path)]))
    assert reported["url"] == AUTHORIZE and TOKEN not in str(reported)
    assert any(line.startswith("not in the URL") and "outcome user-cancel (--outcome)" in line for line in reported["showed"])


def examples(text: str) -> list[list[str]]:
    """The ``--from-url`` examples of ``text`` (the README's, ``--help``'s), as arguments of ``python -m repro``."""
    return [shlex.split(line.split(" -m repro ", 1)[1].split("   #", 1)[0]) for line in text.splitlines()
            if " -m repro --from-url " in line]


@pytest.mark.parametrize("where", ["--help", "README.md"])
def test_the_from_url_examples_run_as_written(where: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = parser().format_help() if where == "--help" else (ROOT / "README.md").read_text()
    [example] = examples(text)
    assert main(example) == 0, capsys.readouterr().err
    command = capsys.readouterr().out.split("repro command:", 1)[1]
    assert "--ui-locales de" in command and "--outcome user-cancel" in command and "--prompt login" in command, command
