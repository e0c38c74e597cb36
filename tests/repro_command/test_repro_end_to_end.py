"""The repro command end to end against the local stack: the bundle, its contents, and no secret or raw token in it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from repro.bundle import load_har, scan
from repro.har import read_har
from tests.local_stack import LOCAL_STACK

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
# The local stack holds the web app's client secret; a control token exists only in tenant mode (a local run refuses
# MOBILEID_CONTROL_TOKEN), where fixtures.redaction.secret_values adds it to the same scan.
SECRETS = {"B2C_WEBAPP1_CLIENT_SECRET": "webapp-secret-for-the-leak-check"}


def repro(tmp_path: Path, *argv: str) -> tuple[int, str, zipfile.ZipFile]:
    # The command as a person runs it: not inside this pytest (or its xdist worker), local stack, known secrets to look for.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "B2C_POLICIES"}
    env.update({**SECRETS, "E2E_TARGET": "local"})
    done = subprocess.run([sys.executable, "-m", "repro", *argv, "--out", str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    lines = done.stdout.strip().splitlines()
    assert lines and lines[-1].startswith("bundle: "), f"no bundle line (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    bundle = Path(lines[-1].removeprefix("bundle: "))
    assert bundle.parent == tmp_path and bundle.suffix == ".zip"
    assert scan(bundle, SECRETS.values()) == [], "the bundle carries a secret or raw token"
    return done.returncode, done.stdout, zipfile.ZipFile(bundle)


def test_a_users_har_replays_to_the_same_mobile_id_failure(recorded_hars: dict[str, Path], tmp_path: Path) -> None:
    reported = read_har(load_har(recorded_hars["user-cancel"]), LOCAL_STACK.robots)
    status, out, bundle = repro(tmp_path, "--from-har", str(recorded_hars["user-cancel"]), "--run")
    assert status == 0, f"the rerun did not end as the suite expects for a cancel:\n{out}"
    facts = json.loads(bundle.read("repro.json"))
    assert facts["aadb2c_codes"] == reported.aadb2c_codes == ["AADB2C90273"]
    assert facts["mobile_id_errors"][0]["code"] == reported.mid_code == "mid_auth_3010"
    assert facts["correlation_ids"] and facts["outcome"] == "user-cancel"
    assert (facts["b2c_page_language"], facts["mobile_id_page_language"]) == ("de", "de")
    assert json.loads(bundle.read("settings.json"))["browser_locale"] == "de-CH"
    rerun = read_har(json.loads(bundle.read("journey.har")), LOCAL_STACK.robots)  # the bundle's own HAR reads back to the same failure
    assert (rerun.browser_locale, rerun.params["ui_locales"], rerun.mid_code, rerun.outcome) == ("de-CH", "de", "mid_auth_3010", "user-cancel")
    names = bundle.namelist()
    assert {"README.txt", "journey.har", "trace.zip", "timings.json", "versions.json"} <= set(names)
    # Mobile ID's number page at least (its waiting page only when the robot number answers after it painted).
    assert sum(n.startswith("screenshots/m.mobileid.ch") or "mobileid.ch" in n for n in names) >= 1, names
    readme = bundle.read("README.txt").decode()
    assert "python -m repro --journey sign-in --policy B2C_1A_signup_signin --target local" in readme and "--outcome user-cancel" in readme
    hops = json.loads(bundle.read("timings.json"))["hops"]
    assert any(h["path"].endswith("/oauth2/authresp") for h in hops) and all(h["time_ms"] >= 0 for h in hops)


def test_an_unregistered_redirect_uri_replays_to_the_same_b2c_error(recorded_hars: dict[str, Path], tmp_path: Path) -> None:
    status, out, bundle = repro(tmp_path, "--from-har", str(recorded_hars["unregistered-redirect-uri"]), "--run")
    assert status == 1, f"the rerun should fail on B2C's error page:\n{out}"
    facts = json.loads(bundle.read("repro.json"))
    assert facts["aadb2c_codes"] == ["AADB2C90006"] and facts["b2c_error_page"]["correlation_id"]
    assert "B2C showed its error page" in bundle.read("README.txt").decode()


def test_an_approved_sign_up_keeps_claims_but_no_raw_token(tmp_path: Path) -> None:
    status, out, bundle = repro(tmp_path, "--journey", "sign-up", "--policy", "B2C_1A_signup_signin", "--language", "fr")
    assert status == 0, out
    claims = json.loads(bundle.read("claims.json"))
    assert claims["idp"] == "mobileid.ch" and (claims.get("tfp") or claims.get("acr", "")).upper() == "B2C_1A_SIGNUP_SIGNIN"
    har = bundle.read("journey.har").decode()
    assert "<redacted JWT>" in har, "the HAR should have carried the ID token (B2C's redirect), redacted"
    # The trace id Mobile ID's waiting page showed, read from the page and from the HAR.
    facts = json.loads(bundle.read("repro.json"))
    assert re.fullmatch(r"[A-Z0-9]{8}", facts["mobile_id_transaction"]) and facts["mobile_id_transactions"] == [facts["mobile_id_transaction"]]
    versions = json.loads(bundle.read("versions.json"))
    assert versions["playwright"] and versions["browser"] and versions["python"]
    assert "B2C sent the app an ID token that passed every check" in out
