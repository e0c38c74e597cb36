"""The tenant as typed data: what the Azure portal's blades hold for one B2C tenant.

App registrations, the policies (user flows and custom policies, already turned
into ``Policy`` objects), policy keys, lifetimes, and how the back channel
reaches identity providers (host map and CA). Defaults are those of
docs/contracts.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, SecretStr, field_validator, model_validator
from pydantic_core import core_schema

from mocks.b2c.policy import Policy
from mocks.b2c.resolvers import CONTEXT_RESOLVERS, OIDC_RESOLVERS, POLICY_RESOLVERS, in_language
from mocks.b2c.strings import pick_locale
from mocks.common.hosts import TENANT_NAME
from mocks.common.languages import accepted_languages
from mocks.faults import Fault

if TYPE_CHECKING:
    from mocks.b2c.page_content import PageTemplate
    from mocks.b2c.sessions import RelyingPartyRequest

DEFAULT_TENANT = "contoso"
MAX_PAGE_BUILD_DELAY = 10.0  # seconds: beyond the real service's slowest build, and well within the suite's page waits
DEFAULT_TENANT_ID = "7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
TESTAPP1_CLIENT_ID = "5c7d9e1f-3a4b-4c6d-8e0f-1a2b3c4d5e6f"
WEBAPP1_CLIENT_ID = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"
WEBAPP1_REDIRECT_URI = "https://app.contoso.test/signin-oidc"
JWT_MS = "https://jwt.ms"


class AppRegistration(BaseModel):
    """One application registered in the tenant (App registrations blade)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: Annotated[str, Field(min_length=1, max_length=200)]
    name: str
    redirect_uris: list[str] = Field(default_factory=list)
    # "ID tokens (used for implicit and hybrid flows)": needed for response_type=id_token.
    implicit_id_token: bool = False
    # Set for a confidential (web) app: the token endpoint then requires it.
    client_secret: SecretStr | None = None

    @property
    def confidential(self) -> bool:
        return self.client_secret is not None

    @field_validator("redirect_uris")
    @classmethod
    def _absolute(cls, uris: list[str]) -> list[str]:
        for uri in uris:
            if "://" not in uri or "#" in uri:
                raise ValueError(f"redirect URI {uri!r} must be absolute and without a fragment")
        return uris


