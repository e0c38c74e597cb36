"""The bundle assembled from what a repro run left (no browser): its summary, its README's file list, tenant-mode masking."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from fixtures.causes import BROKEN_PROMISE, INFRASTRUCTURE, TIME_LIMIT_REACHED
from fixtures.redaction import PHONE, Redaction
from fixtures.settings import Settings, build_settings
from repro.bundle import LeakError, clean_copy, folders_shown, paths_shown, scan, sha1, zip_folder
from repro.cli import parser, replay_command
from repro.outcomes import NUMBER_LEFT_OUT, STOPPED_BY_INFRASTRUCTURE
from repro.report import FILES, assemble, identifiers, the_run, what_happened
from tests.local_stack import LOCAL_STACK
from tests.repro_command.bundles import Bundle
from tests.suite_run import ROOT

NUMBER = "+41791234567"
TENANT = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1A_signup_signin", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
          "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}
ARGS = {"journey": "sign-in", "outcome": "approve", "policy": None, "out": "repro-results"}


def work_folder(tmp_path: Path, facts: dict[str, Any], *, har: dict[str, Any] | None = None, trace: dict[str, str] | None = None) -> Path:
    """What a repro run leaves: evidence/repro.json, the output, and the HAR and trace if the journey got that far."""
    work = tmp_path / "work"
    (work / "evidence" / "screenshots").mkdir(parents=True)
    (work / "evidence" / "repro.json").write_text(json.dumps(facts))
    (work / "pytest-output.txt").write_text("1 failed in 2.00s\n")
    if har is not None:
        (work / "evidence" / "journey.har").write_text(json.dumps(har))
    if trace is not None:
        with zipfile.ZipFile(work / "evidence" / "trace.zip", "w") as members:
            for name, text in trace.items():
                members.writestr(name, text)
    return work


def add_video(work: Path) -> None:
    """A video as pytest-playwright's --output holds it (the repro copies it into the bundle as video.webm)."""
    (work / "playwright" / "test-repro").mkdir(parents=True)
    (work / "playwright" / "test-repro" / "0a1b2c.webm").write_bytes(b"\x1aE\xdf\xa3")


def bundle_of(work: Path, settings: Settings, replay: tuple[str, ...] = ("python", "-m", "repro")) -> tuple[zipfile.ZipFile, str]:
    bundle, summary = assemble(work, work.parent / "bundle.zip", settings=settings, replay=list(replay), video=True, args=ARGS)
    return Bundle(bundle), summary


