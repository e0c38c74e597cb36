"""Each test number's outcome, the control-API numbers, timeouts and busy phones."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Literal

import pytest
from pydantic import SecretStr

from mocks.mobileid import TestUser
from mocks.mobileid.state import SESSION_LIFETIME
from tests.fake_clock import FakeClock

from .support import APPROVE, WAITING_NUMBER, User, answer_of, authorize_params

FAILING = {
    "+41000092401": ("access_denied", "mid_auth_3010", "rejected by the user"),
    "+41000092402": ("access_denied", "mid_auth_3080", "PIN is blocked"),
    "+41000092403": ("access_denied", "mid_auth_3900", "suspended"),
    "+41000092404": ("access_denied", "mid_auth_3060", "no key found"),
    "+41000092406": ("access_denied", "mid_auth_3310", "busy with another authentication"),
    "+41000092208": ("access_denied", "mid_auth_3300", "did not respond in time"),
    "+41000092422": ("access_denied", "mid_auth_3060", "no valid certificate"),
    "+41000092900": ("server_error", "mid_sys_9900", "System error"),
    "+41000092101": ("server_error", "mid_sys_9900", "MSS fault 101"),
}


def description_parts(description: str) -> tuple[str, str, str]:
    match = re.fullmatch(r"(mid_[a-z]+_\d{4})_([A-Z0-9]{8}) - (.+)", description)
    assert match, description
    return match.group(1), match.group(2), match.group(3)


@pytest.mark.parametrize("msisdn", ["+41700092501", "+41 70 009 25 02"])
def test_robot_numbers_approve_at_once(user: User, msisdn: str) -> None:
    params = authorize_params()
    answer = user.login(params, msisdn)
    assert answer.error is None
    assert answer.code and answer.params["state"] == params["state"]


@pytest.mark.parametrize("msisdn", sorted(FAILING))
def test_failing_numbers_end_at_the_redirect_uri_with_their_error(http, user: User, msisdn: str) -> None:
    params = authorize_params()
    answer = user.login(params, msisdn)
    error, code, message = FAILING[msisdn]
    got_code, trace, got_message = description_parts(answer.params["error_description"])
    assert (answer.error, got_code) == (error, code)
    assert message in got_message
    assert answer.params["state"] == params["state"]
    assert "code" not in answer.params
    # The trace in the description is the transaction number the waiting page showed.
    listed = http.get("/control/transactions", params={"msisdn": msisdn}).json()["transactions"]
    assert [t["trace"] for t in listed] == [trace]


@pytest.mark.parametrize(("msisdn", "status"), [("+41000092401", "declined"), ("+41000092406", "failed")])
def test_the_control_api_lists_a_user_cancel_as_declined_and_other_faults_as_failed(http, user: User, msisdn: str, status: str) -> None:
    """README, control API: status declined is the user's cancel (MSS 401), failed any other fault."""
    user.login(authorize_params(), msisdn)
    assert [t["status"] for t in http.get("/control/transactions").json()["transactions"]] == [status]


def test_a_configured_user_overrides_swisscoms_test_number(start_emulator) -> None:
    """README: configured test users override the test numbers' outcomes, a +41000092NNN number's fault included."""
    with start_emulator(users=[TestUser(msisdn="+41000092401", outcome="approve")]).client() as http:
        answer = User(http).login(authorize_params(), "+41000092401")
    assert answer.code and answer.error is None


def test_failure_descriptions_are_distinct_per_number(user: User) -> None:
    messages = {description_parts(user.login(authorize_params(), msisdn).params["error_description"])[2] for msisdn in FAILING}
    assert len(messages) == len(FAILING)


def test_other_numbers_wait_for_the_control_api(http, user: User) -> None:
    session = user.start_transaction("079 123 45 67")
    listed = http.get("/control/transactions", params={"msisdn": WAITING_NUMBER}).json()["transactions"]
    assert [(t["status"], t["client_id"]) for t in listed] == [("pending", "rp-post")]
    approved = http.post(f"/control/transactions/{listed[0]['id']}/approve")
    assert approved.json()["status"] == "approved"
    assert user.finish(session).code


def test_decline_through_the_control_api_is_user_cancel(http, user: User) -> None:
    session = user.start_transaction()
    declined = http.post(f"/control/phones/{WAITING_NUMBER}/decline")
    assert declined.json()["status"] == "declined"
    answer = user.finish(session)
    assert (answer.error, description_parts(answer.params["error_description"])[0]) == ("access_denied", "mid_auth_3010")


def test_second_transaction_for_a_busy_sim_is_refused_with_mid_auth_3310(http) -> None:
    first, second = User(http), User(http)
    first_session = first.start_transaction()
    second_session = second.start_transaction()
    busy = second.finish(second_session)
    assert description_parts(busy.params["error_description"])[0] == "mid_auth_3310"
    # The first one is still waiting for the phone.
    http.post(f"/control/phones/{WAITING_NUMBER}/approve")
    assert first.finish(first_session).code


