"""B2C's error page (content definition api.error, globalexception)."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from fixtures.causes import GUID
from pages import waiting
from pages.steps import step

_CODE = re.compile(r"(AADB2C\d{5})\s*:?\s*(.*)", re.S)
# The timestamp's label is in the page's language (Timestamp, Zeitstempel, Horodatage): found by its value.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}Z?")


class B2CErrorPage:
    """Correlation ID, timestamp and ``AADB2Cnnnnn: message`` as B2C lays them out.

    The heading is h2 on older layouts and h1 from globalexception 1.2.2, so both are accepted. The classes are the
    documented markup's; that globalexception 1.2.x keeps them is unconfirmed (mocks/b2c/README.md, Decisions).
    """

    NAME = "B2C's error page"
    SHOWN = ".error-page-detail"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = waiting.b2c_error_page(page).first
        self.heading = self.root.locator("h1, h2").first
        self.correlation = self.root.locator(".error-page-correlationid")
        self.timestamp_line = self.root.locator(".error-page-messagedetails div:not([class])").filter(has_text=_TIMESTAMP).first
        self.detail = self.root.locator(".error-page-detail")
        self.shown = self.detail
        self.dead_end = None  # the error page is where other pages' waits stop

    @step("Wait for the B2C error page")
    def wait_until_shown(self, timeout: float = waiting.TIMEOUT_MS) -> B2CErrorPage:
        waiting.wait_until_shown(self, timeout, state="attached")
        return self

    def is_shown(self) -> bool:
        return self.root.count() > 0

    def has_heading(self) -> bool:
        return self.heading.count() > 0

    def heading_text(self) -> str:
        return self.heading.inner_text().strip()

    def correlation_id(self) -> str | None:
        match = GUID.search(self.correlation.inner_text())
        return match.group(0) if match else None

    def timestamp(self) -> str | None:
        """The UTC time B2C shows (as written, e.g. 2015-09-14 23:22:35Z); None when the page has none."""
        if self.timestamp_line.count() == 0:
            return None
        match = _TIMESTAMP.search(self.timestamp_line.inner_text())
        return match.group(0) if match else None

    def detail_text(self) -> str:
        return self.detail.inner_text().strip()

    def error_code(self) -> str | None:
        match = _CODE.search(self.detail_text())
        return match.group(1) if match else None

    def message(self) -> str:
        match = _CODE.search(self.detail_text())
        return match.group(2).strip() if match else self.detail_text()