def listed_files(readme: str) -> list[str]:
    files = readme.split("Files:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in files.splitlines()]


def test_a_set_up_that_failed_is_said_plainly_and_the_readme_lists_only_what_is_there(tmp_path: Path) -> None:
    facts = {"journey": "sign-in", "policy": "B2C_1_signupsignin", "outcome": "approve", "outcome_words": "the phone approves",
             "set_up_failure": "the returning user could not be signed up first: ID token aud is 'x', expected client id 'y'",
             "result": "set-up failed", "failure": "JourneyFailure: ID token aud is 'x'", "steps": [], "screenshots": []}
    bundle, summary = bundle_of(work_folder(tmp_path, facts), build_settings({}, LOCAL_STACK))
    assert "The returning user could not be signed up first: ID token aud is 'x'" in summary
    assert "did not run" in summary and "sent the app" not in summary and "None" not in summary, summary
    assert "AADB2C codes" not in summary and "correlation IDs" not in summary, summary  # the reported journey's: it never ran
    listed = listed_files(bundle.read("README.txt").decode())
    assert listed == ["repro.json", "settings.json", "versions.json", "pytest-output.txt", "README.txt"]  # no empty timings
    assert all(name.rstrip("/") in "\n".join(bundle.namelist()) for name in listed)


def test_the_readme_names_each_file_the_bundle_has(tmp_path: Path) -> None:
    work = work_folder(tmp_path, {"result": "passed"}, har={"log": {"entries": []}}, trace={"trace.trace": "{}"})
    (work / "evidence" / "screenshots" / "01-b2c-sign-in-page.png").write_bytes(b"\x89PNG")
    bundle = bundle_of(work, build_settings({}, LOCAL_STACK))[0]
    listed = listed_files(bundle.read("README.txt").decode())
    assert {"trace.zip", "journey.har", "screenshots/"} <= set(listed) and "claims.json" not in listed and "video.webm" not in listed
    # Every member is one the README lists (by the name FILES shows it under): nothing in the bundle goes unexplained.
    shown_as = {member: next((shown for pattern, shown, _ in FILES if fnmatch(member, pattern)), member) for member in bundle.namelist()}
    assert {member for member, shown in shown_as.items() if shown not in listed} == set(), listed


def test_the_video_is_bundled_under_the_name_the_readme_gives_it(tmp_path: Path) -> None:
    work = work_folder(tmp_path, {"result": "passed"})
    (work / "playwright" / "test-repro").mkdir(parents=True)
    (work / "playwright" / "test-repro" / "0f3c9a1e2b.webm").write_bytes(b"\x1aE\xdf\xa3")  # Playwright names it by a hash
    bundle = bundle_of(work, build_settings({}, LOCAL_STACK))[0]
    assert "video.webm" in bundle.namelist() and "video.webm" in listed_files(bundle.read("README.txt").decode())


@pytest.mark.parametrize("facts", [{}, {"result": "failed", "failure": "AssertionError"}, {"mobile_id_errors": [{"code": "mid_auth_3010", "trace": None}]}])
def test_the_summary_never_says_none(facts: dict[str, Any]) -> None:
    assert "None" not in "\n".join([what_happened(facts), *identifiers(facts)])


def test_no_correlation_id_says_where_one_would_have_been() -> None:
    [line] = [line for line in identifiers({"result": "failed"}) if line.startswith("B2C correlation IDs")]
    assert "CorrelationId: <guid>' comment at the top of B2C's page source" in line and "trace" in line


@pytest.mark.parametrize(("asked", "why"), [
    ({"prompt": "none"}, "(prompt=none: it answered from the browser's session; the sign-in page in the trace is the set-up sign-in's, an earlier request)"),
    ({"domain_hint": "mobileid.ch"}, "(domain_hint=mobileid.ch sent the browser straight to Mobile ID)"),
])
def test_no_correlation_id_of_a_journey_b2c_showed_no_page_says_why_and_where_else_it_is(asked: dict[str, str], why: str) -> None:
    """A silent sign-in and a sign-in domain_hint sends straight to Mobile ID: B2C shows no page of its own, so "look in
    the source of B2C's first page" sent the reader to a page that is not there (or to the set-up's, another request)."""
    steps = [{"step": name} for name in ("authorize request sent", "Mobile ID number page", "B2C redirected to the app")]
    [line] = [line for line in identifiers({"result": "passed", "authorize_params": asked, "steps": steps})
              if line.startswith("B2C correlation IDs")]
    assert line.startswith("B2C correlation IDs: none (B2C showed this journey no page of its own " + why), line
    assert "'Correlation ID: <guid>' in error_description" in line and "{Context:CorrelationId}" in line
    assert "look in the source of B2C's first page" not in line
    # A B2C page the journey did see (a sign-up's profile page) is still where to look
    [line] = [line for line in identifiers({"result": "failed", "authorize_params": asked, "steps": [*steps, {"step": "B2C profile page"}]})
              if line.startswith("B2C correlation IDs")]
    assert "look in the source of B2C's first page" in line


def test_the_summary_says_b2c_showed_no_page_from_the_journeys_steps(tmp_path: Path) -> None:
    """The steps go to timings.json when the bundle is made: the summary still reads them."""
    steps = [{"step": "authorize request sent", "at_s": 0.1, "url": ""}, {"step": "B2C redirected to the app", "at_s": 1.0, "url": ""}]
    work = work_folder(tmp_path, {"result": "passed", "authorize_params": {"prompt": "none"}, "steps": steps})
    bundle, summary = bundle_of(work, build_settings({}, LOCAL_STACK))
    assert "B2C correlation IDs: none (B2C showed this journey no page of its own (prompt=none" in summary, summary
    assert "no page of its own (prompt=none" in bundle.read("README.txt").decode()


def test_a_journey_that_ran_says_what_was_asked_for_even_if_it_noted_nothing(tmp_path: Path) -> None:
    _, summary = bundle_of(work_folder(tmp_path, {"result": "failed", "failure": "AssertionError: stuck"}), build_settings({}, LOCAL_STACK))
    assert summary.startswith("sign-in through B2C_1_signupsignin, phone outcome approve (the phone approves).\n"), summary
    assert "None" not in summary


def test_the_readme_says_why_a_picture_is_missing_and_settings_json_has_the_arguments_but_no_local_path(tmp_path: Path) -> None:
    """No video (no ffmpeg) and a trace without frames (a silent phone) are said where the reader looks for them; the
    repro's arguments are in settings.json, but not the reporter's HAR's path (a home folder, a user name) nor --out."""
    facts = {"journey": "sign-in", "policy": "B2C_1_signupsignin", "outcome": "timeout", "result": "failed", "trace_frames": False}
    args = {**ARGS, "outcome": "timeout", "from_har": "/home/alice/Downloads/user.har", "run": True, "slowmo": 0, "device": "Pixel 7"}
    bundle, summary = assemble(work_folder(tmp_path, facts), tmp_path / "bundle.zip", settings=build_settings({}, LOCAL_STACK),
                               replay=["python", "-m", "repro"], video=False, args=args)
    readme = Bundle(bundle).read("README.txt").decode()
    for said in ("No video: Playwright has no ffmpeg to record with", "The trace has no screencast frames: a silent phone"):
        assert said in readme and said in summary, readme
    used = json.loads(Bundle(bundle).read("settings.json"))
    assert (used["repro.outcome"], used["repro.device"]) == ("timeout", "Pixel 7"), used
    assert not {"repro.from_har", "repro.out", "repro.run", "repro.slowmo"} & set(used) and "alice" not in json.dumps(used), used


def test_a_local_run_with_faults_or_its_own_policies_says_so_where_one_reads_first(tmp_path: Path) -> None:
    """A fault's failure reads as B2C's own (no name claim blames the user flow's Application claims): the summary and the
    README's "What happened" name the faults switched on and the policy folder served; a plain run says neither."""
    folder = tmp_path / "edited-policies"
    folder.mkdir()
    facts = {"result": "failed", "failure": "ID token has no name claim"}
    settings = build_settings({"E2E_STACK_FAULTS": "name-claim-missing,slow-idp", "E2E_STACK_POLICIES": str(folder)}, LOCAL_STACK)
    bundle, summary = bundle_of(work_folder(tmp_path, facts), settings)
    story = bundle.read("README.txt").decode().split("What happened:\n", 1)[1].split("\n\n", 1)[0]
    for text in (summary, story):
        assert "ran with the faults (E2E_STACK_FAULTS) name-claim-missing: B2C ID tokens leave out the name claim; slow-idp:" in text, text
        assert "served the custom policies of <path to edited-policies> (E2E_STACK_POLICIES)" in text, text
    _, plain = bundle_of(work_folder(tmp_path / "plain", facts), build_settings({}, LOCAL_STACK))
    assert "E2E_STACK" not in plain, plain
    _, named = bundle_of(work_folder(tmp_path / "named", facts), build_settings({"E2E_STACK_POLICIES": "policies"}, LOCAL_STACK))
    assert "E2E_STACK_POLICIES" not in named, named  # the suite's own folder, named: nothing of one's own to say


def test_a_long_wait_at_mobile_ids_waiting_page_is_said_with_what_ended_it(tmp_path: Path) -> None:
    """ "It stays on 'check your phone' for ever": the summary says how long the waiting page stayed and what came next
    (timings.json alone had it); a phone that answers at once adds no line; a journey that ended there says so."""
    def steps(*names_at: tuple[str, float]) -> list[dict[str, Any]]:
        return [{"step": name, "at_s": at, "url": ""} for name, at in names_at]
    waited = {"result": "passed",
              "steps": steps(("B2C sign-in page", 3.2), ("Mobile ID waiting for the phone", 4.9), ("B2C redirected to the app", 84.2))}
    bundle, summary = bundle_of(work_folder(tmp_path, waited), build_settings({}, LOCAL_STACK))
    said = "The browser stayed 79 s on Mobile ID's waiting page (\"check your phone\"), until: B2C redirected to the app."
    assert said in summary and said in bundle.read("README.txt").decode() and "fb-s3cr3t-value" not in summary, summary
    # Said from 10 s on (what the commit and README call long), not below.
    at_once = {**waited, "steps": steps(("Mobile ID waiting for the phone", 4.9), ("B2C redirected to the app", 14.8))}
    assert "waiting page" not in bundle_of(work_folder(tmp_path / "at-once", at_once), build_settings({}, LOCAL_STACK))[1]
    just_long = {**waited, "steps": steps(("Mobile ID waiting for the phone", 4.9), ("B2C redirected to the app", 15.0))}
    assert "stayed 10 s on Mobile ID's waiting page" in bundle_of(work_folder(tmp_path / "just-long", just_long),
                                                                   build_settings({}, LOCAL_STACK))[1]
    stuck = {**waited, "result": "failed", "steps": steps(("Mobile ID waiting for the phone", 4.9))}
    assert "still on Mobile ID's waiting page" in bundle_of(work_folder(tmp_path / "stuck", stuck), build_settings({}, LOCAL_STACK))[1]


def test_a_policy_folder_outside_the_suite_is_shown_as_the_replay_shows_it_not_by_this_machines_path(tmp_path: Path) -> None:
    """settings.json and repro.json's settings (the journey's copy) give E2E_STACK_POLICIES as the replay command does
    (``<path to name>``), not /home/alice/...: no home folder, no user name in a bundle."""
    folder = tmp_path / "alice" / "edited-policies"
    folder.mkdir(parents=True)
    settings = build_settings({"E2E_STACK_POLICIES": str(folder)}, LOCAL_STACK)
    bundle = bundle_of(work_folder(tmp_path, {"result": "failed", "settings": settings.describe()}), settings)[0]
    for member in ("settings.json", "repro.json", "README.txt"):
        assert "alice" not in bundle.read(member).decode(), member
    assert json.loads(bundle.read("settings.json"))["stack_policies"] == "<path to edited-policies>"
    assert json.loads(bundle.read("repro.json"))["settings"]["stack_policies"] == "<path to edited-policies>"


def test_a_tenants_policy_files_outside_the_suite_are_shown_as_a_placeholder_not_by_this_machines_path(tmp_path: Path) -> None:
    """repro/report.py ``described``: in tenant mode B2C_POLICY_FILES (a team's folder, the texts' source) is shown in
    settings.json and repro.json's settings as ``<path to name>``, as E2E_STACK_POLICIES is locally: no home folder."""
    folder = tmp_path / "alice" / "fabrikam-policies"
    shutil.copytree(ROOT / "policies", folder)
    settings = build_settings({**TENANT, "B2C_POLICY_FILES": str(folder)}, LOCAL_STACK)
    assert settings.describe()["policy_files"] == str(folder)  # what the bundle must not show
    bundle = bundle_of(work_folder(tmp_path, {"result": "failed", "settings": settings.describe()}), settings)[0]
    assert json.loads(bundle.read("settings.json"))["policy_files"] == "<path to fabrikam-policies>"
    assert json.loads(bundle.read("repro.json"))["settings"]["policy_files"] == "<path to fabrikam-policies>"
    for member in ("settings.json", "repro.json", "README.txt"):
        assert "alice" not in bundle.read(member).decode(), member


def test_a_rerun_of_a_har_keeps_what_the_har_showed_beside_what_the_rerun_did(tmp_path: Path) -> None:
    reported = {"har": "user.har", "showed": ["policy: B2C_1A_signup_signin", "outcome: user-cancel"]}
    bundle, _ = assemble(work_folder(tmp_path, {"result": "failed"}), tmp_path / "bundle.zip", settings=build_settings({}, LOCAL_STACK),
                         replay=["python", "-m", "repro"], video=True, args=ARGS, reported=reported)
    readme = Bundle(bundle).read("README.txt").decode()
    assert "Reported: the HAR user.har showed (python -m repro --from-har):\n  policy: B2C_1A_signup_signin\n  outcome: user-cancel" in readme
    assert json.loads(Bundle(bundle).read("repro.json"))["reported"] == reported


def test_a_rerun_of_a_url_says_it_came_from_the_urls_address_beside_what_the_url_told(tmp_path: Path) -> None:
    address = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
    reported = {"url": address, "showed": ["policy            B2C_1A_signup_signin", "not in the URL    journey sign-in (default)"]}
    bundle, _ = assemble(work_folder(tmp_path, {"result": "failed"}), tmp_path / "bundle.zip", settings=build_settings({}, LOCAL_STACK),
                         replay=["python", "-m", "repro"], video=True, args=ARGS, reported=reported)
    readme = Bundle(bundle).read("README.txt").decode()
    assert f"Reported: the URL {address} told (python -m repro --from-url):\n  policy            B2C_1A_signup_signin\n" \
           "  not in the URL    journey sign-in (default)" in readme, readme
    assert json.loads(Bundle(bundle).read("repro.json"))["reported"] == reported


def test_a_token_that_passed_every_check_is_said_so() -> None:
    assert "B2C sent the app an ID token that passed every check." in what_happened({"result": "passed", "claims": {"sub": "1"}, "claims_verified": True})
    assert "B2C sent the app an ID token.\n" in what_happened({"result": "failed", "claims": {"sub": "1"}, "claims_verified": False})


def test_the_summary_says_which_engine_ran_an_emulated_device() -> None:
    """An iPhone emulated in Chromium has Safari's user agent but Chromium's engine: the summary says both."""
    facts = {"journey": "sign-in", "policy": "B2C_1_signupsignin", "versions": {"browser_engine": "chromium", "browser": "156.0"},
             "device": "iPhone 15"}
    assert the_run(facts) == "sign-in through B2C_1_signupsignin, in chromium 156.0 emulating iPhone 15."
    assert the_run({**facts, "device": None}) == "sign-in through B2C_1_signupsignin, in chromium 156.0."


def tenant_run(tmp_path: Path, settings: Settings, replay: tuple[str, ...] = ("python", "-m", "repro")) -> tuple[zipfile.ZipFile, str]:
    har = {"log": {"entries": [{
        "startedDateTime": "2026-11-28T10:00:00.000Z",
        "request": {"method": "POST", "url": "https://m.mobileid.ch/oidc/login", "headers": [],
                    "postData": {"text": f"msisdn=%2B{NUMBER[1:]}", "params": [{"name": "msisdn", "value": NUMBER}]}},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": f"<p>We sent a request to {NUMBER}.</p>"}},
    }]}}
    facts = {"journey": "sign-up", "policy": "B2C_1A_signup_signin", "outcome": "approve", "result": "passed", "failure": None,
             "claims": {"idp": "mobileid.ch", "phone": "+41 79 123 45 67"}, "waiting_page_shows_number": True,
             "authorize_params": {"login_hint": NUMBER}, "steps": [{"step": "Mobile ID number page", "url": f"https://m.mobileid.ch/?n={NUMBER}"}]}
    work = work_folder(tmp_path, facts, har=har, trace={"trace.network": f'{{"msisdn": "{NUMBER}"}}', "resources/page.html": f"<b>{NUMBER}</b>"})
    (work / "pytest-output.txt").write_text(f"Sign in to Mobile ID with {NUMBER}\n")
    add_video(work)
    return bundle_of(work, settings, replay)


def text_members(bundle: zipfile.ZipFile) -> dict[str, str]:
    texts = {}
    for name in bundle.namelist():
        data = bundle.read(name)
        if data[:4] == b"PK\x03\x04":
            texts.update({f"{name}!/{k}": v for k, v in text_members(zipfile.ZipFile(io.BytesIO(data))).items()})
        elif not name.endswith((".png", ".webm")):
            texts[name] = data.decode()
    return texts


def test_tenant_mode_masks_the_phone_number_in_every_text_member(tmp_path: Path) -> None:
    bundle, summary = tenant_run(tmp_path, build_settings(TENANT))
    texts = text_members(bundle)
    assert {"journey.har", "claims.json", "repro.json", "timings.json", "pytest-output.txt", "trace.zip!/trace.network"} <= set(texts)
    assert {name: PHONE.findall(text) for name, text in texts.items() if PHONE.search(text)} == {}
    assert "+4179*****67" in texts["journey.har"] and "+4179*****67" in texts["claims.json"]
    readme = texts["README.txt"]
    assert "The video and the trace's frames are pictures of the pages as they were: they show the number typed into " \
           "Mobile ID's page and its waiting page's text." in readme
    assert NUMBER not in summary


@pytest.mark.parametrize("hint", ["+4915112345678", "+49 151 1234 5678"])
def test_a_tenant_bundle_leaves_out_a_login_hint_that_is_a_number_of_any_country(tmp_path: Path, hint: str) -> None:
    """The masking knows Swiss numbers by their shape: a German one given as --login-hint stood whole in README.txt's
    replay, settings.json, repro.json, journey.har and timings.json, beside the summary's "Phone numbers are masked"."""
    encoded = quote(hint, safe="")
    har = {"log": {"entries": [{
        "startedDateTime": "2026-11-28T10:00:00.000Z",
        "request": {"method": "GET", "url": f"https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/"
                                            f"authorize?login_hint={encoded}", "headers": [], "queryString": [{"name": "login_hint", "value": hint}]},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": f"<input value=\"{hint}\">"}},
    }]}}
    facts = {"journey": "sign-in", "policy": "B2C_1A_signup_signin", "outcome": "approve", "result": "passed", "failure": None,
             "authorize_params": {"login_hint": hint}, "steps": [{"step": "B2C's sign-in page", "url": f"https://fabrikam.b2clogin.com/?login_hint={encoded}"}]}
    work = work_folder(tmp_path, facts, har=har)
    (work / "pytest-output.txt").write_text(f"login_hint={hint} ({encoded})\n")
    settings = build_settings(TENANT)
    bundle, _ = assemble(work, tmp_path / "bundle.zip", settings=settings, replay=replay_command(parser().parse_args(["--login-hint", hint]), settings),
                         video=False, args={**ARGS, "login_hint": hint})
    texts = text_members(Bundle(bundle))
    assert {"journey.har", "repro.json", "pytest-output.txt", "README.txt"} <= set(texts)
    written = {hint, hint[1:], encoded, hint.replace(" ", ""), "".join(filter(str.isdigit, hint))}  # the number however written
    assert {name: [form for form in written if form in text] for name, text in texts.items() if any(form in text for form in written)} == {}


