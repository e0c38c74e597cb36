"""--infra-reruns: an infrastructure failure is rerun, a verdict of the suite never is."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.suite_run import allure_results, labels, pytest_with_plugins

# Only the plugins this needs: rerunfailures, Allure, ours (reporting: the cause labels, infrastructure as "broken").
RERUNS = ("pytest_rerunfailures", "allure_pytest.plugin", "fixtures.retries", "fixtures.reporting")

# Each test fails on its first attempt only (a marker file per test), so a rerun turns it green.
FAILING_ONCE = '''
from pathlib import Path

import httpx


def first_attempt(name):
    marker = Path(__file__).with_name(name + ".attempted")
    if marker.exists():
        return False
    marker.write_text("1")
    return True


def test_connection_refused():
    if first_attempt("connection_refused"):
        raise RuntimeError("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/")


def test_back_channel_unreachable():
    if first_attempt("back_channel"):
        raise httpx.ConnectError("[Errno 111] Connection refused")


def test_wrong_audience():
    if first_attempt("wrong_audience"):
        raise AssertionError("ID token aud is 'other-app', expected client id 'testapp1'")


def test_b2c_error_page_quoting_the_network():
    # B2C's verdict, not the runner's: never retried, although it mentions a refused connection.
    if first_attempt("b2c_page"):
        raise AssertionError("B2C showed its error page: AADB2C90075: the IdP's token endpoint: Connection refused")


class PageChanged(AssertionError):
    """A typed verdict, as the suite's journey failures are."""


def test_page_changed_on_a_network_error_page():
    if first_attempt("page_changed"):
        raise PageChanged("expected the Mobile ID login page, the browser shows net::ERR_CONNECTION_REFUSED")


def test_control_api_failing():
    # Typed as infrastructure by the suite (the deployed emulator answered 502): retried, though no pattern names it.
    from fixtures.mobile_id import ControlAPIError
    if first_attempt("control_api_failing"):
        raise ControlAPIError("https://mobileid-emulator.example.com/control/transactions answered HTTP 502",
                              "the deployed emulator is failing: see its log", infrastructure=True)


def test_local_stack_that_did_not_start():
    # Infrastructure, but a second start fails the same way (a busy port, a broken policy folder): one attempt only.
    from fixtures.stack import StackStartError
    if first_attempt("stack_start"):
        raise StackStartError("the local stack exited before it was ready: Address already in use; command: python -m mocks serve")


def test_control_api_token_refused():
    # Typed as tenant configuration: another attempt cannot mend a wrong token.
    from fixtures.mobile_id import ControlAPIError
    if first_attempt("control_api_refused"):
        raise ControlAPIError("https://mobileid-emulator.example.com/control refused the call (HTTP 401)",
                              "set MOBILEID_CONTROL_TOKEN")
