"""mocks.common.serve: a server stops when told, not at uvicorn's next look at its flag, and does not wait for idle
keep-alive connections, but lets a request being answered finish; a server thread that cannot start says why."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from fixtures.process_output import output_lines, read_until
from mocks.common import net
from mocks.common import serve as serve_module
from mocks.common.serve import Server, ServerThread, bind, uvicorn_config
from mocks.stack import running_stack

ROOT = Path(__file__).resolve().parent.parent
LONG_TICK = 60.0  # uvicorn's look at its exit flag every so often, made longer than any test's patience


class UvicornsOwnShutdown:
    """uvicorn's own shutdown (its pause, then its wait for open connections), which ours leaves out when nothing is
    left open: how often it ran, and what it does first (``before``)."""

    def __init__(self) -> None:
        self.calls = 0
        self.before: Callable[[], object] = lambda: None


@pytest.fixture
def uvicorns_own_shutdown(monkeypatch: pytest.MonkeyPatch) -> UvicornsOwnShutdown:
    seen, original = UvicornsOwnShutdown(), uvicorn.Server.shutdown

    async def shutdown(self: uvicorn.Server, sockets: list[socket.socket] | None = None) -> None:
        seen.calls += 1
        seen.before()
        await original(self, sockets)

    monkeypatch.setattr(uvicorn.Server, "shutdown", shutdown)
    return seen


def parked(server: Server) -> bool:
    """Whether the server's loop waits out its tick (asyncio.Event's waiters, private to asyncio): a stop asked before
    that is seen at the tick's start, woken or not, and would show nothing."""
    return bool(getattr(server._stop_asked, "_waiters", None))


def test_a_server_thread_told_to_stop_stops_without_waiting_for_uvicorns_next_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Server, "TICK", LONG_TICK)
    sock = bind("127.0.0.1", 0)
    server = ServerThread(Starlette(), sock)
    try:
        server.start(timeout=5)
        deadline = time.monotonic() + 5
        while not parked(server.server):
            assert time.monotonic() < deadline, "the server's loop never waited out a tick"
            time.sleep(0.01)
        server.stop(timeout=5)  # raises "did not stop within 5 s" while the server sleeps out its tick
    finally:
        sock.close()


