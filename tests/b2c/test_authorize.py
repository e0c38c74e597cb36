"""The authorize endpoint: which errors show the error page and which go to the app, the unified page, cookies."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from mocks.b2c.custom_policy.providers import PROTOCOL_PARAMETERS
from mocks.b2c.settings import AppRegistration
from tests.html_page import read_page

from .support import (
    APPS,
    B2C,
    CUSTOM,
    DOMAIN,
    JWT_MS,
    SPA,
    USER_FLOW,
    WEB,
    WEB_REDIRECT,
    Harness,
    Landing,
    Page,
    as_page,
    authorize_url,
    b64url_json,
    harness,
    oidc_provider,
    user_flow,
)

DESCRIPTION = re.compile(r"^(AADB2C\d{5}): (.+)\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\r\n$", re.S)


def error_page(shared: Harness, url: str, method: str = "GET") -> str:
    result = shared.browser().go(url, method=method)
    assert isinstance(result, Page) and result.api == "GlobalException", result
    assert result.response.headers["content-type"].startswith("text/html")
    return result.error_detail()


@pytest.mark.parametrize(("params", "code"), [
    ({"client_id": None}, "AADB2C90008"),
    ({"client_id": "00000000-0000-0000-0000-000000000000"}, "AADB2C90018"),
    ({"redirect_uri": "https://evil.example/"}, "AADB2C90006"),
    ({"redirect_uri": "https://jwt.ms/"}, "AADB2C90006"),  # reply URLs match exactly
    ({"redirect_uri": None}, "AADB2C90083"),
    ({"response_mode": "web_message"}, "AADB2C90014"),
])
def test_errors_before_the_redirect_uri_is_trusted_show_the_error_page(shared: Harness, params: dict, code: str) -> None:
    detail = error_page(shared, authorize_url(**params))
    assert detail.startswith(f"{code}: ")


def test_repeated_parameter_is_refused_on_the_error_page(shared: Harness) -> None:
    assert error_page(shared, authorize_url() + f"&client_id={SPA}").startswith("AADB2C90122: Input for 'client_id'")


def test_the_error_page_carries_what_its_script_shows(shared: Harness) -> None:
    """The fields themselves, rendered after load: tests/b2c/test_pages_browser.py."""
    page = as_page(shared.browser().go(authorize_url(client_id="nope")))
    correlation = re.match(r"<!-- CorrelationId: ([0-9a-f-]{36}) -->", page.html)
    assert correlation, page.html[:200]
    settings = page.settings
    assert (settings["api"], settings["correlationId"]) == ("GlobalException", correlation.group(1))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", settings["timestamp"])
    assert page.error_detail() == "AADB2C90018: The client ID 'nope' specified in the request is not registered in tenant 'contoso.onmicrosoft.com'."


@pytest.mark.parametrize(("params", "code", "error", "mode"), [
    ({"response_type": "token"}, "AADB2C90013", "unsupported_response_type", "query"),
    ({"response_type": "id_token", "response_mode": "query"}, "AADB2C90014", "invalid_request", "fragment"),
    ({"scope": None}, "AADB2C90010", "invalid_request", "fragment"),
    ({"scope": "profile"}, "AADB2C90110", "invalid_request", "fragment"),
    ({"scope": "openid calendars.read"}, "AADB2C90117", "invalid_scope", "fragment"),
    # A web API's scope: the emulator's apps are granted none (no API is registered), so a tenant refuses it
    # (MicrosoftDocs/azure-docs#53530: `#error=invalid_request&error_description=AADB2C90205`), never takes it
    # and echoes it in the token response's `scope` without the access token it names.
    ({"scope": "openid https://contoso.onmicrosoft.com/api/demo.read"}, "AADB2C90205", "invalid_request", "fragment"),
    ({"response_type": "code", "scope": "openid offline_access https://graph.microsoft.com/User.Read"}, "AADB2C90205",
     "invalid_request", "query"),
    ({"prompt": "always"}, "AADB2C90043", "invalid_request", "fragment"),
    ({"response_type": "code", "scope": "offline_access"}, "AADB2C90115", "invalid_request", "query"),
    ({"response_type": "code", "code_challenge": "x" * 43, "code_challenge_method": "S512"}, "AADB2C90184", "invalid_request", "query"),
])
def test_errors_after_the_redirect_uri_is_trusted_go_to_the_app(shared: Harness, params: dict, code: str, error: str, mode: str) -> None:
    result = shared.browser().go(authorize_url(state="app-state", **params))
    assert isinstance(result, Landing), result
    assert result.url.startswith(JWT_MS) and result.mode == mode
    assert result.params["error"] == error
    assert result.params["state"] == "app-state"
    match = DESCRIPTION.match(result.params["error_description"])
    assert match and match.group(1) == code, result.params["error_description"]


def test_a_code_request_for_the_apps_own_scope_alone_needs_no_openid(shared: Harness) -> None:
    """An access token for the app itself (scope = its client id, response_type=code) is a request B2C takes without
    openid; only a code request with neither is AADB2C90115."""
    page = shared.browser().go(authorize_url(response_type="code", scope=SPA, state="app-state"))
    assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup", page


@pytest.mark.parametrize("max_age", ["0", "2147483647"])
def test_max_age_at_either_bound_is_taken_as_its_error_says_inclusive(shared: Harness, max_age: str) -> None:
    """AADB2C90120 says "between '0' and '2147483647' inclusive": both bounds are a max age, the next number past them is not."""
    page = shared.browser().go(authorize_url(max_age=max_age))
    assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup", (max_age, page)
    refused = shared.browser().go(authorize_url(max_age="2147483648"))
    assert isinstance(refused, Landing) and refused.params["error_description"].startswith("AADB2C90120: "), refused


def test_an_error_to_a_redirect_uri_with_a_query_of_its_own_is_added_to_that_query(start) -> None:
    """A reply URL registered with a query (https://app.example/cb?tenant=x): B2C's error goes after it with '&', the
    app's own parameter kept, not after a second '?'."""
    with_query = "https://app.example/cb?tenant=contoso"
    app = AppRegistration(client_id="1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", name="withquery", redirect_uris=[with_query],
                          implicit_id_token=True)
    h = start(apps=[*APPS, app])
    response = h.browser().request("GET", authorize_url(client_id=app.client_id, redirect_uri=with_query, scope="profile",
                                                        response_mode="query", response_type="code"))
    assert response.status_code == 302, response
    location = response.headers["location"]
    assert location.startswith(f"{with_query}&error=invalid_request&error_description=AADB2C90115%3a"), location


def test_implicit_id_token_needs_the_app_setting(shared: Harness) -> None:
    result = shared.browser().go(authorize_url(client_id=WEB, redirect_uri=WEB_REDIRECT))
    assert isinstance(result, Landing) and result.mode == "fragment"
    assert result.params["error"] == "unauthorized_client"
    assert result.params["error_description"].startswith("AADB2C90057: The provided application is not configured to allow the OAuth Implicit flow.")


def test_error_redirect_uses_dotnet_style_encoding(shared: Harness) -> None:
    response = shared.browser().request("GET", authorize_url(scope="profile"))
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("https://jwt.ms#error=invalid_request&error_description=AADB2C90110%3a+The+scope")
    assert "%0d%0aCorrelation+ID%3a+" in location and location.endswith("Z%0d%0a")


def test_form_post_error_is_an_auto_submitting_page(shared: Harness) -> None:
    browser = shared.browser()
    response = browser.request("GET", authorize_url(scope="profile", response_mode="form_post", state="s1"))
    assert response.status_code == 200
    assert '<form method="POST" name="hiddenform" action="https://jwt.ms">' in response.text
    assert '<input type="hidden" name="error" value="invalid_request" />' in response.text
    assert "document.forms[0].submit();" in response.text


@pytest.mark.parametrize("path_form", [False, True])
@pytest.mark.parametrize("policy", [USER_FLOW, CUSTOM.lower()])
def test_the_unified_page_in_both_url_forms(shared: Harness, path_form: bool, policy: str) -> None:
    page = shared.browser().go(authorize_url(policy, path_form=path_form))
    assert isinstance(page, Page) and page.response.status_code == 200
    settings = page.settings
    assert settings["api"] == "CombinedSigninAndSignup"
    assert settings["transId"].startswith("StateProperties=")
    configured = USER_FLOW if policy == USER_FLOW else CUSTOM
    assert settings["hosts"] == {"tenant": f"/{DOMAIN}/{configured}", "policy": configured, "static": f"{B2C}/static/"}
    assert '<div id="api" role="main"></div>' in page.html  # filled in by script
    assert '<script src="/static/b2c.js"></script>' in page.html
    local = settings["localAccount"]["field"]
    assert local == ("email" if policy == USER_FLOW else "signInName")


def test_authorize_by_post(shared: Harness) -> None:
    url = authorize_url()
    base, query = url.split("?", 1)
    fields = {k: v[0] for k, v in parse_qs(query).items()}
    page = shared.browser().go(base, method="POST", data=fields)
    assert isinstance(page, Page) and page.settings["api"] == "CombinedSigninAndSignup"
    # The policy in the query string, B2C's place for it, and the rest in the form: the same page (was AADB2C90022).
    page = shared.browser().go(f"{base}?p={fields.pop('p')}", method="POST", data=fields)
    assert isinstance(page, Page) and page.settings["api"] == "CombinedSigninAndSignup", page


def test_cookies_are_samesite_none_secure_httponly(shared: Harness) -> None:
    response = shared.browser().request("GET", authorize_url())
    cookies = response.headers.get_list("set-cookie")
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"x-ms-cpim-csrf", "x-ms-cpim-trans"} <= names
    for cookie in cookies:
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"samesite=none", "secure", "httponly", "path=/"} <= attributes, cookie
    csrf = next(c for c in cookies if c.startswith("x-ms-cpim-csrf=")).split(";")[0].split("=", 1)[1]
    page = Page(response)
    assert page.settings["csrf"] == csrf


