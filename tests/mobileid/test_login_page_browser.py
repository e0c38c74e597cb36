"""The login pages in a real Chromium: phone entry, waiting page, prompt hand-over, form_post."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from .support import REDIRECTS, RP_POST, WAITING_NUMBER, LiveServer, authorize_params

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium(launch_chromium):
    return launch_chromium()


@pytest.fixture
def page(chromium, emulator: LiveServer, http: httpx.Client):
    context = chromium.new_context(locale="en-US")
    received: list[dict] = []

    def relying_party(route) -> None:
        # Stand in for the client's redirect URI (no network here); remember what it was sent.
        received.append({"url": route.request.url, "method": route.request.method, "body": route.request.post_data or ""})
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>RP</title><h1>Relying party</h1>")

    context.route("https://rp.example/**", relying_party)
    page = context.new_page()
    page.received = received
    yield page
    context.close()


def open_login(page, emulator: LiveServer, **params: str) -> dict[str, str]:
    query = authorize_params(RP_POST, **params)
    page.goto(f"{emulator.url}/oidc/authorize?{urlencode(query)}")
    page.wait_for_selector("form#mid-login")
    return query


def test_number_entry_waiting_page_and_prompt_hand_over(page, emulator: LiveServer, http: httpx.Client) -> None:
    query = open_login(page, emulator)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("input#msisdn").get_attribute("type") == "tel"
    assert page.locator("label[for=msisdn]").inner_text() == "Mobile number"

    page.fill("#msisdn", "079 123 45 67")
    page.click("#mid-continue")
    number = page.locator("#mid-waiting #transaction-number")
    number.wait_for()
    shown = number.inner_text()
    assert re.fullmatch(r"[A-Z0-9]{8}", shown)
    [transaction] = http.get("/control/transactions", params={"msisdn": WAITING_NUMBER}).json()["transactions"]
    assert transaction["trace"] == shown and transaction["status"] == "pending"

    # The answer is a 303 to the redirect URI; Playwright does not route redirect targets, so watch the request.
    with page.expect_request(lambda request: request.url.startswith(REDIRECTS[RP_POST]), timeout=5000) as arrival:
        assert http.post(f"/control/transactions/{transaction['id']}/approve").status_code == 200
        approved_at = time.monotonic()
    assert time.monotonic() - approved_at < 2.0, "the waiting page did not move on promptly"
    answer = parse_qs(urlsplit(arrival.value.url).query)
    assert answer["state"] == [query["state"]] and answer["iss"] == [emulator.url] and answer["code"][0]


def test_malformed_number_shows_an_inline_message_and_the_page_stays(page, emulator: LiveServer, http: httpx.Client) -> None:
    open_login(page, emulator)
    page.fill("#msisdn", "079 12")
    page.click("#mid-continue")
    alert = page.locator("#msisdn-error[role=alert]")
    alert.wait_for()
    assert "valid mobile number" in alert.inner_text()
    assert page.locator("form#mid-login input#msisdn").input_value() == "079 12"
    assert page.locator("#mid-waiting").count() == 0
    assert http.get("/control/transactions").json() == {"transactions": []}


def test_german_page_and_form_post_answer_with_an_error(page, emulator: LiveServer) -> None:
    query = open_login(page, emulator, ui_locales="de-CH", response_mode="form_post")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Mit Mobile ID anmelden"
    page.fill("#msisdn", "+41 00 009 24 01")  # user cancel
    page.click("#mid-continue")
    page.wait_for_url("https://rp.example/**", timeout=5000)
    [posted] = page.received
    assert posted["method"] == "POST" and posted["url"] == REDIRECTS[RP_POST]
    fields = parse_qs(posted["body"])
    assert fields["error"] == ["access_denied"] and fields["state"] == [query["state"]]
    assert re.fullmatch(r"mid_auth_3010_[A-Z0-9]{8} - .+", fields["error_description"][0])
