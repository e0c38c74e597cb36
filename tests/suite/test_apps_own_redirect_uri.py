"""A team's own app at B2C_REDIRECT_URI instead of jwt.ms: the journey reads what B2C sent whatever the app's page does
with it at once, and no page of the app shows the raw token.

Apps act on B2C's answer as soon as it comes: a single-page app (MSAL.js) reads the fragment and clears it, or moves to
another route, or signs in again on its own (MSAL.js finding an answer it did not ask for); a server app answers B2C's
redirect, its form post or its sign-out redirect with a redirect to its home page; a slow one answers late; a wrong route
answers 404 or 500. B2C and the app are served here over https from one server (a route's 302 is
not taken by another route: the browser follows B2C's redirect to the app over the network, as against a tenant), and
the journey reads the answer as ``Journey.redirect`` does in every journey (fixtures/answer_sent.py).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Host, Route, Router

from fixtures.b2c import AuthRequest
from fixtures.journey import Journey
from fixtures.settings import build_settings
from mocks.common import serve, tls
from tests.suite.test_app_page_shows_no_raw_token import VISIBLE_HOLDERS_JS

pytestmark = pytest.mark.browser

B2C = "contoso.b2clogin.com"
APP = "app.test"
STATE = "StateOfTheApp-0S6_WzA2Mj"
RAW_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
ANSWER = urlencode({"id_token": RAW_TOKEN, "state": STATE})
SETTLED = "<title>settled</title>"  # the app is done with the answer: what it left is what a late look at the page finds


def page_running(script: str) -> HTMLResponse:
    """An app's page whose ``script`` runs as the page is parsed, before any look of the suite's, then says it is done."""
    return HTMLResponse(f"<html><head><script>{script}; document.title = 'settled';</script></head><body>the app</body></html>")


APP_PAGES: dict[str, Callable[[Request], Response]] = {
    # MSAL.js: the answer read, the fragment cleared from the address bar and the history.
    "spa-clears": lambda _: page_running("history.replaceState(null, '', location.pathname)"),
    # A router's redirect after sign-in: the same document, another route.
    "spa-routes": lambda _: page_running("history.replaceState(null, '', '/home')"),
    # navigateToLoginRequestUrl: a new document at the page the user started from.
    "spa-moves": lambda _: page_running("location.replace('/home')"),
    # A server app: B2C's GET (or form post) answered with a 302 to its home page; the browser keeps the fragment.
    "server": lambda _: RedirectResponse("/home", status_code=302),
    "missing": lambda _: HTMLResponse(f"{SETTLED}<h1>Not found</h1>", status_code=404),  # a route the app does not have
    "broken": lambda _: HTMLResponse(f"{SETTLED}<h1>Server error</h1>", status_code=500),
    "home": lambda _: HTMLResponse(f"{SETTLED}<h1>Welcome</h1>"),
    # MSAL.js finds an answer to a request it did not make (the journey's state) and signs in again on its own: B2C answers
    # the app's own request (its session), and the app is done with that one.
    "spa-signs-in-again": lambda _: HTMLResponse(f"""<html><head><script>
      if (!sessionStorage.getItem('signing-in')) {{
        sessionStorage.setItem('signing-in', 'yes');
        const own = location.origin + location.pathname + '#id_token=the.apps.own&state=the-apps-own';
        location.replace('https://{B2C}/answer?state=the-apps-own&to=' + encodeURIComponent(own));
      }} else {{ history.replaceState(null, '', location.pathname); document.title = 'settled'; }}
    </script></head><body>the app</body></html>"""),
    # An app's route after sign-in that shows the token it kept (a developer's debug panel).
    "shows-token": lambda _: HTMLResponse(f"{SETTLED}<body><pre id='kept'></pre>"
                                          "<script>kept.textContent = sessionStorage.getItem('token')</script></body>"),
    # An app that keeps the token and moves on, and a theme script that sets <html>'s style attribute as it shows the answer.
    "keeps-token": lambda _: page_running("sessionStorage.setItem('token', new URLSearchParams(location.hash.slice(1)).get('id_token'));"
                                          "location.replace('/shows-token')"),
    "themed": lambda _: HTMLResponse("<html><head><script>document.documentElement.setAttribute('style', '--brand: teal')</script>"
                                     f"{SETTLED}</head><body><pre id='shown'></pre><script>shown.textContent = location.hash</script>"
                                     "</body></html>"),
}
RELEASED = threading.Event()  # the slow app answers once the test lets it


async def slow(_: Request) -> Response:
    await asyncio.to_thread(RELEASED.wait, 30)
    return HTMLResponse(f"{SETTLED}<p>at last</p>")


async def redirect_to_the_app(request: Request) -> Response:
    """B2C's answer: a 302 to the redirect URI, the answer in its fragment."""
    return RedirectResponse(request.query_params["to"], status_code=302)