def test_a_new_app_request_cancels_the_older_one(start_emulator) -> None:
    emulator = start_emulator(users=[TestUser(msisdn="+41795550001", outcome="wait", method="app")])
    with emulator.client() as http:
        first, second = User(http), User(http)
        first_session = first.start_transaction("+41795550001")
        second_session = second.start_transaction("+41795550001")
        cancelled = first.finish(first_session)
        assert description_parts(cancelled.params["error_description"])[0] == "mid_auth_3010"
        http.post("/control/phones/+41795550001/approve")
        assert second.finish(second_session).code


@pytest.mark.parametrize(("method", "acr", "refused"), [
    ("app", "mid_al3_simcard", "mid_auth_3080"),  # an App user asked for the SIM: no such method, the phone never asked
    ("sim", "mid_al3_mobileapp", "mid_auth_3080"),  # a SIM user asked for the App
])
def test_a_request_refused_before_it_reaches_the_phone_leaves_the_pending_sign_in_alone(start_emulator, method: Literal["sim", "app"], acr: str,
                                                                                        refused: str) -> None:
    """The App's cancel of an older request and the SIM's "busy" are the phone's answers to a request sent to it (reference
    mobileid.md: MSS 401, 406): one refused at once cancelled the App's pending sign-in, or was told "busy" (3310)."""
    emulator = start_emulator(users=[TestUser(msisdn="+41795550003", outcome="wait", method=method)])
    with emulator.client() as http:
        first, second = User(http), User(http)
        pending = first.start_transaction("+41795550003")
        answer = second.finish(second.start_transaction("+41795550003", authorize_params(acr_values=acr)))
        assert description_parts(answer.params["error_description"])[0] == refused
        http.post("/control/phones/+41795550003/approve")
        assert first.finish(pending).code


@pytest.mark.parametrize("page", ["/oidc/continue", "/oidc/wait", "/oidc/login"])
def test_a_login_whose_transaction_was_forgotten_ends_with_no_response_not_a_redirect_loop(start_emulator, page: str) -> None:
    """A transaction is kept its lifetime, or until a full store drops the oldest, its login session longer: the waiting
    page and the number page then sent the browser to each other for ever ("too many redirects"), the client never
    answered. Now the client gets mid_auth_3300, as for a phone that did not answer in time."""
    emulator = start_emulator()
    clock = FakeClock()
    emulator.app.state.mobileid.transactions._transactions.clock = clock  # the store's own clock: it alone ages
    with emulator.client() as http:
        session = User(http).start_transaction()  # the phone is asked; nobody answers
        clock.advance(emulator.app.state.mobileid.transactions.lifetime + 1)  # 80 + 600 s: the transaction is forgotten
        response = http.get(page, params={"session": session})
        for _ in range(3):  # the number page sends the browser on to the waiting page, which answers; a loop never would
            if response.status_code != 303 or not response.headers["location"].startswith(f"{emulator.url}/oidc/"):
                break
            response = http.get(response.headers["location"])
        answer = answer_of(response)
        assert (answer.error, description_parts(answer.params["error_description"])[0]) == ("access_denied", "mid_auth_3300")


def test_a_login_session_lasts_as_long_as_its_transaction_is_kept(start_emulator) -> None:
    """A transaction_timeout past the session's 30 minutes left the phone's answer with no session to reach the client."""
    emulator = start_emulator(transaction_timeout=3600)
    clock = FakeClock()
    emulator.app.state.mobileid.memory.sessions.clock = clock
    with emulator.client() as http:
        user = User(http)
        session = user.session_id(user.authorize(authorize_params()))
        clock.advance(SESSION_LIFETIME + 60)  # past the 30 minutes, well within the transaction's time
        assert 'id="mid-login"' in http.get("/oidc/login", params={"session": session}).text  # the number page, not the lost session's


@pytest.mark.parametrize(
    ("settings", "msisdn", "code", "settled_as"),
    [
        ({"transaction_timeout": 0.3}, WAITING_NUMBER, "mid_auth_3300", "expired"),
        ({"users": [TestUser(msisdn="+41795550002", outcome="pin_blocked", delay=0.3)]}, "+41795550002", "mid_auth_3080", "failed"),
    ],
    ids=["unanswered: the transaction times out", "configured user: answers after its delay"],
)
def test_an_answer_due_later_comes_when_it_is_due(start_emulator, settings: dict, msisdn: str, code: str, settled_as: str) -> None:
    with start_emulator(**settings).client() as http:
        user = User(http)
        started = time.monotonic()  # before the transaction: its due time counts from its start, not from this test's look
        session = user.start_transaction(msisdn)
        assert http.get("/control/transactions").json()["transactions"][0]["status"] == "pending"
        answer = user.finish(session)  # the long-poll returns when the time is up
        took = time.monotonic() - started
        # Not before it is due (0.3 s after the start), and long before a poll that ignored the due time would end (25 s by default).
        assert 0.25 <= took < 10, f"the answer due after 0.3 s came after {took:.1f} s"
        assert description_parts(answer.params["error_description"])[0] == code
        assert http.get("/control/transactions").json()["transactions"][0]["status"] == settled_as


