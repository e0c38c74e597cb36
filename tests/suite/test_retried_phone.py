"""A journey retried after an infrastructure failure starts with the phone clean.

A returning user's number is the same on every attempt. Its first attempt's sign-in, left open on the phone when the
control API failed, made the retry meet Mobile ID's "busy" (mid_auth_3310), filed as a Mobile ID outcome: a finding about
Mobile ID where the infrastructure had failed. The retry now ends that sign-in first (fixtures/journey.py returning_user).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from fixtures.causes import INFRASTRUCTURE
from fixtures.mobile_id import ControlAPI, ControlAPIError
from tests.suite_run import allure_results, labels, pytest_e2e, tail

# A gateway in front of the control API answers 502 once, to the phone's approval of a number that approved before (the
# returning user's sign-in after its sign-up): the emulator never hears it, so that sign-in stays open on the phone.
CONTROL_API_FAILS_ONCE = '''
import httpx

approved = set()
failed = []
request = httpx.Client.request


def failing_once(client, method, url, *args, **kwargs):
    if method == "POST" and "/control/phones/" in str(url) and str(url).endswith("/approve"):
        number = str(url).split("/phones/")[1].split("/")[0]
        if number in approved and not failed:
            failed.append(number)
            return httpx.Response(502, text="Bad Gateway", request=httpx.Request(method, url))
        approved.add(number)
    return request(client, method, url, *args, **kwargs)


httpx.Client.request = failing_once
'''



def set_up_steps(results: Path, fixture: str, result: dict) -> list[str]:
    """The steps of ``fixture``'s set-up for ``result`` (allure-pytest keeps them in a container naming its results)."""
    containers = [json.loads(path.read_text()) for path in results.glob("*-container.json")]
    return [step["name"] for container in containers if result["uuid"] in container.get("children", [])
            for before in container.get("befores", []) if before["name"] == fixture for step in before.get("steps", [])]


def test_a_retry_after_the_control_api_failed_signs_the_returning_user_in(tmp_path: Path) -> None:
    (tmp_path / "control_api_fails_once.py").write_text(CONTROL_API_FAILS_ONCE)
    results = tmp_path / "allure-results"
    done = pytest_e2e("-k", "test_returning_user_signs_in_without_the_profile_page and b2c_1_signupsignin", "-n", "0",
                      "--infra-reruns", "1", "-p", "control_api_fails_once", f"--alluredir={results}", PYTHONPATH=str(tmp_path))
    assert done.returncode == 0 and re.search(r"\b1 passed, .*\b1 rerun\b", done.stdout), tail(done.stdout) + tail(done.stderr, 2000)
    first, retry = sorted(allure_results(results), key=lambda result: result["start"])
    assert (first["status"], labels(first)["cause"]) == ("broken", "infrastructure"), labels(first)
    assert labels(first)["cause_detail"].endswith("/control/phones/{msisdn}/approve answered HTTP 502 to approve: Bad Gateway"), labels(first)
    assert retry["status"] == "passed", retry["statusDetails"]
    # The report says what the retry did first, in the returning user's set-up.
    said = set_up_steps(results, "returning_user", retry)
    assert any(step.endswith("declined the sign-in an earlier journey left open on it (the phone answers 'busy' to another until it ends)")
               for step in said), said


@pytest.mark.parametrize(("status", "body", "ended"), [
    (200, '{"id": "t1", "status": "declined"}', True),  # a sign-in was open: the phone declined it
    (404, '{"error": "not_found"}', False),  # nothing open
    (409, '{"error": "not_pending", "transaction": {}}', False),  # it ended meanwhile
])
def test_the_phone_ends_a_sign_in_left_open_through_the_control_api(status: int, body: str, ended: bool) -> None:
    asked: list[httpx.Request] = []

    def emulator(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(status, text=body, headers={"Content-Type": "application/json"})

    control = ControlAPI(httpx.Client(transport=httpx.MockTransport(emulator)), "https://mid.example/control", None)
    assert control.end_open_sign_in("+41791234567") is ended
    [request] = asked
    assert (request.method, request.url.path, request.url.params.get("wait")) == ("POST", "/control/phones/+41791234567/decline", "0")


def test_a_control_api_failing_as_the_phone_ends_a_sign_in_is_infrastructure() -> None:
    """The retry then fails as the attempt before it did: tried again, not filed as Mobile ID's "busy"."""
    failing = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(502, text="Bad Gateway")))
    with pytest.raises(ControlAPIError, match=r"/control/phones/\{msisdn\}/decline answered HTTP 502 to end an open sign-in") as error:
        ControlAPI(failing, "https://mid.example/control", None).end_open_sign_in("+41791234567")
    assert error.value.cause.name == INFRASTRUCTURE and "+41791234567" not in str(error.value)
