"""bench/report.py: the targets, ratios, verdicts, table and bench.json, on made-up numbers (no timing); bench/run.py's order of suite runs;
bench/anchor.py's start with a stand-in that never listens."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

from bench.report import Row, document, percentile, rows, table

POLICIES = ["B2C_1_signupsignin", "B2C_1A_signup_signin"]


def measurements(**overrides):
    m = {
        "policies": POLICIES,
        "journeys": {
            "anchor": [0.50, 0.60, 0.55, 0.52, 0.58],
            "sign_in:B2C_1_signupsignin": [0.58, 0.60, 0.61, 0.59, 0.90],  # median 0.60 -> 1.09x of 0.55
            "sign_in:B2C_1A_signup_signin": [0.70, 0.71, 0.72, 0.69, 0.70],  # median 0.70 -> 1.27x
            "sign_up:B2C_1_signupsignin": [0.80] * 5,
            "sign_up:B2C_1A_signup_signin": [0.90] * 5,
        },
        "cpu": {"anchor": [1.0, 1.0, 1.0], "sign_in:B2C_1_signupsignin": [1.1, 1.1, 1.1], "sign_in:B2C_1A_signup_signin": [1.3, 1.3, 1.3]},
        "suite": {"n1": 50.0, "n1_passed": True, "n2": 29.0, "n2_passed": True, "smoke": 12.0, "smoke_passed": True},
        "start": {"stack": [0.40, 0.45, 0.50], "anchor": [0.50, 0.50, 0.60]},
        "make_test_s": None,
        "make_test_note": "not run by bench",
    }
    m.update(overrides)
    return m


def by_target(m) -> dict[str, Row]:
    return {row.target: row for row in rows(m)}


def test_every_target_of_the_issue_has_a_row():
    names = list(by_target(measurements()))
    assert names == [
        "returning-user sign-in, B2C_1_signupsignin", "returning-user sign-in, B2C_1A_signup_signin",
        "sign-up, B2C_1_signupsignin", "sign-up, B2C_1A_signup_signin",
        "Chromium CPU per sign-in, both policies", "pytest e2e: -n 2 wall vs -n 1", "journey suite with -n 2",
        "smoke journeys (pytest e2e -m smoke)", "stack spawn to stack-ready", "make test",
    ]


def test_ratios_are_medians_over_the_anchors_median():
    got = by_target(measurements())
    assert got["returning-user sign-in, B2C_1_signupsignin"].ratio == pytest.approx(0.60 / 0.55)
    assert got["returning-user sign-in, B2C_1_signupsignin"].met is True  # 1.09 <= 1.1, the 0.90 outlier is only the p95
    assert got["returning-user sign-in, B2C_1_signupsignin"].ours_p95 == 0.90
    assert got["returning-user sign-in, B2C_1A_signup_signin"].met is False  # 1.27 > 1.1
    assert got["sign-up, B2C_1A_signup_signin"].ratio == pytest.approx(0.90 / 0.55)
    assert got["sign-up, B2C_1A_signup_signin"].met is False
    assert got["sign-up, B2C_1_signupsignin"].met is True


def test_cpu_pools_both_policies_sign_ins():
    row = by_target(measurements())["Chromium CPU per sign-in, both policies"]
    assert row.ours == pytest.approx(1.2) and row.anchor == 1.0
    assert row.met is True  # 1.2000000000000002: floating-point noise, judged as 1.2x


def test_a_ratio_over_its_target_by_less_than_rounding_does_not_meet_it():
    row = Row("t", "s", 1.105, 1.0, 1.1, True)
    assert row.met is False and "1.105x" in table([row])


def test_suite_and_start_targets():
    got = by_target(measurements())
    assert got["pytest e2e: -n 2 wall vs -n 1"].ratio == pytest.approx(0.58) and got["pytest e2e: -n 2 wall vs -n 1"].met
    assert got["journey suite with -n 2"].met is True and got["journey suite with -n 2"].ratio is None
    assert got["smoke journeys (pytest e2e -m smoke)"].met is False
    assert got["stack spawn to stack-ready"].ratio == pytest.approx(0.45 / 0.50)


def test_missing_measurements_are_not_measured_not_met():
    got = by_target(measurements(suite={}, make_test_s=None))
    assert got["journey suite with -n 2"].met is None
    assert got["make test"].met is None
    assert by_target(measurements(make_test_s=170.0))["make test"].met is True
    text = table(rows(measurements(suite={})))
    assert "not measured" in text and "NOT MET" in text


def test_a_failing_suite_run_is_noted():
    row = by_target(measurements(suite={"n1": 50.0, "n1_passed": True, "n2": 20.0, "n2_passed": False}))["journey suite with -n 2"]
    assert "failing" in row.note


def test_bench_json_has_samples_summaries_and_verdicts():
    doc = json.loads(json.dumps(document(measurements(machine={"cores": 2, "cpu_model": "AMD EPYC"}))))
    assert doc["machine"]["cores"] == 2
    assert doc["journeys_s"]["anchor"]["median"] == 0.55 and doc["journeys_s"]["anchor"]["n"] == 5
    assert doc["journeys_s"]["anchor"]["p95"] == 0.60
    verdicts = {t["target"]: t["met"] for t in doc["targets"]}
    assert verdicts["smoke journeys (pytest e2e -m smoke)"] is False and verdicts["make test"] is None


def test_percentile_nearest_rank():
    assert percentile([3.0], 0.95) == 3.0
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == 10
    assert percentile([5, 1, 3], 0.5) == 3
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_suite_timings_alternate_their_order_and_keep_every_run(monkeypatch) -> None:
    import bench.run as run

    ran: list[str] = []
    seconds = iter(range(1, 7))

    def suite_wall(pytest: list[str], args: list[str]) -> tuple[float, bool, float]:
        ran.append(" ".join(args))
        second = float(next(seconds))
        return second, True, second / 4  # each run's own cores busy: a sample keeps the run's, not another's

    monkeypatch.setattr(run, "suite_wall", suite_wall)
    samples = run.suite_walls(["pytest"], 2)
    assert ran == ["-n 1", "-n 2", "-m smoke", "-m smoke", "-n 2", "-n 1"]
    assert samples == {"n1": [(1.0, True, 0.25), (6.0, True, 1.5)], "n2": [(2.0, True, 0.5), (5.0, True, 1.25)],
                       "smoke": [(3.0, True, 0.75), (4.0, True, 1.0)]}


def test_a_suite_runs_cores_busy_are_the_machines_busy_seconds_over_its_wall_time(monkeypatch) -> None:
    """bench/run.py suite_wall: the machine's busy CPU seconds while the run ran, over its wall seconds."""
    import subprocess
    import types

    import bench.run as run

    busy, clock = iter([1000.0, 1030.0]), iter([50.0, 70.0])
    monkeypatch.setattr(run, "machine_busy_seconds", lambda: next(busy))
    monkeypatch.setattr(run, "time", types.SimpleNamespace(monotonic=lambda: next(clock)))
    monkeypatch.setattr(run, "subprocess", types.SimpleNamespace(
        run=lambda command, **kwargs: subprocess.CompletedProcess(command, 0, "1 passed", ""), PIPE=subprocess.PIPE, STDOUT=subprocess.STDOUT))
    assert run.suite_wall(["pytest"], ["-n", "2"]) == (20.0, True, 1.5)  # 30 busy seconds in 20: one and a half cores


