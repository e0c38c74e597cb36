"""The repro command's arguments and settings: what each becomes, and a clear error for each bad one."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from fixtures.commands import python
from fixtures.settings import SettingsError, build_settings
from fixtures.stack_description import StackDescription
from mocks.common.parent import STOP_SIGNALS
from mocks.mobileid.errors import MidError
from mocks.mobileid.outcomes import OUTCOME_FAULTS, fault_error
from repro.cli import check, main, parser, pytest_command, replay_command, shown_key, suite_env
from repro.outcomes import NUMBER_LEFT_OUT, OUTCOMES, outcome_for_mid_code, outcome_for_number
from repro.paths import shown_path
from tests.local_stack import LOCAL_STACK
from tests.suite_run import pytest_e2e

NO_DOTENV = {"E2E_TARGET": "local"}
ROOT = Path(__file__).resolve().parents[2]


def args(*argv: str):
    return parser().parse_args(list(argv))


@pytest.mark.parametrize(("argv", "says"), [
    (["--outcome", "cancel"], "use one of: approve, user-cancel, pin-blocked, card-blocked, no-key, busy, expired, timeout, decline"),
    # As a reporter writes them: the outcome meant, suggested (the phone "approved", the MSS fault's words)
    (["--outcome", "approved"], "--outcome 'approved' is not an outcome (did you mean approve?); use one of"),
    (["--outcome", "PIN blocked"], "(did you mean pin-blocked?)"),
    (["--outcome", "user cancelled"], "(did you mean user-cancel?)"),
    (["--prompt", "always"], "use one of: login, none, consent, select_account"),
    # As a reporter or a .NET app writes them (Prompt.None, "select-account"): the prompt B2C knows, suggested
    (["--prompt", "None"], "--prompt 'None' is not a prompt B2C knows (did you mean 'none'?); use one of"),
    (["--prompt", "Select-Account"], "(did you mean 'select_account'?)"),
    (["--policy", "signin"], "start with B2C_1_ (user flow) or B2C_1A_"),
    (["--domain-hint", "mobile id"], "--domain-hint 'mobile id' must be one word"),
    (["--client-id", "my test app"], "--client-id 'my test app' must be one word without spaces"),  # a display name, not the id
    (["--redirect-uri", "http://localhost:3000"], "must land on an https URL to read B2C's answer (B2C also takes http://localhost"),
    (["--language", "de_CH"], "--language 'de_CH' is not a language tag (a language, then a region after a hyphen); e.g. --language de-CH"),
    (["--ui-locales", "fr en_GB"], "e.g. --ui-locales 'fr en-GB'"),  # quoted, as a shell needs it
    (["--ui-locales", "de,fr"], "is not language tags separated by spaces (each a language, then a region after a hyphen); "
                                "e.g. --ui-locales 'de fr'"),
    (["--language", "de CH"], "e.g. --language de-CH"),  # one tag: not the two words it was given
    # The browser's language too: Chromium refuses it, and the run failed at its first page with a bundle.
    (["--language", "xx-YY-zz"], "--language 'xx-YY-zz' is not a language tag (a language, then a region after a hyphen); "
                                 "e.g. --language de-CH"),
    (["--browser-locale", "de-CHE"], "--browser-locale 'de-CHE' is not a language tag"),
    (["--browser-locale", "deutsch schweiz"], "e.g. --browser-locale de-CH"),
    (["--login-hint", " "], "--login-hint is empty"),
    # Empty, as an unset variable in a script gives them: --device '' ran no phone, --client-id '' "must be one word".
    (["--device", ""], "--device is empty: leave it out, or give a Playwright device, e.g. --device 'Pixel 7'"),
    (["--client-id", ""], "--client-id is empty: leave it out, or give the client_id the app sends"),
    (["--redirect-uri", " "], "--redirect-uri is empty: leave it out, or give the redirect_uri the app sends, e.g. --redirect-uri https://jwt.ms"),
    (["--policy", ""], "--policy is empty: leave it out, or give a policy's name, e.g. --policy B2C_1A_signup_signin"),
    (["--attempt", "2"], "--attempt only goes with --from-har"),
    # Said before the HAR is read (it was said after, as "this HAR holds 3 sign-in attempts (1 to 3)")
    (["--from-har", "user.har", "--attempt", "0"], "--attempt 0: a HAR's sign-in attempts are counted from 1 (its first); leave "
                                                   "--attempt out to read the last that failed"),
    (["--from-har", "user.har", "--attempt", "-2"], "--attempt -2: a HAR's sign-in attempts are counted from 1"),
    (["--slowmo", "-5"], "--slowmo -5 must be 0 or more"),
    (["--slowmo", "-1"], "--slowmo -1 must be 0 or more"),  # the boundary: 0 is the default, and the least
    # A number of milliseconds no journey can wait out: pytest-timeout's timer overflowed (an INTERNALERROR traceback).
    (["--slowmo", "99999999999999999999"], "--slowmo 99999*************99 is more than 60000 milliseconds"),  # masked as any long number
    (["--slowmo", "60001"], "--slowmo 60001 is more than 60000 milliseconds"),  # the boundary: 60000 is the most
    (["--run"], "--run only goes with --from-har"),
    # Contradictions that would read as a reproduced bug: B2C can only answer prompt=none with AADB2C90077 then.
    (["--prompt", "none", "--journey", "sign-up"], "--prompt none with --journey sign-up: prompt=none asks B2C to answer from"),
    (["--prompt", "none", "--outcome", "user-cancel"], "--prompt none with --outcome user-cancel"),
])
def test_a_bad_argument_says_what_is_allowed(argv: list[str], says: str) -> None:
    with pytest.raises(ValueError, match=None) as error:
        check(args(*argv), {"DISPLAY": ":0"})
    assert says in str(error.value)


def test_arguments_as_a_reporter_writes_them_are_taken() -> None:
    """An outcome in another case or with an underscore, and a login hint with spaces (B2C takes it URL-encoded)."""
    given = args("--outcome", "User_Cancel", "--login-hint", "+41 79 123 45 67")
    check(given, {})
    check(args("--slowmo", "60000"), {})  # the most --slowmo takes
    assert given.outcome == "user-cancel"
    command = pytest_command(given, Path("/tmp/work"), video=False)
    assert "--repro-login-hint=+41 79 123 45 67" in command


@pytest.mark.parametrize("hint", ["-x", "--mobileid", "@alice"])
def test_a_hint_that_starts_as_an_option_or_a_file_of_arguments_is_passed_as_the_options_value(hint: str) -> None:
    """Passed apart, "-x" was read as an option ("--repro-login-hint: expected one argument") and "@alice" as pytest's file
    of arguments ("No such file or directory: 'alice'"): every run with such a hint failed, the printed replay's too."""
    for name in ("--login-hint", "--domain-hint", "--client-id"):
        command = pytest_command(args(f"{name}={hint}"), Path("/tmp/work"), video=False)
        assert f"--repro-{name[2:]}={hint}" in command and hint not in command, command


def test_headed_without_a_display_says_how_to_run_instead() -> None:
    with pytest.raises(ValueError, match=r"--headed needs a display, and \$DISPLAY is not set.*xvfb-run"):
        check(args("--headed"), {}, platform="linux")
    with pytest.raises(ValueError, match=r"--headed needs a display, and \$DISPLAY=':4099' names no display server that answers"):
        check(args("--headed"), {"DISPLAY": ":4099"}, platform="linux")
    check(args("--headed"), {}, platform="darwin")


@pytest.mark.parametrize(("overrides", "says"), [
    (["--policy", "B2C_1_other"], "does not exist on the local stack; use one of: B2C_1_signupsignin, B2C_1A_signup_signin"),
    (["--ui-locales", "de_CH"], "E2E_UI_LOCALES='de_CH' has 'de_CH', which is not a language tag"),
    (["--language", "Deutsch!"], "E2E_UI_LOCALES"),
    (["--browser-locale", "de CH"], "E2E_BROWSER_LOCALE"),
    (["--tenant", "fabrikam"], "--tenant names a tenant, but the target is local (the repro starts its own emulators): add --target tenant"),
    (["--tenant", "fabrikam", "--domain", "login.fabrikam.com"], "--tenant and --domain name a tenant"),
])
def test_a_bad_setting_is_named(overrides: list[str], says: str) -> None:
    with pytest.raises(ValueError) as error:
        suite_env(args(*overrides), NO_DOTENV)
    assert says in str(error.value)


TENANT = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
          "B2C_POLICIES": "B2C_1A_susi", "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}


@pytest.mark.parametrize(("argv", "says"), [
    (["--tenant", "contoso.onmicrosoft.com"], "--tenant 'contoso.onmicrosoft.com' must be the tenant name only (e.g. contoso: "
                                              "ASCII letters, digits and '-', at most 63, not at either end), not a URL or domain: --tenant contoso"),
    (["--tenant", "con toso"], "--tenant 'con toso' must be the tenant name only"),
    (["--tenant", "7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"], "--tenant '7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b' is the tenant's ID; give "
                                                           "its name, as in {name}.onmicrosoft.com (Azure AD B2C > Overview > Domain name), e.g. --tenant contoso"),
    (["--tenant", ""], "--tenant is empty: leave it out, or give the tenant's name, e.g. --tenant contoso"),
    (["--domain", "https://login.contoso.com/"], "--domain 'https://login.contoso.com/' must be a host name only, without scheme, port "
                                                 "or path: --domain login.contoso.com"),
    (["--tenant", "contoso", "--domain", "contoso.onmicrosoft.com"], "--domain 'contoso.onmicrosoft.com' is the tenant's directory "
                                                                     "name, not where B2C serves its pages: leave --domain out for contoso.b2clogin.com"),
    (["--tenant", "Contoso.OnMicrosoft.com"], "--tenant 'contoso.onmicrosoft.com' must be the tenant name only (e.g. contoso: "
                                              "ASCII letters, digits and '-', at most 63, not at either end), not a URL or domain: --tenant contoso"),
    (["--tenant", "contoso", "--domain", "Contoso.OnMicrosoft.com"], "--domain 'contoso.onmicrosoft.com' is the tenant's directory "
                                                                     "name, not where B2C serves its pages: leave --domain out for contoso.b2clogin.com"),
    # No --tenant: the tenant may be B2C_TENANT's, which the options' check does not read.
    (["--domain", "contoso.onmicrosoft.com"], "--domain 'contoso.onmicrosoft.com' is the tenant's directory name, not where B2C "
                                              "serves its pages: leave --domain out for {tenant}.b2clogin.com"),
    (["--domain", "login contoso.com"], "--domain 'login contoso.com' is not a host name"),
    (["--domain", "login.contoso.com."], "--domain 'login.contoso.com.' ends with a dot: give the host name only, without the dot: "
                                         "--domain login.contoso.com"),
    (["--domain", " "], "--domain is empty: leave it out, or give the host B2C serves the tenant's pages at, e.g. --domain login.contoso.com"),
    (["--policy", "B2C_1A_sign in"], "--policy 'B2C_1A_sign in': a policy name is B2C_1_ (user flow) or B2C_1A_ (custom policy) and "
                                     "then letters, digits, '_' or '-', e.g. --policy B2C_1A_signup_signin (the repro runs one policy)"),
    (["--policy", "B2C_1A_susi,B2C_1A_other"], "--policy 'B2C_1A_susi,B2C_1A_other': a policy name is B2C_1_"),
])
def test_a_bad_tenant_domain_or_policy_is_named_as_the_flag_typed_not_as_the_setting_it_sets(argv: list[str], says: str) -> None:
    """The settings' rules, said as the command line wrote the value: B2C_TENANT='con toso' named a setting the user
    never typed, and a space in a domain or a policy passed them (a preflight that said only "does not answer")."""
    with pytest.raises(ValueError) as error:
        check(args("--target", "tenant", *argv), {})
    said = str(error.value)
    assert said.startswith(says), said
    assert not re.search(r"B2C_(TENANT|DOMAIN|POLICIES)", said), said


