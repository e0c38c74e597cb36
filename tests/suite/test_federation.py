"""B2C's authorize request to Mobile ID against the seed: the rule, and a journey that trips it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from fixtures import texts
from fixtures.causes import TENANT_CONFIGURATION, classify
from fixtures.federation import FederationRequestError, check_request, language_not_passed_on, policy_of
from fixtures.settings import SettingsError, build_settings
from fixtures.stack import Stack, tenant_settings
from fixtures.stack_description import serve_command
from tests.local_stack import LOCAL_STACK
from tests.suite_run import suite_env, tail

ROOT = Path(__file__).resolve().parents[2]
AUTHRESP = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp"
SEED = {"client_id": LOCAL_STACK.mobileid_client_id, "redirect_uri": AUTHRESP, "response_type": "code", "scope": "openid, profile, phone, mid_profile",
        "response_mode": "form_post", "nonce": "n0", "ui_locales": "de-DE", "state": "StateProperties=eyJ"}
SCOPE_ELEMENT = "TechnicalProfile[@Id='MobileID-OAuth2']/Metadata/Item[@Key='scope']"
SCOPE_ITEM = '<Item Key="scope">openid, profile, phone, mid_profile</Item>'  # the seed's, as policies/ writes it


def request(**changes: str | None) -> str:
    params = {k: v for k, v in {**SEED, **changes}.items() if v is not None}
    return "https://m.mobileid.ch/oidc/authorize?" + urlencode(params)


def problems(url: str, policy: str = "B2C_1A_signup_signin", **env: str) -> dict[str, str]:
    return {m.parameter: str(m) for m in check_request(url, build_settings(env, LOCAL_STACK), policy)}


def language_problem(url: str, app_ui_locales: str | None, policy: str = "B2C_1A_signup_signin", **env: str) -> str | None:
    return language_not_passed_on(url, build_settings(env, LOCAL_STACK), policy, app_ui_locales)


def test_the_seeds_request_passes_in_comma_and_space_form() -> None:
    assert problems(request()) == {}
    assert problems(request(scope="openid profile phone mid_profile offline_access")) == {}
    assert problems(request(response_mode=None)) == {}  # Mobile ID documents no response_mode at all


def test_a_scope_without_phone_and_mid_profile_names_the_policy_element() -> None:
    found = problems(request(scope="openid profile"))
    assert list(found) == ["scope"]
    assert "lacks phone, mid_profile" in found["scope"] and SCOPE_ELEMENT in found["scope"]
    # The other way out, where the tenant is right and the setting is not: the fix need not break a working federation
    assert "or, if your set-up does without phone, mid_profile, leave it out of MOBILEID_SCOPE" in found["scope"], found
    user_flow = problems(request(scope="openid,profile"), policy="B2C_1_signupsignin")
    assert 'identity provider\'s "Scope" field' in user_flow["scope"]


@pytest.mark.parametrize(
    ("changes", "parameter", "says"),
    [
        ({"client_id": "someone-else"}, "client_id", f"Item[@Key='client_id'] = {LOCAL_STACK.mobileid_client_id}, or, if 'someone-else' "
         "is the one Mobile ID gave you, set MOBILEID_CLIENT_ID to it"),
        ({"response_type": "id_token"}, "response_type", "Item[@Key='response_types'] = code"),
        ({"redirect_uri": AUTHRESP.replace("contoso.onmicrosoft", "Contoso.onmicrosoft")}, "redirect_uri", "in case only"),
        ({"redirect_uri": AUTHRESP.replace("/oauth2", "/b2c_1a_signup_signin/oauth2")}, "redirect_uri", "UsePolicyInRedirectUri'] = false"),
        ({"nonce": None}, "nonce", "requires both state and nonce"),
        ({"state": ""}, "state", "requires both state and nonce"),
        ({"response_mode": "fragment"}, "response_mode", "Item[@Key='response_mode'] = form_post"),
        ({"max_age": "0"}, "max_age", "does not accept it"),
        # Near misses: each scope is a whole word (mid_profile is not profile), code alone, the set-up's response mode.
        ({"scope": "openid phone mid_profile"}, "scope", "it lacks profile"),
        ({"response_type": "code id_token"}, "response_type", "Mobile ID supports code only"),
        ({"response_mode": "query"}, "response_mode", "is 'query'; the set-up uses 'form_post'"),
        *(({name: "x"}, name, "is sent, and Mobile ID does not accept it") for name in ("display", "id_token_hint", "claims")),
        ({"client_secret": "s3cr3t"}, "client_secret", "ask Mobile ID for a new secret"),
    ],
)
def test_each_mismatch_names_the_parameter_and_the_fix(changes: dict, parameter: str, says: str) -> None:
    found = problems(request(**changes))
    assert list(found) == [parameter] and says in found[parameter], found


def test_a_user_flows_fix_names_its_portal_field_not_a_policy_element() -> None:
    """A user flow has no UsePolicyInRedirectUri to set: its wrong redirect URI is fixed where the sign-in starts."""
    found = problems(request(client_id="someone-else", redirect_uri=AUTHRESP.replace("/oauth2", "/b2c_1_signupsignin/oauth2")),
                     policy="B2C_1_signupsignin")
    assert 'the Mobile ID identity provider\'s "Client ID" field' in found["client_id"], found
    assert "UsePolicyInRedirectUri" not in found["redirect_uri"] and "sign in at https://contoso.b2clogin.com (B2C_DOMAIN)" in found["redirect_uri"]


def test_the_language_passed_on_is_the_first_of_ui_locales() -> None:
    assert language_problem(request(ui_locales="de-DE en"), "de") is None
    assert language_problem(request(ui_locales="en de-DE"), "de") is not None


def test_mobile_id_gets_the_language_b2cs_pages_show_not_one_b2c_does_not_offer() -> None:
    """B2C passes its page's language on: for a language it does not offer (Romansh), or a user flow on a tenant without
    language customization, that is its default, not a wrong language (a repro in the reporter's language runs)."""
    assert language_problem(request(ui_locales="de-DE"), "de") is None
    for policy in ("B2C_1A_signup_signin", "B2C_1_signupsignin"):
        assert language_problem(request(ui_locales="en-US"), "rm", policy=policy) is None, policy
    assert language_problem(request(ui_locales="en-US"), "de", policy="B2C_1_signupsignin", B2C_LANGUAGE_CUSTOMIZATION="off") is None
    # The custom policy's default for a language it does not offer is English (policies/): German there is wrong.
    assert "B2C shows B2C_1A_signup_signin's pages in 'en' (the app asked for 'rm') but passed Mobile ID ui_locales='de-DE'" in \
        (language_problem(request(ui_locales="de-DE"), "rm") or "")
    assert language_problem(request(ui_locales="en-US"), "de", policy="B2C_1_signupsignin") is not None
    assert language_problem(request(ui_locales=None), "de") is not None  # none passed on at all


def test_a_language_not_passed_on_is_no_tenant_setting_and_fails_the_language_journeys_alone() -> None:
    """No setting makes B2C pass its page's language on, and that it does is unconfirmed: the federation check every
    journey makes leaves it out (a nightly with E2E_UI_LOCALES=de goes on in Mobile ID's English), the language journeys
    fail on it as B2C's broken promise, saying whose expectation it is."""
    english = request(ui_locales="en-US")
    assert problems(english) == {}
    said = language_problem(english, "de") or ""
    assert "Mobile ID's pages and the phone's message follow ui_locales" in said and "Unconfirmed 2" in said, said


def test_a_language_not_passed_on_expected_from_the_seeds_localization_standing_in_for_a_tenants_says_so(seed_files_standing_in) -> None:
    """The language B2C's pages are in, which it should pass Mobile ID, is read from the policy's Localization: against a
    tenant whose files the suite was not given, the seed's, so a language not passed on is said as the tenant's
    configuration (its files may offer fewer), with how to give the suite the team's files; with the run's own files, as
    B2C's broken promise."""
    from types import SimpleNamespace

    from fixtures.causes import BROKEN_PROMISE, JourneyFailure
    from fixtures.federation import FederationWatch

    settings = build_settings({}, LOCAL_STACK)
    watch = FederationWatch(SimpleNamespace(on=lambda *_: None), settings)  # type: ignore[arg-type]  # no page: its two requests given
    watch.authorize = f"https://{settings.domain}/{settings.tenant}.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize?ui_locales=de"
    watch.federation = request(ui_locales="en-US")
    with pytest.raises(JourneyFailure) as broken:
        watch.check_language_passed_on()
    with seed_files_standing_in():  # a tenant's, its files not given
        with pytest.raises(JourneyFailure) as configuration:
            watch.check_language_passed_on()
    assert broken.value.cause is not None and broken.value.cause.name == BROKEN_PROMISE
    assert texts.SEED_FILES_STOOD_IN not in str(broken.value)
    assert configuration.value.cause is not None and configuration.value.cause.name == TENANT_CONFIGURATION
    said = str(configuration.value)
    assert said.startswith(str(broken.value)) and f"expected from {texts.SEED_FILES_STOOD_IN}" in said and texts.READ_YOUR_FILES in said


def test_a_custom_domain_is_the_expected_redirect_uri() -> None:
    custom = request(redirect_uri="https://login.contoso.com/contoso.onmicrosoft.com/oauth2/authresp")
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "contoso", "B2C_POLICIES": "B2C_1A_signup_signin",
              "B2C_CLIENT_ID": LOCAL_STACK.client_id, "MOBILEID_CLIENT_ID": LOCAL_STACK.mobileid_client_id,
              "MOBILEID_CONTROL_URL": "https://mid.contoso.test/control"}
    assert problems(custom, **tenant, B2C_DOMAIN="Login.Contoso.com") == {}
    assert "redirect_uri" in problems(request(), **tenant, B2C_DOMAIN="login.contoso.com")


