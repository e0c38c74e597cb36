"""The preflight passes against the stack and fails, with a fix, for each way a tenant can be set up wrong."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
import trustme
from playwright.sync_api import Browser, BrowserContext, Playwright

import fixtures.browser as browser_fixtures
from fixtures.causes import INFRASTRUCTURE, TENANT_CONFIGURATION
from fixtures.preflight import Preflight, Row, browser_context, exit_message, fail, no_answer_cause, preflight, preflight_in, table
from fixtures.settings import SETTINGS, build_settings
from fixtures.stack import Stack, tenant_settings
from fixtures.texts import read_policies_from
from mocks.b2c.settings import WEBAPP1_CLIENT_ID
from mocks.common import net
from mocks.common.hosts import format_host_map
from tests.local_stack import LOCAL_STACK
from tests.suite_run import allure_results, processes_naming, suite_env, tail

from .test_federation import SCOPE_ELEMENT, SCOPE_ITEM, edited_policies, serve_policies

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
NO_BUTTON_FLOW = """
[[identity_provider]]
name = "Contoso OIDC"
metadata_url = "https://idp.contoso.test/.well-known/openid-configuration"
client_id = "contoso-b2c"
client_secret_env = "PREFLIGHT_TEST_SECRET"

[[user_flow]]
name = "B2C_1_nobutton"
identity_providers = ["Contoso OIDC"]
"""


def tenant_env(stack: Stack, **overrides: str) -> dict[str, str]:
    """Tenant-mode settings for a stack started apart (the host map and CA stand in for DNS and a public CA)."""
    return {**tenant_settings(stack.info), **overrides}


Run = Callable[..., dict[str, Row]]


@pytest.fixture
def run(playwright: Playwright) -> Run:
    """``run(stack, **overrides)``: the preflight's rows by check, in tenant mode against ``stack`` with those settings.
    Its browser is launched by this process's Playwright (``preflight_in``) where ``preflight`` starts a driver of its
    own: ~0.3 s of CPU a preflight, which no row depends on."""

    def rows(stack: Stack, **overrides: str) -> dict[str, Row]:
        settings = build_settings(tenant_env(stack, **overrides))
        found = preflight_in(playwright, settings, settings.host_map, settings.ca_file)
        print(table(found))
        return {row.check: row for row in found}

    return rows


def failed(rows: dict[str, Row]) -> dict[str, Row]:
    return {check: row for check, row in rows.items() if row.failed}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("preflight-stack"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def misconfigured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack whose custom policy asks Mobile ID for ``openid profile`` only, whose B2C_1_nobutton offers no Mobile ID, and
    whose tenant has no language customization (B2C's user flows then ignore ``ui_locales``)."""
    root = tmp_path_factory.mktemp("misconfigured")
    (root / "policies").mkdir()
    (root / "flows.toml").write_text(NO_BUTTON_FLOW)
    os.environ["PREFLIGHT_TEST_SECRET"] = "not-a-real-secret"  # inherited by the stack only; the flow needs one
    try:
        command = [*serve_policies(root, edited_policies(root / "policies", SCOPE_ITEM, '<Item Key="scope">openid profile</Item>')), "--user-flows", str(root / "flows.toml"),
                   "--language-customization", "off"]
        running = Stack(root, command=command)
    finally:
        del os.environ["PREFLIGHT_TEST_SECRET"]
    yield running
    running.stop()


def test_the_stack_passes_every_row(stack: Stack, run: Run) -> None:
    rows = run(stack)
    assert failed(rows) == {}
    assert rows["B2C_1A_signup_signin: request to Mobile ID"].status == "ok" and rows["B2C_1_signupsignin: Mobile ID button"].status == "ok"
    assert rows["app: implicit ID token"].status == "ok" and rows["clock skew"].status == "ok"
    assert rows["Mobile ID control API"].status == "ok"
    assert rows["B2C_1_signupsignin: language customization"].status == "ok"  # its pages follow ui_locales, as the setting says
    # Which client_id was checked: the one MOBILEID_CLIENT_ID gives (tenant_settings names the stack's), else only that one is sent.
    assert rows["B2C_1A_signup_signin: request to Mobile ID"].detail.endswith(" with MOBILEID_CLIENT_ID's client_id, the seed's scope, redirect_uri")
    unnamed = run(stack, MOBILEID_CLIENT_ID="")["B2C_1A_signup_signin: request to Mobile ID"]
    assert unnamed.status == "ok" and unnamed.detail.endswith(" with a client_id, the seed's scope, redirect_uri"), unnamed


@pytest.mark.parametrize(
    ("setting", "row", "detail", "fix"),
    [
        ({"B2C_REDIRECT_URI": "https://app.contoso.test/not-registered"}, "app: redirect URI registered",
         "AADB2C90006", "Authentication: add the redirect URI https://app.contoso.test/not-registered"),
        ({"B2C_CLIENT_ID": "00000000-0000-0000-0000-000000000000"}, "app: client known", "AADB2C90018",
         "B2C_CLIENT_ID must be the Application (client) ID"),
        ({"B2C_CLIENT_ID": WEBAPP1_CLIENT_ID, "B2C_REDIRECT_URI": "https://app.contoso.test/signin-oidc"}, "app: implicit ID token",
         "AADB2C90057", "ID tokens (used for implicit"),
        ({"B2C_POLICIES": "B2C_1_doesnotexist,B2C_1A_signup_signin"}, "B2C_1_doesnotexist: discovery",
         "no such policy", "remove it from B2C_POLICIES"),
        ({"B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1_signupsignin"}, "B2C_1_signupsignin: discovery",
         "contoso.b2clogin.com knows no tenant fabrikam.onmicrosoft.com", "check B2C_TENANT"),
    ],
    ids=["unregistered redirect URI", "unknown client", "implicit flow off", "a policy the tenant lacks", "another tenant's name"],
)
def test_a_tenant_set_up_wrong_fails_that_row_alone_with_the_fix(stack: Stack, setting: dict[str, str], row: str, detail: str, fix: str, run: Run) -> None:
    bad = failed(run(stack, **setting))
    assert list(bad) == [row], {name: r.detail for name, r in bad.items()}
    assert detail and detail in bad[row].detail and fix and fix in bad[row].fix


def test_a_user_flow_named_as_a_custom_policy_is_named_as_the_tenant_has_it(stack: Stack, run: Run) -> None:
    """B2C_1A_signupsignin for the user flow B2C_1_signupsignin (and the other way): the fix names the policy the tenant has."""
    bad = failed(run(stack, B2C_POLICIES="B2C_1A_signupsignin,B2C_1_signup_signin"))
    assert bad["B2C_1A_signupsignin: discovery"].fix.startswith(
        "name it B2C_1_signupsignin in B2C_POLICIES: the tenant has B2C_1_signupsignin, a user flow; or create B2C_1A_signupsignin")
    assert bad["B2C_1_signup_signin: discovery"].fix.startswith(
        "name it B2C_1A_signup_signin in B2C_POLICIES: the tenant has B2C_1A_signup_signin, a custom policy; or create")
    # Listed as well, the other is no news: the fix is the plain one.
    listed = failed(run(stack, B2C_POLICIES="B2C_1_signupsignin,B2C_1A_signupsignin"))["B2C_1A_signupsignin: discovery"]
    assert listed.fix == "create B2C_1A_signupsignin in the tenant (upload the custom policy) or remove it from B2C_POLICIES", listed


@pytest.mark.parametrize(("setting", "row"), [
    ({"B2C_CLIENT_ID": WEBAPP1_CLIENT_ID}, "app: redirect URI registered"),
    ({"B2C_CLIENT_ID": WEBAPP1_CLIENT_ID, "B2C_REDIRECT_URI": "https://app.contoso.test/signin-oidc"}, "app: implicit ID token"),
], ids=["its redirect URIs", "its implicit flow"])
def test_another_apps_client_id_is_named_as_a_fix_besides_changing_that_app(stack: Stack, setting: dict[str, str], row: str, run: Run) -> None:
    """The production app's id as B2C_CLIENT_ID: jwt.ms added to it, or its implicit flow ticked, is not the fix to give alone."""
    fix = failed(run(stack, **setting))[row].fix
    assert fix.endswith(f"; if {WEBAPP1_CLIENT_ID} is not your test app (another app's id), set B2C_CLIENT_ID to the test app's "
                        "Application (client) ID instead"), fix


def test_an_unreachable_tenant(stack: Stack, run: Run) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    host_map = {**stack.info.host_map, "contoso.b2clogin.com": ("127.0.0.1", port)}
    rows = run(stack, E2E_HOST_MAP=format_host_map(host_map))
    assert list(failed(rows)) == ["tenant contoso answers"]
    assert "does not answer" in rows["tenant contoso answers"].detail and "B2C_DOMAIN" in rows["tenant contoso answers"].fix
    assert rows["tenant contoso answers"].cause == TENANT_CONFIGURATION  # reached through E2E_HOST_MAP: maybe that setting
    # The address the host is sent to comes first: a stack started by hand (make serve) that is not running, most often.
    assert f"is anything serving at 127.0.0.1:{port}, where E2E_HOST_MAP sends contoso.b2clogin.com" in rows["tenant contoso answers"].fix


