"""What broke outside any journey still reaches the results (fixtures/run_results.py): a worker that crashed, a
file that does not import; and a results folder is emptied once per run, not again by each worker."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.suite_run import pytest_with_plugins

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
    return done, [json.loads(path.read_text()) for path in (tmp_path / "allure-results").glob("*-result.json")]


def labels(result: dict) -> dict[str, str]:
    return {label["name"]: label["value"] for label in result["labels"]}


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


def test_a_file_that_does_not_import_is_a_broken_result(tmp_path: Path) -> None:
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    (tmp_path / "test_broken.py").write_text("def test_broken(:\n    pass\n")
    done, results = run(tmp_path, "--continue-on-collection-errors", str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    [broken] = [result for result in results if result["status"] == "broken"]
    assert broken["name"] == "test_broken.py: not collected" and labels(broken)["outside_journeys"] == "true"
    assert labels(broken)["cause"] == "other"  # the suite's own file, not the product or the machine
    assert labels(broken)["cause_detail"].startswith("test_broken.py could not be collected: SyntaxError"), labels(broken)
    assert [result["name"] for result in results if result["status"] == "passed"] == ["test_fine"]
