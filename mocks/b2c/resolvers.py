"""The claim resolvers the emulator fills in (``{Policy:...}``, the app's request's ``{OIDC:...}`` and the transaction's
``{Context:CorrelationId}``), where B2C fills them in (a relying party's output claims, a claim-resolving technical
profile's claims), and what fills each in.

Its own module: the policy check at load (custom_policy/build.py) reads the names, B2CSettings.claim_resolvers the
values, and neither needs the sessions' web types for that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from mocks.b2c.policy import RESOLVER
from mocks.b2c.strings import IDP_UI_LOCALES

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
# The {Culture:...} claim resolvers B2C fills in a content definition's LoadUri (a template per language: reference
# b2c.md section 5), from the language the page is in. The emulator's pages are in a primary language (`de`, whatever
# `de-CH` asked for): LanguageName is those two letters, RFC5646 the culture B2C names it by (`de-DE`, as it passes the
# language on to an IdP, and as Microsoft's claim-resolver article's example has LanguageName `en`, LCID 1033, RFC5646
# `en-US`; which region B2C gives for `de-CH` asked for is Unconfirmed); {Culture:RegionName} has no value here and is
# refused with the others not listed.
LCID: dict[str, str] = {"en": "1033", "de": "1031", "fr": "1036", "it": "1040"}  # Windows' locale IDs of the languages the emulator has texts in
CULTURE_RESOLVERS: dict[str, Callable[[str], str]] = {
    "RFC5646": lambda language: IDP_UI_LOCALES[language],
    "LanguageName": lambda language: language,
    "LCID": lambda language: LCID[language],
}


def in_language(load_uri: str, language: str) -> str:
    """``load_uri`` with its {Culture:...} claim resolvers filled in for a page in ``language``; one the emulator does not
    fill in is left as written (``unfilled_in_load_uri`` refuses it when the stack starts)."""
    def value(found: re.Match[str]) -> str:
        kind, name = found.groups()
        return CULTURE_RESOLVERS[name](language) if kind == "Culture" and name in CULTURE_RESOLVERS else found.group(0)
    return RESOLVER.sub(value, load_uri)


def unfilled_in_load_uri(load_uri: str) -> list[str]:
    """The claim resolvers ``load_uri`` names that the emulator does not fill in there (only {Culture:...} ones are)."""
    return [f"{{{kind}:{name}}}" for kind, name in RESOLVER.findall(load_uri) if kind != "Culture" or name not in CULTURE_RESOLVERS]


# Every claim resolver the emulator fills in, by kind: what a policy may name where B2C fills them in.
FILLED: dict[str, tuple[str, ...]] = {"Policy": tuple(POLICY_RESOLVERS), "OIDC": tuple(OIDC_RESOLVERS), "Context": tuple(CONTEXT_RESOLVERS)}
FILLED_IN = ", ".join(f"{{{kind}:{name}}}" for kind, names in FILLED.items() for name in names)


def unfilled(text: str | None) -> list[str]:
    """The claim resolvers ``text`` names that the emulator does not fill in (``{Culture:LCID}``, a misspelt
    ``{Policy:PolicyID}``): refused when a policy loads, where B2C would put a value and the emulator the text as written."""
    return [f"{{{kind}:{name}}}" for kind, name in RESOLVER.findall(text or "") if name not in FILLED.get(kind, ())]
