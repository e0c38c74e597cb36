"""policies/README.md "Running the journeys against your own folder": Microsoft's SocialAndLocalAccounts and SocialAccounts
starter packs with the seed's Mobile ID provider pass the sign-up, sign-in, SSO and token contract journeys, in local mode (both)
and in tenant mode against a stack serving it (the first; the README's two commands), with its Mobile ID button named as a team names it:
the journeys read the button's name from the folder served (E2E_STACK_POLICIES) or the tenant's files (B2C_POLICY_FILES),
not from policies/."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.process_group import stop_group
from tests.suite_run import output_of, suite_env, tail

ROOT = Path(__file__).resolve().parents[2]
STARTER_PACKS = "tests/b2c/starterpack"
FILES = ("test_sign_up.py", "test_sign_in.py", "test_sso.py", "test_token_contract.py", "test_texts.py")
PACK_POLICY = "b2c_1a_signup_signin"


@pytest.mark.timeout(300)  # a stack and five journeys, tenant mode's preflight too, on a busy machine; the run itself is ended at 270 s
# SocialAccounts: social accounts only (no local account form on its sign-in page), the same journeys pass; in local mode
# only (tenant mode reads a team's folder as the run above shows: a second pack there would prove nothing more).
@pytest.mark.parametrize(("pack", "mode"), [("SocialAndLocalAccounts", "local"), ("SocialAndLocalAccounts", "tenant"),
                                           ("SocialAccounts", "local")])
def test_the_starter_pack_passes_the_core_journeys_both_ways(pack: str, mode: str, tmp_path: Path) -> None:
    # In tenant mode, a control token of the caller's, which the stack then asks for (a local run refuses one).
    token = {"MOBILEID_CONTROL_TOKEN": "callers-own-control-token-4711"} if mode == "tenant" else {}
    folder = tmp_path / pack
    shutil.copytree(ROOT / STARTER_PACKS / pack, folder)
    extensions = folder / "TrustFrameworkExtensions.xml"
    extensions.write_bytes(extensions.read_bytes().replace(b"<DisplayName>Mobile-ID</DisplayName>", b"<DisplayName>Swiss Mobile ID</DisplayName>"))
    env = suite_env({"FACEBOOK_SECRET": "not-a-real-secret", "E2E_STACK_POLICIES": str(folder),
                     "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET", **token})
    # The pack's relying party only: the user flow is the stack's own, whatever folder it serves (its journeys are the
    # local and tenant-mode runs' of make test).
    options = ["-k", f"({' or '.join(FILES)}) and {PACK_POLICY}", "-n", "0", "-q", "-rA", "-p", "no:cacheprovider", f"--alluredir={tmp_path / 'results'}"]
    command = [sys.executable, "-m", "pytest", "e2e", *options] if mode == "local" else \
        [sys.executable, "scripts/tenant_mode_against_stack.py", *options]  # which gives the journeys B2C_POLICY_FILES
    # Its own process group, ended whole if the run overstays (before pytest-timeout): no stack or browser left behind.
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output = output_of(run, timeout=270)  # a process it left holding its output is named, not waited for
    finally:
        if run.poll() is None:
            stop_group(run)
    assert run.returncode == 0, tail(output)
    # Each of the four files' journeys passed through the pack's B2C_1A_signup_signin; none skipped.
    passed = re.findall(r"^PASSED e2e/(test_\w+\.py)::\w+\[(b2c_1a?_\w+)-", output, re.M)
    assert {(file, PACK_POLICY) for file in FILES} <= set(passed), tail(output)
    assert not re.search(r"\d+ skipped", output), tail(output)
    if mode == "tenant":
        assert "tenant mode: B2C tenant contoso" in output and "preflight: all" in output, tail(output)
        assert token["MOBILEID_CONTROL_TOKEN"] not in output
    else:  # the report says which folder the stack served
        assert f"stack_policies={folder}\n" in (tmp_path / "results" / "environment.properties").read_text()
