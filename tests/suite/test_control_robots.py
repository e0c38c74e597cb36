"""The suite asks a deployed Mobile ID emulator for its robot numbers: none named is a skip, a broken answer a failure."""

from __future__ import annotations

import httpx
import pytest

from fixtures.mobile_id import ControlAPI


def control(status: int, body: str) -> ControlAPI:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, text=body, headers={"Content-Type": "application/json"}))
    return ControlAPI(httpx.Client(transport=transport), "https://mid.example/control", "token")


def test_the_numbers_it_names_are_taken() -> None:
    assert control(200, '{"robots": {"busy": "+41000092406"}}').robots() == {"busy": "+41000092406"}


def test_an_emulator_without_the_call_names_none() -> None:
    assert control(404, '{"error": "not_found"}').robots() == {}


@pytest.mark.parametrize(("status", "body"), [(500, "boom"), (200, "not json"), (200, '{"numbers": {}}')])
def test_a_broken_answer_fails_naming_the_call_and_what_came(status: int, body: str) -> None:
    with pytest.raises(AssertionError, match=rf"GET https://mid.example/control/robots with HTTP {status}, not the robot numbers"):
        control(status, body).robots()


def test_a_control_api_that_is_off_fails_saying_so() -> None:
    off = '{"error": "control_off", "error_description": "this emulator\'s control API is off: set MOBILEID_CONTROL_TOKEN"}'
    with pytest.raises(AssertionError, match="control API at https://mid.example/control is off: .*MOBILEID_CONTROL_TOKEN"):
        control(404, off).robots()
    with pytest.raises(AssertionError, match="is off"):
        control(404, off).answer("+41791234567", "approve", wait=1)
