"""Slow or endless requests end within seconds (issue 12, item 7): uvicorn itself has no such limit.

The deadlines (5 s each) are shortened here to DEADLINE: the server in the thread reads both when a
connection or a body starts, so the tests see the same mechanism without waiting 15 s of real time.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from mocks.common import params
from mocks.common.serve import TimedH11Protocol
from mocks.faults import Fault
from tests.mobileid.support import WAITING_NUMBER, LiveServer, User

DEADLINE = 0.5
GRACE = 3.0  # scheduling on a loaded 2-core machine


@pytest.fixture(autouse=True)
def short_deadlines(monkeypatch) -> None:
    monkeypatch.setattr(TimedH11Protocol, "header_timeout", DEADLINE)
    monkeypatch.setattr(params, "BODY_READ_TIMEOUT", DEADLINE)


def connect(emulator) -> socket.socket:
    address = urlsplit(emulator.url)
    return socket.create_connection((address.hostname, address.port), timeout=2 * DEADLINE + GRACE)


def read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_a_body_shorter_than_declared_gets_408_and_the_connection_closes(emulator) -> None:
    with connect(emulator) as sock:
        started = time.monotonic()
        sock.sendall(b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 1000\r\n\r\ngrant_t")
        answer = read_until_closed(sock)
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert took < DEADLINE + GRACE


def test_a_request_head_that_never_ends_is_closed(emulator) -> None:
    with connect(emulator) as sock:
        started = time.monotonic()
        sock.sendall(b"POST /token HTTP/1.1\r\nHost: x\r\n")
        answer = read_until_closed(sock)
        took = time.monotonic() - started
    assert answer == b"" and DEADLINE / 2 < took < DEADLINE + GRACE


def test_a_head_sent_a_byte_at_a_time_does_not_extend_the_deadline(emulator) -> None:
    head = b"GET /.well-known/openid-configuration HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
    with connect(emulator) as sock:
        started = time.monotonic()
        closed_after = None
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed_after = time.monotonic() - started
                break
            sock.settimeout(0.1)
            try:
                if sock.recv(1) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                pass  # still open: the next byte, a tenth of a second later
            except ConnectionResetError:  # closed with a reset (a byte sent after the server closed): closed all the same
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None and closed_after < DEADLINE + GRACE


def test_a_prompt_request_on_a_kept_connection_is_not_cut(emulator) -> None:
    with emulator.client() as http:
        for _ in range(3):
            assert http.get("/.well-known/openid-configuration").status_code == 200


def test_a_long_poll_whose_page_went_away_ends_at_once(emulator, user) -> None:
    """The waiting page's poll holds a request for up to 25 s; once its page is gone nobody reads the answer,
    and a server stopping meanwhile would wait for it."""
    session = user.start_transaction()  # a phone that never answers
    earlier = emulator.requests_in_flight(timeout=1, at_least=0)  # an earlier test's, on this module's emulator
    with connect(emulator) as sock:
        sock.sendall(f"GET /oidc/wait/status?session={session} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        polls = emulator.requests_in_flight(timeout=5, besides=earlier)
        assert len(polls) == 1, f"the server answered {len(polls)} requests, not the one poll, 5 s after it was sent"
        assert not emulator.requests_end(polls, timeout=0.3), "the poll was answered at once: it is not held, so nothing is shown"
    # the connection is closed: the page went away
    assert emulator.requests_end(polls, timeout=5), \
        "the long-poll still waited 5 s after its client closed the connection (mocks/mobileid/web.py _unless_gone)"


@pytest.fixture
def user_of_its_own() -> Iterator[tuple[LiveServer, User]]:
    """An emulator the test stops, with a user's client of its own."""
    server = LiveServer().__enter__()
    try:
        with server.client() as http:
            yield server, User(http)
    finally:
        server.__exit__()


