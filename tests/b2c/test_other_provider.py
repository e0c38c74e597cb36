"""B2C federates with a provider other than our Mobile ID emulator by configuration alone.

oidc-provider-mock (a Flask OpenID provider nobody here wrote) runs on a free
loopback port over plain HTTP and is configured as a user flow's "OpenID
Connect provider": metadata URL, client id and secret, scope, response mode.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from mocks.b2c.policy import ClaimMapping

from .support import Landing, Page, authorize_url, oidc_provider, user_flow

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import oidc_provider_mock


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


def test_user_flow_with_oidc_provider_mock(start, provider_url: str) -> None:
    provider = oidc_provider(
        exchange_id="OidcMock", display_name="OIDC mock", domain="oidc-mock.example",
        metadata_url=f"{provider_url}/.well-known/openid-configuration", client_id="b2c-at-the-mock", client_secret="anything",
        scope="openid profile email", response_mode="query",
        claims=(ClaimMapping("issuerUserId", "sub"), ClaimMapping("displayName", "email")),
    )
    h = start(policies=[user_flow(provider)])
    browser = h.browser()
    page = browser.go(authorize_url())
    assert [p["id"] for p in page.settings["claimsProviders"]] == ["OidcMock"]
    response = browser.request("GET", _location(browser, page))
    assert response.status_code == 200 and "sub" in response.text  # the mock's own login form
    login = browser.request("POST", str(response.request.url), data={"sub": "alice@example.com"})
    assert login.status_code == 302
    sa = browser.go(login.headers["location"])
    assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
    prefilled = {f["ID"]: f["PRE"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
    assert prefilled["displayName"] == "alice@example.com"
    assert browser.self_asserted(sa, prefilled).json() == {"status": "200"}
    landing = browser.confirmed(sa)
    assert isinstance(landing, Landing) and landing.params["id_token"]
    [user] = h.tenant.directory.users()
    assert user.issuer_user_id == "alice@example.com" and user.identity_provider == "oidc-mock.example"


def _location(browser, page: Page) -> str:
    s = page.settings
    url = f"https://contoso.b2clogin.com{s['hosts']['tenant']}/api/{s['api']}/unified"
    response = browser.request("GET", url, params={"claimsexchange": "OidcMock", "csrf_token": s["csrf"], "tx": s["transId"], "p": s["hosts"]["policy"]})
    assert response.status_code == 302, response.text[:500]
    location = response.headers["location"]
    assert urlsplit(location).path == "/oauth2/authorize"
    return location
