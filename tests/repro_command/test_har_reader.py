"""The HAR reader on HARs of real journeys (tests/repro/conftest.py): what it finds and the command it prints."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from repro.bundle import load_har
from repro.cli import main, parser
from repro.har import SELF_ASSERTED, read_har, repro_args
from tests.local_stack import LOCAL_STACK
from tests.repro_command.conftest import POLICY, UNREGISTERED

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser
GUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def test_a_successful_sign_up(recorded_hars: dict[str, Path]) -> None:
    found = read_har(load_har(recorded_hars["sign-up"]))
    assert (found.tenant, found.host, found.policy.upper()) == ("contoso", "contoso.b2clogin.com", POLICY.upper())
    assert found.params["client_id"] == LOCAL_STACK.client_id and found.params["redirect_uri"] == "https://jwt.ms"
    assert found.aadb2c_codes == [] and found.mid_code is None and found.error is None
    # No error, yet B2C's logs find the sign-in: by the correlation ID its pages' source starts with.
    assert found.correlation_id and GUID.fullmatch(found.correlation_id)
    assert found.id_token_claims and found.id_token_claims["idp"] == "mobileid.ch" and found.profile_page
    assert (found.journey, found.outcome, found.browser_locale) == ("sign-up", "approve", "en-US")
    # The waiting page names its transaction (the recording approves once the page shows it, as a person does).
    assert len(found.transactions) == 1 and re.fullmatch(r"[A-Z0-9]{8}", found.transactions[0])


def test_a_user_cancel_in_german(recorded_hars: dict[str, Path]) -> None:
    found = read_har(load_har(recorded_hars["user-cancel"]), LOCAL_STACK.robots)
    assert found.params["ui_locales"] == "de" and found.browser_locale == "de-CH"
    assert found.aadb2c_codes == ["AADB2C90273"] and found.error in ("access_denied", "server_error")
    assert found.mid_code == "mid_auth_3010" and re.fullmatch(r"[A-Z0-9]{8}", found.mid_trace or "")
    assert found.correlation_id and GUID.fullmatch(found.correlation_id)
    assert found.msisdn == "+41000092401" and found.outcome == "user-cancel"
    assert found.transactions in ([], [found.mid_trace])  # the waiting page, if shown, names the same transaction
    args = repro_args(found, LOCAL_STACK)
    assert args == ["--journey", "sign-in", "--policy", found.policy, "--target", "local", "--ui-locales", "de",
                    "--browser-locale", "de-CH", "--outcome", "user-cancel"]


def test_an_unregistered_redirect_uri(recorded_hars: dict[str, Path]) -> None:
    found = read_har(load_har(recorded_hars["unregistered-redirect-uri"]))
    assert found.aadb2c_codes == ["AADB2C90006"] and found.correlation_id and GUID.fullmatch(found.correlation_id)
    assert found.aadb2c_message and found.aadb2c_message.startswith("AADB2C90006:") and not set('"{}') & set(found.aadb2c_message)
    assert found.mid_code is None and found.outcome == "approve"
    assert repro_args(found, LOCAL_STACK)[-2:] == ["--redirect-uri", UNREGISTERED]


def test_the_reader_prints_facts_and_the_command_but_no_token(recorded_hars: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--from-har", str(recorded_hars["sign-up"])]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^policy\s+{POLICY}$", out, re.M | re.I), out
    assert "python -m repro --journey sign-up" in out and "--outcome approve" in out
    assert "eyJ" not in out, "the reader printed a raw token"


def test_a_sign_up_whose_har_ends_before_the_profile_page_says_it_cannot_tell_and_takes_journey_beside_it(
        recorded_hars: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A first sign-in's HAR cut off between Mobile ID and B2C's profile page (the user saved it while the page loaded) was
    read as a returning user's sign-in without a word. The reader says it cannot tell, which it picked, and how to pick the
    other; --journey beside --from-har is taken then (only then: a HAR that tells refuses it, test above)."""
    har = json.loads(recorded_hars["sign-up"].read_text())
    entries = sorted(har["log"]["entries"], key=lambda e: e.get("startedDateTime", ""))
    profile = next(i for i, e in enumerate(entries) if SELF_ASSERTED.search(((e.get("response") or {}).get("content") or {}).get("text", "")))
    har["log"]["entries"] = entries[:profile]
    cut = tmp_path / "cut.har"
    cut.write_text(json.dumps(har))
    assert main(["--from-har", str(cut)]) == 0
    out = capsys.readouterr().out
    assert "sign-in, approve (the HAR cannot tell a first sign-in from a returning user's" in out, out
    assert "--journey sign-up beside --from-har replays a first sign-in" in out and "python -m repro --journey sign-in" in out, out
    assert main(["--from-har", str(cut), "--journey", "sign-up"]) == 0
    out = capsys.readouterr().out
    assert "sign-up as --journey says" in out and "python -m repro --journey sign-up" in out, out


