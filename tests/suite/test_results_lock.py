"""fixtures/results_lock.py: a second run writing the same results folder is refused at once, naming the first, and
deletes nothing of the first's (it deleted the first's results and rendered them among its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.results_lock import IN_USE, hold_folder, lock_path
from tests.suite_run import pytest_e2e

ROOT = Path(__file__).resolve().parents[2]


def check(*folders: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fixtures.results_lock", *map(str, folders)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_a_pytest_run_refuses_a_results_folder_another_run_writes_and_leaves_its_results(tmp_path: Path) -> None:
    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "first-run-result.json").write_text("{}")
    with hold_folder(results, "pytest e2e (the first run)"):
        done = pytest_e2e("--collect-only", f"--alluredir={results}", "--clean-alluredir", f"--output={tmp_path / 'evidence'}")
    said = done.stdout + done.stderr
    assert done.returncode == 4, said
    assert f"pid {os.getpid()}: pytest e2e (the first run)" in said and "being written by another run" in said, said
    assert (results / "first-run-result.json").is_file()


def test_make_report_and_make_e2e_refuse_a_results_folder_another_run_writes(tmp_path: Path) -> None:
    """README: a results folder another run is writing is refused at once, naming that run, by make e2e (before its
    pytest, which would delete the other's results) and by make report (which would render them half-written); and by
    make e2e and make smoke an evidence folder another run is writing (their start empties it)."""
    from fixtures.commands import venv_for_make
    from tests.suite_run import suite_env

    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "first-run-result.json").write_text("{}")
    ran = tmp_path / "ran"
    with hold_folder(results, "pytest e2e (the first run)"):
        said = {target: subprocess.run(["make", "--no-print-directory", "-o", "setup", target, f"VENV={venv_for_make()}", f"PYTEST=touch {ran} && :",
                                        f"RESULTS_DIR={results}", f"REPORT_DIR={tmp_path / 'report'}"], cwd=ROOT, capture_output=True,
                                       text=True, timeout=60, env=suite_env()) for target in ("report", "e2e")}
    for target, done in said.items():
        assert done.returncode == 2 and f"{target}: not started: another run is writing {results}/" in done.stderr, done.stderr
        assert f"pid {os.getpid()}: pytest e2e (the first run)" in done.stderr, done.stderr
    assert not ran.exists() and (results / "first-run-result.json").is_file() and not (tmp_path / "report").exists()
    evidence = tmp_path / "test-results"  # their evidence folder held (a plain `pytest e2e` in another terminal): the same
    with hold_folder(evidence, "pytest e2e -m smoke (another run)"):
        said = {target: subprocess.run(["make", "--no-print-directory", "-o", "setup", target, f"VENV={venv_for_make()}", f"PYTEST=touch {ran} && :",
                                        f"RESULTS_DIR={results}", f"EVIDENCE_DIR={evidence}", f"JUNIT={tmp_path / 'junit.xml'}"],
                                       cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env()) for target in ("e2e", "smoke")}
    for target, done in said.items():
        assert done.returncode == 2 and f"{target}: not started: another run is writing {results}/ or {evidence}/" in done.stderr, done.stderr
        assert f"{evidence} is being written by another run (pid {os.getpid()}: pytest e2e -m smoke (another run))" in done.stderr
        assert "an evidence folder of its own (make's EVIDENCE_DIR=..., pytest's --output" in done.stderr, done.stderr  # make's name, as RESULTS_DIR's
    assert not ran.exists() and (results / "first-run-result.json").is_file()


def test_make_runs_its_checks_with_the_working_folder_off_the_import_path(tmp_path: Path) -> None:
    """PYTHONSAFEPATH=1 in the shell: make's check of the results folder (python -m fixtures.results_lock) said "No module
    named fixtures", which make took for a folder another run writes."""
    from fixtures.commands import venv_for_make
    from tests.suite_run import suite_env

    done = subprocess.run(["make", "--no-print-directory", "report", f"VENV={venv_for_make()}", f"RESULTS_DIR={tmp_path / 'none'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env={**suite_env(), "PYTHONSAFEPATH": "1"})
    assert done.returncode == 2 and f"report: no results folder {tmp_path / 'none'}/" in done.stderr, done.stderr


def test_the_check_says_whether_a_run_holds_the_folder_and_which(tmp_path: Path) -> None:
    results = tmp_path / "allure-results"
    assert check(results).returncode == 0  # no run ever: nothing made
    with hold_folder(results, "make e2e"):
        held = check(results)
        assert held.returncode == IN_USE and f"pid {os.getpid()}: make e2e" in held.stderr, (held.returncode, held.stderr)
    assert lock_path(results) == tmp_path / ".allure-results.lock" and check(results).returncode == 0  # let go with its file
    assert "make e2e" in lock_path(results).read_text()  # the question takes no lock a run could be refused for, writes nothing
    assert lock_path(tmp_path / "link-to-results") != lock_path(results)
    (tmp_path / "link-to-results").symlink_to(results, target_is_directory=True)
    assert lock_path(tmp_path / "link-to-results") == lock_path(results) == lock_path(Path(f"{results}/"))


def test_the_refusal_names_an_evidence_folder_of_its_own_too(tmp_path: Path) -> None:
    """A second run that takes the refusal's advice with a results folder alone still empties the first's evidence
    (pytest's --output, test-results/ by default, is emptied as a run starts): the refusal names both."""
    results = tmp_path / "allure-results"
    with hold_folder(results, "make e2e"):
        said = check(results).stderr
    assert "--alluredir" in said and "--output" in said, said


def test_a_run_refuses_an_evidence_folder_another_run_writes_and_empties_none_of_it(tmp_path: Path) -> None:
    """Two runs with results folders of their own shared the evidence folder (test-results/ by default), which the second
    emptied as it started: the traces and screenshots of the first's failed journeys went. Held as the results folder is."""
    evidence = tmp_path / "test-results"
    (evidence / "e2e-a-failed-journey").mkdir(parents=True)
    (evidence / "e2e-a-failed-journey" / "trace.zip").write_text("the first run's")
    with hold_folder(evidence, "pytest e2e (the first run)"):
        done = pytest_e2e("-m", "smoke", f"--alluredir={tmp_path / 'allure-results'}", f"--output={evidence}")
        held = check(tmp_path / "allure-results", evidence)
    said = done.stdout + done.stderr
    assert done.returncode == 4, said
    assert f"{evidence} is being written by another run (pid {os.getpid()}: pytest e2e (the first run))" in said, said
    assert (evidence / "e2e-a-failed-journey" / "trace.zip").read_text() == "the first run's"
    assert held.returncode == IN_USE and held.stderr.count("being written by another run") == 1 and str(evidence) in held.stderr
    assert check(tmp_path / "allure-results", evidence).returncode == 0


def test_make_reports_hold_lasts_as_long_as_the_descriptor_its_shell_opened(tmp_path: Path) -> None:
    """make report's shell opens the lock file (--lock-file says where) and the helper takes the lock through that descriptor:
    held after the helper is gone, while the shell (here this process) keeps it open; a second is refused naming it."""
    import fcntl

    report = tmp_path / "allure-report"
    where = subprocess.run([sys.executable, "-m", "fixtures.results_lock", "--lock-file", str(report)], cwd=ROOT, capture_output=True,
                           text=True, timeout=60, check=True).stdout.strip()
    assert Path(where) == lock_path(report)
    Path(where).write_text("pid 1: make report\n")  # an earlier render's, whose lock went with its shell
    with open(where, "ab") as shells:
        took = subprocess.run([sys.executable, "-m", "fixtures.results_lock", "--hold", f"{shells.fileno()}={report}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, pass_fds=(shells.fileno(),))
        assert took.returncode == 0, took.stderr
        assert Path(where).read_text() == f"pid {os.getpid()}: make report\n"  # the caller's pid: the shell's
        with open(where, "ab") as seconds:
            refused = subprocess.run([sys.executable, "-m", "fixtures.results_lock", "--hold", f"{seconds.fileno()}={report}"], cwd=ROOT,
                                     capture_output=True, text=True, timeout=60, pass_fds=(seconds.fileno(),))
        assert refused.returncode == IN_USE and f"{report} is being rendered already (pid {os.getpid()}: make report)" \
            in refused.stderr, refused.stderr
    with open(where, "ab") as after:  # the first descriptor closed: free
        fcntl.flock(after, fcntl.LOCK_EX | fcntl.LOCK_NB)


@pytest.mark.parametrize(("pair", "said"), [
    ("99={report}", "descriptor 99 is not open on {lock}: open it there first (exec 99>>\"$(python -m fixtures.results_lock "
                    "--lock-file {report})\""),
    ("x={report}", "not FD=PATH (a descriptor's number, then the folder or file to lock)"),
    ("8", "not FD=PATH (a descriptor's number, then the folder or file to lock)"),
], ids=["descriptor not open", "no number", "no path"])
def test_a_hold_given_wrongly_says_what_to_give_not_an_errno_or_a_traceback(tmp_path: Path, pair: str, said: str) -> None:
    """--hold's usage errors name what is wrong and how make report's shell does it (was: '[Errno 9] Bad file descriptor',
    a ValueError's traceback for a descriptor that is no number)."""
    report = tmp_path / "allure-report"
    done = subprocess.run([sys.executable, "-m", "fixtures.results_lock", "--hold", pair.format(report=report)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and said.format(report=report, lock=lock_path(report)) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Errno" not in done.stderr, done.stderr


def test_two_runs_starting_at_once_both_make_the_parent_of_their_results_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """make shard-check's two shards start together, their results folders in one parent not there yet: the second to make
    it found it made by the first between its look and its mkdir, and its run stopped with "the results folder cannot be made
    there (File exists)". Here the look says missing and the folder is there, as it is for the second of the two."""
    parent = tmp_path / "shards"
    parent.mkdir()  # made by the other run, after this one looked
    real_exists = Path.exists
    monkeypatch.setattr(Path, "exists", lambda self, **kwargs: False if self == parent else real_exists(self, **kwargs))
    with hold_folder(parent / "allure-results-2", "pytest e2e (shard 2)"):
        assert lock_path(parent / "allure-results-2").read_text() == f"pid {os.getpid()}: pytest e2e (shard 2)\n"
