"""A full code flow driven by Authlib's OAuth2 client, with the ID token checked by PyJWT.

Neither library was written here, so this catches protocol details our own
helpers would happily agree with.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client

from .support import APPROVE, REDIRECTS, RP_BASIC, RP_POST, SECRETS

AUTH_METHODS = {RP_POST: "client_secret_post", RP_BASIC: "client_secret_basic"}


def walk_login_pages(http, authorization_url: str, msisdn: str) -> str:
    """What the user does in the browser; returns the redirect the client receives."""
    login = http.get(authorization_url)
    assert login.status_code == 303
    session = parse_qs(urlsplit(login.headers["location"]).query)["session"][0]
    assert http.post("/oidc/login", data={"session": session, "msisdn": msisdn}).status_code == 303
    status = http.get("/oidc/wait/status", params={"session": session}).json()
    assert status["status"] == "done"
    back = http.get(status["next"])
    assert back.status_code == 303
    return back.headers["location"]


@pytest.mark.parametrize("rp", [RP_POST, RP_BASIC])
def test_authlib_code_flow_with_pkce(emulator, http, rp: str) -> None:
    metadata = http.get(f"{emulator.url}/.well-known/openid-configuration").json()
    assert metadata["issuer"] == emulator.url
    assert "S256" in metadata["code_challenge_methods_supported"]

    client = OAuth2Client(
        client_id=rp,
        client_secret=SECRETS[rp],
        scope="openid profile phone mid_profile",
        redirect_uri=REDIRECTS[rp],
        code_challenge_method="S256",
        token_endpoint_auth_method=AUTH_METHODS[rp],
    )
    with client:
        verifier = generate_token(48)
        nonce = secrets.token_urlsafe(16)
        url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
        assert "code_challenge=" in url and "code_challenge_method=S256" in url

        redirect = walk_login_pages(http, url, APPROVE)
        assert parse_qs(urlsplit(redirect).query)["iss"] == [emulator.url]
        token = client.fetch_token(metadata["token_endpoint"], authorization_response=redirect, state=state, code_verifier=verifier)

        signing_key = jwt.PyJWKClient(metadata["jwks_uri"]).get_signing_key_from_jwt(token["id_token"])
        claims = jwt.decode(
            token["id_token"],
            signing_key.key,
            algorithms=metadata["id_token_signing_alg_values_supported"],
            audience=rp,
            issuer=metadata["issuer"],
            options={"require": ["exp", "iat", "sub", "nonce"]},
        )
        assert claims["nonce"] == nonce
        assert claims["amr"] == ["mid_sim"]

        userinfo = client.get(metadata["userinfo_endpoint"]).json()
        assert userinfo["sub"] == claims["sub"]
        assert userinfo["name"] == userinfo["phone_number"] == APPROVE
        assert userinfo["mid_profile_serial"].startswith("MIDCHE")
