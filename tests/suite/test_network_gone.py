"""A service gone mid-journey (a stack killed, a network dropped) is the network's failure, not a finding.

Real journeys of the local stack with one of the browser's requests refused as a dead host refuses it: the
waiting page's long-poll, Mobile ID's answer posted to B2C, or B2C's next page after
the profile page. The journey fails as infrastructure (retried by
--infra-reruns, "broken" in the report, exit 5 in a repro), naming the request, where before it said "page changed"
or blamed the silent phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Route

from fixtures.causes import INFRASTRUCTURE, OTHER, Cause, JourneyFailure, host_of, host_refused_connections
from fixtures.mobile_id import fresh_number
from tests.journeys_in_process import JourneyParts, journey_parts

pytestmark = pytest.mark.browser
POLICY = "B2C_1_signupsignin"


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory, launch_chromium: Any) -> Iterator[JourneyParts]:
    # A short wait for the phone: the refused long-poll never hears the approval.
    with journey_parts(tmp_path_factory.mktemp("stack"), launch_chromium, {"MOBILEID_APPROVAL_TIMEOUT": "2"}) as running:
        yield running


def refused(route: Route) -> None:
    route.abort("connectionrefused")


@pytest.mark.parametrize(("refused_url", "stops"), [
    ("https://m.mobileid.ch/oidc/wait/status**", "the phone's answer did not reach the browser"),
    ("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp", "the phone's answer did not reach the browser"),
    ("https://contoso.b2clogin.com/**/api/SelfAsserted/confirmed**", "B2C did not redirect to https://jwt.ms"),
], ids=["waiting page's long-poll", "Mobile ID's answer posted to B2C", "B2C's page after the profile page"])
def test_a_request_refused_mid_journey_is_infrastructure_naming_it(parts: JourneyParts, refused_url: str, stops: str) -> None:
    journey = parts.journey()
    journey.page.route(refused_url, refused)
    with pytest.raises(JourneyFailure) as failure:
        request = journey.start_at_mobile_id(POLICY, fresh_number())
        journey.reach_profile_page().continue_()
        journey.token(request)
    journey.page.context.close()
    assert failure.value.cause.name == INFRASTRUCTURE, str(failure.value)
    # One line for the host in the report (tests/suite/test_host_refusing_connections.py); the message names the request.
    assert failure.value.cause == host_refused_connections(host_of(refused_url)), failure.value.cause
    assert str(failure.value).startswith(stops) and "net::ERR_CONNECTION_REFUSED at https://" in str(failure.value), str(failure.value)


@pytest.mark.parametrize(("abort", "cause", "says"), [
    # The app's host refusing is one line for it in the report, as any host's (tests/suite/test_host_refusing_connections.py).
    ("connectionrefused", host_refused_connections("jwt.ms"), "(net::ERR_CONNECTION_REFUSED): the app's address must answer from this machine"),
    ("blockedbyresponse", Cause(OTHER, "net::ERR_BLOCKED_BY_RESPONSE at https://jwt.ms/"),  # the app's doing: a finding
     "(net::ERR_BLOCKED_BY_RESPONSE): the app's page failed there"),
])
def test_an_app_this_machine_cannot_reach_is_said_as_such_not_as_b2c_not_redirecting(parts: JourneyParts, abort: str, cause: Cause,
                                                                                     says: str) -> None:
    """B2C redirected to the app, whose address nothing answers here (its DNS, a proxy, a closed port): Chromium shows
    its own page, and that is this machine's failure, said as such; before, "B2C did not redirect to https://jwt.ms".
    (Playwright's routes do not see a redirect's target: the browser is sent to the app's address again, as B2C sent it.)"""
    journey = parts.journey()
    request = journey.start_at_mobile_id(POLICY, fresh_number())
    journey.reach_profile_page().continue_()
    journey.token(request)
    journey.page.route("https://jwt.ms/**", lambda route: route.abort(abort))
    with pytest.raises(PlaywrightError, match="net::ERR_"):
        journey.page.goto("https://jwt.ms/")
    journey.page.wait_for_url(lambda url: url.startswith("chrome-error://"), wait_until="commit")
    with pytest.raises(JourneyFailure) as failure:
        journey.redirect(request)
    journey.page.context.close()
    assert failure.value.cause == cause, str(failure.value)
    assert str(failure.value).startswith(f"B2C redirected to https://jwt.ms, but the browser could not load it {says}"), str(failure.value)