async def post_to_the_app(request: Request) -> Response:
    """B2C's answer with response_mode=form_post: its page that posts the answer to the redirect URI as it loads."""
    fields = "".join(f'<input type="hidden" name="{name}" value="{value}">' for name, value in (("id_token", RAW_TOKEN), ("state", STATE)))
    return HTMLResponse(f'<html><body onload="document.forms[0].submit()"><form method="post" action="{request.query_params["to"]}">'
                        f"{fields}</form></body></html>")


async def leave_for(request: Request) -> Response:
    """B2C's page the browser leaves by itself (after the profile page, a journey's click): a navigation no goto waits for."""
    return HTMLResponse(f"<script>location.href = '/answer?to={quote(request.query_params['to'])}'</script>")


def app_route(name: str, page: Callable[[Request], Response]) -> Route:
    async def answer(request: Request) -> Response:
        return page(request)
    return Route(f"/{name}", answer, methods=["GET", "POST"])


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, int]]]:
    files = tls.issue_local_certificates(Path(tmp_path_factory.mktemp("tls")), [B2C, APP])
    b2c = Router([Route("/answer", redirect_to_the_app), Route("/form-post", post_to_the_app), Route("/leave", leave_for)])
    app = Router([*(app_route(name, page) for name, page in APP_PAGES.items()), Route("/slow", slow)])
    sock = serve.bind("127.0.0.1", 0)
    ready = threading.Event()
    threading.Thread(target=serve.run, args=(Starlette(routes=[Host(B2C, b2c), Host(APP, app)]), sock), daemon=True,
                     kwargs={"on_ready": ready.set, "ssl_certfile": str(files.server_cert_chain), "ssl_keyfile": str(files.server_key)}).start()
    assert ready.wait(10), "the test server did not start"
    yield {host: ("127.0.0.1", sock.getsockname()[1]) for host in (B2C, APP)}
    RELEASED.set()


@pytest.fixture
def open_page(hosts: dict[str, tuple[str, int]], launch_chromium: Any) -> Iterator[Callable[[], Page]]:
    browser = launch_chromium(hosts)
    contexts = []

    def one() -> Page:
        contexts.append(context := browser.new_context(ignore_https_errors=True))
        return context.new_page()

    yield one
    for context in contexts:
        context.close()


def journey_to(page: Page, redirect_uri: str) -> Journey:
    """A journey whose app is at ``redirect_uri`` (B2C_REDIRECT_URI), its tenant and phone stand-ins nothing answers."""
    return Journey(page, mock.MagicMock(), mock.MagicMock(), replace(build_settings({}), domain=B2C, redirect_uri=redirect_uri))


def request(redirect_uri: str, response_mode: str = "fragment") -> AuthRequest:
    return AuthRequest(policy="B2C_1_signupsignin", url=f"https://{B2C}/authorize", client_id="client-1", redirect_uri=redirect_uri,
                       nonce="n-0S6_WzA2Mj", state=STATE, response_mode=response_mode)


