"""jwt.ms (or any redirect URI): what B2C sent back, a token or an error.

The real jwt.ms only guarantees ``#decodedToken``, so the raw token is read from
the URL fragment (or the query with response_mode=query), where B2C put it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fixtures.causes import PAGE_CHANGED
from pages import waiting
from pages.steps import step

# Runs before any script of every document. On the redirect URI's origin (the app's other routes too: an app of the
# team's own moves on at once, and may show the token it kept) it hides the page from its first paint (an inline
# !important style on <html>, set as soon as there is one and again whenever the app's script rewrites <html>'s style
# attribute, as a theme script does: a microtask, before any paint) and, once the document is parsed, lets only
# jwt.ms's decoded token (#decodedToken: header and claims, "[Signature]" for the signature) and a note of
# its own show: the raw token's box (and a code's) stays hidden. (A route cannot do this: B2C reaches the
# app by a 302, and redirected requests are not routed.) The URL, with what B2C put in its fragment, stays
# as it is. An error B2C sent is written in the note, as text, so the screenshots show it. Playwright's glass pane
# (x-pw-glass, where a screenshot's masks are drawn) shows too: hidden, tenant mode's screenshots showed the name claim's number.
# Hidden on <html> alone, an element of the app's with a visibility rule of its own would show (visibility is inherited,
# and a utility class such as Bootstrap's .visible undoes it): every other element is hidden too, by a sheet adopted by
# the document (no script of the app's removes it with the DOM) whose rule outweighs any of the app's sheets (the
# specificity of ten ids, through :is(); only an inline !important style would win).
ANSWER_OFF_SCREEN_JS = """(redirect => {
  if (location.origin !== new URL(redirect).origin) return;
  const shownOnly = '#decodedToken, #decodedToken *, #redirect-uri-reached, #redirect-uri-reached *, x-pw-glass';
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`:is(${'#z'.repeat(10)}, *):not(${shownOnly}) { visibility: hidden !important; }
                     ${shownOnly} { visibility: visible !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const kept = (root) => root.style.getPropertyValue('visibility') === 'hidden' && root.style.getPropertyPriority('visibility') === 'important';
  const keepHidden = (root) => { if (!kept(root)) root.style.setProperty('visibility', 'hidden', 'important'); };
  const hide = () => {
    const root = document.documentElement;
    if (!root) return false;
    keepHidden(root);
    new MutationObserver(() => keepHidden(root)).observe(root, {attributes: true, attributeFilter: ['style']});
    return true;
  };
  if (!hide()) new MutationObserver((_, watching) => hide() && watching.disconnect()).observe(document, {childList: true});
  document.addEventListener('DOMContentLoaded', () => {
    const note = document.createElement('section');
    note.id = 'redirect-uri-reached';
    note.innerHTML = '<h1>B2C sent its answer to the app</h1><p>The journeys show only the decoded token here, so that no '
      + 'screenshot, video or trace shows the raw one.</p>';
    const answer = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
    for (const name of ['error', 'error_description']) {
      if (!answer.has(name)) continue;
      const line = document.createElement('p');
      line.textContent = `${name}: ${answer.get(name)}`;
      note.append(line);
    }
    document.body.prepend(note);
  }, {capture: true});
})(%s)"""


def keep_answer_off_screen(target: Page | BrowserContext, redirect_uri: str) -> None:
    """Keep the raw token off the app's pages (``redirect_uri``'s origin) in ``target``'s documents from their first paint:
    jwt.ms shows it in a box, an app of the team's own may on its next route, and a failure's screenshot, a video or a
    trace's screencast would then carry it. Only the decoded
    token shows (what a journey may check on jwt.ms); the journeys read what B2C sent from the URL
    (``JwtMsPage.result``), which stays as it came; an error B2C sent is written on the page."""
    target.add_init_script(script=ANSWER_OFF_SCREEN_JS % json.dumps(redirect_uri))


@dataclass(frozen=True)
class RedirectResult:
    params: dict[str, str]
    carried_in: str = "fragment"  # where the answer came: the URL's "fragment" or "query", or a "form_post"

    @classmethod
    def of_url(cls, url: str) -> RedirectResult:
        """The parameters B2C sent in ``url``: fragment first (id_token flow), else the query."""
        return cls(waiting.answer_params(url, keep_blank_values=True), "fragment" if urlsplit(url).fragment else "query")

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
        self.answer_note = page.locator("#redirect-uri-reached")  # the note keep_answer_off_screen writes on the app's page
        self.shown = self.decoded_token
        self.dead_end = waiting.b2c_dead_end(page)

    @property
    def host(self) -> str:
        return urlsplit(self.redirect_uri).hostname or ""

    def is_current(self) -> bool:
        return waiting.at_address(self.page.url, self.redirect_uri)

    @step("Wait for B2C to redirect to the app")
    def wait_for_redirect(self, timeout: float = waiting.TIMEOUT_MS) -> JwtMsPage:
        """Wait on the navigation itself (no script in the page): B2C's redirect to the app commits here. Stops at once, as
        every page wait does, where the browser is at a page that never moves on (B2C's error page or MFA page, Chromium's
        page for a failed navigation), looking every ``LOOK_AGAIN_MS``; it waited the whole timeout there."""
        started = time.monotonic()
        deadline, dead_end = started + timeout / 1000, False
        while True:
            left = (deadline - time.monotonic()) * 1000
            try:
                self.page.wait_for_url(lambda url: waiting.at_address(url, self.redirect_uri), wait_until="commit",
                                       timeout=max(1.0, min(waiting.LOOK_AGAIN_MS, left)))  # Playwright reads 0 as "no timeout"
                return self
            except PlaywrightTimeoutError:
                try:
                    # Not while the page's next navigation is unanswered (B2C never answering the post that was to redirect):
                    # a look at the document waits for that navigation's document, for ever. The wait for the URL just
                    # before let its request's event in.
                    dead_end = self.page.url.startswith(waiting.CHROME_ERROR) or (
                        waiting.unanswered_navigation(self.page) is None and self.dead_end.count() > 0)
                except PlaywrightError:  # the page closed meanwhile
                    pass
                if left > waiting.LOOK_AGAIN_MS and not dead_end:
                    continue
            except PlaywrightError:  # the page closed meanwhile
                pass
            break
        expected = f"a redirect to {self.redirect_uri}"
        waited = (time.monotonic() - started) * 1000 if dead_end else timeout
        failure = waiting.not_shown(self, waited, expected, dead_end=dead_end)
        if failure.cause.name == PAGE_CHANGED:  # unless B2C kept the browser on a page of its own: its doing
            failure.cause = waiting.b2c_stayed_on_its_own_page(self.page, expected) or failure.cause
        raise failure from None

    def result(self) -> RedirectResult:
        """The parameters B2C sent: fragment first (id_token flow), else the query."""
        return RedirectResult.of_url(self.page.url)

    def decoded_token_text(self, timeout: float = waiting.TIMEOUT_MS) -> str:
        waiting.wait_until_shown(self, timeout)
        return self.decoded_token.inner_text()
