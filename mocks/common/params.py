"""Strict reading of OAuth request parameters.

RFC 6749 §3.1: parameters must not be repeated; a real authorization server
answers ``invalid_request``. The helpers here turn every malformed input into a
``ParameterError`` that each emulator renders in its own service's error format,
so no bad input can reach the protocol logic (or become a 500).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Protocol

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_PARAMETER_LENGTH = 4096
MAX_BODY_BYTES = 64 * 1024
BODY_READ_TIMEOUT = 5.0  # seconds for the whole body once the headers are in


class MultiValued(Protocol):
    """Query parameters or a form: every value of a name.

    ``object``, not ``str``: a form's value may be an uploaded file, which
    ``single`` refuses (Starlette's ``FormData.getlist`` returns ``list[UploadFile | str]``).
    """

    def getlist(self, key: str) -> Sequence[object]: ...


class ParameterError(ValueError):
    """A request parameter is missing, repeated, oversized or malformed; ``missing``: absent, as opposed to there but
    unusable (repeated, oversized, a file), which some services answer with another error."""

    def __init__(self, name: str, problem: str, *, missing: bool = False) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem
        self.missing = missing


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
            raise ParameterError(name, "parameter is missing", missing=True)
        return None
    if not isinstance(value, str):
        raise ParameterError(name, "parameter must be text, not a file")
    if len(value) > max_length:
        raise ParameterError(name, f"parameter is longer than {max_length} characters")
    return value


async def read_form(request: Request, *, max_fields: int, max_part_size: int = 1024 * 1024) -> FormData | None:
    """The request's form, no files, at most ``max_fields`` fields of at most ``max_part_size`` bytes (Starlette's own
    default: a value over a parameter's length is then refused by ``single``, as there but oversized); None for a form
    body Starlette cannot parse or one over a limit (a body of another type reads as an empty form): each endpoint answers
    that in its own service's way (a page saying what is missing, an OAuth error)."""
    try:
        return await request.form(max_files=0, max_fields=max_fields, max_part_size=max_part_size)
    except (HTTPException, MultiPartException):  # Starlette's 400 for a form it cannot read inside an app, its own error outside
        return None


def split_scope(scope: str) -> list[str]:
    """Scopes separated by spaces or commas (B2C's custom policy sends ``openid, profile``)."""
    return [part for part in scope.replace(",", " ").split() if part]


class BodySizeLimit:
    """ASGI middleware: the request body, whole, within a size and a time limit, before the app runs.

    413 when it is over ``limit`` bytes, whether declared (``Content-Length``) or
    streamed (chunked: counted as it arrives, so an endpoint that never reads its
    body cannot be sent megabytes either); 408 when it has not all arrived within
    ``timeout`` seconds (a client that declares 1000 bytes and sends 7). Both close
    the connection. The app then reads the buffered body as usual; later
    ``receive`` calls (disconnect) go to the server.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES, timeout: float | None = None) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(send, 413, "request body too large")
            return
        try:
            async with asyncio.timeout(BODY_READ_TIMEOUT if self.timeout is None else self.timeout):
                body = await self._read(receive)
        except TimeoutError:
            await _refuse(send, 408, "request body not received in time")
            return
        except _BodyTooLarge:
            await _refuse(send, 413, "request body too large")
            return
        if body is None:
            return  # the client went away
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class _BodyTooLarge(Exception):
    pass


async def _refuse(send: Send, status: int, description: str) -> None:
    body = json.dumps({"error": "invalid_request", "error_description": description}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the rest of the body is not read: the connection cannot be reused
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
