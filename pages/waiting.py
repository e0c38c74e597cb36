"""One wait policy for every page object: one timeout unit, and no wait that ends in a bare timeout.

A page object publishes what "shown" means for its screen (``shown``, a locator, and ``SHOWN``,
those words for messages) and what a dead end is (``dead_end``: a page that will not move on by
itself, e.g. B2C's error page). ``wait_until_shown`` (and ``wait_until``, which every element wait
shares) stops at whichever comes first, or at a page that never moves on (Chromium's error page, an
error sent to the app); when the page is not shown it raises a ``JourneyFailure`` naming the page that
was expected, the element, and what the browser shows instead, with its cause: the dead end's (B2C's
error code), the network's when the browser's requests failed for want of it meanwhile
(``watch_network``), or "page changed" (which a caller that waited for B2C to move on may read as a
broken promise: ``b2c_stayed_on_its_own_page``). ``follow_navigations`` follows documents instead. A page that does
not answer at all (its script never yields, its next document never comes) is named by ``stopped_answering``, from what
Playwright knows without asking the page: Playwright's looks without a timeout would wait for it forever.
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fixtures.addresses import at_address as at_address  # the page objects say it as waiting.at_address
from fixtures.b2c_cookies import lost_on_the_way_back
from fixtures.causes import (
    AADB2C_CODE,
    BROKEN_PROMISE,
    GUID,
    INFRASTRUCTURE,
    MOBILE_ID_ERROR,
    MOBILE_ID_OUTCOME,
    OTHER,
    PAGE_CHANGED,
    TENANT_CONFIGURATION,
    Cause,
    JourneyFailure,
    b2c_error_code,
    browser_network_cause,
    host_of,
    host_stopped_answering,
    is_infrastructure,
)

# Every wait of the page objects and journeys, in Playwright's unit (milliseconds). Waits for a person
# (MOBILEID_APPROVAL_TIMEOUT) are settings in seconds and converted once, where they are read.
TIMEOUT_MS = 15_000

# At most how long a page wait lets the document finish loading before it looks for the page's element anyway.
LOAD_FIRST_MS = 5_000

# How long a page gets to answer one look before it is said not to answer (``stopped_answering``): as long as a wait lets
# a document load first. A healthy page answers in milliseconds, on a busy machine too.
ANSWER_MS = 5_000

B2C_ERROR_PAGE_ROOT = '#api[data-name="GlobalException"], #api.error-page-content'
# B2C's MFA page (content definition api.phonefactor; reference b2c.md 1.6): a policy's PhoneFactor step, e.g. the
# SocialAndLocalAccountsWithMfa starter pack's PhoneFactor-InputOrVerify after every sign-in. The journeys sign in with
# Mobile ID only and verify no phone by SMS or call: for them it is a dead end, said plainly.
B2C_MFA_PAGE_ROOT = '#api[data-name="Phonefactor"]'
MFA_PAGE = ("B2C's MFA page (phone verification: the policy's journey has an MFA step, e.g. the MFA starter pack's "
            "PhoneFactor-InputOrVerify; the journeys do not do MFA: run them against a relying party without MFA steps)")
MFA_CAUSE = "B2C asks for MFA (its phone verification page): the policy's journey has an MFA step, which the journeys do not do"
# What ends every B2C and Mobile ID screen's wait, and the wait for B2C's redirect (fixtures/journey.py STOPPED).
B2C_DEAD_END = f"{B2C_ERROR_PAGE_ROOT}, {B2C_MFA_PAGE_ROOT}"
# Chromium's page for a navigation that failed (a refused connection, a name not resolved). Firefox and WebKit show
# theirs under other addresses: there only NetworkWatch (the failed requests) tells the network's failure.
CHROME_ERROR = "chrome-error:"


class PageObject(Protocol):
    """What the waits read of a page object (read-only, so a page whose dead end is always a Locator fits)."""

    NAME: str  # the screen in words: "B2C's sign-in page"
    SHOWN: str  # the element that means shown, for messages

    @property
    def page(self) -> Page: ...

    @property
    def shown(self) -> Locator: ...

    @property
    def dead_end(self) -> Locator | None: ...  # the page the browser goes to instead, ending the wait early


def shown_text(element: Locator) -> str | None:
    """``element``'s text as a person sees it, without surrounding blanks; None when it is missing or not visible (its
    text would still be in the DOM, and ``inner_text`` reads a hidden element's too)."""
    return element.inner_text().strip() if element.count() and element.is_visible() else None


def url_without_fragment(url: str) -> str:
    """The URL as a report may show it: the fragment carries tokens, the query stays."""
    return url.split("#", 1)[0]


def answer_params(url: str, keep_blank_values: bool = False) -> dict[str, str]:
    """The parameters of ``url``'s fragment, else of its query: where B2C puts its answer (or error) for the app. Not at
    B2C's own ``/oauth2/authresp``, where an identity provider's error arrives (Mobile ID answering in the query) and B2C
    may then show a page of its own: that is no error sent to the app."""
    parts = urlsplit(url)
    if parts.path.lower().endswith("/oauth2/authresp"):
        return {}
    return {k: v[0] for k, v in parse_qs(parts.fragment or parts.query, keep_blank_values=keep_blank_values).items()}


def at_dead_end(page: Page) -> tuple[str, Cause] | None:
    """The screen in words and its cause when the browser is at a page that never moves on by itself (B2C's error page, an
    error sent to the app, Chromium's page for a failed navigation), else None; unlike ``what_the_browser_shows``, failed
    requests of a page still open (a long-poll that may be retried) are no dead end."""
    words, cause = _screen(page)
    return (words, cause) if cause is not None else None


