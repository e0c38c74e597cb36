"""A run told to stop ends with everything it started: SIGTERM to pytest alone (fixtures/stop_signal.py), and to the
scripts that run pytest for make (scripts/process_group.py ``run_to_its_end``)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from e2e.test_mobileid_outcomes import EXPECTED_CODES
from fixtures.settings import build_settings
from scripts.process_group import run_to_its_end
from tests.local_stack import LOCAL_STACK
from tests.suite_run import ROOT, child_told_to_stop, popen_stopped_as_it_starts, pytest_with_plugins, suite_env, tail


def stack_of(pid: int) -> int | None:
    """The ``python -m mocks serve`` the pytest process ``pid`` started, if it has."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            parent = next(line.split()[1] for line in status.read_text().splitlines() if line.startswith("PPid:"))
            command = (status.parent / "cmdline").read_bytes()
            if int(parent) == pid and b"mocks\0serve" in command and b"--state-dir" in command:  # not its --describe
                return int(status.parent.name)
        except (OSError, StopIteration, ValueError):  # ended meanwhile
            continue
    return None


# Journeys that end at once, each of Mobile ID's failures from its robot numbers (two policies, every outcome): the one
# running when the run is told to stop ends soon, and a journey's end costs no sign-up.
ROBOTS = "test_a_failed_mobile_id_sign_in_reaches_the_app_as_an_error"
ROBOT_JOURNEYS = len(EXPECTED_CODES) * len(build_settings({}, LOCAL_STACK).policies)  # what ROBOTS selects in a local run
# A test run under nohup ignores SIGHUP, and so would the runs it starts: what SIGHUP does to them cannot be seen.
HANGUPS_HEARD = pytest.mark.skipif(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN,
                                   reason="this test run ignores SIGHUP (nohup), as the runs it starts would")


