"""A person approving on a real phone is told what to do, and the chat webhook gets no full phone number."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from fixtures.causes import INFRASTRUCTURE, MOBILE_ID_OUTCOME, OTHER, PAGE_CHANGED, Cause, JourneyFailure
from fixtures.mobile_id import STOPPED_WHILE_ASKING, Person, Unanswered, UnansweredSignIns, wait_until_ended
from fixtures.settings import MOBILE_ID_TRANSACTION_LIFETIME
from pages import MobileIDLoginPage, waiting

pytestmark = pytest.mark.browser

WAITING = """<html lang="en"><body><div id="mid-waiting"><p>We sent a request to +41791234567. Confirm it on your phone.</p>
<p>Transaction: <strong id="transaction-number">K7Q2XW8P</strong></p></div></body></html>"""


def test_nobody_approving_is_announced_and_posted_with_the_number_masked(page: Page) -> None:
    page.set_content(WAITING)
    said: list[str] = []
    posted: list[dict[str, Any]] = []
    unanswered = UnansweredSignIns()
    person = Person(announce=said.append, post=posted.append, timeout=1.0, unanswered=unanswered, journey="e2e/test_x.py::test_y")
    with pytest.raises(JourneyFailure, match=r"nobody approved the sign-in on \+4179\*\*\*\*\*67 within 1 s \(transaction K7Q2XW8P\)$") as failed:
        person.approve("+41791234567", MobileIDLoginPage(page))
    assert (failed.value.cause.name, failed.value.cause.detail) == (MOBILE_ID_OUTCOME, "nobody approved on the phone within 1 s")
    # Given up before Mobile ID ends the transaction: the phone stays busy with it, and the run is told until when.
    left = unanswered.latest
    assert left is not None and (left.transaction, left.journey) == ("K7Q2XW8P", "e2e/test_x.py::test_y")
    assert left.open_until - time.time() > MOBILE_ID_TRANSACTION_LIFETIME - 10
    assert [p.get("outcome") for p in posted] == [None, "timeout"]
    assert posted[0]["waiting_page"].startswith("We sent a request to +4179*****67.") and posted[0]["transaction"] == "K7Q2XW8P"
    assert not any("+41791234567" in str(value) for p in posted for value in p.values())
    assert not any("+41791234567" in line for line in said) and "moved on" not in " ".join(said)


def test_a_real_page_that_is_not_the_waiting_page_when_time_runs_out_may_be_consent_and_is_said(page: Page) -> None:
    """The real service's consent page is not recognised (its DOM is not public): the timeout says where the browser is,
    without the URL's query, which may hold the number."""
    page.route("https://m.mobileid.ch/**", lambda route: route.fulfill(
        content_type="text/html", body='<html><body><h1>Share your data?</h1><span id="transaction-number">K7Q2XW8P</span></body></html>'))
    page.goto("https://m.mobileid.ch/oidc/consent?msisdn=%2B41791234567")
    person = Person(announce=lambda line: None, post=lambda prompt: None, timeout=1.0)
    with pytest.raises(JourneyFailure) as failed:
        person.approve("+41791234567", MobileIDLoginPage(page, host="m.mobileid.ch"))
    said = str(failed.value)
    assert "the browser still shows Mobile ID (https://m.mobileid.ch/oidc/consent): if that is its consent page" in said, said
    assert "always prompts for consent" in said and "number matching" in said  # the client's options that stop a run too
    assert "41791234567" not in said


def test_the_next_sign_in_waits_until_mobile_id_ended_the_one_nobody_approved() -> None:
    """Before it, the phone answers "busy": the next journey waits for the transaction's end, counting down, and no longer."""
    now = [1000.0]
    slept: list[float] = []
    said: list[str] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    left = Unanswered("K7Q2XW8P", "e2e/test_sign_in.py::test_x", open_until=1025.0)
    wait_until_ended(left, said.append, clock=lambda: now[0], sleep=sleep)
    assert now[0] == 1025.0 and slept == [10.0, 10.0, 5.0]
    assert said[0] == ("Mobile ID: waiting 25 s until Mobile ID ends transaction K7Q2XW8P, which nobody approved in "
                       "e2e/test_sign_in.py::test_x: the phone answers 'busy' to another sign-in until then")
    assert said[1:] == ["Mobile ID: 15 s until transaction K7Q2XW8P ends", "Mobile ID: 5 s until transaction K7Q2XW8P ends"]
    slept.clear()
    said.clear()
    wait_until_ended(left, said.append, clock=lambda: now[0], sleep=sleep)  # ended: nothing to wait for
    assert slept == [] and said == []