def what_the_browser_shows(page: Page) -> tuple[str, Cause | None]:
    """The screen in words, and the cause when it is a dead end (B2C's error page, an error redirect), the network
    failed the journey's requests while the browser showed it (``NetworkWatch``), the page does not answer
    (``stopped_answering``: the looks below would wait for it forever), or it is a page none of the page objects knows
    whose own host left its parts unanswered (``stalled_parts``: that host stopped answering), or B2C left a request of
    its page unanswered (``b2c_request_unanswered``: B2C stopped answering)."""
    if (hung := stopped_answering(page)) is not None:
        return hung
    words, cause = _screen(page)
    if cause is None and (network := network_meanwhile(page, words)) is not None:
        return words + network[0], network[1]
    if cause is None and (parts := parts_not_loaded(page)) is not None:
        return words + parts[0], parts[1]
    return words, cause


def network_meanwhile(page: Page, words: str) -> tuple[str, Cause] | None:
    """What the network did to the page the browser shows (``words``: ``_screen``'s), in the words a message adds, and its
    cause: the journey's requests failed (``network_failure``); a page none of the page objects knows whose own host left
    the parts it is drawn with unanswered (``stalled_parts``: that host stopped answering after its document came); any
    page whose own request to B2C (its profile page's POST) went unanswered (``b2c_request_unanswered``); else None."""
    if (failed := network_failure(page)) is not None:
        return meanwhile(page, failed), failed
    if words.startswith(url_without_query(page.url)) and (stalled := stalled_parts(page)) is not None:
        return stalled
    return b2c_request_unanswered(page)


# A request the browser gave up on as its page left, in each browser's words (Playwright's request.failure): Chromium's,
# Firefox's, WebKit's. No part of the page that failed to load.
ABORTED = re.compile(r"net::ERR_ABORTED|NS_BINDING_ABORTED|^(?:Load request )?cancelled$", re.IGNORECASE)


def is_abort(error: str) -> bool:
    return ABORTED.search(error) is not None


def parts_not_loaded(page: Page) -> tuple[str, Cause | None] | None:
    """When parts the page is built with (``BUILT_WITH``) did not load (``NetworkWatch.broken_parts``: an HTTP error, or
    the browser refused them): the words a stuck journey's message adds (the first, and how many more: B2C's and Mobile
    ID's pages are built by their scripts, and without them nothing a wait looks for comes), and the cause where the words
    give one: the part's server's outage (5xx, as a document's); else None, the page's cause as it was (a page that
    changed: a part refused here, by a blocker or a policy, is no service's doing). None when every part loaded."""
    watch = _WATCHES.get(page)
    if watch is None or not watch.broken_parts:
        return None
    (url, why), more = next(iter(watch.broken_parts.items())), len(watch.broken_parts) - 1
    words = f"; parts of the page did not load: {url} ({why}){f', and {more} more' if more else ''}"
    status = re.search(r"HTTP (\d+)", why)
    if status and int(status.group(1)) >= 500:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        return words, Cause(INFRASTRUCTURE, f"{origin} answered HTTP {status.group(1)} for a part of its page")
    return words, None


# How long a part of a page (its scripts, stylesheets, fonts, images) from the page's own host may go unanswered before
# the host is said not to answer: as long as a page gets to answer a look. A healthy host answers them in milliseconds;
# Mobile ID's long-poll of its waiting page (a fetch, held open until the phone answers) is no part of a page.
# B2C's own requests of its pages (``B2C_REQUESTS``) get as long.
STALLED_PART_MS = ANSWER_MS
# What a page is drawn with (Playwright's resource types): one that does not load leaves the page broken or unbuilt.
PAGE_PARTS = frozenset({"stylesheet", "script", "font", "image"})
# A page's own requests by script (Playwright's resource types): B2C's pages send what the user entered this way (the
# profile page's POST .../SelfAsserted) and move on only once B2C answers. Only those to B2C's host count: B2C holds none
# open, whereas Mobile ID's waiting page holds its long-poll open for as long as the phone takes, which is healthy.
B2C_REQUESTS = frozenset({"xhr", "fetch"})
# What builds and shows a page (Playwright's resource types): without its script, B2C's hosted pages and Mobile ID's are
# never built; without its stylesheet, what the page hides shows and the other way round. A missing image or font is
# a blemish a journey's wait does not hinge on.
BUILT_WITH = frozenset({"script", "stylesheet"})


def stalled_parts(page: Page) -> tuple[str, Cause] | None:
    """When the host of the page's document has left parts of it (``PAGE_PARTS``) unanswered ``STALLED_PART_MS`` or longer
    (``NetworkWatch``): what the browser waits for, in words, and the cause (that host stopped answering); else None."""
    watch = _WATCHES.get(page)
    host = urlsplit(page.url).hostname if page.url.startswith(("https:", "http:")) else None
    if watch is None or not host:
        return None
    pending = watch.unanswered(host, PAGE_PARTS, STALLED_PART_MS / 1000)
    return (_still_waiting(pending, "parts"), host_stopped_answering(host_of(page.url))) if pending else None