def test_outcome_beside_a_har_is_taken_only_where_the_har_does_not_tell_what_the_phone_did(
        recorded_hars: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A HAR cut on Mobile ID's waiting page (the phone's answer not in it) takes --outcome; a whole one refuses it."""
    har = json.loads(recorded_hars["sign-up"].read_text())
    entries = sorted(har["log"]["entries"], key=lambda e: e.get("startedDateTime", ""))
    har["log"]["entries"] = entries[:next(i for i, e in enumerate(entries) if "/oauth2/authresp" in e["request"]["url"])]
    cut = tmp_path / "waiting.har"
    cut.write_text(json.dumps(har))
    assert main(["--from-har", str(cut), "--outcome", "timeout"]) == 0
    out = capsys.readouterr().out
    assert "timeout as --outcome says" in out and "--outcome timeout" in out, out
    assert main(["--from-har", str(recorded_hars["sign-up"]), "--outcome", "timeout"]) == 2
    assert "--outcome" in capsys.readouterr().err


def test_a_har_without_a_sign_in_is_refused_with_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "other.har").write_text(json.dumps({"log": {"entries": [{"request": {"url": "https://example.com/"}, "response": {}}]}}))
    (tmp_path / "broken.har").write_text("not json")
    assert main(["--from-har", str(tmp_path / "other.har")]) == 2
    assert "'Preserve log' on (in Firefox: 'Persist Logs') (its requests went to example.com)" in capsys.readouterr().err
    assert main(["--from-har", str(tmp_path / "broken.har")]) == 2
    assert "is not a HAR file" in capsys.readouterr().err
    shapes: list[object] = [[], {"log": []}, {"log": {"entries": {}}}]
    for shape in shapes:  # JSON, but not a HAR: said, not a traceback
        (tmp_path / "shape.har").write_text(json.dumps(shape))
        assert main(["--from-har", str(tmp_path / "shape.har")]) == 2
        assert "is not a HAR file (JSON with log.entries): it is JSON of another shape" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "says"), [
    (b"\x1f\x8b\x08\x00", "is a gzip archive, not a HAR file: unpack it and pass the .har inside"),
    (b"PK\x03\x04", "is a zip archive, not a HAR file: unpack it"),
    (b'{"log": {"entries": [{"request": {"url": "https://con', "the file ends too soon (cut off while saving or copying?); export the HAR again"),
    (b'{"log": {"entries": [', "the file ends too soon"),
    # Cut inside a value: true, false or null begun, a number's fraction or exponent, a \u escape (whole, or begun).
    *((b'{"log": {"entries": [{"_fromCache": ' + end, "the file ends too soon") for end in (b"tr", b"f", b"nul", b"-", b"12.", b"1e-")),
    *((b'{"log": {"entries": [{"request": {"url": "https://con' + end, "the file ends too soon") for end in (b"\\u00", b"\\u00e9")),
    (b'{"log": {"entries": [{"_fromCache": tx}]}}', "is not a HAR file (JSON with log.entries): Expecting value: line 1"),
    # A whole HAR with something after it: the e and the . were read as a value cut off (an exponent's, a fraction's).
    *((b'{"log": {"entries": []}}' + end, "has something after the HAR's end, from line 1, column 25 on: remove it, or export the "
       "HAR again") for end in (b"e", b".", b'{"log": {"entries": []}}')),
    (b'{"log": {"entries": []}}\n\n e', "has something after the HAR's end, from line 3, column 2 on"),
    # JSON of another shape with more after it is no HAR, whatever follows
    *((content, "is not a HAR file (JSON with log.entries): it is JSON of another shape") for content in (b"[] x", b'"abc" x', b"{} {}")),
    ("{}".encode("utf-16"), "it is not UTF-8 text"),
    (b" \n", "is empty, not a HAR file: export the HAR again"),
    # Nested beyond the JSON parser's depth: a RecursionError's traceback, status 1 ("reproduced")
    (b'{"log": {"entries": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}", "is not a HAR file (JSON with log.entries): it is "
                                                                                    "JSON nested deeper than any HAR"),
])
def test_a_file_that_is_not_a_har_as_saved_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, says: str) -> None:
    (tmp_path / "report.har").write_bytes(content)
    assert main(["--from-har", str(tmp_path / "report.har")]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err, err


def test_a_har_path_that_is_not_there_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--from-har", str(tmp_path / "user.har")]) == 2
    assert capsys.readouterr().err == f"python -m repro: error: {tmp_path / 'user.har'}: no such file (give the path of the HAR the reporter sent)\n"


def test_a_har_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Notepad and Fiddler save UTF-8 with a byte order mark; it is not part of the JSON."""
    (tmp_path / "bom.har").write_bytes(b"\xef\xbb\xbf" + json.dumps({"log": {"entries": []}}).encode())
    assert load_har(tmp_path / "bom.har") == {"log": {"entries": []}}


