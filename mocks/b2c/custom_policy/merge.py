"""Merging a BasePolicy chain, base first, the way the Identity Experience Framework layers files.

Claim types, claims transformations and technical profiles merge by ``Id`` (a later file adds
metadata items by ``Key``, keys by ``Id``, claims by ``ClaimTypeReferenceId``); user journeys merge
by ``Id`` and their orchestration steps by ``Order`` (a later step with the same ``Order``
replaces the earlier one whole, as the runtime runs it; B2C adds the later step's claims exchanges
to the earlier's, which the checks below count: mocks/b2c/README.md, Decisions).

Checked here, file by file, as B2C's upload checks each file against its base policies (a refusal names the file whose
upload B2C refuses): claim references, the schema's xs:boolean attributes, step and precondition types, the schema's keys,
and each journey a file writes, merged with its bases'. What the relying party's journey settles is checked in build.py;
the full list is policies/README.md's.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import NamedTuple

from mocks.b2c.policy import PolicyError

from .files import PolicyFile, b2c_validation, boolean, q, text, xs_boolean

# OrchestrationStep/@Type: the schema's enumeration (TrustFrameworkPolicy_0.3.0.0.xsd, OrchestrationStepType); the
# runtime executes CombinedSignInAndSignUp, ClaimsExchange and SendClaims and refuses the others when a journey reaches them.
PRECONDITION_TYPES = ("ClaimsExist", "ClaimEquals")
SELECTION_STEP_TYPES = ("CombinedSignInAndSignUp", "ClaimsProviderSelection")  # the steps whose buttons pick the next step's exchange
STEP_TYPES = ("ClaimsProviderSelection", "CombinedSignInAndSignUp", "ClaimsExchange", "GetClaims", "InvokeSubJourney",
              "ReviewScreen", "SendClaims", "UserDialog", "ConsentScreen", "Noop")


@dataclass
class Value:
    value: str
    file: str
    path: str  # element path for messages
    policy: str = ""  # the PolicyId of the file it is written in: B2C names that policy when it refuses the value


@dataclass
class Profile:
    id: str
    file: str  # last file that defined or extended it
    line: str = ""
    display_name: str | None = None
    protocol: Value | None = None
    handler: str | None = None
    metadata: dict[str, Value] = field(default_factory=dict)
    keys: dict[str, Value] = field(default_factory=dict)
    input_claims: dict[str, tuple[dict[str, str], Value]] = field(default_factory=dict)
    output_claims: dict[str, tuple[dict[str, str], Value]] = field(default_factory=dict)
    persisted_claims: dict[str, tuple[dict[str, str], Value]] = field(default_factory=dict)
    input_transformations: list[Value] = field(default_factory=list)
    output_transformations: list[Value] = field(default_factory=list)
    validation_profiles: list[Value] = field(default_factory=list)
    display_claims: dict[str, tuple[dict[str, str], Value]] = field(default_factory=dict)
    display_controls: list[Value] = field(default_factory=list)  # <DisplayClaim DisplayControlReferenceId="..."/>
    enabled_for: Value | None = None  # EnabledForUserJourneys
    # What a validation technical profile's reference asks that the emulator does not execute (its Preconditions,
    # ContinueOnError, ContinueOnSuccess), each with where it is written.
    validation_not_executed: list[tuple[Value, str]] = field(default_factory=list)
    session_manager: Value | None = None
    includes: list[Value] = field(default_factory=list)
    provider_domain: str | None = None
    provider_display_name: str | None = None

    def where(self) -> str:
        return f"TechnicalProfile[@Id='{self.id}']"


@dataclass
class ClaimTypeDef:
    id: str
    partner: dict[str, str]  # protocol -> partner claim type
    user_input_type: str | None
    data_type: str | None
    display_name: str | None
    pattern: tuple[str, str] | None = None  # Restriction/Pattern: its RegularExpression and HelpText


@dataclass
class TransformationDef:
    id: str
    method: str
    file: str
    inputs: list[tuple[str, str]] = field(default_factory=list)
    parameters: list[tuple[str, str]] = field(default_factory=list)
    outputs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class StepDef:
    order: int
    type: str
    file: str
    line: str
    el: ET.Element


class Exchange(NamedTuple):
    file: str  # the file that last wrote a claims exchange of that Id in the step
    profile: str  # its TechnicalProfileReferenceId
    line: str  # where it is written in that file: " (line N)"


@dataclass
class JourneyDef:
    id: str
    steps: dict[int, StepDef] = field(default_factory=dict)  # the step of each Order the runtime runs: the last file's
    # The claims exchanges B2C's step of each Order holds, by Id: a later file's step adds its exchanges to the base's step of
    # that Order rather than replacing them (README, Decisions), so they are not all in ``steps``.
    exchanges: dict[int, dict[str, Exchange]] = field(default_factory=dict)


@dataclass
class Merged:
    claim_types: dict[str, ClaimTypeDef] = field(default_factory=dict)
    transformations: dict[str, TransformationDef] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    journeys: dict[str, JourneyDef] = field(default_factory=dict)

    def claim_type(self, claim: str) -> ClaimTypeDef | None:
        """The declaration a ClaimTypeReferenceId names, matched case-insensitively as B2C's upload matches it: the
        starter pack's login-NonInteractive outputs surName, declared surname, and the pack uploads."""
        found = self.claim_types.get(claim)
        if found is None:
            found = next((ct for cid, ct in self.claim_types.items() if cid.lower() == claim.lower()), None)
        return found


