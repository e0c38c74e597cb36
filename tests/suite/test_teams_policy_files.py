"""A team's own custom policy files on day one (policies/README.md, "Running the journeys against your own folder"): the
starter pack with the seed's Mobile ID provider as a team has it after following the starter pack's readme and the seed
article, their tenant's name and the client id Swisscom gave them in it. The journeys run through those files unedited, as
they would upload them, not through a copy made to fit the stack."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.mobile_id import fresh_number
from mocks.__main__ import served_tenant
from mocks.b2c.policy_keys import parse_policy_key
from mocks.stack import StackConfig
from tests.journeys_in_process import JourneyParts, journey_parts

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "tests" / "b2c" / "starterpack" / "SocialAndLocalAccounts"
TEAMS_CLIENT = "7f3c9a52-1b6e-4d0a-9c2f-5e8d7a4b3c21"  # as Swisscom gives one: a GUID, not the stack's b2c-contoso-0001
POLICY = "B2C_1A_SUSI_MobileID"
TEAMS_KEY = "B2C_1A_SwisscomMobileIdSecret"


def teams_files(folder: Path) -> Path:
    """The pack with the team's tenant (fabrikam, where the starter pack's readme says to write it), their Mobile ID client
    id (step 4 of the seed article), the policy key holding its secret named their way (the seed's is an example), and a
    relying party of their own name."""
    shutil.copytree(PACK, folder)
    for file in folder.glob("*.xml"):
        text = file.read_bytes().replace(b"contoso.onmicrosoft.com", b"fabrikam.onmicrosoft.com").replace(b"b2c-contoso-0001", TEAMS_CLIENT.encode())
        file.write_bytes(text.replace(b"B2C_1A_MobileIdSecret", TEAMS_KEY.encode()).replace(b"B2C_1A_signup_signin", POLICY.encode()))
    return folder


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory, launch_chromium: Any) -> Iterator[JourneyParts]:
    folder = teams_files(tmp_path_factory.mktemp("team") / "policies")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TEAMS_FACEBOOK_SECRET", "not-a-real-secret")
        env.setenv("TEAMS_MOBILE_ID_SECRET", "the-secret-swisscom-gave-the-team")
        keys = (parse_policy_key("B2C_1A_FacebookSecret=env:TEAMS_FACEBOOK_SECRET"), parse_policy_key(f"{TEAMS_KEY}=env:TEAMS_MOBILE_ID_SECRET"))
        config = StackConfig(tenant=served_tenant(folder), policies_dir=folder, policy_keys=keys)
        with journey_parts(tmp_path_factory.mktemp("stack"), launch_chromium, {"E2E_STACK_POLICIES": str(folder)}, config) as running:
            yield running


def test_the_stack_serves_the_teams_tenant_and_registers_their_mobile_id_client(parts: JourneyParts) -> None:
    # Given the team's files, written for their tenant, their Mobile ID profile's client_id the one Swisscom gave them
    # When the stack serves them (the tenant as `python -m mocks serve --policies` takes it: from the files)
    # Then it is their tenant, and B2C's client at its Mobile ID is theirs: the journeys hold B2C's request to Mobile ID
    # to that client, not to the stack's b2c-contoso-0001
    assert (parts.settings.tenant, parts.settings.idp_client_id) == ("fabrikam", TEAMS_CLIENT)


@pytest.mark.parametrize("policy", [POLICY, "B2C_1_signupsignin"])
def test_a_sign_up_through_the_teams_unedited_files_reaches_the_app(parts: JourneyParts, policy: str) -> None:
    # Given the team's files as they would upload them, and the stack's own user flow beside them (B2C signs in at Mobile
    # ID as one client, whichever kind of policy asks)
    journey = parts.journey()

    # When a new user signs up through either
    claims = journey.sign_up(policy, fresh_number())

    # Then B2C asked Mobile ID as the team's client (the journey checks that request: a wrong client_id fails it, naming
    # the profile's Metadata item), redeemed the code with the secret of their key (Mobile ID registered B2C with it: another
    # is AADB2C90289 invalid_client) and the token, signed by their tenant, names the policy
    assert (claims.get("tfp") or claims.get("acr", "")).lower() == policy.lower()
    assert "fabrikam" in claims["iss"]
