"""One relying-party file and its base chain as a ``Policy`` with the journey the runtime executes.

Checked at load, as B2C's upload checks them: policy keys, references between journeys, steps,
claims exchanges and technical profiles, claim types of the relying party's claims (those of every
other technical profile, step types and booleans: merge.py), the claims the relying party's journey
must output (_check_input_claims, _check_output_claims), identity-provider metadata. What the emulator
does not execute (local accounts, MFA, REST calls, ...) loads, and is refused when a journey reaches it
(mocks/b2c/orchestration.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from mocks.b2c.claims_transformations import spelt_as_its_method
from mocks.b2c.policy import (
    ClaimRef,
    ClaimsTransformation,
    IdentityProvider,
    OrchestrationStep,
    Policy,
    PolicyError,
    PolicyKind,
    Precondition,
    ProfileKind,
    RelyingPartyClaim,
    TechnicalProfile,
    UserJourney,
)
from mocks.b2c.resolvers import FILLED_IN, unfilled

from .content_definitions import load_uris
from .files import PolicyFile, b2c_validation, boolean, q, text, xs_boolean
from .issuance import enforces_id_token_hint_on_logout, issuance
from .localization import claim_labels, languages, provider_strings, ux_strings
from .merge import (
    SELECTION_STEP_TYPES,
    JourneyDef,
    Merged,
    Profile,
    Value,
    claim_declared,
    effective,
    merge,
    name_from_reference,
    step_written_at,
)
from .providers import identity_provider, is_identity_provider, metadata_bool, one_of

PASSWORD_CLAIMS = ("password", "newPassword", "reenterPassword", "oldPassword")


def check_policy_keys(chain: list[PolicyFile], m: Merged, policy_keys: Mapping[str, Any]) -> None:
    """B2C refuses an upload that references a policy key the tenant doesn't hold."""
    files = {f.name: f for f in chain}
    for tp in m.profiles.values():
        for key in tp.keys.values():
            if key.value and key.value not in policy_keys:
                known = ", ".join(sorted(policy_keys)) or "none"
                words = f"Tenant \"{files[key.file].tenant_domain}\" does not have CryptographicKey referenced by storageReferenceId \"{key.value}\"."
                raise PolicyError(f"{key.file}: {key.path}: {b2c_validation(files[key.file], words)}; add the policy key "
                                  f"(python -m mocks serve --policy-key {key.value}=env:VAR or =file:PATH; configured: {known}) "
                                  "or reference an existing one")


def _refs(m: Merged, items: dict[str, tuple[dict[str, str], Value]]) -> tuple[ClaimRef, ...]:
    # The booleans passed xs_boolean when the file was merged: boolean() reads them alike.
    return tuple(
        ClaimRef(c, a.get("PartnerClaimType"), a.get("DefaultValue"), bool(boolean(a.get("AlwaysUseDefaultValue"))),
                 bool(boolean(a.get("Required"))), _data_type(m, c))
        for c, (a, _) in items.items()
    )


def _data_type(m: Merged, claim: str) -> str | None:
    declared = m.claim_type(claim)
    return declared.data_type if declared else None


def _handler(tp: Profile) -> str:
    """The handler's class name (``AzureActiveDirectoryProvider``), else the protocol's name."""
    handler = (tp.handler or "").split(",")[0].strip()
    return handler.rsplit(".", 1)[-1] or (tp.protocol.value if tp.protocol else "no protocol")


def _is_directory(tp: Profile) -> bool:
    return (tp.protocol.value if tp.protocol else "").lower() == "proprietary" and _handler(tp) == "AzureActiveDirectoryProvider"