def merge(chain: list[PolicyFile]) -> Merged:
    m = Merged()
    for f in chain:  # base first
        blocks = f.root.find(q("BuildingBlocks"))
        if blocks is not None:
            _claim_types(m, f, blocks)
            _transformations(m, f, blocks)
        profiles: dict[str, ET.Element] = {}  # the schema's key: a technical profile Id once across the file's ClaimsProviders
        for cp in f.root.findall(f"{q('ClaimsProviders')}/{q('ClaimsProvider')}"):
            domain = text(cp.find(q("Domain")))
            cp_name = text(cp.find(q("DisplayName")))
            for tp_el in cp.findall(f"{q('TechnicalProfiles')}/{q('TechnicalProfile')}"):
                if tid := tp_el.get("Id"):
                    _once(f, profiles, tid, tp_el, f"{f.name}: TechnicalProfile[@Id='{tid}']{f.line(tp_el)}", "UniqueTechnicalProfileId",
                          "one file defines a technical profile once (whichever ClaimsProvider holds it): merge the two or rename one")
                _merge_profile(m, f, tp_el, domain, cp_name)
        written: dict[str, ET.Element] = {}  # the file's journeys: B2C checks each, merged with its bases', at the file's upload
        for uj in f.root.findall(f"{q('UserJourneys')}/{q('UserJourney')}"):
            jid = uj.get("Id")
            if not jid:
                raise PolicyError(f"{f.name}: UserJourney{f.line(uj)}: @Id is missing")
            _once(f, written, jid, uj, f"{f.name}: UserJourney[@Id='{jid}']{f.line(uj)}", "UniqueUserJourneyId",
                  "one file writes a journey once: merge the two or rename one")
            journey = m.journeys.setdefault(jid, JourneyDef(jid))
            orders: dict[str, ET.Element] = {}  # the schema's keys: within one journey of one file
            exchanges: dict[str, ET.Element] = {}
            for st in uj.findall(f"{q('OrchestrationSteps')}/{q('OrchestrationStep')}"):
                order_s = (st.get("Order") or "").strip()
                if not order_s.isdigit():
                    raise PolicyError(
                        f"{f.name}: UserJourney[@Id='{jid}']/OrchestrationStep{f.line(st)}: "
                        f"@Order {order_s!r} is not a number; number the steps 1, 2, 3, ..."
                    )
                order = int(order_s)
                step_where = f"{f.name}: UserJourney[@Id='{jid}']/OrchestrationStep[@Order='{order_s}']{f.line(st)}"
                _once(f, orders, str(order), st, step_where, "UniqueOrchestrationStepOrder", "give each step of the journey its own Order, 1 to N")
                _check_step(m, f, step_where, st)
                for ce in st.findall(f"{q('ClaimsExchanges')}/{q('ClaimsExchange')}"):
                    cid = ce.get("Id")
                    if not cid:
                        raise PolicyError(f"{step_where}/ClaimsExchanges/ClaimsExchange{f.line(ce)}: @Id is missing; B2C's schema requires it: "
                                          "add Id=\"...\" (the TargetClaimsExchangeId a button names)")
                    _once(f, exchanges, cid, ce, f"{step_where}/ClaimsExchanges/ClaimsExchange[@Id='{cid}']{f.line(ce)}", "UniqueClaimsExchangeId",
                          "give each claims exchange of the journey its own Id (and the ClaimsProviderSelection that targets it the same)")
                    journey.exchanges.setdefault(order, {})[cid] = Exchange(f.name, ce.get("TechnicalProfileReferenceId", ""), f.line(ce))
                journey.steps[order] = StepDef(order, (st.get("Type") or "").strip(), f.name, f.line(st), st)
        for jid, uj in written.items():
            _check_journey(f, m.journeys[jid], uj)
    return m