@pytest.mark.parametrize(("trace", "video", "said"), [
    (None, False, None),  # set-up failed: no trace, no video
    ({"trace.network": "{}"}, False, "The trace's frames are pictures of the pages as they were: they show the number typed into Mobile ID's page."),
    (None, True, "The video is a picture of the pages as they were: it shows the number typed into Mobile ID's page."),
])
def test_a_tenant_bundle_says_only_the_pictures_it_has_may_show_the_number(
        tmp_path: Path, trace: dict[str, str] | None, video: bool, said: str | None) -> None:
    """A run whose set-up failed left no video nor trace: its README spoke of both all the same."""
    work = work_folder(tmp_path, {"journey": "sign-in", "policy": "B2C_1_signupsignin", "result": "error"}, trace=trace)
    if video:
        add_video(work)
    bundle, _ = assemble(work, tmp_path / "bundle.zip", settings=build_settings(TENANT), replay=["python", "-m", "repro"], video=False, args=ARGS)
    readme = Bundle(bundle).read("README.txt").decode()
    assert "Phone numbers are masked in every text file" in readme, readme
    pictured = [line.split(" Look before", 1)[0] for line in readme.splitlines() if "of the pages as they were" in line]
    assert pictured == ([said] if said else []), pictured


def test_a_replay_without_its_login_hint_number_says_to_put_it_back(tmp_path: Path) -> None:
    """repro.cli.replay_command leaves a tenant's number out of --login-hint; the README says so next to the command."""
    replay = ("python", "-m", "repro", "--login-hint", NUMBER_LEFT_OUT)
    readme = text_members(tenant_run(tmp_path, build_settings(TENANT), replay)[0])["README.txt"]
    assert f"--login-hint '{NUMBER_LEFT_OUT}'" in readme
    assert f"The replay command's --login-hint was a phone number: it says {NUMBER_LEFT_OUT}; put the number back before replaying." in readme


