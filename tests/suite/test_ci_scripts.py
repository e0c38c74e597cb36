"""The nightly's steps after the shards: merge, quality gate, notification (scripts/)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from fixtures.causes import OTHER, TOKEN_CONTRACT, token_contract
from fixtures.commands import venv_for_make
from fixtures.results_lock import hold_folder
from fixtures.run_results import COLLECTION_KEY, crash_key, write_collected, write_run_result
from mocks.b2c.settings import TESTAPP1_CLIENT_ID
from mocks.faults import OTHER_AUDIENCE
from scripts import merge_results, notify, offline_report, quality_gate, report_history, report_landing, shard_check
from tests.suite_run import allure_results, killed, run_holding, suite_env, tail

ROOT = Path(__file__).resolve().parents[2]
CONTROL_TOKEN = "ctl-token-4f9a8b7c6d5e"


def write_result(folder: Path, name: str, status: str, *, stop: int = 1, labels: dict[str, str] | None = None,
                 message: str | None = None, history_id: str | None = None, result_uuid: str | None = None) -> Path:
    """``result_uuid``: the file's name (read in name order), where a test needs their order; else a random one, as Allure's."""
    folder.mkdir(parents=True, exist_ok=True)
    result = {
        "uuid": result_uuid or str(uuid.uuid4()), "historyId": history_id or f"h-{name}", "name": name, "status": status,
        "start": stop - 1, "stop": stop, "fullName": f"e2e.journeys#{name}",
        "labels": [{"name": key, "value": value} for key, value in (labels or {}).items()],
    }
    if message:
        result["statusDetails"] = {"message": message}
    if policy := re.search(r"\[(B2C_\w+)\]", name):  # as allure-pytest writes a journey's parameter: its repr
        result["parameters"] = [{"name": "policy", "value": repr(policy.group(1))}]
    path = folder / f"{result['uuid']}-result.json"
    path.write_text(json.dumps(result))
    return path


# As the token check says it (fixtures/tokens.py) of the self-check's wrong-audience fault: the stack's test app expected.
AUD = {"cause": TOKEN_CONTRACT, "cause_detail": token_contract("", "aud", repr(TESTAPP1_CLIENT_ID), repr(OTHER_AUDIENCE)).cause.detail}


@pytest.fixture
def shards(tmp_path: Path) -> list[Path]:
    """Two shards of a nightly where one stack fault broke three journeys."""
    one, two = tmp_path / "shard-1", tmp_path / "shard-2"
    write_result(one, "test_sign_up[B2C_1_signupsignin]", "failed", labels=AUD)
    write_result(one, "test_sign_in[B2C_1_signupsignin]", "failed", labels=AUD)
    write_result(one, "test_cookies[B2C_1_signupsignin]", "passed")
    write_result(two, "test_token_contract[B2C_1A_signup_signin]", "failed", labels=AUD)
    write_result(two, "test_sso[B2C_1A_signup_signin]", "broken",
                 message=f"RuntimeError: control API refused token {CONTROL_TOKEN}\nmore lines")
    # Rerun after an infrastructure failure: two attempts, the last one green.
    write_result(two, "test_sign_out[B2C_1A_signup_signin]", "broken", stop=1,
                 labels={"cause": "infrastructure", "cause_detail": "net::ERR_CONNECTION_RESET"})
    write_result(two, "test_sign_out[B2C_1A_signup_signin]", "passed", stop=2)
    for shard in (one, two):
        (shard / "environment.properties").write_text("target=local\n")
        (shard / f"attachment-of-{shard.name}.png").write_bytes(b"\x89PNG")
    return [one, two]


def test_shards_that_ran_the_same_journeys_are_a_broken_result_the_gate_fails(tmp_path: Path) -> None:
    """Four shards told the same shard number (a SHARD pinned in the CI definitions) each run the same part: the merge
    would read the copies as retries of journeys that passed, and the night as whole. It says so in a broken result."""
    shards = [tmp_path / f"allure-results-{number}" for number in range(1, 5)]
    for shard in shards:  # Allure's historyId is a hash of the test and its parameters: the report names the test
        write_result(shard, "test_sign_up[B2C_1_signupsignin]", "passed", history_id="0d2b7f3c9e41a8b65f7d1c2e3a4b5c6d")
        write_result(shard, "test_sign_in[B2C_1_signupsignin]", "passed", history_id="b01720a6f23625a556b074eb7b78bbc0")
    merged = tmp_path / "merged"
    assert merge_results.main([*map(str, shards), "--into", str(merged)]) == 0
    [overlap] = [r for r in allure_results(merged) if r["name"] == "the shards ran the same journeys"]
    said = "2 journeys ran in more than one shard (e.g. test_sign_in[B2C_1_signupsignin] in allure-results-1, "
    assert overlap["status"] == "broken" and said in overlap["statusDetails"]["message"]
    assert quality_gate.main([str(merged)]) != 0
    # Shards of their own parts, a journey retried within one of them: no such result.
    write_result(tmp_path / "own-1", "test_sign_up[B2C_1_signupsignin]", "broken", stop=1)
    write_result(tmp_path / "own-1", "test_sign_up[B2C_1_signupsignin]", "passed", stop=2)
    write_result(tmp_path / "own-2", "test_sign_in[B2C_1_signupsignin]", "passed")
    assert merge_results.main([str(tmp_path / "own-1"), str(tmp_path / "own-2"), "--into", str(tmp_path / "own")]) == 0
    assert not [r for r in allure_results(tmp_path / "own") if r["name"] == "the shards ran the same journeys"]


def test_merge_keeps_every_file_once_and_marks_the_retried_journey_flaky(shards: list[Path], tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    merged = tmp_path / "merged"
    assert merge_results.main([*map(str, shards), "--into", str(merged)]) == 0
    assert f"merge: 2 shards, 6 journeys (1 passed on a retry) into {merged}" in capsys.readouterr().out
    assert len(list(merged.glob("*-result.json"))) == 7
    assert (merged / "environment.properties").read_text() == "target=local\n"
    assert {p.name for p in merged.glob("attachment-of-*")} == {"attachment-of-shard-1.png", "attachment-of-shard-2.png"}
    found = merge_results.journeys(merged)
    assert len(found) == 6
    sign_out = found["h-test_sign_out[B2C_1A_signup_signin]"]
    assert (sign_out.status, sign_out.attempts) == ("passed", 2)
    assert json.loads(sign_out.final_path.read_text())["statusDetails"]["flaky"] is True
    assert all("flaky" not in (j.final.get("statusDetails") or {}) for j in found.values() if j.attempts == 1)


def test_a_journey_that_failed_every_attempt_is_not_flaky_nor_are_copies_from_two_shards(tmp_path: Path) -> None:
    """Flaky is a retry that passed: a journey broken on each of its attempts, or found in two shards, was marked flaky, so
    the report said flaky where the message said broken."""
    write_result(tmp_path / "one", "test_sign_up[B2C_1_signupsignin]", "broken", stop=1)
    write_result(tmp_path / "one", "test_sign_up[B2C_1_signupsignin]", "broken", stop=2)
    write_result(tmp_path / "one", "test_sign_in[B2C_1_signupsignin]", "broken", stop=1)
    write_result(tmp_path / "one", "test_sign_in[B2C_1_signupsignin]", "passed", stop=2)
    for shard, status, stop in (("one", "broken", 1), ("two", "passed", 2)):  # read as a retry that passed, were it one
        write_result(tmp_path / shard, "test_sso[B2C_1_signupsignin]", status, stop=stop, history_id="5e0a1b2c3d4e5f60718293a4b5c6d7e8")
    merged = tmp_path / "merged"
    assert merge_results.main([str(tmp_path / "one"), str(tmp_path / "two"), "--into", str(merged)]) == 0
    flaky = {j.final["name"]: bool((j.final.get("statusDetails") or {}).get("flaky")) for j in merge_results.journeys(merged).values()
             if not j.outside}
    assert flaky == {"test_sign_up[B2C_1_signupsignin]": False, "test_sign_in[B2C_1_signupsignin]": True,
                     "test_sso[B2C_1_signupsignin]": False}, flaky
    assert "1 journey passed after an infrastructure retry (flaky)" in notify.summarize(merged, "Nightly")


def test_a_result_file_cut_short_is_a_broken_result_and_the_other_results_stay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A shard cancelled while allure-pytest wrote a file: one half file stopped the merge, so the night's report and
    message said nothing of the failures every other file held."""
    write_result(tmp_path / "allure-results-1", "test_sign_up[B2C_1_signupsignin]", "failed")
    cut = write_result(tmp_path / "allure-results-2", "test_sign_in[B2C_1_signupsignin]", "passed")
    cut.write_text(cut.read_text()[:40])
    merged = tmp_path / "merged"
    assert merge_results.main([str(tmp_path / "allure-results-1"), str(tmp_path / "allure-results-2"), "--into", str(merged)]) == 0
    assert f"{cut.name} could not be read (JSONDecodeError" in capsys.readouterr().out
    found = {j.final["name"]: j.status for j in merge_results.journeys(merged).values()}
    assert found == {"test_sign_up[B2C_1_signupsignin]": "failed", f"unreadable result {cut.name}": "broken"}, found
    assert all(isinstance(json.loads(path.read_text()), dict) for path in merged.glob("*-result.json"))  # Allure reads each
    assert quality_gate.main([str(tmp_path / "allure-results-2")]) == 1  # the gate over the raw shard: not met either


@pytest.mark.parametrize("partial", ["an unreadable result", "shards that overlap", "a journey file not collected"])
def test_a_partial_night_is_never_met_whatever_failures_are_allowed(tmp_path: Path, partial: str, capsys: pytest.CaptureFixture[str]) -> None:
    """README: the gate is not met with these, whatever MAX_FAILURES allows (it was met with --max-failures 1 or more)."""
    for shard in ("allure-results-1", "allure-results-2"):
        write_result(tmp_path / shard, f"test_sign_up[{shard}]", "passed")
    if partial == "an unreadable result":
        (tmp_path / "allure-results-2" / "0f-result.json").write_text('{"name": "test_sso", "sta')
    elif partial == "shards that overlap":
        for shard in ("allure-results-1", "allure-results-2"):
            write_result(tmp_path / shard, "test_sso", "passed", history_id="5e0a1b2c3d4e5f60718293a4b5c6d7e8")
    else:
        write_run_result(tmp_path / "allure-results-1", key=f"{COLLECTION_KEY}e2e/test_x.py", name="e2e/test_x.py: not collected",
                         cause=OTHER, detail="SyntaxError", suite="run")
    merged = tmp_path / "merged"
    assert merge_results.main([str(tmp_path / "allure-results-1"), str(tmp_path / "allure-results-2"), "--into", str(merged)]) == 0
    capsys.readouterr()
    assert quality_gate.main([str(merged), "--max-failures", "5"]) == 1
    assert "the results are partial" in capsys.readouterr().out


def test_the_message_says_why_journeys_skipped_after_the_causes_of_those_that_failed(tmp_path: Path) -> None:
    write_result(tmp_path, "test_sign_up", "failed", labels={"cause": "ID token contract", "cause_detail": "aud: expected a, got b"})
    write_result(tmp_path, "test_sign_in", "skipped", message="Skipped: webkit is not installed here")
    lines = notify.summarize(tmp_path, "Nightly").splitlines()
    assert lines[-1] == "- skipped: webkit is not installed here (1)" and lines.index("- ID token contract: 1 journey") < len(lines) - 1, lines


@pytest.mark.parametrize("first_file", ["infrastructure", "page changed"])
def test_causes_of_as_many_journeys_are_in_the_causes_order_in_the_message_and_the_reports_name(
        tmp_path: Path, first_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A tie went by name in the report's name ("infrastructure" before "page changed") and by the order the result files
    were read (their random names) in the night's message: one night's two screens listed its causes in two orders."""
    for cause in ("page changed", "infrastructure"):  # read in the files' order: first_file's first
        order = "1" if cause == first_file else "2"
        write_result(tmp_path, f"test_{cause.replace(' ', '_')}", "failed", labels={"cause": cause, "cause_detail": f"{cause} detail"},
                     result_uuid=f"{order}0000000-0000-0000-0000-000000000000")
    lines = notify.summarize(tmp_path, "Nightly").splitlines()
    assert [line for line in lines if line.startswith("- ")] == ["- page changed: 1 journey", "- infrastructure: 1 journey"], lines
    assert quality_gate.main([str(tmp_path), "--report-name"]) == 0
    assert capsys.readouterr().out.strip().endswith(" | page changed (1): page changed detail | infrastructure (1): infrastructure detail")


def test_merge_refuses_a_non_empty_target_and_a_missing_shard(shards: list[Path], tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=re.escape(f"is not empty (an earlier merge's results?): the merge adds to no results "
                                                   f"already there; remove it (rm -r {shards[0]})")):
        merge_results.merge(shards, shards[0])
    with pytest.raises(SystemExit, match="no shard results: no shard folder given"):
        merge_results.main(["--into", str(tmp_path / "merged")])
    with pytest.raises(SystemExit, match=f"no shard results: {tmp_path} has no allure-results-\\* folder and no results"):
        merge_results.main(["--shards-in", str(tmp_path), "--into", str(tmp_path / "merged")])
    with pytest.raises(SystemExit, match="not a folder of Allure results"):
        merge_results.merge([shards[0], tmp_path / "shard-3"], tmp_path / "merged")


def test_without_any_results_the_message_and_the_gate_say_so(tmp_path: Path) -> None:
    """CI reports even after a failed merge (no merged folder at all): a message that says so, and a red gate."""
    message = notify.summarize(tmp_path / "allure-results", "Nightly", "https://ci.example.test/run/7")
    assert message.splitlines() == ["Nightly: no journey results in allure-results/ (the run broke before its journeys, or their "
                                    "results were not merged: see the run's log)", "Report: https://ci.example.test/run/7"]
    assert quality_gate.main([str(tmp_path / "allure-results")]) == 1


@pytest.mark.parametrize(("option", "value"), [("--max-failures", "-1"), ("--min-journeys", "-3"), ("--max-failures", "abc")])
def test_the_gate_refuses_a_count_not_zero_or_more_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str) -> None:
    """make quality-gate MAX_FAILURES=-1 failed a green run ("at most -1 allowed"); MIN_JOURNEYS=-3 passed an empty one."""
    (tmp_path / "allure-results").mkdir()
    with pytest.raises(SystemExit) as refused:
        quality_gate.main([str(tmp_path / "allure-results"), option, value])
    assert refused.value.code == 2
    assert f"argument {option}: {value!r} is not a number of journeys (0 or more)" in capsys.readouterr().err


def test_a_shard_that_gave_no_results_is_a_broken_result_the_gate_and_the_message_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A nightly that lost a shard (it broke before pytest, or its job hit its time limit) must not read as green."""
    shards = [tmp_path / "shards" / f"allure-results-{number}" for number in (1, 3)]
    write_result(shards[0], "test_sign_up", "passed")
    write_result(shards[1], "test_sign_in", "passed")
    (tmp_path / "shards" / "allure-results-4").mkdir()  # downloaded, but empty
    merged = tmp_path / "merged"
    assert merge_results.main([*map(str, shards), str(tmp_path / "shards" / "allure-results-4"), "--into", str(merged), "--expect", "4"]) == 0
    assert f"merge: 3 shards, 2 journeys (0 passed on a retry), 2 failures outside any journey into {merged}" in capsys.readouterr().out
    broken = sorted(j.final["name"] for j in merge_results.journeys(merged).values() if j.status == "broken")
    assert broken == ["shard 2 of 4: no journey results", "shard 4 of 4: no journey results"]
    assert quality_gate.main([str(merged)]) == 1
    # Allowed failures do not make a night with lost shards whole: the gate said "met" with --max-failures 2.
    capsys.readouterr()
    assert quality_gate.main([str(merged), "--max-failures", "2"]) == 1
    assert "the results are partial (shard 2 of 4: no journey results; shard 4 of 4: no journey results)" in capsys.readouterr().out
    message = notify.summarize(merged, "Nightly")
    # The lost shards are failures, not journeys run: the message counts them apart, and the gate fails on them.
    assert message.startswith("Nightly: PARTIAL, not every journey has a result; 2 journeys passed; 2 failures outside any journey, 1 cause(s)"), message
    assert "- infrastructure: 2 failures outside any journey" in message, message
    assert "shard 2 of 4 gave no journey results" in message
    # Every shard lost (none uploaded anything): the report, the message and the gate still have something to say.
    nothing = tmp_path / "nothing"
    assert merge_results.main(["--into", str(nothing), "--expect", "2"]) == 0
    assert notify.summarize(nothing, "Nightly").startswith("Nightly: no journey ran; 2 failures outside any journey")
    assert quality_gate.main([str(nothing)]) == 1
    # Even were failures allowed, no journey ran: the lost shards' results are not journeys (MIN_JOURNEYS).
    capsys.readouterr()
    assert quality_gate.main([str(nothing), "--max-failures", "9"]) == 1
    assert capsys.readouterr().out.strip() == ("quality gate: not met: the results are partial (shard 1 of 2: no journey results; shard 2 "
                                               "of 2: no journey results), whatever failures are allowed; 0 journeys ran, 0 skipped (at "
                                               "least 1 must run)")
    quality_gate.main([str(merged)])
    assert "0 failed or broken journeys and 2 failures outside any journey (at most 0 allowed; by cause: infrastructure (2))" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="give the number of shards"):
        merge_results.main(["--into", str(tmp_path / "zero"), "--expect", "0"])
    # The same lost shard has the same id every night (the report's history follows it).
    again = tmp_path / "again"
    assert merge_results.main([*map(str, shards), "--into", str(again), "--expect", "4"]) == 0
    ids = {j.history_id for j in merge_results.journeys(again).values() if j.status == "broken"}
    assert ids == {j.history_id for j in merge_results.journeys(merged).values() if j.status == "broken"} == {"ci-shard-2-of-4", "ci-shard-4-of-4"}
    # Folders not numbered 1 to N (here from 0): counted instead.
    zero = tmp_path / "zero-based" / "allure-results-0"
    write_result(zero, "test_x", "passed")
    counted = tmp_path / "counted"
    assert merge_results.main([str(zero), "--into", str(counted), "--expect", "2"]) == 0
    assert [j.final["name"] for j in merge_results.journeys(counted).values() if j.status == "broken"] == \
        ["1 of the 1 missing shards of 2 (counted: the folders are not numbered 1 to 2: the CI jobs' logs tell which): no journey results"]
    assert {j.history_id for j in merge_results.journeys(counted).values() if j.status == "broken"} == {"ci-unnumbered-shard-1-of-2"}
    # All there: nothing added.
    write_result(tmp_path / "shards" / "allure-results-2", "test_cookies", "passed")
    whole = tmp_path / "whole"
    assert merge_results.main([str(shards[0]), str(tmp_path / "shards" / "allure-results-2"), "--into", str(whole), "--expect", "2"]) == 0
    assert len(merge_results.journeys(whole)) == 2 and quality_gate.main([str(whole)]) == 0


def collected(folder: Path, group: int, splits: int, *names: str) -> None:
    """A shard's list of the journeys it collected, as the run writes it (fixtures/reporting.py), by ``write_result``'s ids."""
    write_collected(folder, group, splits, [(f"h-{name}", f"e2e/test_journeys.py::{name}") for name in names])