def test_settings_change_what_is_expected() -> None:
    assert problems(request(scope="openid profile"), MOBILEID_SCOPE="openid,profile") == {}
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "contoso", "B2C_POLICIES": "B2C_1A_signup_signin", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
              "MOBILEID_CONTROL_URL": "https://mid.contoso.test/control"}
    assert "client_id" in problems(request(), **tenant, MOBILEID_CLIENT_ID="11111111-2222-3333-4444-555555555555")


def test_the_response_mode_setting_is_the_one_that_passes() -> None:
    """MOBILEID_RESPONSE_MODE=query: B2C's form_post is reported, naming the setting and the element to change; query
    passes, and so does none at all."""
    found = problems(request(), MOBILEID_RESPONSE_MODE="query")
    assert list(found) == ["response_mode"], found
    assert "is 'form_post'; the set-up uses 'query' (MOBILEID_RESPONSE_MODE)" in found["response_mode"]
    assert "Item[@Key='response_mode'] = query" in found["response_mode"]
    user_flow = problems(request(), policy="B2C_1_signupsignin", MOBILEID_RESPONSE_MODE="Query")
    assert 'identity provider\'s "Response mode" field' in user_flow["response_mode"] and "= query" in user_flow["response_mode"]
    # ... or the setting is what is wrong: the tenant keeps the seed's form_post, which unsetting it expects.
    assert user_flow["response_mode"].endswith("= query, or, if 'form_post' is your set-up's, unset MOBILEID_RESPONSE_MODE (the seed's form_post)")
    assert problems(request(response_mode="query"))["response_mode"].endswith(
        "= form_post, or, if 'query' is your set-up's, set MOBILEID_RESPONSE_MODE=query")
    assert "MOBILEID_RESPONSE_MODE=" not in problems(request(response_mode="fragment"))["response_mode"]  # no mode it could take
    assert problems(request(response_mode="query"), MOBILEID_RESPONSE_MODE="query") == {}
    assert problems(request(response_mode=None), MOBILEID_RESPONSE_MODE="query") == {}


