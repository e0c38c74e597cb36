"""The token contract and the tenant settings a team's policies bring: language customization, a policy folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures import texts
from fixtures.settings import SettingsError, build_settings
from fixtures.stack_description import serve_command
from fixtures.tokens import contract_claims, require_contract
from tests.suite_run import tail

TENANT = {"E2E_TARGET": "tenant", "B2C_TENANT": "contoso", "B2C_POLICIES": "B2C_1A_signup_signin", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
          "MOBILEID_CONTROL_URL": "https://mid.contoso.test/control"}


def test_default_contract_is_what_the_seeds_set_up_issues() -> None:
    assert contract_claims("B2C_1_signupsignin") == ("name", "idp", "newUser", "oid")
    assert contract_claims("B2C_1A_signup_signin") == ("name", "idp", "tid")
    configured = build_settings({"E2E_TOKEN_CONTRACT": "name, newUser"}).token_contract
    assert contract_claims("B2C_1A_signup_signin", configured) == ("name", "newUser")


def test_a_missing_claim_names_the_claim_and_where_it_is_emitted() -> None:
    with pytest.raises(AssertionError) as info:
        require_contract({"name": "n", "tid": "t"}, "B2C_1A_signup_signin")
    # (the seed's relying party outputs identityProvider already, and steps a Mobile ID sign-in takes output it: the files
    # show no more than that, so that is what is said)
    assert str(info.value) == ("ID token has no idp claim, which the app's token contract needs; it is emitted by the relying party "
                               "of B2C_1A_signup_signin, which already outputs it from the claim type identityProvider "
                               '(<OutputClaim ClaimTypeReferenceId="identityProvider" />), yet it has no value in the token; the '
                               "technical profiles that output identityProvider on a Mobile ID sign-in's way through its user journey "
                               "SignUpOrSignIn: MobileID-OAuth2, SelfAsserted-Social, AAD-UserWriteUsingAlternativeSecurityId "
                               "(E2E_TOKEN_CONTRACT is unset, so the seed's set-up's contract is held: name, idp, tid; if your app "
                               "does not rely on idp, set E2E_TOKEN_CONTRACT to the claims it does)")
    # A contract the team set is theirs: nothing to say about the seed's
    with pytest.raises(AssertionError) as configured:
        require_contract({"name": "n", "tid": "t"}, "B2C_1A_signup_signin", ("name", "idp"))
    assert str(configured.value).endswith("AAD-UserWriteUsingAlternativeSecurityId")
    # A claim the relying party does not output: the OutputClaim to add
    with pytest.raises(AssertionError) as not_output:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "oid"))
    assert str(not_output.value) == ("ID token has no oid claim, which the app's token contract needs; it is emitted by the relying "
                                     "party of B2C_1A_signup_signin (its RelyingParty/TechnicalProfile/OutputClaims: <OutputClaim "
                                     'ClaimTypeReferenceId="objectId" PartnerClaimType="oid" />)')
    with pytest.raises(AssertionError, match=r"no newUser claim.*Application claims: User is new"):
        require_contract({"name": "n", "idp": "i", "oid": "o"}, "B2C_1_signupsignin", sign_up=True)
    require_contract({"name": "n", "idp": "i", "oid": "o"}, "B2C_1_signupsignin")  # returning users carry no newUser
    # A claim the user types on the profile page may be missing because it was left empty: said, with both fixes.
    with pytest.raises(AssertionError) as typed:
        require_contract({"name": "n", "idp": "i", "oid": "o"}, "B2C_1_signupsignin", ("name", "given_name"))
    assert "Application claims: Given Name" in str(typed.value) and "the user left Given Name empty on the profile page" in str(typed.value)
    assert "leave the claim out of E2E_TOKEN_CONTRACT" in str(typed.value)
    # ... or sent without a value, which the reference does not rule out: no value either
    with pytest.raises(AssertionError, match=r"^ID token carries given_name without a value, which the app's token contract needs"):
        require_contract({"name": "n", "idp": "i", "oid": "o", "given_name": ""}, "B2C_1_signupsignin", ("name", "given_name"))
    require_contract({"name": "n", "idp": "i", "oid": "o", "newUser": False}, "B2C_1_signupsignin", sign_up=True)  # false is a value


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))
    texts.read_policies_from(str(path.parent))


NO_EMAIL_ON_THE_WAY = ("ID token has no email claim, which the app's token contract needs; it is emitted by the relying party of "
                       'B2C_1A_signup_signin, which already outputs it from the claim type email (<OutputClaim ClaimTypeReferenceId="email" />); '
                       "what is missing is a value: no step a Mobile ID sign-in takes through its user journey SignUpOrSignIn gives email "
                       "one (only Facebook-OAUTH and LocalAccountSignUpWithLogonEmail output it, which other sign-ins run): have a "
                       "technical profile of those steps output email (Mobile ID's MobileID-OAuth2, from a claim Mobile ID sends: sub, name "
                       "(the phone number), phone_number, phone_number_verified and its mid_ claims, reference mobileid.md section 2; "
                       "or the profile page's SelfAsserted-Social, which asks the user), or give that OutputClaim a DefaultValue")


def test_a_claim_the_relying_party_outputs_and_no_step_gives_a_value_is_said_so_not_to_be_added(policies: Path) -> None:
    """The seed's relying party outputs email, which only Facebook's and the local account's profiles output: a Mobile ID
    user's token never carries it. Telling the team to add the OutputClaim they have sent them the wrong way; so would
    having Mobile ID's profile output email, which Mobile ID does not send: the message names what it sends."""
    from fixtures.causes import TOKEN_CONTRACT, JourneyFailure

    # Given the seed's files, read as the run's, and an app whose contract needs email
    # When a token comes without it
    with pytest.raises(JourneyFailure) as failure:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))

    # Then the message says the relying party has it and what it lacks: a value, from a step the Mobile ID sign-in takes
    assert str(failure.value) == NO_EMAIL_ON_THE_WAY
    assert (failure.value.cause.name, failure.value.cause.detail) == (TOKEN_CONTRACT, "email: expected present, got missing")

    # And a DefaultValue of the OutputClaim is a value the files show: the message then says no more than the token lacks it
    edit(policies / "SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="email" />',
         '<OutputClaim ClaimTypeReferenceId="email" DefaultValue="{OIDC:LoginHint}" />')
    with pytest.raises(JourneyFailure) as defaulted:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))
    assert str(defaulted.value).endswith('(<OutputClaim ClaimTypeReferenceId="email" DefaultValue="{OIDC:LoginHint}" />), yet it has '
                                         "no value in the token"), str(defaulted.value)

    # And so is a claims transformation of the relying party's own that may output it (one the files lack may)
    edit(policies / "SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="email" DefaultValue="{OIDC:LoginHint}" />',
         '<OutputClaim ClaimTypeReferenceId="email" />')
    edit(policies / "SignUpOrSignin.xml", "</OutputClaims>", "</OutputClaims>\n      <OutputClaimsTransformations><OutputClaimsTransformation "
         'ReferenceId="CreateEmailFromPhone" /></OutputClaimsTransformations>')
    with pytest.raises(JourneyFailure) as transformed:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))
    assert str(transformed.value).endswith('(<OutputClaim ClaimTypeReferenceId="email" />), yet it has no value in the token'), str(transformed.value)

    # And so is an InputClaim of the relying party's (a value the app sends, as in an id_token_hint)
    edit(policies / "SignUpOrSignin.xml", '<OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="CreateEmailFromPhone" />'
         "</OutputClaimsTransformations>", "")
    edit(policies / "SignUpOrSignin.xml", '<Protocol Name="OpenIdConnect" />',
         '<Protocol Name="OpenIdConnect" />\n      <InputClaims><InputClaim ClaimTypeReferenceId="email" /></InputClaims>')
    with pytest.raises(JourneyFailure) as sent:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))
    assert str(sent.value).endswith('(<OutputClaim ClaimTypeReferenceId="email" />), yet it has no value in the token'), str(sent.value)


