"""Mobile ID's login pages on m.mobileid.ch: number entry, waiting for the phone, consent.

The real DOM is not public. What a journey needs to get through is the least it can be: the number
page is the page with a phone-number field (``input[type=tel]``, outside B2C's own ``#api``; Unconfirmed
for the real service, docs/contracts.md), submitted with Enter (a phone's journey taps the submit button of that field's own
form, whatever its id); the waiting page is left when the browser
arrives where Mobile ID sends it back (B2C, the app). The other ids (the waiting page's transaction number, the consent form, the inline error)
are docs/contracts.md's, which our emulator guarantees: journeys that need them run against the emulator,
and where they are missing the journey still gets through (fixtures/mobile_id.py Person).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request

from fixtures.causes import MOBILE_ID_OUTCOME, Cause, JourneyFailure
from pages import waiting
from pages.steps import step


class MobileIDLoginPage:
    NAME = "Mobile ID's number page"
    # Its other screens in words, as messages name them wherever the browser is found on one (waiting._screen).
    WAITING_NAME = "Mobile ID's waiting page"
    CONSENT_NAME = "Mobile ID's consent page"
    ERROR_NAME = "Mobile ID's error page"
    SHOWN = "input[type=tel]:not(#api *)"  # not a phone field of B2C's own pages (phone sign-up), which live in #api
    # Our emulator's (docs/contracts.md): for saying which of Mobile ID's screens the browser is on.
    NUMBER_FORM = "form#mid-login"
    NUMBER_ERROR = "#msisdn-error[role=alert]"
    WAITING = "#mid-waiting"
    CONSENT_FORM = "form#mid-consent"
    ERROR = "#mid-error"  # Mobile ID refused the request before any page of its sign-in

    def __init__(self, page: Page, host: str | None = None, returns_to: Sequence[str] = ()) -> None:
        self.page = page
        # Where the login pages live: m.mobileid.ch, a customer CNAME or a deployed emulator;
        # learnt from the page once it is shown.
        self.host = host
        # Where the browser goes once the phone answered (B2C's host, the app's): the real service's other pages may live
        # on hosts of their own (not public), so leaving the number page's host alone is not an answer. None given:
        # any host but the number page's.
        self.returns_to = {h.lower() for h in returns_to if h}
        self.number_form = page.locator(self.NUMBER_FORM)
        self.number_input = page.locator(self.SHOWN).filter(visible=True).first  # a hidden template field is not the one
        # The number field's own form, whatever its id: the real page's are not public (NUMBER_FORM is our emulator's).
        self.number_field_form = self.number_input.locator("xpath=ancestor::form[1]")
        self.continue_button = self.number_field_form.locator("[type=submit]")  # the form's own, whatever its id
        self.number_error = page.locator(self.NUMBER_ERROR)
        self.waiting = page.locator(self.WAITING)
        self.transaction = page.locator("#transaction-number")
        self.consent_form = page.locator(self.CONSENT_FORM)
        self.consent_accept = page.locator("button#consent-accept")
        self.consent_decline = page.locator("button#consent-decline")
        self.heading = page.locator("h1").first
        self.intro = page.locator("#mid-intro")  # docs/contracts.md's (the emulator's): what the number page asks
        self.html = page.locator("html")
        self.shown = page.locator(self.SHOWN)
        # B2C refusing the request before it reaches Mobile ID, or Mobile ID refusing B2C's (its error page: an unknown client
        # or redirect URI), which never moves on by itself either.
        self.dead_end = waiting.b2c_dead_end(page).or_(page.locator(self.ERROR))
        self._departure: Request | None = None
        # The navigation back to B2C (or the app) marks the phone's answer, before B2C's back channel
        # (token, userinfo) runs; its start time comes from the browser, not from when we look.
        page.on("request", self._note_departure)

    def _note_departure(self, request: Request) -> None:
        if self._departure is None and request.is_navigation_request() and request.frame == self.page.main_frame \
                and self._answered_at(request.url) and self.on_mobile_id():
            self._departure = request

    def _answered_at(self, url: str) -> bool:
        host = urlsplit(url).hostname  # lower-case, None without one (about:blank)
        return (host or "") in self.returns_to if self.returns_to else host != self.host

    def left_at(self) -> float | None:
        """Epoch seconds when the browser started back from Mobile ID to B2C or the app (None while it has not)."""
        if self._departure is None:
            return None
        start = self._departure.timing.get("startTime", -1)
        return start / 1000 if start and start > 0 else None

    def has_number_form(self) -> bool:
        """Mobile ID's number form is on the page, whatever its field (a wait for ``shown`` also wants it type=tel)."""
        return self.number_form.count() > 0

    def on_mobile_id(self) -> bool:
        """The browser is on Mobile ID's side: once its number page was seen, any host but those it sends the browser back
        to (``returns_to``: its other pages may live on hosts of their own), else the number page's host."""
        url = urlsplit(self.page.url)
        current = url.hostname or ""  # none: about:blank
        if self.host is None or not current or url.scheme not in ("https", "http"):  # not chrome-error://chromewebdata/
            return False
        return current not in self.returns_to if self.returns_to else current == self.host

    @step("Wait for the Mobile ID login page")
    def wait_until_shown(self, timeout: float = waiting.TIMEOUT_MS) -> MobileIDLoginPage:
        waiting.wait_until_shown(self, timeout)
        self.host = urlsplit(self.page.url).hostname or self.host
        return self

    @step("Sign in to Mobile ID with {number}")
    def sign_in_with(self, number: str, *, tap: bool = False, timeout: float = waiting.TIMEOUT_MS) -> None:
        """Enter ``number`` and send it: with Enter, as a person at a keyboard (no wait for the button to settle), or with
        ``tap`` on the form's button, as on a phone. A field or button that never becomes usable fails naming it
        (``waiting.act``)."""
        waiting.act(self, self.number_input, f"{self.NAME}'s number field ({self.SHOWN})",
                    lambda t: self.number_input.fill(number, timeout=t), timeout, ready="editable")
        if tap:
            waiting.act(self, self.continue_button, f"{self.NAME}'s button that sends the number (its form's [type=submit])",
                        lambda t: self.continue_button.tap(timeout=t), timeout)
        else:
            waiting.act(self, self.number_input, f"{self.NAME}'s number field ({self.SHOWN})",
                        lambda t: self.number_input.press("Enter", timeout=t), timeout)

    def transaction_number(self, timeout: float = waiting.TIMEOUT_MS) -> str:
        """The waiting page's transaction number; a JourneyFailure when it does not come, at once at a dead end."""
        waiting.wait_until_visible(self, self.transaction, timeout, f"{self.WAITING_NAME} (#transaction-number)")
        return self.transaction.inner_text().strip()

    @step("Wait for the phone to answer")
    def wait_for_approval(self, timeout: float) -> None:
        """Wait (``timeout`` ms) until the browser leaves the waiting page: back to the app's IdP (B2C, ``returns_to``) or to
        the consent page.

        Arriving at B2C shows in the URL as the next document commits; the consent page is on Mobile ID's
        side, so each of Mobile ID's documents is watched for its form until it goes.
        """
        if waiting.follow_navigations(self.page, self._answered_at, self.CONSENT_FORM, timeout):
            return
        if self.page.is_closed():  # nothing to look at: said as every wait says it (not the phone's silence)
            raise waiting.not_shown(self, timeout, "the phone's answer in the browser (its way back from Mobile ID, or its consent page)")
        shows, dead_end = waiting.what_the_browser_shows(self.page)
        transaction = self._transaction_shown()
        cause = dead_end or Cause(MOBILE_ID_OUTCOME, f"no answer from the phone within {timeout / 1000:g} s")
        raise JourneyFailure(
            f"the phone's answer did not reach the browser within {timeout / 1000:g} s (transaction {transaction}); the browser shows {shows}",
            cause=cause,
        )

    def _transaction_shown(self) -> str:
        """The transaction number the page shows, for a message; "none shown" without one, and where the page cannot be
        looked at: its next navigation unanswered (B2C not answering the phone's answer posted to it) or its script never
        yielding, where a look without a timeout would wait for ever."""
        if waiting.unanswered_navigation(self.page) is not None or not waiting.answers(self.page):
            return "none shown"
        try:
            return " ".join(self.transaction.all_inner_texts()).strip() or "none shown"  # no wait: the page may be going
        except PlaywrightError:  # it went meanwhile
            return "none shown"

    @step("Wait for Mobile ID's consent page")
    def wait_for_consent(self, timeout: float) -> MobileIDLoginPage:
        """After the phone approved a first sign-in: the waiting page left for Mobile ID's consent page (``timeout`` ms);
        a failure saying where the browser is otherwise, as every page wait says it."""
        self.wait_for_approval(timeout)
        if not self.consent_requested():
            raise waiting.not_shown(self, timeout, f"{self.CONSENT_NAME} ({self.CONSENT_FORM})")
        return self

    def consent_requested(self) -> bool:
        return self.on_mobile_id() and self.consent_form.count() > 0

    @step("Accept sharing the data with the app")
    def accept_consent(self, timeout: float = waiting.TIMEOUT_MS) -> None:
        waiting.act(self, self.consent_accept, f"{self.CONSENT_NAME}'s accept button (button#consent-accept)",
                    lambda t: self.consent_accept.click(timeout=t), timeout)

    @step("Refuse sharing the data with the app")
    def decline_consent(self, timeout: float = waiting.TIMEOUT_MS) -> None:
        waiting.act(self, self.consent_decline, f"{self.CONSENT_NAME}'s decline button (button#consent-decline)",
                    lambda t: self.consent_decline.click(timeout=t), timeout)

    def inline_error(self) -> str | None:
        return self.number_error.inner_text().strip() if self.number_error.count() else None

    def number_keypad(self) -> str:
        """The keyboard a phone shows for the number field: its ``inputmode``, else what ``type=tel`` gives, the keypad."""
        return str(self.number_input.evaluate("field => field.inputMode")) or "tel"

    def heading_text(self) -> str:
        return self.heading.inner_text().strip() if self.heading.count() else ""  # none: no wait for one

    def number_page_texts(self) -> dict[str, str | None]:
        """What the number page says, by part, as a person sees it (None: not shown): its heading, its intro, the number
        field's label and the button that sends it (docs/contracts.md's: the emulator's, the real page's DOM not public)."""
        label = self.number_field_form.locator(f"label[for='{self.number_input.get_attribute('id') or 'msisdn'}']").first
        return {"heading": waiting.shown_text(self.heading), "intro": waiting.shown_text(self.intro),
                "number label": waiting.shown_text(label), "button": waiting.shown_text(self.continue_button.first)}

    def language(self) -> str | None:
        return self.html.get_attribute("lang")