def _once(f: PolicyFile, seen: dict[str, ET.Element], value: str, el: ET.Element, where: str, key: str, fix: str) -> None:
    """``value`` of the policy schema's xs:key ``key`` (TrustFrameworkPolicy_0.3.0.0.xsd) not yet in ``seen``, the values of its
    scope so far: B2C's upload refuses a repeat with the schema validator's words (MicrosoftDocs/azure-docs,
    articles/active-directory-b2c/troubleshoot.md: "There is a duplicate key sequence ...")."""
    if value in seen:
        other = f" at line {f.lines[seen[value]]}" if seen[value] in f.lines else ""
        raise PolicyError(f"{where}: There is a duplicate key sequence '{value}' for the schema's {key} key, the other{other}: {fix}")
    seen[value] = el


def step_written_at(f: PolicyFile, step: StepDef) -> str:
    """Where a step of the merged journey is written: its line in the file, or the base policy and line."""
    if step.file == f.name:
        return step.line
    return f" ({step.file}, {step.line.strip()[1:-1]})" if step.line else f" ({step.file})"


def _check_journey(f: PolicyFile, journey: JourneyDef, uj: ET.Element) -> None:
    """A journey the file writes (whole, or steps of a base policy's), as the file's upload sees it: merged with its base
    policies' (a journey only a base writes was checked at the base's upload, and no later file changes it)."""
    where = f"{f.name}: UserJourney[@Id='{journey.id}']{f.line(uj)}"
    orders = sorted(journey.steps)
    missing = next((n for n in range(1, len(orders) + 1) if n not in journey.steps), None)
    if missing is not None:
        # MicrosoftDocs/azure-docs, articles/active-directory-b2c/troubleshoot.md: "...was expected to have step with order
        # "{number}" but it was not found...": renumber the steps "without skipping any integers from 1 to N".
        others = sorted({step.file for step in journey.steps.values()} - {f.name})
        merged = f" (this file's merged with those of {', '.join(others)})" if others else ""
        raise PolicyError(f"{where}: its steps are {', '.join(map(str, orders))}{merged}; B2C's upload refuses it: ...was expected "
                          f"to have step with order \"{missing}\" but it was not found...; number the steps 1 to {len(orders)} without "
                          "skipping any")
    for order in orders:
        step, before, held = journey.steps[order], journey.steps.get(order - 1), journey.exchanges.get(order, {})
        after_buttons = before is not None and before.type in SELECTION_STEP_TYPES
        if after_buttons and step.type != "ClaimsExchange":
            # troubleshoot.md: "Orchestration step order "{number}" in user journey "{name}" ...is followed by a claims provider
            # selection step and must be a claims exchange, but it is of type..."
            raise PolicyError(f"{where}/OrchestrationStep[@Order='{order}']{step_written_at(f, step)}: Type {step.type!r} right after step "
                              f"{order - 1}, a {journey.steps[order - 1].type} step; B2C's upload refuses it: Orchestration step order \"{order}\" in user "
                              f"journey \"{journey.id}\" ...is followed by a claims provider selection step and must be a claims "
                              "exchange, but it is of type...; the step after the buttons runs the exchange a button picks: make it "
                              'Type="ClaimsExchange", and give what it did a step of its own')
        if step.type == "ClaimsExchange" and len(held) > 1 and not after_buttons:
            # azure-ad-b2c/samples#198, MicrosoftDocs/azure-docs#6866, Azure-Samples/active-directory-verifiable-credentials#52, #62; the
            # troubleshoot article: "must have a single ClaimsExchange, unless the previous step is" a selection step.
            words = b2c_validation(f, f'User journey "{journey.id}" in policy "{f.policy_id}" of tenant "{f.tenant_domain}" has step '
                                      f"{order} with {len(held)} claims exchanges. It must be preceded by a claims provider selection in "
                                      "order to determine which claims exchange can be used.")
            files = {exchange.file for exchange in held.values()}
            added = ("; a step a later file numbers as its base policy's adds its claims exchanges to the base's, it does not "
                     "replace them (a journey of an Id of its own, as Microsoft's \"Add a user journey\" has it, replaces nothing)"
                     if len(files) > 1 else "")
            raise PolicyError(f"{where}/OrchestrationStep[@Order='{order}']{step_written_at(f, step)}: {words}; its claims exchanges: "
                              f"{', '.join(f'{cid} ({exchange.file})' for cid, exchange in held.items())}{added}; give each claims exchange a step of "
                              "its own, or put a ClaimsProviderSelection or CombinedSignInAndSignUp step right before it")
    if not any(step.type == "SendClaims" for step in journey.steps.values()):
        # azure-ad-b2c/samples#44 (the upload of the extensions that wrote PasswordReset without one), #560
        words = b2c_validation(f, f"User journey '{journey.id}' does not contain a send claims step.")
        last = max(journey.steps, default=0)
        raise PolicyError(f"{where}: {words}; a journey ends by issuing the token: add <OrchestrationStep Order=\"{last + 1}\" "
                          'Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" /> after its last step')


