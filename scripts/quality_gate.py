"""The nightly's quality gate over (merged) Allure results: exit 1 when it is not met.

    python scripts/quality_gate.py RESULTS_DIR [--max-failures 0] [--min-journeys 1]

Counts each journey once, by its final attempt (a journey rerun into green after an
infrastructure failure counts as passed, and is flaky in the report). The rules are
Allure 3's ``maxFailures`` and ``minTestsCount``, over the same counts as the nightly's message
(scripts/merge_results.py): a shard that uploaded nothing and a failure outside any journey count as
failures, never as journeys run, which Allure's own ``allure quality-gate`` cannot tell apart. Partial results (a shard
lost or cut short, a result file that cannot be read, shards that ran the same journeys, a journey file not collected)
never meet it, whatever failures it allows: its line says so, naming the first journeys a shard left without a result.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: scripts.* as the tests import them

try:
    from fixtures.causes import CAUSE_DETAIL_LABEL, CAUSE_LABEL, CAUSES
    from fixtures.redaction import redact_text, secret_values
    from fixtures.run_results import COLLECTION_KEY, STOPPED_KEY
    from scripts.merge_results import CI_KEY, Journey, counted, journeys, skip_reasons, without_result
except ModuleNotFoundError as missing:  # make report's interpreter, in a virtual environment whose set-up was cut short
    sys.exit(f"quality gate: not run: {missing.name} is not installed for {sys.executable} (`make setup` installs the suite's packages)")

UNSUCCESSFUL = ("failed", "broken", "unknown")
# The keys of results that say part of the run is missing: the merge's (lost, unreadable, overlapping shards), a journey file's.
PARTIAL_NIGHT = (CI_KEY, COLLECTION_KEY)
UNCLASSIFIED = "unclassified"  # the cause of a result that names none
MAX_REASONS = 2  # a line for a pipeline's summary, not a report
MAX_DETAIL_LENGTH = 140  # a detail in a line of a chat message or in the report's name, not on the report's own page


def short(text: str) -> str:
    """``text`` redacted (raw tokens, the environment's secrets), then cut to MAX_DETAIL_LENGTH characters with an ellipsis
    where it was cut: redacted after the cut, a secret cut short was no longer found (the message posted 20 of a control
    token's 22 characters), and the report's name, which the gate writes, was redacted nowhere."""
    text = redact_text(text, secret_values())
    return text if len(text) <= MAX_DETAIL_LENGTH else text[: MAX_DETAIL_LENGTH - 1] + "…"


def detail_of(journey: Journey) -> str:
    """Why the journey failed, in a line: its cause's detail, else what it said."""
    return short(journey.label(CAUSE_DETAIL_LABEL) or journey.said)


def target_of(results: Path, *, faults_only: bool = False) -> str | None:
    """Where the journeys ran, in words, as the run wrote it in the results' ``environment.properties`` (``target``, and
    ``stack_faults`` when the stack had any); None without one (``faults_only``: None also for a stack without faults).
    The message's title and the report's name say it on every CI, from the run itself rather than from the pipeline's
    settings."""
    try:
        lines = (results / "environment.properties").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):  # none, or not text (cut short while written): said without it
        return None
    said = dict(line.split("=", 1) for line in lines if "=" in line)
    target = {"tenant": "tenant", "local": "local stack"}.get(said.get("target", "").strip())
    faults = said.get("stack_faults", "none").strip()
    if target and faults not in ("", "none"):
        # A stack with faults fails journeys by design (a self-test, or E2E_STACK_FAULTS left set where the nightly runs):
        # said, lest its failures read as B2C's or Mobile ID's.
        return f"{target} with the faults {faults.replace(',', ', ')} (E2E_STACK_FAULTS)"
    return None if faults_only else target


def is_stop(key: str) -> bool:
    """The result of a run stopped before its journeys ended, or of a shard's (fixtures/run_results.py run_key)."""
    return key == STOPPED_KEY or key.startswith(f"{STOPPED_KEY}:")


def says_partial(key: str) -> bool:
    """Whether a result's key is one that says the results are not the whole run: a stop, a lost, cut-short or
    unreadable shard, shards that overlapped, journeys not collected."""
    return key.startswith(PARTIAL_NIGHT) or is_stop(key)


def first_few(items: Sequence[str], separator: str, more: str | None = None) -> str:
    """The first MAX_REASONS of ``items`` joined by ``separator``, then how many are left out (``more``: their noun,
    counted; without it "N more")."""
    left = len(items) - MAX_REASONS
    shown = separator.join(items[:MAX_REASONS])
    if left <= 0:
        return shown
    return f"{shown}{separator}and {counted(left, more) if more else f'{left} more'}"


def partial_words(journey: Journey) -> str:
    """What of the night is missing, in a few words: the result's name, and the first journeys it names that have no result."""
    without = without_result(journey)
    more = f" and {len(without) - MAX_REASONS} more" if len(without) > MAX_REASONS else ""
    return str(journey.final.get("name")) + (f": {', '.join(without[:MAX_REASONS])}{more}" if without else "")


def cause_words(cause: str, details: Counter[str]) -> str:
    """One cause in the report's name: how many journeys it broke and its commonest detail, then how many met its other
    details (a tie goes to the detail first in order, not to the result file read first)."""
    (commonest, times), *others = sorted(details.items(), key=lambda item: (-item[1], item[0]))
    said = f"{cause} ({details.total()}): {commonest}"
    return f"{said} ({times}), and {counted(len(others), 'other detail')} ({sum(n for _, n in others)})" if others else said


def failures_by_cause(found: dict[str, Journey], leave_out: tuple[str, ...] = ()) -> list[tuple[str, Counter[str]]]:
    """The failed, broken and unknown journeys' details by cause, the commonest cause first (a tie in the causes' order);
    without the results whose key starts with one of ``leave_out``."""
    details: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for key, journey in found.items():
        if journey.status in UNSUCCESSFUL and not key.startswith(leave_out):
            details[journey.label(CAUSE_LABEL) or UNCLASSIFIED][detail_of(journey)] += 1
    return sorted(details.items(), key=lambda item: (-item[1].total(), *in_causes_order(item[0])))


def in_causes_order(cause: str) -> tuple[int, str]:
    """A sort key of ``cause`` after its count: the order of fixtures/causes.py CAUSES (the report's categories' order),
    then any other (``unclassified``) by name. By name alone, "infrastructure" came before "page changed" and "B2C error
    page" before "B2C error redirect"; the night's message, by the order its result files were read (their random names)."""
    return (CAUSES.index(cause), "") if cause in CAUSES else (len(CAUSES), cause)


def count(text: str) -> int:
    """A count of journeys, 0 or more (make's MAX_FAILURES=-1 failed a green run "at most -1 allowed")."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of journeys (0 or more)")
    return value


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--max-failures", type=count, default=0, help="failed or broken journeys allowed (default 0)")
    parser.add_argument("--min-journeys", type=count, default=1, help="journeys that must have run (default 1)")
    parser.add_argument("--report-name", action="store_true", help="print only what the report's name adds (Makefile report "
                        "and nightly-report, allurerc.mjs): PARTIAL and what of the night is missing, else why the gate is not "
                        "met (or that it is, with failures it allows), every cause with its count and commonest detail, else "
                        "nothing; and exit 0")
    args = parser.parse_args(argv)
    if not args.results.is_dir():
        if args.report_name:  # nothing to name the report for: its render says the folder is missing
            return 0
        print(f"quality gate: no results at {args.results} (did the journeys run?)")
        return 1
    found = journeys(args.results)
    # Said on their own below, not also as failures outside any journey: the run's stop, or each shard's (fixtures/run_results.py run_key).
    stops = [found.pop(key) for key in [key for key in found if is_stop(key)]]
    # A lost or unreadable shard's results, shards that overlapped, journeys not collected: the night's results are partial,
    # whatever failures are allowed (still counted below as failures outside any journey).
    partial = [journey for key, journey in found.items() if key.startswith(PARTIAL_NIGHT) and journey.status in UNSUCCESSFUL]
    unsuccessful = sum(1 for journey in found.values() if journey.status in UNSUCCESSFUL)  # a broken preflight or shard too
    # Journeys that ran: not those skipped (they proved nothing), nor the results written for what broke outside any journey.
    ran = sum(1 for journey in found.values() if journey.status in ("passed", *UNSUCCESSFUL) and not journey.outside)
    skipped = sum(1 for journey in found.values() if not journey.outside) - ran
    outside = sum(1 for journey in found.values() if journey.status in UNSUCCESSFUL and journey.outside)
    around = f" and {counted(outside, 'failure')} outside any journey" if outside else ""
    # A partial run is no run to judge, whatever failures are allowed: its stops, then what the night lacks.
    problems = list(dict.fromkeys(str((stop.final.get("statusDetails") or {}).get("message") or "the run was stopped") for stop in stops))
    lacking = first_few(sorted(partial_words(journey) for journey in partial), "; ")
    # The report's name says the stack's faults first: the environment rows that say them are on its Results tab alone.
    faults = target_of(args.results, faults_only=True) if args.report_name else None
    if args.report_name and (problems or lacking):
        # What broke in the part that ran too (not the results that say what is missing: PARTIAL says it)
        causes_said = "".join(f" | {cause_words(cause, met)}" for cause, met in failures_by_cause(found, PARTIAL_NIGHT))
        print(": ".join(filter(None, [faults, f"PARTIAL ({'; '.join(filter(None, [*problems, lacking]))}){causes_said}"])))
        return 0
    if partial:  # said even where the failures are too many as well: they are not all the night's
        problems.append(f"the results are partial ({lacking}), whatever failures are allowed")
    # By cause, the commonest first (a tie in the causes' order), as the report groups them: the line is often all a
    # pipeline shows. The report's name says every cause with its commonest detail, failures allowed or not: a report with
    # one opens at its Categories tab (scripts/report_landing.py), whose rows are closed.
    causes = failures_by_cause(found)
    causes_said = " | ".join(cause_words(cause, met) for cause, met in causes)  # a detail may hold "; " or ", "
    failures = f"{counted(unsuccessful - outside, 'failed or broken journey')}{around} (at most {args.max_failures} allowed"
    if unsuccessful > args.max_failures:
        if args.report_name:
            problems.append(f"{failures})")
        else:
            by_cause = first_few([f"{cause} ({met.total()})" for cause, met in causes], ", ", "more cause")
            problems.append(f"{failures}; by cause: {by_cause})")
    if ran < args.min_journeys:
        # Why they skipped, as pytest said it (a browser not installed, a control API missing): the gate's line is
        # often all a pipeline's summary shows.
        reasons = skip_reasons(found)
        why = first_few([f"{reason} ({times})" for reason, times in reasons.most_common()], "; ", "more reason")
        problems.append(f"{counted(ran, 'journey')} ran, {skipped} skipped (at least {args.min_journeys} must run)"
                        + (f"; skipped: {why}" if why else ""))
    if args.report_name:
        verdict = f"quality gate not met: {'; '.join(problems)}" if problems else f"quality gate met with {failures})" if causes else None
        print(": ".join(filter(None, [faults, verdict and " | ".join(filter(None, [verdict, causes_said]))])))
        return 0
    if problems:
        print("quality gate: not met: " + "; ".join(problems))
        return 1
    print(f"quality gate: met ({counted(ran, 'journey')} ran, {unsuccessful - outside} failed or broken{around}, {skipped} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
