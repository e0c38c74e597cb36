"""Run by bench/run.py: our journeys and the anchor's, interleaved in one headless Chromium.

Each journey runs in a new context (no cookies) and is timed from the first navigation to a
verified ID token; the browser's CPU time is read around the same span. Results go to the JSON
file named by BENCH_OUT. Not part of the suite (bench/ is outside pytest.ini's testpaths).
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from bench.anchor import RP, Anchor
from bench.cpu import BrowserCPU
from fixtures.b2c import B2CTenant
from fixtures.journey import Journey
from fixtures.mobile_id import MobileID
from fixtures.settings import Settings

ANCHOR_USER = ("alice", "any password")  # devInteractions accept any login


def anchor_journey(page: Page, anchor: Anchor) -> dict[str, Any]:
    """oidc-provider's two pages: login (any user), consent (Continue), then the token at the relying party.

    Driven as the suite's page objects drive the same kind of screen, so neither journey gets a cheaper
    way through: a login form is submitted with Enter in its last field (Mobile ID's number form,
    pages/mobileid_login.py), buttons are clicked (B2C's Mobile ID button and profile page Continue; a
    click also waits for the button to hold still for two animation frames, ~30 ms here, Enter does not).
    """
    url, state, nonce = anchor.authorize_url()
    page.goto(url, wait_until="commit")
    page.locator("input[name=login]").fill(ANCHOR_USER[0])
    password = page.locator("input[name=password]")
    password.fill(ANCHOR_USER[1])
    password.press("Enter")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{RP}/cb#**", wait_until="commit")
    return anchor.validate(page.url, state, nonce)


def test_side_by_side(browser: Browser, browser_context_args: dict[str, Any], anchor: Anchor, b2c: B2CTenant,
                      mobile_id: MobileID, settings: Settings) -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    cpu = BrowserCPU()
    times: dict[str, list[float]] = defaultdict(list)
    cpu_times: dict[str, list[float]] = defaultdict(list)

    def journey(page: Page) -> Journey:
        return Journey(page, b2c, mobile_id, settings)

    def run(run_in: Callable[[Page], Any]) -> tuple[float, float]:
        context = browser.new_context(**browser_context_args)
        try:
            page = context.new_page()
            cpu_before, started = cpu.seconds(), time.perf_counter()
            claims = run_in(page)
            elapsed, cpu_after = time.perf_counter() - started, cpu.seconds()
        finally:
            context.close()
        assert claims.get("sub"), "the journey ended without a verified token"
        return elapsed, cpu_after - cpu_before

    def signing_up(policy: str, number: str | None = None) -> Callable[[Page], Any]:
        return lambda page: journey(page).sign_up(policy, number or mobile_id.new_number())  # a new user unless named

    def signing_in(policy: str) -> Callable[[Page], Any]:
        return lambda page: journey(page).sign_in(policy, returning[policy])

    returning = {policy: mobile_id.new_number() for policy in settings.policies}
    for policy, number in returning.items():  # the returning users sign up once, untimed
        run(signing_up(policy, number))
    kinds: dict[str, Callable[[Page], Any]] = {"anchor": lambda page: anchor_journey(page, anchor)}
    for policy in settings.policies:
        kinds[f"sign_in:{policy}"] = signing_in(policy)
        kinds[f"sign_up:{policy}"] = signing_up(policy)
    names = list(kinds)
    for name in names:  # warm-up: first documents, connection set-up, code caches
        run(kinds[name])
    for round_ in range(rounds):
        order = names[round_ % len(names):] + names[:round_ % len(names)]  # interleaved, rotated so no kind always goes first
        for name in order:
            elapsed, spent = run(kinds[name])
            times[name].append(elapsed)
            cpu_times[name].append(spent)
    Path(os.environ.get("BENCH_OUT", "bench-results/journeys.json")).write_text(
        json.dumps({"journeys": times, "cpu": cpu_times, "policies": list(settings.policies)}, indent=2))