@pytest.mark.parametrize(
    ("method", "lacking", "having"),
    [("app", "mid_al3_simcard", "mid_al3_mobileapp"), ("sim", "mid_al3_mobileapp", "mid_al3_simcard")],
    ids=["SIM-only ACR, App user", "App-only ACR, SIM user"],
)
def test_an_acr_for_the_method_the_user_lacks_has_no_method(start_emulator, method: Literal["sim", "app"], lacking: str, having: str) -> None:
    """README, more rules: an ACR naming the one method the user does not have is mid_auth_3080; its own method's ACR
    signs the same user in, so the refusal is the method's, not the user's."""
    from mocks.mobileid import ClientSettings

    from .support import REDIRECTS, RP_POST

    client = ClientSettings(client_id=RP_POST, client_secret=SecretStr("s"), redirect_uris=[REDIRECTS[RP_POST]])
    emulator = start_emulator(clients=[client], users=[TestUser(msisdn="+41795550003", method=method)])
    with emulator.client() as http:
        answer = User(http).login(authorize_params(acr_values=lacking), "+41795550003")
        assert description_parts(answer.params["error_description"])[0] == "mid_auth_3080"
        assert User(http).login(authorize_params(acr_values=having), "+41795550003").code


@pytest.mark.parametrize("method", ["sim", "app"])
def test_the_passkey_acr_has_no_method_as_passkeys_are_not_emulated(start_emulator, method: Literal["sim", "app"]) -> None:
    """README, more rules: mid_al4_passkey is mid_auth_3080 (the reference: passkeys disabled) for every user, even one
    whose phone approves at once and whose number the login_hint names, as AL4 needs; mid_al4_any signs that user in."""
    from mocks.mobileid import ClientSettings

    from .support import REDIRECTS, RP_POST

    client = ClientSettings(client_id=RP_POST, client_secret=SecretStr("s"), redirect_uris=[REDIRECTS[RP_POST]],
                            allowed_acrs=["mid_al3_any", "mid_al4_any", "mid_al4_passkey"])
    emulator = start_emulator(clients=[client], users=[TestUser(msisdn="+41795550004", method=method)])
    hint = json.dumps({"hints": [{"msisdn": "+41795550004"}]})
    with emulator.client() as http:
        user = User(http)
        answer = user.finish(user.session_id(user.authorize(authorize_params(acr_values="mid_al4_passkey", login_hint=hint))))
        assert answer.error == "access_denied"
        assert description_parts(answer.params["error_description"])[0] == "mid_auth_3080"
        assert user.finish(user.session_id(user.authorize(authorize_params(acr_values="mid_al4_any", login_hint=hint)))).code


def test_waiting_page_learns_the_answer_promptly(http, user: User) -> None:
    """The long-poll returns within milliseconds of the phone's answer, not at the next poll tick."""
    session = user.start_transaction()
    result: dict[str, float | dict] = {}

    def long_poll() -> None:
        result["status"] = user.wait_status(session)
        result["at"] = time.monotonic()

    poller = threading.Thread(target=long_poll)
    poller.start()
    approved = http.post(f"/control/phones/{WAITING_NUMBER}/approve", params={"wait": "5"})
    approved_at = time.monotonic()
    assert approved.status_code == 200
    poller.join(10)
    assert result["status"]["status"] == "done"  # type: ignore[index]
    assert float(result["at"]) - approved_at < 0.5  # type: ignore[arg-type]


def test_long_poll_answers_pending_when_its_hold_time_passes(start_emulator) -> None:
    emulator = start_emulator(long_poll_seconds=0.2)
    with emulator.client() as http:
        user = User(http)
        session = user.start_transaction()
        started = time.monotonic()
        assert user.wait_status(session) == {"status": "pending"}
        assert 0.15 <= time.monotonic() - started < 2.0


def test_a_head_request_asks_no_phone_and_hands_out_no_answer(http) -> None:
    """Starlette serves HEAD wherever GET is: a HEAD of the authorize URL with a login_hint asked the phone (a SIM then
    answered the real sign-in "busy"), and a HEAD of /oidc/continue would have used up the client's answer."""
    head = http.head("/oidc/authorize", params=authorize_params(login_hint=f"msisdn:{WAITING_NUMBER}"))
    assert (head.status_code, head.headers["allow"]) == (405, "GET, POST")
    assert http.get("/control/transactions").json()["transactions"] == []
    user = User(http)
    session = user.start_transaction(APPROVE)
    assert user.wait_status(session)["status"] == "done"
    assert http.head("/oidc/continue", params={"session": session}).status_code == 405
    assert answer_of(http.get("/oidc/continue", params={"session": session})).code