@pytest.mark.parametrize(("workers", "when"), [("0", "while its stack starts"), ("0", "after a journey"), ("2", "while its stack starts")])
def test_sigterm_to_pytest_alone_stops_the_journey_and_the_stack_it_started(tmp_path: Path, workers: str, when: str) -> None:
    """A CI job cancelled or a `kill`, while the stack starts (before any worker and any journey) or once a journey has
    ended: the journey running ends, pytest says the run was interrupted (status 2, as on Ctrl-C), the journeys not begun
    do not run, its stack does not outlive it, and its results and JUnit XML say it was stopped."""
    results = tmp_path / "allure-results"
    env = {k: v for k, v in suite_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.Popen([sys.executable, "-m", "pytest", "e2e", "-p", "no:cacheprovider", "-q", "-n", workers, "-k", ROBOTS,
                            f"--basetemp={tmp_path / 'run'}", f"--alluredir={results}", f"--junitxml={tmp_path / 'junit.xml'}"],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while (stack := stack_of(run.pid)) is None or (when == "after a journey" and not any(results.glob("*-result.json"))):
            assert run.poll() is None and time.monotonic() < deadline, f"the run ended before the moment {when}"
            time.sleep(0.05)
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode == 2 and "Interrupted: stopped by SIGTERM" in output, tail(output, 2000)
    ran = re.search(r"(\d+) passed", output)
    assert ran is None or 0 < int(ran.group(1)) < ROBOT_JOURNEYS, tail(output, 2000)  # the rest never began
    assert not Path(f"/proc/{stack}").exists(), "the stack outlived the run"
    # The results say the run was stopped, so the report and the quality gate do not read its journeys as the whole run.
    stopped = [result for path in results.glob("*-result.json") if (result := json.loads(path.read_text()))["name"] == "the run was stopped"]
    assert len(stopped) == 1 and stopped[0]["status"] == "broken", sorted(p.name for p in results.iterdir())
    assert stopped[0]["statusDetails"]["message"] == "the run was stopped before its journeys ended (stopped by SIGTERM): its results are partial"
    # The pipeline's test tab too: pytest's JUnit XML lists only the journeys that ended (none, stopped at the start).
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    [case] = [case for case in suite.iter("testcase") if case.get("name") == "the run was stopped"]
    assert case.find("error") is not None and "(stopped by SIGTERM)" in (case.find("error").get("message") or "")  # type: ignore[union-attr]
    assert int(suite.get("tests", "0")) == len(list(suite.iter("testcase"))) and int(suite.get("errors", "0")) >= 1


def test_ctrl_c_leaves_a_result_that_says_the_run_was_stopped(tmp_path: Path) -> None:
    """Ctrl-C in a terminal (SIGINT, pytest's KeyboardInterrupt) stops a run as SIGTERM does: its results and JUnit XML say
    so, naming the journey it cut, in the same words. Neither lists that journey as a pass: allure-pytest wrote it
    "passed" by its set-up, pytest's JUnit writer as a nameless case."""
    (tmp_path / "test_pressed.py").write_text(
        "import os, signal\n"
        "def test_ctrl_c_pressed():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "def test_never_begun():\n"
        "    pass\n")
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.reporting"), "test_pressed.py", f"--junitxml={tmp_path / 'junit.xml'}")
    assert done.returncode == 2 and "KeyboardInterrupt" in done.stdout, tail(done.stdout, 2000)
    said = "the run was stopped by Ctrl-C in test_ctrl_c_pressed, before its journeys ended: its results are partial"
    results = [json.loads(path.read_text()) for path in (tmp_path / "allure-results").glob("*-result.json")]
    assert [(result["name"], result["status"], result.get("statusDetails", {}).get("message")) for result in results] == [
        ("the run was stopped", "broken", said)], results
    # The JUnit XML: our case, and not pytest's nameless one for the test Ctrl-C stopped (a test tab's nameless pass).
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert [(case.get("name"), case.get("classname"), case.find("error").get("message"))  # type: ignore[union-attr]
            for case in suite.iter("testcase")] == [("the run was stopped", "run", said)]
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")


@pytest.mark.parametrize(("sent", "said"), [("SIGINT", "stopped by Ctrl-C (SIGINT)"), ("SIGTERM", "stopped by SIGTERM")])
def test_a_stopped_runs_terminal_ends_saying_so_and_how_many_journeys_did_not_run(tmp_path: Path, sent: str, said: str) -> None:
    """The terminal's last line was pytest's "2 passed in 0.2s", read as a run that ended; the stop's own words are
    above it. Ctrl-C ends the journey it lands in (no result: not run); SIGTERM lets it end (fixtures/stop_signal.py)."""
    (tmp_path / "test_stopped.py").write_text(
        "import os, signal\n"
        "def test_one():\n    pass\n"
        "def test_two():\n    pass\n"
        f"def test_stopped_here():\n    os.kill(os.getpid(), signal.{sent})\n"
        "def test_never_begun():\n    pass\n"
        "def test_never_begun_either():\n    pass\n")
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.stop_signal", "fixtures.reporting"), "-p", "no:randomly",
                               "test_stopped.py")
    not_run = 3 if sent == "SIGINT" else 2
    assert done.returncode == 2, tail(done.stdout, 2000)
    assert done.stdout.rstrip().splitlines()[-1] == (f"{said}: {not_run} of the 5 journeys selected did not run; the run's results "
                                                     "are partial"), tail(done.stdout, 2000)


def test_a_run_that_ended_says_nothing_of_a_stop(tmp_path: Path) -> None:
    (tmp_path / "test_ended.py").write_text("def test_one():\n    pass\n")
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.stop_signal", "fixtures.reporting"), "test_ended.py")
    assert done.returncode == 0 and "1 passed" in done.stdout.rstrip().splitlines()[-1], tail(done.stdout, 2000)


def test_a_stopped_run_of_tests_that_are_no_journeys_ends_with_pytests_own_line(tmp_path: Path) -> None:
    """`pytest tests -x` (no journeys, no results written) stopped after its first failure: pytest's own last line, not
    one counting journeys and calling results partial that there are none of."""
    (tmp_path / "test_fast.py").write_text("def test_one():\n    assert False\ndef test_two():\n    pass\n")
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.stop_signal", "fixtures.reporting"), "-p", "no:randomly",
                               "-x", "test_fast.py", results=False)
    last = done.stdout.rstrip().splitlines()[-1]
    assert done.returncode == 1 and "1 failed" in last and "journeys" not in done.stdout, tail(done.stdout, 2000)


