"""Settings: defaults per target, and a message naming the setting for every bad value."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest

import mocks.b2c.settings
from fixtures.settings import MAX_PAGE_BUILD_DELAY, SETTINGS, SettingsError, build_settings
from fixtures.settings_plugin import load_settings, read_env_file
from fixtures.stack_description import stack_command
from mocks.faults import Fault
from tests.local_stack import LOCAL_STACK
from tests.suite_run import allure_results

ROOT = Path(__file__).resolve().parents[2]
TENANT = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "B2C_POLICIES": "B2C_1_susi",
          "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}


def test_local_settings_are_what_the_stack_describes() -> None:
    s = build_settings({}, LOCAL_STACK)
    assert (s.target, s.tenant, s.domain, s.client_id) == ("local", LOCAL_STACK.tenant, LOCAL_STACK.domain, LOCAL_STACK.client_id)
    # One sign-up-or-sign-in policy of each kind (B2C_1A_signup_signin_newuser is served too, for its own journeys).
    assert s.policies == ("B2C_1_signupsignin", "B2C_1A_signup_signin") and "B2C_1A_signup_signin_newuser" in LOCAL_STACK.policies
    assert (s.mobileid_mode, s.control_url, s.approval_timeout) == ("emulator", LOCAL_STACK.control_url, 30.0)
    assert s.redirect_uri == LOCAL_STACK.redirect_uri and s.backchannel_budget == 3.0 and s.has_control_api
    assert s.robots == LOCAL_STACK.robots and s.idp_client_id == LOCAL_STACK.mobileid_client_id and s.stack == LOCAL_STACK


def test_against_a_tenant_the_token_goes_to_jwt_ms_on_the_tenants_b2clogin_domain() -> None:
    """docs/suite.md's settings: B2C_REDIRECT_URI defaults to https://jwt.ms and B2C_DOMAIN to {tenant}.b2clogin.com."""
    s = build_settings(TENANT)
    assert (s.redirect_uri, s.domain) == ("https://jwt.ms", "fabrikam.b2clogin.com")


