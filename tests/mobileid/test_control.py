"""The control API: on/off, token, listing, approving by number with wait, reset."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from .support import RP_CONSENT, WAITING_NUMBER, User, answer_of, authorize_params, emulator_env, redeem


def start_waiting(http, msisdn: str = WAITING_NUMBER) -> str:
    user = User(http)
    session = user.start_transaction(msisdn)
    return session


def test_list_shows_the_contract_fields(http) -> None:
    start_waiting(http)
    [transaction] = http.get("/control/transactions").json()["transactions"]
    assert {"id", "trace", "msisdn", "client_id", "status", "created_at"} <= set(transaction)
    assert transaction["msisdn"] == WAITING_NUMBER and transaction["status"] == "pending"
    assert transaction["message"] == f"Do you want to login to rp-post? Transaction number {transaction['trace']}"
    assert http.get("/control/transactions", params={"msisdn": "+41790000000"}).json() == {"transactions": []}


def test_a_number_in_the_query_needs_its_plus_encoded_and_a_raw_one_is_said_to_be_a_space(http) -> None:
    start_waiting(http)
    raw = http.get(f"/control/transactions?msisdn={WAITING_NUMBER}")  # "+4179..." as typed after "?msisdn=" in curl
    assert raw.status_code == 400 and raw.json() == {"error": "invalid_msisdn",
                                                     "error_description": "a '+' in a query string reads as a space: send it as %2B"}
    encoded = http.get(f"/control/transactions?msisdn={WAITING_NUMBER.replace('+', '%2B')}").json()["transactions"]
    assert [t["msisdn"] for t in encoded] == [WAITING_NUMBER]
    assert http.get("/control/transactions?msisdn=not-a-number").json() == {"error": "invalid_msisdn",
                                                                          "error_description": "'not-a-number' is not a phone number (ASCII "
                                                                                               "digits 0-9, '+', spaces, '.', '-', '/', '(0)' only)"}


def test_a_number_the_login_page_would_not_take_is_refused_saying_why(http) -> None:
    """A path's number in a form the page refuses was a bare ``invalid_msisdn``: which rule it broke went unsaid."""
    refused = http.post("/control/phones/(079) 111 22 33/approve", params={"wait": "0"})
    assert refused.status_code == 400 and refused.json() == {
        "error": "invalid_msisdn", "error_description": "'(079) 111 22 33' is not a phone number (a bracket only as '(0)' after the country code)"}


def test_approve_by_number_waits_for_the_transaction_to_appear(http) -> None:
    answers: dict[str, httpx.Response] = {}
    approver = threading.Thread(target=lambda: answers.setdefault("r", http.post(f"/control/phones/{WAITING_NUMBER}/approve", params={"wait": "10"})))
    approver.start()
    session = start_waiting(http)
    approver.join(15)
    assert answers["r"].status_code == 200 and answers["r"].json()["status"] == "approved"
    assert User(http).finish(session).code


def test_nothing_to_approve_is_404(http) -> None:
    response = http.post(f"/control/phones/{WAITING_NUMBER}/approve", params={"wait": "0.1"})
    # A curl by hand (README, The local stack by hand) read {"error": "not_found"} alone after its wait: not what to do.
    assert response.status_code == 404 and response.json() == {"error": "not_found", "error_description": (
        f"no transaction of {WAITING_NUMBER} waited for its phone within 0.1 s: enter the number on Mobile ID's login page, "
        "then ask again (or ask first, with ?wait=S up to 120)")}
    assert http.post("/control/transactions/nope/approve").status_code == 404


@pytest.mark.parametrize("wait", ["-1", "abc", "nan", "1000"])
def test_bad_wait_is_400(http, wait: str) -> None:
    assert http.post(f"/control/phones/{WAITING_NUMBER}/approve", params={"wait": wait}).status_code == 400


def test_number_in_national_form_is_understood(http) -> None:
    start_waiting(http)
    assert http.post("/control/phones/0791234567/decline").json()["status"] == "declined"


@pytest.mark.parametrize("form", ["079 123 45 67", "+41 79 123 45 67", "0041 79 123 45 67", "+41 (0)79 123-45-67"])
def test_a_number_in_any_form_the_login_page_takes_reaches_its_phone(http, form: str) -> None:
    """docs/contracts.md: {msisdn} may be in any form the login page accepts, but one with '/', which a path cannot carry."""
    start_waiting(http)
    answered = http.post(f"/control/phones/{quote(form, safe='')}/decline")
    assert answered.status_code == 200 and answered.json()["msisdn"] == WAITING_NUMBER, answered.text
    assert http.post(f"/control/phones/{quote('079/123 45 67', safe='')}/decline").json()["error"] == "not_found"


