"""/oidc/authorize: which errors stay on Mobile ID's page, which go back to the client, and how."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from pydantic import SecretStr

from tests.html_page import read_page

from .support import APPROVE, REDIRECTS, RP_CONSENT, RP_POST, WAITING_NUMBER, User, answer_of, authorize_params

DESCRIPTION = re.compile(r"^(mid_[a-z]+_\d{4})_([A-Z0-9]{8}) - (.+)$")


def error_page(response) -> tuple[str, str]:
    assert response.status_code == 400, response.text
    page = read_page(response.text)
    assert "mid-error" in page.ids
    code = page.ids.get("mid-error") and re.search(r'data-error="([a-z_]+)"', response.text)
    description = re.search(r"<code[^>]*>([^<]+)</code>", response.text)
    assert code and description
    return code.group(1), description.group(1)


def rejected(response) -> tuple[str, str, dict[str, str]]:
    answer = answer_of(response)
    match = DESCRIPTION.match(answer.params["error_description"])
    assert match, answer.params
    return answer.params["error"], match.group(1), answer.params


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"client_id": "nobody"}, "unknown client_id"),
        ({"client_id": None}, "client_id: parameter is missing"),
        ({"redirect_uri": "https://evil.example/cb"}, "redirect_uri is not registered"),
        ({"redirect_uri": REDIRECTS[RP_POST] + "/"}, "redirect_uri is not registered"),
        ({"redirect_uri": None}, "redirect_uri: parameter is missing"),
        ({"client_id": "c" * 201}, "client_id: parameter is longer than 200 characters"),  # the parameters' own limits (README)
        ({"redirect_uri": "https://rp.example/" + "r" * 1982}, "redirect_uri: parameter is longer than 2000 characters"),
    ],
)
def test_untrusted_client_or_redirect_uri_is_shown_on_the_error_page(user: User, change, expected) -> None:
    error, description = error_page(user.authorize(authorize_params(**change)))
    assert error == "invalid_request"
    assert description.startswith("mid_req_1900_")
    assert expected in description


def test_repeated_client_id_is_shown_on_the_error_page(http) -> None:
    query = "&".join(f"{k}={v}" for k, v in authorize_params().items()) + "&client_id=rp-post"
    error, description = error_page(http.get("/oidc/authorize?" + query.replace(" ", "+")))
    assert (error, "repeated" in description) == ("invalid_request", True)


def test_missing_query_string_is_mid_req_1130(http) -> None:
    error, description = error_page(http.get("/oidc/authorize"))
    assert error == "invalid_request" and description.startswith("mid_req_1130_")


@pytest.mark.parametrize(
    ("change", "error", "code"),
    [
        ({"response_type": "token"}, "unsupported_response_type", "mid_req_1900"),
        ({"response_type": None}, "invalid_request", "mid_req_1900"),
        ({"response_type": "code id_token"}, "unsupported_response_type", "mid_req_1900"),  # code only (reference, section 1)
        ({"scope": "openid email"}, "invalid_scope", "mid_req_1110"),
        ({"scope": "openid auth_basic"}, "invalid_scope", "mid_req_1110"),  # an old example's (README, decision 14)
        ({"scope": "profile phone"}, "invalid_scope", "mid_req_1110"),
        # Scopes the reference documents and the emulator does not serve: not allowed for the client (README, decision 13).
        ({"scope": "openid offline_access"}, "unauthorized_client", "mid_sec_2010"),
        ({"scope": "openid mid_location"}, "unauthorized_client", "mid_sec_2010"),
        ({"scope": "openid mid_cms"}, "unauthorized_client", "mid_sec_2010"),
        ({"scope": "openid mid_esign_basic"}, "unauthorized_client", "mid_sec_2010"),
        ({"scope": "openid mid_passkey"}, "unauthorized_client", "mid_sec_2010"),
        ({"nonce": None}, "invalid_request", "mid_req_1900"),
        ({"acr_values": "mid_al3_any mid_al2_any"}, "invalid_request", "mid_req_1010"),
        ({"acr_values": "mid_al3_any,mid_al2_any"}, "invalid_request", "mid_req_1010"),  # several, written with a comma
        ({"acr_values": "mid_al9"}, "invalid_request", "mid_req_1020"),
        ({"acr_values": "mid_al4_any"}, "unauthorized_client", "mid_sec_2020"),
        ({"ui_locales": "de fr"}, "invalid_request", "mid_req_1030"),
        ({"ui_locales": "en,de"}, "invalid_request", "mid_req_1030"),
        ({"ui_locales": "es"}, "invalid_request", "mid_req_1040"),
        ({"ui_locales": "en_US"}, "invalid_request", "mid_req_1040"),  # no language tag (README, decision 2: one tag)
        ({"ui_locales": "fr-"}, "invalid_request", "mid_req_1040"),
        ({"prompt": "consent"}, "invalid_request", "mid_req_1900"),
        # Parameters a client may not use (the reference: display, max_age, id_token_hint, claims; README, decision 12: and
        # the request objects and dynamic registration it does not support).
        ({"display": "page"}, "unauthorized_client", "mid_sec_2030"),
        ({"max_age": "0"}, "unauthorized_client", "mid_sec_2030"),
        ({"id_token_hint": "eyJhbGciOiJub25lIn0.e30."}, "unauthorized_client", "mid_sec_2030"),
        ({"claims": "{}"}, "unauthorized_client", "mid_sec_2030"),
        ({"request": "eyJhbGciOiJub25lIn0.e30."}, "unauthorized_client", "mid_sec_2030"),
        ({"request_uri": "urn:ietf:params:oauth:request_uri:abc"}, "unauthorized_client", "mid_sec_2030"),
        ({"registration": "{}"}, "unauthorized_client", "mid_sec_2030"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request", "mid_req_1900"),
        ({"code_challenge": "x" * 43}, "invalid_request", "mid_req_1900"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request", "mid_req_1900"),
        ({"code_challenge_method": "S256"}, "invalid_request", "mid_req_1900"),
        ({"response_mode": "fragment"}, "invalid_request", "mid_req_1900"),
        ({"dtbd": "x" * 240}, "invalid_request", "mid_auth_4000"),
        ({"dtbd": "\u00ea" * 120}, "invalid_request", "mid_auth_4000"),  # outside GSM 03.38: 119 at most (reference, section 3)
        ({"dtbd": "x" * 119 + "\u00e7"}, "invalid_request", "mid_auth_4000"),  # one such character is enough (ç; Ç is GSM)
        ({"dtbd": "x" * 1001}, "invalid_request", "mid_req_1900"),  # past the parameter's own limit (README)
        ({"nonce": "n" * 5000}, "invalid_request", "mid_req_1900"),
        ({"nonce": "n" * 2001}, "invalid_request", "mid_req_1900"),
        ({"ui_locales": "x" * 201}, "invalid_request", "mid_req_1900"),
        ({"login_hint": "not json"}, "invalid_request", "mid_req_1100"),
        ({"login_hint": "[1]"}, "invalid_request", "mid_req_1100"),
        ({"login_hint": "[" * 2000}, "invalid_request", "mid_req_1100"),  # nested past the JSON parser's depth
        ({"login_hint": '{"hints": []}'}, "invalid_request", "mid_req_1050"),
        ({"login_hint": '{"hints": [{"default": true}]}'}, "invalid_request", "mid_req_1050"),  # hints, but none names a number
        # A passkey hint (keyringId) is not emulated: with no number beside it, no hint names one (README, Not emulated).
        ({"login_hint": '{"hints": [{"keyringId": "kr-1"}]}'}, "invalid_request", "mid_req_1050"),
        ({"login_hint": '{"enableManualInput": "false", "hints": [{"msisdn": "+41791234567"}]}'}, "invalid_request", "mid_req_1100"),
        ({"login_hint": '{"hints": [{"msisdn": "12ab"}]}'}, "invalid_request", "mid_req_1070"),
        ({"login_hint": '{"hints": [{"msisdn": "+41791234567"}, {"msisdn": "079 123 45 67"}]}'}, "invalid_request", "mid_req_1080"),
        ({"login_hint": '{"sn": "nope", "hints": [{"msisdn": "+41791234567"}]}'}, "invalid_request", "mid_req_1090"),
        # The document's sn is checked even when every hint has its own.
        ({"login_hint": '{"sn": "nope", "hints": [{"msisdn": "+41791234567", "sn": "MIDCHE0000000000"}]}'}, "invalid_request", "mid_req_1090"),
        ({"login_hint": '{"useLDAP": true, "userName": "x"}'}, "unauthorized_client", "mid_sec_2030"),
    ],
)
def test_invalid_requests_go_back_to_the_client_with_state_and_iss(emulator, user: User, change, error, code) -> None:
    params = authorize_params(**change)
    answer = answer_of(user.authorize(params))
    got_error, got_code, fields = rejected(user.authorize(params))
    assert (got_error, got_code) == (error, code)
    assert answer.redirect_uri == REDIRECTS[RP_POST]
    assert fields["state"] == params["state"]
    assert fields["iss"] == emulator.url
    assert "code" not in fields


def test_scope_the_client_may_not_use_is_unauthorized_client(start_emulator) -> None:
    from mocks.mobileid import ClientSettings

    limited = ClientSettings(client_id=RP_POST, client_secret=SecretStr("s"), redirect_uris=[REDIRECTS[RP_POST]], allowed_scopes=["openid", "profile"])
    with start_emulator(clients=[limited]).client() as http:
        error, code, _ = rejected(User(http).authorize(authorize_params(scope="openid phone")))
    assert (error, code) == ("unauthorized_client", "mid_sec_2010")


@pytest.mark.parametrize("state", [None, "s" * 2001], ids=["missing", "past its 2000 characters"])
def test_a_missing_or_oversized_state_is_reported_without_state(user: User, state: str | None) -> None:
    error, code, fields = rejected(user.authorize(authorize_params(state=state)))
    assert (error, code) == ("invalid_request", "mid_req_1900")
    assert "state" not in fields


def test_a_state_of_2000_characters_comes_back_whole(user: User) -> None:
    _, _, fields = rejected(user.authorize(authorize_params(state="s" * 2000, nonce=None)))
    assert fields["state"] == "s" * 2000


def test_repeated_parameter_after_the_client_is_trusted_goes_back_to_it(http) -> None:
    params = authorize_params()
    query = "&".join(f"{k}={v}" for k, v in params.items()).replace(" ", "+") + "&nonce=again"
    error, code, fields = rejected(http.get("/oidc/authorize?" + query))
    assert (error, code) == ("invalid_request", "mid_req_1900")
    assert "nonce: parameter is repeated" in fields["error_description"]


def test_errors_use_form_post_when_asked(user: User) -> None:
    response = user.authorize(authorize_params(response_mode="form_post", scope="openid nonsense"))
    answer = answer_of(response)
    assert answer.mode == "form_post"
    assert answer.redirect_uri == REDIRECTS[RP_POST]
    assert answer.params["error"] == "invalid_scope"
    assert "script-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("state", ["s" * 2001, ["one", "two"]], ids=["past its 2000 characters", "repeated"])
def test_an_error_about_the_state_goes_back_by_the_response_mode_asked_for(user: User, state: str | list[str]) -> None:
    """README, decision 4: errors go back by the request's response mode; the state was read first, and its error went as a
    query redirect whatever the mode."""
    answer = answer_of(user.authorize({**authorize_params(response_mode="form_post"), "state": state}))  # type: ignore[dict-item]
    assert (answer.mode, answer.params["error"]) == ("form_post", "invalid_request") and "state" not in answer.params


@pytest.mark.parametrize("name", ["display", "max_age", "claims", "id_token_hint", "request", "request_uri", "registration"])
def test_a_parameter_a_client_may_not_use_sent_empty_counts_as_not_sent(user: User, name: str) -> None:
    """README, decision 12, as prompt= and ui_locales= are: an empty one was refused with mid_sec_2030."""
    assert user.login({**authorize_params(), name: ""}).code


def test_comma_separated_scopes_as_b2c_sends_them_are_accepted(user: User) -> None:
    answer = user.login(authorize_params(scope="openid, profile, phone, mid_profile"))
    assert answer.code and not answer.error


def test_post_to_authorize_with_form_post_as_b2c_does(user: User) -> None:
    response = user.authorize(authorize_params(response_mode="form_post"), method="POST")
    session = user.session_id(response)
    user.enter_number(session, APPROVE)
    answer = user.finish(session)
    assert answer.mode == "form_post" and answer.code


def form_post_session(user: User, rp: str = RP_POST) -> tuple[str, dict[str, str]]:
    """A login session of a client asking for form_post (as B2C does), its phone answered: (session, request)."""
    params = authorize_params(rp, response_mode="form_post")
    return user.start_transaction(APPROVE, params, method="POST"), params


def test_the_waiting_page_is_handed_the_form_post_answer_and_the_same_one_again(http, user: User) -> None:
    session, params = form_post_session(user)
    status = user.wait_status(session)
    assert status["status"] == "done" and status["post"]["action"] == REDIRECTS[RP_POST]
    fields = dict(status["post"]["fields"])
    assert set(fields) == {"code", "state", "iss"} and fields["state"] == params["state"]
    # The page asks again (its retry after a lost answer, a reload): the same answer, not a second code.
    assert user.wait_status(session) == status
    reloaded = http.get("/oidc/wait", params={"session": session})
    assert reloaded.status_code == 200 and "mid-waiting" in read_page(reloaded.text).ids
    assert http.get("/oidc/continue", params={"session": session}).status_code == 400  # the answer page is not served twice


def test_two_polls_waiting_at_once_get_one_code(emulator, http, user: User) -> None:
    """Two tabs of one waiting page (or a reload while the old page's poll still waits): one answer for both."""
    session = user.start_transaction(WAITING_NUMBER, authorize_params(response_mode="form_post"))
    before = emulator.requests_in_flight(timeout=0, at_least=0)  # the shared emulator may still answer others
    with ThreadPoolExecutor(max_workers=2) as pool:
        polls = [pool.submit(user.wait_status, session) for _ in range(2)]
        waiting = emulator.requests_in_flight(timeout=10, at_least=2, besides=before)
        assert len(waiting) == 2, f"the server saw {len(waiting)} polls waiting for the phone within 10 s, not 2"
        assert http.post(f"/control/phones/{WAITING_NUMBER}/approve", params={"wait": "5"}).status_code == 200
        answers = [poll.result(timeout=10) for poll in polls]
    assert http.get("/control/transactions").json()["transactions"][0]["status"] == "approved"
    assert answers[0]["status"] == "done" and answers[0] == answers[1]
    assert dict(answers[0]["post"]["fields"])["code"]


def test_a_browser_without_javascript_gets_the_answer_page_from_continue(http, user: User) -> None:
    session, _ = form_post_session(user)
    answer = answer_of(http.get("/oidc/continue", params={"session": session}))  # the waiting page's <noscript> link
    assert answer.mode == "form_post" and answer.code and answer.redirect_uri == REDIRECTS[RP_POST]


def test_continue_before_the_phone_answered_goes_back_to_the_waiting_page(http, user: User) -> None:
    """The waiting page's <noscript> link followed too early: no answer (no error either) until the phone answered."""
    session = user.start_transaction()
    early = http.get("/oidc/continue", params={"session": session})
    assert early.status_code == 303 and "/oidc/wait?" in early.headers["location"]
    assert http.post(f"/control/phones/{WAITING_NUMBER}/approve").status_code == 200
    assert user.finish(session).code


def test_no_second_number_while_the_phone_is_asked(http, user: User) -> None:
    """A login session asks one phone: the number page, posted again meanwhile, goes back to the waiting page."""
    session = user.start_transaction()
    again = user.enter_number(session, APPROVE)
    assert again.status_code == 303 and "/oidc/wait?" in again.headers["location"]
    assert [t["msisdn"] for t in http.get("/control/transactions").json()["transactions"]] == [WAITING_NUMBER]


def test_a_consent_page_still_comes_before_a_form_post_answer(user: User) -> None:
    session, _ = form_post_session(user, RP_CONSENT)
    status = user.wait_status(session)
    assert "post" not in status and "/oidc/continue?" in status["next"]
    assert "/oidc/consent?" in user.http.get(status["next"]).headers["location"]
    answer = answer_of(user.http.post("/oidc/consent", data={"session": session, "decision": "accept"}))
    assert answer.code
    # Back to the waiting page after the consent page answered: the session is over, no second post of the code.
    assert user.http.get("/oidc/wait", params={"session": session}).status_code == 400
    assert user.http.get("/oidc/wait/status", params={"session": session}).status_code == 404


@pytest.mark.parametrize(("ui_locales", "lang", "heading"), [("en-US", "en", "Log in"), ("de", "de", "Mit Mobile ID"), ("fr-CH", "fr", "Se connecter"), ("it", "it", "Accedi")])
def test_ui_locales_pick_the_page_language(http, user: User, ui_locales, lang, heading) -> None:
    response = user.authorize(authorize_params(ui_locales=ui_locales))
    page = http.get(response.headers["location"])
    assert f'<html lang="{lang}">' in page.text
    assert re.search(rf"<h1>{heading}", page.text)


def test_every_page_has_the_contracts_language_one_h1_and_its_own_ids(http, user: User) -> None:
    """docs/contracts.md, Mobile ID login pages: every page has <html lang> and one <h1>; the number page its intro
    p#mid-intro naming the client, the error page #mid-error[role=alert]. Read in the served HTML, as no script builds them."""
    params = authorize_params(RP_CONSENT, ui_locales="fr")
    number = http.get(user.authorize(params).headers["location"])
    session = user.start_transaction("+41700092502", params)
    waiting = http.get("/oidc/wait", params={"session": session})
    consent = http.get(http.get(user.wait_status(session)["next"]).headers["location"])
    # A request Mobile ID cannot send back: its page takes the browser's language (the request's own is not trusted).
    error = http.get("/oidc/authorize", params=authorize_params(client_id="nobody"), headers={"Accept-Language": "fr-CH"})
    pages = {"number": number, "waiting": waiting, "consent": consent, "error": error}
    ids = {"number": "mid-login", "waiting": "mid-waiting", "consent": "mid-consent", "error": "mid-error"}
    for name, response in pages.items():
        page = read_page(response.text)
        assert ids[name] in page.ids, (name, response.status_code, response.text[:300])  # the page it should be
        assert [html.get("lang") for html in page.tagged("html")] == ["fr"], name
        assert len(page.tagged("h1")) == 1, name
    intro = read_page(number.text).ids.get("mid-intro")
    said = re.search(r'<p id="mid-intro">([^<]*)</p>', number.text)
    assert intro and intro["tag"] == "p" and said and RP_CONSENT in said.group(1), "the number page's intro p#mid-intro names the client"
    assert read_page(error.text).ids["mid-error"].get("role") == "alert"


def test_without_ui_locales_the_browser_language_decides(http, user: User) -> None:
    response = http.get("/oidc/authorize", params=authorize_params(), headers={"Accept-Language": "it-CH, de;q=0.8"})
    page = http.get(response.headers["location"])
    assert '<html lang="it">' in page.text


def test_login_hint_with_one_number_starts_the_transaction_at_once(http, user: User) -> None:
    hint = json.dumps({"hints": [{"msisdn": "+41 79 555 00 11", "default": True}]})
    response = user.authorize(authorize_params(login_hint=hint))
    assert "/oidc/wait?" in response.headers["location"]
    listed = http.get("/control/transactions", params={"msisdn": "+41795550011"}).json()["transactions"]
    assert [t["status"] for t in listed] == ["pending"]


def test_login_hint_with_manual_input_prefills_the_number(http, user: User) -> None:
    hint = json.dumps({"enableManualInput": True, "hints": [{"msisdn": "+41791110000"}, {"msisdn": "+41792220000", "default": True}]})
    response = user.authorize(authorize_params(login_hint=hint))
    assert "/oidc/login?" in response.headers["location"]
    page = read_page(http.get(response.headers["location"]).text)
    assert page.ids["msisdn"]["value"] == "+41792220000"
    assert page.ids["msisdn"]["type"] == "tel"


def test_several_hints_without_manual_input_only_accept_an_offered_number(http, user: User) -> None:
    hint = json.dumps({"hints": [{"msisdn": "+41700092501"}, {"msisdn": "+41700092502"}]})
    session = user.session_id(user.authorize(authorize_params(login_hint=hint)))
    refused = user.enter_number(session, "+41791234567")
    assert refused.status_code == 200 and "msisdn-error" in read_page(refused.text).ids
    assert user.enter_number(session, "+41 70 009 25 02").status_code == 303


def test_al4_needs_a_login_hint_without_manual_input(start_emulator) -> None:
    from mocks.mobileid import ClientSettings

    al4 = ClientSettings(client_id=RP_POST, client_secret=SecretStr("s"), redirect_uris=[REDIRECTS[RP_POST]], allowed_acrs=["mid_al3_any", "mid_al4_any"])
    with start_emulator(clients=[al4]).client() as http:
        user = User(http)
        assert rejected(user.authorize(authorize_params(acr_values="mid_al4_any")))[1] == "mid_req_1120"
        manual = json.dumps({"enableManualInput": True, "hints": [{"msisdn": APPROVE}]})
        assert rejected(user.authorize(authorize_params(acr_values="mid_al4_any", login_hint=manual)))[1] == "mid_req_1060"


def test_prompt_login_is_accepted(user: User) -> None:
    assert user.login(authorize_params(prompt="login")).code


def test_oversized_body_is_refused_before_reading(http) -> None:
    response = http.post("/oidc/authorize", content=b"a=" + b"x" * 70_000, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert response.json()["error"] == "invalid_request"


def test_wrong_method_is_405_json(http) -> None:
    response = http.put("/oidc/authorize")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.json()["error"] == "invalid_request"


def test_unknown_or_reused_login_session_shows_the_error_page(http, user: User) -> None:
    error, description = error_page(http.get("/oidc/login", params={"session": "nope"}))
    assert description.startswith("mid_req_1900_")
    params = authorize_params()
    session = user.session_id(user.authorize(params))
    user.enter_number(session, APPROVE)
    assert user.finish(session).code
    error_page(http.get("/oidc/continue", params={"session": session}))


def test_authorization_base_url_hosts_the_authorize_endpoint_and_the_pages(start_emulator) -> None:
    """m.mobileid.ch serves the pages, openid.mobileid.ch the rest: discovery and every page link say which is which."""
    pages = "https://m.mobileid.example"
    emulator = start_emulator(authorization_base_url=pages)
    with emulator.client() as http:
        discovery = http.get("/.well-known/openid-configuration").json()
        assert discovery["authorization_endpoint"] == f"{pages}/oidc/authorize"
        assert (discovery["issuer"], discovery["token_endpoint"]) == (emulator.url, f"{emulator.url}/token")
        user = User(http)
        to_login = user.authorize(authorize_params())
        assert to_login.headers["location"].startswith(f"{pages}/oidc/login?session=")
        login_page = http.get("/oidc/login", params={"session": user.session_id(to_login)})
        assert read_page(login_page.text).action == f"{pages}/oidc/login"


def test_client_name_is_shown_on_the_login_page_and_in_the_phone_message(start_emulator) -> None:
    """The user sees which application asks, on the page and on the phone, by the name Swisscom onboarded, not its id."""
    from mocks.mobileid import ClientSettings

    named = ClientSettings(client_id=RP_POST, client_secret=SecretStr("s"), redirect_uris=[REDIRECTS[RP_POST]], client_name="Contoso Shop")
    with start_emulator(clients=[named]).client() as http:
        user = User(http)
        session = user.session_id(user.authorize(authorize_params()))
        assert "Contoso Shop" in http.get("/oidc/login", params={"session": session}).text
        user.enter_number(session, WAITING_NUMBER)
        [transaction] = http.get("/control/transactions").json()["transactions"]
        assert transaction["message"].startswith("Do you want to login to Contoso Shop?"), transaction


@pytest.mark.parametrize(
    ("ui_locales", "message"),
    [
        ("en", "Do you want to login to rp-post? Transaction number {trace}"),
        ("de", "Möchten Sie sich bei rp-post anmelden? Transaktion Nummer {trace}"),
        ("fr", "Voulez-vous vous connecter à rp-post ? Transaction numéro {trace}"),
        ("it", "Vuoi accedere a rp-post? Transazione numero {trace}"),
    ],
)
def test_the_phone_shows_the_references_default_message_in_the_sign_ins_language(http, user: User, ui_locales: str, message: str) -> None:
    """Reference mobileid.md, section 3, default message (DTBD): #CLIENT# and #SESSION# (the transaction number) filled in."""
    user.start_transaction(params=authorize_params(ui_locales=ui_locales))
    [transaction] = http.get("/control/transactions").json()["transactions"]
    assert transaction["message"] == message.format(trace=transaction["trace"])


def test_a_dtbd_must_start_with_the_clients_dtbd_prefix(start_emulator) -> None:
    """A client onboarded with a prefix may only have texts shown on the phone that start with it (mid_auth_4000)."""
    from mocks.mobileid import ClientSettings

    prefixed = ClientSettings(client_id=RP_POST, client_secret=SecretStr("s"), redirect_uris=[REDIRECTS[RP_POST]], dtbd_prefix="Contoso: ")
    with start_emulator(clients=[prefixed]).client() as http:
        user = User(http)
        assert rejected(user.authorize(authorize_params(dtbd="Pay 10 CHF?")))[:2] == ("invalid_request", "mid_auth_4000")
        user.start_transaction(params=authorize_params(dtbd="Contoso: Pay 10 CHF?"))
        [transaction] = http.get("/control/transactions").json()["transactions"]
        assert transaction["message"] == "Contoso: Pay 10 CHF?"


@pytest.mark.parametrize("dtbd", ["\u00e9\u20ac[x" * 59 + "xxx", "\u00ea" * 119], ids=["239 GSM 03.38 characters", "119 others"])
def test_a_dtbd_within_its_limit_reaches_the_phone(emulator, user: User, http, dtbd: str) -> None:
    """Reference mobileid.md section 3: at most 239 characters, or 119 if any is outside GSM 03.38 (é and € are in it)."""
    user.start_transaction(params=authorize_params(dtbd=dtbd))
    [transaction] = http.get("/control/transactions").json()["transactions"]
    assert transaction["message"] == dtbd


def test_discovery_lists_exactly_what_is_implemented(http) -> None:
    """README, Decision 1 (the live document is not known): response modes query and form_post, PKCE S256, both client
    authentication methods, pairwise subjects, RS256, the iss parameter in answers, the four scopes, every documented ACR
    (reference mobileid.md's table) and prompt login only: a client built against it asks for nothing the emulator refuses."""
    discovery = http.get("/.well-known/openid-configuration").json()
    assert discovery["response_types_supported"] == ["code"] and discovery["response_modes_supported"] == ["query", "form_post"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert sorted(discovery["token_endpoint_auth_methods_supported"]) == ["client_secret_basic", "client_secret_post"]
    assert discovery["subject_types_supported"] == ["pairwise"] and discovery["id_token_signing_alg_values_supported"] == ["RS256"]
    assert discovery["authorization_response_iss_parameter_supported"] is True
    assert discovery["scopes_supported"] == ["openid", "profile", "phone", "mid_profile"]
    assert sorted(discovery["acr_values_supported"]) == sorted([
        "mid_al2_any", "mid_al3_any", "mid_al3_any_ch", "mid_al3_simcard", "mid_al3_mobileapp",
        "mid_al4_any", "mid_al4_any_ch", "mid_al4_simcard", "mid_al4_mobileapp", "mid_al4_passkey"])
    assert discovery["prompt_values_supported"] == ["login"]
