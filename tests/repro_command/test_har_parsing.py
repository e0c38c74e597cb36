"""The HAR reader on a browser's HAR from a real tenant (hand-built: there is no tenant here); real journeys: test_har_reader.py."""

from __future__ import annotations

import base64

from repro.har import describe, read_har, repro_args
from tests.local_stack import LOCAL_STACK


def test_a_tenant_har_from_devtools_gives_a_tenant_command() -> None:
    """A browser's HAR (base64 bodies, custom domain, the ?p= form) from a real tenant: the command targets that tenant."""
    page = '<div id="api" data-name="GlobalException"><div class="error-page-detail">AADB2C90018: The client id ... is not registered</div>' \
           '<div class="error-page-correlationid">Correlation ID: 0a1b2c3d-1111-2222-3333-444455556666</div></div>'
    har = {"log": {"entries": [{
        "startedDateTime": "2026-11-28T10:00:00.000Z",
        "request": {"method": "GET", "url": "https://login.fabrikam.com/fabrikam.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1A_susi"
                    "&client_id=0000-app&redirect_uri=https%3A%2F%2Fapp.fabrikam.com%2Fcb&ui_locales=fr&prompt=login",
                    "headers": [{"name": "Accept-Language", "value": "fr-CH,fr;q=0.9"}]},
        "response": {"status": 400, "headers": [], "content": {"mimeType": "text/html", "encoding": "base64",
                                                               "text": base64.b64encode(page.encode()).decode()}},
    }]}}
    found = read_har(har)
    assert (found.aadb2c_codes, found.correlation_id) == (["AADB2C90018"], "0a1b2c3d-1111-2222-3333-444455556666")
    assert repro_args(found, LOCAL_STACK) == [
        "--journey", "sign-up", "--policy", "B2C_1A_susi", "--target", "tenant", "--tenant", "fabrikam", "--domain", "login.fabrikam.com",
        "--ui-locales", "fr", "--browser-locale", "fr-CH", "--outcome", "approve", "--prompt", "login",
        "--redirect-uri", "https://app.fabrikam.com/cb", "--client-id", "0000-app"]


def test_a_tenant_har_keeps_its_redirect_uri_even_when_it_is_the_stacks() -> None:
    """The reporter's tenant app redirects to https://jwt.ms too: the command still names it (the tenant's .env may not)."""
    har = {"log": {"entries": [{
        "startedDateTime": "2026-11-28T10:00:00.000Z",
        "request": {"method": "GET", "url": "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize"
                    "?client_id=0000-app&redirect_uri=https%3A%2F%2Fjwt.ms", "headers": []},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html></html>"}},
    }]}}
    args = repro_args(read_har(har), LOCAL_STACK)
    assert LOCAL_STACK.redirect_uri == "https://jwt.ms"
    assert args[args.index("--redirect-uri") + 1] == "https://jwt.ms" and "--target" in args and args[args.index("--target") + 1] == "tenant"


def test_a_redacted_id_token_is_still_b2cs_answer() -> None:
    """The repro's own bundle HAR: B2C's redirect carries the ID token as <redacted JWT>; that is an answer, not none."""
    har = {"log": {"entries": [{
        "startedDateTime": "2026-11-28T10:00:00.000Z",
        "request": {"method": "GET", "url": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize"
                    "?client_id=app&redirect_uri=https%3A%2F%2Fjwt.ms", "headers": []},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html></html>"}},
    }, {
        "startedDateTime": "2026-11-28T10:00:09.000Z",
        "request": {"method": "POST", "url": "https://m.mobileid.ch/oidc/login", "postData": {"text": "msisdn=%2B41790000001"}},
        "response": {"status": 302, "headers": []},
    }, {
        "startedDateTime": "2026-11-28T10:00:10.000Z",
        "request": {"method": "GET", "url": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?state=s"},
        "response": {"status": 302, "headers": [{"name": "Location", "value": "https://jwt.ms#id_token=<redacted JWT>&state=StateProperties%3Dx"}]},
    }]}}
    found = read_har(har)
    assert found.sent_id_token and found.id_token_claims is None and found.error is None
    result = next(line for line in describe(found) if line.startswith("result"))
    assert result.split(None, 1)[1] == "an ID token (redacted)"
    assert (found.journey, found.outcome) == ("sign-in", "approve")
