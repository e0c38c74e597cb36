"""jwt.ms (or any redirect URI): what B2C sent back, a token or an error.

The real jwt.ms only guarantees ``#decodedToken``, so the raw token is read from
the URL fragment (or the query with response_mode=query), where B2C put it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages import waiting
from pages.steps import step


@dataclass(frozen=True)
class RedirectResult:
    params: dict[str, str]

    @property
    def id_token(self) -> str | None:
        return self.params.get("id_token")

    @property
    def error(self) -> str | None:
        return self.params.get("error")

    @property
    def error_description(self) -> str:
        return self.params.get("error_description", "")

    @property
    def state(self) -> str | None:
        return self.params.get("state")


class JwtMsPage:
    NAME = "the app (redirect URI)"
    SHOWN = "#decodedToken"

    def __init__(self, page: Page, redirect_uri: str) -> None:
        self.page = page
        self.redirect_uri = redirect_uri
        self.decoded_token = page.locator("#decodedToken")
        self.shown = self.decoded_token
        self.dead_end = waiting.b2c_error_page(page)

    @property
    def host(self) -> str:
        return urlsplit(self.redirect_uri).hostname or ""

    def is_current(self) -> bool:
        return self.page.url.startswith(self.redirect_uri)

    @step("Wait for B2C to redirect to the app")
    def wait_for_redirect(self, timeout: float = waiting.TIMEOUT_MS) -> JwtMsPage:
        """Wait on the navigation itself (no script in the page): B2C's redirect to the app commits here."""
        try:
            self.page.wait_for_url(lambda url: url.startswith(self.redirect_uri), wait_until="commit", timeout=timeout)
        except PlaywrightError:
            raise waiting.not_shown(self, timeout, f"a redirect to {self.redirect_uri}") from None
        return self

    def result(self) -> RedirectResult:
        """The parameters B2C sent: fragment first (id_token flow), else the query."""
        parts = urlsplit(self.page.url)
        raw = parts.fragment or parts.query
        return RedirectResult({k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()})

    def decoded_token_text(self, timeout: float = waiting.TIMEOUT_MS) -> str:
        waiting.wait_until_shown(self, timeout)
        return self.decoded_token.inner_text()
