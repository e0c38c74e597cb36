"""An OAuth2 / OpenIdConnect technical profile as the ``IdentityProvider`` the federation code uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocks.b2c.policy import ClaimMapping, IdentityProvider, PolicyError, ProviderProtocol

from .files import boolean
from .merge import Merged, Profile, Value, name_from_reference

SUPPORTED_PROTOCOLS = {"oauth2": ProviderProtocol.OAUTH2, "openidconnect": ProviderProtocol.OPENID_CONNECT}
HTTP_BINDINGS = ("POST", "GET")  # how B2C calls an OAuth2 IdP's token endpoint (oauth2-technical-profile)
RESPONSE_MODES = ("form_post", "query")
TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_post", "client_secret_basic")
BEARER_TOKEN_METHODS = ("AuthorizationHeader", "QueryString")
# OAuth2 metadata that changes B2C's calls to the identity provider (oauth2-technical-profile) in ways the emulator does not
# make: refused, naming the item, rather than ignored, which would call the provider otherwise than the tenant does.
NOT_MADE_METADATA = {
    "AdditionalRequestQueryParameters": "the authorization request's extra parameters",
    "ExtraParamsInAccessTokenEndpointResponse": "passing the token endpoint's extra parameters to the claims endpoint",
    "ExtraParamsInClaimsEndpointRequest": "passing the token endpoint's extra parameters to the claims endpoint",
    "ResponseErrorCodeParamName": "reading an error from an HTTP 200 answer",
}
# What B2C itself puts in its authorization request to an identity provider (mocks/b2c/federation.py authorization_url);
# the technical profile's InputClaims come after them.
PROTOCOL_PARAMETERS = ("client_id", "redirect_uri", "response_type", "scope", "response_mode", "nonce", "ui_locales", "state")


def invalid_metadata(tp: Profile, v: Value, tenant: str, expected: str) -> PolicyError:
    """B2C's upload error for a metadata value it can't read, and what it reads there: the upload of the policy file
    the value is written in fails, so that policy is named (not the relying party that includes it)."""
    return PolicyError(
        f"{v.file}: {v.path}: TechnicalProfile \"{tp.id}\" in policy \"{v.policy}\" of tenant \"{tenant}\" defines an "
        f"invalid value \"{v.value}\" for the metadata item \"{v.path.split(chr(39))[-2]}.\" Use {expected}."
    )


def metadata_bool(tp: Profile, key: str, default: bool, tenant: str) -> bool:
    v = tp.metadata.get(key)
    if v is None:
        return default
    parsed = boolean(v.value)
    if parsed is None:
        raise invalid_metadata(tp, v, tenant, "true or false (1 or 0)")
    return parsed


def refuse_not_made(v: Value, what: str) -> None:
    raise PolicyError(f"{v.file}: {v.path}: {what} is not made by the emulator, so a local run would call the identity provider "
                      "otherwise than the tenant does; remove the item, or run the journey against the tenant")


def one_of(v: Value, allowed: tuple[str, ...] | Mapping[str, str], what: str = "") -> str:
    """A metadata value that must be one of ``allowed``, read case-insensitively as B2C reads its booleans (files.py):
    the option as ``allowed`` spells it; the same reading for every technical profile (identity providers, the JwtIssuer)."""
    for option in allowed:
        if v.value.lower() == option.lower():
            return option
    raise PolicyError(f"{v.file}: {v.path}: {v.value!r} is not supported; use {' or '.join(allowed)}{what}")


def is_identity_provider(tp: Profile) -> bool:
    return tp.protocol is not None and tp.protocol.value.lower() in SUPPORTED_PROTOCOLS


def identity_provider(m: Merged, exchange_id: str, tp: Profile, policy_keys: Mapping[str, Any],
                      *, tenant: str) -> IdentityProvider:
    where = tp.where()
    if tp.protocol is None:
        raise PolicyError(f"{tp.file}: {where}/Protocol{tp.line}: missing; add <Protocol Name=\"OAuth2\" /> or OpenIdConnect")
    proto_name = tp.protocol.value
    if proto_name.lower() not in SUPPORTED_PROTOCOLS:
        raise PolicyError(
            f"{tp.protocol.file}: {tp.protocol.path}: {proto_name!r} is not supported for a social identity provider "
            f"(ClaimsExchange {exchange_id!r}); use OAuth2 or OpenIdConnect"
        )
    protocol = SUPPORTED_PROTOCOLS[proto_name.lower()]
    md = tp.metadata

    def required(key: str) -> str:
        v = md.get(key)
        if v is None or not v.value:
            raise PolicyError(f"{tp.file}: {where}/Metadata/Item[@Key='{key}']: missing; "
                              f"an {protocol.value} technical profile needs <Item Key=\"{key}\">...</Item>")
        return v.value

    client_id = required("client_id")
    authorization_endpoint: str | None
    if protocol is ProviderProtocol.OAUTH2:
        authorization_endpoint = required("authorization_endpoint")
        token_endpoint = required("AccessTokenEndpoint")
        claims_endpoint = required("ClaimsEndpoint")
        metadata_url = None
        for item, what in NOT_MADE_METADATA.items():
            if item in md:
                refuse_not_made(md[item], what)
        if metadata_bool(tp, "ResolveJsonPathsInJsonTokens", False, tenant):
            refuse_not_made(md["ResolveJsonPathsInJsonTokens"], "reading claims by JSON path")
        response_type = "code"
    else:
        metadata_url = required("METADATA")
        authorization_endpoint = md["authorization_endpoint"].value if "authorization_endpoint" in md else None
        token_endpoint = None
        claims_endpoint = None
        rt = md.get("response_types")
        if rt is None:
            raise PolicyError(f"{tp.file}: {where}/Metadata/Item[@Key='response_types']: missing; B2C then uses id_token, "
                              "which the emulator doesn't federate; add <Item Key=\"response_types\">code</Item>")
        response_type = one_of(rt, ("code",), " (the emulator federates with the authorization code flow only)")

    # HttpBinding is how B2C calls the IdP's token endpoint (POST by default; an OpenID Connect profile's metadata lists it
    # too); an OAuth2 IdP's claims endpoint B2C always calls with GET (oauth2-technical-profile, 11/2021). How the IdP
    # answers is response_mode alone (default form_post).
    token_endpoint_method = one_of(md["HttpBinding"], HTTP_BINDINGS) if "HttpBinding" in md else "POST"
    response_mode = one_of(md["response_mode"], RESPONSE_MODES) if "response_mode" in md else "form_post"
    auth_method = one_of(md["token_endpoint_auth_method"], TOKEN_ENDPOINT_AUTH_METHODS) if "token_endpoint_auth_method" in md \
        else "client_secret_post"
    # The claims endpoint's query string: the access token's parameter (QueryString) and a format parameter, when named.
    token_name = md["ClaimsEndpointAccessTokenName"].value if "ClaimsEndpointAccessTokenName" in md else "access_token"
    claims_format = ((md["ClaimsEndpointFormatName"].value, md["ClaimsEndpointFormat"].value)
                     if "ClaimsEndpointFormatName" in md and "ClaimsEndpointFormat" in md else None)
    bearer = "QueryString" if protocol is ProviderProtocol.OAUTH2 else "AuthorizationHeader"
    if "BearerTokenTransmissionMethod" in md:
        bearer = one_of(md["BearerTokenTransmissionMethod"], BEARER_TOKEN_METHODS)
    # Omitted: true, the one observation (reference b2c.md section 2; Unconfirmed). A policy that leaves it out then sends
    # the policy form, which an IdP registered with the plain authresp URI refuses, as it would on a tenant where true
    # is the default; the seed writes false.
    use_policy = metadata_bool(tp, "UsePolicyInRedirectUri", True, tenant)
    resolves_claims = metadata_bool(tp, "IncludeClaimResolvingInClaimsHandling", False, tenant)
    scope = md["scope"].value if "scope" in md else ("openid" if protocol is ProviderProtocol.OPENID_CONNECT else "")

    key = tp.keys.get("client_secret")
    if key is None or not key.value:
        raise PolicyError(f"{tp.file}: {where}/CryptographicKeys/Key[@Id='client_secret']: missing; the code flow needs "
                          "<Key Id=\"client_secret\" StorageReferenceId=\"B2C_1A_...\" />")
    secret = policy_keys[key.value]  # every StorageReferenceId was checked against the keys at load
    if hasattr(secret, "get_secret_value"):  # pydantic SecretStr, as in B2CSettings.policy_keys
        secret = secret.get_secret_value()

    for claim_type, (attrs, claim) in tp.input_claims.items():  # each one a parameter of the authorization request
        if (parameter := attrs.get("PartnerClaimType") or claim_type) in PROTOCOL_PARAMETERS:
            raise PolicyError(f"{claim.file}: {claim.path}: sends {parameter!r} to the identity provider, which B2C's request "
                              "already carries; what B2C then sends is not documented, so the emulator does not guess: remove it "
                              "or name another PartnerClaimType (mocks/b2c/README.md, Decisions)")

    claims: list[ClaimMapping] = []
    for claim_type, (attrs, ref) in tp.output_claims.items():
        default = attrs.get("DefaultValue")
        partner = attrs.get("PartnerClaimType")
        if boolean(attrs.get("AlwaysUseDefaultValue")) and default is not None:
            partner = None
        elif partner is None and default is None:
            partner = (m.claim_types[claim_type].partner.get(protocol.value)
                       or name_from_reference(attrs.get("ClaimTypeReferenceId", ""), claim_type, ref, "the identity provider's claim"))
        claims.append(ClaimMapping(claim_type, partner, default, m.claim_types[claim_type].data_type))

    display = tp.display_name or tp.provider_display_name or (md["ProviderName"].value if "ProviderName" in md else exchange_id)
    return IdentityProvider(
        exchange_id=exchange_id, display_name=display, domain=tp.provider_domain or "", protocol=protocol,
        client_id=client_id, client_secret=secret, scope=scope, authorization_endpoint=authorization_endpoint,
        token_endpoint=token_endpoint, claims_endpoint=claims_endpoint, metadata_url=metadata_url,
        response_type=response_type, response_mode=response_mode, token_endpoint_auth_method=auth_method,
        bearer_token_transmission=bearer, use_policy_in_redirect_uri=use_policy, claims=tuple(claims),
        resolves_claims=resolves_claims, token_endpoint_method=token_endpoint_method,
        claims_endpoint_token_name=token_name or "access_token", claims_endpoint_format=claims_format,
    )
