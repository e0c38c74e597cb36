"""scripts/selfcheck.py: a fault counts as caught only by a failure naming its registry symptom."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from pathlib import Path

import pytest

from mocks.faults import Fault
from scripts import selfcheck
from scripts.selfcheck import Failure, Verdict

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.value)
def test_a_failure_with_the_faults_example_message_catches_it(fault: Fault) -> None:
    verdict = Verdict(fault, [Failure("e2e/test_x.py::test_y", fault.declaration.example, fault.cause_name)], 1.0)
    assert verdict.caught and verdict.diagnosed == verdict.failed


def test_a_failure_naming_something_else_is_not_a_diagnosis() -> None:
    verdict = Verdict(Fault.WRONG_AUDIENCE, [Failure("e2e/test_x.py::test_y", "TimeoutError: page.click: Timeout 15000ms exceeded", "page changed")], 1.0)
    assert verdict.failed and not verdict.caught


def test_a_run_that_stops_before_any_journey_is_not_called_passing(tmp_path: Path) -> None:
    """A journey setting the run refuses (here: an unknown browser) must not read as "every journey passed"."""
    verdict = selfcheck.run_journeys(Fault.WRONG_AUDIENCE, 0, tmp_path / "junit.xml", ["e2e/test_sign_in.py", "--browser", "netscape"])
    assert not verdict.caught and verdict.failed == []
    assert verdict.not_run is not None and "exit 4" in verdict.not_run and "netscape" in verdict.not_run, verdict.not_run


def test_a_faults_run_keeps_its_evidence_apart_from_the_last_make_e2es(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-playwright empties its --output as a run starts: with its default, ./test-results/, every fault's run
    removed the evidence of the last `make e2e` (and of the faults checked beside it)."""
    import subprocess

    ran: list[list[str]] = []

    def run(command: list[str], **popen: object) -> subprocess.CompletedProcess[str]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 5, "", "")

    monkeypatch.setattr(selfcheck.RUNNING, "run", run)
    for name in ("wrong-audience-first.xml", "wrong-audience-all.xml"):
        selfcheck.run_journeys(Fault.WRONG_AUDIENCE, 1, tmp_path / name, ["e2e"])
    outputs = [Path(arg.removeprefix("--output=")) for command in ran for arg in command if arg.startswith("--output=")]
    assert len(outputs) == 2 and len(set(outputs)) == 2 and all(output.parent == tmp_path for output in outputs), ran


def test_each_verdict_says_what_the_self_check_prints_under_its_fault() -> None:
    fault = Fault.WRONG_AUDIENCE
    caught = Verdict(fault, [Failure("e2e/test_a.py::test_b", fault.declaration.example, fault.cause_name)], 12.4)
    assert selfcheck.said(caught) == f"caught in 12 s by e2e/test_a.py::test_b, filed under ID token contract:\n      {fault.declaration.example[:300]}"
    # Caught in a fixture: one bracket, the journey's "(in setup)", not the cause in a second after it
    in_setup = Verdict(fault, [Failure("e2e/test_a.py::test_b (in setup)", fault.declaration.example, fault.cause_name)], 3.0)
    assert selfcheck.said(in_setup).startswith("caught in 3 s by e2e/test_a.py::test_b (in setup), filed under ID token contract:\n")
    misfiled = Verdict(fault, [Failure("e2e/test_a.py::test_b", fault.declaration.example, "page changed")], 12.4)
    assert not misfiled.caught
    # A looser match filed otherwise, in the run of every journey, takes back no journey's right catch
    both = Verdict(fault, [Failure("e2e/test_c.py::test_d", "ID token aud checked by hand", "other"), *caught.failed], 12.4)
    assert both.caught and selfcheck.said(both).startswith("caught in 12 s by e2e/test_a.py::test_b, filed under ID token contract"), selfcheck.said(both)
    assert selfcheck.said(misfiled) == ("MISFILED: e2e/test_a.py::test_b names it, but the report files it under 'page changed', "
                                        f"not 'ID token contract':\n      {fault.declaration.example[:300]}")
    other = Verdict(fault, [Failure("e2e/test_a.py::test_b", "TimeoutError: page.click")], 3.0)
    assert selfcheck.said(other).startswith(f"NOT DIAGNOSED: 1 journey(s) failed, none naming /{fault.symptom}/; e.g. e2e/test_a.py::test_b")
    assert selfcheck.said(Verdict(fault, [], 1.0, not_run="exit 4: no journey collected")) == "NOT CHECKED: exit 4: no journey collected"
    assert selfcheck.said(Verdict(fault, [], 1.0)) == "NOT CAUGHT: every journey passed"