def test_a_replay_value_the_bundle_redacts_stays_one_quoted_argument_said_to_be_put_back(tmp_path: Path) -> None:
    """A token given as --login-hint was redacted after the command was quoted: `--login-hint <redacted JWT>`, which a
    shell reads as redirections."""
    import shlex

    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl"
    readme = text_members(tenant_run(tmp_path, build_settings(TENANT), ("python", "-m", "repro", "--login-hint", token))[0])["README.txt"]
    replay = next(line for line in readme.splitlines() if line.startswith("  python -m repro"))
    assert shlex.split(replay) == ["python", "-m", "repro", "--login-hint", "<redacted JWT>"], replay
    assert token not in readme
    assert "The replay command had a value this bundle redacts (a token or a secret)" in readme, readme


def test_a_local_bundle_keeps_the_emulators_numbers(tmp_path: Path) -> None:
    texts = text_members(tenant_run(tmp_path, build_settings({}, LOCAL_STACK))[0])
    assert NUMBER in texts["journey.har"] and "masked" not in texts["README.txt"]


def test_a_tenant_bundle_with_a_number_left_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text(f"called {NUMBER}")
    with pytest.raises(LeakError, match="notes.txt: phone number"):
        zip_folder(tmp_path / "in", tmp_path / "out.zip", Redaction(mask_phones=True))
    assert zip_folder(tmp_path / "in", tmp_path / "out.zip", Redaction()).is_file()  # locally the numbers are the emulator's
    assert scan(tmp_path / "out.zip", phones=True) == ["out/notes.txt: phone number"]  # in the folder named as the zip


