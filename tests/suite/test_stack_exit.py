"""A local stack that exits mid-run is one cause, with its exit status and last words, and no journey is tried against it
again (fixtures/stack_exit.py); before, each journey was its own refused connection, one group per host and page, each
retried by --infra-reruns."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from fixtures import stack_exit
from fixtures.causes import INFRASTRUCTURE, Cause, classify, host_refused_connections
from fixtures.redaction import Redaction
from fixtures.retries import Verdict
from fixtures.stack import EXIT_NOTE, STDERR_FILE, WORKER_INPUT_KEY, RunStack, Stack
from tests.suite.test_stack import READY
from tests.suite_run import allure_results, labels, processes_naming, pytest_e2e, pytest_with_plugins, tail

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdGFjayJ9.c2lnbmF0dXJlLW9mLXRoZS1zdGFjaw"  # a raw token the stack logged
LAST_WORDS = f"RuntimeError: the emulator gave up on token {TOKEN}"
SAID = "the local stack exited mid-run (killed by SIGKILL): RuntimeError: the emulator gave up on token <redacted JWT>"

# In the run's own process (pytest alone, or xdist's controller, which started the stack): once the first journey has
# ended, the stack writes its last words and is killed outright, as the machine's OOM killer would end it.
KILL_AFTER_FIRST_JOURNEY = f'''
import signal

killed = []


def pytest_configure(config):
    pytest_runtest_logreport.config = config


def pytest_runtest_logreport(report):
    from fixtures.stack import RUN_STACK_KEY

    config = pytest_runtest_logreport.config
    if report.when != "teardown" or killed or hasattr(config, "workerinput"):
        return
    stack = config.stash[RUN_STACK_KEY].running
    with stack.stderr_path.open("a") as log:
        log.write("Traceback (most recent call last):\\n{LAST_WORDS}\\n")
    stack.process.send_signal(signal.SIGKILL)
    killed.append(stack.process.pid)
'''
JOURNEYS = "test_a_failed_mobile_id_sign_in_reaches_the_app_as_an_error and b2c_1_signupsignin"  # one an outcome, each ends at once


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_stack_killed_mid_run_is_one_cause_with_its_last_words_and_nothing_runs_against_it_again(tmp_path: Path, workers: str) -> None:
    (tmp_path / "kill_after_first_journey.py").write_text(KILL_AFTER_FIRST_JOURNEY)
    (tmp_path / "tmp").mkdir()
    results = tmp_path / "allure-results"
    done = pytest_e2e("-p", "kill_after_first_journey", "-k", JOURNEYS, "-n", workers, "--infra-reruns", "2", f"--alluredir={results}",
                      "--tb=short", PYTHONPATH=str(tmp_path), TMPDIR=str(tmp_path / "tmp"))
    output = done.stdout + done.stderr
    assert done.returncode == 1, tail(output)
    assert "rerun" not in done.stdout, tail(output)  # never tried again against a stack that is not coming back
    # The terminal's causes: one line for the whole run, the stack's exit and its last words, redacted.
    causes = output.split(" causes ", 1)[-1]
    listed = set(re.findall(r"^    (e2e/\S+)", causes, re.M))
    more = re.search(r"^    \.\.\. and (\d+) more journeys? ", causes, re.M)  # past the first few, counted
    assert re.findall(r"^\d+ x .*$", causes, re.M) == [f"{len(listed) + (int(more.group(1)) if more else 0)} x infrastructure: {SAID}"], \
        tail(output)
    # The report's first screen likewise, every red journey under it, "broken" (the run could not judge B2C or Mobile ID).
    red = [result for result in allure_results(results) if result["status"] != "passed"]
    assert red and all(labels(result).get("cause_detail") == SAID for result in red), red
    assert {result["status"] for result in red} == {"broken"}
    assert all("stack stderr (last lines):\nTraceback (most recent call last):\nRuntimeError: the emulator gave up on token <redacted JWT>"
               in result["statusDetails"]["message"] for result in red)
    # A journey begun after the stack was gone ended at once, before any of its fixtures reached for the stack: nothing
    # it did failed first.
    assert any("direct cause" not in result["statusDetails"]["trace"] for result in red), [r["statusDetails"] for r in red]
    assert TOKEN not in output and not any(TOKEN in path.read_text(errors="replace") for path in results.iterdir() if path.is_file())
    assert processes_naming(str(tmp_path)) == [] and list((tmp_path / "tmp").glob("e2e-stack-*")) == []


def _fake(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "fake_stack.py"
    script.write_text("".join(f"print({line!r}, flush=True)\n" for line in READY) + body)
    return [sys.executable, str(script)]


def test_a_workers_journey_learns_how_the_run_stack_ended_from_the_process_that_started_it(tmp_path: Path) -> None:
    """An xdist worker cannot wait for a process it did not start: the run's process notes the end, and the worker
    reads it (and the stack's stderr, redacted) from the run stack's folder, as it reads the stack's address book."""
    run_stack = RunStack()
    try:
        run_stack.start(lambda state: _fake(tmp_path, f"import sys\nprint({LAST_WORDS!r}, file=sys.stderr)\nsys.exit(3)\n"))
        assert run_stack.running is not None
        os.waitid(os.P_PID, run_stack.running.process.pid, os.WEXITED | os.WNOWAIT)  # ended (not reaped: its run stops it)
        worker = types.SimpleNamespace(stash=pytest.Stash(), workerinput={WORKER_INPUT_KEY: str(run_stack.directory)})
        end = stack_exit.ended(worker)  # type: ignore[arg-type]
        assert end is not None and end.status == 3 and end.last_words() == "RuntimeError: the emulator gave up on token <redacted JWT>"
        failure = stack_exit.StackExitedMidRun(end)
        assert classify(failure) == Cause(INFRASTRUCTURE, "the local stack exited mid-run (exit status 3): RuntimeError: the emulator gave up on token <redacted JWT>")
        assert isinstance(failure, Verdict)  # --infra-reruns does not try it again
        assert str(failure).startswith("the local stack exited mid-run (exit status 3): no journey can reach its B2C, Mobile ID or jwt.ms")
    finally:
        run_stack.stop()


def test_a_running_stack_and_one_stopped_on_purpose_have_not_exited(tmp_path: Path) -> None:
    running = Stack(tmp_path, command=_fake(tmp_path, "import time\ntime.sleep(60)\n"))
    try:
        assert stack_exit.stack_end(tmp_path, running.process.pid, str) is None
    finally:
        running.stop()
    assert not (tmp_path / EXIT_NOTE).exists()  # the run's own stop is no news


def test_a_stack_that_ended_unnoted_is_said_to_have_exited_without_a_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody noted how it ended (the process that started it gone too): said so after a short wait, not waited for without end."""
    monkeypatch.setattr(stack_exit, "NOTE_WAIT", 0.2)
    (tmp_path / STDERR_FILE).write_text(f"{LAST_WORDS}\n")
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # reaped, unnoted
    end = stack_exit.stack_end(tmp_path, ended.pid, Redaction().text)
    assert end is not None and end.how() == "its exit status unknown"
    assert end.last_words() == "RuntimeError: the emulator gave up on token <redacted JWT>"


# A made-up journey whose page is refused on its first attempt, while the stack still runs (an infrastructure failure,
# retried); the stack then ends (its exit noted) before the second attempt.
ENDS_BETWEEN_ATTEMPTS = '''
import os
import types
from pathlib import Path

import pytest

from fixtures.stack import EXIT_NOTE, OWN_STACK_KEY

STATE = Path(__file__).parent / "state"


def pytest_configure(config):
    STATE.mkdir(exist_ok=True)
    config.stash[OWN_STACK_KEY] = types.SimpleNamespace(state_dir=STATE, process=types.SimpleNamespace(pid=os.getpid()))


def pytest_runtest_makereport(item, call):
    if call.when == "setup" and call.excinfo is not None:
        (STATE / EXIT_NOTE).write_text("-9\\n")


@pytest.fixture
def sign_in_page():
    raise RuntimeError("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/")
'''


def test_an_attempt_begun_after_the_stack_ended_is_labelled_with_the_stacks_end_not_the_attempt_before(tmp_path: Path) -> None:
    """Each attempt has its own cause (fixtures/reporting.py): one ended before its set-up began is no exception."""
    (tmp_path / "conftest.py").write_text(ENDS_BETWEEN_ATTEMPTS)
    (tmp_path / "test_journey.py").write_text("def test_journey(sign_in_page):\n    pass\n")
    plugins = ("pytest_rerunfailures", "allure_pytest.plugin", "fixtures.retries", "fixtures.reporting", "fixtures.stack_exit")
    done = pytest_with_plugins(tmp_path, plugins, "--infra-reruns", "2")
    assert "1 error, 1 rerun" in done.stdout, done.stdout + done.stderr
    assert "\n1 x infrastructure: the local stack exited mid-run (killed by SIGKILL)\n" in done.stdout, done.stdout
    details = sorted(labels(result).get("cause_detail", "(none)")
                     for result in allure_results(tmp_path / "allure-results"))
    assert details == [host_refused_connections("contoso.b2clogin.com").detail, "the local stack exited mid-run (killed by SIGKILL)"]


def test_a_stack_that_wrote_nothing_is_said_without_an_empty_log() -> None:
    """Killed from outside (out of memory): the message points at the machine's log, with no empty "last lines" under it."""
    said = str(stack_exit.StackExitedMidRun(stack_exit.StackEnd(-9, "stack stderr (last lines):\n")))
    assert "it wrote nothing before it ended" in said and "stack stderr (last lines):" not in said, said
    assert "stack stderr (last lines):\nboom" in str(stack_exit.StackExitedMidRun(stack_exit.StackEnd(1, "stack stderr (last lines):\nboom")))


def test_a_stack_stopped_by_a_signal_is_said_so_not_as_an_exit_with_nothing_said() -> None:
    """A stack stopped by SIGTERM exits 0 (mocks/stack.py) and said nothing: the cause read "exited mid-run (exit status 0)
    ... something outside it ended it". Its last line now names the signal (mocks/common/process_start.py), and the cause
    quotes it."""
    from mocks.common import process_start

    assert stack_exit.STOPPED_BY == process_start.STOPPED_BY  # the suite imports no emulator code: one wording, held here
    end = stack_exit.StackEnd(0, "stack stderr (last lines):\nINFO:     Shutting down\nstopped by SIGTERM")
    failure = stack_exit.StackExitedMidRun(end)
    assert classify(failure) == Cause(INFRASTRUCTURE, "the local stack exited mid-run (stopped by SIGTERM)")
    assert "something outside it sent it SIGTERM" in str(failure) and "wrote nothing" not in str(failure), str(failure)
    quiet = stack_exit.StackExitedMidRun(stack_exit.StackEnd(0, "stack stderr (last lines):\n"))  # an older stack, or another's
    assert classify(quiet) == Cause(INFRASTRUCTURE, "the local stack exited mid-run (exit status 0)")