def b2c_request_unanswered(page: Page) -> tuple[str, Cause] | None:
    """When the page's requests by script to B2C's host (``B2C_REQUESTS``; the host ``watch_network`` was told) have gone
    unanswered ``STALLED_PART_MS`` or longer: what the browser waits for, in words, and the cause (B2C stopped answering);
    else None, and always on a page whose watch was told no B2C host."""
    watch = _WATCHES.get(page)
    if watch is None or not watch.b2c_host:
        return None
    pending = watch.unanswered(watch.b2c_host, B2C_REQUESTS, STALLED_PART_MS / 1000)
    return (_still_waiting(pending, "requests"), host_stopped_answering(host_of(pending[0][0]))) if pending else None


def _still_waiting(pending: list[tuple[str, float]], kind: str) -> str:
    """What a stuck journey's message adds for requests left unanswered (``NetworkWatch.unanswered``): the one waited for
    longest, and how many more of its ``kind``."""
    (first, waited), more = pending[0], len(pending) - 1
    return f"; still waiting for {first} ({waited:.0f} s without an answer{f', and {more} more of its {kind}' if more else ''})"


def answers(page: Page, timeout: float | None = None) -> bool:
    """Whether the page's document answers a look within ``timeout`` ms (``ANSWER_MS``). Playwright's looks without a
    timeout of their own (``count()``, ``content()``, ``title()``, ``evaluate()``) wait forever on a page whose script
    never yields or whose next document never comes; this one has one. A page that closed meanwhile is no page that
    hangs: True, and the next look says what it is."""
    try:
        page.locator(":root").wait_for(state="attached", timeout=ANSWER_MS if timeout is None else timeout)
    except PlaywrightTimeoutError:
        return False
    except PlaywrightError:
        pass
    return True


def stopped_answering(page: Page) -> tuple[str, Cause] | None:
    """None when the page answers a look (``answers``); else what the browser shows in words and the cause, from what
    Playwright knows without the page's renderer: the URL of the last document that came, and the navigation the
    browser still waits for (``NetworkWatch``). A navigation nobody answers is the way to its server, as Chromium's own
    ``net::ERR_TIMED_OUT`` would later say (infrastructure); a document that came and does not answer is the page's
    own script that never yields: its site's doing (a broken promise), which another attempt meets again."""
    if answers(page):
        return None
    waited = f"{ANSWER_MS / 1000:g} s"
    shows = url_without_query(page.url)
    if (pending := unanswered_navigation(page)) is not None:
        return (f"{shows}, still waiting for {url_without_query(_WATCHES[page].navigating or '')} to answer its navigation "
                f"(the page did not answer a look within {waited})", pending)
    if answers(page):  # a second look: a renderer a loaded machine slowed answers late, one that never yields never
        return None
    watch = _WATCHES.get(page)
    if watch is not None and watch.document_status == (shows, 407):  # no script of the site's: the browser awaits a password
        return (f"{shows}, which the browser's proxy answered HTTP 407 Proxy Authentication Required (the page then waits for "
                "a password nobody gives)", Cause(OTHER, PROXY_ASKS_FOR_A_PASSWORD))
    unknown = "" if page in _WATCHES else ", or a navigation that never came"
    return (f"{shows}, which did not answer two looks of {waited} each (a script of the page that never yields{unknown})",
            Cause(BROKEN_PROMISE, f"the page at {shows} stopped answering"))


# A company proxy's 407 to the browser: the run's settings (not retried: every attempt meets it), not the site's broken promise.
PROXY_ASKS_FOR_A_PASSWORD = ("the browser's proxy asks for a user name and password (HTTP 407): give the right ones in "
                             "E2E_BROWSER_PROXY's URL, http://user:password@proxy:port (a browser takes none from HTTPS_PROXY)")