def test_make_selfcheck_checks_only_the_faults_named() -> None:
    import subprocess

    root = Path(__file__).resolve().parents[2]
    venv = f"VENV={root / '.venv'}"
    named = subprocess.run(["make", "-s", "-n", "selfcheck", "FAULTS=slow-idp wrong-audience", "WORKERS=2", venv], cwd=root, capture_output=True,
                           text=True, timeout=60).stdout.splitlines()[-1]
    assert named.endswith("scripts/selfcheck.py --workers 2 --fault slow-idp --fault wrong-audience"), named
    every = subprocess.run(["make", "-s", "-n", "selfcheck", venv], cwd=root, capture_output=True, text=True, timeout=60).stdout
    assert "--fault" not in every, every


@pytest.mark.parametrize(("workers", "at_a_time"), [("3", "3"), ("0", "1"), ("auto", str(os.cpu_count())), ("logical", str(os.cpu_count()))])
def test_make_selfcheck_takes_every_workers_value_make_test_takes(workers: str, at_a_time: str) -> None:
    """`make test WORKERS=auto` (or logical, or 0, pytest's own values) runs the self-check too: it checks one fault per
    core (or one), where it was handed `--workers auto` and refused it."""
    import subprocess

    root = Path(__file__).resolve().parents[2]
    planned = subprocess.run(["make", "-s", "-n", "selfcheck", f"WORKERS={workers}", f"VENV={root / '.venv'}"], cwd=root,
                             capture_output=True, text=True, timeout=60, check=True)
    assert planned.stdout.rstrip().endswith(f"scripts/selfcheck.py --workers {at_a_time}") and not planned.stderr, planned


def test_a_failure_is_said_once_by_its_message(tmp_path: Path) -> None:
    """pytest's JUnit XML repeats the message in the traceback after "E": the self-check's line gives it once, with the
    cause the suite filed it under (a property of the test case; none for an error outside the journeys' own)."""
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite><testcase classname="e2e.test_a" name="test_b"><properties><property name="cause" '
                     'value="ID token contract"/><property name="cause_detail" value="nonce: missing"/></properties>'
                     '<failure message="JourneyFailure: ID token has no nonce">def test_b():\nE   JourneyFailure: ID token has no nonce'
                     '</failure></testcase><testcase classname="e2e.test_a" name="test_c"><error>Traceback: boom</error></testcase>'
                     '<testcase classname="run" name="the run was stopped"><error message="the run was stopped before its journeys '
                     'ended (stopping after 1 failures): its results are partial"/></testcase></testsuite></testsuites>')
    assert selfcheck.failures(junit) == [Failure("e2e.test_a::test_b", "JourneyFailure: ID token has no nonce", "ID token contract"),
                                         Failure("e2e.test_a::test_c", "Traceback: boom")]


def test_a_fixtures_failure_is_said_by_its_message_as_the_terminals_causes_say_it(tmp_path: Path) -> None:
    """Most faults fail the sign-up a journey's fixture runs: pytest's JUnit XML words it 'failed on setup with
    "fixtures.causes.JourneyFailure: ..."', which the self-check printed whole, cut at 300 characters, where docs/suite.md's
    table gives the message ("ID token aud is ..."): the message, and "(in setup)" after the journey, as the causes say it."""
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite><testcase classname="e2e.test_a" name="test_b"><error message="failed on setup with '
                     '&quot;fixtures.causes.JourneyFailure: ID token aud is \'x\', expected client id \'y\'&quot;">E   boom</error>'
                     '</testcase><testcase classname="e2e.test_a" name="test_c"><failure message="fixtures.causes.JourneyFailure: '
                     'B2C\'s journey cookies must be SameSite=None"/></testcase></testsuite></testsuites>')
    assert selfcheck.failures(junit) == [Failure("e2e.test_a::test_b (in setup)", "JourneyFailure: ID token aud is 'x', expected client id 'y'"),
                                         Failure("e2e.test_a::test_c", "JourneyFailure: B2C's journey cookies must be SameSite=None")]


