"""The HAR reader on a browser's HAR from a real tenant (hand-built: there is no tenant here); real journeys: test_har_reader.py."""

from __future__ import annotations

import base64
import json
from typing import Any

from repro.har import describe, read_har, repro_args
from tests.local_stack import LOCAL_STACK

PAGE = {"mimeType": "text/html", "text": "<html></html>"}


def entry(url: str, *, method: str = "GET", second: int = 0, status: int = 200, content: dict[str, str] | None = None,
          headers: dict[str, str] | None = None, location: str | None = None, form: str | None = None) -> dict[str, Any]:
    """One HAR entry as a browser records it: request (headers, form body), response (status, Location, content)."""
    request: dict[str, Any] = {"method": method, "url": url, "headers": [{"name": k, "value": v} for k, v in (headers or {}).items()]}
    if form is not None:
        request["postData"] = {"text": form}
    response: dict[str, Any] = {"status": status, "headers": [{"name": "Location", "value": location}] if location else []}
    if content is not None:
        response["content"] = content
    return {"startedDateTime": f"2026-11-28T10:00:{second:02d}.000Z", "request": request, "response": response}


def har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"log": {"entries": list(entries)}}


def test_a_tenant_har_from_devtools_gives_a_tenant_command() -> None:
    """A browser's HAR (base64 bodies, custom domain, the ?p= form) from a real tenant: the command targets that tenant."""
    page = '<div id="api" data-name="GlobalException"><div class="error-page-detail">AADB2C90018: The client id ... is not registered</div>' \
           '<div class="error-page-correlationid">Correlation ID: 0a1b2c3d-1111-2222-3333-444455556666</div></div>'
    recorded = har(entry("https://login.fabrikam.com/fabrikam.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1A_susi"
                         "&client_id=0000-app&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fcb&ui_locales=fr&prompt=login",
                         headers={"Accept-Language": "fr-CH,fr;q=0.9"}, status=400,
                         content={"mimeType": "text/html", "encoding": "base64", "text": base64.b64encode(page.encode()).decode()}))
    found = read_har(recorded)
    assert (found.aadb2c_codes, found.correlation_id) == (["AADB2C90018"], "0a1b2c3d-1111-2222-3333-444455556666")
    assert repro_args(found, LOCAL_STACK) == [
        "--journey", "sign-up", "--policy", "B2C_1A_susi", "--target", "tenant", "--tenant", "fabrikam", "--domain", "login.fabrikam.com",
        "--ui-locales", "fr", "--browser-locale", "fr-CH", "--outcome", "approve", "--prompt", "login",
        "--redirect-uri", "https://app.fabrikam.com/cb", "--client-id", "0000-app"]


def test_a_tenant_har_keeps_its_redirect_uri_even_when_it_is_the_stacks() -> None:
    """The reporter's tenant app redirects to https://jwt.ms too: the command still names it (the tenant's .env may not)."""
    recorded = har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize"
                         "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE))
    args = repro_args(read_har(recorded), LOCAL_STACK)
    assert LOCAL_STACK.redirect_uri == "https://jwt.ms"
    assert args[args.index("--redirect-uri") + 1] == "https://jwt.ms" and "--target" in args and args[args.index("--target") + 1] == "tenant"


def test_a_redacted_id_token_is_still_b2cs_answer() -> None:
    """The repro's own bundle HAR: B2C's redirect carries the ID token as <redacted JWT>; that is an answer, not none."""
    recorded = har(
        entry("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize"
              "?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms", content=PAGE),
        entry("https://m.mobileid.ch/oidc/login", method="POST", second=9, status=302, form="msisdn=%2B41790000001"),
        entry("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?state=s", second=10, status=302,
              location="https://jwt.ms#id_token=<redacted JWT>&state=StateProperties%3Dx"),
    )
    found = read_har(recorded)
    assert found.sent_id_token and found.id_token_claims is None and found.error is None
    result = next(line for line in describe(found) if line.startswith("result"))
    assert result.split(None, 1)[1] == "an ID token (redacted)"
    assert (found.journey, found.outcome) == ("sign-in", "approve")


def test_an_error_page_b2c_builds_by_script_gives_its_correlation_id_from_the_page_comment() -> None:
    """A HAR holds the page as served: where B2C builds the error fragment by script (reference b2c.md Addendum), the
    correlation ID is in the comment B2C's pages start with, the code and message in the page's data, escaped as JSON
    (mocks/b2c/pages.py: the emulator's keys; the reader looks for the message, not for a key)."""
    detail = 'AADB2C90006: The redirect URI \'https://app.example/cb?a=1&b="2"\' provided in the request is not registered'
    data = json.dumps({"api": "GlobalException", "errorDetail": detail}).replace("&", "\\u0026").replace("<", "\\u003c")
    page = ('<!-- CorrelationId: 0a1b2c3d-1111-2222-3333-444455556666 -->\n<!DOCTYPE html><html><head><script>var SETTINGS = '
            f'{data};</script></head><body><div id="api" role="main"></div></body></html>')
    found = read_har(har(entry("https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize"
                               "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", status=400,
                               content={"mimeType": "text/html", "text": page})))
    assert (found.aadb2c_codes, found.correlation_id) == (["AADB2C90006"], "0a1b2c3d-1111-2222-3333-444455556666")
    assert found.aadb2c_message == detail  # decoded whole: the & and the quotes as the page shows them