def test_a_secret_set_only_in_the_runs_environment_is_redacted_from_the_bundle(tmp_path: Path) -> None:
    """The run's environment includes .env, which this process's os.environ does not: the bundle redacts from the former."""
    secret = "only-in-dot-env-0123456789"
    work = work_folder(tmp_path, {"journey": "sign-in", "policy": "B2C_1_signupsignin", "outcome": "approve", "result": "passed"})
    (work / "pytest-output.txt").write_text(f"a client secret leaked into the output: {secret}\n")
    bundle, _ = assemble(work, tmp_path / "bundle.zip", settings=build_settings({}, LOCAL_STACK), replay=["python", "-m", "repro"],
                         video=False, args=ARGS, environ={"B2C_WEBAPP1_CLIENT_SECRET": secret})
    output = Bundle(bundle).read("pytest-output.txt").decode()
    assert secret not in output and "a client secret leaked into the output" in output


def test_a_journey_stopped_at_the_repros_time_limit_says_so_not_the_network() -> None:
    """pytest-timeout's failure is the runner's (retried as infrastructure by the suite), but in a repro it is the repro's
    own limit: a service that never answered, or --slowmo past it; "mend the way to B2C" sent the reader the wrong way."""
    from repro.cli import journey_limit, parser

    said = what_happened({"result": STOPPED_BY_INFRASTRUCTURE, "failure": "Failed: Timeout (>300.0s) from pytest-timeout."})
    assert "The journey reached the repro's time limit: Failed: Timeout (>300.0s)" in said and "network" not in said, said
    # As the suite says it again, with the page whose navigation never answered (fixtures/reporting.py timed_out_failure):
    # it said "The machine or the network stopped the journey", not the limit.
    held = (f"{TIME_LIMIT_REACHED} 300 s; the browser shows https://contoso.b2clogin.com/…/authorize, whose navigation to "
            "https://openid.mobileid.ch/authorize never answered")
    said = what_happened({"result": STOPPED_BY_INFRASTRUCTURE, "failure": held})
    assert f"The journey reached the repro's time limit: {held}\nSo nothing was reproduced" in said and "network stopped" not in said, said
    # A page whose script never yields is a finding of the page's (broken promise), not the limit's: reproduced, said so.
    hung = f"{TIME_LIMIT_REACHED} 300 s; the browser shows https://contoso.b2clogin.com/…, whose script never yields"
    assert what_happened({"result": "failed", "failure": hung}).endswith(f"This is NOT as the suite expects: {hung}")
    assert "the network" in what_happened({"result": STOPPED_BY_INFRASTRUCTURE, "failure": "net::ERR_CONNECTION_REFUSED"})
    assert (journey_limit(parser().parse_args([])), journey_limit(parser().parse_args(["--slowmo", "45000"]))) == (300, 4800)