'''


def junit_causes(junit: Path) -> list[tuple[str | None, list[str | None]]]:
    """Each test case of a JUnit XML file, in its order, with the ``cause`` properties it carries (fixtures/reporting.py)."""
    return [(case.get("name"), [p.get("value") for p in case.iter("property") if p.get("name") == "cause"])
            for case in ElementTree.parse(junit).iter("testcase")]


def run_pytest(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    """The run, and each test's attempts in the Allure results as "status" or, for a red one, "status: cause"."""
    (tmp_path / "test_failing_once.py").write_text(FAILING_ONCE)
    done = pytest_with_plugins(tmp_path, RERUNS, str(tmp_path / "test_failing_once.py"), *args)
    attempts: dict[str, list[str]] = {}
    for result in sorted(allure_results(tmp_path / "allure-results"), key=lambda result: result["start"]):
        cause = labels(result).get("cause")
        attempts.setdefault(result["name"], []).append(f"{result['status']}: {cause}" if cause else result["status"])
    return done, attempts


def test_only_infrastructure_failures_are_rerun(tmp_path: Path) -> None:
    done, attempts = run_pytest(tmp_path, "--infra-reruns", "2", f"--junitxml={tmp_path / 'junit.xml'}")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "5 failed, 3 passed, 3 rerun" in done.stdout, done.stdout
    # Reruns: the earlier attempt stays in the results next to the final one. Infrastructure is "broken" in the report
    # (the run could not judge the product), typed or not; every verdict is "failed".
    assert sorted(attempts["test_connection_refused"]) == ["broken: infrastructure", "passed"]
    assert sorted(attempts["test_back_channel_unreachable"]) == ["broken: infrastructure", "passed"]
    assert sorted(attempts["test_control_api_failing"]) == ["broken: infrastructure", "passed"]
    # Verdicts: one attempt, red, though a second attempt would have passed.
    assert attempts["test_wrong_audience"] == ["failed: ID token contract"]
    assert attempts["test_b2c_error_page_quoting_the_network"] == ["failed: B2C error page"]  # B2C's answer, not the runner's
    assert attempts["test_page_changed_on_a_network_error_page"] == ["failed: other"]
    assert attempts["test_control_api_token_refused"] == ["failed: tenant configuration"]
    assert attempts["test_local_stack_that_did_not_start"] == ["broken: infrastructure"]
    # The JUnit XML's test cases carry their final attempt's cause (the self-check reads it there): none once a rerun passed.
    causes = dict(junit_causes(tmp_path / "junit.xml"))
    assert causes["test_wrong_audience"] == ["ID token contract"] and causes["test_local_stack_that_did_not_start"] == ["infrastructure"]
    assert causes["test_connection_refused"] == [] and causes["test_control_api_failing"] == [], causes


def test_without_the_option_nothing_is_rerun(tmp_path: Path) -> None:
    done, attempts = run_pytest(tmp_path)
    assert done.returncode == 1
    assert "8 failed" in done.stdout and "rerun" not in done.stdout, done.stdout
    assert all(len(statuses) == 1 for statuses in attempts.values())


@pytest.mark.parametrize("hand_written", [["--only-rerun", "AssertionError"], ["--rerun-except", "TimeoutError"], ["--reruns", "1"],
                                          ["--reruns-delay", "5"], ["--reruns-delay-backoff-factor", "10"]],
                         ids=["only-rerun", "rerun-except", "reruns", "reruns-delay", "reruns-delay-backoff-factor"])
def test_mixing_it_with_hand_written_rerun_options_is_refused(tmp_path: Path, hand_written: list[str]) -> None:
    """Each of pytest-rerunfailures' own options would widen or narrow what is retried past the one list of causes:
    --rerun-except RuntimeError kept too, --reruns alone retrying a verdict."""
    done, _ = run_pytest(tmp_path, "--infra-reruns", "1", *hand_written)
    assert done.returncode == 4  # usage error
    assert "either --infra-reruns or --reruns/--only-rerun/--rerun-except/--reruns-delay" in done.stderr


def test_a_negative_number_of_reruns_is_refused(tmp_path: Path) -> None:
    done, _ = run_pytest(tmp_path, "--infra-reruns", "-1")
    assert done.returncode == 4 and "--infra-reruns must be 0 or more, got -1" in done.stderr, done.stdout + done.stderr


@pytest.mark.parametrize("delay", ["-1", "nan", "601"])
def test_a_rerun_delay_out_of_range_is_refused(tmp_path: Path, delay: str) -> None:
    done, _ = run_pytest(tmp_path, "--infra-reruns", "1", "--infra-reruns-delay", delay)
    assert done.returncode == 4 and f"--infra-reruns-delay must be seconds from 0 to 600, got {delay}" in done.stderr, done.stderr


@pytest.mark.parametrize(("delay", "waited"), [([], 2.0), (["--infra-reruns-delay", "0.5"], 0.5)], ids=["default", "given"])
def test_a_rerun_waits_first_so_a_short_outage_can_pass(tmp_path: Path, delay: list[str], waited: float) -> None:
    """A rerun at once met the same outage (a 1.5 s network blip failed the smoke's three attempts, 0.5 s apart): each
    waits first, 2 s unless told, as its attempts' times in the results show."""
    (tmp_path / "test_failing_once.py").write_text(FAILING_ONCE)
    done = pytest_with_plugins(tmp_path, RERUNS, f"{tmp_path / 'test_failing_once.py'}::test_connection_refused", "--infra-reruns", "1", *delay)
    assert done.returncode == 0, done.stdout + done.stderr
    first, second = sorted(allure_results(tmp_path / "allure-results"), key=lambda result: result["start"])
    gap = (second["start"] - first["stop"]) / 1000
    assert waited <= gap < waited + 1.5, (gap, done.stdout)


ALWAYS_FAILING = """
def test_the_stack_is_gone():
    raise RuntimeError("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/")
"""


def test_an_attempt_that_stays_red_after_its_reruns_keeps_its_cause(tmp_path: Path) -> None:
    """Every attempt is a result of the report: the last one, which decides the night, is labelled with its cause
    as the first was (fixtures/reporting.py), not left for Allure's catch-all category."""
    (tmp_path / "test_always.py").write_text(ALWAYS_FAILING)
    done = pytest_with_plugins(tmp_path, RERUNS, str(tmp_path / "test_always.py"), "--infra-reruns", "2")
    assert "1 failed" in done.stdout and "2 rerun" in done.stdout, done.stdout + done.stderr
    attempts = [labels(result) for result in allure_results(tmp_path / "allure-results")]
    assert len(attempts) == 3 and all(attempt.get("cause") == "infrastructure" for attempt in attempts), attempts



# A returning user's journey: its first attempt fails as the control API fails, its retry meets the phone still busy
# with the first attempt's sign-in (mid_auth_3310), its third attempt signs in. Beside it, a journey that meets "busy"
# on its first attempt: Mobile ID's answer, a finding.
BUSY_ON_ITS_RETRY = '''
from pathlib import Path