def test_the_workers_row_says_how_many_cores_each_run_kept_busy() -> None:
    """Whether a second worker had a core to use: the machine's busy cores beside the -n 2 / -n 1 ratio."""
    m = measurements(suite={"n1": 50.0, "n1_passed": True, "n2": 30.0, "n2_passed": True, "n1_cores_busy": 1.214, "n2_cores_busy": 1.667},
                     machine={"cores": 2})
    assert by_target(m)["pytest e2e: -n 2 wall vs -n 1"].note == "anchor column: -n 1; cores busy on average (the machine's, of 2): -n 1 1.21, -n 2 1.67"
    older = measurements(suite={"n1": 50.0, "n1_passed": True, "n2": 30.0, "n2_passed": True})  # a kept run from before they were measured
    assert by_target(older)["pytest e2e: -n 2 wall vs -n 1"].note == "anchor column: -n 1"


def test_busy_seconds_are_every_cores_work_without_idle_iowait_or_steal() -> None:
    from bench.cpu import TICK, busy_seconds

    #                    user nice system idle iowait irq softirq steal guest guest_nice
    line = "cpu  1000 20 300 90000 400 5 6 700 0 0\ncpu0 500 10 150 45000 200 2 3 350 0 0\n"
    assert busy_seconds(line) == (1000 + 20 + 300 + 5 + 6) / TICK


