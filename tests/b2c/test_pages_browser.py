"""The hosted pages and jwt.ms in a real Chromium: rendered by script, with the real ids."""

from __future__ import annotations

import base64
import json
import re

import pytest

from .support import CUSTOM, POLICY, Harness, authorize_url, input_type_edit, pack

pytestmark = pytest.mark.browser
@pytest.fixture(scope="module")
def chromium(launch_chromium, shared: Harness):
    return launch_chromium(shared.host_map)


@pytest.fixture
def page(chromium, english_page):
    return english_page(chromium, 10000)


def test_unified_page_is_rendered_by_script_with_the_real_ids(page, shared: Harness) -> None:
    raw = shared.browser().request("GET", authorize_url()).text
    assert '<div id="api" role="main"></div>' in raw
    page.goto(authorize_url())
    api = page.locator('#api[data-name="Unified"]')
    api.locator("#next").wait_for(state="attached")
    assert page.locator("html").get_attribute("lang") == "en"
    button = api.locator("div.claims-provider-list-buttons.social .options button.accountButton.claims-provider-selection")
    assert button.count() == 1
    assert button.get_attribute("id") == "FakeIdP" and button.get_attribute("role") == "link" and button.inner_text() == "Fake IdP"
    assert "firstButton" in (button.get_attribute("class") or "")
    assert api.locator(".divider h2").first.inner_text() == "OR"
    form = api.locator('form#localAccountForm.localAccount[action="JavaScript:void(0);"]')
    assert form.locator("input#email[type=email]").count() == 1
    assert form.locator("input#password[type=password][name=Password][autocomplete=current-password]").count() == 1
    assert form.locator("button#next[type=submit][form=localAccountForm]").inner_text() == "Sign in"
    assert "/api/CombinedSigninAndSignup/forgotPassword?csrf_token=" in form.locator("a#forgotPassword").get_attribute("href")
    assert "/api/CombinedSigninAndSignup/unified?local=signup&csrf_token=" in form.locator("a#createAccount").get_attribute("href")
    # B2C writes the state in its links as is, "=" and all (reference b2c.md 1.2: "tx=StateProperties=…").
    for link in ("a#forgotPassword", "a#createAccount"):
        assert "&tx=StateProperties=" in form.locator(link).get_attribute("href"), form.locator(link).get_attribute("href")


def test_custom_policy_page_asks_for_sign_in_name_and_is_localized(page) -> None:
    page.goto(authorize_url(CUSTOM, ui_locales="de"))
    api = page.locator('#api[data-name="Unified"]')
    api.locator("#next").wait_for(state="attached")
    assert page.locator("html").get_attribute("lang") == "de"
    assert api.locator("input#signInName[type=text]").count() == 1
    assert api.locator("#next").inner_text() == "Anmelden"
    assert api.locator("button#FakeExchange").inner_text() == "Fake-IdP"


def test_local_sign_in_errors_show_in_the_page(page) -> None:
    page.goto(authorize_url())
    page.locator("#next").click()
    assert page.locator(".entry-item .error.itemLevel").first.inner_text() == "Please enter your Email Address"
    assert page.locator("#email").get_attribute("class") == "highlightError"
    page.fill("#email", "nobody@example.com")
    page.fill("#password", "secret")
    page.locator("#next").click()
    error = page.locator('#localAccountForm .error.pageLevel[aria-hidden="false"]')
    error.wait_for()
    assert error.inner_text() == "We can't seem to find your account."


