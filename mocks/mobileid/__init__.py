"""Emulator of Swisscom Mobile ID as an OpenID Connect provider (openid.mobileid.ch / m.mobileid.ch).

The stack calls ``create_app(MobileIDSettings.local_stack(client_secret=..., faults=...))``;
``python -m mocks.mobileid`` runs it on its own. See README.md.
"""

from mocks.mobileid.app import create_app
from mocks.mobileid.settings import ClientSettings, MobileIDSettings, TestUser, load_settings

__all__ = ["ClientSettings", "MobileIDSettings", "TestUser", "create_app", "load_settings"]