GOOD_ENTRY = {"request": {"url": "https://example.com/"}, "response": {}}


@pytest.mark.parametrize(("entries", "says"), [
    ([1], "entry 1 is not a HAR entry: a number, not an object"),
    ([GOOD_ENTRY, {"request": "x"}], "entry 2 is not a HAR entry: its request is a string, not an object"),
    ([{"request": {"url": 5}}], "entry 1 is not a HAR entry: its request's url or method is not a string"),
    ([{"request": {"url": "u", "headers": {"name": "a"}}}], "its request's headers are not a list of name and value strings"),
    ([{"request": {"url": "u", "headers": [{"name": "a", "value": 1}]}}], "its request's headers are not a list of name"),
    ([{"request": {"url": "u", "postData": "msisdn=1"}}], "its request's postData is not an object with a text string"),
    ([{"request": {"url": "u", "cookies": None}}], "its request's cookies are not a list of objects"),
    ([{"response": {"cookies": ["x-ms-cpim-sso=1"]}}], "its response's cookies are not a list of objects"),
    ([{"request": {"url": "u", "postData": {"params": None}}}], "its request's postData params are not a list of objects with a name string"),
    ([{"request": {"url": "u", "postData": {"params": [{"name": ["code"]}]}}}], "its request's postData params are not a list of"),
    ([{"response": {"content": {"text": ["x"]}}}], "its response's content is not an object with text, encoding and mimeType"),
    ([{"response": {"status": "302"}}], "its response's status is not a whole number"),
    ([{"startedDateTime": 5}], "startedDateTime is not a string"),
    ([{"time": "12"}], "its time is not a number"),
])
def test_an_entry_of_another_shape_is_named_with_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               entries: list[object], says: str) -> None:
    (tmp_path / "shape.har").write_text(json.dumps({"log": {"entries": entries}}))
    assert main(["--from-har", str(tmp_path / "shape.har")]) == 2
    err = capsys.readouterr().err
    assert "is not a HAR file (JSON with log.entries): entry " in err and says in err and "Traceback" not in err, err