@pytest.mark.parametrize("app", ["spa-clears", "spa-routes", "spa-moves", "spa-signs-in-again", "server", "missing", "broken"])
def test_the_answer_b2c_sent_is_read_whatever_the_apps_page_then_did(open_page: Callable[[], Page], app: str) -> None:
    """Read once the app is done with it (a busy machine's late look): before, the page's URL was read, and the cleared
    fragment read as "B2C returned state None", the app's next page as "B2C did not redirect"."""
    page, redirect_uri = open_page(), f"https://{APP}/{app}"
    journey = journey_to(page, redirect_uri)
    journey.go(f"https://{B2C}/answer?state={STATE}&to=" + quote(f"{redirect_uri}#{ANSWER}"))  # the journey's request
    expect(page).to_have_title("settled")
    result = journey.redirect(request(redirect_uri), timeout=2_000)
    assert (result.id_token, result.state, result.carried_in) == (RAW_TOKEN, STATE, "fragment")


def test_a_form_post_the_server_app_answers_with_a_redirect_is_read_from_the_form(open_page: Callable[[], Page]) -> None:
    page, redirect_uri = open_page(), f"https://{APP}/server"
    journey = journey_to(page, redirect_uri)
    journey.go(f"https://{B2C}/form-post?to=" + quote(redirect_uri))
    expect(page).to_have_title("settled")  # at the app's home page, its URL without the answer
    result = journey.redirect(request(redirect_uri, "form_post"), timeout=2_000)
    assert (result.id_token, result.state, result.carried_in) == (RAW_TOKEN, STATE, "form_post")


def test_an_app_slow_to_answer_does_not_hold_the_answer_back(open_page: Callable[[], Page]) -> None:
    """B2C's answer is the journey's as B2C redirects: a slow app's page does not count against B2C (a journey's wait, the
    back channel's budget), nor one that does not answer within the wait (before: "B2C did not redirect")."""
    page, redirect_uri = open_page(), f"https://{APP}/slow"
    journey = journey_to(page, redirect_uri)
    RELEASED.clear()
    try:
        page.goto(f"https://{B2C}/leave?to=" + quote(f"{redirect_uri}#{ANSWER}"), wait_until="commit")
        result = journey.redirect(request(redirect_uri), timeout=2_000)
        assert not page.url.startswith(redirect_uri), "the app's page came: the test shows nothing"
    finally:
        RELEASED.set()
    assert (result.id_token, result.state) == (RAW_TOKEN, STATE)


@pytest.mark.parametrize("app", ["keeps-token", "themed"])
def test_no_page_of_the_app_shows_the_raw_token(open_page: Callable[[], Page], app: str) -> None:
    """Not the app's next route that shows the token it kept (before, only the redirect URI's pages were kept off screen),
    nor its page that sets <html>'s style attribute (before, that took the hiding off)."""
    page, redirect_uri = open_page(), f"https://{APP}/{app}"
    journey = journey_to(page, redirect_uri)
    journey.go(f"https://{B2C}/answer?to=" + quote(f"{redirect_uri}#{ANSWER}"))
    expect(page).to_have_title("settled")
    page.wait_for_load_state()  # the app's last page parsed, its scripts run
    assert RAW_TOKEN in (page.locator("#kept, #shown").first.text_content() or ""), "the app's page holds no token: the test shows nothing"
    assert page.evaluate(VISIBLE_HOLDERS_JS, RAW_TOKEN[:40]) == []
    assert journey.redirect(request(redirect_uri), timeout=2_000).id_token == RAW_TOKEN


def test_sign_out_back_to_an_app_that_moves_on_at_once_is_a_return_to_the_app(open_page: Callable[[], Page]) -> None:
    """B2C's sign-out redirect to the app's address, which answers with a redirect to its home page: the browser never shows
    the redirect URI itself (before: "B2C did not return to ... after sign-out")."""
    page, redirect_uri = open_page(), f"https://{APP}/server"
    journey = journey_to(page, redirect_uri)
    journey.b2c = b2c = mock.MagicMock()
    b2c.logout_url.return_value = f"https://{B2C}/answer?to=" + quote(redirect_uri)
    journey.sign_out("B2C_1_signupsignin")
    expect(page).to_have_url(f"https://{APP}/home")
