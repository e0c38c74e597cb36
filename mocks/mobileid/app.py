"""``create_app(settings)``: the Mobile ID emulator as one Starlette app.

The same app answers for both production hosts (m.mobileid.ch for the login
pages, openid.mobileid.ch for the rest); absolute URLs come from the settings,
never from the request, so it is correct behind a TLS-terminating proxy.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from mocks.common.keys import SigningKey
from mocks.common.params import BodySizeLimit
from mocks.common.static import StaticFilesInMemory
from mocks.mobileid import errors
from mocks.mobileid.api import BackChannelEndpoints
from mocks.mobileid.control import CONTROL_PATH, ControlApi
from mocks.mobileid.pages import ASSETS_DIR
from mocks.mobileid.runtime import Emulator
from mocks.mobileid.settings import MobileIDSettings
from mocks.mobileid.web import LoginPages

log = logging.getLogger("mocks.mobileid")


async def _http_error(request: Request, exc: Exception) -> Response:
    """404/405/400 from routing or form parsing as OAuth-style JSON (Allow header kept)."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405 and request.url.path.startswith(f"{CONTROL_PATH}/"):
        # The control API's gate first, as for any of its calls: off says so, a caller without the token is 401.
        control_api: ControlApi = request.app.state.control_api
        if (refusal := control_api.refused(request)) is not None:
            return refusal
    error = {404: "not_found", 405: "invalid_request"}.get(exc.status_code, "invalid_request")
    return JSONResponse({"error": error, "error_description": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    # Same shape as every other Mobile ID error, trace included, so the log line can be found from it.
    return JSONResponse({"error": "server_error", "error_description": errors.SYSTEM_ERROR.description(errors.new_trace())}, status_code=500)


def create_app(settings: MobileIDSettings | None = None, *, signing_key: SigningKey | None = None) -> Starlette:
    """The emulator; ``app.state.mobileid`` is its ``Emulator`` (settings, key, state), ``app.state.control_api`` its control API."""
    emulator = Emulator.create(settings or MobileIDSettings(), signing_key)
    control_api = ControlApi(emulator)
    app = Starlette(
        routes=[
            *BackChannelEndpoints(emulator).routes(),
            *LoginPages(emulator).routes(),
            Mount("/oidc/assets", StaticFilesInMemory(directory=ASSETS_DIR), name="assets"),
            *control_api.routes(),
        ],
        middleware=[Middleware(BodySizeLimit)],
        exception_handlers={HTTPException: _http_error, Exception: _unexpected},
    )
    # Starlette answers a path with a slash too many (or the assets' folder without one) with a redirect made from the
    # request's Host and scheme: behind a proxy, its upstream address (https://127.0.0.1:8080/...), not the issuer's.
    app.router.redirect_slashes = False  # such a path is one the emulator does not have: its 404
    app.state.mobileid = emulator
    app.state.control_api = control_api  # its gate, asked by _http_error before a wrong method's 405
    return app
