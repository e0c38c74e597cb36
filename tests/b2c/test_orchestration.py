"""The journey runtime (mocks/b2c/orchestration.py) on the starter pack, without HTTP: what policies/README.md says it
executes (AlwaysUseDefaultValue, RaiseErrorIfClaimsPrincipal*) and what it refuses when a journey reaches it (step types
and claims transformation methods it does not execute; a precondition it would not evaluate is refused at load)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from mocks.b2c.claims_transformations import NotExecuted, alternative_security_id
from mocks.b2c.directory import Directory
from mocks.b2c.errors import B2CError
from mocks.b2c.federation import map_claims
from mocks.b2c.orchestration import Federate, JourneyRun, Orchestrator, SendClaims, ShowSelfAsserted, session_claims
from mocks.b2c.policy import ClaimRef, ClaimsTransformation, OrchestrationStep, Policy, Precondition, ProfileKind, TechnicalProfile

from .support import pack

EXT = "TrustFrameworkExtensions.xml"
JOURNEY = "TrustFrameworkExtensions.xml: UserJourney[@Id='SignUpOrSignIn']"
STEP_3 = '<OrchestrationStep Order="3" Type="ClaimsExchange">'
MOBILE_ID_KEYS = '<Key Id="client_secret" StorageReferenceId="B2C_1A_MobileIdSecret" />\n        </CryptographicKeys>'
SOCIAL = {"authenticationSource": "socialIdpAuthentication", "identityProvider": "mobileid.ch",
          "alternativeSecurityId": alternative_security_id("mobileid.ch", "user-1"), "displayName": "Hans"}


def journey(tmp_path: Path, edits: Sequence[tuple[str, str, str]] = ()) -> tuple[Policy, Orchestrator, Directory]:
    [policy] = pack(tmp_path, edits=edits)
    directory = Directory()
    return policy, Orchestrator(directory, {}, {}), directory


def picked_mobile_id(**bag: object) -> JourneyRun:
    """A run whose user picked the Mobile ID button on the unified page."""
    return JourneyRun(bag=dict(bag), chosen="MobileIDExchange")


def at_step(order: int, **bag: object) -> JourneyRun:
    run = picked_mobile_id(**bag)
    run.index = order - 1
    return run


# --- refused when the journey reaches it -----------------------------------------------------------


def test_the_unedited_journey_reaches_the_identity_provider(tmp_path: Path) -> None:
    """The baseline of the refusals below: the same run, unedited, federates with Mobile ID at step 2."""
    policy, orchestrator, _ = journey(tmp_path)
    outcome = orchestrator.advance(policy, picked_mobile_id())
    assert isinstance(outcome, Federate) and outcome.profile.id == "MobileID-OAuth2"


@pytest.mark.parametrize("step_type", ["GetClaims", "ClaimsProviderSelection", "ReviewScreen", "UserDialog", "Noop"])
def test_a_step_type_the_runtime_does_not_execute_is_refused_when_reached(tmp_path: Path, step_type: str) -> None:
    """Step 3, after the exchange a button picked (the step right after the buttons must be a ClaimsExchange: refused at load)."""
    policy, orchestrator, _ = journey(tmp_path, [(EXT, STEP_3, STEP_3.replace("ClaimsExchange", step_type))])
    with pytest.raises(NotExecuted, match=re.escape(
            f"{JOURNEY}/OrchestrationStep[@Order='3'] (line 123): Type {step_type!r} is not executed by the emulator (it runs "
            "CombinedSignInAndSignUp, ClaimsExchange and SendClaims steps); change the journey the relying party uses")):
        orchestrator.advance(policy, at_step(3))


def test_a_claims_transformation_method_the_runtime_does_not_execute_is_refused_when_reached(tmp_path: Path) -> None:
    """Loaded (B2C has the method), refused when the Mobile ID profile's input claims transformations run."""
    edits = [(EXT, "<BuildingBlocks>", '<BuildingBlocks><ClaimsTransformations><ClaimsTransformation Id="Now" '
              'TransformationMethod="GetCurrentDateTime"><OutputClaims><OutputClaim ClaimTypeReferenceId="displayName" '
              'TransformationClaimType="currentDateTime" /></OutputClaims></ClaimsTransformation></ClaimsTransformations>'),
             (EXT, MOBILE_ID_KEYS, MOBILE_ID_KEYS + '<InputClaimsTransformations><InputClaimsTransformation ReferenceId="Now" />'
              "</InputClaimsTransformations>")]
    policy, orchestrator, _ = journey(tmp_path, edits)
    with pytest.raises(NotExecuted, match=re.escape(
            f"{EXT}: ClaimsTransformation[@Id='Now']: TransformationMethod 'GetCurrentDateTime' is not executed by the emulator")):
        orchestrator.advance(policy, picked_mobile_id())


