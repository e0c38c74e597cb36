"""E2E_STACK_USER_FLOWS (docs/suite.md): the team's user flows file, which the suite's stack serves (``--user-flows``); the
journeys' Mobile ID button is named as the file names the provider, the stack's description carrying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.settings import SettingsError, build_settings
from fixtures.settings_plugin import settings_with_stack
from fixtures.stack_description import StackDescription, stack_command
from tests.local_stack import LOCAL_STACK

ROOT = Path(__file__).resolve().parents[2]
TENANT = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "B2C_POLICIES": "B2C_1_susi"}
FLOWS = """
[[identity_provider]]
name = "{button}"
metadata_url = "https://openid.mobileid.ch/.well-known/openid-configuration"
client_id = "b2c-contoso-0001"
client_secret_env = "TEAM_FLOWS_SECRET"

[[user_flow]]
name = "B2C_1_susi"
identity_providers = ["{button}"]
"""


def test_the_stack_the_suite_starts_serves_the_file_and_the_run_takes_its_flows_and_button(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a team's user flows file, its Mobile ID provider named "Swiss Mobile ID", its secret in the team's variable
    flows = tmp_path / "flows.toml"
    flows.write_text(FLOWS.format(button="Swiss Mobile ID"))
    monkeypatch.setenv("TEAM_FLOWS_SECRET", "team-secret-for-this-test")
    # When a local run reads its settings (asking the stack its settings start for its description)
    settings = settings_with_stack({"E2E_STACK_USER_FLOWS": str(flows)})
    # Then that stack serves the file, the journeys run its flow (and the default custom policy), the button says the file's Name
    assert stack_command(None, settings)[-2:] == ["--user-flows", str(flows.resolve())]
    assert settings.policies == ("B2C_1_susi", "B2C_1A_signup_signin") and settings.user_flow_idp_name == "Swiss Mobile ID"
    # And the report's environment names the file
    assert settings.describe()["stack_user_flows"] == str(flows)
    # And the stack's own flow, picked by B2C_POLICIES, keeps its own button
    own = settings_with_stack({"E2E_STACK_USER_FLOWS": str(flows), "B2C_POLICIES": "B2C_1_signupsignin"})
    assert own.user_flow_idp_name == "Mobile ID"


def test_a_file_the_stack_refuses_fails_the_settings_with_its_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flows = tmp_path / "flows.toml"
    flows.write_text(FLOWS.format(button="Mobile ID").replace('name = "B2C_1_susi"', 'name = "B2C_1A_susi"'))
    monkeypatch.setenv("TEAM_FLOWS_SECRET", "team-secret-for-this-test")
    with pytest.raises(SettingsError) as raised:
        settings_with_stack({"E2E_STACK_USER_FLOWS": str(flows)})
    # The file and key at fault, as the TOML's own validation names them
    assert str(raised.value) == ("the local stack does not start with these settings: policy refused: flows.toml, line 9: user_flow[0].name: "
                                 "'B2C_1A_susi' is not a user flow name; user flow names start with B2C_1_ (B2C_1A_ is for custom policies)")


def test_a_missing_file_a_folder_and_a_tenant_run_are_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"E2E_STACK_USER_FLOWS='.*nope.toml' does not exist; give your user flows' TOML file"):
        build_settings({"E2E_STACK_USER_FLOWS": str(tmp_path / "nope.toml")})
    with pytest.raises(SettingsError, match=r"E2E_STACK_USER_FLOWS='.*' is a folder; give your user flows' TOML file"):
        build_settings({"E2E_STACK_USER_FLOWS": str(tmp_path)})
    (tmp_path / "flows.toml").write_text("")
    with pytest.raises(SettingsError, match="E2E_STACK_USER_FLOWS only applies to E2E_TARGET=local"):
        build_settings({**TENANT, "E2E_STACK_USER_FLOWS": str(tmp_path / "flows.toml")})


def test_flows_that_name_mobile_id_differently_in_one_run_are_refused_naming_each() -> None:
    document = {**LOCAL_STACK.document, "policies": [
        {"id": "B2C_1_a", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True, "mobile_id_button": "Mobile ID"},
        {"id": "B2C_1_b", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True, "mobile_id_button": "Swiss Mobile ID"}]}
    stack = StackDescription.from_document(document)
    with pytest.raises(SettingsError, match=r"name Mobile ID differently \('Mobile ID' in B2C_1_a, 'Swiss Mobile ID' in B2C_1_b\)"):
        build_settings({"B2C_POLICIES": "B2C_1_a,B2C_1_b"}, stack)
    assert build_settings({"B2C_POLICIES": "B2C_1_b"}, stack).user_flow_idp_name == "Swiss Mobile ID"


def test_the_run_names_the_user_flows_its_stack_serves() -> None:
    """As E2E_STACK_POLICIES: the run's first line says whose user flows the journeys meet."""
    from types import SimpleNamespace

    from fixtures.settings_plugin import SETTINGS_KEY, pytest_report_header

    settings = build_settings({"E2E_STACK_USER_FLOWS": str(ROOT / "policies" / "user-flows.example.toml")})
    config = SimpleNamespace(stash={SETTINGS_KEY: settings}, invocation_params=SimpleNamespace(dir=ROOT))
    [first, *_] = pytest_report_header(config, ROOT)  # type: ignore[arg-type]
    assert ", serving the user flows of policies/user-flows.example.toml (E2E_STACK_USER_FLOWS);" in first, first