def _kind(tp: Profile) -> tuple[ProfileKind, str | None]:
    kind, reason = _protocol_kind(tp)
    if reason is not None:
        return kind, reason
    # What B2C decides about the profile as the journey runs that the emulator does not: refused where a journey reaches
    # it rather than run as if it were not written.
    if tp.enabled_for is not None and tp.enabled_for.value != "Always":
        return ProfileKind.NOT_EXECUTED, (f"{_within(tp, tp.enabled_for)}: {tp.enabled_for.value!r} is not executed by the "
                                          "emulator, which would run the profile whenever the journey reaches it (as Always); "
                                          "take it out to run this journey locally")
    if kind is ProfileKind.SELF_ASSERTED and tp.display_controls:
        control = tp.display_controls[0]
        return ProfileKind.NOT_EXECUTED, (f"{_within(tp, control)}: display controls are not drawn by the emulator; use "
                                          "DisplayClaims of claim types, or OutputClaims, to run this journey locally")
    if kind is ProfileKind.SELF_ASSERTED and tp.validation_not_executed:
        reference, asks = tp.validation_not_executed[0]
        return ProfileKind.NOT_EXECUTED, (f"{_within(tp, reference)}: {asks}: not executed by the emulator, which runs every "
                                          "validation technical profile in turn and stops at the first that fails; take it out "
                                          "to run this journey locally")
    return kind, None


def _within(tp: Profile, value: Value) -> str:
    """Where ``value`` is written, below the profile (whose file and Id the refusal names first), with its file where another
    file wrote it."""
    where = value.path.removeprefix(f"{tp.where()}/")
    return where if value.file == tp.file else f"{where} (in {value.file})"


def _protocol_kind(tp: Profile) -> tuple[ProfileKind, str | None]:
    proto = (tp.protocol.value if tp.protocol else "").lower()
    short = _handler(tp)
    fix = "remove that step or exchange from the journey the relying party uses, or offer a claims exchange the emulator runs"
    if is_identity_provider(tp):
        rt = tp.metadata.get("response_types")
        if proto == "openidconnect" and (rt is None or rt.value.strip() != "code"):
            return ProfileKind.NOT_EXECUTED, (f"an OpenIdConnect exchange with response_types "
                                              f"{rt.value if rt else 'id_token'!r} (e.g. local-account sign-in with "
                                              f"login-NonInteractive) is not executed by the emulator; {fix}")
        return ProfileKind.IDENTITY_PROVIDER, None
    if _is_directory(tp):
        op = tp.metadata.get("Operation")
        if op is None or op.value not in ("Read", "Write"):
            return ProfileKind.NOT_EXECUTED, f"directory operation {op.value if op else None!r} is not executed (only Read and Write); {fix}"
        return ProfileKind.DIRECTORY, None
    if proto == "proprietary" and short == "SelfAssertedAttributeProvider":
        secret = [c for c in tp.output_claims if c in PASSWORD_CLAIMS]
        verified = [c for c, (a, _) in tp.output_claims.items() if (a.get("PartnerClaimType") or "").startswith("Verified.")]
        if secret or verified:
            what = "passwords" if secret else "verified email addresses"
            return ProfileKind.NOT_EXECUTED, f"a local-account page (it collects {what}) is not executed by the emulator; {fix}"
        return ProfileKind.SELF_ASSERTED, None
    if proto == "proprietary" and short == "ClaimsTransformationProtocolProvider":
        return ProfileKind.CLAIMS_TRANSFORMATION, None
    if short == "PhoneFactorProtocolProvider":  # the MFA starter pack's PhoneFactor-InputOrVerify, after every sign-in
        return ProfileKind.NOT_EXECUTED, (
            "MFA (phone verification, PhoneFactorProtocolProvider) is not executed by the emulator: here real B2C shows its "
            "MFA page (api.phonefactor) and goes on only once the user enters a code sent to their phone, which the journeys "
            "do not do; remove the MFA steps from the journey the relying party uses (the starter pack's comment says which)")
    return ProfileKind.NOT_EXECUTED, f"{short} technical profiles are not executed by the emulator; {fix}"


# A self-asserted profile's setting.forgotPasswordLinkLocation (its technical profile's documented values); None hides the
# link, the others place it (not modelled: the link is drawn where it always is).
FORGOT_PASSWORD_LINK_LOCATIONS = ("AfterLabel", "AfterInput", "AfterButtons", "AfterForm", "None")


