"""Commands the suite suggests name the interpreter as a person types it where the run happens (fixtures/commands.py)."""

from __future__ import annotations

import re
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
    assert re.fullmatch(r"[0-9a-f]{7,}", suite_commit())  # this checkout's
