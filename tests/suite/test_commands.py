"""Commands the suite suggests name the interpreter as a person types it where the run happens (fixtures/commands.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.commands import python


def test_the_interpreter_under_the_working_folder_is_its_relative_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / ".venv" / "bin" / "python"))  # make's: the repository's environment
    monkeypatch.chdir(tmp_path)
    assert python() == ".venv/bin/python"


def test_an_interpreter_elsewhere_is_found_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", "/opt/venvs/b2c/bin/python")  # an activated environment elsewhere
    monkeypatch.chdir(tmp_path)
    assert python() == "python"


def test_the_report_and_a_bundle_name_the_same_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI's commit where it says one (a checkout may have no git), else git's: one rule for the report's environment and
    the repro bundle's versions.json."""
    from fixtures.commands import suite_commit
    from fixtures.repro import versions

    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123")
    assert suite_commit() == "0123456789ab" and versions("chromium", "156")["suite_commit"] == "0123456789ab"
    monkeypatch.delenv("GITHUB_SHA")
    assert re.fullmatch(r"[0-9a-f]{7,}(\+changes)?", suite_commit())  # this checkout's


def test_a_commit_with_changed_files_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle or report from a checkout whose tracked files were changed (an edited policy) must not pass for the commit."""
    from fixtures.commands import suite_commit

    monkeypatch.delenv("GITHUB_SHA", raising=False)
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    (tmp_path / "policy.xml").write_text("<a/>")
    for command in (["init", "-q"], ["add", "policy.xml"], [*identity, "commit", "-q", "-m", "one"]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True, capture_output=True)
    (tmp_path / "untracked.txt").write_text("results of a run")  # what runs leave is no change to the suite
    assert re.fullmatch(r"[0-9a-f]{7,}", suite_commit(tmp_path))
    (tmp_path / "policy.xml").write_text("<b/>")
    assert re.fullmatch(r"[0-9a-f]{7,}\+changes", suite_commit(tmp_path))
