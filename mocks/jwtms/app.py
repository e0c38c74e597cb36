"""``https://jwt.ms/``: reads the fragment (or a form_post body) and shows the token in the browser.

The token never reaches the server on the fragment path, as on the real site; a
form_post body is echoed into the page as data and rendered by the same script.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

from mocks.common.params import BodySizeLimit, read_form
from mocks.common.static import StaticFilesInMemory

HERE = Path(__file__).parent
FIELDS = ("id_token", "access_token", "code", "state", "error", "error_description", "session_state")
PAGE = (HERE / "templates" / "index.html").read_text(encoding="utf-8")


def _page(posted: dict[str, str] | None) -> HTMLResponse:
    data = json.dumps(posted).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") if posted else "null"
    return HTMLResponse(PAGE.replace("/*POSTED*/null", data), headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


async def index(request: Request) -> Response:
    if request.method == "GET":
        return _page(None)
    form = await read_form(request, max_fields=20)
    if form is None:  # a form body Starlette cannot parse, or over the limits: the page with nothing to decode
        return _page({"error": "invalid_request", "error_description": "The POST body is not a form."})
    # Every field as posted, however long (the body's own limit bounds them): a field dropped for its length showed a
    # token-less page with nothing to say why.
    return _page({name: value for name in FIELDS if isinstance(value := form.get(name), str)})


def create_app() -> Starlette:
    app = Starlette(
        routes=[
            Route("/", index, methods=["GET", "POST"]),
            Mount("/static", StaticFilesInMemory(directory=HERE / "static"), name="static"),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
        ]
    )
    app.add_middleware(BodySizeLimit)
    return app
