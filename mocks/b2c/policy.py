"""What a B2C policy tells the emulator to do, whatever it was written in.

A user flow (configured as data, like the portal's blades) and a custom policy
(read from the XML files in ``policies/``) both end up as a ``Policy``: which
identity providers the sign-in page offers, how B2C talks to each of them, how
their claims map onto B2C's claim types, and which claims the relying party's
token carries. The runtime (authorize, pages, callback, token issuance) reads
only this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class PolicyKind(str, Enum):
    USER_FLOW = "user_flow"        # B2C_1_..., token carries tfp
    CUSTOM_POLICY = "custom_policy"  # B2C_1A_..., token carries acr (AuthorityAndTenantGuid issuer)


class ProviderProtocol(str, Enum):
    OPENID_CONNECT = "OpenIdConnect"  # user-flow "OpenID Connect provider": claims from the ID token
    OAUTH2 = "OAuth2"                 # custom policy OAuth2 profile: claims from ClaimsEndpoint (userinfo)


@dataclass(frozen=True)
class ClaimMapping:
    """One OutputClaim of a technical profile.

    ``claim_type`` is B2C's claim type (issuerUserId, displayName, identityProvider, ...);
    ``partner_claim`` the IdP's claim name (sub, name), or None when only ``default`` applies.
    """

    claim_type: str
    partner_claim: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class IdentityProvider:
    """An external IdP as one claims exchange (custom policy) or one user-flow IdP."""

    exchange_id: str            # button id on the unified page (ClaimsExchange Id / user-flow naming)
    display_name: str           # button text
    domain: str                 # domain_hint value that selects it directly (e.g. mobileid.ch)
    protocol: ProviderProtocol
    client_id: str
    client_secret: str = field(repr=False)
    scope: str                  # sent as configured (the seed's custom policy uses "openid, profile, phone, mid_profile")
    authorization_endpoint: str | None = None   # OAuth2: from metadata; OIDC: from discovery when None
    token_endpoint: str | None = None
    claims_endpoint: str | None = None          # userinfo; used by OAuth2 profiles
    metadata_url: str | None = None             # OIDC discovery document
    response_type: str = "code"
    response_mode: str = "form_post"            # HttpBinding POST == form_post
    token_endpoint_auth_method: str = "client_secret_post"
    bearer_token_transmission: str = "AuthorizationHeader"  # or "QueryString"
    use_policy_in_redirect_uri: bool = False
    claims: tuple[ClaimMapping, ...] = ()


@dataclass(frozen=True)
class RelyingPartyClaim:
    """A claim the relying party's token carries: B2C claim type -> token claim name."""

    claim_type: str
    token_claim: str
    default: str | None = None


@dataclass(frozen=True)
class Policy:
    policy_id: str                          # as written, e.g. B2C_1_signupsignin / B2C_1A_signup_signin
    kind: PolicyKind
    identity_providers: tuple[IdentityProvider, ...]
    output_claims: tuple[RelyingPartyClaim, ...]
    # Claims the first-time social sign-up page asks for, prefilled from the IdP (SelfAsserted-Social).
    self_asserted_claims: tuple[str, ...] = ("displayName", "givenName", "surname")
    show_local_account_form: bool = True

    @property
    def key(self) -> str:
        """B2C matches policy names case-insensitively (discovery shows them lower-cased)."""
        return self.policy_id.lower()

    def provider_for_domain(self, domain_hint: str) -> IdentityProvider | None:
        return next((p for p in self.identity_providers if p.domain.lower() == domain_hint.lower()), None)

    def provider(self, exchange_id: str) -> IdentityProvider | None:
        return next((p for p in self.identity_providers if p.exchange_id == exchange_id), None)


class PolicyError(ValueError):
    """A policy the emulator can't honour; the message names the element and what to change."""
