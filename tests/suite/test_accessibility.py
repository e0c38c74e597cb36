"""The accessibility scan: serious and critical violations fail, lesser ones are reported only, known rules are not run."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from fixtures.accessibility import scan_page

pytestmark = pytest.mark.browser

PAGE = '<html lang="en"><head><title>Sign in</title></head><body><main><h1>Sign in</h1>{}</main></body></html>'
LOW_CONTRAST = '<p style="color:#ccc;background:#fff">Enter your number</p>'  # color-contrast: serious
NO_ALT = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'  # image-alt: critical
SKIPPED_HEADING = "<h3>Your phone</h3><p>Confirm it there.</p>"  # heading-order: moderate


@pytest.mark.parametrize(("markup", "rule", "impact"), [(LOW_CONTRAST, "color-contrast", "serious"), (NO_ALT, "image-alt", "critical")])
def test_a_serious_or_critical_violation_fails_naming_the_rule(page: Page, markup: str, rule: str, impact: str) -> None:
    page.set_content(PAGE.format(markup))
    with pytest.raises(AssertionError, match=rf"Mobile ID number page has 1 serious or critical accessibility violation\(s\):\n- {rule} \({impact}\)"):
        scan_page(page, "Mobile ID number page")


def test_a_lesser_violation_is_reported_not_failed(page: Page) -> None:
    page.set_content(PAGE.format(SKIPPED_HEADING))
    assert [(v["id"], v["impact"]) for v in scan_page(page, "Mobile ID waiting page")] == [("heading-order", "moderate")]


def test_a_known_rule_is_not_run(page: Page) -> None:
    """A service's own limitation (``known``): its rule is not run, so it neither fails nor shows among the violations."""
    page.set_content(PAGE.format(LOW_CONTRAST))
    assert scan_page(page, "B2C sign-in page", {"color-contrast": "the service's own colours"}) == []
