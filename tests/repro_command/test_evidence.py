"""The repro journey's evidence (fixtures/repro.py) in a real browser: a screenshot per step, masked numbers, a trace's frames."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fixtures.causes import BROKEN_PROMISE, Cause, JourneyFailure
from fixtures.reporting import phone_masks
from fixtures.repro import Evidence, failure_words, trace_frames
from pages.jwtms import keep_answer_off_screen
from repro.outcomes import OUTCOMES

pytestmark = pytest.mark.browser
NUMBER = "+41791234567"
NUMBER_FIELD = f'<form id="mid-login"><input type="tel" id="msisdn" value="{NUMBER}"></form>'
NUMBER_TEXT = f"<p>We sent a request to {NUMBER}. Confirm it on your phone.</p>"
NATIONAL_TEXT = "<p>Your number: (079)&nbsp;123&nbsp;45&nbsp;67</p>"  # as a person writes it, a page's no-break spaces
# B2C's profile page on a sign-up: the display name filled with the token's name claim, the number
PROFILE_FIELDS = f'<input type="text" id="displayName" value="{NUMBER}"><input type="text" id="givenName" value="Anna">'
# A spinner as Mobile ID's waiting page has one; the page counts its painted frames.
SPINNER = """<style>@keyframes turn { to { transform: rotate(360deg) } }
div { width: 40px; height: 40px; border: 4px solid #c00; border-top-color: #eee; border-radius: 50%; animation: turn 0.5s linear infinite }</style>
<div></div><script>window.painted = 0; (function count() { window.painted++; requestAnimationFrame(count); })();</script>"""


@pytest.fixture(scope="module")
def browser(launch_chromium: Any) -> Any:
    return launch_chromium()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context()
    yield context.new_page()
    context.close()


class PageThatMovesOn:
    """A page whose navigation lands while it is being pictured (a redirect, a form post answered)."""

    url = "https://m.mobileid.ch/oidc/wait?session=s"

    def screenshot(self, path: Path, **_: Any) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)  # as Playwright does
        Path(path).write_bytes(b"\x89PNG of the app page")
        self.url = "https://jwt.ms/#state=x"


def test_a_step_on_a_page_is_pictured_under_the_steps_name(tmp_path: Path, page: Any) -> None:
    evidence = Evidence(tmp_path)
    page.set_content("<h1>Sign in</h1>")
    evidence.step("authorize request sent", "https://contoso.b2clogin.com/authorize")  # no page: nothing to picture
    evidence.step("B2C sign-in page", page=page)
    assert evidence.screenshots == [{"file": "01-b2c-sign-in-page.png", "url": "about:blank"}]
    assert (tmp_path / "screenshots" / "01-b2c-sign-in-page.png").read_bytes()[:4] == b"\x89PNG"
    assert [s["step"] for s in evidence.steps] == ["authorize request sent", "B2C sign-in page"]


def test_a_page_that_moves_on_while_pictured_is_not_kept_under_the_wrong_name(tmp_path: Path) -> None:
    evidence = Evidence(tmp_path)
    evidence.step("Mobile ID waiting for the phone", page=PageThatMovesOn())  # type: ignore[arg-type]
    assert evidence.screenshots == [] and not list((tmp_path / "screenshots").glob("*.png"))
    assert evidence.facts["screenshots_missed"] == [
        "01-mobile-id-waiting-for-the-phone.png: the page moved on from https://m.mobileid.ch/oidc/wait?session=s to https://jwt.ms/"]


class PageSlowToPicture:
    """A page on a busy machine: its first ``slow`` pictures time out, the next is taken; it stays where it is."""

    url = "https://jwt.ms/#id_token=x"

    def __init__(self, slow: int) -> None:
        self.slow = slow

    def is_closed(self) -> bool:
        return False

    def screenshot(self, path: Path, **_: Any) -> None:
        if self.slow:
            self.slow -= 1
            raise PlaywrightTimeoutError("Page.screenshot: Timeout 5000ms exceeded.")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(b"\x89PNG of the app page")


def test_a_picture_that_timed_out_is_taken_again_once_where_the_page_stayed(tmp_path: Path) -> None:
    """A set-up's last picture (where its sign-up stopped) timed out on a busy CI machine, and the bundle had none."""
    evidence = Evidence(tmp_path)
    evidence.screenshot(PageSlowToPicture(slow=1), "set-up sign-up stopped here")  # type: ignore[arg-type]
    assert evidence.screenshots == [{"file": "01-set-up-sign-up-stopped-here.png", "url": "https://jwt.ms/"}]
    assert "screenshots_missed" not in evidence.facts
    evidence.screenshot(PageSlowToPicture(slow=2), "app page")  # type: ignore[arg-type]  # twice: said, not waited for again
    assert evidence.facts["screenshots_missed"] == ["02-app-page.png: Page.screenshot: Timeout 5000ms exceeded."]


@pytest.mark.parametrize("html", [NUMBER_FIELD, NUMBER_TEXT, NATIONAL_TEXT, PROFILE_FIELDS],
                         ids=["number field", "number as text", "national as text", "a field holding it"])
def test_tenant_mode_screenshots_mask_the_phone_number(tmp_path: Path, page: Any, html: str) -> None:
    page.set_content(f"<body style='font: 20px sans-serif'>{html}</body>")
    unmasked = page.screenshot(full_page=True)
    Evidence(tmp_path / "local").screenshot(page, "number page")
    Evidence(tmp_path / "tenant", mask_phone=True).screenshot(page, "number page")
    assert (tmp_path / "local/screenshots/01-number-page.png").read_bytes() == unmasked  # the same page, pictured twice alike
    assert (tmp_path / "tenant/screenshots/01-number-page.png").read_bytes() != unmasked


def test_only_the_fields_holding_a_number_are_masked(page: Any) -> None:
    """B2C's profile page: the display name holds the number (masked), the given name the person's name (pictured). A
    field the page adds or fills after the fields were read (B2C builds its form by script), or one in a shadow root, is
    masked too; the page keeps no mark of it after the picture."""
    page.set_content(PROFILE_FIELDS + "<div id='host'></div>")
    page.evaluate("document.querySelector('#host').attachShadow({mode: 'open'}).innerHTML = '<input id=shadowed value=+41791234567>'")
    with phone_masks(page) as masks:
        page.evaluate("document.body.insertAdjacentHTML('afterbegin', '<input id=added value=+41791234567>')")
        assert masks[2].evaluate_all("fields => fields.map(field => field.id)") == ["added", "displayName", "shadowed"]
    assert page.locator("[data-e2e-no-number]").count() == 0


def test_tenant_mode_screenshots_mask_the_number_in_the_apps_decoded_token(tmp_path: Path, page: Any) -> None:
    """The app's page shows the decoded token, whose name claim is the number: the journeys hide the rest of the page from
    every picture (keep_answer_off_screen), which hid the screenshot's masks too, so the number showed."""
    page.route("https://jwt.ms/**", lambda route: route.fulfill(content_type="text/html", body=(
        f'<!DOCTYPE html><pre id="decodedToken">{{"typ": "JWT"}}.{{"name": "{NUMBER}", "idp": "mobileid.ch"}}.[Signature]</pre>')))
    keep_answer_off_screen(page, "https://jwt.ms")
    page.goto("https://jwt.ms/#id_token=x")
    page.locator("#redirect-uri-reached").wait_for()
    unmasked = page.screenshot(full_page=True)
    Evidence(tmp_path, mask_phone=True).screenshot(page, "app page")
    assert (tmp_path / "screenshots/01-app-page.png").read_bytes() != unmasked


def frames_in_trace(page: Any, tmp_path: Path, frames: bool) -> int:
    evidence = Evidence(tmp_path)
    evidence.start_trace(page.context, frames=frames)
    page.set_content(SPINNER)
    page.wait_for_function("window.painted >= 60")  # a second of the spinner turning
    evidence.stop_trace(page.context)
    with zipfile.ZipFile(evidence.trace_path) as trace:
        events = "\n".join(trace.read(name).decode(errors="ignore") for name in trace.namelist() if name.endswith(".trace"))
        assert "frame-snapshot" in events, "the trace should keep the page as a DOM snapshot"
    return events.count('"screencast-frame"')


def test_a_silent_phones_trace_keeps_no_screencast_frames(tmp_path: Path, page: Any) -> None:
    """80 s of Mobile ID's spinner as screencast frames made a 57 MB trace; a silent phone's trace has none (its DOM snapshots stay)."""
    assert not trace_frames(OUTCOMES["timeout"]) and trace_frames(OUTCOMES["approve"]) and trace_frames(OUTCOMES["user-cancel"])
    assert frames_in_trace(page, tmp_path / "silent", frames=trace_frames(OUTCOMES["timeout"])) == 0
    assert frames_in_trace(page, tmp_path / "approve", frames=trace_frames(OUTCOMES["approve"])) > 0


@pytest.mark.parametrize(("cause", "result", "says"), [
    ("infrastructure", "stopped by infrastructure", "The machine or the network stopped the journey: Error: net::ERR_NAME_NOT_RESOLVED"),
    ("token contract", "set-up failed", "The returning user could not be signed up first: "),
])
def test_a_set_up_the_network_stopped_is_not_a_set_up_that_met_the_bug(tmp_path: Path, cause: str, result: str, says: str) -> None:
    """The sign-in's returning user is signed up first: the machine or the network stopping that reproduces nothing
    either (exit 5), where a sign-up that failed on B2C may have met the reported bug (exit 3)."""
    from repro.report import what_happened

    evidence = Evidence(tmp_path)
    evidence.set_up_failed("the returning user could not be signed up first: Error: net::ERR_NAME_NOT_RESOLVED")
    evidence.write("Error: net::ERR_NAME_NOT_RESOLVED", cause=cause)
    facts = json.loads((tmp_path / "repro.json").read_text())
    assert facts["result"] == result
    assert says in what_happened(facts), what_happened(facts)


@pytest.mark.parametrize(("error", "says"), [
    (JourneyFailure("B2C did not redirect to https://jwt.ms", cause=Cause(BROKEN_PROMISE, "")), "B2C did not redirect to https://jwt.ms"),
    (AssertionError("ID token aud is 'x'"), "ID token aud is 'x'"),
    (TimeoutError("page.goto: Timeout 30000ms exceeded"), "TimeoutError: page.goto: Timeout 30000ms exceeded"),
], ids=["the suite's failure", "an assertion", "another exception"])
def test_the_bundles_failure_is_said_in_the_suites_words_and_names_only_a_foreign_exception(error: BaseException, says: str) -> None:
    """The bundle's summary ("This is NOT as the suite expects: ...") says a failure of the suite's own in its words, not
    "fixtures.causes.JourneyFailure: ...", a class a reporter cannot act on; any other exception keeps its type, which says what failed."""
    try:
        raise error
    except BaseException:
        excinfo = pytest.ExceptionInfo.from_current()
    assert failure_words(excinfo) == says
