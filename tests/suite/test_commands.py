"""Commands the suite suggests name the interpreter as a person types it where the run happens (fixtures/commands.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fixtures.commands import python


def test_the_interpreter_under_the_working_folder_is_its_relative_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(sys.executable).parents[2])  # the folder holding e.g. .venv/
    assert python() == str(Path(sys.executable).relative_to(Path(sys.executable).parents[2]))


def test_an_interpreter_elsewhere_is_found_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert python() == "python"