def test_sign_up_through_the_self_asserted_page_to_jwt_ms(page) -> None:
    page.goto(authorize_url(prompt="login"))
    # What the page objects read (pages/b2c_unified.py social_intro), as reference b2c.md 1.2 has it.
    assert page.locator('#api[data-name="Unified"] .claims-provider-list-buttons.social > .intro > h2').inner_text() == "Sign in with your social account"
    page.locator("button#FakeIdP").click()
    api = page.locator('#api[data-name="SelfAsserted"]')
    api.locator("#continue").wait_for()
    assert page.input_value("#displayName") == "+41791234567"
    assert page.input_value("#givenName") == "Hans" and page.input_value("#surname") == "Muster"
    assert api.locator("#attributeList li.TextBox.displayName_li label#displayName_label[for=displayName]").count() == 1
    # Reference b2c.md 1.4, what pages/b2c_self_asserted.py and fixtures/journey.py read: the page's intro, each claim's
    # div.attrEntry (its label, item error and input), and the server's page-level error, there but hidden until a write fails.
    assert api.locator(":scope > .intro > p").inner_text() == "Please provide the following details."
    assert not api.locator(":scope > .intro").is_visible()  # hidden, as both default templates hide it (README, Decisions)
    for claim in ("displayName", "givenName", "surname"):
        entry = api.locator(f"#attributeList li.{claim}_li > div.attrEntry")
        assert entry.locator(f"label#{claim}_label[for={claim}]").count() == 1, claim
        assert entry.locator(".error.itemLevel[role=alert]").count() == 1 and entry.locator(f"input#{claim}.textInput").count() == 1, claim
        assert entry.locator("a.helpLink.tiny[data-help]").count() == 1, claim
    server_error = api.locator("form#attributeVerification > #claimVerificationServerError.error.pageLevel")
    assert server_error.get_attribute("aria-hidden") == "true" and not server_error.is_visible()
    assert api.locator("button#cancel").inner_text() == "Cancel"
    # Over the emulator's 256 characters (mocks/b2c/README.md, decisions: the reference documents no limit): a refused write
    # shows the server's message in that element.
    page.fill("#displayName", "x" * 300)
    page.locator("#continue").click()
    api.locator('#claimVerificationServerError[aria-hidden="false"]').wait_for()
    assert server_error.is_visible() and server_error.inner_text().strip(), "the failed write's message is shown"
    page.fill("#displayName", "")
    page.locator("#continue").click()
    missing = page.locator('#requiredFieldMissing[aria-hidden="false"][role=alert]')  # as B2C shows it (reference b2c.md 1.4)
    missing.wait_for()
    assert "A required field is missing" in missing.inner_text()
    assert page.locator(".displayName_li .error.itemLevel.show").inner_text() == "This information is required."
    assert page.locator(".attrEntry.validate").count() == api.locator(".attrEntry").count() > 0  # validated, as templates style it
    page.fill("#displayName", "Hans Muster")
    page.locator("#continue").click()
    page.wait_for_url("https://jwt.ms/#id_token=*")
    page.locator("#claimsTable tbody tr").first.wait_for()
    decoded = page.locator("#decodedToken").inner_text()
    assert '"alg": "RS256"' in decoded and '"newUser": true' in decoded and '"name": "Hans Muster"' in decoded
    assert page.locator('#claimsTable tr[data-claim="tfp"] td.claim-value').inner_text() == "B2C_1_signupsignin"
    assert "identity provider" in page.locator('#claimsTable tr[data-claim="idp"] td.claim-notes').inner_text()
    assert page.locator("#encodedToken").input_value().count(".") == 2


def test_cancel_reaches_jwt_ms_as_an_error(page) -> None:
    page.goto(authorize_url(prompt="login"))
    page.locator("button#FakeIdP").click()
    page.locator("#cancel").click()
    page.wait_for_url("https://jwt.ms/#error=*")
    assert page.locator("#error").inner_text() == "access_denied"
    assert page.locator("#errorDescription").inner_text().startswith("AADB2C90091: The user has cancelled entering self-asserted information.")


def test_error_page_is_rendered_by_script_with_the_real_fields(page, shared: Harness) -> None:
    """Served with an empty #api, as B2C serves every page (reference b2c.md, Addendum); the 2017 fragment after load."""
    raw = shared.browser().request("GET", authorize_url(client_id="<b>unknown-client</b>")).text
    assert '<div id="api" role="main"></div>' in raw and "error-page-detail" not in raw
    response = page.goto(authorize_url(client_id="<b>unknown-client</b>"))
    api = page.locator('#api.error-page-content[data-name="GlobalException"]')
    api.locator(".error-page-detail").wait_for(state="attached")
    source = response.text() if response else ""
    correlation = re.match(r"<!-- CorrelationId: ([0-9a-f-]{36}) -->", source)  # this page's own, in its source
    assert correlation, source[:200]
    assert api.locator("h2").inner_text() == "Sorry, but we're having trouble signing you in."
    assert api.locator(".error-page-correlationid").inner_text() == f"Correlation ID:{correlation.group(1)}"
    assert re.fullmatch(r"Timestamp:\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", api.locator(".error-page-messagedetails div:not([class])").inner_text())
    # What the request said is shown as text, never as markup
    assert api.locator(".error-page-detail").inner_text().startswith("AADB2C90018: The client ID '<b>unknown-client</b>'")
    assert api.locator("b").count() == 0
    assert "contact details" not in api.inner_text()  # the line globalexception 1.1.0 removed