def test_a_bare_asserts_failure_is_said_by_its_message_without_pytests_introspection(tmp_path: Path) -> None:
    """A journey's ``assert claims["idp"] in idp, "..."``: pytest appends "assert 'google.com' in (...)" and the values
    again; the self-check's line is the message. An assert without a message keeps pytest's words, which are all it has."""
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite><testcase classname="e2e.test_a" name="test_b"><failure message="AssertionError: '
                     "ID token idp is 'google.com', expected 'mobileid.ch'&#10;assert 'google.com' in ('mobileid.ch',)&#10;"
                     " +  where 'google.com' = claims['idp']\"/></testcase><testcase classname=\"e2e.test_a\" name=\"test_c\">"
                     '<failure message="AssertionError: assert 1 == 2"/></testcase><testcase classname="e2e.test_a" name="test_d">'
                     '<failure message="assert 1 == 2&#10; +  where 1 = len(claims)"/></testcase></testsuite></testsuites>')
    assert selfcheck.failures(junit) == [Failure("e2e.test_a::test_b", "AssertionError: ID token idp is 'google.com', expected 'mobileid.ch'"),
                                         Failure("e2e.test_a::test_c", "AssertionError: assert 1 == 2"),
                                         # pytest's words on the first line are all the message there is: kept
                                         Failure("e2e.test_a::test_d", "assert 1 == 2 + where 1 = len(claims)")]


