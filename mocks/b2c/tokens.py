"""What B2C's JwtIssuer puts in tokens, authorization codes, and the token endpoint.

Protocol only: no HTTP here. ``TokenService.redeem`` takes the token request's
form fields and Basic credentials and returns the JSON body, or raises a
``B2CError`` that the endpoint renders as ``{"error", "error_description"}``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mocks.b2c.directory import Directory, User
from mocks.b2c.errors import B2CError, timestamp
from mocks.b2c.keys import TenantKeys
from mocks.b2c.orchestration import has_value
from mocks.b2c.policy import Policy, PolicyKind, typed_value
from mocks.b2c.sessions import RelyingPartyRequest
from mocks.b2c.settings import B2CSettings, fill_in
from mocks.common.oauth import b64url_encode, half_hash, pkce_s256_matches, same_token, valid_code_verifier
from mocks.common.params import MultiValued, ParameterError, single
from mocks.common.store import DEFAULT_MAX_ENTRIES, ExpiringStore
from mocks.faults import Fault, token_callbacks

MAX_GRANTS = DEFAULT_MAX_ENTRIES


@dataclass(frozen=True)
class Authentication:
    """Who signed in, for one relying-party request."""

    user: User
    auth_time: int
    new_user: bool = False
    # The journey's claims at SendClaims (custom policies run from XML); None: built from the user.
    claims: dict[str, Any] | None = None
    # The sign-in's transaction (custom policies): its tokens' {Context:CorrelationId}, from the token endpoint too.
    correlation_id: str | None = None


@dataclass
class Grant:
    """An authorization code or refresh token, redeemable at the token endpoint."""

    policy: Policy
    request: RelyingPartyRequest
    authentication: Authentication
    issued_at: float
    expires_at: float
    used: bool = False
    refresh: bool = False


class TokenService:
    def __init__(self, settings: B2CSettings, keys: TenantKeys, directory: Directory) -> None:
        self.settings = settings
        self.keys = keys
        self.directory = directory
        # Codes (kept an hour past expiry, to recognise a replay) and refresh tokens: bounded in time and size.
        self._grants: ExpiringStore[str, Grant] = ExpiringStore(max_entries=MAX_GRANTS, clock=time.time)
        self._lock = threading.Lock()

    # --- ID tokens -------------------------------------------------------------------------------

    def id_token(self, policy: Policy, request: RelyingPartyRequest, auth: Authentication, *, c_hash: str | None = None, at_hash: str | None = None) -> str:
        claims = self.id_token_claims(policy, request, auth, c_hash=c_hash, at_hash=at_hash)
        # The one seam where faults change an ID token: the active faults' token callbacks, then signing.
        for callback in token_callbacks(self.settings.faults):
            claims = callback(claims)
        key = self.keys.for_policy(policy)
        if Fault.FOREIGN_SIGNING_KEY in self.settings.faults and self.keys.foreign is not None:
            return self.keys.foreign.sign(claims, kid=key.kid)
        return key.sign(claims)

    def id_token_claims(self, policy: Policy, request: RelyingPartyRequest, auth: Authentication, *, c_hash: str | None = None,
                        at_hash: str | None = None, lifetime: int | None = None) -> dict[str, Any]:
        """An ID token's claims (an access token's too, with its ``lifetime``)."""
        now = int(time.time())
        lifetime = lifetime or self.id_token_lifetime(policy)
        claims: dict[str, Any] = {
            "exp": now + lifetime,
            "nbf": now,
            "ver": "1.0",
            "iss": self.settings.issuer_of(policy),
            "sub": auth.user.object_id or None,
            "aud": request.client.client_id,
        }
        if request.nonce is not None:
            claims["nonce"] = request.nonce
        claims["iat"] = now
        claims["auth_time"] = auth.auth_time
        if c_hash:
            claims["c_hash"] = c_hash
        if at_hash:
            claims["at_hash"] = at_hash
        claims.update(self._user_claims(policy, auth, request))
        if claims["sub"] is None:
            del claims["sub"]
        if policy.kind is PolicyKind.USER_FLOW:
            claims["tfp"] = policy.policy_id
        elif policy.issuance.acr:
            claims["acr"] = policy.policy_id.lower()
        return claims

    def id_token_lifetime(self, policy: Policy) -> int:
        return policy.issuance.id_token_lifetime or self.settings.token_lifetime

    def access_token_lifetime(self, policy: Policy) -> int:
        return policy.issuance.access_token_lifetime or self.settings.token_lifetime

    def refresh_token_lifetime(self, policy: Policy) -> int:
        return policy.issuance.refresh_token_lifetime or self.settings.refresh_token_lifetime

    def _user_claims(self, policy: Policy, auth: Authentication, request: RelyingPartyRequest) -> dict[str, Any]:
        """Exactly the relying party's OutputClaims (user flow: the "Application claims" blade), nothing else."""
        user = auth.user
        if auth.claims is not None:
            bag = dict(auth.claims)
        else:  # the built-in journey: what the directory holds for the user
            bag = {
                **user.claims,
                "objectId": user.object_id,
                "identityProvider": user.claims.get("identityProvider", user.identity_provider),
                "issuerUserId": user.issuer_user_id,
            }
            if auth.new_user:
                bag["newUser"] = True
        out: dict[str, Any] = {}
        for claim in policy.output_claims:
            value = None if claim.always_default else bag.get(claim.claim_type)
            if not has_value(value):
                value = self._resolve(claim.default, policy, request, auth.correlation_id)
                value = typed_value(value, claim.data_type) if value is not None else None
            if not has_value(value):  # an empty collection too (otherMails after a social sign-in): left out of the token
                continue
            if claim.token_claim == "emails" and isinstance(value, str) and policy.kind is PolicyKind.USER_FLOW:
                value = [value]  # a user flow's "Email Addresses" application claim is an array; a custom policy's claim as its type
            out[claim.token_claim] = value
        return out  # its sub (the claim the relying party outputs as sub) replaces the object id

    def _resolve(self, value: str | None, policy: Policy, request: RelyingPartyRequest, correlation_id: str | None) -> str | None:
        """Claim resolvers in DefaultValues (``{Policy:TenantObjectId}`` and friends, the app's ``{OIDC:Nonce}``...)."""
        if value is None or "{" not in value:
            return value
        return fill_in(value, self.settings.claim_resolvers(policy, request, correlation_id))

    # --- grants ----------------------------------------------------------------------------------

    def issue_code(self, policy: Policy, request: RelyingPartyRequest, auth: Authentication) -> str:
        # Real codes are JWEs; keep the five-segment shape so clients that sniff it are not surprised.
        code = ".".join([b64url_encode(json.dumps({"alg": "dir", "enc": "A256GCM"}).encode()), ""] + [b64url_encode(secrets.token_bytes(n)) for n in (12, 48, 16)])
        now = time.time()
        self._grants.put(code, Grant(policy, request, auth, now, now + self.settings.code_lifetime), self.settings.code_lifetime + 3600)
        return code

    def _issue_refresh_token(self, grant: Grant) -> str:
        token = b64url_encode(secrets.token_bytes(48))
        now = time.time()
        lifetime = self.refresh_token_lifetime(grant.policy)
        self._grants.put(token, replace(grant, issued_at=now, expires_at=now + lifetime, used=False, refresh=True), lifetime + 3600)
        return token

    # --- token endpoint --------------------------------------------------------------------------

    def redeem(self, policy: Policy, form: MultiValued, basic: tuple[str, str] | None) -> dict[str, Any]:
        try:
            return self._redeem(policy, form, basic)
        except ParameterError as error:  # missing: AADB2C90083; repeated or oversized: failed request validation
            raise B2CError("AADB2C90083" if error.missing else "AADB2C90122", (error.name,)) from None

    def _redeem(self, policy: Policy, form: MultiValued, basic: tuple[str, str] | None) -> dict[str, Any]:
        grant_type = single(form, "grant_type", required=True)
        if grant_type not in ("authorization_code", "refresh_token"):
            raise B2CError("AADB2C90086", (grant_type or "",), error="unsupported_grant_type")
        client_id = single(form, "client_id")
        secret = single(form, "client_secret")
        if basic is not None:
            if client_id and client_id != basic[0]:
                raise B2CError("AADB2C90081", error="invalid_client", status=401)
            client_id, secret = basic
        if not client_id:
            raise B2CError("AADB2C90008")
        client = self.settings.app(client_id)
        if client is None:
            raise B2CError("AADB2C90018", (client_id, self.settings.domain), error="invalid_client", status=401)
        if client.client_secret is not None:
            if not secret:
                raise B2CError("AADB2C90079")
            if not same_token(secret, client.client_secret.get_secret_value()):
                raise B2CError("AADB2C90081", error="invalid_client", status=401)
        elif secret:
            raise B2CError("AADB2C90084")

        if grant_type == "authorization_code":
            token = single(form, "code", required=True, max_length=8192) or ""
            grant = self._take(token, policy, client_id, refresh=False)
            redirect_uri = single(form, "redirect_uri")
            if redirect_uri is not None and redirect_uri != grant.request.redirect_uri:
                raise B2CError("AADB2C90006", (redirect_uri, client_id), error="invalid_grant")
            self._check_pkce(grant.request, single(form, "code_verifier", max_length=200))
        else:
            token = single(form, "refresh_token", required=True, max_length=8192) or ""
            grant = self._take(token, policy, client_id, refresh=True)
        return self._token_response(grant)

    def _take(self, token: str, policy: Policy, client_id: str, *, refresh: bool) -> Grant:
        if not refresh and token.count(".") != 4:
            raise B2CError("AADB2C90090", error="invalid_grant")
        with self._lock:
            grant = self._grants.get(token)
            if grant is None or grant.refresh is not refresh or grant.used:
                raise B2CError("AADB2C90129", error="invalid_grant")
            now = time.time()
            if grant.expires_at < now:
                raise B2CError(
                    "AADB2C90080",
                    (timestamp(_dt(now)), timestamp(_dt(grant.issued_at)), timestamp(_dt(grant.expires_at))),
                    error="invalid_grant",
                )
            if grant.request.client.client_id != client_id:
                raise B2CError("AADB2C90279", (client_id,), error="invalid_grant")
            if grant.policy.key != policy.key:  # e.g. a profile edit's refresh token at the sign-in policy's endpoint
                raise B2CError("AADB2C90088", (policy.policy_id, grant.policy.policy_id), error="invalid_grant")
            if not refresh:
                grant.used = True  # codes are single use; refresh tokens are not (README, Decisions)
        return grant

    @staticmethod
    def _check_pkce(request: RelyingPartyRequest, verifier: str | None) -> None:
        if request.code_challenge is None:
            return
        if verifier is None:
            raise B2CError("AADB2C90083", ("code_verifier",))
        if not valid_code_verifier(verifier):
            raise B2CError("AADB2C90183", error="invalid_grant")
        if request.code_challenge_method == "S256":
            matches = pkce_s256_matches(request.code_challenge, verifier)
        else:  # plain
            matches = same_token(verifier, request.code_challenge)
        if not matches:
            raise B2CError("AADB2C90182", error="invalid_grant")

    def _token_response(self, grant: Grant) -> dict[str, Any]:
        now = int(time.time())
        scopes = set(grant.request.scopes)
        client_id = grant.request.client.client_id
        body: dict[str, Any] = {}
        access_token = None
        if client_id in scopes:
            # Scope = the app's own client id: an access token for the app itself.
            access_token = self.access_token(grant)
            lifetime = self.access_token_lifetime(grant.policy)
            body.update(access_token=access_token, token_type="Bearer", expires_in=lifetime, expires_on=now + lifetime,
                        resource=client_id)
        if "openid" in scopes:
            body["id_token"] = self.id_token(grant.policy, grant.request, grant.authentication,
                                             at_hash=half_hash(access_token) if access_token else None)
            body.setdefault("token_type", "Bearer")
            body["not_before"] = now
            # As Microsoft's token responses show them (MicrosoftDocs/azure-docs, active-directory-b2c/add-ropc-policy.md's
            # successful response; the old OIDC reference's too): profile_info decodes to ver, tid, sub, name,
            # preferred_username and idp, sub and preferred_username null.
            body["id_token_expires_in"] = self.id_token_lifetime(grant.policy)
            body["profile_info"] = self._profile_info(grant)
        body["scope"] = " ".join(s for s in grant.request.scopes)
        if "offline_access" in scopes:
            body["refresh_token"] = self._issue_refresh_token(grant)
            body["refresh_token_expires_in"] = self.refresh_token_lifetime(grant.policy)
        if not grant.policy.issuance.json_numbers:  # SendTokenResponseBodyWithJsonNumbers=false: the legacy strings
            body = {k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in body.items()}
        return body

    def access_token(self, grant: Grant) -> str:
        claims = self.id_token_claims(grant.policy, grant.request, grant.authentication,
                                      lifetime=self.access_token_lifetime(grant.policy))
        claims.pop("nonce", None)
        claims["scp"] = "user_impersonation"
        claims["azp"] = grant.request.client.client_id
        return self.keys.for_policy(grant.policy).sign(claims)

    def _profile_info(self, grant: Grant) -> str:
        user = grant.authentication.user
        info = {"ver": "1.0", "tid": self.settings.tenant_id, "sub": None, "name": user.claims.get("displayName"),
                "preferred_username": None, "idp": user.claims.get("identityProvider", user.identity_provider)}
        return b64url_encode(json.dumps(info, separators=(",", ":")).encode())


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