def test_a_redirect_uri_that_does_not_answer_fails_its_row_alone(stack: Stack, run: Run) -> None:
    """Every journey ends at B2C_REDIRECT_URI: one nothing serves fails each at its end (infrastructure), said up front."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    rows = run(stack, E2E_HOST_MAP=format_host_map({**stack.info.host_map, "jwt.ms": ("127.0.0.1", port)}))
    assert list(failed(rows)) == ["app: redirect URI answers"], table(list(rows.values()))
    row = rows["app: redirect URI answers"]
    assert row.cause == INFRASTRUCTURE and row.detail.startswith("https://jwt.ms does not answer: ConnectError"), row
    assert row.fix.startswith(f"is anything serving at 127.0.0.1:{port}, where E2E_HOST_MAP sends jwt.ms? every journey ends there"), row


def test_another_mobile_id_client(stack: Stack, run: Run) -> None:
    # A tenant whose policy names its Mobile ID technical profile otherwise (MOBILEID_TECHNICAL_PROFILE): the fix names that one.
    bad = failed(run(stack, MOBILEID_CLIENT_ID="11111111-2222-3333-4444-555555555555", B2C_POLICIES="B2C_1A_signup_signin",
                     MOBILEID_TECHNICAL_PROFILE="Fabrikam-MobileID"))
    assert f"client_id: is '{LOCAL_STACK.mobileid_client_id}'" in bad["B2C_1A_signup_signin: request to Mobile ID"].detail
    assert ("B2C_1A_signup_signin: TechnicalProfile[@Id='Fabrikam-MobileID']/Metadata/Item[@Key='client_id'] = "
            "11111111-2222-3333-4444-555555555555") in bad["B2C_1A_signup_signin: request to Mobile ID"].fix


def test_a_missing_button_and_a_wrong_federation_request(misconfigured: Stack, run: Run) -> None:
    bad = failed(run(misconfigured, B2C_POLICIES="B2C_1A_signup_signin,B2C_1_nobutton"))
    assert list(bad) == ["B2C_1A_signup_signin: request to Mobile ID", "B2C_1_nobutton: Mobile ID button"]
    scope = bad["B2C_1A_signup_signin: request to Mobile ID"]
    assert "scope: is 'openid profile'; it lacks phone, mid_profile" in scope.detail and SCOPE_ELEMENT in scope.fix
    button = bad["B2C_1_nobutton: Mobile ID button"]
    assert "Contoso OIDC" in button.detail and "Identity providers: tick Mobile ID" in button.fix
    # The page has buttons, none by B2C_USER_FLOW_IDP_NAME: perhaps one of them is Mobile ID under another Name.
    assert "or, if one of ['Contoso OIDC'] is it, set B2C_USER_FLOW_IDP_NAME to its Name (now 'Mobile ID')" in button.fix


def test_a_custom_policy_button_named_otherwise_names_b2c_policy_files_as_a_fix(tmp_path: Path, run: Run) -> None:
    """Day one: the team's custom policy names its Mobile ID exchange otherwise, and B2C_POLICY_FILES is unset, so the run
    looks for the seed's button. The only fix given was to change the policy, which is right; the settings are not."""
    (tmp_path / "policies").mkdir()
    (tmp_path / "state").mkdir()
    policies = edited_policies(tmp_path / "policies", "MobileIDExchange", "SwissMobileIdExchange")
    extensions = policies / "TrustFrameworkExtensions.xml"  # and its button's label: neither finds the button
    extensions.write_text(extensions.read_text().replace("<DisplayName>Mobile-ID</DisplayName>", "<DisplayName>Sign in with your phone</DisplayName>"))
    stack = Stack(tmp_path / "state", command=serve_policies(tmp_path / "state", policies))
    try:
        fix = failed(run(stack, B2C_POLICIES="B2C_1A_signup_signin"))["B2C_1A_signup_signin: Mobile ID button"].fix
        assert fix.endswith("; or, if your policy files name Mobile ID's claims exchange otherwise, set B2C_POLICY_FILES to their "
                            "folder (unset, the journeys read the seed's, policies/)"), fix
        # B2C_POLICY_FILES set (to files that are not the tenant's): the fix does not send the team to set what is set
        read_policies_from(str(ROOT / "policies"))
        fix = failed(run(stack, B2C_POLICIES="B2C_1A_signup_signin", B2C_POLICY_FILES=str(ROOT / "policies")))[
            "B2C_1A_signup_signin: Mobile ID button"].fix
        assert "B2C_POLICY_FILES" not in fix, fix
        read_policies_from(str(policies))  # as the command does with the run's B2C_POLICY_FILES
        assert failed(run(stack, B2C_POLICIES="B2C_1A_signup_signin", B2C_POLICY_FILES=str(policies))) == {}
    finally:
        read_policies_from(None)
        stack.stop()


def test_language_customization_promised_by_the_setting_but_off_in_the_tenant_fails_naming_the_portal_step(misconfigured: Stack, run: Run) -> None:
    # Given a tenant whose user flow keeps its pages in English (no language customization), and the run's setting saying on
    rows = run(misconfigured, B2C_POLICIES="B2C_1_signupsignin,B2C_1A_signup_signin", B2C_LANGUAGE_CUSTOMIZATION="on")

    # Then the preflight fails that row alone, as the tenant's configuration, naming the portal step and the setting (where
    # every language journey failed as "other" on a page without lang); a custom policy follows its own <Localization>
    bad = failed(rows)
    assert sorted(bad) == ["B2C_1A_signup_signin: request to Mobile ID", "B2C_1_signupsignin: language customization"], bad
    row = bad["B2C_1_signupsignin: language customization"]
    assert "ui_locales=de shows no <html lang>" in row.detail and row.cause == TENANT_CONFIGURATION, row
    assert "User flows > B2C_1_signupsignin > Languages: Enable language customization" in row.fix, row.fix
    assert "set B2C_LANGUAGE_CUSTOMIZATION=off" in row.fix, row.fix
    # and a custom policy gets no such row: it follows its own <Localization> (the row ok where the tenant's pages follow
    # ui_locales: test_the_stack_passes_every_row)
    assert "B2C_1A_signup_signin: language customization" not in rows
    # And with the setting off (the language journeys then skip) the same tenant is not held to following ui_locales
    rows = run(misconfigured, B2C_POLICIES="B2C_1_signupsignin", B2C_LANGUAGE_CUSTOMIZATION="off")
    assert "B2C_1_signupsignin: language customization" not in rows and "B2C_1_signupsignin: Mobile ID button" in rows, sorted(rows)


def pytest_run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider"], cwd=ROOT, env=suite_env(env),
                          capture_output=True, text=True, timeout=170)


def test_a_tenant_mode_run_stops_before_any_journey(stack: Stack, tmp_path: Path) -> None:
    junit = tmp_path / "test-results" / "junit.xml"
    page = tmp_path.with_name(f"{tmp_path.name}-summary.md")  # GitHub's job summary, beside the results the run cleans
    result = pytest_run({**tenant_env(stack, B2C_REDIRECT_URI="https://app.contoso.test/not-registered"), "GITHUB_STEP_SUMMARY": str(page)},
                        "e2e", "-m", "smoke", "-n", "2", f"--alluredir={tmp_path}", "--clean-alluredir", f"--junitxml={junit}")
    output = result.stdout + result.stderr
    assert result.returncode == 4, tail(output)
    assert "cause: tenant configuration" in output and "FAIL  app: redirect URI registered" in output, tail(output)
    assert output.count("cause: tenant configuration: the preflight failed") == 1, tail(output)  # said once
    assert not re.search(r"\d+ (passed|failed|error)", output) and "gw0" not in output, tail(output)  # no journey, no worker
    # The report (and the nightly's message and gate) says why: the failed row, its cause and fix, not a shard without results.
    [row] = allure_results(tmp_path)
    labels = {label["name"]: label["value"] for label in row["labels"]}
    # A finding about the tenant, "failed" as a journey's would be; "broken" is for what could not be judged.
    assert (row["status"], row["name"], labels["cause"]) == ("failed", "preflight: app: redirect URI registered", "tenant configuration")
    assert "fix: " in row["statusDetails"]["message"] and "No journey ran." in row["statusDetails"]["message"]
    # What was to be tested, so the nightly's message names the target ("(tenant)"), as after a run that ran.
    environment = dict(line.split("=", 1) for line in (tmp_path / "environment.properties").read_text().splitlines())
    assert (environment["target"], environment["tenant"]) == ("tenant", "contoso"), environment
    # And the pipeline's test tab (JUnit XML, which pytest writes only at a session's end): the row as a failed case.
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "1", "0")
    [case] = suite.iter("testcase")
    failure = case.find("failure")
    assert case.get("name") == "preflight: app: redirect URI registered" and failure is not None
    assert "fix: " in (failure.text or "") and "No journey ran." in (failure.text or "")
    # And the run's page on GitHub (its summary said only "exit code 4"): the table with the failed row and its fix, once.
    said = page.read_text()
    assert said.startswith("### No journey ran: the tenant's preflight failed\n") and said.count("###") == 1, said
    assert "FAIL  app: redirect URI registered" in said and "cause: tenant configuration: the preflight failed" in said, said


