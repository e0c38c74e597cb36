"""B2C's session cookie must be HttpOnly: the cookie journey's check of what the browser holds."""

from __future__ import annotations

from typing import Any

import pytest

from fixtures.b2c_cookies import script_readable_failure, script_readable_sessions
from fixtures.causes import BROKEN_PROMISE


class Context:
    """What the check reads of a Playwright BrowserContext: its cookies, as context.cookies() gives them."""

    def __init__(self, *cookies: dict[str, Any]) -> None:
        self._cookies = list(cookies)

    def cookies(self) -> list[dict[str, Any]]:
        return self._cookies


def cookie(name: str, *, http_only: bool) -> dict[str, Any]:
    return {"name": name, "value": "v", "domain": "contoso.b2clogin.com", "path": "/", "httpOnly": http_only, "secure": True,
            "sameSite": "None"}


SSO = "x-ms-cpim-sso:7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"


def test_a_session_cookie_without_httponly_is_named() -> None:
    context = Context(cookie(SSO, http_only=False), cookie("x-ms-cpim-csrf", http_only=True))
    assert script_readable_sessions(context) == [SSO]  # type: ignore[arg-type]


@pytest.mark.parametrize("cookies", [[cookie(SSO, http_only=True)], [cookie("x-ms-cpim-csrf", http_only=False)], []])
def test_an_httponly_session_or_another_cookie_is_not(cookies: list[dict[str, Any]]) -> None:
    assert script_readable_sessions(Context(*cookies)) == []  # type: ignore[arg-type]


def test_the_failure_names_httponly_under_broken_promise() -> None:
    failure = script_readable_failure([SSO])
    assert "HttpOnly" in str(failure) and SSO in str(failure)
    assert failure.cause.name == BROKEN_PROMISE
