"""Strict reading of OAuth request parameters.

RFC 6749 §3.1: parameters must not be repeated; a real authorization server
answers ``invalid_request``. The helpers here turn every malformed input into a
``ParameterError`` that each emulator renders in its own service's error format,
so no bad input can reach the protocol logic (or become a 500).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

MAX_PARAMETER_LENGTH = 4096
MAX_BODY_BYTES = 64 * 1024


class MultiValued(Protocol):
    def getlist(self, key: str) -> list[str]: ...


class ParameterError(ValueError):
    """A request parameter is missing, repeated, oversized or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def single(
    params: MultiValued,
    name: str,
    *,
    required: bool = False,
    max_length: int = MAX_PARAMETER_LENGTH,
) -> str | None:
    """The one value of ``name``; ``None`` when absent and not required."""
    values = params.getlist(name)
    if len(values) > 1:
        raise ParameterError(name, "parameter is repeated")
    value = values[0] if values else None
    if value is None or value == "":
        if required:
            raise ParameterError(name, "parameter is missing")
        return None
    if not isinstance(value, str):
        raise ParameterError(name, "parameter must be text, not a file")
    if len(value) > max_length:
        raise ParameterError(name, f"parameter is longer than {max_length} characters")
    return value


def one_of(params: MultiValued, name: str, allowed: Iterable[str], *, default: str | None = None) -> str | None:
    value = single(params, name)
    if value is None:
        return default
    allowed = tuple(allowed)
    if value not in allowed:
        raise ParameterError(name, f"unsupported value {value!r} (expected one of {', '.join(allowed)})")
    return value


def split_scope(scope: str) -> list[str]:
    """Scopes separated by spaces or commas (B2C's custom policy sends ``openid, profile``)."""
    return [part for part in scope.replace(",", " ").split() if part]


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413 before reading them."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send)
            return
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send) -> None:
    body = b'{"error":"invalid_request","error_description":"request body too large"}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
