"""The nightly's sharding and merge, run here: two shards, merged, one report, every journey once.

    python scripts/shard_check.py [--select="-m smoke"] [--workers 1] [--out shard-check]

Runs the same make targets as the workflows (``make shard``, ``make merge-results``,
``make nightly-report``) over the journeys ``pytest e2e SELECT`` collects, then checks
against that collection: each journey ran in exactly one shard (JUnit XML), the merged
Allure results hold each journey once (by historyId; retries are attempts of one
journey), and the report counts each once (``summary.json``, ``test-results.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from defusedxml import ElementTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # scripts.* as the tests import them: one module, not a second copy

from fixtures.commands import venv_for_make  # noqa: E402
from fixtures.run_results import JUNIT_RUN_CLASS  # noqa: E402
from scripts.merge_results import journeys  # noqa: E402
from scripts.process_group import signals_held, stop_group  # noqa: E402

SHARDS = 2
DEFAULT_OUT = ROOT / "shard-check"
OWN_MARK = ".shard-check"  # in --out: the folder is a check's own, emptied by the next


def collected(select: list[str]) -> list[str]:
    command = [sys.executable, "-m", "pytest", "e2e", *select, "--collect-only", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"shard check: collection failed ({shlex.join(command)}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return [line.strip() for line in done.stdout.splitlines() if "::" in line]


def junit_id(nodeid: str) -> tuple[str, str]:
    """A node id as JUnit XML names it: (classname, name)."""
    path, *parts = nodeid.split("::")
    module = path.removesuffix(".py").replace("/", ".")
    return ".".join([module, *parts[:-1]]), parts[-1]


def junit_cases(report: Path) -> list[tuple[str, str]]:
    """The journeys in a shard's JUnit XML: not the cases the run writes of itself (a stop and its reasons)."""
    tree = ElementTree.parse(report)
    return [(case.get("classname", ""), case.get("name", "")) for case in tree.iter("testcase") if case.get("classname") != JUNIT_RUN_CLASS]


def did_not_run(report: Path, said: list[str]) -> str | None:
    """Why a shard ran no journey (make says 2 for any failure; its JUnit XML tells whether pytest ran): the reasons a
    run stopped before any journey writes there (fixtures/run_results.py write_junit_stopped), else its log's end; None
    when it ran journeys."""
    cases = list(ElementTree.parse(report).iter("testcase")) if report.is_file() else []
    if any(case.get("classname") != JUNIT_RUN_CLASS for case in cases):
        return None
    reasons = [_named(case.get("name", ""), outcome.get("message", "")) for case in cases for outcome in case if outcome.tag in ("failure", "error")]
    return "\n".join(reasons or said[-15:])


def _named(name: str, message: str) -> str:
    """A stop's message, with its case's name in front unless it begins with it already (most do)."""
    return message if message.startswith(name) else f"{name}: {message}"


def counting_problems(expected: list[str], shard_cases: list[list[tuple[str, str]]], shard_journeys: list[set[str]],
                      merged_count: int, report_counts: tuple[int, int] | None) -> list[str]:
    """What is wrong with the counts: each collected journey in exactly one shard, once in the results and report."""
    problems = []
    wanted = {junit_id(nodeid): nodeid for nodeid in expected}
    # Once per shard: pytest's JUnit XML lists a test twice when its teardown errs after a failure.
    ran = [case for cases in shard_cases for case in set(cases)]
    for case, nodeid in wanted.items():
        if ran.count(case) != 1:
            problems.append(f"{nodeid} ran {ran.count(case)} times across the shards")
    problems += [f"{'::'.join(case)} ran but was not collected" for case in sorted(set(ran) - set(wanted))]
    if any(not cases for cases in shard_cases):
        problems.append("a shard ran no journey: the split is not balanced")
    in_several = set().union(*(a & b for i, a in enumerate(shard_journeys) for b in shard_journeys[i + 1:]))
    if in_several:
        problems.append(f"{len(in_several)} journeys have results in more than one shard")
    if merged_count != len(expected):
        problems.append(f"merged results hold {merged_count} journeys, {len(expected)} were collected")
    total, listed = report_counts or (len(expected), len(expected))  # no report: already a problem
    if total != len(expected) or listed != len(expected):
        problems.append(f"the report counts {total} tests and lists {listed}, {len(expected)} were collected")
    return problems


def make_command(target: str, **variables: str) -> list[str]:
    command = ["make", "--no-print-directory", target, *(f"{key}={value}" for key, value in variables.items())]
    print(f"shard check: {shlex.join(command)}", flush=True)
    return command


def make_env() -> dict[str, str]:
    """This environment without the calling make's job flags (its variables stay): run by ``make -j2`` (make test), a
    make started here would find the jobserver's descriptors closed and warn "jobserver unavailable"."""
    env = dict(os.environ)
    for name in ("MAKEFLAGS", "MFLAGS"):
        if name in env:
            env[name] = " ".join(word for word in env[name].split() if not word.startswith(("-j", "--jobserver")))
    return env


def make(target: str, **variables: str) -> int:
    return subprocess.run(make_command(target, **variables), cwd=ROOT, env=make_env()).returncode


