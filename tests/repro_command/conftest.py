"""HAR files recorded from real journeys of the local stack: what a user would send with a bug report.

The stack runs in this process; Chromium records a HAR (content embedded, raw tokens and all, as a
browser's "Save all as HAR" does) for each journey: a sign-up that ends with a token, a phone whose
user cancels (in German), and an app with an unregistered redirect URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from fixtures.journey import Journey
from fixtures.mobile_id import fresh_number
from tests.journeys_in_process import journey_parts
from tests.local_stack import LOCAL_STACK

POLICY = "B2C_1A_signup_signin"
UNREGISTERED = "https://app.example.invalid/not-registered"


@pytest.fixture(autouse=True)
def the_local_stack_described_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repro command's description of the local stack (``repro.cli.local_stack``: its settings, where they shape the
    stack no way of their own, and its readings of a report) comes from ``python -m mocks serve --describe`` (~0.3 s of
    CPU each time); the stack describes itself as tests/local_stack.py computes here, so in this process it is taken from
    there. A stack shaped by settings (faults, a policy folder) is still asked, and so is every ``python -m repro`` a test
    starts."""
    monkeypatch.setattr("repro.cli.local_stack", lambda: LOCAL_STACK)


@pytest.fixture
def devices_asked_here(playwright: Playwright, monkeypatch: pytest.MonkeyPatch) -> None:
    """The repro command's questions to Playwright (its device list) asked of this process's Playwright, not of a driver
    started for each question (ask_playwright itself: the browser tests of test_arguments.py)."""
    from repro import cli

    monkeypatch.setattr(cli, "ask_playwright", lambda question: question(playwright))


@pytest.fixture(scope="package")
def recorded_hars(tmp_path_factory: pytest.TempPathFactory, launch_chromium) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp("hars")
    with journey_parts(folder / "stack", launch_chromium) as parts:
        settings = parts.settings

        def record(name: str, locale: str, journey_steps) -> None:
            journey = parts.journey(locale=locale, record_har_path=str(folder / f"{name}.har"), record_har_content="embed")
            try:
                journey_steps(journey)
            finally:
                journey.page.context.close()  # writes the HAR

        def sign_up(journey: Journey) -> None:
            number = fresh_number()
            request = journey.send_to_phone(POLICY, number)
            journey.mobile.transaction_number()  # as a person: the waiting page's number, then the phone (the page is in the HAR)
            journey.phone_approves(number)
            journey.reach_profile_page().continue_()
            journey.token(request)

        def user_cancel(journey: Journey) -> None:
            request = journey.send_to_phone(POLICY, settings.robots["user_cancel"], ui_locales="de")
            assert journey.redirect(request).error

        def unregistered(journey: Journey) -> None:
            journey.open(POLICY, redirect_uri=UNREGISTERED)
            journey.error_page.wait_until_shown()

        record("sign-up", "en-US", sign_up)
        record("user-cancel", "de-CH", user_cancel)
        record("unregistered-redirect-uri", "en-US", unregistered)
        yield {name: folder / f"{name}.har" for name in ("sign-up", "user-cancel", "unregistered-redirect-uri")}