def _screen(page: Page) -> tuple[str, Cause | None]:
    # Each screen by its page object's own selectors and name; imported here, as the page objects import this module.
    from pages.b2c_error import B2CErrorPage
    from pages.b2c_self_asserted import B2CSelfAssertedPage
    from pages.b2c_unified import B2CSignUpOrSignInPage
    from pages.mobileid_login import MobileIDLoginPage

    url = page.url
    if url.startswith(CHROME_ERROR):  # the next document never came: Chromium shows its own page for that
        # The network's failure is infrastructure; another (a redirect loop, a response Chromium refuses) is a finding.
        navigation = failed_navigation(page)
        if navigation is None:  # a page no one watched: no request to name
            failed = Cause(OTHER, "a navigation failed: the browser shows its own error page")
        elif is_infrastructure(navigation.error):  # as network_failure says it
            failed = browser_network_cause(navigation.error, navigation.url)
            # The words say which request: the cause may name its host only (one line for all of its requests).
            return f"Chromium's page for a navigation that failed ({url}: {navigation.error} at {navigation.url})", failed
        else:  # the navigation's own error, not an earlier refused poll's
            failed = Cause(OTHER, f"a navigation failed: {navigation.error} at {navigation.url}")
        return f"Chromium's page for a navigation that failed ({url}: {failed.detail})", failed
    try:
        error_root = page.locator(B2C_ERROR_PAGE_ROOT).first
        if error_root.count():
            detail = " ".join(error_root.locator(".error-page-detail").inner_text().split())
            match = AADB2C_CODE.search(detail)
            correlation = GUID.search(" ".join(error_root.locator(".error-page-correlationid").all_inner_texts()))
            words = f"{B2CErrorPage.NAME} ({detail!r}, correlation ID {correlation.group(0) if correlation else 'none'})"
            if (lost := lost_on_the_way_back(page)) is not None:  # B2C's code is the symptom; its cookies, the cause
                return words + lost[0], lost[1]
            return words, b2c_error_code(match.group(0) if match else None, detail, redirected=False)
        if page.locator(B2C_MFA_PAGE_ROOT).count():
            return MFA_PAGE, Cause(TENANT_CONFIGURATION, MFA_CAUSE)
        params = answer_params(url)
        if "error" in params:
            description = params.get("error_description", "")
            code = AADB2C_CODE.search(description)
            words = f"{url_without_fragment(url)}, which B2C sent {params['error']}: {description.splitlines()[0] if description else ''!r}"
            return words, b2c_error_code(code.group(0) if code else None, f"{params['error']}: {description}", redirected=True)
        if page.locator(B2CSelfAssertedPage.ROOT).count():
            return B2CSelfAssertedPage.NAME, None
        if page.locator(B2CSignUpOrSignInPage.ROOT).count():
            return B2CSignUpOrSignInPage.NAME, None
        if page.locator(MobileIDLoginPage.CONSENT_FORM).count():
            return MobileIDLoginPage.CONSENT_NAME, None
        if page.locator(MobileIDLoginPage.WAITING).count():
            return MobileIDLoginPage.WAITING_NAME, None
        if page.locator(MobileIDLoginPage.ERROR).count():
            # Mobile ID refused the request before any page of its sign-in: nothing moves the browser on. Its code without the
            # trace, as for the real service's page below: one cause for every journey that met it.
            said = " ".join(page.locator(MobileIDLoginPage.ERROR).inner_text().split())
            where = url_without_query(url)
            code = MOBILE_ID_ERROR.search(said)
            return (f"{MobileIDLoginPage.ERROR_NAME} ({said!r})",
                    Cause(MOBILE_ID_OUTCOME, f"{code.group(0) if code else 'its error page'} (at {where})"))
        if page.locator(MobileIDLoginPage.NUMBER_FORM).count():
            alert = page.locator(MobileIDLoginPage.NUMBER_ERROR)
            return MobileIDLoginPage.NAME + (f" saying {alert.inner_text().strip()!r}" if alert.count() else ""), None
        title = page.title()
        # No screen of ours, but Mobile ID's error code (an answer to the number form that is only an error, the real
        # service's own error page): Mobile ID has ended the sign-in there, and nothing moves the browser on.
        said = " ".join(page.locator("body").inner_text().split()) if page.locator("body").count() else ""
        if code := MOBILE_ID_ERROR.search(said):
            where = url_without_fragment(url).split("?")[0]
            return f"{where}, which shows Mobile ID's {code.group(0)} ({said[:200]!r})", Cause(MOBILE_ID_OUTCOME, f"{code.group(0)} (at {where})")
    except PlaywrightError:
        title = ""
    # Without its query (a nonce, a state: every journey's own, which would make one outage a cause per journey).
    shows, watch = url_without_query(url), _WATCHES.get(page)
    status = watch.document_status[1] if watch and watch.document_status and watch.document_status[0] == shows else None
    said = ", ".join(part for part in (f"HTTP {status}" if status and status >= 400 else "", f"title {title!r}" if title else "") if part)
    if status and status >= 500:  # the service's outage (a tenant's 503 page): as a discovery's 5xx is, not a page that changed
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        return f"{shows} ({said})", Cause(INFRASTRUCTURE, f"{origin} answered HTTP {status} ({title or 'no title'})")
    return shows + (f" ({said})" if said else ""), None


# How long a retried request must stand without failing to take its URL's failure back: a refused retry's failure
# reaches the suite a moment after its request (through the suite's own route handlers, on a busy machine), and a healthy
# long-poll stands for many seconds.
RETRY_STANDS_S = 1.0


@dataclass(frozen=True)
class NetworkFailure:
    url: str  # without its query: it may hold a code
    error: str  # Chromium's words: net::ERR_CONNECTION_REFUSED


