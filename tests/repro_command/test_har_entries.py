"""How the HAR reader takes a HAR's entries as recorders write them: form fields as postData.params, times with different UTC
offsets or none, and Mobile ID's error without words."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from repro.har import describe, hops, read_har
from repro.report import what_happened
from tests.local_stack import LOCAL_STACK

AUTHORIZE = ("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize"
             "?client_id=app&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fsignin-oidc&response_mode=form_post")
AUTHRESP = "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/oauth2/authresp"
MOBILE_ID_LOGIN = "https://m.mobileid.ch/oidc/login"
APP = "https://app.fabrikam.com/signin-oidc"
CORRELATION = "22222222-2222-2222-2222-222222222222"
PATHS = ["/fabrikam.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize", "/oidc/login", "/fabrikam.onmicrosoft.com/oauth2/authresp"]


def entry(url: str, started: Any = "2026-11-28T10:00:00.000Z", *, method: str = "GET", post: dict[str, Any] | None = None) -> dict[str, Any]:
    """One HAR entry; ``started`` None leaves its startedDateTime out."""
    request: dict[str, Any] = {"method": method, "url": url, "headers": []}
    if post is not None:
        request["postData"] = post
    recorded = {"request": request, "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html></html>"}}}
    return recorded if started is None else {"startedDateTime": started, **recorded}


def har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"log": {"entries": list(entries)}}


# A recorder may give a URL-encoded form's fields as params alone, or beside an empty text (HAR 1.2, postData).
AS_PARAMS = [pytest.param(lambda fields: {"mimeType": "application/x-www-form-urlencoded", "params": fields}, id="params alone"),
             pytest.param(lambda fields: {"mimeType": "application/x-www-form-urlencoded", "text": "", "params": fields}, id="empty text")]


def fields(**values: str) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in values.items()]


@pytest.mark.parametrize("posted", AS_PARAMS)
def test_the_number_and_mobile_ids_error_are_read_from_a_forms_params(posted: Any) -> None:
    cancelled = fields(error="access_denied", error_description="mid_auth_3010_9YBML7FA - The user cancelled the authentication", state="s")
    found = read_har(har(entry(AUTHORIZE),
                         entry(MOBILE_ID_LOGIN, "2026-11-28T10:00:02.000Z", method="POST", post=posted(fields(msisdn="+41791234567"))),
                         entry(AUTHRESP, "2026-11-28T10:00:20.000Z", method="POST", post=posted(cancelled))))
    assert found.msisdn == "+41791234567"
    assert (found.mid_code, found.mid_trace, found.mid_message) == ("mid_auth_3010", "9YBML7FA", "The user cancelled the authentication")
    assert found.outcome == "decline"


@pytest.mark.parametrize(("msisdn", "outcome"), [("+41791234567", "timeout"), ("+41000092208", "expired"), ("", "expired")],
                         ids=["a person's number", "the expiring test number", "no number"])
def test_an_expired_transaction_is_replayed_as_the_phone_that_gave_it(msisdn: str, outcome: str) -> None:
    """mid_auth_3300 "(transaction expired)" is given by the expiring test number (MSS 208) and by a person's silent phone:
    the number tells which to replay, as it tells a person's decline from the cancelling test number."""
    expired = fields(error="access_denied", error_description="mid_auth_3300_9YBML7FA - The user did not respond in time "
                                                              "(transaction expired)", state="s")
    login = [entry(MOBILE_ID_LOGIN, "2026-11-28T10:00:02.000Z", method="POST", post={"params": fields(msisdn=msisdn)})] if msisdn else []
    found = read_har(har(entry(AUTHORIZE), *login, entry(AUTHRESP, "2026-11-28T10:01:30.000Z", method="POST", post={"params": expired})),
                     robots={"expired": "+41000092208"})
    assert (found.mid_code, found.outcome) == ("mid_auth_3300", outcome)


def test_params_written_url_encoded_are_read_decoded() -> None:
    """Chrome (and IE, which writes params alone) gives a form's params as in the body, URL-encoded; Firefox and HAR 1.2
    decoded. A value with a %-escape is read as encoded, its + a space; one without keeps its + (a number as written)."""
    encoded = fields(error="access_denied", error_description="mid_auth_3010_9YBML7FA+-+The+user+cancelled%2C+at+once", state="s")
    found = read_har(har(entry(AUTHORIZE),
                         entry(MOBILE_ID_LOGIN, "2026-11-28T10:00:02.000Z", method="POST", post={"params": fields(msisdn="%2B41791234567")}),
                         entry(AUTHRESP, "2026-11-28T10:00:20.000Z", method="POST", post={"params": encoded})))
    assert (found.msisdn, found.mid_code, found.mid_message) == ("+41791234567", "mid_auth_3010", "The user cancelled, at once")
    assert read_har(har(entry(AUTHORIZE), entry(MOBILE_ID_LOGIN, "2026-11-28T10:00:02.000Z", method="POST",
                                                post={"params": fields(msisdn="+41791234567")}))).msisdn == "+41791234567"


def jwt(claims: dict[str, Any]) -> str:
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"e30.{part}.c2ln"