def waiting_page_whose_way_back_fails(page: Page, refused: str) -> MobileIDLoginPage:
    """Mobile ID's waiting page (watched, as a journey's page is) whose long-poll is refused, or whose answer posted to
    B2C is refused (Chromium then shows its own error page)."""
    post = refused == "answer post"
    script = "<script>document.forms[0].submit()</script>" if post else "<script>fetch('/oidc/wait/status').catch(() => {})</script>"
    form = '<form method="post" action="https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp"></form>' if post else ""
    page.route("https://m.mobileid.ch/oidc/wait", lambda route: route.fulfill(
        body=WAITING.replace("</body>", form + script + "</body>"), content_type="text/html"))
    page.route("https://m.mobileid.ch/oidc/wait/status", lambda route: route.abort("connectionrefused"))
    page.route("https://contoso.b2clogin.com/**", lambda route: route.abort("connectionrefused"))
    waiting.watch_network(page)
    with page.expect_event("requestfailed"):
        page.goto("https://m.mobileid.ch/oidc/wait")
    return MobileIDLoginPage(page, host="m.mobileid.ch", returns_to=("contoso.b2clogin.com", "jwt.ms"))


def test_a_waiting_page_that_cannot_hear_the_phone_is_the_networks_failure_at_the_deadline(page: Page) -> None:
    """Its long-poll refused, the waiting page cannot hear the phone's answer: the way to Mobile ID failed, not the
    person. The person is still given the whole time (a poll may be retried and answered, so no early stop), the
    sign-in is recorded as open on the phone, and the failure says the network."""
    login_page = waiting_page_whose_way_back_fails(page, "long-poll")
    said: list[str] = []
    posted: list[dict] = []
    unanswered = UnansweredSignIns()
    person = Person(announce=said.append, post=posted.append, timeout=4.0, unanswered=unanswered)  # count-down steps of 1 s
    started = time.monotonic()
    with pytest.raises(JourneyFailure) as failed:
        person.approve("+41791234567", login_page)
    given = time.monotonic() - started
    assert failed.value.cause.name == INFRASTRUCTURE and "refused connections" in failed.value.cause.detail, str(failed.value)
    # Said first as what it is, to the reader and to the person: not "nobody approved".
    assert str(failed.value).startswith("the waiting page for +4179*****67 could not reach Mobile ID within 4 s"), str(failed.value)
    # The cause names the host only (one line for all of its requests); the message says which request and how.
    assert "meanwhile its requests failed: net::ERR_CONNECTION_REFUSED at https://m.mobileid.ch/oidc/wait/status" in str(failed.value)
    assert "nobody approved" not in str(failed.value)
    assert posted[-1]["outcome"] == "stopped" and "could not reach Mobile ID" in posted[-1]["text"], posted
    assert unanswered.latest is not None and len(said) <= 6, said  # the prompt and a count-down line a step: no loop
    # The whole time given, not stopped after a step: said by the clock. How many steps' count-down lines fit in it depends
    # on how long each step's look at the page takes (a loaded machine's renderer: half a second, and one line fewer).
    assert given >= 4.0, f"the person was given {given:.1f} s of 4 s"
    assert any("s left to approve" in line for line in said), said  # counted down


def test_a_person_is_not_asked_when_the_browser_is_at_a_dead_end_already(page: Page) -> None:
    """The answer posted to B2C was refused before anyone was asked (Chromium's error page never moves on): no prompt,
    no webhook message, no sign-in left open on the phone; the failure says where the browser is."""
    login_page = waiting_page_whose_way_back_fails(page, "answer post")
    said: list[str] = []
    posted: list[dict[str, Any]] = []
    unanswered = UnansweredSignIns()
    with pytest.raises(JourneyFailure) as failed:
        Person(announce=said.append, post=posted.append, timeout=8.0, unanswered=unanswered).approve("+41791234567", login_page)
    assert failed.value.cause.name == INFRASTRUCTURE and "Chromium's page for a navigation that failed" in str(failed.value), str(failed.value)
    assert (said, posted, unanswered.latest) == ([], [], None)