def test_the_make_test_target_is_judged_from_the_seconds_written_for_it(monkeypatch, tmp_path) -> None:
    """README, Speed: write a warm `make test`'s seconds to bench-results/make-test-seconds to have that target judged."""
    import bench.run as run

    monkeypatch.setattr(run, "ROOT", tmp_path)
    monkeypatch.setattr(run, "OUT", tmp_path / "bench-results")
    assert run.last_commit() is None  # tmp_path is no checkout: no commit to compare with
    assert run.make_test_seconds(None) == (None, "not run by bench: write the seconds of a warm `make test` to bench-results/make-test-seconds")
    (tmp_path / "bench-results").mkdir()
    (tmp_path / "bench-results" / "make-test-seconds").write_text("205.6\n")
    os.utime(tmp_path / "bench-results" / "make-test-seconds", (1796050800, 1796050800))
    monkeypatch.setattr(run, "last_commit", lambda: (1796050800 - 60, "c0ffee1"))  # written after the code's last commit
    assert run.make_test_seconds(None) == (205.6, "from bench-results/make-test-seconds, written 2026-11-30 15:00 UTC")
    monkeypatch.setattr(run, "last_commit", lambda: (1796050800 + 60, "c0ffee2"))  # a file from older code: not this code's
    assert run.make_test_seconds(None) == (None, "bench-results/make-test-seconds was written 2026-11-30 15:00 UTC, before the last "
                                                 "commit (c0ffee2, 2026-11-30 15:01 UTC): not judged; write a warm `make test`'s seconds there again")
    assert run.make_test_seconds(190.0) == (190.0, "given with --make-test-seconds")
    (tmp_path / "bench-results" / "make-test-seconds").write_text("about 3 minutes")
    assert run.make_test_seconds(None) == (None, "bench-results/make-test-seconds does not hold a number of seconds")


