"""Back-channel endpoints on openid.mobileid.ch: discovery, JWKS, token, userinfo."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mocks.common.keys import jwks
from mocks.common.oauth import MalformedCredentials, basic_credentials, same_token
from mocks.common.params import MultiValued, ParameterError, read_form, single
from mocks.common.serve import stopping
from mocks.faults import Fault
from mocks.mobileid import errors, oidc
from mocks.mobileid.errors import new_trace
from mocks.mobileid.oidc import TokenError
from mocks.mobileid.runtime import Handlers
from mocks.mobileid.settings import ClientSettings

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
TWO_METHODS = "Use one client authentication method, not two"


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers={**NO_STORE, **(headers or {})})


class BackChannelEndpoints(Handlers):
    """What clients call server to server, one method per endpoint; ``routes()`` lists them."""

    def routes(self) -> list[Route]:
        return [
            Route("/.well-known/openid-configuration", self.discovery, methods=["GET"]),
            Route("/jwks.json", self.keys, methods=["GET"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
        ]

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(oidc.discovery(self.settings), headers={"Cache-Control": "public, max-age=3600"})

    async def keys(self, request: Request) -> Response:
        return JSONResponse(jwks(self.emulator.key), headers={"Cache-Control": "public, max-age=3600"})

    async def token(self, request: Request) -> Response:
        await self._slow_down()
        if self.emulator.has(Fault.TOKEN_FAILING):
            return oauth_error(500, "server_error", errors.SYSTEM_ERROR.description(new_trace()))
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return oauth_error(400, "invalid_request", "The token request must be application/x-www-form-urlencoded")
        form = await read_form(request, max_fields=50, max_part_size=16 * 1024)
        if form is None:
            return oauth_error(400, "invalid_request", "The token request's body is not a form within the emulator's limits "
                               "(50 parameters of at most 16 KiB)")
        try:
            client = self._authenticate_client(request.headers.get("authorization"), form)
            if single(form, "grant_type", required=True) != "authorization_code":
                raise TokenError(400, "unsupported_grant_type", "Only the authorization_code grant is supported")
            code = oidc.redeem_code(
                self.emulator.memory,
                client,
                single(form, "code", required=True) or "",
                single(form, "redirect_uri", required=True, max_length=2000),
                single(form, "code_verifier", max_length=200),
            )
        except ParameterError as problem:
            return oauth_error(400, "invalid_request", str(problem))
        except TokenError as problem:
            if problem.status == 401:
                return oauth_error(401, problem.error, problem.description, {"WWW-Authenticate": 'Basic realm="mobileid", charset="UTF-8"'})
            return oauth_error(problem.status, problem.error, problem.description)
        return JSONResponse(oidc.issue_tokens(self.settings, self.emulator.key, self.emulator.memory, client, code), headers=NO_STORE)

    async def userinfo(self, request: Request) -> Response:
        await self._slow_down()
        if self.emulator.has(Fault.USERINFO_FAILING):
            return oauth_error(500, "server_error", errors.SYSTEM_ERROR.description(new_trace()))
        scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return JSONResponse(
                {"error": "invalid_request", "error_description": "A Bearer access token in the Authorization header is required"},
                status_code=401,
                headers={**NO_STORE, "WWW-Authenticate": 'Bearer realm="mobileid"'},
            )
        access = self.emulator.memory.access_token(value.strip())
        if access is None:
            return JSONResponse(
                {"error": "invalid_token", "error_description": "The access token is invalid or expired"},
                status_code=401,
                headers={**NO_STORE, "WWW-Authenticate": 'Bearer realm="mobileid", error="invalid_token"'},
            )
        claims = oidc.scope_claims(self.settings, access.client_id, access.scopes, access.behaviour)
        return JSONResponse(claims, headers=NO_STORE)

    async def _slow_down(self) -> None:
        """The slow-idp fault's delay, cut short when the server starts to stop: held past uvicorn's graceful wait (2 s, the
        delay is 5), the call was cancelled, logged with a traceback and answered 500 (mocks/mobileid/held.py)."""
        if self.emulator.has(Fault.SLOW_IDP):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping().wait(), timeout=self.settings.slow_idp_delay)

    def _authenticate_client(self, authorization: str | None, form: MultiValued) -> ClientSettings:
        """client_secret_basic or client_secret_post, whichever the client was registered with."""
        body_id = single(form, "client_id", max_length=200)
        body_secret = single(form, "client_secret", max_length=1000)
        try:
            basic = basic_credentials(authorization)
        except MalformedCredentials as problem:
            if body_secret is not None:
                raise TokenError(400, "invalid_request", TWO_METHODS) from None
            raise TokenError(401, "invalid_client", str(problem)) from None
        if basic is not None:
            if body_secret is not None:
                raise TokenError(400, "invalid_request", TWO_METHODS)
            client_id, secret = basic
            if body_id is not None and body_id != client_id:
                raise TokenError(400, "invalid_request", "client_id differs from the Authorization header")
            method = "client_secret_basic"
        elif body_id is not None and body_secret is not None:
            client_id, secret, method = body_id, body_secret, "client_secret_post"
        else:
            raise TokenError(401, "invalid_client", "Client authentication is required")
        client = self.settings.client(client_id)
        # Same answer for unknown clients and wrong secrets; compare in constant time.
        expected = client.client_secret.get_secret_value() if client else ""
        if client is None or not same_token(secret, expected):
            raise TokenError(401, "invalid_client", "Client authentication failed")
        if client.token_endpoint_auth_method != method:
            raise TokenError(401, "invalid_client", f"This client must authenticate with {client.token_endpoint_auth_method}")
        return client
