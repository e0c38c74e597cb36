"""The suite takes the local stack's identities from what the stack prints, and follows a stack that prints others."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.settings import SettingsError, build_settings
from fixtures.settings_plugin import settings_with_stack
from fixtures.stack import Stack, StackStartError, described_as_configured
from fixtures.stack_description import StackDescription, StackDescriptionError, describe_stack, serve_command
from tests.local_stack import LOCAL_STACK
from tests.suite_run import pytest_e2e, tail

ROOT = Path(__file__).resolve().parents[2]
STARTER_PACK = ROOT / "tests/b2c/starterpack/SocialAndLocalAccounts"


def test_a_stack_with_other_identities_is_followed() -> None:
    other = StackDescription.from_document({
        **LOCAL_STACK.document, "tenant": "fabrikam", "domain": "fabrikam.b2clogin.com", "client_id": "other-app",
        "redirect_uri": "https://app.fabrikam.test/cb", "mobileid_client_id": "b2c-fabrikam-0001",
        "control_url": "https://mid.fabrikam.test/control", "robots": {"busy": "+41000092406"},
        "policies": [{"id": "B2C_1A_susi", "kind": "custom_policy", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True},
                     {"id": "B2C_1A_edit", "kind": "custom_policy", "journey": "ProfileEdit", "sign_up_or_sign_in": False}],
    })
    s = build_settings({}, other)
    assert (s.tenant, s.domain, s.client_id, s.redirect_uri) == ("fabrikam", "fabrikam.b2clogin.com", "other-app", "https://app.fabrikam.test/cb")
    assert (s.policies, s.idp_client_id, s.control_url, s.robots) == (("B2C_1A_susi",), "b2c-fabrikam-0001", "https://mid.fabrikam.test/control",
                                                                      {"busy": "+41000092406"})
    assert build_settings({"B2C_POLICIES": "b2c_1a_EDIT"}, other).policies == ("B2C_1A_edit",)  # B2C's names are case-insensitive
    with pytest.raises(SettingsError, match="B2C_POLICIES has B2C_1A_signup_signin, which the local stack does not serve; it serves B2C_1A_susi, B2C_1A_edit"):
        build_settings({"B2C_POLICIES": "B2C_1A_signup_signin"}, other)


def test_the_journeys_run_the_first_sign_up_or_sign_in_policy_of_each_kind() -> None:
    """As the stack orders them (docs/contracts.md): its own user flow, then the starter pack's B2C_1A_signup_signin, not
    the seed's B2C_1A_signup_signin_newuser that follows it."""
    assert LOCAL_STACK.policies == ("B2C_1_signupsignin", "B2C_1A_signup_signin", "B2C_1A_signup_signin_newuser")
    assert LOCAL_STACK.journey_policies == ("B2C_1_signupsignin", "B2C_1A_signup_signin")
    assert build_settings({}, LOCAL_STACK).policies == ("B2C_1_signupsignin", "B2C_1A_signup_signin")