@pytest.mark.parametrize(("transformation", "defined", "no_step"), [
    ("EmailFromLoginHint", '<ClaimsTransformation Id="EmailFromLoginHint" TransformationMethod="CopyClaim"><OutputClaims>'
     '<OutputClaim ClaimTypeReferenceId="email" TransformationClaimType="outputClaim" /></OutputClaims></ClaimsTransformation>', False),
    ("EmailFromLoginHint", "", False),  # one the files lack may output it too
    ("CreateOtherMailsFromEmail", "", True),  # the seed's, which outputs otherMails only: the page gives email none
], ids=["outputs the claim type", "not in the files", "outputs another claim type"])
def test_a_claim_the_sign_in_pages_own_profile_may_set_as_it_shows_is_not_said_to_have_no_step(
        policies: Path, transformation: str, defined: str, no_step: bool) -> None:
    """The sign-in page's local account profile may run its InputClaimsTransformations as B2C shows the page, before Mobile
    ID is picked; whether it does, and whether their claims stay for the rest of the sign-in, the reference does not say
    (Unconfirmed): no "no step gives it" where one may output the claim type."""
    from fixtures.causes import JourneyFailure

    edit(policies / "TrustFrameworkBase.xml", '<TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email">',
         '<TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email"><InputClaimsTransformations><InputClaimsTransformation '
         f'ReferenceId="{transformation}" /></InputClaimsTransformations>')
    if defined:
        edit(policies / "TrustFrameworkBase.xml", "<ClaimsTransformations>", f"<ClaimsTransformations>{defined}")
    with pytest.raises(JourneyFailure) as failure:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))
    if no_step:
        assert str(failure.value) == NO_EMAIL_ON_THE_WAY
    else:
        assert str(failure.value).endswith('(<OutputClaim ClaimTypeReferenceId="email" />), yet it has no value in the token'), str(failure.value)


