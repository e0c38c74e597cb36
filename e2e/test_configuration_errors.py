"""Misconfigured apps get B2C's error page, with a code and a correlation ID to report."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from fixtures.journey import Journey, assert_support_can_find


@pytest.mark.negative
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"redirect_uri": "https://app.example.invalid/not-registered"}, "AADB2C90006"),
        ({"client_id": str(uuid.UUID(int=0x5E1F))}, "AADB2C90018"),
    ],
    ids=["unregistered-redirect-uri", "unknown-client"],
)
def test_configuration_error_is_shown_on_b2c_error_page(journey: Journey, policy: str, change: dict[str, str], code: str) -> None:
    # Given an authorization request with a setting B2C does not accept
    # When the user follows it
    if "redirect_uri" in change:  # where B2C must send nothing: what it sends there fails naming it
        journey.open_with_unregistered_redirect_uri(policy, **change)
    else:
        journey.open(policy, **change)

    # Then B2C shows its error page (it must not send anything to an unverified redirect URI)
    page = journey.error_page.wait_until_shown()
    assert page.error_code() == code, f"B2C's error page shows {page.detail_text()!r}, expected {code}"
    # naming what it refused, as Microsoft's error codes word both ("The redirect URI '{0}' provided in the request is not
    # registered for the client ID '{1}'", "The client ID '{0}' specified in the request is not registered in tenant '{1}'")
    [(setting, sent)] = change.items()
    assert sent in page.detail_text(), f"B2C's error page does not name the {setting} it refused ({sent!r}): {page.detail_text()!r}"
    correlation_id, timestamp = page.correlation_id(), page.timestamp()
    assert correlation_id, f"B2C's error page shows no correlation ID: {page.correlation.inner_text()!r}"
    assert timestamp, "B2C's error page shows no UTC timestamp in a plain div of .error-page-messagedetails"
    assert_support_can_find(correlation_id, timestamp, "on B2C's error page")
    # And the person who met it sees them: the code, correlation ID and time to quote in a support case
    expect(page.heading).to_be_visible()
    for part in (page.detail, page.correlation, page.timestamp_line):
        expect(part).to_be_visible()