def test_a_tenant_mode_run_that_only_lists_its_journeys_checks_no_tenant(stack: Stack) -> None:
    """``--collect-only`` runs no journey: the tenant is not asked (its failing preflight would stop the listing)."""
    result = pytest_run(tenant_env(stack, B2C_REDIRECT_URI="https://app.contoso.test/not-registered"), "e2e", "-m", "smoke", "--collect-only")
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "preflight" not in output, tail(output)
    assert re.search(r"^collected \d+ items / \d+ deselected / \d+ selected", output, re.MULTILINE), tail(output)
    # What it would run against, said first (the header)
    assert "journeys against tenant contoso at contoso.b2clogin.com, Mobile ID's deployed emulator; settings from" in output, tail(output)


@pytest.mark.parametrize("option", ["collectonly", "showfixtures", "show_fixtures_per_test", "markers", "setupplan"])
def test_every_option_that_only_lists_checks_no_tenant(option: str) -> None:
    """--collect-only, --fixtures, --fixtures-per-test, --markers, --setup-plan (pytest's names for them in config.option):
    no journey runs, so neither a stack nor the preflight starts (the run above: --collect-only end to end)."""
    from types import SimpleNamespace

    from fixtures.settings_plugin import only_lists

    assert only_lists(SimpleNamespace(option=SimpleNamespace(**{option: True})))  # type: ignore[arg-type]
    assert not only_lists(SimpleNamespace(option=SimpleNamespace(**{option: False})))  # type: ignore[arg-type]


def test_a_control_url_with_credentials_stops_the_run_naming_none_of_them_in_terminal_results_or_junit(stack: Stack, tmp_path: Path) -> None:
    """A control URL given with credentials (https://user:password@host/...), which would replace the control token on
    every call: the run stops before any journey saying so, and no place it writes (terminal, Allure results, JUnit
    XML) has the password."""
    password = "pre-fl1ght-Secret"
    control = tenant_settings(stack.info)["MOBILEID_CONTROL_URL"].replace("https://", f"https://ops:{password}@")
    junit = tmp_path / "junit.xml"
    result = pytest_run(tenant_env(stack, MOBILEID_CONTROL_URL=control), "e2e", "-m", "smoke", "-n", "0",
                        f"--alluredir={tmp_path / 'results'}", f"--junitxml={junit}")
    output = result.stdout + result.stderr
    assert result.returncode == 4 and "MOBILEID_CONTROL_URL carries a user name or password" in output, tail(output)
    assert "preflight" not in output and not re.search(r"\d+ (passed|failed)", output), tail(output)
    written = [path for path in (*(tmp_path / "results").glob("*"), junit) if path.is_file()]
    assert written and password not in output and not [path.name for path in written if password in path.read_text()], written