def test_the_journeys_run_the_custom_policy_that_offers_mobile_id_before_one_that_does_not() -> None:
    # Given a team's folder keeping the starter pack's relying party (its journey without Mobile ID) before their own
    def stack(*offers: bool) -> StackDescription:
        return StackDescription.from_document({**LOCAL_STACK.document, "policies": [
            {"id": "B2C_1_signupsignin", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True,
             "mobile_id_button": "Mobile ID"},
            {"id": "B2C_1A_signup_signin", "kind": "custom_policy", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True,
             "offers_mobile_id": offers[0]},
            {"id": "B2C_1A_susi_mobileid", "kind": "custom_policy", "journey": "SignUpSignInMobileID", "sign_up_or_sign_in": True,
             "offers_mobile_id": offers[1]}]})

    # When the journeys take their default policies
    # Then the custom policy is theirs, which offers Mobile ID (it was the starter pack's, every journey failing without the button)
    assert stack(False, True).journey_policies == ("B2C_1_signupsignin", "B2C_1A_susi_mobileid")
    assert stack(True, True).journey_policies == ("B2C_1_signupsignin", "B2C_1A_signup_signin")
    # And where none offers it, none: the run stops at its start naming each and the fix (it took the first, each of its
    # journeys waiting 15 s for a Mobile ID button its sign-in page lacks, as the LocalAccounts starter pack's)
    assert stack(False, False).journey_policies == ("B2C_1_signupsignin",)
    with pytest.raises(SettingsError) as refused:
        build_settings({}, stack(False, False))
    assert str(refused.value) == (
        "the local stack's custom policies (E2E_STACK_POLICIES) offer the journeys none to run: B2C_1A_signup_signin, "
        "B2C_1A_susi_mobileid, whose sign-in page has no Mobile ID button (no claims exchange of its journey runs the stack's "
        "Mobile ID; the LocalAccounts starter pack's has none), and every journey signs in with Mobile ID: serve files with the "
        "seed's MobileID-OAuth2 claims provider, its ClaimsProviderSelection and ClaimsExchange (E2E_STACK_POLICIES), e.g. "
        "tests/b2c/starterpack/SocialAndLocalAccounts (LocalAccounts' base lacks the social claim types and profiles it needs: "
        "policies/README.md); or name the user flows to run in B2C_POLICIES")
    # And naming one in B2C_POLICIES is refused alike, while the user flow alone runs
    with pytest.raises(SettingsError, match=r"^B2C_POLICIES has B2C_1A_susi_mobileid, whose sign-in page has no Mobile ID button"):
        build_settings({"B2C_POLICIES": "B2C_1A_susi_mobileid"}, stack(False, False))
    assert build_settings({"B2C_POLICIES": "B2C_1_signupsignin"}, stack(False, False)).policies == ("B2C_1_signupsignin",)


def test_a_custom_policy_whose_mobile_id_is_on_a_host_the_stack_does_not_emulate_is_refused_with_the_fix() -> None:
    # Given a team's folder whose Mobile ID profile sends the browser to its own host (the stack describes where)
    elsewhere = "https://mid.fabrikam.test/oidc/authorize"
    stack = StackDescription.from_document({**LOCAL_STACK.document, "policies": [
        {"id": "B2C_1_signupsignin", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True,
         "mobile_id_button": "Mobile ID"},
        {"id": "B2C_1A_signup_signin", "kind": "custom_policy", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True,
         "offers_mobile_id": False, "mobile_id_elsewhere": elsewhere}]})
    said = ("B2C_1A_signup_signin, whose Mobile ID claims provider sends the browser to https://mid.fabrikam.test/oidc/authorize: "
            "the local stack emulates Mobile ID at m.mobileid.ch and openid.mobileid.ch only (and the journeys approve its sign-ins "
            "there), so every journey would fail at mid.fabrikam.test (ERR_NAME_NOT_RESOLVED, where no DNS knows it); set the "
            "provider's authorization_endpoint to https://m.mobileid.ch/oidc/authorize (as the seed's MobileID-OAuth2) in the files "
            "the stack serves (E2E_STACK_POLICIES), or run the policy against the tenant that federates with mid.fabrikam.test "
            "(E2E_TARGET=tenant)")
    # When B2C_POLICIES names it, then the run stops at its start saying where and what to change (each of its journeys
    # failed at the host, ERR_NAME_NOT_RESOLVED)
    with pytest.raises(SettingsError) as refused:
        build_settings({"B2C_POLICIES": "B2C_1A_signup_signin"}, stack)
    assert str(refused.value) == f"B2C_POLICIES has {said}"
    # And so does a run without B2C_POLICIES, which has no custom policy to run
    with pytest.raises(SettingsError) as refused:
        build_settings({}, stack)
    assert str(refused.value) == f"the local stack's custom policies (E2E_STACK_POLICIES) offer the journeys none to run: {said}; or name the user flows to run in B2C_POLICIES"
    # And an OpenIdConnect profile's discovery elsewhere is told to name the stack's
    metadata = StackDescription.from_document({**stack.document, "policies": [
        {**stack.document["policies"][1], "mobile_id_elsewhere": "https://mid.fabrikam.test/.well-known/openid-configuration"}]})
    with pytest.raises(SettingsError, match=r"set the provider's METADATA to https://openid\.mobileid\.ch/\.well-known/openid-configuration "):
        build_settings({"B2C_POLICIES": "B2C_1A_signup_signin"}, metadata)