def test_the_response_mode_setting_accepts_form_post_and_query_only() -> None:
    for accepted in ("form_post", "query"):
        assert build_settings({"MOBILEID_RESPONSE_MODE": accepted}, LOCAL_STACK).idp_response_mode == accepted
    with pytest.raises(SettingsError, match="MOBILEID_RESPONSE_MODE='fragment' is not valid; use form_post \\(the seed\\) or query"):
        build_settings({"MOBILEID_RESPONSE_MODE": "fragment"}, LOCAL_STACK)


def test_the_fix_names_the_technical_profile_setting() -> None:
    """A custom policy whose Mobile ID technical profile has another Id (MOBILEID_TECHNICAL_PROFILE): each fix names that one."""
    found = problems(request(scope="openid profile", client_id="someone-else"), MOBILEID_TECHNICAL_PROFILE="Fabrikam-MobileID")
    assert list(found) == ["client_id", "scope"], found
    for parameter, key in (("client_id", "client_id"), ("scope", "scope")):
        assert f"B2C_1A_signup_signin: TechnicalProfile[@Id='Fabrikam-MobileID']/Metadata/Item[@Key='{key}']" in found[parameter]
        assert "MobileID-OAuth2" not in found[parameter]


def test_the_fix_names_the_technical_profile_as_the_teams_policy_files_name_it(tmp_path: Path) -> None:
    """Without MOBILEID_TECHNICAL_PROFILE, a team's Mobile ID profile of another Id is named as the run's policy files
    (E2E_STACK_POLICIES, B2C_POLICY_FILES) name it: the element a fix names is one the team finds in its files."""
    folder = tmp_path / "policies"
    shutil.copytree(texts.SEED_POLICIES_DIR, folder)
    extensions = folder / "TrustFrameworkExtensions.xml"
    extensions.write_text(extensions.read_text().replace("MobileID-OAuth2", "SwissMobileId-OIDC"))
    texts.read_policies_from(str(folder))
    try:
        found = problems(request(scope="openid profile"))
    finally:
        texts.read_policies_from(None)
    assert "B2C_1A_signup_signin: TechnicalProfile[@Id='SwissMobileId-OIDC']/Metadata/Item[@Key='scope']" in found["scope"], found
    # And with the seed's files, the seed's Id
    assert "TechnicalProfile[@Id='MobileID-OAuth2']" in problems(request(scope="openid profile"))["scope"]