def test_the_command_reports_every_missing_setting_at_once() -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("E2E_", "B2C_", "MOBILEID_"))}
    env = {**base, "E2E_TARGET": "tenant", "MOBILEID_MODE": "real"}
    result = subprocess.run([sys.executable, "-m", "fixtures.preflight"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    for setting in ("B2C_POLICIES", "B2C_CLIENT_ID", "MOBILEID_TEST_NUMBER"):
        assert setting in result.stdout
    assert "nothing checked, the suite's settings are wrong" in result.stdout and "tenant configuration" not in result.stdout


def test_the_command_in_local_mode_checks_a_stack_it_starts_and_names_a_misspelt_setting(tmp_path: Path) -> None:
    """`make preflight` with no tenant settings: every row passes against the stack it starts (and stops), and a
    setting spelt almost right is named with the one meant (it would read as unset). The .env read is the repository's
    (fixtures/settings_plugin.py ENV_FILE), whose names suite_env blanks: the misspelt name is the environment's. The
    environment names a proxy that refuses every connection: neither the checks' calls nor the browser take the stack's
    hosts to it."""
    from tests.b2c.support import refusing_port

    # Run from a folder whose .env asks for a tenant (one put beside the journeys, say), which the suite does not read.
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / ".env").write_text("E2E_TARGET=tenant\nB2C_TENANT=fabrikam\n")
    with refusing_port() as port:
        proxy = f"http://127.0.0.1:{port}"
        result = subprocess.run([sys.executable, "-m", "fixtures.preflight"], cwd=tmp_path / "team",
                                env=suite_env({"E2E_UI_LOCALE": "de", "TMPDIR": str(tmp_path),  # its stack's state: found by name below
                                               "HTTPS_PROXY": proxy, "ALL_PROXY": proxy, "PYTHONPATH": str(ROOT)}),
                                capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, tail(output)
    assert "preflight of the local stack at https://" in result.stdout, tail(output)
    assert re.search(r"^preflight: all \d+ checks ok or skipped$", result.stdout, re.M), tail(output)
    # All ok says nothing of a tenant: the last lines say none was checked, and which .env was not read.
    assert result.stdout.rstrip().splitlines()[-2:] == [
        "preflight: no tenant was checked, only the suite's own stack: to check yours, set E2E_TARGET=tenant and its settings in "
        f"{ROOT / '.env'} (a copy of .env.example; README: tenant)",
        f"{tmp_path / 'team' / '.env'} is not read: the suite reads {ROOT / '.env'} (move your settings there, or export them)"], tail(output)
    assert "FAIL" not in result.stdout and "B2C_1A_signup_signin: request to Mobile ID" in result.stdout, tail(output)
    assert "settings the suite does not read (a typo reads as unset): E2E_UI_LOCALE (did you mean E2E_UI_LOCALES?)" in result.stdout, \
        tail(output)
    assert processes_naming(str(tmp_path)) == [] and list(tmp_path.glob("preflight-stack-*")) == []  # its stack stopped with it


def test_the_command_finds_the_mobile_id_button_as_a_teams_policy_files_name_it(tmp_path: Path) -> None:
    """`make preflight` in local mode against a team's folder (E2E_STACK_POLICIES) whose Mobile ID exchange and button are
    named otherwise than the seed's: the button row finds it as B2C renders it from those files, as the journeys do."""
    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    extensions = folder / "TrustFrameworkExtensions.xml"
    extensions.write_text(extensions.read_text().replace("MobileIDExchange", "SwissMobileIdExchange")
                          .replace("<DisplayName>Mobile-ID</DisplayName>", "<DisplayName>Sign in with your phone</DisplayName>"))
    result = subprocess.run([sys.executable, "-m", "fixtures.preflight"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=suite_env({"E2E_STACK_POLICIES": str(folder), "TMPDIR": str(tmp_path), "FACEBOOK_SECRET": "not-a-real-secret",
                                           "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET"}))
    output = result.stdout + result.stderr
    assert result.returncode == 0, tail(output)
    assert re.search(r"^\s*ok\s+B2C_1A_signup_signin: Mobile ID button\s+Sign in with your phone$", result.stdout, re.M), tail(output)


@pytest.mark.parametrize("policy", ["B2C_1_signupsignin", "B2C_1A_signup_signin"])
def test_a_tenant_sending_users_to_another_mobile_id_names_both_fixes(policy: str) -> None:
    """The tenant's Mobile ID endpoint is not the one MOBILEID_METADATA_URL's discovery names: either the tenant is wrong
    (the real service), or the suite's setting is (a deployed emulator the tenant federates with on purpose)."""
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": policy, "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de"}
    settings = build_settings({**tenant, "MOBILEID_MODE": "emulator", "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"})
    with httpx.Client() as http:
        check = Preflight(settings, http, browser=lambda: None)
        check.mobile_id = {"authorization_endpoint": "https://m.mobileid.ch/oidc/authorize"}
        [problem] = check.endpoint_problems("https://mid-emulator.fabrikam.test/oidc/authorize?client_id=x", policy)
        real = Preflight(build_settings({**tenant, "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}), http,
                         browser=lambda: None)
        real.mobile_id = check.mobile_id
        [against_the_real_service] = real.endpoint_problems("https://mid-emulator.fabrikam.test/oidc/authorize?client_id=x", policy)
    assert "MOBILEID_METADATA_URL to" not in against_the_real_service  # with a person's phone the tenant must use the real one
    assert problem.startswith("authorization endpoint: is https://mid-emulator.fabrikam.test/oidc/authorize, Mobile ID's discovery "
                              "(MOBILEID_METADATA_URL) says https://m.mobileid.ch/oidc/authorize. Fix: ")
    assert "set MOBILEID_METADATA_URL to that one's discovery URL (now https://openid.mobileid.ch/.well-known/openid-configuration)" in problem
    # (a custom policy's profile as its files name it, MOBILEID_TECHNICAL_PROFILE unset)
    assert ("TechnicalProfile[@Id='MobileID-OAuth2']/Metadata/Item[@Key='authorization_endpoint'] = https://m.mobileid.ch/oidc/authorize"
            if policy.startswith("B2C_1A_")
            else "\"Metadata url\" = https://openid.mobileid.ch/.well-known/openid-configuration") in problem
    assert check.endpoint_problems("https://m.mobileid.ch/oidc/authorize?client_id=x", policy) == []


def test_the_endpoint_fix_names_the_technical_profile_setting() -> None:
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1A_signup_signin",
              "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control",
              "MOBILEID_TECHNICAL_PROFILE": "Fabrikam-MobileID"}
    with httpx.Client() as http:
        check = Preflight(build_settings(tenant), http, browser=lambda: None)
        check.mobile_id = {"authorization_endpoint": "https://m.mobileid.ch/oidc/authorize"}
        [problem] = check.endpoint_problems("https://mid-emulator.fabrikam.test/oidc/authorize?client_id=x", "B2C_1A_signup_signin")
    assert ("Fix: B2C_1A_signup_signin: TechnicalProfile[@Id='Fabrikam-MobileID']/Metadata/Item[@Key='authorization_endpoint'] = "
            "https://m.mobileid.ch/oidc/authorize") in problem, problem


def test_a_failed_row_is_reported_as_its_own_cause() -> None:
    """This machine's clock is not the tenant's set-up: a run stopped by both names each cause with its rows."""
    rows = [fail("clock skew", "this machine's clock is 900 s ahead of B2C's", "synchronise the clock", INFRASTRUCTURE),
            Row("tenant contoso answers", "ok"),
            fail("app: redirect URI registered", "AADB2C90006", "register it")]
    assert exit_message(rows).startswith("cause: tenant configuration: the preflight failed (app: redirect URI registered); "
                                         "cause: infrastructure: the preflight failed (clock skew); no journey ran.")
    assert exit_message(rows[:2]).startswith("cause: infrastructure: the preflight failed (clock skew);")
    printed = table(rows)  # make preflight's table names them too, one per failed row
    assert re.findall(r"cause: (.+)", printed) == ["infrastructure", "tenant configuration"]


def test_mobile_ids_discovery_without_the_endpoints_b2c_needs_fails_naming_them() -> None:
    check = preflight_answered_by(lambda request: httpx.Response(200, json={"issuer": "https://openid.mobileid.ch",
                                                                              "authorization_endpoint": "https://m.mobileid.ch/oidc/authorize"}))
    check.mobile_id_discovery()
    [row] = check.rows
    assert row.failed and row.detail.endswith("lacks token_endpoint, jwks_uri") and "discovery document" in row.fix, row
    assert check.mobile_id is None


def test_a_certificate_of_a_ca_nobody_here_trusts_at_the_real_mobile_id_is_the_runs_ca_setting_not_the_network() -> None:
    """A proxy that inspects TLS, say: E2E_CA_FILE is the run's own setting to fix, not the way there to wait for."""
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate")
    check = preflight_answered_by(refuse)
    check.mobile_id_discovery()
    [row] = check.rows
    assert row.cause == TENANT_CONFIGURATION and "set E2E_CA_FILE to the PEM of the CA" in row.fix, row


def test_the_preflights_browser_gets_the_journeys_context_options(stack: Stack, monkeypatch: pytest.MonkeyPatch, playwright: Playwright) -> None:
    """Locale, CA exception and proxy as the journeys' contexts have them (fixtures.browser.context_options; when a
    proxy applies: tests/suite/test_remote_browser.py)."""
    opened: list[dict[str, Any]] = []
    real_new_context = Browser.new_context

    def recording(self: Browser, **options: Any) -> BrowserContext:
        opened.append(options)
        return real_new_context(self, **options)

    monkeypatch.setattr(Browser, "new_context", recording)
    settings = build_settings(tenant_env(stack, E2E_BROWSER_LOCALE="de-CH"))
    rows = {row.check: row for row in preflight_in(playwright, settings, settings.host_map, settings.ca_file, "http://127.0.0.1:9")}
    assert opened and opened[0]["locale"] == "de-CH" and opened[0]["ignore_https_errors"] is True
    assert "proxy" not in opened[0]  # a local Chromium follows the host map: no proxy, as for the journeys
    assert not failed(rows), table(list(rows.values()))


def test_no_answer_is_the_way_to_b2c_unless_the_runs_settings_say_where_the_tenant_is() -> None:
    assert no_answer_cause("contoso.b2clogin.com", {}) == INFRASTRUCTURE  # B2C answers for any tenant name there
    assert no_answer_cause("login.contoso.com", {}) == TENANT_CONFIGURATION  # a custom domain: maybe mistyped
    assert no_answer_cause("contoso.b2clogin.com", {"contoso.b2clogin.com": ("127.0.0.1", 9)}) == TENANT_CONFIGURATION


def test_discovery_failing_after_the_tenant_answered_is_infrastructure(stack: Stack) -> None:
    settings = build_settings(tenant_env(stack))
    answers = iter([httpx.Response(200, headers={"Date": format_datetime(datetime.now(UTC), usegmt=True)}, json={})])

    def tenant_then_nothing(request: httpx.Request) -> httpx.Response:
        answer = next(answers, None)
        if answer is None:
            raise httpx.ConnectError("the network went", request=request)
        return answer

    with httpx.Client(transport=httpx.MockTransport(tenant_then_nothing)) as http:
        checks = Preflight(settings, http, browser=lambda: None)
        assert checks.tenant_answers()
        checks.policy_metadata(settings.policies[0])
    discovery = checks.rows[-1]
    assert discovery.failed and discovery.check.endswith(": discovery") and discovery.cause == INFRASTRUCTURE


def test_the_app_registrations_request_failing_after_discovery_answered_is_infrastructure(stack: Stack) -> None:
    """The authorize request with the app's settings fails on the way (the tenant and its discovery answered): the
    network's row, to run again, not the tenant's setting; a repro stopped by it exits 5, not 2."""
    settings = build_settings(tenant_env(stack))

    with net.client(stack.info.host_map, verify=stack.info.ca_path) as tenant:
        def discovery_then_nothing(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/.well-known/openid-configuration"):
                answer = tenant.get(str(request.url))
                return httpx.Response(answer.status_code, content=answer.content, headers={"content-type": "application/json"})
            raise httpx.ConnectError("the network went", request=request)

        with httpx.Client(transport=httpx.MockTransport(discovery_then_nothing)) as http:
            checks = Preflight(settings, http, browser=lambda: None)
            checks.app_registration(settings.policies[0])
    [row] = checks.rows
    assert (row.check, row.cause, row.fix) == ("app registration", INFRASTRUCTURE, "run the preflight again; see the network"), row
    assert "ConnectError: the network went" in row.detail and "client_id" not in row.detail, row  # the URL without its query


@pytest.mark.parametrize(("off_by", "status", "says"), [
    (-300, "FAIL", r"this machine's clock is 30\d s ahead of B2C's"),  # the header has whole seconds
    (+300, "FAIL", r"this machine's clock is (299|30\d) s behind B2C's"),
    (-30, "ok", r"\+(29|3\d) s against B2C's Date header \(leeway 120 s\)"),
    (None, "skip", r"B2C sent no Date header"),
])
def test_a_clock_off_by_more_than_the_token_checks_leeway_fails_its_row_as_infrastructure(
        stack: Stack, off_by: int | None, status: str, says: str) -> None:
    """B2C's Date header against this machine's clock: tokens' iat, nbf and exp are checked with the same leeway."""
    settings = build_settings(tenant_env(stack))
    headers = {} if off_by is None else {"Date": format_datetime(datetime.fromtimestamp(time.time() + off_by, UTC), usegmt=True)}
    with httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, json={}))) as http:
        checks = Preflight(settings, http, browser=lambda: None)
        assert checks.tenant_answers()
    [row] = [row for row in checks.rows if row.check == "clock skew"]
    assert row.status == status and re.fullmatch(says, row.detail), row
    if row.failed:
        assert row.cause == INFRASTRUCTURE and "synchronise the clock (NTP)" in row.fix


@pytest.mark.parametrize("server", ["refusing", "silent"])
def test_a_browser_server_that_does_not_answer_is_a_failed_row(stack: Stack, run: Run, server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused, or a connection taken and then silence (connect waited 150 s on it): the row says which, in seconds."""
    import fixtures.preflight

    probe = browser_fixtures.browser_server_unreachable
    monkeypatch.setattr(fixtures.preflight, "browser_server_unreachable", lambda endpoint: probe(endpoint, answer_timeout=0.3))
    with socket.create_server(("127.0.0.1", 0)) as silent:
        rows = run(stack, E2E_BROWSER_WS_ENDPOINT=f"ws://127.0.0.1:{silent.getsockname()[1] if server == 'silent' else 9}/")
    assert list(failed(rows)) == ["browser"], table(list(rows.values()))
    said = "ConnectionRefusedError" if server == "refusing" else "it took the connection, then sent nothing back to an HTTP request within 0.3 s"
    assert rows["browser"].cause == INFRASTRUCTURE and said in rows["browser"].detail, rows["browser"].detail
    assert "E2E_BROWSER_WS_ENDPOINT" in rows["browser"].fix
    assert all(row.status == "skip" for check, row in rows.items() if check.endswith("Mobile ID button"))


@pytest.mark.parametrize("server", ["refusing", "silent"])
def test_mobile_ids_page_that_does_not_load_after_the_button_is_a_failed_row(stack: Stack, run: Run, server: str,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The button's request is right, and the page it leads to does not load: refused (Chromium's error page at once), or
    the connection taken and then silence, where the click's wait ran out and the preflight ended in a traceback (make
    smoke: INTERNALERROR, no results)."""
    import fixtures.preflight

    monkeypatch.setattr(fixtures.preflight, "PAGE_TIMEOUT", 2_000)
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        if server == "refusing":
            silent.close()
        host_map = {**stack.info.host_map, "m.mobileid.ch": ("127.0.0.1", port)}  # its login pages; its discovery answers
        rows = run(stack, E2E_HOST_MAP=format_host_map(host_map))
    policies = build_settings(tenant_env(stack)).policies
    assert list(failed(rows)) == [f"{policy}: page after the button" for policy in policies], table(list(rows.values()))
    for policy in policies:
        assert rows[f"{policy}: request to Mobile ID"].status == "ok"
        row = rows[f"{policy}: page after the button"]
        assert row.cause == INFRASTRUCTURE and row.detail.startswith("m.mobileid.ch's page did not load: "), row
        # Silent: the click's wait runs out with the navigation unanswered, or Chromium gives up on the host first (a second
        # page's navigation to a host it already waits on).
        said = (["net::ERR_CONNECTION_REFUSED at https://m.mobileid.ch/oidc/authorize"] if server == "refusing" else
                ["still waiting for https://m.mobileid.ch/oidc/authorize to answer its navigation",
                 "net::ERR_TIMED_OUT at https://m.mobileid.ch/oidc/authorize"])
        assert any(words in row.detail for words in said), row.detail
        assert f"m.mobileid.ch must answer this machine's browser (is anything serving at 127.0.0.1:{port}, where E2E_HOST_MAP sends m.mobileid.ch?)" \
            in row.fix, row.fix


def test_mobile_ids_page_refused_for_its_certificate_names_the_ca_setting_not_the_network() -> None:
    checks = Preflight(build_settings(FABRIKAM), httpx.Client(), lambda: None)
    checks.add_not_loaded("B2C_1_susi", "https://m.mobileid.ch/oidc/authorize?x=1", "net::ERR_CERT_AUTHORITY_INVALID at https://m.mobileid.ch/oidc/authorize")
    [row] = checks.rows
    assert row.failed and row.detail == "m.mobileid.ch's page did not load: net::ERR_CERT_AUTHORITY_INVALID at https://m.mobileid.ch/oidc/authorize"
    assert row.fix.startswith("the browser does not trust m.mobileid.ch's certificate: for a deployed emulator with a private CA, set "
                              "E2E_CA_FILE"), row.fix


def test_a_machine_without_chromium_is_a_failed_row_saying_how_to_install_one(stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                              playwright: Playwright) -> None:
    """As the journeys would skip (fixtures.browser.missing_browser), not Playwright's "Executable doesn't exist". With
    this process's Playwright running (``playwright``, as in a worker that ran the tests above): ``preflight`` starts its
    own driver in a thread of its own, which the sync API requires."""
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))  # no Playwright build here...
    monkeypatch.setattr(browser_fixtures, "SYSTEM_CHROMIUM", ())  # ...and no system Chromium
    monkeypatch.setattr(browser_fixtures, "SYSTEM_HEADLESS_SHELL", ())
    settings = build_settings(tenant_env(stack))
    # As make preflight runs it, with a driver of its own: where Playwright's builds are is read as a driver starts.
    rows = {row.check: row for row in preflight(settings, settings.host_map, settings.ca_file)}
    assert list(failed(rows)) == ["browser"], table(list(rows.values()))
    assert "neither Playwright's build nor a system chromium is installed (make setup)" in rows["browser"].detail


def test_a_tenant_mode_run_with_a_report_gets_past_the_preflight(stack: Stack, tmp_path: Path) -> None:
    """The preflight drives the sign-in page before any test: the page objects' report steps must not need one
    (make smoke and make shard always write Allure results). A journey of one page shows the run went on to its journeys."""
    results = tmp_path / "allure-results"
    result = pytest_run(tenant_env(stack), "e2e", "-k", "test_error_page_says_sign_in_failed and b2c_1_signupsignin",
                        "-n", "0", f"--alluredir={results}")
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "1 passed" in output, tail(output)
    assert "preflight of tenant" in output and "INTERNALERROR" not in output
    assert list(results.glob("*-result.json")), "no Allure result written"


def test_the_emulators_control_api_is_checked_before_any_journey(stack: Stack, run: Run) -> None:
    """Reached, it is ok (test_the_stack_passes_every_row); unreachable, it fails as the network's failure."""
    unreachable = run(stack, MOBILEID_CONTROL_URL="https://127.0.0.1:9/control")["Mobile ID control API"]
    assert unreachable.failed and unreachable.cause == INFRASTRUCTURE and "no answer" in unreachable.detail


FABRIKAM = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1_susi", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
            "MOBILEID_MODE": "emulator", "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}


def preflight_answered_by(answer: Callable[[httpx.Request], httpx.Response]) -> Preflight:
    http = httpx.Client(transport=httpx.MockTransport(answer))
    return Preflight(build_settings(FABRIKAM), http, browser=lambda: None)


@pytest.mark.parametrize("proxy", ["http://bob:wrong@proxy.fabrikam.test:3128", None], ids=["E2E_BROWSER_PROXY", "none given"])
def test_a_proxy_that_asks_the_browser_for_a_password_is_said_not_blamed_on_the_button(playwright: Playwright, proxy: str | None) -> None:
    """A company proxy answering the browser 407 (no password given, or a wrong one): the page then waits for a password
    prompt, and the row said "the sign-in page has no Mobile ID button ... tick Mobile ID", tenant configuration."""
    discovery = {"authorization_endpoint": "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize"}
    check = Preflight(build_settings({**FABRIKAM, **({"E2E_BROWSER_PROXY": proxy} if proxy else {})}),
                      httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=discovery))), browser=lambda: None)
    # The proxy's answer, as the browser gets it from one that asks for a password (no proxy runs here: the context has none)
    with browser_context(playwright, build_settings(FABRIKAM), {}, None, None) as context:
        context.route("https://fabrikam.b2clogin.com/**", lambda route: route.fulfill(status=407, body=""))
        check.button_and_federation(context, "B2C_1_susi")
    rows = {row.check: row for row in check.rows}
    assert "B2C_1_susi: Mobile ID button" not in rows, table(check.rows)
    row = rows["B2C_1_susi: sign-in page"]
    assert row.failed and row.cause == INFRASTRUCTURE and "HTTP 407 Proxy Authentication Required" in row.detail, row
    assert ("give the right ones in E2E_BROWSER_PROXY's URL" if proxy else "set E2E_BROWSER_PROXY to the proxy's URL") in row.fix, row
    assert "wrong" not in row.fix + row.detail  # the password, never said


