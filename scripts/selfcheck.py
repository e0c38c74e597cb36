"""The suite checks itself: every fault the stack can switch on must be caught.

For each fault in ``mocks.faults.Fault`` this runs the journeys that can see it
(the fault's ``journeys``) against a stack started with that fault and requires
at least one journey to fail with a message that names what was wrong (its
``symptom`` pattern), filed under the fault's cause (the report's and the nightly
message's grouping: the ``cause`` property the suite writes in its JUnit XML). That
run stops at the first failure; when it catches nothing, or its failure names
something else, every journey runs. A fault that passes every journey, only breaks
them for an unrelated reason, or is filed under another cause, fails the self-check.
Faults are checked ``--workers`` at a time, each with its own stack and browser.

    python scripts/selfcheck.py [--workers N] [--fault NAME ...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import signal
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.causes import CAUSE_LABEL  # noqa: E402
from fixtures.run_results import JUNIT_RUN_CLASS  # noqa: E402
from mocks.common.parent import STOP_SIGNALS  # noqa: E402
from mocks.faults import Fault, parse_faults  # noqa: E402
from scripts.process_group import Children, interrupt, signals_handled, stopped_by  # noqa: E402
from scripts.tenant_mode_against_stack import tenant_mode_env  # noqa: E402


class Failure(NamedTuple):
    test: str  # its id
    message: str  # the failure's message on one line
    cause_name: str = ""  # the cause the report files it under (the JUnit property fixtures/reporting.py writes), "" if none


@dataclass
class Verdict:
    fault: Fault
    failed: list[Failure]
    seconds: float
    not_run: str | None = None  # why pytest ran no journey (its exit status and last lines), else None

    @property
    def diagnosed(self) -> list[Failure]:
        """The failures whose message names the fault, whatever cause they were filed under."""
        return [failure for failure in self.failed if re.search(self.fault.symptom, failure.message)]

    @property
    def misfiled(self) -> list[Failure]:
        """The failures naming the fault that the report files under another cause than the fault's."""
        return [failure for failure in self.diagnosed if failure.cause_name != self.fault.cause_name]

    @property
    def caught_by(self) -> list[Failure]:
        """The failures naming the fault under its cause (a looser match elsewhere, filed otherwise, takes nothing back)."""
        return [failure for failure in self.diagnosed if failure.cause_name == self.fault.cause_name]

    @property
    def caught(self) -> bool:
        return bool(self.caught_by)


def failures(junit_xml: Path) -> list[Failure]:
    if not junit_xml.exists():
        return []
    found = []
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        if case.get("classname") == JUNIT_RUN_CLASS:  # the run's own word that it stopped (--maxfail=1 below), not a journey
            continue
        cause = next((p.get("value", "") for p in case.iter("property") if p.get("name") == CAUSE_LABEL), "")
        for problem in list(case.iter("failure")) + list(case.iter("error")):
            # The failure's message as pytest's JUnit XML gives it (the exception's words); its traceback only without one
            # (it repeats the message after "E", which the self-check's line printed twice).
            text = problem.get("message") or problem.text or ""
            # A fixture's failure (the sign-up a journey needs, where most faults show) pytest words 'failed on setup with
            # "fixtures.causes.JourneyFailure: ..."': said as the terminal's causes say it, "(in setup)" after the journey.
            wrapped = SETUP_WRAPPER.fullmatch(text.strip())
            test = f"{case.get('classname')}::{case.get('name')}" + (f" (in {wrapped[1]})" if wrapped else "")
            words = MODULE_PATH.sub("", without_introspection(wrapped[2] if wrapped else text))
            found.append(Failure(test, " ".join(words.split())[:2000], cause))
    return found


SETUP_WRAPPER = re.compile(r'failed on (setup|teardown) with "(.*)"', re.DOTALL)
MODULE_PATH = re.compile(r"^(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_]\w*: )")  # fixtures.causes.JourneyFailure: ... -> JourneyFailure: ...


def without_introspection(message: str) -> str:
    """A failure's own words, without what pytest's assertion rewriting appends to a bare ``assert``'s message (from its
    line "assert ...": the values again, which the message already names)."""
    lines = message.splitlines()
    return "\n".join(lines[:next((i for i, line in enumerate(lines) if i and line.startswith("assert ")), len(lines))])