def test_a_stack_whose_custom_policies_all_run_other_journeys_needs_b2c_policies() -> None:
    renamed = StackDescription.from_document({
        **LOCAL_STACK.document,
        "policies": [{"id": "B2C_1_signupsignin", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True},
                     {"id": "B2C_1A_mid", "kind": "custom_policy", "journey": "SignInWithMobileID", "sign_up_or_sign_in": False}],
    })
    with pytest.raises(SettingsError, match="no custom policy among them signs users up and in .* in B2C_POLICIES"):
        build_settings({}, renamed)
    assert build_settings({"B2C_POLICIES": "B2C_1_signupsignin,B2C_1A_mid"}, renamed).policies == ("B2C_1_signupsignin", "B2C_1A_mid")


def test_a_stack_with_another_policy_folder_is_asked_for_its_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FB_SECRET", "not-a-real-secret")
    env = {"E2E_STACK_POLICIES": str(STARTER_PACK), "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FB_SECRET"}
    s = settings_with_stack(env)  # asks `python -m mocks serve --policies ... --describe`
    assert s.stack is not None and {"B2C_1A_ProfileEdit", "B2C_1A_PasswordReset"} <= set(s.stack.policies)
    assert s.policies == ("B2C_1_signupsignin", "B2C_1A_signup_signin")  # the sign-up-or-sign-in journeys only
    # A policy of another journey, which has no Mobile ID button and signs no one up, is refused naming one that does (its
    # journeys each waited for the sign-in page)
    with pytest.raises(SettingsError) as refused:
        settings_with_stack({**env, "B2C_POLICIES": "B2C_1A_ProfileEdit"})
    assert str(refused.value) == ("B2C_POLICIES has B2C_1A_ProfileEdit, whose user journey ProfileEdit signs no one up or in (it has "
                                  "no CombinedSignInAndSignUp step, as a profile edit or a password reset) and offers no Mobile ID "
                                  "button, and every journey signs up and in with Mobile ID: name a sign-up-or-sign-in policy "
                                  "instead, e.g. B2C_1A_signup_signin")


def test_the_local_accounts_starter_pack_stops_the_run_at_its_start(tmp_path: Path) -> None:
    """The LocalAccounts pack offers no Mobile ID (nor any other provider): a run serving it stops before any journey, saying
    so and what to do (each journey waited 15 s for the Mobile ID button of its sign-in page)."""
    # Given the pack's folder as a team gives it to the stack, its policies' journeys named
    ran = pytest_e2e("--collect-only", "-n", "0", E2E_STACK_POLICIES=str(ROOT / "tests/b2c/starterpack/LocalAccounts"))
    output = ran.stdout + ran.stderr
    # Then the run stops with the settings' words, none of its journeys collected
    assert ran.returncode != 0, tail(output)
    assert ("the local stack's custom policies (E2E_STACK_POLICIES) offer the journeys none to run: B2C_1A_signup_signin, whose "
            "sign-in page has no Mobile ID button") in " ".join(output.split()), tail(output)
    assert "test_sign_up.py::" not in output, tail(output)


def test_a_stack_command_that_describes_nothing_in_time_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from fixtures import stack_description

    monkeypatch.setattr(stack_description, "DESCRIBE_TIMEOUT", 0.3)
    started = time.monotonic()
    with pytest.raises(StackDescriptionError, match=r"the local stack gave no description within 0\.3 s"):
        describe_stack([sys.executable, "-c", "import time; time.sleep(10)"])
    assert time.monotonic() - started < 5


