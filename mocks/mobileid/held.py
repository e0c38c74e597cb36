"""Requests Mobile ID holds open on purpose (the waiting page's long-poll, the control API's wait for a number's
transaction) end as soon as their client goes or the server starts to stop.

Held otherwise, such a request outlives its client: for up to its wait it holds a task (the control API's: a phone
that approves the next sign-in of the number long after whoever asked gave up), and a server stopping meanwhile waits
out its graceful timeout, then cancels it, logs the cancellation at ERROR and answers nothing (or 500).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable
from typing import TypeVar

from starlette.requests import Request

from mocks.common.serve import stopping

T = TypeVar("T")


class Ended(enum.Enum):
    """Why a held request ended before its answer."""

    GONE = "the client closed the connection"
    STOPPING = "the server is stopping"


async def held(request: Request, waiting: Awaitable[T]) -> T | Ended:
    """``waiting``'s answer, or why the request ended first. The handler must not read the request's body: this reads
    the request's messages (a body's too) to learn that the client went."""
    answer, gone = asyncio.ensure_future(waiting), asyncio.ensure_future(_disconnected(request))
    stop = asyncio.ensure_future(stopping().wait())
    try:
        await asyncio.wait((answer, gone, stop), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (answer, gone, stop):
            task.cancel()
        await asyncio.gather(answer, gone, stop, return_exceptions=True)  # all ended here, their errors read
    if not answer.cancelled():
        return answer.result()
    return Ended.GONE if gone.done() and not gone.cancelled() else Ended.STOPPING


async def _disconnected(request: Request) -> None:
    """Returns when the server sees the client close the connection."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