@pytest.mark.parametrize(("setting", "says"), [
    ({"B2C_TENANT": "contoso.onmicrosoft.com"}, "B2C_TENANT='contoso.onmicrosoft.com' must be the tenant name only"),
    ({"B2C_DOMAIN": "contoso.onmicrosoft.com"}, "unset B2C_DOMAIN for fabrikam.b2clogin.com"),
])
def test_a_bad_tenant_or_domain_of_the_settings_is_still_named_as_the_setting(setting: dict[str, str], says: str) -> None:
    check(args(), {})
    with pytest.raises(ValueError, match=re.escape(says)):
        suite_env(args(), {**TENANT, **setting})


def test_settings_a_tenant_run_lacks_are_said_in_the_words_of_the_options_typed() -> None:
    """--target tenant typed: "with E2E_TARGET=tenant" named a setting the user never set, and --tenant and --policy, which
    give a tenant run what it lacks, went unmentioned."""
    with pytest.raises(ValueError) as error:
        suite_env(args("--target", "tenant"), {})
    said = str(error.value)
    assert "B2C_TENANT is not set; with --target tenant give your tenant's name, e.g. B2C_TENANT=contoso (or --tenant contoso)" in said, said
    assert "B2C_POLICIES is not set; list your policies, e.g. B2C_POLICIES=B2C_1_signupsignin,B2C_1A_signup_signin (or --policy, " \
           "the one the repro runs)" in said, said
    assert "E2E_TARGET" not in said, said
    with pytest.raises(ValueError, match=re.escape("with E2E_TARGET=tenant give your tenant's name")):  # set, not typed
        suite_env(args(), {"E2E_TARGET": "tenant"})


def test_an_env_file_line_dotenv_cannot_parse_stops_the_repro_naming_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text('E2E_TARGET="tenant\n')  # unclosed quote: python-dotenv alone would skip it and run locally
    monkeypatch.setattr("fixtures.settings_plugin.ENV_FILE", env_file)
    with pytest.raises(ValueError, match=rf"{env_file}, line 1 \(E2E_TARGET\)"):
        suite_env(args(), {})


def test_a_real_phone_can_only_approve() -> None:
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "B2C_POLICIES": "B2C_1A_susi",
              "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}
    with pytest.raises(ValueError, match="only --outcome approve can be rerun"):
        suite_env(args("--outcome", "busy"), tenant)
    env, settings = suite_env(args(), tenant)
    assert (env["B2C_POLICIES"], settings.target, settings.tenant) == ("B2C_1A_susi", "tenant", "fabrikam")


def test_the_policy_given_is_the_tenants_policy_list_when_the_settings_have_none() -> None:
    """--policy names the one policy a tenant repro runs: B2C_POLICIES is not needed for it (it was refused as unset)."""
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
              "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}
    env, settings = suite_env(args("--policy", "B2C_1A_susi"), tenant)
    assert (env["B2C_POLICIES"], settings.policies) == ("B2C_1A_susi", ("B2C_1A_susi",))
    with pytest.raises(ValueError, match="B2C_POLICIES is not set"):
        suite_env(args(), tenant)


def test_without_policy_the_repro_runs_the_first_of_the_settings_policies() -> None:
    for listed in (("B2C_1A_signup_signin", "B2C_1_signupsignin"), ("B2C_1_signupsignin", "B2C_1A_signup_signin")):
        env, settings = suite_env(args(), {**NO_DOTENV, "B2C_POLICIES": ",".join(listed)})
        assert (env["B2C_POLICIES"], settings.policies) == (listed[0], (listed[0],))


def test_a_language_option_beside_language_wins_and_the_run_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """--language de --ui-locales fr sent B2C fr and gave the browser de without a word, though --language "sets both"."""
    from repro.cli import languages_replaced

    _, settings = suite_env(args("--language", "de", "--ui-locales", "fr"), NO_DOTENV)
    assert (settings.ui_locales, settings.browser_locale) == ("fr", "de")
    # A policy the stack does not serve stops the run before it starts anything: the line is said before that
    assert main(["--language", "de", "--ui-locales", "fr", "--policy", "B2C_1_not_on_the_stack"], NO_DOTENV) == 2
    assert "repro: --ui-locales fr replaces --language de for ui_locales sent to B2C" in capsys.readouterr().out
    assert languages_replaced(args("--language", "de", "--browser-locale", "de-CH")) == [
        "repro: --browser-locale de-CH replaces --language de for the browser's language"]
    assert languages_replaced(args("--language", "de", "--ui-locales", "de")) == []  # the same: nothing replaced
    assert languages_replaced(args("--ui-locales", "fr", "--browser-locale", "de")) == []


def test_a_client_id_given_for_a_tenant_says_why_b2c_client_id_is_still_needed() -> None:
    """--client-id is what the reported request sends (maybe an unregistered app); without B2C_CLIENT_ID the settings
    refused the run as if the command line had given none."""
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1A_susi",
              "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}
    reported = "0badc0de-0000-4000-8000-000000000001"
    with pytest.raises(ValueError) as error:
        suite_env(args("--client-id", reported), tenant)
    said = str(error.value)
    assert said.startswith(f"--client-id {reported} is the client_id the reported authorize request sends"), said
    assert "B2C_CLIENT_ID is still needed: the test app registered in the tenant, which the tenant's preflight checks" in said
    assert "\nsettings:" not in said  # nothing else to fix
    # The settings still to fix besides it are said at once, not one run later
    with pytest.raises(ValueError) as error:
        suite_env(args("--client-id", reported), {key: value for key, value in tenant.items() if key != "MOBILEID_CONTROL_URL"})
    first, *rest = str(error.value).splitlines()
    assert first.startswith(f"--client-id {reported} is the client_id") and rest and rest[0].startswith("settings: MOBILEID_CONTROL_URL is not set")
    env, settings = suite_env(args("--client-id", reported), {**tenant, "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de"})
    assert settings.client_id == "5ca1ab1e-0000-4000-8000-00000000c0de"  # the test app's; the reported one goes in the request
    # Locally the stack's test app is the run's own: --client-id alone is enough (an unregistered app's AADB2C90018 reproduced)
    _, local = suite_env(args("--client-id", reported), NO_DOTENV)
    assert local.client_id and local.client_id != reported


def test_language_reaches_ui_locales_and_the_browser_and_policy_case_is_forgiven() -> None:
    env, settings = suite_env(args("--language", "fr", "--policy", "b2c_1a_signup_signin"), NO_DOTENV)
    assert (settings.ui_locales, settings.browser_locale) == ("fr", "fr")
    assert env["B2C_POLICIES"] == "B2C_1A_signup_signin" and settings.policies == ("B2C_1A_signup_signin",)
    _, settings = suite_env(args("--language", "fr", "--browser-locale", "de-CH"), NO_DOTENV)
    assert (settings.ui_locales, settings.browser_locale) == ("fr", "de-CH")
    # The command's languages alone: a reported sign-in without ui_locales is not rerun in your settings' language
    _, settings = suite_env(args(), {**NO_DOTENV, "E2E_UI_LOCALES": "fr", "E2E_BROWSER_LOCALE": "fr-CH"})
    assert (settings.ui_locales, settings.browser_locale) == (None, "en-US")


def test_a_rerun_on_the_local_stacks_own_settings_asks_the_stack_for_no_description_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A report's rerun (--from-har/--from-url with --run) read the local stack's description for the report, then started
    ``python -m mocks serve --describe`` again for its settings: ~0.3 s more before its journey. A stack its settings shape
    (a fault) is asked, as it describes itself otherwise."""
    asked: list[list[str]] = []

    def describe_stack(command: list[str]) -> StackDescription:
        asked.append(command)
        return LOCAL_STACK

    monkeypatch.setattr("fixtures.stack_description.describe_stack", describe_stack)
    _, settings = suite_env(args("--journey", "sign-in"), NO_DOTENV)
    assert settings.stack == LOCAL_STACK and asked == []  # repro.cli.local_stack's: tests/local_stack.py here (conftest.py)
    suite_env(args(), {**NO_DOTENV, "E2E_STACK_FAULTS": "wrong-audience"})
    assert len(asked) == 1 and asked[0][-2:] == ["--fault", "wrong-audience"], asked


def test_new_settings_default_and_validate() -> None:
    s = build_settings({}, LOCAL_STACK)
    assert (s.ui_locales, s.browser_locale) == (None, "en-US")
    assert build_settings({"E2E_UI_LOCALES": " fr  en "}).ui_locales == "fr en"
    with pytest.raises(SettingsError, match="E2E_BROWSER_LOCALE"):
        build_settings({"E2E_BROWSER_LOCALE": "fr en"})


def test_the_pytest_run_gets_every_parameter(tmp_path: Path) -> None:
    a = args("--journey", "sign-up", "--outcome", "decline", "--prompt", "login", "--domain-hint", "mobileid.ch", "--login-hint", "+41791234567",
             "--redirect-uri", "https://app.example/cb", "--client-id", "c1", "--device", "Pixel 7", "--headed", "--slowmo", "250",
             "--browser", "firefox")
    command = pytest_command(a, tmp_path, video=False)
    joined = " ".join(command)
    for part in ("e2e/test_repro.py", "--repro sign-up", "--repro-outcome decline", "--repro-prompt=login", "--repro-domain-hint=mobileid.ch",
                 "--repro-login-hint=+41791234567", "--repro-redirect-uri=https://app.example/cb", "--repro-client-id=c1",
                 "--device Pixel 7", "--headed", "--slowmo 250", "--browser firefox", "-n 0",
                 "--timeout 325",  # README: 300 s, plus 100 x --slowmo
                 "--tb=short"):  # the terminal shows a failure in a few lines; pytest-output.txt in the bundle keeps them
        assert part in joined
    assert "--video" not in command and "--video" in pytest_command(a, tmp_path, video=True)


def test_the_repro_journey_runs_only_with_repro_and_then_alone(tmp_path: Path) -> None:
    """docs/suite.md: the ``repro`` marker keeps e2e/test_repro.py out of every run without --repro; with --repro every
    other journey is deselected."""
    def collected(*extra: str) -> set[str]:
        done = pytest_e2e("--collect-only", "-n", "0", *extra)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return {line.split("::")[0] for line in done.stdout.splitlines() if line.startswith("e2e/") and "::" in line}

    everyday = collected()
    assert everyday and "e2e/test_repro.py" not in everyday, everyday
    assert collected("--repro", "sign-in", "--repro-dir", str(tmp_path / "evidence")) == {"e2e/test_repro.py"}


def test_the_replay_command_starts_the_stack_with_the_runs_page_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The team's page templates replayed with the policy folder that loads them (the stack refuses them beside policies
    that load none)."""
    from tests.suite.test_page_content import branded_policies

    a = args()
    monkeypatch.setenv("FACEBOOK_SECRET", "not-a-real-one")  # a copy of policies/ references it; the stack generates it only for policies/
    _, settings = suite_env(a, {**NO_DOTENV, "E2E_STACK_POLICIES": str(branded_policies(tmp_path / "team-policies")),
                                "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET",
                                "E2E_STACK_PAGE_CONTENT": str(ROOT / "tests/page_content")})
    command = replay_command(a, settings)
    assert "E2E_STACK_POLICIES=<path to team-policies>" in command and "E2E_STACK_PAGE_CONTENT=tests/page_content" in command, command