class WaitingPage:
    """Mobile ID's waiting page (transaction K7Q2XW8P) as ``Person`` sees it, whose wait for the phone is ``wait``; at ``url``,
    the waiting text shown or not."""

    def __init__(self, wait: Callable[[float], None], url: str = "https://m.mobileid.ch/oidc/waiting", shown: bool = True) -> None:
        self.wait_for_approval = wait
        self.page = type("Page", (), {"url": url})()
        self.waiting = type("Shown", (), {"count": lambda self: int(shown), "inner_text": lambda self: "Confirm it on your phone."})()

    def transaction_number(self, timeout: float) -> str:
        return "K7Q2XW8P"

    def language(self) -> str:
        return "en"


def test_a_dead_end_during_the_count_down_ends_the_wait_and_tells_the_webhook(monkeypatch: pytest.MonkeyPatch) -> None:
    """The waiting page went to a page that never moves on while the person was being waited for: the wait stops at that
    step (no count-down loop), the webhook is told, and no sign-in is recorded as left open."""
    def way_back_fails(timeout: float) -> None:  # at the first step
        dead_ends.append(Cause(INFRASTRUCTURE, "net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/authresp"))
        raise JourneyFailure("the phone's answer did not reach the browser", cause=Cause(INFRASTRUCTURE, "refused"))

    dead_ends: list[Cause] = []
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: ("Chromium's error page", dead_ends[-1]) if dead_ends else None)
    said: list[str] = []
    posted: list[dict[str, Any]] = []
    unanswered = UnansweredSignIns()
    with pytest.raises(JourneyFailure):
        page = WaitingPage(way_back_fails, url="chrome-error://chromewebdata/", shown=False)
        Person(announce=said.append, post=posted.append, timeout=8.0, unanswered=unanswered).approve("+41791234567", page)  # type: ignore[arg-type]
    assert len(dead_ends) == 1 and len(said) == 1, said  # one step, the prompt only
    assert [p.get("outcome") for p in posted] == [None, "stopped"] and "41791234567" not in posted[-1]["text"]
    assert unanswered.latest is None


def test_a_dead_end_reached_while_the_waiting_page_is_awaited_asks_no_one(page: Page) -> None:
    """The number page's post goes to a host that refuses it while the run waits for the waiting page's transaction
    number: Chromium's error page comes instead, and no one is asked to approve."""
    page.route("https://m.mobileid.ch/oidc/login", lambda route: route.fulfill(content_type="text/html", body=(
        '<html><body><form id="mid-login" method="post" action="https://m.mobileid.ch/oidc/wait"><input type="tel"></form>'
        "<script>setTimeout(() => document.forms[0].submit(), 1000)</script></body></html>")))
    page.route("https://m.mobileid.ch/oidc/wait", lambda route: route.abort("connectionrefused"))
    waiting.watch_network(page)
    page.goto("https://m.mobileid.ch/oidc/login")
    said: list[str] = []
    posted: list[dict[str, Any]] = []
    with pytest.raises(JourneyFailure) as failed:
        Person(announce=said.append, post=posted.append, timeout=8.0).approve("+41791234567", MobileIDLoginPage(page, host="m.mobileid.ch"))
    assert failed.value.cause.name == INFRASTRUCTURE and "before anyone was asked" in str(failed.value), str(failed.value)
    assert (said, posted) == ([], [])