def test_the_reader_piped_to_a_reader_that_stops_ends_without_a_traceback(recorded_hars: dict[str, Path]) -> None:
    """``python -m repro --from-har user.har | head -3``: the rest of the output has nowhere to go, and the reading ends
    as it would have, not with a BrokenPipeError traceback."""
    reading = subprocess.Popen([sys.executable, "-m", "repro", "--from-har", str(recorded_hars["sign-up"])], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reading.stdout is not None
    reading.stdout.close()  # as head does after its lines; here before the first, so every write meets it
    _, said = reading.communicate(timeout=60)
    assert reading.returncode == 0 and "Traceback" not in said, said


def test_an_error_to_a_reader_that_stopped_keeps_its_exit_status(tmp_path: Path) -> None:
    """``python -m repro ... 2>&1 | head``: the reader gone, the error's line has nowhere to go, and the command still exits
    with the error's status (2: bad arguments), not 1, which says a failure was reproduced."""
    reading = subprocess.Popen([sys.executable, "-m", "repro", "--from-har", str(tmp_path / "missing.har")], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert reading.stderr is not None
    reading.stderr.close()  # as head does after its lines, here before the error's
    assert reading.wait(timeout=60) == 2


def test_an_empty_out_is_refused_before_anything_runs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--out", ""])
    assert stopped.value.code == 2 and "argument --out: empty: give a folder, or leave --out out" in capsys.readouterr().err


TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(("added", "option", "why"), [
    (f"&login_hint={TOKEN}", "--login-hint", r"login_hint: it holds a token \(printed redacted above\)"),
    (f"&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fsignin-oidc%3Ft%3D{TOKEN}", "--redirect-uri",
     r"redirect_uri: it holds a token \(printed redacted above\)"),
    (f"&client_id={TOKEN}", "--client-id", r"client_id: it holds a token \(printed redacted above\)"),
    ("&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fsignin-oidc%3Fcode%3Dopaque-c0de-4711%26x%3D1", "--redirect-uri",
     r"redirect_uri: it holds a token \(printed redacted above\)"),
    ("&prompt=always", "--prompt", r"prompt: 'always' is not a prompt B2C knows \(login, none, consent, select_account; it refuses"),
], ids=["a token as the login hint", "a token in the redirect URI", "a token as the client id",
        "an opaque code in the redirect URI", "a prompt B2C does not know"])
def test_a_value_of_the_hars_sign_in_that_cannot_be_rerun_is_left_out_saying_why(recorded_hars: dict[str, Path], tmp_path: Path,
                                                                                  capsys: pytest.CaptureFixture[str], added: str,
                                                                                  option: str, why: str) -> None:
    """A reporter's HAR whose app sent a token (an id_token_hint-style mistake) or a prompt B2C does not know: the facts
    carry a token redacted, as a bundle would, and the command printed (which --run runs as printed) leaves the value out
    saying why."""
    har = json.loads(recorded_hars["sign-up"].read_text())
    authorize = next(e["request"] for e in har["log"]["entries"] if "/oauth2/v2.0/authorize" in e["request"]["url"])
    base, _, query = authorize["url"].partition("?")
    kept = [pair for pair in query.split("&") if pair.split("=", 1)[0] not in ("redirect_uri", "prompt", "client_id")]
    authorize["url"] = f"{base}?{'&'.join(kept)}{added}"
    crafted = tmp_path / "reported.har"
    crafted.write_text(json.dumps(har))
    assert main(["--from-har", str(crafted)]) == 0
    out = capsys.readouterr().out
    command = out.split("repro command:", 1)[1]
    assert TOKEN not in out and "opaque-c0de" not in out and option not in command, out
    assert re.search(rf"^left out\s+{why}", out, re.M), out


def test_the_hars_own_credentials_are_redacted_in_what_the_reader_prints(
        recorded_hars: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The reader prints through the redaction a bundle gets, the HAR's cookies and codes among its secrets: a fact that
    came to quote one of the session's cookies (made so here) does not reach the terminal."""
    from repro import har as har_module
    from repro.bundle import har_credentials

    path = recorded_hars["user-cancel"]
    cookie = sorted(har_credentials(json.loads(path.read_text())))[0]
    described = har_module.describe
    monkeypatch.setattr(har_module, "describe", lambda found, local, browser=None: [*described(found, local, browser), f"B2C said          quoting {cookie}"])
    assert main(["--from-har", str(path)]) == 0
    out = capsys.readouterr().out
    assert "B2C said          quoting <redacted>" in out and cookie not in out, out


def test_an_apps_authorization_header_and_api_key_in_the_har_are_redacted_in_what_the_reader_prints(
        recorded_hars: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A reporter's HAR also holds the app's API calls after the sign-in, with an opaque bearer token (no JWT pattern
    spots it) and an API key: they are the HAR's credentials as its cookies are, so a fact quoting them (made so here)
    reached the terminal, and with --run the bundle's README.txt, whole."""
    from repro import har as har_module

    bearer, key = "opaqueAT-9f8e7d6c5b4a3210", "k3y-0123456789abcdef"
    har = json.loads(recorded_hars["user-cancel"].read_text())
    har["log"]["entries"].append({"startedDateTime": "2026-11-29T17:41:00.000Z", "time": 12, "request": {
        "method": "GET", "url": "https://api.fabrikam.example/me", "cookies": [],
        "headers": [{"name": "Authorization", "value": f"Bearer {bearer}"}, {"name": "x-api-key", "value": key}]},
        "response": {"status": 200, "headers": [], "cookies": [], "content": {"text": "{}", "mimeType": "application/json"}}})
    reported = tmp_path / "reported.har"
    reported.write_text(json.dumps(har))
    described = har_module.describe
    monkeypatch.setattr(har_module, "describe", lambda found, local, browser=None: [*described(found, local, browser),
                                                                                   f"B2C said          quoting Bearer {bearer} and {key}"])
    assert main(["--from-har", str(reported)]) == 0
    out = capsys.readouterr().out
    assert "B2C said          quoting Bearer <redacted> and <redacted>" in out and bearer not in out and key not in out, out


@pytest.mark.parametrize("flag", ["--out", "--from-har"])
def test_a_value_of_blanks_alone_is_refused_as_an_empty_one(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A value of spaces ("$OUT " quoted with nothing in it) names no folder and no file: refused as empty, not made a
    folder of blanks nor read as a HAR's path. (The parser alone: a value let through would run a journey.)"""
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args([flag, "  "])
    assert stopped.value.code == 2 and f"argument {flag}: empty: give" in capsys.readouterr().err


def test_an_empty_har_path_is_refused_rather_than_a_default_journey_run(capsys: pytest.CaptureFixture[str]) -> None:
    """`--from-har "$HAR"` with HAR unset ran the default sign-in and wrote a bundle for a bug nobody reported."""
    with pytest.raises(SystemExit) as stopped:
        main(["--from-har", ""])
    assert stopped.value.code == 2 and "argument --from-har: empty: give the HAR file, or leave --from-har out" in capsys.readouterr().err


def test_options_the_har_decides_are_refused_and_how_to_run_it_is_carried_onto_its_command(
        recorded_hars: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With --from-har the HAR's sign-in decides the journey, the outcome and the rest: one typed beside it was dropped
    without a word (and --browser firefox ran in Chromium). How to run it (browser, in place of the HAR's; headed, slow
    motion) is the user's."""
    path = str(recorded_hars["sign-up"])
    assert main(["--from-har", path, "--prompt", "login", "--language", "de"]) == 2
    assert "--language, --prompt: read from the HAR's sign-in; leave them out, or run the printed repro command with the change" \
        in capsys.readouterr().err
    assert main(["--from-har", path, "--outcome", "busy"]) == 2  # the HAR tells what the phone did (test below for one that does not)
    assert "--outcome: read from the HAR's sign-in; leave it out" in capsys.readouterr().err
    assert main(["--from-har", path, "--browser", "firefox", "--slowmo", "50"]) == 0
    command = capsys.readouterr().out.split("repro command:", 1)[1]
    assert command.count("--browser firefox") == 1 and command.rstrip().endswith("--slowmo 50"), command
    monkeypatch.setattr("fixtures.browser.display_missing", lambda env, platform: None)  # --headed needs a display: one here
    assert main(["--from-har", path, "--headed"]) == 0
    command = capsys.readouterr().out.split("repro command:", 1)[1]
    assert command.rstrip().endswith(" --headed"), command


def test_an_option_the_har_decides_is_refused_beside_it_even_when_typed_as_the_repros_default(
        recorded_hars: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """`--from-har cancel.har --outcome approve --run` printed and ran the HAR's user-cancel: the options were told from
    their defaults by value, so the two typed as the defaults (approve, sign-in) were dropped without a word, where the
    README promises every option the HAR decides is refused."""
    path = str(recorded_hars["user-cancel"])
    assert main(["--from-har", path, "--outcome", "approve"]) == 2
    assert "--outcome: read from the HAR's sign-in; leave it out, or run the printed repro command with the change" \
        in capsys.readouterr().err
    assert main(["--from-har", str(recorded_hars["sign-up"]), "--journey", "sign-in"]) == 2
    assert "--journey: read from the HAR's sign-in" in capsys.readouterr().err


def test_a_browser_given_beside_the_har_replaces_its_engine_even_as_chromium(recorded_hars: dict[str, Path], tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A HAR from an iPhone replays in WebKit; --browser chromium beside it (the way out where WebKit is not installed, as
    the refusal says) replaces it, though it is the repro's own default."""
    har = json.loads(recorded_hars["sign-up"].read_text())
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    for entry in har["log"]["entries"]:
        for header in entry["request"]["headers"]:
            if header["name"].lower() == "user-agent":
                header["value"] = iphone
    from_iphone = tmp_path / "iphone.har"
    from_iphone.write_text(json.dumps(har))
    assert main(["--from-har", str(from_iphone)]) == 0
    command = capsys.readouterr().out.split("repro command:", 1)[1]
    assert "--browser webkit" in command and "--device 'iPhone 15'" in command, command
    assert main(["--from-har", str(from_iphone), "--browser", "chromium"]) == 0
    command = capsys.readouterr().out.split("repro command:", 1)[1]
    assert "--browser " not in command and "--device 'iPhone 15'" in command, command


def test_a_carried_value_equal_to_a_cookies_value_is_printed_as_it_replays(recorded_hars: dict[str, Path], tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """An app's cookie that holds the same text as a parameter of its request (MSAL's interaction cookie holds the
    client id): the facts are redacted with the HAR's cookies, and the command printed its parameter as <redacted>."""
    har = json.loads(recorded_hars["sign-up"].read_text())
    authorize = next(e["request"] for e in har["log"]["entries"] if "/oauth2/v2.0/authorize" in e["request"]["url"])
    authorize["url"] += "&domain_hint=fabrikam-mobileid"
    authorize["headers"].append({"name": "Cookie", "value": "msal.interaction.status=fabrikam-mobileid"})
    crafted = tmp_path / "reported.har"
    crafted.write_text(json.dumps(har))
    assert main(["--from-har", str(crafted)]) == 0
    command = capsys.readouterr().out.split("repro command:", 1)[1]
    assert "--domain-hint fabrikam-mobileid" in command, command


def test_a_secret_of_the_environment_in_the_hars_sign_in_is_redacted_in_the_printed_command(recorded_hars: dict[str, Path], tmp_path: Path,
                                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A value of the reported sign-in that is one of this machine's secrets (a setting named so, .env or the environment)
    is printed redacted in the facts and in the repro command alike."""
    import os

    secret = "fabrikam-s3cret-0123456789"
    har = json.loads(recorded_hars["sign-up"].read_text())
    authorize = next(e["request"] for e in har["log"]["entries"] if "/oauth2/v2.0/authorize" in e["request"]["url"])
    authorize["url"] += f"&domain_hint={secret}"
    crafted = tmp_path / "reported.har"
    crafted.write_text(json.dumps(har))
    assert main(["--from-har", str(crafted)], env={**os.environ, "FABRIKAM_APP_SECRET": secret}) == 0
    out = capsys.readouterr().out
    assert secret not in out and "--domain-hint" in out.split("repro command:", 1)[1], out


def test_a_persons_number_quoted_in_mobile_ids_error_is_masked_in_what_a_tenant_hars_reading_prints(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The reader masked the login hint and the number typed, but printed Mobile ID's error text with the number in it."""
    words = "mid_auth_3060_ABCD1234 - No Mobile ID key for +41 79 123 45 67"
    entries = [
        {"startedDateTime": "2026-11-28T10:00:00.000Z", "request": {"method": "GET", "headers": [], "url":
         "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/v2.0/authorize?client_id=0000-app"
         "&redirect_uri=https%3A%2F%2Fjwt.ms"}, "response": {"status": 200, "headers": []}},
        {"startedDateTime": "2026-11-28T10:00:05.000Z", "request": {"method": "GET", "headers": [], "url":
         "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_susi/oauth2/authresp?" + urlencode(
             {"error": "access_denied", "error_description": words, "state": "x"})}, "response": {"status": 200, "headers": []}},
    ]
    (tmp_path / "user.har").write_text(json.dumps({"log": {"entries": entries}}))
    assert main(["--from-har", str(tmp_path / "user.har")]) == 0
    out = capsys.readouterr().out
    assert "mid_auth_3060" in out and "123 45 67" not in out, out


def test_an_out_beside_a_har_read_without_run_is_refused_as_no_bundle_is_written(
        recorded_hars: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--from-har user.har --out bundles/` printed the reading and exited 0, no bundle written and --out dropped without a
    word: the person waiting for a bundle to attach found none."""
    out = tmp_path / "bundles"
    assert main(["--from-har", str(recorded_hars["user-cancel"]), "--out", str(out)]) == 2
    said = capsys.readouterr()
    assert "no bundle is written; add --run" in said.err and "repro command:" not in said.out, said
    assert not out.exists()


def test_an_out_beside_a_har_read_with_run_is_where_the_rerun_writes_its_bundle(
        recorded_hars: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other half of --out beside --from-har: with --run it is the rerun's folder (the run itself stands in here)."""
    from repro import cli

    reruns: list[str] = []

    def run(rerun: argparse.Namespace, env: object, reported: object = None) -> int:
        reruns.append(rerun.out)
        return 0

    monkeypatch.setattr(cli, "run", run)
    out = tmp_path / "bundles"
    assert main(["--from-har", str(recorded_hars["user-cancel"]), "--run", "--out", str(out)]) == 0
    assert reruns == [str(out)]


def test_a_carried_value_that_begins_with_a_dash_is_printed_joined_to_its_option(recorded_hars: dict[str, Path], tmp_path: Path,
                                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A login hint of ``-x`` read as an option of its own made the printed command one argparse refuses (its usage
    printed whole): joined by ``=``, the command is one --run and a person can run."""
    har = json.loads(recorded_hars["sign-up"].read_text())
    authorize = next(e["request"] for e in har["log"]["entries"] if "/oauth2/v2.0/authorize" in e["request"]["url"])
    authorize["url"] += "&login_hint=-hint-of-the-app"
    crafted = tmp_path / "reported.har"
    crafted.write_text(json.dumps(har))
    assert main(["--from-har", str(crafted)]) == 0
    command = capsys.readouterr().out.split("repro command:", 1)[1]
    assert "--login-hint=-hint-of-the-app" in command, command