class NetworkWatch:
    """The requests a page could not make for want of the machine or the network (fixtures.causes.is_infrastructure:
    a refused connection, a name that does not resolve, a certificate) since the document it shows came, of the
    journey's own: a navigation of the page, or any request to a host whose document the page showed. A stack or service
    that went away mid-journey leaves the browser on its last page (the waiting page's long-poll failing, a form post
    refused), and a wait that then runs out is the network's failure, not a changed page. Only a URL's latest attempt
    counts: a new request to it takes its earlier failure back once it is answered or has stood ``RETRY_STANDS_S`` (the
    waiting page retries its long-poll, which a healthy service holds open until the phone answers: one refused poll is
    not the network gone; a retry refused in turn fails within that time, and one just sent proves nothing yet). A host
    the page never showed (a blocked analytics beacon, a third-party frame) is not the journey's."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.b2c_host: str | None = None  # the run's B2C host (its b2clogin.com name or custom domain): b2c_request_unanswered
        self.failures: dict[str, NetworkFailure] = {}  # by URL, the latest last; since the page's document came
        self.retried: dict[str, float] = {}  # by URL: when a request to it was last sent (monotonic), since it last failed
        self.failed_navigation: NetworkFailure | None = None  # the page's last navigation that failed, for whatever reason
        self.document_status: tuple[str, int] | None = None  # the last document's URL (without query) and its HTTP status
        self.shown_hosts: set[str] = set()
        # The scripts and stylesheets of the page's document (``BUILT_WITH``) that did not load: an HTTP error, or the browser
        # refusing them (blocked, a CORS or content policy); by URL without query, "script, HTTP 404". Since the document came.
        self.broken_parts: dict[str, str] = {}
        self._document = ""
        self._navigation: Request | None = None  # the page's navigation whose document has not come yet
        self._answered_navigation: Request | None = None  # answered, its document not come (yet, or ever: a 204, a download)
        self._unanswered: dict[Request, float] = {}  # requests sent (monotonic) that neither an answer nor a failure ended yet
        page.on("framenavigated", lambda frame: self._committed(frame.url) if frame == page.main_frame else None)
        page.on("request", self._attempt)  # already sent to the suite (the federation check listens to it too)
        page.on("requestfailed", self._failed)
        page.on("response", self._answered)

    @property
    def navigating(self) -> str | None:
        """The URL of the page's navigation the browser still waits for (its document has not come), else None."""
        return self._navigation.url if self._navigation is not None else None

    def _committed(self, url: str) -> None:
        if url.startswith(CHROME_ERROR):  # Chromium's page for a navigation that failed: still the failure's document
            self._navigation = None
            return
        if url_without_query(url) == self._document and "#" in url:  # a fragment change: the same document
            return
        self._navigation = self._answered_navigation = None  # its document came
        self._document = url_without_query(url)
        self.shown_hosts.add(urlsplit(url).hostname or "")
        self.failures.clear()
        self.retried.clear()
        self.broken_parts.clear()
        self.failed_navigation = None

    def unanswered(self, host: str, kinds: frozenset[str], for_s: float) -> list[tuple[str, float]]:
        """The requests of ``kinds`` (Playwright's resource types) to ``host`` sent ``for_s`` seconds ago or longer that have
        had no answer yet: their URLs without query, and how long each has waited, the longest first."""
        now = time.monotonic()
        parts = []
        for request, sent in list(self._unanswered.items()):
            try:
                if now - sent >= for_s and request.resource_type in kinds and urlsplit(request.url).hostname == host:
                    parts.append((url_without_query(request.url), now - sent))
            except PlaywrightError:
                continue
        return sorted(parts, key=lambda part: -part[1])

    def _attempt(self, request: Request) -> None:
        self.retried[url_without_query(request.url)] = time.monotonic()
        self._unanswered[request] = time.monotonic()
        if self._is_navigation(request):
            self._navigation = request

    def _is_navigation(self, request: Request) -> bool:
        try:  # an event handler that raises would surface at the journey's next call, far from here
            return request.is_navigation_request() and request.frame == self.page.main_frame
        except PlaywrightError:
            return False

    def _answered(self, response: Response) -> None:  # the URL was reached: its failure is taken back
        self._unanswered.pop(response.request, None)
        if response.request is self._navigation:  # answered, though its document may not come (a download, a 204): not hung
            self._navigation = None  # (not requestfinished: one more event a request, on every journey's way)
            self._answered_navigation = response.request
            self.document_status = (url_without_query(response.url), response.status)
        url = url_without_query(response.url)
        self.failures.pop(url, None)
        self.retried.pop(url, None)
        if response.status >= 400:
            self._broken_part(response.request, f"HTTP {response.status}")

    def _broken_part(self, request: Request, why: str) -> None:
        """Note ``request`` as a part of the page that did not load (``why``: its status or the browser's error), if it is one:
        a script or stylesheet of the page's own document (not a frame's)."""
        try:
            if request.resource_type in BUILT_WITH and request.frame == self.page.main_frame:
                self.broken_parts[url_without_query(request.url)] = f"{request.resource_type}, {why}"
        except PlaywrightError:
            return

    def current_failures(self) -> list[NetworkFailure]:
        """The failures no later request to the same URL has taken back (``RETRY_STANDS_S``), the latest last."""
        now = time.monotonic()
        return [failure for url, failure in self.failures.items() if now - self.retried.get(url, now) < RETRY_STANDS_S]

    def _failed(self, request: Request) -> None:
        try:  # an event handler that raises would surface at the journey's next call, far from here
            error, url = request.failure or "", url_without_query(request.url)
        except PlaywrightError:
            return
        self._unanswered.pop(request, None)
        navigation = self._is_navigation(request)
        if navigation and (request is self._navigation or request is self._answered_navigation):
            # Only a navigation whose document has not come: unanswered, or answered with none (a 204, a download:
            # net::ERR_ABORTED). One whose document came still loading is cut short (net::ERR_ABORTED) as the next page
            # commits, after that navigation's own failure had been noted.
            self.failed_navigation = NetworkFailure(url, error)
            self._navigation = self._answered_navigation = None
        self.retried.pop(url, None)  # this attempt failed: none stands
        if not is_infrastructure(error) and not is_abort(error):  # the network's failure is said apart; a page leaving aborts its parts
            self._broken_part(request, error)
        if is_infrastructure(error) and (navigation or urlsplit(url).hostname in self.shown_hosts):
            self.failures.pop(url, None)  # the latest last
            self.failures[url] = NetworkFailure(url, error)


def url_without_query(url: str) -> str:
    """``url`` without its query and fragment: a page's address as a message may show it (a query may hold a number)."""
    return url.split("?", 1)[0].split("#", 1)[0]


_WATCHES: weakref.WeakKeyDictionary[Page, NetworkWatch] = weakref.WeakKeyDictionary()


def watch_network(page: Page, b2c_host: str | None = None) -> NetworkWatch:
    """Start noting ``page``'s failed requests (``NetworkWatch``) for its waits' failures; once per page. ``b2c_host``: the
    run's B2C host, whose requests by script the page's waits then count as B2C's answers (``b2c_request_unanswered``)."""
    if page not in _WATCHES:
        _WATCHES[page] = NetworkWatch(page)
    if b2c_host:  # told late too: a page watched before its journey was made
        _WATCHES[page].b2c_host = b2c_host.lower()
    return _WATCHES[page]