def test_a_stop_signal_ends_the_server_process_without_waiting_for_uvicorns_next_tick() -> None:
    """SIGTERM, as a run's end sends its stack: the signal's handler runs while the loop waits in select()."""
    program = f"""
import asyncio, uvicorn
from starlette.applications import Starlette
import threading, time
from mocks.common.serve import Server, bind
from tests.test_common_serve import parked
Server.TICK = {LONG_TICK}
sock = bind("127.0.0.1", 0)
config = uvicorn.Config(Starlette(), log_level="warning", lifespan="off")
server = Server(config)
def say_when_parked():  # a poll with a deadline: parked() reads asyncio internals, which may change
    deadline = time.monotonic() + 10
    while not parked(server):
        if time.monotonic() > deadline:
            print("never parked within 10 s", flush=True)
            return
        time.sleep(0.01)
    print("parked", flush=True)
threading.Thread(target=say_when_parked, daemon=True).start()
asyncio.run(server.serve(sockets=[sock]))
"""
    process = subprocess.Popen([sys.executable, "-c", program], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        said = read_until(output_lines(process), time.monotonic() + 30, lambda line: True, [])
        assert said == "parked", said  # waiting in select(), its tick 60 s
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    finally:
        process.kill()
    assert process.returncode == -signal.SIGTERM  # uvicorn raises the signal it caught again once it has shut down


def test_a_request_being_answered_at_the_stop_is_answered_before_the_server_ends(uvicorns_own_shutdown: UvicornsOwnShutdown) -> None:
    """The shutdown skips uvicorn's pause for connections to close only when none is left; a request in flight gets
    uvicorn's graceful wait. The request is answered only once uvicorn's own shutdown has begun."""
    arrived, release = threading.Event(), threading.Event()
    uvicorns_own_shutdown.before = release.set

    async def slow(request: Request) -> PlainTextResponse:
        arrived.set()
        await asyncio.to_thread(release.wait, 5)
        return PlainTextResponse("answered")

    sock = bind("127.0.0.1", 0)
    server = ServerThread(Starlette(routes=[Route("/slow", slow)]), sock)
    host, port = sock.getsockname()[:2]
    answers: list[httpx.Response] = []
    client = threading.Thread(target=lambda: answers.append(httpx.get(f"http://{host}:{port}/slow", timeout=10)))
    try:
        server.start(timeout=5)
        client.start()
        assert arrived.wait(5)
        stopping = threading.Thread(target=server.stop)
        stopping.start()
        stopping.join(10)
        client.join(10)
        assert not stopping.is_alive() and not client.is_alive(), "the stop or the request did not end"
    finally:
        release.set()
        sock.close()
    assert [(answer.status_code, answer.text) for answer in answers] == [(200, "answered")]


def test_a_stop_drops_an_idle_tls_keep_alive_instead_of_waiting_out_the_graceful_timeout(
        caplog: pytest.LogCaptureFixture, uvicorns_own_shutdown: UvicornsOwnShutdown) -> None:
    stack = running_stack()
    info = stack.__enter__()
    uvicorn_log = logging.getLogger("uvicorn.error")  # uvicorn's own logging does not reach the root logger
    uvicorn_log.addHandler(caplog.handler)
    try:
        with net.client(info.host_map, verify=False) as idle:  # the connection, not the certificate, is the subject here
            assert idle.get("https://jwt.ms/").status_code == 200  # the connection stays open, idle, in the pool
            stack.__exit__(None, None, None)
    finally:
        uvicorn_log.removeHandler(caplog.handler)
    # What uvicorn says when it gave up waiting for open connections (its graceful timeout, 1 s here)
    assert not [r.getMessage() for r in caplog.records if "timeout graceful shutdown exceeded" in r.getMessage()]
    assert uvicorns_own_shutdown.calls == 0  # nothing left to wait for once the idle connection is dropped


def test_a_stop_drops_a_tls_connection_its_keep_alive_closed_while_the_client_stayed_silent(
        monkeypatch: pytest.MonkeyPatch, uvicorns_own_shutdown: UvicornsOwnShutdown) -> None:
    """A client that keeps a connection in its pool and never reads it (B2C's back channel to Mobile ID, in the stack's
    own process) does not answer the server's TLS close_notify when the keep-alive runs out: the server's end waits for
    it. A stop drops that connection too, as an idle one, rather than waiting out uvicorn's graceful timeout (the
    stack's stop after a run whose last back-channel call was over 5 s before took 2.2 s)."""
    own = serve_module.uvicorn_config
    monkeypatch.setattr(serve_module, "uvicorn_config", lambda app, **options: own(app, **{**options, "timeout_keep_alive": 0.2}))
    with contextlib.ExitStack() as client:  # the client's socket outlives the stack: it is closed only after the stop
        with running_stack() as info:
            tls = ssl.create_default_context(cafile=str(info.ca_path))
            silent = client.enter_context(tls.wrap_socket(socket.create_connection(("127.0.0.1", info.port), timeout=5),
                                                          server_hostname="jwt.ms"))
            silent.sendall(b"GET / HTTP/1.1\r\nHost: jwt.ms\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += silent.recv(65536)
            head, body = answer.split(b"\r\n\r\n", 1)
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")))
            while len(body) < length:
                body += silent.recv(65536)
            assert head.startswith(b"HTTP/1.1 200 ")  # answered whole: the connection is idle now, kept alive
            closing, _, _ = select.select([silent], [], [], 5)  # the server's close_notify, its keep-alive out; left unread
            assert closing, "the server did not close the idle connection when its keep-alive ran out"
        # The stack stopped, the silent client still connected: uvicorn's own shutdown, its graceful wait, never ran.
    assert uvicorns_own_shutdown.calls == 0


def test_a_stopped_server_thread_told_to_stop_again_has_nothing_to_do() -> None:
    """Its loop is closed by then: a second stop (a clean-up after a failure) must not raise in place of that failure."""
    sock = bind("127.0.0.1", 0)
    server = ServerThread(Starlette(), sock)
    try:
        server.start(timeout=5)
        server.stop(timeout=5)
        server.stop(timeout=5)
    finally:
        sock.close()


def test_a_stop_with_nothing_left_open_still_ends_the_apps_lifespan(caplog: pytest.LogCaptureFixture,
                                                                     uvicorns_own_shutdown: UvicornsOwnShutdown) -> None:
    """The stack's apps close their back-channel clients at their lifespan's end (mocks/b2c/app.py): the fast shutdown,
    which leaves out uvicorn's own, must still end it, and say that it shuts down as uvicorn does."""
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    sock = bind("127.0.0.1", 0)
    ready = threading.Event()
    server = Server(uvicorn_config(Starlette(lifespan=lifespan), lifespan="on", log_level="info"), on_ready=ready.set)
    thread = threading.Thread(target=asyncio.run, args=(server.serve([sock]),))
    uvicorn_log = logging.getLogger("uvicorn.error")  # uvicorn's own logging does not reach the root logger
    uvicorn_log.addHandler(caplog.handler)
    try:
        thread.start()
        assert ready.wait(5)
        server.stop_soon()
        thread.join(5)
    finally:
        uvicorn_log.removeHandler(caplog.handler)
        sock.close()
    assert not thread.is_alive() and events == ["startup", "shutdown"] and uvicorns_own_shutdown.calls == 0
    assert "Shutting down" in [record.getMessage() for record in caplog.records]


def test_a_server_thread_that_cannot_start_says_why_at_once() -> None:
    """Not after its start timeout ("did not start within ..."): the thread's end wakes start(), which names the cause."""
    sock = bind("127.0.0.1", 0)
    server = ServerThread(Starlette(), sock, certfile="/nonexistent/chain.pem", keyfile="/nonexistent/key.pem")
    try:
        with pytest.raises(RuntimeError, match=r"the server on 127\.0\.0\.1:\d+ did not start: .*No such file"):
            server.start(timeout=5)
    finally:
        sock.close()


def test_a_server_thread_that_does_not_end_when_told_says_so() -> None:
    """A stop that leaves the thread serving would leave its port taken for the rest of the run: said, not passed over."""
    sock = bind("127.0.0.1", 0)
    server = ServerThread(Starlette(), sock)
    release = threading.Event()

    async def serve_and_ignore_the_stop(sockets: object = None) -> None:
        server.server.started = True  # as uvicorn marks itself, then says so
        server.server.on_ready()
        await asyncio.to_thread(release.wait)  # a server that does not look at should_exit

    server.server.serve = serve_and_ignore_the_stop  # type: ignore[method-assign]
    try:
        server.start(timeout=5)
        with pytest.raises(RuntimeError, match=r"the server on 127\.0\.0\.1:\d+ did not stop within 0\.2 s"):
            server.stop(timeout=0.2)
    finally:
        release.set()
        server.stop(timeout=5)  # now it ends: no thread left serving into the next test
        sock.close()


def test_a_server_thread_that_does_not_start_in_time_is_told_to_stop_and_serves_nothing_afterwards() -> None:
    """A start that outlasts its timeout: the server that comes up later is stopped, not left serving on the socket."""
    sock = bind("127.0.0.1", 0)
    server = ServerThread(Starlette(), sock)
    late, serve = threading.Event(), server.server.serve

    async def serve_late(sockets: list[socket.socket] | None = None) -> None:
        await asyncio.to_thread(late.wait, 5)  # a start slower than start()'s patience
        await serve(sockets)

    server.server.serve = serve_late  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError, match=r"the server on 127\.0\.0\.1:\d+ did not start within 0\.1 s"):
            server.start(timeout=0.1)
        late.set()
        server._thread.join(5)
        assert not server._thread.is_alive()
    finally:
        late.set()
        server.server.stop_soon()
        server._thread.join(5)
        sock.close()
