"""tests/suite_run.py's helpers for the tests' own child runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.suite_run import processes_naming, suite_env, tail

ROOT = Path(__file__).resolve().parents[2]


def test_tail_keeps_whole_lines_of_a_long_output_and_the_end_of_a_long_last_line() -> None:
    lines = "\n".join(f"line {n:04d}" for n in range(1000))
    assert tail("short\n") == "short\n"
    cut = tail(lines, 100)
    assert cut.startswith("[...]\nline ") and cut.endswith("line 0999") and len(cut) <= 106
    one_long_line = "a\n" + "y" * 5000
    assert tail(one_long_line, 100) == "[...]\n" + "y" * 100  # not nothing: the end of the line that holds the failure


def test_processes_naming_a_folder_are_those_naming_it_whole_but_this_one(tmp_path: Path) -> None:
    """The leftover-process check (tests/conftest.py): a run's basetemp /tmp/pytest-12 is no prefix of another run's
    /tmp/pytest-123, and pytest's own --basetemp=... is no process it left running."""
    base = str(tmp_path / "pytest-12")
    # Each says it runs first: Popen returns once the child's exec has begun, before the kernel has set its command line.
    sleep = "import time; print('running', flush=True); time.sleep(30)"
    inside, other = (subprocess.Popen([sys.executable, "-c", sleep, path], stdout=subprocess.PIPE, text=True)
                     for path in (f"{base}/popen-gw0", f"{base}3/popen-gw0"))
    try:
        assert [process.stdout.readline() for process in (inside, other) if process.stdout] == ["running\n"] * 2
        assert processes_naming(base) == [inside.pid]
        assert processes_naming(f"{base}3") == [other.pid]
    finally:
        for process in (inside, other):
            process.kill()
            process.wait()


def test_the_run_itself_is_no_process_left_running_under_its_basetemp(tmp_path: Path) -> None:
    """--basetemp=... names the folder on pytest's own command line: not a process its tests left running."""
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/test_common_keys.py", "-q", "-p", "no:cacheprovider", "-n", "0",
                           f"--basetemp={tmp_path / 'base'}"], cwd=ROOT, env=suite_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "still run after them" not in done.stdout, done.stdout[-2000:]


def test_the_tests_journey_runs_take_no_base_url_from_the_shell_that_runs_them(monkeypatch) -> None:
    """A journey run refuses pytest-playwright's base URL (fixtures/settings_plugin.py base_url_given): a PYTEST_BASE_URL
    left in the shell of `make test` (another project's) stopped every journey run these tests start, each a failure."""
    from tests.suite_run import pytest_e2e

    monkeypatch.setenv("PYTEST_BASE_URL", "https://fabrikam.b2clogin.com")
    listed = pytest_e2e("--collect-only", "-k", "test_first_sign_in_creates_the_user_from_mobile_id")
    assert listed.returncode == 0, tail(listed.stdout + listed.stderr, 2000)