def failed_navigation(page: Page) -> NetworkFailure | None:
    """The page's last navigation that failed (Chromium showing its own page), whatever the reason; None if none did."""
    watch = _WATCHES.get(page)
    return watch.failed_navigation if watch else None


def unanswered_navigation(page: Page) -> Cause | None:
    """The navigation the browser still waits for an answer to (``NetworkWatch``), as infrastructure: its host stopped
    answering (``host_stopped_answering``: the same line as the suite's own requests to it that timed out, whichever page
    it was), as ``stopped_answering`` says it; None when there is none, or the page has no watch."""
    watch = _WATCHES.get(page)
    if watch is None or (navigation := watch.navigating) is None:
        return None
    return host_stopped_answering(host_of(navigation))


def network_failure(page: Page) -> Cause | None:
    """The network's failure, if the journey's requests failed for want of it while the browser showed this document
    (the latest; the same words for every journey that met it, so the report groups them)."""
    failures = _WATCHES[page].current_failures() if page in _WATCHES else []
    if not failures:
        return None
    # Chromium's error where it failed, but a timeout or a refused connection: that host's line (one a host, as a
    # navigation nobody answers is: ``unanswered_navigation``).
    return browser_network_cause(failures[-1].error, failures[-1].url)


def meanwhile(page: Page, cause: Cause) -> str:
    """What a stuck journey's message adds when the network failed its requests: the latest failed request, Chromium's
    error and where (the cause says its host only, where the error is the host's: one line in the report for all of its
    requests; the message says which one), else the cause's words."""
    failures = _WATCHES[page].current_failures() if page in _WATCHES else []
    said = f"{failures[-1].error} at {failures[-1].url}" if failures else cause.detail
    return f"; meanwhile its requests failed: {said}"


def b2c_stayed_on_its_own_page(page: Page, expected: str) -> Cause | None:
    """When B2C was to take the browser to ``expected`` (its redirect to the app, its next page) and it shows one of B2C's
    own pages the page objects know, as B2C means it to be filled in (its sign-in page again, its profile page without an
    error on it): a broken promise, B2C's doing (a journey that loses Mobile ID's error and starts over), not a page the
    suite no longer knows ("page changed"). Else None: a profile page with an error may ask for what the page objects do
    not fill in (a new required attribute)."""
    from pages.b2c_self_asserted import B2CSelfAssertedPage
    from pages.b2c_unified import B2CSignUpOrSignInPage

    try:
        profile = B2CSelfAssertedPage(page)
        if page.locator(B2CSignUpOrSignInPage.ROOT).count():
            stayed = B2CSignUpOrSignInPage.NAME
        elif profile.is_shown() and not profile.visible_errors():
            stayed = B2CSelfAssertedPage.NAME
        else:
            return None
    except PlaywrightError:  # the page went meanwhile
        return None
    return Cause(BROKEN_PROMISE, f"expected {expected}; the browser shows {stayed}")


# Playwright's words for a page whose context or browser went, as fixtures.causes files them (one cause for the run's).
PAGE_CLOSED = "Target page, context or browser has been closed"


def not_shown(page_object: PageObject, waited_ms: float, what: str | None = None, *, dead_end: bool = False) -> JourneyFailure:
    """The failure for a page that did not come: expected page and element, and where the browser is; ``dead_end``:
    the page's dead end stopped the wait after ``waited_ms``, not its timeout. A page that closed meanwhile (its context or
    browser gone: closed, crashed, disconnected) shows nothing: said so, with the address it had, and filed as Playwright's
    own words for it are (``fixtures.causes.classify_text``), not as a page that changed."""
    expected = what or f"{page_object.NAME} ({page_object.SHOWN})"
    if page_object.page.is_closed():
        return JourneyFailure(f"expected {expected}; the browser's page closed before it came (its page, context or browser closed: "
                              f"{PAGE_CLOSED}); its last address was {url_without_query(page_object.page.url)}",
                              cause=Cause(INFRASTRUCTURE, PAGE_CLOSED))
    shows, cause = what_the_browser_shows(page_object.page)
    waited = f"; after {waited_ms / 1000:.1f} s the wait stopped at a dead end" if dead_end else f" within {waited_ms / 1000:g} s"
    message = f"expected {expected}{waited}; the browser shows {shows}"
    if cause is None:
        cause = Cause(PAGE_CHANGED, f"{type(page_object).__name__} expected {what or page_object.SHOWN}; the browser shows {shows}")
    return JourneyFailure(message, cause=cause)


# Playwright's call log line for a click or tap delivered to the page: after it, an action's timeout is the navigation it
# started, not the element.
ACTION_DONE = ("click action done", "tap action done")


def act(page_object: PageObject, element: Locator, what: str, action: Callable[[float], object], timeout: float = TIMEOUT_MS,
        *, ready: Literal["clickable", "editable"] = "clickable") -> None:
    """Do ``action`` (given ``timeout`` ms: a click, a tap, a fill or a key press on ``element``, ``what`` in words) as every
    wait of the page objects ends: where Playwright's own wait for the element runs out (not there, hidden, disabled,
    read-only, covered), a JourneyFailure (``not_shown``) naming the element, what kept it from being ``ready`` and where
    the browser is, not Playwright's bare timeout and call log; an action done whose navigation never finished, said so."""
    try:
        action(timeout)
    except PlaywrightTimeoutError as error:
        hear_events(page_object.page)  # a navigation the action started, not heard yet: looks at the page would wait for it
        if any(done in str(error) for done in ACTION_DONE) or unanswered_navigation(page_object.page) is not None:
            # Done (a key press names no "action done"), and the navigation it started never finished: the page is going
            raise not_shown(page_object, timeout, f"the page {what} leads to (it was used; the navigation it started did not "
                                                  "finish)") from None
        raise not_shown(page_object, timeout, f"{what} {ready}{_not_ready(page_object.page, element, ready)}") from None


