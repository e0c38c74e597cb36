"""A small OpenID provider for the B2C tests, whose every answer a test can bend.

It approves at once (no login page): the authorize request goes straight back to
B2C's authresp in the requested response mode, with a code or with the error
the test chose. Token and userinfo record what B2C sent.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from mocks.common.keys import SigningKey, jwks

ISSUER = "https://idp.example"
DRIP_INTERVAL = 0.1  # seconds between two pieces of a dripped answer: each read far within any back-channel timeout
_KEYS: dict[str, SigningKey] = {}


def _key(name: str) -> SigningKey:
    """RSA keys take ~0.1 s to make; one per name is enough for the tests."""
    if name not in _KEYS:
        _KEYS[name] = SigningKey.generate("idp-key-1")
    return _KEYS[name]


@dataclass
class IdPBehaviour:
    sub: str | None = None  # None: a new user at every sign-in
    claims: dict[str, Any] = field(default_factory=lambda: {"name": "+41791234567", "given_name": "Hans", "family_name": "Muster"})
    client_id: str = "b2c-client"
    client_secret: str = "b2c-secret"
    auth_method: str = "client_secret_post"
    error: str | None = None  # authorize answers with this error instead of a code
    error_description: str = "The user said no"
    without_code: bool = False  # authorize answers with the state alone: neither code nor error
    token_delay: float = 0.0
    token_status: int = 200
    userinfo_status: int = 200
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    foreign_key: bool = False
    # "discovery", "jwks" or "userinfo": that endpoint sends its answer a piece at a time over drip_seconds, never
    # silent for long (what a per-read timeout lets through)
    dripping: str | None = None
    drip_seconds: float = 5.0
    jwks_uri: str | None = None  # what discovery names as its JWKS, else its own


@dataclass
class FakeIdP:
    behaviour: IdPBehaviour = field(default_factory=IdPBehaviour)
    key: SigningKey = field(default_factory=lambda: _key("idp"))
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    userinfo_requests: list[dict[str, Any]] = field(default_factory=list)
    _codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["GET", "POST"]),  # GET: an OAuth2 profile's HttpBinding GET
            Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
        ])

    def _json(self, endpoint: str, content: dict[str, Any]) -> Response:
        """``content`` as JSON, dripped when the behaviour says so for ``endpoint``."""
        if self.behaviour.dripping != endpoint:
            return JSONResponse(content)
        pieces = max(1, round(self.behaviour.drip_seconds / DRIP_INTERVAL))
        body = json.dumps(content).encode().ljust(pieces)  # trailing spaces: still the same JSON, and at least a byte a piece
        size = -(-len(body) // pieces)

        async def dripped() -> AsyncIterator[bytes]:
            for start in range(0, len(body), size):
                yield body[start:start + size]
                await asyncio.sleep(DRIP_INTERVAL)

        return StreamingResponse(dripped(), media_type="application/json")

    async def discovery(self, request: Request) -> Response:
        return self._json("discovery", {"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize", "token_endpoint": f"{ISSUER}/token",
                                        "userinfo_endpoint": f"{ISSUER}/userinfo", "jwks_uri": self.behaviour.jwks_uri or f"{ISSUER}/jwks"})

    async def jwks(self, request: Request) -> Response:
        return self._json("jwks", jwks(self.key))

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        b = self.behaviour
        if b.error:
            answer = {"error": b.error, "error_description": b.error_description, "state": params.get("state", "")}
        elif b.without_code:
            answer = {"state": params.get("state", "")}
        else:
            code = secrets.token_urlsafe(16)
            self._codes[code] = {**params, "_sub": b.sub or f"user-{secrets.token_hex(6)}"}
            answer = {"code": code, "state": params.get("state", "")}
        target = params["redirect_uri"]
        if params.get("response_mode") == "form_post":
            inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>' for k, v in answer.items())
            return HTMLResponse(f'<html><body><form method="POST" action="{html.escape(target)}">{inputs}</form>'
                                "<script>document.forms[0].submit()</script></body></html>")
        return RedirectResponse(f"{target}?{urlencode(answer)}", status_code=302)

    def _client_ok(self, request: Request, form: Any) -> bool:
        b = self.behaviour
        if b.auth_method == "client_secret_basic":
            header = request.headers.get("authorization", "")
            expected = base64.b64encode(f"{b.client_id}:{b.client_secret}".encode()).decode()
            return header == f"Basic {expected}"
        return form.get("client_id") == b.client_id and form.get("client_secret") == b.client_secret

    async def token(self, request: Request) -> Response:
        form = await request.form() if request.method == "POST" else request.query_params  # GET: the parameters in the query
        self.token_requests.append({"method": request.method, "form": dict(form), "authorization": request.headers.get("authorization")})
        b = self.behaviour
        if b.token_delay:
            await asyncio.sleep(b.token_delay)
        if b.token_status != 200:
            return Response("upstream failure", status_code=b.token_status)
        if not self._client_ok(request, form):
            return JSONResponse({"error": "invalid_client", "error_description": "client authentication failed"}, status_code=401)
        original = self._codes.pop(str(form.get("code")), None)
        if original is None or form.get("redirect_uri") != original["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "unknown code"}, status_code=400)
        now = int(time.time())
        sub = original["_sub"]
        claims = {"iss": ISSUER, "aud": b.client_id, "sub": sub, "iat": now, "exp": now + 600, "nonce": original.get("nonce"), **b.claims}
        claims.update(b.id_token_overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        key = _key("foreign") if b.foreign_key else self.key  # same kid, key not in the JWKS
        return JSONResponse({"access_token": f"at-{sub}", "token_type": "Bearer", "expires_in": 600, "id_token": key.sign(claims)})

    async def userinfo(self, request: Request) -> Response:
        self.userinfo_requests.append({"method": request.method, "authorization": request.headers.get("authorization"),
                                       "query": dict(request.query_params)})
        b = self.behaviour
        if b.userinfo_status != 200:
            return JSONResponse({"error": "server_error"}, status_code=b.userinfo_status)
        token = request.headers.get("authorization", "").removeprefix("Bearer ") or request.query_params.get("access_token") or ""
        if not token.startswith("at-"):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return self._json("userinfo", {"sub": token.removeprefix("at-"), **b.claims})