def test_a_claim_of_another_claim_type_is_said_by_the_claim_type_the_relying_party_maps_to_it(policies: Path) -> None:
    # Given a team's relying party that outputs given_name from a claim type of its own, which no step outputs
    edit(policies / "SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="givenName" />',
         '<OutputClaim ClaimTypeReferenceId="preferredGivenName" PartnerClaimType="given_name" />')

    # When a token comes without given_name
    with pytest.raises(AssertionError) as info:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "given_name"))

    # Then the message names that claim type, and not the user's leaving the field empty: no page asked for it
    said = str(info.value)
    assert ('which already outputs it from the claim type preferredGivenName (<OutputClaim ClaimTypeReferenceId="preferredGivenName" '
            'PartnerClaimType="given_name" />); what is missing is a value: no step a Mobile ID sign-in takes through its user journey '
            "SignUpOrSignIn gives preferredGivenName one: have a technical profile of those steps output preferredGivenName") in said, said
    assert "left Given Name empty" not in said, said


def test_a_claim_the_relying_party_does_not_output_or_files_that_are_not_the_tenants_keep_the_outputclaim_to_add(policies: Path) -> None:
    # Given a team's relying party without email
    edit(policies / "SignUpOrSignin.xml", '<OutputClaim ClaimTypeReferenceId="email" />', "")

    # When a token comes without it, then the OutputClaim to add is named, as it always was
    today = ("ID token has no email claim, which the app's token contract needs; it is emitted by the relying party of "
             'B2C_1A_signup_signin (its RelyingParty/TechnicalProfile/OutputClaims: <OutputClaim ... PartnerClaimType="email" />)')
    with pytest.raises(AssertionError) as info:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))
    assert str(info.value) == today

    # And against a tenant whose files the run was not given (B2C_POLICY_FILES unset), policies/ stands in for the texts
    # alone: what they output says nothing of the tenant's relying party
    texts.read_policies_from(None, known=build_settings(TENANT).policy_files_known)
    with pytest.raises(AssertionError) as tenants:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))
    assert str(tenants.value) == today
    # (given them, or the local stack's, they are the files B2C runs)
    assert build_settings({**TENANT, "B2C_POLICY_FILES": str(texts.SEED_POLICIES_DIR)}).policy_files_known
    assert build_settings({}).policy_files_known


def test_the_contract_journey_says_what_the_files_the_stack_serves_lack_for_a_claim_the_relying_party_outputs() -> None:
    """The journey reads the files the local stack serves (the seed's), where a Mobile ID sign-in gives email no value:
    its failure says so, filed under the contract's cause as any missing claim is."""
    from tests.suite_run import pytest_e2e

    run = pytest_e2e("-k", "test_id_token_carries_every_claim_of_the_contract and b2c_1a_signup_signin", "-n", "0", "--tb=short",
                     E2E_TOKEN_CONTRACT="name,idp,tid,email")
    found = [line for line in run.stdout.splitlines() if line[:1].isdigit() and " x " in line]  # the causes section's counts
    assert run.returncode == 1 and "1 failed" in run.stdout, tail(run.stdout, 2000)
    assert found == ["1 x ID token contract: email: expected present, got missing"], tail(run.stdout, 2000)
    assert NO_EMAIL_ON_THE_WAY in run.stdout, tail(run.stdout, 2000)