def test_a_waiting_page_that_moves_on_before_the_timeout_ends_the_wait_for_the_journey_to_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mobile ID ending the sign-in itself (80 s, before the real mode's default 120 s) moves the waiting page on, as an
    approval does: the person's wait ends there, saying so, and the journey reads B2C's answer (its error carrying
    mid_auth_3300: e2e/test_mobileid_outcomes.py, "expired"), not "nobody approved"."""
    waits: list[float] = []
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: None)
    said: list[str] = []
    unanswered = UnansweredSignIns()
    moved_on = WaitingPage(waits.append)  # moved on at the first look: the page went to B2C
    Person(announce=said.append, post=lambda prompt: None, timeout=120.0, unanswered=unanswered).approve("+41791234567", moved_on)  # type: ignore[arg-type]
    assert len(waits) == 1 and said[-1] == ("Mobile ID: the sign-in on +4179*****67 is no longer waiting (transaction K7Q2XW8P): answered "
                                            "on the phone or ended by Mobile ID, the journey's result says which; nothing more to do "
                                            "on the phone"), said
    assert unanswered.latest is None  # nothing left open on the phone for the next journey to wait for


@pytest.mark.parametrize(("stopped", "why"), [
    (KeyboardInterrupt(), "the run was stopped"),
    (RuntimeError("the browser has been closed\n  at +41791234567"), "the run failed meanwhile (RuntimeError: the browser has been closed)"),
], ids=["Ctrl-C", "another error"])
def test_a_wait_ended_by_the_run_being_stopped_tells_the_terminal_and_the_webhook(monkeypatch: pytest.MonkeyPatch, stopped: BaseException, why: str) -> None:
    """Ctrl-C (or a script's SIGTERM, read as one) or any other end of the wait: the chat hears it stopped and why, so the
    prompt there is not left looking open; the stop goes on as it came."""
    def wait(timeout: float) -> None:
        raise stopped

    monkeypatch.setattr(waiting, "at_dead_end", lambda page: None)
    posted: list[dict[str, Any]] = []
    said: list[str] = []
    unanswered = UnansweredSignIns()
    with pytest.raises(type(stopped)):
        Person(announce=said.append, post=posted.append, timeout=120.0, unanswered=unanswered,
               journey="e2e/test_x.py::test_y").approve("+41791234567", WaitingPage(wait))  # type: ignore[arg-type]
    assert [(p.get("outcome"), p["transaction"]) for p in posted] == [(None, "K7Q2XW8P"), ("stopped", "K7Q2XW8P")]
    # The sign-in is still open on the phone: the next journey (a retry's) waits until Mobile ID ends it, not meeting "busy".
    assert unanswered.latest is not None and (unanswered.latest.transaction, unanswered.latest.journey) == ("K7Q2XW8P", "e2e/test_x.py::test_y")
    assert posted[-1]["text"] == f"Mobile ID: stopped waiting for +4179*****67: {why}; nothing more to approve for transaction K7Q2XW8P"
    assert said[-1] == posted[-1]["text"], said  # the terminal hears it too, where the prompt was


def test_a_run_told_to_stop_ends_the_persons_wait_at_the_next_look_and_tells_the_webhook(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cancelled job's SIGTERM only sets pytest's stop flag (fixtures/stop_signal.py): the person's wait reads it at its
    next look, not at the end of the timeout, and ends as the run being stopped, not as "nobody approved"."""
    looks: list[float] = []
    told: list[str | None] = [None]

    def wait(timeout: float) -> None:
        looks.append(timeout)
        told[0] = "stopped by SIGTERM"  # arrives during the first look
        raise JourneyFailure("still waiting", cause=Cause(PAGE_CHANGED, ""))

    monkeypatch.setattr(waiting, "at_dead_end", lambda page: None)
    posted: list[dict[str, Any]] = []
    person = Person(announce=lambda line: None, post=posted.append, timeout=120.0, stopping=lambda: told[0])
    with pytest.raises(JourneyFailure) as failed:
        person.approve("+41791234567", WaitingPage(wait))  # type: ignore[arg-type]
    assert len(looks) == 1 and failed.value.cause.name == OTHER, (looks, failed.value.cause)
    assert str(failed.value) == ("the run was stopped by SIGTERM while waiting for the sign-in on +4179*****67 to be approved; "
                                 "nothing more to approve for transaction K7Q2XW8P")
    assert [p.get("outcome") for p in posted] == [None, "stopped"] and posted[-1]["text"] == f"Mobile ID: {failed.value}"



def test_a_run_told_to_stop_ends_the_wait_for_mobile_id_to_end_an_unanswered_sign_in() -> None:
    """A cancelled job's SIGTERM (pytest's stop flag) during the next journey's wait for Mobile ID to end the sign-in nobody
    approved ends that wait at its next step, not after the transaction's 80 s, and says why (the journey then asks no one)."""
    now = [1000.0]
    slept: list[float] = []
    said: list[str] = []
    told: list[str | None] = [None]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds
        told[0] = "stopped by SIGTERM"  # arrives during the first step

    left = Unanswered("K7Q2XW8P", "e2e/test_sign_in.py::test_x", open_until=1077.0)
    assert wait_until_ended(left, said.append, clock=lambda: now[0], sleep=sleep, stopping=lambda: told[0]) == "stopped by SIGTERM"
    assert slept == [10.0] and len(said) == 1, (slept, said)  # the first line, then no more count-down
    slept.clear()
    said.clear()
    assert wait_until_ended(left, said.append, clock=lambda: now[0], sleep=sleep, stopping=lambda: told[0]) == "stopped by SIGTERM"
    assert slept == [] and said == []  # told before it began: no wait at all


def test_a_run_told_to_stop_before_the_prompt_asks_no_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Told to stop before the person is prompted (while the journey reached the waiting page): no prompt on the terminal
    or the webhook, which no person need act on any more; the journey ends as the run being stopped."""
    looks: list[float] = []
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: None)
    said: list[str] = []
    posted: list[dict[str, Any]] = []
    person = Person(announce=said.append, post=posted.append, timeout=120.0, stopping=lambda: "stopped by SIGTERM")
    with pytest.raises(JourneyFailure) as failed:
        person.approve("+41791234567", WaitingPage(looks.append))  # type: ignore[arg-type]
    assert (said, posted, looks) == ([], [], [])
    # One line in the report for every stop while a person was to approve, before the prompt or after it (grouped by detail).
    assert failed.value.cause == Cause(OTHER, STOPPED_WHILE_ASKING), failed.value.cause
    assert failed.value.cause.name == OTHER and str(failed.value) == (
        "the run was stopped by SIGTERM before anyone was asked to approve the sign-in on +4179*****67 (transaction K7Q2XW8P); "
        "nobody was asked")


def test_the_prompt_says_which_journey_and_policy_ask_and_how_far_the_run_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run through two policies asks the person about six times: each prompt, on the terminal and to the webhook, says
    which journey asks, through which policy, and where that journey is in the run."""
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: None)
    said: list[str] = []
    posted: list[dict[str, Any]] = []
    journey = "e2e/test_sign_in.py::test_returning_user_signs_in_without_the_profile_page[b2c_1a_signup_signin-chromium]"
    Person(announce=said.append, post=posted.append, timeout=120.0, journey=journey, policy="B2C_1A_signup_signin",
           place="journey 2 of 4").approve("+41791234567", WaitingPage(lambda timeout: None))  # type: ignore[arg-type]
    assert said[0].endswith(f"approve before then (for {journey}, policy B2C_1A_signup_signin, journey 2 of 4)"), said[0]
    assert (posted[0]["journey"], posted[0]["policy"], posted[0]["place"]) == (journey, "B2C_1A_signup_signin", "journey 2 of 4")
    assert posted[0]["text"] == said[0]


def test_a_journeys_policy_and_place_are_read_from_the_run() -> None:
    from fixtures.mobile_id import journey_place, journey_policy

    class Item:
        def __init__(self, params: dict[str, str] | None) -> None:
            if params is not None:
                self.callspec = type("CallSpec", (), {"params": params})()

    first, second, unparametrized = Item({"policy": "B2C_1A_signup_signin", "browser_name": "chromium"}), Item({}), Item(None)
    assert [journey_policy(item) for item in (first, second, unparametrized)] == ["B2C_1A_signup_signin", "", ""]  # type: ignore[arg-type]
    assert journey_place(second, [first, second, unparametrized]) == "journey 2 of 3"  # type: ignore[arg-type,list-item]
    assert journey_place(second, []) == ""  # type: ignore[arg-type]


def test_a_failing_webhook_is_said_once_a_run_with_what_it_answered_and_never_its_url() -> None:
    """A chat's webhook answering 500, or not answering: the terminal says which (not "HTTPStatusError"), once a run for
    each way it fails (it was two lines a sign-in), and never the URL, whose path is the webhook's secret."""
    import httpx

    from fixtures.mobile_id import ApprovalWebhook

    answers: Iterator[httpx.Response | None] = iter([httpx.Response(500), httpx.Response(500), None, httpx.Response(204), httpx.Response(503)])

    def webhook(request: httpx.Request) -> httpx.Response:
        if (answer := next(answers)) is None:  # no answer within the time the run gives it
            raise httpx.ReadTimeout("slow", request=request)
        return answer

    said: list[str] = []
    url = "https://hooks.example.com/services/T0/B0/S3CR3T"
    with httpx.Client(transport=httpx.MockTransport(webhook)) as http:
        post = ApprovalWebhook(url, http, said.append)
        for _ in range(5):
            post({"text": "Mobile ID: approve"})
    assert [line.split(":")[1].strip() for line in said] == [
        "MOBILEID_APPROVAL_WEBHOOK answered HTTP 500", "MOBILEID_APPROVAL_WEBHOOK did not answer within 5 s (ReadTimeout)",
        "MOBILEID_APPROVAL_WEBHOOK answered HTTP 503"], said
    assert not any("S3CR3T" in line or "hooks.example.com" in line for line in said), said
    assert "S3CR3T" not in repr(Person(announce=said.append, post=post, timeout=1.0))  # a failed journey's traceback shows it
    assert said[0].endswith("this terminal has every prompt (a failure alike is said once a run). Check that its URL "
                            "(not shown: a secret) takes a JSON POST"), said[0]


def page_nobody_approves_on(monkeypatch: pytest.MonkeyPatch) -> tuple[list[float], list[float], Any]:
    """Mobile ID's waiting page that never moves on, on a clock that each look moves on by its length: the clock's
    reading (``now[0]``, a webhook may move it too), the looks' lengths in seconds, and the page."""
    now = [5000.0]
    looks: list[float] = []

    def wait(timeout_ms: float) -> None:  # the page did not move on within the look
        looks.append(timeout_ms / 1000)
        now[0] += timeout_ms / 1000
        raise JourneyFailure("still waiting", cause=Cause(PAGE_CHANGED, ""))

    class StillWaiting(WaitingPage):
        def on_mobile_id(self) -> bool:
            return True

    monkeypatch.setattr("fixtures.mobile_id.time", type("Clock", (), {"monotonic": lambda: now[0], "time": lambda: now[0]}))
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: None)
    monkeypatch.setattr(waiting, "network_failure", lambda page: None)
    return now, looks, StillWaiting(wait)


