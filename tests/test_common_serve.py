"""mocks.common.serve: stopping a server does not wait for idle keep-alive connections; a server thread that cannot start says why."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from starlette.applications import Starlette

from mocks.common import net
from mocks.common.serve import ServerThread, bind
from mocks.stack import running_stack


def test_a_stop_drops_an_idle_tls_keep_alive_instead_of_waiting_out_the_graceful_timeout(caplog: pytest.LogCaptureFixture) -> None:
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