def test_every_missing_claim_of_the_contract_is_named_the_first_as_the_cause() -> None:
    """A user flow whose Application claims lost two of the contract's: one failure names both (not one a night), grouped
    by the first, as the token's other wrong claims are (fixtures/tokens.py WrongClaims)."""
    from fixtures.causes import TOKEN_CONTRACT, JourneyFailure, classify_text

    with pytest.raises(JourneyFailure) as failure:
        require_contract({"name": "n", "newUser": True}, "B2C_1_signupsignin", sign_up=True)
    said = str(failure.value)
    assert said.startswith("ID token has no idp claim") and "; also: ID token has no oid claim" in said, said
    assert "Application claims: Identity Provider" in said and "Application claims: User's Object ID" in said, said
    assert said.count("E2E_TOKEN_CONTRACT is unset") == 1, said  # the seed's contract said once, not per claim
    assert (failure.value.cause.name, failure.value.cause.detail) == (TOKEN_CONTRACT, "idp: expected present, got missing")
    assert failure.value.also == ("oid: expected present, got missing",)
    assert classify_text(said).detail == "idp: missing"  # its words alone (a rerun's, a merged shard's): the first claim


@pytest.mark.parametrize("sign_up", [True, False], ids=["sign-up", "returning user"])
def test_a_user_flows_token_without_oid_fails_naming_it_for_new_and_returning_users_alike(sign_up: bool) -> None:
    """Only newUser is left out of a returning user's token; the object id the app keys its users by is in every one."""
    from fixtures.causes import TOKEN_CONTRACT, JourneyFailure

    claims = {"name": "n", "idp": "i", "newUser": True} if sign_up else {"name": "n", "idp": "i"}
    with pytest.raises(JourneyFailure, match=r"ID token has no oid claim.*Application claims: User's Object ID") as failure:
        require_contract(claims, "B2C_1_signupsignin", sign_up=sign_up)
    assert (failure.value.cause.name, failure.value.cause.detail) == (TOKEN_CONTRACT, "oid: expected present, got missing")


@pytest.mark.parametrize("separator", [" ", ";", "; "])
def test_policy_keys_separated_otherwise_than_by_commas_are_said_so(separator: str) -> None:
    """A team's two keys written with a space or ';' were one key whose variable was "FB B2C_1A_..."; the stack then said
    that variable was not set, as if a secret were missing, where the separator is what is wrong."""
    keys = f"B2C_1A_FacebookSecret=env:FB{separator}B2C_1A_SwisscomSecret=file:swisscom.txt"
    with pytest.raises(SettingsError, match=r"E2E_STACK_POLICY_KEYS: its key number 1 holds more than one NAME=env:VARIABLE or "
                                            r"NAME=file:PATH, .*; separate the keys with commas"):
        build_settings({"E2E_STACK_POLICY_KEYS": keys})
    assert build_settings({"E2E_STACK_POLICY_KEYS": keys.replace(separator, ",")}).stack_policy_keys == tuple(keys.split(separator))


def test_language_customization_is_on_locally_and_off_against_a_tenant() -> None:
    assert build_settings({}).language_customization is True
    assert build_settings(TENANT).language_customization is False
    assert build_settings({**TENANT, "B2C_LANGUAGE_CUSTOMIZATION": "on"}).language_customization is True
    assert "--language-customization" not in serve_command(__import__("pathlib").Path("/tmp"), ())
    assert serve_command(__import__("pathlib").Path("/tmp"), (), False)[-2:] == ["--language-customization", "off"]