def test_the_policy_comes_from_the_apps_authorize_url_only() -> None:
    assert policy_of("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize?x=1") == "B2C_1A_signup_signin"
    assert policy_of("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1_signupsignin") == "B2C_1_signupsignin"
    assert policy_of("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_x/api/CombinedSigninAndSignup/unified?p=B2C_1A_x") is None
    assert policy_of("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=x") is None  # no policy named


def edited_policies(directory: Path, written: str, instead: str) -> Path:
    """The repository's custom policy with one line of its Mobile ID profile, ``written``, replaced by ``instead``."""
    for xml in (ROOT / "policies").glob("*.xml"):
        shutil.copy(xml, directory / xml.name)
    extensions = directory / "TrustFrameworkExtensions.xml"
    text = extensions.read_text()
    assert written in text
    extensions.write_text(text.replace(written, instead))
    return directory


def serve_policies(state: Path, policies: Path) -> list[str]:
    """The stack's command for a copy of the starter pack: it names Facebook's policy key, which a copy must be given."""
    secret = state.parent / "facebook-secret"
    secret.write_text("not-a-real-facebook-secret")
    return serve_command(state, (), True, str(policies), (f"B2C_1A_FacebookSecret=file:{secret}",))


def tenant_env(stack: Stack) -> dict[str, str]:
    """Tenant mode against a stack started apart, as scripts/tenant_mode_against_stack.py does."""
    return suite_env({**tenant_settings(stack.info), "B2C_POLICIES": "B2C_1A_signup_signin", "E2E_PREFLIGHT": "off"})


def run_journeys_against(tmp_path: Path, written: str, instead: str, *journeys: str) -> str:
    """Tenant-mode journeys against a stack serving the repository's policies edited so; their output (they failed)."""
    (tmp_path / "policies").mkdir()
    (tmp_path / "state").mkdir()
    policies, state = edited_policies(tmp_path / "policies", written, instead), tmp_path / "state"
    stack = Stack(state, command=serve_policies(state, policies))
    try:
        result = subprocess.run([sys.executable, "-m", "pytest", *journeys, "-n", "0", "-q", "-p", "no:cacheprovider"],
                                cwd=ROOT, env=tenant_env(stack), capture_output=True, text=True, timeout=170)
    finally:
        stack.stop()
    output = result.stdout + result.stderr
    assert result.returncode == 1, tail(output)
    return output


@pytest.mark.browser
def test_a_journey_through_a_policy_asking_openid_profile_only_fails_naming_scope(tmp_path: Path) -> None:
    # A sign-up, and a journey that reaches Mobile ID without signing in (each arrival there is checked).
    output = run_journeys_against(tmp_path, SCOPE_ITEM, '<Item Key="scope">openid profile</Item>',
                                  "e2e/test_sign_up.py", "e2e/test_languages.py", "-k", "first_sign_in or reaches")
    assert "FederationRequestError" in output and "scope: is 'openid profile'; it lacks phone, mid_profile" in output, tail(output)
    # Both journeys, under the one cause the run's summary names (the sign-up's and the languages' arrival at Mobile ID).
    cause = re.search(r"^2 x tenant configuration: request to Mobile ID: scope: .*\n((?:\s+e2e/.*\n)+)", output, re.M)
    assert cause and "test_sign_up.py::test_first_sign_in" in cause.group(1) and "test_languages.py::test_each_language_reaches" \
        in cause.group(1), tail(output)
    assert SCOPE_ELEMENT in output


