"""A team's edit to its policy changes what the emulator does: the starter pack run by the stack, in Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from fixtures.tokens import require_contract
from mocks.b2c.policy_keys import parse_policy_key
from mocks.common import net
from mocks.stack import StackConfig, running_stack

from .support import POLICY, copy_pack, edit_policy, jwt_segment


def _sign_up(launch_chromium, folder: Path, tmp_path: Path, msisdn: str, monkeypatch) -> tuple[dict, list[str]]:
    """Sign up with Mobile ID against a stack serving ``folder``; the token's claims and the B2C pages shown."""
    monkeypatch.setenv("TEST_FACEBOOK_SECRET", "not-used-offline")
    config = StackConfig(port=0, state_dir=tmp_path / "state", policies_dir=folder,
                         policy_keys=(parse_policy_key("B2C_1A_FacebookSecret=env:TEST_FACEBOOK_SECRET"),))
    with running_stack(config) as info:
        browser = launch_chromium(info.host_map)
        page = browser.new_context(ignore_https_errors=True).new_page()
        page.set_default_timeout(15000)
        shown: list[str] = []
        page.goto(info.run_urls[POLICY])
        page.locator('#api[data-name="Unified"] button#MobileIDExchange').click()
        page.wait_for_url("https://m.mobileid.ch/**")
        page.fill("#msisdn", msisdn)
        page.click("#mid-continue")
        page.locator("#mid-waiting").wait_for()
        client = net.client(info.host_map, verify=str(info.ca_path))
        assert client.post(f"https://openid.mobileid.ch/control/phones/{quote(msisdn, safe='')}/approve", params={"wait": "5"}).status_code == 200
        page.wait_for_url(lambda url: url.startswith("https://jwt.ms") or "b2clogin.com" in url)
        profile = page.locator('#api[data-name="SelfAsserted"] #continue')
        jwt_ms = page.locator("#claimsTable tbody tr").first
        profile.or_(jwt_ms).wait_for()
        if profile.is_visible():
            shown.append("SelfAsserted")
            profile.click()
        page.wait_for_url("https://jwt.ms/#id_token=*")
        token = parse_qs(urlsplit(page.url).fragment)["id_token"][0]
        claims = jwt_segment(token, 1)
        browser.close()
    return claims, shown


@pytest.mark.browser
def test_starter_pack_signs_up_with_exactly_its_relying_partys_claims(launch_chromium, tmp_path, monkeypatch) -> None:
    claims, shown = _sign_up(launch_chromium, copy_pack(tmp_path / "policies"), tmp_path, "+41791120001", monkeypatch)
    assert shown == ["SelfAsserted"]
    assert claims["name"] == "+41791120001" and claims["idp"] == "mobileid.ch"
    assert "newUser" not in claims and "oid" not in claims  # the starter's relying party emits neither
    assert set(claims) <= {"name", "given_name", "family_name", "email", "sub", "idp", "tid",
                           "exp", "nbf", "ver", "iss", "aud", "nonce", "iat", "auth_time", "acr"}


@pytest.mark.browser
def test_removing_identity_provider_from_the_relying_party_loses_idp(launch_chromium, tmp_path, monkeypatch) -> None:
    folder = copy_pack(tmp_path / "policies")
    edit_policy(folder, "SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="identityProvider" />', "")
    claims, _ = _sign_up(launch_chromium, folder, tmp_path, "+41791120002", monkeypatch)
    assert "idp" not in claims
    with pytest.raises(AssertionError, match=r"ID token has no idp claim.*relying party of B2C_1A_signup_signin.*identityProvider"):
        require_contract(claims, POLICY)


@pytest.mark.browser
def test_a_precondition_that_skips_the_profile_page_skips_it(launch_chromium, tmp_path, monkeypatch) -> None:
    folder = copy_pack(tmp_path / "policies")
    # Step 4 (SelfAsserted-Social) now also skips when identityProvider exists; step 6 writes the user instead.
    text = (folder / "TrustFrameworkExtensions.xml").read_bytes().decode("utf-8-sig")
    step4 = text.index('<OrchestrationStep Order="4"')
    assert "<Preconditions>" in text[step4:text.index("</OrchestrationStep>", step4)], "step 4 has no Preconditions to add to"
    text = text[:step4] + text[step4:].replace("<Preconditions>", """<Preconditions>
            <Precondition Type="ClaimsExist" ExecuteActionsIf="true">
              <Value>identityProvider</Value>
              <Action>SkipThisOrchestrationStep</Action>
            </Precondition>""", 1)
    (folder / "TrustFrameworkExtensions.xml").write_bytes(text.encode())
    claims, shown = _sign_up(launch_chromium, folder, tmp_path, "+41791120003", monkeypatch)
    assert shown == [] and claims["name"] == "+41791120003" and claims["sub"]
