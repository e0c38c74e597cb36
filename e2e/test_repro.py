"""The repro journey: one sign-up or sign-in with a reporter's parameters (python -m repro).

Deselected unless pytest runs with ``--repro sign-up|sign-in`` (fixtures/repro.py). It drives the
same page objects and Journey helpers as the other journeys, records a HAR, a trace, a screenshot
at each step (named after the step) and what happened, and then judges the end as the suite does:
``approve`` must give a valid ID token; every other outcome must reach the app as B2C's error
carrying Mobile ID's code.

The app's page (the redirect URI) is blanked in this browser: jwt.ms would show the raw ID token,
and screenshots, video and trace frames are pictures no redaction can clean.
The token is read from the URL, as every journey does, and only its decoded claims are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from fixtures.addresses import at_address
from fixtures.b2c import AuthRequest, B2CTenant
from fixtures.causes import AADB2C_CODE, CORRELATION_ID, b2c_quote
from fixtures.journey import REDIRECT_TIMEOUT, Journey
from fixtures.mobile_id import MobileID
from fixtures.redaction import PHONE, masked
from fixtures.repro import Evidence, ReproRequest, trace_frames, versions
from fixtures.settings import Settings
from fixtures.tokens import require_contract, unverified_claims
from pages import RedirectResult, keep_answer_off_screen
from pages.b2c_self_asserted import B2CSelfAssertedPage
from pages.b2c_unified import B2CSignUpOrSignInPage
from pages.waiting import url_without_fragment
from repro.outcomes import (
    AUTHORIZE_STEP,
    B2C_ERROR_STEP,
    B2C_PROFILE_STEP,
    B2C_SIGN_IN_STEP,
    SILENT_PHONE_WAIT,
    WAITING_STEP,
    silent_phone_wait_line,
)

MID = re.compile(r"(mid_[a-z]+_\d{4})(?:_([A-Z0-9]+))?")
APP_PAGE_MS = 5_000  # how long the app's page may take to come after B2C sent the browser there, for its picture


def note_b2c_and_mobile_id_words(evidence: Evidence, text: str) -> None:
    """AADB2C codes, correlation IDs and Mobile ID codes with their trace ids, from B2C's words."""
    facts = evidence.facts
    facts.setdefault("aadb2c_codes", []).extend(c for c in AADB2C_CODE.findall(text) if c not in facts["aadb2c_codes"])
    facts.setdefault("correlation_ids", []).extend(c for c in CORRELATION_ID.findall(text) if c not in facts["correlation_ids"])
    for code, trace in MID.findall(text):
        facts.setdefault("mobile_id_errors", []).append({"code": code, "trace": trace or None})


@pytest.mark.repro
def test_repro(
    repro: ReproRequest, evidence: Evidence, new_context: Callable[..., BrowserContext], b2c: B2CTenant,
    mobile_id: MobileID, settings: Settings, policy: str, browser: Browser, browser_context_args: dict[str, Any], device: str | None,
) -> None:
    outcome = repro.outcome
    # What was asked for is known before anything runs: a set-up that fails still leaves a report that names it.
    evidence.facts.update({
        "journey": repro.journey, "policy": policy, "outcome": outcome.name, "outcome_words": outcome.words,
        "authorize_params": repro.authorize_params(), "versions": versions(browser.browser_type.name, browser.version),
        "device": device,
    })
    # Given the phone the reporter had: a robot number, a user who signed up before, or a new one
    if outcome.robot:
        number = mobile_id.robot(outcome.robot)  # type: ignore[arg-type]
    elif repro.journey == "sign-in":
        number = a_returning_user(browser, browser_context_args, b2c, mobile_id, settings, policy, evidence)
    else:
        number = mobile_id.new_number()  # skips, saying why, with a real phone (it cannot be new every time)
    evidence.facts["number"] = number if settings.is_local else masked(number)  # a real person's phone leaves the run masked
    context = new_context(record_har_path=str(evidence.har_path), record_har_content="embed")
    evidence.start_trace(context, frames=trace_frames(outcome))
    page = context.new_page()
    journey = Journey(page, b2c, mobile_id, settings)
    if repro.redirect_uri and repro.redirect_uri != settings.redirect_uri:  # the journey keeps its own off screen
        keep_answer_off_screen(context, repro.redirect_uri)
    try:
        run_journey(journey, evidence, repro, policy, number)
    finally:
        # Where the journey stopped; not the app's page a second time, which its last step pictured already.
        pictured = bool(evidence.screenshots) and evidence.screenshots[-1]["url"] == url_without_fragment(page.url)
        if not (pictured and journey.app.is_current()):
            evidence.screenshot(page, "last page", unless_unchanged=True)
        evidence.stop_trace(context)
        evidence.facts["pages"] = [url_without_fragment(url) for url in journey.visited]