@pytest.mark.browser
def test_a_policy_that_leaves_out_use_policy_in_redirect_uri_is_told_to_set_it_to_false(tmp_path: Path) -> None:
    """Left out, B2C's one observed default puts the policy in the redirect URI (policies/README.md), which Mobile ID,
    registered with the seed's URI, refuses: the journey says which item to set, before Mobile ID's own error."""
    output = run_journeys_against(tmp_path, '<Item Key="UsePolicyInRedirectUri">false</Item>', "", "e2e/test_sign_up.py", "-k", "first_sign_in")
    assert re.search(r"redirect_uri: is 'https://contoso\.b2clogin\.com/contoso\.onmicrosoft\.com/b2c_1a_signup_signin/oauth2/authresp', "
                     r"not the redirect URI registered at Mobile ID", output), tail(output)
    # The policy as B2C_POLICIES spells it, not as B2C's URLs do (their path above): the file a person looks for.
    assert "B2C_1A_signup_signin: TechnicalProfile[@Id='MobileID-OAuth2']/Metadata/Item[@Key='UsePolicyInRedirectUri'] = false" \
        in output, tail(output)
    assert "1 x tenant configuration: request to Mobile ID: redirect_uri:" in output, tail(output)


def test_a_mismatch_is_reported_as_tenant_configuration_naming_the_parameter() -> None:
    url = request(scope="openid profile")
    mismatches = check_request(url, build_settings({}, LOCAL_STACK), "B2C_1A_signup_signin")
    cause = classify(FederationRequestError("B2C_1A_signup_signin", url, mismatches))
    assert cause.name == TENANT_CONFIGURATION and cause.detail.startswith("request to Mobile ID: scope: "), cause


@pytest.mark.browser
@pytest.mark.parametrize(("passed_on", "fails"), [("de-DE", False), ("en-US", True), (None, True)], ids=["its language", "another", "none"])
def test_the_language_journeys_check_is_what_b2c_sent_the_browser_on_with(page, passed_on: str | None, fails: bool) -> None:
    """FederationWatch reads the language B2C passed Mobile ID off the browser's own navigation (B2C's redirect), after
    an app's authorize with ui_locales=de: the custom policy offers German, so B2C's pages are German."""
    from fixtures.causes import BROKEN_PROMISE, JourneyFailure
    from fixtures.federation import FederationWatch

    watch = FederationWatch(page, build_settings({}, LOCAL_STACK))
    mobile_id = request(ui_locales=passed_on)
    # B2C's page sends the browser on to Mobile ID (by script, as its pages' buttons do)
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(
        body=f"<html><body><script>location.assign({json.dumps(mobile_id)})</script></body></html>", content_type="text/html"))
    page.route("https://m.mobileid.ch/**", lambda route: route.fulfill(body="<html><body>number</body></html>", content_type="text/html"))
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize?"
              + urlencode({"client_id": LOCAL_STACK.client_id, "ui_locales": "de"}))
    page.wait_for_url("https://m.mobileid.ch/**")
    watch.check()  # the request matches the set-up: its language is no tenant setting
    assert watch.federation == mobile_id
    if not fails:
        watch.check_language_passed_on()
        return
    with pytest.raises(JourneyFailure) as failure:
        watch.check_language_passed_on()
    assert failure.value.cause.name == BROKEN_PROMISE and f"passed Mobile ID ui_locales={passed_on!r}" in str(failure.value), str(failure.value)


def test_the_language_check_without_b2cs_request_seen_says_where_the_browser_is() -> None:
    """Nothing to judge is no pass: the language journeys read the language B2C passed on from that request alone."""
    from unittest import mock

    from fixtures.federation import FederationWatch

    watch = FederationWatch(mock.MagicMock(url="https://m.mobileid.ch/oidc/login?session=s1"), build_settings({}, LOCAL_STACK))
    with pytest.raises(AssertionError, match=r"without its request to Mobile ID being seen; it shows https://m.mobileid.ch/oidc/login$"):
        watch.check_language_passed_on()


