"""The optional consent page: asked once per user and client (or at every sign-in), refusal is mid_auth_3020."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest
from pydantic import SecretStr

from mocks.mobileid import ClientSettings
from tests.html_page import read_page

from .support import REDIRECTS, RP_CONSENT, SECRETS, WAITING_NUMBER, User, answer_of, authorize_params


def reach_consent(user: User, msisdn: str = "+41700092502", params: dict[str, str] | None = None) -> tuple[str, str]:
    """A sign-in the phone approved, sent to Mobile ID's consent page: its session and the consent page's URL."""
    session = user.start_transaction(msisdn, params or authorize_params(RP_CONSENT))
    status = user.wait_status(session)
    consent = user.http.get(status["next"])
    assert consent.status_code == 303 and "/oidc/consent?" in consent.headers["location"]
    return session, consent.headers["location"]


def test_consent_page_shows_the_data_and_accepting_returns_a_code(http, user: User) -> None:
    session, location = reach_consent(user)
    page = http.get(location)
    reader = read_page(page.text)
    assert {"mid-consent", "consent-accept", "consent-decline"} <= set(reader.ids)
    assert "your phone number" in page.text
    answer = answer_of(http.post("/oidc/consent", data={"session": session, "decision": "accept"}))
    assert answer.code and not answer.error


@pytest.mark.parametrize(("scope", "shown"), [
    ("openid profile", ["your phone number"]),  # profile releases the number as phone does
    ("openid phone", ["your phone number"]),
    ("openid mid_profile", ["your Mobile ID profile (serial number, status)"]),
])
def test_the_consent_page_lists_what_the_scopes_release(http, user: User, scope: str, shown: list[str]) -> None:
    _, location = reach_consent(user, params=authorize_params(RP_CONSENT, scope=scope))
    items = re.findall(r"<li>(.*?)</li>", http.get(location).text)
    assert items == shown, items


def test_a_client_that_always_asks_consent_asks_at_every_sign_in(start_emulator) -> None:
    """consent = always (MOBILEID_CLIENT_CONSENT, mocks/mobileid/README.md): the consent page comes again at the next
    sign-in, though the number consented a moment before."""
    always = ClientSettings(client_id=RP_CONSENT, client_secret=SecretStr(SECRETS[RP_CONSENT]), redirect_uris=[REDIRECTS[RP_CONSENT]],
                            consent="always")
    with start_emulator(clients=[always]).client() as http:
        session, _ = reach_consent(User(http))
        assert answer_of(http.post("/oidc/consent", data={"session": session, "decision": "accept"})).code
        reach_consent(User(http))  # asked again


@pytest.mark.parametrize("data", [{}, {"decision": ""}, {"decision": "yes"}, {"decision": ["accept", "decline"]}],
                         ids=["no decision", "empty", "unknown", "both"])
def test_a_consent_post_without_an_accept_gives_no_code(http, user: User, data: dict) -> None:
    """The client learns the number only with consent (mobileid.md section 3): a post that is neither accept nor decline
    gives no code and records no consent; the consent page comes again, and accepting there still works."""
    session, location = reach_consent(user)
    response = http.post("/oidc/consent", data={"session": session, **data})
    assert response.status_code == 303 and response.headers["location"] == location, response.headers.get("location")
    reach_consent(User(http))  # nothing recorded: the next sign-in of the number is asked too
    assert answer_of(http.post("/oidc/consent", data={"session": session, "decision": "accept"})).code


def test_consent_is_asked_once_per_number(http, user: User) -> None:
    session, _ = reach_consent(user)
    http.post("/oidc/consent", data={"session": session, "decision": "accept"})
    again = User(http)
    assert again.login(authorize_params(RP_CONSENT), "+41700092502").code
    reach_consent(User(http), "+41700092501")  # another number is asked again


def test_refusing_consent_is_mid_auth_3020(http, user: User) -> None:
    session, _ = reach_consent(user)
    answer = answer_of(http.post("/oidc/consent", data={"session": session, "decision": "decline"}))
    assert answer.error == "access_denied"
    assert answer.params["error_description"].startswith("mid_auth_3020_")


def test_the_control_api_makes_a_numbers_next_sign_in_ask_consent_once(http, user: User) -> None:
    """POST /control/phones/{msisdn}/consent: a user who has consented to nothing yet, whatever the client's setting
    (the journeys' client asks none): the next sign-in shows the consent page, and once given it is not asked again."""
    number = "+41700092501"
    assert User(http).login(authorize_params(), number).code  # RP_POST asks no consent
    answered = http.post(f"/control/phones/{quote(number, safe='')}/consent")
    assert answered.status_code == 200 and answered.json() == {"msisdn": number, "asks_consent": True}
    session, _ = reach_consent(user, number, authorize_params())
    assert answer_of(http.post("/oidc/consent", data={"session": session, "decision": "accept"})).code
    assert User(http).login(authorize_params(), number).code  # asked once: the next sign-in goes straight on
    # A number that had consented before is asked again once told it has not (a returning user made a first-timer).
    assert http.post(f"/control/phones/{quote(number, safe='')}/consent").status_code == 200
    reach_consent(User(http), number, authorize_params())
    assert http.post("/control/phones/not-a-number/consent").status_code == 400


def test_a_sign_in_the_phone_declined_cannot_be_consented_into_a_code(http, user: User) -> None:
    """The consent page is for an approved sign-in only: posting accept after the phone declined gives the decline."""
    session = user.start_transaction(WAITING_NUMBER, authorize_params(RP_CONSENT))
    assert http.post(f"/control/phones/{WAITING_NUMBER}/decline").status_code == 200
    response = http.post("/oidc/consent", data={"session": session, "decision": "accept"})
    assert response.status_code == 303 and "/oidc/continue?" in response.headers["location"], response.headers.get("location")
    answer = answer_of(http.get(response.headers["location"]))
    assert answer.error == "access_denied" and "code" not in answer.params


def test_no_page_of_a_sign_in_sets_a_cookie(http, user: User) -> None:
    """README, decision 7: no cookies at all; the login session travels in the URL and the forms. Every page of a
    sign-in that asks consent, each one fetched as a browser fetches it, answers without a Set-Cookie."""
    answers: list[httpx.Response] = []
    http.event_hooks["response"].append(answers.append)
    login_page = user.authorize(authorize_params(RP_CONSENT)).headers["location"]
    session = user.session_id(answers[-1])
    assert http.get(login_page).status_code == 200
    waiting_page = user.enter_number(session, "+41700092502").headers["location"]
    assert http.get(waiting_page).status_code == 200
    consent_page = http.get(user.wait_status(session)["next"]).headers["location"]
    assert http.get(consent_page).status_code == 200
    assert answer_of(http.post("/oidc/consent", data={"session": session, "decision": "accept"})).code
    assert len(answers) == 8 and not [r.url.path for r in answers if "set-cookie" in r.headers], [r.url.path for r in answers]
    assert not http.cookies
