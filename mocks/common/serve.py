"""Run an ASGI app with uvicorn on a socket we bind first, so port 0 works and
the real port is known before the "ready" line is printed."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import signal
import socket
import ssl
import threading
import weakref
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import logger as uvicorn_logger

from mocks.common import process_start
from mocks.common.parent import STOP_SIGNALS

# A client gets this long for a request's line and headers (from connecting, or from its first byte after the
# previous response); the body has as long again (mocks.common.params.BodySizeLimit). uvicorn has no such limit:
# a client that sends half a request would hold its connection, and a slot, for ever.
HEADER_TIMEOUT = 5.0
# Loop turns a shutdown gives the connections it aborted to end (a TLS connection takes two) before it falls back to
# uvicorn's graceful wait.
ABORT_TURNS = 5


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that closes a connection whose request head does not arrive in time."""

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as in uvicorn's H11Protocol: a stream server gives a Transport
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_request():
            self._disarm()
        else:
            self._arm()  # part of a head: the deadline set at the first byte stands

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _in_request(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _head_timed_out(self) -> None:
        self._header_timer = None
        if not self._in_request() and not self.transport.is_closing():
            self.transport.close()


class Server(uvicorn.Server):
    """uvicorn's server that says when it accepts connections, stops as soon as it is told to, and drops a connection
    it closes at shutdown (an idle keep-alive) at once.

    uvicorn has no event for "started", only a flag: ``on_ready`` runs right where it sets it.
    uvicorn looks at its exit flag every 0.1 s, then pauses 0.1 s more at shutdown for connections to close, at the end
    of every run and of every test's server (docs/speed.md). A signal, or ``stop_soon()`` from another thread, ends the
    wait at once, and the pause (uvicorn's own shutdown) is taken only when a connection or a task is left.
    Closing a TLS connection waits for the client's close_notify, which an idle client (a browser,
    an HTTP client in a thread blocked on the stop) may never send: every stop then waited out the
    graceful timeout, 1-2 s. Connections still answering a request finish as before.
    """

    # main_loop and shutdown's fast path follow uvicorn 0.54's own (requirements.txt pins it): check them on an upgrade.
    TICK = 0.1  # seconds between uvicorn's looks at its flags

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None] = lambda: None) -> None:
        super().__init__(config)
        self.on_ready = on_ready
        self._stop_asked = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def stop_soon(self) -> None:
        """Ask the server to stop, from any thread; ``serve()`` then shuts down and returns."""
        self.should_exit = True
        self._wake()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)  # SIGINT or SIGTERM
        self._wake()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """SIGHUP (a closed terminal: ``make serve``) shuts the server down as SIGTERM does: uvicorn captures SIGINT and
        SIGTERM alone, and SIGHUP's default ended the stack without its ``finally`` (its temporary state folder, with
        its keys and a client secret, stayed in the temp folder). uvicorn raises the signals it caught again once shut
        down: SIGHUP is handed to it as itself, and the handler before this one put back first (this one would take the
        raised SIGHUP for another stop and swallow it), so the stack's last line says "stopped by SIGHUP", not SIGTERM."""
        if threading.current_thread() is not threading.main_thread() or signal.SIGHUP not in STOP_SIGNALS:  # nohup: heard by none
            with super().capture_signals():
                yield
            return
        previous = signal.signal(signal.SIGHUP, self.handle_exit)
        try:
            with super().capture_signals():
                try:
                    yield
                finally:
                    signal.signal(signal.SIGHUP, previous)
        finally:
            signal.signal(signal.SIGHUP, previous)  # uvicorn's capture that failed to begin: the one above never ran

    def _wake(self) -> None:
        # call_soon_threadsafe even from the loop's own thread: a signal handler runs while the loop waits in select().
        # A plain Event.set() there schedules the waiter but does not end select()'s wait; the loop's wake-up pipe does.
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed (a second stop, a server that died): nothing to wake
                self._loop.call_soon_threadsafe(self._stop_asked.set)

    async def main_loop(self) -> None:
        # uvicorn's loop of ticks (its date header is renewed every tenth: once a second), each cut short by a stop.
        self._loop = asyncio.get_running_loop()  # a stop asked for before this is seen by the first tick
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop_asked.wait(), self.TICK)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)  # sets `started` last; a start that fails raises or exits instead
        process_start.release_collector()  # serving: what the start made is kept out of the collector's way
        self.on_ready()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        stopping().set()  # a long-poll answers now: its task ends within the graceful wait
        for server in self.servers:
            server.close()  # uvicorn's own first steps (again in its shutdown): no new connection, idle ones closed
        for connection in list(self.server_state.connections):
            transport = connection.transport
            if transport is None or not transport.is_closing():
                connection.shutdown()
            # Else closed already (its keep-alive ran out) and waiting for the client's TLS close_notify, which an idle
            # pooled client never sends: shutdown() would close it again, and a second close() of an SSL transport drops
            # its TLS layer, after which abort() does nothing and the server waited out its graceful timeout.
            if transport is not None and transport.is_closing() and _nothing_left_to_send(transport):
                transport.abort()  # nothing left to send: do not wait for the client's close_notify
        for _ in range(ABORT_TURNS):  # an aborted connection's end is called a turn or two later, not at once
            if not self.server_state.connections:
                break
            await asyncio.sleep(0)
        if self.server_state.connections or self.server_state.tasks:
            await super().shutdown(sockets)  # a request still being answered: uvicorn's graceful wait
            return
        uvicorn_logger.info("Shutting down")  # uvicorn's first line of its shutdown, for a log at info level
        for sock in sockets or []:
            sock.close()
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()  # what uvicorn's shutdown ends with


