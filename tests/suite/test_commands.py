"""Commands the suite suggests name the interpreter as a person types it where the run happens (fixtures/commands.py)."""

from __future__ import annotations

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
