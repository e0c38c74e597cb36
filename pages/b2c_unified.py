"""B2C's unified sign-up or sign-in page (content definition api.signuporsignin)."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from pages import waiting
from pages.steps import step


class B2CSignUpOrSignInPage:
    """``#api[data-name="Unified"]``; the fragment is rendered by B2C's script after load."""

    NAME = "B2C's sign-in page"
    SHOWN = '#api[data-name="Unified"] .claims-provider-list-buttons button.accountButton'

    def __init__(self, page: Page, provider_name: str = "Mobile ID", exchange_id: str = "MobileIDExchange") -> None:
        self.page = page
        self.root = page.locator('#api[data-name="Unified"]')
        self.provider_buttons = self.root.locator(".claims-provider-list-buttons button.accountButton")
        # Custom policies name the button after the ClaimsExchange Id; user flows after the IdP, so fall back to its
        # whole name as the portal has it, spelt with or without a space or hyphen ("Mobile ID", "Mobile-ID", "MobileID").
        by_id = self.provider_buttons.and_(page.locator(f"#{exchange_id}"))
        name = re.compile(r"^\s*" + r"[\s-]?".join(map(re.escape, re.split(r"[\s-]+", provider_name.strip()))) + r"\s*$", re.I)
        self.mobile_id_button = by_id.or_(self.provider_buttons.filter(has_text=name)).first
        self.social_intro = self.root.locator(".claims-provider-list-buttons .intro h2").first
        self.heading = self.root.locator(".heading h1, h1").first
        self.html = page.locator("html")
        self.shown = self.provider_buttons  # any of them: the wait takes the first one shown
        self.dead_end = waiting.b2c_error_page(page)

    @step("Wait for the B2C sign-in page")
    def wait_until_shown(self, timeout: float = waiting.TIMEOUT_MS) -> B2CSignUpOrSignInPage:
        waiting.wait_until_shown(self, timeout)
        return self

    def is_shown(self) -> bool:
        return self.root.count() > 0

    @step("Choose Mobile ID on the B2C sign-in page")
    def choose_mobile_id(self) -> None:
        self.mobile_id_button.click()

    def provider_names(self) -> list[str]:
        return [text.strip() for text in self.provider_buttons.all_inner_texts()]

    def mobile_id_button_text(self) -> str:
        return self.mobile_id_button.inner_text().strip()

    def social_intro_text(self) -> str:
        return (self.social_intro.text_content() or "").strip()

    def language(self) -> str | None:
        return self.html.get_attribute("lang")