def test_a_shard_cut_short_is_a_partial_night_that_names_its_journeys_without_a_result(tmp_path: Path,
                                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A shard stopped at its step's time limit uploads the results of the journeys it finished: the merge read them as the
    whole shard, and the report, the gate (whatever failures it allowed) and the message as a whole night."""
    one, two = tmp_path / "shards" / "allure-results-1", tmp_path / "shards" / "allure-results-2"
    collected(one, 1, 2, "test_sign_up[B2C_1_signupsignin]", "test_sign_in[B2C_1_signupsignin]")
    write_result(one, "test_sign_up[B2C_1_signupsignin]", "passed")
    write_result(one, "test_sign_in[B2C_1_signupsignin]", "failed", labels=AUD)
    later = ("test_sso[B2C_1_signupsignin]", "test_sign_out[B2C_1_signupsignin]", "test_cookies[B2C_1_signupsignin]", "test_consent[B2C_1_signupsignin]")
    collected(two, 2, 2, "test_cancel[B2C_1_signupsignin]", *later)
    write_result(two, "test_cancel[B2C_1_signupsignin]", "passed")  # the only journey it finished
    # A journey its xdist worker was running as the shard was killed: allure-pytest flushed it "passed", without the
    # historyId it gives a result it ends. No result of that journey, whose name the list keeps.
    flushed = json.loads(write_result(two, later[0], "passed").read_text())
    (two / f"{flushed['uuid']}-result.json").write_text(json.dumps({**flushed, "historyId": None}))
    merged = tmp_path / "merged"
    assert merge_results.main(["--shards-in", str(tmp_path / "shards"), "--into", str(merged), "--expect", "2"]) == 0
    said = capsys.readouterr().out
    assert "merge: shard 2 of 2: 4 journeys of 5 without a result: recorded as broken (cause infrastructure)" in said, said
    assert "merge: 1 result of journeys that never ended (no historyId" in said, said
    assert not list(merged.glob("collected-*")), "a shard's list is the merge's to read, not a file of the report"
    [unfinished] = [j for j in merge_results.journeys(merged).values() if j.outside]
    assert (unfinished.history_id, unfinished.status, unfinished.label("cause")) == ("ci-unfinished-shard-2-of-2", "broken", "infrastructure")
    assert unfinished.final["name"] == "shard 2 of 2: 4 journeys without a result"
    assert [step["name"] for step in unfinished.final["steps"]] == [f"e2e/test_journeys.py::{name}" for name in later]  # the report lists them
    # The gate is not met whatever failures it allows, and names what is missing; with none allowed it says so too.
    for allowed in ("5", "0"):
        assert quality_gate.main([str(merged), "--max-failures", allowed]) == 1
        assert ("the results are partial (shard 2 of 2: 4 journeys without a result: e2e/test_journeys.py::test_sso[B2C_1_signupsignin], "
                "e2e/test_journeys.py::test_sign_out[B2C_1_signupsignin] and 2 more), whatever failures are allowed") in capsys.readouterr().out
    message = notify.summarize(merged, "Nightly").splitlines()
    # Said first: the counts after it are not the whole night's.
    assert message[0] == "Nightly: PARTIAL, not every journey has a result; 1 failed of 3 journeys and 1 failure outside any journey, 2 cause(s)", message
    assert ("    shard 2 of 2 ended before 4 of its 5 journeys gave a result: cut short at its time limit, or killed (its job's log says "
            "which) (1)") in message, message
    start = message.index("- no result, the night is partial: 4 journeys")
    assert message[start + 1:start + 5] == [*(f"    e2e/test_journeys.py::{name}" for name in later[:3]), "    and 1 more (see the report)"], message
    # The same shard cut short has the same id every night (the report's history follows it), whichever journeys it lacks.
    write_result(two, "test_sso[B2C_1_signupsignin]", "passed")
    again = tmp_path / "again"
    assert merge_results.main(["--shards-in", str(tmp_path / "shards"), "--into", str(again), "--expect", "2"]) == 0
    assert [j.history_id for j in merge_results.journeys(again).values() if j.outside] == ["ci-unfinished-shard-2-of-2"]


def test_a_shards_list_counts_its_retried_skipped_and_crashed_journeys_and_one_that_collected_none_is_no_lost_shard(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What has a result is no gap: a journey's attempts (--infra-reruns), a skip, a worker's crash before any report of
    the journey (its result keyed by node id). A shard that collected nothing gave no result and lost none; an earlier
    attempt of a shard's job (Azure) is not read; shards told the same number list the same journeys, named once."""
    shards = tmp_path / "shards"
    one = shards / "allure-results-1"
    collected(one, 1, 3, "test_sign_up", "test_sign_in", "test_sso", "test_crash")
    write_result(one, "test_sign_up", "broken", stop=1)
    write_result(one, "test_sign_up", "passed", stop=2)
    write_result(one, "test_sign_in", "skipped", message="Skipped: webkit is not installed here")
    write_result(one, "test_sso", "passed")
    write_result(one, "test_crash", "broken", history_id=crash_key("e2e/test_journeys.py::test_crash"))
    collected(shards / "allure-results-2", 2, 3)  # its part of the split was empty
    collected(shards / "allure-results-3-attempt-1", 3, 3, "test_cookies", "test_consent")  # cut short, then run again whole
    collected(shards / "allure-results-3-attempt-2", 3, 3, "test_cookies", "test_consent")
    for name in ("test_cookies", "test_consent"):
        write_result(shards / "allure-results-3-attempt-2", name, "passed")
    whole = tmp_path / "whole"
    assert merge_results.main(["--shards-in", str(shards), "--into", str(whole), "--expect", "3"]) == 0
    assert not [j.final["name"] for j in merge_results.journeys(whole).values() if j.outside]
    assert quality_gate.main([str(whole), "--max-failures", "1"]) == 0  # the crash is a failure, not a gap
    # Two shards told the same number (SHARD pinned) list the same journeys under one name: read, not copied (two contents).
    pinned = [tmp_path / "pinned" / f"allure-results-{number}" for number in (1, 2)]
    for shard in pinned:
        collected(shard, 1, 2, "test_sign_up", "test_sign_in", "test_sso")
    write_collected(pinned[1], 1, 2, [("h-test_sign_up", "e2e/test_journeys.py::test_sign_up")])  # the same name, other content
    write_result(pinned[0], "test_sign_up", "passed")
    merged = tmp_path / "merged"
    assert merge_results.main(["--shards-in", str(tmp_path / "pinned"), "--into", str(merged), "--expect", "2"]) == 0
    names = sorted(j.final["name"] for j in merge_results.journeys(merged).values() if j.outside)
    assert names == ["shard 1 of 2: 2 journeys without a result"], names  # once; each folder ran (it listed), none is lost
    # The one shard GitHub's download put flat in the folder, with its list and no result yet: cut short, not lost.
    collected(tmp_path / "flat", 1, 1, "test_sign_up")
    assert merge_results.main(["--shards-in", str(tmp_path / "flat"), "--into", str(tmp_path / "merged-flat"), "--expect", "1"]) == 0
    assert [j.final["name"] for j in merge_results.journeys(tmp_path / "merged-flat").values()] == ["shard 1 of 1: 1 journey without a result"]


def test_a_shards_list_that_cannot_be_read_is_a_partial_night(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_result(tmp_path / "allure-results-1", "test_sign_up", "passed")
    (tmp_path / "allure-results-1" / "collected-shard-1-of-1.json").write_text('{"shard": 1, "shards": 1, "journ')
    merged = tmp_path / "merged"
    assert merge_results.main([str(tmp_path / "allure-results-1"), "--into", str(merged), "--expect", "1"]) == 0
    assert "collected-shard-1-of-1.json could not be read (JSONDecodeError" in capsys.readouterr().out
    [unreadable] = [j for j in merge_results.journeys(merged).values() if j.outside]
    assert unreadable.status == "broken" and "whether all of them ran is not known" in unreadable.said, unreadable.final
    assert quality_gate.main([str(merged), "--max-failures", "1"]) == 1


def test_merge_refuses_one_file_name_with_two_contents(shards: list[Path], tmp_path: Path) -> None:
    """Results and attachments are named by UUID: the same name with other content is two runs mixed, not one nightly."""
    (shards[0] / "attachment-1.png").write_bytes(b"\x89PNG one")
    (shards[1] / "attachment-1.png").write_bytes(b"\x89PNG two")
    with pytest.raises(SystemExit, match="attachment-1.png exists in two shards with different content"):
        merge_results.merge(shards, tmp_path / "merged")
    assert not (tmp_path / "merged").exists() and not (tmp_path / ".merged.partial").exists()  # no half merge to report on
    (shards[1] / "attachment-1.png").write_bytes(b"\x89PNG one")  # the same file twice (a shard's upload repeated): kept once
    (shards[1] / "environment.properties").write_text("target=tenant\n")  # shared files: the first shard's kept, and said
    notes = merge_results.merge(shards, tmp_path / "merged-again")
    assert notes == [f"environment.properties differs in {shards[1]}; kept the first shard's"]
    assert (tmp_path / "merged-again" / "environment.properties").read_text() == "target=local\n"


def test_quality_gate(shards: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    merged = tmp_path / "merged"
    merge_results.merge(shards, merged)
    assert quality_gate.main([str(merged)]) == 1
    assert "4 failed or broken journeys (at most 0 allowed; by cause: ID token contract (3), unclassified (1))" in capsys.readouterr().out
    assert quality_gate.main([str(merged), "--max-failures", "4"]) == 0
    assert quality_gate.main([str(merged), "--max-failures", "4", "--min-journeys", "7"]) == 1
    assert "6 journeys ran, 0 skipped (at least 7 must run)" in capsys.readouterr().out
    green = tmp_path / "green"
    write_result(green, "test_sign_up", "passed")
    assert quality_gate.main([str(green)]) == 0
    skipped = tmp_path / "skipped"  # a run that skipped everything proved nothing; the gate's line says why they skipped
    firefox = "Skipped: firefox is not installed (python -m playwright install firefox)\nmore lines"
    for name in ("test_sign_up", "test_sign_in", "test_sso"):
        write_result(skipped, name, "skipped", message=firefox)
    for name in ("test_outcomes", "test_decline"):
        write_result(skipped, name, "skipped", message="Skipped: needs the Mobile ID emulator's control API")
    write_result(skipped, "test_consent", "skipped", message="Skipped: a first sign-in's consent page needs the control API")
    capsys.readouterr()
    assert quality_gate.main([str(skipped)]) == 1
    assert capsys.readouterr().out.strip() == (
        "quality gate: not met: 0 journeys ran, 6 skipped (at least 1 must run); skipped: firefox is not installed "
        "(python -m playwright install firefox) (3); needs the Mobile ID emulator's control API (2); and 1 more reason")
    assert quality_gate.main([str(tmp_path / "nothing")]) == 1


def test_a_stopped_run_never_meets_the_gate_whatever_failures_it_allows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fixtures.causes import OTHER
    from fixtures.run_results import STOPPED_KEY, write_run_result

    write_result(tmp_path, "test_sign_in[B2C_1_susi]", "passed")
    assert quality_gate.main([str(tmp_path), "--max-failures", "5"]) == 0
    write_run_result(tmp_path, key=STOPPED_KEY, name="the run was stopped", cause=OTHER, suite="runs stopped",
                     detail="the run was stopped before its journeys ended (stopped by SIGTERM): its results are partial")
    capsys.readouterr()
    assert quality_gate.main([str(tmp_path), "--max-failures", "5"]) == 1
    assert "not met: the run was stopped before its journeys ended (stopped by SIGTERM)" in capsys.readouterr().out
    # Said once, as the stop it is: with no failure allowed, not also as "a failure outside any journey".
    assert quality_gate.main([str(tmp_path)]) == 1
    said = capsys.readouterr().out
    assert "the run was stopped" in said and "outside any journey" not in said, said
    # A shard's stop (its key names the shard): the same, said once for all the shards stopped for one reason.
    for path in tmp_path.glob("*-result.json"):
        path.unlink()
    write_result(tmp_path, "test_sign_in[B2C_1_susi]", "passed")
    for shard in (1, 2):
        write_run_result(tmp_path, key=f"{STOPPED_KEY}:shard-{shard}", name="the run was stopped", cause=OTHER, suite="runs stopped",
                         detail="the run was stopped before its journeys ended (stopped by SIGTERM): its results are partial")
    assert quality_gate.main([str(tmp_path), "--max-failures", "5"]) == 1
    said = capsys.readouterr().out
    assert said.count("the run was stopped") == 1 and "outside any journey" not in said, said


def test_a_stopped_runs_report_names_the_stop_in_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The nightly report's name adds what --report-name prints (make nightly-report): a run stopped before its journeys
    ended is partial, and its name says why, as the gate's line does, not nothing because no shard is missing."""
    from fixtures.run_results import STOPPED_KEY, write_run_result

    write_result(tmp_path, "test_sign_in[B2C_1_susi]", "passed")
    assert quality_gate.main([str(tmp_path), "--report-name"]) == 0 and capsys.readouterr().out.strip() == ""
    write_run_result(tmp_path, key=STOPPED_KEY, name="the run was stopped", cause=OTHER, suite="runs stopped",
                     detail="the run was stopped before its journeys ended (stopped by SIGTERM): its results are partial")
    assert quality_gate.main([str(tmp_path), "--report-name"]) == 0
    said = capsys.readouterr().out.strip()
    assert said.startswith("PARTIAL (the run was stopped before its journeys ended (stopped by SIGTERM)"), said


def test_make_quality_gate_is_the_nightlys_gate(shards: list[Path], tmp_path: Path) -> None:
    merged = tmp_path / "merged"
    merge_results.merge(shards, merged)
    venv = venv_for_make()
    gate = ["make", "--no-print-directory", "quality-gate", f"VENV={venv}", f"RESULTS_DIR={merged}"]
    failed = subprocess.run(gate, cwd=ROOT, capture_output=True, text=True, timeout=60)
    said = "4 failed or broken journeys (at most 0 allowed; by cause: ID token contract (3), unclassified (1))"
    assert failed.returncode != 0 and said in failed.stdout, failed.stdout + failed.stderr
    passed = subprocess.run([*gate, "MAX_FAILURES=4"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert passed.returncode == 0 and "quality gate: met (6 journeys ran" in passed.stdout, passed.stdout + passed.stderr
    # Set but empty (a CI variable defined blank): the defaults, not argparse's "expected one argument"
    blank = subprocess.run([*gate, "MAX_FAILURES=", "MIN_JOURNEYS= "], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert blank.returncode != 0 and said in blank.stdout and "expected one argument" not in blank.stderr, blank.stdout + blank.stderr
    # The nightly's report gates too, unless told not to (Azure gates in a job of its own): what make would run.
    for setting, gated in (([], True), (["NIGHTLY_GATE=no"], False)):
        planned = subprocess.run(["make", "-n", "nightly-report", f"VENV={venv}", *setting], cwd=ROOT, capture_output=True, text=True, timeout=60)
        # the gate itself, not its --report-name for the report's name
        gates = re.compile(r'scripts/quality_gate\.py "allure-results" --max-failures 0 --min-journeys 1(?! --report-name)')
        assert bool(gates.search(planned.stdout)) is gated and "scripts/notify.py" in planned.stdout, planned.stdout


@pytest.mark.parametrize("broken", ["nothing", "the render", "the webhook"])
def test_make_nightly_report_fails_when_its_report_or_message_did_not_go_out_though_the_gate_is_met(
        merged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    """README, CI: `make nightly-report` fails (make's status 2) when the report did not render or a webhook refused the
    message, so such a night is red on GitHub even with the gate met; each step still runs. Allure is a stand-in that
    writes a report or fails; the webhook answers 400 when it is the broken one."""
    allure = tmp_path / "allure"
    render = 'while [ $# -gt 0 ]; do [ "$1" = --output ] && mkdir -p "$2" && echo "<html></html>" > "$2/index.html"; shift; done'
    allure.write_text("#!/bin/sh\n" + ("exit 1\n" if broken == "the render" else render + "\n"))
    allure.chmod(0o755)
    hook = Webhook(status=400 if broken == "the webhook" else 200)
    try:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", hook.url)
        ran = subprocess.run(["make", "--no-print-directory", "nightly-report", f"VENV={venv_for_make()}", f"RESULTS_DIR={merged}",
                              f"REPORT_DIR={tmp_path / 'report'}", f"ALLURE_HISTORY_PATH={tmp_path / 'history.jsonl'}", f"ALLURE={allure}",
                              "ALLURE_INSTALL=true", "MAX_FAILURES=4"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        hook.close()
    output = ran.stdout + ran.stderr
    assert "quality gate: met" in output and len(hook.received) == 1, tail(output)  # every step ran, the gate met
    assert ran.returncode == (0 if broken == "nothing" else 2), tail(output)
    said = {"nothing": f"report: {tmp_path / 'report'}/index.html", "the render": "report: not written: allure generate failed",
            "the webhook": "slack webhook answered 400"}[broken]
    assert said in output, tail(output)


def test_make_report_names_a_folder_it_cannot_use_before_allure_runs(tmp_path: Path) -> None:
    """`make report` with a results folder that is not there, or a report or history folder that cannot be made, says
    which setting and stops (status 2) before Allure, which answers those with a Node stack trace (a stand-in here that
    would leave a mark). Only the last case's report folder is made: the history's folder is checked after it. A report
    folder holding a folder is refused too: Allure then writes its report into a folder of its own there (awesome/), and
    `make report` named the index.html it found."""
    results = tmp_path / "results"
    results.mkdir()
    (tmp_path / "theirs" / "photos").mkdir(parents=True)
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    cases = (
        ([f"RESULTS_DIR={tmp_path / 'missing'}"], f"no results folder {tmp_path / 'missing'}/"),
        ([f"RESULTS_DIR={results}", f"REPORT_DIR={a_file / 'report'}"], f"REPORT_DIR={a_file / 'report'}: the report's folder cannot be made"),
        ([f"RESULTS_DIR={results}", f"REPORT_DIR={tmp_path / 'theirs'}"],
         f"REPORT_DIR={tmp_path / 'theirs'} holds folders (photos): Allure would write the report into one of its own beside them"),
        ([f"RESULTS_DIR={results}", f"REPORT_DIR={tmp_path / 'report'}", f"ALLURE_HISTORY_PATH={a_file / 'history.jsonl'}"],
         f"ALLURE_HISTORY_PATH={a_file / 'history.jsonl'}: its folder cannot be made"),
    )
    allure = tmp_path / "allure"
    allure.write_text(f"#!/bin/sh\ntouch {tmp_path / 'allure-ran'}\n")
    allure.chmod(0o755)
    for settings, said in cases:
        ran = subprocess.run(["make", "--no-print-directory", "report", f"ALLURE={allure}", *settings], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
        assert ran.returncode == 2 and said in ran.stderr and "syscall" not in ran.stderr + ran.stdout, ran.stdout + ran.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file", "allure", "report", "results", "theirs"]  # Allure never ran


def test_make_report_says_why_its_report_folder_cannot_be_made_in_one_line(tmp_path: Path) -> None:
    """make report refuses a REPORT_DIR it cannot make in the words make e2e and make smoke use (FOLDER_USABLE): mkdir's
    reason kept, its own line not printed, and the default named; it printed mkdir's line, then a line without the reason."""
    results, a_file = tmp_path / "results", tmp_path / "a-file"
    results.mkdir()
    a_file.write_text("")
    ran = subprocess.run(["make", "--no-print-directory", "report", f"RESULTS_DIR={results}", f"REPORT_DIR={a_file / 'x'}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env())
    said = [line for line in ran.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert ran.returncode == 2 and said == [
        f"report: not started: REPORT_DIR={a_file / 'x'}: the report's folder cannot be made or written there (Not a directory): "
        "give a folder you can write, or leave REPORT_DIR out (allure-report/)"], ran.stderr


class Webhook:
    """A chat webhook on loopback that keeps what it receives."""

    def __init__(self, status: int = 200, echo: bool = False) -> None:
        """``echo``: a refusal names the path it was posted to, as some proxies' and services' error pages do."""
        self.received: list[dict] = []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers["Content-Length"])
                webhook.received.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
                self.send_response(status)
                self.end_headers()
                refusal = f"no such hook: {self.path}" if echo else "invalid_payload"
                self.wfile.write(b"ok" if status < 300 else refusal.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/secret-path"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture
def merged(shards: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for setting in notify.WEBHOOKS:
        monkeypatch.delenv(setting, raising=False)
    monkeypatch.setenv("MOBILEID_CONTROL_TOKEN", CONTROL_TOKEN)
    merge_results.merge(shards, tmp_path / "merged")
    return tmp_path / "merged"


def test_slack_message_names_each_cause_with_its_count(merged: Path, webhook: Webhook, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", webhook.url)
    link = "https://github.com/<owner>/<repo>/actions/runs/<id>"
    assert notify.main([str(merged), "--title", "Nightly B2C + Mobile ID journeys", "--link", link]) == 0  # the nightly's title
    [post] = webhook.received
    assert post["path"] == "/services/T000/B000/secret-path"
    # Slack reads & < > as its markup ("<!channel>" would call a whole channel): escaped, and read back here.
    assert "token &lt;redacted&gt;" in post["body"]["text"] and "<" not in post["body"]["text"], post["body"]["text"]
    # An & of a failure's words is one too, else "&lt;!channel&gt;" in them would reach Slack as "<!channel>".
    assert notify.slack_text("a & b &lt;!channel&gt;") == "a &amp; b &amp;lt;!channel&amp;gt;"
    lines = html.unescape(post["body"]["text"]).splitlines()
    assert lines == [
        # where they ran: from the results; failed and broken apart, as the report counts them
        "Nightly B2C + Mobile ID journeys (local stack): 3 failed, 1 broken of 6 journeys, 2 cause(s)",
        "- ID token contract: 3 journeys",
        f"    {AUD['cause_detail']} (3)",
        "- unclassified: 1 journey",
        "    RuntimeError: control API refused token <redacted> (1, on B2C_1A_signup_signin)",  # the run had two policies
        "1 journey passed after an infrastructure retry (flaky)",
        f"Report: {link}",
    ]
    documented = (ROOT / "docs" / "suite.md").read_text().split("A message for a nightly where one stack fault broke three journeys")[1]
    assert documented.split("```\n")[1].splitlines() == lines, "docs/suite.md's example message is not what notify posts"
    out = capsys.readouterr().out
    assert "posted to the slack webhook" in out and "secret-path" not in out and CONTROL_TOKEN not in out


def test_the_title_says_where_the_journeys_ran_as_their_results_say(tmp_path: Path) -> None:
    write_result(tmp_path / "tenant", "test_sign_in[B2C_1A_signup_signin]", "passed")
    (tmp_path / "tenant" / "environment.properties").write_text("target=tenant\ntenant=fabrikam\n")
    assert notify.summarize(tmp_path / "tenant", "Nightly").splitlines()[0] == "Nightly (tenant): all 1 journey passed"
    write_result(tmp_path / "unsaid", "test_sign_in[B2C_1A_signup_signin]", "passed")  # no environment.properties: nothing added
    assert notify.summarize(tmp_path / "unsaid", "Nightly").splitlines()[0] == "Nightly: all 1 journey passed"


def test_the_title_names_the_faults_of_the_stack_the_journeys_ran_against(tmp_path: Path) -> None:
    """A night against a stack with faults (E2E_STACK_FAULTS left set) fails by design: its message says so first, lest the
    failures read as B2C's or Mobile ID's."""
    write_result(tmp_path, "test_sign_in[B2C_1A_signup_signin]", "failed", labels={"cause": TOKEN_CONTRACT, "cause_detail": "aud"})
    (tmp_path / "environment.properties").write_text("target=local\nstack_faults=wrong-audience,token-failing\n")
    assert notify.summarize(tmp_path, "Nightly").splitlines()[0] == (
        "Nightly (local stack with the faults wrong-audience, token-failing (E2E_STACK_FAULTS)): 1 failed of 1 journey, 1 cause(s)")
    (tmp_path / "environment.properties").write_text("target=local\nstack_faults=none\n")
    assert notify.summarize(tmp_path, "Nightly").splitlines()[0].startswith("Nightly (local stack): ")


def test_teams_gets_an_adaptive_card(merged: Path, webhook: Webhook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_WEBHOOK_URL", webhook.url)
    assert notify.main([str(merged)]) == 0
    [post] = webhook.received
    [attachment] = post["body"]["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    texts = [block["text"] for block in attachment["content"]["body"]]
    assert texts[0] == "B2C + Mobile ID journeys (local stack): 3 failed, 1 broken of 6 journeys, 2 cause(s)"
    assert "- ID token contract: 3 journeys" in texts


@pytest.mark.parametrize("echo", [False, True], ids=["its own words", "echoing the path"])
def test_a_refused_post_fails_without_printing_the_url(merged: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], echo: bool) -> None:
    hook = Webhook(status=400, echo=echo)
    try:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", hook.url + "?sig=teams-like-signature-1234")
        assert notify.main([str(merged)]) == 1
    finally:
        hook.close()
    captured = capsys.readouterr()
    assert ("slack webhook answered 400: no such hook: <redacted>" if echo else "slack webhook answered 400: invalid_payload") in captured.err
    assert "secret-path" not in captured.out + captured.err and "teams-like-signature" not in captured.out + captured.err


def test_without_a_webhook_it_only_prints(merged: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TEAMS_WEBHOOK_URL", "$(TEAMS_WEBHOOK_URL)")  # Azure Pipelines: variable not defined
    assert notify.main([str(merged)]) == 0
    assert capsys.readouterr().out.startswith("B2C + Mobile ID journeys (local stack): 3 failed, 1 broken of 6 journeys")


def test_the_nights_message_is_on_githubs_run_page_too(merged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A red nightly's summary page said only "Process completed with exit code 1": the night by cause sat in the
    report job's log. notify adds its message to the job summary (GITHUB_STEP_SUMMARY), as a code block, so a failure's
    words (`<`, backticks) are not read as Markdown; nowhere else (no GITHUB_STEP_SUMMARY: nothing written)."""
    page = tmp_path / "summary.md"
    page.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(page))
    write_result(tmp_path / "odd", "test_sign_in", "failed", labels={"cause": "other", "cause_detail": "saw ```<b>``` in the page"})
    assert notify.main([str(merged), "--title", "Nightly B2C + Mobile ID journeys"]) == 0
    assert notify.main([str(tmp_path / "odd"), "--title", "Odd"]) == 0
    printed = capsys.readouterr().out
    said = page.read_text()
    night = notify.summarize(merged, "Nightly B2C + Mobile ID journeys")
    assert said.startswith("earlier step\n### Nightly B2C + Mobile ID journeys\n\n```text\n" + night + "\n```\n") and night in printed
    assert "\n### Odd\n\n````text\n" in said and said.rstrip().endswith("\n````"), said  # a fence longer than the text's
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert notify.main([str(merged)]) == 0 and page.read_text() == said


def test_the_nights_message_is_uploaded_to_azures_run_summary_too(merged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """On Azure, where a red run shows only its exit code too: the message as a summary file of its own in
    Agent.TempDirectory, named to Azure by ##vso[task.uploadsummary] at the start of a line; each night's file new."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setenv("TF_BUILD", "True")
    monkeypatch.setenv("AGENT_TEMPDIRECTORY", str(tmp_path))
    assert notify.main([str(merged), "--title", "Nightly"]) == 0
    assert notify.main([str(merged), "--title", "Nightly"]) == 0
    uploaded = re.findall(r"^##vso\[task\.uploadsummary\](.+)$", capsys.readouterr().out, re.M)
    assert len(set(uploaded)) == 2 and all(Path(path).parent == tmp_path for path in uploaded), uploaded
    night = notify.summarize(merged, "Nightly")
    assert Path(uploaded[0]).read_text() == f"### Nightly\n\n```text\n{night}\n```\n\n"


def test_azures_run_summary_command_starts_its_own_line_and_is_given_on_azure_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Azure reads ##vso[...] only at the start of a line: after output left open (a progress line) it still starts one. Off
    Azure (an AGENT_TEMPDIRECTORY left in a shell) no summary file is written and no command printed; a page that cannot
    be written stops nothing."""
    from fixtures.run_page import add_to_run_page

    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("TF_BUILD", raising=False)
    monkeypatch.setenv("AGENT_TEMPDIRECTORY", str(tmp_path))
    add_to_run_page("Nightly", "1 failed")
    assert "##vso" not in capsys.readouterr().out and not list(tmp_path.iterdir())
    monkeypatch.setenv("TF_BUILD", "True")
    sys.stdout.write("journeys: 3 of 6")  # no newline yet
    add_to_run_page("Nightly", "1 failed")
    assert re.search(r"^##vso\[task\.uploadsummary\].+\.md$", capsys.readouterr().out, re.M)
    # A page that cannot be written is left: the log says it all the same, and the run goes on
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "gone" / "summary.md"))
    add_to_run_page("Nightly", "1 failed")


def test_a_green_run_says_so(tmp_path: Path) -> None:
    write_result(tmp_path / "green", "test_sign_up", "passed")
    assert notify.summarize(tmp_path / "green", "Nightly") == "Nightly: all 1 journey passed"


def test_a_cause_that_broke_one_policy_of_several_says_so(tmp_path: Path) -> None:
    """A custom policy's claims exchange failing while the user flow passes: the message says all its journeys ran
    through that policy, so the reader knows where to look without reading test names."""
    exchange = {"cause": "B2C error redirect", "cause_detail": "AADB2C90075: The claims exchange 'MobileID-OAuth2' failed"}
    write_result(tmp_path, "test_sign_up[B2C_1A_signup_signin]", "failed", labels=exchange)
    write_result(tmp_path, "test_sign_in[B2C_1A_signup_signin]", "failed", labels=exchange)
    write_result(tmp_path, "test_sign_in[B2C_1_signupsignin]", "failed", labels=AUD)
    write_result(tmp_path, "test_sign_up[B2C_1_signupsignin]", "passed")
    lines = notify.summarize(tmp_path, "Nightly").splitlines()
    assert "    AADB2C90075: The claims exchange 'MobileID-OAuth2' failed (2, all on B2C_1A_signup_signin)" in lines, lines
    assert f"    {AUD['cause_detail']} (1, on B2C_1_signupsignin)" in lines, lines
    write_result(tmp_path, "test_token_contract[B2C_1A_signup_signin]", "failed", labels=AUD)  # now on both: no policy named
    assert f"    {AUD['cause_detail']} (2)" in notify.summarize(tmp_path, "Nightly").splitlines()


def test_a_run_that_skipped_is_never_said_to_have_passed(tmp_path: Path) -> None:
    """As the quality gate counts them: a skipped journey proved nothing, an unknown one failed."""
    # Said with why (allure-pytest's "Skipped: <reason>"), so a night that tested nothing says what to fix.
    webkit = "Skipped: webkit is not installed here: run with a browser server (E2E_BROWSER_WS_ENDPOINT)"
    write_result(tmp_path / "skipped", "test_sign_up", "skipped", message=webkit)
    write_result(tmp_path / "skipped", "test_sign_in", "skipped", message=webkit)
    assert notify.summarize(tmp_path / "skipped", "Nightly") == (
        "Nightly: no journey ran: all 2 skipped\n- skipped: webkit is not installed here: run with a browser server (E2E_BROWSER_WS_ENDPOINT) (2)")
    write_result(tmp_path / "some", "test_sign_up", "passed")
    write_result(tmp_path / "some", "test_sign_in", "skipped")
    # Skips are said with why whatever else happened (they were said only when every journey skipped).
    assert notify.summarize(tmp_path / "some", "Nightly") == "Nightly: 1 journey passed, 1 skipped\n- skipped: no message (1)"
    write_result(tmp_path / "some", "test_sso", "unknown", message="the worker crashed")
    assert notify.summarize(tmp_path / "some", "Nightly").splitlines()[:3] == [
        "Nightly: 1 unknown of 3 journeys, 1 cause(s)", "- unclassified: 1 journey", "    the worker crashed (1)"]


def test_the_report_counts_each_journey_once_and_shows_the_retried_one_as_flaky(shards: list[Path], tmp_path: Path) -> None:
    if not (ROOT / "node_modules" / "allure").is_dir():
        pytest.skip("the Allure CLI is not installed (npm ci, as make report does)")
    merged, report = tmp_path / "merged", tmp_path / "report"
    merge_results.merge(shards, merged)
    history = tmp_path / "history.jsonl"  # not the working folder's (allurerc.mjs): a test's render is no run of the journeys
    subprocess.run(["npx", "--no-install", "allure", "generate", str(merged), "--output", str(report)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300, env={**os.environ, "ALLURE_HISTORY_PATH": str(history)})
    assert history.is_file()
    summary = json.loads((report / "summary.json").read_text())
    assert summary["stats"]["total"] == 6
    assert summary["stats"]["flaky"] == 1 and len(summary["flakyTests"]) == 1
    # The first screen's tree sorted by status, failures first (allurerc.mjs), as the report reads its options.
    assert '"defaultSortBy":"status,asc"' in (report / "index.html").read_text()
    assert '"groupBy":["cause","cause_detail","parentSuite","suite"]' in (report / "index.html").read_text()  # by cause, then detail
    # As make report renders it: the installed Allure's analytics taken out.
    assert offline_report.TRACKER in (report / "index.html").read_text()
    assert offline_report.main([str(report / "index.html")]) == 0 and offline_report.TRACKER not in (report / "index.html").read_text()


def test_the_report_also_marks_flaky_a_failure_that_passed_in_a_recent_run_where_the_message_does_not(tmp_path: Path) -> None:
    """Allure's own rule beside the retries' (README, CI): a journey failing again after it passed in one of the history's
    last five runs is flaky in the report, with no retry; the nightly's message counts retries alone, and says it failed."""
    if not (ROOT / "node_modules" / "allure").is_dir():
        pytest.skip("the Allure CLI is not installed (npm ci, as make report does)")
    history = tmp_path / "history.jsonl"
    for night, status in enumerate(("failed", "passed", "failed")):
        results, report = tmp_path / f"results-{night}", tmp_path / f"report-{night}"
        write_result(results, "test_sign_in", status, labels={"cause": "broken promise"}, message="the journey broke")
        subprocess.run(["npx", "--no-install", "allure", "generate", str(results), "--output", str(report)], cwd=ROOT, check=True,
                       capture_output=True, timeout=300, env={**os.environ, "ALLURE_HISTORY_PATH": str(history)})
    flaky = [json.loads((tmp_path / f"report-{night}" / "summary.json").read_text())["stats"].get("flaky", 0) for night in range(3)]
    assert flaky == [0, 0, 1], flaky
    assert json.loads((tmp_path / "report-2" / "summary.json").read_text())["stats"]["failed"] == 1  # flaky, and failed still
    assert quality_gate.main([str(tmp_path / "results-2")]) == 1
    assert "flaky" not in notify.summarize(tmp_path / "results-2", "Nightly")


def test_a_partial_or_failing_nights_report_says_so_in_its_name_and_a_green_nights_does_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report opens at its tree, below its counts: a night that lost a shard said so only in the message and the gate.
    Its name (the first line and the browser's tab) says PARTIAL and what is missing; a whole night the gate fails, why
    (quality_gate.py --report-name), where Allure's own "Quality Gates" tab counted none."""
    if not (ROOT / "node_modules" / "allure").is_dir():
        pytest.skip("the Allure CLI is not installed (npm ci, as make report does)")
    write_result(tmp_path / "allure-results-1", "test_sign_up", "passed")
    write_result(tmp_path / "failing" / "allure-results-1", "test_sign_up", "passed")
    write_result(tmp_path / "failing" / "allure-results-1", "test_sign_in", "failed",
                 labels={"cause": "ID token contract", "cause_detail": "aud: expected a, got b"})
    titles = {}
    for night, shards, shards_expected in (("whole", [tmp_path / "allure-results-1"], "1"), ("partial", [tmp_path / "allure-results-1"], "2"),
                                  ("failing", [tmp_path / "failing" / "allure-results-1"], "1")):
        merged = tmp_path / f"merged-{night}"
        assert merge_results.main([*map(str, shards), "--into", str(merged), "--expect", shards_expected]) == 0
        capsys.readouterr()
        assert quality_gate.main([str(merged), "--report-name"]) == 0
        said = capsys.readouterr().out.strip()
        assert said.startswith({"whole": "", "partial": "PARTIAL (shard 2 of 2: no journey results)", "failing": "quality gate not met: "}[night]), said
        assert bool(said) is (night != "whole"), said
        ran = subprocess.run(["make", "--no-print-directory", "nightly-report", f"VENV={venv_for_make()}", f"RESULTS_DIR={merged}",
                              f"REPORT_DIR={tmp_path / f'report-{night}'}", f"ALLURE_HISTORY_PATH={tmp_path / f'{night}.jsonl'}",
                              "ALLURE_INSTALL=true", "NIGHTLY_GATE=no"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0, tail(ran.stdout + ran.stderr)
        titles[night] = re.search(r"<title>\s*([^<]*?)\s*</title>", (tmp_path / f"report-{night}" / "index.html").read_text()).group(1)  # type: ignore[union-attr]
    assert titles == {"whole": "Azure AD B2C + Mobile ID journeys",
                      "partial": "Azure AD B2C + Mobile ID journeys: PARTIAL (shard 2 of 2: no journey results)",
                      "failing": "Azure AD B2C + Mobile ID journeys: quality gate not met: 1 failed or broken journey (at most 0 "
                                 "allowed) | ID token contract (1): aud: expected a, got b"}, titles


@pytest.mark.parametrize("target", ["report", "nightly-report"])
def test_a_failing_runs_report_opens_with_every_cause_on_its_first_screen_and_a_green_runs_at_its_tree(
        tmp_path: Path, page: Page, target: str) -> None:
    """The night the audit rendered: 84 journeys, one cause broke 42 and another 20. Opened at the results tree, the first
    cause's journeys filled the first screen (1440×900) and the second cause sat screens below; the report (make e2e's
    too) now opens at its Categories tab, one closed row per cause, under the name that says each cause's commonest detail."""
    if not (ROOT / "node_modules" / "allure").is_dir():
        pytest.skip("the Allure CLI is not installed (npm ci, as make report does)")
    held = "expected a redirect to https://jwt.ms with Mobile ID's error as AADB2C90273; the journey stayed on B2C's sign-in page at /oauth2/authresp"
    for n in range(42):
        write_result(tmp_path / "failing", f"test_sign_in_{n}[B2C_1A_signup_signin]", "failed", labels={**AUD, "suite": f"test_{n % 3}"})
    for n in range(20):
        write_result(tmp_path / "failing", f"test_held_{n}[B2C_1_susi]", "broken", labels={"cause": "broken promise", "cause_detail": held})
    write_result(tmp_path / "failing", "test_unclassified", "broken", message="the worker crashed")  # no cause: its own row
    for n in range(22):
        for night in ("failing", "green"):
            write_result(tmp_path / night, f"test_passed_{n}", "passed")
    page.set_viewport_size({"width": 1440, "height": 900})
    for night in ("failing", "green"):
        report = tmp_path / f"report-{night}"
        ran = subprocess.run(["make", "--no-print-directory", target, f"VENV={venv_for_make()}", f"RESULTS_DIR={tmp_path / night}",
                              f"REPORT_DIR={report}", f"ALLURE_HISTORY_PATH={tmp_path / f'{night}.jsonl'}", "ALLURE_INSTALL=true",
                              "NIGHTLY_GATE=no"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0 and "report: opens at" not in ran.stderr, tail(ran.stdout + ran.stderr)
        page.goto((report / "index.html").as_uri())
        if night == "green":
            expect(page.get_by_test_id("tree-leaf").first).to_be_visible()
            assert urlsplit(page.url).fragment == "", page.url
            continue
        rows = [page.get_by_text(cause, exact=True) for cause in (TOKEN_CONTRACT, "broken promise", quality_gate.UNCLASSIFIED)]
        for row in rows:
            expect(row).to_be_in_viewport(ratio=1)
        expect(page.get_by_text("Test errors", exact=True)).to_have_count(0)  # Allure's own row for a result without a cause
        assert urlsplit(page.url).fragment == "categories", page.url
        title = page.get_by_test_id("report-title").inner_text()
        said = f"| {TOKEN_CONTRACT} (42): {AUD['cause_detail']} | broken promise (20): {held} | {quality_gate.UNCLASSIFIED} (1): the worker crashed"
        assert said in title, title
        expect(page.get_by_test_id("report-title")).to_be_in_viewport(ratio=1)
        ring = page.locator('div:has(> [data-testid="report-header"]) + div').bounding_box()
        assert ring is not None and ring["width"] >= 50, ring  # the pass-rate ring beside the long name, not squeezed under its figure
        rows[1].click()  # the evidence one click further: the cause's detail, whole (Allure cut it at the row's edge), then its journeys
        expect(page.get_by_text(held, exact=True)).to_be_in_viewport(ratio=1)
        expect(page.get_by_text("test_held_0[B2C_1_susi]", exact=True)).to_be_visible()
        page.get_by_text("Results", exact=False).first.click()  # the tree: its address has no fragment, and a reload stays there
        expect(page.get_by_test_id("tree-leaf").first).to_be_visible()
        page.reload()
        expect(page.get_by_test_id("tree-leaf").first).to_be_visible()
        assert urlsplit(page.url).fragment == "", page.url
        page.goto(f"{(report / 'index.html').as_uri()}#qualityGate")  # a link to another tab (or to a journey) opens there
        expect(page.get_by_text("Quality Gates", exact=False).first).to_be_visible()
        assert urlsplit(page.url).fragment == "qualityGate", page.url


@pytest.mark.parametrize("venv", ["none", "without its packages"])
def test_a_report_rendered_before_the_virtual_environment_exists_keeps_its_plain_name_and_still_opens_at_its_causes(
        tmp_path: Path, venv: str) -> None:
    """make report may run before .venv exists (README): the quality gate that names the report needs it, the landing not.
    A .venv whose set-up was cut short (its python, not its packages) names the report alike, saying why in a line."""
    if not (ROOT / "node_modules" / "allure").is_dir():
        pytest.skip("the Allure CLI is not installed (npm ci, as make report does)")
    write_result(tmp_path / "results", "test_sign_in", "failed", labels=AUD)
    bin_folder = tmp_path / "venv-bin"
    if venv == "without its packages":  # -S: no site-packages, whatever this machine's Python has installed
        bin_folder.mkdir()
        (bin_folder / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
        (bin_folder / "python").chmod(0o755)
    ran = subprocess.run(["make", "--no-print-directory", "report", f"BIN={bin_folder}", f"RESULTS_DIR={tmp_path / 'results'}",
                          f"REPORT_DIR={tmp_path / 'report'}", f"ALLURE_HISTORY_PATH={tmp_path / 'history.jsonl'}", "ALLURE_INSTALL=true"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    said = "" if venv == "none" else f"quality gate: not run: httpx is not installed for {sys.executable} (`make setup` installs the suite's packages)\n"
    assert ran.returncode == 0 and ran.stderr == said, tail(ran.stdout + ran.stderr)
    rendered = (tmp_path / "report" / "index.html").read_text()
    assert re.search(r"<title>\s*Azure AD B2C \+ Mobile ID journeys\s*</title>", rendered) and report_landing.LANDS in rendered


@pytest.mark.parametrize(("target", "settings"), [
    ("e2e", []),
    ("smoke", ["CI_EVIDENCE=", "INFRA_RERUNS=0"]),
])
def test_make_e2e_and_smoke_fail_when_the_report_cannot_be_written_though_the_journeys_passed(
        tmp_path: Path, target: str, settings: list[str]) -> None:
    theirs = tmp_path / "theirs"  # a report folder make report refuses (it holds folders), which the run's start does not
    (theirs / "photos").mkdir(parents=True)
    # One journey of each policy is enough to pass (PYTEST_ADDOPTS: the recipes' own options stay as they are): make e2e's
    # need no browser; every smoke journey drives one, the decline on the phone the fewest pages (no returning user's sign-up).
    selected = "test_declining_on_the_phone_reaches_the_app_as_an_error" if target == "smoke" else "test_an_error_redirect_echoes_the_state"
    env = {**suite_env(), "PYTEST_ADDOPTS": f"{os.environ['PYTEST_ADDOPTS']} -k {selected}"}  # the test's evidence folder kept
    ran = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, "WORKERS=0", f"VENV={venv_for_make()}", *settings,
                          f"RESULTS_DIR={tmp_path / 'results'}", f"JUNIT={tmp_path / 'junit.xml'}", f"REPORT_DIR={theirs}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    passed = "2 passed"
    assert passed in ran.stdout and ran.returncode == 2, tail(ran.stdout, 2000) + tail(ran.stderr, 2000)
    assert f"REPORT_DIR={theirs} holds folders (photos)" in ran.stderr
    # The run's first screen: the journeys' command as it ran, one line, none of the recipe's checks around it.
    [shown] = [line for line in ran.stderr.splitlines() if line.startswith("+ ")]
    assert shown.startswith("+ env REPORT_RENDERED_NEXT=1 ") and f" -m pytest e2e {'-m smoke ' if target == 'smoke' else ''}-n 0 " in shown, shown
    assert "results_lock" not in ran.stdout + ran.stderr and not ran.stdout.startswith("{"), ran.stdout[:500]
    if target == "smoke":  # the pre-release check's JUnit XML (README, CI), whatever became of the report
        suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
        assert suite is not None and suite.get("tests") == "2"


@pytest.mark.parametrize("target", ["e2e", "smoke"])
def test_make_e2e_and_smoke_fail_when_a_journey_failed_though_the_report_was_written(tmp_path: Path, target: str) -> None:
    """The journeys' status outlives the shell's trace of their command: a pre-release check whose journey failed is not
    green because its report rendered. PYTEST stands in for a run that wrote a failed journey's result (status 1)."""
    results, _, allure, path = rendering_with(tmp_path, (  # an Allure stand-in that writes a report
        '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --output ] && mkdir -p "$2" && echo "<html></html>" > "$2/index.html"; shift; done\n'))
    failed = write_result(tmp_path / "failed", "test_sign_in[B2C_1_susi]", "failed")
    journeys = tmp_path / "journeys"
    journeys.write_text(f"#!/bin/sh\ncp {failed} {results}/\nexit 1\n")
    journeys.chmod(0o755)
    ran = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, f"PYTEST={journeys}", f"ALLURE={allure}", "PYTHON=true",
                          f"VENV={venv_for_make()}", f"RESULTS_DIR={results}", f"REPORT_DIR={tmp_path / 'report'}",
                          f"EVIDENCE_DIR={tmp_path / 'evidence'}", f"JUNIT={tmp_path / 'junit.xml'}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, env={**suite_env(), "PATH": path})
    assert (tmp_path / "report" / "index.html").exists(), tail(ran.stdout, 2000) + tail(ran.stderr, 2000)
    assert ran.returncode != 0 and re.search(rf"\[Makefile:\d+: {target}\] Error 1$", ran.stderr, re.M), ran.stderr


@pytest.mark.parametrize("target", ["e2e", "smoke"])
@pytest.mark.parametrize(("setting", "what", "default"), [("RESULTS_DIR", "the results folder", "allure-results"),
                                                         ("REPORT_DIR", "the report's folder", "allure-report")])
def test_a_folder_the_run_cannot_make_is_refused_before_its_journeys_in_one_line(tmp_path: Path, target: str, setting: str, what: str,
                                                                                 default: str) -> None:
    """make e2e REPORT_DIR=/proc/x ran every journey and only then found the report's folder could not be made; a results
    folder pytest could not make was followed by make report's "no results folder ... (`make e2e` writes it ...)". Both
    are one line now, before anything runs (PYTEST stands in for pytest: a run that started leaves its mark)."""
    ran, a_file = tmp_path / "ran", tmp_path / "a-file"
    a_file.write_text("")
    folders = {"RESULTS_DIR": tmp_path / "results", "REPORT_DIR": tmp_path / "report", setting: a_file / "x"}
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, f"PYTEST=touch {ran} && :",
                           *(f"{name}={folder}" for name, folder in folders.items()), f"JUNIT={tmp_path / 'junit.xml'}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and not ran.exists(), done.stdout + done.stderr
    # make's own "*** [Makefile:..] Error 2" ("make[1]: ***" under make test, whose sub-make this one then is)
    said = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert said == [f"{target}: not started: {setting}={a_file / 'x'}: {what} cannot be made or written there (Not a directory): "
                    f"give a folder you can write, or leave {setting} out ({default}/)"], done.stderr


@pytest.mark.parametrize("target", ["e2e", "smoke", "shard"])
def test_a_journey_run_given_workers_that_are_no_count_is_refused_naming_workers(tmp_path: Path, target: str) -> None:
    """make e2e WORKERS=abc printed pytest's "argument -n/--numprocesses: invalid parse_numprocesses value: 'abc'", which
    names no setting of make's. Refused by make, naming WORKERS; e2e and smoke empty the last run's results first, so the
    report and gate do not pass them off as this run's, and so does shard (PYTEST stands in for pytest)."""
    ran, results = tmp_path / "ran", tmp_path / "results"
    results.mkdir()
    (results / "last-run-result.json").write_text("{}")
    settings = [f"PYTEST=touch {ran} && :", f"RESULTS_DIR={results}", f"REPORT_DIR={tmp_path / 'report'}",
                f"JUNIT={tmp_path / 'junit.xml'}", f"EVIDENCE_DIR={tmp_path / 'evidence'}"]
    for workers in ("abc", "-1", "2x"):
        done = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, f"WORKERS={workers}", *settings], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, env=suite_env())
        said = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
        assert done.returncode == 2 and not ran.exists(), done.stdout + done.stderr
        assert said == [f"{target}: not started: WORKERS={workers} is not a number of workers: give a count (WORKERS=2; 0 runs the "
                        "journeys in pytest's own process), auto or logical (one per core)"], done.stderr
    # make refused before pytest, whose --clean-alluredir never acted: the merge and the gate took a shard's for this night's
    assert not (results / "last-run-result.json").exists()
    for workers in ("0", "2", "auto", "logical"):
        done = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, f"WORKERS={workers}", *settings], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, env=suite_env())
        assert ran.exists() and "WORKERS=" not in done.stderr, done.stdout + done.stderr
        ran.unlink()


def test_a_shard_pytest_refuses_leaves_no_last_runs_results_for_the_merge_and_gate(tmp_path: Path) -> None:
    """make shard SHARD=3 SHARDS=2 (or a mistyped option in SELECT), refused by pytest before --clean-alluredir acted, left
    the shard's folder of the night before: make merge-results and the gate then passed the night off as green. The
    results of a run still writing the folder are not touched (PYTEST stands in for a pytest that refuses its options)."""
    results, held = tmp_path / "results", tmp_path / "held"
    results.mkdir()
    (results / "last-night-result.json").write_text("{}")
    settings = ["PYTEST=false &&", f"JUNIT={tmp_path / 'junit.xml'}", f"EVIDENCE_DIR={tmp_path / 'evidence'}"]
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", "shard", "SHARD=3", "SHARDS=2", f"RESULTS_DIR={results}",
                           *settings], cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and not (results / "last-night-result.json").exists(), done.stdout + done.stderr
    held.mkdir()
    (held / "its-result.json").write_text("{}")
    with hold_folder(held, "pytest e2e (a shard still running)"):
        done = subprocess.run(["make", "--no-print-directory", "-o", "setup", "shard", f"RESULTS_DIR={held}", *settings], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and (held / "its-result.json").exists(), done.stdout + done.stderr
    assert f"shard: not started: another run is writing {held}/" in done.stderr, done.stderr


@pytest.mark.parametrize("given", ["command line", "environment"])
@pytest.mark.parametrize(("target", "setting", "read"), [("shard", "PYTEST_ARGS", "SELECT"), ("shard", "E2E_ARGS", "SELECT"),
                                                         ("smoke", "E2E_ARGS", "PYTEST_ARGS")])
def test_options_given_in_a_setting_the_target_does_not_read_are_refused_naming_the_one_it_reads(tmp_path: Path, target: str,
                                                                                                setting: str, read: str,
                                                                                                given: str) -> None:
    """make shard PYTEST_ARGS='-k sign_up' ran the whole shard, make smoke E2E_ARGS='--video on' recorded no video: neither
    reads that setting. Refused before anything runs, naming the setting that takes them (PYTEST stands in for pytest)."""
    ran = tmp_path / "ran"
    settings = [f"PYTEST=touch {ran} && :", f"RESULTS_DIR={tmp_path / 'results'}", f"REPORT_DIR={tmp_path / 'report'}",
                f"JUNIT={tmp_path / 'junit.xml'}", f"EVIDENCE_DIR={tmp_path / 'evidence'}"]
    options = "-k sign_up --video on"
    command = ["make", "--no-print-directory", "-o", "setup", target, *settings]
    env = suite_env()
    if given == "environment":
        env[setting] = options
    else:
        command.append(f"{setting}={options}")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    said = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert done.returncode == 2 and not ran.exists(), done.stdout + done.stderr
    assert said == [f'{target}: not started: {setting} is not read by make {target}: give those options as {read}="{options}"'], done.stderr
    env[setting] = ""  # a CI variable defined blank: nothing given
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, *settings], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=env)
    assert ran.exists() and "not read" not in done.stderr, done.stdout + done.stderr


def test_make_report_renders_no_results_folder_without_a_result_nor_adds_it_to_the_history(tmp_path: Path) -> None:
    """make report on a results folder without a result (emptied by a run that ran none, `make e2e PYTEST_ARGS='-k typo'`)
    rendered an empty report, status 0, and added a run of nothing to the report history, which make e2e and make smoke
    never add. It is refused, saying so; the Allure CLI never runs (ALLURE stands in for it)."""
    results, history, allure = tmp_path / "results", tmp_path / "history" / "history.jsonl", tmp_path / "allure"
    results.mkdir()
    allure.write_text(f"#!/bin/sh\ntouch {tmp_path / 'rendered'}\n")
    allure.chmod(0o755)
    done = subprocess.run(["make", "--no-print-directory", "report", f"ALLURE={allure}", f"RESULTS_DIR={results}",
                           f"REPORT_DIR={tmp_path / 'report'}", f"ALLURE_HISTORY_PATH={history}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and not (tmp_path / "rendered").exists() and not history.exists(), done.stdout + done.stderr
    assert f"report: not written: RESULTS_DIR={results} holds no journey's result" in done.stderr, done.stderr


@pytest.mark.parametrize(("target", "settings", "said"), [
    ("shard", ["SHARD=3", "SHARDS=2"], "SHARD=3 is past SHARDS=2: the shards are numbered 1 to 2"),
    ("shard", ["SHARD=1/2"], "SHARD=1/2 is not a shard's number: give a whole number, 1 or more"),
    ("shard", ["SHARD=0"], "SHARD=0 is not a shard's number: give a whole number, 1 or more"),
    ("shard", ["SHARDS=four"], "SHARDS=four is not a number of shards: give a whole number, 1 or more"),
    ("quality-gate", ["MAX_FAILURES=abc"], "MAX_FAILURES=abc is not a number of journeys: give a whole number, 0 or more"),
    ("quality-gate", ["MIN_JOURNEYS=-1"], "MIN_JOURNEYS=-1 is not a number of journeys: give a whole number, 0 or more"),
    ("merge-results", ["EXPECT_SHARDS=four"], "EXPECT_SHARDS=four is not a number of shards: give a whole number, 1 or more"),
])
def test_a_count_that_is_none_is_refused_in_one_line_naming_makes_setting(tmp_path: Path, target: str, settings: list[str],
                                                                          said: str) -> None:
    """make shard SHARD=3 SHARDS=2 said pytest-split's "argument `--group` must be >= 1 and <= 2", make quality-gate
    MAX_FAILURES=abc argparse's usage and "argument --max-failures": neither names the setting to fix. Refused by make, in
    one line, before the script runs (PYTEST stands in for pytest; the gate's results folder has a passed journey)."""
    ran, results = tmp_path / "ran", tmp_path / "results"
    write_result(results, "test_sign_in[B2C_1_susi]", "passed")
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", "-o", f"{venv_for_make()}/.deps", target,
                           f"VENV={venv_for_make()}", f"PYTEST=touch {ran} && :", f"RESULTS_DIR={results}", f"JUNIT={tmp_path / 'junit.xml'}",
                           f"EVIDENCE_DIR={tmp_path / 'evidence'}", *settings], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=suite_env())
    lines = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert done.returncode == 2 and not ran.exists() and not done.stdout, done.stdout + done.stderr
    assert lines == [f"{target}: not started: {said}"], done.stderr


def test_make_quality_gate_refuses_results_a_run_is_still_writing(tmp_path: Path) -> None:
    """make quality-gate in a second terminal (or a script's next step) while make e2e was still running: the gate counted
    the journeys done so far and was met, status 0, with most of the run to go. Refused now, naming that run."""
    results = tmp_path / "results"
    write_result(results, "test_sign_in[B2C_1_susi]", "passed")
    gate = ["make", "--no-print-directory", "-o", f"{venv_for_make()}/.deps", "quality-gate", f"VENV={venv_for_make()}", f"RESULTS_DIR={results}"]
    with hold_folder(results, "pytest e2e (still running its journeys)"):
        done = subprocess.run(gate, cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and "quality gate: met" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert f"quality-gate: not started: another run is writing {results}/" in done.stderr, done.stderr
    assert f"pid {os.getpid()}: pytest e2e (still running its journeys)" in done.stderr, done.stderr
    done = subprocess.run(gate, cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env())  # the run ended
    assert done.returncode == 0 and "quality gate: met" in done.stdout, done.stdout + done.stderr


def test_make_merge_results_refuses_a_folder_a_run_is_writing(tmp_path: Path, shards: list[Path]) -> None:
    """make merge-results into a results folder a run had just begun (emptied, its stack starting) wrote the shards' results
    among that run's, for its report and gate. Refused, naming that run, the folder left as it was."""
    into = tmp_path / "into"
    into.mkdir()
    merge = ["make", "--no-print-directory", "-o", f"{venv_for_make()}/.deps", "merge-results", f"VENV={venv_for_make()}",
             f"RESULTS_DIR={into}", f"SHARD_RESULTS={' '.join(map(str, shards))}"]
    with hold_folder(into, "pytest e2e (starting its stack)"):
        done = subprocess.run(merge, cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and not list(into.iterdir()), done.stdout + done.stderr
    assert f"merge-results: not started: another run is writing {into}/" in done.stderr, done.stderr


def test_make_clean_leaves_a_results_folder_that_is_no_runs_or_that_a_run_is_writing(tmp_path: Path) -> None:
    """make clean RESULTS_DIR=~/Desktop (the folder a run refuses, README; or a RESULTS_DIR exported for another tool)
    deleted it whole, and a results folder a run was writing went from under that run. Both are refused, naming the
    folder, before anything is removed (the report's folder given here is left too)."""
    desktop, held, report = tmp_path / "desktop", tmp_path / "held", tmp_path / "report"
    desktop.mkdir()
    (desktop / "thesis.docx").write_text("mine")
    report.mkdir()
    done = subprocess.run(["make", "--no-print-directory", "clean", f"RESULTS_DIR={desktop}", f"REPORT_DIR={report}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and (desktop / "thesis.docx").read_text() == "mine" and report.exists(), done.stdout + done.stderr
    said = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert said == [f"clean: not started: RESULTS_DIR={desktop} holds what is no Allure result (thesis.docx): left as it is; give "
                    "the results folder, or leave RESULTS_DIR out (allure-results/)"], done.stderr
    held.mkdir()
    (held / "its-result.json").write_text("{}")
    with hold_folder(held, "pytest e2e (a run still writing)"):
        done = subprocess.run(["make", "--no-print-directory", "clean", f"RESULTS_DIR={held}", f"REPORT_DIR={report}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, env=suite_env())
    assert done.returncode == 2 and (held / "its-result.json").exists() and report.exists(), done.stdout + done.stderr
    assert f"clean: not started: another run is writing {held}/" in done.stderr, done.stderr


@pytest.mark.parametrize("given", ["command line", "environment"])
@pytest.mark.parametrize("target", ["e2e", "smoke", "shard"])
def test_make_selfchecks_faults_given_to_a_journey_run_are_refused_naming_the_journeys_setting(tmp_path: Path, target: str,
                                                                                                given: str) -> None:
    """make e2e FAULTS=wrong-audience ran the journeys against a stack without the fault and passed: FAULTS is make
    selfcheck's. The run is refused before it starts, with the setting that does it (PYTEST stands in for pytest)."""
    ran, theirs = tmp_path / "ran", tmp_path / "theirs"
    # A report folder make report refuses: the run that goes ahead renders no report (the Allure CLI, ~1.7 CPU-s a run), nor
    # adds a run of nothing to the working folder's report history (.allure/history.jsonl).
    (theirs / "photos").mkdir(parents=True)
    faults = "wrong-audience  expired-token"
    settings = [f"PYTEST=touch {ran} && :", f"RESULTS_DIR={tmp_path / 'results'}", f"REPORT_DIR={theirs}",
                f"JUNIT={tmp_path / 'junit.xml'}", f"EVIDENCE_DIR={tmp_path / 'evidence'}"]
    env = suite_env()
    if given == "environment":
        env["FAULTS"] = faults
    else:
        settings.append(f"FAULTS={faults}")
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, *settings], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=env)
    said = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert done.returncode == 2 and not ran.exists(), done.stdout + done.stderr
    assert said == [f"{target}: not started: FAULTS is make selfcheck's setting and the journeys do not read it: "
                    f'E2E_STACK_FAULTS="wrong-audience expired-token" make {target} runs them against a stack with those faults '
                    "(README: Faults and the self-check)"], done.stderr
    # Given the journeys' own setting as well, the run goes ahead (with it)
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, *settings, "E2E_STACK_FAULTS=wrong-audience"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert ran.exists() and "not started" not in done.stderr, done.stdout + done.stderr


@pytest.mark.parametrize("given", ["command line", "environment"])
def test_make_selfchecks_faults_given_to_make_serve_are_refused_naming_its_fault_option(tmp_path: Path, given: str) -> None:
    """make serve FAULTS=wrong-audience started a stack without the fault, to be tried by hand as if it had it: refused,
    with the SERVE_ARGS that start it with them (a python of its own stands in for the stack's)."""
    started = tmp_path / "started"
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    python = tmp_path / "venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "$@" > {started}\n')
    python.chmod(0o755)
    env, settings = suite_env(), [f"VENV={tmp_path / 'venv'}", "SERVE_ARGS=--policies mine"]
    if given == "environment":
        env["FAULTS"] = "wrong-audience expired-token"
    else:
        settings.append("FAULTS=wrong-audience expired-token")
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", "serve", *settings], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=env)
    said = [line for line in done.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert done.returncode == 2 and not started.exists(), done.stdout + done.stderr
    assert said == ["serve: not started: FAULTS is make selfcheck's setting and the stack does not read it: make serve "
                    'SERVE_ARGS="--fault wrong-audience --fault expired-token --policies mine" starts it with those faults '
                    "(README: Faults and the self-check)"], done.stderr
    # With its own --fault given as well, the stack starts (with that one)
    done = subprocess.run(["make", "--no-print-directory", "-o", "setup", "serve", *settings[:1], "SERVE_ARGS=--fault wrong-idp"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and started.read_text().split()[-2:] == ["--fault", "wrong-idp"], done.stdout + done.stderr


@pytest.mark.parametrize(("target", "mistyped"), [("e2e", "E2E_ARGS=--tracing retain-on-faillure"), ("smoke", "WORKERS=two"),
                                                 ("smoke", "PYTEST_ARGS=--tracing retain-on-faillure")])
def test_a_run_pytest_refuses_leaves_no_last_runs_results_to_report(tmp_path: Path, target: str, mistyped: str) -> None:
    """pytest refuses a mistyped option before --clean-alluredir acts (and make a WORKERS that is no count): make e2e and
    make smoke remove the last run's results first, or the report rendered next and the quality gate took them for this run's."""
    from scripts import quality_gate

    results, theirs, junit = tmp_path / "results", tmp_path / "theirs", tmp_path / "junit.xml"
    write_result(results, "test_sign_in[B2C_1_susi]", "passed")
    junit.write_text('<testsuites><testsuite tests="1" failures="0" errors="0"/></testsuites>')  # the last run's, as green
    (theirs / "photos").mkdir(parents=True)  # a report folder make report refuses: no Allure (nor npm) needed to show what is left to render
    ran = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, f"VENV={venv_for_make()}", mistyped,
                          f"RESULTS_DIR={results}", f"REPORT_DIR={theirs}", f"JUNIT={junit}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env=suite_env())
    # WORKERS: refused by make itself, naming it, once the last run's results are gone
    refused = r"error: argument --tracing: invalid|smoke: not started: WORKERS=two is not a number of workers"
    assert ran.returncode != 0 and re.search(refused, ran.stderr), tail(ran.stdout, 2000) + tail(ran.stderr, 2000)
    assert list(results.glob("*-result.json")) == [] and quality_gate.main([str(results)]) != 0
    assert target == "e2e" or not junit.exists()  # make smoke's JUnit XML (a pipeline's test tab) neither


@pytest.mark.parametrize("target", ["e2e", "smoke"])
def test_a_results_folder_pytest_refuses_is_not_rendered_nor_added_to_the_history(tmp_path: Path, target: str) -> None:
    """make e2e RESULTS_DIR=<a folder holding other files>: pytest refuses it (its --clean-alluredir would delete them), and
    the recipe went on to render that folder, an empty report, and added a run of nothing to the report history. Neither
    now, the refusal's status kept. An evidence folder refused is the run's own stop: its results folder holds one result
    saying why, rendered and added as ever. (Allure's stand-in writes a report and adds a run to the history.)"""
    results, history, allure, path = rendering_with(tmp_path, ALLURE_ADDING_A_RUN)
    (results / "notes.txt").write_text("mine")
    evidence, report = tmp_path / "evidence", tmp_path / "report"
    make = ["make", "--no-print-directory", "-o", "setup", target, "WORKERS=0", f"ALLURE={allure}", "PYTHON=true", f"VENV={venv_for_make()}",
            f"RESULTS_DIR={results}", f"REPORT_DIR={report}", f"ALLURE_HISTORY_PATH={history}", f"EVIDENCE_DIR={evidence}",
            f"JUNIT={tmp_path / 'junit.xml'}"]
    refused = subprocess.run(make, cwd=ROOT, capture_output=True, text=True, timeout=120, env={**suite_env(), "PATH": path})
    said = tail(refused.stdout, 2000) + tail(refused.stderr, 2000)
    assert "holds 1 file(s) or folder(s) that are no Allure results (notes.txt)" in refused.stderr, said
    assert refused.returncode != 0 and re.search(rf"\[Makefile:\d+: {target}\] Error 4$", refused.stderr, re.M), said
    assert not (report / "index.html").exists() and history.read_text() == '{"run": 1}\n', said
    assert f"report: not written: RESULTS_DIR={results} holds what is no Allure result" in refused.stderr, said
    assert (results / "notes.txt").read_text() == "mine"
    (results / "notes.txt").unlink()
    evidence.mkdir()
    (evidence / "todo.txt").write_text("mine")
    stopped = subprocess.run(make, cwd=ROOT, capture_output=True, text=True, timeout=120, env={**suite_env(), "PATH": path})
    said = tail(stopped.stdout, 2000) + tail(stopped.stderr, 2000)
    assert stopped.returncode != 0 and "no journey's evidence (todo.txt)" in stopped.stderr, said
    assert [result["name"] for result in allure_results(results)] == ["evidence folder"], said
    assert (report / "index.html").exists() and history.read_text() == '{"run": 1}\n{"run": 2}\n', said


@pytest.mark.parametrize("target", ["e2e", "smoke"])
def test_a_run_that_wrote_no_result_is_not_rendered_nor_added_to_the_history(tmp_path: Path, target: str) -> None:
    """make e2e PYTEST_ARGS=--no-such-option: pytest refuses the option (status 4) before any plugin writes a result, and the
    recipe went on to render the emptied results folder, an empty report, and added a run of nothing to the report history;
    so for a -k that selects no journey (status 5, said by the run; no result either). Neither now, one line saying where to
    look. A run whose journeys all skipped (a browser not installed) ran none too, but its results say why: rendered and
    added as ever. (Allure's stand-in as above; the last run's passed result in the folder, removed first.)"""
    results, history, allure, path = rendering_with(tmp_path, ALLURE_ADDING_A_RUN)
    report = tmp_path / "report"
    make = ["make", "--no-print-directory", "-o", "setup", target, "WORKERS=0", f"ALLURE={allure}", "PYTHON=true", f"VENV={venv_for_make()}",
            f"RESULTS_DIR={results}", f"REPORT_DIR={report}", f"ALLURE_HISTORY_PATH={history}", f"EVIDENCE_DIR={tmp_path / 'evidence'}",
            f"JUNIT={tmp_path / 'junit.xml'}"]
    env = {**suite_env(), "PATH": path, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-browsers")}
    for given, status, why in (("--no-such-option", 4, "error: unrecognized arguments: --no-such-option"),
                               ("-k no_such_journey", 5, "no journey ran: -k 'no_such_journey' ")):
        done = subprocess.run([*make, f"PYTEST_ARGS={given}"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
        said = tail(done.stdout, 2000) + tail(done.stderr, 2000)
        assert why in done.stdout + done.stderr and re.search(rf"\[Makefile:\d+: {target}\] Error {status}$", done.stderr, re.M), said
        assert list(results.glob("*-result.json")) == [], said
        assert not (report / "index.html").exists() and history.read_text() == '{"run": 1}\n', said
        assert (f"report: not written: the run wrote no result into RESULTS_DIR={results} (pytest's own error above says why, or the "
                f"line saying no journey ran): no report of it, nothing added to the history {history}") in done.stderr.splitlines(), said
    skipped = subprocess.run([*make, "PYTEST_ARGS=-k test_declining_on_the_phone --browser webkit"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120, env=env)
    said = tail(skipped.stdout, 2000) + tail(skipped.stderr, 2000)
    assert "no journey ran: all 2 were skipped (e.g. webkit is not installed" in skipped.stdout and "Error 5" in skipped.stderr, said
    assert (report / "index.html").exists() and history.read_text() == '{"run": 1}\n{"run": 2}\n', said


@pytest.mark.parametrize("target", ["e2e", "smoke"])
def test_make_n_shows_the_journeys_recipe_and_runs_none_of_it(tmp_path: Path, target: str) -> None:
    """make -n runs a recipe line that names $(MAKE) (the report rendered next), and the journeys ran with it (every one of them,
    under a dry run), the last run's results removed first: the line is printed, nothing of it run."""
    results = tmp_path / "results"
    write_result(results, "test_sign_in[B2C_1_susi]", "passed")
    ran = subprocess.run(["make", "-n", "--no-print-directory", "-o", "setup", target, f"VENV={venv_for_make()}", f"RESULTS_DIR={results}",
                          f"JUNIT={tmp_path / 'junit.xml'}"], cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env())
    assert ran.returncode == 0, tail(ran.stdout, 2000) + tail(ran.stderr, 2000)
    assert "-m pytest e2e" in ran.stdout and "passed" not in ran.stdout, tail(ran.stdout, 2000)
    assert list(results.glob("*-result.json")), "make -n removed the last run's results"


def test_e2e_args_replaces_make_e2es_three_options_after_alluredir() -> None:
    """Makefile, docs/suite.md Reports: E2E_ARGS=... replaces --tracing, --screenshot and --tb; --alluredir and the evidence
    folder (EVIDENCE_DIR) stay."""
    shown = subprocess.run(["make", "-n", "--no-print-directory", "-o", "setup", "e2e", "E2E_ARGS=--video on", "EVIDENCE_DIR=kept"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env()).stdout
    [line] = [line for line in shown.splitlines() if "-m pytest e2e" in line]
    assert "--alluredir=" in line and line.rstrip("; \\").split("--clean-alluredir", 1)[1].split(";")[0].strip() == '--output "kept" --video on', line


@pytest.mark.parametrize(("target", "own"), [
    ("e2e", "--tracing retain-on-failure --screenshot only-on-failure --tb=no"),
    ("smoke", '--junitxml="junit.xml"'),
])
def test_pytest_args_adds_options_after_make_e2es_and_smokes_own(target: str, own: str) -> None:
    """Makefile, make help, docs/suite.md Reports: PYTEST_ARGS=... goes after the target's own options (make e2e's E2E_ARGS kept
    as they are), so a -k or a video needs none of them repeated."""
    shown = subprocess.run(["make", "-n", "--no-print-directory", "-o", "setup", target, "JUNIT=junit.xml", "PYTEST_ARGS=-k sign_up --video on"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env()).stdout
    [line] = [line for line in re.sub(r"\\\n\s*", "", shown).splitlines() if "-m pytest e2e" in line]  # smoke's on two lines
    assert line.split("; { status=", 1)[0].endswith(f"{own} -k sign_up --video on"), line
    helped = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "PYTEST_ARGS=" in helped, helped


@pytest.mark.parametrize("target", ["e2e", "smoke"])
def test_workers_sets_how_many_journeys_run_at_once(target: str) -> None:
    """make help, docs/suite.md Running: WORKERS=N is make e2e's and make smoke's pytest -n (2 by default), said where a
    newcomer looks; it was read, and named only as an option that could be mistyped."""
    def journeys_line(*setting: str) -> str:
        shown = subprocess.run(["make", "-n", "--no-print-directory", "-o", "setup", target, "JUNIT=junit.xml", *setting],
                               cwd=ROOT, capture_output=True, text=True, timeout=60, env=suite_env()).stdout
        [line] = [line for line in re.sub(r"\\\n\s*", "", shown).splitlines() if "-m pytest e2e" in line]
        return line

    assert " -n 2 " in journeys_line() and " -n 1 " in journeys_line("WORKERS=1"), journeys_line("WORKERS=1")
    helped = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "WORKERS=1" in helped, helped


@pytest.mark.parametrize("flag", ["-t", "-q", None], ids=["-t", "-q", "no flag: the mark is left"])
@pytest.mark.parametrize("target", ["e2e", "smoke"])
def test_make_t_and_q_run_none_of_the_journeys_recipe_either(tmp_path: Path, target: str, flag: str | None) -> None:
    """make -t (touch) and -q (question) run a line naming $(MAKE) as -n does: the journeys' line runs none of it there
    either. (PYTEST stands in for pytest: a line that did run leaves its mark, ':' taking pytest's arguments; the report's
    folder holds a folder, so no report is rendered.)"""
    results, ran, theirs = tmp_path / "results", tmp_path / "ran", tmp_path / "theirs"
    write_result(results, "test_sign_in[B2C_1_susi]", "passed")
    (theirs / "photos").mkdir(parents=True)
    done = subprocess.run(["make", *([flag] if flag else []), "--no-print-directory", "-o", "setup", target, f"PYTEST=touch {ran} && :",
                           f"RESULTS_DIR={results}", f"REPORT_DIR={theirs}", f"JUNIT={tmp_path / 'junit.xml'}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=suite_env())
    assert ran.exists() == (flag is None), f"make {flag}: the journeys' line ran: {ran.exists()}\n{done.stdout}{done.stderr}"
    assert bool(list(results.glob("*-result.json"))) == (flag is not None), f"make {flag} removed the last run's results, or kept them"


def test_without_npm_make_report_keeps_the_results_and_says_how_to_render_them(tmp_path: Path) -> None:
    """README, set-up: without Node.js and npm the raw results stay, the line says what to install, and the target does
    not fail for it (make e2e's status is then its journeys')."""
    tools = tmp_path / "bin"  # a PATH with what the recipe needs, and no npm
    tools.mkdir()
    for tool in ("mkdir", "dirname"):
        (tools / tool).symlink_to(shutil.which(tool) or tool)
    results = tmp_path / "results"
    write_result(results, "test_sign_in[B2C_1_susi]", "passed")
    ran = subprocess.run([shutil.which("make") or "make", "--no-print-directory", "report", f"RESULTS_DIR={results}", f"REPORT_DIR={tmp_path / 'report'}",
                          f"ALLURE_HISTORY_PATH={tmp_path / 'history.jsonl'}"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PATH": str(tools)})
    assert ran.returncode == 0 and f"report: results in {results}/; install Node.js and npm to render the HTML report" in ran.stdout, ran
    assert list(results.glob("*-result.json")) and not (tmp_path / "report" / "index.html").exists()


# An Allure stand-in that adds a run to the report history and writes a report (index.html) into its --output folder.
ALLURE_ADDING_A_RUN = ('#!/bin/sh\nprintf \'{"run": 2}\\n\' >> "$ALLURE_HISTORY_PATH"\n'
                       'while [ $# -gt 0 ]; do [ "$1" = --output ] && mkdir -p "$2" && echo "<html></html>" > "$2/index.html"; shift; done\n')


def rendering_with(tmp_path: Path, allure_script: str) -> tuple[Path, Path, Path, str]:
    """make report's inputs for a render by an Allure stand-in (``allure_script``, sh): a results folder with one passed
    journey, a history of one run, and a $PATH whose npm does nothing for `npm ci` (a checkout without node_modules/):
    no Node or network needed. -> (results, history, the stand-in, $PATH)."""
    results, history = tmp_path / "results", tmp_path / "history" / "history.jsonl"
    write_result(results, "test_sign_in[B2C_1_susi]", "passed")
    history.parent.mkdir()
    history.write_text('{"run": 1}\n')
    allure, tools = tmp_path / "allure", tmp_path / "bin"
    allure.write_text(allure_script)
    tools.mkdir()
    (tools / "npm").write_text("#!/bin/sh\nexit 0\n")
    for tool in (allure, tools / "npm"):
        tool.chmod(0o755)
    return results, history, allure, f"{tools}{os.pathsep}{os.environ['PATH']}"


def test_make_report_keeps_the_history_whole_when_a_render_stops_half_way(tmp_path: Path) -> None:
    """Allure rewrites the history in place; make report renders into a copy that replaces it once the report is written.
    An Allure that fails half-way through its write (a stand-in for it here, and for npm: no Node or network needed) leaves
    the history as it was; one that writes it whole adds its run, and leaves no copy behind."""
    results, history, allure, path = rendering_with(
        tmp_path, '#!/bin/sh\nprintf \'{"run": 2}\\n{"half\' >> "$ALLURE_HISTORY_PATH"\nexit "$STOPS"\n')
    report = ["make", "--no-print-directory", "report", f"ALLURE={allure}", f"RESULTS_DIR={results}", f"REPORT_DIR={tmp_path / 'report'}",
              f"ALLURE_HISTORY_PATH={history}"]
    stopped = subprocess.run(report, cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "STOPS": "1", "PATH": path})
    assert stopped.returncode != 0 and history.read_text() == '{"run": 1}\n', stopped.stdout + stopped.stderr
    assert "report: not written: allure generate failed" in stopped.stderr
    written = subprocess.run([*report, "PYTHON=true"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                             env={**os.environ, "STOPS": "0", "PATH": path})
    assert written.returncode == 0, written.stdout + written.stderr
    assert history.read_text() == '{"run": 1}\n{"run": 2}\n{"half' and [p.name for p in history.parent.glob("*.rendering")] == []
    # A first render (no history yet) killed before its copy replaced anything leaves that copy: the next starts afresh.
    history.unlink()
    history.with_name("history.jsonl.rendering").write_text('{"killed": ')
    again = subprocess.run([*report, "PYTHON=true"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                           env={**os.environ, "STOPS": "0", "PATH": path})
    assert again.returncode == 0 and history.read_text().startswith('{"run": 2}'), again.stdout + again.stderr + history.read_text()


def test_a_second_make_report_is_refused_while_one_renders(tmp_path: Path) -> None:
    """Two make report at once (a second terminal, a make e2e rendering its own) wrote one report folder and one history
    copy (history.jsonl.rendering) together. While one renders, a second on its report folder or on its history is refused,
    naming it, and touches neither; the first's render ends as it would have alone. (An Allure stand-in that says on stderr
    that it started, then waits for a line on its stdin, make's.)"""
    results, history, allure, path = rendering_with(
        tmp_path, '#!/bin/sh\necho started >&2\nread line\nprintf \'{"run": 2}\\n\' >> "$ALLURE_HISTORY_PATH"\n')
    report, env = tmp_path / "report", {**os.environ, "PATH": path}

    def report_into(report: Path, history: Path, allure: str) -> list[str]:
        return ["make", "--no-print-directory", "report", f"ALLURE={allure}", f"RESULTS_DIR={results}", f"REPORT_DIR={report}",
                f"ALLURE_HISTORY_PATH={history}", "PYTHON=true"]

    with subprocess.Popen(report_into(report, history, str(allure)), cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env) as first:
        assert first.stderr
        try:
            assert first.stderr.readline() == "started\n"  # the first renders, its Allure waiting
            for other_report, other_history in ((report, tmp_path / "history-2.jsonl"), (tmp_path / "report-2", history)):
                second = subprocess.run(report_into(other_report, other_history, "true"), cwd=ROOT, capture_output=True, text=True,
                                        timeout=60, env=env)
                assert second.returncode == 2, second.stdout + second.stderr
                assert "report: not started: another render (make report, make nightly-report) is writing" in second.stderr, second.stderr
                assert "is being rendered already (pid " in second.stderr, second.stderr
                assert not (tmp_path / "history-2.jsonl").exists() and not list((tmp_path / "report-2").glob("*"))  # made, empty
                assert history.read_text() == '{"run": 1}\n' and not list(report.iterdir())
        finally:
            out, err = first.communicate("go\n", timeout=60)  # its Allure let go
    assert first.returncode == 0 and f"report: {report}/index.html" in out, out + err
    assert history.read_text() == '{"run": 1}\n{"run": 2}\n', history.read_text()
    again = subprocess.run(report_into(report, history, "true"), cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert again.returncode == 0, again.stdout + again.stderr  # the first's hold went with it


def test_make_nightly_report_holds_its_report_and_history_as_make_report_does(tmp_path: Path) -> None:
    """make nightly-report put the history back and rendered with no lock (Makefile REPORT_HELD): over a make report
    rendering the same report folder or history, both wrote them together. It is refused while another renders, naming
    it, touching neither, and still sends its message and gates; while it renders, a make report is refused naming it.
    (An Allure stand-in that writes a report and adds a run; with WAITS set it says on stderr that it started, then waits
    for a line on its stdin, make's.)"""
    results, history, allure, path = rendering_with(tmp_path, (
        '#!/bin/sh\n[ -z "$WAITS" ] || { echo started >&2; read line; }\nprintf \'{"run": 2}\\n\' >> "$ALLURE_HISTORY_PATH"\n'
        'while [ $# -gt 0 ]; do [ "$1" = --output ] && mkdir -p "$2" && echo "<html></html>" > "$2/index.html"; shift; done\n'))
    report = tmp_path / "report"
    env = {**{name: value for name, value in os.environ.items() if name not in notify.WEBHOOKS}, "PATH": path}
    venv = venv_for_make()  # -o: the recipes alone (a marker out of date would install the requirements first)
    made = ["make", "--no-print-directory", "-o", f"{venv}/.deps", f"ALLURE={allure}", f"RESULTS_DIR={results}", f"VENV={venv}"]
    reports = [*made, "report", "PYTHON=true"]
    nightly = [*made, "nightly-report", "NIGHTLY_RUN_ID=7", "MAX_FAILURES=0"]

    with subprocess.Popen([*reports, f"REPORT_DIR={report}", f"ALLURE_HISTORY_PATH={history}"], cwd=ROOT, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**env, "WAITS": "1"}) as first:
        assert first.stderr
        try:
            assert first.stderr.readline() == "started\n"  # make report renders, its Allure waiting
            for other_report, other_history in ((report, tmp_path / "history-2.jsonl"), (tmp_path / "report-2", history)):
                second = subprocess.run([*nightly, f"REPORT_DIR={other_report}", f"ALLURE_HISTORY_PATH={other_history}"], cwd=ROOT,
                                        capture_output=True, text=True, timeout=60, env=env)
                said = second.stdout + second.stderr
                assert second.returncode == 2 and "report: not started: another render (make report, make nightly-report) is writing" in second.stderr, said
                assert "is being rendered already (pid " in second.stderr and ": make report)" in second.stderr, said
                assert "quality gate: met" in said, said  # the message and the gate ran all the same
                assert not (tmp_path / "history-2.jsonl").exists() and not list((tmp_path / "report-2").glob("*"))
                assert history.read_text() == '{"run": 1}\n' and not list(report.iterdir())
                assert not history.with_name("history.jsonl.run").exists(), said  # not put back for run 7 either
        finally:
            out, err = first.communicate("go\n", timeout=60)
    assert first.returncode == 0 and history.read_text() == '{"run": 1}\n{"run": 2}\n', out + err

    with subprocess.Popen([*nightly, f"REPORT_DIR={report}", f"ALLURE_HISTORY_PATH={history}"], cwd=ROOT, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**env, "WAITS": "1"}) as rendering:
        assert rendering.stderr
        try:
            assert rendering.stderr.readline() == "started\n"  # the nightly renders, its Allure waiting
            refused = subprocess.run([*reports, f"REPORT_DIR={tmp_path / 'report-3'}", f"ALLURE_HISTORY_PATH={history}"], cwd=ROOT,
                                     capture_output=True, text=True, timeout=60, env=env)
            assert refused.returncode == 2 and ": make nightly-report)" in refused.stderr, refused.stdout + refused.stderr
            assert "another make report" not in refused.stderr, refused.stderr  # the holder is a nightly-report: said as it is
        finally:
            out, err = rendering.communicate("go\n", timeout=60)
    assert rendering.returncode == 0 and f"report: {report}/index.html" in out, out + err
    assert history.read_text() == '{"run": 1}\n{"run": 2}\n{"run": 2}\n', history.read_text()


def test_make_nightly_report_refuses_to_render_a_results_folder_another_run_writes_and_still_messages_and_gates(
        tmp_path: Path) -> None:
    """make report refuses a results folder another run is still writing (Makefile RESULTS_FREE: it would render it
    half-written); make nightly-report rendered it all the same, and put back and added to the history a run half-done.
    Its render is refused now, naming that run, the report and history untouched; the message and the gate still run,
    as when its render is refused for another make report's, and it fails."""
    results, history, allure, path = rendering_with(tmp_path, ALLURE_ADDING_A_RUN)
    report = tmp_path / "report"
    env = {**{name: value for name, value in os.environ.items() if name not in notify.WEBHOOKS}, "PATH": path}
    nightly = ["make", "--no-print-directory", "-o", f"{venv_for_make()}/.deps", "nightly-report", f"VENV={venv_for_make()}",
               f"ALLURE={allure}", f"RESULTS_DIR={results}", f"REPORT_DIR={report}", f"ALLURE_HISTORY_PATH={history}",
               "NIGHTLY_RUN_ID=7", "MAX_FAILURES=0"]
    with hold_folder(results, "pytest e2e (the night's last shard, merging)"):
        refused = subprocess.run(nightly, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    said = refused.stdout + refused.stderr
    # The render's refusal, not the target's: its message and gate still run (Makefile REFUSED).
    assert refused.returncode == 2 and f"\nreport: not started: another run is writing {results}/" in f"\n{refused.stderr}", said
    assert f"pid {os.getpid()}: pytest e2e (the night's last shard, merging)" in refused.stderr, said
    assert "all 1 journey passed" in refused.stdout and "quality gate: met" in said, said  # the message and the gate ran all the same
    assert not report.exists() and history.read_text() == '{"run": 1}\n', said
    done = subprocess.run(nightly, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)  # the other run ended
    assert done.returncode == 0 and f"report: {report}/index.html" in done.stdout, done.stdout + done.stderr
    assert history.read_text() == '{"run": 1}\n{"run": 2}\n', history.read_text()


def test_make_nightly_report_says_why_its_report_folder_cannot_be_made_and_still_messages_and_gates(tmp_path: Path) -> None:
    """make nightly-report whose REPORT_DIR cannot be made printed mkdir's own line alone: no word of which setting, nor
    that the render did not start. It says so as make report does (Makefile FOLDER_USABLE), as the render's refusal
    (REFUSED), and its message and gate still run."""
    results, history, allure, path = rendering_with(tmp_path, "#!/bin/sh\ntouch \"$0.ran\"\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    env = {**{name: value for name, value in os.environ.items() if name not in notify.WEBHOOKS}, "PATH": path}
    ran = subprocess.run(["make", "--no-print-directory", "-o", f"{venv_for_make()}/.deps", "nightly-report", f"VENV={venv_for_make()}",
                          f"ALLURE={allure}", f"RESULTS_DIR={results}", f"REPORT_DIR={a_file / 'x'}", f"ALLURE_HISTORY_PATH={history}",
                          "NIGHTLY_RUN_ID=7", "MAX_FAILURES=0"], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    said = ran.stdout + ran.stderr
    assert ran.returncode == 2 and f"report: not started: REPORT_DIR={a_file / 'x'}: the report's folder cannot be made or written " \
        "there (Not a directory): give a folder you can write, or leave REPORT_DIR out (allure-report/)" in ran.stderr, said
    assert "quality gate: met" in said and not Path(f"{allure}.ran").exists(), said  # the gate ran, Allure did not


def test_make_report_whose_lock_file_cannot_be_written_names_it_and_how_to_fix_it(tmp_path: Path) -> None:
    """Makefile REPORT_HELD: a lock file beside REPORT_DIR that cannot be opened (here a folder in its place) stops the render
    naming that file and what to do, before Allure runs (it wrote a report no lock held)."""
    results, history, allure, path = rendering_with(tmp_path, '#!/bin/sh\necho allure ran >&2\n')
    report = tmp_path / "report"
    (tmp_path / ".report.lock").mkdir()
    done = subprocess.run(["make", "--no-print-directory", "report", f"ALLURE={allure}", f"RESULTS_DIR={results}", f"REPORT_DIR={report}",
                           f"ALLURE_HISTORY_PATH={history}", "PYTHON=true"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": path})
    assert done.returncode == 2, done.stdout + done.stderr
    assert (f"report: not started: the lock file {tmp_path / '.report.lock'} (beside REPORT_DIR={report} or ALLURE_HISTORY_PATH="
            f"{history}) cannot be written: make it a file you can write, or give a REPORT_DIR or ALLURE_HISTORY_PATH in a folder "
            "you can") in done.stderr, done.stderr
    assert "allure ran" not in done.stderr and not (report / "index.html").exists()


def test_make_test_emulators_says_why_the_report_tests_skip_when_npm_ci_fails(tmp_path: Path) -> None:
    """Makefile: test-emulators installs the Allure CLI first where npm is; a failed `npm ci` (its own words hidden by
    --silent) runs the tests all the same and says what broke, what it costs and what to do, as make report does."""
    tools = tmp_path / "bin"  # an npm whose `npm ci` fails, in a folder without node_modules/
    tools.mkdir()
    (tools / "npm").write_text("#!/bin/sh\nexit 1\n")
    (tools / "npm").chmod(0o755)
    ran = subprocess.run(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-o", "setup", "test-emulators", "PYTEST=echo ran"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"})
    assert ran.returncode == 0 and "ran tests" in ran.stdout, ran.stdout + ran.stderr
    assert ("test-emulators: npm ci failed (run it to see why; npm needs a writable HOME for its cache): the tests of the HTML "
            "report skip") in ran.stdout, ran.stdout + ran.stderr


# Allure 3.18's awesome template, its analytics as it writes them, between two scripts of the report's own.
RENDERED = """<head><script src="data:text/javascript;base64,AAA="></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', {"report": "awesome", "allureVersion": "3.18.0", "reportUuid": "b2d3", "single_file": "true"});
    </script>
    <script async>window.allureReportDataReady = false;</script></head>"""


def test_a_rendered_report_calls_no_third_party_when_opened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Allure 3 always writes Google's tag manager into the report; make report takes it out, and refuses a report whose
    analytics it no longer recognises rather than ship it."""
    (tmp_path / "allure-report").mkdir()
    index = tmp_path / "allure-report" / "index.html"
    index.write_text(RENDERED)
    assert offline_report.main([str(index)]) == 0
    assert index.read_text() == ('<head><script src="data:text/javascript;base64,AAA="></script>\n'
                                 "    <script async>window.allureReportDataReady = false;</script></head>")
    index.write_text(RENDERED.replace('<script async src="https://www.googletagmanager.com', '<script defer src="https://www.googletagmanager.com'))
    assert offline_report.main([str(index)]) == 1
    assert f"report: not published: {index} loads googletagmanager.com" in capsys.readouterr().err
    assert not index.exists() and (tmp_path / "allure-report-with-analytics.html").is_file()  # out of the uploaded folder


def test_the_reports_name_says_the_stacks_faults_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stack with faults fails journeys by design: the name says so before anything else, green or not, as the message's
    title does; the environment rows that say it are on the Results tab alone, not where a failing report opens."""
    write_result(tmp_path, "test_sign_in", "passed")
    (tmp_path / "environment.properties").write_text("target=local\nstack_faults=wrong-audience,idp-error-swallowed\n")
    faults = "local stack with the faults wrong-audience, idp-error-swallowed (E2E_STACK_FAULTS)"
    assert quality_gate.main([str(tmp_path), "--report-name"]) == 0 and capsys.readouterr().out == f"{faults}\n"
    write_result(tmp_path, "test_sign_up", "failed", labels=AUD)
    assert quality_gate.main([str(tmp_path), "--report-name"]) == 0
    assert capsys.readouterr().out.startswith(f"{faults}: quality gate not met: 1 failed or broken journey (at most 0 allowed) | ")
    (tmp_path / "environment.properties").write_text("target=local\nstack_faults=none\n")
    assert quality_gate.main([str(tmp_path), "--report-name"]) == 0
    assert capsys.readouterr().out.startswith("quality gate not met: ")


def test_a_partial_nights_name_says_what_broke_in_the_part_that_ran(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """PARTIAL first, then the causes of the journeys that ran, as a whole night's name says them: not the results that
    say what is missing, which PARTIAL already names."""
    write_result(tmp_path / "allure-results-1", "test_sign_up", "failed", labels=AUD)
    assert merge_results.main([str(tmp_path / "allure-results-1"), "--into", str(tmp_path / "merged"), "--expect", "2"]) == 0
    capsys.readouterr()
    assert quality_gate.main([str(tmp_path / "merged"), "--report-name"]) == 0
    assert capsys.readouterr().out == f"PARTIAL (shard 2 of 2: no journey results) | {TOKEN_CONTRACT} (1): {AUD['cause_detail']}\n"


def test_a_failing_reports_landing_is_put_in_once_and_a_green_or_unreadable_report_is_left_as_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """scripts/report_landing.py: the script that opens the Categories tab goes first in the head, once however often it
    runs; a green night's report, or one whose summary it cannot read, is left as Allure wrote it, and says why."""
    index, summary = tmp_path / "index.html", tmp_path / "summary.json"
    index.write_text(RENDERED)
    summary.write_text(json.dumps({"stats": {"total": 2, "passed": 2}}))
    assert report_landing.main([str(index)]) == 0 and index.read_text() == RENDERED
    for failed, meta, key in (({"failed": 1}, {"reportId": "r-1"}, "r-1"), ({"broken": 1}, {}, str(index.resolve()))):
        index.write_text(RENDERED)
        summary.write_text(json.dumps({"stats": {"total": 2, "passed": 1, **failed}, "meta": meta}))
        for _ in range(2):
            assert report_landing.main([str(index)]) == 0
        styles = report_landing.RING_KEPT + report_landing.DETAILS_WHOLE
        assert index.read_text() == f"<head>{report_landing.LANDING % json.dumps(key)}{styles}{RENDERED.removeprefix('<head>')}", failed
    assert capsys.readouterr().err == ""
    index.write_text("<html><body>not a report</body></html>")
    assert report_landing.main([str(index)]) == 0 and index.read_text() == "<html><body>not a report</body></html>"
    assert "report: opens at its results tree, not its causes: " in capsys.readouterr().err
    summary.write_text("[]")
    assert report_landing.main([str(index)]) == 0 and "(ValueError: it counts no journeys by status" in capsys.readouterr().err
    summary.unlink()
    assert report_landing.main([str(index)]) == 0
    assert f"{summary} or {index} is not as the Allure of package.json writes them (FileNotFoundError" in capsys.readouterr().err


def test_the_reports_name_says_each_causes_commonest_detail_and_how_many_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the name adds for a night the gate fails: every cause, the commonest first, each with its commonest detail
    (what the Categories tab it opens at does not show closed); the gate's own line stays a count of the first two."""
    for n in range(3):
        write_result(tmp_path, f"test_aud_{n}", "failed", labels=AUD)
    write_result(tmp_path, "test_iss", "failed", labels={"cause": TOKEN_CONTRACT, "cause_detail": "iss: expected a, got b"})
    write_result(tmp_path, "test_held", "broken", labels={"cause": "broken promise", "cause_detail": "x" * 200})
    write_result(tmp_path, "test_third", "failed", labels={"cause": OTHER, "cause_detail": OTHER})  # beyond the gate line's two
    assert quality_gate.main([str(tmp_path), "--report-name"]) == 0
    said = capsys.readouterr().out.strip()
    assert said == (f"quality gate not met: 6 failed or broken journeys (at most 0 allowed) | {TOKEN_CONTRACT} (4): "
                    f"{AUD['cause_detail']} (3), and 1 other detail (1) | broken promise (1): {'x' * 139}… | other (1): {OTHER}"), said
    assert quality_gate.main([str(tmp_path)]) == 1
    assert f"by cause: {TOKEN_CONTRACT} (4), broken promise (1), and 1 more cause)" in capsys.readouterr().out

    # Failures the gate allows (MAX_FAILURES): the report still opens at its causes, and its name still says them.
    assert quality_gate.main([str(tmp_path), "--report-name", "--max-failures", "6"]) == 0
    assert capsys.readouterr().out.strip() == said.replace("not met: 6 failed or broken journeys (at most 0 allowed)",
                                                           "met with 6 failed or broken journeys (at most 6 allowed)")
    assert quality_gate.main([str(tmp_path), "--max-failures", "6"]) == 0
    assert capsys.readouterr().out.startswith("quality gate: met (6 journeys ran, 6 failed or broken")


COLLECTED = ["e2e/test_sign_up.py::test_sign_up[a]", "e2e/test_sign_up.py::test_sign_up[b]", "e2e/test_sign_in.py::test_sign_in[a]"]
UP_A, UP_B, IN_A = ("e2e.test_sign_up", "test_sign_up[a]"), ("e2e.test_sign_up", "test_sign_up[b]"), ("e2e.test_sign_in", "test_sign_in[a]")


def test_a_shard_check_stopped_while_it_starts_its_shards_stops_those_already_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shards run in sessions of their own, so Ctrl-C reaches the check alone: one while the second shard starts must
    still stop both (their pytest, stack and browsers), not leave one running a whole journey run unseen."""
    import os
    import signal

    started: list[subprocess.Popen[bytes]] = []

    def start_make(log: Path, target: str, **variables: str) -> subprocess.Popen[bytes]:
        started.append(subprocess.Popen(["sleep", "60"], start_new_session=True))
        if len(started) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C as the second shard starts, before its handle is back
        return started[-1]

    monkeypatch.setattr(shard_check, "collected", lambda select: COLLECTED)
    monkeypatch.setattr(shard_check, "make", lambda target, **variables: 0)
    monkeypatch.setattr(shard_check, "start_make", start_make)
    try:
        with pytest.raises(KeyboardInterrupt):
            shard_check.main(["--out", str(tmp_path / "out")])
        assert [shard.poll() for shard in started] == [-signal.SIGINT, -signal.SIGINT], "a shard was left running"
    finally:
        for shard in started:
            shard.kill()
            shard.wait()


def test_shard_check_accepts_each_journey_once() -> None:
    assert shard_check.junit_id("e2e/test_x.py::TestY::test_z[p]") == ("e2e.test_x.TestY", "test_z[p]")
    assert shard_check.counting_problems(COLLECTED, [[UP_A, IN_A], [UP_B]], [{"1", "3"}, {"2"}], 3, (3, 3)) == []
    # A failure and a teardown error of one test: two JUnit entries in one shard, still one journey.
    assert shard_check.counting_problems(COLLECTED, [[UP_A, UP_A, IN_A], [UP_B]], [{"1", "3"}, {"2"}], 3, (3, 3)) == []


def test_shard_check_counts_journeys_not_the_cases_a_stopped_run_writes_of_itself(tmp_path: Path) -> None:
    import types

    from fixtures.causes import OTHER
    from fixtures.run_results import add_junit_stop, partial_results, write_junit_stopped

    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite tests="1"><testcase classname="e2e.test_sign_in" name="test_a[p]"/></testsuite></testsuites>')
    config = types.SimpleNamespace(option=types.SimpleNamespace(xmlpath=str(junit)), getini=lambda name: "pytest")
    add_junit_stop(config, partial_results("stopped by SIGTERM"))  # type: ignore[arg-type]
    assert shard_check.junit_cases(junit) == [("e2e.test_sign_in", "test_a[p]")]
    assert shard_check.did_not_run(junit, ["log"]) is None  # a journey ran, then the run was stopped
    junit.unlink()  # stopped before any journey: its reasons only, read as a shard that ran none, said by them
    assert shard_check.did_not_run(junit, ["make: *** [shard] Error 4"]) == "make: *** [shard] Error 4"  # no XML: the log's end
    write_junit_stopped(config, [("suite settings", "suite settings: E2E_TARGET='bogus' is not valid", OTHER)])  # type: ignore[arg-type]
    assert junit.is_file() and shard_check.junit_cases(junit) == []
    assert shard_check.did_not_run(junit, ["log"]) == "suite settings: E2E_TARGET='bogus' is not valid"  # named once
    write_junit_stopped(config, [("suite settings", "E2E_TARGET='bogus' is not valid", OTHER)])  # type: ignore[arg-type]
    assert shard_check.did_not_run(junit, ["log"]) == "suite settings: E2E_TARGET='bogus' is not valid"


def test_shard_check_names_a_journey_run_twice_or_never_and_a_miscounting_report() -> None:
    problems = shard_check.counting_problems(COLLECTED, [[UP_A, IN_A], [UP_A]], [{"1", "3"}, {"1"}], 2, (2, 2))
    assert problems == [
        "e2e/test_sign_up.py::test_sign_up[a] ran 2 times across the shards",
        "e2e/test_sign_up.py::test_sign_up[b] ran 0 times across the shards",
        "1 journeys have results in more than one shard",
        "merged results hold 2 journeys, 3 were collected",
        "the report counts 2 tests and lists 2, 3 were collected",
    ]
    assert "a shard ran no journey" in " ".join(shard_check.counting_problems(COLLECTED, [[UP_A, UP_B, IN_A], []], [{"1"}, set()], 3, (3, 3)))


def test_tenant_mode_against_the_stack_takes_nothing_from_the_callers_env_file(tmp_path: Path) -> None:
    """A developer's .env describing their real tenant must not leak into CI's tenant-mode run (it is read under the
    environment, so its names are passed blank)."""
    from scripts.tenant_mode_against_stack import tenant_mode_env

    env_file = tmp_path / ".env"
    env_file.write_text("B2C_TENANT=fabrikam\nE2E_BROWSER_WS_ENDPOINT=ws://127.0.0.1:9/\nHTTPS_PROXY=http://proxy:3128\n")
    env = tenant_mode_env({"E2E_TARGET": "tenant", "B2C_TENANT": "contoso"}, {"PATH": "/usr/bin", "MOBILEID_MODE": "real"}, env_file)
    assert env == {"PATH": "/usr/bin", "E2E_BROWSER_WS_ENDPOINT": "", "E2E_TARGET": "tenant", "B2C_TENANT": "contoso"}


def test_tenant_mode_against_the_stack_keeps_the_stacks_secrets_from_the_journeys(tmp_path: Path) -> None:
    """The variables the stack reads its policy keys (E2E_STACK_POLICY_KEYS' env:VARIABLE) and its user flows' client
    secrets (client_secret_env) from stay the stack's, as a tenant's stay the tenant's: the journeys' run, whose
    E2E_STACK_* settings are left out, could not tell them for secrets (--showlocals printed them in a Chromium's
    environment). A key read from a file is in no variable; other variables pass."""
    from scripts.tenant_mode_against_stack import tenant_mode_env

    flows = tmp_path / "flows.toml"
    flows.write_text('[[identity_provider]]\nname = "Contoso OIDC"\nclient_secret_env = "CONTOSO_OIDC_KEY"\n')
    caller = {"PATH": "/usr/bin", "E2E_STACK_POLICY_KEYS": "B2C_1A_MobileIdSecret=env:MID_APP_KEY,B2C_1A_FacebookSecret=file:fb.txt",
              "E2E_STACK_USER_FLOWS": str(flows), "MID_APP_KEY": "PLANTED-policy-key-4711", "CONTOSO_OIDC_KEY": "PLANTED-flow-secret-4711"}
    env = tenant_mode_env({"E2E_TARGET": "tenant"}, caller, tmp_path / "no.env")
    assert env == {"PATH": "/usr/bin", "E2E_TARGET": "tenant"}

def test_tenant_mode_against_the_stack_takes_the_callers_control_token_or_makes_one() -> None:
    """README: the stack's control API asks for a bearer token as a deployed emulator's does: the caller's, else one made
    for the run (an empty setting is none), different each run."""
    from scripts.tenant_mode_against_stack import control_token

    assert control_token({"MOBILEID_CONTROL_TOKEN": "callers-own-token-4711"}) == "callers-own-token-4711"
    made = [control_token(environ) for environ in ({}, {"MOBILEID_CONTROL_TOKEN": ""}, {})]
    assert all(len(token) >= 24 for token in made) and len(set(made)) == 3, made


def test_tenant_mode_against_the_stack_removes_its_state_and_what_a_killed_run_left(tmp_path: Path) -> None:
    """Its stack's folder (keys, a client secret) goes at its end; one left by a run killed outright goes at the next
    run's start, a live run's stays (fixtures/alive.py)."""
    live, dead = run_holding(tmp_path / "tenant-stack-live"), run_holding(tmp_path / "tenant-stack-dead")
    try:
        killed(dead)
        done = subprocess.run([sys.executable, "scripts/tenant_mode_against_stack.py", "--collect-only", "-q", "-p", "no:cacheprovider"],
                              cwd=ROOT, env={**suite_env(), "TMPDIR": str(tmp_path)}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "tenant mode: B2C tenant contoso" in done.stdout, tail(done.stdout + done.stderr)
        assert sorted(p.name for p in tmp_path.glob("tenant-stack-*")) == ["tenant-stack-live"]
    finally:
        killed(live)


def test_tenant_mode_against_the_stack_holds_its_state_folder_alive_while_it_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While its stack runs, its folder is a live run's: another run's clean-up leaves it (fixtures/alive.py). The stack
    builds B2C's pages as late as E2E_STACK_PAGE_BUILD_DELAY asks, in E2E_STACK_PAGE_CONTENT's templates, through
    E2E_STACK_USER_FLOWS's flows (README), a value the suite refuses stops it first."""
    from fixtures.alive import ALIVE_FILE, remove_dead
    from scripts import tenant_mode_against_stack as script

    seen = []

    class Started(Exception):
        pass

    def stack(state_dir: Path, command: list[str]) -> None:
        delay = command[command.index("--page-build-delay") + 1] if "--page-build-delay" in command else None
        pages = command[command.index("--page-content") + 1] if "--page-content" in command else None
        flows = command[command.index("--user-flows") + 1] if "--user-flows" in command else None
        seen.append((state_dir.parent, remove_dead(tmp_path, script.STATE_PREFIX), (state_dir / ALIVE_FILE).is_file(), delay, pages, flows))
        raise Started

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(script, "Stack", stack)
    monkeypatch.setenv("MOBILEID_CONTROL_TOKEN", "a-token-for-this-test")  # main sets it for its stack: restored afterwards
    monkeypatch.setenv("E2E_STACK_PAGE_BUILD_DELAY", "1.5")
    monkeypatch.setenv("E2E_STACK_PAGE_CONTENT", str(tmp_path))  # the team's page templates, as the README says
    monkeypatch.setenv("E2E_STACK_USER_FLOWS", str(tmp_path / "flows.toml"))  # and its user flows
    with pytest.raises(Started):
        script.main([])
    assert seen == [(tmp_path, [], True, "1.5", str(tmp_path.resolve()), str((tmp_path / "flows.toml").resolve()))]
    assert list(tmp_path.glob("tenant-stack-*")) == []
    monkeypatch.setenv("E2E_STACK_PAGE_BUILD_DELAY", "soon")
    with pytest.raises(SystemExit, match="tenant mode: E2E_STACK_PAGE_BUILD_DELAY='soon' must be a number of seconds"):
        script.main([])
    assert len(seen) == 1


def test_the_shard_checks_makes_leave_the_callers_job_slots_but_keep_its_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under make test's ``make -j2`` the jobserver's descriptors do not reach a make the script starts ("jobserver
    unavailable" warnings); the caller's variables (VENV=...) still do."""
    monkeypatch.setenv("MAKEFLAGS", " -j2 --jobserver-auth=fifo:/tmp/GMfifo1 --output-sync=target -- VENV=/opt/venv")
    monkeypatch.setenv("MFLAGS", "-j2 --jobserver-auth=fifo:/tmp/GMfifo1")
    env = shard_check.make_env()
    assert env["MAKEFLAGS"] == "--output-sync=target -- VENV=/opt/venv" and env["MFLAGS"] == ""


def test_the_gates_line_names_the_commonest_causes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The gate's line is often all a pipeline's summary shows: the causes of what failed, the commonest first, as the
    report's first screen groups them (it said only how many failed)."""
    for number, cause in enumerate(["infrastructure", "ID token contract", "ID token contract", "broken promise", "broken promise",
                                    "broken promise"]):
        write_result(tmp_path, f"test_{number}", "failed", labels={"cause": cause, "cause_detail": "d"})
    capsys.readouterr()
    assert quality_gate.main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.strip() == ("quality gate: not met: 6 failed or broken journeys (at most 0 allowed; by cause: "
                                               "broken promise (3), ID token contract (2), and 1 more cause)")


def test_the_gate_counts_one_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_result(tmp_path, "test_sign_in", "failed", labels=AUD)
    write_result(tmp_path, "test_sign_up", "passed")
    capsys.readouterr()
    assert quality_gate.main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.strip() == "quality gate: not met: 1 failed or broken journey (at most 0 allowed; by cause: ID token contract (1))"
    assert quality_gate.main([str(tmp_path), "--max-failures", "1"]) == 0
    assert capsys.readouterr().out.strip() == "quality gate: met (2 journeys ran, 1 failed or broken, 0 skipped)"


def test_a_report_rendered_again_for_the_same_run_counts_that_run_once_in_the_history(tmp_path: Path) -> None:
    """Allure 3 adds a line to the history at every render (seen with `make report` twice on one results folder)."""
    history = tmp_path / ".allure" / "history.jsonl"

    def render(run_id: str) -> None:  # what `make nightly-report` does: the history put right, then Allure's render
        report_history.before_this_run(history, run_id)
        with history.open("a") as lines:
            lines.write(f'{{"run": "{run_id}"}}\n')

    render("101")
    render("102")  # the next night
    render("102")  # its report job run again: restores the history the first attempt saved
    render("102")
    assert history.read_text().splitlines() == ['{"run": "101"}', '{"run": "102"}']
    render("103")
    assert len(history.read_text().splitlines()) == 3
    before = history.read_text()
    assert report_history.before_this_run(history, "") == "history: as it is (no CI run id)" and history.read_text() == before


def test_a_run_marker_that_is_not_text_names_no_run(tmp_path: Path) -> None:
    """A UnicodeDecodeError's traceback, where an unreadable history file is said in a line: it names no run, so the
    history is kept as this run's first."""
    history = tmp_path / "history.jsonl"
    history.write_text('{"run": "41"}\n')
    history.with_name("history.jsonl.run").write_bytes(b"\xff")
    assert report_history.main([str(history), "42"]) == 0
    assert history.with_name("history.jsonl.before-run").read_text() == '{"run": "41"}\n'


def test_a_run_whose_first_report_had_no_history_renders_again_without_one(tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    report_history.before_this_run(history, "7")
    history.write_text('{"run": "7"}\n')
    assert report_history.before_this_run(history, "7").endswith("(this report is rendered again)") and not history.exists()



def test_a_webhooks_refusal_keeps_its_words_and_loses_its_keys() -> None:
    """notify.webhook_secrets: a Teams Workflows URL's workflow id and signature are redacted from what its refusal says,
    the words around them (workflows, triggers, its api-version) are not, so the refusal still reads."""
    from fixtures.redaction import redact_text

    url = ("https://prod-12.westeurope.logic.azure.com/workflows/3f2b8c1d9e4a4b6c8d7e5f1a2b3c4d5e/triggers/manual/paths/invoke"
           "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Xy7aB3dE9fGhJ2kLmN4pQrS6tUvW8xYz0AbCdEfGhIj")
    said = ("The workflow 3f2b8c1d9e4a4b6c8d7e5f1a2b3c4d5e has no enabled triggers; api-version 2016-06-01 is invalid for "
            "sig Xy7aB3dE9fGhJ2kLmN4pQrS6tUvW8xYz0AbCdEfGhIj")
    assert redact_text(said, notify.webhook_secrets(url)) == ("The workflow <redacted> has no enabled triggers; api-version "
                                                             "2016-06-01 is invalid for sig <redacted>")
    slack = "https://hooks.slack.com/services/T0001/B0001/AbCdEfGhIjKlMnOpQrStUvWx"
    assert redact_text("no such hook: AbCdEfGhIjKlMnOpQrStUvWx", notify.webhook_secrets(slack)) == "no such hook: <redacted>"


def test_a_webhook_that_answers_a_byte_at_a_time_is_given_up_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx's timeout bounds each read: a webhook trickling its answer held the nightly until its job's time limit, so the
    gate never ran and the report was not kept."""
    import socket
    import threading

    monkeypatch.setattr(notify, "POST_DEADLINE_S", 1.0)
    listening = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def trickle() -> None:
        connection, _ = listening.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            while not done.wait(0.2):  # a byte every 0.2 s, far within httpx's read timeout
                connection.sendall(b"x")

    threading.Thread(target=trickle, daemon=True).start()
    try:
        said = notify.post(f"http://127.0.0.1:{listening.getsockname()[1]}/hook", "slack", "Nightly: all passed")
    finally:
        done.set()
        listening.close()
    assert said == "slack webhook did not finish answering within 1 s", said


def test_a_plain_http_webhook_is_refused_unless_it_is_this_machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """http://localhost.example.com starts as a test listener's address does: it was posted to, in the clear."""
    write_result(tmp_path / "results", "test_sign_up", "passed")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "http://localhost.example.com/hooks/abc")
    monkeypatch.setattr(notify, "post", lambda *args: pytest.fail("posted to a plain-http webhook elsewhere"))
    assert notify.main([str(tmp_path / "results")]) == 1
    assert "SLACK_WEBHOOK_URL must be an https:// URL" in capsys.readouterr().err


def test_a_causes_details_seen_as_often_come_in_the_order_of_their_words(tmp_path: Path) -> None:
    """A night's shards in their order under their cause, whatever order their result files have (named by UUID)."""
    for number in (10, 3, 11, 2):
        write_run_result(tmp_path, key=f"ci-missing-shard-{number}-of-12", name=f"shard {number} of 12", cause="infrastructure",
                         detail=f"shard {number} of 12 gave no journey results", suite="CI shards")
    lines = notify.summarize(tmp_path, "Nightly").splitlines()
    shown = [line.strip() for line in lines if line.strip().startswith("shard ")]
    assert shown == [f"shard {n} of 12 gave no journey results (1)" for n in (2, 3, 10)] and "    and 1 more" in lines, lines


def test_a_journey_file_that_does_not_import_in_every_shard_is_a_partial_night_not_shards_that_overlap(tmp_path: Path) -> None:
    """Every shard collects every journey file before it takes its part (pytest-split), so a file that does not import
    gives each shard the same result. The message says the night is partial (that file's journeys never ran), and the
    merge does not read the copies as shards that ran the same journeys (a SHARD pinned: another cause, another fix)."""
    shards = [tmp_path / f"allure-results-{number}" for number in (1, 2)]
    for number, shard in enumerate(shards, 1):
        write_result(shard, f"test_sign_in_{number}", "passed")
        write_run_result(shard, key=f"{COLLECTION_KEY}e2e/test_sso.py", name="e2e/test_sso.py: not collected", cause=OTHER,
                         detail="SyntaxError: invalid syntax (test_sso.py, line 3)", suite="run")
    write_result(shards[0], "test_consent", "skipped", message="Skipped: needs the Mobile ID emulator's control API")
    merged = tmp_path / "merged"
    assert merge_results.main([*map(str, shards), "--into", str(merged), "--expect", "2"]) == 0
    assert not [r for r in allure_results(merged) if r["name"] == "the shards ran the same journeys"]
    message = notify.summarize(merged, "Nightly").splitlines()
    assert message[:3] == ["Nightly: PARTIAL, not every journey has a result; 2 journeys passed, 1 skipped; 1 failure outside any journey, 1 cause(s)",
                           f"- {OTHER}: 1 failure outside any journey", "    SyntaxError: invalid syntax (test_sso.py, line 3) (1)"], message


def test_a_shard_cut_short_after_its_only_journey_broke_is_partial_and_counts_each_kind_apart(tmp_path: Path) -> None:
    """No journey passed, yet the night is still partial: said first. Under a cause that broke both a journey and
    something outside any journey (the shard cut short), each is counted as what it is."""
    one = tmp_path / "shards" / "allure-results-1"
    collected(one, 1, 1, "test_sign_up", "test_sign_in")
    write_result(one, "test_sign_up", "broken", labels={"cause": "infrastructure", "cause_detail": "net::ERR_CONNECTION_RESET"})
    merged = tmp_path / "merged"
    assert merge_results.main(["--shards-in", str(tmp_path / "shards"), "--into", str(merged), "--expect", "1"]) == 0
    message = notify.summarize(merged, "Nightly").splitlines()
    assert message[:2] == ["Nightly: PARTIAL, not every journey has a result; 1 broken of 1 journey and 1 failure outside any journey, 1 cause(s)",
                           "- infrastructure: 1 journey, 1 failure outside any journey"], message


def test_more_skip_reasons_than_the_message_lists_are_counted_as_those_left_out(tmp_path: Path) -> None:
    """Reasons seen as often are listed in the order of their words, whatever the result files' (random) names: the same
    night's results say the same."""
    for reason in ("e", "d", "c", "b", "a"):  # the files read in the order opposite to the reasons' words
        write_result(tmp_path, f"test_{reason}", "skipped", message=f"Skipped: reason {reason}", result_uuid=f"{ord('z') - ord(reason)}")
    write_result(tmp_path, "test_sign_up", "passed")
    lines = notify.summarize(tmp_path, "Nightly").splitlines()
    assert lines[0] == "Nightly: 1 journey passed, 5 skipped" and lines[-1] == "    and 2 more reasons (see the report)", lines
    listed = [line for line in lines if line.startswith("- skipped: ")]
    assert listed == [f"- skipped: reason {reason} (1)" for reason in "abc"], lines


def test_the_one_shard_left_of_two_downloaded_flat_names_the_shard_that_was_lost(tmp_path: Path) -> None:
    """GitHub's download-artifact extracts a pattern that matched one artifact flat into ``shards/`` (no allure-results-K):
    with the other shard of two lost, the shard that ran still says which it was (its collected list), so the report
    names the lost one rather than counting it and sending the reader to the CI jobs' logs."""
    flat = tmp_path / "shards"
    write_result(flat, "test_sign_up", "passed")
    write_collected(flat, 1, 2, [("h-test_sign_up", "e2e/test_journeys.py::test_sign_up")])
    merged = tmp_path / "merged"
    assert merge_results.main(["--shards-in", str(flat), "--into", str(merged), "--expect", "2"]) == 0
    lost = [j for j in merge_results.journeys(merged).values() if j.outside]
    assert [(j.final["name"], j.history_id) for j in lost] == [("shard 2 of 2: no journey results", "ci-shard-2-of-2")]


def test_shard_folders_numbered_past_the_shards_expected_or_twice_are_counted_not_named(tmp_path: Path) -> None:
    """Folders that are not one each of 1 to N cannot tell which shard is missing: the merge counts those missing, rather
    than name shards that ran as lost (or lose count of those that did not)."""
    past = [tmp_path / "past" / f"allure-results-{number}" for number in (1, 2, 5)]
    for shard in past:
        write_result(shard, f"test_{shard.name}", "passed")
    assert merge_results.main([*map(str, past), "--into", str(tmp_path / "merged-past"), "--expect", "4"]) == 0
    assert [j.final["name"] for j in merge_results.journeys(tmp_path / "merged-past").values() if j.outside] == \
        ["1 of the 1 missing shards of 4 (counted: the folders are not numbered 1 to 4: the CI jobs' logs tell which): no journey results"]
    twice = [tmp_path / where / "allure-results-1" for where in ("a", "b")]
    for shard in twice:
        write_result(shard, f"test_{shard.parent.name}", "passed")
    assert merge_results.main([*map(str, twice), "--into", str(tmp_path / "merged-twice"), "--expect", "2"]) == 0
    assert not [j for j in merge_results.journeys(tmp_path / "merged-twice").values() if j.outside]


def test_a_long_failure_detail_is_cut_to_a_line_of_the_message(tmp_path: Path) -> None:
    long = "AADB2C90075: " + "the claims exchange failed " * 10
    write_result(tmp_path, "test_sign_in", "failed", labels={"cause": "B2C error redirect", "cause_detail": long})
    [detail] = [line for line in notify.summarize(tmp_path, "Nightly").splitlines() if line.startswith("    AADB2C90075")]
    assert detail == f"    {long[:quality_gate.MAX_DETAIL_LENGTH - 1]}… (1)", detail


def test_the_gate_met_counts_a_skipped_journey_as_skipped_not_as_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_result(tmp_path, "test_sign_up", "passed")
    write_result(tmp_path, "test_sign_in", "skipped", message="Skipped: webkit is not installed here")
    capsys.readouterr()
    assert quality_gate.main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "quality gate: met (1 journey ran, 0 failed or broken, 1 skipped)"


@pytest.mark.parametrize("written", ['{"shard": 1, "shards": 1}', "[]"], ids=["no journeys key", "not an object"])
def test_a_shards_list_of_another_shape_is_a_partial_night_not_a_merge_that_stops(tmp_path: Path, written: str) -> None:
    """Valid JSON, but not the list the run writes (another version of the suite): said as unreadable, like half a file."""
    write_result(tmp_path / "allure-results-1", "test_sign_up", "passed")
    (tmp_path / "allure-results-1" / "collected-shard-1-of-1.json").write_text(written)
    merged = tmp_path / "merged"
    assert merge_results.main([str(tmp_path / "allure-results-1"), "--into", str(merged), "--expect", "1"]) == 0
    [unreadable] = [j for j in merge_results.journeys(merged).values() if j.outside]
    assert unreadable.status == "broken" and "whether all of them ran is not known" in unreadable.said, unreadable.final
    assert quality_gate.main([str(merged), "--max-failures", "1"]) == 1


def test_a_result_file_that_holds_no_result_is_a_broken_result(tmp_path: Path) -> None:
    """JSON, but no object (an array a tool wrote over it): the merge, the message and the gate read it as a broken result."""
    write_result(tmp_path / "allure-results-1", "test_sign_up", "passed")
    (tmp_path / "allure-results-1" / "0f-result.json").write_text("[]")
    merged = tmp_path / "merged"
    assert merge_results.main([str(tmp_path / "allure-results-1"), "--into", str(merged)]) == 0
    [unreadable] = [j for j in merge_results.journeys(merged).values() if j.outside]
    assert unreadable.status == "broken" and "a JSON list, not a result" in unreadable.said, unreadable.final
    assert quality_gate.main([str(merged), "--max-failures", "1"]) == 1


@pytest.mark.parametrize(("target", "given"), [
    ("e2e", {"PYTEST_ADDOPTS": "--collect-only"}), ("smoke", {"PYTEST_ADDOPTS": "--collect-only"}),
    ("smoke", {"PYTEST_ADDOPTS": "--markers"}), ("e2e", {"E2E_ARGS": "--fixtures"}), ("smoke", {"PYTEST_ARGS": "--collect-only"}),
], ids=["e2e --collect-only", "smoke --collect-only", "smoke --markers", "e2e E2E_ARGS=--fixtures", "smoke PYTEST_ARGS=--collect-only"])
def test_make_e2e_and_smoke_are_not_green_when_pytest_only_listed_the_journeys(tmp_path: Path, target: str, given: dict[str, str]) -> None:
    """PYTEST_ADDOPTS=--collect-only (or --markers, E2E_ARGS=--fixtures, ...): pytest lists and ends with status 0, no
    preflight and no journey run. The pre-release check that ran nothing is not green: status 5, pytest's own for no
    tests ran (make's own is then 2)."""
    results, junit, theirs = tmp_path / "results", tmp_path / "junit.xml", tmp_path / "theirs"
    (theirs / "photos").mkdir(parents=True)  # a report folder make report refuses: the status is the run's, and no Allure (nor npm) is needed
    env = {**suite_env(), **{name: value for name, value in given.items() if name == "PYTEST_ADDOPTS"}}
    ran = subprocess.run(["make", "--no-print-directory", "-o", "setup", target, "WORKERS=0", f"VENV={venv_for_make()}",
                          f"RESULTS_DIR={results}", f"JUNIT={junit}", f"REPORT_DIR={theirs}",
                          *(f"{name}={value}" for name, value in given.items() if name != "PYTEST_ADDOPTS")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert ran.returncode == 2, tail(ran.stdout, 2000) + tail(ran.stderr, 2000)
    assert f"{target}: no journey ran" in ran.stderr and "Error 5" in ran.stderr, tail(ran.stderr, 2000)
    assert list(results.glob("*-result.json")) == []


def test_shard_check_empties_only_a_folder_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--out ~/Desktop: the check empties its folder first, so one holding files of the user's is refused, left as it was."""
    monkeypatch.setattr(shard_check, "collected", lambda select: [])  # stops the check right after the folder is emptied
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "keepme.txt").write_text("mine")
    with pytest.raises(SystemExit, match="holds files that are not an earlier check's"):
        shard_check.main(["--out", str(theirs)])
    assert (theirs / "keepme.txt").read_text() == "mine"
    for out in (tmp_path / "new", theirs):  # a new folder, then (keepme.txt gone) an empty one: each the check's own after
        (theirs / "keepme.txt").unlink(missing_ok=True)
        with pytest.raises(SystemExit, match="collects no journey"):
            shard_check.main(["--out", str(out)])
        (out / "shard-1").mkdir()  # what the check writes
        with pytest.raises(SystemExit, match="collects no journey"):
            shard_check.main(["--out", str(out)])  # an earlier check's folder: emptied again
        assert [path.name for path in out.iterdir()] == [shard_check.OWN_MARK]


def test_a_tokens_other_wrong_claims_are_counted_under_its_first_claims_line(tmp_path: Path) -> None:
    """Tokens with a wrong aud that were also expired: the night's message (and CI's run page) said the aud alone, and
    the expired token was fixed a night later. The other claims are counted under the line of the first."""
    expired = "exp: expected in the future, got in the past"
    write_result(tmp_path, "test_sign_up[B2C_1_signupsignin]", "failed", labels=AUD)
    for name in ("test_sign_in[B2C_1_signupsignin]", "test_sso[B2C_1_signupsignin]"):
        path = write_result(tmp_path, name, "failed", labels=AUD)
        result = json.loads(path.read_text())
        result["labels"].append({"name": "also_wrong", "value": expired})
        path.write_text(json.dumps(result))
    lines = notify.summarize(tmp_path, "Nightly").splitlines()
    assert lines[1:] == ["- ID token contract: 3 journeys", f"    {AUD['cause_detail']} (3)", f"      also {expired} (in 2 of them)"], lines


@pytest.mark.parametrize("status", [None, "FAILED", "exploded"], ids=["null", "upper case", "another word"])
def test_a_status_allure_reads_as_failed_or_unknown_is_no_skip_that_meets_the_gate(tmp_path: Path, status: str | None,
                                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Allure 3's reader reads null (and a word it does not know) as unknown and "FAILED" as failed; the gate counted them
    skipped, and the night was green."""
    write_result(tmp_path, "test_sign_up", "passed")
    result = write_result(tmp_path, "test_sign_in", "failed")
    result.write_text(json.dumps({**json.loads(result.read_text()), "status": status}))
    assert quality_gate.main([str(tmp_path)]) == 1
    assert "not met" in capsys.readouterr().out
    assert {j.final["name"]: j.status for j in merge_results.journeys(tmp_path).values()}["test_sign_in"] == \
        ("failed" if status == "FAILED" else "unknown")


@pytest.mark.parametrize(("field", "value"), [("labels", None), ("parameters", None), ("statusDetails", None)], ids=lambda v: str(v))
def test_a_result_field_allure_takes_as_null_stops_neither_the_merge_nor_the_gate_nor_the_message(
        tmp_path: Path, field: str, value: object) -> None:
    """"labels": null threw the whole night's merge away (TypeError), the folder gone; the gate and message then said "no
    results" for a night that ran."""
    shard = tmp_path / "allure-results-1"
    write_result(shard, "test_sign_up", "passed")
    result = write_result(shard, "test_sign_in", "failed", message="aud: expected a, got b")
    result.write_text(json.dumps({**json.loads(result.read_text()), field: value}))
    merged = tmp_path / "merged"
    assert merge_results.main([str(shard), "--into", str(merged), "--expect", "1"]) == 0
    assert quality_gate.main([str(merged)]) == 1
    assert notify.summarize(merged, "Nightly").startswith("Nightly: 1 failed of 2 journeys")


@pytest.mark.parametrize(("label", "value"), [("cause", 7), ("cause_detail", 7)])
def test_a_label_whose_value_is_not_text_stands_as_an_unreadable_result(tmp_path: Path, label: str, value: object) -> None:
    """Allure writes every label's value as text: a number stopped the gate and the message with a TypeError, and the
    report's name lost its verdict."""
    write_result(tmp_path, "test_sign_up", "passed")
    result = write_result(tmp_path, "test_sign_in", "failed", labels={"cause": "ID token contract", "cause_detail": "aud"})
    content = json.loads(result.read_text())
    content["labels"] = [{**entry, "value": value} if entry["name"] == label else entry for entry in content["labels"]]
    result.write_text(json.dumps(content))
    merged = tmp_path / "merged"
    assert merge_results.main([str(tmp_path), "--into", str(merged)]) == 0
    assert quality_gate.main([str(merged)]) == 1
    assert "(a label whose value is not text)" in notify.summarize(merged, "Nightly")


def test_an_expected_shard_count_below_the_shards_own_is_theirs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Four shards ran (each listing itself "of 4") and the third uploaded nothing, EXPECT_SHARDS said 2: nothing was missing
    and the night was green."""
    shards = []
    for number in (1, 2, 4):
        shard = tmp_path / f"allure-results-{number}"
        write_result(shard, f"test_{number}", "passed")
        collected(shard, number, 4, f"test_{number}")
        shards.append(shard)
    merged = tmp_path / "merged"
    assert merge_results.main([*map(str, shards), "--into", str(merged), "--expect", "2"]) == 0
    assert "shard 3 of 4 gave no results: recorded as broken" in capsys.readouterr().out
    assert quality_gate.main([str(merged)]) == 1


@pytest.mark.parametrize(("url", "says"), [
    ("https://hooks.slack.com:abc/services/T0ABCDEF12/B0ABCDEF12/abcdefGHIJKLmnop1234", "slack webhook unreachable: InvalidURL"),
    ("https://[hooks.slack.com/services/T0ABCDEF12/B0ABCDEF12/abcdefGHIJKLmnop1234", "SLACK_WEBHOOK_URL is not a URL (a '[' or ']'"),
], ids=["a port that is no number", "a bracket without its pair"])
def test_a_webhook_url_that_cannot_be_read_is_said_in_a_line(merged: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], url: str, says: str) -> None:
    """A thread's httpx.InvalidURL traceback, then "did not finish answering within 30 s" after 0.2 s; or urlsplit's
    ValueError traceback."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", url)
    assert notify.main([str(merged)]) == 1
    said = capsys.readouterr().err
    assert f"notify: {says}" in said and "Traceback" not in said and "abcdefGHIJKLmnop1234" not in said, said


def test_a_secret_is_redacted_before_a_detail_is_cut_and_in_the_reports_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Cut first, a control token at the end of a long detail lost two characters and was no longer found: 20 of its 22
    were posted. The report's name (the gate's --report-name) redacted nothing: a raw ID token stood in its title."""
    monkeypatch.setenv("MOBILEID_CONTROL_TOKEN", "ctl-token-4f9a8b7c6d5e")
    cut = "x" * (quality_gate.MAX_DETAIL_LENGTH - 12) + " ctl-token-4f9a8b7c6d5e"
    write_result(tmp_path, "test_sign_in", "failed", labels={"cause": "other", "cause_detail": cut})
    write_result(tmp_path, "test_sign_up", "failed", message="AssertionError: id_token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl rejected")
    message = notify.summarize(tmp_path, "Nightly")
    assert "ctl-token-4f9a8b7c" not in message, message
    quality_gate.main([str(tmp_path), "--report-name"])
    name = capsys.readouterr().out
    assert "eyJzdWIiOiIxIn0" not in name and "<redacted JWT>" in name, name
