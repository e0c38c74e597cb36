"""The scripts refuse bad input and bad settings in a line that says what is wrong and how to fix it: no traceback, and
nothing written or removed that they were not asked to."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures import results_lock
from scripts import merge_results, notify, quality_gate, report_history, shard_check
from tests.suite_run import suite_env, tail

ROOT = Path(__file__).resolve().parents[2]


def a_file(tmp_path: Path) -> Path:
    """A file where a folder is wanted: nothing can be made under it, whoever runs the test (root writes anywhere else)."""
    path = tmp_path / "a-file"
    path.write_text("not a folder\n")
    return path


def no_traceback(done: subprocess.CompletedProcess[str]) -> str:
    said = done.stdout + done.stderr
    assert "Traceback" not in said, tail(said)
    return said


def test_a_merge_into_a_place_it_cannot_write_says_so(tmp_path: Path) -> None:
    shard = tmp_path / "allure-results-1"
    shard.mkdir()
    (shard / "a-result.json").write_text(json.dumps({"uuid": "a", "historyId": "h", "name": "j", "status": "passed"}))
    with pytest.raises(SystemExit) as refused:
        merge_results.main([str(shard), "--into", str(a_file(tmp_path) / "merged")])
    assert "cannot write the merged results" in str(refused.value.code) and "--into" in str(refused.value.code)


@pytest.mark.parametrize("result", [{"labels": "cause"}, {"labels": [{"name": "cause"}]}, {"labels": [{"name": 7, "value": "x"}]},
                                    {"statusDetails": "failed"}, {"stop": "late"}, {"stop": True}, {"parameters": [1]},
                                    {"steps": "opened the page"}])
def test_a_result_not_of_allures_shape_stands_as_unreadable_in_the_merge_the_gate_and_the_message(
        tmp_path: Path, result: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    """A result file that is JSON but not Allure's (written by hand, by another tool) stops none of the nightly's steps."""
    shard = tmp_path / "allure-results-1"
    shard.mkdir()
    (shard / "a-result.json").write_text(json.dumps({"uuid": "a", "historyId": "h", "name": "j", "status": "failed", **result}))
    (shard / "b-result.json").write_text(json.dumps({"uuid": "b", "historyId": "k", "name": "k", "status": "passed", "stop": 2}))
    assert merge_results.main([str(shard), "--into", str(tmp_path / "merged")]) == 0
    assert quality_gate.main([str(tmp_path / "merged")]) == 1
    said = capsys.readouterr().out
    assert "unreadable result a-result.json" in said and "1 journey" in said, said
    assert "a result file could not be read" in notify.summarize(tmp_path / "merged", "nightly")


def test_a_history_file_that_is_a_folder_or_cannot_be_written_is_refused_writing_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "history"
    folder.mkdir()
    assert report_history.main([str(folder), "123"]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert report_history.main([str(a_file(tmp_path) / "history.jsonl"), "123"]) == 2
    assert "cannot keep" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "history"] and not any(folder.iterdir())


def test_the_reports_name_adds_nothing_for_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """make nightly-report names the report with what --report-name prints: never the gate's own line about a missing folder."""
    assert quality_gate.main([str(tmp_path / "missing"), "--report-name"]) == 0
    assert capsys.readouterr().out == ""


def test_the_message_takes_no_title_from_an_environment_file_that_is_not_text(tmp_path: Path) -> None:
    (tmp_path / "environment.properties").write_bytes(b"\xff\xfetarget=local\n")
    assert quality_gate.target_of(tmp_path) is None
    assert notify.summarize(tmp_path, "nightly").startswith("nightly: no journey results")


def test_the_lock_check_without_a_folder_says_how_it_is_used(capsys: pytest.CaptureFixture[str]) -> None:
    """make asks `python -m fixtures.results_lock FOLDER...`: a recipe whose folder variable came out empty must not hear
    "no run holds it" (exit 0) and go on to delete or render; it is told how the check is used."""
    assert results_lock.main([]) == 2
    assert capsys.readouterr().err.startswith("usage: python -m fixtures.results_lock FOLDER...")


def test_the_shard_check_refuses_a_selection_it_cannot_split_and_an_out_it_cannot_make(tmp_path: Path) -> None:
    out = tmp_path / "check"
    with pytest.raises(SystemExit) as refused:
        shard_check.main(["--select", '-k "sign', "--out", str(out)])
    assert "No closing quotation" in str(refused.value.code) and not out.exists()
    with pytest.raises(SystemExit) as refused:
        shard_check.main(["--out", str(a_file(tmp_path) / "check")])
    assert "cannot be made" in str(refused.value.code)


def test_a_results_folder_under_a_file_is_held_by_no_run_and_help_is_no_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert results_lock.main([str(a_file(tmp_path) / "allure-results")]) == 0
    assert results_lock.main(["--help"]) == 0 and capsys.readouterr().out.startswith("usage: python -m fixtures.results_lock FOLDER...")
    assert not (ROOT / ".--help.lock").exists()


def test_the_process_group_module_run_as_a_command_says_it_is_none() -> None:
    done = subprocess.run([sys.executable, "scripts/process_group.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "is not a command" in no_traceback(done)


def test_the_browser_server_names_a_command_it_cannot_run() -> None:
    done = subprocess.run([sys.executable, "scripts/browser_server.py", "--", "/nonexistent/command"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "cannot run '/nonexistent/command'" in no_traceback(done)


def test_tenant_mode_names_the_policies_its_stack_refused(tmp_path: Path) -> None:
    empty = tmp_path / "policies"
    empty.mkdir()
    done = subprocess.run([sys.executable, "scripts/tenant_mode_against_stack.py", "--collect-only", "-q"], cwd=ROOT,
                          env={**suite_env(), "TMPDIR": str(tmp_path), "E2E_STACK_POLICIES": str(empty)},
                          capture_output=True, text=True, timeout=120)
    said = no_traceback(done)
    assert done.returncode == 1 and "no policy files" in said and "E2E_STACK_POLICIES" in said, tail(said)
    # The stack's own words, once: not the command that started it, nor its stderr said again after them.
    assert "; command:" not in said and said.count("no policy files") == 1, tail(said)
    assert not list(tmp_path.glob("tenant-stack-*"))


def test_tenant_mode_says_policy_keys_separated_otherwise_than_by_commas_before_starting_its_stack(tmp_path: Path) -> None:
    # Given a team's two policy keys written with a space between them (the stack said the first one's variable, which
    # then held the second key, was not set: a secret that seemed missing, where the separator is what is wrong)
    keys = "B2C_1A_FacebookSecret=env:FB B2C_1A_SwisscomSecret=env:SWISSCOM_SECRET"
    done = subprocess.run([sys.executable, "scripts/tenant_mode_against_stack.py", "--collect-only", "-q"], cwd=ROOT,
                          env={**suite_env(), "TMPDIR": str(tmp_path), "E2E_STACK_POLICY_KEYS": keys, "FB": "x", "SWISSCOM_SECRET": "y"},
                          capture_output=True, text=True, timeout=120)
    said = no_traceback(done)
    # Then it says so at once, with how to write them, and starts no stack
    assert done.returncode == 1 and "E2E_STACK_POLICY_KEYS: its key number 1 holds more than one" in said, tail(said)
    assert "separate the keys with commas" in said and "not set or empty" not in said, tail(said)
    assert not list(tmp_path.glob("tenant-stack-*"))