def _profile(m: Merged, tp: Profile, tenant: str) -> TechnicalProfile:
    kind, reason = _kind(tp)
    resolves_claims = metadata_bool(tp, "IncludeClaimResolvingInClaimsHandling", False, tenant)
    if resolves_claims and kind is not ProfileKind.NOT_EXECUTED:  # one the emulator runs: its resolvers must be filled in
        for attrs, where in (*tp.input_claims.values(), *tp.output_claims.values()):
            if unknown := unfilled(attrs.get("DefaultValue")):
                raise PolicyError(f"{where.file}: {where.path}: DefaultValue's claim resolver {unknown[0]} is not one the emulator "
                                  f"fills in ({FILLED_IN}): with IncludeClaimResolvingInClaimsHandling B2C puts a value there, "
                                  "the emulator would use the text as written; use one of those, or take it out (mocks/b2c/README.md, claim resolvers)")
    return TechnicalProfile(
        id=tp.id, kind=kind, where=f"{tp.file}: {tp.where()}",
        metadata={k: v.value for k, v in tp.metadata.items()},
        resolves_claims=resolves_claims,
        shows_cancel=metadata_bool(tp, "setting.showCancelButton", True, tenant),
        shows_signup_link=metadata_bool(tp, "setting.showSignupLink", True, tenant),
        shows_forgot_password=(one_of(tp.metadata["setting.forgotPasswordLinkLocation"], FORGOT_PASSWORD_LINK_LOCATIONS) != "None"
                               if "setting.forgotPasswordLinkLocation" in tp.metadata else True),
        input_claims=_refs(m, tp.input_claims), output_claims=_refs(m, tp.output_claims), persisted_claims=_refs(m, tp.persisted_claims),
        input_transformations=tuple(v.value for v in tp.input_transformations),
        output_transformations=tuple(v.value for v in tp.output_transformations),
        validation_profiles=tuple(v.value for v in tp.validation_profiles),
        display_claims=_refs(m, tp.display_claims),
        session_manager=tp.session_manager.value if tp.session_manager else None,
        not_executed=f"{tp.file}: {tp.where()}: {reason}" if reason else None,
    )


def _profiles(m: Merged, roots: list[str], tenant: str
              ) -> tuple[dict[str, TechnicalProfile], dict[str, tuple[str, ...]], dict[str, tuple[ClaimRef, ...]]]:
    """Every technical profile the journey can reach, the session managers they name (their persisted claims), and
    those managers' OutputClaims (what a single sign-on takes from the session: SM-AAD's objectIdFromSession)."""
    out: dict[str, TechnicalProfile] = {}
    managers: dict[str, tuple[str, ...]] = {}
    session_outputs: dict[str, tuple[ClaimRef, ...]] = {}
    todo = list(roots)
    while todo:
        pid = todo.pop()
        if pid in out or pid not in m.profiles:
            continue
        eff = effective(m, m.profiles[pid])
        out[pid] = _profile(m, eff, tenant)
        todo += [v.value for v in eff.validation_profiles]
        for v in eff.validation_profiles:
            if v.value not in m.profiles:
                raise PolicyError(f"{v.file}: {v.path}: no TechnicalProfile with that Id; define it or fix the ReferenceId")
        sm = eff.session_manager
        if sm is not None and sm.value not in managers:
            if sm.value not in m.profiles:
                raise PolicyError(f"{sm.file}: {sm.path}[@ReferenceId='{sm.value}']: no TechnicalProfile with that Id; "
                                  "use SM-AAD, SM-SocialLogin or SM-Noop")
            sm_eff = effective(m, m.profiles[sm.value])
            if "NoopSSOSessionProvider" not in (sm_eff.handler or ""):  # SM-Noop: nothing to remember
                managers[sm.value] = tuple(sm_eff.persisted_claims)
                session_outputs[sm.value] = _refs(m, sm_eff.output_claims)
    return out, managers, session_outputs