def test_a_test_run_started_with_ctrl_c_ignored_still_gives_its_commands_ctrl_c() -> None:
    """tests/conftest.py: `pytest tests` started in the background by a shell without job control (SIGINT ignored, as
    every process below it inherits) still runs the Ctrl-C test above as a terminal would: its command hears SIGINT."""
    test = "tests/suite/test_stopping.py::test_ctrl_c_leaves_a_result_that_says_the_run_was_stopped"
    done = subprocess.run([sys.executable, "-m", "pytest", test, "-p", "no:cacheprovider", "-q", "-n", "0"],
                          cwd=ROOT, env=suite_env(), capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert done.returncode == 0 and "1 passed" in done.stdout, tail(done.stdout, 2000)


def test_ctrl_c_at_the_terminal_mid_journey_stops_the_tracing_run_in_order(tmp_path: Path) -> None:
    """Ctrl-C at a terminal signals its whole process group. Playwright's driver runs in a session of its own
    (fixtures/browser.py), so pytest hears it and the driver does not: the journey's tracing, context and browser stop in order, the
    interrupted journey keeps its trace, and no page of TargetClosedError follows the interruption. Nothing is left
    running once pytest has ended."""
    from tests.suite_run import processes_naming

    (tmp_path / "tmp").mkdir()
    (tmp_path / "ctrl_c_mid_journey.py").write_text(  # pressed as the journey submits its number on Mobile ID's page
        "import os, signal\n"
        "from pages.mobileid_login import MobileIDLoginPage\n"
        "submit = MobileIDLoginPage.sign_in_with\n"
        "def pressed(self, number, **how):\n"
        "    os.killpg(os.getpgid(0), signal.SIGINT)\n"
        "    return submit(self, number, **how)\n"
        "MobileIDLoginPage.sign_in_with = pressed\n")
    env = {**{k: v for k, v in suite_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
           "PYTHONPATH": str(tmp_path), "TMPDIR": str(tmp_path / "tmp")}  # the browsers' profiles too: found by name below
    run = subprocess.Popen([sys.executable, "-m", "pytest", "e2e", "-p", "ctrl_c_mid_journey", "-p", "no:cacheprovider", "-q",
                            "-n", "0", "-k", "test_returning_user_signs_in and b2c_1_signupsignin", "--tracing", "on",
                            f"--output={tmp_path / 'output'}"],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = run.communicate(timeout=60)
        # Looked at before the clean-up below, which would end what pytest's group left (its stack) unseen.
        left = processes_naming(str(tmp_path))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == pytest.ExitCode.INTERRUPTED and "KeyboardInterrupt" in output, tail(output)
    assert "TargetClosedError" not in output and "Traceback" not in output, tail(output)
    assert list((tmp_path / "output").glob("*/trace*.zip")), sorted(p.name for p in (tmp_path / "output").rglob("*"))
    assert left == []


@pytest.mark.parametrize(("told", "why"), [
    ("os.kill(os.getpid(), signal.SIGINT)", "Ctrl-C"),
    # Every process of the run told (the stack is in a session of its own, so a signal to pytest's process group reaches
    # pytest alone: test_sigterm_to_pytest_alone_stops_the_journey_and_the_stack_it_started): the stack ends as it starts.
    ("os.kill(os.getpid(), signal.SIGTERM); process.terminate()", "stopped by SIGTERM"),
])
def test_a_run_told_to_stop_while_it_starts_its_stack_says_so_and_leaves_no_stack(tmp_path: Path, told: str, why: str) -> None:
    """The run's stack starts as the run reads its settings, before pytest's session: a stop then ends it and removes
    its folder (keys, a client secret), and the run says it was stopped (status 2), on the terminal, where pytest itself
    says nothing of a Ctrl-C then, and in its results and JUnit XML: not a stack that failed, nor a setting."""
    from tests.suite_run import allure_results, processes_naming, pytest_e2e

    (tmp_path / "tmp").mkdir()
    (tmp_path / "told_at_stack_start.py").write_text(
        "import os, signal\n"
        "import fixtures.stack\n"
        "started = fixtures.stack.output_lines\n"
        "def told(process):\n"
        f"    {told}\n"
        "    return started(process)\n"
        "fixtures.stack.output_lines = told\n")
    results = tmp_path / "allure-results"
    done = pytest_e2e("-p", "told_at_stack_start", "-m", "smoke", f"--alluredir={results}", "--clean-alluredir",
                      f"--junitxml={tmp_path / 'junit.xml'}", PYTHONPATH=str(tmp_path), TMPDIR=str(tmp_path / "tmp"))
    said = f"the run was stopped ({why}) at its start: no journey ran"
    assert done.returncode == pytest.ExitCode.INTERRUPTED and said in done.stderr, done.stdout + done.stderr
    assert [(r["name"], r["statusDetails"]["message"]) for r in allure_results(results)] == [("the run was stopped", said)]
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("errors")) == ("1", "1")
    assert [(case.get("name"), case.find("error").get("message")) for case in suite.iter("testcase")] == [  # type: ignore[union-attr]
        ("the run was stopped", said)]
    assert list((tmp_path / "tmp").glob("e2e-stack-*")) == []
    assert processes_naming(str(tmp_path)) == []


def test_make_told_to_stop_stops_its_journey_run_too(tmp_path: Path) -> None:
    """SIGTERM to make alone (a job runner that signals the step's process): make ends the recipe's shell, never the
    pytest that shell started. With --stop-with-parent (the recipe's) that pytest stops as if told itself: after its
    journey, with its stack and browsers, and its results say so; before, it ran every journey on, unseen."""
    from fixtures.commands import venv_for_make
    from tests.suite_run import allure_results, processes_naming

    results = tmp_path / "results"
    (tmp_path / "tmp").mkdir()
    env = {**{k: v for k, v in suite_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}, "TMPDIR": str(tmp_path / "tmp")}
    make = subprocess.Popen(["make", "--no-print-directory", "-o", "setup", "smoke", "WORKERS=0", f"VENV={venv_for_make()}",
                             f"RESULTS_DIR={results}", f"JUNIT={tmp_path / 'junit.xml'}", f"REPORT_DIR={tmp_path / 'report'}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not any(results.glob("*-result.json")):  # a journey has ended: the run is under way
            assert make.poll() is None and time.monotonic() < deadline, "make ended before its first journey"
            time.sleep(0.05)
        make.send_signal(signal.SIGTERM)
        make.wait(timeout=10)
        while processes_naming(str(tmp_path)):  # pytest, its stack and browsers (its basetemp is under TMPDIR)
            assert time.monotonic() < deadline + 30, f"left running: {processes_naming(str(tmp_path))}"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(make.pid, signal.SIGKILL)
    stopped = [r["statusDetails"]["message"] for r in allure_results(results) if r["name"] == "the run was stopped"]
    assert stopped == ["the run was stopped before its journeys ended (stopped by SIGTERM): its results are partial"], \
        sorted(r["name"] for r in allure_results(results))
    assert len(allure_results(results)) < 8  # the smoke has 8 journeys: the rest never began


def test_sigterm_twice_at_once_is_one_stop_and_again_later_ends_the_run_at_once(tmp_path: Path) -> None:
    """A script passes on to pytest the SIGTERM its process group had too: both are one stop, and the run ends after the
    journey running. Told again later (SAME_STOP_S, made 0 here), the run ends at once, as Python's default would."""
    from tests.suite_run import processes_naming

    (tmp_path / "test_told.py").write_text(
        "import os, signal\n"
        "import fixtures.stop_signal as stopping\n"
        "def test_told_twice_at_once():\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)  # a handler runs after each: the same stop, the journey goes on\n"
        "def test_never_begun():\n"
        "    pass\n")
    once = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.stop_signal"), "test_told.py")
    assert once.returncode == 2 and "1 passed" in once.stdout and "Interrupted: stopped by SIGTERM" in once.stdout, once.stdout
    # Said once the journey running has ended, on the terminal (during it, pytest captures what is written).
    assert once.stdout.count("stopped by SIGTERM: stopping once the journeys running have ended") == 1, once.stdout
    # Told again later, with a run's stack running: it is ended first, and its folder (state and stack.json) removed.
    (tmp_path / "tmp").mkdir()
    (tmp_path / "test_told.py").write_text(
        "import os, signal\n"
        "import fixtures.stop_signal as stopping\n"
        "from fixtures.stack import RunStack\n"
        "from fixtures.stack_description import serve_command\n"
        "def test_told_again_later():\n"
        "    stopping.SAME_STOP_S = 0\n"
        "    RunStack().start(lambda state: serve_command(state, ()))\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    raise AssertionError('still running after the second SIGTERM')\n")
    again = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.stop_signal"), "test_told.py", env={"TMPDIR": str(tmp_path / "tmp")})
    try:
        assert again.returncode == -signal.SIGTERM, again.stdout
        deadline = time.monotonic() + 10
        while processes_naming(str(tmp_path / "tmp")):  # the stack, killed: gone once the kernel has reaped it
            assert time.monotonic() < deadline, f"left running: {processes_naming(str(tmp_path / 'tmp'))}"
            time.sleep(0.05)
        assert list((tmp_path / "tmp").iterdir()) == []
    finally:  # a stack the run left behind would outlive the test
        for pid in processes_naming(str(tmp_path / "tmp")):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@HANGUPS_HEARD
def test_a_closed_terminal_stops_the_run_after_the_journey_running(tmp_path: Path) -> None:
    """SIGHUP (the terminal closed under `make e2e`) is a stop as SIGTERM's: its default ended pytest at once, before its
    teardown (the run's stack, pytest-playwright's folders in the temp folder)."""
    (tmp_path / "test_hung_up.py").write_text(
        "import os, signal\n"
        "def test_hung_up():\n"
        "    os.kill(os.getpid(), signal.SIGHUP)\n"
        "def test_never_begun():\n"
        "    pass\n")
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.stop_signal"), "test_hung_up.py")
    assert done.returncode == 2 and "1 passed" in done.stdout and "Interrupted: stopped by SIGHUP" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("told", ["SIGTERM", pytest.param("SIGHUP", marks=HANGUPS_HEARD)])
def test_a_stop_the_whole_process_group_hears_lets_the_journey_running_end(tmp_path: Path, told: str) -> None:
    """docs/suite.md: SIGTERM (a cancelled job) or SIGHUP (a closed terminal) to the run's whole process group, as they
    come, stops the run after the journey running, as told to pytest alone: the stack was in the group and ended at once,
    and the journey failed as "the local stack exited mid-run"."""
    from bench.cpu import command_line
    from tests.suite_run import left_naming

    (tmp_path / "tmp").mkdir()
    (tmp_path / "told_mid_journey.py").write_text(  # as the first number is submitted on Mobile ID's page
        "import os, signal\n"
        "from pages.mobileid_login import MobileIDLoginPage\n"
        "submit = MobileIDLoginPage.sign_in_with\n"
        "sent = []\n"
        "def told(self, number, **how):\n"
        "    if not sent:  # once: the returning user's set-up sign-up submits a number too, and a second stop over 2 s later\n"
        "        sent.append(1)  # is \"told again: end now\" (fixtures/stop_signal.py), as on a busy machine it was\n"
        f"        os.killpg(os.getpgid(0), signal.{told})\n"
        "    return submit(self, number, **how)\n"
        "MobileIDLoginPage.sign_in_with = told\n")
    env = {**{k: v for k, v in suite_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
           "PYTHONPATH": str(tmp_path), "TMPDIR": str(tmp_path / "tmp")}
    run = subprocess.Popen([sys.executable, "-m", "pytest", "e2e", "-p", "told_mid_journey", "-p", "no:cacheprovider", "-q", "-n", "0",
                            "-k", "test_returning_user_signs_in and b2c_1_signupsignin", f"--output={tmp_path / 'output'}"],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = run.communicate(timeout=60)
        left = left_naming(str(tmp_path / "tmp"), 10)  # looked at before the clean-up below; a stack just stopped may take a moment
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 2 and f"Interrupted: stopped by {told}" in output, tail(output)
    assert "1 passed" in output and "failed" not in output and "stack exited" not in output, tail(output)
    assert left == [], f"left running: {[command_line(pid)[:200] for pid in left]}"


def test_a_script_told_to_stop_lets_its_pytest_stop_as_it_would_alone(tmp_path: Path) -> None:
    """SIGTERM to the script (a browser-server or tenant-mode run) is passed on; after Ctrl-C, which the child had too,
    the child is waited for rather than killed a quarter of a second later, before it could stop its stack."""
    child = child_told_to_stop(tmp_path, teardown_s=0.5)
    script = tmp_path / "script.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom scripts.process_group import run_to_its_end\n"
                      f"sys.exit(run_to_its_end([sys.executable, {str(child)!r}]))\n")
    for sent, to_group in ((signal.SIGTERM, False), (signal.SIGINT, True)):
        (tmp_path / "stopped").unlink(missing_ok=True)
        (tmp_path / "started").unlink(missing_ok=True)
        running = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while not (tmp_path / "started").exists():
                assert time.monotonic() < deadline, "the child did not start"
                time.sleep(0.02)
            if to_group:
                os.killpg(running.pid, sent)  # as the terminal sends Ctrl-C
            else:
                running.send_signal(sent)  # to the script alone
            assert running.wait(timeout=30) == 2
        finally:
            running.kill()
        assert (tmp_path / "stopped").read_text() == sent.name  # the child's own stop ran to its end
    assert run_to_its_end([sys.executable, "-c", "raise SystemExit(3)"]) == 3


@pytest.mark.parametrize("sent", ["SIGTERM", "SIGINT"])
def test_a_stop_while_the_script_starts_its_child_is_held_until_the_child_is_known(tmp_path: Path, sent: str) -> None:
    """On a busy machine the child runs before ``Popen`` has returned in the script: a stop then (SIGTERM to the script,
    Ctrl-C to its group) must still reach the child and be waited for, not end the script and orphan the child. The
    script's ``Popen`` here sends the signal itself once the child has started, before returning."""
    child = child_told_to_stop(tmp_path, teardown_s=0.5)
    stop = "os.killpg(0, signal.SIGINT)" if sent == "SIGINT" else "os.kill(os.getpid(), signal.SIGTERM)"
    script = tmp_path / "script.py"
    script.write_text(popen_stopped_as_it_starts(tmp_path / "started", stop) + "from scripts.process_group import run_to_its_end\n"
                      f"sys.exit(run_to_its_end([sys.executable, {str(child)!r}]))\n")
    running = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    try:
        assert running.wait(timeout=30) == 2, "the script ended before its child had stopped (its child's status is 2)"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.pid, signal.SIGKILL)
    assert (tmp_path / "stopped").read_text() == sent


def test_a_run_stopped_at_its_first_failure_says_so_in_its_results(tmp_path: Path) -> None:
    """--maxfail (here -x) ends a run early too: its results say why, as a stopped run's do, and pytest's status stays 1."""
    from tests.suite_run import pytest_e2e

    results = tmp_path / "allure-results"
    junit = tmp_path / "junit.xml"
    # The sign-up of each policy, each failing on B2C's idp: the first stops the run before the second.
    done = pytest_e2e("-x", "-n", "0", "-k", "test_first_sign_in_creates_the_user_from_mobile_id", f"--alluredir={results}",
                      f"--junitxml={junit}", E2E_STACK_FAULTS="wrong-idp")
    assert done.returncode == 1 and "1 failed" in done.stdout, tail(done.stdout, 2000)
    stopped = [result for path in results.glob("*-result.json") if (result := json.loads(path.read_text()))["name"] == "the run was stopped"]
    assert [result["statusDetails"]["message"] for result in stopped] == [
        "the run was stopped before its journeys ended (stopping after 1 failures): its results are partial"]
    # So does its JUnit XML: the failed journey, then the stop.
    cases = [(case.get("name"), [outcome.tag for outcome in case]) for case in ElementTree.parse(junit).getroot().iter("testcase")]
    assert [name for name, _ in cases][-1] == "the run was stopped" and cases[-1][1] == ["properties", "error"] and len(cases) == 2, cases
    # Its limit reached at its last journey, a run has ended on its own: no such result. Told by the results plugin alone
    # (as above, the run's): made-up tests, one deselected as -k deselects journeys, need no stack or browser.
    limit = tmp_path / "limit"
    limit.mkdir()
    (limit / "test_limit.py").write_text(
        "def test_fails_first():\n"
        "    assert False\n"
        "def test_fails_last():\n"
        "    assert False\n"
        "def test_deselected():\n"
        "    pass\n")
    done = pytest_with_plugins(limit, ("allure_pytest.plugin", "fixtures.reporting"), "test_limit.py", "--maxfail=2", "-k", "not deselected")
    assert done.returncode == 1 and "2 failed, 1 deselected" in done.stdout and (limit / "allure-results").is_dir(), tail(done.stdout, 2000)
    assert [path for path in (limit / "allure-results").glob("*-result.json") if "the run was stopped" in path.read_text()] == []


def test_a_script_stopped_before_its_child_runs_says_so_in_a_line(tmp_path: Path) -> None:
    """SIGTERM while a script starts what its child needs (the tenant-mode script's stack): its ``finally`` runs, and it
    ends with one line and the shell's status for the signal, not a traceback."""
    script = tmp_path / "script.py"
    script.write_text(f"import pathlib, sys, time\nsys.path.insert(0, {str(ROOT)!r})\nfrom scripts.process_group import main_stopped_cleanly\n"
                      "def main(argv):\n"
                      "    try:  # told once started: inside the try, or the signal could come before it\n"
                      f"        pathlib.Path({str(tmp_path / 'started')!r}).touch()\n"
                      "        time.sleep(60)  # a stack starting\n"
                      "    finally:\n"
                      f"        pathlib.Path({str(tmp_path / 'stopped')!r}).touch()\n"
                      "    return 0\n"
                      "main_stopped_cleanly(main)\n")
    running = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "started").exists():
            assert time.monotonic() < deadline, "the script did not start"
            time.sleep(0.02)
        running.send_signal(signal.SIGTERM)
        _, said = running.communicate(timeout=30)
    finally:
        running.kill()
    assert running.returncode == 128 + signal.SIGTERM and (tmp_path / "stopped").exists()
    assert said.strip() == "script.py: stopped by SIGTERM; what it had started was stopped", said


def test_playwrights_driver_runs_in_a_session_of_its_own(playwright: object) -> None:
    """What the Ctrl-C test above relies on, seen directly (fixtures/browser.py ``driver_in_its_own_session``): the
    driver pytest-playwright started for this process leads a session of its own, so a Playwright that started it
    another way (the patch then doing nothing) fails here by name; and the patch is gone once the driver has started."""
    import asyncio

    me = os.getpid()
    drivers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):  # ended meanwhile
            continue
        if parent == me and b"run-driver" in command:
            drivers.append(int(stat.parent.name))
    assert drivers, "no Playwright driver among this process's children"
    assert [(os.getsid(pid) == pid, os.getsid(pid) != os.getsid(0)) for pid in drivers] == [(True, True)] * len(drivers)
    assert asyncio.create_subprocess_exec.__module__ == "asyncio.subprocess"