def test_a_user_flow_the_stack_does_not_serve_names_the_setting_that_serves_it() -> None:
    # A team that names its flow in B2C_POLICIES before it gives the file (was: only E2E_STACK_POLICIES named, for custom policies)
    with pytest.raises(SettingsError, match=r"B2C_POLICIES has B2C_1_susi, which the local stack does not serve; .* E2E_STACK_USER_FLOWS its user flows"):
        build_settings({"B2C_POLICIES": "B2C_1_susi"}, LOCAL_STACK)


def test_a_flow_that_offers_no_mobile_id_is_not_run_and_is_refused_when_named() -> None:
    # Given a team's file whose first flow offers another provider alone (the stack describes its Mobile ID button as null)
    document = {**LOCAL_STACK.document, "policies": [
        {"id": "B2C_1_contoso", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True, "mobile_id_button": None},
        {"id": "B2C_1_susi", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True, "mobile_id_button": "Mobile-ID"},
        *(p for p in LOCAL_STACK.document["policies"] if p["kind"] == "custom_policy")]}
    stack = StackDescription.from_document(document)
    # Then the journeys run the first that offers Mobile ID, with its button (was: B2C_1_contoso, every journey waiting for a
    # "Mobile ID" button its page does not have)
    settings = build_settings({}, stack)
    assert settings.policies == ("B2C_1_susi", "B2C_1A_signup_signin") and settings.user_flow_idp_name == "Mobile-ID"
    # And B2C_POLICIES naming it is refused, saying why and what to change
    with pytest.raises(SettingsError) as refused:
        build_settings({"B2C_POLICIES": "b2c_1_CONTOSO"}, stack)
    assert str(refused.value) == ("B2C_POLICIES has B2C_1_contoso, whose identity providers (E2E_STACK_USER_FLOWS) offer no Mobile ID, "
                                  "and every journey signs in with Mobile ID: add your Mobile ID provider (metadata_url "
                                  "https://openid.mobileid.ch/.well-known/openid-configuration) to its identity_providers, or leave it "
                                  "out of B2C_POLICIES")


def test_flows_that_all_offer_no_mobile_id_are_named_with_the_fix() -> None:
    # Given a team's file whose only flow, replacing the stack's own, offers another provider alone
    document = {**LOCAL_STACK.document, "policies": [
        {"id": "B2C_1_signupsignin", "kind": "user_flow", "journey": "SignUpOrSignIn", "sign_up_or_sign_in": True, "mobile_id_button": None},
        *(p for p in LOCAL_STACK.document["policies"] if p["kind"] == "custom_policy")]}
    # Then a run without B2C_POLICIES stops saying why the journeys have no user flow to run (was: "no user flow among them runs
    # the SignUpOrSignIn user journey", which it does)
    with pytest.raises(SettingsError) as refused:
        build_settings({}, StackDescription.from_document(document))
    assert str(refused.value) == ("the local stack's user flows (E2E_STACK_USER_FLOWS) offer no Mobile ID (B2C_1_signupsignin), and every "
                                  "journey signs in with Mobile ID: add your Mobile ID provider (metadata_url "
                                  "https://openid.mobileid.ch/.well-known/openid-configuration) to one's identity_providers, or name the "
                                  "custom policies to run in B2C_POLICIES")
