"""A real OIDC client nobody here wrote (Authlib) completes the code flow with PKCE against the emulator."""

from __future__ import annotations

import ssl
import warnings

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from mocks.common.net import HostMapTransport

from .support import B2C, DOMAIN, USER_FLOW, WEB, WEB_REDIRECT, WEB_SECRET, Harness

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import OAuth2Client


def test_authlib_code_flow_with_pkce_and_a_confidential_app(shared: Harness) -> None:
    context = ssl.create_default_context(cafile=shared.ca)
    discovery_url = f"{B2C}/{DOMAIN}/{USER_FLOW}/v2.0/.well-known/openid-configuration"
    with httpx.Client(transport=HostMapTransport(shared.host_map, verify=context)) as plain:
        metadata = plain.get(discovery_url).json()
        jwks = plain.get(metadata["jwks_uri"]).json()
    with OAuth2Client(WEB, WEB_SECRET, scope="openid offline_access", redirect_uri=WEB_REDIRECT, code_challenge_method="S256",
                      token_endpoint_auth_method="client_secret_post", transport=HostMapTransport(shared.host_map, verify=context)) as client:
        verifier = "v" * 20 + "erifier-of-the-authlib-client-test-0123456789"
        url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce="authlib-nonce")
        # The user's part, driven over the hosted pages' wire protocol.
        landing = shared.sign_up(shared.browser(), url)
        assert landing.params["state"] == state
        token = client.fetch_token(metadata["token_endpoint"], code=landing.params["code"], code_verifier=verifier, state=state)
    claims = jwt.decode(token["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": metadata["issuer"]}, aud={"essential": True, "value": WEB},
                          nonce={"essential": True, "value": "authlib-nonce"}).validate(claims)
    assert claims["tfp"] == USER_FLOW and token["refresh_token"]
