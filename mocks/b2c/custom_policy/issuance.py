"""What a custom policy's token issuer and relying party change in its tokens and sessions.

The JwtIssuer's metadata (Microsoft's jwt-issuer-technical-profile article: lifetimes, ``iss`` and
``acr`` patterns, JSON numbers) and the relying party's ``UserJourneyBehaviors`` (relyingparty and
session-behavior articles). What would make a token or a journey differ from the tenant's and is not
modelled is refused, so a run never passes locally on a policy the tenant treats otherwise.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mocks.b2c.policy import Issuance, PolicyError

from .files import PolicyFile, q, xs_boolean
from .merge import Merged, Value, effective
from .providers import metadata_bool, one_of

# Metadata key -> (lowest, highest) seconds, as the article gives them.
LIFETIMES = {
    "token_lifetime_secs": (300, 86400),
    "id_token_lifetime_secs": (300, 86400),
    "refresh_token_lifetime_secs": (86400, 7776000),
    # The refresh tokens' sliding window forces a new sign-in after at least a day: nothing a run can see.
    "rolling_refresh_token_lifetime_secs": (86400, 31536000),
}
CHOICES = {
    "IssuanceClaimPattern": ("AuthorityAndTenantGuid", "AuthorityWithTfp"),
    "AuthenticationContextReferenceClaimPattern": ("PolicyId", "None"),
}
# Metadata key -> B2C's default (allow_infinite_rolling_refresh_token is only checked: nothing a run can see).
BOOLEANS = {"SendTokenResponseBodyWithJsonNumbers": True, "allow_infinite_rolling_refresh_token": False}
# The single-sign-on scope the emulator keeps: one session per tenant (B2C's default).
SSO_SCOPE = "Tenant"
SSO_SCOPES = ("Tenant", "Application", "Policy", "Suppressed")


def issuance(m: Merged, issuer_profile: str | None, *, tenant: str) -> Issuance:
    """The JwtIssuer's settings; B2C's defaults for what it does not set. Its choices and booleans are read as every
    technical profile's metadata is (providers.py: ``one_of``, ``metadata_bool``): case-insensitively."""
    if issuer_profile is None or issuer_profile not in m.profiles:
        return Issuance()
    tp = effective(m, m.profiles[issuer_profile])
    metadata = tp.metadata
    for key, (low, high) in LIFETIMES.items():
        if key in metadata:
            _seconds(metadata[key], low, high)
    choices = {key: one_of(metadata[key], allowed) for key, allowed in CHOICES.items() if key in metadata}
    booleans = {key: metadata_bool(tp, key, default, tenant) for key, default in BOOLEANS.items()}

    def seconds(key: str) -> int | None:
        return int(metadata[key].value) if key in metadata else None

    return Issuance(
        acr=choices.get("AuthenticationContextReferenceClaimPattern") != "None",
        policy_in_issuer=choices.get("IssuanceClaimPattern") == "AuthorityWithTfp",
        json_numbers=booleans["SendTokenResponseBodyWithJsonNumbers"],
        access_token_lifetime=seconds("token_lifetime_secs"),
        id_token_lifetime=seconds("id_token_lifetime_secs"),
        refresh_token_lifetime=seconds("refresh_token_lifetime_secs"),
    )


def _seconds(item: Value, low: int, high: int) -> None:
    value = item.value.strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise PolicyError(f"{item.file}: {item.path}: {item.value!r} is not a number of seconds from {low} to {high}")


def enforces_id_token_hint_on_logout(rp_file: PolicyFile, rp: ET.Element) -> bool:
    """The relying party's UserJourneyBehaviors: EnforceIdTokenHintOnLogout; a single-sign-on scope other than
    the tenant's is refused (the emulator keeps one SSO session per tenant, so a journey would see SSO where the
    tenant gives none, or the reverse). The session's expiry, KMSI, Application Insights, script execution and
    content-definition parameters change nothing a run of the suite can see and are left as written."""
    behaviors = rp.find(q("UserJourneyBehaviors"))
    sso = behaviors.find(q("SingleSignOn")) if behaviors is not None else None
    if sso is None:
        return False
    where = f"{rp_file.name}: RelyingParty/UserJourneyBehaviors/SingleSignOn{rp_file.line(sso)}"
    scope = (sso.get("Scope") or "").strip()
    if scope not in SSO_SCOPES:
        raise PolicyError(f"{where}/@Scope: {scope!r} is not one of {', '.join(SSO_SCOPES)}")
    if scope != SSO_SCOPE:
        raise PolicyError(f"{where}/@Scope: {scope!r} is not modelled: the emulator keeps one single-sign-on session per "
                          f"tenant (Scope=\"{SSO_SCOPE}\", B2C's default); use {SSO_SCOPE} to run this policy locally")
    return bool(xs_boolean(sso.get("EnforceIdTokenHintOnLogout"), f"{where}/@EnforceIdTokenHintOnLogout"))