def _check_step(m: Merged, f: PolicyFile, where: str, st: ET.Element) -> None:
    """The schema's checks of a step, for every journey of the file (not only the one a relying party names): B2C
    refuses the upload of a file with a step it can't read, whichever journey holds it."""
    kind = st.get("Type")
    if kind is None:
        raise PolicyError(f"{where}: @Type is missing; B2C's schema requires it: add Type=\"ClaimsExchange\" (or another of "
                          f"{', '.join(STEP_TYPES)})")
    if kind not in STEP_TYPES:
        raise PolicyError(f"{where}/@Type: {kind!r} is not an orchestration step type B2C's schema knows; use one of "
                          f"{', '.join(STEP_TYPES)} (as written, case included)")
    for pre in st.findall(f"{q('Preconditions')}/{q('Precondition')}"):
        kind = pre.get("Type", "")
        pre_where = f"{where}/Preconditions/Precondition[@Type='{kind}']{f.line(pre)}"
        if kind not in PRECONDITION_TYPES:
            raise PolicyError(f"{pre_where}/@Type: {kind!r} is not a precondition type B2C's schema knows; use ClaimsExist or "
                              "ClaimEquals (as written, case included)")
        if pre.get("ExecuteActionsIf") is None:
            raise PolicyError(f"{pre_where}/@ExecuteActionsIf: missing; B2C's schema requires it: add ExecuteActionsIf=\"true\" "
                              "(act when the check holds) or \"false\"")
        xs_boolean(pre.get("ExecuteActionsIf"), f"{pre_where}/@ExecuteActionsIf")
        values = [(v.text or "").strip() for v in pre.findall(q("Value"))]
        if len(values) != (2 if kind == "ClaimEquals" else 1):
            raise PolicyError(f"{pre_where}: {len(values)} <Value> elements; {kind} takes "
                              + ("two: the claim type, then the value to compare it with" if kind == "ClaimEquals" else "one: the claim type"))
        claim_declared(m, values[0], Value(values[0], f.name, f"{pre_where}/Value"))  # a claim the journey can hold
        action = text(pre.find(q("Action")))
        if action != "SkipThisOrchestrationStep":  # the only action of a journey's precondition (UserJourneys reference)
            raise PolicyError(f"{pre_where}/Action: {action!r} is not a precondition action of an orchestration step; "
                              "use SkipThisOrchestrationStep")


def claim_declared(m: Merged, claim: str, v: Value) -> str:
    """The declared Id of the claim type ``claim`` names (in the declaration's case: one claim, one name in the journey's
    claims). B2C's upload refuses a reference to a claim type that neither the file nor one of its base policies declares
    (``m`` holds the claim types merged so far: those of the file being merged and its bases)."""
    if (declared := m.claim_type(claim)) is not None:
        return declared.id
    raise PolicyError(f"{v.file}: {v.path}: claim type {claim!r} is not declared in BuildingBlocks/ClaimsSchema of {v.file} "
                      "or a policy it is based on; declare it there or fix the ClaimTypeReferenceId (each file's upload sees "
                      "its own and its base policies' claim types, not those of files based on it)")