def _nothing_left_to_send(transport: asyncio.BaseTransport) -> bool:
    try:
        return not transport.get_write_buffer_size()  # type: ignore[attr-defined]  # a WriteTransport's
    except AttributeError:  # an SSL transport whose protocol is already gone: nothing can be sent any more
        return True


KEEP_ALIVE_S = 5  # how long an emulator keeps an idle connection open (uvicorn's default, and many servers')

# Set as a server of the running loop starts to stop: a request held open on purpose (Mobile ID's waiting page's
# long-poll) answers at once, rather than hold the stop for uvicorn's graceful wait and be cancelled, which uvicorn logs
# at ERROR ("Cancel 1 running task(s)") on every restart of a deployed emulator. One per loop: the tests' servers each
# run their own, in threads of one process.
_STOPPING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = weakref.WeakKeyDictionary()


def stopping() -> asyncio.Event:
    """The running loop's "its server is stopping" event."""
    loop = asyncio.get_running_loop()
    if (event := _STOPPING.get(loop)) is None:
        event = _STOPPING[loop] = asyncio.Event()
    return event


class PathOnlyAccessLog(logging.Filter):
    """uvicorn's access line with the request's path and not its query: a query carries what must not reach a log,
    Mobile ID's login session id (with which its waiting page hands out the sign-in's code), ``state``, ``nonce``,
    ``login_hint``, a code sent back by query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:  # client, method, path with query, HTTP version, status
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


ACCESS_LOG_FILTER = PathOnlyAccessLog()


def uvicorn_config(app: ASGIApp, **options: Any) -> uvicorn.Config:
    """uvicorn's settings for every emulator server: the timed protocol, a ``KEEP_ALIVE_S`` keep-alive, access lines
    without queries."""
    options.setdefault("timeout_keep_alive", KEEP_ALIVE_S)
    config = uvicorn.Config(app, http=TimedH11Protocol, **options)  # configures uvicorn's loggers
    logging.getLogger("uvicorn.access").addFilter(ACCESS_LOG_FILTER)  # once: a filter already there is not added again
    return config


def port_number(text: str) -> int:
    """``--port``'s argparse type for both servers: 0 to 65535 (a bind of another is a traceback, not a message)."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535; 0 picks a free port)")
    return int(text)


def bind(host: str, port: int, option: str = "--port") -> socket.socket:
    """A listening socket on ``host``:``port``; SystemExit saying why not and what to change (``option``: the port's)."""
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
        # A name that does not resolve, or an address that is not this machine's, is the host's fault, not the port's.
        if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
            fix = "Give --host an address of this machine (127.0.0.1, or 0.0.0.0 for every one)."
        else:
            fix = f"Choose another {option} (0 picks a free one)."
        raise SystemExit(f"cannot listen on {host}:{port}: {error.strerror}. {fix}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run(
    app: ASGIApp,
    sock: socket.socket,
    *,
    on_ready: Callable[[], None],
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "warning",
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
) -> None:
    config = uvicorn_config(
        app,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level=log_level,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    try:  # here, not in serve(): a certificate or key that cannot be loaded is said as such, not as uvicorn's traceback
        config.load()
    except (ssl.SSLError, OSError) as error:
        raise SystemExit(f"cannot serve HTTPS with the certificate chain {ssl_certfile} and the key {ssl_keyfile}: "
                         f"{getattr(error, 'strerror', None) or getattr(error, 'reason', None) or error}; give a PEM certificate "
                         "chain and its unencrypted private key") from None
    asyncio.run(Server(config, on_ready).serve(sockets=[sock]))


class ServerThread:
    """uvicorn in a background thread (no signal handlers there), for an in-process stack and tests; ``stop()`` shuts it down."""

    def __init__(self, app: Any, sock: socket.socket, *, certfile: str | None = None, keyfile: str | None = None) -> None:
        config = uvicorn_config(app, ssl_certfile=certfile, ssl_keyfile=keyfile, log_level="warning",
                                lifespan="off", timeout_graceful_shutdown=1)
        self._settled = threading.Event()  # serving, or ended without
        self._failure: BaseException | None = None  # why it ended without serving
        # Server stops at once on idle keep-alives (1 s per stop before) and says when it serves.
        self.server = Server(config, on_ready=self._ready)
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, once it serves
        self._sock = sock
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve(sockets=[self._sock]))
        except BaseException as error:
            if self.server.started:
                raise  # while serving: the thread's exception fails the test that saw it (pytest.ini)
            self._failure = error  # start() reports it
        finally:
            self._settled.set()

    def _ready(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._settled.set()

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        host, port = self._sock.getsockname()[:2]
        address = f"{host}:{port}"
        if not self._settled.wait(timeout):
            self.server.stop_soon()  # should it start after all: no server left behind on the socket
            self._thread.join(1)
            raise RuntimeError(f"the server on {address} did not start within {timeout:g} s")
        if not self.server.started:
            raise RuntimeError(f"the server on {address} did not start: {self._failure!r}") from self._failure

    def stop(self, timeout: float = 5.0) -> None:
        self.server.stop_soon()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError(f"the server on {':'.join(map(str, self._sock.getsockname()[:2]))} did not stop within {timeout:g} s")
