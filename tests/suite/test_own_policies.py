"""policies/README.md "Running the journeys against your own folder": Microsoft's SocialAndLocalAccounts starter pack
with the seed's Mobile ID provider passes the sign-up, sign-in, SSO and token contract journeys, in local mode and in
tenant mode against a stack serving it (the README's two commands)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.process_group import stop_group
from scripts.tenant_mode_against_stack import tenant_mode_env

ROOT = Path(__file__).resolve().parents[2]
STARTER_PACK = "tests/b2c/starterpack/SocialAndLocalAccounts"
JOURNEYS = "test_sign_up.py or test_sign_in.py or test_sso.py or test_token_contract.py"


@pytest.mark.parametrize("mode", ["local", "tenant"])
def test_the_starter_pack_passes_the_core_journeys_both_ways(mode: str, tmp_path: Path) -> None:
    env = {k: v for k, v in tenant_mode_env({}, dict(os.environ)).items() if not k.startswith("PYTEST_XDIST")}
    env.update({"FACEBOOK_SECRET": "not-a-real-secret", "E2E_STACK_POLICIES": STARTER_PACK,
                "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET"})
    options = ["-k", JOURNEYS, "-n", "0", "-q", "-p", "no:cacheprovider", f"--alluredir={tmp_path}"]
    command = [sys.executable, "-m", "pytest", "e2e", *options] if mode == "local" else \
        [sys.executable, "scripts/tenant_mode_against_stack.py", *options]
    # Its own process group, ended whole if the run overstays (under pytest-timeout's 180 s): no stack or browser left behind.
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = run.communicate(timeout=150)
    finally:
        if run.poll() is None:
            stop_group(run)
    assert run.returncode == 0, output[-3000:]
    passed = re.search(r"(\d+) passed", output)
    # Both policies (user flow and the pack's B2C_1A_signup_signin), each journey of the four files, none skipped.
    assert passed and int(passed.group(1)) >= 8 and not re.search(r"\d+ skipped", output), output[-3000:]
    if mode == "tenant":
        assert "tenant mode: B2C tenant contoso" in output and "preflight: all" in output, output[-3000:]
    else:  # the report says which folder the stack served
        assert f"stack_policies={STARTER_PACK}\n" in (tmp_path / "environment.properties").read_text()
