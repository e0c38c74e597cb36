"""B2C's back channel keeps one connection pool: claims exchanges reuse the connection to the IdP."""

from __future__ import annotations

import asyncio

from mocks.b2c.federation import Federation
from mocks.b2c.settings import B2CSettings
from tests.event_loop import run

BODY = b'{"issuer": "http://idp.example"}'


async def _serve_counting() -> tuple[asyncio.Server, list[int]]:
    """A keep-alive HTTP/1.1 server that answers every request with BODY and counts connections."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        while await _read_head(reader):
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(BODY), BODY))
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, connections


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return b""


def test_calls_in_one_loop_share_one_connection() -> None:
    async def scenario() -> list[int]:
        server, connections = await _serve_counting()
        port = server.sockets[0].getsockname()[1]
        federation = Federation(B2CSettings(host_map={"idp.example": ("127.0.0.1", port)}))
        for _ in range(3):
            assert await federation._get_json(f"http://idp.example:{port}/jwks") == {"issuer": "http://idp.example"}
        server.close()
        return connections

    assert run(scenario()) == [1]


def test_a_new_event_loop_gets_its_own_pool() -> None:
    federation = Federation(B2CSettings())

    async def pool() -> object:
        return federation._transport()

    first, second = run(pool()), run(pool())
    assert first is not second


def test_the_app_shutdown_closes_the_back_channel() -> None:
    from starlette.testclient import TestClient

    from mocks.b2c.app import create_app

    app = create_app(B2CSettings())
    federation = app.state.tenant.federation
    with TestClient(app) as client:
        assert client.portal is not None  # TestClient's portal exists while the with block runs
        client.portal.call(federation.http)  # the back channel's client, made in the app's event loop
        http = federation._pool[2]
        assert not http.is_closed
    assert http.is_closed and federation._pool is None


def test_an_idle_connection_is_let_go_before_a_server_would_close_it() -> None:
    """A connection idle as long as the server's keep-alive may be closed by the server as a call goes out on it, which
    then fails (AADB2C90289, seen once under load): the pool lets go of it well before (httpx's default is the same 5 s)."""
    from mocks.common.net import IDLE_CONNECTION_S, client
    from mocks.common.serve import KEEP_ALIVE_S

    federation = Federation(B2CSettings())

    async def pool() -> object:
        return federation._transport()

    transport = run(pool())
    assert transport._pool._keepalive_expiry == IDLE_CONNECTION_S <= KEEP_ALIVE_S / 2  # type: ignore[attr-defined]  # httpcore's pool
    with client() as suites:  # the suite's clients (the control API, B2C's token endpoint) alike
        assert suites._transport._pool._keepalive_expiry == IDLE_CONNECTION_S  # type: ignore[attr-defined]
