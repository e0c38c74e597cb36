"""The stack's description tells the truth: the suite takes its identities from it (fixtures/stack_description.py)."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import get_args

import pytest

from fixtures.settings import PHONE_OUTCOMES
from mocks.b2c.policy import PolicyError
from mocks.common import net
from mocks.mobileid.outcomes import behaviour_for
from mocks.mobileid.settings import Outcome
from mocks.stack import StackConfig, StackInfo, build_stack, describe

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_policies_and_mobile_id_client_it_names_are_the_ones_served(local_stack: StackInfo) -> None:
    described = local_stack.description
    apps = {app.client_id: app for app in local_stack.b2c_settings.apps}
    assert described["client_id"] in apps and described["redirect_uri"] in apps[described["client_id"]].redirect_uris
    assert apps[described["client_id"]].implicit_id_token
    assert [p["id"] for p in described["policies"]] == [p.policy_id for p in local_stack.b2c_settings.policies]
    mobileid = local_stack.apps["mobileid"].state.mobileid.settings
    assert described["mobileid_client_id"] == mobileid.clients[0].client_id
    assert (described["tenant"], f"https://{described['domain']}") == (local_stack.tenant, local_stack.b2c_settings.base_url)


def test_describing_without_serving_gives_the_serving_stacks_description(local_stack: StackInfo) -> None:
    assert describe(StackConfig()) == local_stack.description


def test_the_control_url_it_names_reaches_the_control_api(local_stack: StackInfo) -> None:
    with net.client(local_stack.host_map, verify=net.trust(local_stack.ca_path)) as http:
        answer = http.post(f"{local_stack.description['control_url']}/reset")
    assert answer.status_code == 200 and answer.json() == {"reset": True}


def test_each_robot_number_it_names_gives_its_outcome(local_stack: StackInfo) -> None:
    mobileid = local_stack.apps["mobileid"].state.mobileid.settings
    robots = local_stack.description["robots"]
    assert set(robots) == set(get_args(Outcome)) - {"approve", "wait"}  # every outcome a fault gives
    assert set(robots) == set(PHONE_OUTCOMES)  # the suite's names for them (MOBILEID_ROBOTS, the journeys)
    assert {outcome: behaviour_for(number, mobileid).outcome for outcome, number in robots.items()} == {o: o for o in robots}


def test_contracts_table_names_every_key_and_every_robot_outcome(local_stack: StackInfo) -> None:
    """docs/contracts.md, "The stack's description": its table's keys are the description's, and its robots row lists
    the outcomes the description names, in the description's order."""
    section = (ROOT / "docs" / "contracts.md").read_text().split("## The stack's description")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    keys = [key for row in rows for key in re.findall(r"`([a-z_]+)`", row.split(" | ")[0])]
    assert sorted(keys) == sorted(local_stack.description), keys
    [robots] = [row for row in rows if row.startswith("| `robots`")]
    assert re.findall(r"`([a-z_]+)`", robots.split(" | ")[1].split(")")[0]) == list(local_stack.description["robots"])


def test_it_names_no_secret(local_stack: StackInfo) -> None:
    """Printed on a ready line and handed to every xdist worker: no client secret, policy key or control token."""
    text = json.dumps(local_stack.description)
    mobileid = local_stack.apps["mobileid"].state.mobileid.settings
    secrets = [key.get_secret_value() for key in local_stack.b2c_settings.policy_keys.values()]
    secrets += [client.client_secret.get_secret_value() for client in mobileid.clients]
    secrets += [local_stack.webapp_secret]
    assert len(secrets) >= 3 and all(len(secret) >= 8 for secret in secrets)
    assert [secret for secret in secrets if secret in text] == []


OTHER_CLIENT_FLOW = """
[[identity_provider]]
name = "Mobile ID"
metadata_url = "https://openid.mobileid.ch/.well-known/openid-configuration"
client_id = "b2c-fabrikam-0042"
client_secret = "a-secret-for-this-test"
scope = "openid"

[identity_provider.claims_mapping]
user_id = "sub"

[[user_flow]]
name = "b2c_1_SignUpSignIn"
identity_providers = ["Mobile ID"]
"""


def test_describing_refuses_what_serving_refuses(tmp_path: Path) -> None:
    """A user-flows file whose Mobile ID provider names another client than B2C's at the stack's Mobile ID: serve refuses
    it, naming the file, the provider and the client id to give, so --describe must too (the command prints either as
    "policy refused")."""
    (tmp_path / "flows.toml").write_text(OTHER_CLIENT_FLOW)
    config = StackConfig(user_flows=tmp_path / "flows.toml")
    with pytest.raises(PolicyError) as described:
        describe(config)
    (tmp_path / "state").mkdir()
    with socket.socket() as sock, pytest.raises(PolicyError) as served:
        sock.bind(("127.0.0.1", 0))
        build_stack(config, sock, tmp_path / "state")
    assert str(described.value) == str(served.value)
    assert str(described.value).startswith("flows.toml: identity provider 'Mobile ID': client_id 'b2c-fabrikam-0042' is not B2C's client "
                                           "at the stack's Mobile ID, 'b2c-contoso-0001'")


