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

from mocks.b2c.policy import Policy, PolicyError

MOBILE_ID_DISCOVERY_HOST = "openid.mobileid.ch"  # the stack's Mobile ID, as a provider's metadata_url names it


def served_user_flows(own: Policy, team: Sequence[Policy]) -> list[Policy]:
    """The team's flows, then the stack's own unless one of them has its name (B2C compares names case-insensitively)."""
    return [*team, *([] if any(flow.key == own.key for flow in team) else [own])]


def mobile_id_button(flow: Policy) -> str | None:
    """The Name (the button's label) of the flow's provider that is Mobile ID, None if it offers none."""
    return next((p.display_name for p in flow.identity_providers if _is_mobile_id(p.metadata_url)), None)


def mobile_id_secret(source: str, team: Sequence[Policy], client_id: str) -> str | None:
    """The client secret the flows' Mobile ID providers give B2C's client at the stack's Mobile ID (``client_id``), None if
    none offers Mobile ID. Another client id, or two secrets, are refused: the stack's Mobile ID registers B2C once."""
    secrets: dict[str, str] = {}  # secret -> the provider that gave it first; only names are ever said
    for flow in team:
        for provider in flow.identity_providers:
            if not _is_mobile_id(provider.metadata_url):
                continue
            if provider.client_id != client_id:
                raise PolicyError(f"{source}: identity provider {provider.display_name!r}: client_id {provider.client_id!r} is not B2C's "
                                  f"client at the stack's Mobile ID, {client_id!r} (the stack's description: mobileid_client_id); "
                                  f"give client_id = \"{client_id}\" in the file the stack serves")
            secrets.setdefault(provider.client_secret, provider.display_name)
    if len(secrets) > 1:
        raise PolicyError(f"{source}: identity providers {' and '.join(map(repr, secrets.values()))} give Mobile ID client "
                          f"{client_id!r} different client secrets; Mobile ID registers one: give them the same")
    return next(iter(secrets), None)


def _is_mobile_id(metadata_url: str | None) -> bool:
    return bool(metadata_url) and urlsplit(metadata_url).hostname == MOBILE_ID_DISCOVERY_HOST