def a_returning_user(browser: Browser, browser_context_args: dict[str, Any], b2c: B2CTenant, mobile_id: MobileID,
                     settings: Settings, policy: str, evidence: Evidence) -> str:
    """A number with a B2C user: signed up in a browser of its own, outside the trace, video and HAR of the journey.

    When that sign-up fails, the reported sign-in never runs: the report says so (with a screenshot of where the
    sign-up stopped) rather than judging a journey that did not happen.
    """
    if not mobile_id.has_fresh_numbers:
        return mobile_id.known_number()  # the real phone: its user exists (the reporter signs in with it)
    number = mobile_id.new_number()
    options = {k: v for k, v in browser_context_args.items() if not k.startswith("record_")}
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        try:
            Journey(page, b2c, mobile_id, settings).sign_up(policy, number)
        except Exception as error:  # pytest's skip is no Exception: a skipped set-up stays a skip
            evidence.screenshot(page, "set-up sign-up stopped here")
            evidence.set_up_failed(f"the returning user could not be signed up first: {str(error).strip() or type(error).__name__}")
            raise
    finally:
        context.close()
    return number


def note_correlation_id(journey: Journey, evidence: Evidence, on: B2CSignUpOrSignInPage | B2CSelfAssertedPage | None = None) -> None:
    """The correlation ID in the source of B2C's page ``on`` (its sign-in page unless said), best effort: reading it must
    not end the reported journey."""
    try:
        correlation = (on or journey.unified).correlation_id()
    except PlaywrightError:
        return
    if correlation and correlation not in evidence.facts.setdefault("correlation_ids", []):
        evidence.facts["correlation_ids"].append(correlation)


def note_b2c_error_page(journey: Journey, evidence: Evidence) -> None:
    """B2C's error page, if the browser shows it: its words, codes and correlation ID are what a bug report needs."""
    facts = evidence.facts
    try:
        if "b2c_error_page" in facts or not journey.error_page.is_shown():
            return
        facts["b2c_error_page"] = {"detail": journey.error_page.detail_text(), "correlation_id": journey.error_page.correlation_id(),
                                   "timestamp": journey.error_page.timestamp()}
        note_b2c_and_mobile_id_words(evidence, journey.error_page.root.inner_text())
    except PlaywrightError:  # the page is gone (browser closed): nothing more to read
        return
    evidence.step(B2C_ERROR_STEP, page=journey.page)


def note_the_answer(evidence: Evidence, result: RedirectResult) -> None:
    """What B2C sent the app: its error with the codes and correlation ID in its words, or the token's claims."""
    facts = evidence.facts
    facts["redirect"] = {"error": result.error, "error_description": result.error_description or None}
    note_b2c_and_mobile_id_words(evidence, result.error_description)
    if result.id_token:
        facts["claims"] = unverified_claims(result.id_token)


def run_journey(journey: Journey, evidence: Evidence, repro: ReproRequest, policy: str, number: str) -> None:
    try:
        run_journey_steps(journey, evidence, repro, policy, number)
    except Exception:  # wherever the journey stopped, B2C's error page or its answer to the app (before Mobile ID too) is recorded
        note_b2c_error_page(journey, evidence)
        try:
            if "redirect" not in evidence.facts and journey.answer.sent is not None:  # as B2C sent it, whatever the app did then
                note_the_answer(evidence, journey.answer.sent.result())
        except Exception:  # best effort (a closed page, a token that does not decode): the journey's own failure is raised
            pass
        raise


