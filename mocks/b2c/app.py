"""The B2C tenant as a Starlette app: its handler classes' routes, static files and middleware (README.md maps them to the real service)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.b2c.directory import Directory
from mocks.b2c.endpoints import Endpoints
from mocks.b2c.journey import UserJourneyHandlers
from mocks.b2c.keys import TenantKeys
from mocks.b2c.settings import B2CSettings
from mocks.b2c.tenant import Tenant
from mocks.common.params import BodySizeLimit
from mocks.common.static import StaticFilesInMemory
from mocks.faults import Fault

STATIC = Path(__file__).parent / "static"


def create_app(settings: B2CSettings, *, keys: TenantKeys | None = None, directory: Directory | None = None) -> Starlette:
    tenant = Tenant(settings, keys or TenantKeys.create(foreign=Fault.FOREIGN_SIGNING_KEY in settings.faults), directory or Directory())
    routes = [
        *Endpoints(tenant).routes(),
        *UserJourneyHandlers(tenant).routes(),
        Mount("/static", StaticFilesInMemory(directory=STATIC), name="static"),
        Route("/favicon.ico", _no_icon),
    ]
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if (federation := tenant.made_federation()) is not None:
            await federation.aclose()  # the back channel's pooled connections to identity providers

    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception}, lifespan=lifespan)
    app.state.tenant = tenant
    app.add_middleware(_TfpPrefix)
    app.add_middleware(BodySizeLimit)
    return app


async def _no_icon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask for it; an empty answer keeps their consoles quiet


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


class _TfpPrefix:
    """MSAL authorities look like ``/tfp/{tenant}.onmicrosoft.com/{policy}/``: same endpoints."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].lower().startswith("/tfp/"):
            scope = dict(scope, path=scope["path"][4:], raw_path=scope.get("raw_path", b"")[4:] or None)
        await self.app(scope, receive, send)