def _precondition_values(m: Merged, p: ET.Element) -> tuple[str, ...]:
    """The claim a precondition tests under its declared Id (as the journey's claims are kept), then its value, if any."""
    claim, *value = [(v.text or "").strip() for v in p.findall(q("Value"))]
    declared = m.claim_type(claim)
    assert declared is not None  # merge.py refuses a precondition on an undeclared claim
    return (declared.id, *value)


def _steps(m: Merged, journey: JourneyDef) -> tuple[OrchestrationStep, ...]:
    steps = []
    for order in sorted(journey.steps):
        st = journey.steps[order]
        el = st.el
        where = f"{st.file}: UserJourney[@Id='{journey.id}']/OrchestrationStep[@Order='{order}']{st.line}"
        pres = tuple(
            Precondition(p.get("Type", ""), boolean(p.get("ExecuteActionsIf")) is True, _precondition_values(m, p),  # checked in merge.py
                         text(p.find(q("Action"))) or "")
            for p in el.findall(f"{q('Preconditions')}/{q('Precondition')}")
        )
        exchanges = tuple((ce.get("Id", ""), ce.get("TechnicalProfileReferenceId", ""))
                          for ce in el.findall(f"{q('ClaimsExchanges')}/{q('ClaimsExchange')}"))
        sels = el.findall(f"{q('ClaimsProviderSelections')}/{q('ClaimsProviderSelection')}")
        local = next((s.get("ValidationClaimsExchangeId") for s in sels if s.get("ValidationClaimsExchangeId")), None)
        steps.append(OrchestrationStep(order, st.type, where, pres, exchanges, local_account_exchange=local,
                                       issuer=el.get("CpimIssuerTechnicalProfileReferenceId"),
                                       content_definition=el.get("ContentDefinitionReferenceId")))
    return tuple(steps)


def _check_references(m: Merged, journey: JourneyDef) -> None:
    for order in sorted(journey.steps):
        step = journey.steps[order]
        base = f"UserJourney[@Id='{journey.id}']/OrchestrationStep[@Order='{order}']"
        for ce in step.el.findall(f"{q('ClaimsExchanges')}/{q('ClaimsExchange')}"):
            ref = ce.get("TechnicalProfileReferenceId", "")
            if ref not in m.profiles:
                raise PolicyError(
                    f"{step.file}: {base}/ClaimsExchanges/ClaimsExchange[@Id='{ce.get('Id', '')}']{step.line}: "
                    f"TechnicalProfileReferenceId {ref!r} is not defined in any ClaimsProvider; "
                    "define that TechnicalProfile or reference an existing one")
        if step.type == "SendClaims":
            ref = step.el.get("CpimIssuerTechnicalProfileReferenceId", "")
            if ref not in m.profiles:
                raise PolicyError(f"{step.file}: {base}/@CpimIssuerTechnicalProfileReferenceId{step.line}: {ref!r} is not defined; "
                                  "use the JwtIssuer technical profile")


def _transformation_outputs(m: Merged, refs: list[Value]) -> set[str]:
    return {claim for ref in refs if (t := m.transformations.get(ref.value)) for claim, _ in t.outputs}


def _profile_outputs(m: Merged, tp: Profile, seen: tuple[str, ...] = ()) -> set[str]:
    """The claims a technical profile can leave in the journey: its OutputClaims and what its claims transformations output
    (B2C counts the starter pack's alternativeSecurityId, which Facebook-OAUTH's CreateAlternativeSecurityId outputs); also,
    unconfirmed and so counted rather than refused (README, Decisions), its InputClaims with a DefaultValue and what its
    validation technical profiles output."""
    out = set(tp.output_claims) | _transformation_outputs(m, tp.output_transformations + tp.input_transformations)
    out |= {claim for claim, (attrs, _) in tp.input_claims.items() if "DefaultValue" in attrs}
    for v in tp.validation_profiles:
        if v.value in m.profiles and v.value not in seen:  # a missing one: refused with the journey's profiles (_profiles)
            out |= _profile_outputs(m, effective(m, m.profiles[v.value]), seen + (tp.id,))
    return out