def test_a_long_timeout_is_counted_down_in_a_dozen_lines_while_the_page_is_looked_at_as_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """MOBILEID_APPROVAL_TIMEOUT=3600 (the most): the terminal and the log got "N s left" every 10 s, 360 lines for a
    person who does not answer. Now about a dozen; the waiting page is still looked at every 10 s (a stop is heard there)."""
    now, looks, page = page_nobody_approves_on(monkeypatch)
    said: list[str] = []
    with pytest.raises(JourneyFailure, match="nobody approved the sign-in on .* within 3600 s"):
        Person(announce=said.append, post=lambda message: None, timeout=3600.0).approve("+41791234567", page)
    counted = [line.split(": ")[1].split(" s left")[0] for line in said if " s left to approve" in line]
    assert counted == [str(left) for left in range(3300, 0, -300)], counted
    assert max(looks) == 10.0 and sum(looks) == 3600.0


def test_the_time_a_slow_webhook_takes_is_the_persons_time_as_the_prompt_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal says "within 20 s" and the phone is asked then; a webhook taking 5 s to take the prompt did not start
    the countdown late: the run waited 25 s from the prompt, each "N s left" saying 5 s more than there were."""
    now, looks, page = page_nobody_approves_on(monkeypatch)

    def slow_webhook(message: dict[str, Any]) -> None:
        now[0] += 5.0

    said: list[str] = []
    with pytest.raises(JourneyFailure, match="nobody approved the sign-in on .* within 20 s"):
        Person(announce=said.append, post=slow_webhook, timeout=20.0).approve("+41791234567", page)
    assert sum(looks) == 15.0, looks  # 20 s from the prompt, 5 of them spent on the webhook
    assert [line for line in said if " s left" in line][0].startswith("Mobile ID: 10 s left"), said


PROGRESS_THEN_A_PROMPT = '''
import pytest
from fixtures.mobile_id import announcer


def test_skips():
    pytest.skip("needs fresh numbers")


def test_asks(pytestconfig):
    announcer(pytestconfig)("Mobile ID: approve the sign-in on the phone +4179*****67 within 120 s")
'''


@pytest.mark.parametrize("verbosity", [None, "-v", "-vv"], ids=["-q", "default", "-v"])  # the helper runs pytest -q
def test_a_prompt_is_on_a_line_of_its_own_whatever_the_verbosity(tmp_path: Path, verbosity: str | None) -> None:
    """pytest e2e -m smoke -q: the progress letters ("s") ran into the prompt, "sMobile ID: approve ..."."""
    from tests.suite_run import pytest_with_plugins, tail

    (tmp_path / "test_prompt.py").write_text(PROGRESS_THEN_A_PROMPT)
    done = pytest_with_plugins(tmp_path, (), "test_prompt.py", "-p", "no:logging", *([verbosity] if verbosity else []), results=False)
    assert done.returncode == 0, tail(done.stdout + done.stderr)
    assert re.search(r"^Mobile ID: approve the sign-in on the phone", done.stdout, re.M), tail(done.stdout)
    assert "\n\nMobile ID: approve" not in done.stdout, tail(done.stdout)  # and no blank line before it


@pytest.mark.parametrize(("timeout", "told"), [(120.0, True), (80.0, False), (30.0, False)])
def test_a_person_given_longer_than_mobile_id_waits_is_told_to_approve_before_mobile_id_ends_it(
        monkeypatch: pytest.MonkeyPatch, timeout: float, told: bool) -> None:
    """The real mode's default of 120 s said "within 120 s" alone, and a person who took 90 s found the phone's request
    gone: Mobile ID ends a sign-in itself at 80 s (its SIM timeout), the journey then reading mid_auth_3300."""
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: None)
    said: list[str] = []
    Person(announce=said.append, post=lambda message: None, timeout=timeout).approve("+41791234567", WaitingPage(lambda ms: None))  # type: ignore[arg-type]
    sooner = "; Mobile ID may end the sign-in itself sooner, 80 s after it started (a SIM's timeout; the Mobile ID app's may be 40 s): approve before then"
    assert (sooner in said[0]) is told, said[0]
    assert said[0].startswith(f"Mobile ID: approve the sign-in on the phone +4179*****67 within {timeout:g} s. Transaction number K7Q2XW8P")


def test_busy_before_anyone_was_asked_says_a_sign_in_is_still_open_on_the_phone_and_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run after one that left a sign-in unanswered on the real phone (stopped while the person was asked, or a timeout
    under Mobile ID's 80 s): Mobile ID answers "busy" at once, and the journey failed with the bare code
    ("... which shows Mobile ID's mid_auth_3310"), saying neither what it means nor what to do."""
    busy = Cause(MOBILE_ID_OUTCOME, "mid_auth_3310 (at https://m.mobileid.ch/oidc/wait)")
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: ("https://m.mobileid.ch/oidc/wait, which shows Mobile ID's mid_auth_3310", busy))
    said: list[str] = []
    with pytest.raises(JourneyFailure) as failed:
        Person(announce=said.append, post=lambda prompt: None, timeout=30.0).approve("+41791234567", WaitingPage(lambda timeout: None))  # type: ignore[arg-type]
    words = str(failed.value)
    assert failed.value.cause is busy and said == [], words  # the cause as it was (the report groups by it), nobody asked
    assert "Mobile ID answered 'busy' (mid_auth_3310), the phone has another sign-in open" in words, words
    assert f"Decline it on the phone, or run again once Mobile ID has ended it ({MOBILE_ID_TRANSACTION_LIFETIME:g} s after it started)" in words
    assert "41791234567" not in words
    # another dead end is said as before, without it
    monkeypatch.setattr(waiting, "at_dead_end", lambda page: ("B2C's error page", Cause(OTHER, "AADB2C90273")))
    with pytest.raises(JourneyFailure) as other:
        Person(announce=said.append, post=lambda prompt: None, timeout=30.0).approve("+41791234567", WaitingPage(lambda timeout: None))  # type: ignore[arg-type]
    assert str(other.value).endswith("the browser shows B2C's error page"), str(other.value)