# --- the directory's RaiseErrorIfClaimsPrincipal* ---------------------------------------------------


def test_a_write_that_raises_if_the_user_exists_refuses_an_existing_user(tmp_path: Path) -> None:
    """Step 6, AAD-UserWriteUsingAlternativeSecurityId (RaiseErrorIfClaimsPrincipalAlreadyExists true)."""
    policy, orchestrator, directory = journey(tmp_path)
    new = at_step(6, **SOCIAL)
    assert isinstance(orchestrator.advance(policy, new), SendClaims)  # no such user yet: written
    [user] = directory.users()
    assert user.claims["displayName"] == "Hans" and new.bag["objectId"] == user.object_id
    with pytest.raises(B2CError) as refused:
        orchestrator.advance(policy, at_step(6, **SOCIAL))  # the same user again
    assert refused.value.detail == ("AADB2C90001: This user already exists, and profile 'AAD-UserWriteUsingAlternativeSecurityId' does "
                                    "not allow the same user to be created again.")  # B2C's error-codes page
    assert len(directory.users()) == 1


def test_a_profiles_own_message_for_an_existing_user_is_the_one_shown(tmp_path: Path) -> None:
    """UserMessageIfClaimsPrincipalAlreadyExists in the profile's metadata: its words under B2C's code."""
    raise_item = '<Item Key="RaiseErrorIfClaimsPrincipalAlreadyExists">true</Item>'
    edit = ("TrustFrameworkBase.xml", raise_item,
            raise_item + '<Item Key="UserMessageIfClaimsPrincipalAlreadyExists">You are already registered.</Item>')
    policy, orchestrator, _ = journey(tmp_path, [edit])
    orchestrator.advance(policy, at_step(6, **SOCIAL))
    with pytest.raises(B2CError) as refused:
        orchestrator.advance(policy, at_step(6, **SOCIAL))
    assert refused.value.detail == "AADB2C90001: You are already registered."


def test_a_write_without_the_switch_updates_an_existing_user(tmp_path: Path) -> None:
    edit = ("TrustFrameworkBase.xml", '<Item Key="RaiseErrorIfClaimsPrincipalAlreadyExists">true</Item>',
            '<Item Key="RaiseErrorIfClaimsPrincipalAlreadyExists">false</Item>')
    policy, orchestrator, directory = journey(tmp_path, [edit])
    user = directory.create_social("mobileid.ch", "user-1", {"displayName": "Old"})
    run = at_step(6, **SOCIAL)
    orchestrator.advance(policy, run)
    assert directory.users() == [user] and user.claims["displayName"] == "Hans" and run.bag["objectId"] == user.object_id


@pytest.mark.parametrize(("profile", "raises"), [("AAD-UserReadUsingAlternativeSecurityId", True),
                                                 ("AAD-UserReadUsingAlternativeSecurityId-NoError", False)])
def test_a_read_that_raises_if_the_user_does_not_exist_refuses_a_missing_user(tmp_path: Path, profile: str, raises: bool) -> None:
    """Step 3 with the starter's raising read (RaiseErrorIfClaimsPrincipalDoesNotExist true) or its -NoError one (false)."""
    edit = (EXT, 'TechnicalProfileReferenceId="AAD-UserReadUsingAlternativeSecurityId-NoError"', f'TechnicalProfileReferenceId="{profile}"')
    policy, orchestrator, directory = journey(tmp_path, [edit])
    if raises:
        with pytest.raises(B2CError) as refused:
            orchestrator.advance(policy, at_step(3, **SOCIAL))
        assert refused.value.detail == "AADB2C99002: User doesn't exist. Please sign up before you can sign in."
    else:
        assert isinstance(orchestrator.advance(policy, at_step(3, **SOCIAL)), ShowSelfAsserted)  # new user: the profile page
    # An existing user is read either way, and the page is skipped.
    user = directory.create_social("mobileid.ch", "user-1", {"displayName": "Stored"})
    run = at_step(3, **SOCIAL)
    outcome = orchestrator.advance(policy, run)
    assert isinstance(outcome, SendClaims) and run.bag["objectId"] == user.object_id


# --- AlwaysUseDefaultValue -------------------------------------------------------------------------