from fixtures.causes import MOBILE_ID_OUTCOME, Cause, JourneyFailure
from fixtures.mobile_id import ControlAPIError


def attempt(name):
    marker = Path(__file__).with_name(name + ".attempts")
    count = int(marker.read_text()) + 1 if marker.exists() else 1
    marker.write_text(str(count))
    return count


def busy():
    return JourneyFailure("B2C redirected with access_denied instead of an ID token: AADB2C90273: An invalid response was "
                          "received : 'Error: access_denied,Error Description: mid_auth_3310_KS04VMNH - The user is busy "
                          "with another authentication'", cause=Cause(MOBILE_ID_OUTCOME, "mid_auth_3310 (AADB2C90273)"))


def test_returning_user_signs_in():
    count = attempt("returning_user")
    if count == 1:
        raise ControlAPIError("https://openid.mobileid.ch/control/phones/{msisdn}/approve answered HTTP 502 to approve: Bad Gateway",
                              "the deployed emulator is failing: see its log", infrastructure=True)
    if count == 2:
        raise busy()


def test_busy_phone():
    raise busy()
'''


def test_a_retry_that_meets_the_phone_busy_is_infrastructure_as_the_failure_it_follows(tmp_path: Path) -> None:
    """Mobile ID's "busy" on a retry is the failed attempt's sign-in still open on the phone: infrastructure (broken, and
    tried again), not a finding about Mobile ID; on a first attempt it stays Mobile ID's answer."""
    (tmp_path / "test_busy.py").write_text(BUSY_ON_ITS_RETRY)
    done = pytest_with_plugins(tmp_path, RERUNS, str(tmp_path / "test_busy.py"), "--infra-reruns", "2")
    assert "1 failed, 1 passed, 2 rerun" in done.stdout, done.stdout + done.stderr
    attempts = []
    for result in allure_results(tmp_path / "allure-results"):
        said = labels(result)
        attempts.append((result["name"], result["start"], result["status"], said.get("cause"), said.get("cause_detail")))
    assert [attempt[2:] for attempt in sorted(attempts) if attempt[0] == "test_returning_user_signs_in"] == [
        ("broken", "infrastructure", "Mobile ID control API: https://openid.mobileid.ch/control/phones/{msisdn}/approve answered HTTP 502 "
                                     "to approve: Bad Gateway"),
        ("broken", "infrastructure", "mid_auth_3310 on a retry after an infrastructure failure: the phone was still busy with the "
                                     "sign-in the failed attempt left open"),
        ("passed", None, None),
    ]
    assert [attempt[2:] for attempt in attempts if attempt[0] == "test_busy_phone"] == [
        ("failed", "Mobile ID outcome", "mid_auth_3310 (AADB2C90273)")]


def test_busy_on_a_retry_that_followed_any_failure_stays_mobile_ids_answer(tmp_path: Path) -> None:
    """Under pytest-rerunfailures' own --reruns a retry follows any failure, a verdict too: "busy" there is Mobile ID's
    answer as on a first attempt, not filed as infrastructure (only --infra-reruns retries infrastructure alone)."""
    (tmp_path / "test_busy.py").write_text(BUSY_ON_ITS_RETRY)
    done = pytest_with_plugins(tmp_path, RERUNS, str(tmp_path / "test_busy.py"), "--reruns", "2", "-k", "returning_user")
    assert "1 passed, 1 deselected, 2 rerun" in done.stdout, done.stdout + done.stderr
    second = sorted((result["start"], result["status"], labels(result).get("cause"))
                    for result in allure_results(tmp_path / "allure-results"))[1]
    assert second[1:] == ("failed", "Mobile ID outcome"), second


# Its first attempt hangs until pytest-timeout's alarm; so does its retry, which must get an alarm of its own.
HANGING_TWICE = '''
import signal
from pathlib import Path