def _step_outputs(m: Merged, journey: JourneyDef) -> dict[int, set[str]]:
    """What each step of the journey outputs, by Order: ``_profile_outputs`` of each profile the step names, its claims
    exchanges' with those of the base's step B2C keeps (README, Decisions) and its CpimIssuerTechnicalProfileReferenceId's (a
    GetClaims step's id_token_hint profile, whose OutputClaims are the hint's claims; SendClaims' JwtIssuer)."""
    outputs: dict[int, set[str]] = {}
    for order, step in journey.steps.items():
        pids = [*(exchange.profile for exchange in journey.exchanges.get(order, {}).values()),
                step.el.get("CpimIssuerTechnicalProfileReferenceId", "")]
        outputs[order] = set()
        for pid in pids:
            try:
                outputs[order] |= _profile_outputs(m, effective(m, m.profiles[pid]))
            except (KeyError, PolicyError):  # none, or a base's exchange no step runs, naming what is not defined: not refused here
                continue
    return outputs


def _check_input_claims(m: Merged, rp_file: PolicyFile, journey: JourneyDef, supplied: set[str], outputs: dict[int, set[str]]) -> None:
    """B2C's upload of a relying party refuses the journey it runs when a step's directory profile has a Required input claim
    that no earlier step outputs (MicrosoftDocs/azure-docs#12948, azure-ad-b2c/samples#629). Checked no wider than those
    reports and the policies that upload pin down (README, Decisions): the relying party's own journey, up to a sub journey
    (what one outputs is not read), the step's own profile with its included ones; the claim's DefaultValue, the profile's own
    input claims transformations and the relying party's InputClaims (``supplied``) give it too."""
    produced = set(supplied)
    for order in sorted(journey.steps):
        step = journey.steps[order]
        if step.type == "InvokeSubJourney":
            return
        for ce in step.el.findall(f"{q('ClaimsExchanges')}/{q('ClaimsExchange')}"):  # the step the runtime runs
            cid = ce.get("Id", "")
            tp = effective(m, m.profiles[ce.get("TechnicalProfileReferenceId", "")])  # each one defined: _check_references
            if _is_directory(tp):
                own = _transformation_outputs(m, tp.input_transformations)
                for claim, (attrs, where) in tp.input_claims.items():
                    if boolean(attrs.get("Required")) and "DefaultValue" not in attrs and claim not in produced | own:
                        hint = (" (the starter pack's identity providers output it by their CreateAlternativeSecurityId transformation)"
                                if claim == "alternativeSecurityId" else "")
                        words = b2c_validation(rp_file, f'Claim type "{claim}" is the input claim of technical profile "{tp.id}" in step '
                                                        f'"{order}" of user journey "{journey.id}" but it is not an output claim in '
                                                        "any of the previous steps.")
                        raise PolicyError(
                            f"{rp_file.name}: UserJourney[@Id='{journey.id}']/OrchestrationStep[@Order='{order}']{step_written_at(rp_file, step)}"
                            f"/ClaimsExchanges/ClaimsExchange[@Id='{cid}']{journey.exchanges[order][cid].line}: {words}; {where.file}: {where.path} is Required and no "
                            f"step before step {order} outputs {claim} (a precondition that skips the step does not count): add a step before "
                            f"it whose technical profile outputs {claim}{hint}, or take the exchange out of the journey this relying party runs")
        produced |= outputs[order]