def test_a_stack_that_refuses_its_settings_stops_the_run_with_its_reason(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="the local stack does not start with these settings: policy refused: .*B2C_1A_FacebookSecret"):
        settings_with_stack({"E2E_STACK_POLICIES": str(STARTER_PACK)})  # the starter pack needs Facebook's key


def test_a_started_stack_prints_the_description_its_command_describes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fabrikams = tmp_path / "policies"  # the starter policies, uploaded to another tenant
    fabrikams.mkdir()
    for policy in (ROOT / "policies").glob("*.xml"):
        (fabrikams / policy.name).write_text(policy.read_text().replace("contoso", "fabrikam"))
    monkeypatch.setenv("FB_SECRET", "not-a-real-secret")
    keys, tenant = ["B2C_1A_FacebookSecret=env:FB_SECRET"], ["--tenant", "fabrikam"]  # a stack a team started by hand
    described = describe_stack(serve_command(None, (), policies=str(fabrikams), policy_keys=keys) + tenant)
    state = tmp_path / "state"
    state.mkdir()
    running = Stack(state, command=serve_command(state, (), policies=str(fabrikams), policy_keys=keys) + tenant, key_cache=None)
    try:
        assert running.info.description == described
        assert (described.tenant, described.domain, described.mobileid_client_id) == ("fabrikam", "fabrikam.b2clogin.com", "b2c-fabrikam-0001")
        settings = build_settings({}, running.info.description)
        assert (settings.tenant, settings.idp_client_id) == ("fabrikam", "b2c-fabrikam-0001")
        assert described_as_configured(running.info, settings) is running.info
        with pytest.raises(StackStartError, match="describes itself otherwise .*tenant: .fabrikam., settings built with .contoso."):
            described_as_configured(running.info, build_settings({}, LOCAL_STACK))
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("printed", "says"),
    [
        ("print('not json')", "not JSON"),
        ("print('[1]')", "not a JSON object"),
        ("import json; print(json.dumps({'tenant': 'x'}))", "lacks domain, client_id"),
        ("import sys; print('no such policy folder', file=sys.stderr); sys.exit(2)", "does not start with these settings: no such policy folder"),
    ],
)
def test_an_unusable_description_is_named(tmp_path: Path, printed: str, says: str) -> None:
    script = tmp_path / "fake_stack.py"
    script.write_text(f"import sys\nassert sys.argv[-1] == '--describe'\n{printed}\n")
    with pytest.raises(StackDescriptionError, match=says):
        describe_stack([sys.executable, str(script)])


STACKS_COUNTED = """
import pathlib
import fixtures.stack
import fixtures.stack_description

counted = pathlib.Path(__file__).with_name("started.txt")
serve, describe = fixtures.stack.Stack.__init__, fixtures.stack_description.describe_stack

def counting_serve(self, *args, **kwargs):
    with counted.open("a") as out:
        out.write("serve\\n")
    serve(self, *args, **kwargs)

def counting_describe(command):
    with counted.open("a") as out:
        out.write("describe\\n")
    return describe(command)

fixtures.stack.Stack.__init__ = counting_serve
fixtures.stack_description.describe_stack = counting_describe
"""


STACK_ONLY = "test_an_error_redirect_echoes_the_state"  # a journey that needs the stack and no browser