def run_with_fault(fault: Fault, workers: int, directory: Path) -> Verdict:
    """The fault's own journeys, stopping at the first failure; every journey only if they don't name the fault."""
    started = time.monotonic()
    verdict = run_journeys(fault, 0, directory / f"{fault.value}-first.xml", [*fault.journeys, "--maxfail=1"])
    if not verdict.diagnosed and verdict.not_run is None:  # (one misfiled is misfiled in every journey: no second run)
        # The cores shared with the faults checked meanwhile: `workers` faults, each with `workers` pytest workers,
        # would start workers² browsers (64 on 8 cores with WORKERS=auto).
        verdict = run_journeys(fault, max(1, (os.cpu_count() or 1) // workers), directory / f"{fault.value}-all.xml", ["e2e"])
    verdict.seconds = time.monotonic() - started
    return verdict


# The faults' pytest runs, started from the pool's threads: stopped with the self-check (``main``).
RUNNING = Children()


def run_journeys(fault: Fault, workers: int, junit: Path, selection: list[str]) -> Verdict:
    # The local stack with the fault, whatever the environment or .env name (a .env kept for a tenant would send the
    # self-check there, where no fault is switched on).
    env = tenant_mode_env({"E2E_STACK_FAULTS": fault.value}, dict(os.environ))
    command = [
        sys.executable, "-m", "pytest", *selection, "-q", "-p", "no:cacheprovider", "--no-header", "-o", "console_output_style=classic",
        "-n", str(workers), f"--junitxml={junit}", "--tb=line",
        # pytest-playwright empties its --output as a run starts: the default, ./test-results/, held the last make e2e's
        # evidence, which every fault's run removed (and each its neighbours' traces).
        f"--output={junit.parent / (junit.stem + '-evidence')}",
    ]
    started = time.monotonic()
    done = RUNNING.run(command, cwd=ROOT, env=env)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1) or not junit.exists():  # 2-5: interrupted, internal or usage error, nothing collected
        said = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()][-3:]
        return Verdict(fault, [], seconds, not_run=f"pytest ran no journey (exit {done.returncode}): {' | '.join(said)}")
    return Verdict(fault, failures(junit), seconds)


def said(verdict: Verdict) -> str:
    """What the self-check prints under a fault: the journey that caught it and its message, or why it did not."""
    if verdict.caught:
        test, message, cause = verdict.caught_by[0]
        # "filed under": a fixture's failure already ends in "(in setup)", and the cause in brackets after it read as a second one.
        return f"caught in {verdict.seconds:.0f} s by {test}, filed under {cause}:\n      {message[:300]}"
    if verdict.misfiled:
        test, message, cause = verdict.misfiled[0]
        return (f"MISFILED: {test} names it, but the report files it under {cause or 'no cause'!r}, not {verdict.fault.cause_name!r}:\n"
                f"      {message[:300]}")
    if verdict.failed:
        test, message, _ = verdict.failed[0]
        return f"NOT DIAGNOSED: {len(verdict.failed)} journey(s) failed, none naming /{verdict.fault.symptom}/; e.g. {test}:\n      {message[:300]}"
    if verdict.not_run:
        return f"NOT CHECKED: {verdict.not_run[:500]}"
    return "NOT CAUGHT: every journey passed"


def named_faults(given: list[str], parser: argparse.ArgumentParser) -> list[Fault]:
    """The faults named, in the order given, once each; a misspelt one refused as the stack refuses it (naming the fault
    meant, where argparse's choices listed 17 names), and a comma between two taken as E2E_STACK_FAULTS takes it."""
    names = [name for arg in given for name in arg.replace(",", " ").split()]
    if not names:  # "0 of 0 faults caught" and status 0 would pass a check of nothing
        parser.error(f"--fault {' '.join(map(repr, given))} names no fault; leave --fault out to check every one")
    try:
        parse_faults(names)
    except SystemExit as refused:
        parser.error(str(refused.code))
    return list(dict.fromkeys(Fault.named(name) for name in names))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="faults checked at the same time (default 2)")
    parser.add_argument("--fault", action="append", metavar="NAME", help="check only this fault (repeatable or comma-separated, as "
                        "the stack's --fault and E2E_STACK_FAULTS take them)")
    args = parser.parse_args()
    faults = named_faults(args.fault, parser) if args.fault else list(Fault)

    if args.workers < 1:
        parser.error("--workers must be at least 1")
    verdicts = []
    with signals_handled(STOP_SIGNALS, interrupt), tempfile.TemporaryDirectory(prefix="selfcheck-") as directory, \
            concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        try:
            print(f"checking {len(faults)} fault{'' if len(faults) == 1 else 's'}, {args.workers} at a time ...", flush=True)
            started = {fault: pool.submit(run_with_fault, fault, args.workers, Path(directory))
                       for fault in sorted(faults, key=lambda fault: not fault.declaration.slow)}  # slow ones first
            runs = [started[fault] for fault in faults]
            for number, (fault, run) in enumerate(zip(faults, runs, strict=True), 1):  # reported in order, each as soon as it and those before are done
                verdict = run.result()
                verdicts.append(verdict)
                print(f"[{number}/{len(faults)}] {fault.value}: {fault.description}\n    {said(verdict)}", flush=True)
        except KeyboardInterrupt as stopped:
            # Ctrl-C, or SIGTERM (read as it by ``interrupt``, which names it). The faults not begun are not begun, where
            # the pool would have run every one of them first; the pytest runs of those being checked are stopped: after
            # Ctrl-C they heard it too (the terminal's process group), SIGTERM may have come to the self-check alone.
            # A second signal meanwhile is held: it would cut the stop short and leave the runs to end by themselves.
            by = stopped_by(stopped)
            with signals_handled((signal.SIGINT, *STOP_SIGNALS), signal.SIG_IGN):
                pool.shutdown(wait=False, cancel_futures=True)
                RUNNING.stop(told=by != signal.SIGINT)
                pool.shutdown(wait=True)
            name = "Ctrl-C" if by == signal.SIGINT else by.name
            print(f"\nselfcheck: stopped ({name}) after {len(verdicts)} of {len(faults)} faults were reported; no verdict", file=sys.stderr)
            return 128 + by

    caught = sum(v.caught for v in verdicts)
    print(f"\nselfcheck: {caught} of {len(verdicts)} faults caught")
    return 0 if caught == len(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