def test_the_replay_command_spells_out_every_choice() -> None:
    a = args("--outcome", "busy", "--language", "it", "--domain-hint", "mobileid.ch")
    _, settings = suite_env(a, NO_DOTENV)
    # The interpreter as typed from here (.venv/bin/python from the repository): a bare python may lack the packages.
    assert replay_command(a, settings)[8:] == [python(), "-m", "repro", "--journey", "sign-in", "--policy", "B2C_1_signupsignin", "--target", "local",
                                           "--browser", "chromium", "--ui-locales", "it", "--browser-locale", "it", "--outcome", "busy",
                                           "--domain-hint", "mobileid.ch"]


def test_the_replay_commands_value_that_begins_with_a_dash_is_joined_to_its_option() -> None:
    """A login hint of -x (given as --login-hint=-x) is replayed as it was given: as two words, argparse would read it
    as an option of its own and refuse the printed command."""
    a = args("--login-hint=-x")
    _, settings = suite_env(a, NO_DOTENV)
    command = replay_command(a, settings)
    assert "--login-hint=-x" in command and "-x" not in command, command
    assert args(*command[command.index("--journey"):]).login_hint == "-x"


def test_the_replay_command_starts_the_local_stack_as_the_run_did(monkeypatch: pytest.MonkeyPatch) -> None:
    """A repro of an injected fault (or of a policy folder, without language customization, with late pages) replays it: a replay
    against a healthy stack would report nothing reproduced."""
    a = args()
    monkeypatch.setenv("FACEBOOK_SECRET", "not-a-real-one")  # the starter pack's key, read by the stack from the environment
    for variable in ("MOBILEID_CLIENT_SECRET", "CONTOSO_OIDC_CLIENT_SECRET"):  # the example user flows' secrets
        monkeypatch.setenv(variable, "not-a-real-one")
    _, settings = suite_env(a, {**NO_DOTENV, "E2E_STACK_FAULTS": "wrong-audience", "B2C_LANGUAGE_CUSTOMIZATION": "off",
                                "E2E_STACK_POLICIES": str(ROOT / "tests/b2c/starterpack/SocialAndLocalAccounts"),
                                "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET", "E2E_STACK_PAGE_BUILD_DELAY": "1.5",
                                "E2E_STACK_USER_FLOWS": str(ROOT / "policies/user-flows.example.toml")})
    command = replay_command(a, settings)
    assert command[:9] == ["env", "E2E_STACK_FAULTS=wrong-audience", "E2E_STACK_POLICIES=tests/b2c/starterpack/SocialAndLocalAccounts",
                           "E2E_STACK_POLICY_KEYS=B2C_1A_FacebookSecret=env:FACEBOOK_SECRET", "B2C_LANGUAGE_CUSTOMIZATION=off",
                           "E2E_STACK_PAGE_BUILD_DELAY=1.5", "E2E_STACK_PAGE_CONTENT=",
                           "E2E_STACK_USER_FLOWS=policies/user-flows.example.toml", python()], command
    assert "not-a-real-one" not in " ".join(command)  # a key's name and place, never its value
    # A healthy stack is said too: empty values, which win over the replayer's .env (its faults would replay otherwise).
    _, plain = suite_env(a, NO_DOTENV)
    assert replay_command(a, plain)[:8] == ["env", "E2E_STACK_FAULTS=", "E2E_STACK_POLICIES=", "E2E_STACK_POLICY_KEYS=",
                                            "B2C_LANGUAGE_CUSTOMIZATION=on", "E2E_STACK_PAGE_BUILD_DELAY=0", "E2E_STACK_PAGE_CONTENT=",
                                            "E2E_STACK_USER_FLOWS="]


def test_the_replay_command_names_no_folder_outside_the_suite() -> None:
    """The bundle goes to a bug tracker: a policy folder or key file outside the suite is a placeholder naming the file
    (no home folder, no user name), one inside it is relative to the suite; a key read from the environment stays a name."""
    assert shown_path("/home/alice/work/fabrikam-policies") == "<path to fabrikam-policies>"
    assert shown_path(str(ROOT / "policies")) == "policies"
    assert shown_key("B2C_1A_FacebookSecret=file:/home/alice/secrets/fb.txt") == "B2C_1A_FacebookSecret=file:<path to fb.txt>"
    assert shown_key("B2C_1A_FacebookSecret=env:FACEBOOK_SECRET") == "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET"


def test_a_tenant_replay_names_its_tenant_and_domain_and_the_policy_as_the_tenant_lists_it() -> None:
    """A custom domain's tenant is replayed at that domain, not at {tenant}.b2clogin.com; a policy written in another case
    (as a HAR or discovery shows it) is the one of B2C_POLICIES."""
    tenant = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_DOMAIN": "login.fabrikam.com", "B2C_POLICIES": "B2C_1_other,B2C_1A_susi",
              "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}
    a = args("--policy", "b2c_1a_SUSI")
    env, settings = suite_env(a, tenant)
    assert env["B2C_POLICIES"] == "B2C_1A_susi" and settings.policies == ("B2C_1A_susi",)
    command = replay_command(a, settings)
    assert command[command.index("--policy"):command.index("--browser")] == [
        "--policy", "B2C_1A_susi", "--target", "tenant", "--tenant", "fabrikam", "--domain", "login.fabrikam.com"], command


@pytest.mark.parametrize(("target", "hint", "replayed"), [
    ("local", "+41791234567", "+41791234567"),  # the stack's numbers are not people's: kept as given
    ("tenant", "+41791234567", NUMBER_LEFT_OUT),  # the bundle masks people's numbers: a masked hint would replay another one
    ("tenant", "+4915112345678", NUMBER_LEFT_OUT),  # a person's number of any country, which the masking does not know
    ("tenant", "alice@fabrikam.com", "alice@fabrikam.com"),
])
def test_a_tenant_replay_leaves_out_a_phone_number_given_as_login_hint(target: str, hint: str, replayed: str) -> None:
    env = NO_DOTENV if target == "local" else {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
                                               "B2C_POLICIES": "B2C_1A_susi", "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567"}
    a = args("--login-hint", hint)
    _, settings = suite_env(a, env)
    command = replay_command(a, settings)
    assert command[command.index("--login-hint") + 1] == replayed


@pytest.mark.parametrize("out", ["/proc/nope", "/proc", "{tmp}/a-file", "{tmp}/a-file/below", "{tmp}/loop", "{tmp}/" + "a" * 300],
                         ids=["/proc/nope", "/proc", "a file", "under a file", "links in a loop", "a name too long"])  # /proc: a folder nobody may write, root neither
def test_an_out_that_cannot_be_a_folder_is_a_usage_error(out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-file").write_text("a bundle cannot go in here")
    (tmp_path / "loop").symlink_to("loop")  # the last two raised a traceback (RuntimeError, OSError): status 1, "reproduced"
    out = out.format(tmp=tmp_path)
    assert main(["--out", out], env=NO_DOTENV) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"python -m repro: error: --out {out}: not a writable folder (") and said.endswith(")\n"), said  # the system's why