def test_a_fault_not_caught_fails_the_self_check_and_its_last_line_counts_it(monkeypatch: pytest.MonkeyPatch,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`make selfcheck` (and so `make test`) fails when any fault goes uncaught, and says how many were: the journeys here
    stand in for runs where one fault is caught and the other passes every journey."""
    def journeys_with(fault: Fault, workers: int, directory: Path) -> Verdict:
        return Verdict(fault, [Failure("e2e/test_a.py::test_b", fault.declaration.example, fault.cause_name)] if fault is Fault.WRONG_AUDIENCE else [], 1.0)

    monkeypatch.setattr(selfcheck, "run_with_fault", journeys_with)
    monkeypatch.setattr("sys.argv", ["selfcheck.py", "--fault", "wrong-audience", "--fault", "wrong-idp"])
    assert selfcheck.main() == 1
    said = capsys.readouterr().out
    assert said.rstrip().endswith("selfcheck: 1 of 2 faults caught") and "wrong-idp: " in said and "NOT CAUGHT: every journey passed" in said
    monkeypatch.setattr("sys.argv", ["selfcheck.py", "--fault", "wrong-audience"])
    assert selfcheck.main() == 0 and capsys.readouterr().out.rstrip().endswith("selfcheck: 1 of 1 faults caught")


def test_faults_are_named_to_the_self_check_as_to_the_stack(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """make selfcheck FAULTS=wrong_audiance was refused with argparse's list of 17 choices, and FAULTS=a,b (as
    E2E_STACK_FAULTS and the stack's --fault take two) as one unknown name: named as the stack names them, in the order given."""
    checked: list[Fault] = []

    def journeys_with(fault: Fault, workers: int, directory: Path) -> Verdict:
        checked.append(fault)
        return Verdict(fault, [Failure("e2e/test_a.py::test_b", fault.declaration.example, fault.cause_name)], 1.0)

    monkeypatch.setattr(selfcheck, "run_with_fault", journeys_with)
    monkeypatch.setattr("sys.argv", ["selfcheck.py", "--workers", "1", "--fault", "wrong-idp,wrong-audience", "--fault", "wrong-idp"])
    assert selfcheck.main() == 0
    assert checked == [Fault.WRONG_IDP, Fault.WRONG_AUDIENCE], checked
    assert capsys.readouterr().out.rstrip().endswith("selfcheck: 2 of 2 faults caught")
    for given, said in [("wrong_audiance", "error: unknown fault 'wrong_audiance' (did you mean wrong-audience?); known faults: foreign-signing-key, "),
                        (",", "error: --fault ',' names no fault; leave --fault out to check every one")]:
        monkeypatch.setattr("sys.argv", ["selfcheck.py", "--fault", given])
        with pytest.raises(SystemExit) as refused:
            selfcheck.main()
        assert refused.value.code == 2 and said in capsys.readouterr().err
    assert checked == [Fault.WRONG_IDP, Fault.WRONG_AUDIENCE], "a refused name began a check"


def test_ctrl_c_stops_the_self_check_without_beginning_the_faults_left(monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C while a fault is checked: the faults not begun are not run (the pool would have run each of them first),
    and the self-check says it stopped, with the shell's status for Ctrl-C."""
    import concurrent.futures
    import threading

    begun: list[Fault] = []
    stopped = threading.Event()

    def checked(fault: Fault, workers: int, directory: Path) -> Verdict:
        begun.append(fault)
        if len(begun) == 1:
            stopped.wait(10)  # being checked when Ctrl-C comes; its pytest heard it too and ends as the self-check stops its runs
        return Verdict(fault, [], 1.0, not_run="pytest ran no journey (exit 2): interrupted")

    def pressed(self: concurrent.futures.Future[Verdict], timeout: float | None = None) -> Verdict:
        raise KeyboardInterrupt  # Ctrl-C while the self-check waits for its first fault's verdict

    from scripts.process_group import Children

    stops: list[bool] = []
    running = Children()  # this test's: a stopped one starts nothing more, which would reach the tests after it
    stop = running.stop

    def stopping(told: bool) -> None:
        # Released once the self-check stops its runs, the faults left cancelled by then (a pytest that heard Ctrl-C ends
        # seconds later): released at the first fault's cancel, its thread could take the next before the rest were
        # cancelled (a busy machine's scheduling), which no self-check's Ctrl-C meets.
        stops.append(told)
        stopped.set()
        stop(told)

    monkeypatch.setattr(running, "stop", stopping)
    monkeypatch.setattr(selfcheck, "RUNNING", running)
    monkeypatch.setattr(selfcheck, "run_with_fault", checked)
    monkeypatch.setattr(concurrent.futures.Future, "result", pressed)
    monkeypatch.setattr("sys.argv", ["selfcheck.py", "--workers", "1", "--fault", "wrong-audience", "--fault", "wrong-idp",
                                     "--fault", "missing-auth-time"])
    assert selfcheck.main() == 130
    assert len(begun) <= 1, begun  # one worker: at most the fault being checked
    assert stops == [False]  # its runs heard Ctrl-C from the terminal: not told again
    assert "selfcheck: stopped (Ctrl-C) after 0 of 3 faults were reported; no verdict" in capsys.readouterr().err


def test_sigterm_to_the_self_check_alone_stops_the_fault_being_checked_and_begins_no_other(tmp_path: Path) -> None:
    """SIGTERM to the self-check alone (CI cancelling, ``kill``): its pytest runs, started from the pool's threads, hear
    nothing of it, so it passes it on to the one running and waits for it to stop, begins no other, and ends with one
    line and the shell's status for SIGTERM. SIGTERM again while it waits is held, not a traceback cutting the stop short."""
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    # Each fault's "pytest": says it began, then waits to be told to stop, says that too, and stops once released (its
    # journey ending).
    child = ("import os, pathlib, signal, sys, time\n"
             f"folder = pathlib.Path({str(tmp_path)!r})\n"
             "def told(*_):\n"
             "    (folder / 'told').touch()\n"
             "    while not (folder / 'release').exists(): time.sleep(0.02)\n"
             "    sys.exit(2)\n"
             "signal.signal(signal.SIGTERM, told)\n"
             # Written whole, then named: a SIGTERM the test sends as soon as it sees the name cannot cut the writing short.
             "(folder / 'pgid').write_text(str(os.getpgid(0)))\n"
             "(folder / 'pgid').rename(folder / f'began-{len(list(folder.glob(\"began-*\")))}')\n"
             "time.sleep(60)\n")
    script = tmp_path / "selfcheck_stopped.py"
    # A child not told would be waited for that long: the test's own deadline below fails first.
    script.write_text(f"import sys\nsys.path.insert(0, {str(root)!r})\nfrom scripts import process_group, selfcheck\n"
                      "process_group.STOPS_WITHIN = 600\n"
                      f"selfcheck.RUNNING.run = lambda command, run=selfcheck.RUNNING.run, **popen: run([sys.executable, '-c', {child!r}])\n"
                      "sys.argv = ['selfcheck.py', '--workers', '1', '--fault', 'wrong-audience', '--fault', 'wrong-idp']\n"
                      "sys.exit(selfcheck.main())\n")
    # In a session of its own, so a failure below ends its stand-in runs too; in that group, as in a terminal's.
    running = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("began-*")):
            assert time.monotonic() < deadline and running.poll() is None, running.communicate()
            time.sleep(0.02)
        running.send_signal(signal.SIGTERM)
        while not (tmp_path / "told").exists():
            assert time.monotonic() < deadline and running.poll() is None, running.communicate()
            time.sleep(0.02)
        running.send_signal(signal.SIGTERM)  # again, while the self-check waits for the run it told
        (tmp_path / "release").touch()
        _, said = running.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.pid, signal.SIGKILL)
    assert running.returncode == 128 + signal.SIGTERM, said
    assert said.strip() == "selfcheck: stopped (SIGTERM) after 0 of 2 faults were reported; no verdict", said
    assert (tmp_path / "told").exists()  # the fault's pytest was told, not left to run on or killed
    assert [path.name for path in tmp_path.glob("began-*")] == ["began-0"]  # the other fault was not begun
    # In the self-check's process group: Ctrl-C at a terminal reaches the faults' pytest runs too (README).
    assert (tmp_path / "began-0").read_text() == str(running.pid)


