"""The emulator deployed behind a TLS-terminating proxy (mocks/mobileid/README.md, Behind a TLS-terminating proxy).

The proxy reaches it over plain HTTP on an address of its own and, as nginx's ``proxy_pass`` does by default, sends that
address as the Host; X-Forwarded-Proto says https. The README promises that every URL the emulator hands out (discovery,
pages, redirects) is built from the configured issuer, never from the request: a browser or B2C sent to the Host it was
reached at would go to the proxy's upstream, an address nobody outside can reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.html_page import read_page
from tests.mobileid.support import REDIRECTS, RP_POST, WAITING_NUMBER, LiveServer, authorize_params

PUBLIC = "https://mobileid.deploy.example"  # the public host name, not the address the proxy reaches it at
FROM_THE_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture(scope="module")
def behind_a_proxy() -> Iterator[httpx.Client]:
    with LiveServer(issuer=PUBLIC) as server, server.client(headers=FROM_THE_PROXY) as http:
        yield http


def urls_on(response: httpx.Response) -> list[str]:
    """The absolute URLs an answer hands out: its Location, a JSON answer's string values, a page's links and form actions."""
    urls = [response.headers["location"]] if "location" in response.headers else []
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        urls += [value for value in (body.values() if isinstance(body, dict) else []) if isinstance(value, str)]
    elif response.headers.get("content-type", "").startswith("text/html"):
        page = read_page(response.text)
        urls += [str(attrs.get(name)) for _, attrs in page.elements for name in ("href", "src", "action") if attrs.get(name)]
    return [url for url in urls if urlsplit(url).scheme]


def not_public(urls: list[str]) -> list[str]:
    """Those that are neither the public host's (the issuer, a URL under it) nor the client's redirect URI."""
    return [url for url in urls if url != PUBLIC and not url.startswith((f"{PUBLIC}/", REDIRECTS[RP_POST]))]


def test_discovery_pages_and_redirects_name_the_public_host_over_https(behind_a_proxy: httpx.Client) -> None:
    http = behind_a_proxy
    discovery = http.get("/.well-known/openid-configuration")
    assert discovery.json()["issuer"] == PUBLIC, discovery.text
    handed_out = urls_on(discovery)
    started = http.get("/oidc/authorize", params=authorize_params(response_mode="form_post"))
    session = parse_qs(urlsplit(started.headers["location"]).query)["session"][0]
    login_page = http.get("/oidc/login", params={"session": session})
    waiting = http.post("/oidc/login", data={"session": session, "msisdn": WAITING_NUMBER})
    wait_page = http.get("/oidc/wait", params={"session": session})
    for answer in (started, login_page, waiting, wait_page):
        assert answer.status_code in (200, 303), answer.text
        handed_out += urls_on(answer)
    assert len(handed_out) >= 10 and not not_public(handed_out), handed_out


@pytest.mark.parametrize("path", ["/oidc/authorize/", "/jwks.json/", "/token/", "/.well-known/openid-configuration/", "/control/robots/",
                                  "/oidc/assets"])
def test_a_path_it_does_not_have_is_not_redirected_to_the_address_behind_the_proxy(behind_a_proxy: httpx.Client, path: str) -> None:
    """A trailing slash (or the assets' folder without one) was redirected, 307, to a URL made from the request's Host:
    ``https://127.0.0.1:<port>/oidc/authorize``. A path the emulator does not have is its 404, wherever it is deployed."""
    answer = behind_a_proxy.get(path)
    assert not not_public(urls_on(answer)), answer.headers.get("location")
    assert answer.status_code == 404 and answer.json()["error"] == "not_found", (answer.status_code, answer.text)
