"""``make bench``: our journeys and stack side by side with panva/oidc-provider, in one run.

1. Start times, interleaved: ``python -m mocks serve`` (spawn to ``stack-ready``, started as the
   suite starts it: a fresh state directory with the kept signing keys) and oidc-provider
   (bench/anchor.mjs, spawn to listening).
2. Journeys, interleaved in ONE headless Chromium with the suite's launch flags (bench/journeys.py):
   the anchor's login + consent journey, a returning user's sign-in and a sign-up per policy, each
   from the first navigation to a verified ID token, with the browser's CPU time for each.
3. Suite wall times, start to exit: ``pytest e2e -n 1``, ``pytest e2e -n 2``, ``pytest e2e -m smoke``,
   ``--suite-rounds`` times (default 2), each round in the other order than the one before; medians, and how many
   of the machine's cores were busy on average meanwhile (whether a second worker had a core to use).
4. ``make test``: not run here (it takes minutes); read from bench-results/make-test-seconds when
   present (one number, seconds), or given with --make-test-seconds.

Prints the table of the issue's targets (ours, anchor, ratio, target, verdict) and writes
bench-results/bench.json.

    python bench/run.py [--quick] [--rounds N] [--starts N] [--suite-rounds N] [--no-suite] [--chromium-flag FLAG ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.anchor import Anchor  # noqa: E402
from bench.cpu import machine_busy_seconds  # noqa: E402
from bench.report import document, rows, table  # noqa: E402
from fixtures.stack import Stack  # noqa: E402

OUT = ROOT / "bench-results"


@contextlib.contextmanager
def pytest_command() -> Iterator[list[str]]:
    """pytest as the bench runs it, while the bench runs. Its runs' evidence goes to a folder of the bench's own: a run
    empties its --output as it starts (the default, ./test-results/, holds the last `make e2e`'s), and holds a lock file
    beside it while it lives (fixtures/results_lock.py). Both are in a temporary folder that goes when the bench ends: in
    bench-results/ the lock stayed among the bench's results (bench-results/.evidence.lock)."""
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as folder:
        yield [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--output={Path(folder) / 'evidence'}"]


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    return {"cores": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()}


def start_times(count: int) -> dict[str, list[float]]:
    """Spawn-to-ready of our stack and of oidc-provider, alternating so both see the same machine."""
    times: dict[str, list[float]] = {"stack": [], "anchor": []}
    with tempfile.TemporaryDirectory(prefix="bench-start-") as directory:
        tls = Path(directory) / "anchor-tls"
        tls.mkdir()
        for number in range(count + 1):  # the first pair warms the page cache and is not counted
            state = Path(directory) / f"stack-{number}"
            state.mkdir()
            stack = Stack(state)
            stack.stop()
            anchor = Anchor.start(tls)
            anchor.stop()
            if number:
                times["stack"].append(stack.info.started_in)
                times["anchor"].append(anchor.started_in)
    return times


def journeys(pytest: list[str], rounds: int, flags: list[str]) -> dict[str, Any]:
    out = OUT / "journeys.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_ROUNDS": str(rounds), "BENCH_OUT": str(out), "BENCH_CHROMIUM_FLAGS": " ".join(flags)}
    command = [*pytest, "bench/journeys.py", "-n", "0", "--timeout", "0", "--tb=short"]
    result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0 or not out.is_file():
        tail = "\n".join(result.stdout.splitlines()[-25:])
        raise SystemExit(f"bench: the side-by-side journeys failed; fix them first:\n{tail}")
    results: dict[str, Any] = json.loads(out.read_text())
    return results


def suite_wall(pytest: list[str], args: list[str]) -> tuple[float, bool, float]:
    """Wall time of ``pytest e2e ARGS``, whether it passed, and the machine's cores busy on average meanwhile."""
    busy, started = machine_busy_seconds(), time.monotonic()
    result = subprocess.run([*pytest, "e2e", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - started
    cores_busy = (machine_busy_seconds() - busy) / elapsed
    if result.returncode != 0:
        print("  failed: " + (result.stdout.strip().splitlines() or ["(no output)"])[-1], flush=True)
    return elapsed, result.returncode == 0, cores_busy


SUITE_RUNS = (("n1", "pytest e2e -n 1", ["-n", "1"]), ("n2", "pytest e2e -n 2", ["-n", "2"]), ("smoke", "pytest e2e -m smoke", ["-m", "smoke"]))


def suite_walls(pytest: list[str], rounds: int) -> dict[str, list[tuple[float, bool, float]]]:
    """Each suite timing ``rounds`` times, every other round in reverse order, so neither -n 1 nor -n 2 always goes first."""
    samples: dict[str, list[tuple[float, bool, float]]] = {key: [] for key, _, _ in SUITE_RUNS}
    for number in range(rounds):
        for key, label, pytest_args in (SUITE_RUNS if number % 2 == 0 else SUITE_RUNS[::-1]):
            print(f"{label} ({number + 1}/{rounds}) ...", flush=True)
            samples[key].append(suite_wall(pytest, pytest_args))
    return samples


def last_commit() -> tuple[float, str] | None:
    """The time and short hash of the checkout's last commit; None outside a git checkout."""
    done = subprocess.run(["git", "log", "-1", "--format=%ct %h"], cwd=ROOT, capture_output=True, text=True, check=False)
    seconds, _, commit = done.stdout.strip().partition(" ")
    return (float(seconds), commit) if done.returncode == 0 and seconds.isdigit() else None


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


def make_test_seconds(given: float | None) -> tuple[float | None, str]:
    if given is not None:
        return given, "given with --make-test-seconds"
    path = OUT / "make-test-seconds"
    if path.is_file():
        try:
            seconds = float(path.read_text().strip())
        except ValueError:
            return None, f"{path.relative_to(ROOT)} does not hold a number of seconds"
        written = path.stat().st_mtime
        # A file left by a run of older code is not this code's make test.
        if (commit := last_commit()) is not None and written < commit[0]:
            return None, (f"{path.relative_to(ROOT)} was written {_utc(written)}, before the last commit ({commit[1]}, {_utc(commit[0])}): "
                          "not judged; write a warm `make test`'s seconds there again")
        return seconds, f"from {path.relative_to(ROOT)}, written {_utc(written)}"
    return None, "not run by bench: write the seconds of a warm `make test` to bench-results/make-test-seconds"


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of every journey (default 5)")
    parser.add_argument("--starts", type=int, default=5, help="start-time pairs (default 5)")
    parser.add_argument("--suite-rounds", type=int, default=2, help="runs of each suite timing, in alternating order (default 2)")
    parser.add_argument("--quick", action="store_true", help="2 rounds, 3 start pairs and 1 suite round instead of 5, 5 and 2")
    parser.add_argument("--no-suite", action="store_true", help="skip the suite wall times (their targets show 'not measured')")
    parser.add_argument("--chromium-flag", action="append", default=[], metavar="FLAG", help="a trial flag for both journeys' browser")
    parser.add_argument("--make-test-seconds", type=float, help="the wall time of a warm `make test`, measured elsewhere")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.starts, args.suite_rounds = min(args.rounds, 2), min(args.starts, 3), 1
    if args.rounds < 1 or args.starts < 1 or args.suite_rounds < 1:
        parser.error("--rounds, --starts and --suite-rounds must be at least 1")
    return args


def main() -> int:
    args = options()
    OUT.mkdir(exist_ok=True)

    m: dict[str, Any] = {"machine": machine(), "options": {"rounds": args.rounds, "starts": args.starts, "suite_rounds": args.suite_rounds,
                                                           "chromium_flags": args.chromium_flag}}
    print(f"bench on {m['machine']['cores']} cores ({m['machine']['cpu_model']}), load {m['machine']['load_average_at_start'][0]:.1f}", flush=True)
    print(f"start times: {args.starts} pairs (stack, oidc-provider) ...", flush=True)
    m["start"] = start_times(args.starts)
    with pytest_command() as pytest:
        print(f"journeys: {args.rounds} interleaved rounds in one Chromium ...", flush=True)
        m.update(journeys(pytest, args.rounds, args.chromium_flag))
        m["suite"] = {}
        if not args.no_suite:
            m["suite_samples"] = suite_walls(pytest, args.suite_rounds)
            for key, samples in m["suite_samples"].items():
                m["suite"][key] = statistics.median(seconds for seconds, _, _ in samples)
                m["suite"][f"{key}_passed"] = all(passed for _, passed, _ in samples)
                m["suite"][f"{key}_cores_busy"] = statistics.median(busy for _, _, busy in samples)
    m["make_test_s"], m["make_test_note"] = make_test_seconds(args.make_test_seconds)

    print()
    print(table(rows(m)))
    path = OUT / "bench.json"
    path.write_text(json.dumps(document(m), indent=2))
    print(f"\nresults: {path.relative_to(ROOT)} (medians, p95 and every sample)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