def run_journey_steps(journey: Journey, evidence: Evidence, repro: ReproRequest, policy: str, number: str) -> None:
    facts = evidence.facts
    if repro.prompt == "none" and repro.journey == "sign-in" and repro.outcome.phone == "approve":
        # A silent sign-in asks B2C for the session this browser has: the reporter's had one, so this one signs in first
        # (its pages come first in the trace and HAR). Without it B2C can only answer AADB2C90077, whatever the bug.
        try:
            journey.sign_in(policy, number)
        except Exception as error:  # the reported silent sign-in never ran: said as every set-up that failed is
            evidence.screenshot(journey.page, "set-up sign-in stopped here")
            evidence.set_up_failed(f"the session for prompt=none could not be made first (a sign-in in this browser): "
                                   f"{str(error).strip() or type(error).__name__}",
                                   retry="the sign-in may have met the reported bug itself: without --prompt none it is recorded step by step")
            raise
        evidence.step("set-up: signed in once in this browser, so B2C has a session for prompt=none", journey.page.url)
    # When the user starts signing in with the reporter's parameters
    request = journey.open(policy, **repro.authorize_params())
    facts["authorize_url"] = request.url
    evidence.step(AUTHORIZE_STEP, request.url)
    first_stop = journey.unified.provider_buttons.first.or_(journey.mobile.number_input).or_(journey.error_page.detail).or_(
        journey.app.answer_note)
    try:
        first_stop.wait_for(state="attached", timeout=REDIRECT_TIMEOUT)
    except PlaywrightError:
        raise AssertionError("after the authorize request the browser shows neither B2C's sign-in or error page, nor Mobile ID, "
                             f"nor the app, but {journey.where_am_i()}") from None
    if journey.error_page.is_shown():
        note_b2c_error_page(journey, evidence)
        correlation = f" (correlation ID {correlation_id})" if (correlation_id := journey.error_page.correlation_id()) else ""
        failure = f"B2C showed its error page instead of signing in: {journey.error_page.detail_text()!r}{correlation}"
        facts["verdict"] = "B2C showed its error page instead of signing in."  # the summary's, below B2C's words (repro/report.py)
        raise AssertionError(failure)
    if journey.unified.is_shown():
        evidence.step(B2C_SIGN_IN_STEP, page=journey.page)
        facts["b2c_page_language"] = journey.unified.language()
        # B2C's logs find the sign-in by it, whatever the journey's end (a token that fails its checks included).
        note_correlation_id(journey, evidence)
        journey.unified.choose_mobile_id()
    if not journey.app.is_current():  # e.g. prompt=none answers the app at once
        answer_at_mobile_id(journey, evidence, repro, number)
    judge_the_answer(journey, evidence, repro, request)


def answer_at_mobile_id(journey: Journey, evidence: Evidence, repro: ReproRequest, number: str) -> None:
    """Mobile ID's pages, answered the way the reporter's phone did."""
    outcome, facts = repro.outcome, evidence.facts
    # Mobile ID's page pictured and its language noted first: a repro of a request B2C sends wrong (a language, a scope)
    # keeps them, then fails on that request, checked against the set-up as in every journey.
    journey.mobile.wait_until_shown()
    evidence.step("Mobile ID number page", page=journey.page)
    facts["mobile_id_page_language"] = journey.mobile.language()
    journey.federation.check()
    journey.mobile.sign_in_with(number)
    if outcome.phone == "approve":
        # As the person does: the waiting page's transaction number first, then the phone. The page is then in the
        # HAR with its number (approved at once, it can go before the browser has saved it).
        facts["mobile_id_transaction"] = waiting_page_transaction(journey)
        at_the_waiting_page(journey, evidence)
        journey.phone_approves(number)
        evidence.step("phone approved", journey.page.url)  # the browser is on its way back to B2C: no picture
        if repro.journey == "sign-up":
            journey.reach_profile_page()
            evidence.step(B2C_PROFILE_STEP, page=journey.page)
            note_correlation_id(journey, evidence, journey.profile)  # B2C's only page where domain_hint skips its sign-in page
            journey.profile.continue_()
    else:
        if outcome.phone != "robot":
            facts["mobile_id_transaction"] = waiting_page_transaction(journey)
            at_the_waiting_page(journey, evidence)
        else:  # said in the steps, where a reader of the bundle looks for the waiting page's picture
            evidence.step("Mobile ID's test number answers at once: no waiting page to picture", journey.page.url)
        if outcome.phone == "decline":
            journey.mobile_id.decline(number, journey.mobile)
            evidence.step("phone declined", journey.page.url)