def test_a_policy_folder_for_the_local_stack(tmp_path) -> None:
    settings = build_settings({"E2E_STACK_POLICIES": str(tmp_path), "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FB"})
    command = serve_command(tmp_path, (), True, settings.stack_policies, settings.stack_policy_keys)
    assert command[-4:] == ["--policies", str(tmp_path.resolve()), "--policy-key", "B2C_1A_FacebookSecret=env:FB"]
    with pytest.raises(SettingsError) as info:
        build_settings({"E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=hunter2"})
    assert "hunter2" not in str(info.value) and "never the secret" in str(info.value)
    # The secret itself, typed where NAME=env:VARIABLE goes (alone, or a base64 one whose padding reads as NAME=): the
    # setting is no secret by its name, so nothing else would redact its value in the run's first lines
    for typed, secret in (("Zx9SuperSecretValue_0123456789abcdefQW", "Zx9SuperSecretValue"),
                          ("B2C_1A_FacebookSecret=env:FB,c2VjcmV0c2Vj+cmV0c2VjcmV0/c2VjcmV0==", "c2VjcmV0c2Vj")):
        with pytest.raises(SettingsError) as info:
            build_settings({"E2E_STACK_POLICY_KEYS": typed})
        assert secret not in str(info.value) and "never the secret" in str(info.value), str(info.value)
    with pytest.raises(SettingsError) as info:  # a name of a policy key is named
        build_settings({"E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret"})
    assert "B2C_1A_FacebookSecret must be NAME=env:VARIABLE" in str(info.value), str(info.value)
    with pytest.raises(SettingsError, match="only apply to E2E_TARGET=local"):
        build_settings({**TENANT, "E2E_STACK_POLICIES": str(tmp_path)})


def test_a_contract_without_name_and_idp_leaves_their_checks_out() -> None:
    """docs/suite.md, E2E_TOKEN_CONTRACT: the sign-up and contract journeys check name and idp only when the list has
    them. A B2C that emits another idp fails the default contract's journeys, as one cause (the direct sign-in's, which
    also compares the sign-up's idp, was a cause of its own: "expected the sign-up's 'google.com', ..., got 'google.com'"),
    under both policies though each may say another idp (a user flow's may be Mobile ID's issuer), and passes one that does
    not rely on idp."""
    from tests.suite_run import pytest_e2e

    select = ("-k", "(test_first_sign_in_creates_the_user_from_mobile_id or test_id_token_carries_every_claim_of_the_contract or "
                    "test_domain_hint_goes_straight_to_mobile_id)", "-n", "0", "--tb=no")
    default = pytest_e2e(*select, E2E_STACK_FAULTS="wrong-idp")
    found = [line for line in default.stdout.splitlines() if line[:1].isdigit() and " x " in line]  # the causes section's counts
    assert default.returncode == 1 and "6 failed" in default.stdout, tail(default.stdout, 2000)
    assert found == ["6 x ID token contract: idp: expected Mobile ID's name (as the policy or user flow gives it), got 'google.com'"], tail(default.stdout, 2000)
    user_flow = (select[0], f"({select[1]}) and b2c_1_signupsignin", *select[2:])  # the contract below is a user flow's
    without = pytest_e2e(*user_flow, E2E_STACK_FAULTS="wrong-idp", E2E_TOKEN_CONTRACT="name oid newUser")
    assert without.returncode == 0 and "3 passed" in without.stdout, tail(without.stdout, 2000)


def test_a_token_without_name_is_one_cause_in_every_journey_that_checks_the_name() -> None:
    """The fault name-claim-missing in each journey that checks the name claim (sign-up, the contract, the profile page's
    edits, a phone's sign-up): each finds it by the token contract's check, so the report shows one cause, not one per
    journey's own words (a bare assert on the name: cause "other", or a detail quoting each journey's phone number)."""
    from tests.suite_run import pytest_e2e

    select = ("-k", "(test_first_sign_in_creates_the_user_from_mobile_id or test_id_token_carries_every_claim_of_the_contract or "
                    "test_profile_changes_reach_the_token or test_an_emptied_required_field or test_sign_up_on_a_phone) and b2c_1_signupsignin",
              "-n", "0", "--tb=no")
    run = pytest_e2e(*select, E2E_STACK_FAULTS="name-claim-missing")
    found = [line for line in run.stdout.splitlines() if line[:1].isdigit() and " x " in line]  # the causes section's counts
    assert run.returncode == 1 and "5 failed" in run.stdout, tail(run.stdout, 2000)
    assert found == ["5 x ID token contract: name: expected present, got missing"], tail(run.stdout, 2000)


