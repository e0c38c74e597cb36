"""A team's user flows on the local stack (``--user-flows FILE``): the tenant's flows as the portal holds them.

A tenant holds one flow per name, so a flow of the file named like the stack's own ``B2C_1_signupsignin`` is the tenant's
and replaces it; the file's flows come first, so a run without ``B2C_POLICIES`` goes through the team's first flow.

The stack is Mobile ID too, where B2C is registered once: the portal's Mobile ID provider holds that client's id and
secret. So the stack's Mobile ID registers B2C's client with the secret the flows' provider names (and the tenant's policy
key B2C_1A_MobileIdSecret holds the same, unless --policy-key gives another, which is refused): a team's file works without
editing its secrets, which never leave the stack's process.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from mocks.b2c.policy import IdentityProvider, Policy, PolicyError

MOBILE_ID_DISCOVERY_HOST = "openid.mobileid.ch"  # the stack's Mobile ID, as a provider's metadata_url names it
MOBILE_ID_LOGIN_HOST = "m.mobileid.ch"  # and as a custom policy's OAuth2 profile names its authorization_endpoint
MOBILE_ID_DOMAIN = "mobileid.ch"  # a custom policy's Mobile ID claims provider's <Domain> (the seed's; fixtures/texts.py reads it so too)


def served_user_flows(own: Policy, team: Sequence[Policy]) -> list[Policy]:
    """The team's flows, then the stack's own unless one of them has its name (B2C compares names case-insensitively)."""
    return [*team, *([] if any(flow.key == own.key for flow in team) else [own])]


def mobile_id_button(policy: Policy) -> str | None:
    """The label of the policy's button of the stack's Mobile ID, None if it offers none: a flow's provider's Name, a
    custom policy's Mobile ID profile's DisplayName (the starter pack's "Mobile-ID")."""
    return next((provider.display_name for provider in _mobile_id_providers([policy])), None)


def mobile_id_secret(source: str, team: Sequence[Policy]) -> str | None:
    """The client secret the flows' Mobile ID providers give B2C's client at the stack's Mobile ID, None if none offers
    Mobile ID. Two secrets are refused: the stack's Mobile ID registers B2C once."""
    secrets: dict[str, str] = {}  # secret -> the provider that gave it first; only names are ever said
    providers = _mobile_id_providers(team)
    for provider in providers:
        secrets.setdefault(provider.client_secret, provider.display_name)
    if len(secrets) > 1:
        raise PolicyError(f"{source}: identity providers {' and '.join(map(repr, secrets.values()))} give Mobile ID client "
                          f"{providers[0].client_id!r} different client secrets; Mobile ID registers one: give them the same")
    return next(iter(secrets), None)


def check_mobile_id_client(source: str, team: Sequence[Policy], client_id: str, client_secret: str) -> None:
    """Refuse a flow's Mobile ID provider naming a client other than B2C's at the stack's Mobile ID (``client_id``), or
    another secret than the one the custom policies' Mobile ID profile reads."""
    for provider in _mobile_id_providers(team):
        if provider.client_id != client_id:
            raise PolicyError(f"{source}: identity provider {provider.display_name!r}: client_id {provider.client_id!r} is not B2C's "
                              f"client at the stack's Mobile ID, {client_id!r} (the stack's description: mobileid_client_id); "
                              f"give client_id = \"{client_id}\" in the file the stack serves")
        if provider.client_secret != client_secret:
            raise PolicyError(f"{source}: identity provider {provider.display_name!r}: its client secret is not the one the custom "
                              "policies' Mobile ID profile reads (the policy key its CryptographicKeys Key client_secret names): B2C's "
                              "custom policies and user flows sign in at Mobile ID as one client, registered with one secret; give "
                              "both the same")


def custom_policies_mobile_id_client(source: str, policies: Sequence[Policy]) -> tuple[str, str] | None:
    """The client id and secret the custom policies' Mobile ID profiles give (``client_id`` metadata, the one Swisscom gave
    the team, and the policy key their ``client_secret`` names), which the stack's Mobile ID then registers B2C with: a
    team's files run unedited, whatever they name the key. None if none federates with Mobile ID; two clients, or two
    secrets, are refused, as the stack's Mobile ID registers B2C once."""
    clients: dict[str, str] = {}  # client id -> the policy that names it first
    secrets: dict[str, str] = {}  # secret -> the policy whose profile reads it first; only names are ever said
    for policy in policies:
        for provider in _mobile_id_providers([policy]):
            clients.setdefault(provider.client_id, policy.policy_id)
            secrets.setdefault(provider.client_secret, policy.policy_id)
    if len(clients) > 1:
        named = " and ".join(f"{client!r} ({policy})" for client, policy in clients.items())
        raise PolicyError(f"{source}: the Mobile ID technical profiles name client_id {named}; Mobile ID registers B2C's client "
                          "once, as Swisscom gave it to you: give every Mobile ID profile's Metadata Item client_id that one")
    if len(secrets) > 1:
        raise PolicyError(f"{source}: the Mobile ID technical profiles of {' and '.join(secrets.values())} read different client "
                          "secrets (their CryptographicKeys Key client_secret's policy keys); Mobile ID registers B2C's client with "
                          "one: give them the same key")
    return (next(iter(clients)), next(iter(secrets))) if clients else None  # one of each, or none at all


def offers_mobile_id(policy: Policy) -> bool:
    """Whether the policy's sign-in page has a button of the stack's Mobile ID (a custom policy's journey exchanges it)."""
    return bool(_mobile_id_providers([policy]))


def mobile_id_elsewhere(policy: Policy) -> str | None:
    """Where the policy's Mobile ID claims provider (``<Domain>mobileid.ch</Domain>``) sends the browser when that is a host
    the stack does not emulate (a team's own Mobile ID endpoint): its authorization_endpoint, else its METADATA; None if
    the policy has no such provider, or one at the stack's Mobile ID."""
    if offers_mobile_id(policy):
        return None
    return next((provider.authorization_endpoint or provider.metadata_url for provider in policy.identity_providers
                 if provider.domain.lower() == MOBILE_ID_DOMAIN and (provider.authorization_endpoint or provider.metadata_url)), None)


def _mobile_id_providers(policies: Sequence[Policy]) -> list[IdentityProvider]:
    """The providers that are the stack's Mobile ID: a flow's by its metadata_url, a custom policy's OAuth2 profile by its
    endpoints (an OpenIdConnect profile by its METADATA)."""
    return [provider for policy in policies for provider in policy.identity_providers
            if _is_mobile_id(provider.metadata_url) or _at_mobile_id(provider.authorization_endpoint)]


def _is_mobile_id(metadata_url: str | None) -> bool:
    return bool(metadata_url) and urlsplit(metadata_url).hostname == MOBILE_ID_DISCOVERY_HOST


def _at_mobile_id(endpoint: str | None) -> bool:
    return bool(endpoint) and urlsplit(endpoint).hostname in (MOBILE_ID_LOGIN_HOST, MOBILE_ID_DISCOVERY_HOST)
