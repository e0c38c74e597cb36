"""A tiny HTTP CONNECT proxy that lets any browser reach the stack by production host names.

Firefox and WebKit have no ``--host-resolver-rules``; pointed at this proxy they
send ``CONNECT contoso.b2clogin.com:443`` and get a TCP tunnel to the stack's
port. Only the stack's host names on port 443 pass; everything else is refused,
so the browser cannot wander onto the internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Mapping

from mocks.common.serve import bind

HEADER_TIMEOUT = 10.0
MAX_HEADER_BYTES = 16 * 1024


class ConnectProxy:
    def __init__(self, host_map: Mapping[str, tuple[str, int]], host: str = "127.0.0.1", port: int = 0) -> None:
        self._map = {name.lower(): target for name, target in host_map.items()}
        self._host = host
        self._requested_port = port
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._socket: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, name="stack-proxy", daemon=True)

    def start(self) -> None:
        # Bound here, as the stack's own port is: a port in use or a host not this machine's is said alike.
        self._socket = bind(self._host, self._requested_port, option="--proxy-port")
        self._socket.set_inheritable(False)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise SystemExit(f"cannot start the proxy on {self._host}:{self._requested_port}: {self._error}")

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._server = loop.run_until_complete(asyncio.start_server(self._handle, sock=self._socket, limit=MAX_HEADER_BYTES))
            self.port = self._server.sockets[0].getsockname()[1]
        except OSError as error:
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    def target(self, authority: str) -> tuple[str, int] | None:
        """Where ``CONNECT authority`` goes, or None when it is not one of the stack's sites."""
        host, _, port = authority.rpartition(":")
        if port != "443":
            return None
        return self._map.get(host.lower().strip("[]"))

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEADER_TIMEOUT)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = request_line.split()
        target = self.target(parts[1]) if len(parts) == 3 and parts[0].upper() == "CONNECT" else None
        if target is None:
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.wait_for(asyncio.open_connection(*target), HEADER_TIMEOUT)
        except (TimeoutError, OSError):
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            writer.close()
            return
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
