"""Merge the Allure results of several shards into one folder, for one report.

    python scripts/merge_results.py SHARD_DIR [SHARD_DIR ...] --into DIR

Every result, container and attachment file of every shard is copied (allure-pytest
names them by UUID, so they do not collide; a collision with different content is an
error). ``environment.properties`` and ``categories.json`` come from the first shard
that has them. A journey with several attempts (``--infra-reruns``) keeps all of them,
and its final attempt is marked flaky (``statusDetails.flaky``), which Allure shows.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHARED_FILES = ("environment.properties", "categories.json")


@dataclass(frozen=True)
class Journey:
    """One test (Allure's historyId: test and parameters) with its final attempt."""

    history_id: str
    final: dict[str, Any]
    final_path: Path
    attempts: int

    @property
    def status(self) -> str:
        return str(self.final.get("status", "unknown"))

    def label(self, name: str) -> str | None:
        return next((label["value"] for label in self.final.get("labels", []) if label.get("name") == name), None)


def journeys(results_dir: Path) -> dict[str, Journey]:
    """The journeys in an Allure results folder, each with its last attempt (latest ``stop``)."""
    attempts: dict[str, list[tuple[dict[str, Any], Path]]] = {}
    for path in sorted(results_dir.glob("*-result.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        key = result.get("historyId") or result.get("uuid") or path.stem
        attempts.setdefault(key, []).append((result, path))
    found = {}
    for key, tries in attempts.items():
        final, final_path = max(tries, key=lambda item: item[0].get("stop") or 0)
        found[key] = Journey(key, final, final_path, len(tries))
    return found


def merge(shards: list[Path], into: Path) -> list[str]:
    """Copy every shard's files into ``into``; returns notes for the reader (never fails silently)."""
    notes = []
    into.mkdir(parents=True, exist_ok=True)
    if any(into.iterdir()):
        raise SystemExit(f"merge: {into} is not empty; give an empty or new folder to --into")
    for shard in shards:
        if not shard.is_dir():
            raise SystemExit(f"merge: {shard} is not a folder of Allure results (did the shard run and upload them?)")
        for source in sorted(shard.iterdir()):
            target = into / source.name
            if not source.is_file():
                continue
            if target.exists():
                if filecmp.cmp(source, target, shallow=False):
                    continue
                if source.name in SHARED_FILES:
                    notes.append(f"{source.name} differs in {shard}; kept the first shard's")
                    continue
                raise SystemExit(f"merge: {source.name} exists in two shards with different content")
            shutil.copy2(source, target)
    for journey in journeys(into).values():
        if journey.attempts > 1:
            journey.final.setdefault("statusDetails", {})["flaky"] = True
            journey.final_path.write_text(json.dumps(journey.final), encoding="utf-8")
    return notes


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shards", nargs="*", type=Path, help="allure-results folders of the shards")
    parser.add_argument("--into", type=Path, required=True, help="empty or new folder for the merged results")
    args = parser.parse_args(argv)
    if not args.shards:
        raise SystemExit("merge: no shard results given (make: SHARD_RESULTS is empty; CI: no allure-results-* artifact was downloaded)")
    notes = merge(args.shards, args.into)
    for note in notes:
        print(f"merge: {note}")
    merged = journeys(args.into)
    retried = sum(1 for journey in merged.values() if journey.attempts > 1)
    print(f"merge: {len(args.shards)} shards, {len(merged)} journeys ({retried} retried) into {args.into}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
