"""Mobile ID's control API in the stack: only for loopback clients, or with a token (issue 12, item 3).

The stack is built for a ``--host`` without binding it (the socket is a loopback
one that never listens), and requests come through ASGI with the client
address we choose, so nothing here listens beyond loopback.
"""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from mocks.stack import StackConfig, build_stack, mobileid_control, ready_lines
from tests.event_loop import run

REMOTE = ("203.0.113.7", 40000)
LOCAL = ("127.0.0.1", 40000)
TOKEN = "c0ntrol-t0ken"


def control_status(app, client: tuple[str, int], token: str | None = None) -> int:
    async def call() -> int:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="https://openid.mobileid.ch") as http:
            return (await http.get("/control/transactions", headers=headers)).status_code

    return run(call())


@pytest.fixture
def stack_for(tmp_path: Path):
    def build(host: str, token: str | None = None):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            app, info, _ = build_stack(StackConfig(host=host, port=0, control_token=token), sock, tmp_path)
        return app, info

    return build


def test_a_non_loopback_host_without_a_token_has_no_control_api(stack_for) -> None:
    app, info = stack_for("0.0.0.0")
    assert control_status(app, REMOTE) == 404
    assert control_status(app, LOCAL) == 404
    assert info.control.startswith("off: --host 0.0.0.0 is not loopback") and "MOBILEID_CONTROL_TOKEN" in info.control
    assert f"Mobile ID control API: {info.control}" in ready_lines(info)


def test_a_non_loopback_host_with_a_token_requires_it(stack_for) -> None:
    app, info = stack_for("0.0.0.0", TOKEN)
    assert control_status(app, REMOTE) == 401
    assert control_status(app, REMOTE, "wrong") == 401
    assert control_status(app, REMOTE, TOKEN) == 200
    assert info.control == "on (token required)" and TOKEN not in "\n".join(ready_lines(info))


def test_on_loopback_without_a_token_a_non_loopback_request_is_refused(stack_for) -> None:
    app, info = stack_for("127.0.0.1")
    assert control_status(app, LOCAL) == 200
    assert control_status(app, ("::ffff:127.0.0.1", 40000)) == 200
    assert control_status(app, REMOTE) == 403
    assert control_status(app, ("::ffff:203.0.113.7", 40000)) == 403


@pytest.mark.parametrize(("host", "token", "on"), [
    ("127.0.0.1", None, True), ("::1", None, True), ("localhost", None, True),
    ("0.0.0.0", None, False), ("::", None, False), ("192.0.2.10", None, False), ("0.0.0.0", TOKEN, True),
])
def test_the_gate_decision(host: str, token: str | None, on: bool) -> None:
    assert mobileid_control(host, token)[0] is on
