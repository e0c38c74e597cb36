"""B2C's unified sign-up or sign-in page (content definition api.signuporsignin)."""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fixtures.causes import CORRELATION_ID, TENANT_CONFIGURATION, Cause, JourneyFailure
from fixtures.texts import CUSTOM_POLICY_BUTTON_SOURCE, USER_FLOW_BUTTON_SOURCE
from pages import waiting
from pages.steps import step

# Playwright's call log line for a click delivered to the page: after it, a click's timeout is the navigation it started.
CLICK_DONE = "click action done"


class B2CSignUpOrSignInPage:
    """``#api[data-name="Unified"]``; the fragment is rendered by B2C's script after load."""

    NAME = "B2C's sign-in page"
    ROOT = '#api[data-name="Unified"]'
    SHOWN = f"{ROOT} .claims-provider-list-buttons button.accountButton"
    # B2C has built the page (its identity providers' list, with or without buttons): where a journey that waits for B2C to
    # move on (its redirect to the app) stops and looks, as this page never moves on by itself.
    BUILT = f"{ROOT} .claims-provider-list-buttons"
    # The local account form's texts: B2C's string id (page layout 2.x) -> (the element in words, its selector in the page).
    LOCAL_ACCOUNT_TEXTS = {
        "divider_title": ("divider", ".divider h2"),
        "button_signin": ("sign-in button", "form#localAccountForm button#next"),
        # In the form's password label, or (2021 user flows, reference b2c.md 1.2) in a .forgot-password of its own.
        "forgotpassword_link": ("forgotten-password link", "a#forgotPassword"),
        "createaccount_one_link": ("sign-up link", "a#createAccount"),  # hidden by a profile's setting.showSignupLink false
    }

    # Where the button's label and id come from, for a page without it: both kinds' sources unless told the policy's.
    BOTH_SOURCES = f"{USER_FLOW_BUTTON_SOURCE}; {CUSTOM_POLICY_BUTTON_SOURCE}"

    def __init__(self, page: Page, provider_name: str = "Mobile ID", exchange_id: str = "MobileIDExchange", *,
                 named_by: str = BOTH_SOURCES) -> None:
        self.page = page
        self.provider_name, self.exchange_id, self.named_by = provider_name, exchange_id, named_by
        self.root = page.locator(self.ROOT)
        self.provider_buttons = self.root.locator(".claims-provider-list-buttons button.accountButton")
        # Custom policies name the button after the ClaimsExchange Id; user flows after the IdP, so fall back to its
        # whole name as the portal has it, spelt with or without a space or hyphen ("Mobile ID", "Mobile-ID", "MobileID").
        by_id = self.provider_buttons.and_(page.locator(f"#{exchange_id}"))
        name = re.compile(r"^\s*" + r"[\s-]?".join(map(re.escape, re.split(r"[\s-]+", provider_name.strip()))) + r"\s*$", re.I)
        self.mobile_id_button = by_id.or_(self.provider_buttons.filter(has_text=name)).first
        self.social_intro = self.root.locator(".claims-provider-list-buttons .intro h2").first
        self.html = page.locator("html")
        # The local account form, where the policy has one (reference b2c.md 1.2), and its texts by B2C's string ids.
        self.local_account_form = self.root.locator("form#localAccountForm")
        self.local_account_texts_by_id = {string_id: self.root.locator(selector).first for string_id, (_, selector) in self.LOCAL_ACCOUNT_TEXTS.items()}
        self.shown = self.provider_buttons  # any of them: the wait takes the first one shown
        self.dead_end = waiting.b2c_dead_end(page)

    @step("Wait for the B2C sign-in page")
    def wait_until_shown(self, timeout: float = waiting.TIMEOUT_MS) -> B2CSignUpOrSignInPage:
        try:
            waiting.wait_until_shown(self, timeout)
        except JourneyFailure as failure:
            raise self._no_identity_provider(failure) from None
        return self

    def _no_identity_provider(self, failure: JourneyFailure) -> JourneyFailure:
        """B2C's sign-in page shown without any identity provider's button (the LocalAccounts starter pack's: its sign-in
        step offers local accounts only) is the policy's set-up, said plainly; any other failure as it is."""
        try:
            bare = self.is_shown() and self.provider_buttons.count() == 0
            local_form = bare and self.has_local_account_form()
        except PlaywrightError:
            return failure
        if not bare:
            return failure
        detail = "B2C's sign-in page offers no identity provider" + (" (its local account form only)" if local_form else "")
        return JourneyFailure(f"{failure}; {detail}, so no Mobile ID button: the policy's sign-in step (CombinedSignInAndSignUp) has no "
                              f"ClaimsProviderSelection for Mobile ID's exchange ({self.exchange_id}), and the journeys sign in "
                              "with Mobile ID; add the seed's MobileID-OAuth2 claims provider with its selection and exchange "
                              "(policies/README.md), or run them against a policy that has them", cause=Cause(TENANT_CONFIGURATION, detail))

    def is_shown(self) -> bool:
        return self.root.count() > 0

    @step("Choose Mobile ID on the B2C sign-in page")
    def choose_mobile_id(self, timeout: float = waiting.TIMEOUT_MS) -> None:
        # B2C's script builds the providers' buttons in one go: once one is there, all are, and a list without Mobile ID's is
        # a dead end now, not after the click's whole timeout (a release without the button kept the smoke a minute). The
        # emulator's page script does (mocks/b2c/static/b2c.js: the list whole, then put in the page); of real B2C the
        # reference says its script fills #api after load (b2c.md 1.7, addendum), not button by button. A page template's
        # own script that added a button later would meet this as a page without it.
        if (buttons := self._built_without_mobile_id()) is not None:
            raise self._not_among(buttons, "B2C built them without it")
        try:
            self.mobile_id_button.click(timeout=timeout)
        except PlaywrightTimeoutError as error:
            if CLICK_DONE in str(error):  # clicked, and the page it leads to never came (a host that takes the connection, then says nothing)
                raise waiting.not_shown(self, timeout, "the page the Mobile ID button leads to (it was clicked; the navigation it started "
                                                       "did not finish)") from None
            raise self._no_mobile_id_button(timeout) from None

    def _built_without_mobile_id(self) -> list[str] | None:
        """B2C's buttons, where they are there without Mobile ID's; None otherwise (not built yet, Mobile ID's among them, or
        the page going meanwhile: a navigation, left to the click's wait, which says where the browser went)."""
        try:
            if self.provider_buttons.count() == 0 or self.mobile_id_button.count() > 0:
                return None
            return self.provider_names()
        except PlaywrightError:
            return None

    def _no_mobile_id_button(self, timeout: float) -> JourneyFailure:
        """Where the browser is when the Mobile ID button did not come within ``timeout``: B2C's sign-in page without it
        (the buttons it has, and what names the button), else the page the browser shows instead."""
        try:
            buttons = self.provider_names() if self.is_shown() else None
            there = self.mobile_id_button.count() > 0
        except PlaywrightError:
            buttons, there = None, False
        if buttons is None:
            return waiting.not_shown(self, timeout, f"B2C's sign-in page with the Mobile ID button ({self.exchange_id} or {self.provider_name!r})")
        if there:  # hidden, covered or disabled: the page, not the tenant's set-up
            return waiting.not_shown(self, timeout, f"the Mobile ID button clickable (it is there, among {buttons}, but hidden, "
                                                    "covered or disabled)")
        return self._not_among(buttons, f"within {timeout / 1000:g} s")

    def _not_among(self, buttons: list[str], when: str) -> JourneyFailure:
        """B2C's sign-in page shows ``buttons``, none of them Mobile ID's (``when``: how that was seen): the tenant's set-up,
        with what the journey looked for and where that comes from."""
        detail = f"B2C's sign-in page has no Mobile ID button; its buttons: {buttons or 'none'}"
        return JourneyFailure(f"{detail} ({when}). It looked for the label {self.provider_name!r} or the id {self.exchange_id}: "
                              f"{self.named_by}", cause=Cause(TENANT_CONFIGURATION, detail))

    def provider_names(self) -> list[str]:
        return [text.strip() for text in self.provider_buttons.all_inner_texts()]

    def mobile_id_button_text(self) -> str:
        return self.mobile_id_button.inner_text().strip()

    def has_local_account_form(self) -> bool:
        return self.local_account_form.count() > 0

    def local_account_texts(self) -> dict[str, str]:
        """The texts of the local account form's elements a person sees (``LOCAL_ACCOUNT_TEXTS``), by B2C's string id; a
        policy may hide its links."""
        return {string_id: text for string_id, element in self.local_account_texts_by_id.items() if (text := waiting.shown_text(element)) is not None}

    def social_intro_text(self) -> str | None:
        """The intro above the provider buttons as a person sees it; None when it is not shown."""
        return waiting.shown_text(self.social_intro)

    def language(self) -> str | None:
        return self.html.get_attribute("lang")

    def correlation_id(self) -> str | None:
        return source_correlation_id(self.page)


def source_correlation_id(page: Page) -> str | None:
    """The correlation ID in the comment a B2C page's source starts with (B2C's logs find the sign-in by it); None when
    no comment has one. The comment is confirmed, its wording is not (mocks/b2c/README.md, Decisions)."""
    match = CORRELATION_ID.search(page.evaluate(SOURCE_COMMENTS_JS))
    return match.group(1) if match else None


# The page's comments, in order: B2C writes its correlation ID in one at the top of the source.
SOURCE_COMMENTS_JS = """() => {
  const comments = document.createNodeIterator(document, NodeFilter.SHOW_COMMENT), found = [];
  for (let node = comments.nextNode(); node; node = comments.nextNode()) found.push(node.data);
  return found.join("\\n");
}"""