def test_answering_twice_is_409(http) -> None:
    start_waiting(http)
    [transaction] = http.get("/control/transactions").json()["transactions"]
    assert http.post(f"/control/transactions/{transaction['id']}/approve").status_code == 200
    again = http.post(f"/control/transactions/{transaction['id']}/decline")
    assert again.status_code == 409 and again.json()["error"] == "not_pending"  # README; fixtures/mobile_id.py reads it
    assert again.json()["transaction"]["status"] == "approved"


def consent_page_of_a_sign_in(http) -> httpx.Response:
    """Where a sign-in at the client that asks consent once goes after the phone approved: the consent page or the client."""
    user = User(http)
    return http.get(user.wait_status(user.start_transaction("+41700092502", authorize_params(RP_CONSENT)))["next"])


def test_reset_forgets_transactions_sessions_codes_tokens_and_consents(http) -> None:
    """README, control API: a reset leaves nothing of the sign-ins before it usable, so one test's token, code or consent
    cannot pass in the next: a redeemed access token is refused at userinfo, a code nobody redeemed is unknown, a user
    who consented is asked again."""
    session = start_waiting(http)
    consent = consent_page_of_a_sign_in(http)
    consenting = parse_qs(urlsplit(consent.headers["location"]).query)["session"][0]
    assert answer_of(http.post("/oidc/consent", data={"session": consenting, "decision": "accept"})).code
    assert "/oidc/consent?" not in consent_page_of_a_sign_in(http).headers["location"]  # given once, not asked again
    token = redeem(http, User(http).login(authorize_params()).code or "").json()["access_token"]
    unused = User(http).login(authorize_params()).code or ""
    bearer = {"Authorization": f"Bearer {token}"}
    assert http.get("/userinfo", headers=bearer).status_code == 200
    assert http.post("/control/reset").json() == {"reset": True}
    assert http.get("/control/transactions").json() == {"transactions": []}
    assert http.get("/oidc/wait/status", params={"session": session}).status_code == 404
    refused = http.get("/userinfo", headers=bearer)
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["www-authenticate"]
    forgotten = redeem(http, unused)
    assert forgotten.status_code == 400 and forgotten.json()["error"] == "invalid_grant", forgotten.text
    assert "/oidc/consent?" in consent_page_of_a_sign_in(http).headers["location"]


# The README's test-number table: the code each outcome's phone ends a sign-in with.
ROBOT_ENDS = {"user_cancel": "mid_auth_3010", "pin_blocked": "mid_auth_3080", "card_blocked": "mid_auth_3900",
              "no_key": "mid_auth_3060", "busy": "mid_auth_3310", "expired": "mid_auth_3300", "no_cert": "mid_auth_3060",
              "system_error": "mid_sys_9900"}


def test_robots_names_the_number_of_each_outcome_and_each_ends_that_way(http) -> None:
    """README, control API: {outcome: number}, the numbers whose phone always ends one way; a suite run against a
    deployed emulator takes them as they are, so each one's sign-in must end as its outcome says."""
    robots = http.get("/control/robots").json()["robots"]
    assert set(robots) == set(ROBOT_ENDS)
    for outcome, number in robots.items():
        answer = User(http).login(authorize_params(), number)
        assert "code" not in answer.params and answer.params["error_description"].startswith(ROBOT_ENDS[outcome] + "_"), (outcome, answer)
        # Settled as the README's status list says: the user's cancel declined, every other MSS fault (208's too) failed
        [transaction] = http.get("/control/transactions", params={"msisdn": number}).json()["transactions"]
        assert transaction["status"] == ("declined" if outcome == "user_cancel" else "failed"), (outcome, transaction)


def test_control_api_is_off_unless_enabled(start_emulator) -> None:
    with start_emulator(control_enabled=None).client() as http:
        assert http.get("/control/transactions").status_code == 404
        off = http.post("/control/reset").json()
        assert off["error"] == "control_off" and "MOBILEID_CONTROL_TOKEN" in off["error_description"]


def test_a_control_api_switched_off_says_so_even_with_a_token(start_emulator) -> None:
    with start_emulator(control_enabled=False, control_token="s3cret-token").client() as http:
        off = http.post("/control/reset", headers={"Authorization": "Bearer s3cret-token"}).json()
        assert off["error"] == "control_off" and "MOBILEID_CONTROL_ENABLED is false" in off["error_description"]


