"""fixtures/process_start.py: every pytest process of the suite collects garbage again, with its start frozen, once collection is done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.suite_run import tail

ROOT = Path(__file__).resolve().parents[2]

PROBE = '''
import gc, json, os

def pytest_sessionfinish(session):
    name = os.environ.get("PYTEST_XDIST_WORKER", "controller")
    state = {"on": gc.isenabled(), "frozen": gc.get_freeze_count() > 0}
    (__import__("pathlib").Path(os.environ["GC_PROBE_DIR"]) / name).write_text(json.dumps(state))
'''


@pytest.mark.parametrize("workers", ["0", "2"])
def test_the_collector_is_on_with_the_start_frozen_in_the_controller_and_every_worker(tmp_path: Path, workers: str) -> None:
    (tmp_path / "gcprobe.py").write_text(PROBE)
    (tmp_path / "test_nothing.py").write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    states = tmp_path / "states"
    states.mkdir()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")},
           "PYTHONPATH": str(tmp_path), "GC_PROBE_DIR": str(states)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "gcprobe", "-p", "no:cacheprovider", "-q", "-n", workers,
                           "--rootdir", str(ROOT), "-c", str(ROOT / "pytest.ini"), str(tmp_path / "test_nothing.py")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, tail(done.stdout, 2000) + tail(done.stderr, 2000)
    expected = {"controller"} | ({"gw0", "gw1"} if workers == "2" else set())
    assert {path.name: json.loads(path.read_text()) for path in states.iterdir()} == {
        name: {"on": True, "frozen": True} for name in expected}


@pytest.mark.parametrize("args", [["--collect-only", "-q", "tests/suite/test_process_start.py"], ["--fixtures", "tests/suite/test_process_start.py"]])
def test_a_collector_the_caller_turned_off_stays_off(args: list[str]) -> None:
    """pytest.main in a process whose collector is off: process_start turns on only what it turned off.
    (One that was on is on again after collection: the test above.)"""
    script = ("import gc, sys, pytest\ngc.disable()\n"
              f"pytest.main({args!r} + ['-p', 'no:cacheprovider'])\n"
              "print('collector on' if gc.isenabled() else 'collector off')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "collector off", tail(done.stdout, 2000) + tail(done.stderr, 2000)
