"""A custom policy's user journey, executed step by step from its XML (``Policy.journey``).

Orchestration steps run in ``Order``. Each evaluates its preconditions (``ClaimsExist``,
``ClaimEquals``) on the journey's claims bag, then: ``CombinedSignInAndSignUp`` shows the unified
page (or takes ``domain_hint``); ``ClaimsExchange`` runs the exchange the user picked or the step's
only one: an identity provider (OAuth2 / OpenIdConnect), the directory (``Operation`` Read or Write
with the profile's input, persisted and output claims), a self-asserted page (its claims from the
XML, validation profiles on submit) or claims transformations; ``SendClaims`` ends the journey, and
the relying party's output claims go through the JWT issuer. Technical profiles' input and output
claims transformations run before and after them, output claims apply their ``DefaultValue``.

Single sign-on: a technical profile with a session manager (``UseTechnicalProfileForSessionManagement``
other than SM-Noop) that ran in the session is skipped on the next sign-in, and its manager's
persisted claims come back from the session, as B2C's session providers do.

Anything else is refused when a journey reaches it (``NotExecuted``): what it is, where, what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mocks.b2c import claims_transformations as ct
from mocks.b2c.claims_transformations import AssertionFailed, NotExecuted, parse_alternative_security_id
from mocks.b2c.directory import Directory, User
from mocks.b2c.errors import B2CError
from mocks.b2c.policy import ClaimRef, IdentityProvider, OrchestrationStep, Policy, ProfileKind, TechnicalProfile, typed_value
from mocks.b2c.settings import fill_in

SELECTION = "CombinedSignInAndSignUp"


class ClaimVerificationFailed(Exception):
    """A validation profile's assertion failed on the profile page: B2C shows the page's own message for it (no AADB2C
    code), as the self-asserted profile's metadata words it."""


# The self-asserted profile's metadata that words a failed assertion of its validation profiles, by transformation
# method (boolean-transformations: AssertBooleanClaimIsEqualToValue).
ASSERTION_MESSAGES = {"AssertBooleanClaimIsEqualToValue": "UserMessageIfClaimsTransformationBooleanValueIsNotEqual"}


@dataclass
class JourneyRun:
    """Where one transaction is in its journey, and the claims it has gathered."""

    bag: dict[str, Any] = field(default_factory=dict)
    index: int = 0
    chosen: str | None = None                    # the ClaimsExchange Id the user picked
    executed: list[str] = field(default_factory=list)  # session-managed profiles that ran
    sso_executed: frozenset[str] = frozenset()   # ... in the SSO session this run started from
    page: str | None = None                      # the self-asserted profile shown, waiting for the user
    fields: tuple[tuple[str, str, bool, str], ...] = ()  # ... and its fields
    federating: str | None = None                # the identity-provider profile waiting for authresp
    confirmable: bool = False                    # the page's values were accepted: "confirmed" may continue
    auth_time: int | None = None                 # SSO: when the session's user last authenticated


@dataclass(frozen=True)
class ShowUnified:
    pass


RENDERED_INPUT_TYPES = ("TextBox", "EmailBox")  # the self-asserted page's fields the emulator draws (b2c.js)


@dataclass(frozen=True)
class Federate:
    provider: IdentityProvider
    profile: TechnicalProfile
    parameters: tuple[tuple[str, str], ...] = ()  # its InputClaims, added to the authorization request


@dataclass(frozen=True)
class ShowSelfAsserted:
    profile: TechnicalProfile
    fields: tuple[tuple[str, str, bool, str], ...]  # (claim type, label, required, prefill)


@dataclass(frozen=True)
class SendClaims:
    bag: dict[str, Any]


Outcome = ShowUnified | Federate | ShowSelfAsserted | SendClaims