def test_any_call_of_a_control_api_switched_off_or_without_its_token_is_refused_whatever_its_method(start_emulator) -> None:
    """README: off, every call answers 404 control_off; with a token, every call without it 401. A route called with
    another method (a GET of /control/reset) answered 405 instead, before anything said the API was off or took a token."""
    with start_emulator(control_enabled=None).client() as http:
        off = http.get("/control/reset")
        assert off.status_code == 404 and off.json()["error"] == "control_off", off.text
    with start_emulator(control_enabled=None, control_token="s3cret-token").client() as http:
        assert http.delete("/control/transactions").status_code == 401
        wrong_method = http.get("/control/reset", headers={"Authorization": "Bearer s3cret-token"})
        assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST", wrong_method.text  # let in: then its method


def test_the_local_stacks_control_api_off_says_the_stacks_reason() -> None:
    """Off on a --host that is not loopback, the stack's control API said "MOBILEID_CONTROL_ENABLED is false", a variable
    the stack does not read."""
    from starlette.testclient import TestClient

    from mocks.mobileid.app import create_app
    from mocks.stack import StackConfig, stack_settings

    mobileid, _, _ = stack_settings(StackConfig(host="0.0.0.0", port=0))
    with TestClient(create_app(mobileid), client=("127.0.0.1", 5000)) as http:
        off = http.get("/control/robots").json()
    assert off["error"] == "control_off" and off["error_description"].startswith(
        "this emulator's control API is off: --host 0.0.0.0 is not loopback and MOBILEID_CONTROL_TOKEN is not set"), off


def test_control_token_is_required_when_configured(start_emulator) -> None:
    with start_emulator(control_enabled=None, control_token="s3cret-token").client() as http:
        assert http.get("/control/transactions").status_code == 401
        assert http.get("/control/robots").status_code == 401
        assert http.get("/control/transactions", headers={"Authorization": "Bearer wrong"}).status_code == 401
        listed = http.get("/control/transactions", headers={"Authorization": "Bearer s3cret-token"})
        assert listed.status_code == 200 and listed.json() == {"transactions": []}


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer s3cret", "Bearer s3cret-token-and-more", "Basic s3cret-token", "s3cret-token"])
def test_the_control_token_must_be_sent_whole_as_a_bearer_token(start_emulator, authorization: str) -> None:
    with start_emulator(control_enabled=None, control_token="s3cret-token").client() as http:
        refused = http.post("/control/reset", headers={"Authorization": authorization})
        assert refused.status_code == 401 and refused.json() == {"error": "unauthorized"}, authorization
        assert http.post("/control/reset", headers={"Authorization": "bearer s3cret-token"}).status_code == 200  # the scheme's case is free


def test_without_a_token_only_loopback_clients_are_answered(emulator) -> None:
    import httpx

    from tests.event_loop import run

    async def status(client: tuple[str, int]) -> int:
        transport = httpx.ASGITransport(app=emulator.app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url=emulator.url) as http:
            return (await http.get("/control/transactions")).status_code

    assert run(status(("127.0.0.1", 5000))) == 200
    assert run(status(("192.0.2.44", 5000))) == 403


def test_the_command_line_refuses_an_open_control_api_on_a_non_loopback_host() -> None:
    import subprocess
    import sys
    from pathlib import Path

    env = emulator_env(MOBILEID_CLIENT_ID="c", MOBILEID_CLIENT_SECRET="s", MOBILEID_REDIRECT_URIS="https://rp.example/cb",
                       MOBILEID_CONTROL_ENABLED="true")
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: even a regression cannot listen beyond loopback.
    result = subprocess.run([sys.executable, "-m", "mocks.mobileid", "--host", "192.0.2.1", "--port", "0"], env=env,
                            cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "refusing to enable the control API on --host 192.0.2.1 without a token" in result.stderr


@pytest.mark.parametrize("wait", ["1_0", " 5", "5 ", "1e1", "inf", "nan", "-1", "+5", "0x5", "\uff15", "5.", ".5", "121", "1000", "1.2345"])
def test_wait_is_plain_decimal_seconds(http, wait: str) -> None:
    response = http.post(f"/control/phones/{WAITING_NUMBER}/approve", params={"wait": wait})
    assert response.status_code == 400 and response.json()["error"] == "invalid_wait", wait


@pytest.mark.parametrize("wait", ["0", "0.2", "0.25", "0.125"])
def test_plain_decimal_waits_are_accepted(http, wait: str) -> None:
    assert http.post(f"/control/phones/{WAITING_NUMBER}/approve", params={"wait": wait}).status_code == 404  # nothing pending
