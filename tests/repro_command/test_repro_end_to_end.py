"""The repro command end to end against the local stack: the bundle, its contents, and no secret or raw token in it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from fixtures.alive import ALIVE_FILE, remove_dead
from fixtures.process_output import output_lines, read_until
from mocks.faults import OTHER_AUDIENCE
from repro.bundle import load_har, scan, sha1
from repro.cli import WORK_PREFIX, main
from repro.har import read_har
from tests.local_stack import LOCAL_STACK
from tests.repro_command.bundles import Bundle
from tests.suite_run import killed, not_ended_by, run_holding, watched

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
# The local stack holds the web app's client secret; a control token exists only in tenant mode (a local run refuses
# MOBILEID_CONTROL_TOKEN), where fixtures.redaction.secret_values adds it to the same scan.
SECRETS = {"B2C_WEBAPP1_CLIENT_SECRET": "webapp-secret-for-the-leak-check"}
GUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def command_env(**extra: str) -> dict[str, str]:
    """The environment of the command as a person runs it: not inside this pytest (or its xdist worker), local stack,
    known secrets to look for."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k not in ("B2C_POLICIES", "E2E_STACK_FAULTS")}
    return {**env, **SECRETS, "E2E_TARGET": "local", **extra}


def run_repro(out: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "repro", *argv, "--out", str(out)], cwd=ROOT, env=command_env(**env),
                          capture_output=True, text=True, timeout=240)


def repro(tmp_path: Path, *argv: str, **env: str) -> tuple[int, str, zipfile.ZipFile]:
    done = run_repro(tmp_path, *argv, **env)
    lines = done.stdout.strip().splitlines()
    assert lines and lines[-1].startswith("bundle: "), f"no bundle line (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    bundle = Path(lines[-1].removeprefix("bundle: "))
    assert bundle.parent == tmp_path and bundle.suffix == ".zip"
    assert scan(bundle, SECRETS.values()) == [], "the bundle carries a secret or raw token"
    assert [p.name for p in tmp_path.iterdir()] == [bundle.name], "the run's work folder (unredacted trace and HAR) was left behind"
    return done.returncode, done.stdout, Bundle(bundle)


def readme_files(bundle: zipfile.ZipFile) -> list[str]:
    """The files README.txt lists, each one checked to be in the bundle."""
    files = bundle.read("README.txt").decode().split("Files:\n", 1)[1].split("\n\n", 1)[0]
    listed = [line.split()[0] for line in files.splitlines()]
    missing = [name for name in listed if not any(member == name or member.startswith(name) for member in bundle.namelist())]
    assert missing == [], f"README.txt lists files the bundle does not have: {missing}"
    return listed


