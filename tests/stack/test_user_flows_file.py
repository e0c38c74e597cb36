"""A team's user flows on the stack (``--user-flows FILE``, mocks/stack_user_flows.py): a flow of the stack's own name
replaces it, and the stack's Mobile ID registers B2C's client with the secret the file's Mobile ID provider names."""

from __future__ import annotations

from pathlib import Path

import pytest

from mocks.b2c.policy import PolicyError
from mocks.b2c.policy_keys import parse_policy_key
from mocks.stack import MOBILEID_SECRET_KEY, StackConfig, describe, stack_settings

PROVIDER = """
[[identity_provider]]
name = "{name}"
metadata_url = "https://openid.mobileid.ch/.well-known/openid-configuration"
client_id = "b2c-contoso-0001"
client_secret_env = "{variable}"
scope = "openid, profile, phone, mid_profile"
"""
FLOW = """
[[user_flow]]
name = "{name}"
identity_providers = ["{provider}"]
"""


def _file(tmp_path: Path, text: str) -> Path:
    (tmp_path / "flows.toml").write_text(text)
    return tmp_path / "flows.toml"


def test_a_flow_named_like_the_stacks_own_replaces_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a team's file whose flow has the stack's own name, in another case (B2C compares names case-insensitively)
    monkeypatch.setenv("TEAM_SECRET", "team-secret-for-this-test")
    flows = _file(tmp_path, PROVIDER.format(name="Swiss Mobile ID", variable="TEAM_SECRET")
                  + FLOW.format(name="b2c_1_SignUpSignIn", provider="Swiss Mobile ID"))
    # Then the stack serves the team's flow in its place, its button named as the file names the provider (was: refused,
    # "a user flow the stack serves already")
    user_flows = [p for p in describe(StackConfig(user_flows=flows))["policies"] if p["kind"] == "user_flow"]
    assert [(p["id"], p["mobile_id_button"]) for p in user_flows] == [("b2c_1_SignUpSignIn", "Swiss Mobile ID")]


def test_the_stacks_mobile_id_registers_b2c_with_the_secret_the_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a team's file whose Mobile ID provider takes its client secret from a variable, and no policy key given
    monkeypatch.setenv("TEAM_SECRET", "team-secret-for-this-test")
    flows = _file(tmp_path, PROVIDER.format(name="Swiss Mobile ID", variable="TEAM_SECRET") + FLOW.format(name="B2C_1_susi", provider="Swiss Mobile ID"))
    mobileid, b2c, _ = stack_settings(StackConfig(user_flows=flows))
    # Then Mobile ID's client for B2C has that secret (was: a secret generated per start, so every sign-in was invalid_client),
    # and so has the tenant's policy key the custom policies sign in with: one client, one secret
    assert mobileid.clients[0].client_secret.get_secret_value() == "team-secret-for-this-test"
    assert b2c.policy_keys[MOBILEID_SECRET_KEY].get_secret_value() == "team-secret-for-this-test"
    # And a policy key giving another secret is refused, naming the key, never a value
    monkeypatch.setenv("OTHER_SECRET", "another-secret-for-this-test")
    with pytest.raises(PolicyError) as refused:
        stack_settings(StackConfig(user_flows=flows, policy_keys=(parse_policy_key(f"{MOBILEID_SECRET_KEY}=env:OTHER_SECRET"),)))
    assert str(refused.value).startswith(f"flows.toml: the client secret of its Mobile ID provider is not the policy key {MOBILEID_SECRET_KEY}'s")
    assert "secret-for-this-test" not in str(refused.value)
    # And one of the same value is taken
    monkeypatch.setenv("OTHER_SECRET", "team-secret-for-this-test")
    stack_settings(StackConfig(user_flows=flows, policy_keys=(parse_policy_key(f"{MOBILEID_SECRET_KEY}=env:OTHER_SECRET"),)))


def test_two_secrets_for_mobile_ids_one_client_are_refused_naming_the_providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONE_SECRET", "one-secret-for-this-test")
    monkeypatch.setenv("TWO_SECRET", "two-secret-for-this-test")
    flows = _file(tmp_path, PROVIDER.format(name="Mobile ID", variable="ONE_SECRET") + PROVIDER.format(name="MID", variable="TWO_SECRET")
                  + FLOW.format(name="B2C_1_a", provider="Mobile ID") + FLOW.format(name="B2C_1_b", provider="MID"))
    with pytest.raises(PolicyError) as refused:
        describe(StackConfig(user_flows=flows))
    assert str(refused.value) == ("flows.toml: identity providers 'Mobile ID' and 'MID' give Mobile ID client 'b2c-contoso-0001' "
                                  "different client secrets; Mobile ID registers one: give them the same")


def test_a_flows_secret_other_than_the_one_the_teams_custom_policies_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    # Given a team's custom policies whose Mobile ID profile reads a key of their own name, and a flows file beside them
    policies = tmp_path / "policies"
    shutil.copytree(Path(__file__).resolve().parents[2] / "policies", policies)
    extensions = policies / "TrustFrameworkExtensions.xml"
    extensions.write_text(extensions.read_text().replace(f'StorageReferenceId="{MOBILEID_SECRET_KEY}"', 'StorageReferenceId="B2C_1A_TeamKey"'))
    monkeypatch.setenv("TEAM_KEY", "team-key-for-this-test")
    monkeypatch.setenv("FLOWS_SECRET", "flows-secret-for-this-test")
    keys = (parse_policy_key("B2C_1A_TeamKey=env:TEAM_KEY"), parse_policy_key("B2C_1A_FacebookSecret=env:TEAM_KEY"))
    flows = _file(tmp_path, PROVIDER.format(name="Mobile ID", variable="FLOWS_SECRET") + FLOW.format(name="B2C_1_susi", provider="Mobile ID"))

    # When the stack serves both
    mobileid, _, _ = stack_settings(StackConfig(policies_dir=policies, policy_keys=keys))
    with pytest.raises(PolicyError) as refused:
        stack_settings(StackConfig(policies_dir=policies, policy_keys=keys, user_flows=flows))

    # Then Mobile ID registers B2C with the key the profile reads, and a flow signing in with another secret is refused,
    # naming where each comes from, never a value
    assert mobileid.clients[0].client_secret.get_secret_value() == "team-key-for-this-test"
    assert str(refused.value).startswith("flows.toml: identity provider 'Mobile ID': its client secret is not the one the custom policies'")
    assert "for-this-test" not in str(refused.value)
