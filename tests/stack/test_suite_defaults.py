"""The journey suite's local defaults are what the running stack serves (the suite imports them from the emulators)."""

from __future__ import annotations

import pytest

from fixtures.mobile_id import ROBOTS
from fixtures.settings import build_settings
from mocks.common import net
from mocks.mobileid.outcomes import behaviour_for
from mocks.stack import StackInfo


def test_the_suites_app_policies_and_mobile_id_client_are_the_stacks(local_stack: StackInfo) -> None:
    settings = build_settings({})
    apps = {app.client_id: app for app in local_stack.b2c_settings.apps}
    assert settings.client_id in apps and settings.redirect_uri in apps[settings.client_id].redirect_uris
    served = {p.policy_id for p in local_stack.b2c_settings.policies}
    assert set(settings.policies) <= served, served
    mobileid = local_stack.apps["mobileid"].state.mobileid.settings
    assert settings.idp_client_id == mobileid.clients[0].client_id
    assert settings.tenant == local_stack.tenant


def test_the_suites_control_url_reaches_the_stacks_control_api(local_stack: StackInfo) -> None:
    control_url = build_settings({}).control_url
    with net.client(local_stack.host_map, verify=net.trust(local_stack.ca_path)) as http:
        answer = http.post(f"{control_url}/reset")
    assert answer.status_code == 200 and answer.json() == {"reset": True}


@pytest.mark.parametrize("outcome", list(ROBOTS))
def test_each_robot_number_gives_its_outcome(local_stack: StackInfo, outcome: str) -> None:
    mobileid = local_stack.apps["mobileid"].state.mobileid.settings
    assert behaviour_for(ROBOTS[outcome], mobileid).outcome == outcome  # type: ignore[index]