class Orchestrator:
    def __init__(self, directory: Directory, resolvers: dict[str, str], transformation_resolvers: dict[str, str]) -> None:
        self.directory = directory
        # The claim resolvers of the policy, request and transaction it runs, for claim-resolving technical profiles; and
        # those of the policy alone, for claims transformations' InputParameters (B2CSettings.claim_resolvers, README).
        self.resolvers = resolvers
        self.transformation_resolvers = transformation_resolvers

    # --- stepping --------------------------------------------------------------------------------

    def advance(self, policy: Policy, run: JourneyRun, *, domain_hint: str | None = None) -> Outcome:
        journey = policy.journey
        assert journey is not None
        while run.index < len(journey.steps):
            step = journey.steps[run.index]
            if self._skipped(step, run.bag):
                run.index += 1
                continue
            if step.type == SELECTION:
                if run.chosen is None:
                    provider = policy.provider_for_domain(domain_hint) if domain_hint else None
                    if provider is None:
                        return ShowUnified()
                    run.chosen = provider.exchange_id
                run.index += 1
                continue
            if step.type == "ClaimsExchange":
                exchange_id, profile = self._exchange(policy, step, run)
                if profile.session_manager in journey.session_managers and profile.id in run.sso_executed:
                    self._remember(policy, run, profile)  # SSO: skipped, its claims came from the session
                    run.index += 1
                    continue
                outcome = self._execute(policy, run, exchange_id, profile)
                if outcome is not None:
                    return outcome
                run.index += 1
                continue
            if step.type == "SendClaims":
                self._check_subject(policy, journey.relying_party, run.bag)
                return SendClaims(run.bag)
            raise NotExecuted(f"{step.where}: Type {step.type!r} is not executed by the emulator (it runs "
                              f"{SELECTION}, ClaimsExchange and SendClaims steps); change the journey the relying party uses")
        raise NotExecuted(f"{journey.relying_party}: journey {journey.id!r} ended without a SendClaims step; add "
                          "<OrchestrationStep Type=\"SendClaims\" CpimIssuerTechnicalProfileReferenceId=\"JwtIssuer\" />")

    @staticmethod
    def _check_subject(policy: Policy, relying_party: str, bag: dict[str, Any]) -> None:
        """The relying party's claim output as ``sub`` must have a value when the journey sends its claims: a token without
        one is not what B2C documents (what B2C then puts in sub is not, README Decisions, as for a relying party that
        outputs no claim as sub); the tokens' object id in its place would be the emulator's guess, made silently. The
        starter pack's objectId always has one; another claim may not (an SSO run skips the identity provider and has only
        what its session manager persisted)."""
        subject = [c for c in policy.output_claims if c.token_claim == "sub"]
        if not subject or any(c.default is not None or has_value(bag.get(c.claim_type)) for c in subject):
            return
        names = ", ".join(c.claim_type for c in subject)
        raise NotExecuted(f"{relying_party}/OutputClaims: the claim output as sub ({names}) has no value in this run "
                          "(a single-sign-on run has only the claims the session managers persisted): what B2C then puts in sub "
                          "is not documented, so the emulator does not guess; output as sub a claim every run has, as the starter "
                          "pack's <OutputClaim ClaimTypeReferenceId=\"objectId\" PartnerClaimType=\"sub\"/>, or persist the claim in "
                          "the session manager of the profile that outputs it")

    @staticmethod
    def _skipped(step: OrchestrationStep, bag: dict[str, Any]) -> bool:
        for pre in step.preconditions:  # the loader let through only ClaimsExist (one value) and ClaimEquals (two)
            holds = has_value(bag.get(pre.values[0]))
            if pre.type == "ClaimEquals":
                # learn.microsoft.com, userjourneys (Preconditions): a claim null or not set makes B2C ignore a ClaimEquals,
                # whatever its ExecuteActionsIf; else a case-sensitive ordinal comparison, a Boolean claim read as "True"
                # or "False" (.NET's words: the value "true" never matches).
                if not holds:
                    continue
                holds = _compared_text(bag[pre.values[0]]) == pre.values[1]
            if holds == pre.execute_actions_if:  # its action: SkipThisOrchestrationStep, the only one the loader lets through
                return True
        return False

    def _exchange(self, policy: Policy, step: OrchestrationStep, run: JourneyRun) -> tuple[str, TechnicalProfile]:
        journey = policy.journey
        assert journey is not None
        if len(step.exchanges) == 1:
            exchange_id, pid = step.exchanges[0]
        else:
            found = next(((e, p) for e, p in step.exchanges if e == run.chosen), None)
            if found is None and run.sso_executed:
                # Single sign-on into another policy, whose journey names the exchange otherwise (a copy of the journey):
                # B2C keeps a session per technical profile (custom-policy-reference-sso), so the exchange of the profile
                # that ran in the session is the one.
                found = next(((e, p) for e, p in step.exchanges if p in run.sso_executed), None)
            if found is None:
                raise B2CError("AADB2C90046")  # nothing picked that this step offers: B2C loses the state
            exchange_id, pid = found
        return exchange_id, journey.profiles[pid]

    def _execute(self, policy: Policy, run: JourneyRun, exchange_id: str, profile: TechnicalProfile) -> Outcome | None:
        if profile.not_executed:
            raise NotExecuted(profile.not_executed)
        provider = policy.provider(exchange_id) if profile.kind is ProfileKind.IDENTITY_PROVIDER else None
        if profile.kind is ProfileKind.IDENTITY_PROVIDER and provider is None:
            raise NotExecuted(f"{profile.where}: ClaimsExchange {exchange_id!r} is an identity provider that no "
                              f"{SELECTION} step offers; add a ClaimsProviderSelection for it")
        self._transform(policy, run, profile.input_transformations)  # first: the profile's InputClaims may read their outputs
        if provider is not None:
            return Federate(provider, profile, self._partner_parameters(profile, run))
        if profile.kind is ProfileKind.SELF_ASSERTED:
            for vid in profile.validation_profiles:
                validation = policy.journey.profiles[vid]  # type: ignore[union-attr]  # only policies with a journey are orchestrated
                if validation.not_executed or validation.kind not in (ProfileKind.DIRECTORY, ProfileKind.CLAIMS_TRANSFORMATION):
                    raise NotExecuted(validation.not_executed or f"{validation.where}: not executed as a validation profile")
            run.page = profile.id
            return ShowSelfAsserted(profile, self._fields(policy, run, profile))
        self._run_profile(policy, run, profile)
        return None

    def _partner_parameters(self, profile: TechnicalProfile, run: JourneyRun) -> tuple[tuple[str, str], ...]:
        """An identity provider's InputClaims: B2C adds each to its authorization request, named by its PartnerClaimType
        (else its claim type), with the claim's value or its DefaultValue (oauth2-technical-profile and
        openid-connect-technical-profile, "Input claims"); one without a value is left out."""
        sent = dict(run.bag)  # what it sends; the journey's claims stay as they are
        self._apply_defaults(profile, profile.input_claims, sent)
        return tuple((claim.partner or claim.claim_type, _text(sent[claim.claim_type])) for claim in profile.input_claims
                     if has_value(sent.get(claim.claim_type)))

    def _apply_defaults(self, profile: TechnicalProfile, claims: tuple[ClaimRef, ...], bag: dict[str, Any]) -> None:
        """B2C's rule for a claim's DefaultValue: it applies when AlwaysUseDefaultValue says so or the claim has no value."""
        for claim in claims:
            if claim.default is not None and (claim.always_default or not has_value(bag.get(claim.claim_type))):
                bag[claim.claim_type] = self._default(profile, claim.default, claim.data_type)

    def _run_profile(self, policy: Policy, run: JourneyRun, profile: TechnicalProfile) -> None:
        if profile.kind is ProfileKind.DIRECTORY:
            self._directory(run, profile)
        self._finish(policy, run, profile)

    def _finish(self, policy: Policy, run: JourneyRun, profile: TechnicalProfile) -> None:
        self._apply_defaults(profile, profile.output_claims, run.bag)
        self._transform(policy, run, profile.output_transformations)
        if profile.session_manager in policy.journey.session_managers and profile.id not in run.executed:  # type: ignore[union-attr]  # only policies with a journey are orchestrated
            run.executed.append(profile.id)

    def _remember(self, policy: Policy, run: JourneyRun, profile: TechnicalProfile) -> None:
        if profile.id not in run.executed:
            run.executed.append(profile.id)

    def _transform(self, policy: Policy, run: JourneyRun, ids: tuple[str, ...]) -> None:
        for tid in ids:
            try:
                ct.run(policy.journey.transformations[tid], run.bag, self.transformation_resolvers)  # type: ignore[union-attr]  # only policies with a journey are orchestrated
            except AssertionFailed as failed:  # kept as the cause: the profile page words its own (submitted)
                raise B2CError("AADB2C90085") from failed

    def _default(self, profile: TechnicalProfile, value: str, data_type: str | None) -> Any:
        """A claim's DefaultValue in ``profile``: its claim resolvers filled in only where the profile says
        IncludeClaimResolvingInClaimsHandling (B2C leaves them as written otherwise), then typed by its claim type's
        DataType (a string's "true" stays a string)."""
        if profile.resolves_claims:
            value = fill_in(value, self.resolvers)
        return typed_value(value, data_type)

    # --- the identity provider's answer, the self-asserted page -------------------------------------

    def federated(self, policy: Policy, run: JourneyRun, profile: TechnicalProfile, claims: dict[str, Any]) -> None:
        """The IdP's claims, already mapped by its OutputClaims (``federation.map_claims``)."""
        run.bag.update(claims)
        self._finish(policy, run, profile)
        run.index += 1

    def _fields(self, policy: Policy, run: JourneyRun, profile: TechnicalProfile) -> tuple[tuple[str, str, bool, str], ...]:
        journey = policy.journey
        assert journey is not None
        self._apply_defaults(profile, profile.input_claims, run.bag)  # InputClaims prefill the page
        # The starter pack's own rules (SelfAsserted-Social's comments): only an InputClaim is prefilled, and a claim
        # a validation profile outputs is not asked for ("only shown if its value cannot be obtained otherwise").
        prefilled = {c.claim_type for c in profile.input_claims}
        validated = {c.claim_type for vid in profile.validation_profiles for c in journey.profiles[vid].output_claims}
        asked = ([c for c in profile.display_claims if c.claim_type in journey.input_types] if profile.display_claims else
                 [c for c in profile.output_claims
                  if c.default is None and c.claim_type in journey.input_types and c.claim_type not in validated])
        # B2C draws each field by its UserInputType; a type the page does not draw would be a text box here only.
        drawn_otherwise = {c.claim_type: journey.input_types[c.claim_type] for c in asked
                           if journey.input_types[c.claim_type] not in RENDERED_INPUT_TYPES}
        if drawn_otherwise:
            raise NotExecuted(f"{profile.where}: the page would ask for {', '.join(f'{c} ({t})' for c, t in drawn_otherwise.items())}; "
                              f"the emulator draws {' and '.join(RENDERED_INPUT_TYPES)} fields only, where B2C draws each by its UserInputType: "
                              "to run this journey locally, give the claim one of those UserInputTypes or a DefaultValue, or take "
                              "it out of this profile's OutputClaims")
        return tuple((c.claim_type, journey.claim_labels.get(c.claim_type, c.claim_type), c.required,
                      _text(run.bag.get(c.claim_type)) if c.claim_type in prefilled else "") for c in asked)

    def submitted(self, policy: Policy, run: JourneyRun, values: dict[str, str]) -> None:
        """The page's values (validated by the caller); validation profiles and output claims run now."""
        journey = policy.journey
        assert journey is not None and run.page is not None
        profile = journey.profiles[run.page]
        for claim, value in values.items():  # "42" an int claim's 42; a field the user emptied leaves its claim without a value
            if value:
                run.bag[claim] = typed_value(value, journey.data_types.get(claim))
            else:
                run.bag.pop(claim, None)
        for vid in profile.validation_profiles:
            validation = journey.profiles[vid]
            try:
                self._transform(policy, run, validation.input_transformations)
                self._run_profile(policy, run, validation)
            except B2CError as error:
                failed = error.__cause__
                if isinstance(failed, AssertionFailed) and (own := profile.metadata.get(ASSERTION_MESSAGES.get(failed.method, ""))):
                    raise ClaimVerificationFailed(own) from None
                raise
        self._finish(policy, run, profile)
        run.page = None
        run.index += 1

    # --- the directory ---------------------------------------------------------------------------

    def _directory(self, run: JourneyRun, profile: TechnicalProfile) -> None:
        md = profile.metadata
        self._apply_defaults(profile, profile.input_claims, run.bag)
        for claim in profile.input_claims:
            if claim.required and not has_value(run.bag.get(claim.claim_type)):
                raise NotExecuted(f"{profile.where}/InputClaims/InputClaim[@ClaimTypeReferenceId='{claim.claim_type}']: required, "
                                  "but no earlier step of the journey produced it; output it from an earlier step")
        user = self._find(run.bag, profile.input_claims)
        created = False
        if md.get("Operation") == "Write":
            if user is not None and _flag(md, "RaiseErrorIfClaimsPrincipalAlreadyExists"):
                raise _principal_error(profile, exists=True)
            if user is None and _flag(md, "RaiseErrorIfClaimsPrincipalDoesNotExist"):
                raise _principal_error(profile, exists=False)
            persisted = {c.claim_type: run.bag.get(c.claim_type) if has_value(run.bag.get(c.claim_type)) else
                         (self._default(profile, c.default, c.data_type) if c.default is not None else None) for c in profile.persisted_claims}
            persisted = {k: v for k, v in persisted.items() if v is not None and k not in ("objectId", "alternativeSecurityId")}
            if user is None:
                key = parse_alternative_security_id(run.bag.get("alternativeSecurityId"))
                if key is None:
                    raise NotExecuted(f"{profile.where}: the emulator writes new users by alternativeSecurityId only "
                                      "(social accounts); local accounts are not emulated")
                user = self.directory.create_social(key[0], key[1], persisted)
                created = True
            else:
                user.claims.update(persisted)
        elif user is None:
            if _flag(md, "RaiseErrorIfClaimsPrincipalDoesNotExist"):
                raise _principal_error(profile, exists=False)
            return
        for claim in profile.output_claims:
            if claim.partner == "newClaimsPrincipalCreated":  # B2C's only source of newUser (the reference, tokens section)
                run.bag[claim.claim_type] = created
            else:
                value = _user_value(user, claim.claim_type)
                if value is not None:
                    run.bag[claim.claim_type] = value

    def _find(self, bag: dict[str, Any], inputs: tuple[ClaimRef, ...]) -> User | None:
        for claim in inputs:
            if claim.claim_type == "objectId" and has_value(bag.get("objectId")):
                return self.directory.get(str(bag["objectId"]))
            if claim.claim_type == "alternativeSecurityId":
                key = parse_alternative_security_id(bag.get("alternativeSecurityId"))
                return self.directory.find_social(*key) if key else None
        return None  # sign-in names and emails: the emulator has no local accounts