def test_a_long_poll_open_as_the_server_stops_answers_pending_at_once(user_of_its_own: tuple[LiveServer, User]) -> None:
    """A deployed emulator's restart with a waiting page open: the poll held the stop for uvicorn's graceful wait (2 s),
    then was cancelled, logged at ERROR ("Cancel 1 running task(s)"), and its page got no answer."""
    server, user = user_of_its_own
    session = user.start_transaction()  # a phone that never answers
    with connect(server) as sock:
        sock.sendall(f"GET /oidc/wait/status?session={session} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        polls = server.requests_in_flight(timeout=5)
        assert len(polls) == 1 and not server.requests_end(polls, timeout=0.3), "the poll is not held: the test shows nothing"
        started = time.monotonic()
        server.__exit__()
        stopped_in = time.monotonic() - started
        answer = read_until_closed(sock)
    # A poll that held the stop got no answer at all: the graceful wait ended by cancelling it (its time, which a busy
    # machine stretches, says less: ServerThread's wait is 1 s, the command line's 2 s).
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b'{"status":"pending"}'), (answer[-300:], f"stopped in {stopped_in:.2f} s")


def phone_wait(msisdn: str = WAITING_NUMBER) -> bytes:
    """The README's ``curl -X POST .../control/phones/{msisdn}/approve?wait=60``: waits for the number's transaction."""
    return f"POST /control/phones/{msisdn}/approve?wait=60 HTTP/1.1\r\nHost: x\r\n\r\n".encode()


def test_a_phone_wait_whose_caller_went_away_approves_no_later_sign_in(emulator, user) -> None:
    """A curl of the control API given up on (Ctrl-C) held its wait: the number's next sign-in, up to 60 s later, was
    approved by nobody's phone."""
    earlier = emulator.requests_in_flight(timeout=1, at_least=0)
    with connect(emulator) as sock:
        sock.sendall(phone_wait())
        waits = emulator.requests_in_flight(timeout=5, besides=earlier)
        assert len(waits) == 1 and not emulator.requests_end(waits, timeout=0.3), "the wait is not held: the test shows nothing"
    assert emulator.requests_end(waits, timeout=5), \
        "the phone's wait still waited 5 s after its caller closed the connection (mocks/mobileid/held.py)"
    user.start_transaction()
    [transaction] = user.http.get("/control/transactions", params={"msisdn": WAITING_NUMBER}).json()["transactions"]
    assert transaction["status"] == "pending", transaction


def test_a_phone_wait_open_as_the_server_stops_says_so_at_once(user_of_its_own: tuple[LiveServer, User]) -> None:
    """README, The local stack by hand: Ctrl-C with the control API's curl waiting held the stop for uvicorn's graceful
    wait, then cancelled the wait with a traceback in the stack's output, and the curl read "Internal Server Error"."""
    server, _ = user_of_its_own
    with connect(server) as sock:
        sock.sendall(phone_wait())
        waits = server.requests_in_flight(timeout=5)
        assert len(waits) == 1 and not server.requests_end(waits, timeout=0.3), "the wait is not held: the test shows nothing"
        server.__exit__()
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 503 ") and b'"error":"stopping"' in answer, answer[-300:]


def test_a_slow_idp_answer_open_as_the_server_stops_is_given_at_once() -> None:
    """The slow-idp fault holds token and userinfo slow_idp_delay (5 s) seconds: a deployed emulator stopped meanwhile (a
    platform's SIGTERM) held the stop for uvicorn's graceful wait, then cancelled the request with a traceback in its log,
    and B2C's call read "500 Internal Server Error" (README: nothing answers 500 but the failing faults)."""
    server = LiveServer(faults=frozenset({Fault.SLOW_IDP}), slow_idp_delay=30).__enter__()
    try:
        with connect(server) as sock:
            sock.sendall(b"GET /userinfo HTTP/1.1\r\nHost: x\r\n\r\n")
            calls = server.requests_in_flight(timeout=5)
            assert len(calls) == 1 and not server.requests_end(calls, timeout=0.3), "userinfo is not held: the test shows nothing"
            server.__exit__()
            answer = read_until_closed(sock)
    finally:
        server.__exit__()
    # Its own answer (no token: 401), given as the stop began, not the graceful wait's cancellation.
    assert answer.startswith(b"HTTP/1.1 401 ") and b'"error":"invalid_request"' in answer, answer[-300:]