@pytest.mark.parametrize(("ui_locales", "lang", "heading"), [
    ("de", "de", "Anmelden"), ("fr-CH", "fr", "Se connecter"), ("it-IT en", "it", "Accedi"), ("es", "en", "Sign in"), (None, "en", "Sign in"),
])
def test_ui_locales_picks_the_page_language(shared: Harness, ui_locales: str | None, lang: str, heading: str) -> None:
    page = as_page(shared.browser().go(authorize_url(ui_locales=ui_locales)))
    assert f'<html lang="{lang}">' in page.html
    assert page.settings["locale"] == {"lang": lang}
    assert page.settings["_content"]["heading"] == heading


@pytest.mark.parametrize(("customization", "ui_locales"), [(True, None), (False, "fr")], ids=["no ui_locales", "customization off"])
def test_default_locale_is_a_user_flows_language_without_ui_locales_or_customization(
        tmp_path, customization: bool, ui_locales: str | None) -> None:
    """README, Settings: `default_locale` is a user flow's page language without `ui_locales` (or with language
    customization off, then without `<html lang>`)."""
    with harness(tmp_path, default_locale="de", language_customization=customization) as tenant:
        page = as_page(tenant.browser().go(authorize_url(ui_locales=ui_locales)))
    assert page.settings["_content"]["heading"] == "Anmelden"
    assert ('<html lang="de">' in page.html) is customization and ("<html lang=" in page.html) is customization


