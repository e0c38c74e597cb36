"""Single endpoints on their own: a handler class of the emulator, one route, no server.

What the app-level tests cannot easily reach: a client that is not on loopback, and client
authentication cases that never get as far as a code.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from mocks.mobileid import ClientSettings, MobileIDSettings
from mocks.mobileid.api import BackChannelEndpoints
from mocks.mobileid.control import ControlApi
from mocks.mobileid.runtime import Emulator
from mocks.mobileid.transactions import Status
from tests.event_loop import run

from .support import WAITING_NUMBER, _shared_key

SPACED = ClientSettings(client_id="rp spaced", client_secret=SecretStr("a b+c"), redirect_uris=["https://rp.example/cb"], token_endpoint_auth_method="client_secret_basic")


def emulator(**overrides: Any) -> Emulator:
    values: dict[str, Any] = {"issuer": "https://openid.example", "clients": [SPACED], **overrides}
    return Emulator.create(MobileIDSettings(**values), _shared_key())


def token_endpoint() -> TestClient:
    return TestClient(Starlette(routes=[Route("/token", BackChannelEndpoints(emulator()).token, methods=["POST"])]))


def basic(raw: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}


REMOTE = "203.0.113.7"  # TEST-NET-3: not loopback
FORM = {"grant_type": "authorization_code", "code": "no-such-code", "redirect_uri": "https://rp.example/cb"}


def test_basic_credentials_are_form_urlencoded_at_the_token_endpoint() -> None:
    with token_endpoint() as http:
        # "rp+spaced:a+b%2Bc" is client "rp spaced" with secret "a b+c": authenticated, so the code is what fails.
        passed = http.post("/token", data=FORM, headers=basic("rp+spaced:a+b%2Bc"))
        assert (passed.status_code, passed.json()["error"]) == (400, "invalid_grant")
        refused = http.post("/token", data=FORM, headers=basic("rp spaced:a+b+c"))  # the literal secret, unencoded
        assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")


@pytest.mark.parametrize("header", ["Basic !!!", "Basic Zm9v"], ids=["not base64", "no colon"])
def test_a_malformed_basic_header_beside_a_body_secret_is_two_methods(header: str) -> None:
    with token_endpoint() as http:
        response = http.post("/token", data={**FORM, "client_secret": "x"}, headers={"Authorization": header})
        assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
        alone = http.post("/token", data=FORM, headers={"Authorization": header})
        assert (alone.status_code, alone.json()["error"]) == (401, "invalid_client")


def request_from(host: str, path: str, headers: dict[str, str] | None = None, **path_params: str) -> Request:
    raw_headers = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    scope = {"type": "http", "method": "POST", "path": path, "headers": raw_headers, "query_string": b"",
             "client": (host, 40000), "path_params": path_params}
    return Request(scope)


def test_with_a_token_a_remote_caller_may_approve_and_without_one_may_not() -> None:
    with_token = emulator(control_token="s3cret-token")
    transaction = with_token.transactions.start(msisdn=WAITING_NUMBER, client_id=SPACED.client_id, trace="t-1", message="m", acr="mid_al3_any")
    approve = ControlApi(with_token).approve_transaction
    path = f"/control/transactions/{transaction.id}/approve"
    assert run(approve(request_from(REMOTE, path, transaction_id=transaction.id))).status_code == 401
    approved = run(approve(request_from(REMOTE, path, {"Authorization": "Bearer s3cret-token"}, transaction_id=transaction.id)))
    assert approved.status_code == 200 and transaction.status is Status.APPROVED

    # No token configured: a remote caller is refused whatever it sends, and told what to set.
    open_api = emulator(control_enabled=True)
    reset = run(ControlApi(open_api).reset(request_from(REMOTE, "/control/reset", {"Authorization": "Bearer s3cret-token"})))
    assert reset.status_code == 403 and b"MOBILEID_CONTROL_TOKEN" in reset.body
