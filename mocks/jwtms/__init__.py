"""jwt.ms emulator: shows the token (or error) a relying-party redirect carries."""

from mocks.jwtms.app import create_app

__all__ = ["create_app"]