@pytest.mark.parametrize("other", [httpx.Response(400, json={"error": "invalid_request", "error_description": "AADB2C90022: no policy"}),
                                   httpx.Response(200, text="<html>a proxy's page</html>")], ids=["an error but 404", "no discovery"])
def test_the_other_kinds_policy_is_named_only_where_its_discovery_answers(other: httpx.Response) -> None:
    """The hint "the tenant has B2C_1A_susi" only on a discovery document of it: an error other than the 404 the local
    stack answers (a tenant's own may differ), or a page that is no discovery, names no policy the tenant may not have."""
    missing = httpx.Response(404, json={"error": "invalid_request", "error_description": "AADB2C90022: no policy"})
    check = preflight_answered_by(lambda request: other if "b2c_1a_susi" in request.url.path.lower() else missing)
    check.policy_metadata("B2C_1_susi")
    [row] = check.rows
    assert row.failed and row.fix.startswith("create B2C_1_susi in the tenant"), row


def test_a_failing_discovery_is_infrastructure_not_a_missing_policy() -> None:
    """B2C (or a proxy) answering 503 is not a tenant without the policy: no 'create the policy' for a policy that exists."""
    check = preflight_answered_by(lambda request: httpx.Response(503, text="Service Unavailable"))
    check.policy_metadata("B2C_1_susi")
    [row] = check.rows
    assert (row.failed, row.cause) == (True, INFRASTRUCTURE) and "answered HTTP 503" in row.detail and "create" not in row.fix, row
    missing = preflight_answered_by(lambda request: httpx.Response(404, json={"error": "AADB2C90022"}))
    missing.policy_metadata("B2C_1_susi")
    assert "the tenant has no such policy" in missing.rows[0].detail and missing.rows[0].cause == TENANT_CONFIGURATION