def test_custom_policies_naming_two_mobile_id_clients_are_refused_naming_both(tmp_path: Path) -> None:
    """The stack's Mobile ID registers B2C's client once, as the one the team's Mobile ID profiles name: two relying
    parties federating with it as two clients cannot both be served, and the start says which names which."""
    from dataclasses import replace

    from mocks.b2c.custom_policy import load_custom_policies
    from mocks.stack_user_flows import custom_policies_mobile_id_client

    # Given the folder's two relying parties, one of them edited to name another Mobile ID client
    first, second = load_custom_policies(ROOT / "policies", tenant="contoso", policy_keys={
        "B2C_1A_MobileIdSecret": "s", "B2C_1A_FacebookSecret": "f", "B2C_1A_TokenSigningKeyContainer": "k",
        "B2C_1A_TokenEncryptionKeyContainer": "e"})
    other = replace(second, identity_providers=tuple(replace(p, client_id="another-client") if p.domain == "mobileid.ch" else p
                                                     for p in second.identity_providers))

    # When the stack takes B2C's client at Mobile ID from them
    assert custom_policies_mobile_id_client("policies", [first, second]) == ("b2c-contoso-0001", "s")
    with pytest.raises(PolicyError) as refused:
        custom_policies_mobile_id_client("policies", [first, other])

    # Then it refuses, naming each client with the policy that names it
    assert f"'b2c-contoso-0001' ({first.policy_id}) and 'another-client' ({second.policy_id})" in str(refused.value)

    # And so it refuses two secrets (two keys read), naming the policies, never a value
    keyed = replace(second, identity_providers=tuple(replace(p, client_secret="another-secret") if p.domain == "mobileid.ch" else p
                                                     for p in second.identity_providers))
    with pytest.raises(PolicyError) as refused:
        custom_policies_mobile_id_client("policies", [first, keyed])
    assert f"of {first.policy_id} and {second.policy_id} read different client secrets" in str(refused.value)
    assert "another-secret" not in str(refused.value)


def test_a_copy_of_sign_up_or_sign_in_under_the_teams_own_id_is_a_sign_up_or_sign_in_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed's "Add a user journey": copy SignUpOrSignIn into the extensions, give it an Id of your own, and point the relying
    party's DefaultUserJourney at it. The journeys run that policy by default, as they run the starter pack's."""
    import shutil

    # Given the starter pack's files with the journey copied under the team's Id, the relying party pointing at it
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    for name, old, new in (("TrustFrameworkExtensions.xml", '<UserJourney Id="SignUpOrSignIn">', '<UserJourney Id="SignUpSignInMobileID">'),
                           ("SignUpOrSignin.xml", '<DefaultUserJourney ReferenceId="SignUpOrSignIn" />',
                            '<DefaultUserJourney ReferenceId="SignUpSignInMobileID" />')):
        text = (policies / name).read_text()
        assert old in text
        (policies / name).write_text(text.replace(old, new))

    # When the stack describes itself
    from mocks.b2c.policy_keys import parse_policy_key

    monkeypatch.setenv("TEST_FACEBOOK_SECRET", "not-a-real-secret")
    keys = (parse_policy_key("B2C_1A_FacebookSecret=env:TEST_FACEBOOK_SECRET"),)
    described = {p["id"]: p for p in describe(StackConfig(policies_dir=policies, policy_keys=keys))["policies"]}

    # Then that policy signs users up and in, as the starter pack's does (it was not: its journey is not named SignUpOrSignIn)
    assert (described["B2C_1A_signup_signin"]["journey"], described["B2C_1A_signup_signin"]["sign_up_or_sign_in"]) == ("SignUpSignInMobileID", True)
    assert described["B2C_1A_signup_signin_newuser"]["sign_up_or_sign_in"] is True  # the base's journey, by its own Id
    # And the stack says which offers Mobile ID: the copy, not the base's journey the other relying party still runs
    assert (described["B2C_1A_signup_signin"]["offers_mobile_id"], described["B2C_1A_signup_signin_newuser"]["offers_mobile_id"]) == (True, False)



def test_a_custom_policy_whose_mobile_id_is_on_another_host_is_described_with_that_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stack emulates Mobile ID at m.mobileid.ch and openid.mobileid.ch: a team's Mobile ID claims provider (Domain
    mobileid.ch) elsewhere offers no Mobile ID here, and the description says where it sends the browser, for the suite to say."""
    import shutil

    from mocks.b2c.policy_keys import parse_policy_key

    # Given the seed's files with the Mobile ID profile's endpoints on the team's own host
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies, ignore=shutil.ignore_patterns("*.md", "*.toml"))
    extensions = policies / "TrustFrameworkExtensions.xml"
    text = extensions.read_text()
    assert "https://m.mobileid.ch/oidc/authorize" in text
    extensions.write_text(text.replace("https://m.mobileid.ch/", "https://mid.fabrikam.test/"))
    monkeypatch.setenv("TEST_FACEBOOK_SECRET", "not-a-real-secret")
    keys = (parse_policy_key("B2C_1A_FacebookSecret=env:TEST_FACEBOOK_SECRET"),)

    # When the stack describes itself
    described = {p["id"]: p for p in describe(StackConfig(policies_dir=policies, policy_keys=keys))["policies"]}

    # Then its custom policies offer no Mobile ID, and say where their Mobile ID provider is instead
    assert {(p["offers_mobile_id"], p.get("mobile_id_elsewhere")) for p in described.values() if p["kind"] == "custom_policy"} == {
        (False, "https://mid.fabrikam.test/oidc/authorize")}
    # And the seed's own files say nothing of it (their Mobile ID is the stack's)
    assert not any("mobile_id_elsewhere" in p for p in describe(StackConfig(policy_keys=keys))["policies"])