def name_from_reference(written: str, declared: str, v: Value, what: str) -> str:
    """The name a claim takes where neither a PartnerClaimType nor the schema gives one (``what``: the token's claim,
    the identity provider's): the reference itself. Spelt otherwise than declared, which of the two B2C uses is not
    documented, so the emulator refuses rather than guess (mocks/b2c/README.md, Decisions)."""
    if written != declared:
        raise PolicyError(f"{v.file}: {v.path}: names {what} by the claim type, spelt {written!r} here and {declared!r} where it is "
                          f"declared; which one B2C uses is not documented: write {declared!r} or add a PartnerClaimType")
    return written


def _claim_types(m: Merged, f: PolicyFile, blocks: ET.Element) -> None:
    schema = blocks.find(q("ClaimsSchema"))
    if schema is None:
        return
    declared: dict[str, ET.Element] = {}  # the schema's key (UniqueClaimTypeId): a claim type Id once in the file's ClaimsSchema
    for ct in schema.findall(q("ClaimType")):
        cid = ct.get("Id")
        if not cid:
            raise PolicyError(f"{f.name}: BuildingBlocks/ClaimsSchema/ClaimType{f.line(ct)}: @Id is missing; B2C's schema keys claim "
                              'types by it: add Id="..." (the name ClaimTypeReferenceIds use)')
        _once(f, declared, cid, ct, f"{f.name}: BuildingBlocks/ClaimsSchema/ClaimType[@Id='{cid}']{f.line(ct)}", "UniqueClaimTypeId",
              "one file declares a claim type once: merge the two")
        prev = m.claim_types.get(cid)
        partner = dict(prev.partner) if prev else {}
        dpct = ct.find(q("DefaultPartnerClaimTypes"))
        if dpct is not None:
            partner = {p.get("Name", ""): p.get("PartnerClaimType", "") for p in dpct.findall(q("Protocol"))}
        uit = text(ct.find(q("UserInputType")))
        data_type = text(ct.find(q("DataType")))
        display = text(ct.find(q("DisplayName")))
        pattern_el = ct.find(f"{q('Restriction')}/{q('Pattern')}")
        pattern = (pattern_el.get("RegularExpression", ""), pattern_el.get("HelpText", "")) if pattern_el is not None else None
        m.claim_types[cid] = ClaimTypeDef(
            cid, partner,
            uit if uit is not None else (prev.user_input_type if prev else None),
            data_type if data_type is not None else (prev.data_type if prev else None),
            display if display is not None else (prev.display_name if prev else None),
            pattern if pattern is not None else (prev.pattern if prev else None),
        )


def _transformations(m: Merged, f: PolicyFile, blocks: ET.Element) -> None:
    defined: dict[str, ET.Element] = {}  # the schema's key (UniqueClaimsTransformationId): an Id once in the file's ClaimsTransformations
    for ct in blocks.findall(f"{q('ClaimsTransformations')}/{q('ClaimsTransformation')}"):
        tid = ct.get("Id")
        if not tid:
            raise PolicyError(f"{f.name}: BuildingBlocks/ClaimsTransformations/ClaimsTransformation{f.line(ct)}: @Id is missing; B2C's schema "
                              'keys claims transformations by it: add Id="..." (the name technical profiles\' ReferenceIds use)')
        _once(f, defined, tid, ct, f"{f.name}: BuildingBlocks/ClaimsTransformations/ClaimsTransformation[@Id='{tid}']{f.line(ct)}",
              "UniqueClaimsTransformationId", "one file defines a claims transformation once: remove one or rename it")
        t = TransformationDef(tid, (ct.get("TransformationMethod") or "").strip(), f.name)
        where = f"ClaimsTransformation[@Id='{tid}']"
        t.inputs = [_transformation_claim(m, f, where, c, "InputClaims/InputClaim") for c in ct.findall(f"{q('InputClaims')}/{q('InputClaim')}")]
        t.parameters = [(p.get("Id", ""), p.get("Value", "")) for p in ct.findall(f"{q('InputParameters')}/{q('InputParameter')}")]
        t.outputs = [_transformation_claim(m, f, where, c, "OutputClaims/OutputClaim") for c in ct.findall(f"{q('OutputClaims')}/{q('OutputClaim')}")]
        m.transformations[tid] = t


