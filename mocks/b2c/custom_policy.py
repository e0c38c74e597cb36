"""Custom policies: the XML files in ``policies/`` turned into ``Policy`` objects.

Reads every ``*.xml`` file of a directory as B2C's Identity Experience Framework would after an
upload: each file is a ``TrustFrameworkPolicy``; ``BasePolicy`` chains are resolved (base first,
later files override or extend claim types, technical profiles and journey steps by Id / Order);
each file with a ``RelyingParty`` becomes one ``Policy``.

Only what the emulator honours is modelled: the identity providers offered by the journey's
``CombinedSignInAndSignUp`` step (OAuth2 and OpenIdConnect technical profiles), their metadata,
client secret (a policy key), output claims and domain, the self-asserted page of a first-time
social sign-in and the relying party's output claims. Anything the emulator would have to guess
about is refused with a ``PolicyError`` naming the file and the element, so a policy that starts
behaves as written.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .policy import (
    ClaimMapping,
    IdentityProvider,
    Policy,
    PolicyError,
    PolicyKind,
    ProviderProtocol,
    RelyingPartyClaim,
)

NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06"

SUPPORTED_PROTOCOLS = {"OAuth2": ProviderProtocol.OAUTH2, "OpenIdConnect": ProviderProtocol.OPENID_CONNECT}
HTTP_BINDINGS = {"POST": "form_post", "GET": "query"}
RESPONSE_MODES = ("form_post", "query")
TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_post", "client_secret_basic")
BEARER_TOKEN_METHODS = ("AuthorizationHeader", "QueryString")
SELECTION_STEP_TYPES = ("CombinedSignInAndSignUp", "ClaimsProviderSelection")


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _text(el: ET.Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip()


# --------------------------------------------------------------------------- parsing


@dataclass
class _File:
    name: str
    root: ET.Element
    lines: dict[ET.Element, int]
    policy_id: str
    base_id: str | None
    base_el: ET.Element | None

    def line(self, el: ET.Element) -> str:
        n = self.lines.get(el)
        return f" (line {n})" if n else ""


def _parse(path: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    lines: dict[ET.Element, int] = {}

    class _Builder(ET.TreeBuilder):
        def start(self, tag, attrs):  # type: ignore[override]
            el = super().start(tag, attrs)
            lines[el] = parser.parser.CurrentLineNumber
            return el

    parser = DefusedXMLParser(target=_Builder(), forbid_dtd=True)
    try:
        parser.feed(path.read_bytes())
        root = parser.close()
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        raise PolicyError(f"{path.name}: line {line}, column {col}: malformed XML ({reason}); fix the markup") from None
    except DefusedXmlException as exc:
        raise PolicyError(f"{path.name}: {exc}; policy files may not use DTDs or entities") from None
    return root, lines


def _read_file(path: Path, tenant_domain: str) -> _File:
    root, lines = _parse(path)
    name = path.name
    if root.tag != _q("TrustFrameworkPolicy"):
        raise PolicyError(
            f"{name}: root element is <{root.tag}>; a policy file is "
            f'<TrustFrameworkPolicy xmlns="{NS}" ...>'
        )
    policy_id = (root.get("PolicyId") or "").strip()
    if not policy_id:
        raise PolicyError(f"{name}: TrustFrameworkPolicy/@PolicyId is missing; add PolicyId=\"B2C_1A_...\"")
    if not policy_id.upper().startswith("B2C_1A_"):
        raise PolicyError(
            f"{name}: TrustFrameworkPolicy/@PolicyId: {policy_id!r} must start with B2C_1A_ "
            "(the prefix of every custom policy)"
        )
    tenant_id = (root.get("TenantId") or "").strip()
    if tenant_id.lower() != tenant_domain.lower():
        raise PolicyError(
            f"{name}: TrustFrameworkPolicy/@TenantId: {tenant_id!r} does not match the tenant; "
            f"use {tenant_domain!r}"
        )
    base_el = root.find(_q("BasePolicy"))
    base_id = None
    if base_el is not None:
        base_id = _text(base_el.find(_q("PolicyId")))
        if not base_id:
            raise PolicyError(f"{name}: BasePolicy/PolicyId is missing; name the base policy's PolicyId")
        base_tenant = _text(base_el.find(_q("TenantId"))) or ""
        if base_tenant.lower() != tenant_domain.lower():
            raise PolicyError(
                f"{name}: BasePolicy/TenantId: {base_tenant!r} does not match the tenant; use {tenant_domain!r}"
            )
    return _File(name, root, lines, policy_id, base_id, base_el)


# --------------------------------------------------------------------------- merging


@dataclass
class _Value:
    value: str
    file: str
    path: str  # element path for messages


@dataclass
class _TechnicalProfile:
    id: str
    file: str  # last file that defined or extended it
    line: str = ""
    display_name: str | None = None
    protocol: _Value | None = None
    handler: str | None = None
    metadata: dict[str, _Value] = field(default_factory=dict)
    keys: dict[str, _Value] = field(default_factory=dict)
    output_claims: dict[str, tuple[dict[str, str], _Value]] = field(default_factory=dict)
    includes: list[_Value] = field(default_factory=list)
    provider_domain: str | None = None
    provider_display_name: str | None = None

    def where(self) -> str:
        return f"TechnicalProfile[@Id='{self.id}']"


@dataclass
class _ClaimType:
    id: str
    partner: dict[str, str]  # protocol -> partner claim type
    user_input_type: str | None


@dataclass
class _Step:
    order: int
    type: str
    file: str
    line: str
    el: ET.Element


@dataclass
class _Journey:
    id: str
    steps: dict[int, _Step] = field(default_factory=dict)


@dataclass
class _Merged:
    claim_types: dict[str, _ClaimType] = field(default_factory=dict)
    profiles: dict[str, _TechnicalProfile] = field(default_factory=dict)
    journeys: dict[str, _Journey] = field(default_factory=dict)


def _merge(chain: list[_File]) -> _Merged:
    m = _Merged()
    for f in chain:  # base first
        schema = f.root.find(f"{_q('BuildingBlocks')}/{_q('ClaimsSchema')}")
        if schema is not None:
            for ct in schema.findall(_q("ClaimType")):
                cid = ct.get("Id")
                if not cid:
                    continue
                prev = m.claim_types.get(cid)
                partner = dict(prev.partner) if prev else {}
                dpct = ct.find(_q("DefaultPartnerClaimTypes"))
                if dpct is not None:
                    partner = {p.get("Name", ""): p.get("PartnerClaimType", "") for p in dpct.findall(_q("Protocol"))}
                uit = _text(ct.find(_q("UserInputType")))
                m.claim_types[cid] = _ClaimType(cid, partner, uit if uit is not None else (prev.user_input_type if prev else None))

        for cp in f.root.findall(f"{_q('ClaimsProviders')}/{_q('ClaimsProvider')}"):
            domain = _text(cp.find(_q("Domain")))
            cp_name = _text(cp.find(_q("DisplayName")))
            for tp_el in cp.findall(f"{_q('TechnicalProfiles')}/{_q('TechnicalProfile')}"):
                _merge_profile(m, f, tp_el, domain, cp_name)

        for uj in f.root.findall(f"{_q('UserJourneys')}/{_q('UserJourney')}"):
            jid = uj.get("Id")
            if not jid:
                raise PolicyError(f"{f.name}: UserJourney{f.line(uj)}: @Id is missing")
            journey = m.journeys.setdefault(jid, _Journey(jid))
            for st in uj.findall(f"{_q('OrchestrationSteps')}/{_q('OrchestrationStep')}"):
                order_s = st.get("Order", "")
                if not order_s.isdigit():
                    raise PolicyError(
                        f"{f.name}: UserJourney[@Id='{jid}']/OrchestrationStep{f.line(st)}: "
                        f"@Order {order_s!r} is not a number; number the steps 1, 2, 3, ..."
                    )
                journey.steps[int(order_s)] = _Step(int(order_s), st.get("Type", ""), f.name, f.line(st), st)
    return m


def _merge_profile(m: _Merged, f: _File, el: ET.Element, domain: str | None, cp_name: str | None) -> None:
    tid = el.get("Id")
    if not tid:
        raise PolicyError(f"{f.name}: TechnicalProfile{f.line(el)}: @Id is missing")
    tp = m.profiles.get(tid)
    if tp is None:
        tp = m.profiles[tid] = _TechnicalProfile(tid, f.name)
    tp.file = f.name
    tp.line = f.line(el)
    where = tp.where()
    if domain:
        tp.provider_domain = domain
    if cp_name:
        tp.provider_display_name = cp_name
    dn = _text(el.find(_q("DisplayName")))
    if dn is not None:
        tp.display_name = dn
    proto = el.find(_q("Protocol"))
    if proto is not None:
        tp.protocol = _Value(proto.get("Name", ""), f.name, f"{where}/Protocol/@Name")
        tp.handler = proto.get("Handler")
    for item in el.findall(f"{_q('Metadata')}/{_q('Item')}"):
        key = item.get("Key", "")
        tp.metadata[key] = _Value(_text(item) or "", f.name, f"{where}/Metadata/Item[@Key='{key}']")
    for key in el.findall(f"{_q('CryptographicKeys')}/{_q('Key')}"):
        kid = key.get("Id", "")
        tp.keys[kid] = _Value(
            key.get("StorageReferenceId", ""), f.name, f"{where}/CryptographicKeys/Key[@Id='{kid}']/@StorageReferenceId"
        )
    for oc in el.findall(f"{_q('OutputClaims')}/{_q('OutputClaim')}"):
        ctr = oc.get("ClaimTypeReferenceId", "")
        tp.output_claims[ctr] = (
            dict(oc.attrib),
            _Value(ctr, f.name, f"{where}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='{ctr}']"),
        )
    for inc in el.findall(_q("IncludeTechnicalProfile")):
        tp.includes.append(_Value(inc.get("ReferenceId", ""), f.name, f"{where}/IncludeTechnicalProfile"))


def _effective(m: _Merged, tp: _TechnicalProfile, seen: tuple[str, ...] = ()) -> _TechnicalProfile:
    """The profile with its IncludeTechnicalProfile chain applied (included first, own items win)."""
    if not tp.includes:
        return tp
    if tp.id in seen:
        raise PolicyError(f"{tp.file}: {tp.where()}/IncludeTechnicalProfile: includes itself via {' -> '.join(seen)}")
    out = _TechnicalProfile(tp.id, tp.file, tp.line)
    for inc in tp.includes:
        target = m.profiles.get(inc.value)
        if target is None:
            raise PolicyError(
                f"{inc.file}: {inc.path}[@ReferenceId='{inc.value}']: no TechnicalProfile with that Id; "
                "define it or fix the ReferenceId"
            )
        base = _effective(m, target, seen + (tp.id,))
        out.display_name = base.display_name or out.display_name
        out.protocol = base.protocol or out.protocol
        out.handler = base.handler or out.handler
        out.metadata.update(base.metadata)
        out.keys.update(base.keys)
        out.output_claims.update(base.output_claims)
        out.provider_domain = base.provider_domain or out.provider_domain
        out.provider_display_name = base.provider_display_name or out.provider_display_name
    out.display_name = tp.display_name or out.display_name
    if tp.protocol is not None:
        out.protocol, out.handler = tp.protocol, tp.handler
    out.metadata.update(tp.metadata)
    out.keys.update(tp.keys)
    out.output_claims.update(tp.output_claims)
    out.provider_domain = tp.provider_domain or out.provider_domain
    out.provider_display_name = tp.provider_display_name or out.provider_display_name
    return out


# --------------------------------------------------------------------------- building the model


def _journey_exchanges(journey: _Journey) -> dict[str, tuple[_Step, ET.Element]]:
    out: dict[str, tuple[_Step, ET.Element]] = {}
    for order in sorted(journey.steps):
        step = journey.steps[order]
        for ce in step.el.findall(f"{_q('ClaimsExchanges')}/{_q('ClaimsExchange')}"):
            out[ce.get("Id", "")] = (step, ce)
    return out


def _check_journey_references(m: _Merged, journey: _Journey) -> None:
    for order in sorted(journey.steps):
        step = journey.steps[order]
        base = f"UserJourney[@Id='{journey.id}']/OrchestrationStep[@Order='{order}']"
        for ce in step.el.findall(f"{_q('ClaimsExchanges')}/{_q('ClaimsExchange')}"):
            ref = ce.get("TechnicalProfileReferenceId", "")
            if ref not in m.profiles:
                raise PolicyError(
                    f"{step.file}: {base}/ClaimsExchanges/ClaimsExchange[@Id='{ce.get('Id', '')}']{step.line}: "
                    f"TechnicalProfileReferenceId {ref!r} is not defined in any ClaimsProvider; "
                    "define that TechnicalProfile or reference an existing one"
                )
        if step.type == "SendClaims":
            ref = step.el.get("CpimIssuerTechnicalProfileReferenceId", "")
            if ref not in m.profiles:
                raise PolicyError(
                    f"{step.file}: {base}/@CpimIssuerTechnicalProfileReferenceId{step.line}: {ref!r} is not defined; "
                    "use the JwtIssuer technical profile"
                )


def _bool(v: _Value) -> bool:
    low = v.value.lower()
    if low not in ("true", "false"):
        raise PolicyError(f"{v.file}: {v.path}: {v.value!r} is not a boolean; use true or false")
    return low == "true"


def _one_of(v: _Value, allowed: tuple[str, ...] | Mapping[str, str], what: str) -> str:
    if v.value not in allowed:
        raise PolicyError(f"{v.file}: {v.path}: {v.value!r} is not supported; use {' or '.join(allowed)}{what}")
    return v.value


def _claim_exists(m: _Merged, claim: str, v: _Value) -> None:
    if claim not in m.claim_types:
        raise PolicyError(
            f"{v.file}: {v.path}: claim type {claim!r} is not declared in BuildingBlocks/ClaimsSchema; "
            "declare it (e.g. in TrustFrameworkExtensions.xml) or fix the ClaimTypeReferenceId"
        )


def _identity_provider(
    m: _Merged, exchange_id: str, tp: _TechnicalProfile, policy_keys: Mapping[str, Any]
) -> IdentityProvider:
    where = tp.where()
    if tp.protocol is None:
        raise PolicyError(f"{tp.file}: {where}/Protocol{tp.line}: missing; add <Protocol Name=\"OAuth2\" /> or OpenIdConnect")
    proto_name = tp.protocol.value
    if proto_name not in SUPPORTED_PROTOCOLS:
        raise PolicyError(
            f"{tp.protocol.file}: {tp.protocol.path}: {proto_name!r} is not supported for a social identity provider "
            f"(ClaimsExchange {exchange_id!r}); use OAuth2 or OpenIdConnect"
        )
    protocol = SUPPORTED_PROTOCOLS[proto_name]
    md = tp.metadata

    def required(key: str) -> str:
        v = md.get(key)
        if v is None or not v.value:
            raise PolicyError(
                f"{tp.file}: {where}/Metadata/Item[@Key='{key}']: missing; "
                f"a {proto_name} technical profile needs <Item Key=\"{key}\">...</Item>"
            )
        return v.value

    client_id = required("client_id")
    if protocol is ProviderProtocol.OAUTH2:
        authorization_endpoint = required("authorization_endpoint")
        token_endpoint = required("AccessTokenEndpoint")
        claims_endpoint = required("ClaimsEndpoint")
        metadata_url = None
        response_type = "code"
    else:
        metadata_url = required("METADATA")
        authorization_endpoint = md["authorization_endpoint"].value if "authorization_endpoint" in md else None
        token_endpoint = None
        claims_endpoint = None
        rt = md.get("response_types")
        if rt is None:
            raise PolicyError(
                f"{tp.file}: {where}/Metadata/Item[@Key='response_types']: missing; B2C then uses id_token, "
                "which the emulator doesn't federate; add <Item Key=\"response_types\">code</Item>"
            )
        response_type = _one_of(rt, ("code",), " (the emulator federates with the authorization code flow only)")

    if "HttpBinding" in md:
        binding_mode = HTTP_BINDINGS[_one_of(md["HttpBinding"], tuple(HTTP_BINDINGS), "")]
    else:
        binding_mode = None
    if "response_mode" in md:
        response_mode = _one_of(md["response_mode"], RESPONSE_MODES, "")
    elif protocol is ProviderProtocol.OAUTH2 and binding_mode:
        response_mode = binding_mode
    else:
        response_mode = "form_post"

    auth_method = "client_secret_post"
    if "token_endpoint_auth_method" in md:
        auth_method = _one_of(md["token_endpoint_auth_method"], TOKEN_ENDPOINT_AUTH_METHODS, "")
    bearer = "QueryString" if protocol is ProviderProtocol.OAUTH2 else "AuthorizationHeader"
    if "BearerTokenTransmissionMethod" in md:
        bearer = _one_of(md["BearerTokenTransmissionMethod"], BEARER_TOKEN_METHODS, "")
    use_policy = _bool(md["UsePolicyInRedirectUri"]) if "UsePolicyInRedirectUri" in md else False
    scope = md["scope"].value if "scope" in md else ("openid" if protocol is ProviderProtocol.OPENID_CONNECT else "")

    key = tp.keys.get("client_secret")
    if key is None or not key.value:
        raise PolicyError(
            f"{tp.file}: {where}/CryptographicKeys/Key[@Id='client_secret']: missing; the code flow needs "
            "<Key Id=\"client_secret\" StorageReferenceId=\"B2C_1A_...\" />"
        )
    if key.value not in policy_keys:
        known = ", ".join(sorted(policy_keys)) or "none"
        raise PolicyError(
            f"{key.file}: {key.path}: policy key {key.value!r} does not exist (configured keys: {known}); "
            "add it to the emulator's policy keys or reference an existing key"
        )
    secret = policy_keys[key.value]
    if hasattr(secret, "get_secret_value"):  # pydantic SecretStr, as in B2CSettings.policy_keys
        secret = secret.get_secret_value()

    claims: list[ClaimMapping] = []
    for claim_type, (attrs, v) in tp.output_claims.items():
        _claim_exists(m, claim_type, v)
        default = attrs.get("DefaultValue")
        partner = attrs.get("PartnerClaimType")
        if partner is None and default is None:
            ct = m.claim_types[claim_type]
            partner = ct.partner.get(proto_name) or claim_type
        claims.append(ClaimMapping(claim_type, partner, default))

    display = tp.display_name or tp.provider_display_name or (md["ProviderName"].value if "ProviderName" in md else exchange_id)
    return IdentityProvider(
        exchange_id=exchange_id,
        display_name=display,
        domain=tp.provider_domain or "",
        protocol=protocol,
        client_id=client_id,
        client_secret=secret,
        scope=scope,
        authorization_endpoint=authorization_endpoint,
        token_endpoint=token_endpoint,
        claims_endpoint=claims_endpoint,
        metadata_url=metadata_url,
        response_type=response_type,
        response_mode=response_mode,
        token_endpoint_auth_method=auth_method,
        bearer_token_transmission=bearer,
        use_policy_in_redirect_uri=use_policy,
        claims=tuple(claims),
    )


def _self_asserted_claims(m: _Merged, journey: _Journey, after_order: int) -> tuple[str, ...]:
    """The first self-asserted page after the IdP exchange: its claims the user types in."""
    for order in sorted(journey.steps):
        if order <= after_order:
            continue
        for ce in journey.steps[order].el.findall(f"{_q('ClaimsExchanges')}/{_q('ClaimsExchange')}"):
            tp = _effective(m, m.profiles[ce.get("TechnicalProfileReferenceId", "")])
            if tp.protocol and tp.protocol.value == "Proprietary" and "SelfAssertedAttributeProvider" in (tp.handler or ""):
                return tuple(
                    c
                    for c, (attrs, v) in tp.output_claims.items()
                    if "DefaultValue" not in attrs and c in m.claim_types and m.claim_types[c].user_input_type
                )
    return ()


def _build_policy(rp_file: _File, chain: list[_File], policy_keys: Mapping[str, Any]) -> Policy:
    m = _merge(chain)
    name = rp_file.name
    rp = rp_file.root.find(_q("RelyingParty"))
    assert rp is not None
    duj = rp.find(_q("DefaultUserJourney"))
    jid = duj.get("ReferenceId", "") if duj is not None else ""
    if not jid:
        raise PolicyError(f"{name}: RelyingParty/DefaultUserJourney/@ReferenceId: missing; name the user journey to run")
    journey = m.journeys.get(jid)
    if journey is None:
        known = ", ".join(sorted(m.journeys)) or "none"
        raise PolicyError(
            f"{name}: RelyingParty/DefaultUserJourney[@ReferenceId='{jid}']: no UserJourney with that Id "
            f"in this policy or its base policies (defined: {known})"
        )
    _check_journey_references(m, journey)

    sel_step = next((journey.steps[o] for o in sorted(journey.steps) if journey.steps[o].type in SELECTION_STEP_TYPES), None)
    if sel_step is None:
        raise PolicyError(
            f"{name}: UserJourney[@Id='{jid}']: no CombinedSignInAndSignUp step; the emulator serves journeys that "
            "start with the unified sign-up or sign-in page (OrchestrationStep Order=\"1\" Type=\"CombinedSignInAndSignUp\")"
        )
    exchanges = _journey_exchanges(journey)
    step_path = f"UserJourney[@Id='{jid}']/OrchestrationStep[@Order='{sel_step.order}']"
    providers: list[IdentityProvider] = []
    idp_orders: list[int] = []
    show_local = False
    for sel in sel_step.el.findall(f"{_q('ClaimsProviderSelections')}/{_q('ClaimsProviderSelection')}"):
        if sel.get("ValidationClaimsExchangeId"):
            show_local = sel_step.type == "CombinedSignInAndSignUp"
            continue
        target = sel.get("TargetClaimsExchangeId", "")
        sel_path = f"{step_path}/ClaimsProviderSelections/ClaimsProviderSelection[@TargetClaimsExchangeId='{target}']"
        found = exchanges.get(target)
        if found is None or found[0].order <= sel_step.order:
            raise PolicyError(
                f"{sel_step.file}: {sel_path}: no ClaimsExchange with Id {target!r} in a later step; add "
                f"<ClaimsExchange Id=\"{target}\" TechnicalProfileReferenceId=\"...\" /> to step {sel_step.order + 1}"
            )
        ex_step, ce = found
        tp = _effective(m, m.profiles[ce.get("TechnicalProfileReferenceId", "")])
        providers.append(_identity_provider(m, target, tp, policy_keys))
        idp_orders.append(ex_step.order)

    rp_tp = rp.find(_q("TechnicalProfile"))
    if rp_tp is None:
        raise PolicyError(f"{name}: RelyingParty/TechnicalProfile: missing; add <TechnicalProfile Id=\"PolicyProfile\">")
    rp_where = f"RelyingParty/TechnicalProfile[@Id='{rp_tp.get('Id', '')}']"
    rp_proto = rp_tp.find(_q("Protocol"))
    rp_proto_name = rp_proto.get("Name", "") if rp_proto is not None else ""
    if rp_proto_name != "OpenIdConnect":
        raise PolicyError(
            f"{name}: {rp_where}/Protocol/@Name: {rp_proto_name!r} is not supported; the emulator issues "
            "OpenID Connect tokens, use OpenIdConnect"
        )
    output: list[RelyingPartyClaim] = []
    for oc in rp_tp.findall(f"{_q('OutputClaims')}/{_q('OutputClaim')}"):
        ctr = oc.get("ClaimTypeReferenceId", "")
        _claim_exists(m, ctr, _Value(ctr, name, f"{rp_where}/OutputClaims/OutputClaim[@ClaimTypeReferenceId='{ctr}']{rp_file.line(oc)}"))
        token_claim = oc.get("PartnerClaimType") or m.claim_types[ctr].partner.get("OpenIdConnect") or ctr
        output.append(RelyingPartyClaim(ctr, token_claim, oc.get("DefaultValue")))

    self_asserted = _self_asserted_claims(m, journey, min(idp_orders)) if idp_orders else ()
    return Policy(
        policy_id=rp_file.policy_id,
        kind=PolicyKind.CUSTOM_POLICY,
        identity_providers=tuple(providers),
        output_claims=tuple(output),
        self_asserted_claims=self_asserted,
        show_local_account_form=show_local,
    )


def load_custom_policies(directory: Path, *, tenant: str, policy_keys: Mapping[str, Any]) -> list[Policy]:
    """Every relying-party policy in ``directory`` as a ``Policy``; ``PolicyError`` if one can't be honoured.

    ``tenant`` is the tenant name (``contoso``) or its domain (``contoso.onmicrosoft.com``);
    ``policy_keys`` maps policy key names (``B2C_1A_MobileIdSecret``) to their secret values
    (``str`` or pydantic ``SecretStr``).
    """
    directory = Path(directory)
    tenant_domain = tenant if "." in tenant else f"{tenant}.onmicrosoft.com"
    paths = sorted(p for p in directory.glob("*.xml") if p.is_file())
    if not paths:
        raise PolicyError(f"{directory}: no policy files (*.xml); upload TrustFrameworkBase.xml, extensions and a relying party")
    files: dict[str, _File] = {}
    for path in paths:
        f = _read_file(path, tenant_domain)
        key = f.policy_id.lower()
        if key in files:
            raise PolicyError(
                f"{f.name}: TrustFrameworkPolicy/@PolicyId: {f.policy_id!r} is also used by {files[key].name}; "
                "policy ids must be unique"
            )
        files[key] = f

    rps = [f for f in files.values() if f.root.find(_q("RelyingParty")) is not None]
    if not rps:
        raise PolicyError(
            f"{directory}: no relying party policy; add a file with <RelyingParty> (e.g. SignUpOrSignin.xml, "
            "PolicyId B2C_1A_signup_signin)"
        )
    policies = []
    for rp in rps:
        chain = [rp]
        while chain[-1].base_id:
            child = chain[-1]
            base = files.get(child.base_id.lower())
            if base is None:
                known = ", ".join(f.policy_id for f in files.values())
                raise PolicyError(
                    f"{child.name}: BasePolicy/PolicyId{child.line(child.base_el)}: {child.base_id!r} is not among the "
                    f"policy files (found: {known}); add that file or fix the PolicyId"
                )
            if base in chain:
                raise PolicyError(f"{child.name}: BasePolicy/PolicyId: {child.base_id!r} makes the inheritance a cycle")
            chain.append(base)
        policies.append(_build_policy(rp, list(reversed(chain)), policy_keys))
    return policies
