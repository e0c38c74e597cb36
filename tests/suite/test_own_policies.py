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
from tests.suite_run import journeys_with_own_policies, output_of, suite_env, tail

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
    # The texts journey asks in English and German only: the pack offers English alone, so German already shows its pages
    # staying in English for a language it lacks; French and Italian would take that path again (~1 s of CPU each).
    options = ["-k", f"({' or '.join(FILES)}) and {PACK_POLICY} and not chromium-fr and not chromium-it", "-n", "0", "-q", "-rA",
               "-p", "no:cacheprovider", f"--alluredir={tmp_path / 'results'}"]
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
    # Each of the files' journeys passed through the pack's B2C_1A_signup_signin; none skipped.
    passed = re.findall(r"^PASSED e2e/(test_\w+\.py)::\w+\[(b2c_1a?_\w+)-", output, re.M)
    assert {(file, PACK_POLICY) for file in FILES} <= set(passed), tail(output)
    # The texts journey in the pack's own language and in one it lacks (the selection above), each one passed.
    asked_in = re.findall(rf"^PASSED e2e/test_texts.py::test_every_screen_of_a_sign_up_says_what_the_user_is_promised\[{PACK_POLICY}-\w+-(\w+)\]",
                          output, re.M)
    assert sorted(asked_in) == ["de", "en"], f"the texts journey passed in {sorted(asked_in)}, expected ['de', 'en']:\n{tail(output)}"
    assert not re.search(r"\d+ skipped", output), tail(output)
    if mode == "tenant":
        assert "tenant mode: B2C tenant contoso" in output and "preflight: all" in output, tail(output)
        assert token["MOBILEID_CONTROL_TOKEN"] not in output
    else:  # the report says which folder the stack served
        assert f"stack_policies={folder}\n" in (tmp_path / "results" / "environment.properties").read_text()


def starter_pack(tmp_path: Path, *edits: tuple[bytes, bytes]) -> Path:
    """The SocialAndLocalAccounts pack with the seed's Mobile ID provider, its extensions edited as a team's are."""
    folder = tmp_path / "SocialAndLocalAccounts"
    shutil.copytree(ROOT / STARTER_PACKS / "SocialAndLocalAccounts", folder)
    extensions = folder / "TrustFrameworkExtensions.xml"
    text = extensions.read_bytes()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    extensions.write_bytes(text)
    return folder


@pytest.mark.timeout(180)
def test_a_mobile_id_exchange_and_button_of_the_teams_naming_are_found_on_the_sign_in_page(tmp_path: Path) -> None:
    # Given a team's Mobile ID claims provider whose exchange, profile and button are named otherwise than the seed's
    # (B2C renders the button with the exchange's Id and the profile's DisplayName: nothing the portal or a setting names)
    folder = starter_pack(tmp_path, (b"MobileIDExchange", b"SwissMobileIdExchange"), (b"MobileID-OAuth2", b"SwissMobileId-OIDC"),
                          (b"<DisplayName>Mobile-ID</DisplayName>", b"<DisplayName>Sign in with your phone</DisplayName>"))

    # When the sign-up journey and the texts journey run through its policy
    journeys = "test_first_sign_in_creates_the_user_from_mobile_id or test_every_screen_of_a_sign_up_says_what_the_user_is_promised and chromium-en"
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder)}, f"({journeys}) and {PACK_POLICY}", tmp_path)

    # Then they find its button (as the files name it) and pass
    assert status == 0, tail(output)
    assert re.search(rf"^PASSED e2e/test_sign_up.py::test_first_sign_in_creates_the_user_from_mobile_id\[{PACK_POLICY}-", output, re.M), tail(output)


@pytest.mark.timeout(180)
def test_a_profile_page_without_a_required_display_name_is_not_held_to_refusing_an_empty_one(tmp_path: Path) -> None:
    # Given the starter pack as published: its profile page (SelfAsserted-Social) does not require the display name, so
    # B2C accepts an empty one
    folder = starter_pack(tmp_path)

    # When the journey that empties the display name runs through its policy
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder)}, f"test_an_emptied_required_field_is_refused_on_the_page and {PACK_POLICY}", tmp_path)

    # Then it does not fail the tenant for what B2C does with these files: it skips, naming the setting that would require it
    assert status == 5, tail(output)  # every selected journey skipped
    assert re.search(r"^SKIPPED .*SelfAsserted-Social.*displayName.*Required=\"true\"", output, re.M), tail(output)


@pytest.mark.timeout(180)
def test_a_mobile_id_provider_without_the_domain_stops_direct_sign_in_saying_so(tmp_path: Path) -> None:
    # Given a team's Mobile ID claims provider without <Domain>mobileid.ch</Domain>: B2C then ignores domain_hint=mobileid.ch
    # and shows its sign-in page, which never moves on by itself
    folder = starter_pack(tmp_path, (b"<Domain>mobileid.ch</Domain>", b""))

    # When the direct sign-in journey runs through its policy
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder)}, f"test_domain_hint_goes_straight_to_mobile_id and {PACK_POLICY}", tmp_path)

    # Then it fails as the policy's set-up, naming the element to add, not as a page that changed
    assert status == 1, tail(output)
    assert re.search(r"^1 x tenant configuration: B2C showed its sign-in page for domain_hint=mobileid\.ch", output, re.M), tail(output)
    assert "needs <Domain>mobileid.ch</Domain>" in output, tail(output)


