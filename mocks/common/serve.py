"""Run an ASGI app with uvicorn on a socket we bind first, so port 0 works and
the real port is known before the "ready" line is printed."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import uvicorn


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: uvicorn writes headers and body apart, and with Nagle on
    # every small response waits ~40 ms for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise SystemExit(f"cannot listen on {host}:{port}: {error.strerror}. Choose another --port (0 picks a free one).")
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run(
    app,
    sock: socket.socket,
    *,
    on_ready: Callable[[], None],
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "warning",
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
) -> None:
    config = uvicorn.Config(
        app,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level=log_level,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                break
            await asyncio.sleep(0.005)  # uvicorn has no started event; poll its flag briefly
        if server.started:
            on_ready()
        await task

    asyncio.run(serve())