def test_domain_hint_goes_straight_to_the_identity_provider(shared: Harness) -> None:
    response = shared.browser().request("GET", authorize_url(domain_hint="idp.example", ui_locales="de"))
    assert response.status_code == 302
    target = urlsplit(response.headers["location"])
    assert (target.scheme, target.hostname, target.path) == ("https", "idp.example", "/authorize")
    params = parse_qs(target.query)
    assert params["client_id"] == ["b2c-client"]
    assert params["redirect_uri"] == [f"{B2C}/{DOMAIN}/oauth2/authresp"]
    assert params["response_type"] == ["code"]
    assert params["scope"] == ["openid, profile"]  # exactly as configured
    assert params["response_mode"] == ["form_post"]
    assert params["ui_locales"] == ["de-DE"]
    assert params["state"][0].startswith("StateProperties=") and params["nonce"][0]
    assert set(params) == set(PROTOCOL_PARAMETERS)  # what a policy's InputClaims may not send again (custom_policy/providers.py)
    assert {c.split("=", 1)[0] for c in response.headers.get_list("set-cookie")} >= {"x-ms-cpim-csrf", "x-ms-cpim-trans"}



@pytest.mark.parametrize(("ui_locales", "culture"), [(None, "en-US"), ("de", "de-DE"), ("fr", "fr-FR"), ("it-CH", "it-IT")])
def test_the_identity_provider_gets_the_page_language_as_a_culture(shared: Harness, ui_locales: str | None, culture: str) -> None:
    """README "Languages": B2C sends the IdP the page language as a culture (en-US, de-DE, fr-FR, it-IT)."""
    response = shared.browser().request("GET", authorize_url(domain_hint="idp.example", ui_locales=ui_locales))
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["location"]).query)["ui_locales"] == [culture]


