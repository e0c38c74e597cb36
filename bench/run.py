"""``make bench``: how fast the local stack and the journeys are.

Reports the stack's start time (spawn to ready line), each journey's median and
95th percentile over repeated runs (call phase only, one worker so runs don't
disturb each other), and the whole suite's wall time with 1 and 2 workers.
Targets on a 2-core machine: a sign-in journey under 1 s median; the whole
local suite under 60 s with ``-n 2``. Results: ``bench-results/bench.json``.

    python bench/run.py [--repeat N] [--stack-starts N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.stack import Stack  # noqa: E402

SIGN_IN_TARGET_S = 1.0
SUITE_TARGET_S = 60.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def stack_start_times(count: int) -> list[float]:
    times = []
    for _ in range(count):
        with tempfile.TemporaryDirectory(prefix="bench-stack-") as state_dir:
            stack = Stack(Path(state_dir))
            times.append(stack.info.started_in)
            stack.stop()
    return times


def run_suite(workers: int, junit: Path) -> float:
    command = [
        sys.executable, "-m", "pytest", "e2e", "-q", "-p", "no:cacheprovider", "-n", str(workers),
        f"--junitxml={junit}", "-o", "junit_duration_report=call",
    ]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-15:])
        raise SystemExit(f"the suite failed during the benchmark (workers={workers}); fix it first:\n{tail}")
    return elapsed


def journey_times(junit: Path) -> dict[str, float]:
    return {
        f"{case.get('classname')}::{case.get('name')}": float(case.get("time") or 0)
        for case in ElementTree.parse(junit).iter("testcase")
        if case.find("skipped") is None
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="suite runs with 1 worker for journey statistics")
    parser.add_argument("--stack-starts", type=int, default=5)
    args = parser.parse_args()
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)

    print(f"stack start: {args.stack_starts} starts ...", flush=True)
    starts = stack_start_times(args.stack_starts)

    per_journey: dict[str, list[float]] = defaultdict(list)
    walls: dict[int, list[float]] = {1: [], 2: []}
    for run in range(1, args.repeat + 1):
        print(f"suite run {run}/{args.repeat} with 1 worker ...", flush=True)
        junit = out / f"run-{run}.xml"
        walls[1].append(run_suite(1, junit))
        for name, seconds in journey_times(junit).items():
            per_journey[name].append(seconds)
    for run in range(1, 3):
        print(f"suite run {run}/2 with 2 workers ...", flush=True)
        walls[2].append(run_suite(2, out / f"run-n2-{run}.xml"))

    print(f"\nstack start (spawn to ready): median {statistics.median(starts):.2f} s, max {max(starts):.2f} s")
    print(f"\n{'journey':<100} {'median':>8} {'p95':>8}")
    for name in sorted(per_journey):
        values = per_journey[name]
        print(f"{name[:100]:<100} {statistics.median(values):>7.2f}s {percentile(values, 0.95):>7.2f}s")
    sign_in = [statistics.median(v) for k, v in per_journey.items() if k.startswith("e2e.test_sign_in::")]
    suite_n2 = statistics.median(walls[2])
    print(f"\nsuite wall time: 1 worker {statistics.median(walls[1]):.1f} s, 2 workers {suite_n2:.1f} s")
    verdicts = {
        f"sign-in journey median < {SIGN_IN_TARGET_S:g} s": bool(sign_in) and max(sign_in) < SIGN_IN_TARGET_S,
        f"suite with -n 2 < {SUITE_TARGET_S:g} s": suite_n2 < SUITE_TARGET_S,
    }
    for target, met in verdicts.items():
        print(f"target {target}: {'met' if met else 'MISSED'}")
    (out / "bench.json").write_text(json.dumps({
        "stack_start_s": starts,
        "journeys": {k: {"median": statistics.median(v), "p95": percentile(v, 0.95), "runs": v} for k, v in per_journey.items()},
        "suite_wall_s": {str(k): v for k, v in walls.items()},
        "targets": verdicts,
    }, indent=2))
    print(f"results: {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
