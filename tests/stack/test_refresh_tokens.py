"""B2C refresh tokens: redeemable again until they expire, each redemption giving a new one (README, Decisions).

Codes stay single use. The grant is issued straight from the tenant's token
service (no sign-in needed) and redeemed over HTTPS at the token endpoint.
"""

from __future__ import annotations

import httpx

from mocks.b2c.sessions import RelyingPartyRequest
from mocks.b2c.settings import WEBAPP1_CLIENT_ID, WEBAPP1_REDIRECT_URI
from mocks.b2c.tokens import Authentication
from mocks.common import net
from mocks.stack import StackInfo

TOKEN = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signupsignin/oauth2/v2.0/token"


def issue_code(stack: StackInfo) -> str:
    tenant = stack.apps["b2c"].state.tenant
    app = stack.b2c_settings.app(WEBAPP1_CLIENT_ID)
    assert app is not None, "the stack registers webapp1"
    request = RelyingPartyRequest(client=app, redirect_uri=WEBAPP1_REDIRECT_URI, response_types=frozenset({"code"}),
                                   response_mode="query", scopes=("openid", "offline_access"), nonce="n-1")
    user = tenant.directory.create_social("mobileid.ch", "refresh-test-user", {"displayName": "Refresh Test"})
    return tenant.tokens.issue_code(stack.b2c_settings.policy("B2C_1_signupsignin"), request, Authentication(user, 1_700_000_000))


def redeem(stack: StackInfo, **form: str) -> httpx.Response:
    with net.client(stack.host_map, verify=str(stack.ca_path)) as client:
        return client.post(TOKEN, data={"client_id": WEBAPP1_CLIENT_ID, "client_secret": stack.webapp_secret, **form})


def test_a_refresh_token_can_be_redeemed_twice_and_a_code_once(local_stack: StackInfo) -> None:
    code = issue_code(local_stack)
    first = redeem(local_stack, grant_type="authorization_code", code=code, redirect_uri=WEBAPP1_REDIRECT_URI)
    assert first.status_code == 200, first.text
    replay = redeem(local_stack, grant_type="authorization_code", code=code, redirect_uri=WEBAPP1_REDIRECT_URI)
    assert replay.status_code == 400 and replay.json()["error_description"].startswith("AADB2C90129: ")
    refresh_token = first.json()["refresh_token"]
    again = [redeem(local_stack, grant_type="refresh_token", refresh_token=refresh_token) for _ in range(2)]
    assert [r.status_code for r in again] == [200, 200], [r.text for r in again]
    assert all(r.json()["id_token"] and r.json()["refresh_token"] not in (refresh_token, "") for r in again)
    assert again[0].json()["refresh_token"] != again[1].json()["refresh_token"]


def test_an_expired_refresh_token_is_aadb2c90080(local_stack: StackInfo) -> None:
    first = redeem(local_stack, grant_type="authorization_code", code=issue_code(local_stack), redirect_uri=WEBAPP1_REDIRECT_URI)
    refresh_token = first.json()["refresh_token"]
    local_stack.apps["b2c"].state.tenant.tokens._grants[refresh_token].expires_at = 0  # age it instead of waiting 14 days
    expired = redeem(local_stack, grant_type="refresh_token", refresh_token=refresh_token)
    assert expired.status_code == 400 and expired.json()["error_description"].startswith("AADB2C90080: ")
