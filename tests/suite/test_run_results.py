"""What broke outside any journey still reaches the results (fixtures/run_results.py): a worker that crashed, a
file that does not import; and a results folder is emptied once per run, not again by each worker."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts import merge_results
from scripts.merge_results import journeys
from tests.suite_run import allure_results, labels, pytest_with_plugins, suite_env

ROOT = Path(__file__).resolve().parents[2]
CRASHING = '''
import os
import signal


def test_a_before():
    pass


def test_b_crashes_its_worker():
    os.kill(os.getpid(), signal.SIGKILL)


def test_c_after():
    pass
'''


def run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    done = pytest_with_plugins(tmp_path, ("xdist.plugin", "allure_pytest.plugin", "fixtures.reporting"), "--clean-alluredir", *args)
    return done, allure_results(tmp_path / "allure-results")



def test_a_worker_writes_infrastructure_typed_or_not_as_broken_and_a_finding_as_failed(tmp_path: Path) -> None:
    (tmp_path / "test_typed.py").write_text(
        "from fixtures.causes import Cause, JourneyFailure\n\n\n"
        "def test_stack_gone():\n    raise JourneyFailure('the stack went', cause=Cause('infrastructure', 'the stack went'))\n\n\n"
        "def test_wrong_audience():\n    raise JourneyFailure('aud', cause=Cause('ID token contract', 'aud: expected a, got b'))\n\n\n"
        # Untyped, its cause read from its words: pytest.fail (as pytest-timeout stops a journey) is "failed" to allure-pytest
        "def test_refused():\n    import pytest\n    pytest.fail('net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/x')\n")
    done, results = run(tmp_path, "-n", "1", str(tmp_path / "test_typed.py"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert {result["name"]: result["status"] for result in results} == {
        "test_stack_gone": "broken", "test_wrong_audience": "failed", "test_refused": "broken"}


def test_a_run_killed_on_the_way_still_names_what_it_tested(tmp_path: Path) -> None:
    """environment.properties (the report's environment, the nightly message's target) is written as the run starts, not
    only at its end: a shard killed at its time limit never reaches its end."""
    (tmp_path / "test_killed.py").write_text("import os, signal\n\n\ndef test_the_run_is_killed():\n    os.kill(os.getpid(), signal.SIGKILL)\n")
    done, _ = run(tmp_path, "-p", "no:randomly", str(tmp_path / "test_killed.py"))
    assert done.returncode == -9, done.stdout + done.stderr
    written = (tmp_path / "allure-results" / "environment.properties").read_text()
    assert "playwright=" in written and "commit=" in written, written


def test_a_crashed_worker_is_a_broken_result_and_the_results_before_it_stay(tmp_path: Path) -> None:
    (tmp_path / "test_crash.py").write_text(CRASHING)
    (tmp_path / "allure-results").mkdir()
    (tmp_path / "allure-results" / "old-result.json").write_text("{}")  # an earlier run's: emptied once, at the start
    done, results = run(tmp_path, "-n", "1", str(tmp_path / "test_crash.py"))
    assert done.returncode == 1, done.stdout + done.stderr
    by_name = {result["name"]: result for result in results}
    # The worker started anew after the crash did not empty the folder: the result written before it stays.
    assert {name: result["status"] for name, result in by_name.items()} == {
        "test_a_before": "passed", "test_b_crashes_its_worker": "broken", "test_c_after": "passed"}, done.stdout
    crash = labels(by_name["test_b_crashes_its_worker"])
    assert crash["cause"] == "infrastructure" and crash["cause_detail"].startswith("worker 'gw0' crashed"), crash
    assert "outside_journeys" not in crash  # a journey that ran (and crashed): counted as a journey
    assert "1 x infrastructure: worker 'gw0' crashed" in done.stdout, done.stdout  # the terminal's causes, as the report's
    assert not (tmp_path / "allure-results" / "old-result.json").exists()


def test_a_crashed_worker_is_infrastructure_on_the_terminal_without_allure_results(tmp_path: Path) -> None:
    """`pytest e2e -n 2` without --alluredir: the crash's cause was set only where Allure's results were written, and the
    terminal's causes said "1 x other" with no detail."""
    (tmp_path / "test_crash.py").write_text(CRASHING)
    done = pytest_with_plugins(tmp_path, ("xdist.plugin", "fixtures.reporting"), "-n", "1", str(tmp_path / "test_crash.py"),
                               results=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 x infrastructure: worker 'gw0' crashed (the process ended" in done.stdout, done.stdout
    assert "1 x other" not in done.stdout, done.stdout


EVIDENCE_THEN_CRASH = '''
import os
import signal
from pathlib import Path


def test_a_fails_with_evidence(pytestconfig):
    folder = Path(pytestconfig.getoption("--output")) / "a"
    folder.mkdir(parents=True)
    (folder / "test-failed-1.png").write_bytes(b"png")  # as pytest-playwright writes a failed test's screenshot
    assert False


def test_b_crashes_its_worker():
    os.kill(os.getpid(), signal.SIGKILL)


def test_c_after():
    pass
'''


def test_a_crashed_worker_leaves_the_evidence_of_the_journeys_before_it(tmp_path: Path) -> None:
    """pytest-playwright empties --output at each session start, a worker started anew after a crash too: the run's
    own process empties it once instead (fixtures/reporting.py), so the failed journey's screenshot stays."""
    (tmp_path / "test_evidence.py").write_text(EVIDENCE_THEN_CRASH)
    output = tmp_path / "evidence"
    (output / "from-an-earlier-run").mkdir(parents=True)
    done = pytest_with_plugins(tmp_path, ("xdist.plugin", "pytest_playwright.pytest_playwright", "allure_pytest.plugin", "fixtures.reporting"),
                               "-n", "1", "-p", "no:randomly", "--output", str(output), str(tmp_path / "test_evidence.py"))
    assert "worker 'gw0' crashed" in done.stdout and "2 failed, 1 passed" in done.stdout, done.stdout + done.stderr
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == ["a", "a/test-failed-1.png"], done.stdout


def test_the_emulator_and_suite_tests_leave_the_journeys_evidence_where_it_is(tmp_path: Path) -> None:
    """A run of the journeys empties its --output (./test-results/) as it starts; plain `pytest` (the fast tests) after a
    failed `make e2e` removed that run's traces and screenshots too."""
    output = tmp_path / "test-results"
    (output / "e2e-test-sign-in-py-a-failed-journey").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/test_common_keys.py", "-q", "-p", "no:cacheprovider", "-n", "0",
                           f"--output={output}"], cwd=ROOT, env=suite_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert output.is_dir() and [path.name for path in output.iterdir()] == ["e2e-test-sign-in-py-a-failed-journey"], (
        f"the fast tests' run emptied the journeys' evidence folder {output}")


def test_a_failed_fast_test_does_not_point_at_the_journeys_evidence(tmp_path: Path) -> None:
    """A failed plain `pytest` (the fast tests) after a failed `make e2e`: its summary named ./test-results/ as "traces ... of
    the failed journeys", the journeys' evidence that run neither made nor emptied, as if its own failure's."""
    output = tmp_path / "test-results"
    (output / "e2e-test-sign-in-py-a-failed-journey").mkdir(parents=True)
    (output / "e2e-test-sign-in-py-a-failed-journey" / "trace.zip").write_bytes(b"")
    (tmp_path / "failing_here.py").write_text("def pytest_runtest_call(item):\n    raise AssertionError('made to fail')\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/test_common_keys.py", "-q", "-p", "no:cacheprovider", "-n", "0",
                           "-p", "failing_here", f"--output={output}"], cwd=ROOT,
                          env={**suite_env(), "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "made to fail" in done.stdout, done.stdout + done.stderr
    assert "evidence:" not in done.stdout, done.stdout
    assert [path.name for path in output.iterdir()] == ["e2e-test-sign-in-py-a-failed-journey"]


# Its first attempt meets an infrastructure failure (rerun under --infra-reruns); the second ends its worker.
FAILING_THEN_CRASHING = '''
import os
import signal
from pathlib import Path

import pytest


@pytest.mark.parametrize("policy", ["B2C_1_signupsignin"], ids=["b2c_1_signupsignin"])
def test_crashes_on_its_rerun(policy):
    marker = Path(__file__).with_name("attempted")
    if not marker.exists():
        marker.write_text("1")
        raise RuntimeError("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/")
    os.kill(os.getpid(), signal.SIGKILL)
'''


def test_a_journey_that_crashes_on_its_rerun_is_one_journey_with_its_attempts(tmp_path: Path) -> None:
    """The crash's result takes the journey's own Allure history id: the report shows it as the journey's last attempt
    (and its history goes on), and the quality gate counts the journey once, not once per attempt."""
    (tmp_path / "test_rerun_crash.py").write_text(FAILING_THEN_CRASHING)
    done = pytest_with_plugins(tmp_path, ("xdist.plugin", "pytest_rerunfailures", "allure_pytest.plugin", "fixtures.reporting",
                                          "fixtures.retries"), "-n", "1", "--infra-reruns", "1", str(tmp_path / "test_rerun_crash.py"))
    assert done.returncode == 1, done.stdout + done.stderr
    results = allure_results(tmp_path / "allure-results")
    assert sorted(result["status"] for result in results) == ["broken", "broken"], done.stdout  # the attempt, the crash
    [attempt] = [result for result in results if "crashed" not in result["statusDetails"]["message"]]
    [crash] = [result for result in results if result is not attempt]
    assert labels(crash)["cause_detail"].startswith("worker 'gw0' crashed"), crash
    assert (crash["historyId"], crash["fullName"]) == (attempt["historyId"], attempt["fullName"]), (crash, attempt)
    [journey] = journeys(tmp_path / "allure-results").values()
    assert (journey.attempts, journey.status, journey.final["uuid"]) == (2, "broken", crash["uuid"])


# Its first attempt ends its worker; xdist starts another, and pytest-rerunfailures gives the journey its rerun there.
CRASHING_THEN_PASSING = '''
import os
import signal
from pathlib import Path


def test_crashes_then_passes():
    marker = Path(__file__).with_name("attempted")
    if not marker.exists():
        marker.write_text("1")
        os.kill(os.getpid(), signal.SIGKILL)
'''


def test_a_journey_that_passes_after_its_worker_crashed_is_flaky(tmp_path: Path) -> None:
    """The crashed attempt is a result of its own, the journey's: the merge marks the passing rerun flaky, as after any
    other infrastructure failure. Without it the report showed one clean pass and the crash nowhere."""
    (tmp_path / "test_crash_then_pass.py").write_text(CRASHING_THEN_PASSING)
    # xdist by its entry point's name: pytest-rerunfailures reruns a crashed test only where a plugin of that name is.
    done = pytest_with_plugins(tmp_path, ("xdist", "pytest_rerunfailures", "allure_pytest.plugin", "fixtures.reporting",
                                          "fixtures.retries"), "-n", "1", "--infra-reruns", "1", str(tmp_path / "test_crash_then_pass.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(result["status"] for result in allure_results(tmp_path / "allure-results")) == ["broken", "passed"], done.stdout
    [journey] = journeys(tmp_path / "allure-results").values()
    assert (journey.attempts, journey.status, journey.flaky) == (2, "passed", True)


A_SHARD = '''
import os
import signal
from pathlib import Path

import pytest


@pytest.mark.parametrize("policy", ["B2C_1_signupsignin", "B2C_1A_signup_signin"], ids=["b2c_1_signupsignin", "b2c_1a_signup_signin"])
def test_sign_in(policy):
    pass


@pytest.mark.skip(reason="webkit is not installed here")
def test_skipped():
    pass


def test_not_selected():
    pass


def test_the_list_is_there_before_any_journey_runs(pytestconfig):
    [listed] = Path(pytestconfig.getoption("allure_report_dir")).glob("collected-*.json")
    assert "test_shard.py::test_the_list_is_there_before_any_journey_runs" in listed.read_text()


def test_y_cut_short():  # as a step's time limit ends a shard: nothing of the run's own runs after it
    if os.environ.get("CUT_SHORT"):
        os.kill(os.getpid(), signal.SIGKILL)


def test_z_after():
    pass
'''


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_shard_lists_the_journeys_it_collected_as_the_merge_knows_them(tmp_path: Path, workers: str) -> None:
    """A shard killed half-way (its step's time limit) uploads the results of the journeys it finished: from its list,
    written as it collected them (once, under xdist too), the merge names the others (scripts/merge_results.py)."""
    (tmp_path / "test_shard.py").write_text(A_SHARD)
    plugins = ("xdist.plugin", "pytest_split.plugin", "allure_pytest.plugin", "fixtures.reporting")
    shard = ("--splits", "1", "--group", "1", "-k", "not not_selected", "-n", workers, str(tmp_path / "test_shard.py"))
    done = pytest_with_plugins(tmp_path, plugins, "--clean-alluredir", *shard)
    assert done.returncode == 0, done.stdout + done.stderr
    results = tmp_path / "allure-results"
    [listed] = [path.name for path in results.iterdir() if "collected" in path.name]  # one, and no half-written one beside it
    assert listed == "collected-shard-1-of-1.json" and len(json.loads((results / listed).read_text())["journeys"]) == 6
    merged = tmp_path / f"merged-{workers}"
    assert merge_results.main([str(results), "--into", str(merged)]) == 0
    # Its journeys as their results are keyed (a parameter, a skip): each has its result, so none is said to be missing.
    assert not [j.final["name"] for j in journeys(merged).values() if j.outside]
    assert len(journeys(merged)) == 6
    if workers == "2":
        return
    cut = pytest_with_plugins(tmp_path, plugins, "--clean-alluredir", *shard, env={"CUT_SHORT": "1"})
    assert cut.returncode == -9, cut.stdout + cut.stderr
    cut_short = tmp_path / "merged-cut-short"
    assert merge_results.main([str(results), "--into", str(cut_short)]) == 0
    [unfinished] = [j for j in journeys(cut_short).values() if j.outside]
    assert unfinished.final["name"] == "shard 1 of 1: 2 journeys without a result"
    assert [step["name"] for step in unfinished.final["steps"]] == ["test_shard.py::test_y_cut_short", "test_shard.py::test_z_after"]


def test_a_file_that_does_not_import_is_a_broken_result(tmp_path: Path) -> None:
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    (tmp_path / "test_broken.py").write_text("def test_broken(:\n    pass\n")
    done, results = run(tmp_path, "--continue-on-collection-errors", str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    [broken] = [result for result in results if result["status"] == "broken"]
    # why, in its name too: the report's name (PARTIAL (...)) and the night's message say the name
    assert broken["name"].startswith("test_broken.py: not collected (SyntaxError") and labels(broken)["outside_journeys"] == "true"
    assert labels(broken)["cause"] == "other"  # the suite's own file, not the product or the machine
    assert labels(broken)["cause_detail"].startswith("test_broken.py could not be collected: SyntaxError"), labels(broken)
    assert [result["name"] for result in results if result["status"] == "passed"] == ["test_fine"]


def test_the_results_line_names_make_report_only_outside_make(tmp_path: Path) -> None:
    """After a failure the causes end with where the results are and the command that renders them; not from make e2e or
    make smoke, which render the report right after (REPORT_RENDERED_NEXT): their report's line says where both are, and
    a person reads one `report:` line, not two."""
    (tmp_path / "test_red.py").write_text("def test_red():\n    assert False, 'ID token aud is wrong'\n")
    plain = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), env={"REPORT_RENDERED_NEXT": None})
    made = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), env={"REPORT_RENDERED_NEXT": "1"})
    results = tmp_path / "allure-results"
    assert f"report: results in {results}/ (`make report RESULTS_DIR={results}` renders the HTML report)" in plain.stdout, plain.stdout
    assert "1 x " in made.stdout and "report:" not in made.stdout, made.stdout


def test_the_evidence_folder_is_said_as_it_is_reached_from_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-playwright's --output is relative to where the run started, not to the suite: said from there, or whole."""
    from fixtures.reporting import from_here

    (tmp_path / "checkout").mkdir()
    monkeypatch.chdir(tmp_path / "checkout")
    assert from_here(Path("test-results")) == "test-results"
    assert from_here(tmp_path / "checkout" / "test-results") == "test-results"  # a whole path under it, said from it
    assert from_here(tmp_path / "elsewhere" / "test-results") == str(tmp_path / "elsewhere" / "test-results")


@pytest.mark.parametrize(("target", "tells"), [("e2e", True), ("smoke", True), ("test-journeys", False), ("shard", False)])
def test_only_the_targets_that_render_the_report_next_say_so(target: str, tells: bool) -> None:
    """make e2e and make smoke render the report after their run; the others (make test's, a CI shard's) do not."""
    venv = Path(sys.executable).parent.parent
    # make -n still runs a line that calls $(MAKE) (e2e's and smoke's do): its shell here is /bin/true, so nothing runs.
    planned = subprocess.run(["make", "-n", target, f"VENV={venv}", "SHELL=/bin/true"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    runs = [line for line in planned.stdout.splitlines() if " -m pytest e2e" in line]
    assert runs and all(("REPORT_RENDERED_NEXT=1" in line) is tells for line in runs), planned.stdout
    # Their pytest runs under the recipe's shell, which make told to stop ends, not it: it stops with its parent.
    assert all(("--stop-with-parent" in line) is tells for line in runs), planned.stdout


def config_of(xmlpath: str | None = None, worker: str | None = None, **options: object) -> Any:
    """A pytest config as fixtures/run_results.py reads it: ``options`` by name (getoption), --junitxml's path, pytest.ini's
    junit_suite_name, and whether it is an xdist ``worker``'s."""
    config = types.SimpleNamespace(getoption=lambda name, default=None: options.get(name, default),
                                   option=types.SimpleNamespace(xmlpath=xmlpath), getini=lambda name: "pytest")
    if worker is not None:
        config.workerinput = {"workerid": worker}
    return config


def test_a_shards_results_of_its_own_are_its_own_in_the_merged_results(tmp_path: Path) -> None:
    """Shards stopped for one reason (a setting every runner has): one result each, not one result tried four times."""
    from fixtures.causes import OTHER
    from fixtures.run_results import stopped_before_any_journey, write_stopped_result

    for group in (1, 2):
        config = config_of(group=group, allure_report_dir=str(tmp_path))
        stopped_before_any_journey(config, "suite settings", "suite settings: E2E_TARGET='bogus' is not valid", OTHER)
        write_stopped_result(config, tmp_path, "the run was stopped before its journeys ended (stopped by SIGTERM)")
    keys = sorted(result["historyId"] for result in allure_results(tmp_path))
    assert keys == ["run:stopped:shard-1", "run:stopped:shard-2", "suite settings:shard-1", "suite settings:shard-2"]


def test_why_a_run_stopped_before_its_journeys_is_redacted_wherever_it_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stack that did not start is said with its stderr whole, in the terminal, the JUnit XML and the report: a raw
    token or a secret of the environment in it is redacted as every other text a run leaves behind is."""
    from fixtures.causes import INFRASTRUCTURE
    from fixtures.run_results import stopped_before_any_journey

    secret, token = "s3cr3t-value-of-the-app-0123", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    monkeypatch.setenv("B2C_CLIENT_SECRET", secret)
    config = config_of(str(tmp_path / "junit.xml"), allure_report_dir=str(tmp_path / "results"))
    error = stopped_before_any_journey(config, "local stack", f"local stack: boom\nValueError: input_value='{secret}' {token}", INFRASTRUCTURE)
    [result] = allure_results(tmp_path / "results")  # the report's, written too
    written = [str(error), (tmp_path / "junit.xml").read_text(), json.dumps(result)]
    assert all("local stack: boom" in text and secret not in text and token not in text for text in written), written


def test_why_a_run_stopped_before_its_journeys_has_the_env_files_secrets_redacted_even_when_the_file_is_what_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings may not be read (a line of .env python-dotenv cannot parse stops them): .env's secrets are redacted
    all the same, from the lines that can be read, whether or not the environment has them too."""
    import fixtures.settings_plugin
    from fixtures.causes import OTHER
    from fixtures.run_results import stopped_before_any_journey

    secret, quoted = "envfile-client-secret-0123456789", "envfile-control-token-9876543210"
    env_file = tmp_path / ".env"
    env_file.write_text(f'B2C_CLIENT_SECRET={secret}\nMOBILEID_CONTROL_TOKEN="{quoted}"\nE2E_TARGET="tenant\n')
    monkeypatch.setattr(fixtures.settings_plugin, "ENV_FILE", env_file)
    monkeypatch.delenv("B2C_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("MOBILEID_CONTROL_TOKEN", raising=False)
    error = stopped_before_any_journey(config_of(), "local stack", f"local stack: boom with {secret} and {quoted}", OTHER)
    assert str(error) == "local stack: boom with <redacted> and <redacted>"


def test_a_stops_junit_xml_holds_any_stderr_as_valid_xml_where_pytest_would_write_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stack that did not start says so with its stderr, terminal colours and all: the file must still parse (Azure's
    PublishTestResults refuses it otherwise), at the path pytest's own writer would use (``~`` and ``$VAR`` expanded)."""
    from xml.etree import ElementTree

    from fixtures.causes import INFRASTRUCTURE, TENANT_CONFIGURATION
    from fixtures.run_results import write_junit_stopped

    monkeypatch.setenv("RESULTS_HERE", str(tmp_path))
    write_junit_stopped(config_of("$RESULTS_HERE/test-results/junit.xml"), [("local stack", "local stack: \x1b[31mboom\x1b[0m\x00", INFRASTRUCTURE),
                                 ("preflight: app", "the app is not registered\nfix: register it", TENANT_CONFIGURATION)])
    suite = ElementTree.parse(tmp_path / "test-results" / "junit.xml").getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("2", "1", "1")
    stack, preflight = suite.iter("testcase")
    assert stack.find("error") is not None and stack.find("error").get("message") == "local stack: #x1B[31mboom#x1B[0m#x00"  # type: ignore[union-attr]
    assert preflight.find("failure") is not None and preflight.find("failure").text == "the app is not registered\nfix: register it"  # type: ignore[union-attr]


@pytest.mark.parametrize("written", [None, "<testsuites><testsuite"], ids=["none written", "cut off"])
def test_a_stop_with_no_junit_xml_to_add_to_writes_one_of_its_own(tmp_path: Path, written: str | None) -> None:
    """The stop's case goes into pytest's JUnit XML; where pytest wrote none, or one that cannot be read (a run killed
    while writing it), the file is the stop's own, with its one case, rather than nothing."""
    from xml.etree import ElementTree

    from fixtures.run_results import STOPPED_NAME, add_junit_stop

    junit = tmp_path / "junit.xml"
    if written is not None:
        junit.write_text(written)
    add_junit_stop(config_of(str(junit)), "the run was stopped before its journeys ended (Ctrl-C): its results are partial")
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("errors")) == ("1", "1")
    [case] = suite.iter("testcase")
    assert case.get("name") == STOPPED_NAME and case.find("error") is not None


def test_the_causes_of_a_runs_stop_are_those_of_the_cases_it_wrote_of_itself_not_its_journeys(tmp_path: Path) -> None:
    """A journey's case carries its cause too (pytest writes the report's properties): only the run's own cases (a stop, a
    preflight) say why the run stopped, so a journey broken by the network is no network stop of the run (repro's exit 5)."""
    from fixtures.causes import CAUSE_LABEL, INFRASTRUCTURE, TENANT_CONFIGURATION
    from fixtures.run_results import JUNIT_RUN_CLASS, junit_stop_causes

    def case(classname: str, cause: str) -> str:
        return (f'<testcase classname="{classname}" name="x"><properties><property name="{CAUSE_LABEL}" value="{cause}"/></properties>'
                "<error message='m'/></testcase>")

    junit = tmp_path / "junit.xml"
    junit.write_text(f'<testsuites><testsuite name="pytest">{case("e2e.test_sign_in", INFRASTRUCTURE)}</testsuite></testsuites>')
    assert junit_stop_causes(junit) == set()
    junit.write_text(f'<testsuites><testsuite name="pytest">{case("e2e.test_sign_in", INFRASTRUCTURE)}'
                     f'{case(JUNIT_RUN_CLASS, TENANT_CONFIGURATION)}</testsuite></testsuites>')
    assert junit_stop_causes(junit) == {TENANT_CONFIGURATION}


def test_an_xdist_worker_writes_no_junit_xml_of_its_own(tmp_path: Path) -> None:
    """As pytest's own writer, only the controller writes --junitxml: a worker stopped by a setting (a browser server that
    does not answer) would otherwise write the file the controller writes too."""
    from fixtures.causes import INFRASTRUCTURE
    from fixtures.run_results import add_junit_stop, write_junit_stopped

    junit = tmp_path / "junit.xml"
    worker = config_of(str(junit), worker="gw0")
    write_junit_stopped(worker, [("browser server", "nothing answers", INFRASTRUCTURE)])
    add_junit_stop(worker, "the run was stopped before its journeys ended (Ctrl-C): its results are partial")
    assert not junit.exists()


def test_clean_alluredir_refuses_a_folder_that_holds_more_than_results(tmp_path: Path) -> None:
    """RESULTS_DIR=~/Desktop make e2e: Allure's --clean-alluredir deletes the whole folder, so a folder holding anything
    but results is refused, its files left; one of results alone (an earlier run's, a merge's) is emptied as before."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    results = tmp_path / "allure-results"
    (results / "photos").mkdir(parents=True)
    (results / "keepme.txt").write_text("mine")
    done, _ = run(tmp_path, "-p", "no:randomly", str(tmp_path / "test_fine.py"))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "holds 2 file(s) or folder(s) that are no Allure results (keepme.txt, photos)" in done.stderr, done.stderr
    assert (results / "keepme.txt").read_text() == "mine" and (results / "photos").is_dir()
    (results / "keepme.txt").unlink()
    (results / "photos").rmdir()
    for name in ("old-result.json", "old-container.json", "old-attachment.png", "old-globals.json", "environment.properties",
                 "collected-shard-1-of-2.json"):
        (results / name).write_text("{}")
    (results / "history").mkdir()  # Allure 2's trend, copied in by a pipeline
    done, written = run(tmp_path, "-p", "no:randomly", str(tmp_path / "test_fine.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (results / "old-result.json").exists() and [result["name"] for result in written] == ["test_fine"]


def test_an_evidence_folder_that_holds_more_than_evidence_is_refused_and_left(tmp_path: Path) -> None:
    """pytest e2e --output ~/Desktop: a run empties its --output as it starts (pytest-playwright's, done once by the run's
    own process), so a folder holding anything but journeys' evidence is refused, its files left; one holding an earlier
    run's evidence alone is emptied as before."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    evidence = tmp_path / "evidence"
    journey = evidence / "e2e-test-sign-in-py-test-returning-user-chromium"
    journey.mkdir(parents=True)
    (journey / "trace.zip").write_text("")
    (journey / "notes.txt").write_text("mine")
    (evidence / "todo.txt").write_text("mine")
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", str(tmp_path / "test_fine.py"))
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"holds 2 file(s) or folder(s) that are no journey's evidence ({journey.name}, todo.txt)" in done.stderr, done.stderr
    assert (evidence / "todo.txt").read_text() == "mine" and (journey / "notes.txt").read_text() == "mine"
    (evidence / "todo.txt").unlink()
    (journey / "notes.txt").unlink()
    for name in ("test-failed-1.png", "test-finished-2.png", "trace-2.zip", "video.webm", "video-2.webm"):
        (journey / name).write_text("")
    (evidence / "e2e-a-journey-without-evidence").mkdir()
    done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", str(tmp_path / "test_fine.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not evidence.exists()


def test_an_evidence_folder_refused_leaves_one_result_saying_why(tmp_path: Path) -> None:
    """README (Runs, their results and evidence): a run stopped by a setting leaves one result saying why. EVIDENCE_DIR
    holding a file of the user's stopped `make e2e` with the last run's results deleted and none of its own: the report
    rendered next was empty, and only the terminal said why no journey ran."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "todo.txt").write_text("mine")
    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "old-result.json").write_text("{}")
    junit = tmp_path / "junit.xml"
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", "--clean-alluredir", f"--junitxml={junit}",
                               str(tmp_path / "test_fine.py"))
    assert done.returncode == 4, done.stdout + done.stderr
    [result] = allure_results(results)
    assert result["name"] == "evidence folder" and "no journey's evidence (todo.txt)" in result["statusDetails"]["message"], result
    assert f"--output {evidence} (the journeys' evidence folder, make's EVIDENCE_DIR) holds" in done.stderr, done.stderr  # what to change
    assert labels(result)["cause"] == "other", result
    assert "no journey's evidence (todo.txt)" in junit.read_text(), junit.read_text()
    assert (evidence / "todo.txt").read_text() == "mine"


def test_an_evidence_folder_that_is_a_file_is_refused_and_left(tmp_path: Path) -> None:
    """EVIDENCE_DIR=notes.txt make e2e (or pytest's --output naming a file): the run went on, and every failed journey lost
    its trace and screenshot at teardown (NotADirectoryError, one more cause "other"). Refused at the start, the file left,
    as a RESULTS_DIR that cannot be a folder is."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    done = pytest_with_plugins(tmp_path, plugins, f"--output={notes}", str(tmp_path / "test_fine.py"))
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"--output {notes} (make's EVIDENCE_DIR) is a file, not a folder" in done.stderr, done.stderr
    assert notes.read_text() == "mine"


def test_an_evidence_folder_that_is_a_link_is_emptied_as_the_run_starts_and_stays_a_link(tmp_path: Path) -> None:
    """EVIDENCE_DIR (--output) a link to a folder on another disk: the run's rmtree refused the link, said nothing, and the
    last run's traces stayed beside this run's (CI uploaded them as this run's evidence)."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    elsewhere = tmp_path / "bigger-disk" / "test-results"
    (elsewhere / "e2e-last-runs-journey").mkdir(parents=True)
    (elsewhere / "e2e-last-runs-journey" / "trace.zip").write_text("the last run's")
    evidence = tmp_path / "test-results"
    evidence.symlink_to(elsewhere, target_is_directory=True)
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", str(tmp_path / "test_fine.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert evidence.is_symlink() and elsewhere.is_dir(), "the link and the folder it names are the user's: kept"
    assert list(elsewhere.iterdir()) == [], list(elsewhere.iterdir())


def test_a_results_folder_that_is_a_link_is_emptied_by_clean_alluredir_and_stays_a_link(tmp_path: Path) -> None:
    """RESULTS_DIR (--alluredir) a link to a folder: --clean-alluredir left the last run's results there, and the report
    and the quality gate read its journeys as this run's."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    elsewhere = tmp_path / "bigger-disk" / "allure-results"
    elsewhere.mkdir(parents=True)
    (elsewhere / "0000-the-last-runs-result.json").write_text("{}")
    results = tmp_path / "results"
    results.symlink_to(elsewhere, target_is_directory=True)
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), f"--alluredir={results}", "--clean-alluredir",
                               str(tmp_path / "test_fine.py"), results=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert results.is_symlink(), "the link is the user's: kept"
    assert not (elsewhere / "0000-the-last-runs-result.json").exists(), sorted(path.name for path in elsewhere.iterdir())
    assert [result["name"] for result in allure_results(elsewhere)] == ["test_fine"]


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """``folder`` made one nothing can be written into while it lasts: its permissions, or for root (whom they do not stop)
    a read-only file system mounted on it; skipped where neither can be had."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root, where only a read-only mount makes a folder unwritable, and mount is not allowed here")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_an_evidence_folder_that_cannot_be_written_to_is_refused_at_the_start(tmp_path: Path) -> None:
    """--output naming a folder that exists and cannot be written to (a read-only mount, another user's): the run went on,
    and every journey's teardown failed with pytest-playwright's OSError (a passed one too, under --tracing on), one more
    cause "other". Refused at the start when the run records evidence; a run that records none is left to run."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    evidence = tmp_path / "evidence"
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    with unwritable(evidence):
        done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", "--tracing=on", str(tmp_path / "test_fine.py"))
        assert done.returncode == 4, done.stdout + done.stderr
        assert f"--output {evidence} (make's EVIDENCE_DIR) cannot be written to (" in done.stderr, done.stderr
        assert "--tracing on write each journey's evidence there" in done.stderr, done.stderr
        quiet = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", str(tmp_path / "test_fine.py"))
        assert quiet.returncode == 0, quiet.stdout + quiet.stderr


@pytest.mark.parametrize("results", ["evidence", "evidence/allure-results"], ids=["the results folder", "a folder holding it"])
def test_an_evidence_folder_that_is_or_holds_the_results_folder_is_refused(tmp_path: Path, results: str) -> None:
    """--output equal to --alluredir (or above it): the run empties its evidence folder as it starts, after it made the
    results folder, and allure-pytest's first result had no folder to go to (an INTERNALERROR, no result). Refused first."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    done = pytest_with_plugins(tmp_path, plugins, f"--output={tmp_path / 'evidence'}", f"--alluredir={tmp_path / results}",
                               "--clean-alluredir", str(tmp_path / "test_fine.py"))
    said = done.stdout + done.stderr
    assert done.returncode == 4 and "INTERNALERROR" not in said, said
    assert f"--output {tmp_path / 'evidence'} (the journeys' evidence folder) is or holds --alluredir {tmp_path / results}" in done.stderr, said


def test_the_junit_xml_make_smoke_leaves_in_the_evidence_folder_does_not_stop_the_next_run(tmp_path: Path) -> None:
    """README's day one runs `make smoke`, then `make e2e`: the smoke writes its JUnit XML into the evidence folder
    (JUNIT=test-results/junit.xml beside EVIDENCE_DIR=test-results, as CI uploads them together), and the next run, which
    empties that folder as it starts, refused it as no journey's evidence. A run's JUnit XML is a run's output: emptied as
    the traces are. Another XML file there is still someone's, and refused."""
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    evidence = tmp_path / "evidence"
    plugins = ("allure_pytest.plugin", "pytest_playwright.pytest_playwright", "fixtures.reporting")
    done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", f"--junitxml={evidence / 'junit.xml'}",
                               str(tmp_path / "test_fine.py"))
    assert done.returncode == 0 and (evidence / "junit.xml").is_file(), done.stdout + done.stderr
    done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", str(tmp_path / "test_fine.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (evidence / "junit.xml").exists()
    evidence.mkdir()
    (evidence / "notes.xml").write_text("<notes>mine</notes>")
    done = pytest_with_plugins(tmp_path, plugins, f"--output={evidence}", str(tmp_path / "test_fine.py"))
    assert done.returncode == 4 and "no journey's evidence (notes.xml)" in done.stderr, done.stdout + done.stderr


def test_a_journey_whose_set_up_failed_is_timed_to_its_failure_not_shown_as_0_s(tmp_path: Path) -> None:
    """allure-pytest times a result by its call: one that failed in its set-up (a returning user's sign-up) read 0 s."""
    # The set-up's work: a process it starts and waits for (as a sign-up waits on a browser), its own time written down
    (tmp_path / "test_set_up.py").write_text(
        "import subprocess, sys, time\nfrom pathlib import Path\n\nimport pytest\n\n\n@pytest.fixture\ndef returning_user():\n"
        "    started = time.time()\n    subprocess.run([sys.executable, '-c', 'pass'], check=True)\n"
        "    Path('set-up-ms').write_text(str(int((time.time() - started) * 1000)))\n    raise AssertionError('the sign-up failed')\n\n\n"
        "def test_sign_in(returning_user):\n    pass\n\n\ndef test_passes():\n    pass\n")
    done, results = run(tmp_path, str(tmp_path / "test_set_up.py"))
    assert done.returncode == 1, done.stdout + done.stderr
    by_name = {result["name"]: result for result in results}
    failed, worked = by_name["test_sign_in"], int((tmp_path / "set-up-ms").read_text())
    assert worked > 0 and failed["status"] == "failed" and failed["stop"] - failed["start"] >= worked, (worked, failed)
    assert by_name["test_passes"]["status"] == "passed"