def test_a_404_without_b2cs_code_names_the_tenant_setting_not_only_the_policy() -> None:
    """B2C_TENANT not the tenant at B2C_DOMAIN (a custom domain): a bare 404, no AADB2C90022; every policy's row must not
    say only "create the policy", which a team would do for policies it has."""
    check = preflight_answered_by(lambda request: httpx.Response(404, text="Not Found"))
    check.policy_metadata("B2C_1_susi")
    [row] = check.rows
    assert row.failed and "knows no tenant fabrikam.onmicrosoft.com" in row.detail and row.fix.startswith("check B2C_TENANT"), row
    assert row.cause == TENANT_CONFIGURATION


def test_a_policy_whose_jwks_has_no_keys_fails_its_row_and_is_not_checked_further() -> None:
    """A custom policy without its signing key: B2C's tokens could not be checked, so the row fails and names the key."""
    discovery = {"issuer": "https://fabrikam.b2clogin.com/x/v2.0/", "authorization_endpoint": "https://fabrikam.b2clogin.com/authorize",
                 "jwks_uri": "https://fabrikam.b2clogin.com/keys"}
    check = preflight_answered_by(lambda request: httpx.Response(200, json={"keys": []} if request.url.path == "/keys" else discovery))
    check.policy_metadata("B2C_1_susi")
    assert [(row.check, row.status) for row in check.rows] == [("B2C_1_susi: discovery", "ok"), ("B2C_1_susi: JWKS", "FAIL")], check.rows
    assert "has no keys" in check.rows[-1].detail and "B2C_1A_TokenSigningKeyContainer" in check.rows[-1].fix and check.discovered == []


def test_an_authorize_request_b2c_refuses_for_another_reason_fails_with_the_code_and_stops_the_browser_checks() -> None:
    """Not one of the registration codes the rows name: the code itself, where to look it up, and no sign-in page opened."""
    discovery = {"authorization_endpoint": "https://fabrikam.b2clogin.com/fabrikam.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize"}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/authorize"):
            return httpx.Response(302, headers={"location": "https://jwt.ms/#error=server_error&error_description=AADB2C90079%3a+Clients+must+send"})
        return httpx.Response(200, json=discovery)
    check = preflight_answered_by(answer)
    check.app_registration("B2C_1_susi")
    rows = {row.check: row for row in check.rows}
    assert rows["app: authorize request"].failed and rows["app: authorize request"].detail == "B2C answered AADB2C90079", check.rows
    assert "learn.microsoft.com/azure/active-directory-b2c/error-codes" in rows["app: authorize request"].fix and not check.app_ok


def session_of(settings: Any, said: list[str]) -> Any:
    """A tenant-mode run's session as pytest_sessionstart reads it: its settings, no --alluredir nor --junitxml, a terminal
    writing into ``said``."""
    from types import SimpleNamespace

    from fixtures.settings_plugin import SETTINGS_KEY

    config = SimpleNamespace(stash=pytest.Stash(), getoption=lambda name, default=None: None, option=SimpleNamespace(xmlpath=None),
                             pluginmanager=SimpleNamespace(get_plugin=lambda name: SimpleNamespace(write_line=said.append)))
    config.stash[SETTINGS_KEY] = settings
    return SimpleNamespace(config=config)