@pytest.mark.parametrize(("cause", "result", "status"), [(BROKEN_PROMISE, "failed", 1), (INFRASTRUCTURE, STOPPED_BY_INFRASTRUCTURE, 5)],
                         ids=["its script never yields", "its navigation never answered"])
def test_a_journey_held_past_the_time_limit_is_reproduced_only_by_a_page_that_never_yields(
        tmp_path: Path, cause: str, result: str, status: int) -> None:
    """README: "exit 1, reproduced, when the page that held it is one whose script never yields". fixtures/reporting.py
    ``timed_out_failure`` gives the cause (tests/suite/test_hung_pages.py); from there the journey's result, the command's
    exit status and the summary's words follow it: a finding of the page's, or nothing reproduced."""
    from fixtures.repro import Evidence
    from repro.cli import exit_status_of

    held = f"{TIME_LIMIT_REACHED} 300 s; the browser shows https://contoso.b2clogin.com/…, which did not answer two looks"
    Evidence(tmp_path).write(held, cause=cause)
    facts = json.loads((tmp_path / "repro.json").read_text())
    assert (facts["result"], exit_status_of(facts["result"])) == (result, status), facts
    said = what_happened(facts)
    assert said.endswith(f"This is NOT as the suite expects: {held}") is (status == 1), said
    assert ("The journey reached the repro's time limit" in said) is (status == 5), said


@pytest.mark.parametrize(("asked", "shown", "said"), [("es", "en", True), ("de-CH", "de", False), ("es de", "de", False), ("", "en", False)],
                         ids=["a language the policy lacks", "the language asked", "one of those asked", "none asked"])
def test_a_b2c_page_in_a_language_ui_locales_did_not_ask_for_is_said(tmp_path: Path, asked: str, shown: str, said: bool) -> None:
    """`--language es` on a policy without Spanish: B2C showed English and the run ended "as the suite expects", the
    page's language only in repro.json, where the reporter's words are "the page is in English"."""
    facts = {"journey": "sign-in", "policy": "B2C_1A_signup_signin", "outcome": "approve", "result": "passed", "b2c_page_language": shown}
    bundle, summary = bundle_of(work_folder(tmp_path, facts), build_settings({"E2E_UI_LOCALES": asked}, LOCAL_STACK))
    line = f"B2C's page was in {shown}, not in a language ui_locales asked for ({asked}): B2C shows the policy's default language"
    assert (line in summary) is said and (line in bundle.read("README.txt").decode()) is said, summary


@pytest.mark.parametrize(("b2c", "mobile_id", "said"), [("de", "en", True), ("de-CH", "de", False), ("ja", "en", False), ("de", None, False)],
                         ids=["not passed on", "passed on", "a language Mobile ID lacks", "Mobile ID's page not reached"])
def test_a_mobile_id_page_in_another_language_than_b2cs_is_said(tmp_path: Path, b2c: str, mobile_id: str | None, said: bool) -> None:
    """`--language de` with B2C not passing the language on (the fault ui-locales-not-passed-on): Mobile ID's page was in
    English and the run ended "as the suite expects", the page's language only in repro.json."""
    facts = {"journey": "sign-in", "policy": "B2C_1A_signup_signin", "outcome": "approve", "result": "passed",
             "b2c_page_language": b2c, "mobile_id_page_language": mobile_id}
    bundle, summary = bundle_of(work_folder(tmp_path, facts), build_settings({"E2E_UI_LOCALES": b2c}, LOCAL_STACK))
    line = f"Mobile ID's page was in {mobile_id}, where B2C's page was in {b2c}: B2C passes its page's language on to Mobile ID"
    assert (line in summary) is said and (line in bundle.read("README.txt").decode()) is said, summary