def _check_extension_attributes(m: Merged, rp_file: PolicyFile, profiles: dict[str, TechnicalProfile]) -> None:
    """B2C's upload refuses a directory profile that reads or writes an extension attribute (a claim type ``extension_...``)
    without the b2c-extensions-app's ``ApplicationObjectId`` in its metadata (its own or AAD-Common's): `A required Metadata
    item with key "ApplicationObjectId" was not found in the TechnicalProfile with id ...` (azure-ad-b2c/samples#218, #391;
    Microsoft's custom-policy-custom-attributes article, "Modify your custom policy"). The emulator keeps any claim on its
    users, so without this check a policy that B2C refuses ran here. Checked for the profiles the relying party's journey reaches."""
    for pid in profiles:
        tp = effective(m, m.profiles[pid])
        if not _is_directory(tp) or "ApplicationObjectId" in tp.metadata:
            continue
        claims = (*tp.input_claims.items(), *tp.output_claims.items(), *tp.persisted_claims.items())
        extension = next(((claim, where) for claim, (_, where) in claims if claim.lower().startswith("extension_")), None)
        if extension is None:
            continue
        claim, where = extension
        words = b2c_validation(rp_file, f'A required Metadata item with key "ApplicationObjectId" was not found in the TechnicalProfile '
                                        f'with id "{tp.id}" in policy "{rp_file.policy_id}" of tenant "{rp_file.tenant_domain}".')
        raise PolicyError(f"{where.file}: {where.path}: {words}; {claim} is an extension attribute, which B2C keeps on the tenant's "
                          "b2c-extensions-app: give AAD-Common that app's ClientId and ApplicationObjectId as metadata (<Item "
                          "Key=\"ClientId\">, <Item Key=\"ApplicationObjectId\">, in your extensions file), or take the claim out")


def _check_output_claims(rp_file: PolicyFile, journey: JourneyDef, supplied: set[str], outputs: dict[int, set[str]],
                         without_default: list[tuple[str, str]]) -> None:
    """B2C's upload of a relying party refuses an OutputClaim of its technical profile, (claim, where) in ``without_default``,
    that no step of its journey outputs (MicrosoftDocs' troubleshoot article, MicrosoftDocs/azure-docs#12948): a step's output
    as the input claim check counts it, over every step, and the relying party's InputClaims (``supplied``). A journey with a
    sub journey is not checked: what one outputs is not read (README, Decisions)."""
    if any(step.type == "InvokeSubJourney" for step in journey.steps.values()):
        return
    produced = set(supplied).union(*outputs.values())
    for claim, where in without_default:
        if claim in produced:
            continue
        words = b2c_validation(rp_file, f'Claim type "{claim}" is the output claim of the relying party\'s technical profile, but it is not '
                                        f'an output claim in any of the steps of user journey "{journey.id}".')
        raise PolicyError(f"{rp_file.name}: {where}: {words}; no step of {journey.id} outputs {claim}, so its token could not carry it: add "
                          f"{claim} to the OutputClaims of the technical profile of a step that has it, give this OutputClaim a DefaultValue "
                          '(DefaultValue="" for none, as MicrosoftDocs\' troubleshoot article has it), or take it out')


def _buttons(m: Merged, journey: JourneyDef, policy_keys: Mapping[str, Any], tenant: str) -> tuple[list[IdentityProvider], bool]:
    sel_order = next((o for o in sorted(journey.steps) if journey.steps[o].type in SELECTION_STEP_TYPES), None)
    if sel_order is None:
        return [], False
    sel_step = journey.steps[sel_order]
    later = {ce.get("Id", ""): ce for o in sorted(journey.steps) if o > sel_order
             for ce in journey.steps[o].el.findall(f"{q('ClaimsExchanges')}/{q('ClaimsExchange')}")}
    step_path = f"UserJourney[@Id='{journey.id}']/OrchestrationStep[@Order='{sel_order}']"
    providers: list[IdentityProvider] = []
    show_local = False
    for sel in sel_step.el.findall(f"{q('ClaimsProviderSelections')}/{q('ClaimsProviderSelection')}"):
        if sel.get("ValidationClaimsExchangeId"):
            show_local = sel_step.type == "CombinedSignInAndSignUp"
            continue
        target = sel.get("TargetClaimsExchangeId", "")
        ce = later.get(target)
        if ce is None:
            raise PolicyError(
                f"{sel_step.file}: {step_path}/ClaimsProviderSelections/ClaimsProviderSelection[@TargetClaimsExchangeId='{target}']: "
                f"no ClaimsExchange with Id {target!r} in a later step; add <ClaimsExchange Id=\"{target}\" "
                f"TechnicalProfileReferenceId=\"...\" /> to step {sel_order + 1}")
        tp = effective(m, m.profiles[ce.get("TechnicalProfileReferenceId", "")])
        if not is_identity_provider(tp) and tp.protocol is not None and tp.protocol.value.lower() == "proprietary":
            continue  # a local-account button (ProfileEdit's selection page): refused when the journey runs
        providers.append(identity_provider(m, target, tp, policy_keys, tenant=tenant))
    return providers, show_local