def test_e2e_preflight_off_lets_a_tenant_mode_run_skip_the_preflight(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: E2E_PREFLIGHT=off skips it (the preflight itself stood in for: asked or not)."""
    import fixtures.preflight as module

    asked: list[str] = []

    def checked(settings: Any, *_: Any, **__: Any) -> list[Row]:
        asked.append(settings.tenant)
        return [Row("settings", "ok")]

    monkeypatch.setattr(module, "preflight", checked)
    monkeypatch.setattr(module, "runs_journeys", lambda config: True)
    monkeypatch.setattr(module, "only_lists", lambda config: False)
    for value in ("off", "on"):
        module.pytest_sessionstart(session_of(build_settings({**FABRIKAM, "E2E_PREFLIGHT": value}), []))
        assert asked == ([] if value == "off" else ["fabrikam"]), value


def test_a_tenant_mode_runs_preflight_table_shows_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    import fixtures.preflight as module

    token = "s3cr3t-control-token"
    monkeypatch.setattr(module, "preflight", lambda *_, **__: [Row("Mobile ID control API", "FAIL", f"refused {token}", "fix it")])
    monkeypatch.setattr(module, "runs_journeys", lambda config: True)
    monkeypatch.setattr(module, "only_lists", lambda config: False)
    said: list[str] = []
    with pytest.raises(pytest.UsageError, match="cause: tenant configuration: the preflight failed"):
        module.pytest_sessionstart(session_of(build_settings({**FABRIKAM, "MOBILEID_CONTROL_TOKEN": token}), said))
    assert said and "Mobile ID control API" in said[0] and token not in "\n".join(said), said


@pytest.mark.parametrize(("status", "exit_status"), [("ok", 0), ("FAIL", 1)])
def test_make_preflight_exits_1_when_a_row_failed_and_shows_no_secret(status: str, exit_status: int, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`make preflight` (python -m fixtures.preflight) in a script or CI step: a failed row is a failed command (the
    tenant's preflight stood in for by its rows)."""
    import fixtures.preflight as module

    token = "s3cr3t-control-token"
    monkeypatch.setattr(module, "load_run_settings", lambda: (build_settings({**FABRIKAM, "MOBILEID_CONTROL_TOKEN": token}), None))
    monkeypatch.setattr(module, "preflight", lambda *_, **__: [Row("settings", "ok"), Row("Mobile ID control API", status, f"sent {token}", "fix it")])
    assert module.main() == exit_status
    out = capsys.readouterr().out
    assert "preflight of tenant fabrikam (fabrikam.b2clogin.com):" in out and token not in out and "Mobile ID control API" in out, out


def test_a_key_percent_encoded_in_the_discovery_urls_query_is_not_shown_by_the_row_that_quotes_the_url(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A deployed emulator behind a gateway that takes its key in the query (a SAS signature, a base64 key: ``+``, ``/``
    and ``=`` written ``%2B``, ``%2F``, ``%3D``): the Mobile ID discovery row quotes MOBILEID_METADATA_URL as it is written,
    so the key must be redacted as written there, not only as decoded."""
    import fixtures.preflight as module

    metadata = "https://mid.fabrikam.test/.well-known/openid-configuration?sig=PLANTEDsig%2Bkey%2F4711%3D&api-version=1"
    settings = build_settings({**FABRIKAM, "MOBILEID_METADATA_URL": metadata})
    monkeypatch.setattr(module, "load_run_settings", lambda: (settings, None))
    monkeypatch.setattr(module, "preflight", lambda *_, **__: [Row("Mobile ID discovery", "FAIL", f"{metadata} answered HTTP 404", "fix it")])
    assert module.main() == 1
    out = capsys.readouterr().out
    assert "Mobile ID discovery" in out and "?sig=<redacted>&api-version=1 answered HTTP 404" in out, out
    assert "PLANTEDsig" not in out, out


def test_make_preflight_refusing_the_settings_shows_no_secret_a_message_quotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The control token pasted one line off, as B2C_POLICIES too: `make preflight` printed it whole where a journey run's
    stop redacts it. From the environment or .env alike; as the tenant, which the run writes in lower case, it is refused."""
    import fixtures.preflight as module
    import fixtures.settings_plugin as plugin

    token = "CtlTok-SECRET-5ee7a1b2c3d4e5f6"
    (tmp_path / ".env").write_text(f"MOBILEID_CONTROL_TOKEN={token}\n")
    monkeypatch.setattr(plugin, "ENV_FILE", tmp_path / ".env")
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**FABRIKAM, "B2C_POLICIES": token}.items():
        monkeypatch.setenv(name, value)
    assert module.main() == 1
    out = capsys.readouterr().out
    assert "B2C_POLICIES has '<redacted>'" in out and token not in out, out
    monkeypatch.setenv("B2C_POLICIES", "B2C_1_susi")
    monkeypatch.setenv("B2C_TENANT", token)  # a tenant name in form, which the preflight would name in its first line
    assert module.main() == 1
    out = capsys.readouterr().out
    assert "B2C_TENANT has the value of MOBILEID_CONTROL_TOKEN, a secret" in out and token.lower() not in out.lower(), out
    # The token from the environment alone (a CI variable), no .env: redacted alike
    (tmp_path / ".env").unlink()
    monkeypatch.setenv("MOBILEID_CONTROL_TOKEN", token)
    monkeypatch.setenv("B2C_TENANT", "fabrikam")
    monkeypatch.setenv("B2C_POLICIES", token)
    assert module.main() == 1
    out = capsys.readouterr().out
    assert "B2C_POLICIES has '<redacted>'" in out and token not in out, out
    # The CI variable pasted with a space after it, which the suite reads without it (and the policy list with others)
    monkeypatch.setenv("MOBILEID_CONTROL_TOKEN", f"{token} ")
    monkeypatch.setenv("B2C_POLICIES", f"B2C_1_susi,{token}")
    assert module.main() == 1
    out = capsys.readouterr().out
    assert "B2C_POLICIES has '<redacted>'" in out and token not in out, out


def test_a_remote_browser_that_cannot_resolve_a_mapped_host_is_told_to_use_a_proxy() -> None:
    """E2E_HOST_MAP is this machine's: a browser server elsewhere resolves the tenant's host itself."""
    remote = {**FABRIKAM, "E2E_BROWSER_WS_ENDPOINT": "ws://browsers.fabrikam.test:3000/", "E2E_HOST_MAP": "fabrikam.b2clogin.com=127.0.0.1:8443"}
    settings = build_settings(remote)
    checks = Preflight(settings, httpx.Client(), lambda: None, settings.host_map)
    fix = checks.browser_fix("Page.goto: net::ERR_NAME_NOT_RESOLVED at https://fabrikam.b2clogin.com/")
    assert "a remote browser cannot use E2E_HOST_MAP by itself: set E2E_BROWSER_PROXY" in fix, fix
    proxied = build_settings({**remote, "E2E_BROWSER_PROXY": "http://10.0.0.5:8888"})
    fix = Preflight(proxied, httpx.Client(), lambda: None, proxied.host_map).browser_fix("Page.goto: net::ERR_NAME_NOT_RESOLVED at https://x/")
    assert "check E2E_BROWSER_WS_ENDPOINT" in fix, fix


@pytest.mark.parametrize("dated", ["certificate has expired", "certificate is not yet valid"])
def test_a_certificate_out_of_its_dates_is_said_so_not_sent_to_the_ca_setting(dated: str) -> None:
    """A deployed emulator's (or a stack's kept) certificate that ran out, signed by the very CA E2E_CA_FILE names: the fix
    said to set E2E_CA_FILE to that CA, as for one nobody trusts, which it already was."""
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {dated} (_ssl.c:1006)")
    check = preflight_answered_by(refuse)
    assert not check.tenant_answers()
    check.mobile_id_discovery()
    for row in check.rows:
        assert "set E2E_CA_FILE to the PEM" not in row.fix, row
        assert f"the server's certificate, or a CA's in its chain, {dated.removeprefix('certificate ')}" in row.fix, row
        assert "have it renewed where it is served" in row.fix and "synchronise its clock" in row.fix, row


def test_a_certificate_nobody_here_trusts_points_at_the_ca_setting() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate")
    check = preflight_answered_by(refuse)
    assert not check.tenant_answers()
    assert "set E2E_CA_FILE to the PEM of the CA" in check.rows[0].fix, check.rows[0]


def test_a_certificate_no_ca_here_signed_with_e2e_ca_file_given_says_that_file_is_not_its_ca(tmp_path: Path) -> None:
    """E2E_CA_FILE set to another CA (an old stack's ca.pem): the fix said "set E2E_CA_FILE to the PEM of the CA", as if
    none were set."""
    ca_file = tmp_path / "old-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_file))
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate")
    check = Preflight(build_settings({**FABRIKAM, "E2E_CA_FILE": str(ca_file)}), httpx.Client(transport=httpx.MockTransport(refuse)),
                      browser=lambda: None)
    assert not check.tenant_answers()
    check.mobile_id_discovery()
    for row in check.rows:
        assert f"E2E_CA_FILE ({ca_file}) is not the CA that signed the certificate there: set E2E_CA_FILE" in row.fix, row


def test_a_certificate_for_another_host_points_at_the_tenants_name_not_the_ca() -> None:
    """A trusted CA, a certificate of another name: B2C_TENANT or B2C_DOMAIN misspelt (a host mapped to B2C), not the CA."""
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is "
                                 "not valid for 'fabrikamm.b2clogin.com'. (_ssl.c:1006)")
    check = preflight_answered_by(refuse)
    assert not check.tenant_answers()
    [row] = check.rows
    assert "is not for fabrikam.b2clogin.com: check B2C_TENANT and B2C_DOMAIN" in row.fix and "E2E_CA_FILE" not in row.fix, row
    assert row.cause == TENANT_CONFIGURATION, row
    # The real Mobile ID's own name is no setting of the run: something on the way sends its requests elsewhere.
    check.mobile_id_discovery()
    assert "not for its host: something on the way (a proxy, a DNS entry)" in check.rows[-1].fix, check.rows[-1]


def test_a_browser_that_cannot_make_its_folder_is_told_the_temporary_folder_not_to_install_chromium(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "gone"))
    fix = preflight_answered_by(lambda request: httpx.Response(200)).browser_fix(
        f"BrowserType.launch: ENOENT: no such file or directory, mkdtemp '{tmp_path / 'gone'}/playwright-artifacts-x'")
    assert fix == f"TMPDIR={tmp_path / 'gone'} is not a folder, and Playwright makes each browser's files there: make it, or unset TMPDIR"


def test_a_browser_whose_proxy_fails_is_not_told_to_install_chromium() -> None:
    fix = preflight_answered_by(lambda request: httpx.Response(200)).browser_fix("Page.goto: net::ERR_PROXY_CONNECTION_FAILED at https://x/")
    assert "the browser's proxy failed" in fix and "make setup" not in fix


@pytest.mark.parametrize(("answer", "detail", "cause"), [
    (httpx.Response(404, text="Not Found"), "answered HTTP 404", TENANT_CONFIGURATION),
    (httpx.Response(200, text="<html>sign in to the proxy</html>", headers={"content-type": "text/html"}),
     "answered HTTP 200 with no JSON (text/html)", TENANT_CONFIGURATION),
    (httpx.Response(503, text="Service Unavailable"), "answered HTTP 503", INFRASTRUCTURE),
    (httpx.Response(407, text="Proxy Authentication Required"), "answered HTTP 407", INFRASTRUCTURE),
    (httpx.Response(429, text="Too Many Requests"), "answered HTTP 429", INFRASTRUCTURE),
], ids=["not found", "not JSON", "failing", "a proxy refusing", "too many requests"])
def test_mobile_ids_discovery_row_says_what_answered(answer: httpx.Response, detail: str, cause: str) -> None:
    """Not "JSONDecodeError": the status a person can act on, and the service failing told from a wrong URL."""
    check = preflight_answered_by(lambda request: answer)
    check.mobile_id_discovery()
    [row] = check.rows
    assert (row.failed, row.cause) == (True, cause) and detail in row.detail, row
    assert row.detail.startswith("https://openid.mobileid.ch/.well-known/openid-configuration ")


def test_an_issuer_given_as_mobile_ids_discovery_is_told_the_discovery_url() -> None:
    """The deployed emulator's MOBILEID_ISSUER as MOBILEID_METADATA_URL: a 404 (or its page) whose fix names the URL meant."""
    settings = build_settings({**FABRIKAM, "MOBILEID_METADATA_URL": "https://mid.fabrikam.test/"})
    check = Preflight(settings, httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(404))), browser=lambda: None)
    check.mobile_id_discovery()
    [row] = check.rows
    assert row.failed and row.fix.endswith("; a discovery URL ends in /.well-known/openid-configuration: "
                                           "https://mid.fabrikam.test/.well-known/openid-configuration?"), row
    seeds = preflight_answered_by(lambda request: httpx.Response(404))  # a discovery URL already: no such guess
    seeds.mobile_id_discovery()
    assert "ends in" not in seeds.rows[0].fix


