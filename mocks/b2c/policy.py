"""What a B2C policy tells the emulator to do, whatever it was written in.

A user flow (configured as data, like the portal's blades) and a custom policy
(read from the XML files in ``policies/``) both end up as a ``Policy``: which
identity providers the sign-in page offers, how B2C talks to each of them, how
their claims map onto B2C's claim types, and which claims the relying party's
token carries. The runtime (authorize, pages, callback, token issuance) reads
only this model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from mocks.b2c.strings import pick_locale

RESOLVER = re.compile(r"\{([\w-]+):([\w-]+)\}")  # {OAUTH-KV:campaignId} too


class PolicyKind(str, Enum):
    USER_FLOW = "user_flow"        # B2C_1_..., token carries tfp
    CUSTOM_POLICY = "custom_policy"  # B2C_1A_..., token carries acr (AuthorityAndTenantGuid issuer)


class ProviderProtocol(str, Enum):
    OPENID_CONNECT = "OpenIdConnect"  # user-flow "OpenID Connect provider": claims from the ID token
    OAUTH2 = "OAuth2"                 # custom policy OAuth2 profile: claims from ClaimsEndpoint (userinfo)


def typed_value(value: str, data_type: str | None) -> Any:
    """A claim's ``DefaultValue`` (its claim resolvers filled in) as a claim of its claim type's ``DataType`` holds it, and so
    as the token carries it: a ``boolean`` claim's ``true``/``false`` (any case, as .NET reads a Boolean) a JSON Boolean, an
    ``int`` or ``long`` claim's digits a JSON number, anything else the string as written (``executed-SelfAsserted-Input``,
    a ``string``, stays ``"true"``). A value its type cannot read stays the string (what B2C does then is Unconfirmed:
    mocks/b2c/README.md, Decisions); a claim without a claim type (a user flow's) keeps its value."""
    kind = (data_type or "").strip()
    if kind == "boolean" and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if kind in ("int", "long") and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value.strip())
    return value


@dataclass(frozen=True)
class ClaimMapping:
    """One OutputClaim of a technical profile.

    ``claim_type`` is B2C's claim type (issuerUserId, displayName, identityProvider, ...);
    ``partner_claim`` the IdP's claim name (sub, name), or None when only ``default`` applies.
    """

    claim_type: str
    partner_claim: str | None = None
    default: str | None = None
    data_type: str | None = None  # the claim type's DataType, which types ``default`` (typed_value)


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
    # OAuth2 HttpBinding: how B2C calls the token endpoint, POST (default, the seed's) or GET; the claims endpoint is always GET.
    token_endpoint_method: str = "POST"
    claims_endpoint_token_name: str = "access_token"      # OAuth2 ClaimsEndpointAccessTokenName (QueryString transmission)
    claims_endpoint_format: tuple[str, str] | None = None  # OAuth2 ClaimsEndpointFormatName, ClaimsEndpointFormat
    metadata_url: str | None = None             # OIDC discovery document
    response_type: str = "code"
    response_mode: str = "form_post"            # how the IdP answers B2C (metadata response_mode)
    token_endpoint_auth_method: str = "client_secret_post"
    bearer_token_transmission: str = "AuthorizationHeader"  # or "QueryString"
    use_policy_in_redirect_uri: bool = False
    claims: tuple[ClaimMapping, ...] = ()
    # Metadata IncludeClaimResolvingInClaimsHandling: only then are claim resolvers in its claims' DefaultValue filled in.
    resolves_claims: bool = False


@dataclass(frozen=True)
class RelyingPartyClaim:
    """A claim the relying party's token carries: B2C claim type -> token claim name."""

    claim_type: str
    token_claim: str
    default: str | None = None
    always_default: bool = False
    data_type: str | None = None  # the claim type's DataType, which types ``default`` (typed_value)


@dataclass(frozen=True)
class ClaimRef:
    """One InputClaim, OutputClaim or PersistedClaim of a technical profile."""

    claim_type: str
    partner: str | None = None
    default: str | None = None
    always_default: bool = False
    required: bool = False
    data_type: str | None = None  # the claim type's DataType, which types ``default`` (typed_value)


@dataclass(frozen=True)
class ClaimsTransformation:
    id: str
    method: str
    where: str  # "<file>: ClaimsTransformation[@Id='...']", for messages
    inputs: tuple[tuple[str, str], ...] = ()      # (claim type, TransformationClaimType)
    parameters: tuple[tuple[str, str], ...] = ()  # (InputParameter Id, Value)
    outputs: tuple[tuple[str, str], ...] = ()