def _self_asserted_claims(m: Merged, journey: JourneyDef) -> tuple[str, ...]:
    """The first social self-asserted page's typed-in claims (for the built-in page model)."""
    for order in sorted(journey.steps):
        for ce in journey.steps[order].el.findall(f"{q('ClaimsExchanges')}/{q('ClaimsExchange')}"):
            tp = effective(m, m.profiles[ce.get("TechnicalProfileReferenceId", "")])
            if _kind(tp)[0] is ProfileKind.SELF_ASSERTED:
                return tuple(c for c, (a, _) in tp.output_claims.items()  # each one declared (merge.py)
                             if "DefaultValue" not in a and m.claim_types[c].user_input_type)
    return ()


def build_policy(rp_file: PolicyFile, chain: list[PolicyFile], policy_keys: Mapping[str, Any]) -> Policy:
    m = merge(chain)
    check_policy_keys(chain, m, policy_keys)
    name = rp_file.name
    rp = rp_file.root.find(q("RelyingParty"))
    assert rp is not None
    duj = rp.find(q("DefaultUserJourney"))
    jid = (duj.get("ReferenceId") or "").strip() if duj is not None else ""
    if not jid:
        raise PolicyError(f"{name}: RelyingParty/DefaultUserJourney/@ReferenceId: missing; name the user journey to run")
    journey = m.journeys.get(jid)
    if journey is None:
        known = ", ".join(sorted(m.journeys)) or "none"
        raise PolicyError(f"{name}: RelyingParty/DefaultUserJourney[@ReferenceId='{jid}']: no UserJourney with that Id "
                          f"in this policy or its base policies (defined: {known})")
    _check_references(m, journey)
    providers, show_local = _buttons(m, journey, policy_keys, rp_file.tenant_domain)

    rp_tp = rp.find(q("TechnicalProfile"))
    if rp_tp is None:
        raise PolicyError(f"{name}: RelyingParty/TechnicalProfile: missing; add <TechnicalProfile Id=\"PolicyProfile\">")
    rp_where = f"RelyingParty/TechnicalProfile[@Id='{rp_tp.get('Id', '')}']"
    rp_proto = rp_tp.find(q("Protocol"))
    rp_proto_name = (rp_proto.get("Name") or "").strip() if rp_proto is not None else ""
    if rp_proto_name.lower() != "openidconnect":
        raise PolicyError(f"{name}: {rp_where}/Protocol/@Name: {rp_proto_name!r} is not supported; the emulator issues "
                          "OpenID Connect tokens, use OpenIdConnect")
    supplied: set[str] = set()  # the relying party's InputClaims: claims the journey starts with (id_token_hint)
    for ic in rp_tp.findall(f"{q('InputClaims')}/{q('InputClaim')}"):  # not read at runtime, but the upload checks them too
        ctr = ic.get("ClaimTypeReferenceId", "")
        supplied.add(claim_declared(m, ctr, Value(ctr, name, f"{rp_where}/InputClaims/InputClaim[@ClaimTypeReferenceId='{ctr}']{rp_file.line(ic)}")))
    outputs = _step_outputs(m, journey)
    _check_input_claims(m, rp_file, journey, supplied, outputs)
    output: list[RelyingPartyClaim] = []
    without_default: list[tuple[str, str]] = []  # (claim, where): what a step of the journey must output
    for oc in rp_tp.findall(f"{q('OutputClaims')}/{q('OutputClaim')}"):
        ctr = oc.get("ClaimTypeReferenceId", "")
        oc_where = f"{rp_where}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='{ctr}']{rp_file.line(oc)}"
        declared = claim_declared(m, ctr, Value(ctr, name, oc_where))
        token_claim = (oc.get("PartnerClaimType") or m.claim_types[declared].partner.get("OpenIdConnect")
                       or name_from_reference(ctr, declared, Value(ctr, name, oc_where), "the token's claim"))
        default = oc.get("DefaultValue")
        if unknown := unfilled(default):
            raise PolicyError(f"{name}: {oc_where}: DefaultValue's claim resolver {unknown[0]} is not one the emulator fills in ({FILLED_IN}): its token "
                              "would carry the text as written where B2C puts a value; use one of those, or take it out (mocks/b2c/README.md, claim resolvers)")
        xs_boolean(oc.get("Required"), f"{name}: {oc_where}/@Required")  # not read here, but typed xs:boolean, as upload checks it
        output.append(RelyingPartyClaim(declared, token_claim, default,
                                        bool(xs_boolean(oc.get("AlwaysUseDefaultValue"), f"{name}: {oc_where}/@AlwaysUseDefaultValue")),
                                        m.claim_types[declared].data_type))
        if default is None:
            without_default.append((declared, oc_where))
    _check_output_claims(rp_file, journey, supplied, outputs, without_default)
    if not any(claim.token_claim == "sub" for claim in output):
        # The relying party's SubjectNamingInfo names sub; what B2C's token carries when no output claim is it is not
        # documented, so a token here could differ from the tenant's (README, Decisions).
        raise PolicyError(f"{name}: {rp_where}/OutputClaims: no OutputClaim is the token's sub (none has PartnerClaimType=\"sub\", "
                          "nor a claim type whose OpenIdConnect partner claim type is sub); add <OutputClaim "
                          "ClaimTypeReferenceId=\"objectId\" PartnerClaimType=\"sub\"/> there, as the starter pack's relying parties "
                          "have it. The refusal is the emulator's: what a tenant's token carries in sub without it is not documented, "
                          "and the emulator does not guess (mocks/b2c/README.md, Decisions)")

    steps = _steps(m, journey)
    roots = [pid for s in steps for _, pid in s.exchanges] + [s.issuer for s in steps if s.issuer]
    profiles, managers, session_outputs = _profiles(m, roots, rp_file.tenant_domain)
    _check_extension_attributes(m, rp_file, profiles)
    used = {t for p in profiles.values() for t in p.input_transformations + p.output_transformations}
    try:
        transformations = {  # each one a profile names is defined: merge() refuses the reference otherwise
            t.id: spelt_as_its_method(ClaimsTransformation(t.id, t.method, f"{t.file}: ClaimsTransformation[@Id='{t.id}']",
                                                           tuple(t.inputs), tuple(t.parameters), tuple(t.outputs)))
            for tid, t in m.transformations.items() if tid in used
        }
    except ValueError as wrong:
        raise PolicyError(f"{name}: {wrong}") from None
    labels = {c: ct.display_name for c, ct in m.claim_types.items() if ct.display_name}
    input_types = {c: ct.user_input_type for c, ct in m.claim_types.items() if ct.user_input_type}
    patterns = {c: ct.pattern for c, ct in m.claim_types.items() if ct.pattern and ct.user_input_type}
    program = UserJourney(jid, steps, profiles, transformations, managers, labels, input_types, f"{name}: {rp_where}", claim_labels(chain),
                          ux_strings(chain), provider_strings(chain), load_uris(chain), session_outputs=session_outputs, patterns=patterns,
                          data_types={c: ct.data_type for c, ct in m.claim_types.items() if ct.data_type})
    issuer = next((s.issuer for s in steps if s.issuer), None)
    return Policy(
        policy_id=rp_file.policy_id, kind=PolicyKind.CUSTOM_POLICY, identity_providers=tuple(providers),
        output_claims=tuple(output), self_asserted_claims=_self_asserted_claims(m, journey),
        show_local_account_form=show_local, journey=program,
        issuance=issuance(m, issuer, tenant=rp_file.tenant_domain),
        enforce_id_token_hint_on_logout=enforces_id_token_hint_on_logout(rp_file, rp), languages=languages(chain),
    )
