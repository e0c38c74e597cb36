"""OpenID Connect pieces: discovery, subjects, claims, ID tokens, the code exchange."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from mocks.common.keys import SigningKey
from mocks.common.oauth import half_hash, pkce_s256_matches, valid_code_verifier
from mocks.mobileid.locales import LANGUAGES
from mocks.mobileid.outcomes import PhoneBehaviour
from mocks.mobileid.settings import KNOWN_ACRS, KNOWN_SCOPES, ClientSettings, MobileIDSettings
from mocks.mobileid.state import AccessToken, AuthorizationCode, Memory

SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "openid": ("sub",),
    "profile": ("name",),
    "phone": ("phone_number", "phone_number_verified"),
    "mid_profile": (
        "mid_profile_serial",
        "mid_profile_sim_status",
        "mid_profile_sim_pin_status",
        "mid_profile_sim_mcc",
        "mid_profile_sim_mnc",
        "mid_profile_sim_network",
        "mid_profile_app_status",
        "mid_profile_recovery_code_status",
        "mid_profile_alias",
    ),
}


def discovery(settings: MobileIDSettings) -> dict[str, Any]:
    issuer = settings.issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{settings.authorization_base}/oidc/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks.json",
        "scopes_supported": list(KNOWN_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "acr_values_supported": list(KNOWN_ACRS),
        "claims_supported": sorted({"iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "at_hash"} | {c for cs in SCOPE_CLAIMS.values() for c in cs}),
        "ui_locales_supported": list(LANGUAGES),
        "prompt_values_supported": ["login"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
    }


def pairwise_subject(settings: MobileIDSettings, client_id: str, msisdn: str) -> str:
    """64 hex chars: stable for one number at one client, unlinkable across clients."""
    key = settings.subject_salt.get_secret_value().encode()
    return hmac.new(key, f"{client_id}\x00{msisdn}".encode(), hashlib.sha256).hexdigest()


def scope_claims(settings: MobileIDSettings, client_id: str, scopes: tuple[str, ...], phone: PhoneBehaviour) -> dict[str, Any]:
    """The claims the granted scopes release; absent values are left out, never null."""
    available: dict[str, Any] = {
        "sub": pairwise_subject(settings, client_id, phone.msisdn),
        "name": phone.msisdn,  # Mobile ID knows no real names
        "phone_number": phone.msisdn,
        "phone_number_verified": True,
        "mid_profile_serial": phone.serial,
        "mid_profile_sim_status": phone.sim_status,
        "mid_profile_app_status": phone.app_status,
        "mid_profile_recovery_code_status": phone.recovery_code_status,
        "mid_profile_alias": phone.alias,
    }
    if phone.method == "sim" or phone.sim_status == "active":
        available.update(
            mid_profile_sim_pin_status="active",
            mid_profile_sim_mcc="228",
            mid_profile_sim_mnc="01",
            mid_profile_sim_network="Swisscom",
        )
    released = {name for scope in scopes for name in SCOPE_CLAIMS.get(scope, ())}
    return {name: value for name, value in available.items() if name in released and value is not None}


def amr_for(phone: PhoneBehaviour, acr: str) -> list[str]:
    methods = ["mid_sim" if phone.method == "sim" else "mid_app"]
    if acr.endswith("_ch"):
        methods.append("mid_geo")
    return methods


def id_token(
    settings: MobileIDSettings,
    key: SigningKey,
    client: ClientSettings,
    code: AuthorizationCode,
    access_token: str,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {}
    if client.claims_in_id_token:
        claims.update(scope_claims(settings, client.client_id, code.scopes, code.behaviour))
    claims.update(
        iss=settings.issuer,
        sub=pairwise_subject(settings, client.client_id, code.behaviour.msisdn),
        aud=client.client_id,
        iat=now,
        exp=now + settings.id_token_lifetime,
        auth_time=code.auth_time,
        nonce=code.nonce,
        acr=code.acr,
        amr=amr_for(code.behaviour, code.acr),
        at_hash=half_hash(access_token),
    )
    return key.sign(claims)


@dataclass(frozen=True)
class TokenError(Exception):
    status: int
    error: str
    description: str


def redeem_code(
    memory: Memory,
    client: ClientSettings,
    code_value: str,
    redirect_uri: str | None,
    verifier: str | None,
) -> AuthorizationCode:
    """The code, checked and used up; a replay revokes what the first redemption issued."""
    code = memory.codes.get(code_value)
    if code is None or code.client_id != client.client_id:
        raise TokenError(400, "invalid_grant", "The authorization code is invalid")
    if code.used:
        if code.access_token is not None:
            memory.access_tokens.pop(code.access_token, None)
        raise TokenError(400, "invalid_grant", "The authorization code has already been used")
    code.used = True
    if code.expires_at <= time.time():
        raise TokenError(400, "invalid_grant", "The authorization code has expired")
    if redirect_uri != code.redirect_uri:
        raise TokenError(400, "invalid_grant", "redirect_uri does not match the authorization request")
    if code.code_challenge is not None:
        if verifier is None:
            raise TokenError(400, "invalid_grant", "code_verifier is required")
        if not valid_code_verifier(verifier) or not pkce_s256_matches(code.code_challenge, verifier):
            raise TokenError(400, "invalid_grant", "code_verifier does not match the code_challenge")
    elif verifier is not None:
        raise TokenError(400, "invalid_grant", "code_verifier sent but the authorization request had no code_challenge")
    return code


def issue_tokens(settings: MobileIDSettings, key: SigningKey, memory: Memory, client: ClientSettings, code: AuthorizationCode) -> dict[str, Any]:
    token: AccessToken = memory.new_access_token(
        client_id=client.client_id, scopes=code.scopes, behaviour=code.behaviour, lifetime=settings.access_token_lifetime
    )
    code.access_token = token.token
    return {
        "access_token": token.token,
        "token_type": "Bearer",
        "expires_in": settings.access_token_lifetime,
        "scope": " ".join(code.scopes),
        "id_token": id_token(settings, key, client, code, token.token),
    }