def test_what_a_report_shows_of_a_run_names_b2cs_client_at_mobile_id_and_the_control_api_without_its_secrets() -> None:
    """A wrong MOBILEID_CLIENT_ID fails every journey: the report's environment and a repro's settings.json name it (and the
    control API), never the control token. (A control URL with a query, a key there, is refused: test_a_bad_setting_is_named...)"""
    shown = build_settings({**TENANT, "MOBILEID_CLIENT_ID": "b2c-fabrikam-0009", "MOBILEID_CONTROL_TOKEN": "ctl-token-0123456789abcdef",
                            "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}).describe()
    assert (shown["mobileid_client_id"], shown["mobileid_control_url"]) == ("b2c-fabrikam-0009", "https://mid.fabrikam.test/control")
    assert "ctl-token" not in str(shown), shown


def test_local_accepts_the_emulator_mode_it_uses() -> None:
    assert build_settings({"MOBILEID_MODE": "Emulator"}).mobileid_mode == "emulator"


def test_a_choice_is_read_in_any_case() -> None:
    s = build_settings({**TENANT, "E2E_TARGET": " Tenant", "MOBILEID_MODE": "Emulator", "E2E_PREFLIGHT": "OFF", "B2C_LANGUAGE_CUSTOMIZATION": "On",
                        "MOBILEID_RESPONSE_MODE": "Query"})
    assert (s.target, s.mobileid_mode, s.preflight, s.language_customization, s.idp_response_mode) == ("tenant", "emulator", False, True, "query")
    assert build_settings(TENANT).preflight  # on unless E2E_PREFLIGHT=off


def test_a_tenant_name_in_capitals_is_the_tenant_and_an_undefined_pipeline_secret_is_unset() -> None:
    """B2C's tenant names are lower case (its URLs, the journeys' checks); Azure Pipelines maps a secret variable nobody
    defined as the text $(NAME), which is no value (azure-pipelines.yml maps the optional approval webhook so)."""
    assert build_settings({**TENANT, "B2C_TENANT": "Fabrikam"}).tenant == "fabrikam"
    real = {**TENANT, "MOBILEID_CONTROL_URL": "", "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}
    assert build_settings({**real, "MOBILEID_APPROVAL_WEBHOOK": "$(MOBILEID_APPROVAL_WEBHOOK)"}).approval_webhook is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}, "MOBILEID_MODE=real"),
        ({"B2C_TENANT": "fabrikam"}, "B2C_TENANT"),
        ({"B2C_DOMAIN": "login.fabrikam.com"}, "B2C_DOMAIN"),
        ({"MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}, "MOBILEID_CONTROL_URL"),
        ({"MOBILEID_CONTROL_TOKEN": "t0ken"}, "MOBILEID_CONTROL_TOKEN"),
        ({"E2E_HOST_MAP": "jwt.ms=127.0.0.1:8443"}, "E2E_HOST_MAP"),
        ({"MOBILEID_ROBOTS": "busy=+41000092406"}, "MOBILEID_ROBOTS"),
        ({"MOBILEID_TEST_NUMBER": "+41791234567"}, "MOBILEID_TEST_NUMBER"),
        ({"E2E_CA_FILE": "/etc/fabrikam-ca.pem"}, "E2E_CA_FILE"),
        ({"B2C_USER_FLOW_IDP_NAME": "Swiss Mobile ID"}, "B2C_USER_FLOW_IDP_NAME"),  # the stack's user flow says "Mobile ID"
    ],
)
def test_a_tenant_setting_in_local_mode_stops_the_run(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named) as refused:
        build_settings(env)
    assert "E2E_TARGET=tenant" in str(refused.value) and "unset" in str(refused.value)


def test_tenant_mode_by_settings_alone() -> None:
    real = {**TENANT, "MOBILEID_CONTROL_URL": "", "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}
    s = build_settings({**real, "B2C_DOMAIN": "Login.Fabrikam.com"})
    assert (s.domain, s.policies, s.client_id) == ("login.fabrikam.com", ("B2C_1_susi",), "5ca1ab1e-0000-4000-8000-00000000c0de")
    assert s.mobileid_mode == "real" and s.control_url is None and not s.has_control_api
    assert s.approval_timeout == 120.0 and s.host_map == {}


@pytest.mark.parametrize(("name", "value"), [("MOBILEID_CONTROL_URL", "https://mid.fabrikam.test/control"),
                                           ("MOBILEID_CONTROL_TOKEN", "t0ken"), ("MOBILEID_ROBOTS", "busy=+41000092406")])
def test_an_emulator_setting_with_the_real_service_stops_the_run(name: str, value: str) -> None:
    # A .env kept for the deployed emulator, and MOBILEID_MODE=real given for a smoke with a person approving.
    real = {**TENANT, "MOBILEID_CONTROL_URL": "", "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}
    assert build_settings(real).mobileid_mode == "real"
    with pytest.raises(SettingsError) as refused:
        build_settings({**real, name: value})
    message = str(refused.value)
    assert f"{name} only applies to MOBILEID_MODE=emulator" in message and "an empty value" in message and "t0ken" not in message
    assert message.count("\n") == 0 and "MOBILEID_METADATA_URL" not in message  # one error; the metadata is the real one


@pytest.mark.parametrize(("name", "value"), [("MOBILEID_TEST_NUMBER", "+41791234567"),
                                           ("MOBILEID_APPROVAL_WEBHOOK", "https://hooks.example.com/x/abcdefgh12345678")])
def test_a_persons_setting_without_the_real_service_stops_the_run(name: str, value: str) -> None:
    """The person's number and webhook set, MOBILEID_MODE=real forgotten: the deployed emulator approved, nobody was asked."""
    assert build_settings(TENANT).mobileid_mode == "emulator"
    with pytest.raises(SettingsError) as refused:
        build_settings({**TENANT, name: value})
    message = str(refused.value)
    assert f"{name} only applies to MOBILEID_MODE=real" in message and "Set MOBILEID_MODE=real, or unset it" in message
    assert value not in message and message.count("\n") == 0


def test_an_emulators_settings_kept_with_the_real_service_are_named_once_with_its_discovery() -> None:
    real = {**TENANT, "MOBILEID_CONTROL_URL": "mid.fabrikam.test/control", "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567",
            "MOBILEID_METADATA_URL": "https://mid.fabrikam.test/.well-known/openid-configuration"}
    with pytest.raises(SettingsError) as refused:
        build_settings(real)
    message = str(refused.value)
    assert "must be an absolute URL" not in message and message.count("MOBILEID_CONTROL_URL") == 1  # refused once, for being there
    assert "MOBILEID_METADATA_URL='https://mid.fabrikam.test/.well-known/openid-configuration' is not the real service's" in message
    assert "so the run would ignore it. Unset it for MOBILEID_MODE=real" in message, message  # one setting named: "it"


def test_an_emulators_discovery_alone_with_the_real_service_stops_the_run() -> None:
    # The emulator's control settings blanked for a smoke with a person approving, its discovery URL forgotten: the
    # preflight would ask the tenant to federate with the emulator, and the token check expect the emulator's issuer.
    real = {**TENANT, "MOBILEID_CONTROL_URL": "", "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}
    real_discovery = "https://openid.mobileid.ch/.well-known/openid-configuration"
    assert build_settings({**real, "MOBILEID_METADATA_URL": real_discovery}).idp_metadata_url == real_discovery
    with pytest.raises(SettingsError) as refused:
        build_settings({**real, "MOBILEID_METADATA_URL": "https://mid.fabrikam.test/.well-known/openid-configuration"})
    message = str(refused.value)
    assert message.startswith("MOBILEID_METADATA_URL='https://mid.fabrikam.test/.well-known/openid-configuration' is not the real service's")
    assert "Unset it for MOBILEID_MODE=real" in message and message.count("\n") == 0


def test_the_control_token_stays_out_of_repr_and_reports() -> None:
    s = build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": "s3cr3t-token"})
    assert s.control_token == "s3cr3t-token"
    assert "s3cr3t" not in repr(s) and "s3cr3t" not in str(s.describe())


def test_a_browser_servers_bearer_token_is_a_secret_alone_too() -> None:
    """The token of an Authorization header is redacted wherever it shows without its "Bearer " (a URL, a log line)."""
    s = build_settings({**TENANT, "E2E_BROWSER_WS_ENDPOINT": "wss://browsers.example.com/", "E2E_BROWSER_PROXY": "socks5://127.0.0.1:1080",
                        "E2E_BROWSER_WS_HEADERS": '{"Authorization": "Bearer t0ken-0123456789"}'})
    assert {"Bearer t0ken-0123456789", "t0ken-0123456789"} <= set(s.secrets) and s.browser_proxy == "socks5://127.0.0.1:1080"
    # What the report shows of a run: a stack without faults says none, not an empty value.
    assert build_settings({}, LOCAL_STACK).describe()["stack_faults"] == "none"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"E2E_TARGET": "staging"}, "E2E_TARGET"),
        ({**TENANT, "B2C_CLIENT_ID": ""}, "B2C_CLIENT_ID"),
        ({**TENANT, "B2C_CLIENT_ID": "my-test-app"}, "B2C_CLIENT_ID='my-test-app' is not an application .client. id, which is a GUID"),
        ({"E2E_TARGET": "tenant", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de"}, "B2C_POLICIES"),
        ({"B2C_POLICIES": "signin"}, "B2C_POLICIES"),
        ({**TENANT, "B2C_TENANT": "https://contoso.b2clogin.com"}, "B2C_TENANT"),
        ({**TENANT, "B2C_TENANT": "contosö"}, "B2C_TENANT='contosö' must be the tenant name only"),
        ({**TENANT, "B2C_TENANT": "c" * 64}, "at most 63"),  # a DNS label, as the emulator's --tenant
        ({**TENANT, "B2C_TENANT": "contoso-"}, "not at either end"),
        ({**TENANT, "MOBILEID_MODE": "real"}, "MOBILEID_TEST_NUMBER"),
        ({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "079 123 45 67"}, "MOBILEID_TEST_NUMBER"),
        # str.isdigit() accepts these; they would be a second identity for +41791112233.
        ({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41\uff17\uff19\uff11\uff11\uff11\uff12\uff12\uff13\uff13"}, "ASCII digits"),
        ({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41\u0667\u0669\u0661\u0661\u0661\u0662\u0662\u0663\u0663"}, "ASCII digits"),
        ({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41\u096d\u096f\u0967\u0967\u0967\u0968\u0968\u0969\u0969"}, "ASCII digits"),
        ({**TENANT, "MOBILEID_MODE": "phone"}, "MOBILEID_MODE"),
        ({"MOBILEID_APPROVAL_TIMEOUT": "soon"}, "MOBILEID_APPROVAL_TIMEOUT"),
        ({"E2E_IDP_BACKCHANNEL_BUDGET": "0"}, "E2E_IDP_BACKCHANNEL_BUDGET"),
        ({"MOBILEID_APPROVAL_TIMEOUT": "nan"}, "MOBILEID_APPROVAL_TIMEOUT"),
        # Became pytest-timeout's timer (three approvals a journey): an INTERNALERROR traceback, no journey run.
        ({"MOBILEID_APPROVAL_TIMEOUT": "1e308"}, "MOBILEID_APPROVAL_TIMEOUT='1e308' is more than 3600 seconds"),
        ({"E2E_IDP_BACKCHANNEL_BUDGET": "inf"}, "E2E_IDP_BACKCHANNEL_BUDGET"),
        ({**TENANT, "MOBILEID_CONTROL_URL": ""}, "MOBILEID_CONTROL_URL is not set; with MOBILEID_MODE=emulator"),
        ({**TENANT, "B2C_POLICIES": "B2C_1_"}, "B2C_POLICIES has 'B2C_1_'"),
        ({**TENANT, "B2C_POLICIES": "B2C_1_susi,b2c_1_SUSI"}, "B2C_POLICIES names B2C_1_susi, b2c_1_SUSI more than once"),
        ({**TENANT, "B2C_POLICIES": "B2C_1A_sign in"}, "B2C_POLICIES has 'B2C_1A_sign in'"),
        ({**TENANT, "B2C_POLICIES": "B2C_1_x/../../contoso.onmicrosoft.com/B2C_1_susi"}, "B2C_POLICIES has"),
        ({**TENANT, "E2E_HOST_MAP": "jwt.ms:127.0.0.1"}, "E2E_HOST_MAP is malformed: .*; use host=address:port"),
        ({**TENANT, "E2E_HOST_MAP": "jwt.ms=127.0.0.1:99999"}, "E2E_HOST_MAP is malformed: .* has port 99999, not a number from 1 to 65535"),
        ({**TENANT, "E2E_HOST_MAP": "jwt.ms=127.0.0.1:0"}, "E2E_HOST_MAP is malformed: .* has port 0, not a number"),
        ({**TENANT, "E2E_CA_FILE": "/nonexistent/ca.pem"}, "E2E_CA_FILE"),
        ({"E2E_STACK_FAULTS": "wrong-audience,typo"}, "E2E_STACK_FAULTS"),
        ({**TENANT, "E2E_STACK_FAULTS": "wrong-audience"}, "E2E_STACK_FAULTS"),
        ({"E2E_STACK_PAGE_BUILD_DELAY": "soon"}, "E2E_STACK_PAGE_BUILD_DELAY='soon' must be a number of seconds from 0 to 10"),
        ({"E2E_STACK_PAGE_BUILD_DELAY": "-1"}, "E2E_STACK_PAGE_BUILD_DELAY='-1' must be"),
        ({"E2E_STACK_PAGE_BUILD_DELAY": "nan"}, "E2E_STACK_PAGE_BUILD_DELAY='nan' must be"),
        ({"E2E_STACK_PAGE_BUILD_DELAY": "10.5"}, "E2E_STACK_PAGE_BUILD_DELAY='10.5' must be"),
        ({**TENANT, "E2E_STACK_PAGE_BUILD_DELAY": "1"}, "E2E_STACK_PAGE_BUILD_DELAY only applies to E2E_TARGET=local"),
        ({"B2C_REDIRECT_URI": "http://jwt.ms"}, "B2C_REDIRECT_URI"),
        # A URL without a host passed, and was met later as a server that does not answer (the preflight's rows).
        ({**TENANT, "B2C_REDIRECT_URI": "https://"}, "B2C_REDIRECT_URI='https://' must be an https URL"),
        ({**TENANT, "MOBILEID_CONTROL_URL": "https://"}, "MOBILEID_CONTROL_URL has no host"),
        ({**TENANT, "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test:0/control"}, "MOBILEID_CONTROL_URL has no host, or a port"),
        ({**TENANT, "MOBILEID_METADATA_URL": "https:///.well-known/openid-configuration"}, "MOBILEID_METADATA_URL='https:///"),
        # Each says what it lacks: "must be an https URL" alone, of a URL that starts https://, did not.
        ({**TENANT, "B2C_REDIRECT_URI": "https://jwt.ms:65536/"}, "registered for the app, with a host, and a port from 1 to 65535 if"),
        ({**TENANT, "MOBILEID_METADATA_URL": "https://:8443/.well-known/openid-configuration"},
         "must be the https URL .with a host, and a port from 1 to 65535 if it names one. of Mobile ID's"),
        ({**TENANT, "MOBILEID_ROBOTS": "busy:+41000092406"}, "MOBILEID_ROBOTS"),
        ({**TENANT, "MOBILEID_ROBOTS": "busy=0041000092406"}, "MOBILEID_ROBOTS"),
        ({**TENANT, "MOBILEID_ROBOTS": "user_cancle=+41000092401"}, "the outcomes being user_cancel, "),
        # Each was an INTERNALERROR traceback (httpx.InvalidURL, idna's InvalidCodepoint, "Invalid IPv6 URL") at the run's start
        ({**TENANT, "MOBILEID_CONTROL_URL": "https://mid.fabrikam\u200b.test/control"}, "MOBILEID_CONTROL_URL has no host"),
        ({**TENANT, "MOBILEID_METADATA_URL": "https://openid.mobileid\u200b.ch/.well-known/openid-configuration"},
         "MOBILEID_METADATA_URL=.* must be the https URL"),
        ({**TENANT, "MOBILEID_CONTROL_URL": "https://xn--a.ch/control"}, "MOBILEID_CONTROL_URL has no host"),
        ({**TENANT, "B2C_DOMAIN": "https://[login.contoso.com"}, "B2C_DOMAIN=.* must be a host name only, without scheme, port or path: e.g."),
        ({**TENANT, "B2C_DOMAIN": "login.contoso.com]:443"}, "B2C_DOMAIN=.* must be a host name only"),
        # Read as one item: a scope "profile;phone" the tenant was blamed for lacking, a claim "name;idp" every token lacked
        ({"MOBILEID_SCOPE": "openid profile;phone mid_profile"}, "MOBILEID_SCOPE='openid profile;phone mid_profile' separates its "
                                                                "scopes with ';': separate them with spaces"),
        ({"MOBILEID_SCOPE": "openid;profile"}, "MOBILEID_SCOPE='openid;profile' separates its scopes with ';'"),
        ({"E2E_TOKEN_CONTRACT": "name;idp"}, "E2E_TOKEN_CONTRACT='name;idp' separates its claims with ';': separate them with commas"),
        # The control token went in clear to every hop on the way
        ({**TENANT, "MOBILEID_CONTROL_URL": "http://mid.fabrikam.test/control"}, "MOBILEID_CONTROL_URL is plain http to "
                                                                                  "mid.fabrikam.test, so MOBILEID_CONTROL_TOKEN would cross"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        build_settings(env)


@pytest.mark.parametrize(("env", "secret", "says"), [
    ({"E2E_BROWSER_WS_ENDPOINT": "https://browsers.example.com/ws?access_token=sk-live-abcdef123456"}, "sk-live-abcdef123456",
     "E2E_BROWSER_WS_ENDPOINT must be a ws:// or wss:// URL of a Playwright browser server; it starts with https://"),
    ({"E2E_BROWSER_PROXY": "alice:Sup3rS3cretPw@proxy.corp:3128"}, "Sup3rS3cretPw", "E2E_BROWSER_PROXY must be a proxy URL"),
    ({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41 79 123 45 67"}, "123 45", "MOBILEID_TEST_NUMBER ('+4179*****67') must be"),
    ({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "41791112233"}, "41791112233", "MOBILEID_TEST_NUMBER must be in E.164 form"),
    # Not Swiss: the masking of people's numbers would leave it whole in reports and bundles.
    ({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+4236601234"}, "6601234",
     "MOBILEID_TEST_NUMBER (+4236****34) is not a Swiss number (+41 and nine digits)"),
    ({**TENANT, "MOBILEID_CONTROL_URL": "admin:hunter2secret@mid.fabrikam.test/control"}, "hunter2secret",
     "MOBILEID_CONTROL_URL must be an absolute URL"),
    # httpx would send them as HTTP Basic in place of the control token's Bearer: every call refused.
    ({**TENANT, "MOBILEID_CONTROL_URL": "https://admin:hunter2secret@mid.fabrikam.test/control"}, "hunter2secret",
     "MOBILEID_CONTROL_URL carries a user name or password (user:password@host)"),
    ({**TENANT, "MOBILEID_CONTROL_URL": "https://ops-token-9f8e7d6c5b4a@mid.fabrikam.test/control"}, "ops-token-9f8e7d6c5b4a",
     "MOBILEID_CONTROL_URL carries a user name or password (user:password@host)"),
    ({"E2E_BROWSER_PROXY": "proxy.corp:3128/?u=https://x"}, "proxy.corp", "it starts without a scheme"),
    ({"E2E_BROWSER_PROXY": "http://alice:S3cretPw99@proxy.corp:31a8"}, "S3cretPw99", "E2E_BROWSER_PROXY has no host, or a port"),
    ({"E2E_BROWSER_PROXY": "socks5://alice:S3cretPw99@proxy.corp:1080"}, "S3cretPw99",
     "E2E_BROWSER_PROXY is a SOCKS5 proxy with a user name or password, which Playwright's browsers cannot give it"),
    # Its calls are paths under it: the query ended up inside each one (<url>?key=.../robots), said three times by the preflight
    ({**TENANT, "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control?key=k3y-0f-the-gateway"}, "k3y-0f-the-gateway",
     "MOBILEID_CONTROL_URL has a query or fragment ('?' or '#' and what follows): the control API's calls are paths under it"),
    ({**TENANT, "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control#robots"}, "#robots", "MOBILEID_CONTROL_URL has a query or fragment"),
    # Playwright refused each journey's connection instead ("Invalid character in header content"); the value stays out
    ({"E2E_BROWSER_WS_ENDPOINT": "ws://127.0.0.1:3000/", "E2E_BROWSER_WS_HEADERS": '{"X-Key": "abc\\ndefSECRET0001"}'}, "defSECRET0001",
     "E2E_BROWSER_WS_HEADERS: 'X-Key': a header's name is letters, digits and"),
    ({"E2E_BROWSER_WS_ENDPOINT": "ws://127.0.0.1:3000/", "E2E_BROWSER_WS_HEADERS": '{"X Key": "SECRET0002abcdef"}'}, "SECRET0002abcdef",
     "E2E_BROWSER_WS_HEADERS: 'X Key': a header's name"),
])
def test_a_bad_setting_is_named_without_its_secret(env: dict[str, str], secret: str, says: str) -> None:
    """Settings errors go to CI logs: a browser service's token, a proxy's password, a person's number stay out."""
    with pytest.raises(SettingsError) as refused:
        build_settings(env)
    assert says in str(refused.value) and secret not in str(refused.value), str(refused.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8443/control", "http://localhost:8443/control", "http://[::1]:8443/control"])
def test_a_control_api_on_this_machine_may_be_plain_http(url: str) -> None:
    assert build_settings({**TENANT, "MOBILEID_CONTROL_URL": url}).control_url == url


def test_a_password_or_key_in_mobile_ids_discovery_url_is_a_secret_of_the_run() -> None:
    """The preflight's row, the JUnit XML and the Allure results quoted the URL whole ("https://admin:Sup3r...@...?apikey=...")."""
    settings = build_settings({**TENANT, "MOBILEID_METADATA_URL": "https://admin:Sup3rS3cretPassw0rd@openid.mobileid.ch/nope/"
                                                                  ".well-known/openid-configuration?apikey=AnotherSecretKey12345"})
    assert {"Sup3rS3cretPassw0rd", "AnotherSecretKey12345"} <= set(settings.secrets)


def test_a_target_that_is_neither_is_reported_alone() -> None:
    with pytest.raises(SettingsError) as refused:
        build_settings({"E2E_TARGET": "prod", "B2C_TENANT": "fabrikam"})
    assert "E2E_TARGET='prod' is not valid" in str(refused.value) and "the target is local" not in str(refused.value)


def test_host_map_and_faults_are_parsed() -> None:
    s = build_settings({**TENANT, "E2E_HOST_MAP": "jwt.ms=127.0.0.1:8443, M.MobileID.ch=127.0.0.1:8443"})
    assert s.host_map == {"jwt.ms": ("127.0.0.1", 8443), "m.mobileid.ch": ("127.0.0.1", 8443)}
    assert build_settings({"E2E_STACK_FAULTS": "wrong-idp, slow-idp"}).stack_faults == ("wrong-idp", "slow-idp")
    assert build_settings({"E2E_STACK_FAULTS": "wrong-idp slow-idp"}).stack_faults == ("wrong-idp", "slow-idp")


def test_an_unknown_fault_is_refused_with_the_faults_in_the_order_the_stack_and_the_self_check_list_them() -> None:
    """One list, read the same wherever a fault name is refused: the registry's order (B2C's faults, then Mobile ID's)."""
    with pytest.raises(SettingsError) as refused:
        build_settings({"E2E_STACK_FAULTS": "wrong-audiance"})
    assert f"known faults: {', '.join(fault.value for fault in Fault)}" in str(refused.value), refused.value


def test_a_page_build_delay_reaches_the_stacks_command_and_the_report() -> None:
    late = build_settings({"E2E_STACK_PAGE_BUILD_DELAY": " 1.5 "})
    assert late.stack_page_build_delay == 1.5 and late.describe()["stack_page_build_delay"] == "1.5 s"
    command = stack_command(None, late)
    assert command[command.index("--page-build-delay") + 1] == "1.5", command
    at_once = build_settings({"E2E_STACK_PAGE_BUILD_DELAY": "0"})
    assert "--page-build-delay" not in stack_command(None, at_once) and "stack_page_build_delay" not in at_once.describe()


def test_the_suites_most_page_build_delay_is_the_stacks() -> None:
    assert MAX_PAGE_BUILD_DELAY == mocks.b2c.settings.MAX_PAGE_BUILD_DELAY


def test_the_environment_wins_over_the_env_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("E2E_TARGET=tenant\nB2C_POLICIES=B2C_1_susi\nB2C_TENANT=fromfile\nB2C_CLIENT_ID=5ca1ab1e-0000-4000-8000-00000000f11e\n"
                        "MOBILEID_CONTROL_URL=https://mid.fromfile.test/control\n")
    # None of the caller's settings: Azure's pull-request stage sets its tenant's blank, and a blank one wins over the file.
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("B2C_TENANT", "fromenv")
    s = load_settings(env_file)
    assert (s.tenant, s.client_id) == ("fromenv", "5ca1ab1e-0000-4000-8000-00000000f11e")
    # An empty value in the environment overrides the file's: a .env kept for the emulator, a smoke with a person approving.
    monkeypatch.setenv("MOBILEID_MODE", "real")
    monkeypatch.setenv("MOBILEID_TEST_NUMBER", "+41791234567")
    monkeypatch.delenv("MOBILEID_CONTROL_URL", raising=False)
    with pytest.raises(SettingsError, match="MOBILEID_CONTROL_URL only applies"):  # the file's control URL is read
        load_settings(env_file)
    monkeypatch.setenv("MOBILEID_CONTROL_URL", "")
    assert load_settings(env_file).mobileid_mode == "real"
    # ... and where that empty value is why the settings are wrong, the message says so (a CI variable left blank).
    monkeypatch.setenv("B2C_TENANT", "")
    with pytest.raises(SettingsError, match=r"(?s)B2C_TENANT is not set.*the environment sets B2C_TENANT empty, which overrides \.env's value: unset it"):
        load_settings(env_file)
    # ... or another value: E2E_TARGET=local exported in the shell, over the file's tenant ("the target is local")
    monkeypatch.setenv("B2C_TENANT", "fabrikam")
    monkeypatch.setenv("E2E_TARGET", "local")
    with pytest.raises(SettingsError, match=r"(?s)the target is local.*the environment sets E2E_TARGET, which overrides \.env's value: unset it"):
        load_settings(env_file)


def test_every_bad_setting_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        build_settings({"E2E_TARGET": "tenant", "MOBILEID_MODE": "real", "E2E_IDP_BACKCHANNEL_BUDGET": "soon", "B2C_DOMAIN": "https://x"})
    message = str(raised.value)
    assert message.startswith("6 settings to fix:")
    for name in ("B2C_TENANT", "B2C_POLICIES", "B2C_CLIENT_ID", "MOBILEID_TEST_NUMBER", "E2E_IDP_BACKCHANNEL_BUDGET", "B2C_DOMAIN"):
        assert name in message


def test_the_mobile_id_setup_defaults_to_the_seed() -> None:
    local, tenant = build_settings({}, LOCAL_STACK), build_settings(TENANT)
    assert local.idp_client_id == LOCAL_STACK.mobileid_client_id and tenant.idp_client_id is None
    assert tenant.idp_scopes == ("openid", "profile", "phone", "mid_profile") and tenant.idp_response_mode == "form_post"
    assert tenant.idp_metadata_url == "https://openid.mobileid.ch/.well-known/openid-configuration"
    assert build_settings({"MOBILEID_SCOPE": "openid, profile"}).idp_scopes == ("openid", "profile")
    with pytest.raises(SettingsError, match="MOBILEID_SCOPE"):
        build_settings({"MOBILEID_SCOPE": "profile phone"})
    with pytest.raises(SettingsError, match="MOBILEID_APPROVAL_WEBHOOK"):
        build_settings({"MOBILEID_APPROVAL_WEBHOOK": "chat"})
    with pytest.raises(SettingsError, match="E2E_PREFLIGHT"):
        build_settings({"E2E_PREFLIGHT": "maybe"})
@pytest.mark.parametrize(
    ("content", "line"),
    [
        ('E2E_TARGET="tenant\nB2C_TENANT=fabrikam\n', 1),  # unterminated quote: dotenv drops it and the run went local
        ("B2C_TENANT=fabrikam\nE2E_TARGET tenant\n", 2),
        ("# tenant run\nB2C_TENANT=fabrikam\nMOBILEID_CONTROL_TOKEN='s3cr3t\n", 3),
    ],
)
def test_an_env_line_dotenv_cannot_parse_stops_the_run(tmp_path, content: str, line: int) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(content)
    with pytest.raises(SettingsError, match=f"line {line}") as refused:
        load_settings(env_file)
    assert str(env_file) in str(refused.value) and "s3cr3t" not in str(refused.value)


@pytest.mark.parametrize(("content", "line"), [
    ("B2C_TENANT=fabrikam\nB2C_USER_FLOW_IDP_NAME=Mobile ID Zürich\n".encode("latin-1"), 2),
    ("E2E_TARGET=tenant\n".encode("utf-16"), 1),  # as Windows PowerShell 5 writes it
])
def test_an_env_file_that_is_not_utf8_says_so(tmp_path, content: bytes, line: int) -> None:
    (tmp_path / ".env").write_bytes(content)
    with pytest.raises(SettingsError, match=f"line {line}: not UTF-8 text .*Save the file as UTF-8"):
        load_settings(tmp_path / ".env")


@pytest.mark.parametrize(("content", "says"), [
    # Pasted from a chat or a web page: the setting's name was no setting's, and a tenant run went on locally, green
    ("# tenant settings (pasted)\n\u200bE2E_TARGET=tenant\n", "line 2: the name 'E2E_TARGET' has an invisible character in it "
                                                             "(U+200B (ZERO WIDTH SPACE))"),
    # Two files joined (cat .env.example mine.env > .env): the second's byte order mark starts a line
    ("B2C_TENANT=fabrikam\n\ufeffE2E_TARGET=tenant\n", "line 2: the name 'E2E_TARGET' has an invisible character in it (U+FEFF"),
    ("E2E-TARGET=tenant\n", "line 1: 'E2E-TARGET' is not a setting's name (ASCII letters, digits and _ only)"),
])
def test_an_env_name_nothing_can_read_stops_the_run_naming_its_line(tmp_path, content: str, says: str) -> None:
    (tmp_path / ".env").write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings(tmp_path / ".env")
    assert str(refused.value).startswith(f"{tmp_path / '.env'}, {says}"), refused.value


def test_an_env_file_that_cannot_be_read_says_so_not_a_traceback(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .env made by root (sudo) met a pytest run by its user: INTERNALERROR and PermissionError's traceback. (Faked:
    root reads a file of mode 000.)"""
    env_file, read = tmp_path / ".env", Path.read_bytes
    env_file.write_text("E2E_TARGET=tenant\n")

    def refused(path: Path) -> bytes:
        if path == env_file:
            raise PermissionError(13, "Permission denied", str(path))
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(SettingsError, match=rf"^{re.escape(str(env_file))} cannot be read \(Permission denied\): make it a file"):
        load_settings(env_file)


def test_an_env_file_with_a_byte_order_mark_keeps_its_first_setting(tmp_path) -> None:
    from fixtures.settings_plugin import read_env_file

    (tmp_path / ".env").write_bytes("E2E_TARGET=tenant\nB2C_TENANT=fabrikam\n".encode("utf-8-sig"))
    assert read_env_file(tmp_path / ".env") == {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam"}


def test_an_env_file_with_windows_line_ends_reads_as_python_dotenv_reads_it(tmp_path) -> None:
    from dotenv import dotenv_values

    from fixtures.settings_plugin import read_env_file

    (tmp_path / ".env").write_bytes(b'E2E_TARGET=tenant\r\nE2E_BROWSER_WS_HEADERS="{\r\n  \\"x\\": \\"y\\"\r\n}"\r\nB2C_TENANT=fabrikam\r\n')
    read = read_env_file(tmp_path / ".env")
    assert read == dotenv_values(tmp_path / ".env") and read["E2E_BROWSER_WS_HEADERS"] == '{\n  "x": "y"\n}', read


def test_a_ca_file_that_is_no_certificate_is_named(tmp_path) -> None:
    (tmp_path / "ca.pem").write_text("not a certificate\n")
    with pytest.raises(SettingsError, match="E2E_CA_FILE=.*ca.pem' holds no CA certificate in PEM form"):
        build_settings({**TENANT, "E2E_CA_FILE": str(tmp_path / "ca.pem")})


def test_a_local_run_refuses_an_app_the_local_stack_does_not_have() -> None:
    with pytest.raises(SettingsError, match=r"B2C_CLIENT_ID='00000000-0000-0000-0000-000000000000' is not the local stack's test app"):
        build_settings({"B2C_CLIENT_ID": "00000000-0000-0000-0000-000000000000"}, LOCAL_STACK)
    with pytest.raises(SettingsError, match=r"B2C_REDIRECT_URI='https://app.example/cb' is not the local stack's test app"):
        build_settings({"B2C_REDIRECT_URI": "https://app.example/cb"}, LOCAL_STACK)
    same = build_settings({"B2C_CLIENT_ID": LOCAL_STACK.client_id}, LOCAL_STACK)
    assert same.client_id == LOCAL_STACK.client_id
    # Nor federation settings of a tenant's: every journey would fail, blaming a tenant that is not in play.
    with pytest.raises(SettingsError, match=r"MOBILEID_CLIENT_ID='my-real-client' is not the local stack's Mobile ID client"):
        build_settings({"MOBILEID_CLIENT_ID": "my-real-client"}, LOCAL_STACK)
    with pytest.raises(SettingsError, match=r"MOBILEID_METADATA_URL='https://mid.fabrikam.test/x' is not the local stack's Mobile ID"):
        build_settings({"MOBILEID_METADATA_URL": "https://mid.fabrikam.test/x"}, LOCAL_STACK)
    assert build_settings({"MOBILEID_CLIENT_ID": LOCAL_STACK.mobileid_client_id}, LOCAL_STACK).idp_client_id == LOCAL_STACK.mobileid_client_id


def test_the_env_example_copied_as_it_is_runs_locally_and_names_only_documented_settings() -> None:
    """.env.example is the README's start for tenant mode: as copied it must be a valid local run, and each setting
    it offers (commented out or not) must be one docs/suite.md's settings table explains."""
    from fixtures.settings_plugin import read_env_file

    example = ROOT / ".env.example"
    assert build_settings(read_env_file(example), LOCAL_STACK).target == "local"
    offered = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example.read_text(), re.M))
    first_cells = [line.split("|")[1] for line in (ROOT / "docs" / "suite.md").read_text().splitlines() if line.startswith("| `")]
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    assert offered and offered <= documented, f"in .env.example, not in docs/suite.md's settings: {sorted(offered - documented)}"


def test_the_list_of_settings_is_what_the_code_reads_and_the_docs_explain() -> None:
    """fixtures.settings.SETTINGS (against which .env's names are checked for typos) is every name the settings code
    reads, no more, and docs/suite.md's settings table explains each."""
    from fixtures.settings import SETTINGS

    source = "".join((ROOT / "fixtures" / name).read_text() for name in ("settings.py", "settings_plugin.py"))
    source = re.sub(r"(?s)\nSETTINGS = \(.*?\n\)\n", "\n", source)  # the list itself does not count as reading
    read = set(re.findall(r'"((?:B2C|E2E|MOBILEID)_[A-Z0-9_]*[A-Z0-9])"', source)) - {"B2C_1A"}
    assert set(SETTINGS) == read, f"read but not listed: {sorted(read - set(SETTINGS))}; listed but not read: {sorted(set(SETTINGS) - read)}"
    table = (ROOT / "docs" / "suite.md").read_text()
    assert [name for name in SETTINGS if f"`{name}`" not in table] == []


def test_a_misspelt_setting_in_env_is_named_with_the_likely_one(tmp_path: Path) -> None:
    from fixtures.settings import unknown_settings

    names = ["E2E_UI_LOCALE", "B2C_LANGUAGE_CUSTOMISATION", "B2C_WEBAPP1_CLIENT_SECRET", "E2E_TARGET", "HTTPS_PROXY", "MOBILEID_FOO",
             "MOBILEID_CONTROL_TOKN", "B2C_POLICY", "MOBILEID_ROBOT", "MOBILE_ID_MODE", "MOBILE_ID_SOMETHING", "E2E-TARGET", "MOBILE-ID-MODE",
             "MY-TOOL-SETTING"]
    assert unknown_settings(names) == ["E2E_UI_LOCALE (did you mean E2E_UI_LOCALES?)",
                                       "B2C_LANGUAGE_CUSTOMISATION (did you mean B2C_LANGUAGE_CUSTOMIZATION?)", "MOBILEID_FOO",
                                       "MOBILEID_CONTROL_TOKN (did you mean MOBILEID_CONTROL_TOKEN?)",
                                       "B2C_POLICY (did you mean B2C_POLICIES?)", "MOBILEID_ROBOT (did you mean MOBILEID_ROBOTS?)",
                                       "MOBILE_ID_MODE (did you mean MOBILEID_MODE?)",  # the product's spelling, one of ours
                                       "E2E-TARGET (did you mean E2E_TARGET?)", "MOBILE-ID-MODE (did you mean MOBILEID_MODE?)"]


def test_a_misspelt_required_setting_is_named_in_the_error_it_causes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """B2C_TENNANT in .env: "B2C_TENANT is not set" alone would send the user looking elsewhere."""
    for name in ("E2E_TARGET", "B2C_TENANT", "B2C_POLICIES", "B2C_CLIENT_ID", "MOBILEID_CONTROL_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("E2E_TARGET=tenant\nB2C_TENNANT=fabrikam\nB2C_POLICIES=B2C_1_susi\nB2C_CLIENT_ID=5ca1ab1e-0000-4000-8000-00000000f11e\n"
                                   "MOBILEID_CONTROL_URL=https://mid.fabrikam.test/control\n")
    with pytest.raises(SettingsError, match=r"(?s)B2C_TENANT is not set.*\(\.env has settings the suite does not read .*"
                                            r"B2C_TENNANT \(did you mean B2C_TENANT\?\)"):
        load_settings(tmp_path / ".env")


def test_a_tenant_run_whose_env_gives_a_setting_under_a_misspelt_name_stops_rather_than_pass_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """E2E_TOKEN_CONTRAC=name,idp,extension_loyalty in .env reads as unset: a pre-release smoke against the tenant passed,
    green, holding the token to the default contract, the misspelling named only on a line above the preflight's table.
    It stops (the preflight too: both read load_run_settings), naming both names and no value; the setting meant, set as
    well, is a choice made (only named); a misspelt name in the environment is only named (it may be another tool's)."""
    import fixtures.settings_plugin as plugin

    for name in (*TENANT, "E2E_TOKEN_CONTRACT", "E2E_TOKEN_CONTRAC", "B2C_REDIRECT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(plugin, "ENV_FILE", tmp_path / ".env")
    tenant = "".join(f"{k}={v}\n" for k, v in TENANT.items())
    (tmp_path / ".env").write_text(tenant + "E2E_TOKEN_CONTRAC=name,idp,extension_loyalty\nB2C_REDIRECT_URL=https://app.fabrikam.test/\n")
    with pytest.raises(SettingsError) as raised:
        plugin.load_run_settings()
    said = str(raised.value)
    assert "E2E_TOKEN_CONTRAC (did you mean E2E_TOKEN_CONTRACT?), B2C_REDIRECT_URL (did you mean B2C_REDIRECT_URI?)" in said, said
    assert "extension_loyalty" not in said and "app.fabrikam.test" not in said, said
    monkeypatch.setenv("E2E_TOKEN_CONTRACT", "name,idp")
    monkeypatch.setenv("B2C_REDIRECT_URI", "https://jwt.ms")
    settings, unread = plugin.load_run_settings()
    assert settings.token_contract == ("name", "idp") and unread is not None and "E2E_TOKEN_CONTRAC" in unread
    monkeypatch.delenv("E2E_TOKEN_CONTRACT")
    monkeypatch.delenv("B2C_REDIRECT_URI")
    monkeypatch.setenv("E2E_TOKEN_CONTRAC", "")  # overridden (blank) by the environment, as the tenant-mode CI script does
    monkeypatch.setenv("B2C_REDIRECT_URL", "")
    assert plugin.load_run_settings()[0].token_contract == ()
    (tmp_path / ".env").write_text(tenant)
    monkeypatch.setenv("E2E_TOKEN_CONTRAC", "name")  # the environment's: only named
    assert plugin.load_run_settings()[1] is not None


def test_a_journey_run_says_at_its_start_which_env_names_it_does_not_read(tmp_path: Path) -> None:
    """A local run whose .env has a misspelt name, and whose environment has one too (E2E_TARGT=tenant: the run would go
    on locally and pass): the run goes on (local defaults), and its first line names both. The environment's other names
    with the suite's prefixes are left alone: they may be another tool's."""
    from tests.suite_run import ROOT, pytest_e2e

    (tmp_path / "dot.env").write_text("E2E_UI_LOCALE=de\nMOBILEID_APPROVAL_TIMEOUT=30\n")
    (tmp_path / "env_file_here.py").write_text(  # the suite's .env is the repository's: this run reads the one made up here
        "from pathlib import Path\nimport fixtures.settings_plugin as plugin\nplugin.ENV_FILE = Path(__file__).with_name('dot.env')\n")
    done = pytest_e2e("-p", "env_file_here", "--collect-only", "e2e/test_sign_in.py", PYTHONPATH=f"{tmp_path}:{ROOT}",
                      E2E_TARGT="tenant", E2E_OTHER_TOOLS_SETTING="x")
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout.splitlines()
    assert said[0] == ("dot.env has settings the suite does not read (a typo reads as unset): E2E_UI_LOCALE (did you mean E2E_UI_LOCALES?); "
                       "the environment has settings the suite does not read (a typo reads as unset): E2E_TARGT (did you mean E2E_TARGET?)"), said[:3]


def test_a_run_whose_env_asks_for_the_tenant_under_a_misspelt_name_stops_rather_than_pass_locally(tmp_path: Path) -> None:
    """E2E_TAGRET=tenant in .env reads as unset: a pre-release `make smoke` passed against the local stack, green, for a
    tenant it never met, with a warning line above. It stops before any journey, as a .env pytest does not read that asks
    for the tenant does; E2E_TARGET set as well (in .env or the environment) is a choice made, and runs."""
    from tests.suite_run import ROOT, pytest_e2e

    (tmp_path / "env_file_here.py").write_text(  # the suite's .env is the repository's: this run reads the one made up here
        "from pathlib import Path\nimport fixtures.settings_plugin as plugin\nplugin.ENV_FILE = Path(__file__).with_name('dot.env')\n")
    selected = ("-p", "env_file_here", "-n", "0", "e2e/test_security_promises.py", "-k", "test_an_error_redirect_echoes_the_state and b2c_1_signupsignin")
    (tmp_path / "dot.env").write_text("E2E_TAGRET=tenant\nB2C_POLICIES=B2C_1_signupsignin\n")
    stopped = pytest_e2e(*selected, PYTHONPATH=f"{tmp_path}:{ROOT}")
    said = stopped.stdout + stopped.stderr
    assert stopped.returncode == 4 and "passed" not in said, said[-2000:]
    assert "dot.env says E2E_TAGRET=tenant, a misspelling of E2E_TARGET, which reads as unset: this run would be against the local " \
           "stack, not your tenant" in said, said[-2000:]
    chosen = pytest_e2e(*selected, PYTHONPATH=f"{tmp_path}:{ROOT}", E2E_TARGET="local")
    assert chosen.returncode == 0 and "1 passed" in chosen.stdout, (chosen.stdout + chosen.stderr)[-2000:]


@pytest.mark.parametrize(("given", "env", "said"), [
    (("--base-url", "https://fabrikam.b2clogin.com"), {}, "--base-url gives pytest-playwright's base URL"),
    ((), {"PYTEST_BASE_URL": "https://fabrikam.b2clogin.com"}, "PYTEST_BASE_URL in the environment gives pytest-playwright's base URL"),
    (("-o", "base_url=https://fabrikam.b2clogin.com"), {}, "base_url in pytest.ini (or -o base_url=...) gives pytest-playwright's base URL"),
], ids=["flag", "environment", "ini"])
def test_a_journey_run_given_a_base_url_stops_naming_where_it_came_from_and_the_tenant_settings(
        given: tuple[str, ...], env: dict[str, str], said: str) -> None:
    """pytest-playwright's --base-url (PYTEST_BASE_URL, the ini's base_url) is read by no journey (their URLs are B2C's own,
    from the settings): `pytest e2e --base-url https://<tenant>` ran against the local stack, green. It stops before any
    journey (a listing too: before the stack starts), saying where the URL came from and how a tenant is chosen."""
    from tests.suite_run import pytest_e2e

    stopped = pytest_e2e("--collect-only", *given, **env)
    output = stopped.stdout + stopped.stderr
    assert stopped.returncode == 4 and said in output, output[-2000:]
    assert "set E2E_TARGET=tenant, B2C_TENANT, B2C_POLICIES and B2C_CLIENT_ID (B2C_DOMAIN for a custom domain)" in output, output[-2000:]
    assert "fabrikam" not in output, output[-2000:]  # the URL is not said: it may carry a password


def test_a_run_of_the_emulator_tests_alone_takes_a_base_url_as_before() -> None:
    """The emulators' tests read no suite setting: a base URL given to them (a shell's PYTEST_BASE_URL) stops nothing."""
    from tests.suite_run import suite_env

    listed = subprocess.run([sys.executable, "-m", "pytest", "tests/suite/test_texts.py", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "--base-url", "https://fabrikam.b2clogin.com"], cwd=ROOT, env=suite_env(), capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, (listed.stdout + listed.stderr)[-2000:]


@pytest.mark.parametrize(("env_file", "stops"), [
    ("E2E_TAGRET=Tenant\n", True),  # E2E_TARGET's value is read whatever its case: so is its misspelling's
    ("E2E_TAGRET=local\n", False),  # asks for what an unset E2E_TARGET gives: nothing to stop for
    ("E2E_TARGET=local\nE2E_TAGRET=tenant\n", False),  # E2E_TARGET in the same .env: a choice made (only named as a typo)
], ids=["misspelt-tenant", "misspelt-local", "target-set-beside"])
def test_only_a_misspelt_name_asking_for_the_tenant_in_env_stops_a_local_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                              env_file: str, stops: bool) -> None:
    import fixtures.settings_plugin as plugin

    (tmp_path / ".env").write_text(env_file)
    monkeypatch.setattr(plugin, "ENV_FILE", tmp_path / ".env")
    monkeypatch.delenv("E2E_TARGET", raising=False)
    said = plugin.tenant_asked_under_a_misspelt_name()
    assert (said is not None) == stops, said


def test_a_relative_ca_file_in_env_is_found_next_to_it_wherever_pytest_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mocks.common.tls import issue_local_certificates

    issue_local_certificates(tmp_path / "certs", ["contoso.b2clogin.com"])
    for name in (*TENANT, "E2E_CA_FILE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in TENANT.items()) + "E2E_CA_FILE=certs/ca.pem\n")
    monkeypatch.chdir(tmp_path / "certs")  # started elsewhere: certs/certs/ca.pem does not exist
    assert load_settings(tmp_path / ".env").ca_file == str(tmp_path / "certs" / "ca.pem")


def test_a_file_setting_in_env_starting_with_a_tilde_is_in_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """E2E_CA_FILE=~/certs/ca.pem in .env, as a shell reads it: python-dotenv leaves the ~, and the run stopped saying
    '<suite>/~/certs/ca.pem' does not exist. Another path is read as before (relative: beside .env)."""
    from mocks.common.tls import issue_local_certificates

    home = tmp_path / "home"
    issue_local_certificates(home / "certs", ["contoso.b2clogin.com"])
    monkeypatch.setenv("HOME", str(home))
    for name in (*TENANT, "E2E_CA_FILE", "B2C_POLICY_FILES"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / ".env").write_text("".join(f"{k}={v}\n" for k, v in TENANT.items()) + "E2E_CA_FILE=~/certs/ca.pem\n")
    assert load_settings(tmp_path / "suite" / ".env").ca_file == str(home / "certs" / "ca.pem")


def test_a_file_setting_in_env_with_a_tilde_no_home_folder_reads_is_said_as_written_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """~someone unknown (a typo), or ~/ where the user has no home folder (a container's user without HOME or passwd
    entry): Path.expanduser raises RuntimeError, which stopped every run at its start with a traceback. The setting is
    left as written, for its own check to name."""
    from fixtures.settings_plugin import env_file_settings

    (tmp_path / ".env").write_text("E2E_CA_FILE=~no-such-user-4711/ca.pem\n")
    assert env_file_settings(tmp_path / ".env")["E2E_CA_FILE"] == "~no-such-user-4711/ca.pem"


def test_token_contract_claims_may_be_separated_by_spaces_or_commas() -> None:
    """Claim names hold no space: "name idp" is two claims, not one called "name idp" that every token would lack."""
    assert build_settings({"E2E_TOKEN_CONTRACT": "name idp"}, LOCAL_STACK).token_contract == ("name", "idp")
    assert build_settings({"E2E_TOKEN_CONTRACT": "name, idp,tid"}, LOCAL_STACK).token_contract == ("name", "idp", "tid")


@pytest.mark.parametrize("domain", ["login..contoso.com", "login.contoso.com\u200b", "a" * 64 + ".contoso.com", "login contoso.com"])
def test_a_domain_no_resolver_can_look_up_is_a_setting_to_fix_not_a_traceback(domain: str) -> None:
    with pytest.raises(SettingsError, match=r"B2C_DOMAIN=.* is not a host name \(an empty label between dots"):
        build_settings({**TENANT, "B2C_DOMAIN": domain})
    assert build_settings({**TENANT, "B2C_DOMAIN": "Bücher.ch"}).domain == "bücher.ch"  # internationalized: fine
    assert build_settings({**TENANT, "B2C_DOMAIN": "login_eu.fabrikam.com"}).domain == "login_eu.fabrikam.com"  # DNS takes '_'


def test_a_control_token_with_a_pasted_dash_is_named_never_shown() -> None:
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": "ctl-SECRET-1234\u2013x"})
    assert "MOBILEID_CONTROL_TOKEN has a character outside ASCII" in str(raised.value) and "SECRET" not in str(raised.value)


@pytest.mark.parametrize("token", ["ctl-SECRET-1234\nx", "ctl-SECRET\x1b1234", "ctl-SECRET\x7f1234"], ids=["line break", "escape", "delete"])
def test_a_control_token_with_a_line_break_is_named_never_shown(token: str) -> None:
    """A token pasted over two lines: no header carries it (httpx's error would print it, blamed on the control URL)."""
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": token})
    assert "MOBILEID_CONTROL_TOKEN has a line break or another control character" in str(raised.value), raised.value
    assert "SECRET" not in str(raised.value)


@pytest.mark.parametrize("token", ["Bearer ctl-SECRET-0123456789", "bearer  ctl-SECRET-0123456789"])
def test_a_control_token_given_with_its_bearer_prefix_is_named_never_shown(token: str) -> None:
    """The header's whole value copied as the token: the suite sends "Bearer Bearer ...", which the emulator refuses
    (HTTP 401), and the preflight's fix only says to set the token, which looks set."""
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": token})
    assert "MOBILEID_CONTROL_TOKEN starts with 'Bearer '" in str(raised.value) and "give the token alone" in str(raised.value), raised.value
    assert "SECRET" not in str(raised.value)


def test_a_url_given_as_the_tenant_is_one_mistake_said_once() -> None:
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "B2C_TENANT": "https://fabrikam.b2clogin.com"})
    assert "B2C_TENANT='https://fabrikam.b2clogin.com' must be the tenant name only" in str(raised.value)
    assert "B2C_DOMAIN" not in str(raised.value), str(raised.value)  # not the domain made of it, which nobody set


@pytest.mark.parametrize("given", ["fabrikam.onmicrosoft.com", "Fabrikam.b2clogin.com", "https://fabrikam.b2clogin.com/",
                                   "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/B2C_1_susi/v2.0/"])
def test_the_tenants_domain_or_url_as_the_tenant_is_refused_with_the_name_to_give(given: str) -> None:
    """Day one: the portal's Domain name (fabrikam.onmicrosoft.com) or the sign-in host as B2C_TENANT. "e.g. contoso" sent
    fabrikam's team to work out the name themselves; the name is in what they gave."""
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "B2C_TENANT": given})
    assert str(raised.value).endswith("not a URL or domain: B2C_TENANT=fabrikam"), raised.value
    with pytest.raises(SettingsError) as raised:  # a host of another service: no name to read from it
        build_settings({**TENANT, "B2C_TENANT": "login.fabrikam.com"})
    assert str(raised.value).endswith("not a URL or domain"), raised.value


def test_a_policy_folder_named_in_the_env_file_is_found_from_anywhere(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As E2E_CA_FILE: a relative E2E_STACK_POLICIES in .env is where .env is, not where pytest was started (from e2e/, a
    CI step's other folder)."""
    import shutil
    from pathlib import Path

    shutil.copytree(Path(__file__).resolve().parents[2] / "policies", tmp_path / "team-policies")
    env_file = tmp_path / ".env"
    env_file.write_text("E2E_STACK_POLICIES=team-policies\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for name in ("E2E_STACK_POLICIES", "E2E_STACK_POLICY_KEYS"):
        monkeypatch.delenv(name, raising=False)
    # A folder of its own needs its policy keys, and the message says which setting gives them.
    with pytest.raises(SettingsError, match=r"add the policy key \(E2E_STACK_POLICY_KEYS=B2C_1A_FacebookSecret=env:VAR or =file:PATH"):
        load_settings(env_file)
    monkeypatch.setenv("FACEBOOK_SECRET", "not-a-real-secret")
    monkeypatch.setenv("E2E_STACK_POLICY_KEYS", "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET")
    assert load_settings(env_file).stack_policies == str(tmp_path / "team-policies")


def test_a_user_flows_file_given_as_the_policy_folder_is_told_its_setting(tmp_path: Path) -> None:
    # A team whose tenant runs a user flow copies policies/user-flows.example.toml and names it where a folder belongs
    flows = tmp_path / "user-flows.toml"
    flows.write_text((Path(__file__).resolve().parents[2] / "policies" / "user-flows.example.toml").read_text())
    with pytest.raises(SettingsError) as raised:
        build_settings({"E2E_STACK_POLICIES": str(flows)})
    said = str(raised.value)
    # was: "is not a directory; give the folder with your policy XML files", which says nothing of user flows
    assert f"E2E_STACK_POLICIES={str(flows)!r} is a file of user flows, not a folder of custom policy files" in said, said
    # was: serve it by hand and run in tenant mode: the suite's stack now serves it
    assert f"give it as E2E_STACK_USER_FLOWS={flows} (the stack serves it with `--user-flows`" in said, said


def test_a_secret_pasted_into_the_wrong_setting_is_not_shown_whole() -> None:
    """A client secret as B2C_CLIENT_ID, credentials in a URL: the message names the setting and shows no secret."""
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "B2C_CLIENT_ID": "Xy48Q~pasted-client-secret-0123456789",
                        "B2C_REDIRECT_URI": "http://u:ctl-SECRET-1234@app.fabrikam.test/cb"})
    said = str(raised.value)
    assert "B2C_CLIENT_ID='Xy4'…, 37 characters is not an application (client) id" in said, said
    assert "B2C_REDIRECT_URI='http://u:<redacted>@app.fabrikam.test/cb' must be an https URL" in said, said
    assert "pasted-client-secret" not in said and "ctl-SECRET-1234" not in said
    # Locally too, where the setting is checked against the stack's test app.
    with pytest.raises(SettingsError) as local:
        build_settings({"B2C_CLIENT_ID": "Xy48Q~pasted-client-secret-0123456789"}, LOCAL_STACK)
    assert "B2C_CLIENT_ID='Xy4'…, 37 characters is not the local stack's test app" in str(local.value) and "pasted" not in str(local.value)


@pytest.mark.parametrize(("changes", "says"), [
    ({"B2C_POLICIES": "B2C_1_susi B2C_1A_signup_signin"}, "(several policies are separated by commas: B2C_1_a,B2C_1A_b)"),
    ({"B2C_POLICIES": "B2C_1_susi;B2C_1A_signup_signin"}, "(several policies are separated by commas"),
    ({"E2E_CA_FILE": "/tmp"}, "E2E_CA_FILE='/tmp' is a folder; give the PEM file"),
])
def test_a_near_miss_is_said_with_what_was_meant(changes: dict, says: str) -> None:
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, **changes})
    assert says in str(raised.value), str(raised.value)


def test_a_run_its_settings_stop_leaves_a_result_saying_so_not_the_last_runs(tmp_path: Path) -> None:
    """make e2e and make smoke render the report whatever pytest said: a run stopped by a bad setting left the last run's
    results, which rendered and passed the quality gate as its own. Its results folder now has one result: why none ran."""
    from scripts import quality_gate
    from tests.suite_run import pytest_e2e

    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "0-result.json").write_text(json.dumps({"name": "the last run's journey", "status": "passed", "labels": []}))
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite tests="8" failures="0" errors="0"/></testsuites>')  # the last run's, all passed
    done = pytest_e2e("-m", "smoke", f"--alluredir={results}", "--clean-alluredir", f"--junitxml={junit}", E2E_STACK_FAULTS="wrong-audiance")
    assert done.returncode == 4 and "suite settings: E2E_STACK_FAULTS has unknown fault wrong-audiance (did you mean wrong-audience?);" in done.stderr, done.stderr
    [written] = allure_results(results)
    labels = {label["name"]: label["value"] for label in written["labels"]}
    assert (written["name"], written["status"], labels["cause"]) == ("suite settings", "broken", "other"), written
    assert written["statusDetails"]["message"].endswith("No journey ran.")
    assert quality_gate.main([str(results)]) != 0
    # The pipeline's test tab, from the JUnit XML: this run's stop as an error, not the last run's file.
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "1", "0")
    [case] = suite.iter("testcase")
    error = case.find("error")
    assert case.get("name") == "suite settings" and error is not None
    assert (error.get("message") or "").startswith("suite settings: E2E_STACK_FAULTS has unknown fault wrong-audiance (did you mean wrong-audience?);")


def test_a_setting_written_in_lower_case_stops_the_run_naming_it_rather_than_reading_as_unset() -> None:
    """e2e_target=tenant in .env read as unset: the run went local and green while the team meant its tenant."""
    with pytest.raises(SettingsError) as refused:
        build_settings({"e2e_target": "tenant", "B2c_Tenant": "fabrikam", "E2E_UI_LOCALES": "de"})
    assert "B2c_Tenant, e2e_target: setting names are upper case, and as written they read as unset; write B2C_TENANT, E2E_TARGET" \
        in str(refused.value), refused.value
    assert build_settings({"e2e_other_tool": "x", "E2E_UI_LOCALES": "de"}).is_local  # a name that is no setting's stays another tool's


def test_the_tenants_policy_files_are_read_from_its_setting_and_only_against_a_tenant(tmp_path) -> None:
    """B2C_POLICY_FILES: the tenant's custom policy files as uploaded, which the journeys read their texts from (a button's
    name, the Localization, the profile page's required claims); a folder without policy files, or the setting in a local
    run (whose stack serves E2E_STACK_POLICIES), is refused. Unset: policies/, the seed's."""
    (tmp_path / "TrustFrameworkBase.xml").write_text("<TrustFrameworkPolicy/>")
    given = build_settings({**TENANT, "B2C_POLICY_FILES": str(tmp_path)})
    assert given.policy_files == str(tmp_path) and given.describe()["policy_files"] == str(tmp_path)  # the report says which
    assert build_settings(TENANT).policy_files is None and "policy_files" not in build_settings(TENANT).describe()
    with pytest.raises(SettingsError, match=r"B2C_POLICY_FILES='.*empty' holds no policy XML files; give the folder of the custom policy"):
        build_settings({**TENANT, "B2C_POLICY_FILES": str(tmp_path / "empty")})
    with pytest.raises(SettingsError, match=r"B2C_POLICY_FILES only applies to E2E_TARGET=tenant.* or unset it \(environment"):
        build_settings({"B2C_POLICY_FILES": str(tmp_path)}, LOCAL_STACK)
    with pytest.raises(SettingsError, match=r"B2C_TENANT, B2C_POLICY_FILES only apply to E2E_TARGET=tenant.* or unset them \(environment"):
        build_settings({"B2C_TENANT": "fabrikam", "B2C_POLICY_FILES": str(tmp_path)}, LOCAL_STACK)


def test_policy_files_without_a_listed_custom_policy_or_that_do_not_parse_stop_the_run_before_any_journey(tmp_path) -> None:
    """The journeys read a custom policy's texts from B2C_POLICY_FILES: a folder holding only the base files (no
    relying party of B2C_POLICIES' custom policy, nor the seed's) failed each of that policy's journeys mid-run, as
    "other"; a file that is no XML likewise. Both are the setting's, said at the start."""
    (tmp_path / "TrustFrameworkBase.xml").write_text('<TrustFrameworkPolicy PolicyId="B2C_1A_TrustFrameworkBase"/>')
    custom = {**TENANT, "B2C_POLICIES": "B2C_1_susi,B2C_1A_susi", "B2C_POLICY_FILES": str(tmp_path)}
    with pytest.raises(SettingsError, match=r"B2C_POLICY_FILES='.*' has no file of B2C_1A_susi \(B2C_POLICIES\)"):
        build_settings(custom)
    (tmp_path / "SignUpOrSignin.xml").write_text('<TrustFrameworkPolicy PolicyId="b2c_1a_SUSI"/>')  # B2C ignores case
    assert build_settings(custom).policy_files == str(tmp_path)
    (tmp_path / "Broken.xml").write_text("<TrustFrameworkPolicy")
    with pytest.raises(SettingsError, match=r"B2C_POLICY_FILES: .*Broken.xml cannot be read as XML"):
        build_settings(custom)


def test_policy_files_a_folder_down_are_named_with_what_to_give(tmp_path) -> None:
    """A team's repository keeping its policy files in folders of their own (base/, relying-parties/): B2C_POLICY_FILES
    given the folder above them said it holds no policy files, or none of the relying party, and to give the folder of
    the files, which the team believed it had. The files a folder down are named, as the stack's own refusal names them."""
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "TrustFrameworkBase.xml").write_text('<TrustFrameworkPolicy PolicyId="B2C_1A_TrustFrameworkBase"/>')
    custom = {**TENANT, "B2C_POLICIES": "B2C_1A_susi", "B2C_POLICY_FILES": str(tmp_path)}
    with pytest.raises(SettingsError, match=r"B2C_POLICY_FILES='.*' holds no policy XML files; its subfolders hold "
                                            r"base/TrustFrameworkBase\.xml, which are not read \(only the folder's own \*\.xml files "
                                            r"are\): put the files you upload in one folder and give that one$"):
        build_settings(custom)
    (tmp_path / "TrustFrameworkExtensions.xml").write_text('<TrustFrameworkPolicy PolicyId="B2C_1A_TrustFrameworkExtensions"/>')
    (tmp_path / "relying-parties").mkdir()
    (tmp_path / "relying-parties" / "SignUpOrSignin.xml").write_text('<TrustFrameworkPolicy PolicyId="B2C_1A_susi"/>')
    with pytest.raises(SettingsError, match=r"has no file of B2C_1A_susi \(B2C_POLICIES\): none of its files has that PolicyId; "
                                            r"its subfolders hold relying-parties/SignUpOrSignin\.xml, which are not read"):
        build_settings(custom)


def test_policy_files_with_the_seeds_relying_party_serve_a_custom_policy_of_another_name(tmp_path) -> None:
    """A tenant's custom policy named otherwise than the seed's (B2C_1A_susi) whose folder holds the seed's relying party
    (B2C_1A_signup_signin): the journeys read the seed's texts in its place (fixtures/texts.py), so the run starts."""
    (tmp_path / "SignUpOrSignin.xml").write_text('<TrustFrameworkPolicy PolicyId="B2C_1A_signup_signin"/>')
    custom = {**TENANT, "B2C_POLICIES": "B2C_1A_susi", "B2C_POLICY_FILES": str(tmp_path)}
    assert build_settings(custom).policy_files == str(tmp_path)


def test_a_browser_server_key_in_its_urls_path_is_a_secret_the_run_never_shows() -> None:
    """A hosted browser service's key rides in the path as often as in the query (wss://host/acct/<key>): it reached the
    terminal, the Allure results and JUnit XML in a failed connect's message. Words of the path stay readable."""
    from fixtures.redaction import Redaction

    settings = build_settings({"E2E_BROWSER_WS_ENDPOINT": "wss://browsers.example.com/acct/SeCrEtPathKey12345678/playwright?x=1"})
    assert "SeCrEtPathKey12345678" in settings.secrets and not {"acct", "playwright"} & set(settings.secrets)
    said = Redaction.for_run(settings).text("BrowserType.connect: WebSocket error: wss://browsers.example.com/acct/SeCrEtPathKey12345678/playwright 400")
    assert "SeCrEtPathKey12345678" not in said and "/acct/" in said and "/playwright" in said, said


@pytest.mark.parametrize("name", ["MOBILEID_CONTROL_TOKEN", "B2C_CLIENT_ID", "B2C_TENANT", "E2E_TARGET"])
@pytest.mark.parametrize("quotes", ['""', "''", "\u201c\u201d"], ids=["double", "single", "typeset"])
def test_a_value_in_quotes_from_the_environment_is_named_as_quoted_without_its_value(name: str, quotes: str) -> None:
    """A CI variable or docker's --env-file keeps the quotes a .env line would lose: a quoted control token was refused by
    the control API, whose preflight row then said to set the token the run had been given."""
    value = {**TENANT, "E2E_TARGET": "tenant", "MOBILEID_CONTROL_TOKEN": "ctl-SECRET-0123456789"}[name]
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": "ctl-SECRET-0123456789", name: f"{quotes[0]}{value}{quotes[1]}"})
    said = str(raised.value)
    assert said.startswith(f"{name}: its value is in quotes") and "remove the quotes" in said and "\n" not in said, said
    assert "SECRET" not in said


def test_quotes_a_env_line_takes_off_are_no_mistake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{name}=\"{value}\"\n" for name, value in TENANT.items()))
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    assert load_settings(env_file).client_id == TENANT["B2C_CLIENT_ID"]


def test_the_tenants_id_given_as_its_name_is_named_with_where_the_name_is() -> None:
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "B2C_TENANT": "7A1B4F5E-2c3d-4e5f-8a9b-0c1d2e3f4a5b"})
    assert str(raised.value) == ("B2C_TENANT='7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b' is the tenant's ID; give its name, as in "
                                 "{name}.onmicrosoft.com (Azure AD B2C > Overview > Domain name), e.g. B2C_TENANT=contoso")


@pytest.mark.parametrize(("domain", "says"), [
    ("https://fabrikam.b2clogin.com", "must be a host name only, without scheme, port or path: B2C_DOMAIN=fabrikam.b2clogin.com"),
    ("login.fabrikam.com/", "must be a host name only, without scheme, port or path: B2C_DOMAIN=login.fabrikam.com"),
    ("fabrikam.onmicrosoft.com", "is the tenant's directory name, not where B2C serves its pages: unset B2C_DOMAIN for fabrikam.b2clogin.com"),
    ("login.fabrikam.com:443", "must be a host name only, without scheme, port or path: B2C_DOMAIN=login.fabrikam.com"),
    ("https://", "must be a host name only, without scheme, port or path: e.g. login.contoso.com"),
    ("https://fabrikam.b2clogin.com/", "must be a host name only, without scheme, port or path: B2C_DOMAIN=fabrikam.b2clogin.com"),
    ("fabrikam.b2clogin.com.", "ends with a dot: give the host name only, without the dot: B2C_DOMAIN=fabrikam.b2clogin.com"),
    ("Login.Fabrikam.com..", "ends with a dot: give the host name only, without the dot: B2C_DOMAIN=login.fabrikam.com"),
    # Without its dot, still no host to give: what else is wrong is said, not the name without the dot
    ("fabrikam.onmicrosoft.com.", "is the tenant's directory name, not where B2C serves its pages: unset B2C_DOMAIN for fabrikam.b2clogin.com"),
    ("login fabrikam.com.", "is not a host name (an empty label between dots, a label over 63 characters, a space, or an invisible "
                            "character pasted with it?); e.g. login.contoso.com"),
    (".", "is not a host name (an empty label between dots, a label over 63 characters, a space, or an invisible character pasted "
          "with it?); e.g. login.contoso.com"),
], ids=["URL", "trailing slash", "directory name", "port", "a scheme alone", "URL with its slash", "the DNS root's dot", "two dots",
        "the directory name's dot", "no host name with a dot", "a dot alone"])
def test_a_domain_given_as_a_url_or_the_directory_name_says_what_to_give(domain: str, says: str) -> None:
    """The tenant's directory name resolves to no B2C page: the preflight said only "does not answer", check DNS."""
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "B2C_DOMAIN": domain})
    assert str(raised.value) == f"B2C_DOMAIN={domain.lower()!r} {says}" + ("" if "onmicrosoft" not in domain else
                                                                   ", or give the custom domain the tenant's pages are served at (e.g. login.contoso.com)")


def test_a_setting_given_twice_in_env_with_different_values_stops_the_run_naming_its_lines(tmp_path: Path) -> None:
    """E2E_TARGET=tenant written above the E2E_TARGET=local a copied .env.example keeps: python-dotenv reads the last, and
    the run refused the tenant's settings as a local run's, saying to set E2E_TARGET=tenant."""
    env_file = tmp_path / ".env"
    example = (ROOT / ".env.example").read_text()
    env_file.write_text("E2E_TARGET=tenant\nMOBILEID_CONTROL_TOKEN=ctl-SECRET-0123456789\n" + example +
                        "MOBILEID_CONTROL_TOKEN=ctl-SECRET-9876543210\n")
    local = 2 + next(number for number, line in enumerate(example.splitlines(), start=1) if line.startswith("E2E_TARGET="))
    with pytest.raises(SettingsError) as raised:
        read_env_file(env_file)
    assert str(raised.value) == (f"{env_file}: E2E_TARGET is set on lines 1 and {local} to different values, and only the last "
                                 f"(line {local}) is read (unless the environment sets E2E_TARGET, which wins over .env). Keep the one you mean "
                                 "and remove the other")
    env_file.write_text("E2E_TARGET=tenant\nE2E_TARGET=local\nE2E_TARGET=tenant\n")  # three lines: two to remove
    with pytest.raises(SettingsError, match=r"set on lines 1, 2 and 3 to different values, .* remove the others$"):
        read_env_file(env_file)
    # The same value twice is no mistake; nor is a secret ever shown.
    env_file.write_text("B2C_TENANT=fabrikam\nexport B2C_TENANT=fabrikam\n")
    assert read_env_file(env_file) == {"B2C_TENANT": "fabrikam"}
    env_file.write_text("MOBILEID_CONTROL_TOKEN=ctl-SECRET-0123456789\nMOBILEID_CONTROL_TOKEN=ctl-SECRET-9876543210\n")
    with pytest.raises(SettingsError, match="MOBILEID_CONTROL_TOKEN is set on lines 1 and 2") as raised:
        read_env_file(env_file)
    assert "SECRET" not in str(raised.value)


@pytest.mark.parametrize("pasted", [str, str.lower], ids=["as it is", "in lower case"])
@pytest.mark.parametrize("setting", ["B2C_TENANT", "B2C_POLICIES", "MOBILEID_CLIENT_ID"])
def test_a_secret_pasted_as_another_setting_too_stops_the_run_naming_both_never_the_value(setting: str, pasted: Callable[[str], str]) -> None:
    """The control token on the tenant's line as well: the run's first line, the preflight's and the report's environment
    show the tenant unredacted (and in lower case, which the redaction of the token's own case missed)."""
    token = "CtlTok-SECRET-5ee7a1b2c3d4e5f6"
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": token, setting: pasted(token)})
    said = str(raised.value)
    assert (f"{setting} has the value of MOBILEID_CONTROL_TOKEN, a secret (pasted on the wrong line?), which the run would show "
            f"as {setting}'s; give {setting} its own value") in said, said
    assert build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": token}).control_token == token  # each on its own line: fine
    # A secret set empty (or too short to redact) is no value any other setting pastes: unset settings are not refused for it.
    assert build_settings({**TENANT, "MOBILEID_CONTROL_TOKEN": ""}).control_token is None


@pytest.mark.parametrize("setting", ["B2C_DOMAIN", "B2C_TENANT"])
def test_a_url_with_a_password_given_as_the_tenants_host_or_name_is_refused_without_the_password(setting: str) -> None:
    """A URL copied whole, with its user and password, as B2C_DOMAIN or B2C_TENANT: the message that says to give the host
    alone quoted the URL, password and all (in lower case, which the redaction of the secret's own case missed)."""
    with pytest.raises(SettingsError) as raised:
        build_settings({**TENANT, setting: "https://tester:Pa55-SECRET-word@login.fabrikam.com/"})
    said = str(raised.value)
    assert f"{setting}='https://tester:<redacted>@login.fabrikam.com/'" in said and "secret" not in said.lower(), said


@pytest.mark.parametrize(("written", "steps"), [
    ("079 123 45 67", "; as written: leave out its spaces and separators, write its leading 0 as +41 (a Swiss 079... is +4179...)"),
    ("0791234567", "; as written: write its leading 0 as +41 (a Swiss 079... is +4179...)"),
    ("+41 79 123 45 67", "; as written: leave out its spaces and separators"),
    ("0041791234567", "; as written: write its leading 00 as +"),
    ("+41 (0)79 123-45-67", "; as written: leave out its (0), leave out its spaces and separators"),
    ("41791234567", "; as written: write a + before its country code"),
])
def test_a_test_number_written_as_people_write_it_is_refused_saying_what_to_change(written: str, steps: str) -> None:
    """MOBILEID_TEST_NUMBER as a release manager types it: the run said "must be in E.164 form" alone; it says what to
    change of it too, without the number."""
    with pytest.raises(SettingsError) as refused:
        build_settings({**TENANT, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": written})
    said = str(refused.value)
    assert said.endswith(f"e.g. +41791234567{steps}") or f"e.g. +41791234567{steps}\n" in said, said
    assert "123" not in said.replace("+41791234567", ""), said  # the person's number stays out


def test_the_readmes_tenant_mode_env_against_the_stack_by_hand_is_put_aside_not_retargeted(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README (The local stack by hand): the .env that runs the journeys in tenant mode against `make serve` is put aside
    for a run against a stack of their own; E2E_TARGET=local beside its tenant settings (which the README once offered)
    stops the run, naming every one, as a local run would ignore them."""
    env_file = tmp_path / ".env"
    (tmp_path / ".stack").mkdir()
    (tmp_path / ".stack" / "ca.pem").write_text("")
    env_file.write_text("E2E_TARGET=local\nB2C_TENANT=contoso\nB2C_POLICIES=B2C_1_signupsignin,B2C_1A_signup_signin\n"
                        "B2C_CLIENT_ID=5c7d9e1f-3a4b-4c6d-8e0f-1a2b3c4d5e6f\nMOBILEID_CONTROL_URL=https://openid.mobileid.ch/control\n"
                        "E2E_HOST_MAP=contoso.b2clogin.com=127.0.0.1:8443\nE2E_CA_FILE=.stack/ca.pem\n")
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError, match="B2C_TENANT, MOBILEID_CONTROL_URL, E2E_HOST_MAP, E2E_CA_FILE only apply to E2E_TARGET=tenant"):
        load_settings(env_file)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "Move `.env` aside" in readme and "Put `E2E_TARGET=local`" not in readme


def test_a_proxy_kept_in_env_is_named_as_not_read(tmp_path: Path) -> None:
    """HTTPS_PROXY in .env (as docker's and many tools' .env take it): the suite reads proxies from the environment only, so
    the run went without it, unsaid, and a tenant behind the company proxy failed the preflight's "does not answer" row,
    whose fix said to check HTTPS_PROXY, the very setting given. The run names it, without its value (it may hold a
    password); one the environment sets too is used, and not named."""
    from fixtures.settings_plugin import unread_settings

    from_file = {"HTTPS_PROXY": "http://u:proxy-password@proxy.corp:3128", "no_proxy": "localhost", "E2E_TARGET": "tenant"}
    said = unread_settings(from_file, tmp_path / ".env", {"PATH": "/usr/bin"})
    assert said == (".env sets HTTPS_PROXY, no_proxy, which the suite reads from the environment only, not from .env: export "
                    "them in the shell (or the CI job's env) for the run to use them"), said
    assert unread_settings(from_file, tmp_path / ".env", {"https_proxy": "http://proxy.corp:3128", "NO_PROXY": "localhost"}) is None
