"""A failing run, as a nightly run would have it: every failure has its cause, its evidence, and no raw token.

Two journeys of one policy against a stack with the ``wrong-audience`` fault, with ``make e2e``'s
artifact options: one fails in its body (sign-up), one in the ``returning_user`` fixture (sign-in),
which signs up in a browser of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fixtures.redaction import contains_secret
from tests.local_stack import LOCAL_STACK
from tests.suite_run import pytest_e2e, tail

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


def test_a_failing_run_names_each_cause_keeps_evidence_and_no_raw_token(tmp_path_factory: pytest.TempPathFactory) -> None:
    # One test, so xdist (make test) runs the journeys once, not once per worker that picks up a check.
    run = failing_run(tmp_path_factory)
    check_terminal(run)
    check_causes_and_evidence(run)
    check_environment(run)
    check_no_raw_token(run)


def failing_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    results = tmp_path_factory.mktemp("allure-results")
    env = {**os.environ, "E2E_STACK_FAULTS": "wrong-audience", "B2C_POLICIES": "B2C_1_signupsignin", "E2E_TARGET": "local"}
    command = [sys.executable, "-m", "pytest", "e2e/test_sign_up.py", "e2e/test_sign_in.py", "-n", "0", "-p", "no:cacheprovider",
               "--alluredir", str(results), "--tracing", "retain-on-failure", "--screenshot", "only-on-failure",
               "--output", str(tmp_path_factory.mktemp("test-results"))]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=170)
    return run, results


def results_of(directory: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in directory.glob("*-result.json")]


def check_terminal(failing_run) -> None:
    run, _ = failing_run
    assert run.returncode == 1, tail(run.stdout) + tail(run.stderr, 2000)
    summary = run.stdout.split("= causes =", 1)[1].split("short test summary", 1)[0]
    lines = [line for line in summary.splitlines() if " x " in line or " e2e/" in line]
    assert lines[0].startswith("2 x ID token contract: aud: expected '"), summary  # the cause, then its journeys
    assert len(lines) == 3 and all(line.startswith("    e2e/") for line in lines[1:]), summary
    assert "FAILED e2e/" not in run.stdout  # listed once, under its cause
    # Where the failed journeys' traces and screenshots are (--output, a folder outside the working one: said whole).
    # Only what the run kept: no videos without --video.
    assert re.search(r"^evidence: /\S+/test-results\d*/ \(traces and screenshots of the failed journeys\)$", run.stdout, re.M), \
        tail(run.stdout, 2000)
    assert "eyJ" not in run.stdout  # pytest prints argument values in tracebacks; the raw token is redacted


def check_causes_and_evidence(failing_run) -> None:
    _, directory = failing_run
    results = results_of(directory)
    assert sorted(r["status"] for r in results) == ["failed", "failed"]
    for result in results:
        labels = {label["name"]: label["value"] for label in result["labels"]}
        assert labels["cause"] == "ID token contract"
        assert labels["cause_detail"].startswith("aud: expected '") and "got '" in labels["cause_detail"]
        kinds = {(a["name"].split(": ", 1)[-1], a["type"]) for a in result["attachments"]}
        assert ("screenshot", "image/png") in kinds and ("page URL (without fragment)", "text/uri-list") in kinds
        assert any(t == "application/vnd.allure.playwright-trace" for _, t in kinds), kinds
        url = next(a for a in result["attachments"] if a["name"].endswith("page URL (without fragment)"))
        assert "#" not in (directory / url["source"]).read_text()


def check_environment(failing_run) -> None:
    _, directory = failing_run
    properties = dict(line.split("=", 1) for line in (directory / "environment.properties").read_text().splitlines())
    assert properties["stack_faults"] == "wrong-audience" and properties["browser"].startswith("chromium ")
    # A stack with faults fails journeys by design: the first row of the report's environment says so (the first screen
    # shows its first rows only)
    assert next(iter(properties)) == "stack_faults", list(properties)
    assert {"target", "tenant", "policies", "playwright", "commit"} <= properties.keys()
    assert (properties["client_id"], properties["mobileid_mode"], properties["workers"]) == (LOCAL_STACK.client_id, "emulator", "0")


def test_a_run_with_workers_writes_what_was_tested_browser_version_included(tmp_path: Path) -> None:
    """docs/suite.md, Reports: environment.properties is written by xdist's controller, which launches no browser: the
    browser's version comes from the worker that ran the journey (a quick one; one worker shows it as well as more)."""
    done = pytest_e2e("-k", "test_error_page_says_sign_in_failed and b2c_1_signupsignin", "-n", "1", f"--alluredir={tmp_path}")
    assert done.returncode == 0 and "1 passed" in done.stdout, tail(done.stdout + done.stderr)
    properties = dict(line.split("=", 1) for line in (tmp_path / "environment.properties").read_text().splitlines())
    assert re.fullmatch(r"chromium \d+(\.\d+)+", properties["browser"]), properties
    assert (properties["workers"], properties["client_id"], properties["mobileid_mode"]) == ("1", LOCAL_STACK.client_id, "emulator"), properties
    assert (properties["target"], properties["tenant"]) == ("local", LOCAL_STACK.tenant), properties
    assert {"policies", "stack_faults", "stack_policies", "playwright", "commit"} <= properties.keys(), properties
    assert next(iter(properties)) == "target", list(properties)  # without faults the stack's row is not put first


def check_no_raw_token(failing_run) -> None:
    _, directory = failing_run
    found = []
    for path in directory.iterdir():
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as trace:
                members = [trace.read(name) for name in trace.namelist()]
        else:
            members = [path.read_bytes()]
        for data in members:
            found += [f"{path.name}: {kind}" for kind in contains_secret(data.decode("utf-8", "replace"))]
    traces = list(directory.glob("*.zip"))
    assert traces and not found, found
    # B2C's session cookies and the authorization codes (a live session's credentials) where a real journey's trace has
    # them: each value redacted, and there are some, so the check is not of an empty trace.
    network = b"\n".join(zipfile.ZipFile(path).read("trace.network") for path in traces)
    cookies = set(re.findall(rb'x-ms-cpim-[\w:.-]+=([^;\s"\\]*)', network))
    codes = set(re.findall(rb'"name":\s*"code",\s*"value":\s*"([^"]*)"', network))
    assert cookies == {b"<redacted>"} and codes == {b"<redacted>"}, (cookies, codes)