class ProfileKind(str, Enum):
    IDENTITY_PROVIDER = "identity_provider"      # OAuth2 / OpenIdConnect claims exchange
    DIRECTORY = "directory"                      # AzureActiveDirectoryProvider: Read / Write
    SELF_ASSERTED = "self_asserted"              # SelfAssertedAttributeProvider: a page
    CLAIMS_TRANSFORMATION = "claims_transformation"
    NOT_EXECUTED = "not_executed"                # anything else: refused when a journey reaches it


@dataclass(frozen=True)
class TechnicalProfile:
    id: str
    kind: ProfileKind
    where: str  # "<file>: TechnicalProfile[@Id='...']"
    metadata: Mapping[str, str] = field(default_factory=dict)
    # Metadata IncludeClaimResolvingInClaimsHandling (read at load, as B2C's upload refuses a value that is not a boolean).
    resolves_claims: bool = False
    # Metadata setting.showCancelButton of a self-asserted profile (read at load, likewise): false hides its page's Cancel.
    shows_cancel: bool = True
    # A local sign-in profile's links (self-asserted metadata): setting.showSignupLink false hides the sign-up link,
    # setting.forgotPasswordLinkLocation None the forgotten-password link (its other places are not modelled).
    shows_signup_link: bool = True
    shows_forgot_password: bool = True
    input_claims: tuple[ClaimRef, ...] = ()
    output_claims: tuple[ClaimRef, ...] = ()
    persisted_claims: tuple[ClaimRef, ...] = ()
    input_transformations: tuple[str, ...] = ()
    output_transformations: tuple[str, ...] = ()
    validation_profiles: tuple[str, ...] = ()
    # A self-asserted profile's DisplayClaims: with one, its page asks for them alone, in their order, each required as
    # its own Required says (no output claim is displayed then: Microsoft's self-asserted technical profile article).
    display_claims: tuple[ClaimRef, ...] = ()
    session_manager: str | None = None
    # Why the emulator does not execute it, and what to change (NOT_EXECUTED, or a page it can't show).
    not_executed: str | None = None


@dataclass(frozen=True)
class Precondition:
    type: str                  # ClaimsExist | ClaimEquals
    execute_actions_if: bool
    values: tuple[str, ...]
    action: str                # SkipThisOrchestrationStep


@dataclass(frozen=True)
class OrchestrationStep:
    order: int
    type: str
    where: str  # "<file>: UserJourney[@Id='...']/OrchestrationStep[@Order='n']"
    preconditions: tuple[Precondition, ...] = ()
    exchanges: tuple[tuple[str, str], ...] = ()   # (ClaimsExchange Id, TechnicalProfileReferenceId)
    local_account_exchange: str | None = None     # ValidationClaimsExchangeId (the local-account form)
    issuer: str | None = None                     # SendClaims: CpimIssuerTechnicalProfileReferenceId
    content_definition: str | None = None         # ContentDefinitionReferenceId: the page a step shows (api.signuporsignin)