def _not_ready(page: Page, element: Locator, ready: Literal["clickable", "editable"]) -> str:
    """Why ``element`` is not ``ready``, in words for a message (" (it is there, but disabled)"); "" when the page does not
    say (it went meanwhile, or does not answer a look: ``answers``), and the message's "the browser shows" says the rest."""
    if not answers(page):  # its script never yields: the looks below would wait for ever
        return ""
    try:
        if not element.count():
            return " (it is not in the page)"
        if not element.first.is_visible():
            return " (it is there, but hidden)"
        if not element.first.is_enabled(timeout=ANSWER_MS):
            return " (it is there, but disabled)"
        if ready == "editable" and not element.first.is_editable(timeout=ANSWER_MS):
            return " (it is there, but read-only)"
    except PlaywrightError:
        return ""
    return " (it is there, visible and enabled, but covered by another element or never still)"


def wait_until_shown(page_object: PageObject, timeout: float = TIMEOUT_MS, state: Literal["attached", "visible"] = "visible") -> None:
    """Wait until ``page_object.shown`` is in ``state``, stopping early at the page's dead end (once it is in the page)
    or any page that never moves on (``wait_until``).

    The document's load event comes first, for at most half the wait and ``LOAD_FIRST_MS``: a locator's
    wait that starts before the page is there looks again only 20, 50, then 100 ms later (Playwright's
    back-off), so it sees the page up to that late; the first look after load is at once (B2C builds its
    pages by script after load: the emulator in the next event-loop task, the real service up to seconds later, which
    the locator's wait then covers). A page still loading then (a hung third-party script) is looked at without waiting
    further. One wait covers both ends: an element of the page in ``state`` (a hidden one ahead of it in the
    page does not hold the wait) or the dead end.
    """
    shown = page_object.shown.filter(visible=True) if state == "visible" else page_object.shown
    target = shown if page_object.dead_end is None else shown.or_(page_object.dead_end)
    started = time.monotonic()
    try:
        page_object.page.wait_for_load_state("load", timeout=max(1.0, min(timeout / 2, LOAD_FIRST_MS)))
    except PlaywrightError:
        pass
    wait_until(page_object, target.first, "attached", timeout, started=started)
    try:
        at_dead_end = page_object.dead_end is not None and page_object.dead_end.count() > 0 and not shown.count()
    except PlaywrightError:  # the page closed meanwhile
        raise not_shown(page_object, timeout) from None
    if at_dead_end:
        raise not_shown(page_object, (time.monotonic() - started) * 1000, dead_end=True)


def wait_until_visible(page_object: PageObject, element: Locator, timeout: float, what: str) -> None:
    """Wait until ``element`` (of ``page_object``'s page, ``what`` in words) is visible; as ``wait_until``."""
    wait_until(page_object, element, "visible", timeout, what)


LOOK_AGAIN_MS = 200  # how often a document that has loaded is looked at again while the browser stays on it


def wait_until(page_object: PageObject, element: Locator, state: Literal["attached", "visible"], timeout: float,
               what: str | None = None, *, started: float | None = None) -> None:
    """The page waits' one policy: wait until ``element`` is in ``state``, within ``timeout`` ms of ``started`` (now
    by default). Stops early, looking every ``LOOK_AGAIN_MS``, once the browser is at a page that never moves on
    (``_never_moves_on``: Chromium's page for a failed navigation, which no locator can wait for, an error sent to the
    app, the page object's dead end); a JourneyFailure (``not_shown``) saying where it is."""
    started = time.monotonic() if started is None else started
    deadline = started + timeout / 1000
    while True:
        left = (deadline - time.monotonic()) * 1000
        try:
            element.wait_for(state=state, timeout=max(1.0, min(LOOK_AGAIN_MS, left)))  # Playwright reads 0 as "no timeout"
            return
        except PlaywrightError as error:
            if not isinstance(error, PlaywrightTimeoutError) or left <= LOOK_AGAIN_MS:  # the page closed, or the time is up
                raise not_shown(page_object, timeout, what) from None
        try:
            stopped = _never_moves_on(page_object) and not _is_in_state(element, state)  # the element may have come since the look
        except PlaywrightError:  # the page closed meanwhile
            raise not_shown(page_object, timeout, what) from None
        if stopped:
            raise not_shown(page_object, (time.monotonic() - started) * 1000, what, dead_end=True)


def _never_moves_on(page_object: PageObject) -> bool:
    """Whether the browser is at a page that never moves on by itself, for ``page_object``: Chromium's page for a failed
    navigation, an error sent to the app (both by the URL alone), or the page object's own dead end. Not B2C's error page
    as such: it is the page ``B2CErrorPage`` waits for, which B2C may still be building."""
    url = page_object.page.url
    if url.startswith(CHROME_ERROR) or "error" in answer_params(url):
        return True
    return page_object.dead_end is not None and page_object.dead_end.count() > 0


def _is_in_state(element: Locator, state: Literal["attached", "visible"]) -> bool:
    return element.is_visible() if state == "visible" else element.count() > 0