from fixtures.causes import Cause, JourneyFailure


def test_hangs_on_every_attempt():
    marker = Path(__file__).with_name("attempted")
    if not marker.exists():
        marker.write_text("1")
        try:
            signal.pause()  # a page that never yields: only the alarm ends it
        except BaseException as stopped:
            raise JourneyFailure(str(stopped), cause=Cause("infrastructure", "the runner")) from None
    signal.pause()
'''


def test_each_retry_gets_the_whole_time_limit_again(tmp_path: Path) -> None:
    """pytest-timeout arms its alarm once a test, around every attempt pytest-rerunfailures makes: a retry after the alarm
    fired had none, and held the run for as long as its page did (for ever, for a page whose script never yields)."""
    (tmp_path / "test_hanging.py").write_text(HANGING_TWICE)
    done = pytest_with_plugins(tmp_path, ("pytest_timeout", *RERUNS), "--infra-reruns", "1", "--timeout", "1", "-p", "no:randomly",
                               str(tmp_path / "test_hanging.py"))
    assert done.returncode == 1 and "1 failed, 1 rerun" in done.stdout, done.stdout + done.stderr
    assert "Timeout (>1.0s) from pytest-timeout" in done.stdout, done.stdout


FAILING_TWICE = '''
import pytest

from fixtures.causes import TOKEN_CONTRACT, Cause, JourneyFailure


@pytest.fixture
def refused_at_teardown():
    yield
    raise ConnectionRefusedError("[Errno 111] Connection refused")


def test_token_then_teardown(refused_at_teardown):
    raise JourneyFailure("ID token aud is 'other-app'", cause=Cause(TOKEN_CONTRACT, "aud: expected the app"))
'''


def test_a_journey_that_fails_and_errs_at_teardown_gives_each_case_of_its_junit_xml_one_cause(tmp_path: Path) -> None:
    """The teardown's report holds the call's cause (the item's) before its own: the JUnit XML's case says its own once."""
    (tmp_path / "test_failing_twice.py").write_text(FAILING_TWICE)
    junit = tmp_path / "junit.xml"
    done = pytest_with_plugins(tmp_path, RERUNS, str(tmp_path / "test_failing_twice.py"), f"--junitxml={junit}")
    assert done.returncode == 1, done.stdout + done.stderr
    causes = [found for _, found in junit_causes(junit)]
    assert causes == [["ID token contract"], ["infrastructure"]], causes  # the call's case, then the teardown's: each its own, once


def test_a_journey_that_fails_and_errs_at_teardown_is_one_allure_result_of_its_first_cause(tmp_path: Path) -> None:
    """Allure keeps one result an attempt: its labels are the first failure's (the call's wrong audience, a finding), not
    the teardown's refused connection as well, which would file the finding as broken infrastructure."""
    (tmp_path / "test_failing_twice.py").write_text(FAILING_TWICE)
    done = pytest_with_plugins(tmp_path, RERUNS, str(tmp_path / "test_failing_twice.py"))
    assert done.returncode == 1, done.stdout + done.stderr
    [result] = allure_results(tmp_path / "allure-results")
    causes = [(label["name"], label["value"]) for label in result["labels"] if label["name"] in ("cause", "cause_detail")]
    assert (result["status"], causes) == ("failed", [("cause", "ID token contract"), ("cause_detail", "aud: expected the app")]), causes


# A returning user signed up for each attempt (a fixture of the journey's, with a step of its own): the first attempt's
# sign-up fails as B2C refuses connections, the retry's signs up another number.
SIGNED_UP_PER_ATTEMPT = '''
from pathlib import Path

import allure
import pytest


@pytest.fixture
def returning_user():
    marker = Path(__file__).with_name("attempts")
    count = int(marker.read_text()) + 1 if marker.exists() else 1
    marker.write_text(str(count))
    with allure.step(f"Sign up with Mobile ID +4179000000{count}"):
        if count == 1:
            raise RuntimeError("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/")
    yield count
    with allure.step(f"Sign out +4179000000{count}"):
        pass


def test_returning_user_signs_in(returning_user):
    pass