@dataclass(frozen=True)
class UserJourney:
    """A custom policy's journey as written: the runtime executes it step by step (mocks/b2c/orchestration.py)."""

    id: str
    steps: tuple[OrchestrationStep, ...]
    profiles: Mapping[str, TechnicalProfile]
    transformations: Mapping[str, ClaimsTransformation]
    session_managers: Mapping[str, tuple[str, ...]]  # SM profile id -> persisted claim types
    claim_labels: Mapping[str, str] = field(default_factory=dict)  # claim type -> ClaimsSchema DisplayName
    input_types: Mapping[str, str] = field(default_factory=dict)   # claim type -> UserInputType
    relying_party: str = ""  # "<file>: RelyingParty/TechnicalProfile[@Id='PolicyProfile']"
    # ContentDefinition id -> language -> claim type -> localized DisplayName (custom_policy/localization.py claim_labels)
    localized_labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    # ContentDefinition id -> language -> string id -> the policy's text for the page's own element (localization.py ux_strings)
    localized_ux: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    # ContentDefinition id -> language -> ClaimsExchange Id -> its button's text (localization.py provider_strings)
    localized_buttons: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    # ContentDefinition id -> its LoadUri: B2C's layout (~/tenant/templates/...) or the team's template (custom_policy/content_definitions.py)
    load_uris: Mapping[str, str] = field(default_factory=dict)
    # SM profile id -> its OutputClaims, which a single sign-on that skips a profile of that manager outputs (the
    # custom-policy-reference-sso article: "OutputClaims is used for retrieving claims from the session")
    session_outputs: Mapping[str, tuple[ClaimRef, ...]] = field(default_factory=dict)
    # claim type -> its Restriction's Pattern (RegularExpression, HelpText), which a profile page's value must match
    patterns: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # claim type -> its DataType, which types what a profile page's field gives it (an int claim's digits: a JSON number)
    data_types: Mapping[str, str] = field(default_factory=dict)

    def page_labels(self, profile: TechnicalProfile, language: str) -> Mapping[str, str]:
        """The labels ``profile``'s page shows in ``language`` where the policy localizes them (its content definition's)."""
        return self.localized_labels.get(profile.metadata.get("ContentDefinitionReferenceId", ""), {}).get(language, {})

    def page_strings(self, content_definition: str | None, language: str) -> Mapping[str, str]:
        """The texts a page of ``content_definition`` shows in ``language`` where the policy gives its own (its UxElements)."""
        return self.localized_ux.get(content_definition or "", {}).get(language, {})

    def button_texts(self, content_definition: str | None, language: str) -> Mapping[str, str]:
        """ClaimsExchange Id -> the text its button shows on a page of ``content_definition`` in ``language``, where the policy
        localizes it (a ClaimsProvider LocalizedString); the others show their technical profile's DisplayName."""
        return self.localized_buttons.get(content_definition or "", {}).get(language, {})

    def local_sign_in_profile(self, step: OrchestrationStep) -> TechnicalProfile | None:
        """The profile ``step``'s local account form runs (its ValidationClaimsExchangeId's exchange), if it has one."""
        profile_id = dict(step.exchanges).get(step.local_account_exchange or "")
        return self.profiles.get(profile_id) if profile_id else None


@dataclass(frozen=True)
class Issuance:
    """What a custom policy's JwtIssuer metadata sets (jwt-issuer-technical-profile); the defaults are B2C's, and
    user flows keep them. A lifetime of None: the tenant's (mocks/b2c/settings.py, B2C's defaults too)."""

    acr: bool = True                          # AuthenticationContextReferenceClaimPattern: PolicyId, or None (no acr)
    policy_in_issuer: bool = False            # IssuanceClaimPattern: AuthorityAndTenantGuid, or AuthorityWithTfp
    json_numbers: bool = True                 # SendTokenResponseBodyWithJsonNumbers: false sends them as strings
    access_token_lifetime: int | None = None  # token_lifetime_secs
    id_token_lifetime: int | None = None      # id_token_lifetime_secs
    refresh_token_lifetime: int | None = None  # refresh_token_lifetime_secs


@dataclass(frozen=True)
class Languages:
    """A custom policy's ``<Localization>`` (language-customization article): on or off, its default language and
    the languages it offers (lower-case codes, e.g. ``de``)."""

    enabled: bool = False
    default: str = "en"
    supported: tuple[str, ...] = ("en",)

    def page_language(self, wanted: str | None) -> str:
        """The language the policy's pages are in for the languages a request asks for (``ui_locales``, then the
        browser's), in order: the first the policy offers, with Localization on; else its default."""
        return pick_locale(wanted if self.enabled else None, self.default, self.supported)


@dataclass(frozen=True)
class Policy:
    policy_id: str                          # as written, e.g. B2C_1_signupsignin / B2C_1A_signup_signin
    kind: PolicyKind
    identity_providers: tuple[IdentityProvider, ...]
    output_claims: tuple[RelyingPartyClaim, ...]
    # Claims the first-time social sign-up page asks for, prefilled from the IdP (SelfAsserted-Social).
    self_asserted_claims: tuple[str, ...] = ("displayName", "givenName", "surname")
    # Those of them the built-in page refuses empty (a user flow's Page layouts: Optional No); a custom policy's page says
    # its own (its OutputClaims' Required).
    required_self_asserted: frozenset[str] = frozenset({"displayName"})
    show_local_account_form: bool = True
    # Custom policies: the journey the runtime executes. None: the built-in social sign-up or
    # sign-in journey (user flows, and models built in code).
    journey: UserJourney | None = None
    issuance: Issuance = Issuance()
    # "Require ID Token in logout requests" (user flow) / SingleSignOn EnforceIdTokenHintOnLogout (custom policy):
    # only then does a logout with a valid id_token_hint check post_logout_redirect_uri against the hint's app.
    enforce_id_token_hint_on_logout: bool = False
    # Custom policies: their own languages. None: the tenant's language customization (user flows' Languages blade).
    languages: Languages | None = None

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
