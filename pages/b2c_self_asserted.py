"""B2C's self-asserted page: here the first-time Mobile ID user confirms the profile."""

from __future__ import annotations

from playwright.sync_api import Page

from pages import waiting
from pages.b2c_unified import source_correlation_id
from pages.steps import step


class B2CSelfAssertedPage:
    """``#api[data-name="SelfAsserted"]`` with the SelfAsserted-Social fields."""

    NAME = "B2C's profile page"
    ROOT = '#api[data-name="SelfAsserted"]'
    SHOWN = f"{ROOT} button#continue"
    # B2C answered the page's Continue: an error shown on it (reference b2c.md 1.4: an item's error gets class show, a page-level
    # one aria-hidden=false), or the page left. A script for the page's own world: the answer comes in the same document.
    ANSWERED_JS = ("() => !!document.querySelector('#api .error.itemLevel.show, #requiredFieldMissing[aria-hidden=false], "
                   "#claimVerificationServerError[aria-hidden=false]') || !document.querySelector('#api[data-name=SelfAsserted]')")

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator(self.ROOT)
        self.display_name_input = self.root.locator("#displayName")
        self.given_name_input = self.root.locator("#givenName")
        self.surname_input = self.root.locator("#surname")
        self.continue_button = self.root.locator("button#continue")
        self.cancel_button = self.root.locator("button#cancel")
        self.item_errors = self.root.locator(".error.itemLevel")
        self.page_errors = self.root.locator(".error.pageLevel")
        self.required_field_missing = self.root.locator("#requiredFieldMissing")
        self.intro = self.root.locator(".intro").first
        self.html = page.locator("html")
        self.shown = self.continue_button
        self.dead_end = waiting.b2c_dead_end(page)

    @step("Wait for the B2C profile page")
    def wait_until_shown(self, timeout: float = waiting.TIMEOUT_MS) -> B2CSelfAssertedPage:
        waiting.wait_until_shown(self, timeout)
        return self

    def is_shown(self) -> bool:
        return self.root.count() > 0

    def correlation_id(self) -> str | None:
        """The correlation ID in the page's source, as on the sign-in page: a sign-up sent straight to Mobile ID
        (``domain_hint``) shows B2C no other page."""
        return source_correlation_id(self.page)

    def display_name(self) -> str:
        return self.display_name_input.input_value()

    def has_display_name(self) -> bool:
        """Whether the page asks for a display name at all (a user flow collects the user attributes its admin ticked)."""
        return self.display_name_input.count() > 0

    def asks_for(self, claim: str) -> bool:
        """Whether the page has a field for ``claim`` (``displayName``, ``givenName``, ``surname``: its input's id): a user
        flow asks for the User attributes its admin ticked, a custom policy for its profile page's output claims."""
        return self.root.locator(f"#{claim}").count() > 0

    def given_name(self) -> str:
        return self.given_name_input.input_value()

    def surname(self) -> str:
        return self.surname_input.input_value()

    @step("Fill the profile")
    def fill(self, *, display_name: str | None = None, given_name: str | None = None, surname: str | None = None) -> None:
        for claim, value in (("displayName", display_name), ("givenName", given_name), ("surname", surname)):
            if value is not None:
                self.fill_field(claim, value)

    def fill_field(self, claim: str, value: str, timeout: float = waiting.TIMEOUT_MS) -> None:
        """Type ``value`` into the field of ``claim`` (its input's id); a field that never becomes editable (disabled,
        read-only, hidden) fails naming it and the page (``waiting.act``)."""
        field = self.root.locator(f"#{claim}")
        waiting.act(self, field, f"the profile page's field #{claim}", lambda t: field.fill(value, timeout=t), timeout, ready="editable")

    # A button that never becomes clickable (disabled, hidden, covered) fails naming it and the page (waiting.act).
    @step("Continue on the profile page")
    def continue_(self, timeout: float = waiting.TIMEOUT_MS) -> None:
        waiting.act(self, self.continue_button, "the profile page's Continue button (button#continue)",
                    lambda t: self.continue_button.click(no_wait_after=True, timeout=t), timeout)

    @step("Cancel on the profile page")
    def cancel(self, timeout: float = waiting.TIMEOUT_MS) -> None:
        waiting.act(self, self.cancel_button, "the profile page's Cancel button (button#cancel)",
                    lambda t: self.cancel_button.click(no_wait_after=True, timeout=t), timeout)

    def continue_label(self) -> str:
        return self.continue_button.inner_text().strip()

    def visible_errors(self) -> list[str]:
        errors = [*self.item_errors.all(), *self.page_errors.all()]
        return [e.inner_text().strip() for e in errors if e.is_visible() and e.inner_text().strip()]

    def language(self) -> str | None:
        return self.html.get_attribute("lang")

    # --- what the page says (query methods; journeys assert) --------------------------------------

    def intro_text(self) -> str | None:
        """The intro above the fields (string id ``initial_intro``) as a person sees it; None when it is not shown."""
        return waiting.shown_text(self.intro)

    def field_label(self, claim: str) -> str | None:
        """What names a field as a person sees it, e.g. ``displayName`` -> "Display Name" (the claim type's DisplayName): its
        label, or where the template hides it, the placeholder in the field (Ocean Blue, B2C's default template, hides a
        text box's label: azure-ad-b2c/html-templates, templates/AzureBlue/selfAsserted.html, ``#attributeList ul
        li.TextBox label{display:none!important}``; reference b2c.md 1.4 lists the label, not its styling); None when
        neither is shown."""
        if (label := waiting.shown_text(self.root.locator(f"label[for='{claim}']").first)) is not None:
            return label
        field = self.root.locator(f"#{claim}").first
        return ((field.get_attribute("placeholder") or "").strip() or None) if field.count() and field.is_visible() else None

    def cancel_label(self) -> str:
        return self.cancel_button.inner_text().strip()

    def field_error(self, claim: str) -> str | None:
        """B2C's inline error of one field (``.error.itemLevel`` in its ``.attrEntry``) when B2C's script has marked it shown
        (class ``show``, reference b2c.md 1.4; or ``aria-hidden=false``), else None. Read whether or not the page's
        template lets it show: Ocean Blue, B2C's default, hides every item-level error (azure-ad-b2c/html-templates,
        templates/AzureBlue/selfAsserted.html, ``#attributeList ul li .attrEntry .itemLevel{display:none}``), and people
        read the page-level error there (``required_field_missing_text``); asked for visible, it passed on the emulator's
        layout alone."""
        error = self.root.locator(".attrEntry").filter(has=self.page.locator(f"#{claim}")).locator(".error.itemLevel").first
        if error.count() == 0:
            return None
        marked = "show" in (error.get_attribute("class") or "").split() or error.get_attribute("aria-hidden") == "false"
        return ((error.text_content() or "").strip() or None) if marked else None

    def required_field_missing_text(self) -> str | None:
        """The visible page-level ``#requiredFieldMissing`` message, else None."""
        error = self.required_field_missing
        if error.count() == 0 or not error.is_visible():
            return None
        return error.inner_text().strip() or None
