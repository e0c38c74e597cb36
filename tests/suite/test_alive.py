"""fixtures/alive.py: a folder whose run was killed outright goes with the next run, and only once it is gone whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixtures import alive
from tests.suite_run import killed, run_holding


def test_a_dead_runs_folder_that_cannot_be_removed_whole_keeps_its_lock_file_and_is_tried_again(tmp_path: Path,
                                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    dead = tmp_path / "repro-dead"
    killed(run_holding(dead))
    (dead / "evidence").mkdir()
    (dead / "evidence" / "journey.har").write_text("{}")
    monkeypatch.setattr(shutil, "rmtree", lambda *args, **kwargs: None)  # as a file this user may not delete
    assert alive.remove_dead(tmp_path, "repro-") == [] and (dead / alive.ALIVE_FILE).is_file()
    monkeypatch.undo()
    assert alive.remove_dead(tmp_path, "repro-") == [dead] and not dead.exists()


def test_only_folders_of_the_prefix_with_a_lock_file_are_taken(tmp_path: Path) -> None:
    (tmp_path / "repro-being-made").mkdir()  # no lock file yet: a run making it, or no run's
    other = tmp_path / "tenant-stack-dead"
    killed(run_holding(other))
    assert alive.remove_dead(tmp_path, "repro-") == [] and other.is_dir() and (tmp_path / "repro-being-made").is_dir()


def test_an_alive_folder_is_held_while_its_block_runs_and_gone_after_and_a_dead_ones_first(tmp_path: Path,
                                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "preflight-stack-dead"
    killed(run_holding(dead))
    with alive.alive_folder("preflight-stack-") as folder:
        assert not dead.exists() and folder.parent == tmp_path and (folder / alive.ALIVE_FILE).is_file()
        assert alive.remove_dead(tmp_path, "preflight-stack-") == []  # held
    assert not folder.exists()
