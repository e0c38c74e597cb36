"""B2C's logout reads id_token_hint (issue 12, item 7): AADB2C90208 expired, AADB2C90210 anything else wrong."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import httpx
import pytest

from mocks.b2c.settings import TESTAPP1_CLIENT_ID, WEBAPP1_CLIENT_ID
from mocks.common import net
from mocks.common.keys import SigningKey
from mocks.stack import StackInfo

USER_FLOW = "B2C_1_signupsignin"
CUSTOM_POLICY = "B2C_1A_signup_signin"
LOGOUT = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/{policy}/oauth2/v2.0/logout"


def hint(stack: StackInfo, policy: str = USER_FLOW, *, key: SigningKey | None = None, **changes) -> str:
    tenant = stack.apps["b2c"].state.tenant
    claims = {"iss": stack.b2c_settings.issuer, "aud": TESTAPP1_CLIENT_ID, "sub": "a-user", "exp": int(time.time()) + 600,
              "iat": int(time.time()), **changes}
    return (key or tenant.keys.for_policy(stack.b2c_settings.policy(policy))).sign(claims)


def logout(stack: StackInfo, policy: str = USER_FLOW, **params: str) -> httpx.Response:
    query = urlencode({"post_logout_redirect_uri": "https://jwt.ms", **params})
    with net.client(stack.host_map, verify=str(stack.ca_path)) as client:
        return client.get(f"{LOGOUT.format(policy=policy)}?{query}")


def test_a_valid_hint_logs_out_as_without_one(local_stack: StackInfo) -> None:
    for policy in (USER_FLOW, CUSTOM_POLICY):
        response = logout(local_stack, policy, id_token_hint=hint(local_stack, policy), client_id=TESTAPP1_CLIENT_ID)
        assert response.status_code == 302 and response.headers["location"] == "https://jwt.ms"


def test_an_expired_hint_is_aadb2c90208(local_stack: StackInfo) -> None:
    response = logout(local_stack, id_token_hint=hint(local_stack, exp=int(time.time()) - 60))
    assert response.status_code != 302 and "AADB2C90208" in response.text


@pytest.mark.parametrize("case", ["garbage", "foreign-key", "other-policy-key", "other-issuer", "unknown-audience", "other-client", "no-exp"])
def test_a_bad_hint_is_aadb2c90210(local_stack: StackInfo, case: str) -> None:
    params: dict[str, str] = {}
    if case == "garbage":
        params["id_token_hint"] = "not.a.token"
    elif case == "foreign-key":
        params["id_token_hint"] = hint(local_stack, key=SigningKey.generate(local_stack.apps["b2c"].state.tenant.keys.for_policy(
            local_stack.b2c_settings.policy(USER_FLOW)).kid))
    elif case == "other-policy-key":
        params["id_token_hint"] = hint(local_stack, CUSTOM_POLICY)  # signed by the custom policies' key, sent to the user flow
    elif case == "other-issuer":
        params["id_token_hint"] = hint(local_stack, iss="https://fabrikam.b2clogin.com/00000000-0000-0000-0000-000000000000/v2.0/")
    elif case == "unknown-audience":
        params["id_token_hint"] = hint(local_stack, aud="00000000-0000-0000-0000-0000000bad01")
    elif case == "other-client":
        params.update(id_token_hint=hint(local_stack), client_id=WEBAPP1_CLIENT_ID)
    else:
        params["id_token_hint"] = hint(local_stack, exp=None)
    response = logout(local_stack, **params)
    assert response.status_code != 302 and "AADB2C90210" in response.text, response.text[:300]