def test_the_transaction_cookie_is_unpadded_url_safe_base64_json_naming_the_transaction(shared: Harness) -> None:
    """README Decisions, "Cookie set": x-ms-cpim-trans is URL-safe base64 JSON {"T_DIC":[{"I":tid,...}],"C_ID":tid}, unpadded."""
    browser = shared.browser()
    first = as_page(browser.go(authorize_url()))
    second = as_page(browser.go(authorize_url()))  # a second sign-in in the same browser: both transactions listed
    raw = browser.http.cookies["x-ms-cpim-trans"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", raw), raw  # URL-safe alphabet, no padding, no quoting
    body = b64url_json(raw)
    tids = [transaction_id(page) for page in (first, second)]
    assert list(body) == ["T_DIC", "C_ID"] and body["C_ID"] == tids[1]
    assert [entry["I"] for entry in body["T_DIC"]] == tids


def transaction_id(page: Page) -> str:
    """The TID inside the page's ``tx`` (``StateProperties=<base64 {"TID": ...}>``)."""
    blob = page.settings["transId"].removeprefix("StateProperties=")
    return str(b64url_json(blob)["TID"])

def test_unknown_domain_hint_shows_the_unified_page(shared: Harness) -> None:
    page = shared.browser().go(authorize_url(domain_hint="facebook.com"))
    assert isinstance(page, Page) and page.settings["api"] == "CombinedSigninAndSignup"


def test_policy_in_the_redirect_uri_when_configured(start) -> None:
    h = start(policies=[user_flow(oidc_provider(use_policy_in_redirect_uri=True))])
    response = h.browser().request("GET", authorize_url(domain_hint="idp.example"))
    params = parse_qs(urlsplit(response.headers["location"]).query)
    assert params["redirect_uri"] == [f"{B2C}/{DOMAIN}/b2c_1_signupsignin/oauth2/authresp"]


@pytest.mark.parametrize("response_mode", ["form_post", "query"])  # the IdP answers by POST, or by GET
def test_sign_in_completes_through_the_policy_form_of_the_callback(start, response_mode: str) -> None:
    """With UsePolicyInRedirectUri the IdP answers at ``/{tenant}/{policy}/oauth2/authresp``; that callback finishes the sign-in."""
    h = start(policies=[user_flow(oidc_provider(use_policy_in_redirect_uri=True, response_mode=response_mode))])
    landing = h.sign_up(h.browser(), authorize_url(state="via-policy"))
    assert landing.url.startswith(JWT_MS) and landing.params["state"] == "via-policy" and landing.params["id_token"]
    callback = f"{B2C}/{DOMAIN}/b2c_1_signupsignin/oauth2/authresp"
    assert [r["redirect_uri"] for r in h.idp.authorize_requests] == [callback]
    assert [r["form"]["redirect_uri"] for r in h.idp.token_requests] == [callback]  # the code was redeemed with it too


def test_app_without_reply_urls_shows_aadb2c90007(start) -> None:
    no_reply = AppRegistration(client_id="0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", name="noreply", implicit_id_token=True)
    h = start(apps=[*APPS, no_reply])
    result = h.browser().go(authorize_url(client_id=no_reply.client_id))
    assert isinstance(result, Page) and result.api == "GlobalException", result
    detail = result.error_detail()
    assert detail.startswith("AADB2C90007: ") and no_reply.client_id in detail, detail


def test_unknown_policy_shows_the_error_page(shared: Harness) -> None:
    assert error_page(shared, authorize_url("B2C_1_nothere")).startswith("AADB2C90022: ")


def ancestors(html: str) -> dict[str, list[str]]:
    """For ``#api``, ``img.companyLogo`` and ``#background_branding_container``: the elements around it, outermost first,
    as ``tag#id.class.class`` below ``body``."""
    from html.parser import HTMLParser

    void = {"img", "meta", "link", "br", "input", "hr", "source", "wbr"}

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.found: dict[str, list[str]] = {}

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            name = tag + (f"#{values['id']}" if values.get("id") else "") + "".join(f".{c}" for c in (values.get("class") or "").split())
            if name in ("div#api", "img.companyLogo", "div#background_branding_container"):
                self.found[name] = self.open[self.open.index("body") + 1:] if "body" in self.open else list(self.open)
            if tag not in void:
                self.open.append(name)

        def handle_endtag(self, tag: str) -> None:
            while self.open and self.open.pop().split("#")[0].split(".")[0] != tag:
                pass

    reader = Reader()
    reader.feed(html)
    return reader.found


def test_each_hosted_page_sits_in_the_ocean_blue_templates_frame(shared: Harness) -> None:
    """Reference b2c.md 1.1: ``#background_branding_container``, then ``.container.unified_container`` (unified) or
    ``.container.self_asserted_container`` (self-asserted, error page) > ``.row > .col-lg-6 > .panel.panel-default >
    .panel-body``, with ``img.companyLogo[data-tenant-branding-logo=true]`` and ``<div id="api" role="main">`` inside."""
    browser = shared.browser()
    unified = as_page(browser.go(authorize_url(prompt="login")))
    profile = as_page(browser.choose(unified, "FakeIdP"))
    error = as_page(shared.browser().go(authorize_url(client_id="nope")))
    assert [unified.api, profile.api, error.api] == ["CombinedSigninAndSignup", "SelfAsserted", "GlobalException"]
    for page, container in ((unified, "unified_container"), (profile, "self_asserted_container"), (error, "self_asserted_container")):
        panel = [f"div.container.{container}", "div.row", "div.col-lg-6", "div.panel.panel-default", "div.panel-body"]
        assert ancestors(page.html) == {"div#background_branding_container": [], "img.companyLogo": panel, "div#api": panel}, page.api
        html = read_page(page.html)
        [logo] = [img for img in html.tagged("img") if "companyLogo" in (img.get("class") or "").split()]
        assert logo.get("data-tenant-branding-logo") == "true" and html.ids["api"].get("role") == "main", page.api