def _transformation_claim(m: Merged, f: PolicyFile, where: str, c: ET.Element, path: str) -> tuple[str, str]:
    """A transformation's claim as (declared claim type, TransformationClaimType): checked as a technical profile's, in
    every transformation of the file, and named as declared, the name the runtime's claims are kept under."""
    ctr = c.get("ClaimTypeReferenceId", "")
    v = Value(ctr, f.name, f"{where}/{path}[@ClaimTypeReferenceId='{ctr}']{f.line(c)}")
    return claim_declared(m, ctr, v), c.get("TransformationClaimType", "")


def _claims(m: Merged, f: PolicyFile, where: str, el: ET.Element, group: str, item: str,
            into: dict[str, tuple[dict[str, str], Value]]) -> None:
    for c in el.findall(f"{q(group)}/{q(item)}"):
        if item == "DisplayClaim" and c.get("ClaimTypeReferenceId") is None:
            continue  # <DisplayClaim DisplayControlReferenceId="..."/>: a display control, not a claim
        ctr = c.get("ClaimTypeReferenceId", "")
        v = Value(ctr, f.name, f"{where}/{group}/{item}[@ClaimTypeReferenceId='{ctr}']{f.line(c)}")
        # Checked for every technical profile of the file, whether or not a journey reaches it, as the upload does;
        # unchecked, the runtime read an undeclared claim's page field as absent and a bad boolean as false.
        declared = claim_declared(m, ctr, v)
        for attr in ("AlwaysUseDefaultValue", "Required"):
            xs_boolean(c.get(attr), f"{v.file}: {v.path}/@{attr}")
        into[declared] = (dict(c.attrib), v)


def _merge_profile(m: Merged, f: PolicyFile, el: ET.Element, domain: str | None, cp_name: str | None) -> None:
    tid = el.get("Id")
    if not tid:
        raise PolicyError(f"{f.name}: TechnicalProfile{f.line(el)}: @Id is missing")
    tp = m.profiles.get(tid)
    if tp is None:
        tp = m.profiles[tid] = Profile(tid, f.name)
    tp.file = f.name
    tp.line = f.line(el)
    where = tp.where()
    if domain:
        tp.provider_domain = domain
    if cp_name:
        tp.provider_display_name = cp_name
    dn = text(el.find(q("DisplayName")))
    if dn is not None:
        tp.display_name = dn
    proto = el.find(q("Protocol"))
    if proto is not None:
        tp.protocol = Value((proto.get("Name") or "").strip(), f.name, f"{where}/Protocol/@Name")
        tp.handler = proto.get("Handler")
    for metadata_item in el.findall(f"{q('Metadata')}/{q('Item')}"):
        key = metadata_item.get("Key", "")
        tp.metadata[key] = Value(text(metadata_item) or "", f.name, f"{where}/Metadata/Item[@Key='{key}']", f.policy_id)
    for crypto_key in el.findall(f"{q('CryptographicKeys')}/{q('Key')}"):
        kid = crypto_key.get("Id", "")
        tp.keys[kid] = Value((crypto_key.get("StorageReferenceId") or "").strip(), f.name,
                             f"{where}/CryptographicKeys/Key[@Id='{kid}']/@StorageReferenceId")
    _claims(m, f, where, el, "InputClaims", "InputClaim", tp.input_claims)
    _claims(m, f, where, el, "OutputClaims", "OutputClaim", tp.output_claims)
    _claims(m, f, where, el, "PersistedClaims", "PersistedClaim", tp.persisted_claims)
    _claims(m, f, where, el, "DisplayClaims", "DisplayClaim", tp.display_claims)
    for control in el.findall(f"{q('DisplayClaims')}/{q('DisplayClaim')}[@DisplayControlReferenceId]"):
        cid = control.get("DisplayControlReferenceId", "")
        tp.display_controls.append(Value(cid, f.name, f"{where}/DisplayClaims/DisplayClaim[@DisplayControlReferenceId='{cid}']{f.line(control)}"))
    enabled = el.find(q("EnabledForUserJourneys"))
    if enabled is not None:
        tp.enabled_for = Value(text(enabled) or "", f.name, f"{where}/EnabledForUserJourneys{f.line(enabled)}")
    for group, item, into in (("InputClaimsTransformations", "InputClaimsTransformation", tp.input_transformations),
                              ("OutputClaimsTransformations", "OutputClaimsTransformation", tp.output_transformations),
                              ("ValidationTechnicalProfiles", "ValidationTechnicalProfile", tp.validation_profiles)):
        listed: dict[str, ET.Element] = {}  # the schema's key (UniqueTechnicalProfileReferenceId): within the profile's list
        for ref in el.findall(f"{q(group)}/{q(item)}"):
            rid = ref.get("ReferenceId", "")
            ref_where = f"{where}/{group}/{item}[@ReferenceId='{rid}']{f.line(ref)}"
            if item == "ValidationTechnicalProfile":
                _once(f, listed, rid, ref, f"{f.name}: {ref_where}", "UniqueTechnicalProfileReferenceId", "list each validation technical profile once")
                asks = [what for what, given in (("its Preconditions", ref.find(q("Preconditions")) is not None),
                                                 ("ContinueOnError=\"true\"", boolean(ref.get("ContinueOnError")) is True),
                                                 ("ContinueOnSuccess=\"false\"", boolean(ref.get("ContinueOnSuccess")) is False))
                        if given]
                if asks:
                    tp.validation_not_executed.append((Value(rid, f.name, ref_where), " and ".join(asks)))
            if item != "ValidationTechnicalProfile" and rid not in m.transformations:
                # As a claim reference: checked in every profile of the file, reached or not, against the file's own
                # and its bases' transformations (those merged so far), as the file's upload checks it.
                raise PolicyError(f"{f.name}: {ref_where}: no ClaimsTransformation with that Id in BuildingBlocks/ClaimsTransformations "
                                  f"of {f.name} or a policy it is based on; define it or fix the ReferenceId")
            # A later file's validation profiles follow the base's, a repeat included: B2C runs it again (a directory
            # write listed in the extensions after its own check runs twice, and the second write finds the user there:
            # azure-ad-b2c/samples#452, confirmed by Microsoft). Transformations: no evidence either way; listed once.
            if item == "ValidationTechnicalProfile" or all(v.value != rid for v in into):
                into.append(Value(rid, f.name, ref_where))
    sm = el.find(q("UseTechnicalProfileForSessionManagement"))
    if sm is not None:
        tp.session_manager = Value(sm.get("ReferenceId", ""), f.name, f"{where}/UseTechnicalProfileForSessionManagement")
    for inc in el.findall(q("IncludeTechnicalProfile")):
        tp.includes.append(Value(inc.get("ReferenceId", ""), f.name, f"{where}/IncludeTechnicalProfile"))


