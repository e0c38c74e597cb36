"""A journey run that cannot test anything says so and fails: every journey skipped (fixtures/run_outcome.py), or
--headed with no display (fixtures/browser.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pytest_e2e(*args: str) -> subprocess.CompletedProcess[str]:
    """``pytest e2e ARGS`` with the local defaults and no display (as on CI)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("E2E_", "B2C_", "MOBILEID_", "PYTEST_XDIST")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(ROOT / "nonexistent-browsers")  # so WebKit is surely not installed
    return subprocess.run([sys.executable, "-m", "pytest", "e2e", "-p", "no:cacheprovider", "-q", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_journey_skipped_is_not_a_pass() -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--browser", "webkit")
    output = result.stdout + result.stderr
    assert result.returncode == 5, output[-2000:]
    assert "no journey ran: all 6 were skipped (e.g. webkit is not installed" in output


def test_a_collect_only_run_is_not_refused() -> None:
    result = pytest_e2e("-m", "smoke", "--collect-only", "--browser", "webkit")
    assert result.returncode == 0 and "no journey ran" not in result.stdout, result.stdout[-2000:]


def test_headed_without_a_display_stops_at_once_with_the_way_out() -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--headed")
    assert result.returncode == 4, (result.stdout + result.stderr)[-2000:]
    assert "--headed needs a display" in result.stderr and "xvfb-run" in result.stderr
    assert "passed" not in result.stdout and "error" not in result.stdout