def test_an_out_on_a_full_disk_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty file could still be made there, so it passed, and the run failed part-way with a traceback (status 1)."""
    full = os.statvfs_result((4096, 4096, 1000, 0, 3, 1000, 0, 0, 0, 255, 0))  # 3 blocks for anyone, 12 KiB
    monkeypatch.setattr(os, "statvfs", lambda path: full)
    assert main(["--out", str(tmp_path / "bundles")], env=NO_DOTENV) == 2
    assert ("--out " + str(tmp_path / "bundles") + ": not a writable folder (its disk has 12 KiB free, and a bundle takes a few MiB: free "
            "some space or give a folder on another disk)") in capsys.readouterr().err


@pytest.mark.parametrize("out", ["{tmp}/a-file", "{tmp}/a-file/below"])
def test_an_out_that_is_or_is_under_a_file_names_the_file(out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """mkdir's own words for a file in the way are "File exists" or "Not a directory", which read as a folder's trouble."""
    (tmp_path / "a-file").write_text("a bundle cannot go in here")
    out = out.format(tmp=tmp_path)
    assert main(["--out", out], env=NO_DOTENV) == 2
    said = capsys.readouterr().err
    assert f"--out {out}: not a writable folder ({(tmp_path / 'a-file').resolve()} is a file, not a folder)" in said, said


def test_the_bundles_folder_is_repro_results_or_the_out_given_in_the_folder_the_command_runs_in(tmp_path: Path,
                                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from repro.cli import bundle_folder

    monkeypatch.chdir(tmp_path)
    assert args().out == "repro-results"
    assert bundle_folder(args().out) == (tmp_path / "repro-results", tmp_path / "repro-results")  # made by the run
    assert bundle_folder("bugs/123") == (tmp_path / "bugs" / "123", tmp_path / "bugs")


def test_main_prints_the_error_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--outcome", "lost"], env=NO_DOTENV) == 2
    assert "python -m repro: error: --outcome 'lost' is not an outcome" in capsys.readouterr().err


def test_robot_outcomes_are_the_emulators_numbers_and_codes() -> None:
    for outcome in OUTCOMES.values():
        if outcome.robot is None:
            continue
        number = LOCAL_STACK.robots[outcome.robot]
        error: MidError = fault_error(OUTCOME_FAULTS[outcome.robot])  # type: ignore[index]
        assert number.endswith(str(OUTCOME_FAULTS[outcome.robot])), outcome  # type: ignore[index]
        assert error.code in outcome.codes, f"{outcome.name}: the emulator answers {error.code}, the repro expects {outcome.codes}"
        assert outcome_for_number(number, LOCAL_STACK.robots) == outcome.name
        assert outcome_for_mid_code(error.code, error.message) == outcome.name
    assert outcome_for_mid_code("mid_auth_3300", "The user did not respond in time") == "timeout"
    assert outcome_for_number("+41791234567", LOCAL_STACK.robots) is None and outcome_for_mid_code("mid_auth_9999") is None


def test_docs_outcome_table_is_the_repros_phones_and_codes() -> None:
    """docs/suite.md, Reproducing a reported sign-in: each outcome's test number on the emulator and the Mobile ID code B2C
    must pass on (the numbers after the first by their last digits, the codes after the first by their number)."""
    section = (ROOT / "docs" / "suite.md").read_text().split("\n## Reproducing a reported sign-in\n", 1)[1].split("\n## ", 1)[0]
    table = section[section.index("| Outcome |"):].split("\n\n", 1)[0].splitlines()[2:]
    rows = {cells[0]: cells[1:] for cells in ([cell.strip() for cell in line.strip("|").split("|")] for line in table)}
    documented: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for names, (phone, codes) in rows.items():
        numbers, mid_codes = re.findall(r"`\+?(\d+)`", phone), re.findall(r"`(?:mid_auth_)?(\d+)`", codes)
        for i, name in enumerate(names.split(", ")):
            number = f"+{numbers[0][:len(numbers[0]) - len(numbers[i])]}{numbers[i]}" if numbers else None
            documented[name] = (number, (f"mid_auth_{mid_codes[i]}",) if mid_codes else ())
    assert set(documented) == set(OUTCOMES), sorted(documented)
    for name, outcome in OUTCOMES.items():
        number = LOCAL_STACK.robots[outcome.robot] if outcome.robot else None
        assert documented[name] == (number, outcome.codes), name


def test_a_silent_phone_is_waited_for_as_long_as_the_readme_says() -> None:
    """README (--outcome timeout): Mobile ID's transaction expires after 80 s; the run waits up to 100 s, B2C's way back included."""
    import re

    from repro.outcomes import silent_phone_wait_line

    said = re.search(r"`timeout` \(nobody answers; Mobile ID's transaction expires after (\d+) s: the run says before it waits that it "
                     r"may wait up to (\d+) s", (ROOT / "README.md").read_text())
    assert said is not None, "README's --outcome row no longer says how long a silent phone is waited for"
    lifetime, wait = said.groups()
    assert silent_phone_wait_line() == f"repro: waiting up to {wait} s for Mobile ID to give up, as the reporter's phone did"
    from fixtures.settings import MOBILE_ID_TRANSACTION_LIFETIME

    assert MOBILE_ID_TRANSACTION_LIFETIME == int(lifetime), "README's transaction lifetime is not the suite's"


def test_ui_locales_setting_reaches_every_authorize_request_unless_a_journey_picks_one() -> None:
    import json as _json
    from urllib.parse import parse_qs, urlsplit

    import httpx

    from fixtures.b2c import B2CTenant

    discovery = {"authorization_endpoint": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signupsignin/oauth2/v2.0/authorize"}
    http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, text=_json.dumps(discovery))))
    query = lambda b2c, **kw: parse_qs(urlsplit(b2c.authorize("B2C_1_signupsignin", **kw).url).query)  # noqa: E731
    assert "ui_locales" not in query(B2CTenant(build_settings({}, LOCAL_STACK), http))
    with_setting = B2CTenant(build_settings({"E2E_UI_LOCALES": "it"}, LOCAL_STACK), http)
    assert query(with_setting)["ui_locales"] == ["it"] and query(with_setting, ui_locales="fr")["ui_locales"] == ["fr"]


@pytest.mark.parametrize(("name", "headless", "says"), [
    ("firefox", True, f"--browser firefox: firefox is not installed ({python()} -m playwright install firefox), so the journey did not run "
                      "and no bundle was written; --browser chromium runs it in Chromium, or a browser server (E2E_BROWSER_WS_ENDPOINT) brings it"),
    ("chromium", False, "--browser chromium: no Chromium: neither Playwright's build nor a system chromium is installed (make setup), "
                        "so the journey did not run"),
])
def test_a_browser_this_machine_cannot_launch_is_said_before_anything_starts(
        name: str, headless: bool, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, playwright: Playwright) -> None:
    """The suite's rule (fixtures.browser.missing_browser): no Playwright build (an empty PLAYWRIGHT_BROWSERS_PATH), and for
    Chromium no system one either; only its headless shell here, which a headless run may use but a headed one cannot.
    Asked with this process's Playwright running (``playwright``, as in any worker that ran a browser test first): the
    command's own driver starts in a thread of its own (ask_playwright), which the sync API requires."""
    import fixtures.browser
    from repro.cli import check_browser

    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    monkeypatch.setattr(fixtures.browser, "SYSTEM_CHROMIUM", ())
    monkeypatch.setattr(fixtures.browser, "SYSTEM_HEADLESS_SHELL", (sys.executable,))  # an executable standing in for the shell
    _, settings = suite_env(args("--browser", name), NO_DOTENV)
    with pytest.raises(ValueError) as error:
        check_browser(name, settings, headless=headless)
    assert str(error.value).startswith(says), error.value
    if name == "chromium":
        check_browser(name, settings, headless=True)


# The stop signals of this process: SIGHUP is one only from a terminal (under nohup it is left ignored, as the test of
# the stop signals below shows both ways), so a SIGHUP case of its own failed wherever this run itself ran under nohup.
@pytest.mark.parametrize("sig", STOP_SIGNALS, ids=lambda sig: sig.name)
def test_a_job_runners_stop_signal_stops_the_run_as_ctrl_c_does(sig: signal.Signals) -> None:
    """pytest runs in its own process group, so SIGTERM and SIGHUP reach only the command: it ends the run as on Ctrl-C."""
    from repro.cli import stop_signals_interrupt

    before = signal.getsignal(sig)
    with pytest.raises(KeyboardInterrupt), stop_signals_interrupt():
        os.kill(os.getpid(), sig)
    assert signal.getsignal(sig) == before  # put back as it was


@pytest.mark.parametrize("sig", STOP_SIGNALS, ids=lambda sig: sig.name)
def test_a_stop_signal_while_the_command_starts_is_its_interrupted_line_and_130(
        sig: signal.Signals, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """SIGTERM or SIGHUP while the command checks its settings, device and browser (before the journey's run, whose own
    handlers were the only ones): their defaults ended it with 143 and 129, where the README and --help say 130."""
    from repro import cli
    from scripts.process_group import interrupt

    heard: list[int] = []
    previous = signal.signal(sig, lambda signum, frame: heard.append(signum))  # main not handling it: heard here, not this run's end
    try:
        monkeypatch.setattr(cli, "check", lambda args, env: os.kill(os.getpid(), sig))
        status = cli.main([], NO_DOTENV)
    finally:
        assert signal.signal(sig, previous) is not interrupt  # and main put the handler back
    assert (status, heard, capsys.readouterr().err) == (130, [], "repro: interrupted\n")


def test_the_clean_up_holds_ctrl_c_and_the_stop_signals_and_puts_their_handlers_back() -> None:
    from repro.cli import ctrl_c_ignored

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = [signal.getsignal(sig) for sig in signals]
    with ctrl_c_ignored():
        assert [signal.getsignal(sig) for sig in signals] == [signal.SIG_IGN] * 3
    assert [signal.getsignal(sig) for sig in signals] == before


def journey_ran(result: str, output: str = "") -> Callable[..., tuple[int, list[str]]]:
    """``run_pytest`` faked: the journey's pytest wrote repro.json saying ``result`` in the run's work folder (its log's),
    and ``output`` to its log."""
    def ran(command: list[str], env: object, log: Path, clean: object, held: object = ()) -> tuple[int, list[str]]:
        (log.parent / "evidence").mkdir(parents=True)
        (log.parent / "evidence" / "repro.json").write_text(json.dumps({"result": result}))
        log.write_text(output)
        return 0 if result == "passed" else 1, []

    return ran


def test_a_refused_bundle_is_status_4_and_says_where_the_unredacted_files_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The journey ran (faked: its pytest wrote repro.json) and the bundle's scan refused it: not a usage error."""
    from repro import cli, report
    from repro.bundle import LeakError

    a = args()
    _, settings = suite_env(a, NO_DOTENV)
    work = tmp_path / "repro-x"

    def refused(*_: object, **__: object) -> None:
        raise LeakError("journey.har: a JWT")

    monkeypatch.setattr(cli, "run_pytest", journey_ran("failed", "E   AssertionError: the traceback the terminal did not show\n"))
    monkeypatch.setattr(report, "assemble", refused)
    assert cli.reproduce(a, settings, {}, work, tmp_path / "repro-x.zip", None) == cli.EXIT_NO_BUNDLE == 4
    err = capsys.readouterr().err
    assert "the run ended reproducing a failure but no bundle was written: journey.har: a JWT" in err and f"kept in {work}" in err
    assert "do not attach them" in err and (work / "evidence" / "repro.json").is_file()
    # The terminal said the tracebacks go to pytest-output.txt: the kept folder's, named as one of its files
    assert "pytest-output.txt: tokens" in err and "the traceback" in (work / "pytest-output.txt").read_text()


def test_a_bundle_that_cannot_be_zipped_is_status_4_after_saying_what_the_run_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The journey ran (faked: its pytest wrote repro.json) and its zip could not be written (its folder gone): the run's
    summary is said as beside a bundle, where status 4 said only that no bundle was written."""
    from repro import cli

    a = args()
    _, settings = suite_env(a, NO_DOTENV)
    work = tmp_path / "repro-x"

    monkeypatch.setattr(cli, "run_pytest", journey_ran("failed"))
    assert cli.reproduce(a, settings, {}, work, tmp_path / "gone" / "repro-x.zip", None) == cli.EXIT_NO_BUNDLE
    said = capsys.readouterr()
    assert "B2C did not send the app an answer.\nThis is NOT as the suite expects\nAADB2C codes: none" in said.out, said.out
    assert "bundle:" not in said.out and "The trace" not in said.out  # no word of a bundle there is not
    assert "but no bundle was written: [Errno 2] No such file or directory" in said.err and f"kept in {work}" in said.err, said.err


def run_into(out: Path) -> int | None:
    """``repro.cli.run`` of the default journey into ``out``: its status, or None where a Ctrl-C escaped it (it would end
    this test run too)."""
    from repro import cli

    try:
        return cli.run(args("--out", str(out)), dict(NO_DOTENV))
    except KeyboardInterrupt:
        return None


@pytest.mark.parametrize("sig", [signal.SIGINT, *STOP_SIGNALS], ids=lambda sig: sig.name)
def test_a_stop_once_the_run_is_done_changes_nothing_and_one_before_it_stops_the_run(sig: signal.Signals) -> None:
    from repro.cli import stop_signals_interrupt

    done: list[bool] = []
    before = signal.getsignal(sig)
    if before is signal.SIG_IGN:  # this test run's own Ctrl-C ignored (started with `&` in a script): the next test's case
        pytest.skip(f"{sig.name} is ignored by this process, so stays ignored")
    with stop_signals_interrupt(done=lambda: bool(done)):
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), sig)
        done.append(True)  # as zip_folder's rename puts the bundle in place
        os.kill(os.getpid(), sig)  # nothing: not raised, nor the process ended
    assert signal.getsignal(sig) == before


def test_ctrl_c_this_process_ignores_stays_ignored_through_the_run() -> None:
    """A repro started with `&` in a script has Ctrl-C ignored: the terminal's Ctrl-C is not for it (it stopped the run)."""
    from repro.cli import stop_signals_interrupt

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with stop_signals_interrupt(done=lambda: False):
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)  # nothing
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("when", ["as the journey runs", "as its zip is checked, before its rename", "once its bundle is written",
                                  "as its temp folder goes", "as a refused bundle's temp folder goes"])