@pytest.mark.parametrize("b2c_said", [False, True], ids=["B2C dropped it", "B2C passed it on"])
def test_mobile_ids_error_b2c_did_not_pass_on_is_said_from_the_journeys_har(tmp_path: Path, b2c_said: bool) -> None:
    """The fault idp-error-swallowed: Mobile ID posted access_denied with its code to B2C, which showed its sign-in page
    again; "Mobile ID: no error" said the opposite of the bundle's own HAR. Where B2C's words had the code, they say it."""
    from tests.repro_command.test_har_parsing import entry, har

    tenant = "https://contoso.b2clogin.com/contoso.onmicrosoft.com"
    journey = har(entry(f"{tenant}/b2c_1_signupsignin/oauth2/v2.0/authorize?client_id=c&redirect_uri=https%3A%2F%2Fjwt.ms&nonce=n",
                        content={"mimeType": "text/html", "text": "<html></html>"}),
                  entry(f"{tenant}/oauth2/authresp", method="POST", second=5, status=200,
                        form="error=access_denied&error_description=mid_auth_3010_YPZL70XY+-+Authentication+rejected+by+the+user&state=s"))
    facts: dict[str, Any] = {"journey": "sign-in", "policy": "B2C_1_signupsignin", "outcome": "user-cancel", "result": "failed"}
    if b2c_said:
        facts["mobile_id_errors"] = [{"code": "mid_auth_3010", "trace": "YPZL70XY"}]
    bundle, summary = bundle_of(work_folder(tmp_path, facts, har=journey), build_settings({}, LOCAL_STACK))
    said = ("Mobile ID: mid_auth_3010 (trace YPZL70XY)" if b2c_said else
            "Mobile ID: mid_auth_3010 (trace YPZL70XY) in its answer to B2C (journey.har), which B2C's words did not pass on")
    assert said in summary.splitlines() or any(line.startswith(said + ";") for line in summary.splitlines()), summary
    assert said in bundle.read("README.txt").decode()


@pytest.mark.parametrize("answer", ["a token", "an error"])
def test_the_readme_says_the_apps_page_shows_the_decoded_token_only_where_b2c_sent_one(tmp_path: Path, answer: str) -> None:
    """Its closing line told of the app's page showing the decoded token also where B2C sent the app an error, and no token."""
    facts: dict[str, Any] = {"journey": "sign-in", "policy": "B2C_1_signupsignin", "outcome": "user-cancel", "result": "passed"}
    if answer == "a token":
        facts |= {"claims": {"name": "+41791234567"}, "claims_verified": True}
    else:
        facts |= {"redirect": {"error": "access_denied", "error_description": "AADB2C90273: An invalid response was received"}}
    bundle, _ = bundle_of(work_folder(tmp_path, facts), build_settings({}, LOCAL_STACK))
    readme = bundle.read("README.txt").decode()
    assert ("the app's page (redirect URI) shows only the decoded token" in readme) is (answer == "a token"), readme
    assert readme.endswith("aw tokens, cookies, authorization codes and secrets are redacted in every file.\n"), readme


def test_a_policy_key_from_the_environment_is_said_to_be_set_before_the_replay(tmp_path: Path) -> None:
    """The replay line carries E2E_STACK_POLICY_KEYS=B2C_1A_FacebookSecret=env:FACEBOOK_SECRET, a variable's name and never
    its value: replayed where it is unset, the stack stopped at its start. The bundle says to set it, without its value."""
    facts = {"journey": "sign-in", "policy": "B2C_1A_signup_signin", "outcome": "approve", "result": "passed"}
    env = {"E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET", "FACEBOOK_SECRET": "fb-s3cr3t-value"}
    bundle, summary = bundle_of(work_folder(tmp_path, facts), build_settings(env, LOCAL_STACK))
    said = ("The replay command's E2E_STACK_POLICY_KEYS reads FACEBOOK_SECRET from the environment (its value is in no file of "
            "this bundle): set it as the run had it before replaying.")
    assert said in summary and said in bundle.read("README.txt").decode() and "fb-s3cr3t-value" not in summary, summary
    _, plain = bundle_of(work_folder(tmp_path / "plain", facts), build_settings({}, LOCAL_STACK))
    assert "E2E_STACK_POLICY_KEYS reads" not in plain


def test_policy_keys_are_read_as_the_stack_reads_them() -> None:
    """The note names the variables of the ``env`` keys only, whatever the name's prefix, as mocks/b2c/policy_keys reads them."""
    from repro.report import environment_variables

    keys = ("FacebookSecret=env:FACEBOOK_SECRET", "B2C_1A_Cert=file:cert.pfx", "B2C_1A_MobileIdSecret=env:MOBILEID_SECRET", "B2C_1A_a b=env:X")
    assert environment_variables(keys) == ["FACEBOOK_SECRET", "MOBILEID_SECRET"]


def test_b2cs_words_are_said_once_not_again_in_the_failure() -> None:
    """B2C's error page line quotes its message, and the journey's failure quoted it again: the summary said AADB2C90018's
    sentence twice in three lines. The journey's verdict of its own (e2e/test_repro.py) follows B2C's words instead."""
    detail = "AADB2C90018: The client ID 'abc' specified in the request is not registered in tenant 'contoso.onmicrosoft.com'."
    facts = {"result": "failed", "b2c_error_page": {"detail": detail, "correlation_id": "4d87f1cc-e8b7-4095-8ea7-1d8949a5a775"},
             "failure": f"B2C showed its error page instead of signing in: {detail!r} (correlation ID 4d87f1cc-e8b7-4095-8ea7-1d8949a5a775)",
             "verdict": "B2C showed its error page instead of signing in."}
    said = what_happened(facts)
    assert said.count("AADB2C90018") == 1 and said.endswith("This is NOT as the suite expects: B2C showed its error page instead of signing in."), said
    del facts["verdict"]  # a failure with no verdict of its own is said whole
    assert what_happened(facts).endswith(f"This is NOT as the suite expects: {facts['failure']}")