def test_a_run_that_goes_on_after_it_was_told_is_told_again_and_ends(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A fault's pytest still running STOPS_WITHIN seconds after the stop (its journey long, or it never heard Ctrl-C) is
    sent SIGTERM again, which ends a pytest at once, its stack first (fixtures/stop_signal.py); here a child that takes
    only the second."""
    import sys
    import threading
    import time

    from scripts import process_group
    from scripts.process_group import Children

    # Long enough that two SIGTERMs a child did not get the CPU between (a busy machine) do not arrive as one.
    monkeypatch.setattr(process_group, "STOPS_WITHIN", 1.0)
    child = ("import pathlib, signal, sys, time\n"
             f"folder = pathlib.Path({str(tmp_path)!r})\n"
             "heard = []\n"
             "def told(*_):\n"
             "    heard.append(1)\n"
             "    (folder / f'told-{len(heard)}').touch()\n"
             "    if len(heard) == 2: sys.exit(2)\n"
             "signal.signal(signal.SIGTERM, told)\n"
             "(folder / 'began').touch()\n"
             "while True: time.sleep(0.05)\n")
    children = Children()
    done: list[object] = []
    running = threading.Thread(target=lambda: done.append(children.run([sys.executable, "-c", child])))
    running.start()
    deadline = time.monotonic() + 30
    while not (tmp_path / "began").exists():
        assert time.monotonic() < deadline, "the child did not start"
        time.sleep(0.02)
    children.stop(told=True)
    running.join(30)
    assert not running.is_alive() and done[0].returncode == 2, done  # type: ignore[attr-defined]
    assert sorted(path.name for path in tmp_path.glob("told-*")) == ["told-1", "told-2"]  # ended by the second, not killed


def test_once_the_self_check_is_stopping_no_run_begins() -> None:
    """A fault's thread between its two pytest runs (the first caught nothing) begins no second one once the self-check
    is stopping: a status that reads as interrupted (the verdict then says not checked), and nothing started."""
    from scripts.process_group import Children

    children = Children()
    children.stop(told=True)
    done = children.run(["/nonexistent/never-started"])
    assert (done.returncode, done.stderr) == (130, "not started: the script was stopping")


@pytest.mark.parametrize(("cores", "at_a_time", "workers"), [(8, 8, 1), (8, 2, 4), (2, 2, 1), (1, 2, 1)])
def test_a_faults_every_journey_run_shares_the_cores_with_the_faults_checked_meanwhile(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cores: int, at_a_time: int, workers: int) -> None:
    """A fault its own journeys did not name runs every journey, with the cores its share (WORKERS=auto checks one fault
    per core: each with one pytest worker per core would start cores² browsers)."""
    runs: list[int] = []

    def journeys(fault: Fault, n: int, junit: Path, selection: list[str]) -> Verdict:
        runs.append(n)
        return Verdict(fault, [], 1.0)  # nothing caught: the every-journey run follows

    monkeypatch.setattr(selfcheck, "run_journeys", journeys)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    selfcheck.run_with_fault(Fault.WRONG_IDP, at_a_time, tmp_path)
    assert runs == [0, workers]


def test_make_selfcheck_given_workers_that_are_no_count_is_refused_naming_workers(tmp_path: Path) -> None:
    """make selfcheck WORKERS=abc printed selfcheck.py's usage and "argument --workers: invalid int value", naming no setting
    of make's. Refused by make in one line, as make e2e refuses it, before the self-check starts (BIN's python stands in)."""
    bin_folder, ran = tmp_path / "bin", tmp_path / "ran"
    bin_folder.mkdir()
    (bin_folder / "python").write_text(f"#!/bin/sh\ntouch {ran}\n")
    (bin_folder / "python").chmod(0o755)
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", "selfcheck", "WORKERS=abc", f"BIN={bin_folder}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    said = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert done.returncode == 2 and not ran.exists(), done.stdout + done.stderr
    assert said == ["selfcheck: not started: WORKERS=abc is not a number of workers: give a count (WORKERS=2; 0 runs the journeys in "
                    "pytest's own process), auto or logical (one per core)"], done.stderr
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", "selfcheck", "WORKERS=auto", f"BIN={bin_folder}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and ran.exists(), done.stdout + done.stderr
