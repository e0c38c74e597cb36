"""A service gone mid-journey (a stack killed, a network dropped) is the network's failure, not a finding.

Real journeys of the local stack with one of the browser's requests refused as a dead host refuses it: the
waiting page's long-poll, Mobile ID's answer posted to B2C, or B2C's next page after
the profile page. The journey fails as infrastructure (retried by
--infra-reruns, "broken" in the report, exit 5 in a repro), naming the request, where before it said "page changed"
or blamed the silent phone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Route

from fixtures.b2c import B2CTenant
from fixtures.causes import INFRASTRUCTURE, JourneyFailure
from fixtures.journey import Journey
from fixtures.mobile_id import ControlAPI, MobileID, fresh_number
from fixtures.settings import build_settings
from fixtures.stack_description import StackDescription
from mocks.common import net
from mocks.stack import StackConfig, running_stack

pytestmark = pytest.mark.browser
POLICY = "B2C_1_signupsignin"


@pytest.fixture(scope="module")
def journey_parts(tmp_path_factory: pytest.TempPathFactory, launch_chromium: Any) -> Iterator[tuple[Any, B2CTenant, MobileID, Any]]:
    with running_stack(StackConfig(port=0, state_dir=tmp_path_factory.mktemp("stack"))) as stack, \
            net.client(stack.host_map, verify=str(stack.ca_path)) as http:
        # A short wait for the phone: the refused long-poll never hears the approval.
        settings = build_settings({"MOBILEID_APPROVAL_TIMEOUT": "2"}, StackDescription.from_document(stack.description))
        assert settings.control_url is not None
        mobile_id = MobileID(settings, ControlAPI(http, settings.control_url, None), logging.getLogger("network-gone").warning)
        yield launch_chromium(stack.host_map), B2CTenant(settings, http), mobile_id, settings


def refused(route: Route) -> None:
    route.abort("connectionrefused")


@pytest.mark.parametrize(("refused_url", "stops"), [
    ("https://m.mobileid.ch/oidc/wait/status**", "the phone's answer did not reach the browser"),
    ("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp", "the phone's answer did not reach the browser"),
    ("https://contoso.b2clogin.com/**/api/SelfAsserted/confirmed**", "B2C did not redirect to https://jwt.ms"),
], ids=["waiting page's long-poll", "Mobile ID's answer posted to B2C", "B2C's page after the profile page"])
def test_a_request_refused_mid_journey_is_infrastructure_naming_it(journey_parts: tuple, refused_url: str, stops: str) -> None:
    browser, b2c, mobile_id, settings = journey_parts
    context = browser.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        journey = Journey(page, b2c, mobile_id, settings)
        page.route(refused_url, refused)
        with pytest.raises(JourneyFailure) as failure:
            number = fresh_number()
            request = journey.start_at_mobile_id(POLICY, number)
            journey.reach_profile_page().continue_()
            journey.token(request)
    finally:
        context.close()
    assert failure.value.cause.name == INFRASTRUCTURE, str(failure.value)
    assert str(failure.value).startswith(stops) and "net::ERR_CONNECTION_REFUSED at " in failure.value.cause.detail, str(failure.value)