def effective(m: Merged, tp: Profile, seen: tuple[str, ...] = ()) -> Profile:
    """The profile with its IncludeTechnicalProfile chain applied (included first, own items win)."""
    if not tp.includes:
        return tp
    if tp.id in seen:
        raise PolicyError(f"{tp.file}: {tp.where()}/IncludeTechnicalProfile: includes itself via {' -> '.join(seen)}")
    out = Profile(tp.id, tp.file, tp.line)
    for inc in tp.includes:
        target = m.profiles.get(inc.value)
        if target is None:
            raise PolicyError(f"{inc.file}: {inc.path}[@ReferenceId='{inc.value}']: no TechnicalProfile with that Id; "
                              "define it or fix the ReferenceId")
        _overlay(out, effective(m, target, seen + (tp.id,)))
    _overlay(out, tp)
    return out


def _overlay(out: Profile, src: Profile) -> None:
    out.display_name = src.display_name or out.display_name
    if src.protocol is not None:
        out.protocol, out.handler = src.protocol, src.handler
    out.metadata.update(src.metadata)
    out.keys.update(src.keys)
    out.input_claims.update(src.input_claims)
    out.output_claims.update(src.output_claims)
    out.persisted_claims.update(src.persisted_claims)
    out.display_claims.update(src.display_claims)
    out.display_controls.extend(src.display_controls)
    out.enabled_for = src.enabled_for or out.enabled_for
    out.validation_not_executed.extend(src.validation_not_executed)
    for mine, theirs in ((out.input_transformations, src.input_transformations),
                         (out.output_transformations, src.output_transformations),
                         (out.validation_profiles, src.validation_profiles)):
        mine.extend(v for v in theirs if all(x.value != v.value for x in mine))
    out.session_manager = src.session_manager or out.session_manager
    out.provider_domain = src.provider_domain or out.provider_domain
    out.provider_display_name = src.provider_display_name or out.provider_display_name