TENANT_NAMING = {"E2E_TARGET": "tenant", "B2C_TENANT": "contoso", "B2C_POLICIES": "B2C_1A_SignUp_SignIn",
                 "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "MOBILEID_CONTROL_URL": "https://mid.contoso.test/control",
                 "MOBILEID_CONTROL_TOKEN": "control-token-value-1234"}


@pytest.mark.parametrize(("env", "stack", "named"), [({}, LOCAL_STACK, "B2C_1A_signup_signin"),
                                                    (TENANT_NAMING, None, "B2C_1A_SignUp_SignIn")],
                         ids=["local: the stack's policy", "tenant: as B2C_POLICIES spells it"])
def test_the_watchs_fix_names_the_policy_as_the_run_does_not_as_b2cs_urls(env: dict[str, str], stack: Any, named: str) -> None:
    """B2C's discovery document, whose authorize endpoint the app opens, writes the policy in lower case (B2C compares
    policy ids regardless of case): a person looks for the file by the name they wrote."""
    from unittest import mock

    from fixtures.federation import FederationWatch

    watch = FederationWatch(mock.MagicMock(), build_settings(env, stack))
    watch.authorize = ("https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1a_signup_signin/oauth2/v2.0/authorize?"
                       + urlencode({"client_id": LOCAL_STACK.client_id}))
    watch.federation = request(scope="openid profile")
    with pytest.raises(FederationRequestError) as failure:
        watch.check()
    said = str(failure.value)
    assert f"through {named} does not match" in said and f"Fix: {named}: {SCOPE_ELEMENT} = " in said, said
    assert "b2c_1a_signup_signin" not in said, said
    if stack is LOCAL_STACK:  # its custom policy offers German: the language journeys' check names the policy the same way
        from fixtures.causes import JourneyFailure

        watch.authorize += "&ui_locales=de"
        watch.federation = request(ui_locales="en-US")
        with pytest.raises(JourneyFailure, match=f"B2C shows {named}'s pages in 'de'"):
            watch.check_language_passed_on()


@pytest.mark.browser
def test_the_watch_checks_the_request_b2c_sent_on_not_mobile_ids_own_pages_after_it(page) -> None:
    """One mismatch is enough to fail the journey; and what Mobile ID's pages do next (a page of its own, with a client_id
    in its query) is not B2C's request."""
    from fixtures.federation import FederationWatch

    watch = FederationWatch(page, build_settings({}, LOCAL_STACK))
    mobile_id = request(scope="openid profile")
    consent = "https://m.mobileid.ch/oidc/consent?" + urlencode({"client_id": "mobile-ids-own"})
    page.route("https://contoso.b2clogin.com/**", lambda route: route.fulfill(
        body=f"<html><body><script>location.assign({json.dumps(mobile_id)})</script></body></html>", content_type="text/html"))
    page.route("https://m.mobileid.ch/oidc/authorize**", lambda route: route.fulfill(
        body=f"<html><body><script>location.assign({json.dumps(consent)})</script></body></html>", content_type="text/html"))
    page.route("https://m.mobileid.ch/oidc/consent**", lambda route: route.fulfill(body="<html><body>consent</body></html>", content_type="text/html"))
    page.goto("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize?"
              + urlencode({"client_id": LOCAL_STACK.client_id}))
    page.wait_for_url("https://m.mobileid.ch/oidc/consent**")
    assert watch.federation == mobile_id
    with pytest.raises(FederationRequestError) as failure:
        watch.check()
    assert [m.parameter for m in failure.value.mismatches] == ["scope"], str(failure.value)
    assert "through B2C_1A_signup_signin" in str(failure.value)


def test_a_team_flows_fix_names_the_key_of_its_file_too(tmp_path: Path) -> None:
    """A local run through the team's user flows file: the fix is a key of that file, not only a portal field to open."""
    flows = tmp_path / "flows.toml"
    flows.write_text("")
    found = problems(request(scope="openid profile phone"), policy="B2C_1_signupsignin", E2E_STACK_USER_FLOWS=str(flows))
    assert found["scope"].endswith(f"the Mobile ID identity provider's \"Scope\" field (Azure portal > Azure AD B2C > Identity providers); "
                                   f"here, in {flows} (E2E_STACK_USER_FLOWS), its Mobile ID [[identity_provider]]'s scope = openid, "
                                   "profile, phone, mid_profile, or, if your set-up does without mid_profile, leave it out of MOBILEID_SCOPE"), found