'''


def test_each_attempt_shows_its_own_set_up_not_every_attempts(tmp_path: Path) -> None:
    """allure-pytest ties a fixture's set-ups to one container a fixture, which pytest-rerunfailures' retry reuses: the
    retry's page showed the first attempt's failed sign-up (another number, its error) beside its own, as if both were
    its. Each attempt shows the set-up it ran."""
    (tmp_path / "test_signed_up.py").write_text(SIGNED_UP_PER_ATTEMPT)
    done = pytest_with_plugins(tmp_path, RERUNS, str(tmp_path / "test_signed_up.py"), "--infra-reruns", "1", "--infra-reruns-delay", "0")
    assert "1 passed, 1 rerun" in done.stdout, done.stdout + done.stderr
    results = tmp_path / "allure-results"
    containers = [json.loads(path.read_text()) for path in results.glob("*-container.json")]
    shown = []
    for result in sorted(allure_results(results), key=lambda result: result["start"]):
        own = [container for container in containers if result["uuid"] in container.get("children", [])]
        shown.append((result["status"], [step["name"] for container in own for key in ("befores", "afters")
                                         for fixture in container.get(key, []) if fixture["name"].startswith("returning_user")
                                         for step in fixture["steps"]]))
    assert shown == [("broken", ["Sign up with Mobile ID +41790000001"]),
                     ("passed", ["Sign up with Mobile ID +41790000002", "Sign out +41790000002"])], shown
    # The attempt that passed after the broken one is flaky in the run's own results, as the nightly's merge marks it
    flaky = {result["status"]: (result.get("statusDetails") or {}).get("flaky") for result in allure_results(results)}
    assert flaky == {"broken": None, "passed": True}, flaky


def test_only_a_journey_that_passed_after_an_attempt_that_did_not_is_marked_flaky(tmp_path: Path) -> None:
    """A journey that passed at once is not flaky, nor one whose last attempt failed; a mark already there is left as it is."""
    from fixtures.run_results import mark_flaky

    attempts = {"once": [("passed", 2)], "retried": [("broken", 1), ("passed", 2)], "still red": [("broken", 1), ("failed", 2)],
                "marked": [("broken", 1), ("passed", 2)]}
    for journey, tries in attempts.items():
        for number, (status, stop) in enumerate(tries):
            details = {"flaky": True, "message": "marked by the merge"} if journey == "marked" and status == "passed" else {}
            (tmp_path / f"{journey}-{number}-result.json").write_text(
                json.dumps({"historyId": journey, "status": status, "stop": stop, "statusDetails": details}, indent=2))
    marked_before = (tmp_path / "marked-1-result.json").read_text()
    mark_flaky(tmp_path)
    flaky = {(journey, result["status"]): (result.get("statusDetails") or {}).get("flaky", False)
             for journey in attempts for result in map(json.loads, map(Path.read_text, tmp_path.glob(f"{journey}-*-result.json")))}
    assert flaky == {("once", "passed"): False, ("retried", "broken"): False, ("retried", "passed"): True,
                     ("still red", "broken"): False, ("still red", "failed"): False,
                     ("marked", "broken"): False, ("marked", "passed"): True}, flaky
    assert (tmp_path / "marked-1-result.json").read_text() == marked_before


def test_a_result_an_earlier_run_left_in_the_folder_is_no_attempt_of_this_run(tmp_path: Path) -> None:
    """pytest without --clean-alluredir keeps the last run's results: a journey that failed then and passed now is no
    journey that passed on a retry; one that failed and passed within this run is."""
    from fixtures.run_results import mark_flaky

    tries = {"earlier run": ("broken", 100, 200), "this run": ("passed", 2_000, 2_100), "retry of": ("broken", 1_500, 1_600)}
    for name, (status, start, stop) in tries.items():
        journey = "retried" if name == "retry of" else "once"
        (tmp_path / f"{journey}-{name.replace(' ', '-')}-result.json").write_text(
            json.dumps({"historyId": journey, "status": status, "start": start, "stop": stop}))
    (tmp_path / "retried-this-run-result.json").write_text(json.dumps({"historyId": "retried", "status": "passed", "start": 2_000, "stop": 2_100}))
    mark_flaky(tmp_path, since_ms=1_000)
    flaky = {path.name: (json.loads(path.read_text()).get("statusDetails") or {}).get("flaky", False) for path in tmp_path.glob("*.json")}
    assert flaky == {"once-earlier-run-result.json": False, "once-this-run-result.json": False,
                     "retried-retry-of-result.json": False, "retried-this-run-result.json": True}, flaky
