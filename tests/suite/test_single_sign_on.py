"""The smoke's single sign-on step (fixtures/journey.py Journey.sign_in_from_session): B2C answering from its session
gives the same user; B2C asking a user signed in in this browser again fails at once as the tenant's set-up, naming where
the browser went and, for the kind of policy, what keeps a session (a custom policy's: tests/suite/test_own_policies.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from fixtures.causes import TENANT_CONFIGURATION, Cause, JourneyFailure
from fixtures.mobile_id import fresh_number
from pages import waiting
from tests.journeys_in_process import JourneyParts, journey_parts

pytestmark = pytest.mark.browser
USER_FLOW = "B2C_1_signupsignin"


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory, launch_chromium: Any) -> Iterator[JourneyParts]:
    with journey_parts(tmp_path_factory.mktemp("stack"), launch_chromium) as running:
        yield running


def test_b2c_answering_from_its_session_gives_the_same_user_without_the_phone(parts: JourneyParts) -> None:
    journey = parts.journey()
    first = journey.sign_up(USER_FLOW, fresh_number())
    mark = len(journey.visited)
    again = journey.sign_in_from_session(USER_FLOW)
    assert again["sub"] == first["sub"]
    assert journey.mobile.host not in journey.hosts_visited(mark), journey.hosts_visited(mark)


def test_a_lost_session_fails_at_once_naming_the_user_flows_session_behavior(parts: JourneyParts) -> None:
    # Given a user who signed up in this browser, whose B2C session is then gone (as a flow that keeps none leaves it)
    journey = parts.journey()
    journey.sign_up(USER_FLOW, fresh_number())
    journey.page.context.clear_cookies()

    # When the app asks again, B2C shows its sign-in page: said as soon as it is built, not after the redirect's whole wait
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failure:
        journey.sign_in_from_session(USER_FLOW)
    assert time.monotonic() - started < waiting.TIMEOUT_MS / 1000

    # Then the cause is the tenant's set-up, and the message says where to keep a session
    assert failure.value.cause == Cause(TENANT_CONFIGURATION, "no single sign-on: a user signed in in this browser was sent to "
                                                              "B2C's sign-in page again")
    assert f"User flows > {USER_FLOW} > Properties > Session behavior, Single sign-on configuration not Suppressed" in str(failure.value)
