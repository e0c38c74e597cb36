"""The claim resolvers the emulator fills in (``{Policy:...}``, the app's request's ``{OIDC:...}`` and the transaction's
``{Context:CorrelationId}``), where B2C fills them in (a relying party's output claims, a claim-resolving technical
profile's claims), and what fills each in.

Its own module: the policy check at load (custom_policy/build.py) reads the names, B2CSettings.claim_resolvers the
values, and neither needs the sessions' web types for that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mocks.b2c.policy import RESOLVER

if TYPE_CHECKING:
    from mocks.b2c.policy import Policy
    from mocks.b2c.sessions import RelyingPartyRequest
    from mocks.b2c.settings import B2CSettings

# The {Policy:...} claim resolvers (a DefaultValue, an InputParameter's value), from the policy and its tenant.
POLICY_RESOLVERS: dict[str, Callable[[Policy, B2CSettings], str]] = {
    "PolicyId": lambda policy, tenant: policy.policy_id,
    "TenantObjectId": lambda policy, tenant: tenant.tenant_id,
    "RelyingPartyTenantId": lambda policy, tenant: tenant.domain,
    "TrustFrameworkTenantId": lambda policy, tenant: tenant.domain,
}

# The {OIDC:...} claim resolvers the emulator fills in from the app's request: each the parameter of the same name,
# empty when the request has none. Resolvers not in FILLED (the rest of {Context:...} and {OIDC:...}, {Culture:...})
# are refused when the policy loads (custom_policy/build.py) where B2C fills them in: a token or a request would carry
# them as written where B2C puts a value.
OIDC_RESOLVERS: dict[str, Callable[[RelyingPartyRequest], str | None]] = {
    "ClientId": lambda request: request.client.client_id,
    "DomainHint": lambda request: request.domain_hint,
    "LoginHint": lambda request: request.login_hint,
    "Nonce": lambda request: request.nonce,
    "Prompt": lambda request: request.prompt,
    "RedirectUri": lambda request: request.redirect_uri,
    "Scope": lambda request: " ".join(request.scopes),
}


# The {Context:...} claim resolvers the emulator fills in from the transaction's correlation ID, the one its pages show.
CONTEXT_RESOLVERS: dict[str, Callable[[str], str]] = {
    "CorrelationId": lambda correlation_id: correlation_id,
}
# Every claim resolver the emulator fills in, by kind: what a policy may name where B2C fills them in.
FILLED: dict[str, tuple[str, ...]] = {"Policy": tuple(POLICY_RESOLVERS), "OIDC": tuple(OIDC_RESOLVERS), "Context": tuple(CONTEXT_RESOLVERS)}
FILLED_IN = ", ".join(f"{{{kind}:{name}}}" for kind, names in FILLED.items() for name in names)


def unfilled(text: str | None) -> list[str]:
    """The claim resolvers ``text`` names that the emulator does not fill in (``{Culture:LCID}``, a misspelt
    ``{Policy:PolicyID}``): refused when a policy loads, where B2C would put a value and the emulator the text as written."""
    return [f"{{{kind}:{name}}}" for kind, name in RESOLVER.findall(text or "") if name not in FILLED.get(kind, ())]