class _BuiltPolicies:
    """``Policy`` objects, checked as such: they are built (and checked) by the user-flow and custom-policy readers,
    and a schema pydantic would make of the dataclass and everything it holds costs ~6 ms of every stack start."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.list_schema(core_schema.is_instance_schema(Policy))


class B2CSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    tenant: Annotated[str, Field(pattern=f"^{TENANT_NAME.pattern}$")] = DEFAULT_TENANT
    tenant_id: str = DEFAULT_TENANT_ID
    apps: list[AppRegistration] = Field(default_factory=list)
    policies: Annotated[list[Policy], _BuiltPolicies()] = Field(default_factory=list)
    # Policy keys (Identity Experience Framework > Policy keys); custom policies refer to them by name.
    policy_keys: dict[str, SecretStr] = Field(default_factory=dict)
    # Session behaviour: web app session lifetime (15-1440 minutes in the portal), in seconds.
    session_lifetime: Annotated[int, Field(ge=900, le=86400)] = 86400
    # Access and ID token lifetime (5-1440 minutes in the portal), in seconds.
    token_lifetime: Annotated[int, Field(ge=300, le=86400)] = 3600
    code_lifetime: Annotated[int, Field(ge=1, le=3600)] = 600
    refresh_token_lifetime: Annotated[int, Field(ge=3600, le=7776000)] = 1209600
    # How long a started sign-in (a transaction) can wait for the user.
    transaction_lifetime: Annotated[int, Field(ge=10, le=86400)] = 3600
    # Every call B2C makes to an identity provider gives up after this many seconds.
    back_channel_timeout: Annotated[float, Field(gt=0, le=120)] = 10.0
    # Back channel to identity providers: host -> (address, port) and the CA that signed their certificates.
    host_map: dict[str, tuple[str, int]] = Field(default_factory=dict)
    ca: Path | None = None
    extra_cas: tuple[Path, ...] = ()  # more CAs to trust on the back channel, besides the public ones
    faults: frozenset[Fault] = frozenset()
    default_locale: str = "en"
    # Company branding > Languages > "Enable language customization": off by default in B2C. Only when on
    # does ui_locales pick the page language and <html lang> (the Ocean Blue template has none otherwise).
    language_customization: bool = False
    # How long after its load event a hosted page is built (the unified, self-asserted and error pages: static/b2c.js).
    # 0 builds it in the next task; the real service fills #api 0.25-2.2 s after navigation (reference b2c.md, Addendum),
    # which a run can ask for to prove its waits (--page-build-delay, E2E_STACK_PAGE_BUILD_DELAY).
    page_build_delay: Annotated[float, Field(ge=0, le=MAX_PAGE_BUILD_DELAY)] = 0.0
    # The team's own page templates, by LoadUri (--page-content DIR, mocks/b2c/page_content.py): a custom policy's content
    # definition whose LoadUri is one of these shows its pages in it. Empty: every page in the emulator's own layout.
    # Values are PageTemplates, not imported here: its HTML parser is ~3 ms of every stack's start, needed only with --page-content.
    page_content: dict[str, Any] = Field(default_factory=dict)

    @field_validator("tenant_id")
    @classmethod
    def _guid(cls, value: str) -> str:
        return str(UUID(value))

    @model_validator(mode="after")
    def _unique(self) -> B2CSettings:
        ids = [app.client_id for app in self.apps]
        if len(ids) != len(set(ids)):
            raise ValueError("application client ids must be unique")
        keys = [policy.key for policy in self.policies]
        if len(keys) != len(set(keys)):
            raise ValueError("policy names must be unique (B2C compares them case-insensitively)")
        return self

    @property
    def domain(self) -> str:
        return f"{self.tenant}.onmicrosoft.com"

    @property
    def base_url(self) -> str:
        return f"https://{self.tenant}.b2clogin.com"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/{self.tenant_id}/v2.0/"

    def issuer_of(self, policy: Policy) -> str:
        """``iss`` of ``policy``'s tokens: the tenant's, or with IssuanceClaimPattern AuthorityWithTfp its own (the
        article's example has the policy name lower-cased, as discovery shows it)."""
        if policy.issuance.policy_in_issuer:
            return f"{self.base_url}/tfp/{self.tenant_id}/{policy.key}/v2.0/"
        return self.issuer

    @property
    def idp_redirect_uri(self) -> str:
        """What identity providers register as B2C's redirect URI (the authresp endpoint)."""
        return f"{self.base_url}/{self.domain}/oauth2/authresp"

    def customizes_language(self, policy: Policy) -> bool:
        """Whether ``policy``'s pages follow ``ui_locales`` and carry ``<html lang>``: a custom policy's Localization,
        else the tenant's language customization (user flows)."""
        return policy.languages.enabled if policy.languages is not None else self.language_customization

    def page_template(self, policy: Policy, content_definition: str | None, language: str) -> PageTemplate | None:
        """The team's template ``policy``'s page of ``content_definition`` shows in, if its LoadUri names one of
        ``page_content``: for a page in ``language``, where the LoadUri names the page's language ({Culture:...})."""
        if policy.journey is None or content_definition is None:
            return None
        return cast("PageTemplate | None", self.page_content.get(in_language(policy.journey.load_uris.get(content_definition, ""), language)))

    def page_language(self, policy: Policy, ui_locales: str | None, accept_language: str | None = None) -> str:
        """The language of ``policy``'s pages: with language customization, the request's ``ui_locales``, else the
        browser's (``Accept-Language``), else the policy's default (reference b2c.md section 5)."""
        wanted = " ".join(filter(None, (ui_locales, *accepted_languages(accept_language))))
        if policy.languages is None:
            return pick_locale(wanted if self.language_customization else None, self.default_locale)
        return policy.languages.page_language(wanted)

    def claim_resolvers(self, policy: Policy, request: RelyingPartyRequest | None = None,
                        correlation_id: str | None = None) -> dict[str, str]:
        """The claim resolvers B2C fills in for ``policy`` (DefaultValue, InputParameter values): the Policy ones,
        the bare tenant names the starter pack's string formats use (``cpim_{0}@{RelyingPartyTenantId}``), given
        the app's ``request`` the {OIDC:...} ones (each empty where the request has no such parameter) and, given the
        transaction's ``correlation_id``, {Context:CorrelationId}."""
        return {
            "{policy}": policy.policy_id,  # the jwt-issuer article's tfp claim: DefaultValue="{policy}"
            **{f"{{Policy:{name}}}": value(policy, self) for name, value in POLICY_RESOLVERS.items()},
            "{RelyingPartyTenantId}": self.domain,
            "{TrustFrameworkTenantId}": self.domain,
            **({f"{{OIDC:{name}}}": value(request) or "" for name, value in OIDC_RESOLVERS.items()} if request else {}),
            **({f"{{Context:{name}}}": value(correlation_id) for name, value in CONTEXT_RESOLVERS.items()} if correlation_id else {}),
        }

    def app(self, client_id: str) -> AppRegistration | None:
        return next((a for a in self.apps if a.client_id == client_id), None)

    def policy(self, name: str) -> Policy | None:
        return next((p for p in self.policies if p.key == name.lower()), None)


def fill_in(text: str, resolvers: Mapping[str, str]) -> str:
    """``text`` with each claim resolver it names replaced by its value (B2CSettings.claim_resolvers)."""
    for name, resolved in resolvers.items():
        text = text.replace(name, resolved)
    return text


def default_apps(webapp_secret: str | None = None) -> list[AppRegistration]:
    """The seed's ``testapp1`` (Run user flow -> jwt.ms) and the confidential ``webapp1``."""
    apps = [
        AppRegistration(client_id=TESTAPP1_CLIENT_ID, name="testapp1", redirect_uris=[JWT_MS], implicit_id_token=True),
    ]
    if webapp_secret:
        apps.append(
            AppRegistration(
                client_id=WEBAPP1_CLIENT_ID,
                name="webapp1",
                redirect_uris=[WEBAPP1_REDIRECT_URI],
                client_secret=SecretStr(webapp_secret),
            )
        )
    return apps