def start_make(log: Path, target: str, **variables: str) -> subprocess.Popen[bytes]:
    """``make TARGET`` started in the background, its output to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:  # a process group of its own: make, pytest, its workers, stack and browsers
        return subprocess.Popen(make_command(target, **variables), cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True, env=make_env())


def empty_own_folder(out: Path) -> None:
    """``out`` emptied for this check, and marked as its own: the default folder, a new or empty one, or one an earlier
    check wrote; any other (--out ~/Desktop) is refused (SystemExit), its files left where they are."""
    if out.exists() and out != DEFAULT_OUT and not (out / OWN_MARK).is_file() and (not out.is_dir() or any(out.iterdir())):
        raise SystemExit(f"shard check: --out {out} holds files that are not an earlier check's, which it would delete: "
                         "give a new or empty folder")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / OWN_MARK).touch()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--select", default="", help='pytest selection of the journeys, e.g. "-m smoke" (default: all)')
    parser.add_argument("--workers", default="1", help="xdist workers per shard (default 1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where shards, merged results and report go (default "
                        "shard-check/; emptied first: another must be new, empty, or an earlier check's)")
    parser.add_argument("--venv", default=venv_for_make(), help="virtual environment make uses")
    args = parser.parse_args(argv)
    try:
        select = shlex.split(args.select)
    except ValueError as error:  # an unclosed quote
        raise SystemExit(f"shard check: --select {args.select!r}: {error}; give it as a shell would, e.g. --select=\"-m smoke\"") from None
    out = args.out.resolve()
    try:
        empty_own_folder(out)
    except OSError as error:
        raise SystemExit(f"shard check: --out {out} cannot be made ({error.strerror or error}: {error.filename}): "
                         "give a new or empty folder in a place you can write") from None

    expected = collected(select)
    if not expected:
        raise SystemExit(f"shard check: pytest e2e {args.select} collects no journey")
    problems: list[str] = []
    shard_journeys: list[set[str]] = []
    shard_cases: list[list[tuple[str, str]]] = []
    if make("setup", VENV=args.venv) != 0:  # once, before two shards would each bring the same environment up to date
        raise SystemExit("shard check: make setup failed")
    # The shards run at the same time, as on the nightly's separate machines: each with its own log and its own
    # folder for failure evidence (pytest-playwright empties its output folder when a run starts).
    shards = {group: out / f"shard-{group}" for group in range(1, SHARDS + 1)}
    results = {group: out / "shards" / f"allure-results-{group}" for group in shards}  # as CI downloads them (merge-results)
    running: dict[int, subprocess.Popen[bytes]] = {}
    try:  # each shard known as soon as it has started: Ctrl-C while the next one starts stops it too
        for group, shard in shards.items():
            with signals_held((signal.SIGINT,)):  # make may run before Popen returns: the stop waits for its handle
                running[group] = start_make(shard / "make.log", "shard", VENV=args.venv, SHARD=str(group), SHARDS=str(SHARDS),
                                            SELECT=f"{args.select} -q", WORKERS=args.workers, RESULTS_DIR=str(results[group]),
                                            JUNIT=str(shard / "junit.xml"), EVIDENCE_DIR=str(shard / "test-results"))
        statuses = {group: process.wait() for group, process in running.items()}
    finally:  # interrupted: no shard (its stack, its browser) outlives the check; SIGINT first, so pytest stops its stack
        for process in running.values():
            if process.poll() is None:
                stop_group(process, (signal.SIGINT, signal.SIGKILL), wait=30)
    for group, shard in shards.items():
        said = [line for line in (shard / "make.log").read_text(errors="replace").splitlines() if line.strip()]
        print(f"shard check: shard {group}: {said[-1] if said else '(no output)'} (log: {shard / 'make.log'})", flush=True)
        if (why := did_not_run(shard / "junit.xml", said)) is not None:
            raise SystemExit(f"shard check: shard {group} did not run (make exit {statuses[group]}, no journey in its JUnit XML):\n{why}")
        status = statuses[group]
        if status != 0:
            problems.append(f"shard {group}: journeys failed (see the report)")
        shard_cases.append(junit_cases(shard / "junit.xml"))
        shard_journeys.append(set(journeys(results[group])))
    merged = out / "merged"
    if make("merge-results", VENV=args.venv, SHARDS_DIR=str(out / "shards"), RESULTS_DIR=str(merged)) != 0:
        raise SystemExit("shard check: merge failed")
    report = out / "report"
    if make("nightly-report", VENV=args.venv, RESULTS_DIR=str(merged), REPORT_DIR=str(report), ALLURE_HISTORY_PATH=str(out / "history.jsonl")) != 0:
        problems.append("nightly-report failed (report, notification or quality gate; see above)")

    merged_count = len(journeys(merged))
    summary_path = report / "summary.json"
    report_counts = None
    if summary_path.is_file():
        report_counts = (json.loads(summary_path.read_text())["stats"]["total"],
                         len(json.loads((report / "test-results.json").read_text())["byId"]))
    else:
        problems.append(f"no report at {report} (summary.json missing)")
    problems += counting_problems(expected, shard_cases, shard_journeys, merged_count, report_counts)

    sizes = ", ".join(f"shard {g}: {len(cases)}" for g, cases in enumerate(shard_cases, 1))
    print(f"shard check: {len(expected)} journeys collected; {sizes}; merged: {merged_count}; report: {report_counts[0] if report_counts else 'none'} "
          f"({report / 'index.html'})")
    for problem in problems:
        print(f"shard check: FAILED: {problem}")
    if not problems:
        print("shard check: every journey ran in exactly one shard and is counted once in the merged report")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