def test_a_wrong_name_is_one_cause_whatever_number_each_journey_signed_in_with() -> None:
    """Every journey that checks the name calls require_named_after: the same typed cause for every number, where three
    journeys' own words once gave one wrong name two causes."""
    from fixtures.causes import TOKEN_CONTRACT, JourneyFailure
    from fixtures.tokens import require_named_after

    for wrong, got in (("Anna Meier", "'Anna Meier'"), ("+41790000000", "a phone number")):  # a number: another journey's
        found = set()
        for number in ("+41791234567", "+41757654321"):
            require_named_after({"name": number}, number, "B2C_1_signupsignin")  # named after the phone: nothing to say
            with pytest.raises(JourneyFailure) as failure:
                require_named_after({"name": wrong}, number, "B2C_1_signupsignin")
            assert f"expected the display name {number!r}" in str(failure.value)
            found.add(failure.value.cause)
        assert [(cause.name, cause.detail) for cause in found] == [
            (TOKEN_CONTRACT, f"name: expected the phone number Mobile ID gives as the display name, got {got}")]
    require_named_after({}, "+41791234567", "B2C_1A_signup_signin", ("idp",))  # a contract without name: not checked


def test_the_journeys_claim_checks_given_one_wrong_claims_name_every_wrong_claim_in_one_failure() -> None:
    """The sign-up's and the contract journey's own checks of a token stopped at the first that failed: a token with a wrong
    name and a wrong idp showed one a night. Given the journey's WrongClaims, each adds its wrong claim in its own words and
    raises nothing; the journey raises once, the first its cause (as when alone), the others after it and in ``also``."""
    from fixtures.causes import TOKEN_CONTRACT, Cause, JourneyFailure
    from fixtures.tokens import WrongClaims, require_auth_time_since, require_mobile_id_idp, require_named_after

    policy, number, started = "B2C_1A_signup_signin", "+41791234567", 1_700_000_000
    claims = {"name": "Anna Meier", "idp": "google.com", "iat": started + 3}  # no tid (the contract's), no auth_time
    wrong = WrongClaims()
    require_contract(claims, policy, wrong=wrong)
    require_named_after(claims, number, policy, wrong=wrong)
    require_mobile_id_idp(claims, policy, "https://openid.mobileid.ch/.well-known/openid-configuration", wrong=wrong)
    require_auth_time_since(claims, started, "sign-in", wrong=wrong)
    with pytest.raises(JourneyFailure) as failure:
        wrong.raise_any()
    said = str(failure.value).split("; also: ")
    assert said[0].startswith("ID token has no tid claim, which the app's token contract needs"), said
    assert said[1:] == ["name is 'Anna Meier', expected the display name '+41791234567'", "idp is 'google.com', expected 'mobileid.ch'",
                        "ID token has no auth_time claim (claims: ['iat', 'idp', 'name']); B2C's tokens carry it: reference b2c.md section 3"]
    assert failure.value.cause == Cause(TOKEN_CONTRACT, "tid: expected present, got missing")
    assert failure.value.also == ("name: expected the phone number Mobile ID gives as the display name, got 'Anna Meier'",
                                  "idp: expected Mobile ID's name (as the policy or user flow gives it), got 'google.com'",
                                  "auth_time: expected present, got missing")
    # A claim the contract's check found missing keeps its words: the name's own check adds nothing after them.
    unnamed = WrongClaims()
    require_contract({"idp": "mobileid.ch", "tid": "t"}, policy, wrong=unnamed)
    require_named_after({"idp": "mobileid.ch", "tid": "t"}, number, policy, wrong=unnamed)
    with pytest.raises(JourneyFailure) as failure:
        unnamed.raise_any()
    assert "; also: " not in str(failure.value) and failure.value.cause == Cause(TOKEN_CONTRACT, "name: expected present, got missing")


def test_a_token_with_a_wrong_idp_and_no_auth_time_names_both_in_the_one_failure_of_each_journey() -> None:
    """The faults wrong-idp and missing-auth-time together: the sign-up and the contract journeys each fail once naming
    both, filed under the first their checks meet (the contract journey checks idp before auth_time, the sign-up after it,
    as each stopped at before), the other counted under it; each used to stop at its first, so a night showed one."""
    from tests.suite_run import pytest_e2e

    run = pytest_e2e("-k", "test_first_sign_in_creates_the_user_from_mobile_id or test_id_token_carries_every_claim_of_the_contract",
                     "-n", "0", "--tb=no", E2E_STACK_FAULTS="wrong-idp missing-auth-time")
    lines = run.stdout.splitlines()
    found = {line: lines[at + 1] for at, line in enumerate(lines[:-1]) if line[:1].isdigit() and " x " in line}  # each cause, its next line
    idp = "idp: expected Mobile ID's name (as the policy or user flow gives it), got 'google.com'"
    auth_time = "auth_time: expected present, got missing"
    assert run.returncode == 1 and "4 failed" in run.stdout, tail(run.stdout, 2000)
    assert found == {f"2 x ID token contract: {idp}": f"    also {auth_time} (in 2 of them)",  # the contract journeys
                     f"2 x ID token contract: {auth_time}": f"    also {idp} (in 2 of them)"}, tail(run.stdout, 2000)  # the sign-ups