def session_claims(policy: Policy, run: JourneyRun) -> dict[str, Any]:
    """What the session managers of the profiles that ran persist, for the SSO session, and what their OutputClaims give it
    (the custom-policy-reference-sso article: "used for retrieving claims from the session"; the starter pack's SM-AAD
    outputs objectIdFromSession, SM-MFA isActiveMFASession, which preconditions of a single sign-on read)."""
    journey = policy.journey
    assert journey is not None
    keep: set[str] = set()
    given: dict[str, Any] = {}
    for pid in run.executed:
        manager = journey.profiles[pid].session_manager or ""
        keep.update(journey.session_managers.get(manager, ()))
        given.update({c.claim_type: typed_value(c.default, c.data_type) for c in journey.session_outputs.get(manager, ()) if c.default is not None})
    return {**{k: v for k, v in run.bag.items() if k in keep}, **given}


def _user_value(user: User, claim_type: str) -> Any:
    if claim_type == "objectId":
        return user.object_id
    if claim_type == "alternativeSecurityId":
        return ct.alternative_security_id(user.identity_provider, user.issuer_user_id)
    return user.claims.get(claim_type)


def _principal_error(profile: TechnicalProfile, *, exists: bool) -> B2CError:
    """A directory profile's RaiseErrorIfClaimsPrincipal*: B2C's codes for them (its error-codes page: AADB2C90001 for a
    user created again, AADB2C99002 for one who does not exist), in the profile's UserMessageIfClaimsPrincipal* words
    where it has them. Where B2C shows it (page or app) is unconfirmed: the emulator's error channel (README, Decisions)."""
    key = "UserMessageIfClaimsPrincipalAlreadyExists" if exists else "UserMessageIfClaimsPrincipalDoesNotExist"
    own = profile.metadata.get(key) or None
    return B2CError("AADB2C90001", (profile.id,), override=own) if exists else B2CError("AADB2C99002", override=own)


def _flag(md: Any, key: str) -> bool:
    return str(md.get(key, "")).strip().lower() in ("true", "1")


def has_value(value: Any) -> bool:
    """A claim with a value: not None, an empty string or an empty collection (the token leaves such a claim out)."""
    return value is not None and value != "" and value != []


def _compared_text(value: Any) -> str:
    """A claim's value as a ClaimEquals precondition compares it: a Boolean as .NET writes one ("True", "False")."""
    return str(value) if isinstance(value, bool) else _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