def test_a_users_har_replays_to_the_same_mobile_id_failure(recorded_hars: dict[str, Path], tmp_path: Path) -> None:
    reported = read_har(load_har(recorded_hars["user-cancel"]), LOCAL_STACK.robots)
    status, out, bundle = repro(tmp_path, "--from-har", str(recorded_hars["user-cancel"]), "--run")
    assert status == 0, f"the rerun did not end as the suite expects for a cancel:\n{out}"
    assert "\nThis is as the suite expects, so no failure of B2C or Mobile ID was reproduced.\n" in out, out
    facts = json.loads(bundle.read("repro.json"))
    assert facts["aadb2c_codes"] == reported.aadb2c_codes == ["AADB2C90273"]
    assert facts["mobile_id_errors"][0]["code"] == reported.mid_code == "mid_auth_3010"
    assert facts["correlation_ids"] and facts["outcome"] == "user-cancel"
    steps = [step["step"] for step in json.loads(bundle.read("timings.json"))["steps"]]
    assert "Mobile ID's test number answers at once: no waiting page to picture" in steps, steps
    assert (facts["b2c_page_language"], facts["mobile_id_page_language"]) == ("de", "de")
    assert json.loads(bundle.read("settings.json"))["browser_locale"] == "de-CH"
    rerun = read_har(json.loads(bundle.read("journey.har")), LOCAL_STACK.robots)  # the bundle's own HAR reads back to the same failure
    assert (rerun.browser_locale, rerun.params["ui_locales"], rerun.mid_code, rerun.outcome) == ("de-CH", "de", "mid_auth_3010", "user-cancel")
    names = bundle.namelist()
    assert {"README.txt", "journey.har", "trace.zip", "timings.json", "versions.json"} <= set(names)
    assert {"trace.zip", "journey.har", "screenshots/"} <= set(readme_files(bundle))
    # A screenshot at each step the journey reached, named after it: B2C's page in German, Mobile ID's number page.
    assert [n for n in names if n.startswith("screenshots/")] == ["screenshots/01-b2c-sign-in-page.png", "screenshots/02-mobile-id-number-page.png",
                                                                 "screenshots/03-b2c-redirected-to-the-app.png"], names
    # The app's page, kept blank of tokens, says the error B2C sent, as its screenshot was taken (the trace's snapshot of it).
    with zipfile.ZipFile(io.BytesIO(bundle.read("trace.zip"))) as trace:
        snapshots = "".join(trace.read(name).decode(errors="replace") for name in trace.namelist() if name.endswith(".trace"))
        files, members = json.loads(trace.read("trace.stacks"))["files"], trace.namelist()
        suite_named = [name for name in members if str(ROOT).encode() in trace.read(name)]
    assert re.search(r"error_description: AADB2C90273: [^\"]*mid_auth_3010", snapshots), "the app page's picture does not show B2C's error"
    # Its frames' files from the suite's folder, each with its source (the viewer's member for the path), no member naming
    # this machine's folder of the suite (a bundle shows no home folder, no user name).
    assert "e2e/test_repro.py" in files and [f"src/{sha1(file)}.py" in members for file in files] == [True] * len(files), (files, members)
    assert suite_named == [], suite_named
    readme = bundle.read("README.txt").decode()
    assert "python -m repro --journey sign-in --policy B2C_1A_signup_signin --target local" in readme and "--outcome user-cancel" in readme
    hops = json.loads(bundle.read("timings.json"))["hops"]
    assert any(h["path"].endswith("/oauth2/authresp") for h in hops) and all(h["time_ms"] >= 0 for h in hops)


def test_an_unregistered_redirect_uri_replays_to_the_same_b2c_error(recorded_hars: dict[str, Path], tmp_path: Path) -> None:
    status, out, bundle = repro(tmp_path, "--from-har", str(recorded_hars["unregistered-redirect-uri"]), "--run")
    assert status == 1, f"the rerun should fail on B2C's error page:\n{out}"
    facts = json.loads(bundle.read("repro.json"))
    assert facts["aadb2c_codes"] == ["AADB2C90006"] and facts["b2c_error_page"]["correlation_id"]
    readme = bundle.read("README.txt").decode()
    assert "B2C showed its error page" in readme
    ran = out.split("\nrepro: sign-up through", 1)[1]  # the run's lines, after the HAR's (which quote B2C's words as the HAR had them)
    assert "This is NOT as the suite expects: B2C showed its error page instead of signing in.\n" in ran and ran.count("AADB2C90006: ") == 1, out
    # The reporter's facts beside the rerun's: the HAR it came from and what that showed, its correlation ID included.
    reported = read_har(load_har(recorded_hars["unregistered-redirect-uri"]))
    assert facts["reported"]["har"] == recorded_hars["unregistered-redirect-uri"].name and reported.correlation_id
    assert f"Reported: the HAR {facts['reported']['har']} showed" in readme and reported.correlation_id in readme
    # The error page pictured once: the journey's end is that page, not a second, identical picture of it.
    assert not any("last-page" in name for name in bundle.namelist()), bundle.namelist()