def test_the_contract_journeys_own_claim_checks_are_typed_and_name_every_wrong_claim_in_one_failure() -> None:
    """The contract journey's checks of ver, tfp and the like were bare asserts: a token with a wrong ver and another
    policy's tfp showed the ver alone, its cause read from its words. Now each is a typed token-contract check of the
    journey's one failure (the journey run on a made-up token: its browser and user stand-ins)."""
    import time
    from types import SimpleNamespace

    from e2e.test_token_contract import test_id_token_carries_every_claim_of_the_contract
    from fixtures.causes import TOKEN_CONTRACT, Cause, JourneyFailure

    number, now = "+41791234567", int(time.time())
    claims = {"ver": "2.0", "sub": "s", "oid": "s", "name": number, "idp": "mobileid.ch", "tfp": "B2C_1_other", "auth_time": now,
              "iat": now, "nbf": now, "exp": now + 3600}
    browser = SimpleNamespace(sign_in=lambda policy, number: claims)
    with pytest.raises(JourneyFailure) as failure:
        test_id_token_carries_every_claim_of_the_contract(SimpleNamespace(number=number), lambda: browser, "B2C_1_signupsignin",
                                                          build_settings({}))
    assert str(failure.value) == "ID token ver is '2.0', expected '1.0'; also: tfp/acr is 'B2C_1_other', expected the policy 'B2C_1_signupsignin'"
    assert failure.value.cause == Cause(TOKEN_CONTRACT, "ver: expected '1.0', got '2.0'")
    assert failure.value.also == ("tfp/acr: expected the policy's name, got another",)


def test_files_that_do_not_say_which_provider_is_mobile_ids_say_no_profiles_on_its_way(policies: Path) -> None:
    """Without the <Domain>mobileid.ch</Domain> that names Mobile ID's claims provider, the files do not say which exchange
    a Mobile ID sign-in takes: Facebook's and the local account's profiles were listed as on its way."""
    # Given a team's files whose Mobile ID claims provider has no domain
    edit(policies / "TrustFrameworkExtensions.xml", "<Domain>mobileid.ch</Domain>", "")

    # When a token comes without a claim the relying party outputs
    with pytest.raises(AssertionError) as info:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))

    # Then the message says the relying party outputs it, and no more than the files show
    assert str(info.value).endswith('(<OutputClaim ClaimTypeReferenceId="email" />), yet it has no value in the token'), str(info.value)


def test_mobile_ids_way_is_read_by_its_profile_whatever_exchange_another_journey_runs_it_by(policies: Path) -> None:
    """The exchange that names Mobile ID's button (the files' last) may be another journey's: the sign-in's journey, read by
    that exchange Id, seemed to run no Mobile ID step, and every exchange of its own, Facebook's too, was listed as on a
    Mobile ID sign-in's way."""
    # Given a team's second journey, after the sign-in's, that runs Mobile ID's profile by an exchange of its own
    edit(policies / "TrustFrameworkExtensions.xml", "    </UserJourney>\n  </UserJourneys>",
         '    </UserJourney>\n    <UserJourney Id="ProfileEditMobileID"><OrchestrationSteps><OrchestrationStep Order="1" Type="ClaimsExchange">'
         '<ClaimsExchanges><ClaimsExchange Id="MobileIDEditExchange" TechnicalProfileReferenceId="MobileID-OAuth2" /></ClaimsExchanges>'
         '</OrchestrationStep></OrchestrationSteps></UserJourney>\n  </UserJourneys>')

    # When a token of the sign-in's journey comes without email, which only Facebook's and the local account's profiles output
    with pytest.raises(AssertionError) as info:
        require_contract({"name": "n"}, "B2C_1A_signup_signin", ("name", "email"))

    # Then no step of a Mobile ID sign-in gives it one, as with the seed's files
    assert str(info.value) == NO_EMAIL_ON_THE_WAY
