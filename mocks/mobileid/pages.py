"""HTML of the Mobile ID login pages (Jinja2); the DOM ids are a contract (docs/contracts.md)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse

from mocks.mobileid.locales import TEXTS

if TYPE_CHECKING:
    import jinja2

HERE = Path(__file__).parent
ASSETS_DIR = HERE / "assets"


@functools.cache
def _templates() -> jinja2.Environment:
    # Built at the first page, not at import: Jinja2 is ~15 ms of the stack's start.
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=jinja2.select_autoescape(default=True),
                              trim_blocks=True, lstrip_blocks=True)


# Scripts only from our own files; forms may post to any relying party (form_post response mode).
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action *"


def render(template: str, language: str, base_url: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates().get_template(template).render(lang=language, t=TEXTS[language], assets=f"{base_url}/oidc/assets", **context)
    return HTMLResponse(html, status_code=status, headers=page_headers())


def page_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