@pytest.mark.parametrize(("always", "expected"), [(True, "Default"), (False, "Hans")])
def test_a_profiles_claim_takes_its_default_value_over_a_value_only_when_always_use_default_value(always: bool, expected: str) -> None:
    profile = TechnicalProfile("TP", ProfileKind.CLAIMS_TRANSFORMATION, "Test.xml: TechnicalProfile[@Id='TP']",
                               output_claims=(ClaimRef("displayName", default="Default", always_default=always),
                                              ClaimRef("surname", default="Unknown", always_default=always)))
    bag: dict[str, object] = {"displayName": "Hans"}
    Orchestrator(Directory(), {}, {})._apply_defaults(profile, profile.output_claims, bag)
    assert bag == {"displayName": expected, "surname": "Unknown"}  # a claim without a value takes its default either way


@pytest.mark.parametrize(("always", "expected"), [(' AlwaysUseDefaultValue="true"', "Default"), ("", "Hans")])
def test_an_identity_providers_output_claim_takes_its_default_over_the_idps_value_only_when_always_use_default_value(
        tmp_path: Path, always: str, expected: str) -> None:
    claim = '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>'
    policy, _, _ = journey(tmp_path, [(EXT, claim, claim.replace("/>", f' DefaultValue="Default"{always}/>'))])
    provider = policy.provider("MobileIDExchange")
    assert provider is not None
    assert map_claims(provider, {"sub": "user-1", "name": "Hans"})["displayName"] == expected


# --- preconditions ---------------------------------------------------------------------------------


def test_a_precondition_with_execute_actions_if_false_skips_its_step_when_the_claim_is_absent(tmp_path: Path) -> None:
    """The MFA starter pack's step 8 (AAD-UserWritePhoneNumberUsingObjectId): ClaimsExist newPhoneNumberEntered,
    ExecuteActionsIf false: the step is skipped unless a new phone number was entered."""
    policy = next(p for p in pack(tmp_path, "SocialAndLocalAccountsWithMfa") if p.journey and p.journey.id == "SignUpOrSignIn")
    assert policy.journey is not None
    step = next(s for s in policy.journey.steps if s.order == 8)
    assert [(p.type, p.execute_actions_if, p.values) for p in step.preconditions] == [("ClaimsExist", False, ("newPhoneNumberEntered",))]
    assert Orchestrator._skipped(step, {"objectId": "u-1"})
    assert not Orchestrator._skipped(step, {"objectId": "u-1", "newPhoneNumberEntered": True})


def test_a_step_is_skipped_when_any_of_its_preconditions_holds(tmp_path: Path) -> None:
    """Each precondition is evaluated (learn.microsoft.com, userjourneys: Preconditions): the second one skips the step too."""
    step = OrchestrationStep(3, "ClaimsExchange", "Test.xml: OrchestrationStep[@Order='3']", (
        Precondition("ClaimsExist", True, ("objectId",), "SkipThisOrchestrationStep"),
        Precondition("ClaimEquals", True, ("authenticationSource", "localAccountAuthentication"), "SkipThisOrchestrationStep"),
    ))
    assert not Orchestrator._skipped(step, {"authenticationSource": "socialIdpAuthentication"})
    assert Orchestrator._skipped(step, {"objectId": "u-1"})
    assert Orchestrator._skipped(step, {"authenticationSource": "localAccountAuthentication"})


def test_claim_equals_compares_a_boolean_as_dotnet_writes_it_and_is_ignored_for_a_claim_not_set() -> None:
    """learn.microsoft.com, userjourneys (Preconditions): a case-sensitive ordinal comparison, "use True, or False" for a
    Boolean claim; a claim null or not set makes B2C ignore the precondition, whatever its ExecuteActionsIf. The emulator
    compared "true", and skipped a step on a claim not set with ExecuteActionsIf="false": a token without a claim the
    tenant emits, or with one it does not."""
    def step(value: str, execute_if: bool) -> OrchestrationStep:
        return OrchestrationStep(5, "ClaimsExchange", "Test.xml: OrchestrationStep[@Order='5']", (
            Precondition("ClaimEquals", execute_if, ("newUser", value), "SkipThisOrchestrationStep"),))

    assert Orchestrator._skipped(step("True", True), {"newUser": True})
    assert not Orchestrator._skipped(step("true", True), {"newUser": True})  # never equal: the step runs
    assert Orchestrator._skipped(step("true", False), {"newUser": True})  # not equal, ExecuteActionsIf false: skipped
    assert not Orchestrator._skipped(step("True", False), {"newUser": True})
    assert Orchestrator._skipped(step("False", True), {"newUser": False})
    for unset in ({}, {"newUser": None}, {"newUser": ""}):
        assert not Orchestrator._skipped(step("True", False), unset) and not Orchestrator._skipped(step("True", True), unset)


# --- what the directory and the session managers keep -----------------------------------------------


