"""Merge the Allure results of several shards into one folder, for one report.

    python scripts/merge_results.py SHARD_DIR [SHARD_DIR ...] --into DIR [--expect N]
    python scripts/merge_results.py --shards-in DIR --into DIR [--expect N]

``--shards-in``: the folder CI downloaded the shards' artifacts into, whose ``allure-results-*`` folders are the
shards; GitHub's download-artifact extracts a pattern that matched one artifact flat into it, and then the folder
itself is that shard. (Found here, not by make's wildcard, which splits a path with a space.)

Every result, container and attachment file of every shard is copied (allure-pytest
names them by UUID, so they do not collide; a collision with different content is an
error). ``environment.properties`` and ``categories.json`` come from the first shard
that has them; a shard's list of the journeys it collected (``collected-*.json``) is read, not copied (shards told the
same number write lists of one name). A journey with several attempts (``--infra-reruns``) keeps all of them,
and its final attempt is marked flaky (``statusDetails.flaky``, which Allure shows) when it passed after one that did
not. A result file that cannot be read (half written by a shard cut short) becomes a broken result of its own.

Each shard lists the journeys it collected before any of them ran (fixtures/reporting.py): those of them without a
result (the shard was cut short at its time limit, or killed, and uploaded the results of the journeys it finished)
become one broken result per shard, cause infrastructure, that names them (as its steps), so the report, the message
and the quality gate say the night is partial rather than count the journeys that ran as the whole night.

``--expect N`` (CI: the number of shards): a shard that gave no results and no list (it broke before its
journeys, or was cancelled at its time limit before it collected them, so it uploaded nothing) becomes a broken result of
its own, cause infrastructure, so the report, the message and the quality gate all count it; without
it a nightly that lost a shard would read as green. Shard folders are named ``...-K`` (CI's
``allure-results-K``); K tells which shard it is. Azure publishes each attempt of a shard's job under a name of its own
(``allure-results-K-attempt-N``: a job run again cannot publish under a name its run has): the merge takes the latest.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.causes import INFRASTRUCTURE  # noqa: E402  (the cause the suite gives a run that broke around its journeys)
from fixtures.run_results import (  # noqa: E402
    COLLECTED_PREFIX,
    OUTSIDE_LABEL,
    crash_key,
    mark_flaky,
    passed_on_a_retry,
    read_collected,
    run_result,
    write_run_result,
)

SHARD_NUMBER = re.compile(r"-(\d+)(?:-attempt-\d+)?$")
ATTEMPT = re.compile(r"-attempt-(\d+)$")
SHARED_FILES = ("environment.properties", "categories.json")
# The keys of the results the merge writes for what the shards lost: a partial night (scripts/quality_gate.py).
CI_KEY = "ci-"
UNFINISHED_KEY = f"{CI_KEY}unfinished-"  # a shard's journeys without a result, named in its result's steps (scripts/notify.py)
COLLECTED = f"{COLLECTED_PREFIX}*.json"
COLLECTED_NUMBER = re.compile(rf"^{re.escape(COLLECTED_PREFIX)}shard-(\d+)-of-(\d+)\.json$")  # fixtures/run_results.collected_name
STATUSES = ("passed", "failed", "broken", "skipped", "unknown")  # Allure's words for a result's status


@dataclass(frozen=True)
class Journey:
    """One test (Allure's historyId: test and parameters) with its final attempt."""

    history_id: str
    final: dict[str, Any]
    final_path: Path
    attempts: int
    earlier: tuple[str, ...] = ()  # the statuses of the attempts before the final one

    @property
    def flaky(self) -> bool:
        """Passed on a retry after an attempt that did not pass (--infra-reruns): not one that failed every time, nor one
        the merge found in two shards (``statusDetails.flaky`` false: copies, not retries)."""
        said = (self.final.get("statusDetails") or {}).get("flaky")
        return said is not False and passed_on_a_retry(self.status, self.earlier)

    @property
    def status(self) -> str:
        """The final attempt's status as Allure 3 reads it (its reader's convertStatus): in any case, and "unknown" (a
        failure to the gate) for none or another word: read as written, null and "FAILED" were counted skips, the night green."""
        status = self.final.get("status")
        word = status.strip().lower() if isinstance(status, str) else ""
        return word if word in STATUSES else "unknown"

    def label(self, name: str) -> str | None:
        return next((label["value"] for label in self.final.get("labels") or [] if label.get("name") == name), None)

    def labels(self, name: str) -> list[str]:
        """Every value of the label ``name`` (``also_wrong`` may have several), in the result's order."""
        return [str(label["value"]) for label in self.final.get("labels") or [] if label.get("name") == name]

    @property
    def policy(self) -> str | None:
        """The policy the journey ran through (its pytest parameter, which allure-pytest writes as a repr), else None."""
        value = next((p.get("value") for p in self.final.get("parameters") or [] if p.get("name") == "policy"), None)
        return str(value).strip("'\"") if value else None

    @property
    def said(self) -> str:
        """The first line of the final attempt's message (a failure's, or a skip's reason without "Skipped: ")."""
        message = str((self.final.get("statusDetails") or {}).get("message") or "").strip()
        return (message.splitlines()[0] if message else "no message").removeprefix("Skipped: ")

    @property
    def outside(self) -> bool:
        """A result the run wrote for what broke outside any journey (fixtures/run_results.py): a failure, not a journey run."""
        return self.label(OUTSIDE_LABEL) is not None


def counted(count: int, noun: str) -> str:
    """``1 journey``, ``2 journeys``: the words the message and the gate count in."""
    return f"{count} {noun}{'s' if count != 1 else ''}"


def skip_reasons(found: dict[str, Journey]) -> Counter[str]:
    """Why the journeys skipped, as pytest said it, each with how many (the results written for what broke outside any
    journey are not journeys); reasons seen as often in the order of their words (``most_common`` keeps it), not of the
    result files' random names, so one night's results are said alike every time."""
    return Counter(sorted(journey.said for journey in found.values() if journey.status == "skipped" and not journey.outside))


def read_result(path: Path) -> dict[str, Any] | str:
    """A result file's result, else why it cannot be read (a run cut short while writing it: half a file)."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"{type(error).__name__}: {error}"
    if not isinstance(result, dict):
        return f"a JSON {type(result).__name__}, not a result"
    return misshapen(result) or result


def misshapen(result: dict[str, Any]) -> str | None:
    """What of a result's fields the scripts read is not of Allure's shape (a file written by hand, or by another tool),
    else None: such a file stands as unreadable, rather than stop the merge, the gate and the message on it."""
    for field in ("labels", "parameters", "steps"):
        value = result.get(field)
        if value is not None and not (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
            return f"its {field!r} is not a list of objects"
    if any(not isinstance(label.get("name"), str | None) or "value" not in label for label in result.get("labels") or []):
        return "a label without a name and a value"
    if any(not isinstance(label["value"], str) for label in result.get("labels") or []):  # Allure writes each as text
        return "a label whose value is not text"
    if not isinstance(result.get("historyId"), str | None):
        return "its 'historyId' is not text"
    if not isinstance(result.get("statusDetails"), dict | None):
        return "its 'statusDetails' is not an object"
    if not isinstance(result.get("stop"), int | float | None) or isinstance(result.get("stop"), bool):
        return "its 'stop' is not a time in milliseconds"
    return None


def unreadable(path: Path, why: str) -> dict[str, Any]:
    """The broken result that stands for a result file that cannot be read: counted as a failure outside any journey, so
    no report, message or gate reads the night as whole (and none stops on the file)."""
    return run_result(key=f"{CI_KEY}unreadable-{path.name}", full_name=f"ci.results.unreadable.{path.stem}", name=f"unreadable result {path.name}",
                      cause=INFRASTRUCTURE, suite="CI results",
                      detail=f"a result file could not be read ({why}): written half by a run cut short (its job's log says why); "
                             "the journey it held is not counted")


def journeys(results_dir: Path) -> dict[str, Journey]:
    """The journeys in an Allure results folder, each with its last attempt (latest ``stop``); a result file that cannot be
    read stands as a broken result outside any journey (``unreadable``)."""
    attempts: dict[str, list[tuple[dict[str, Any], Path]]] = {}
    for path in sorted(results_dir.glob("*-result.json")):
        result = read_result(path)
        if isinstance(result, str):
            result = unreadable(path, result)
        key = result.get("historyId") or result.get("uuid") or path.stem
        attempts.setdefault(key, []).append((result, path))
    found = {}
    for key, tries in attempts.items():
        tries.sort(key=lambda item: item[0].get("stop") or 0)
        (final, final_path), earlier = tries[-1], tuple(str(result.get("status")) for result, _ in tries[:-1])
        found[key] = Journey(key, final, final_path, len(tries), earlier)
    return found


def merge(shards: list[Path], into: Path, missing: Sequence[Missing] = ()) -> list[str]:
    """Copy every shard's files into ``into``, with a broken result for each ``missing`` shard; returns notes for the
    reader (never fails silently).

    Whole or not at all: the files go to a folder beside ``into`` that takes its name once every shard is in, so a
    merge that stops half-way leaves no partial results for a report to read as a night with fewer journeys."""
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        # Never added to: a folder holding an earlier merge's results would make two runs one report.
        raise SystemExit(f"merge: {into} is not empty (an earlier merge's results?): the merge adds to no results already "
                         f"there; remove it (rm -r {into}) or give an empty or new folder (--into; make merge-results RESULTS_DIR=...)")
    partial = into.with_name(f".{into.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        overlaps = overlapping(shards)  # read before the merge, which counts a journey's results from two shards as retries
        notes = _merge(shards, partial, frozenset(overlaps))
        notes += record_unfinished(partial, shards)
        record_missing(partial, missing)
        record_overlap(partial, overlaps)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if into.exists():
        into.rmdir()  # empty (checked above)
    partial.rename(into)
    return notes


def _merge(shards: list[Path], into: Path, in_two_shards: frozenset[str] = frozenset()) -> list[str]:
    notes = []
    for shard in shards:
        if not shard.is_dir():
            raise SystemExit(f"merge: {shard} is not a folder of Allure results (did the shard run and upload them?)")
        for source in sorted(shard.iterdir()):
            target = into / source.name
            if not source.is_file() or source.match(COLLECTED):  # the shard's own list, read after (record_unfinished)
                continue
            if target.exists():
                if filecmp.cmp(source, target, shallow=False):
                    continue
                if source.name in SHARED_FILES:
                    notes.append(f"{source.name} differs in {shard}; kept the first shard's")
                    continue
                raise SystemExit(f"merge: {source.name} exists in two shards with different content")
            shutil.copy2(source, target)
    unfinished = 0
    for path in sorted(into.glob("*-result.json")):  # half a file stops Allure and every script: a broken result instead
        if isinstance(why := read_result(path), str):
            path.unlink()
            standing = unreadable(path, why)
            (into / f"{standing['uuid']}-result.json").write_text(json.dumps(standing), encoding="utf-8")
            notes.append(f"{path.name} could not be read ({why}): recorded as broken (cause {INFRASTRUCTURE})")
        elif not why.get("historyId"):
            # allure-pytest gives every result it ends a historyId; one without was flushed as its process went (an
            # xdist worker of a shard killed mid-journey writes its journey "passed", steps and all): no result of the
            # journey, which the shard's list names as without one (record_unfinished).
            path.unlink()
            unfinished += 1
    if unfinished:
        notes.append(f"{counted(unfinished, 'result')} of journeys that never ended (no historyId: flushed as a killed shard's "
                     "workers went) left out; the shard's list names those journeys as without a result")
    for key, journey in journeys(into).items():
        if key in in_two_shards:  # copies from two shards are no retries: said so, for every count after (mark_flaky keeps it)
            journey.final.setdefault("statusDetails", {})["flaky"] = False
            journey.final_path.write_text(json.dumps(journey.final), encoding="utf-8")
    mark_flaky(into)  # a journey that passed after an attempt that did not, as a run marks its own
    return notes


@dataclass(frozen=True)
class Missing:
    """A shard that gave no results: ``key`` names it the same way every night (the report's history), ``words`` for people."""

    key: str
    words: str


def missing_shards(shards: list[Path], expected: int) -> list[Missing]:
    """The shards of ``expected`` that gave no results, nor the list of the journeys they collected (a shard that
    collected none has nothing to give; one that gave none of its journeys' results is named by ``record_unfinished``):
    by number where the folders are numbered 1 to ``expected``, one each (CI's artifacts; a folder named without a
    number by its list of collected journeys: ``shard_number``), else by count."""
    heard_from = [shard for shard in shards if any(shard.glob("*-result.json")) or any(shard.glob(COLLECTED))]
    # The shards' own lists say how many there were (collected-shard-K-of-N.json): an --expect below it (a definition's
    # EXPECT_SHARDS left at 2 when the run went to 4) would count a lost shard as none missing.
    said = [int(match.group(2)) for shard in heard_from for path in shard.glob(COLLECTED) if (match := COLLECTED_NUMBER.match(path.name))]
    expected = max([expected, *said])
    numbers = [number for shard in heard_from if (number := shard_number(shard, expected)) is not None]
    if len(numbers) == len(heard_from) == len(set(numbers)) and all(1 <= number <= expected for number in numbers):
        return [Missing(f"shard-{number}-of-{expected}", f"shard {number} of {expected}")
                for number in range(1, expected + 1) if number not in numbers]
    return [Missing(f"unnumbered-shard-{number}-of-{expected}",
                    f"{number} of the {expected - len(heard_from)} missing shards of {expected} (counted: the folders are not "
                    f"numbered 1 to {expected}: the CI jobs' logs tell which)")
            for number in range(1, expected - len(heard_from) + 1)]


def shard_number(shard: Path, expected: int) -> int | None:
    """The shard a folder holds: by its name (CI's ``allure-results-K``); a folder named without a number (GitHub's
    download-artifact extracts a pattern that matched one artifact flat, as when the other shard of two was lost) by the
    one list of collected journeys in it (``collected-shard-K-of-N.json``), when it is of ``expected`` shards."""
    if match := SHARD_NUMBER.search(shard.name):
        return int(match.group(1))
    said = {(int(match.group(1)), int(match.group(2))) for path in shard.glob(COLLECTED) if (match := COLLECTED_NUMBER.match(path.name))}
    if len(said) == 1 and (only := next(iter(said)))[1] == expected:
        return only[0]
    return None


def overlapping(shards: list[Path]) -> dict[str, tuple[str, list[str]]]:
    """Journeys with results in more than one shard, by historyId, each with the name a report shows (test and parameters;
    the historyId is a hash) and the shards: each shard runs its own part of the journeys, so a journey in two means the
    shards were not told apart (a SHARD pinned in the CI definitions ran one part each time)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for shard in shards:
        if shard.is_dir():
            for key, journey in journeys(shard).items():
                if not journey.outside:
                    found.setdefault(key, (str(journey.final.get("name") or key), []))[1].append(shard.name)
    return {key: (name, where) for key, (name, where) in found.items() if len(where) > 1}


def record_overlap(into: Path, overlaps: dict[str, tuple[str, list[str]]]) -> None:
    """A broken result where the shards ran the same journeys: the merged results would read the copies as retries and
    the night as whole, while the other parts never ran."""
    if not overlaps:
        return
    key, where = min(overlaps.values())  # the same example every night for the same overlap: one group in the report's history
    detail = (f"{counted(len(overlaps), 'journey')} ran in more than one shard (e.g. {key} in {', '.join(where)}): each shard must run its own "
              "part of them (SHARD from the job's place among the shards, SHARDS their count); the others may never have run")
    write_run_result(into, key=f"{CI_KEY}shards-overlap", full_name="ci.shards.overlap", name="the shards ran the same journeys",
                     cause=INFRASTRUCTURE, detail=detail, suite="CI shards")


def record_unfinished(into: Path, shards: list[Path]) -> list[str]:
    """One broken result per shard whose collected journeys (``collected-*.json``) have no result in the merged ``into``,
    naming them; a list that cannot be read is one too (whether the shard ran whole is not known). Returns notes.

    One per shard, not one per journey: they did not fail, so they are not counted as journeys that failed, nor
    given a broken attempt in each journey's history; the cause is one (the shard stopped), and the gate never meets
    a night with it whatever failures it allows. A journey retried, skipped or crashed has a result (a crash before
    any report of it has one by its node id); those deselected were never listed."""
    found = journeys(into)
    lists: dict[str, dict[str, str]] = {}  # by shard: shards told the same number list the same journeys (record_overlap)
    notes = []
    for path in sorted(path for shard in shards if shard.is_dir() for path in shard.glob(COLLECTED)):
        if isinstance(read := read_collected(path), str):
            detail = f"the journeys a shard collected could not be read from {path.name} ({read}): whether all of them ran is not known"
            write_run_result(into, key=f"{CI_KEY}unreadable-{path.name}", full_name=f"ci.results.unreadable.{path.stem}",
                             name=f"unreadable list {path.name}", cause=INFRASTRUCTURE, detail=detail, suite="CI shards")
            notes.append(f"{path} could not be read ({read}): recorded as broken (cause {INFRASTRUCTURE})")
            continue
        lists.setdefault(read[0], {}).update(read[1])
    for shard, collected in sorted(lists.items()):
        without = [nodeid for history_id, nodeid in collected.items() if history_id not in found and crash_key(nodeid) not in found]
        if not without:
            continue
        detail = (f"{shard} ended before {len(without)} of its {counted(len(collected), 'journey')} gave a result: cut short at its "
                  "time limit, or killed (its job's log says which)")
        message = f"{detail}.\n\nWithout a result (the steps below):\n" + "\n".join(without)
        result = run_result(key=f"{UNFINISHED_KEY}{shard.replace(' ', '-')}", full_name=f"ci.shards.unfinished.{shard.replace(' ', '_')}",
                            name=f"{shard}: {counted(len(without), 'journey')} without a result", cause=INFRASTRUCTURE, detail=detail,
                            message=message, suite="CI shards")
        result["steps"] = [{"name": nodeid, "status": "skipped", "start": result["start"], "stop": result["stop"]} for nodeid in without]
        (into / f"{result['uuid']}-result.json").write_text(json.dumps(result), encoding="utf-8")
        notes.append(f"{shard}: {counted(len(without), 'journey')} of {len(collected)} without a result: recorded as broken (cause {INFRASTRUCTURE})")
    return notes


def without_result(journey: Journey) -> list[str]:
    """The journeys a shard collected but gave no result for, when ``journey`` is the merge's result naming them."""
    return [str(step.get("name")) for step in journey.final.get("steps", [])] if journey.history_id.startswith(UNFINISHED_KEY) else []


def record_missing(into: Path, missing: Sequence[Missing]) -> None:
    """One broken result per missing shard, where the report, the message and the gate see it."""
    for shard in missing:
        detail = f"{shard.words} gave no journey results: it broke before its journeys or was cancelled at its time limit (see its job's log)"
        write_run_result(into, key=f"{CI_KEY}{shard.key}", full_name=f"ci.shards.{shard.key.replace('-', '_')}", name=f"{shard.words}: no journey results",
                         cause=INFRASTRUCTURE, detail=detail, suite="CI shards")


def downloaded_shards(folder: Path) -> tuple[list[Path], list[str]]:
    """The shards in the folder CI downloaded them into (``--shards-in``): its ``allure-results-*`` folders, else the folder
    itself when it holds results; none otherwise. With the notes on the attempts left out (``latest_attempts``)."""
    numbered = sorted(path for path in folder.glob("allure-results-*") if path.is_dir())
    flat = any(folder.glob("*-result.json")) or any(folder.glob(COLLECTED))
    return latest_attempts(numbered) if numbered else ([folder] if flat else [], [])


def latest_attempts(shards: list[Path]) -> tuple[list[Path], list[str]]:
    """Each shard's latest attempt, where Azure's job ran again (``allure-results-K-attempt-N``), with a note for each one
    left out: merged, the first attempt's results would read as the second's retries and the shard as run twice."""
    latest: dict[str, tuple[int, Path]] = {}
    for shard in shards:
        match = ATTEMPT.search(shard.name)
        name, attempt = (shard.name[:match.start()], int(match.group(1))) if match else (shard.name, 0)
        if name not in latest or attempt > latest[name][0]:
            latest[name] = (attempt, shard)
    kept = sorted(path for _, path in latest.values())
    notes = [f"{shard.name} left out: {later.name} is a later attempt of its job" for shard in shards
             if (later := latest[ATTEMPT.sub("", shard.name)][1]) != shard]
    return kept, notes


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shards", nargs="*", type=Path, help="allure-results folders of the shards")
    parser.add_argument("--shards-in", type=Path, metavar="DIR", help="instead of SHARD_DIRs: the folder CI downloaded the shards into")
    parser.add_argument("--into", type=Path, required=True, help="empty or new folder for the merged results")
    parser.add_argument("--expect", type=int, metavar="N", help="how many shards ran (CI): a shard without results is recorded as broken")
    args = parser.parse_args(argv)
    if args.expect is not None and args.expect < 1:
        raise SystemExit(f"merge: --expect {args.expect}: give the number of shards the run had (1 or more)")
    if args.shards_in is not None:
        if args.shards:
            raise SystemExit("merge: give shard folders or --shards-in, not both")
        args.shards, left_out = downloaded_shards(args.shards_in)
        for note in left_out:
            print(f"merge: {note}")
    if not args.shards and args.expect is None:
        where = f"{args.shards_in} has no allure-results-* folder and no results" if args.shards_in else "no shard folder given"
        raise SystemExit(f"merge: no shard results: {where} (CI: no allure-results-* artifact was downloaded)")
    missing = missing_shards(args.shards, args.expect) if args.expect is not None else []
    try:
        notes = merge(args.shards, args.into, missing)
    except OSError as error:  # --into where no folder can be made or written (under a file, a read-only place)
        raise SystemExit(f"merge: cannot write the merged results beside {args.into} ({error.strerror or error}: {error.filename}): "
                         "give --into a folder in a place you can write") from None
    notes += [f"{shard.words} gave no results: recorded as broken (cause {INFRASTRUCTURE})" for shard in missing]
    for note in notes:
        print(f"merge: {note}")
    merged = journeys(args.into)
    retried = sum(1 for journey in merged.values() if journey.flaky)
    outside = sum(1 for journey in merged.values() if journey.outside)
    besides = f", {counted(outside, 'failure')} outside any journey" if outside else ""
    print(f"merge: {len(args.shards)} shards, {counted(len(merged) - outside, 'journey')} ({retried} passed on a retry){besides} into {args.into}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