@pytest.mark.parametrize("posted", AS_PARAMS)
def test_b2cs_form_post_to_the_app_is_read_from_its_params(posted: Any) -> None:
    refused = fields(state="s", error="access_denied", error_description=f"AADB2C90273: An invalid response was received\nCorrelation ID: {CORRELATION}")
    found = read_har(har(entry(AUTHORIZE), entry(APP, "2026-11-28T10:00:20.000Z", method="POST", post=posted(refused))))
    assert (found.error, found.aadb2c_codes, found.correlation_id) == ("access_denied", ["AADB2C90273"], CORRELATION)

    signed_up = fields(state="s", id_token=jwt({"sub": "1", "newUser": True}))
    found = read_har(har(entry(AUTHORIZE), entry(APP, "2026-11-28T10:00:20.000Z", method="POST", post=posted(signed_up))))
    assert found.id_token_claims == {"sub": "1", "newUser": True} and found.journey == "sign-up"


def test_entries_are_ordered_by_their_instant_not_their_text() -> None:
    """The authorize request written with Central European time's offset, Mobile ID's form post in UTC five seconds later:
    as text the post sorts first, before any sign-in began, and its number was lost."""
    found = read_har(har(entry(AUTHORIZE, "2026-11-28T10:00:00.000+01:00"),
                         entry(MOBILE_ID_LOGIN, "2026-11-28T09:00:05.000Z", method="POST", post={"text": "msisdn=%2B41791234567"})))
    assert found.msisdn == "+41791234567"


def test_hops_across_a_daylight_saving_change_are_in_the_order_they_happened() -> None:
    """Summer time ends at 03:00 (+02:00), the clock reads 02:00 (+01:00) again: 02:10+01:00 came after 02:50+02:00."""
    recorded = har(entry(AUTHORIZE, "2026-10-25T02:50:00.000+02:00"), entry(MOBILE_ID_LOGIN, "2026-10-25T02:10:00.000+01:00", method="POST"),
                   entry(AUTHRESP, "2026-10-25T01:20:00.000Z", method="POST"))
    assert [row["path"] for row in hops(recorded)] == PATHS


@pytest.mark.parametrize("started", [None, "", "yesterday", 5], ids=["missing", "empty", "no time", "a number"])
def test_an_entry_without_a_time_keeps_its_place_in_the_har(started: Any) -> None:
    """Its place in the HAR is all that orders it: after the authorize request recorded before it, not ahead of every entry."""
    recorded = har(entry(AUTHORIZE, "2026-11-28T10:00:00.000Z"),
                   entry(MOBILE_ID_LOGIN, started, method="POST", post={"text": "msisdn=%2B41791234567"}),
                   entry(AUTHRESP, "2026-11-28T10:00:20.000Z", method="POST",
                         post={"text": "error=access_denied&error_description=mid_auth_3010_9YBML7FA&state=s"}))
    assert [row["path"] for row in hops(recorded)] == PATHS
    assert (read_har(recorded).msisdn, read_har(recorded).mid_code) == ("+41791234567", "mid_auth_3010")


@pytest.mark.parametrize("description", ["mid_auth_3010_9YBML7FA", "mid_auth_3010_9YBML7FA - ", "mid_auth_3010_9YBML7FA -"])
def test_mobile_ids_error_without_words_is_said_without_a_colon(description: str) -> None:
    found = read_har(har(entry(AUTHORIZE), entry(AUTHRESP, "2026-11-28T10:00:20.000Z", method="POST",
                                                 post={"text": f"error=access_denied&error_description={description}&state=s"})))
    assert "Mobile ID error   mid_auth_3010 (trace 9YBML7FA)" in describe(found, LOCAL_STACK)


@pytest.mark.parametrize("description", [None, ""])
def test_mobile_ids_error_without_a_code_is_said_as_its_oauth_error(description: str | None) -> None:
    """Mobile ID refused B2C with access_denied alone: said so, not "none" as if it had sent no error."""
    form = "error=access_denied&state=s" + ("" if description is None else f"&error_description={description}")
    found = read_har(har(entry(AUTHORIZE), entry(AUTHRESP, "2026-11-28T10:00:20.000Z", method="POST", post={"text": form})))
    assert "Mobile ID error   access_denied (no mid_* code, nor words)" in describe(found, LOCAL_STACK)


def test_mobile_ids_error_with_words_but_no_code_keeps_its_words() -> None:
    """access_denied with words of Mobile ID's own and no mid_* code: its words are said, not "nor words"."""
    form = "error=access_denied&error_description=The+user+cancelled&state=s"
    found = read_har(har(entry(AUTHORIZE), entry(AUTHRESP, "2026-11-28T10:00:20.000Z", method="POST", post={"text": form})))
    assert "Mobile ID error   access_denied: The user cancelled (no mid_* code)" in describe(found, LOCAL_STACK)


@pytest.mark.parametrize("description", [None, "", " "])
def test_b2cs_error_to_the_app_without_a_description_is_said_without_a_colon(description: str | None) -> None:
    redirect = {"error": "access_denied"} | ({} if description is None else {"error_description": description})
    said = what_happened({"result": "failed", "redirect": redirect}).splitlines()
    assert "B2C sent the app access_denied without an error_description" in said


@pytest.mark.parametrize(("attempt", "said"), [(4, "--attempt 4: this HAR holds 1 sign-in attempt (1 to 1)"),
                                              (41791234567, "--attempt 41791****67: this HAR holds 1 sign-in attempt")],
                         ids=["a count", "a phone number"])
def test_an_attempt_the_har_does_not_hold_is_refused_masking_a_number_given_as_it(attempt: int, said: str) -> None:
    """README: no refusal of an argument repeats a phone number it quotes; --attempt's, an int, quoted one whole."""
    with pytest.raises(ValueError, match=r"^--attempt ") as refused:
        read_har(har(entry(AUTHORIZE)), attempt=attempt)
    assert str(refused.value).startswith(said) and "1234567" not in str(refused.value), refused.value