def test_a_write_that_updates_an_existing_user_outputs_new_user_false(tmp_path: Path) -> None:
    """newUser is B2C's newClaimsPrincipalCreated: true only for a user the write created."""
    edit = ("TrustFrameworkBase.xml", '<Item Key="RaiseErrorIfClaimsPrincipalAlreadyExists">true</Item>',
            '<Item Key="RaiseErrorIfClaimsPrincipalAlreadyExists">false</Item>')
    policy, orchestrator, directory = journey(tmp_path, [edit])
    created = at_step(6, **SOCIAL)
    orchestrator.advance(policy, created)
    assert created.bag["newUser"] is True
    updated = at_step(6, **SOCIAL)
    orchestrator.advance(policy, updated)
    assert updated.bag["newUser"] is False and len(directory.users()) == 1


def test_the_sso_session_keeps_only_what_the_session_managers_persist(tmp_path: Path) -> None:
    """SM-AAD persists objectId, signInName, authenticationSource, identityProvider, newUser, executed-SelfAsserted-Input;
    SM-SocialLogin alternativeSecurityId (reference b2c.md section 5), and SM-AAD's OutputClaims give objectIdFromSession
    (Microsoft's SSO article): the other claims of the journey are not kept."""
    policy, orchestrator, _ = journey(tmp_path)
    run = at_step(6, **SOCIAL, givenName="Hans", surname="Muster")
    run.executed.append("MobileID-OAuth2")
    assert isinstance(orchestrator.advance(policy, run), SendClaims)
    assert run.bag["givenName"] == "Hans"
    kept = session_claims(policy, run)
    assert kept == {"objectId": run.bag["objectId"], "authenticationSource": "socialIdpAuthentication", "identityProvider": "mobileid.ch",
                    "newUser": True, "alternativeSecurityId": SOCIAL["alternativeSecurityId"], "objectIdFromSession": True}


def test_a_profiles_output_claims_take_their_default_values_before_its_output_claims_transformations_run(tmp_path: Path) -> None:
    """technical-profiles: the OutputClaimsTransformations run on the profile's output claims, DefaultValues included (as the
    starter's Facebook-OAUTH builds alternativeSecurityId from identityProvider's DefaultValue)."""
    policy, orchestrator, _ = journey(tmp_path)
    assert policy.journey is not None
    create = ClaimsTransformation("CreateAltSecId", "CreateAlternativeSecurityId", "Test.xml: ClaimsTransformation[@Id='CreateAltSecId']",
                                  (("issuerUserId", "key"), ("identityProvider", "identityProvider")), (),
                                  (("alternativeSecurityId", "alternativeSecurityId"),))
    edited = replace(policy, journey=replace(policy.journey, transformations={**policy.journey.transformations, create.id: create}))
    profile = TechnicalProfile("TP", ProfileKind.CLAIMS_TRANSFORMATION, "Test.xml: TechnicalProfile[@Id='TP']",
                               output_claims=(ClaimRef("issuerUserId"), ClaimRef("identityProvider", default="mobileid.ch")),
                               output_transformations=(create.id,))
    run = picked_mobile_id(issuerUserId="user-1")
    orchestrator._finish(edited, run, profile)
    assert run.bag["alternativeSecurityId"] == alternative_security_id("mobileid.ch", "user-1")


def test_the_profile_page_does_not_ask_for_a_claim_its_validation_profile_outputs(tmp_path: Path) -> None:
    """The starter pack's rule (SelfAsserted-Social's comments): an output claim is shown only if its value cannot be obtained
    otherwise; a claim a validation technical profile outputs is obtained that way."""
    validation = """<ClaimsProvider><DisplayName>Checks</DisplayName><TechnicalProfiles>
      <TechnicalProfile Id="Team-Surname"><DisplayName>Team surname</DisplayName>
        <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
        <OutputClaims><OutputClaim ClaimTypeReferenceId="surname" DefaultValue="Muster" /></OutputClaims>
      </TechnicalProfile>
      <TechnicalProfile Id="SelfAsserted-Social">
        <ValidationTechnicalProfiles><ValidationTechnicalProfile ReferenceId="Team-Surname" /></ValidationTechnicalProfiles>
      </TechnicalProfile>
    </TechnicalProfiles></ClaimsProvider></ClaimsProviders>"""
    policy, orchestrator, _ = journey(tmp_path, [(EXT, "</ClaimsProviders>", validation)])
    page = orchestrator.advance(policy, at_step(4, **SOCIAL))
    assert isinstance(page, ShowSelfAsserted) and page.profile.id == "SelfAsserted-Social"
    assert [claim for claim, *_ in page.fields] == ["displayName", "givenName"]