def test_a_reporters_authorize_url_replays_with_the_outcome_given_beside_it(tmp_path: Path) -> None:
    """--from-url --run: the URL's policy and language, the phone's outcome and browser's language from beside it; its
    id_token_hint (a raw token) reaches neither the terminal nor the bundle, which names the URL's address."""
    address = f"https://{LOCAL_STACK.domain}/{LOCAL_STACK.tenant}.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"
    url = f"{address}?client_id={LOCAL_STACK.client_id}&redirect_uri=https%3A%2F%2Fjwt.ms&ui_locales=de&id_token_hint={token}"
    status, out, bundle = repro(tmp_path, "--from-url", url, "--outcome", "user-cancel", "--browser-locale", "de-CH", "--run")
    assert status == 0, f"the rerun did not end as the suite expects for a cancel:\n{out}"
    assert token not in out and "outcome user-cancel (--outcome)" in out, out
    facts = json.loads(bundle.read("repro.json"))
    assert (facts["outcome"], facts["aadb2c_codes"], facts["b2c_page_language"]) == ("user-cancel", ["AADB2C90273"], "de")
    assert facts["reported"]["url"] == address and json.loads(bundle.read("settings.json"))["browser_locale"] == "de-CH"
    assert f"Reported: the URL {address} told (python -m repro --from-url):" in bundle.read("README.txt").decode()


def test_an_approved_sign_up_keeps_claims_but_no_raw_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, bundle = repro(tmp_path, "--journey", "sign-up", "--policy", "B2C_1A_signup_signin", "--language", "fr", "--device", "Pixel 7")
    assert status == 0, out
    claims = json.loads(bundle.read("claims.json"))
    assert claims["idp"] == "mobileid.ch" and (claims.get("tfp") or claims.get("acr", "")).upper() == "B2C_1A_SIGNUP_SIGNIN"
    har = bundle.read("journey.har").decode()
    assert "<redacted JWT>" in har, "the HAR should have carried the ID token (B2C's redirect), redacted"
    # The reporter's phone reached the browser (README: --device), not only the command line: its user agent and screen.
    first = json.loads(har)["log"]["entries"][0]["request"]
    agent = next(h["value"] for h in first["headers"] if h["name"].lower() == "user-agent")
    assert "Pixel 7" in agent and "Android" in agent, agent
    # The trace id Mobile ID's waiting page showed, read from the page and from the HAR.
    facts = json.loads(bundle.read("repro.json"))
    assert re.fullmatch(r"[A-Z0-9]{8}", facts["mobile_id_transaction"]) and facts["mobile_id_transactions"] == [facts["mobile_id_transaction"]]
    versions = json.loads(bundle.read("versions.json"))
    assert versions["playwright"] and versions["browser"] and versions["python"]
    # Which engine ran it, and the suite's commit the replay line's "clone of the suite" means.
    assert versions["browser_engine"] == "chromium" and re.fullmatch(r"[0-9a-f]{7,}(\+changes)?", versions["suite_commit"]), versions
    assert "B2C sent the app an ID token that passed every check" in out
    # Each page pictured at its step, under the step's name, while the browser still showed it (no load-event shots).
    shots = {shot["file"]: shot["url"] for shot in facts["screenshots"]}
    assert list(shots) == ["01-b2c-sign-in-page.png", "02-mobile-id-number-page.png", "03-mobile-id-waiting-for-the-phone.png",
                           "04-b2c-profile-page.png", "05-b2c-redirected-to-the-app.png"], shots
    assert shots["03-mobile-id-waiting-for-the-phone.png"].startswith("https://m.mobileid.ch/oidc/wait")
    assert "/SelfAsserted" in shots["04-b2c-profile-page.png"] or "b2clogin.com" in shots["04-b2c-profile-page.png"]
    assert shots["05-b2c-redirected-to-the-app.png"].startswith("https://jwt.ms") and "screenshots_missed" not in facts
    assert {f"screenshots/{name}" for name in shots} <= set(bundle.namelist())
    # The bundle's own HAR reads back: B2C answered the app with an ID token, redacted in the bundle. Read by the command's
    # own entry in this process (no journey: a Python and its imports less than a command of its own).
    har_file = tmp_path / "journey.har"
    har_file.write_bytes(bundle.read("journey.har"))
    capsys.readouterr()
    assert main(["--from-har", str(har_file)], env=command_env()) == 0
    read = capsys.readouterr().out
    assert re.search(r"^result\s+an ID token \(redacted\)$", read, re.M), read
    assert "--journey sign-up" in read and "--device 'Pixel 7'" in read


