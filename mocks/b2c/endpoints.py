"""Protocol endpoints without pages: discovery, JWKS, token, logout."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from mocks.b2c.authorize import Delivery, redirect_location
from mocks.b2c.errors import B2CError
from mocks.b2c.policy import Policy, PolicyKind
from mocks.b2c.settings import AppRegistration
from mocks.b2c.web import JSON_HEADERS, TenantHandlers, preflight, with_and_without_policy
from mocks.common.keys import jwks
from mocks.common.oauth import MalformedCredentials, basic_credentials
from mocks.common.params import ParameterError, single


class Endpoints(TenantHandlers):
    """The tenant's OpenID Connect endpoints: discovery, keys, token, logout."""

    def routes(self) -> list[Route]:
        return [
            *with_and_without_policy("/v2.0/.well-known/openid-configuration", self.discovery, ["GET", "OPTIONS"]),
            *with_and_without_policy("/discovery/v2.0/keys", self.keys, ["GET", "OPTIONS"]),
            *with_and_without_policy("/oauth2/v2.0/token", self.token, ["POST", "OPTIONS"]),
            *with_and_without_policy("/oauth2/v2.0/logout", self.logout, ["GET", "POST"]),
        ]

    # --- metadata --------------------------------------------------------------------------------

    def _metadata_policy(self, request: Request) -> Policy | Response:
        """The policy a metadata document is asked for, or the answer to give instead (CORS preflight, 404)."""
        if request.method == "OPTIONS":
            return preflight()
        try:
            return self._policy(request)
        except B2CError as error:
            return JSONResponse(error.token_endpoint_body(), status_code=404, headers=JSON_HEADERS)

    async def discovery(self, request: Request) -> Response:
        policy = self._metadata_policy(request)
        if isinstance(policy, Response):
            return policy
        s = self.settings
        name = policy.policy_id.lower()
        if "policy" in request.path_params:
            base = f"{s.base_url}/{s.domain}/{name}"

            def endpoint(path: str) -> str:
                return f"{base}/{path}"
        else:
            def endpoint(path: str) -> str:
                return f"{s.base_url}/{s.domain}/{path}?p={name}"
        claims = [c.token_claim for c in policy.output_claims] + ["sub"]  # exactly what its tokens can carry
        if policy.kind is PolicyKind.USER_FLOW or policy.issuance.acr:
            claims.append("acr" if policy.kind is PolicyKind.CUSTOM_POLICY else "tfp")
        claims += ["iss", "iat", "exp", "aud", "nonce", "auth_time"]
        doc = {
            "issuer": s.issuer_of(policy),
            "authorization_endpoint": endpoint("oauth2/v2.0/authorize"),
            "token_endpoint": endpoint("oauth2/v2.0/token"),
            "end_session_endpoint": endpoint("oauth2/v2.0/logout"),
            "jwks_uri": endpoint("discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            # Only what the emulator honours (the real list adds the token types, see README).
            "response_types_supported": ["code", "code id_token", "id_token"],
            "scopes_supported": ["openid"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": list(dict.fromkeys(claims)),
        }
        return JSONResponse(doc, headers=JSON_HEADERS)

    async def keys(self, request: Request) -> Response:
        policy = self._metadata_policy(request)
        if isinstance(policy, Response):
            return policy
        return JSONResponse(jwks(self.tenant.keys.for_policy(policy), alg=False), headers=JSON_HEADERS)

    # --- token and logout ------------------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return preflight()
        form = await self._form(request)
        try:
            policy = self._policy(request, request.query_params)
            body = self.tenant.tokens.redeem(policy, form, _basic_credentials(request))
        except B2CError as error:
            return JSONResponse(error.token_endpoint_body(), status_code=error.status if error.status != 404 else 400, headers=JSON_HEADERS)
        return JSONResponse(body, headers=JSON_HEADERS)

    async def logout(self, request: Request) -> Response:
        form = await self._form(request) if request.method == "POST" else None
        params = self._params(request, form)
        try:
            policy = self._policy(request, params)
        except B2CError as error:
            return self._error_page(error)
        try:
            target = single(params, "post_logout_redirect_uri", max_length=2048)
            state = single(params, "state")
            client_id = single(params, "client_id", max_length=200)
            hint_app = self._check_id_token_hint(policy, single(params, "id_token_hint", max_length=16384), client_id)
        except B2CError as error:
            return self._error_page(error, policy=policy, request=request)
        except ParameterError as error:
            return self._error_page(B2CError("AADB2C90122", (error.name,)), policy=policy, request=request)
        session_id = request.cookies.get(self.tenant.cookies.sso_cookie)
        if session_id:
            self.tenant.sessions.drop(session_id)
        # B2C redirects to post_logout_redirect_uri whatever the apps registered; a policy that requires the ID token
        # on logout wants a valid hint and checks the URI against the redirect URIs of the hint's app (session-behavior
        # article; B2C's 2018 announcement: the flag "enforces the presence" of the hint).
        enforced = policy.enforce_id_token_hint_on_logout
        if target is None:
            response = self._error_page(B2CError("AADB2C90036"), policy=policy, request=request)
        elif enforced and hint_app is None:  # no hint at all: a tenant's words (MicrosoftDocs/azure-docs#34435)
            response = self._error_page(B2CError("AADB2C90272"), policy=policy, request=request)
        elif not _absolute_uri(target):  # B2C's error codes page: "has an invalid format"
            response = self._error_page(B2CError("AADB2C90067", (target,)), policy=policy, request=request)
        elif enforced and hint_app is not None and target not in hint_app.redirect_uris:
            response = self._error_page(B2CError("AADB2C90287", (target,)), policy=policy, request=request)
        else:
            location = target if state is None else redirect_location(Delivery(target, "query", None), [("state", state)])
            response = RedirectResponse(location, status_code=302, headers={"Cache-Control": "no-store"})
        self.tenant.cookies.clear(response, self.tenant.cookies.sso_cookie)
        return response

    def _check_id_token_hint(self, policy: Policy, hint: str | None, client_id: str | None) -> AppRegistration | None:
        """The app of an ``id_token_hint``, which must be an unexpired ID token this tenant issued with the policy's
        key to one of its apps (and to ``client_id`` when given); otherwise the logout is refused as a whole.

        AADB2C90208 for an expired one, AADB2C90210 for everything else (README, Decisions).
        """
        if hint is None:
            return None
        claims = self.tenant.keys.for_policy(policy).verify(hint)
        if claims is None or claims.get("iss") != self.settings.issuer_of(policy):
            raise B2CError("AADB2C90210")
        audience = claims.get("aud")
        app = self.settings.app(audience) if isinstance(audience, str) else None
        if app is None or (client_id and client_id != audience):
            raise B2CError("AADB2C90210")
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            raise B2CError("AADB2C90210")
        if expires <= time.time():
            raise B2CError("AADB2C90208")
        return app


# Schemes that run or read something in the browser instead of going somewhere: never a place to send it after logout.
UNSAFE_SCHEMES = ("javascript", "data", "vbscript", "file", "blob", "filesystem", "about")


def _absolute_uri(uri: str) -> bool:
    """A URI with a scheme and a host (https://app/..., or an app's own scheme: msauth.x://auth), never an unsafe
    scheme (``javascript://x/%0A...`` included); anything else is AADB2C90067's "invalid format" (README, its error table)."""
    try:
        parts = urlsplit(uri)
        host, _ = parts.hostname, parts.port  # a port that is no number from 0 to 65535 raises too
    except ValueError:  # an unclosed IPv6 bracket, a netloc that changes under NFKC: not a URI anything can go to
        return False
    return (bool(parts.scheme and host) and parts.scheme.lower() not in UNSAFE_SCHEMES
            and not any(c.isspace() or ord(c) < 32 for c in uri))


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    try:
        return basic_credentials(request.headers.get("authorization"))
    except MalformedCredentials:
        raise B2CError("AADB2C90081", error="invalid_client", status=401) from None
