"""HTML of the Mobile ID login pages (Jinja2); the DOM ids are a contract (docs/contracts.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from mocks.mobileid.locales import TEXTS

HERE = Path(__file__).parent
ASSETS_DIR = HERE / "assets"
_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Scripts only from our own files; forms may post to any relying party (form_post response mode).
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action *"


def render(template: str, language: str, base_url: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(lang=language, t=TEXTS[language], assets=f"{base_url}/oidc/assets", **context)
    return HTMLResponse(html, status_code=status, headers=page_headers())


def page_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