def test_a_sign_up_sent_straight_to_mobile_id_keeps_the_correlation_id_of_b2cs_profile_page(tmp_path: Path) -> None:
    """`--journey sign-up --domain-hint mobileid.ch`: B2C skips its sign-in page, the only page the correlation ID was
    read from, so the bundle said there was none, though its profile page's source starts with one (B2C's logs find the
    sign-up by it)."""
    status, out, bundle = repro(tmp_path, "--journey", "sign-up", "--domain-hint", "mobileid.ch")
    facts = json.loads(bundle.read("repro.json"))
    assert status == 0 and not any("b2c-sign-in-page" in shot["file"] for shot in facts["screenshots"]), out
    assert len(facts["correlation_ids"]) == 1 and GUID.fullmatch(facts["correlation_ids"][0]), facts
    assert f"B2C correlation IDs: {facts['correlation_ids'][0]}" in bundle.read("README.txt").decode()


def test_a_sign_in_sent_straight_to_mobile_id_says_b2c_showed_no_page_to_read_a_correlation_id_from(tmp_path: Path) -> None:
    """`--domain-hint mobileid.ch` on a sign-in: B2C shows no page of its own before Mobile ID nor after it, so "look in
    the source of B2C's first page" pointed at a page the bundle does not have."""
    status, out, bundle = repro(tmp_path, "--domain-hint", "mobileid.ch")
    assert status == 0 and not any(name.startswith("screenshots/") and "b2c-" in name and "redirected" not in name
                                   for name in bundle.namelist()), bundle.namelist()
    assert "B2C correlation IDs: none (B2C showed this journey no page of its own (domain_hint=mobileid.ch sent the browser " \
           "straight to Mobile ID)" in out, out


@pytest.mark.parametrize(("fault", "said"), [("wrong-audience", f"ID token aud is {OTHER_AUDIENCE!r}"),
                                           # The app's token contract as the suite's journeys hold it: it "passed every check".
                                           ("name-claim-missing", "ID token has no name claim, which the app's token contract needs")])
def test_a_token_that_fails_its_checks_is_reproduced_with_the_app_page_pictured_once(tmp_path: Path, fault: str, said: str) -> None:
    status, out, bundle = repro(tmp_path, "--journey", "sign-up", E2E_STACK_FAULTS=fault)
    # In the failure's words, not "fixtures.causes.JourneyFailure: ...", a class of the suite's.
    assert status == 1 and f"This is NOT as the suite expects: {said}" in out, out
    # A token that fails its checks carries no error words: B2C's logs find it by its sign-in page's correlation ID.
    assert re.search(r"B2C correlation IDs: [0-9a-f-]{36}", out), out
    assert "\nevidence: " not in out  # the run's evidence is in the bundle; its work folder is gone by now
    shots = [name for name in bundle.namelist() if name.startswith("screenshots/")]
    assert shots[-1].endswith("-b2c-redirected-to-the-app.png") and not any("last-page" in name for name in shots), shots


