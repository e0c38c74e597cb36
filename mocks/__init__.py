"""Offline stand-ins for Azure AD B2C, Swiss Mobile ID and jwt.ms.

Each service is a small ASGI app of its own (``mocks.mobileid``, ``mocks.b2c``,
``mocks.jwtms``); ``python -m mocks serve`` runs them together behind their
production host names on one loopback HTTPS port.
"""
