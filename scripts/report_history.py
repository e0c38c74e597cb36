"""The report's history counts each CI run once, however often its report job runs.

    python scripts/report_history.py HISTORY_FILE RUN_ID

Allure 3 adds the run it renders to ``HISTORY_FILE`` at every ``allure generate``. A report job run again (GitHub's
"Re-run failed jobs", an Azure rerun) restores the history its first attempt saved, which already holds this run:
rendered again, the night would show twice in the trend and read as "fixed" against itself. So before each render the
history is put back as it was before this run's first one: kept beside it (``.before-run``) with the run's id.
An empty RUN_ID (a run outside CI) leaves the history as it is.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def before_this_run(history: Path, run_id: str) -> str:
    """Make ``history`` what it was before ``run_id``'s first render; says what it did, in a line."""
    if not run_id:
        return "history: as it is (no CI run id)"
    kept, marker = history.with_name(history.name + ".before-run"), history.with_name(history.name + ".run")
    # A marker that is not text (a cut write, another tool's file) names no run: the history is taken as this run's first.
    if marker.is_file() and marker.read_bytes().decode("utf-8", "replace").strip() == run_id:
        if kept.is_file():
            shutil.copyfile(kept, history)
        else:
            history.unlink(missing_ok=True)  # the run's first render began without one
        return f"history: as before run {run_id}'s first report (this report is rendered again)"
    history.parent.mkdir(parents=True, exist_ok=True)
    if history.is_file():
        shutil.copyfile(history, kept)
    else:
        kept.unlink(missing_ok=True)
    marker.write_text(run_id + "\n")
    return f"history: kept as before run {run_id}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/report_history.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("history", type=Path, metavar="HISTORY_FILE", help="Allure's history file (ALLURE_HISTORY_PATH)")
    parser.add_argument("run_id", metavar="RUN_ID", help="the CI run's id; empty outside CI")
    args = parser.parse_args(argv)
    if args.history.is_dir():  # Allure writes its history to a file: a folder here is a setting pointed at the wrong place
        print(f"history: {args.history} is a folder; give ALLURE_HISTORY_PATH the file Allure keeps its history in "
              "(default .allure/history.jsonl)", file=sys.stderr)
        return 2
    try:
        print(before_this_run(args.history, args.run_id.strip()))
    except OSError as error:
        print(f"history: cannot keep {args.history} as before this run ({error.strerror or error}: {error.filename}): "
              "give ALLURE_HISTORY_PATH a file in a folder you can write", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