def test_an_error_b2c_sends_the_app_before_mobile_ids_page_is_recorded(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Mobile ID refuses B2C's request (a scope it does not serve), so B2C sends the app its error before any Mobile ID page:
    the bundle keeps that answer, its codes and correlation ID, as for an error that comes after the phone."""
    from mocks.mobileid.errors import SCOPE_INVALID
    from tests.suite.test_federation import SCOPE_ITEM, edited_policies

    policies = edited_policies(tmp_path_factory.mktemp("policies"), SCOPE_ITEM, SCOPE_ITEM.replace("mid_profile", "mid_profile, bogus_scope"))
    status, out, bundle = repro(tmp_path, "--journey", "sign-up", "--policy", "B2C_1A_signup_signin", FACEBOOK_SECRET="not-a-real-secret",
                                E2E_STACK_POLICIES=str(policies), E2E_STACK_POLICY_KEYS="B2C_1A_FacebookSecret=env:FACEBOOK_SECRET")
    facts = json.loads(bundle.read("repro.json"))
    assert status == 1 and facts["redirect"]["error"] and "B2C did not send the app an answer" not in out, out
    assert facts["aadb2c_codes"] == ["AADB2C90273"] and facts["mobile_id_errors"][0]["code"] == SCOPE_INVALID.code, facts
    assert facts["correlation_ids"], facts
    assert not any("mobile-id" in name for name in bundle.namelist()), bundle.namelist()  # no Mobile ID page was shown


def test_a_run_whose_reader_goes_away_still_writes_its_bundle(tmp_path: Path) -> None:
    """``python -m repro ... | head``: the reader stops after its lines (here before the first); the run goes on, writes
    its bundle, and leaves no work folder (unredacted trace and HAR) behind, nor a traceback. A cancel on the phone, as
    the suite expects one (status 0): a run that writes its lines and bundle without a waiting page, profile page or token."""
    running = subprocess.Popen([sys.executable, "-m", "repro", "--journey", "sign-up", "--outcome", "user-cancel", "--out", str(tmp_path)], cwd=ROOT,
                               env=command_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert running.stdout is not None
    running.stdout.close()
    _, said = running.communicate(timeout=240)
    assert running.returncode == 0 and "Traceback" not in said, said
    assert [path.suffix for path in tmp_path.iterdir()] == [".zip"], sorted(tmp_path.iterdir())


def test_a_silent_sign_in_is_reproduced_with_the_session_the_reporter_had(tmp_path: Path) -> None:
    """prompt=none asks B2C for the browser's session: the repro's browser signs in once first (a step of its own), or
    B2C could only answer AADB2C90077 and every silent sign-in would read as a reproduced bug."""
    status, out, bundle = repro(tmp_path, "--prompt", "none")
    assert status == 0 and "passed every check" in out, out
    steps = [step["step"] for step in json.loads(bundle.read("timings.json"))["steps"]]
    assert steps[0].startswith("set-up: signed in once in this browser"), steps
    assert "prompt=none" in json.loads(bundle.read("repro.json"))["authorize_url"]
    # B2C answered without a page: no correlation ID, and the sign-in page in the trace is the set-up's, not the reported one's
    assert "B2C correlation IDs: none (B2C showed this journey no page of its own (prompt=none" in out, out
    # nor any Mobile ID transaction: the set-up sign-in's is not the silent journey's
    assert "Mobile ID: no error\n" in out and not json.loads(bundle.read("repro.json"))["mobile_id_transactions"], out


def test_a_returning_user_that_cannot_be_signed_up_is_said_plainly(tmp_path: Path) -> None:
    """The sign-in's hidden set-up (a sign-up) meets the bug: the reported journey never ran, and the report says so."""
    status, out, bundle = repro(tmp_path, "--journey", "sign-in", E2E_STACK_FAULTS="wrong-audience")
    assert status == 3, f"a journey whose set-up failed reproduces nothing, and its bundle says where:\n{out}"
    summary = out[out.rindex("\nsign-in through "):]  # after the journey's pytest output
    assert "The returning user could not be signed up first: ID token aud is" in summary and "did not run" in summary
    assert "None" not in summary and "sent the app" not in summary, summary
    facts = json.loads(bundle.read("repro.json"))
    assert facts["result"] == "set-up failed" and (facts["journey"], facts["outcome"]) == ("sign-in", "approve")
    assert set(readme_files(bundle)) >= {"repro.json", "screenshots/"} and not {"trace.zip", "timings.json"} & set(readme_files(bundle)), \
        facts.get("screenshots_missed")  # why the set-up's picture is missing, where it is
    assert "screenshots/01-set-up-sign-up-stopped-here.png" in bundle.namelist()


def test_b2c_error_page_after_mobile_id_is_recorded(tmp_path: Path) -> None:
    """B2C's error page after the phone approved (its transaction cookie did not survive Mobile ID's cross-site post):
    its code and correlation ID are kept."""
    status, out, bundle = repro(tmp_path, "--journey", "sign-up", "--policy", "B2C_1A_signup_signin", E2E_STACK_FAULTS="lax-session-cookie")
    assert status == 1, out
    facts = json.loads(bundle.read("repro.json"))
    assert facts["aadb2c_codes"] == ["AADB2C90255"] and GUID.fullmatch(facts["b2c_error_page"]["correlation_id"])
    assert facts["correlation_ids"] == [facts["b2c_error_page"]["correlation_id"]]
    assert "AADB2C codes: AADB2C90255" in out and f"B2C correlation IDs: {facts['correlation_ids'][0]}" in out
    assert any(name.endswith("-b2c-error-page.png") for name in bundle.namelist())
    # filed under its cause, the cookies Mobile ID's cross-site post did not bring back, which the words name
    assert facts["cause"] == "broken promise", facts["cause"]
    assert "x-ms-cpim-trans (SameSite=Lax, Secure=True)" in out and "did not send them with Mobile ID's cross-site post" in out, out


def test_a_tenant_that_cannot_be_reached_is_not_a_reproduced_failure(tmp_path: Path) -> None:
    """The machine or the network stopping the journey (here a host name that never resolves, RFC 2606) reproduces
    nothing: exit 5 and words that say so, not exit 1's "NOT as the suite expects"; the bundle shows where it stopped."""
    unreachable = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_DOMAIN": "b2c.example.invalid", "E2E_PREFLIGHT": "off",
                   "B2C_POLICIES": "B2C_1A_signup_signin", "B2C_CLIENT_ID": "11111111-2222-3333-4444-555555555555",
                   "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}
    status, out, bundle = repro(tmp_path, "--journey", "sign-in", **unreachable)
    assert status == 5, out
    assert "The machine or the network stopped the journey: " in out and "So nothing was reproduced" in out, out
    assert "NOT as the suite expects" not in out and "b2c.example.invalid" in out, out
    facts = json.loads(bundle.read("repro.json"))
    assert (facts["result"], facts["cause"]) == ("stopped by infrastructure", "infrastructure"), facts


def test_a_run_that_does_not_happen_leaves_no_folder_behind(tmp_path: Path) -> None:
    out = tmp_path / "bundles"
    nowhere = tmp_path / "no-browsers"  # Playwright finds no browser here: firefox is certainly not installed
    nowhere.mkdir()
    done = run_repro(out, "--browser", "firefox", PLAYWRIGHT_BROWSERS_PATH=str(nowhere))
    assert done.returncode == 2 and "no bundle was written" in done.stderr and "firefox is not installed" in done.stderr, done
    assert not out.exists(), f"left behind: {sorted(p.name for p in out.iterdir())}"


def test_a_browser_server_that_does_not_answer_is_the_networks_exit_without_a_bundle(tmp_path: Path) -> None:
    """The run stops before the journey for the network alone: exit 5, try again later, not 2's "fix a setting"; and no
    bundle, as the journey never ran."""
    out = tmp_path / "bundles"
    with socket.socket() as closed:  # bound, never listening: a connection to it is refused
        closed.bind(("127.0.0.1", 0))
        done = run_repro(out, E2E_BROWSER_WS_ENDPOINT=f"ws://127.0.0.1:{closed.getsockname()[1]}/")
    assert done.returncode == 5, done
    assert "no bundle was written: E2E_BROWSER_WS_ENDPOINT" in done.stderr and "nothing answers there" in done.stderr, done.stderr
    assert not out.exists(), f"left behind: {sorted(p.name for p in out.iterdir())}"


def start_silent_phone_run(out: Path, **env: str) -> tuple[subprocess.Popen[str], list[str]]:
    """``--outcome timeout``, started; its output read until it says it waits for Mobile ID (which then takes 80 s)."""
    process = subprocess.Popen([sys.executable, "-m", "repro", "--journey", "sign-up", "--outcome", "timeout", "--out", str(out)],
                               cwd=ROOT, env=command_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []  # stdout; stderr stays apart: the test reads the interrupted run's one line there
    try:
        read_until(output_lines(process), time.monotonic() + 90, lambda line: line.startswith("repro: waiting up to"), seen)
    except (TimeoutError, EOFError) as error:
        stop_run(process)
        how = "ended without saying" if isinstance(error, EOFError) else "did not say within 90 s"
        errors = process.stderr.read() if process.stderr else ""
        raise AssertionError(f"the run {how} it waits for Mobile ID:\n" + "\n".join(seen) + f"\n{errors}") from None
    return process, seen


def journeys_running(out: Path) -> list[str]:
    """Command lines of processes still working in ``out`` (the journey's pytest names its work folder)."""
    running = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(str(out).encode() in word for word in words):
            running.append(b" ".join(words).decode(errors="replace"))
    return running


def started_by(pid: int) -> dict[int, str]:
    """What process ``pid`` started, and what those started, down the tree: pid -> command line. The browsers are in it:
    Playwright starts each in a process group (and session) of its own, but as a child of its driver."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        children.setdefault(int(text[text.rindex(")") + 2:].split()[1]), []).append(int(stat.parent.name))
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        with contextlib.suppress(OSError):
            found[child] = (Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            todo += children.get(child, [])
    return found


def test_a_silent_phone_says_it_waits_and_ctrl_c_then_stops_the_journey_and_removes_its_work_folder(tmp_path: Path) -> None:
    """Before the long wait the run says it waits; Ctrl-C during it (the trace and HAR, unredacted, being written): one
    line, exit 130, nothing left behind, the stack's folder (its keys, a client secret) and Playwright's driver's files
    included (all in the run's own temp folder: a pytest slow to stop is ended by SIGTERM, and its driver exits with no
    clean-up of its own). One run for both: each would start the same silent
    phone's journey. What a repro killed outright left in the folder (its unredacted evidence, a half-zipped bundle) goes
    as the run starts; the run's own work folder is held alive meanwhile (fixtures/alive.py)."""
    out, temporary = tmp_path / "out", tmp_path / "tmp"
    temporary.mkdir()
    dead = out / "repro-20261130-101010-killed00"
    killed(run_holding(dead))
    (dead / "evidence").mkdir()
    (out / f"{dead.name}.zip.partial").write_bytes(b"PK")
    process, seen = start_silent_phone_run(out, TMPDIR=str(temporary))
    try:
        assert seen[-1].strip() == "repro: waiting up to 100 s for Mobile ID to give up, as the reporter's phone did"
        assert f"repro: removed what 1 repro run(s) killed outright left in {out}: {dead.name}" in seen, seen
        assert any(out.glob("repro-*/evidence")), "the run should be writing its work folder"
        [work] = [folder for folder in out.iterdir() if folder.is_dir()]
        assert (work / ALIVE_FILE).is_file() and remove_dead(out, WORK_PREFIX) == [] and work.is_dir()  # held: left alone
        assert any(temporary.glob("e2e-repro-*/e2e-stack-*")), "the run's stack should keep its state in the run's own temp folder"
        started = started_by(process.pid)  # its pytest, the local stack, Playwright's driver, the browser and its helpers
        assert any("chrom" in command for command in started.values()), f"no browser among what the run started: {started}"
        with watched(started) as pidfds:
            process.send_signal(signal.SIGINT)  # as a terminal's Ctrl-C reaches the command
            assert process.wait(timeout=60) == 130
            err = process.stderr.read() if process.stderr else ""
            assert err.strip().splitlines() == ["repro: interrupted: the run was stopped and its work folder removed; no bundle was written"], err
            assert list(out.iterdir()) == [] and list(temporary.iterdir()) == []
            assert journeys_running(out) == [], "the journey's pytest outlived the command"
            # Browsers are not in pytest's process group (Playwright's driver ends them): a few seconds' grace after the command.
            assert not_ended_by(time.monotonic() + 10, pidfds) == [], "what the journey started outlived the command"
    finally:
        stop_run(process)


def stop_run(process: subprocess.Popen[str]) -> None:
    """A test that failed half-way ends the run as a person would (Ctrl-C: the command ends what it started), else for good."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        for pid in started_by(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait(timeout=10)