def waiting_page_transaction(journey: Journey) -> str | None:
    """The waiting page's transaction number. Its ``#transaction-number`` is the emulator's (docs/contracts.md): with
    the real service (no control API) it is not looked for here. The person's prompt looks for it briefly and names
    it (fixtures/mobile_id.py ``Person``); a second look here took as long again of the person's time to approve."""
    if journey.mobile_id.control is None:
        return None
    return journey.mobile.transaction_number()


def at_the_waiting_page(journey: Journey, evidence: Evidence) -> None:
    """The waiting page's step; whether it shows the phone number as text (then pictures of it show the number too)."""
    evidence.facts["waiting_page_shows_number"] = bool(PHONE.search(journey.page.locator("body").inner_text()))
    evidence.step(WAITING_STEP, page=journey.page)


def judge_the_answer(journey: Journey, evidence: Evidence, repro: ReproRequest, request: AuthRequest) -> None:
    """What B2C sent the app: a valid token for an approval, Mobile ID's error for any other outcome."""
    outcome, facts = repro.outcome, evidence.facts
    wait_ms: float = REDIRECT_TIMEOUT
    if outcome.phone == "silent":
        wait_ms = SILENT_PHONE_WAIT * 1000
        journey.mobile_id.announce(silent_phone_wait_line())  # a minute and more with nothing on the screen otherwise
    result = journey.redirect(request, timeout=wait_ms, expecting="an ID token" if not outcome.codes else "Mobile ID's error")
    # The answer is read as B2C sends it, before the app's page may have come: its picture waits for that page (an app of
    # the team's own that has moved on already is pictured where it is, after APP_PAGE_MS).
    try:
        journey.page.wait_for_url(lambda url: at_address(url, journey.settings.redirect_uri), wait_until="commit", timeout=APP_PAGE_MS)
    except PlaywrightError:
        pass
    evidence.step("B2C redirected to the app", page=journey.page)
    note_the_answer(evidence, result)
    if not outcome.codes:
        facts["claims_verified"] = False
        if result.error:  # the summary's, below B2C's words: journey.verified's failure quotes them again
            facts["verdict"] = f"B2C sent the app {result.error} instead of an ID token."
        claims = journey.verified(result, request)  # failing with B2C's error, or naming the claim when the token is wrong
        # The app's token contract too, as the suite's journeys hold it: a token without the name it relies on "passed every check".
        require_contract(claims, request.policy, journey.settings.token_contract, sign_up=repro.journey == "sign-up")
        facts["claims_verified"] = True
        return
    # Raised, not asserted: the bundle's summary quotes the message, without pytest's introspection of the expression.
    if not result.error:
        raise AssertionError(f"B2C sent an ID token although the phone's outcome was {outcome.name}")
    if not result.error_description.startswith("AADB2C90273"):
        raise AssertionError(f"B2C's error_description {b2c_quote(result.error_description)} should start with AADB2C90273 (invalid response from the IdP)")
    if not any(code in outcome.codes for code, _ in MID.findall(result.error_description)):
        raise AssertionError(f"B2C's error_description {b2c_quote(result.error_description)} should carry Mobile ID's {' or '.join(outcome.codes)}")