def test_ctrl_c_stops_a_run_until_it_has_ended_and_not_after(when: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A Ctrl-C as a run ended (its bundle written, its summary and bundle's line said, its folders going) said it was
    interrupted and no bundle was written, beside the bundle, and exited 130 (seen once in ~25 timed stops): a stop from
    the bundle's rename on, or once a run without one has ended (status 4, its work folder kept for the reader), changes
    nothing; one before stops the run as always, the half-written zip removed."""
    import shutil

    import repro.bundle
    from repro import cli

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr(cli, "check_browser", lambda *_, **__: None)
    ctrl_c = lambda: os.kill(os.getpid(), signal.SIGINT)  # noqa: E731
    ran = journey_ran("failed")

    def running(*run_args, **kwargs):
        if when == "as the journey runs":
            ctrl_c()
        return ran(*run_args, **kwargs)

    scanning = repro.bundle.scan

    def scanned(*scan_args, **kwargs):  # zip_folder's look at the .partial zip, before its rename
        if when == "as its zip is checked, before its rename":
            ctrl_c()
        return ["journey.har: a JWT"] if when == "as a refused bundle's temp folder goes" else scanning(*scan_args, **kwargs)

    saying = cli.say

    def said(text: str, end: str = "\n") -> None:
        if when == "once its bundle is written" and text.startswith("bundle: "):
            ctrl_c()
        saying(text, end)

    removing = shutil.rmtree

    def removed(path, *rm_args, **kwargs):  # the run's finally, removing its temp folder
        if when.endswith("temp folder goes") and Path(path).name.startswith(cli.TEMP_PREFIX):
            ctrl_c()
        return removing(path, *rm_args, **kwargs)

    monkeypatch.setattr(cli, "run_pytest", running)
    monkeypatch.setattr(repro.bundle, "scan", scanned)
    monkeypatch.setattr(cli, "say", said)
    monkeypatch.setattr(shutil, "rmtree", removed)
    out = tmp_path / "out"
    status = run_into(out)
    err = capsys.readouterr().err
    left = sorted(path.suffix or "work folder" for path in out.iterdir()) if out.exists() else []
    if when in ("as the journey runs", "as its zip is checked, before its rename"):
        assert (status, left, "no bundle was written" in err) == (cli.EXIT_INTERRUPTED, [], True), (left, err)
    elif when == "as a refused bundle's temp folder goes":
        assert (status, left) == (cli.EXIT_NO_BUNDLE, ["work folder"]), (left, err)  # kept for the reader, as it said
        assert "interrupted" not in err, err
    else:
        assert (status, left, "interrupted" in err) == (cli.EXIT_REPRODUCED, [".zip"], False), (left, err)
    assert list((tmp_path / "tmp").iterdir()) == []  # the run's temp folder gone either way


@pytest.mark.parametrize(("result", "status"), [("passed", 0), ("failed", 1), ("set-up failed", 3), ("stopped by infrastructure", 5)])
def test_a_journey_that_ran_exits_as_help_says_with_its_bundle_and_without_its_unredacted_work_folder(
        result: str, status: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run ended (faked: its pytest wrote repro.json): the exit status --help lists for how it ended, the bundle
    written, and the work folder (the unredacted trace, HAR and output) removed."""
    from repro import cli

    a = args()
    _, settings = suite_env(a, NO_DOTENV)
    work = tmp_path / "repro-x"

    monkeypatch.setattr(cli, "run_pytest", journey_ran(result))
    assert cli.reproduce(a, settings, {}, work, tmp_path / "repro-x.zip", None) == status
    assert (tmp_path / "repro-x.zip").is_file() and not work.exists()


def test_a_run_stopped_before_the_journey_is_said_in_its_errors_words_not_its_progress_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from repro import cli

    said = ["E                                                                        [100%]\n",
            "E   playwright._impl._errors.Error: BrowserType.launch: ENOENT: no such file or directory, mkdtemp '/x/playwright-artifacts-1'\n"]
    monkeypatch.setattr(cli, "run_pytest", lambda command, env, log, clean, held=(): (1, said))
    given = args()
    run_env, settings = suite_env(given, NO_DOTENV)
    (tmp_path / "repro-1").mkdir()
    assert cli.reproduce(given, settings, run_env, tmp_path / "repro-1", tmp_path / "repro-1.zip", None) == cli.EXIT_NOT_RUN
    assert capsys.readouterr().err.endswith("no bundle was written: E   playwright._impl._errors.Error: BrowserType.launch: ENOENT: no "
                                            "such file or directory, mkdtemp '/x/playwright-artifacts-1'\n")


def test_a_disk_that_fills_as_the_journey_runs_stops_it_with_a_line_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Its output no longer written (No space left on device): status 1 and a traceback were read as "reproduced", and the
    work folder, unredacted, stayed without a word."""
    import errno

    from repro import cli

    a = args()
    _, settings = suite_env(a, NO_DOTENV)
    out = tmp_path / "made-now"
    work = out / "repro-x"
    (work / "evidence").mkdir(parents=True)

    def disk_full(*_: object, **__: object) -> tuple[int, list[str]]:
        (work / "evidence" / "journey.har").write_text("unredacted")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cli, "run_pytest", disk_full)
    assert cli.reproduce(a, settings, {}, work, out / "repro-x.zip", out) == cli.EXIT_NOT_RUN == 2
    assert not out.exists()
    assert (f"repro: the journey's output could not be written in {out} (No space left on device), so the journey was stopped: "
            "nothing was reproduced and no bundle was written") in capsys.readouterr().err


def test_a_journey_that_did_not_run_leaves_neither_its_work_folder_nor_an_out_folder_it_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """pytest skipped the journey (faked: no repro.json): status 2 with pytest's reason, and nothing left behind."""
    from repro import cli

    a = args()
    _, settings = suite_env(a, NO_DOTENV)
    out = tmp_path / "made-now"
    work = out / "repro-x"
    (work / "evidence").mkdir(parents=True)
    cleaned: list[str] = []

    def skipped(command: list[str], env: object, log: Path, clean: Callable[[str], str], held: object = ()) -> tuple[int, list[str]]:
        cleaned.append(clean("navigated to https://jwt.ms/#id_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"))
        return 0, ["SKIPPED [1] e2e/test_repro.py: firefox is not installed"]

    monkeypatch.setattr(cli, "run_pytest", skipped)
    assert cli.reproduce(a, settings, {}, work, out / "repro-x.zip", out) == cli.EXIT_NOT_RUN == 2
    assert cleaned == ["navigated to https://jwt.ms/#id_token=<redacted JWT>"]  # what its pytest prints, shown through the run's redaction
    assert not out.exists()
    assert "the journey did not run, so nothing was reproduced and no bundle was written: SKIPPED [1]" in capsys.readouterr().err
    # A run stopped at its start: pytest's line as the reason, without its "ERROR: " inside the repro's own line.
    stopped = "ERROR: E2E_BROWSER_WS_ENDPOINT (host 127.0.0.1, port 9): nothing answers there (ConnectionRefusedError)"
    monkeypatch.setattr(cli, "run_pytest", lambda *_, **__: (4, [stopped]))
    (work / "evidence").mkdir(parents=True)
    assert cli.reproduce(a, settings, {}, work, out / "repro-x.zip", out) == cli.EXIT_NOT_RUN
    assert f"no bundle was written: {stopped.removeprefix('ERROR: ')}\n" in capsys.readouterr().err


def test_a_journey_that_did_not_run_leaves_no_folder_it_made_for_a_nested_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`--out bundles/2026/bug-123`, none of them there: a run that wrote no bundle removed bug-123 and left bundles/2026
    behind, folders nobody asked for; one there before (with an earlier bundle) stays."""
    from repro import cli

    a = args()
    _, settings = suite_env(a, NO_DOTENV)
    (tmp_path / "bundles").mkdir()
    (tmp_path / "bundles" / "earlier.zip").write_bytes(b"")
    out, made = cli.bundle_folder(str(tmp_path / "bundles" / "2026" / "bug-123"))
    work = out / "repro-x"
    (work / "evidence").mkdir(parents=True)
    monkeypatch.setattr(cli, "run_pytest", lambda *given, **named: (0, ["SKIPPED [1] e2e/test_repro.py: firefox is not installed"]))
    assert cli.reproduce(a, settings, {}, work, out / "repro-x.zip", made) == cli.EXIT_NOT_RUN
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bundles", "earlier.zip"]
    assert "no bundle was written" in capsys.readouterr().err
    # A folder there before stays, empty or not: only those this run made go
    (tmp_path / "bundles" / "earlier.zip").unlink()
    out, made = cli.bundle_folder(str(tmp_path / "bundles" / "2026" / "bug-123"))
    (out / "repro-y" / "evidence").mkdir(parents=True)
    assert cli.reproduce(a, settings, {}, out / "repro-y", out / "repro-y.zip", made) == cli.EXIT_NOT_RUN
    assert [p.name for p in tmp_path.iterdir()] == ["bundles"] and not any((tmp_path / "bundles").iterdir())


def test_a_work_folder_kept_for_its_reader_is_no_killed_runs_for_the_next_repro(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Status 4 keeps the unredacted files for the reader to look at: the next repro into the same --out leaves them (only a
    run killed outright left its folder to be removed); the journey's pytest holds the folder's lock while it runs."""
    from fixtures.alive import ALIVE_FILE, remove_dead
    from repro import cli

    out, held = tmp_path / "bundles", []

    def refused(a, settings, run_env, work: Path, target, made_out, reported, locks) -> int:
        (work / "evidence").mkdir()
        held.append(remove_dead(out, cli.WORK_PREFIX) == [] and (work / ALIVE_FILE).is_file())  # its own: left
        return cli.EXIT_NO_BUNDLE

    monkeypatch.setattr(cli, "reproduce", refused)
    monkeypatch.setattr(cli, "check_browser", lambda *_, **__: None)
    assert cli.run(args("--out", str(out)), dict(NO_DOTENV)) == cli.EXIT_NO_BUNDLE and held == [True]
    [kept] = out.iterdir()
    monkeypatch.setattr(cli, "reproduce", lambda *_: 0)
    assert cli.run(args("--out", str(out)), dict(NO_DOTENV)) == 0
    assert (kept / "evidence").is_dir() and "killed outright" not in capsys.readouterr().out
    assert "--stop-with-parent" in pytest_command(args(), tmp_path, video=False)  # the journey ends with a repro killed outright


@pytest.mark.parametrize("ends", ["with a bundle", "by Ctrl-C"])
def test_the_journeys_temp_folder_is_the_runs_own_and_goes_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ends: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The journey's pytest gets a TMPDIR of the run's own (the stack's state, Playwright's driver's files): a driver
    that exited with no clean-up (its pytest ended by SIGTERM) leaves nothing in the temp folder, nor does a run that
    ends. One a repro killed outright left (its lock free) goes as the next starts."""
    from fixtures.alive import hold_alive
    from repro import cli

    system_temp, given = tmp_path / "tmp", []
    dead = system_temp / f"{cli.TEMP_PREFIX}killed00"
    dead.mkdir(parents=True)
    hold_alive(dead).close()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))

    def leaves_driver_files(a, settings, run_env, work: Path, target, made_out, reported, locks) -> int:
        temporary = Path(run_env["TMPDIR"])
        given.append((temporary.parent, temporary.name.startswith(cli.TEMP_PREFIX),  # the run's own, and the locks its pytest holds
                      [os.readlink(f"/proc/self/fd/{lock.fileno()}") for lock in locks], [str(work / "alive.lock"), str(temporary / "alive.lock")]))
        (temporary / "playwright-tracing-abc123").mkdir()  # as a driver ended with its pytest leaves it
        if ends == "by Ctrl-C":
            raise KeyboardInterrupt
        return 0

    monkeypatch.setattr(cli, "reproduce", leaves_driver_files)
    monkeypatch.setattr(cli, "check_browser", lambda *_, **__: None)
    status = cli.run(args("--out", str(tmp_path / "out")), dict(NO_DOTENV))
    assert status == (cli.EXIT_INTERRUPTED if ends == "by Ctrl-C" else 0) and len(given) == 1, (status, given)
    [(parent, prefixed, locks_held, locks_expected)] = given
    assert (parent, prefixed, locks_held) == (system_temp, True, locks_expected), \
        "the journey's TMPDIR (its folder, named TEMP_PREFIX*) or the locks its pytest holds"
    assert list(system_temp.iterdir()) == []
    said = capsys.readouterr()
    assert "killed00" not in said.out + said.err, said  # README: a killed repro's temp folder goes without a word


def test_a_ctrl_c_while_a_killed_repros_temp_folder_goes_is_the_runs_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The run's temp folder is made after its work folder, once what a repro killed outright left in the temp folder is
    removed (its browser's profile: a moment): a Ctrl-C then stops the run as any other, its work folder removed, where
    it escaped as a traceback and left the work folder in --out."""
    import fixtures.alive
    from repro import cli

    def removing(parent: Path, prefix: str) -> list[Path]:
        if prefix == cli.TEMP_PREFIX:
            raise KeyboardInterrupt
        return []

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr(fixtures.alive, "remove_dead", removing)
    monkeypatch.setattr(cli, "check_browser", lambda *_, **__: None)
    out = tmp_path / "out"
    status = run_into(out)
    err = capsys.readouterr().err
    assert (status, out.exists(), "repro: interrupted" in err) == (cli.EXIT_INTERRUPTED, False, True), err  # status None: it escaped


def test_what_a_repro_killed_outright_left_is_removed_half_zipped_bundle_included(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run killed outright (SIGKILL: no clean-up) left its unredacted work folder and the bundle it was zipping: the
    next repro into the same --out removes both and says so (the end-to-end test does it through a real run)."""
    from fixtures.alive import hold_alive
    from repro import cli

    out = tmp_path / "out"
    dead = out / "repro-20261130-101010-killed00"
    dead.mkdir(parents=True)
    hold_alive(dead).close()  # its run has ended: the lock can be taken
    (dead / "evidence").mkdir()
    (out / f"{dead.name}.zip.partial").write_bytes(b"PK")
    cli.remove_dead_work(out)
    assert list(out.iterdir()) == []
    assert f"repro: removed what 1 repro run(s) killed outright left in {out}: {dead.name}" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["PLAYWRIGHT_BROWSERS_PATH", "XDG_CACHE_HOME"])
def test_video_is_recorded_with_the_systems_ffmpeg_where_playwright_looks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """As the suite's --video (fixtures/video.py): the system's ffmpeg linked where Playwright looks, by Playwright's rule."""
    from fixtures.video import ffmpeg_path
    from repro.cli import video_available

    bin_dir, home = tmp_path / "bin", tmp_path / "cache"
    bin_dir.mkdir()
    monkeypatch.delenv("PLAYWRIGHT_BROWSERS_PATH", raising=False)
    monkeypatch.setenv(where, str(home / "ms-playwright" if where == "PLAYWRIGHT_BROWSERS_PATH" else home))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert not video_available()  # neither Playwright's build nor a system ffmpeg
    assert not ffmpeg_path().exists()
    (bin_dir / "ffmpeg").write_text("#!/bin/sh\n")
    (bin_dir / "ffmpeg").chmod(0o755)
    assert video_available()
    assert ffmpeg_path().is_relative_to(home / "ms-playwright") and ffmpeg_path().resolve() == bin_dir / "ffmpeg"


def test_a_playwright_folder_that_cannot_be_written_means_no_video_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from repro.cli import video_available

    if os.geteuid() == 0:  # root writes to read-only folders: stand in a path under a file, which nobody can create
        (tmp_path / "browsers").write_text("a file, not a folder")
    else:
        (tmp_path / "browsers").mkdir(mode=0o555)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "ffmpeg").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "ffmpeg").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    assert not video_available()


TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(("argv", "says"), [
    ([f"https://jwt.ms/#id_token={TOKEN}"], "unrecognized arguments: https://jwt.ms/#id_token=<redacted JWT>; a reporter's URL goes "
     "after --from-url, quoted whole (unquoted, a shell cuts it at its first &): --from-url 'https://...'"),
    (["--from_url", "https://app.fabrikam.com/cb?code=opaque-s3cr3t-code&state=s"], "unrecognized arguments: --from_url "
     "https://app.fabrikam.com/cb?code=<redacted>&state=s; a reporter's URL goes after --from-url"),
    (["user.HAR"], "unrecognized arguments: user.HAR; a HAR file goes after --from-har: --from-har FILE"),
    (["--slowmo", TOKEN], "argument --slowmo: invalid int value: '<redacted JWT>'"),
    (["--run", "now"], "unrecognized arguments: now\n"),  # nothing of a report's: no hint
], ids=["a URL without --from-url", "an option misspelt", "a HAR without --from-har", "a token as a value", "a word"])
def test_argparses_refusal_repeats_no_token_and_says_where_a_report_goes(argv: list[str], says: str,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """argparse quotes what it cannot take: a reporter's URL given without --from-url was printed whole, its token too."""
    with pytest.raises(SystemExit) as stopped:
        main(argv, env=NO_DOTENV)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and f"python -m repro: error: {says}" in err, err
    assert TOKEN not in err and "opaque-s3cr3t-code" not in err, err
    # Two lines, as the command's own refusals are: not argparse's usage of every option above them
    assert err.startswith("python -m repro: error: ") and err.endswith("\npython -m repro --help lists every option\n"), err
    assert len(err.splitlines()) == 2 and "usage:" not in err, err


def refusal(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What the command prints refusing ``argv``, argparse's refusal (its own exit) or check()'s, each status 2."""
    status: int | str | None
    try:
        status = main(argv, env=NO_DOTENV)
    except SystemExit as stopped:
        status = stopped.code
    assert status == 2, status
    return capsys.readouterr().err


@pytest.mark.parametrize(("argv", "says"), [
    (["--login_hint", "+41791234567"], "unrecognized arguments: --login_hint +4179*****67\n"),
    (["--login_hint", "+4915112345678"], "unrecognized arguments: --login_hint +4915*******78\n"),  # not a Swiss one: by position
    (["--target", "079 123 45 67"], "argument --target: invalid choice: '079*****67'"),
    (["--outcome", "079_123_45_67"], "--outcome '079*****67' is not an outcome"),  # a number once as_word makes its _ -
], ids=["a misspelt login hint", "a foreign number", "a number as a choice", "a number as an outcome"])
def test_a_refusal_of_an_argument_masks_the_phone_number_it_quotes(argv: list[str], says: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt --login_hint's value is a person's number: argparse's refusal quoted it whole."""
    err = refusal(argv, capsys)
    assert f"python -m repro: error: {says}" in err, err


@pytest.mark.parametrize(("argv", "says"), [
    (["--prompt", "+41791234567"], "--prompt '+4179*****67' is not a prompt B2C knows"),
    (["--prompt", "+4915112345678"], "--prompt '+4915*******78' is not a prompt B2C knows"),  # not a Swiss one: by position
    (["--client-id", "app +4915112345678"], "--client-id 'app +4915*******78' must be one word"),
    # A number of milliseconds is read as an int, so its refusal quoted the digits of a number pasted after --slowmo whole.
    (["--slowmo", "+41791234567"], "--slowmo 41791****67 is more than 60000 milliseconds"),
    (["--slowmo", "-41791234567"], "--slowmo -41791****67 must be 0 or more milliseconds"),
    (["--from-har", "user.har", "--attempt", "-41791234567"], "--attempt -41791****67: a HAR's sign-in attempts are counted from 1"),
], ids=["a Swiss number", "a foreign number", "a number in a value", "a number as milliseconds", "a negative one",
        "a number as an attempt"])
def test_a_refusal_of_checks_masks_the_phone_number_it_quotes(argv: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Options other than --outcome, --journey and --target were quoted whole by check()'s refusals, a person's number too."""
    err = refusal(argv, capsys)
    assert f"python -m repro: error: {says}" in err, err
    assert "1234567" not in err and "12345678" not in err, err


def test_a_refusal_keeps_the_timestamps_of_the_paths_it_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bundle's folder is named by its time (repro-results/20261203-074512/): masked as a number, it names no folder."""
    har = tmp_path / "repro-results" / "20261203-074512" / "20261203-074512.har"
    assert f"python -m repro: error: {har}: no such file" in refusal(["--from-har", str(har)], capsys)
    redirect = "http://localhost:3000/20261203-074512/cb"  # quoted, as a value: its path keeps its digits all the same
    assert f"python -m repro: error: --redirect-uri {redirect!r}: " in refusal(["--redirect-uri", redirect], capsys)


REDIRECT = f"https://app.fabrikam.com/cb#id_token={TOKEN}"


@pytest.mark.parametrize(("option", "says"), [
    ("--outcome", f"--outcome {REDIRECT.replace(TOKEN, '<redacted JWT>')!r} is not an outcome"),
    ("--journey", f"argument --journey: invalid choice: {REDIRECT.replace(TOKEN, '<redacted JWT>')!r}"),
    ("--target", f"argument --target: invalid choice: {REDIRECT.replace(TOKEN, '<redacted JWT>')!r}"),
    ("--prompt", f"--prompt {REDIRECT.replace(TOKEN, '<redacted JWT>')!r} is not a prompt B2C knows"),
    ("--policy", f"--policy {REDIRECT.replace(TOKEN, '<redacted JWT>')!r}: policy names start with"),
], ids=["outcome", "journey", "target", "prompt", "policy"])
def test_a_refusal_of_an_argument_repeats_no_token_it_quotes_as_given_or_as_a_word(option: str, says: str,
                                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """An app's redirect given for an option is quoted by its refusal: as given, redacted. Lower-cased as --outcome's and
    --journey's words are (eyjhbgci...), its token was past the redaction's notice; --prompt's and --policy's refusals
    quoted it whole."""
    err = refusal([option, REDIRECT], capsys)
    assert f"python -m repro: error: {says}" in err, err
    for part in TOKEN.split("."):
        assert part.lower() not in err.lower(), err


def test_a_journey_and_a_target_are_read_in_any_case_and_with_underscores() -> None:
    """As --outcome is (User_Cancel): a reporter's Sign_In or LOCAL is no reason to refuse the command."""
    from repro.cli import parser

    args = parser().parse_args(["--journey", "Sign_In", "--target", "LOCAL"])
    assert (args.journey, args.target) == ("sign-in", "local")
    with pytest.raises(SystemExit):  # still one of the choices
        parser().parse_args(["--journey", "sign-out"])


@pytest.mark.usefixtures("devices_asked_here")
def test_a_device_is_found_in_any_case_and_a_wrong_one_gets_the_close_ones() -> None:
    from repro.cli import UsageError, check_device

    assert check_device("pixel  7") == "Pixel 7"
    assert check_device("iPhone 15") == "iPhone 15"
    assert check_device("iPhone_15") == "iPhone 15"  # as a shell-safe word, '_' for its space
    with pytest.raises(UsageError, match="'Pixel' is not a Playwright device; did you mean: Pixel 2, "):
        check_device("Pixel")
    # Written without the name's space, as people type it: the close ones, not only the README's examples.
    with pytest.raises(UsageError, match="'iphone15' is not a Playwright device; did you mean: iPhone 15, "):
        check_device("iphone15")


@pytest.mark.usefixtures("devices_asked_here")
def test_a_phones_device_in_firefox_is_refused_before_the_journey_starts(monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Playwright's Firefox refuses a context with isMobile: the run started its stack and ended with no journey."""
    from repro.cli import UsageError, check_device

    with pytest.raises(UsageError, match=r"^--device 'Pixel 7' with --browser firefox: Playwright's Firefox has no phone or tablet "
                                         r"emulation \(isMobile\), so the journey could not start; run the device in --browser "
                                         r"chromium \(an Android's\) or --browser webkit \(an iPhone's, an iPad's\), or leave --device out$"):
        check_device("pixel 7", "firefox")
    assert check_device("Desktop Firefox", "firefox") == "Desktop Firefox"  # a desktop's: no phone emulated
    assert (check_device("iPhone 15", "webkit"), check_device("pixel 7", "chromium")) == ("iPhone 15", "Pixel 7")
    # As the command runs: refused before its stack starts, not after.
    monkeypatch.setattr("repro.cli.suite_env", lambda args, env: pytest.fail("the run went on to its stack"))
    assert main(["--device", "Pixel 7", "--browser", "firefox"]) == 2
    assert "--device 'Pixel 7' with --browser firefox: Playwright's Firefox has no phone" in capsys.readouterr().err


@pytest.mark.parametrize(("causes", "status"), [
    (("infrastructure", "infrastructure"), 5), (("infrastructure", "tenant configuration"), 2), (("tenant configuration",), 2), ((), 2)])
def test_a_tenant_the_preflight_cannot_reach_is_the_networks_exit_not_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, causes: tuple[str, ...], status: int) -> None:
    """The tenant's preflight stops the run before the journey: for the network alone (DNS, refused, TLS) that is exit 5,
    try again later; for a setting, with or without the network, or another reason for no journey, exit 2, fix it. No
    bundle either way, and no work folder left (the run's pytest stood in for by the JUnit XML it writes, its failed rows
    each a case with its cause, fixtures/preflight.py)."""
    from fixtures.run_results import write_junit_stops
    from repro import cli

    work = tmp_path / "repro-1"
    work.mkdir()

    def preflight_failed(command: list[str], env: object, log: Path, clean: object, held: object = ()) -> tuple[int, list[str]]:
        if causes:
            write_junit_stops(command[command.index("--junitxml") + 1], "pytest", [(f"preflight: check {n}", "FAIL", c) for n, c in enumerate(causes)])
        return 4 if causes else 0, ["SKIPPED [1] firefox is not installed\n"]

    monkeypatch.setattr(cli, "run_pytest", preflight_failed)
    given = args()
    run_env, settings = suite_env(given, NO_DOTENV)
    assert cli.reproduce(given, settings, run_env, work, tmp_path / "repro-1.zip", None) == status
    assert list(tmp_path.iterdir()) == []


def test_the_waiting_pages_transaction_is_left_to_the_persons_prompt_with_the_real_service() -> None:
    """``#transaction-number`` is the emulator's: with the real service (no control API) a repro neither fails on its
    absence after 15 s, as "page changed", nor looks for it before the person's prompt does (each look at a page
    without it took 5 s of the person's time to approve); with the emulator its absence is the failure it is."""
    from types import SimpleNamespace

    from e2e.test_repro import waiting_page_transaction
    from fixtures.causes import PAGE_CHANGED, Cause, JourneyFailure

    waits: list[float] = []

    def transaction_number(timeout: float = 15_000) -> str:
        waits.append(timeout)
        raise JourneyFailure("expected Mobile ID's waiting page (#transaction-number)", cause=Cause(PAGE_CHANGED, "no number"))

    real = SimpleNamespace(mobile_id=SimpleNamespace(control=None), mobile=SimpleNamespace(transaction_number=transaction_number))
    assert waiting_page_transaction(real) is None and waits == []  # type: ignore[arg-type]
    emulator = SimpleNamespace(mobile_id=SimpleNamespace(control=object()), mobile=real.mobile)
    with pytest.raises(JourneyFailure):
        waiting_page_transaction(emulator)  # type: ignore[arg-type]
    assert waits == [15_000]  # the emulator's page has the number: its own wait, in full


def test_a_journeys_pytest_that_runs_on_after_ctrl_c_gets_sigterm_twice_before_it_is_killed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The repro stopped while its pytest waits on the phone: Ctrl-C first; a pytest still running gets SIGTERM, and a
    second SIGTERM (which ends it at once, its stack and folder first) before SIGKILL, which would leave them behind.
    The stand-in pytest notes each signal and ends at the second SIGTERM."""
    from repro import cli

    seen = tmp_path / "signals"
    pytest_stand_in = (
        "import signal, sys\n"
        f"seen = open({str(seen)!r}, 'w', buffering=1)\n"
        "def heard(number, frame):\n"
        "    seen.write(signal.Signals(number).name + '\\n')\n"
        "    if number == signal.SIGTERM and open(seen.name).read().count('SIGTERM') == 2:\n"
        "        seen.write('ended\\n'); sys.exit(2)\n"
        "signal.signal(signal.SIGINT, heard); signal.signal(signal.SIGTERM, heard)\n"
        "print('journey running', flush=True)\n"
        "while True: signal.pause()\n")

    def interrupted(text: str, end: str = "\n") -> None:
        raise KeyboardInterrupt  # Ctrl-C as the run's first line is shown

    monkeypatch.setattr(cli, "say", interrupted)
    monkeypatch.setattr(cli, "STOP_WAIT", 1.0)  # the two SIGTERMs apart: one each, even on a loaded machine
    with pytest.raises(KeyboardInterrupt):
        cli.run_pytest([sys.executable, "-c", pytest_stand_in], dict(os.environ), tmp_path / "pytest.log", str)
    assert seen.read_text().split() == ["SIGINT", "SIGTERM", "SIGTERM", "ended"]


@pytest.mark.parametrize("sent", ["SIGINT", "SIGTERM"])
def test_a_stop_while_the_journeys_pytest_starts_still_stops_it(tmp_path: Path, sent: str) -> None:
    """On a busy machine the journey's pytest runs before ``Popen`` has returned in the repro: a stop then (Ctrl-C, or a
    job runner's SIGTERM) must still reach it, in its process group of its own, not end the repro with its handle lost
    and leave it running on into the work folder the repro removes. The repro's ``Popen`` here is told the stop itself
    once the stand-in has started, before returning."""
    import contextlib
    import subprocess

    from tests.suite_run import child_told_to_stop, popen_stopped_as_it_starts

    pytest_stand_in = child_told_to_stop(tmp_path)
    script = tmp_path / "repro_stopped.py"
    script.write_text(
        popen_stopped_as_it_starts(tmp_path / "started", f"os.kill(os.getpid(), signal.{sent})") +
        "from repro import cli\n"
        "try:\n"
        "    with cli.stop_signals_interrupt():\n"
        f"        cli.run_pytest([sys.executable, {str(pytest_stand_in)!r}], dict(os.environ), pathlib.Path({str(tmp_path / 'log')!r}), str)\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n")
    running = subprocess.Popen([sys.executable, str(script)])
    try:
        assert running.wait(timeout=60) == 130
    finally:
        running.kill()
        if not (tmp_path / "stopped").exists():  # a stand-in never told still runs: ended here, not left for 60 s
            with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
                os.kill(int((tmp_path / "started").read_text()), signal.SIGKILL)
    # Its group stopped before the repro ended (stop_group waits for it): the first signal, as after any Ctrl-C.
    assert (tmp_path / "stopped").is_file(), "the journey's pytest was never told to stop"
    assert (tmp_path / "stopped").read_text() == "SIGINT"


def test_the_journeys_output_is_shown_and_kept_redacted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the journey's pytest prints (Playwright's DEBUG=pw:api prints every URL, an ID token's fragment among them)
    reaches the terminal and pytest-output.txt through the run's redaction."""
    from fixtures.redaction import Redaction
    from repro import cli

    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
    printing = f"print('navigated to https://jwt.ms/#id_token={token}')"
    status, lines = cli.run_pytest([sys.executable, "-c", printing], dict(os.environ), tmp_path / "pytest.log", Redaction().text)
    shown = capsys.readouterr().out
    assert status == 0 and lines == ["navigated to https://jwt.ms/#id_token=<redacted JWT>\n"], lines
    assert token not in shown and token not in (tmp_path / "pytest.log").read_text() and "<redacted JWT>" in shown


def test_pytest_timeouts_dump_of_the_threads_is_kept_but_not_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The repro's time limit reached, pytest-timeout printed every thread's stack: 70 lines between the journey's output
    and the verdict. The terminal gets one line saying where they are; pytest-output.txt keeps them."""
    from fixtures.redaction import Redaction
    from repro import cli

    banner = "+" * 20 + " Timeout " + "+" * 20
    lines = ["journey started", banner, "~~~ Stack of MainThread (1) ~~~", '  File "x.py", line 1, in f', banner,
             "FAILED e2e/test_repro.py::test_repro - Failed: Timeout (>300.0s) from pytest-timeout."]
    printing = f"print({chr(10).join(lines)!r})"
    status, kept = cli.run_pytest([sys.executable, "-c", printing], dict(os.environ), tmp_path / "pytest-output.txt", Redaction().text)
    shown = capsys.readouterr().out
    assert status == 0 and "Stack of MainThread" not in shown and "Stack of MainThread" in (tmp_path / "pytest-output.txt").read_text()
    assert shown.splitlines() == ["journey started", "repro: the journey reached its time limit; its threads' stacks are in "
                                  "pytest-output.txt (in the bundle)", lines[-1]], shown
    assert len(kept) == len(lines)


FAILED_RUN = ["F" + " " * 72 + "[100%]", "=" * 35 + " FAILURES " + "=" * 35, "_" * 19 + " test_repro[b2c_1_signupsignin-chromium] " + "_" * 20,
              "e2e/test_repro.py:76: in test_repro", "    number = a_returning_user(browser)",
              "E   fixtures.causes.JourneyFailure: ID token aud is 'bad', expected client id 'good'",
              "=" * 36 + " causes " + "=" * 36, "1 x ID token contract: aud: expected 'good', got 'bad'", "1 failed in 1.58s"]


def test_pytests_tracebacks_are_kept_but_not_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A journey that failed: the terminal gets one line saying where its traceback (some twenty lines of the suite's own
    code, for whoever reads the bundle) and the suite's causes (which the repro's summary says again, in the reporter's
    words) are; pytest-output.txt keeps them, and pytest's progress line and tally, which that summary says again too."""
    from fixtures.redaction import Redaction
    from repro import cli

    status, kept = cli.run_pytest([sys.executable, "-c", f"print({chr(10).join(FAILED_RUN)!r})"], dict(os.environ),
                                  tmp_path / "pytest-output.txt", Redaction().text)
    shown = capsys.readouterr().out.splitlines()
    assert shown == [cli.AFTER_RUN_KEPT], shown
    assert (tmp_path / "pytest-output.txt").read_text().splitlines() == FAILED_RUN and len(kept) == len(FAILED_RUN)
    # pytest's warnings between them, and its colours (PY_COLORS=1, FORCE_COLOR): one line said, the last line shown
    warned = [*FAILED_RUN[:6], "=" * 29 + " warnings summary " + "=" * 29, "e2e/x.py:1: DeprecationWarning: old", *FAILED_RUN[6:-1],
              "1 failed, 1 warning in 1.58s"]
    cli.run_pytest([sys.executable, "-c", f"print({chr(10).join(warned)!r})"], dict(os.environ), tmp_path / "warned.txt", Redaction().text)
    assert capsys.readouterr().out.splitlines() == [cli.AFTER_RUN_KEPT]
    coloured = [FAILED_RUN[0], f"\x1b[31m{FAILED_RUN[1]}\x1b[0m", *FAILED_RUN[2:-1], f"\x1b[31m\x1b[1m{FAILED_RUN[-1]}\x1b[0m"]
    assert cli.after_run_report(coloured) == coloured[1:-1]
    # -v (PYTEST_ADDOPTS) prints a header first and the last line as a heading: both shown, the sections between kept
    verbose = ["=" * 30 + " test session starts " + "=" * 30, "platform linux -- Python 3.11.7", "e2e/test_repro.py::test_repro FAILED",
               *FAILED_RUN[1:-1], "=" * 30 + " 1 failed in 1.58s " + "=" * 30]
    assert cli.after_run_report(verbose) == verbose[3:-1]
    # Set-up errors likewise, and a run whose tracebacks end at its last line (no section of causes) shows that line
    errors = ["E", "=" * 36 + " ERRORS " + "=" * 36, "E   RuntimeError: no browser", "1 error in 0.50s"]
    assert cli.after_run_report(errors) == errors[1:3]
    assert cli.after_run_report(FAILED_RUN) == FAILED_RUN[1:-1]


def test_a_journey_that_did_not_run_shows_its_tracebacks_as_there_is_no_bundle_to_keep_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A journey whose set-up failed before it began (a fixture's error) leaves no bundle, so the tracebacks kept off the
    terminal while it ran are shown after all: nothing else keeps them."""
    from repro import cli

    a = args()
    _, settings = suite_env(a, NO_DOTENV)
    work = tmp_path / "repro-x"
    (work / "evidence").mkdir(parents=True)
    errors = ["E", "=" * 36 + " ERRORS " + "=" * 36, "E   RuntimeError: no browser", "1 error in 0.50s"]
    monkeypatch.setattr(cli, "run_pytest", lambda *given, **named: (1, [line + "\n" for line in errors]))
    assert cli.reproduce(a, settings, {}, work, tmp_path / "repro-x.zip", None) == cli.EXIT_NOT_RUN
    shown = capsys.readouterr()
    assert errors[1:3] == shown.out.splitlines()[-2:], shown.out
    assert "no bundle was written: E   RuntimeError: no browser" in shown.err


def test_the_journeys_pytest_holds_the_work_and_temp_folders_locks_too(tmp_path: Path) -> None:
    """The repro killed outright, its journey's pytest still writes the work folder and its temp folder (its stack, its
    browser): it holds the locks it inherits, so the next repro takes both for a live run's (fixtures/alive.py)."""
    from fixtures.alive import hold_alive
    from repro import cli

    folders = [tmp_path / "repro-x", tmp_path / "e2e-repro-x"]
    for folder in folders:
        folder.mkdir()
    held = [hold_alive(folder) for folder in folders]
    where = f"import os; print([os.readlink(f'/proc/self/fd/{{fd}}') for fd in {[lock.fileno() for lock in held]}])"
    status, lines = cli.run_pytest([sys.executable, "-c", where], dict(os.environ), tmp_path / "pytest.log", str, held)
    assert status == 0 and lines == [f"{[str(folder / 'alive.lock') for folder in folders]}\n"], lines


# From a terminal, SIGHUP's default is given back first: this test run may itself run under nohup.
@pytest.mark.parametrize(("command", "script", "heard"), [
    ([], "import signal; signal.signal(signal.SIGHUP, signal.SIG_DFL); ", ["SIGTERM", "SIGHUP"]), (["nohup"], "", ["SIGTERM"]),
], ids=["a-terminal", "nohup"])
def test_the_repros_stop_signals_are_the_stacks_and_pytests_sighup_left_ignored_under_nohup(
        command: list[str], script: str, heard: list[str]) -> None:
    """Under nohup (SIGHUP ignored, to run on after the terminal closes), a repro handling SIGHUP would stop at the
    terminal's close and give its pytest and stack SIGHUP's default back: the same stop signals as the rest. From a
    terminal, a closed one is a stop (its clean-up runs), as for the stack and pytest."""
    import subprocess

    script += "import repro.cli as r; print(*(s.name for s in r.STOP_SIGNALS))"
    said = subprocess.run([*command, sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert said.stdout.split() == heard, said.stdout + said.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, *STOP_SIGNALS], ids=lambda sig: sig.name)
def test_a_ctrl_c_while_the_command_imports_is_its_usual_line_and_130_not_a_traceback(sig: signal.Signals) -> None:
    """Ctrl-C in the command's first second, while Python imports it, printed a KeyboardInterrupt traceback; SIGTERM and
    SIGHUP ended it with their defaults' 143 and 129.

    Caught in the import of repro.cli, for sure: ``-X importtime`` writes a line to stderr as each import ends, and this
    test stops reading them once one of repro.cli's is read; with the pipe at its least (a page), the command then
    blocks writing a later line of repro.cli's imports (some 10 kB of them), so Ctrl-C lands there and nowhere else.
    """
    import fcntl
    import subprocess

    command = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "repro", "--help"], cwd=ROOT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert command.stderr is not None
    fcntl.fcntl(command.stderr.fileno(), fcntl.F_SETPIPE_SZ, os.sysconf("SC_PAGE_SIZE"))
    said = b""
    # The first import after the repro package's and scripts.process_group's (repro/__main__.py's, which then sets its
    # handlers) is repro.cli's: the signal lands in the command's own code. (Before it, runpy's, which is Python's own: a
    # traceback there is not the command's to catch.)
    while not re.search(rb"\| repro\n(?:.*\n)*?.*\| +scripts\.process_group\n(?:.*\n)", said):
        chunk = os.read(command.stderr.fileno(), 65536)
        assert chunk, f"the command ended before it imported repro: {said.decode()[-2000:]}"
        said += chunk
    command.send_signal(sig)
    out, rest = command.communicate(timeout=60)
    said += rest
    assert not said.rstrip().endswith(b"| repro.cli") and b"usage:" not in out, "the signal came after the import"
    assert command.returncode == 130 and said.decode().splitlines()[-1] == "repro: interrupted", said.decode()[-3000:]
    assert b"Traceback" not in said


def test_the_output_a_reader_left_is_the_standard_output_of_the_moment_not_of_the_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``output_nowhere`` sends the standard output of its call to /dev/null: one bound when the module was imported (a
    default argument's) would be another stream's, and the stream whose reader went away would meet its broken pipe again."""
    from repro.cli import output_nowhere

    with (tmp_path / "out").open("w") as out:
        monkeypatch.setattr(sys, "stdout", out)
        output_nowhere()
        os.write(out.fileno(), b"after its reader went away")
    assert (tmp_path / "out").read_bytes() == b""


@pytest.mark.parametrize(("error", "name"), [(BrokenPipeError(), "a reader gone"), (OSError(5, "Input/output error"), "a terminal hung up")])
def test_a_line_that_cannot_be_written_is_sent_nowhere_and_the_run_goes_on(error: OSError, name: str, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal that hung up (EIO: its SIGHUP ignored once the bundle is written) made the summary's line a traceback
    and status 1, a failure reproduced, as a reader gone (| head) did before."""
    from repro import cli

    def unwritable(*_: object, **__: object) -> None:
        raise error

    with (tmp_path / "out").open("w") as out:
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr("builtins.print", unwritable)
        cli.say("the run's summary")
        monkeypatch.undo()
        os.write(out.fileno(), b"after")
    assert (tmp_path / "out").read_bytes() == b""