def test_the_real_mobile_ids_discovery_not_answering_is_the_way_there_and_another_url_is_the_setting() -> None:
    def nothing(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
    check = preflight_answered_by(nothing)
    check.mobile_id_discovery()
    assert check.rows[0].cause == INFRASTRUCTURE and "Temporary failure in name resolution" in check.rows[0].detail
    emulator = Preflight(build_settings({**FABRIKAM, "MOBILEID_METADATA_URL": "https://mid.fabrikam.test/.well-known/openid-configuration"}),
                         httpx.Client(transport=httpx.MockTransport(nothing)), browser=lambda: None)
    emulator.mobile_id_discovery()
    assert emulator.rows[0].cause == TENANT_CONFIGURATION and "MOBILEID_METADATA_URL must be" in emulator.rows[0].fix

    def another_host(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is "
                                 "not valid for 'openid.mobileid.ch'. (_ssl.c:1006)")
    elsewhere = preflight_answered_by(another_host)
    elsewhere.mobile_id_discovery()
    [row] = elsewhere.rows  # the real service's certificate is right: something on the way sends the request elsewhere
    assert row.cause == INFRASTRUCTURE and "something on the way (a proxy, a DNS entry)" in row.fix, row


def test_the_preflight_checks_in_the_journeys_browser(stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--browser webkit``: the tenant's pages are checked in WebKit, which is not installed here: a failed row naming it,
    where a Chromium check passed and every journey was then skipped. Of several browsers, the first that can run."""
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))  # no Playwright build of WebKit (the system's Chromium stays)
    settings = build_settings(tenant_env(stack))
    rows = {row.check: row for row in preflight(settings, settings.host_map, settings.ca_file, browser_names=["webkit"])}
    assert list(failed(rows)) == ["browser"], table(list(rows.values()))
    assert rows["browser"].detail.startswith("the browser (webkit) failed: webkit is not installed"), rows["browser"].detail
    assert "-m playwright install webkit" in rows["browser"].fix and "Chromium" not in rows["browser"].fix
    rows = {row.check: row for row in preflight(settings, settings.host_map, settings.ca_file, browser_names=["webkit", "chromium"])}
    assert not list(failed(rows)), table(list(rows.values()))


def test_a_tenant_mode_run_in_a_browser_not_installed_stops_at_the_preflight_naming_it(stack: Stack, tmp_path: Path) -> None:
    result = pytest_run(tenant_env(stack, PLAYWRIGHT_BROWSERS_PATH=str(tmp_path)), "e2e", "-m", "smoke", "-n", "0", "--browser", "webkit")
    output = result.stdout + result.stderr
    assert result.returncode == 4 and "the browser (webkit) failed: webkit is not installed" in output, tail(output)


def test_a_browser_other_than_chromium_that_fails_on_the_tenant_is_not_told_to_install_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """The preflight runs in an installed browser where one is listed: its failure on the tenant's page is the way there
    (a host map it cannot follow without a proxy), not an install."""
    settings = build_settings({"E2E_TARGET": "tenant", "B2C_TENANT": "contoso", "B2C_POLICIES": "B2C_1_signupsignin",
                               "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "MOBILEID_MODE": "emulator",
                               "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"})
    checks = Preflight(settings, httpx.Client(), lambda: None, {"contoso.b2clogin.com": ("127.0.0.1", 8443)}, "firefox")
    assert "E2E_BROWSER_PROXY" in checks.browser_fix("Page.goto: NS_ERROR_UNKNOWN_HOST"), checks.browser_fix("x")
    monkeypatch.setattr(browser_fixtures, "has_playwright_build", lambda *args: False)  # missing_browser's own words, as it says them
    monkeypatch.setattr(browser_fixtures, "system_chromium", lambda headless: None)
    assert "playwright install firefox" in checks.browser_fix(browser_fixtures.missing_browser("firefox", None) or "")  # type: ignore[arg-type]
    # A Chromium that started and then failed on the page is told what the error means, not to install itself again
    chromium = Preflight(settings, httpx.Client(), lambda: None, {"contoso.b2clogin.com": ("127.0.0.1", 8443)}, "chromium")
    for error in ("Page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://contoso.b2clogin.com/", "Locator.click: Timeout 15000ms exceeded."):
        assert "make setup" not in chromium.browser_fix(error) and "failed on the tenant's sign-in page" in chromium.browser_fix(error)
    assert "make setup" in chromium.browser_fix("BrowserType.launch: Target page, context or browser has been closed")
    assert "make setup" in chromium.browser_fix(browser_fixtures.missing_browser("chromium", None) or "")  # type: ignore[arg-type]


def test_a_host_map_entry_spelt_almost_as_a_host_that_does_not_answer_is_named_in_its_fix() -> None:
    """contosso.b2clogin.com mapped, contoso.b2clogin.com named: the tenant went to DNS, its row said only "does not answer".
    Named only where the host does not answer: an entry for another environment (contosodev) beside a tenant that answers
    is no fault, and failed a healthy smoke."""
    def nothing(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no tenant here", request=request)

    tenant = {**FABRIKAM, "B2C_TENANT": "contoso", "E2E_HOST_MAP": "contosso.b2clogin.com=127.0.0.1:8443,jwt.ms=127.0.0.1:8443"}
    settings = build_settings(tenant)
    rows = {row.check: row for row in Preflight(settings, httpx.Client(transport=httpx.MockTransport(nothing)), lambda: None,
                                                settings.host_map).run()}
    row = rows["tenant contoso answers"]
    assert row.failed and row.fix.endswith("; E2E_HOST_MAP maps contosso.b2clogin.com, not contoso.b2clogin.com: if "
                                           "contoso.b2clogin.com was meant, spell it so there"), row.fix
    other = build_settings({**tenant, "E2E_HOST_MAP": "contosodev.b2clogin.com=10.20.30.40:443"})
    answering = Preflight(other, httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200))), lambda: None,
                          other.host_map)
    assert answering.tenant_answers() and not any(row.failed for row in answering.rows), table(answering.rows)


@pytest.mark.parametrize(("error", "status", "says"), [
    (httpx.ReadTimeout("The read operation timed out"), "ok", "https://jwt.ms took the connection; no answer within 10 s (ReadTimeout), "
                                                              "which the journeys do not wait for"),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"), "skip",
     "https://jwt.ms answered over TLS with a certificate this machine's HTTP client does not trust; the journeys' browser judges it"),
    (httpx.ConnectError("[Errno 111] Connection refused"), "FAIL", "https://jwt.ms does not answer: ConnectError: [Errno 111] Connection refused"),
], ids=["slow", "certificate", "refused"])
def test_a_redirect_uri_fails_its_row_only_where_nothing_answers(error: httpx.HTTPError, status: str, says: str) -> None:
    """A cold-starting app (over 10 s) or one whose certificate only the browser takes (E2E_HOST_MAP, E2E_CA_FILE) blocked a
    smoke whose journeys pass: they read what B2C sent on the way there."""
    def answer(request: httpx.Request) -> httpx.Response:
        raise error

    checks = Preflight(build_settings(FABRIKAM), httpx.Client(transport=httpx.MockTransport(answer), timeout=10), lambda: None)
    checks.app_ok = True
    checks.redirect_uri_answers()
    [row] = checks.rows
    assert (row.status, row.detail) == (status, says), row


@pytest.mark.parametrize(("settings", "said"), [({"B2C_POLICIES": "B2C_1A_signup_signin"}, "skip"),
                                                ({"B2C_POLICIES": "B2C_1A_signup_signin", "B2C_POLICY_FILES": str(ROOT / "policies")}, "ok"),
                                                ({}, None)], ids=["custom policy, files not given", "files given", "user flow"])
def test_a_tenants_custom_policy_without_its_files_is_said_once_to_be_read_from_the_seeds(settings: dict[str, str], said: str | None) -> None:
    """Against a tenant's custom policy with B2C_POLICY_FILES unset, every expectation the journeys read from its files is
    the seed's: the preflight says so up front, one row that fails nothing, with how to give the suite the team's files."""
    def nothing(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no tenant here", request=request)

    check = Preflight(build_settings({**FABRIKAM, **settings}), httpx.Client(transport=httpx.MockTransport(nothing)), browser=lambda: None)
    rows = {row.check: row for row in check.run()}
    assert ("custom policy files" in rows) is (said is not None), table(list(rows.values()))
    if said == "ok":  # the skip row's fix followed: the same row, ok, naming the files read
        assert (rows["custom policy files"].status, rows["custom policy files"].detail) == (
            "ok", f"the journeys read yours, in {ROOT / 'policies'} (B2C_POLICY_FILES)")
    if said == "skip":
        row = rows["custom policy files"]
        assert (row.status, row.failed) == ("skip", False)
        assert row.detail == ("the journeys read the seed's (policies/) in place of the tenant's: set B2C_POLICY_FILES to the folder "
                              "of the files you upload, and the journeys read yours")
