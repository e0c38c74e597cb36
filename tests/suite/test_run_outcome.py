"""A journey run that cannot test anything says so and fails: every journey skipped (fixtures/run_outcome.py), or
--headed with no display (fixtures/browser.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from scripts.tenant_mode_against_stack import tenant_mode_env

ROOT = Path(__file__).resolve().parents[2]


def pytest_e2e(*args: str) -> subprocess.CompletedProcess[str]:
    """``pytest e2e ARGS`` with the local defaults (nothing of the environment's or .env's suite settings) and no display."""
    env = {k: v for k, v in tenant_mode_env({}, dict(os.environ)).items()
           if not k.startswith("PYTEST_XDIST") and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(ROOT / "nonexistent-browsers")  # so WebKit is surely not installed
    return subprocess.run([sys.executable, "-m", "pytest", "e2e", "-p", "no:cacheprovider", "-q", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_journey_skipped_is_not_a_pass() -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--browser", "webkit")
    output = result.stdout + result.stderr
    assert result.returncode == 5, output[-2000:]
    skipped = re.search(r"no journey ran: all (\d+) were skipped \(e\.g\. webkit is not installed", output)
    assert skipped and f"{skipped.group(1)} skipped" in output, output[-2000:]


def test_a_shard_that_only_skips_is_left_to_the_quality_gate() -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--browser", "webkit", "--splits", "2", "--group", "1")
    assert result.returncode == 0 and "no journey ran" not in result.stdout, result.stdout[-2000:]


def test_a_collect_only_run_is_not_refused() -> None:
    result = pytest_e2e("-m", "smoke", "--collect-only", "--browser", "webkit")
    assert result.returncode == 0 and "no journey ran" not in result.stdout, result.stdout[-2000:]


def test_headed_without_a_display_stops_at_once_with_the_way_out() -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--headed")
    assert result.returncode == 4, (result.stdout + result.stderr)[-2000:]
    assert "--headed needs a display" in result.stderr and "xvfb-run" in result.stderr
    assert "passed" not in result.stdout and "error" not in result.stdout