def test_the_benchs_runs_keep_their_evidence_apart_and_leave_no_lock_behind() -> None:
    """A pytest run empties its --output as it starts, and holds a lock file beside it: the bench's runs keep their
    evidence apart from the last `make e2e`'s (./test-results/), and its lock goes when the bench ends, where
    bench-results/.evidence.lock stayed after every `make bench`. (A run of bench/journeys.py that selects none of them
    takes its evidence folder as the bench's runs do, and starts no browser.)"""
    import subprocess
    from pathlib import Path

    import bench.run as run
    from fixtures.results_lock import lock_path
    from tests.suite_run import suite_env

    before = set(run.OUT.iterdir()) if run.OUT.is_dir() else set()
    with run.pytest_command() as pytest:
        [output] = [Path(arg.removeprefix("--output=")) for arg in pytest if arg.startswith("--output=")]
        assert output.resolve() != (run.ROOT / "test-results").resolve()
        done = subprocess.run([*pytest, "bench/journeys.py", "-k", "no_such_journey"], cwd=run.ROOT, env=suite_env(),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 5 and lock_path(output).is_file(), done.stdout + done.stderr  # the run held it: none selected
    assert not lock_path(output).exists() and not output.exists()
    assert (set(run.OUT.iterdir()) if run.OUT.is_dir() else set()) <= before  # nothing of the run's in bench-results/


def test_quick_means_2_rounds_3_start_pairs_and_1_suite_round():
    from bench.run import options

    quick = options(["--quick"])
    assert (quick.rounds, quick.starts, quick.suite_rounds) == (2, 3, 1)
    full = options([])
    assert (full.rounds, full.starts, full.suite_rounds) == (5, 5, 2)
    with pytest.raises(SystemExit):
        options(["--suite-rounds", "0"])


def test_the_readmes_speed_table_is_the_run_it_names() -> None:
    """README, Speed: each ratio and verdict in its table is the kept run's (docs/bench/...json), not copied by hand."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text()
    [kept] = re.findall(r"\[docs/bench/([\w.-]+\.json)\]", readme)
    run = json.loads((root / "docs" / "bench" / kept).read_text())
    # The prose above the table: the run's load and make test, and the earlier run it compares with, from their files.
    prose = " ".join(readme.split("## Speed", 1)[1].split("\n\n| Target |", 1)[0].split())
    assert f"load average {run['machine']['load_average_at_start'][0]:.1f}" in prose and f"({run['make_test_s']:.1f} s on the same code" in prose
    [earlier_file] = re.findall(r"`docs/bench/([\w.-]+\.json)`: the anchor's", prose)
    earlier = json.loads((root / "docs" / "bench" / earlier_file).read_text())
    journeys, ratios = earlier["journeys_s"], [t["ratio"] for t in earlier["targets"][:2]]  # the two sign-ins'
    assert (f"the anchor's {journeys['anchor']['median']:.2f} s, our sign-in {journeys['sign_in:B2C_1_signupsignin']['median']:.2f} s, "
            f"ratios {ratios[0]:.3f} × and {ratios[1]:.3f} ×") in prose
    table = readme.split("## Speed", 1)[1].split("\n\n| Target |", 1)[1].split("\n\n", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    ratios = [row[3] for row in rows if row[3]]
    assert ratios == [f"{t['ratio']:.3f} ×" for t in run["targets"] if t["ratio"] is not None and t["relative"]], (ratios, run["targets"])
    assert [row[5] for row in rows] == ["yes" if t["met"] else "no" for t in run["targets"]], rows
    # The reasons below the table: the cores one and two workers kept busy, and the best two could do, from that run.
    reasons = " ".join(readme.split("## Speed", 1)[1].split("\n\n| Target |", 1)[1].split("\n## ", 1)[0].split())
    suite, cores = run["suite_wall_s"], run["machine"]["cores"]
    one, two = suite["n1_cores_busy"], suite["n2_cores_busy"]
    assert (f"One worker keeps {one:.2f} of the {cores} cores busy on average, two workers {two:.2f}" in reasons
            and f"at least {one:.2f} / {cores} = {one / cores:.2f} ×" in reasons), reasons
    # And each measured figure, as its cell rounds it: the median, then its p95 where the run has one.
    for row, target in zip(rows, run["targets"], strict=True):
        for cell, keys in ((row[1], ("ours", "ours_p95")), (row[2], ("anchor", "anchor_p95"))):
            shown = re.findall(r"(?<![\w.])\d+(?:\.\d+)?", cell)
            measured = [target[key] for key in keys if target[key] is not None]
            assert [float(number) for number in shown] == [round(value, len(number.partition(".")[2]))
                                                            for value, number in zip(measured, shown, strict=True)], (cell, target)


def test_an_anchor_that_never_says_it_listens_stops_the_bench_naming_it_and_its_last_lines(tmp_path) -> None:
    """Anchor.start waited for the listening line with no limit: an oidc-provider that never listens held `make bench` for ever."""
    from bench.anchor import Anchor

    # A stand-in anchor: says what Node would, then stays without listening
    stand_in = [sys.executable, "-c", "import sys, time\nprint('booting', flush=True)\n"
                "print('Error: cannot find module oidc-provider', file=sys.stderr, flush=True)\ntime.sleep(600)"]
    started = time.monotonic()
    with pytest.raises(SystemExit) as stopped:
        Anchor.start(tmp_path, command=stand_in, limit=1.0)
    said = str(stopped.value)
    assert time.monotonic() - started < 30, "the limit did not stop the wait"
    assert said.startswith("bench: the anchor (oidc-provider, bench/anchor.mjs) did not start: it printed no "
                           "'anchor-listening:' line within 1 s."), said
    assert "  booting\n  Error: cannot find module oidc-provider\n" in said, said


def test_an_anchor_that_exits_before_it_listens_says_so_with_its_last_lines(tmp_path) -> None:
    from bench.anchor import Anchor

    stand_in = [sys.executable, "-c", "import sys\nsys.exit('listen EADDRINUSE: address already in use')"]
    with pytest.raises(SystemExit) as stopped:
        Anchor.start(tmp_path, command=stand_in, limit=60.0)
    assert "did not start: it exited (1) first. Its last output lines:\n  listen EADDRINUSE" in str(stopped.value), stopped.value
