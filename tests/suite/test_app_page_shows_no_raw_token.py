"""No picture of the app's page shows a raw token: jwt.ms displays the token it gets in a box, and a failure's
screenshot, a video or a trace's screencast of it would carry a signed token of the tenant into the report and CI's
artifacts. Every journey lets only jwt.ms's decoded token show, from the page's first paint (pages/jwtms.py
keep_answer_off_screen), and reads what B2C sent from the URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from fixtures.mobile_id import fresh_number
from tests.journeys_in_process import JourneyParts, journey_parts

pytestmark = pytest.mark.browser

# What a picture could show of ``text``: visible text nodes and form fields that hold it.
VISIBLE_HOLDERS_JS = """(text) => {
  const visible = (element) => getComputedStyle(element).visibility !== 'hidden' && element.getClientRects().length > 0;
  const found = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.textContent.includes(text) && node.parentElement && visible(node.parentElement)) found.push(node.parentElement.tagName);
  }
  for (const field of document.querySelectorAll('input, textarea')) if (field.value.includes(text) && visible(field)) found.push(field.id);
  return found;
}"""


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory, launch_chromium: Any) -> Iterator[JourneyParts]:
    with journey_parts(tmp_path_factory.mktemp("stack"), launch_chromium) as running:
        yield running


def shown_holders(page: Page, text: str) -> list[str]:
    page.locator("#redirect-uri-reached").wait_for()  # the page is parsed and its note placed
    return page.evaluate(VISIBLE_HOLDERS_JS, text)


def test_the_app_page_a_journey_ends_on_shows_the_decoded_token_not_the_raw_one(parts: JourneyParts) -> None:
    journey = parts.journey()
    claims = journey.sign_up("B2C_1_signupsignin", fresh_number())
    # The journey has B2C's answer from the browser's way to the app (fixtures/answer_sent.py), which may come before the
    # app's page commits (a busy machine): its URL is read once it has.
    raw = journey.app.wait_for_redirect().result().id_token
    assert raw and journey.page.url.startswith("https://jwt.ms/#id_token=")  # the URL keeps what B2C sent
    assert shown_holders(journey.page, raw[:60]) == []
    assert journey.page.locator("#decodedToken").is_visible() and claims["sub"] in journey.app.decoded_token.inner_text()


def test_without_it_jwt_ms_shows_the_raw_token(parts: JourneyParts, launch_chromium: Any) -> None:
    """The check above can fail: jwt.ms (here the emulator, as the real site) shows the raw token in a box."""
    journey = parts.journey()
    journey.sign_up("B2C_1_signupsignin", fresh_number())
    raw = journey.app.wait_for_redirect().result().id_token  # the app's page committed, as above
    assert raw
    bare = journey.page.context.new_page()  # the same context, a page no journey kept anything off
    bare.goto(journey.page.url)
    bare.locator("#encodedToken").wait_for()
    assert "encodedToken" in bare.evaluate(VISIBLE_HOLDERS_JS, raw[:60])


def test_an_error_b2c_sent_the_app_is_written_on_its_page(parts: JourneyParts) -> None:
    journey = parts.journey()
    request = journey.send_to_phone("B2C_1_signupsignin", parts.settings.robots["user_cancel"])
    assert journey.redirect(request).error == "access_denied"
    assert "error: access_denied" in journey.page.locator("#redirect-uri-reached").inner_text()  # so the screenshot says it


# The team's own app, showing the token it got in elements whose own rules make them visible, as utility classes do
# (Bootstrap's .visible is `visibility: visible !important`): visibility is inherited, and an element's own rule undoes
# its ancestors' hidden; one of two ids' weight (#app #weighty) outweighs a rule of one id's.
OWN_APP = "https://app.contoso.test/signed-in"
RAW = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvd24tYXBwIn0.c2lnbmF0dXJlLW9mLXRoZS10ZW5hbnQ"
APP_SHOWING_IT = f"""<html><head><style>
.visible {{ visibility: visible !important; }}
#kept {{ visibility: visible; }}
#app #weighty {{ visibility: visible !important; }}
</style></head><body>
<p class="visible">{RAW}</p><div id="kept"><span>{RAW}</span></div><p id="later">{RAW}</p><div id="app"><p id="weighty">{RAW}</p></div><textarea class="visible">{RAW}</textarea>
<script>document.getElementById('later').style.visibility = 'visible';</script>
</body></html>"""


def test_the_teams_own_app_page_shows_no_raw_token_through_its_own_visibility_rules(page: Page) -> None:
    from pages.jwtms import keep_answer_off_screen

    page.route(f"{OWN_APP}**", lambda route: route.fulfill(body=APP_SHOWING_IT, content_type="text/html"))
    keep_answer_off_screen(page, OWN_APP)
    page.goto(f"{OWN_APP}#id_token={RAW}")
    assert shown_holders(page, RAW[:40]) == []
    assert page.locator("#redirect-uri-reached").is_visible()  # the note still shows, so a screenshot says where it is