def test_the_bundles_versions_name_the_python_without_this_machines_home_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """versions.json named the interpreter by its path: /home/<user>/... on a laptop, in a bundle attached to a bug."""
    import sys

    from fixtures.repro import versions

    monkeypatch.setattr(sys, "executable", str(ROOT / ".venv" / "bin" / "python"))
    assert versions("chromium", "156")["executable"] == ".venv/bin/python"
    link = tmp_path / "checkout"  # the suite reached through a link (macOS's /tmp is one to /private/tmp)
    link.symlink_to(ROOT)
    monkeypatch.setattr(sys, "executable", str(link / ".venv" / "bin" / "python"))
    assert versions("chromium", "156")["executable"] == ".venv/bin/python"
    # Both: the checkout reached through a link, its .venv a link to another checkout's
    elsewhere = tmp_path / "other-checkout" / ".venv"
    elsewhere.mkdir(parents=True)
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / ".venv").symlink_to(elsewhere)
    monkeypatch.setattr("fixtures.repro.__file__", str(linked / "fixtures" / "repro.py"))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "to-linked" / ".venv" / "bin" / "python"))
    (tmp_path / "to-linked").symlink_to(linked)
    assert versions("chromium", "156")["executable"] == ".venv/bin/python"
    monkeypatch.setattr(sys, "executable", "/home/alice/venvs/b2c/bin/python")
    assert versions("chromium", "156")["executable"] == "<path to python>"


def test_the_traces_paths_are_shown_from_the_suite_and_the_home_folder_and_each_frame_keeps_its_source(tmp_path: Path) -> None:
    """A bundle shows no home folder, no user name (repro/paths.py): the trace's stacks named the checkout's folder
    (/home/<user>/...), and so did the driver's frames of an error's stack. Playwright's viewer finds a frame's source by the
    SHA-1 of its path, so each source member goes with its path."""
    home = tmp_path / "home" / "jdoe"
    suite = home / "work" / "b2c-suite"
    files = [f"{suite}/e2e/test_repro.py", f"{home}/.local/lib/python3.11/site-packages/x.py", "/usr/lib/python3.11/y.py"]
    frame = b"\xff\xd8\xff\xe0 a screencast frame " + str(suite).encode()  # not text: left as it is
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as out:
        out.writestr("trace.stacks", json.dumps({"files": files, "stacks": [["call@1", [[0, 18, 0, "test_repro"]]]]}))
        out.writestr("trace.trace", json.dumps({"type": "after", "error": {"stack": f"Error\n    at race ({suite}/.venv/lib/coreBundle.js:3850:25)"},
                                                "url": f"https://app.test{suite}/callback"}))  # a site's path like the suite's: its own
        out.writestr("resources/page.html", f"<p>{suite}/e2e</p>")  # a page's text, the site's own
        out.writestr("resources/frame.jpeg", frame)
        for number, file in enumerate(files):
            out.writestr(f"src/{sha1(file)}.py", f"# source {number}\n")
    clean_copy(trace, tmp_path / "bundled.zip", Redaction(), paths_shown(folders_shown([suite], home)))
    with zipfile.ZipFile(tmp_path / "bundled.zip") as bundled:
        shown = json.loads(bundled.read("trace.stacks"))["files"]
        assert shown == ["e2e/test_repro.py", "~/.local/lib/python3.11/site-packages/x.py", "/usr/lib/python3.11/y.py"]
        assert [bundled.read(f"src/{sha1(file)}.py").decode() for file in shown] == ["# source 0\n", "# source 1\n", "# source 2\n"]
        event = json.loads(bundled.read("trace.trace"))
        assert "at race (.venv/lib/coreBundle.js:3850:25)" in event["error"]["stack"] and event["url"] == f"https://app.test{suite}/callback"
        assert bundled.read("resources/frame.jpeg") == frame and bundled.read("resources/page.html").decode() == f"<p>{suite}/e2e</p>"


@pytest.mark.parametrize(("text", "shown"), [
    ('"/app/e2e/test_repro.py"', '"e2e/test_repro.py"'),
    ("at race (/app/.venv/lib/coreBundle.js:3850:25)", "at race (.venv/lib/coreBundle.js:3850:25)"),
    ('File "/root/.pyenv/versions/3.11.7/lib/python3.11/socket.py"', 'File "~/.pyenv/versions/3.11.7/lib/python3.11/socket.py"'),
    ("cwd=/root", "cwd=~"),  # the home folder itself
    ("cwd=/app", "cwd=."),
    ("http://localhost:3000/app/callback", "http://localhost:3000/app/callback"),  # a URL's path, not the suite's folder
    ("https://x.test/root/y", "https://x.test/root/y"),
    ("/srv/app/x /apple/x /root.d/x", "/srv/app/x /apple/x /root.d/x"),  # other folders, other names
])
def test_a_folder_of_this_machine_is_shown_only_where_a_path_of_it_stands(text: str, shown: str) -> None:
    """A container's suite at /app and home at /root: a plain replacement made http://localhost:3000/app/callback into
    http://localhost:3000callback."""
    assert folders_shown([Path("/app")], Path("/root"))(text) == shown


def test_pytests_output_in_the_bundle_names_no_folder_of_this_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A traceback's frames outside the suite (Python's own, installed in the home folder) are shown from ``~``, those in
    it from the suite's folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home" / "jdoe"))
    work = work_folder(tmp_path, {"result": "failed"})
    (work / "pytest-output.txt").write_text(f'  File "{tmp_path}/home/jdoe/.pyenv/versions/3.11.7/lib/python3.11/socket.py", line 851\n'
                                            f"{ROOT}/e2e/test_repro.py:82: in test_repro\n")
    output = bundle_of(work, build_settings({}, LOCAL_STACK))[0].read("pytest-output.txt").decode()
    assert output == '  File "~/.pyenv/versions/3.11.7/lib/python3.11/socket.py", line 851\ne2e/test_repro.py:82: in test_repro\n', output
