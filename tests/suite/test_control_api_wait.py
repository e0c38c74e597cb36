"""The suite's control API client asks the emulator to wait in the seconds it takes: plain decimals, at most three places.

MOBILEID_APPROVAL_TIMEOUT takes any number of seconds (``45.1234``); a wait passed on as written (``f"{wait:g}"``) was the
emulator's 400 ``invalid_wait``, and the journey failed saying the emulator refused to approve."""

from __future__ import annotations

import pytest

from fixtures.mobile_id import ControlAPI
from tests.mobileid.support import WAITING_NUMBER, LiveServer, User


@pytest.mark.parametrize("wait", [2.34567, 0.00001, 1e-7, 119.99999])
def test_any_wait_in_seconds_reaches_the_emulator_as_one_it_takes(wait: float) -> None:
    with LiveServer() as emulator, emulator.client() as http:
        User(http).start_transaction()
        answered = ControlAPI(http, f"{emulator.url}/control", None).answer(WAITING_NUMBER, "approve", wait=wait)
    assert answered["status"] == "approved", answered