@pytest.mark.parametrize(("args", "expected"), [
    (("-k", f"{STACK_ONLY} and b2c_1_signupsignin", "-n", "1"), ["serve"]),  # the controller's, for its worker: no --describe
    (("-k", f"{STACK_ONLY} and b2c_1_signupsignin", "-n", "0"), ["serve"]),  # pytest alone's, which its stack fixture takes
    (("--collect-only", "-n", "0"), ["describe"]),  # a run that starts none asks --describe
])
def test_a_run_starts_one_stack_which_describes_itself(tmp_path: Path, args: tuple[str, ...], expected: list[str]) -> None:
    """Each process of the run that reads settings (pytest, or xdist's controller and its workers) may start or ask a
    stack: a local run starts one, the controller's, whose ready lines give the settings its description."""
    from tests.suite_run import pytest_e2e

    (tmp_path / "stacks_counted.py").write_text(STACKS_COUNTED)
    done = pytest_e2e("-p", "stacks_counted", *args, PYTHONPATH=str(tmp_path))
    assert done.returncode == 0, tail(done.stdout, 2000) + tail(done.stderr, 2000)
    assert (tmp_path / "started.txt").read_text().split() == expected


# What the suite may import of mocks/ (docs/suite.md, tenant mode): shared utilities, not emulator internals.
SHARED_UTILITIES = {"mocks", "mocks.common", "mocks.common.files", "mocks.common.hosts", "mocks.common.languages", "mocks.common.net",
                    "mocks.common.parent", "mocks.common.process_start", "mocks.common.tls", "mocks.faults"}


def test_the_suite_imports_nothing_of_the_emulators_but_shared_utilities() -> None:
    """docs/suite.md: against a tenant the suite knows the stack only by what it printed; its modules (conftest, fixtures,
    pages, journeys, repro) import no emulator code, so nothing of an emulator can stand in for the tenant."""
    script = ("import importlib, pathlib, sys\n"
              "for d in ('fixtures', 'pages', 'e2e', 'repro'):\n"
              "    for p in sorted(pathlib.Path(d).glob('*.py')):\n"
              "        if p.stem not in ('__init__', '__main__'):\n"
              "            importlib.import_module(f'{d}.{p.stem}')\n"
              "importlib.import_module('conftest')\n"
              "print(' '.join(sorted(m for m in sys.modules if m == 'mocks' or m.startswith('mocks.'))))\n")
    ran = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, tail(ran.stderr)
    imported = set(ran.stdout.split())
    assert "mocks.faults" in imported and not imported - SHARED_UTILITIES, sorted(imported - SHARED_UTILITIES)


def test_the_tests_local_stack_is_what_the_stacks_command_describes() -> None:
    """tests/local_stack.py computes the description in-process, and several tests stand it in for the command's
    --describe (tests/repro_command/test_arguments.py): the command, asked once, says the same."""
    assert describe_stack(serve_command(None, ())) == LOCAL_STACK


@pytest.mark.parametrize("said", [
    "policy refused: policy key B2C_1A_FacebookSecret: environment variable FACEBOOK_SECRET is not set or empty; export it before starting the stack",
    "policy refused: flows.toml: identity_provider[0].client_secret_env: environment variable 'MOBILEID_CLIENT_SECRET' is not set. Set it",
])
def test_a_stack_secret_set_only_in_env_says_the_stack_does_not_read_it(said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stack reads its environment alone: a secret kept in .env beside the settings read as "not set", which sent the
    reader to a file that plainly set it."""
    from fixtures.stack_description import set_in_env_file_only

    (tmp_path / ".env").write_text("FACEBOOK_SECRET=not-a-real-secret\nMOBILEID_CLIENT_SECRET=also-not-real\n")
    for name in ("FACEBOOK_SECRET", "MOBILEID_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    note = set_in_env_file_only(said, tmp_path / ".env")
    assert note.endswith(f"is set in {tmp_path / '.env'}, which the stack does not read: the suite passes it the settings, not "
                         "secrets; export it where the run starts)") and "not-real" not in note, note
    monkeypatch.setenv("FACEBOOK_SECRET", "exported")
    monkeypatch.setenv("MOBILEID_CLIENT_SECRET", "exported")
    assert set_in_env_file_only(said, tmp_path / ".env") == ""  # exported: the stack's refusal is about something else