def test_jwt_ms_renders_a_form_post_and_a_code(page, shared: Harness) -> None:
    page.goto(authorize_url(response_mode="form_post", prompt="login", state="fp-state"))
    page.locator("button#FakeIdP").click()
    page.locator("#continue").click()
    page.wait_for_url("https://jwt.ms/")
    page.locator("#claimsTable tbody tr").first.wait_for()
    assert page.locator("#tokenType").inner_text() == "id_token"
    assert page.locator("#state").inner_text() == "fp-state"
    page.goto("https://jwt.ms/#code=abc.def&state=s")
    assert page.locator("#authorizationCode").input_value() == "abc.def"


def test_jwt_ms_shows_a_token_that_is_not_a_jwt(page) -> None:
    page.goto("https://jwt.ms/#id_token=not-a-token")
    assert "not a valid JWT" in page.locator("#tokenError").inner_text()


def test_jwt_ms_shows_an_access_token_its_claims_as_json_and_the_dates_of_time_claims(page) -> None:
    """docs/contracts.md's jwt.ms table: #tokenType access_token, #decodedToken pretty header . pretty payload .[Signature],
    td.claim-value JSON for non-strings, td.claim-notes the date for exp/nbf/iat/auth_time; #errorSection hidden with no error."""
    def segment(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")

    header, payload = {"alg": "RS256", "typ": "JWT"}, {"exp": 1700000000, "scp": "read", "emails": ["a@example.com"], "newUser": False}
    page.goto(f"https://jwt.ms/#access_token={segment(header)}.{segment(payload)}.c2ln")
    page.locator("#claimsTable tbody tr").first.wait_for()
    assert page.locator("#tokenType").inner_text() == "access_token"
    decoded = page.locator("#decodedToken").inner_text()
    assert decoded == json.dumps(header, indent=2) + "." + json.dumps(payload, indent=2) + ".[Signature]", decoded
    def cell(claim: str, kind: str) -> str:
        return page.locator(f'#claimsTable tr[data-claim="{claim}"] td.claim-{kind}').inner_text()

    assert [cell(c, "value") for c in payload] == ["1700000000", "read", '["a@example.com"]', "false"]
    assert cell("exp", "notes").endswith("Tue, 14 Nov 2023 22:13:20 GMT") and "expiration" in cell("exp", "notes")
    assert "GMT" not in cell("scp", "notes")
    assert not page.locator("#errorSection").is_visible() and not page.locator("#tokenError").is_visible()
    # All script is local (mocks/jwtms/README.md): no script of another site.
    assert page.evaluate("[...document.scripts].filter(s => s.src && !s.src.startsWith('https://jwt.ms/')).length") == 0


def test_jwt_ms_shows_every_claim_whatever_its_name_and_a_payload_that_is_no_object_as_no_jwt(page) -> None:
    """A claim named toString stopped the table at its row (a description looked up on a plain object: the function, then
    "note.trim is not a function"), and `constructor` got a note of JavaScript's; a payload of null, a string or an array
    was drawn as claims, #tokenError hidden. An error description with a bad escape was dropped without a word."""
    def segment(part: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")

    header = {"alg": "RS256", "typ": "JWT"}
    payload = {"toString": "t", "constructor": 5, "__proto__": "p", "name": "Hans"}
    page.goto(f"https://jwt.ms/#id_token={segment(header)}.{segment(payload)}.c2ln")
    page.locator('#claimsTable tr[data-claim="name"]').wait_for()
    assert page.locator("#claimsTable tbody tr").evaluate_all("rows => rows.map(r => r.dataset.claim)") == list(payload)
    assert page.locator('#claimsTable tr[data-claim="constructor"] td.claim-notes').inner_text() == ""
    for odd in (None, "hello", [1, 2]):
        page.goto(f"https://jwt.ms/#id_token={segment(header)}.{segment(odd)}.c2ln&n={len(str(odd))}")
        page.locator("#tokenError").filter(has_text="its header and claims must be JSON objects").wait_for()
        assert page.locator("#claimsTable tbody tr").count() == 0
    page.goto("https://jwt.ms/#error=access_denied&error_description=100%25+bad%ZZ")
    page.locator("#error").filter(has_text="access_denied").wait_for()
    assert page.locator("#errorDescription").inner_text() == "100% bad%ZZ"


def test_jwt_ms_reads_the_query_when_there_is_no_fragment_and_the_fragment_first(page) -> None:
    """mocks/jwtms/README.md: an answer B2C put in the query (the answer-in-query fault) shows as usual; with both, the
    fragment's, where B2C puts an answer the app asked for in the fragment."""
    page.goto("https://jwt.ms/?error=access_denied&error_description=from-the-query&state=q")
    page.locator("#error").filter(has_text="access_denied").wait_for()
    assert (page.locator("#errorDescription").inner_text(), page.locator("#state").inner_text()) == ("from-the-query", "q")
    page.goto("https://jwt.ms/?error=server_error&error_description=from-the-query#error=access_denied&error_description=from-the-fragment")
    page.locator("#error").filter(has_text="access_denied").wait_for()
    assert page.locator("#errorDescription").inner_text() == "from-the-fragment"


def test_jwt_ms_renders_a_new_fragment_without_a_reload(page) -> None:
    """The README's hashchange: a second answer in the fragment of the page already open is shown in its place."""
    page.goto("https://jwt.ms/#id_token=not-a-token")
    page.locator("#tokenError").wait_for()
    page.evaluate("window.sameDocument = true; location.hash = 'error=access_denied&error_description=AADB2C90091'")
    page.locator("#error").filter(has_text="access_denied").wait_for()
    assert page.locator("#errorDescription").inner_text() == "AADB2C90091"
    assert not page.locator("#tokenError").is_visible()  # the last answer's rendering is gone
    assert page.evaluate("window.sameDocument") is True  # no reload


def test_without_language_customization_ui_locales_changes_nothing(start) -> None:
    """B2C's default: pages in the default language, and no <html lang> (the Ocean Blue template)."""
    h = start(language_customization=False)
    page = h.browser().go(authorize_url(ui_locales="fr"))
    assert page.settings["locale"]["lang"] == "en"
    assert "<html>" in page.html and "lang=" not in page.html.split("<head>")[0]
    on = start().browser().go(authorize_url(ui_locales="fr"))
    assert '<html lang="fr">' in on.html and on.settings["locale"]["lang"] == "fr"
    # A user flow without ui_locales speaks the browser's language where customization is on, not where it is off.
    german = {"Accept-Language": "de-CH,de;q=0.9"}
    assert on_page(start(), german).settings["locale"]["lang"] == "de"
    assert on_page(h, german).settings["locale"]["lang"] == "en"
    # A language the emulator has no texts for is passed over for the next (README, Decisions: B2C may show its own).
    assert on_page(start(), {"Accept-Language": "es-ES,es;q=0.9,de;q=0.8"}).settings["locale"]["lang"] == "de"


def on_page(h, headers: dict[str, str]):
    return h.browser().go(authorize_url(), headers=headers)


def profile_page(start, policies, launch_chromium, english_page):
    """The profile page of a sign-up through the Mobile ID button of ``policies``, in Chromium."""
    h = start(policies=policies)
    page = english_page(launch_chromium(h.host_map), 10000)
    page.goto(authorize_url(POLICY, prompt="login"))
    page.locator("button#MobileIDExchange").click()
    page.locator('#api[data-name="SelfAsserted"] #continue').wait_for()
    return page


def test_a_profile_that_hides_cancel_has_no_cancel_button(start, tmp_path, launch_chromium, english_page) -> None:
    """setting.showCancelButton=false (a self-asserted technical profile's metadata): B2C shows no Cancel, so neither
    does the emulator, and a journey that cancels fails locally as on the tenant."""
    edit = ("TrustFrameworkBase.xml", "<Item Key=\"ContentDefinitionReferenceId\">api.socialccountsignup</Item>",
            "<Item Key=\"ContentDefinitionReferenceId\">api.socialccountsignup</Item><Item Key=\"setting.showCancelButton\">false</Item>")
    for policies, cancel in ((pack(tmp_path / "hidden", edits=[edit]), 0), (pack(tmp_path / "default"), 1)):
        page = profile_page(start, policies, launch_chromium, english_page)
        assert page.locator("#api button#cancel").count() == cancel


def test_an_email_box_field_is_an_email_input(start, tmp_path, launch_chromium, english_page) -> None:
    """A claim whose UserInputType is EmailBox is drawn as B2C draws it: li.EmailBox with an input of type email."""
    page = profile_page(start, pack(tmp_path, edits=[input_type_edit("EmailBox")]), launch_chromium, english_page)
    assert page.locator("#attributeList li.EmailBox.givenName_li input#givenName[type=email]").count() == 1
    assert page.locator("#attributeList li.TextBox.displayName_li input#displayName[type=text]").count() == 1


# When each page was built, against its load event, and whether it was empty then: an observer set up ahead of the
# page's own script (init scripts run first).
BUILD_CLOCK = """addEventListener("load", () => {
  window.loadedAt = performance.now();
  const api = document.getElementById("api");
  window.emptyAtLoad = api.innerHTML === "" && !api.hasAttribute("data-name");
  new MutationObserver(() => { if (window.builtAt === undefined && api.hasAttribute("data-name")) window.builtAt = performance.now(); })
    .observe(api, { attributes: true });
});"""


def through_the_idp(page) -> None:
    """To the self-asserted page of a new user: the sign-in page (built late too), then the fake IdP's button."""
    page.locator("button#FakeIdP").click()


@pytest.mark.parametrize("page_name, url, on_the_way", [
    ("Unified", authorize_url(), None),
    ("SelfAsserted", authorize_url(prompt="login"), through_the_idp),
    ("GlobalException", authorize_url(redirect_uri="https://jwt.ms/elsewhere"), None),  # AADB2C90006: B2C's error page
])
def test_a_page_build_delay_builds_each_hosted_page_that_long_after_its_load(start, launch_chromium, english_page,
                                                                              page_name: str, url: str, on_the_way) -> None:
    """--page-build-delay: each hosted page is empty at its load event and built the delay later, as the real service fills
    #api 0.25-2.2 s after navigation (reference b2c.md, Addendum): a journey that reads it at load finds it empty, here as
    on a tenant."""
    h = start(page_build_delay=0.4)
    page = english_page(launch_chromium(h.host_map), 10000)
    page.add_init_script(BUILD_CLOCK)
    page.goto(url)
    if on_the_way is not None:
        on_the_way(page)
    page.locator(f'#api[data-name="{page_name}"]').wait_for(state="attached")
    assert page.evaluate("window.emptyAtLoad") is True and page.evaluate("window.builtAt - window.loadedAt") >= 400


@pytest.mark.parametrize("metadata, links", [
    ("", ["forgotPassword", "createAccount"]),
    ('<Item Key="setting.showSignupLink">false</Item>', ["forgotPassword"]),
    ('<Item Key="setting.forgotPasswordLinkLocation">None</Item><Item Key="setting.showSignupLink">0</Item>', []),
])
def test_a_local_sign_in_profile_hides_the_links_its_metadata_hides(start, launch_chromium, english_page, tmp_path, metadata: str,
                                                                   links: list[str]) -> None:
    """Self-asserted technical profile metadata of the sign-in step's local account: setting.showSignupLink false (or 0)
    hides the sign-up link, setting.forgotPasswordLinkLocation None the forgotten-password link."""
    at = '<Item Key="setting.operatingMode">Email</Item>\n            <Item Key="ContentDefinitionReferenceId">api.localaccountsignin<'
    h = start(policies=pack(tmp_path, edits=[("TrustFrameworkBase.xml", at, metadata + at)]))
    page = english_page(launch_chromium(h.host_map), 10000)
    page.goto(authorize_url(POLICY))
    page.locator('#api[data-name="Unified"] #next').wait_for(state="attached")
    assert [link for link in ("forgotPassword", "createAccount") if page.locator(f"#{link}").count()] == links


def test_unified_page_has_the_rest_of_the_documented_fragment(page) -> None:
    """Reference b2c.md 1.2, beyond the ids above: the heading, the social list's form role and label, the local form's
    label and intro, the divider between them, its hidden page-level alert, each entry's label and item alert, the password label with its link,
    div.working, and the sign-up line in .create > p."""
    page.goto(authorize_url())
    api = page.locator('#api[data-name="Unified"]')
    api.locator("#next").wait_for(state="attached")
    assert api.locator(":scope > .heading > h1[role=heading]").inner_text() == "Sign in"
    social = api.locator(':scope > div.claims-provider-list-buttons.social[role=form][aria-label="Sign in with your social account"]')
    assert social.locator(":scope > .options > div > button#FakeIdP").count() == 1
    assert api.locator(":scope > div.divider > h2").inner_text() == "OR"  # between the social buttons and the form
    assert api.locator(":scope > div.divider").is_visible()  # shown, as Classic shows it (README, Decisions)
    form = api.locator('form#localAccountForm.localAccount[aria-label="Sign in with your email address"]')
    assert form.locator(":scope > .intro > h2").inner_text() == "Sign in with your email address"
    page_error = form.locator(':scope > div.error.pageLevel[role=alert][aria-hidden="true"] > p')
    assert page_error.count() == 1 and not page_error.is_visible()
    entries = form.locator(":scope > .entry > .entry-item")
    assert entries.count() == 2
    assert entries.nth(0).locator(":scope > label[for=email]").inner_text() == "Email Address"
    assert entries.nth(0).locator(":scope > div.error.itemLevel[role=alert] > p").count() == 1
    assert entries.nth(0).locator(":scope > *").evaluate_all("children => children.map(child => child.tagName)") == ["LABEL", "DIV", "INPUT"]
    password_label = entries.nth(1).locator(":scope > .password-label")
    assert password_label.locator(":scope > label[for=password]").inner_text() == "Password"
    assert password_label.locator(":scope > a#forgotPassword").inner_text() == "Forgot your password?"
    assert entries.nth(1).locator(":scope > div.error.itemLevel[role=alert] > p").count() == 1
    assert form.locator(":scope > .entry > div.working").count() == 1
    assert form.locator(":scope > .entry > .buttons > button#next").count() == 1
    create = form.locator(":scope > .create > p")
    assert create.inner_text() == "Don't have an account? Sign up now"
    assert create.locator("a#createAccount").inner_text() == "Sign up now"


def test_profile_page_has_the_rest_of_the_documented_fragment(page) -> None:
    """Reference b2c.md 1.4, beyond what the sign-up test reads: the empty div.buttons first, each page-level error by its
    id (hidden), Continue's type, form and label ("Create"), Cancel's formnovalidate, the help link's words and the
    verifying modal; each field's parts in B2C's order."""
    page.goto(authorize_url(prompt="login"))
    page.locator("button#FakeIdP").click()
    api = page.locator('#api[data-name="SelfAsserted"]')
    api.locator("#continue").wait_for()
    assert api.locator(":scope > *").first.evaluate("first => first.matches('div.buttons:empty')")
    form = api.locator('form#attributeVerification[action="JavaScript:void(0);"]')
    for error in ("passwordEntryMismatch", "requiredFieldMissing", "fieldIncorrect", "claimVerificationServerError"):
        assert form.locator(f':scope > div#{error}.error.pageLevel[aria-hidden="true"]').count() == 1, error
        assert not form.locator(f"#{error}").is_visible(), error
    create = form.locator(':scope > .buttons > button#continue[type=submit][form=attributeVerification][aria-label="Create"]')
    assert create.inner_text() == "Create"
    assert form.locator(":scope > .buttons > button#cancel[formnovalidate]").inner_text() == "Cancel"
    assert form.locator(".displayName_li a.helpLink.tiny").inner_text() == "What is this?"
    entry = form.locator(".displayName_li > .attrEntry > *")  # in B2C's order: label, item error, input, help link
    assert entry.evaluate_all("children => children.map(child => child.tagName)") == ["LABEL", "DIV", "INPUT", "A"]
    assert api.locator(":scope > .verifying-modal > #verifying_blurb").count() == 1


def test_error_page_has_its_help_text_in_error_page_help(page) -> None:
    """Reference b2c.md 1.5: the 2017 fragment's div.error-page-help between the heading and the message details."""
    page.goto(authorize_url(client_id="unknown-client"))
    api = page.locator('#api.error-page-content[data-name="GlobalException"]')
    api.locator(".error-page-detail").wait_for(state="attached")
    classes = api.locator(":scope > *").evaluate_all("children => children.map(child => child.tagName + '.' + child.className)")
    assert classes == ["H2.", "DIV.error-page-help", "DIV.error-page-messagedetails"]
    assert api.locator(":scope > .error-page-help").inner_text().strip()