@pytest.mark.timeout(180)
def test_a_mobile_id_profile_that_keeps_no_session_fails_the_smokes_sign_in_as_no_single_sign_on(tmp_path: Path) -> None:
    # Given a team's Mobile ID profile whose session manager remembers nothing (SM-Noop): B2C sends a user who signed in in
    # this browser to the phone again, for every app (the smoke passed such a release: only the nightly's SSO journey saw it)
    folder = starter_pack(tmp_path, (b'<UseTechnicalProfileForSessionManagement ReferenceId="SM-SocialLogin" />',
                                     b'<UseTechnicalProfileForSessionManagement ReferenceId="SM-Noop" />'))

    # When the smoke's sign-in journey runs through its policy
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder)}, f"test_returning_user_signs_in_without_the_profile_page and {PACK_POLICY}", tmp_path)

    # Then it fails at once as the policy's set-up, naming where the browser went and what keeps a session
    assert status == 1, tail(output)
    assert re.search(r"^1 x tenant configuration: no single sign-on: a user signed in in this browser was sent to Mobile ID's page again$",
                     output, re.M), tail(output)
    assert "UseTechnicalProfileForSessionManagement a session manager that remembers it (SM-SocialLogin" in output, tail(output)


@pytest.mark.timeout(180)
def test_a_localization_offering_fewer_languages_holds_the_pages_to_those_it_offers(tmp_path: Path) -> None:
    # Given a team's extensions whose <Localization> adds German alone to the starter pack's English
    folder = starter_pack(tmp_path, (b" <BuildingBlocks>\n      \n  </BuildingBlocks>",
                                     b' <BuildingBlocks>\n    <Localization Enabled="true">\n      <SupportedLanguages DefaultLanguage="en" '
                                     b'MergeBehavior="Append">\n        <SupportedLanguage>de</SupportedLanguage>\n      </SupportedLanguages>\n'
                                     b'    </Localization>\n  </BuildingBlocks>'))

    # When the language journeys run through its policy
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder)}, f"test_languages.py and {PACK_POLICY}", tmp_path)

    # Then they pass, B2C's pages following ui_locales in the two it offers (they skipped: "not all of en, de, fr, it")
    assert status == 0, tail(output)
    for journey in ("test_each_language_reaches_b2c_and_mobile_id_pages", "test_profile_page_follows_the_language"):
        assert re.search(rf"^PASSED e2e/test_languages.py::{journey}\[{PACK_POLICY}-", output, re.M), tail(output)


@pytest.mark.timeout(180)
def test_a_sub_the_relying_party_takes_from_another_claim_than_oid_is_not_held_to_equal_it(tmp_path: Path) -> None:
    # Given a team's relying party that outputs Mobile ID's subject as sub and the object id as oid: B2C emits both as
    # the policy says, two values
    folder = starter_pack(tmp_path)
    relying_party = folder / "SignUpOrSignin.xml"
    relying_party.write_bytes(relying_party.read_bytes().replace(
        b'<OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>',
        b'<OutputClaim ClaimTypeReferenceId="issuerUserId" PartnerClaimType="sub"/><OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="oid"/>'))

    # When the token contract journey runs through its policy
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder)}, f"test_token_contract.py and {PACK_POLICY}", tmp_path)

    # Then it passes (it failed: "ID token oid ... differs from sub ...", which holds for a user flow alone)
    assert status == 0, tail(output)
    assert re.search(rf"^PASSED e2e/test_token_contract.py::test_id_token_carries_every_claim_of_the_contract\[{PACK_POLICY}-", output, re.M), tail(output)


@pytest.mark.timeout(180)
def test_a_contract_claim_the_mobile_id_profile_outputs_and_mobile_id_does_not_send_is_said_as_the_folder_has_it(tmp_path: Path) -> None:
    # Given a team's Mobile ID profile that outputs email, which Mobile ID's ID token does not carry, and an app that needs it
    folder = starter_pack(tmp_path, (b'<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>',
                                     b'<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>'
                                     b'<OutputClaim ClaimTypeReferenceId="email" PartnerClaimType="email"/>'))

    # When the token contract journey runs through its policy
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder), "E2E_TOKEN_CONTRACT": "name,idp,tid,email"},
                                                f"test_id_token_carries_every_claim_of_the_contract and {PACK_POLICY}", tmp_path)

    # Then it fails as the contract's missing claim, saying what the folder served shows: the relying party outputs email and
    # the Mobile ID profile does (policies/, where no step of a Mobile ID sign-in outputs it, would say that instead)
    assert status == 1, tail(output)
    assert re.search(r"^1 x ID token contract: email: expected present, got missing$", output, re.M), tail(output)
    assert ('which already outputs it from the claim type email (<OutputClaim ClaimTypeReferenceId="email" />), yet it has no value '
            "in the token; the technical profiles that output email on a Mobile ID sign-in's way through its user journey "
            "SignUpOrSignIn: MobileID-OAuth2") in output, tail(output)