def follow_navigations(page: Page, arrived_at: Callable[[str], bool], selector: str, timeout: float) -> bool:
    """Follow the browser document by document until it arrives; False when ``timeout`` ms pass first.

    Arrived: at a URL ``arrived_at`` accepts (judged as the document commits, unloaded, and again every
    ``LOOK_AGAIN_MS`` while the browser stays on a document, its load included: ``arrived_at`` may read what the
    browser's requests said besides the URL, as a journey's "B2C sent its answer to the app" does), or at a
    document that has an element matching the CSS ``selector``. A document is looked at after its
    load event (or ``LOAD_FIRST_MS`` without one) and again every ``LOOK_AGAIN_MS`` while the browser stays on it: real B2C builds its
    pages by script up to seconds after navigation, the error page included (reference b2c.md, Addendum). Why
    not ``wait_for_function`` or a locator: they inject Playwright's script into every document the
    browser passes through (auto-posted forms, redirects), tens of ms each in a fresh renderer;
    ``has_element`` is a plain ``evaluate`` in the page's own world. The caller says where the
    browser is when it did not arrive (``not_shown``, ``what_the_browser_shows``).
    """
    deadline = time.monotonic() + timeout / 1000

    def left_ms() -> float:
        left = (deadline - time.monotonic()) * 1000
        if left < 1:  # Playwright reads 0 as "no timeout"
            raise TimeoutError
        return left

    try:
        while True:
            url = page.url
            if arrived_at(url):
                return True
            if url.startswith(CHROME_ERROR):  # a navigation failed: Chromium's own page never moves on
                return False
            document = _loaded_or_arrived(page, lambda: arrived_at(page.url), min(LOAD_FIRST_MS, left_ms()))
            if document == "arrived":
                return True
            if document == "loading" and not answers(page, min(ANSWER_MS, left_ms())):  # its script never yields: has_element would wait for ever
                return False  # the caller names it (stopped_answering)
            # A navigation that started while the suite was busy elsewhere (the control API's call approving the phone,
            # whose answer the waiting page then posts to B2C) is heard before the document's first look: Playwright sends
            # its events only while a call of the suite's runs, and a call that does not go to the page (``hear_events``)
            # lets them in. Once per document: each later look follows a wait for the URL, which heard them (one round
            # trip per look saved on the journeys' hot path).
            hear_events(page)
            while True:
                if arrived_at(page.url):  # a URL of this document, or what ``arrived_at`` reads besides it (the app's answer sent)
                    return True
                try:
                    # Not while the document's next navigation is unanswered: Playwright holds a look until the next document
                    # comes, for ever if nobody answers it (B2C's page after its profile page); the URL is waited for instead.
                    # A navigation that starts as the look is sent, before its request event reaches here, still holds it.
                    if unanswered_navigation(page) is None and has_element(page, selector):
                        return True
                except PlaywrightError:  # the document went while being looked at
                    pass
                try:  # the next document (an auto-posted form, a script's redirect); at once if one came meanwhile
                    page.wait_for_url(_other_than(url), wait_until="commit", timeout=min(LOOK_AGAIN_MS, left_ms()))
                    break
                except PlaywrightTimeoutError:
                    continue  # still this document: look at it again
    except (PlaywrightError, TimeoutError):
        return False


def _loaded_or_arrived(page: Page, arrived: Callable[[], bool], timeout: float) -> Literal["loaded", "arrived", "loading"]:
    """Wait up to ``timeout`` ms for the document's load event, looking every ``LOOK_AGAIN_MS`` whether ``arrived`` says
    the wait is over meanwhile (a page left before its load for an app that takes its time: B2C's answer already sent);
    "loading" when neither came (it is looked at anyway, as long as the wait lasts, if it answers a look)."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        left = (deadline - time.monotonic()) * 1000
        try:
            page.wait_for_load_state("load", timeout=max(1.0, min(LOOK_AGAIN_MS, left)))
            return "loaded"
        except PlaywrightTimeoutError:
            if arrived():
                return "arrived"
            if left <= LOOK_AGAIN_MS:
                return "loading"


def _other_than(url: str) -> Callable[[str], bool]:
    return lambda next_url: next_url != url


def hear_events(page: Page) -> None:
    """Let the events Playwright has for ``page`` in: the sync API hands them to the suite's listeners (``NetworkWatch``)
    only while one of its calls runs, and the suite may have been busy elsewhere since they came. One round trip to
    Playwright that does not go to the page's document (a wait of 1 ms: a look at a document whose next navigation is
    unanswered would wait for it for ever), after which every event Playwright sent before its answer has been heard."""
    try:
        page.wait_for_timeout(1)
    except PlaywrightError:  # the page closed meanwhile: the caller's next call says so
        pass


def has_element(page: Page, selector: str) -> bool:
    """Whether the document has an element matching the CSS ``selector``, looked at once in the page's
    own JavaScript world: a locator would inject Playwright's selector engine into a document the
    browser only passes through (tens of ms each in a fresh renderer)."""
    return bool(page.evaluate("(selector) => !!document.querySelector(selector)", selector))


def b2c_error_page(page: Page) -> Locator:
    """B2C's error page (B2CErrorPage's root; it never moves on by itself). The screens' waits stop at ``b2c_dead_end``."""
    return page.locator(B2C_ERROR_PAGE_ROOT)


def b2c_dead_end(page: Page) -> Locator:
    """What ends every B2C and Mobile ID screen's wait: B2C's error page, or its MFA page (``B2C_MFA_PAGE_ROOT``), which the
    journeys cannot pass."""
    return page.locator(B2C_DEAD_END)
